//! Heap-snapshot engine tests: real Node 20 snapshots from the leaky fixture programs in
//! `fixtures/heap/`, parser error handling, and a retained-size cross-check.
//!
//! Requires `node` (≥ 20) on PATH. The prom-client fixture additionally needs
//! `npm ci` in `fixtures/heap/promclient`, which the test runs itself the first time it is needed.

mod support;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use leaklint::heap::{self, AnchorKind, Growth, HeapSnapshot};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/heap")
}

/// Runs `node --expose-gc fixtures/heap/<dir>/<entry> OUT` and loads the three snapshots.
fn run_fixture(dir: &str, entry: &str) -> (tempfile::TempDir, Vec<HeapSnapshot>) {
    let out = tempfile::tempdir().unwrap();
    let script = fixtures().join(dir).join(entry);
    let st = Command::new("node")
        .arg("--expose-gc")
        .arg(&script)
        .arg(out.path())
        .status()
        .expect("`node` (Node.js 20) must be installed to run the heap fixtures");
    assert!(st.success(), "fixture {} failed: {st}", script.display());
    let snaps = ["1-before", "2-after", "3-final"]
        .iter()
        .map(|l| {
            let p = out.path().join(format!("{l}.heapsnapshot"));
            heap::load(&p).unwrap_or_else(|e| panic!("load {}: {e}", p.display()))
        })
        .collect();
    (out, snaps)
}

fn top_growth(dir: &str, entry: &str, three: bool) -> Vec<Growth> {
    let (_tmp, s) = run_fixture(dir, entry);
    let project = fixtures().join(dir);
    let g = heap::diff(
        &s[0],
        &s[1],
        if three { Some(&s[2]) } else { None },
        &project,
    );
    for x in g.iter().take(3) {
        eprintln!(
            "{dir}: {} objects, {} B, anchor {:?}\n{}",
            x.objects,
            x.retained_bytes,
            x.anchor,
            heap::render_pretty(&x.retainer_path)
        );
    }
    g
}

fn assert_anchor(g: &[Growth], file: &str, line: u32, binding: Option<&str>) -> AnchorKind {
    let top = g.first().expect("expected growth");
    let a = top
        .anchor
        .as_ref()
        .unwrap_or_else(|| panic!("top growth has no anchor: {top:?}"));
    assert_eq!(a.file, PathBuf::from(file), "{a:?}");
    assert_eq!(a.line, line, "{a:?}");
    assert_eq!(a.binding.as_deref(), binding, "{a:?}");
    assert!(
        top.retained_bytes > 50_000,
        "top growth too small: {}",
        top.retained_bytes
    );
    a.kind.clone()
}

#[test]
fn fixture_unbounded_map_cjs() {
    let g = top_growth("map-cjs", "main.js", true);
    let k = assert_anchor(&g, "src/tokens.js", 3, Some("tokenCache"));
    assert_eq!(
        k,
        AnchorKind::Collection {
            class: "Map".into()
        }
    );
    // 1000 tokens were added between before and after; all survive in final.
    assert!(g[0].objects >= 1000, "{}", g[0].objects);
    // The group is the Map's backing store when it was reallocated while growing (its entries
    // are inside its retained size), else the entries themselves.
    assert!(
        g[0].shape.ends_with("tokenCache→Map table→(array)")
            || g[0]
                .shape
                .ends_with("tokenCache→Map table→(array) []→AccessToken"),
        "{}",
        g[0].shape
    );
    assert!(
        g[0].retainer_path
            .iter()
            .any(|s| s.edge == "tokenCache" && s.node_name == "Map"),
        "{:?}",
        g[0].retainer_path
    );
}

#[test]
fn fixture_unbounded_map_two_snapshot_mode() {
    let g = top_growth("map-cjs", "main.js", false);
    assert_anchor(&g, "src/tokens.js", 3, Some("tokenCache"));
}

#[test]
fn fixture_typescript_source_map() {
    // The heap only knows dist/store.js (line 4); the anchor follows dist/store.js.map to the .ts.
    let g = top_growth("ts-map", "main.js", true);
    let k = assert_anchor(&g, "src/store.ts", 10, Some("orderCache"));
    assert_eq!(
        k,
        AnchorKind::Collection {
            class: "Map".into()
        }
    );
    assert_eq!(g[0].anchor.as_ref().unwrap().column, 7);
}

#[test]
fn fixture_unbounded_set_esm() {
    let g = top_growth("set-esm", "main.mjs", true);
    let k = assert_anchor(&g, "src/jobs.mjs", 2, Some("activeJobs"));
    assert_eq!(
        k,
        AnchorKind::Collection {
            class: "Set".into()
        }
    );
}

#[test]
fn fixture_listener_per_call() {
    let g = top_growth("emitter", "main.js", true);
    let k = assert_anchor(&g, "src/widget.js", 13, Some("hub"));
    assert_eq!(
        k,
        AnchorKind::Listener {
            event: "refresh".into()
        }
    );
    assert_eq!(g[0].anchor.as_ref().unwrap().column, 21); // the `(msg) =>` arrow
}

#[test]
fn fixture_interval_never_cleared() {
    let (_tmp, s) = run_fixture("interval", "main.js");
    let g = heap::diff(&s[0], &s[1], Some(&s[2]), &fixtures().join("interval"));
    let k = assert_anchor(&g, "src/poller.js", 16, None);
    assert_eq!(k, AnchorKind::Timer);
    // The timer list is a linked list: paths to its middle are long; nothing is capped.
    let longest = s[2]
        .ids_named("Timeout")
        .into_iter()
        .filter_map(|id| s[2].retainer_path_of_id(id))
        .map(|p| p.len())
        .max();
    assert!(longest.unwrap() > 500, "longest Timeout path {longest:?}");
    let pretty = heap::render_pretty(&g[0].retainer_path);
    assert!(pretty.contains("Timeout ×"), "{pretty}");
}

#[test]
fn fixture_shared_context_chain() {
    let g = top_growth("shared-context", "main.js", true);
    let k = assert_anchor(&g, "src/generations.js", 7, Some("prev"));
    assert_eq!(k, AnchorKind::ContextVariable);
    // Two-snapshot mode: the group's head is the newest generation (held by `current`), the
    // repetition shows only below it; the anchor still names `prev`.
    let g2 = top_growth("shared-context", "main.js", false);
    assert_anchor(&g2, "src/generations.js", 7, Some("prev"));
    // The surviving generations sit ≥ 500 links deep (memlab drops paths > 100 edges).
    assert!(
        g[0].retainer_path.len() > 1000,
        "path len {}",
        g[0].retainer_path.len()
    );
    assert!(heap::render_pretty(&g[0].retainer_path).contains("prev Object) ×"));
}

#[test]
fn fixture_promclient_label_growth() {
    support::ensure_prom_client();
    let g = top_growth("promclient", "main.js", true);
    let k = assert_anchor(&g, "src/metrics.js", 12, Some("queueDepth"));
    assert_eq!(
        k,
        AnchorKind::MetricLabels {
            metric: "Gauge".into()
        }
    );
}

#[test]
fn fixture_bounded_control_has_no_growth() {
    let g = top_growth("control", "main.js", true);
    let total: u64 = g.iter().map(|x| x.retained_bytes).sum();
    assert!(
        total < 16 * 1024,
        "control grew by {total} B: {:?}",
        g.first()
    );
    // Two-snapshot mode sees allocations but still nothing large.
    let (_t, s) = run_fixture("control", "main.js");
    let g2 = heap::diff(&s[0], &s[1], None, &fixtures().join("control"));
    assert!(
        g2.first().map(|x| x.retained_bytes).unwrap_or(0) < 32 * 1024,
        "{:?}",
        g2.first()
    );
}

// ---------------------------------------------------------------------------------------------
// Parser: real snapshot, gzip, and malformed input.

/// One small real snapshot of a fresh `node` process, written once per test binary.
fn small_snapshot() -> &'static Path {
    static P: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    &P.get_or_init(|| {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("small.heapsnapshot");
        let st = Command::new("node")
            .arg("-e")
            .arg(format!(
                "require('v8').writeHeapSnapshot({:?})",
                p.to_str().unwrap()
            ))
            .status()
            .expect("node must be installed");
        assert!(st.success());
        (d, p)
    })
    .1
}

fn write_tmp(bytes: &[u8], name: &str) -> (tempfile::TempDir, PathBuf) {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join(name);
    std::fs::write(&p, bytes).unwrap();
    (d, p)
}

fn load_err(bytes: &[u8], name: &str) -> String {
    let (_d, p) = write_tmp(bytes, name);
    let e = heap::load(&p).expect_err("must fail");
    let msg = e.to_string();
    assert!(msg.contains(name), "error must name the file: {msg}");
    assert!(
        msg.contains(" at byte "),
        "error must give the byte offset: {msg}"
    );
    msg
}

#[test]
fn parses_real_snapshot_and_gzip() {
    let p = small_snapshot();
    let s = heap::load(p).unwrap();
    assert!(s.node_count() > 10_000 && s.edge_count() > 30_000, "{s:?}");
    assert_eq!(
        s.root_retained(),
        s.total_size(),
        "every byte is retained by the root"
    );
    // global is a user root at distance 1.
    let global = s.ids_named("global");
    assert!(global.iter().any(|&id| s.distance_of_id(id) == Some(1)));
    // gzip
    let raw = std::fs::read(p).unwrap();
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    enc.write_all(&raw).unwrap();
    let gz = enc.finish().unwrap();
    let (_d, gp) = write_tmp(&gz, "small.heapsnapshot.gz");
    let sg = heap::load(&gp).unwrap();
    assert_eq!(sg.node_count(), s.node_count());
    assert_eq!(sg.edge_count(), s.edge_count());
    assert_eq!(sg.root_retained(), s.root_retained());
    // truncated gzip
    let msg = load_err(&gz[..gz.len() / 2], "cut.heapsnapshot.gz");
    assert!(
        msg.contains("decompress") || msg.contains("truncated"),
        "{msg}"
    );
}

#[test]
fn truncated_snapshots_report_offset() {
    let raw = std::fs::read(small_snapshot()).unwrap();
    for frac in [0.0001, 0.01, 0.3, 0.6, 0.9, 0.999] {
        let cut = ((raw.len() as f64) * frac) as usize;
        let msg = load_err(&raw[..cut], "cut.heapsnapshot");
        // The offset reported is where input ended (or just before).
        let off: u64 = msg
            .rsplit(" at byte ")
            .next()
            .unwrap()
            .split_whitespace()
            .next()
            .unwrap()
            .parse()
            .unwrap();
        assert!(
            off <= cut as u64 && off + 64 >= cut as u64 || msg.contains("node_count"),
            "cut {cut}: {msg}"
        );
    }
    // Cut exactly after the closing bracket of `nodes`: arrays are complete but keys missing.
    let pos = find(&raw, b"],\n\"edges\"").unwrap() + 1;
    let msg = load_err(&raw[..pos], "cut2.heapsnapshot");
    assert!(
        msg.contains("truncated") || msg.contains("end of input"),
        "{msg}"
    );
}

fn find(h: &[u8], n: &[u8]) -> Option<usize> {
    h.windows(n.len()).position(|w| w == n)
}

#[test]
fn garbage_and_empty_input() {
    let msg = load_err(b"", "empty.heapsnapshot");
    assert!(msg.contains("empty"), "{msg}");
    assert!(msg.contains("at byte 0"), "{msg}");
    let msg = load_err(b"   \n", "blank.heapsnapshot");
    assert!(msg.contains("empty"), "{msg}");
    let msg = load_err(b"\x00\x01garbage\xff", "garbage.heapsnapshot");
    assert!(msg.contains("not a heap snapshot"), "{msg}");
    let msg = load_err(b"[1,2,3]", "array.heapsnapshot");
    assert!(
        msg.contains("not a heap snapshot") && msg.contains("at byte 0"),
        "{msg}"
    );
    let msg = load_err(br#"{"hello": [1, 2], "world": "x"}"#, "json.heapsnapshot");
    assert!(msg.contains("not a heap snapshot"), "{msg}");
    let msg = load_err(&[0x1f, 0x8b, 0x08, 0x00, 1, 2, 3], "bad.gz");
    assert!(
        msg.contains("decompress") || msg.contains("truncated"),
        "{msg}"
    );
}

/// Meta header for the hand-made snapshots below (Node 20 field lists, §2).
const META: &str = r#"{"meta":{"node_fields":["type","name","id","self_size","edge_count","trace_node_id","detachedness"],"node_types":[["hidden","array","string","object","code","closure","regexp","number","native","synthetic","concatenated string","sliced string","symbol","bigint","object shape"],"string","number","number","number","number","number"],"edge_fields":["type","name_or_index","to_node"],"edge_types":[["context","element","property","internal","hidden","shortcut","weak"],"string_or_number","node"],"location_fields":["object_index","script_id","line","column"]},"node_count":5,"edge_count":5,"trace_function_count":0}"#;

/// root --shortcut--> global --a--> A(100) --c--> B(50); global --b--> B; root --weak--> C(70).
const NODES: &str =
    "[9,0,1,0,2,0,0,\n3,1,3,40,2,0,0,\n3,2,5,100,1,0,0,\n3,3,7,50,0,0,0,\n3,3,9,70,0,0,0]";
const EDGES: &str = "[5,4,7,\n6,5,28,\n2,5,14,\n2,6,21,\n2,7,21]";
const STRINGS: &str = r#"["<dummy>","global","A","B","2","a","b","c"]"#;

fn tiny(order_nodes_first: bool) -> String {
    if order_nodes_first {
        format!("{{\"nodes\":{NODES},\"strings\":{STRINGS},\"edges\":{EDGES},\"snapshot\":{META},\"trace_tree\":[[1,[2,{{\"x\":\"]\"}}]]],\"locations\":[]}}")
    } else {
        format!("{{\"snapshot\":{META},\n\"nodes\":{NODES},\n\"edges\":{EDGES},\n\"locations\":[],\n\"strings\":{STRINGS}}}\n")
    }
}

#[test]
fn hand_made_snapshot_dominators_and_orphans() {
    for order in [false, true] {
        let (_d, p) = write_tmp(tiny(order).as_bytes(), "tiny.heapsnapshot");
        let s = heap::load(&p).unwrap();
        assert_eq!(s.node_count(), 5);
        assert_eq!(s.retained_size_of_id(3), Some(190)); // global: itself + A + B
        assert_eq!(s.retained_size_of_id(5), Some(100)); // A does not dominate B
        assert_eq!(s.dominator_of_id(7), Some(3)); // B: idom = global
        assert_eq!(s.dominator_of_id(9), Some(1)); // weak-only orphan hangs off the root
        assert_eq!(s.orphan_count(), 1);
        assert_eq!(s.root_retained(), 260);
        assert_eq!(s.distance_of_id(7), Some(2));
        assert_eq!(s.distance_of_id(9), None); // only weakly reachable: no path
        let path = s.retainer_path_of_id(7).unwrap();
        let edges: Vec<&str> = path.iter().map(|p| p.edge.as_str()).collect();
        assert_eq!(edges, ["", "2", "b"]);
    }
}

#[test]
fn malformed_arrays_and_references() {
    let good = tiny(false);
    let cases: Vec<(String, &str)> = vec![
        (good.replace("3,3,7,50", "3,3,7,-50"), "negative"),
        (good.replace("3,3,7,50", "3,3,7,5.5"), "non-integer"),
        (
            good.replace("2,7,21]", "2,7,22]"),
            "not a valid node offset",
        ),
        (
            good.replace("2,7,21]", "2,7,2100]"),
            "not a valid node offset",
        ),
        (
            good.replace("\"node_count\":5", "\"node_count\":6"),
            "node_count",
        ),
        (good.replace("2,7,21]", "2,7,21,]"), "trailing ','"),
        (
            good.replace("3,3,9,70,0,0,0]", "3,3,9,70,1,0,0]"),
            "edge_count",
        ),
        (
            good.replace("3,3,9,70", "3,99,9,70"),
            "outside the strings array",
        ),
        (
            good.replace("\"edge_fields\":[\"type\",", "\"edge_fields\":["),
            "lacks the field `type`",
        ),
        (good.replace("\"c\"]", "\"c\\q\"]"), "bad escape"),
        (good.replace("\n\"edges\"", "\n\"edgesX\""), "missing edges"),
        (good.clone() + "xyz", "trailing data"),
    ];
    for (text, want) in cases {
        let msg = load_err(text.as_bytes(), "bad.heapsnapshot");
        assert!(msg.contains(want), "want {want:?} in: {msg}");
    }
}

#[test]
fn string_escapes_are_decoded() {
    let good = tiny(false).replace(r#""A","B""#, r#""A\u00e9\uD83D\uDE00\n","B\uD800x""#);
    let (_d, p) = write_tmp(good.as_bytes(), "esc.heapsnapshot");
    let s = heap::load(&p).unwrap();
    assert_eq!(s.describe_id(5).unwrap().0, "Aé😀\n");
    assert_eq!(s.describe_id(7).unwrap().0, "B\u{FFFD}x");
}

// ---------------------------------------------------------------------------------------------
// Retained sizes: cross-check against direct summation on a real snapshot.

#[test]
fn retained_size_of_map_matches_direct_sum() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("map.heapsnapshot");
    let js = format!(
        "class Session {{ constructor(i) {{ this.id = i; this.user = 'u' + i; this.hits = i & 7; }} }}\n\
         const sessions = new Map();\n\
         for (let i = 0; i < 5000; i++) sessions.set(i, new Session(i));\n\
         module.exports = {{ get: (i) => sessions.get(i) }};\n\
         global.gc(); require('v8').writeHeapSnapshot({:?});\n",
        p.to_str().unwrap()
    );
    let script = d.path().join("big-mini.js");
    std::fs::write(&script, js).unwrap();
    let st = Command::new("node")
        .arg("--expose-gc")
        .arg(&script)
        .status()
        .expect("node");
    assert!(st.success());
    let s = heap::load(&p).unwrap();
    let maps: Vec<u64> = s
        .ids_named("Map")
        .into_iter()
        .filter(|&id| {
            s.children_of_id(id)
                .iter()
                .any(|(e, _, t)| e == "table" && s.self_size_of_id(*t).unwrap() > 100_000)
        })
        .collect();
    assert_eq!(maps.len(), 1, "one big Map");
    let map = maps[0];
    // Expected: Map + its table + every Session + each Session's own `user` string.
    let kids = s.children_of_id(map);
    let table = kids.iter().find(|(e, _, _)| e == "table").unwrap().2;
    let mut expected = s.self_size_of_id(map).unwrap() + s.self_size_of_id(table).unwrap();
    let mut sessions = 0;
    for (_, _, t) in s.children_of_id(table) {
        if s.describe_id(t).unwrap().0 == "Session" {
            sessions += 1;
            expected += s.self_size_of_id(t).unwrap();
            for (e, _, u) in s.children_of_id(t) {
                if e == "user" {
                    expected += s.self_size_of_id(u).unwrap();
                }
            }
        }
    }
    assert_eq!(sessions, 5000);
    let retained = s.retained_size_of_id(map).unwrap();
    // The Map also retains what only its entries keep alive: the `Session` class (reachable only
    // through its instances' hidden class) and that class's prototype and maps.
    assert!(
        retained >= expected && retained - expected < 8 * 1024,
        "{retained} vs {expected}"
    );
    // Independent check of the definition: retained(Map) = bytes that become unreachable from the
    // root when the Map is removed, over essential edges (§10.6), by plain graph search.
    assert_eq!(retained, unreachable_without(&s, map));
    // Root-ownership refinement (§10.6): the Map is owned by its module Context, not the root.
    let dom = s.dominator_of_id(map).unwrap();
    assert_eq!(s.describe_id(dom).unwrap().0, "system / Context");
    // Summary puts the Map first and anchors it to its declaration (line 2).
    let top = heap::summary(&s, d.path(), 3);
    assert_eq!(top[0].node_name, "Map");
    assert_eq!(top[0].retained_bytes, retained);
    let a = top[0].anchor.as_ref().unwrap();
    assert_eq!(
        (a.file.to_str().unwrap(), a.line, a.binding.as_deref()),
        ("big-mini.js", 2, Some("sessions"))
    );
}

/// Sum of self sizes of nodes reachable from the root over essential edges that are no longer
/// reachable once `removed` is deleted. Essential edges (docs/heap.md §10.6): not weak, shortcut
/// only from the root, WeakMap table→value skipped, no edge from a non-page-owned node into a
/// page-owned one (page-owned = reachable from the root's non-synthetic children).
fn unreachable_without(s: &HeapSnapshot, removed: u64) -> u64 {
    use std::collections::{HashMap, HashSet};
    let root = s.ids().next().unwrap();
    let mut adj: HashMap<u64, Vec<(String, String, u64)>> = HashMap::new();
    for id in s.ids() {
        adj.insert(id, s.children_of_id(id));
    }
    let synthetic = |id: u64| s.describe_id(id).unwrap().1 == "synthetic";
    let mut page = HashSet::new();
    let mut st: Vec<u64> = adj[&root]
        .iter()
        .filter(|e| e.1 != "weak" && !synthetic(e.2))
        .map(|e| e.2)
        .collect();
    page.extend(st.iter().copied());
    while let Some(v) = st.pop() {
        for (_, t, to) in &adj[&v] {
            if t != "weak" && t != "shortcut" && page.insert(*to) {
                st.push(*to);
            }
        }
    }
    let reach = |skip: Option<u64>| {
        let mut seen = HashSet::from([root]);
        let mut st = vec![root];
        while let Some(v) = st.pop() {
            for (name, t, to) in &adj[&v] {
                let table_value = t == "internal"
                    && name.contains("part of key")
                    && name.contains(&format!("(table @{v})"));
                if t == "weak" || *to == v || table_value || Some(*to) == skip {
                    continue;
                }
                if v != root && (t == "shortcut" || (!page.contains(&v) && page.contains(to))) {
                    continue;
                }
                if seen.insert(*to) {
                    st.push(*to);
                }
            }
        }
        seen
    };
    let all = reach(None);
    let without = reach(Some(removed));
    all.difference(&without)
        .map(|&id| s.self_size_of_id(id).unwrap())
        .sum()
}

#[test]
fn render_pretty_collapses_repeats() {
    let step = |e: &str, n: &str| heap::PathStep {
        edge: e.into(),
        edge_type: "property".into(),
        node_name: n.into(),
        node_type: "object".into(),
        self_size: 8,
        location: None,
    };
    let mut p = vec![heap::PathStep {
        edge: String::new(),
        edge_type: String::new(),
        node_name: "".into(),
        node_type: "synthetic".into(),
        self_size: 0,
        location: None,
    }];
    p.push(step("list", "List"));
    for _ in 0..5 {
        p.push(step("next", "Node"));
    }
    let out = heap::render_pretty(&p);
    assert!(out.contains("(next Node ×5)"), "{out}");
    assert_eq!(out.lines().count(), 3, "{out}");
}

#[test]
fn weakmap_value_is_owned_by_its_key() {
    // global --wm--> WeakMap --table--> T; global --k--> K; K and T both have the ephemeron edge
    // "… part of key (K @5) -> value (V @9) pair in WeakMap (table @7)" to V (§9.3).
    let meta = META.replace(
        "\"node_count\":5,\"edge_count\":5",
        "\"node_count\":6,\"edge_count\":6",
    );
    let nodes = "[9,0,1,0,1,0,0, 3,1,3,10,2,0,0, 3,2,11,20,1,0,0, 1,10,7,30,1,0,0, 3,4,5,40,1,0,0, 3,5,9,50,0,0,0]";
    let edges = "[5,6,7, 2,7,14, 2,8,28, 3,3,21, 3,9,35, 3,9,35]";
    let strings = r#"["<dummy>","global","WeakMap","table","K","V","2","wm","k","1 / part of key (K @5) -> value (V @9) pair in WeakMap (table @7)","(table)"]"#;
    let text = format!("{{\"snapshot\":{meta},\"nodes\":{nodes},\"edges\":{edges},\"locations\":[],\"strings\":{strings}}}");
    let (_d, p) = write_tmp(text.as_bytes(), "weak.heapsnapshot");
    let s = heap::load(&p).unwrap();
    assert_eq!(
        s.dominator_of_id(9),
        Some(5),
        "V is retained by its key, not by global"
    );
    assert_eq!(s.retained_size_of_id(5), Some(90));
    assert_eq!(s.retained_size_of_id(11), Some(50)); // WeakMap + table, not the value
                                                     // Path: V is entered through the second ephemeron edge (key and table both reached).
    assert_eq!(s.distance_of_id(9), Some(4));
}

#[test]
fn block_scope_variable_is_named_from_scope_info() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("block.heapsnapshot");
    let js = format!(
        "'use strict';\n\
         {{\n\
         \x20 const blockCache = new Map();\n\
         \x20 for (let i = 0; i < 3000; i++) blockCache.set(i, {{ id: i, name: 'n' + i }});\n\
         \x20 module.exports.get = (k) => blockCache.get(k);\n\
         }}\n\
         global.gc(); require('v8').writeHeapSnapshot({:?});\n",
        p.to_str().unwrap()
    );
    std::fs::write(d.path().join("block.js"), js).unwrap();
    let st = Command::new("node")
        .arg("--expose-gc")
        .arg(d.path().join("block.js"))
        .status()
        .expect("node");
    assert!(st.success());
    let s = heap::load(&p).unwrap();
    let top = heap::summary(&s, d.path(), 1);
    let a = top[0].anchor.as_ref().unwrap();
    assert_eq!(top[0].node_name, "Map");
    assert_eq!(
        a.binding.as_deref(),
        Some("blockCache"),
        "{a:?}\n{}",
        heap::render_pretty(&top[0].retainer_path)
    );
    assert_eq!((a.file.to_str().unwrap(), a.line), ("block.js", 3));
    assert_eq!(
        a.kind,
        AnchorKind::Collection {
            class: "Map".into()
        }
    );
}

#[test]
fn mutated_snapshots_never_panic() {
    // Deterministic byte mutations of a valid snapshot: every outcome must be Ok or a HeapError
    // that names the file and an offset — never a panic.
    let good = tiny(false).into_bytes();
    let mut seed = 0x9E3779B97F4A7C15u64;
    let mut rnd = |m: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % m as u64) as usize
    };
    let alphabet = b"0123456789,[]{}\":-. \nabc\\u";
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("m.heapsnapshot");
    let (mut ok, mut err) = (0, 0);
    for _ in 0..600 {
        let mut b = good.clone();
        for _ in 0..1 + rnd(3) {
            let i = rnd(b.len());
            match rnd(3) {
                0 => b[i] = alphabet[rnd(alphabet.len())],
                1 => {
                    b.remove(i);
                }
                _ => b.insert(i, alphabet[rnd(alphabet.len())]),
            }
        }
        std::fs::write(&p, &b).unwrap();
        match heap::load(&p) {
            Ok(s) => {
                ok += 1;
                // A snapshot that loads gives at most `top` summary rows, and nothing grows
                // between a snapshot and itself.
                assert!(heap::summary(&s, d.path(), 3).len() <= 3);
                assert!(heap::diff(&s, &s, Some(&s), d.path()).is_empty());
            }
            Err(e) => {
                err += 1;
                assert!(e.to_string().contains(" at byte "), "{e}");
            }
        }
    }
    assert!(ok > 0 && err > 0, "ok {ok} err {err}");
}

#[test]
fn esm_exported_binding_is_named_from_the_export_table() {
    let d = tempfile::tempdir().unwrap();
    let snap = d.path().join("esm.heapsnapshot");
    std::fs::write(
        d.path().join("reg.mjs"),
        "// exported, so it lives in a system / Cell, not in the module Context\n\
         export const registry = new Set();\n\
         export function add(i) { registry.add({ i, s: 'x' + i }); }\n",
    )
    .unwrap();
    std::fs::write(
        d.path().join("main.mjs"),
        format!(
            "import {{ add }} from './reg.mjs';\nimport v8 from 'node:v8';\n\
             for (let i = 0; i < 3000; i++) add(i);\nv8.writeHeapSnapshot({:?});\n",
            snap.to_str().unwrap()
        ),
    )
    .unwrap();
    let st = Command::new("node")
        .arg(d.path().join("main.mjs"))
        .status()
        .expect("node");
    assert!(st.success());
    let s = heap::load(&snap).unwrap();
    let top = heap::summary(&s, d.path(), 10);
    let set = top
        .iter()
        .find(|e| e.node_name == "Set")
        .expect("the Set is among the largest retainers");
    let a = set.anchor.as_ref().unwrap();
    assert_eq!(
        (a.file.to_str().unwrap(), a.line, a.binding.as_deref()),
        ("reg.mjs", 2, Some("registry"))
    );
    assert_eq!(
        a.kind,
        AnchorKind::Collection {
            class: "Set".into()
        }
    );
}

#[test]
fn repeated_keys_and_types_fail_cleanly() {
    let good = tiny(false);
    let meta_types = "\"edge_types\":[[\"context\",\"element\",";
    let node_types = "\"node_types\":[[\"hidden\",\"array\",";
    let cases: Vec<(String, &str)> = vec![
        (
            good.replace(
                "\n\"strings\"",
                &format!("\n\"snapshot\":{META},\n\"strings\""),
            ),
            "the key `snapshot` appears twice",
        ),
        (
            good.replace(
                "\n\"strings\"",
                &format!("\n\"nodes\":{NODES},\n\"strings\""),
            ),
            "the key `nodes` appears twice",
        ),
        (
            good.replace(
                "\n\"strings\"",
                &format!("\n\"edges\":{EDGES},\n\"strings\""),
            ),
            "the key `edges` appears twice",
        ),
        (
            format!(
                "{},\"strings\":[\"x\"]}}",
                good.trim_end().trim_end_matches('}')
            ),
            "the key `strings` appears twice",
        ),
        (
            good.replace("\"node_count\":5,", "\"node_count\":5,\"node_count\":5,"),
            "duplicate field `node_count`",
        ),
        (
            good.replace(meta_types, &format!("{meta_types}\"element\",")),
            "edge_types lists the type \"element\" twice",
        ),
        (
            good.replace(node_types, &format!("{node_types}\"array\",")),
            "node_types lists the type \"array\" twice",
        ),
    ];
    for (text, want) in cases {
        let msg = load_err(text.as_bytes(), "bad.heapsnapshot");
        assert!(msg.contains(want), "want {want:?} in: {msg}");
    }
}

/// `leaklint ARGS` in `dir`, killed after 60 s (the test then fails: a hang).
fn leaklint_within_a_minute(dir: &Path, shell_prefix: &str, args: &str) -> std::process::Output {
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "{shell_prefix} exec '{}' {args}",
            env!("CARGO_BIN_EXE_leaklint")
        ))
        .current_dir(dir)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while child.try_wait().unwrap().is_none() {
        if std::time::Instant::now() > deadline {
            child.kill().unwrap();
            panic!("leaklint {args} hung");
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    child.wait_with_output().unwrap()
}

#[test]
fn a_header_claiming_billions_of_nodes_reserves_only_what_the_file_can_hold() {
    let text = tiny(false).replace("\"node_count\":5", "\"node_count\":4294967294");
    let (d, p) = write_tmp(text.as_bytes(), "huge.heapsnapshot");
    // 4 GB of address space: enough for leaklint's thread stacks and a real 4 MB snapshot, not
    // for 2^28 node records reserved up front.
    let o = leaklint_within_a_minute(
        d.path(),
        "ulimit -v 4000000 &&",
        &format!("heap summary '{}'", p.display()),
    );
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.starts_with("leaklint: error: ")
            && err.contains("huge.heapsnapshot: ")
            && err.contains("node_count is 4294967294 at byte "),
        "{err}"
    );
    // The same limit leaves room for a real snapshot.
    let o = leaklint_within_a_minute(
        d.path(),
        "ulimit -v 4000000 &&",
        &format!("heap summary --top 3 '{}'", small_snapshot().display()),
    );
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

#[test]
fn source_maps_are_read_only_from_regular_files() {
    let d = tempfile::tempdir().unwrap();
    // The snapshot is written after the module body has returned (a timer), with `handle` kept on
    // `globalThis`: written from the module body, the Map can sit in a handle scope of the running
    // code, and its shortest retainer path then starts at `(Handle scope)` with no source line.
    let app = "const cache = new Map();\n\
        function handle(i) { cache.set('k' + i, { payload: new Array(64).fill(i) }); }\n\
        for (let i = 0; i < 5000; i++) handle(i);\n\
        globalThis.keep = handle;\n\
        setTimeout(() => require('v8').writeHeapSnapshot(process.argv[2]), 0);\n\
        //# sourceMappingURL=app.js.map\n";
    std::fs::write(d.path().join("app.js"), app).unwrap();
    let snap = d.path().join("snap.heapsnapshot");
    let st = Command::new("node")
        .arg("app.js")
        .arg(&snap)
        .current_dir(d.path())
        .status()
        .expect("node must be installed");
    assert!(st.success());
    let map = d.path().join("app.js.map");
    let fifo = Command::new("mkfifo").arg(&map).status().unwrap();
    assert!(fifo.success());
    let summary = |what: &str| {
        let o = leaklint_within_a_minute(
            d.path(),
            "ulimit -v 4000000 &&",
            "heap summary --top 3 snap.heapsnapshot",
        );
        let out = String::from_utf8_lossy(&o.stdout).into_owned();
        assert_eq!(
            o.status.code(),
            Some(0),
            "{what}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        assert!(
            out.contains("Map (object)") && out.contains("app.js:1"),
            "{what}: {out}"
        );
    };
    // A FIFO: opening it would block until someone writes.
    summary("FIFO");
    // /dev/zero: reading it never ends (under the 4 GB limit, a read to the end runs out of
    // memory instead of taking the machine's).
    std::fs::remove_file(&map).unwrap();
    std::os::unix::fs::symlink("/dev/zero", &map).unwrap();
    summary("/dev/zero");
}
