//! Runs every fixture under `fixtures/rules/<rule>/` at default settings and compares the
//! findings with the `// expect: <rule>` annotations: each annotated line must get exactly that
//! finding, and no other line may get any.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use leaklint::source::LineIndex;
use leaklint::{lint_source, LintOptions};

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
