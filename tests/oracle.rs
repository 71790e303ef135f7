//! The oracle verdicts of docs/architecture.md as a test: the article examples and our own
//! bad/good pairs in `fixtures/oracle/` (provenance in its README) get exactly the verdicts the
//! design gives them, for the rule families leaklint implements (confidence tiers included).
//! Files not listed must stay silent.

use std::collections::BTreeMap;
use std::path::Path;

use leaklint::diagnostic::Confidence;
use leaklint::{lint_source, LintOptions};

/// Before a rule name: that rule's finding is merged, as a label, into another finding of the
/// same leak in the file (src/merge.rs: one leak, one finding).
const MERGED: &str = "+";

/// (file, rule, confidence) at default settings (compared as multisets per file); so their files must not trip the other rules.
const EXPECTED: &[(&str, &str, Confidence)] = &[
    (
        "seeds/A1-shared-closure.leaky.js",
        "no-large-closure-capture",
        Confidence::High,
    ),
    // The article's "fix" (calling the unused closure) still leaks.
    (
        "seeds/A1-shared-closure.fixed.js",
        "no-large-closure-capture",
        Confidence::High,
    ),
    (
        "seeds/A1-shared-closure.fixed-completed.js",
        "no-large-closure-capture",
        Confidence::High,
    ),
    (
        "seeds/C1-healthcheck-interval.leaky.ts",
        "+no-large-closure-capture",
        Confidence::Medium,
    ),
    (
        "own/F2a-abort-signal.bad.js",
        "+no-large-closure-capture",
        Confidence::Medium,
    ),
    (
        "own/F2c-max-listeners.bad.js",
        "+no-large-closure-capture",
        Confidence::Medium,
    ),
    (
        "own/F4a-closure-captures-request.bad.js",
        "+no-large-closure-capture",
        Confidence::Medium,
    ),
    (
        "seeds/B10-metric-labels.leaky.js",
        "no-unbounded-metric-labels",
        Confidence::High,
    ),
    (
        "seeds/A2-listener-in-handler.leaky.js",
        "no-leaked-listener",
        Confidence::High,
    ),
    (
        "seeds/A3-stream-backpressure.leaky.js",
        "no-ignored-backpressure",
        Confidence::Medium,
    ),
    (
        "seeds/B3-dashboard-map-cache.leaky.js",
        "no-unbounded-collection",
        Confidence::High,
    ),
    (
        "seeds/B7-dedupe-set.leaky.js",
        "no-unbounded-collection",
        Confidence::High,
    ),
    (
        "seeds/B8-sse-listener.leaky.js",
        "no-leaked-listener",
        Confidence::High,
    ),
    (
        "seeds/B9-promise-queue.leaky.js",
        "no-unbounded-collection",
        Confidence::Medium,
    ),
    (
        "seeds/C1-healthcheck-interval.leaky.ts",
        "no-leaked-timer",
        Confidence::Medium,
    ),
    (
        "seeds/C2-uploader-socket-listener.leaky.ts",
        "no-leaked-listener",
        Confidence::Medium,
    ),
    (
        "seeds/C4-user-map-cache.leaky.ts",
        "no-unbounded-collection",
        Confidence::High,
    ),
    (
        "seeds/C6-subscribers-registry.leaky.ts",
        "no-unbounded-collection",
        Confidence::Medium,
    ),
    (
        "own/F1a-session-index.bad.ts",
        "no-unbounded-collection",
        Confidence::High,
    ),
    (
        "own/F2a-abort-signal.bad.js",
        "no-leaked-listener",
        Confidence::Medium,
    ),
    // `bus` also gets a listener per request, so silencing its warning is high confidence.
    (
        "own/F2c-max-listeners.bad.js",
        "no-max-listeners-override",
        Confidence::High,
    ),
    (
        "own/F2c-max-listeners.bad.js",
        "no-max-listeners-override",
        Confidence::Medium,
    ),
    (
        "own/F2c-max-listeners.bad.js",
        "no-leaked-listener",
        Confidence::Medium,
    ),
    (
        "own/F3a-recursive-poll.bad.ts",
        "no-leaked-timer",
        Confidence::Medium,
    ),
    // Reported at the declaration (label names) and at the call (values).
    (
        "own/F5a-prom-labels.bad.js",
        "no-unbounded-metric-labels",
        Confidence::Medium,
    ),
    (
        "own/F5a-prom-labels.bad.js",
        "no-unbounded-metric-labels",
        Confidence::High,
    ),
    // The retry queue only grows (F1) besides capturing the request (F4).
    (
        "own/F4a-closure-captures-request.bad.js",
        "no-unbounded-collection",
        Confidence::Medium,
    ),
];

#[test]
fn article_examples_get_the_oracle_verdicts() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/oracle");
    let mut want: BTreeMap<String, Vec<(String, Confidence)>> = BTreeMap::new();
    for (f, r, c) in EXPECTED {
        want.entry(f.to_string())
            .or_default()
            .push((r.to_string(), *c));
    }
    let mut failures = Vec::new();
    let mut seen = 0;
    for dir in ["seeds", "own"] {
        let mut files: Vec<_> = std::fs::read_dir(root.join(dir))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        files.sort();
        for file in files {
            seen += 1;
            let key = format!("{dir}/{}", file.file_name().unwrap().to_string_lossy());
            let text = std::fs::read_to_string(&file).unwrap();
            let found = lint_source(&file, &text, &LintOptions::default());
            let got: Vec<(String, Confidence)> = found
                .iter()
                .map(|d| (d.rule.to_string(), d.confidence))
                .chain(found.iter().flat_map(|d| &d.labels).filter_map(|l| {
                    l.merged
                        .map(|m| (format!("{MERGED}{}", m.rule), m.confidence))
                }))
                .collect();
            let mut got = got;
            got.sort();
            let mut expected = want.remove(&key).unwrap_or_default();
            expected.sort();
            if got != expected {
                failures.push(format!("{key}: expected {expected:?}, got {got:?}"));
            }
        }
    }
    assert!(seen >= 50, "only {seen} examples found");
    assert!(want.is_empty(), "listed but missing: {want:?}");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
