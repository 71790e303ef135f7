//! Runs every fixture under `fixtures/rules/<rule>/` at default settings and compares the
//! findings with the `// expect: <rule>` annotations: each annotated line must get exactly that
//! finding, and no other line may get any.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use leaklint::source::LineIndex;
use leaklint::{lint_source, LintOptions};

mod support;

fn fixture_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let p = entry.unwrap().path();
        if p.is_dir() {
            fixture_files(&p, out);
        } else {
            out.push(p);
        }
    }
}

fn expected(text: &str) -> BTreeSet<(u32, String)> {
    let mut out = BTreeSet::new();
    for (i, line) in text.lines().enumerate() {
        if let Some(pos) = line.find("// expect: ") {
            for rule in line[pos + 11..].split(',') {
                out.insert((i as u32 + 1, rule.trim().to_string()));
            }
        }
    }
    out
}

#[test]
fn fixtures_give_exactly_the_expected_findings() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/rules");
    let mut files = Vec::new();
    fixture_files(&root, &mut files);
    files.sort();
    assert!(files.len() >= 19, "fixtures missing: {files:?}");
    let options = LintOptions::default();
    let mut failures = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        let index = LineIndex::new(&text);
        let diags = lint_source(file, &text, &options);
        let got: BTreeSet<(u32, String)> = diags
            .iter()
            .map(|d| (index.position(&text, d.span.start).line, d.rule.to_string()))
            .collect();
        let want = expected(&text);
        let name = file.file_name().unwrap().to_string_lossy();
        if name.contains(".good.") {
            assert!(
                want.is_empty(),
                "{name}: a good fixture must expect nothing"
            );
        } else {
            assert!(
                !want.is_empty(),
                "{name}: a bad fixture must expect something"
            );
        }
        if got != want {
            let detail: Vec<String> = diags
                .iter()
                .map(|d| {
                    format!(
                        "{}:{} {}",
                        index.position(&text, d.span.start).line,
                        d.rule,
                        d.message
                    )
                })
                .collect();
            failures.push(format!(
                "{}: expected {want:?}, got {got:?}\n    {}",
                file.display(),
                detail.join("\n    ")
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The findings `(1-based line, rule, confidence)` each line of `text` announces with `marker`
/// (`// expect:` or `// alone:`, then `<rule> (<confidence>)`).
fn annotated(text: &str, marker: &str) -> BTreeSet<(u32, String, String)> {
    let mut out = BTreeSet::new();
    for (i, line) in text.lines().enumerate() {
        let Some(pos) = line.find(marker) else {
            continue;
        };
        let rest = &line[pos + marker.len()..];
        let rest = rest.split("//").next().unwrap_or(rest).trim();
        let (rule, confidence) = rest.split_once(" (").unwrap_or((rest, ""));
        out.insert((
            i as u32 + 1,
            rule.trim().to_string(),
            confidence.trim_end_matches(')').to_string(),
        ));
    }
    out
}

/// Each folder under `fixtures/project/` linted as a project must give exactly its `// expect:`
/// findings, and each of its files linted alone exactly its `// alone:` findings (at `low` and
/// up, with their confidence): the verdicts that how other modules use a file's exports changes
/// (src/project/).
#[test]
fn project_fixtures_change_verdicts_across_modules() {
    use leaklint::config::ConfigResolver;
    use leaklint::diagnostic::Confidence;

    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/project");
    let cases = support::project_fixtures();
    let configs = ConfigResolver::new(None, &root);
    let alone_options = LintOptions {
        min_confidence: Confidence::Low,
        ..LintOptions::default()
    };
    let mut failures = Vec::new();
    for case in &cases {
        let mut files = Vec::new();
        fixture_files(case, &mut files);
        files.retain(|f| leaklint::source::Dialect::from_path(f).is_some());
        files.sort();
        let (results, errors) = leaklint::walk::lint_files(&files, &configs, Some(Confidence::Low));
        assert!(errors.is_empty(), "{errors:?}");
        for result in &results {
            let text = std::fs::read_to_string(&result.path).unwrap();
            let index = LineIndex::new(&text);
            let found =
                |diags: &[leaklint::diagnostic::Diagnostic]| -> BTreeSet<(u32, String, String)> {
                    diags
                        .iter()
                        .filter(|d| !d.rule.is_empty())
                        .map(|d| {
                            (
                                index.position(&text, d.span.start).line,
                                d.rule.to_string(),
                                d.confidence.as_str().to_string(),
                            )
                        })
                        .collect()
                };
            let in_project = found(&result.diagnostics);
            let want = annotated(&text, "// expect: ");
            if in_project != want {
                failures.push(format!(
                    "{} as a project: expected {want:?}, got {in_project:?}",
                    result.path.display()
                ));
            }
            let alone = found(&lint_source(&result.path, &text, &alone_options));
            let want = annotated(&text, "// alone: ");
            if alone != want {
                failures.push(format!(
                    "{} alone: expected {want:?}, got {alone:?}",
                    result.path.display()
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// A file clean alone is served from the cache with the summary it left, without a parse: once
/// the cache says that server.js (unchanged) uses `onOrder` once instead of on every request,
/// handlers.js loses the finding the project pass gave it. And handlers.js itself, clean alone at
/// `high` but reported by the project pass, is cached with its question and still reported.
#[test]
fn the_cache_gives_back_summaries_instead_of_parsing() {
    use leaklint::cache::Cache;
    use leaklint::config::ConfigResolver;
    use leaklint::diagnostic::Confidence;
    use leaklint::project::UseRuns;

    let d = tempfile::tempdir().unwrap();
    let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/project/per-request-handler");
    for name in ["bus.js", "handlers.js", "server.js"] {
        std::fs::copy(from.join(name), d.path().join(name)).unwrap();
    }
    let files: Vec<PathBuf> = ["bus.js", "handlers.js", "server.js"]
        .iter()
        .map(|n| d.path().join(n))
        .collect();
    let configs = ConfigResolver::new(None, d.path());
    let high = Some(Confidence::High);
    let run = || {
        let cache = Cache::open(d.path());
        let (results, errors) =
            leaklint::walk::lint_files_cached(&files, &configs, high, Some(&cache), None);
        assert!(errors.is_empty(), "{errors:?}");
        cache.save().unwrap();
        results
            .iter()
            .map(|r| r.diagnostics.iter().map(|d| d.rule).collect::<Vec<_>>())
            .collect::<Vec<_>>()
    };
    let none: Vec<&str> = Vec::new();
    let leak = vec![none.clone(), vec!["no-leaked-listener"], none.clone()];
    assert_eq!(run(), leak);
    assert_eq!(run(), leak, "the warm run");

    let options = LintOptions {
        min_confidence: Confidence::High,
        ..LintOptions::default()
    };
    let key = |i: usize| Cache::key(&files[i], &std::fs::read(&files[i]).unwrap(), &options);
    let cache = Cache::open(d.path());
    let handlers = cache.lookup(&key(1)).expect("handlers.js is clean alone");
    assert!(!handlers.summary.expect("a summary").asked.is_empty());
    let mut server = cache
        .lookup(&key(2))
        .and_then(|c| c.summary)
        .expect("server.js is cached with its summary");
    let registration = server
        .imports
        .iter_mut()
        .find(|u| u.name == "onOrder")
        .expect("the use of onOrder");
    assert!(matches!(registration.runs, UseRuns::Repeated { .. }));
    registration.runs = UseRuns::Once;
    cache.mark_clean(key(2), Some(&server));
    cache.save().unwrap();
    assert_eq!(run(), vec![none.clone(), none.clone(), none]);
}
