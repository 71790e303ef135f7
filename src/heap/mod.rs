//! V8 heap-snapshot engine: parse `.heapsnapshot` files written by Node (`v8.writeHeapSnapshot`)
//! or Chrome, index them as a compact graph, compute shortest retainer paths, dominators and
//! retained sizes, diff snapshots of one process, and map what grows back to source code.
//!
//! Format and policy references (§1–§14) are to "The snapshot format" in `docs/heap.md`; the
//! design and measured results are in the first half of that page.
//!
//! Entry points: [`load`], [`diff()`], [`summary`], [`render_pretty`].
//!
//! Loading goes `input` (file, gzip, reader thread) → `json` (streaming tokenizer) → `decode`
//! (V8 layout → columns) → `index` (first-edge and retainer indexes) → `graph` (paths,
//! dominators, retained sizes).

#![warn(missing_docs)]

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde::Serialize;

mod decode;
mod diff;
pub mod dominators;
mod files;
mod graph;
pub mod identity;
mod index;
mod input;
mod json;
mod parse;
mod source;
mod sourcemap;

pub use diff::{diff, summary};
pub use identity::{check_same_process, id_overlap, IdOverlap, Mismatch};
pub use input::LoadProgress;

use graph::Graph;

/// Error from [`load`]. Its `Display` names the file and the byte offset where reading stopped.
#[derive(Debug, thiserror::Error)]
pub enum HeapError {
    /// The file could not be opened or read. `offset` = bytes successfully consumed before.
    #[error("{}: I/O error at byte {offset}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// Byte offset (0 when the file could not be opened).
        offset: u64,
        /// Underlying error.
        #[source]
        source: std::io::Error,
    },
    /// The content is not a (complete, well-formed) heap snapshot.
    #[error("{}: {msg} at byte {offset}{}", path.display(), if *decompressed { " of the decompressed stream" } else { "" })]
    Format {
        /// The file.
        path: PathBuf,
        /// Byte offset of the problem (in the decompressed stream for `.gz` input).
        offset: u64,
        /// What was wrong.
        msg: String,
        /// True when the input was gzip-compressed.
        decompressed: bool,
    },
}

impl HeapError {
    /// Byte offset at which the error was detected.
    pub fn offset(&self) -> u64 {
        match self {
            HeapError::Io { offset, .. } | HeapError::Format { offset, .. } => *offset,
        }
    }
}

/// Wall-clock time spent in each phase of [`load`].
#[derive(Debug, Clone, Default, Serialize)]
pub struct Timings {
    /// Streaming parse of the JSON text.
    pub parse: Duration,
    /// First-edge and retainer indexes.
    pub index: Duration,
    /// Breadth-first shortest retainer paths.
    pub paths: Duration,
    /// Lengauer–Tarjan dominators + retained sizes.
    pub dominators: Duration,
    /// Script-id → file-name map (§6).
    pub scripts: Duration,
}

/// A parsed and fully indexed heap snapshot.
///
/// Holds the graph in flat arrays (struct of arrays: node type/name/id/self size, first-edge
/// index; edge type/name/target; retainer index), the sorted `locations` table, shortest
/// retainer paths from the user roots (§10), the dominator tree and retained sizes (§10.6) and
/// the script-id → script-name map (§6). Built by [`load`]; consumed by [`diff()`] / [`summary`].
#[derive(Clone)]
pub struct HeapSnapshot {
    path: PathBuf,
    pub(crate) g: Graph,
    pub(crate) scripts: rustc_hash::FxHashMap<u32, String>,
    /// (id, ordinal) sorted by id, built on first lookup.
    id_index: std::sync::OnceLock<Vec<(u64, u32)>>,
    /// Time spent per phase while loading.
    pub timings: Timings,
}

impl fmt::Debug for HeapSnapshot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HeapSnapshot")
            .field("path", &self.path)
            .field("nodes", &self.node_count())
            .field("edges", &self.edge_count())
            .field("strings", &self.g.str_offs.len().saturating_sub(1))
            .field("locations", &self.g.locations.len())
            .field("scripts", &self.scripts.len())
            .finish()
    }
}

impl Serialize for HeapSnapshot {
    /// Serialises a small summary (path, counts, total size), never the graph itself.
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("HeapSnapshot", 5)?;
        st.serialize_field("path", &self.path)?;
        st.serialize_field("nodes", &self.node_count())?;
        st.serialize_field("edges", &self.edge_count())?;
        st.serialize_field("total_bytes", &self.total_size())?;
        st.serialize_field("scripts", &self.scripts.len())?;
        st.end()
    }
}

impl HeapSnapshot {
    /// The file this snapshot was loaded from.
    pub fn path(&self) -> &Path {
        &self.path
    }
    /// Number of nodes (heap objects, incl. synthetic roots).
    pub fn node_count(&self) -> usize {
        self.g.node_count()
    }
    /// Number of edges.
    pub fn edge_count(&self) -> usize {
        self.g.e_to.len()
    }
    /// Sum of all nodes' self sizes, in bytes.
    pub fn total_size(&self) -> u64 {
        self.g.n_size.iter().fold(0u64, |a, &b| a.saturating_add(b))
    }
    /// Retained size (bytes) of the synthetic root = everything, incl. attached orphans.
    pub fn root_retained(&self) -> u64 {
        self.g.retained[self.g.root as usize]
    }
    /// Number of nodes not reachable from the root through essential edges (attached to it).
    pub fn orphan_count(&self) -> usize {
        self.g.orphans
    }
    /// Looks a node up by snapshot object id (§8); returns its ordinal.
    pub fn node_by_id(&self, id: u64) -> Option<u32> {
        let idx = self.id_index.get_or_init(|| {
            let mut v: Vec<(u64, u32)> = self
                .g
                .n_id
                .iter()
                .enumerate()
                .map(|(i, &x)| (x, i as u32))
                .collect();
            v.sort_unstable();
            v
        });
        let i = idx.partition_point(|x| x.0 < id);
        idx.get(i).filter(|x| x.0 == id).map(|x| x.1)
    }
    /// Object ids of all nodes, in node order.
    pub fn ids(&self) -> impl Iterator<Item = u64> + '_ {
        self.g.n_id.iter().copied()
    }
    /// Retained size in bytes of the node with object id `id` (dominator subtree, §10.6).
    pub fn retained_size_of_id(&self, id: u64) -> Option<u64> {
        self.node_by_id(id).map(|v| self.g.retained[v as usize])
    }
    /// Self (shallow) size in bytes of the node with object id `id`.
    pub fn self_size_of_id(&self, id: u64) -> Option<u64> {
        self.node_by_id(id).map(|v| self.g.n_size[v as usize])
    }
    /// Shortest retainer path (§10 policy, no length cap) to the node with object id `id`,
    /// root first. `None` if there is no such node or it is unreachable.
    pub fn retainer_path_of_id(&self, id: u64) -> Option<Vec<PathStep>> {
        let v = self.node_by_id(id)?;
        let p = diff::steps(self, v);
        if p.is_empty() {
            None
        } else {
            Some(p)
        }
    }
    /// Hop count of the shortest path to object `id` from the user roots (`global`); nodes
    /// reachable only from system roots get 100,000,000 + hops (DevTools convention).
    pub fn distance_of_id(&self, id: u64) -> Option<u32> {
        let v = self.node_by_id(id)?;
        Some(self.g.dist[v as usize]).filter(|&d| d != graph::NONE)
    }
    /// Outgoing edges of object `id`: (edge label as in [`PathStep::edge`], edge type, target id).
    pub fn children_of_id(&self, id: u64) -> Vec<(String, String, u64)> {
        let Some(v) = self.node_by_id(id) else {
            return vec![];
        };
        self.g
            .edges(v)
            .map(|e| {
                let t = self.g.e_type[e as usize];
                let label = if t == self.g.et.element || t == self.g.et.hidden {
                    format!("[{}]", self.g.e_name[e as usize])
                } else {
                    self.g.edge_name(e)
                };
                (
                    label,
                    self.g.edge_type_name(e).to_string(),
                    self.g.n_id[self.g.e_to[e as usize] as usize],
                )
            })
            .collect()
    }
    /// Object id of the immediate dominator of object `id` (the root dominates itself).
    pub fn dominator_of_id(&self, id: u64) -> Option<u64> {
        let v = self.node_by_id(id)?;
        Some(self.g.n_id[self.g.idom[v as usize] as usize])
    }
    /// Name and type of object `id` (class/function name, node type).
    pub fn describe_id(&self, id: u64) -> Option<(String, String)> {
        let v = self.node_by_id(id)?;
        Some((self.g.name(v).to_string(), self.g.type_name(v).to_string()))
    }
    /// Object ids of all nodes with the given constructor/class name.
    pub fn ids_named(&self, name: &str) -> Vec<u64> {
        (0..self.node_count() as u32)
            .filter(|&v| self.g.name(v) == name)
            .map(|v| self.g.n_id[v as usize])
            .collect()
    }
}

/// Loads a `.heapsnapshot` (or gzip-compressed `.heapsnapshot.gz`, detected by magic bytes) and
/// builds the indexed graph, shortest paths, dominators and retained sizes.
///
/// * Format: docs/heap.md §1–§6 (fields looked up by name in `snapshot.meta`; streaming
///   parse, the file is never held in memory as text or as a JSON value).
/// * Shortest retainer paths: §10 traversal policy (user roots first, no weak edges, WeakMap
///   ephemeron rule, no length cap).
/// * Dominators: Lengauer & Tarjan, "A Fast Algorithm for Finding Dominators in a Flowgraph",
///   TOPLAS 1979, over the essential edges of §10.6 (WeakMap and root-ownership refinements);
///   retained size = Σ self sizes (bytes) of the dominator subtree.
/// * Script ids → file names via closures' SharedFunctionInfo → Script (§6).
///
/// Uses up to three threads (reader, index builder / paths ∥ dominators). Memory: about 150
/// bytes per node (edges included) on Node heaps — 634 MB peak for a 380 MB / 4.4 M-node
/// snapshot. [`load_with_progress`] reports the reading to a progress display.
///
/// # Errors
/// [`HeapError::Io`] if the file cannot be read; [`HeapError::Format`] for empty, truncated,
/// malformed or non-snapshot input (message + byte offset; never panics on bad input).
pub fn load(path: &Path) -> Result<HeapSnapshot, HeapError> {
    load_inner(path, None)
}

/// [`load`], telling `progress` the file's size and then how much of it has been read.
///
/// # Errors
/// As [`load`].
pub fn load_with_progress(
    path: &Path,
    progress: &dyn LoadProgress,
) -> Result<HeapSnapshot, HeapError> {
    load_inner(path, Some(progress))
}

fn load_inner(path: &Path, progress: Option<&dyn LoadProgress>) -> Result<HeapSnapshot, HeapError> {
    let mut timings = Timings::default();
    let t0 = Instant::now();
    let parsed = parse::parse_file(path, progress)?;
    timings.parse = t0.elapsed();
    let g = Graph::build(parsed, &mut timings);
    let t1 = Instant::now();
    let scripts = source::script_names(&g);
    timings.scripts = t1.elapsed();
    Ok(HeapSnapshot {
        path: path.to_path_buf(),
        g,
        scripts,
        id_index: Default::default(),
        timings,
    })
}

/// What kind of source construct a [`SourceAnchor`] points at (docs/heap.md §9, §12).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum AnchorKind {
    /// A function (closure) definition: position of its parameter list (§6).
    Closure,
    /// A captured / module-scope variable (`context` edge, §9.1–9.2); the anchor is its declaration.
    ContextVariable,
    /// A listener registered on an EventEmitter under `_events.<event>` (§9.4); anchor = callback.
    Listener {
        /// Event name.
        event: String,
    },
    /// A `setInterval`/`setTimeout` callback kept by a `Timeout` (§9.5); anchor = callback.
    Timer,
    /// A Map/Set/WeakMap/WeakSet (or array/object used as one) that grows (§9.3); anchor = the
    /// declaration of the variable holding it.
    Collection {
        /// Class of the collection (`Map`, `Set`, `Array`, `Object` …).
        class: String,
    },
    /// A prom-client metric whose label combinations (`hashMap`) grow (§12f); anchor = the first
    /// `metric.inc(/labels(/observe(/set(` call in the user file, else the declaration.
    MetricLabels {
        /// Metric class (`Counter`, `Gauge`, `Histogram`, `Summary`).
        metric: String,
    },
    /// Objects of a user class: anchor = the constructor (or `class` keyword) position (§6).
    Constructor {
        /// Class name.
        class: String,
    },
}

/// Where in the user's code a retained object comes from: derived from its retainer path with the
/// "generic source-mapping recipe" of docs/heap.md §12 (closure locations §6, context
/// variables §9.1–9.2, listeners §9.4, timers §9.5, collections §9.3, prom-client §12f), then
/// mapped through the executed file's source map when it has one. Rules: `docs/heap.md`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SourceAnchor {
    /// Script file, relative to the project directory when it lies inside it; otherwise the
    /// absolute path (`file://` URLs are converted to paths).
    pub file: PathBuf,
    /// 1-based line.
    pub line: u32,
    /// 1-based column.
    pub column: u32,
    /// Variable name (context variable / emitter / metric) when one applies.
    pub binding: Option<String>,
    /// Kind of construct.
    pub kind: AnchorKind,
    /// Other 1-based lines of `file` where the same object is declared or used, sorted: for a
    /// [`AnchorKind::MetricLabels`] anchor every line of the metric's declaration statement and
    /// every line calling one of its label methods, so that a finding at the declaration
    /// (`labelNames`) and one at any call site are joined with the same growth. Empty otherwise.
    #[serde(rename = "alsoAt", skip_serializing_if = "Vec::is_empty")]
    pub also_at: Vec<u32>,
}

impl fmt::Display for SourceAnchor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file.display(), self.line, self.column)?;
        if let Some(b) = &self.binding {
            write!(f, " `{b}`")?;
        }
        Ok(())
    }
}

/// One hop of a retainer path: the edge followed and the node it leads to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PathStep {
    /// Edge label as DevTools shows it: property/variable name, or `[N]` for element/hidden
    /// edges; empty for the first step (the root).
    pub edge: String,
    /// Edge type (`property`, `context`, `element`, `internal`, `hidden`, `shortcut`; empty for
    /// the root).
    pub edge_type: String,
    /// Node name (class name for objects, function name for closures, content for strings).
    pub node_name: String,
    /// Node type (`object`, `closure`, `array`, `string`, `synthetic` …).
    pub node_type: String,
    /// Self size of the node in bytes.
    pub self_size: u64,
    /// For a closure: where the function is defined (project-relative when inside the project,
    /// 1-based, source-mapped like anchors). `None` for other nodes and native functions.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<SourcePosition>,
}

/// A position in a source file: `file` relative to the project when inside it, 1-based `line`
/// and `column`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SourcePosition {
    /// The file.
    pub file: PathBuf,
    /// 1-based line.
    pub line: u32,
    /// 1-based column.
    pub column: u32,
}

impl fmt::Display for SourcePosition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file.display(), self.line, self.column)
    }
}

/// A group of leaked objects sharing one retainer-path shape (result of [`diff()`]).
#[derive(Debug, Clone, Serialize)]
pub struct Growth {
    /// Number of leaked objects (new since `before`, alive in the analysed snapshot) in the group,
    /// including leaked objects they dominate.
    pub objects: u64,
    /// Bytes retained by the group's top-level leaked objects (dominator subtrees).
    pub retained_bytes: u64,
    /// Shortest retainer path (root first) of the group's nearest object.
    pub retainer_path: Vec<PathStep>,
    /// Where in user code this comes from, when it could be determined.
    pub anchor: Option<SourceAnchor>,
    /// Normalised path shape (numeric indexes → `[]`, repeats collapsed); groups are keyed by it and
    /// by their holder, the nearest object on the path that existed in `before`.
    pub shape: String,
}

/// One of the largest retainers of a snapshot (result of [`summary`]).
#[derive(Debug, Clone, Serialize)]
pub struct SummaryEntry {
    /// Node name (class / function name).
    pub node_name: String,
    /// Node type.
    pub node_type: String,
    /// Retained size in bytes (dominator subtree).
    pub retained_bytes: u64,
    /// Self size in bytes.
    pub self_size: u64,
    /// Shortest retainer path, root first.
    pub retainer_path: Vec<PathStep>,
    /// Source anchor, when one could be determined.
    pub anchor: Option<SourceAnchor>,
}

fn step_label(s: &PathStep) -> String {
    let edge = match s.edge_type.as_str() {
        "element" | "hidden" => {
            format!("[{}]", s.edge.trim_start_matches('[').trim_end_matches(']'))
        }
        _ => s.edge.clone(),
    };
    let node = if s.node_name.is_empty() {
        format!("({})", s.node_type)
    } else {
        s.node_name.clone()
    };
    format!("{edge} {node}")
}

/// Collapses consecutive repeats of units of 1–4 tokens: returns (unit start, unit len, count).
pub(crate) fn collapse<T: PartialEq>(toks: &[T]) -> Vec<(usize, usize, usize)> {
    let mut out = vec![];
    let mut i = 0;
    while i < toks.len() {
        let mut best = (1usize, 1usize); // (unit len, repeats)
        for u in 1..=4usize {
            if i + 2 * u > toks.len() {
                break;
            }
            let mut r = 1;
            while i + (r + 1) * u <= toks.len()
                && toks[i + r * u..i + (r + 1) * u] == toks[i..i + u]
            {
                r += 1;
            }
            if r >= 2 && r * u > best.0 * best.1 {
                best = (u, r);
            }
        }
        out.push((i, best.0, best.1));
        i += best.0 * best.1;
    }
    out
}

/// Renders a retainer path one hop per line, collapsing repeated segments
/// (`next → next → next` becomes `(next ×3)`; multi-hop cycles such as the Meteor chain
/// `someMethod → context → previousContainer` become `(a → b → c) ×N`).
pub fn render_pretty(path: &[PathStep]) -> String {
    let labels: Vec<String> = path.iter().map(step_label).collect();
    let mut out = String::new();
    for (start, len, count) in collapse(&labels) {
        if count == 1 {
            let s = &path[start];
            if s.edge_type.is_empty() {
                out.push_str(&format!("[{}] ({})\n", s.node_name, s.node_type));
            } else {
                let at = s
                    .location
                    .as_ref()
                    .map(|l| format!(" at {l}"))
                    .unwrap_or_default();
                out.push_str(&format!(
                    "  --{} ({})--> [{}] ({}) {} B{at}\n",
                    labels[start].split_once(' ').map(|x| x.0).unwrap_or(""),
                    s.edge_type,
                    s.node_name,
                    s.node_type,
                    s.self_size
                ));
            }
        } else {
            let unit: Vec<&str> = labels[start..start + len]
                .iter()
                .map(|s| s.as_str())
                .collect();
            if len == 1 {
                out.push_str(&format!("  ({} ×{count})\n", unit[0]));
            } else {
                out.push_str(&format!("  ({}) ×{count}\n", unit.join(" → ")));
            }
        }
    }
    out
}

/// A retainer path that displays via [`render_pretty`].
pub struct PrettyPath<'a>(pub &'a [PathStep]);

impl fmt::Display for PrettyPath<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&render_pretty(self.0))
    }
}
