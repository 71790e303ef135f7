//! CI and editor integration of the binary: `--format github` annotations, `--stdin-filename`,
//! `--output-file`, `--no-errors-on-unmatched`, and the clean-file cache (`.leaklint_cache/`).

use std::path::Path;
use std::process::{Command, Output, Stdio};

mod support;

const LEAK: &str = "const cache = new Map();\nexport function get(req) {\n  cache.set(req.params.id, req.body);\n}\n";

fn leaklint(dir: &Path, args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_leaklint"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    {
        use std::io::Write;
        child
            .stdin
            .take()
            .unwrap()
            .write_all(stdin.as_bytes())
            .unwrap();
    }
    child.wait_with_output().unwrap()
}

fn out(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn write(dir: &Path, rel: &str, text: &str) {
    let p = dir.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

#[test]
fn github_annotations_are_escaped_and_relative_to_the_repository() {
    let d = tempfile::tempdir().unwrap();
    std::fs::create_dir(d.path().join(".git")).unwrap();
    write(d.path(), "web/a,b.js", LEAK);
    let o = leaklint(&d.path().join("web"), &["--format", "github", "a,b.js"], "");
    assert_eq!(o.status.code(), Some(1));
    let text = out(&o);
    let line = text.lines().next().unwrap();
    assert!(
        line.starts_with("::error file=web/a%2Cb.js,line=1,col=7,endLine=1,endColumn=12,title=no-unbounded-collection::module-level Map `cache`"),
        "{line}"
    );
    // The help goes on a second line inside the same annotation.
    assert!(
        line.contains("[high confidence]%0Ahelp: bound it"),
        "{line}"
    );
    assert_eq!(text.lines().count(), 1, "{text}");
}

#[test]
fn stdin_is_linted_as_the_given_file_with_its_configuration() {
    let d = tempfile::tempdir().unwrap();
    write(
        d.path(),
        "leaklint.toml",
        "exclude = [\"gen/**\"]\n[rules]\nno-unbounded-collection = \"warn\"\n",
    );
    let o = leaklint(
        d.path(),
        &["--format", "concise", "--stdin-filename", "src/x.tsx"],
        LEAK,
    );
    assert_eq!(o.status.code(), Some(0), "warnings only");
    assert!(
        out(&o).contains("src/x.tsx:1:7: no-unbounded-collection"),
        "{}",
        out(&o)
    );
    // The file does not need to exist, and nothing is read from disk.
    assert!(!d.path().join("src/x.tsx").exists());
    // An excluded name with --force-exclude is skipped like an excluded explicit path.
    let o = leaklint(
        d.path(),
        &[
            "--format",
            "concise",
            "--force-exclude",
            "--no-errors-on-unmatched",
            "--stdin-filename",
            "gen/x.js",
        ],
        LEAK,
    );
    assert_eq!(o.status.code(), Some(0));
    assert!(!out(&o).contains("no-unbounded-collection"), "{}", out(&o));
}

#[test]
fn unmatched_paths_are_an_error_unless_allowed() {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "leaklint.toml", "exclude = [\"gen/**\"]\n");
    write(d.path(), "gen/a.js", LEAK);
    write(d.path(), "notes.md", "# notes\n");
    let args = ["check", "--force-exclude", "gen/a.js", "notes.md"];
    let o = leaklint(d.path(), &args, "");
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--no-errors-on-unmatched"));
    let mut allowed = args.to_vec();
    allowed.push("--no-errors-on-unmatched");
    assert_eq!(leaklint(d.path(), &allowed, "").status.code(), Some(0));
    // One linted path among ignored ones is a normal run.
    write(d.path(), "ok.js", "export const x = 1;\n");
    let o = leaklint(
        d.path(),
        &["check", "--force-exclude", "gen/a.js", "ok.js"],
        "",
    );
    assert_eq!(o.status.code(), Some(0));
}

#[test]
fn output_file_takes_any_format() {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "a.js", LEAK);
    for format in ["concise", "json", "github", "pretty"] {
        let o = leaklint(
            d.path(),
            &["--format", format, "--output-file", "report.txt", "a.js"],
            "",
        );
        assert_eq!(o.status.code(), Some(1));
        assert!(o.stdout.is_empty(), "{format}");
        let report = std::fs::read_to_string(d.path().join("report.txt")).unwrap();
        assert!(
            report.contains("no-unbounded-collection"),
            "{format}: {report}"
        );
    }
}

#[test]
fn the_cache_skips_clean_files_and_never_hides_findings() {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "clean.js", "export const x = 1;\n");
    write(d.path(), "leak.js", LEAK);
    let first = leaklint(d.path(), &["--format", "concise"], "");
    assert_eq!(first.status.code(), Some(1));
    let cache = d.path().join(".leaklint_cache");
    assert!(cache.join("CACHEDIR.TAG").is_file());
    assert_eq!(
        std::fs::read_to_string(cache.join(".gitignore"))
            .unwrap()
            .lines()
            .last(),
        Some("*")
    );
    // Same tree: the same report (the leak is linted again, the clean file comes from the cache).
    let second = leaklint(d.path(), &["--format", "concise"], "");
    assert_eq!(out(&first), out(&second));
    // A change to a cached clean file is linted.
    write(d.path(), "clean.js", LEAK);
    let third = leaklint(d.path(), &["--format", "concise"], "");
    assert!(out(&third).contains("clean.js:1:7"), "{}", out(&third));
    // Other settings miss the cache: a rule turned on again still reports.
    write(
        d.path(),
        "clean.js",
        "export function f() {\n  setInterval(() => {}, 10);\n}\n",
    );
    write(
        d.path(),
        "leaklint.toml",
        "[rules]\nno-leaked-timer = \"off\"\n",
    );
    assert_eq!(
        leaklint(d.path(), &["--format", "concise", "clean.js"], "")
            .status
            .code(),
        Some(0)
    );
    std::fs::remove_file(d.path().join("leaklint.toml")).unwrap();
    let o = leaklint(d.path(), &["--format", "concise", "clean.js"], "");
    assert!(out(&o).contains("no-leaked-timer"), "{}", out(&o));
    // --no-cache neither reads nor writes.
    let e = tempfile::tempdir().unwrap();
    write(e.path(), "a.js", "export const x = 1;\n");
    leaklint(e.path(), &["--no-cache"], "");
    assert!(!e.path().join(".leaklint_cache").exists());
}

/// Copies folder `from` into `to` (created).
fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_tree(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).unwrap();
        }
    }
}

/// Each project of `fixtures/project/` (copied), checked at every confidence: the run served by
/// the cache (files clean alone come with their stored summaries, and the project pass runs again)
/// reports byte for byte what the first run did, and the cache then holds the summaries.
#[test]
fn a_warm_run_of_each_project_fixture_reports_what_the_cold_run_did() {
    let cases = support::project_fixtures();
    let mut largest = 0;
    for case in &cases {
        for confidence in ["low", "medium", "high"] {
            let d = tempfile::tempdir().unwrap();
            copy_tree(case, d.path());
            let args = ["check", "--format", "json", "--min-confidence", confidence];
            let cold = leaklint(d.path(), &args, "");
            let clean = std::fs::read_dir(d.path().join(".leaklint_cache"))
                .unwrap()
                .map(|e| e.unwrap().path().join("clean"))
                .find(|p| p.is_file())
                .expect("the first run wrote the cache");
            // More than the magic line and bare entries: summaries are stored (in the projects
            // with clean files that take part in the pass; checked over all of them below).
            largest = largest.max(std::fs::metadata(&clean).unwrap().len());
            let warm = leaklint(d.path(), &args, "");
            assert_eq!(cold.status.code(), warm.status.code());
            assert_eq!(out(&cold), out(&warm), "{} at {confidence}", case.display());
            let uncached = leaklint(d.path(), &[&args[..], &["--no-cache"]].concat(), "");
            assert_eq!(out(&cold), out(&uncached), "{}", case.display());
        }
    }
    assert!(largest > 100, "no cache held summaries: {largest} bytes");
}

/// An unchanged exporter, clean alone and served from the cache, gets its finding when an
/// importer that changed now uses its export on every request, and loses it again when the
/// importer goes back to a single call at start-up: the project pass is never cached.
#[test]
fn a_changed_importer_changes_the_verdict_on_a_cached_exporter() {
    let d = tempfile::tempdir().unwrap();
    copy_tree(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/project/per-request-handler"),
        d.path(),
    );
    let per_request = std::fs::read_to_string(d.path().join("server.js")).unwrap();
    let once =
        "import { onOrder } from './handlers.js';\n\nonOrder({}, { write() {}, end() {} });\n";
    // At `high`, handlers.js is clean alone (its finding is `medium`): it is cached.
    let args = ["check", "--format", "json", "--min-confidence", "high"];
    let uncached = |d: &Path| out(&leaklint(d, &[&args[..], &["--no-cache"]].concat(), ""));
    write(d.path(), "server.js", once);
    let first = leaklint(d.path(), &args, "");
    assert_eq!(first.status.code(), Some(0), "{}", out(&first));
    write(d.path(), "server.js", &per_request);
    let warm = leaklint(d.path(), &args, "");
    assert_eq!(warm.status.code(), Some(1), "{}", out(&warm));
    assert!(
        out(&warm).contains("on every request (as used at"),
        "{}",
        out(&warm)
    );
    assert_eq!(out(&warm), uncached(d.path()));
    write(d.path(), "server.js", once);
    let back = leaklint(d.path(), &args, "");
    assert_eq!(back.status.code(), Some(0), "{}", out(&back));
    assert_eq!(out(&back), uncached(d.path()));
}
