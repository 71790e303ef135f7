//! Snapshot diff (docs/heap.md §8, memlab's three-snapshot mode §13.1) and single-snapshot
//! summary of the largest retainers.

use std::path::Path;

use rustc_hash::FxHashMap;

use super::graph::{Graph, NONE, SYSTEM_DISTANCE};
use super::source::Mapper;
use super::{collapse, AnchorKind, Growth, HeapSnapshot, PathStep, SummaryEntry};

/// Path (root first) to node `v` as [`PathStep`]s (closure positions as absolute paths).
pub(crate) fn steps(s: &HeapSnapshot, v: u32) -> Vec<PathStep> {
    to_steps(&s.g, &s.g.path_to(v), &Mapper::new(s, Path::new("")))
}

/// Longest string content a path step shows: snapshots hold whatever the program had in memory
/// (tokens, request bodies), so longer strings are cut.
const MAX_SHOWN_STRING: usize = 80;

/// `text`, cut to [`MAX_SHOWN_STRING`] characters (the last one `…`) when longer.
fn cut(text: &str) -> String {
    if text.chars().count() > MAX_SHOWN_STRING {
        let kept: String = text.chars().take(MAX_SHOWN_STRING - 1).collect();
        format!("{kept}…")
    } else {
        text.to_string()
    }
}

/// A node's name for display: string contents are cut (property names and class names too, by
/// the same rule, as a cache keyed by tokens has the tokens as property names).
fn shown_name(g: &Graph, v: u32) -> String {
    cut(g.name(v))
}

fn to_steps(g: &Graph, path: &[(u32, u32)], mapper: &Mapper) -> Vec<PathStep> {
    path.iter()
        .map(|&(e, v)| PathStep {
            edge: if e == NONE {
                String::new()
            } else {
                let t = g.e_type[e as usize];
                if t == g.et.element || t == g.et.hidden {
                    format!("[{}]", g.e_name[e as usize])
                } else {
                    cut(&g.edge_name(e))
                }
            },
            edge_type: if e == NONE {
                String::new()
            } else {
                g.edge_type_name(e).to_string()
            },
            node_name: shown_name(g, v),
            node_type: g.type_name(v).to_string(),
            self_size: g.n_size[v as usize],
            location: mapper.step_position(v),
        })
        .collect()
}

/// A timer's path ends at its `Timeout`; the closure it runs and that closure's context say which
/// code started it, so display paths continue through `_onTimeout` and `context` (§9.5).
fn through_timer(g: &Graph, path: &mut Vec<(u32, u32)>) {
    let Some(&(_, last)) = path.last() else {
        return;
    };
    if g.n_type[last as usize] != g.nt.object || g.name(last) != "Timeout" {
        return;
    }
    let edge_to = |v: u32, name: &str| {
        g.edges(v)
            .find(|&e| g.edge_is(e, name))
            .map(|e| (e, g.e_to[e as usize]))
    };
    if let Some((e, cb)) = edge_to(last, "_onTimeout") {
        path.push((e, cb));
        if let Some(ctx) = edge_to(cb, "context") {
            path.push(ctx);
        }
    }
}

/// Objects worth reporting as leaked: JS objects, closures, regexps — not V8 internals (`code`,
/// `object shape`, `hidden`, `system / *`), backing-store arrays, strings or numbers (those are
/// counted inside their owners' retained sizes) (§12 note).
fn interesting(g: &Graph, v: u32) -> bool {
    let t = g.n_type[v as usize];
    (t == g.nt.object || t == g.nt.closure || t == g.nt.regexp)
        && !g.name(v).starts_with("system / ")
}

/// Leaked objects that have no class of their own — strings, numbers and arrays (a collection's
/// backing store) — still count when they are new: a `Map` of cached response bodies grows by
/// strings only. Only those reachable from the user roots (not V8's own caches behind system
/// roots) are taken.
fn leaked_data(g: &Graph, v: u32) -> bool {
    let t = g.n_type[v as usize];
    (t == g.nt.string
        || t == g.nt.concat
        || t == g.nt.sliced
        || t == g.nt.number
        || t == g.nt.array)
        && g.dist[v as usize] < SYSTEM_DISTANCE
}

fn node_label(g: &Graph, v: u32) -> String {
    let t = g.n_type[v as usize];
    let name = g.name(v);
    if t == g.nt.string || t == g.nt.concat || t == g.nt.sliced {
        "(string)".into()
    } else if t == g.nt.number {
        "(number)".into()
    } else if t == g.nt.array {
        if name.starts_with('(') {
            name.into()
        } else {
            "(array)".into()
        }
    } else if name.is_empty() {
        format!("({})", g.type_name(v))
    } else {
        name.into()
    }
}

fn edge_label(g: &Graph, src: u32, e: u32) -> String {
    let t = g.e_type[e as usize];
    if t == g.et.element || t == g.et.hidden {
        return "[]".into();
    }
    let name = g.str(g.e_name[e as usize]);
    if t == g.et.internal {
        if name.bytes().all(|b| b.is_ascii_digit()) {
            return "[]".into();
        }
        if name.contains("part of key") {
            return "[ephemeron]".into();
        }
    }
    if t == g.et.property && (name == "_idleNext" || name == "_idlePrev") {
        return "_idle(Next|Prev)".into(); // timer lists are walked from both ends (§9.5)
    }
    if t == g.et.property && g.edges(src).len() > 64 {
        return "[key]".into(); // object used as a dictionary (prom-client hashMap, caches)
    }
    name.into()
}

/// Grouping key of a retainer path: normalised `edge→node` tokens, repeats collapsed (counts
/// dropped so chains of any length share a shape).
fn shape(g: &Graph, path: &[(u32, u32)]) -> String {
    let toks: Vec<String> = path
        .windows(2)
        .map(|w| {
            format!(
                "{}→{}",
                edge_label(g, w[0].1, w[1].0),
                node_label(g, w[1].1)
            )
        })
        .collect();
    let mut out = String::new();
    for (start, len, count) in collapse(&toks) {
        if !out.is_empty() {
            out.push(' ');
        }
        if count == 1 {
            out.push_str(&toks[start]);
        } else {
            out.push('(');
            out.push_str(&toks[start..start + len].join(" "));
            out.push_str(")*");
        }
    }
    out
}

fn sorted_ids(s: &HeapSnapshot) -> Vec<u64> {
    let mut v = s.g.n_id.clone();
    v.sort_unstable();
    v
}

/// Per node: whether its shortest retainer path (the BFS parents the graph keeps) runs through
/// the synthetic `(Stack roots)` or `(Handle scope)` root — V8's roots for the values live on the
/// stack and in handle scopes at the moment of the snapshot (docs/heap.md §7, the synthetic root
/// categories), which hold transient work, not retained state. Walks each
/// parent chain once (answers are memoised as the walk unwinds).
fn held_by_transient_roots(g: &Graph) -> Vec<bool> {
    const UNKNOWN: u8 = 2;
    let n = g.node_count();
    let mut state = vec![UNKNOWN; n];
    let mut chain = Vec::new();
    for start in 0..n as u32 {
        let mut v = start;
        // Walk up to a node whose answer is known, or to the root.
        let answer = loop {
            if state[v as usize] != UNKNOWN {
                break state[v as usize] == 1;
            }
            if g.n_type[v as usize] == g.nt.synthetic {
                let name = g.name(v);
                if name.starts_with("(Stack roots") || name.starts_with("(Handle scope") {
                    break true;
                }
            }
            let parent = g.parent_node[v as usize];
            if v == g.root || parent == NONE || parent == v || g.dist[v as usize] == NONE {
                break false;
            }
            chain.push(v);
            v = parent;
        };
        state[v as usize] = answer as u8;
        for u in chain.drain(..) {
            state[u as usize] = answer as u8;
        }
    }
    state.into_iter().map(|s| s == 1).collect()
}

/// Diffs snapshots of one process by object id (docs/heap.md §8) and groups what leaked by
/// the shape of its retainer path.
///
/// * Two snapshots (`final_ = None`): leaked = JS objects (odd ids; even embedder ids are
///   regenerated per snapshot and never matched) present in `after` but not in `before`; each
///   group is then cut to what its holder gained between the two (churn is not growth).
/// * Three snapshots (memlab's baseline/target/final mode): leaked = objects allocated between
///   `before` and `after` that are still alive in `final_`; paths and sizes come from `final_`.
///
/// Leaked objects are JS objects, closures and regexps, and strings, numbers and arrays
/// (backing stores) reachable from the user roots — not V8 internals, and not objects whose
/// shortest retainer path starts at `(Stack roots)` or `(Handle scope)` (transient work). Leaked objects dominated
/// by another leaked object are folded into it; the remaining "top-level" leaked objects are
/// grouped by holder (nearest object on the path that existed in `before`) and
/// [`Growth::shape`]. `retained_bytes` sums their retained sizes (bytes, Lengauer–Tarjan
/// dominators with the §10.6 refinements); `objects` counts all leaked objects in their dominator
/// subtrees. Paths ending at a timer continue to its callback and context. Source files in
/// anchors and path steps are made relative to `project`.
///
/// Returns the groups ranked by `retained_bytes`, largest first (empty when nothing grew).
pub fn diff(
    before: &HeapSnapshot,
    after: &HeapSnapshot,
    final_: Option<&HeapSnapshot>,
    project: &Path,
) -> Vec<Growth> {
    let target = final_.unwrap_or(after);
    let g = &target.g;
    let n = g.node_count();
    let base = sorted_ids(before);
    let mid = final_.map(|_| sorted_ids(after));
    let transient = held_by_transient_roots(g);
    let mut leaked = vec![false; n];
    for (v, flag) in leaked.iter_mut().enumerate() {
        let id = g.n_id[v];
        // Even ids are embedder objects, regenerated in every snapshot (§8). Objects whose
        // shortest retainer path starts at the stack or a handle scope are whatever the code
        // was working on when the snapshot was taken, not memory the program keeps.
        if id.is_multiple_of(2)
            || g.dist[v] == NONE
            || transient[v]
            || !(interesting(g, v as u32) || leaked_data(g, v as u32))
        {
            continue;
        }
        if base.binary_search(&id).is_ok() {
            continue;
        }
        if let Some(m) = &mid {
            if m.binary_search(&id).is_err() {
                continue;
            }
        }
        *flag = true;
    }
    drop(mid);
    // covered[v]: some strict dominator of v is leaked.
    let mut covered = vec![false; n];
    for &v in g.dom_order.iter().skip(1) {
        let d = g.idom[v as usize] as usize;
        covered[v as usize] = leaked[d] || covered[d];
    }
    let mut count = vec![0u32; n];
    for &v in g.dom_order.iter().rev() {
        count[v as usize] += leaked[v as usize] as u32;
        if v != g.root {
            let d = g.idom[v as usize] as usize;
            count[d] += count[v as usize];
        }
    }
    struct Acc {
        objects: u64,
        retained: u64,
        rep: u32,
    }
    // Groups are keyed by path shape and by the holder: the nearest object on the path that
    // existed before (a Map, an emitter, a context). Shapes alone merge two collections whose
    // paths differ only in a normalised index (`children[1]` and `children[2]`: two modules).
    let mut groups: FxHashMap<(u32, String), Acc> = FxHashMap::default();
    // Siblings reached from the same parent by the same normalised step share a shape and a
    // holder (all entries of one Map table): compute them once per (parent, step).
    let mut memo: FxHashMap<(u32, String), (u32, String)> = FxHashMap::default();
    for v in 0..n as u32 {
        if !leaked[v as usize] || covered[v as usize] {
            continue;
        }
        let parent = g.parent_node[v as usize];
        let step = format!(
            "{}→{}",
            edge_label(g, parent, g.parent_edge[v as usize]),
            node_label(g, v)
        );
        let key = memo
            .entry((parent, step))
            .or_insert_with(|| {
                let path = g.path_to(v);
                let holder = path
                    .iter()
                    .rev()
                    .skip(1)
                    .map(|&(_, u)| u)
                    .find(|&u| base.binary_search(&g.n_id[u as usize]).is_ok())
                    .unwrap_or(g.root);
                (holder, shape(g, &path))
            })
            .clone();
        let a = groups.entry(key).or_insert(Acc {
            objects: 0,
            retained: 0,
            rep: v,
        });
        a.objects += count[v as usize] as u64;
        a.retained = a.retained.saturating_add(g.retained[v as usize]);
        if g.dist[v as usize] < g.dist[a.rep as usize] {
            a.rep = v;
        }
    }
    // Deepest leaked object in each dominator subtree: when a group's head is the newest link of
    // a chain (two-snapshot mode of a shared-context leak), the repetition only shows below it.
    let mut deepest = vec![NONE; n];
    for &v in g.dom_order.iter().rev() {
        let vu = v as usize;
        if leaked[vu] && (deepest[vu] == NONE || g.dist[vu] > g.dist[deepest[vu] as usize]) {
            deepest[vu] = v;
        }
        if v != g.root && deepest[vu] != NONE {
            let d = g.idom[vu] as usize;
            if deepest[d] == NONE || g.dist[deepest[vu] as usize] > g.dist[deepest[d] as usize] {
                deepest[d] = deepest[vu];
            }
        }
    }
    drop(base);
    let mapper = Mapper::new(target, project);
    let mut out: Vec<(Growth, Option<(u32, u32)>)> = groups
        .into_iter()
        .map(|((_, shape), a)| {
            let mut path = g.path_to(a.rep);
            let holder = if final_.is_none() {
                stable_holder(before, g, &path)
            } else {
                None
            };
            let mut anchor = mapper.anchor(&path, a.rep);
            let generic = anchor
                .as_ref()
                .is_none_or(|x| x.kind == AnchorKind::ContextVariable);
            let deep = deepest[a.rep as usize];
            if generic && deep != NONE && deep != a.rep {
                if let Some(c) = mapper.chain_anchor(&g.path_to(deep)) {
                    anchor = Some(c);
                }
            }
            through_timer(g, &mut path);
            let growth = Growth {
                objects: a.objects,
                retained_bytes: a.retained,
                anchor,
                retainer_path: to_steps(g, &path, &mapper),
                shape,
            };
            (growth, holder)
        })
        .collect();
    let rank = |out: &mut Vec<(Growth, Option<(u32, u32)>)>| {
        out.sort_by(|(a, _), (b, _)| {
            b.retained_bytes
                .cmp(&a.retained_bytes)
                .then(b.objects.cmp(&a.objects))
                .then(a.shape.cmp(&b.shape))
        })
    };
    rank(&mut out);
    if final_.is_none() {
        out = net_growth(before, after, out);
        rank(&mut out);
    }
    out.into_iter().map(|(g, _)| g).collect()
}

/// The nearest object on `path` (from the leaf back to the root) that already existed in `before`
/// — the collection, context or emitter the new objects were added to. Returns (ordinal in
/// `before`, ordinal in the graph `g` of `path`). Even ids are regenerated per snapshot (§8) and
/// are skipped.
fn stable_holder(before: &HeapSnapshot, g: &Graph, path: &[(u32, u32)]) -> Option<(u32, u32)> {
    path.iter().rev().find_map(|&(_, v)| {
        let id = g.n_id[v as usize];
        if id.is_multiple_of(2) {
            return None;
        }
        before.node_by_id(id).map(|b| (b, v))
    })
}

/// Number of nodes in each node's dominator subtree (itself included).
fn subtree_counts(g: &Graph) -> Vec<u64> {
    let mut count = vec![1u64; g.node_count()];
    for &v in g.dom_order.iter().rev() {
        if v != g.root {
            let d = g.idom[v as usize] as usize;
            count[d] += count[v as usize];
        }
    }
    count
}

/// Two-snapshot mode: new objects are not growth when they only replaced old ones (a full bounded
/// cache evicting and inserting). Each group is cut to what its stable holder (see
/// [`stable_holder`]) gained between the snapshots: retained bytes and dominated objects of the
/// holder in `after` minus in `before`. Groups under one holder share that gain, largest group
/// first; groups whose holder did not grow are dropped.
fn net_growth(
    before: &HeapSnapshot,
    after: &HeapSnapshot,
    groups: Vec<(Growth, Option<(u32, u32)>)>,
) -> Vec<(Growth, Option<(u32, u32)>)> {
    let (count_before, count_after) = (subtree_counts(&before.g), subtree_counts(&after.g));
    let mut budget: FxHashMap<u32, (u64, u64)> = FxHashMap::default();
    groups
        .into_iter()
        .filter_map(|(mut gr, holder)| {
            let Some((b, a)) = holder else {
                return Some((gr, holder));
            };
            let left = budget.entry(a).or_insert_with(|| {
                (
                    after.g.retained[a as usize].saturating_sub(before.g.retained[b as usize]),
                    count_after[a as usize].saturating_sub(count_before[b as usize]),
                )
            });
            gr.retained_bytes = gr.retained_bytes.min(left.0);
            gr.objects = gr.objects.min(left.1);
            left.0 -= gr.retained_bytes;
            left.1 -= gr.objects;
            (gr.retained_bytes > 0 && gr.objects > 0).then_some((gr, holder))
        })
        .collect()
}

/// The `top` largest retainers of one snapshot by retained size (bytes, dominator subtrees,
/// §10.6), with their shortest retainer paths (§10) and source anchors (§6, §9).
///
/// Candidates are JS objects, closures and regexps reachable from the roots, excluding V8
/// internals (`system / *`) and the global object; files in anchors are relative to `project`.
/// A candidate is left out when its nearest candidate descendant in the dominator tree retains
/// ≥ 90 % of its bytes (wrappers such as `module.exports` → closure → `Map` collapse to the `Map`).
/// Returns at most `top` entries, largest first.
pub fn summary(snap: &HeapSnapshot, project: &Path, top: usize) -> Vec<SummaryEntry> {
    let g = &snap.g;
    let mut cands: Vec<(u64, u32)> = (0..g.node_count() as u32)
        .filter(|&v| {
            interesting(g, v)
                && g.dist[v as usize] != NONE
                && !(g.dist[v as usize] == 1 && g.parent_node[v as usize] == g.root)
        })
        .map(|v| (g.retained[v as usize], v))
        .collect();
    // Pool of the largest candidates; a candidate whose nearest candidate descendant in the
    // dominator tree retains ≥ 90 % of it is only a wrapper (exports object → closure → Map)
    // and is dropped in favour of that descendant.
    let pool_size = (top.saturating_mul(20) + 100).min(cands.len());
    if pool_size == 0 {
        return vec![];
    }
    if pool_size < cands.len() {
        cands.select_nth_unstable_by(pool_size - 1, |a, b| b.0.cmp(&a.0));
        cands.truncate(pool_size);
    }
    cands.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let pos: FxHashMap<u32, usize> = cands.iter().enumerate().map(|(i, c)| (c.1, i)).collect();
    let mut dropped = vec![false; cands.len()];
    for &(r, v) in &cands {
        let mut a = g.idom[v as usize];
        while a != g.root {
            if let Some(&i) = pos.get(&a) {
                if r.saturating_mul(10) >= g.retained[a as usize].saturating_mul(9) {
                    dropped[i] = true;
                }
                break;
            }
            a = g.idom[a as usize];
        }
    }
    let cands: Vec<(u64, u32)> = cands
        .iter()
        .zip(&dropped)
        .filter(|(_, &d)| !d)
        .map(|(c, _)| *c)
        .take(top)
        .collect();
    let mapper = Mapper::new(snap, project);
    cands
        .into_iter()
        .map(|(r, v)| {
            let path = g.path_to(v);
            SummaryEntry {
                node_name: g.name(v).to_string(),
                node_type: g.type_name(v).to_string(),
                retained_bytes: r,
                self_size: g.n_size[v as usize],
                anchor: mapper.anchor(&path, v),
                retainer_path: to_steps(g, &path, &mapper),
            }
        })
        .collect()
}
