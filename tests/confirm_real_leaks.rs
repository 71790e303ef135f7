//! `leaklint confirm` on leaks written as a user would, each reproducing a way the heap evidence
//! used to go wrong (issue 17): string-valued caches, exported collections, `.bind(this)`
//! listeners, metric findings at the declaration, churn in two-snapshot mode, mismatched
//! snapshots, counting, paths through timers, unsupported formats and the unexplained-growth
//! gate. Every snapshot is written by Node (20) running a fixture program under `fixtures/heap/`.

mod support;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::{Arc, Mutex, OnceLock};

use leaklint::heap::{self, AnchorKind};
use serde_json::Value;

fn fixture(dir: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/heap")
        .join(dir)
}

/// Snapshots of one run of a fixture (`1-before`, `2-after`, `3-final`), written once per test
/// binary and shared by the tests that read them.
struct Run {
    dir: tempfile::TempDir,
}

impl Run {
    fn snap(&self, n: usize) -> PathBuf {
        let name = ["1-before", "2-after", "3-final"][n - 1];
        self.dir.path().join(format!("{name}.heapsnapshot"))
    }
}

/// Runs `node --expose-gc fixtures/heap/<dir>/main.js OUT`; `key` tells runs of one fixture
/// apart (a second run = a second process).
fn run(dir: &str, key: &str) -> Arc<Run> {
    type Runs = Mutex<HashMap<String, Arc<OnceLock<Arc<Run>>>>>;
    static RUNS: OnceLock<Runs> = OnceLock::new();
    let cell = RUNS
        .get_or_init(Default::default)
        .lock()
        .unwrap()
        .entry(format!("{dir}#{key}"))
        .or_default()
        .clone();
    cell.get_or_init(|| {
        let out = tempfile::tempdir().unwrap();
        let st = Command::new("node")
            .arg("--expose-gc")
            .arg(fixture(dir).join("main.js"))
            .arg(out.path())
            .status()
            .expect("`node` (Node.js 20) must be installed to run the heap fixtures");
        assert!(st.success(), "fixture {dir} failed: {st}");
        Arc::new(Run { dir: out })
    })
    .clone()
}

fn leaklint(args: &[&std::ffi::OsStr]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_leaklint"))
        .args(args)
        .output()
        .unwrap()
}

/// `leaklint confirm` on `snaps` for the project `dir`, plus `extra` arguments.
fn confirm_raw(dir: &str, snaps: &[PathBuf], extra: &[&str]) -> Output {
    let project = fixture(dir);
    let mut args: Vec<&std::ffi::OsStr> = vec!["confirm".as_ref()];
    args.extend(snaps.iter().map(|p| p.as_os_str()));
    args.push("--project".as_ref());
    args.push(project.as_os_str());
    args.extend(extra.iter().map(std::ffi::OsStr::new));
    leaklint(&args)
}

fn confirm_json(dir: &str, snaps: &[PathBuf], extra: &[&str]) -> Value {
    let mut args = vec!["--format", "json"];
    args.extend_from_slice(extra);
    let o = confirm_raw(dir, snaps, &args);
    assert!(
        o.status.code().is_some_and(|c| c <= 1),
        "{dir}: {:?} {}",
        o.status,
        String::from_utf8_lossy(&o.stderr)
    );
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| {
        panic!(
            "{dir}: bad JSON ({e}): {}",
            String::from_utf8_lossy(&o.stdout)
        )
    })
}

fn three(dir: &str) -> Vec<PathBuf> {
    let r = run(dir, "a");
    vec![r.snap(1), r.snap(2), r.snap(3)]
}

fn finding<'a>(report: &'a Value, rule: &str, path: &str, line: u64) -> &'a Value {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["ruleId"] == rule && f["path"] == path && f["line"] == line)
        .unwrap_or_else(|| panic!("no {rule} finding at {path}:{line}: {report:#}"))
}

fn confirmed_at(report: &Value, rule: &str, path: &str, line: u64) -> (u64, u64) {
    let f = finding(report, rule, path, line);
    assert_eq!(f["status"], "confirmed", "{f:#}");
    (
        f["growth"]["objects"].as_u64().unwrap(),
        f["growth"]["retainedBytes"].as_u64().unwrap(),
    )
}

// 1. Growth made of strings.
#[test]
fn map_of_cached_string_bodies_is_confirmed_in_both_modes() {
    let snaps = three("string-cache");
    let r = confirm_json("string-cache", &snaps, &[]);
    let (objects, bytes) = confirmed_at(&r, "no-unbounded-collection", "src/responses.js", 3);
    // 1000 bodies of ≈ 250 characters each (plus their keys) were added and survive.
    assert!(
        objects >= 1000 && bytes > 250_000,
        "{objects} objects, {bytes} B: {r:#}"
    );
    let anchor = &finding(&r, "no-unbounded-collection", "src/responses.js", 3)["anchor"];
    assert_eq!(anchor["binding"], "responseCache", "{anchor:#}");
    let r2 = confirm_json("string-cache", &snaps[..2], &[]);
    confirmed_at(&r2, "no-unbounded-collection", "src/responses.js", 3);
    assert_eq!(r2["unexplained"].as_array().unwrap().len(), 0, "{r2:#}");
}

// 2. A collection that is also exported.
#[test]
fn exported_collections_are_anchored_at_their_declarations() {
    let r = confirm_json("exported-cache", &three("exported-cache"), &[]);
    // `exports.cache = table`: the growth is the declaration of `table`, where the rule reports.
    let (_, bytes) = confirmed_at(&r, "no-unbounded-collection", "src/lookups.js", 2);
    assert!(bytes > 50_000, "{r:#}");
    // `const cache = (module.exports.cache = new Map())`: anchored at line 3 `cache`, whether a
    // rule predicts it (confirmed) or not (unexplained, with its location).
    let anchors: Vec<&Value> = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["status"] == "confirmed")
        .chain(r["unexplained"].as_array().unwrap())
        .map(|x| &x["anchor"])
        .collect();
    let at_cache = anchors
        .iter()
        .find(|a| a["file"] == "src/sessions.js")
        .unwrap_or_else(|| panic!("nothing anchored in src/sessions.js: {r:#}"));
    assert_eq!(at_cache["line"], 3, "{at_cache:#}");
    assert_eq!(at_cache["binding"], "cache", "{at_cache:#}");
    assert_eq!(at_cache["kind"]["type"], "collection", "{at_cache:#}");
    // `module.exports = new Map()`: the assignment.
    let at_registry = anchors
        .iter()
        .find(|a| a["file"] == "src/registry.js")
        .unwrap_or_else(|| panic!("nothing anchored in src/registry.js: {r:#}"));
    assert_eq!(at_registry["line"], 3, "{at_registry:#}");
    assert_eq!(at_registry["binding"], "module.exports", "{at_registry:#}");
    assert!(
        r["unexplained"]
            .as_array()
            .unwrap()
            .iter()
            .all(|u| !u["path"].is_null()),
        "unexplained growth without a location: {r:#}"
    );
}

// 3. Listeners added with `.bind(this)`.
#[test]
fn bound_method_listener_is_confirmed_at_its_registration() {
    let r = confirm_json("bind-listener", &three("bind-listener"), &[]);
    let (objects, bytes) = confirmed_at(&r, "no-leaked-listener", "src/request.js", 8);
    assert!(objects >= 1000 && bytes > 100_000, "{r:#}");
    let a = &finding(&r, "no-leaked-listener", "src/request.js", 8)["anchor"];
    assert_eq!(a["kind"]["type"], "listener", "{a:#}");
    assert_eq!(a["kind"]["event"], "config-changed", "{a:#}");
    assert_eq!(r["unexplained"].as_array().unwrap().len(), 0, "{r:#}");
}

// 4. A metric finding on the declaration (`labelNames`), not at a call site.
#[test]
fn metric_finding_at_the_declaration_is_joined_with_its_label_growth() {
    support::ensure_prom_client();
    let r = confirm_json("promclient/decl", &three("promclient/decl"), &[]);
    let (objects, bytes) = confirmed_at(&r, "no-unbounded-metric-labels", "src/metrics.js", 5);
    assert!(objects >= 1000 && bytes > 50_000, "{r:#}");
    let a = &finding(&r, "no-unbounded-metric-labels", "src/metrics.js", 5)["anchor"];
    assert_eq!(a["kind"]["type"], "metric_labels", "{a:#}");
    assert_eq!(a["binding"], "logins", "{a:#}");
    assert_eq!(r["unexplained"].as_array().unwrap().len(), 0, "{r:#}");
}

// 5. Two snapshots of a full bounded cache: churn, not growth.
#[test]
fn full_bounded_cache_shows_no_growth_with_two_snapshots() {
    let snaps = three("churn");
    // Every new entry replaced an old one: nothing is left, not even below the threshold.
    let r = confirm_json("churn", &snaps[..2], &["--min-growth", "1"]);
    assert_eq!(r["evidence"], "two-snapshots", "{r:#}");
    assert_eq!(r["unexplained"].as_array().unwrap().len(), 0, "{r:#}");
    assert!(
        r["findings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["status"] != "confirmed"),
        "{r:#}"
    );
    let before = heap::load(&snaps[0]).unwrap();
    let after = heap::load(&snaps[1]).unwrap();
    let g = heap::diff(&before, &after, None, &fixture("churn"));
    assert!(g.is_empty(), "{g:#?}");
    // The output says that two snapshots are the weaker evidence.
    let o = confirm_raw("churn", &snaps[..2], &[]);
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("two snapshots are weaker evidence"), "{text}");
    let r3 = confirm_json("churn", &snaps, &[]);
    assert_eq!(r3["evidence"], "three-snapshots", "{r3:#}");
    let o3 = confirm_raw("churn", &snaps, &[]);
    assert!(!String::from_utf8_lossy(&o3.stdout).contains("weaker evidence"));
}

// 6. Mismatched inputs are refused (exit 2) unless forced.
#[test]
fn mismatched_snapshots_are_refused() {
    let a = run("map-cjs", "a");
    let b = run("map-cjs", "b");
    let other = run("string-cache", "a");
    let refused = |snaps: &[PathBuf], needle: &str| {
        let o = confirm_raw("map-cjs", snaps, &[]);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{snaps:?}: {err}");
        assert!(err.contains(needle), "{snaps:?}: {err}");
        assert!(err.contains("--force"), "{err}");
        assert!(
            o.stdout.is_empty(),
            "{}",
            String::from_utf8_lossy(&o.stdout)
        );
    };
    // Two runs of the same program.
    refused(&[a.snap(1), b.snap(2)], "different processes");
    // Two different programs.
    refused(&[a.snap(1), other.snap(2)], "different processes");
    // A third snapshot from another process.
    refused(&[a.snap(1), a.snap(2), b.snap(3)], "different processes");
    // Reversed order.
    refused(&[a.snap(2), a.snap(1)], "wrong order");
    refused(&[a.snap(1), a.snap(3), a.snap(2)], "wrong order");
    // The same file twice, and a copy of it.
    refused(&[a.snap(1), a.snap(1)], "same snapshot");
    let copy = tempfile::tempdir().unwrap();
    let copied = copy.path().join("copy.heapsnapshot");
    std::fs::copy(a.snap(1), &copied).unwrap();
    refused(&[a.snap(1), copied], "same snapshot");
    // --force diffs anyway, with a warning.
    let o = confirm_raw("map-cjs", &[a.snap(1), b.snap(2)], &["--force"]);
    assert!(o.status.code().is_some_and(|c| c <= 1), "{o:?}");
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("warning"),
        "{o:?}"
    );
    // The real order of one process passes the check.
    let o = confirm_raw("map-cjs", &[a.snap(1), a.snap(2), a.snap(3)], &[]);
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    // The measured overlap behind the 1 % threshold: one process far below, two far above.
    let load = |p: PathBuf| heap::load(&p).unwrap();
    let same = heap::id_overlap(&load(a.snap(1)), &load(a.snap(2)));
    let two = heap::id_overlap(&load(a.snap(1)), &load(b.snap(2)));
    assert!(
        same.common > 10_000 && same.differing_share() < 0.002,
        "{same:?}"
    );
    assert!(two.differing_share() > 0.03, "{two:?}");
}

// 7a. The threshold applies to a finding's total, not to each group.
#[test]
fn many_small_groups_of_one_leak_add_up_before_the_threshold() {
    let snaps = three("many-shapes");
    let s: Vec<_> = snaps.iter().map(|p| heap::load(p).unwrap()).collect();
    let g = heap::diff(&s[0], &s[1], Some(&s[2]), &fixture("many-shapes"));
    let at_registry: Vec<_> = g
        .iter()
        .filter(|x| {
            x.anchor.as_ref().is_some_and(|a| {
                a.file == Path::new("src/registry.js")
                    && a.line == 11
                    && a.kind
                        == AnchorKind::Collection {
                            class: "Map".into(),
                        }
            })
        })
        .collect();
    // One group per class (40 classes): each is below 9000 bytes …
    assert!(
        at_registry.len() >= 20,
        "{} groups: {g:#?}",
        at_registry.len()
    );
    let small = at_registry
        .iter()
        .filter(|x| x.retained_bytes < 9000)
        .count();
    assert!(small >= 20, "{at_registry:#?}");
    let total: u64 = at_registry.iter().map(|x| x.retained_bytes).sum();
    assert!(total > 9000 * 4, "{total}");
    // … but together they confirm the finding, with their sum.
    let r = confirm_json("many-shapes", &snaps, &["--min-growth", "9000"]);
    let (_, bytes) = confirmed_at(&r, "no-unbounded-collection", "src/registry.js", 11);
    assert!(bytes >= total, "{bytes} < {total}: {r:#}");
}

// 7b. One growth group, one leak: the timer and its closure are one finding (src/merge.rs: the
// closure is a label of the timer's finding), confirmed once with the growth's bytes.
#[test]
fn growth_of_the_timer_and_its_closure_is_one_finding() {
    let r = confirm_json("timer-closure", &three("timer-closure"), &[]);
    let (_, timer) = confirmed_at(&r, "no-leaked-timer", "src/watcher.js", 5);
    assert!(timer > 100_000, "{r:#}");
    let closures = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["ruleId"] == "no-large-closure-capture")
        .count();
    assert_eq!(closures, 0, "{r:#}");
    assert_eq!(r["totals"]["confirmed"]["retainedBytes"], timer, "{r:#}");
    // Binary units, named as such.
    let o = confirm_raw("timer-closure", &three("timer-closure"), &[]);
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains(" KiB retained"), "{text}");
    assert!(!text.contains(" KB") && !text.contains(" MB"), "{text}");
}

// 8. Paths through timers continue to the callback and its context.
#[test]
fn timer_paths_name_the_callback_and_its_line() {
    let r = confirm_json("timer-closure", &three("timer-closure"), &[]);
    let path = finding(&r, "no-leaked-timer", "src/watcher.js", 5)["retainerPath"]
        .as_array()
        .unwrap()
        .clone();
    let n = path.len();
    assert!(n > 3, "{path:#?}");
    assert_eq!(path[n - 3]["node_name"], "Timeout", "{path:#?}");
    assert_eq!(path[n - 2]["edge"], "_onTimeout", "{path:#?}");
    assert_eq!(path[n - 2]["node_type"], "closure", "{path:#?}");
    assert_eq!(
        path[n - 2]["location"]["file"],
        "src/watcher.js",
        "{path:#?}"
    );
    assert_eq!(path[n - 2]["location"]["line"], 5, "{path:#?}");
    assert_eq!(path[n - 1]["edge"], "context", "{path:#?}");
    assert_eq!(path[n - 1]["node_name"], "system / Context", "{path:#?}");
    let o = confirm_raw("timer-closure", &three("timer-closure"), &[]);
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(
        text.contains("--_onTimeout (property)--> [] (closure) 56 B at src/watcher.js:5:"),
        "{text}"
    );
}

// 9. Formats a command does not support are refused.
#[test]
fn heap_summary_refuses_sarif() {
    let snap = run("map-cjs", "a").snap(1);
    let o = leaklint(&[
        "heap".as_ref(),
        "summary".as_ref(),
        snap.as_os_str(),
        "--format".as_ref(),
        "sarif".as_ref(),
    ]);
    assert_eq!(o.status.code(), Some(2), "{o:?}");
    assert!(
        o.stdout.is_empty(),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("sarif"),
        "{o:?}"
    );
    let o = leaklint(&[
        "heap".as_ref(),
        "summary".as_ref(),
        snap.as_os_str(),
        "--format".as_ref(),
        "json".as_ref(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(!v.as_array().unwrap().is_empty());
}

// 10. Unexplained growth can fail the run.
#[test]
fn unexplained_growth_fails_the_run_above_the_given_bytes() {
    let snaps = three("unexplained");
    let r = confirm_json("unexplained", &snaps, &[]);
    let total = r["totals"]["unexplained"]["retainedBytes"]
        .as_u64()
        .unwrap();
    assert!(total > 100_000, "{r:#}");
    assert!(r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .all(|f| f["status"] != "confirmed"));
    let code = |extra: &[&str]| confirm_raw("unexplained", &snaps, extra).status.code();
    assert_eq!(code(&[]), Some(0));
    assert_eq!(code(&["--fail-on-unexplained", "10000"]), Some(1));
    let just_under = (total - 1).to_string();
    assert_eq!(code(&["--fail-on-unexplained", &just_under]), Some(1));
    let at = total.to_string();
    assert_eq!(code(&["--fail-on-unexplained", &at]), Some(0));
}

// Snapshots hold secrets: string contents longer than 80 characters are never shown in full.
#[test]
fn long_strings_are_cut_in_retainer_paths() {
    let snaps = three("string-cache");
    let s = heap::load(&snaps[2]).unwrap();
    // A string V8 keeps whole in the snapshot: the source of the fixture's main.js.
    let body = std::fs::read_to_string(fixture("string-cache/main.js")).unwrap();
    assert!(body.chars().count() > 100);
    let ids = s.ids_named(&body);
    assert!(!ids.is_empty(), "source string not found in the snapshot");
    let path = s.retainer_path_of_id(ids[0]).unwrap();
    let last = path.last().unwrap();
    assert_eq!(last.node_type, "string");
    assert_eq!(last.node_name.chars().count(), 80, "{last:?}");
    assert!(
        last.node_name.ends_with('…') && body.starts_with(last.node_name.trim_end_matches('…'))
    );
    let shown = heap::render_pretty(&path);
    assert!(!shown.contains(body.trim_end()), "{shown}");
}
