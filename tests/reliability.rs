//! Never lose a report: a file that crashes the parser becomes an `internal-error` for that file
//! in every output format while the other files are still reported (and it is never cached as
//! clean), and the pretty reporter survives findings past column 65,535.

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

const LEAK: &str = "const cache = new Map();\nexport function get(req) {\n  cache.set(req.params.id, req.body);\n}\n";

/// swc 47 panics on this JSX (`unreachable!()` in `parser/jsx.rs`: `JSXNamespacedName ->
/// JSXObject`). Should swc start to report it as a syntax error, replace it with another input that
/// panics: these tests are about what happens to the rest of the run.
const SWC_PANIC: &str = "const x = <a:b.c />;\n";

fn leaklint(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_leaklint"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn project() -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("bad.jsx"), SWC_PANIC).unwrap();
    std::fs::write(d.path().join("leak.js"), LEAK).unwrap();
    d
}

#[test]
fn a_parser_panic_is_an_internal_error_diagnostic_for_that_file() {
    let d = leaklint::lint_source(
        Path::new("bad.jsx"),
        SWC_PANIC,
        &leaklint::LintOptions::default(),
    );
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!(d[0].rule, "internal-error");
    assert!(
        d[0].message.contains("JSXNamespacedName"),
        "{}",
        d[0].message
    );
    assert!(d[0].help.as_deref().unwrap().contains("report"), "{d:?}");
    // The thread is fine afterwards: the next file lints normally.
    let d = leaklint::lint_source(Path::new("a.js"), LEAK, &leaklint::LintOptions::default());
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!(d[0].rule, "no-unbounded-collection");
}

#[test]
fn the_run_goes_on_in_every_format_and_exits_two() {
    let d = project();
    let p = d.path();
    let check = |format: &str| {
        let o = leaklint(p, &["check", "--no-cache", "--format", format]);
        assert_eq!(o.status.code(), Some(2), "{format}: {}", stderr(&o));
        let err = stderr(&o);
        assert!(err.contains("1 file could not be checked"), "{err}");
        assert!(!err.contains("panicked"), "no backtrace: {err}");
        stdout(&o)
    };

    let concise = check("concise");
    assert!(concise.contains("bad.jsx:1:1: internal-error"), "{concise}");
    assert!(
        concise.contains("leak.js:1:7: no-unbounded-collection"),
        "{concise}"
    );

    let pretty = check("pretty");
    assert!(pretty.contains("internal-error"), "{pretty}");
    assert!(pretty.contains("no-unbounded-collection"), "{pretty}");

    let github = check("github");
    assert!(github.contains("title=internal-error::"), "{github}");
    assert!(
        github.contains("title=no-unbounded-collection::"),
        "{github}"
    );

    let json: Value = serde_json::from_str(&check("json")).unwrap();
    let bad = json
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["filePath"].as_str().unwrap().ends_with("bad.jsx"))
        .unwrap();
    assert_eq!(bad["fatalErrorCount"], 1);
    assert_eq!(bad["messages"][0]["ruleId"], "internal-error");
    assert_eq!(bad["messages"][0]["fatal"], true);

    let sarif: Value = serde_json::from_str(&check("sarif")).unwrap();
    let schema_path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/schemas/sarif-schema-2.1.0.json");
    let schema: Value =
        serde_json::from_str(&std::fs::read_to_string(schema_path).unwrap()).unwrap();
    let validator = jsonschema::draft4::new(&schema).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&sarif)
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
    let run = &sarif["runs"][0];
    // The crash is a tool execution notification naming the file, not a result about the code.
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), 1, "{results:?}");
    assert_eq!(results[0]["ruleId"], "no-unbounded-collection");
    let notes = run["invocations"][0]["toolExecutionNotifications"]
        .as_array()
        .unwrap();
    assert_eq!(notes.len(), 1, "{notes:?}");
    assert_eq!(notes[0]["level"], "error");
    assert_eq!(notes[0]["descriptor"]["id"], "internal-error");
    let index = notes[0]["descriptor"]["index"].as_u64().unwrap() as usize;
    assert_eq!(
        run["tool"]["driver"]["notifications"][index]["id"],
        "internal-error"
    );
    assert_eq!(
        notes[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "bad.jsx"
    );
    assert!(notes[0]["message"]["text"]
        .as_str()
        .unwrap()
        .contains("JSXNamespacedName"));
}

#[test]
fn a_file_that_crashed_is_never_cached_as_clean() {
    let d = project();
    // A clean file, so that the first run writes a cache.
    std::fs::write(d.path().join("clean.js"), "export const a = 1;\n").unwrap();
    for run in 0..2 {
        let o = leaklint(d.path(), &["check", "--format", "concise"]);
        let out = stdout(&o);
        assert_eq!(o.status.code(), Some(2), "run {run}: {}", stderr(&o));
        assert!(
            out.contains("bad.jsx:1:1: internal-error"),
            "run {run}: {out}"
        );
        assert!(out.contains("leak.js:1:7"), "run {run}: {out}");
    }
    assert!(d.path().join(".leaklint_cache").exists());
}

#[test]
fn the_pretty_report_draws_findings_past_column_65535_of_a_minified_bundle() {
    let d = tempfile::tempdir().unwrap();
    // A minified bundle: one 73 KB line, the leak near its end.
    let bundle = format!(
        "{}const cache=new Map();export function get(req){{cache.set(req.params.id,req.body);}}{}\n",
        "var a0=1;".repeat(8000),
        "var b=2;".repeat(100)
    );
    std::fs::write(d.path().join("bundle.min.js"), &bundle).unwrap();
    let o = leaklint(d.path(), &["check", "--no-cache", "--format", "pretty"]);
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(1), "{out}{}", stderr(&o));
    assert!(stderr(&o).is_empty(), "{}", stderr(&o));
    // Drawn with a snippet (the file's position in the header, the code around it underlined),
    // not as a fallback line, and without the 73 KB line.
    assert!(out.contains("╭─[./bundle.min.js:1:72007]"), "{out}");
    assert!(out.contains("const cache=new Map()"), "{out}");
    assert!(out.contains("╰── no-unbounded-collection"), "{out}");
    assert!(out.contains("grows here through `.set()`"), "{out}");
    assert!(out.len() < 4096, "{} bytes", out.len());
    assert!(
        out.ends_with("1 problem (1 error, 0 warnings) in 1 of 1 file\n"),
        "{out}"
    );
}
