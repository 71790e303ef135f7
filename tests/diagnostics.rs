//! Snapshot tests of full diagnostics (the `insta` crate, as ruff and oxlint do): every fixture
//! under `fixtures/rules/<rule>/` is linted at default settings and its findings — rule, severity,
//! confidence, start and end (1-based line:column, UTF-16 columns, end exclusive), message,
//! labels and help — are compared with `tests/snapshots/diagnostics__findings@<rule>__<file>.snap`.
//! A changed message, span or confidence is then a reviewed diff, not an unseen change.
//! (`tests/fixtures.rs` is the quick check of which lines get which rule.)
//!
//! After an intended change, regenerate the snapshots and review the diff with git:
//!
//! ```sh
//! INSTA_UPDATE=always cargo test --test diagnostics
//! ```
//!
//! (or `cargo insta review` with cargo-insta installed). Elsewhere a mismatch writes a
//! `.snap.new` beside the snapshot and fails; under CI (`CI` set) it fails without writing.
//! A snapshot whose fixture is gone fails `every_snapshot_has_its_fixture`: delete it.

use std::fmt::Write;
use std::path::Path;

use leaklint::diagnostic::{ByteSpan, Diagnostic};
use leaklint::source::LineIndex;
use leaklint::{lint_source, LintOptions};

/// `line:column-line:column` of `span` (1-based, UTF-16 columns, end exclusive).
fn range(text: &str, index: &LineIndex, span: ByteSpan) -> String {
    let (a, b) = (
        index.position(text, span.start),
        index.position(text, span.end),
    );
    format!("{}:{}-{}:{}", a.line, a.column, b.line, b.column)
}

/// The findings of one file, one block per diagnostic.
fn render(text: &str, diagnostics: &[Diagnostic]) -> String {
    if diagnostics.is_empty() {
        return "no findings\n".to_string();
    }
    let index = LineIndex::new(text);
    let mut out = String::new();
    for d in diagnostics {
        let _ = writeln!(
            out,
            "{} {} {} (confidence {})",
            range(text, &index, d.span),
            d.rule,
            d.severity.as_str(),
            d.confidence.as_str()
        );
        let _ = writeln!(out, "  message: {}", d.message);
        for l in &d.labels {
            let _ = writeln!(
                out,
                "  label {}: {}",
                range(text, &index, l.span),
                l.message
            );
        }
        if let Some(h) = &d.help {
            let _ = writeln!(out, "  help: {h}");
        }
    }
    out
}

#[test]
fn findings() {
    let options = LintOptions::default();
    insta::glob!("../fixtures/rules", "*/*", |path| {
        let text = std::fs::read_to_string(path).unwrap();
        let diagnostics = lint_source(path, &text, &options);
        insta::assert_snapshot!(render(&text, &diagnostics));
    });
}

/// insta leaves a snapshot behind when its fixture is deleted or renamed.
#[test]
fn every_snapshot_has_its_fixture() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut orphans = Vec::new();
    for entry in std::fs::read_dir(root.join("tests/snapshots")).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        let Some(fixture) = name
            .strip_prefix("diagnostics__findings@")
            .and_then(|n| n.strip_suffix(".snap"))
        else {
            continue;
        };
        let (rule, file) = fixture.split_once("__").unwrap_or((fixture, ""));
        if !root.join("fixtures/rules").join(rule).join(file).is_file() {
            orphans.push(name);
        }
    }
    assert!(
        orphans.is_empty(),
        "snapshots without a fixture under fixtures/rules/, delete them: {orphans:?}"
    );
}
