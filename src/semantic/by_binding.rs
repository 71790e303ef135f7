//! Items grouped by the binding they belong to, for the model's per-binding questions (the
//! references to a binding, the calls on it, the calls that mention it).

use super::BindingId;

/// Item indices grouped by binding in compressed-sparse-row form: `items[start[b]..start[b + 1]]`
/// are binding `b`'s items, in the order they were given. Built by a counting sort (bindings are
/// dense small integers), so building is linear and a lookup is two array reads.
#[derive(Debug, Clone, Default)]
pub(crate) struct ByBinding<T> {
    start: Vec<u32>,
    items: Vec<T>,
}

impl<T: Copy + Default> ByBinding<T> {
    /// Groups `pairs` of `(binding, item index)` for bindings `0..bindings`; a binding may have any
    /// number of items, an item any number of bindings.
    pub(crate) fn new(
        pairs: impl Iterator<Item = (BindingId, T)> + Clone,
        bindings: usize,
    ) -> ByBinding<T> {
        let mut start = vec![0u32; bindings + 1];
        for (b, _) in pairs.clone() {
            start[b.index() + 1] += 1;
        }
        for i in 1..start.len() {
            start[i] += start[i - 1];
        }
        let mut next = start.clone();
        let mut items = vec![T::default(); start[bindings] as usize];
        for (b, item) in pairs {
            let slot = &mut next[b.index()];
            items[*slot as usize] = item;
            *slot += 1;
        }
        ByBinding { start, items }
    }

    /// The items of binding `b` (none for a binding it was not built with).
    pub(crate) fn of(&self, b: BindingId) -> &[T] {
        match (self.start.get(b.index()), self.start.get(b.index() + 1)) {
            (Some(&from), Some(&to)) => &self.items[from as usize..to as usize],
            _ => &[],
        }
    }
}
