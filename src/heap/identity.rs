//! Do two snapshots come from one process, in order? V8's heap profiler gives each object an id
//! the first time a snapshot sees it (its `HeapObjectsMap`, in increasing order, odd for JS heap
//! objects) and keeps it while the object lives, so in one process an id present in both
//! snapshots names the same object: same node type, same name. Snapshots of two processes reuse
//! the same small ids for unrelated objects.

use std::fmt;

use super::HeapSnapshot;

/// Share of objects present in both snapshots (by id) whose type or name differs, above which
/// the snapshots are taken to come from different processes: 1 %. Measured on Node 20 with the
/// fixtures of `fixtures/heap/` (`examples/id_overlap.rs`, table in `docs/heap.md`): at most
/// 0.1 % within one process (40 of 40,645), 7.5 % for two runs of the same program and 46–94 %
/// for two different programs — 1 % leaves a factor of 10 below and 7.5 above.
pub const MAX_DIFFERING_SHARE: f64 = 0.01;

/// How the objects of two snapshots line up by id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IdOverlap {
    /// JS objects (odd ids) present in both snapshots.
    pub common: u64,
    /// Of those, how many differ in node type or name.
    pub differing: u64,
    /// Largest odd id in the first snapshot.
    pub first_max_id: u64,
    /// Largest odd id in the second snapshot.
    pub second_max_id: u64,
}

impl IdOverlap {
    /// `differing / common` (0 when nothing is common).
    pub fn differing_share(&self) -> f64 {
        if self.common == 0 {
            0.0
        } else {
            self.differing as f64 / self.common as f64
        }
    }
}

/// Why two snapshots cannot be diffed.
#[derive(Debug, Clone, PartialEq)]
pub enum Mismatch {
    /// Both are the same snapshot (same file, or identical contents).
    Same,
    /// The first has larger ids than the second: given in the wrong order, or from two processes.
    Reversed(IdOverlap),
    /// Too many objects with one id differ: the snapshots come from different processes.
    DifferentProcesses(IdOverlap),
}

impl fmt::Display for Mismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Mismatch::Same => write!(f, "both are the same snapshot; take a second one after the load"),
            Mismatch::Reversed(o) => write!(
                f,
                "the earlier snapshot has larger object ids than the later one (largest id {} > {}): \
                 the snapshots are in the wrong order or come from different processes",
                o.first_max_id, o.second_max_id
            ),
            Mismatch::DifferentProcesses(o) => write!(
                f,
                "{} of {} objects with the same id differ in type or name ({:.1} %, more than {} %): \
                 the snapshots come from different processes",
                o.differing,
                o.common,
                o.differing_share() * 100.0,
                MAX_DIFFERING_SHARE * 100.0
            ),
        }
    }
}

/// Compares the JS objects (odd ids; even ids, Node's embedder objects, are regenerated per
/// snapshot) of two
/// snapshots by id: how many are common, how many of those differ in type or name, and the
/// largest id of each. O(n log n) in the node counts.
pub fn id_overlap(first: &HeapSnapshot, second: &HeapSnapshot) -> IdOverlap {
    let (a, b) = (&first.g, &second.g);
    let mut o = IdOverlap {
        common: 0,
        differing: 0,
        first_max_id: 0,
        second_max_id: 0,
    };
    for v in 0..a.node_count() as u32 {
        let id = a.n_id[v as usize];
        if id.is_multiple_of(2) {
            continue;
        }
        o.first_max_id = o.first_max_id.max(id);
        if let Some(w) = second.node_by_id(id) {
            o.common += 1;
            if a.type_name(v) != b.type_name(w) || a.name(v) != b.name(w) {
                o.differing += 1;
            }
        }
    }
    o.second_max_id = b
        .n_id
        .iter()
        .copied()
        .filter(|id| id % 2 == 1)
        .max()
        .unwrap_or(0);
    o
}

/// Checks that `first` and `second` are two different snapshots of one process, `first` taken
/// earlier: not the same snapshot, ids not larger in `first`, and at most
/// [`MAX_DIFFERING_SHARE`] of the common objects differing.
///
/// # Errors
/// The [`Mismatch`] found.
pub fn check_same_process(
    first: &HeapSnapshot,
    second: &HeapSnapshot,
) -> Result<IdOverlap, Mismatch> {
    let same_file = match (first.path().canonicalize(), second.path().canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => first.path() == second.path(),
    };
    let identical = first.node_count() == second.node_count()
        && first.edge_count() == second.edge_count()
        && first.g.n_id == second.g.n_id
        && first.g.n_size == second.g.n_size;
    if same_file || identical {
        return Err(Mismatch::Same);
    }
    let o = id_overlap(first, second);
    if o.differing_share() > MAX_DIFFERING_SHARE {
        return Err(Mismatch::DifferentProcesses(o));
    }
    if o.first_max_id > o.second_max_id {
        return Err(Mismatch::Reversed(o));
    }
    Ok(o)
}
