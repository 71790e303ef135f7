//! One leak, one finding (src/merge.rs): a closure finding kept alive by another rule's leak is a
//! label of that finding, and suppression comments still name either rule.

use std::path::Path;

use leaklint::diagnostic::{Confidence, Diagnostic};
use leaklint::{lint_source, LintOptions};

/// A per-call interval whose callback captures a large value: `no-leaked-timer` on line 4 and
/// `no-large-closure-capture` (merged) on line 5, both medium.
const TIMER: &str = r#"import { readFileSync } from 'node:fs';
export function watch() {
  const config = JSON.parse(readFileSync('config.json', 'utf8'));
  setInterval(() => {
    fetch(config.healthUrl);
  }, 1000);
}
"#;

fn lint(text: &str) -> Vec<Diagnostic> {
    lint_source(Path::new("src/a.js"), text, &LintOptions::default())
}

fn rules(found: &[Diagnostic]) -> Vec<&'static str> {
    found.iter().map(|d| d.rule).collect()
}

fn merged(d: &Diagnostic) -> Vec<&'static str> {
    d.labels
        .iter()
        .filter_map(|l| l.merged)
        .map(|m| m.rule)
        .collect()
}

#[test]
fn the_closure_kept_by_an_interval_is_a_label_of_the_timer_finding() {
    let found = lint(TIMER);
    assert_eq!(rules(&found), ["no-leaked-timer"], "{found:#?}");
    assert_eq!(merged(&found[0]), ["no-large-closure-capture"]);
    assert_eq!(found[0].confidence, Confidence::Medium);
}

#[test]
fn a_suppression_of_the_merged_rule_works_on_the_merged_site_and_on_its_own_line() {
    // On the line of the finding it joined (line 4 is the interval, the closure is on line 5).
    let above_site = TIMER.replace(
        "  setInterval(",
        "  // leaklint-disable-next-line no-large-closure-capture\n  setInterval(",
    );
    // On its own line, as before the merge.
    let above_closure = TIMER.replace(
        "    fetch(",
        "    // leaklint-disable-next-line no-large-closure-capture\n    fetch(",
    );
    for text in [above_site, above_closure] {
        let found = lint(&text);
        // The timer leak stays, without the closure; the directive was used.
        assert_eq!(rules(&found), ["no-leaked-timer"], "{text}\n{found:#?}");
        assert!(merged(&found[0]).is_empty(), "{found:#?}");
    }
}

#[test]
fn a_suppression_of_the_finding_that_stays_suppresses_the_leak() {
    let text = TIMER.replace(
        "  setInterval(",
        "  // leaklint-disable-next-line no-leaked-timer\n  setInterval(",
    );
    let found = lint(&text);
    assert!(found.is_empty(), "{found:#?}");
}

#[test]
fn the_merged_finding_keeps_the_higher_confidence() {
    // The array is medium (it only grows), the closure pushed into it high (it captures the
    // request, once per request): one finding at the array, high.
    let text = r#"import express from 'express';
const app = express();
const pending = [];
app.post('/jobs', (req, res) => {
  pending.push(() => console.log(req.body));
  res.end();
});
"#;
    let found = lint(text);
    assert_eq!(rules(&found), ["no-unbounded-collection"], "{found:#?}");
    assert_eq!(merged(&found[0]), ["no-large-closure-capture"]);
    assert_eq!(found[0].confidence, Confidence::High);
    // Without the closure (suppressed), the array's own confidence.
    let text = text.replace(
        "  pending.push(",
        "  // leaklint-disable-next-line no-large-closure-capture\n  pending.push(",
    );
    let found = lint(&text);
    assert_eq!(rules(&found), ["no-unbounded-collection"], "{found:#?}");
    assert_eq!(found[0].confidence, Confidence::Medium);
}
