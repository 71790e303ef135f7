//! Ids of AST nodes looked up by their exact span, for nodes that the walk registers in source
//! order: calls as they end (post-order, so by end offset), functions as they begin (pre-order, so
//! by start offset).
//!
//! The model builder summarises an expression right after walking it and then asks "which call
//! (or function) has this span?"; the answer is almost always one of the last few registered. A
//! hash map keyed by span paid a random memory access per node registered; this keeps the nodes in
//! a vector sorted by construction and searches it from its end (exponential then binary search,
//! Bentley & Yao 1976), so a recent node costs a few reads of cache-hot memory.

use rustc_hash::FxHashMap;

/// Node ids by `(order key, other end)`: the order key is the offset the walk registers nodes in
/// non-decreasing order of (the end for calls, the start for functions), the other end tells
/// nodes with the same key apart. Nodes that arrive out of order (a decorator walked after the
/// member it decorates) go to a side map, so every lookup stays exact.
#[derive(Default)]
pub(crate) struct SpanIndex {
    /// `(order key, other end, id)`, keys non-decreasing.
    sorted: Vec<(u32, u32, u32)>,
    /// Nodes registered after one with a larger order key.
    stray: FxHashMap<(u32, u32), u32>,
}

impl SpanIndex {
    /// An index with room for `n` nodes before it reallocates.
    pub(crate) fn with_capacity(n: usize) -> SpanIndex {
        SpanIndex {
            sorted: Vec::with_capacity(n),
            stray: FxHashMap::default(),
        }
    }

    /// Registers node `id` with order key `key` and other end `other` (byte offsets).
    pub(crate) fn insert(&mut self, key: u32, other: u32, id: u32) {
        match self.sorted.last() {
            Some(&(last, _, _)) if last > key => {
                self.stray.insert((key, other), id);
            }
            _ => self.sorted.push((key, other, id)),
        }
    }

    /// The id registered for `(key, other)`, if any (the latest, if registered twice).
    pub(crate) fn get(&self, key: u32, other: u32) -> Option<u32> {
        let s = &self.sorted;
        // Exponential search from the end for a window whose first key is below `key`.
        let mut hi = s.len();
        let mut step = 1;
        let mut lo = hi.saturating_sub(step);
        while lo > 0 && s[lo].0 >= key {
            hi = lo;
            step *= 2;
            lo = lo.saturating_sub(step);
        }
        // First position in `lo..hi` whose key is not below `key`.
        let first = lo + s[lo..hi].partition_point(|e| e.0 < key);
        let found = s[first..]
            .iter()
            .take_while(|e| e.0 == key)
            .filter(|e| e.1 == other)
            .last()
            .map(|e| e.2);
        found.or_else(|| {
            if self.stray.is_empty() {
                None
            } else {
                self.stray.get(&(key, other)).copied()
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::SpanIndex;

    #[test]
    fn finds_every_node_in_order_and_out_of_order() {
        let mut ix = SpanIndex::with_capacity(4);
        let nodes = [
            (5, 1, 0),
            (9, 7, 1),
            (9, 2, 2),
            (20, 10, 3),
            (3, 1, 4),
            (30, 21, 5),
        ];
        for &(k, o, id) in &nodes {
            ix.insert(k, o, id);
        }
        for &(k, o, id) in &nodes {
            assert_eq!(ix.get(k, o), Some(id), "node {id}");
        }
        assert_eq!(ix.get(9, 3), None);
        assert_eq!(ix.get(4, 1), None);
        assert_eq!(ix.get(31, 0), None);
        assert_eq!(ix.get(0, 0), None);
    }

    #[test]
    fn finds_old_nodes_among_many() {
        let mut ix = SpanIndex::with_capacity(0);
        for i in 0..10_000u32 {
            ix.insert(i * 3, i, i);
        }
        for i in (0..10_000u32).step_by(7) {
            assert_eq!(ix.get(i * 3, i), Some(i));
            assert_eq!(ix.get(i * 3 + 1, i), None);
        }
    }
}
