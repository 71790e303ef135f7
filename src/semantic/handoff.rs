//! What a parent node decides about one of its direct children (how a call's result is used, the
//! name of a function expression), held until the child's own visitor takes it.

/// Pending values keyed by the child's span `(lo, hi)`.
///
/// Few are pending at once (one per open ancestor that expects something of a child, plus the
/// arguments of the calls being visited), and the child that takes one is usually the latest
/// expected, so a vector searched from its end costs less than hashing every key.
#[derive(Debug)]
pub(super) struct Handoffs<V> {
    entries: Vec<((u32, u32), V)>,
}

impl<V> Default for Handoffs<V> {
    fn default() -> Self {
        Handoffs {
            entries: Vec::new(),
        }
    }
}

impl<V> Handoffs<V> {
    /// Sets the value for `key`, replacing one already pending.
    pub(super) fn insert(&mut self, key: (u32, u32), value: V) {
        match self.entries.iter_mut().rev().find(|e| e.0 == key) {
            Some(e) => e.1 = value,
            None => self.entries.push((key, value)),
        }
    }

    /// Takes the value pending for `key`.
    pub(super) fn remove(&mut self, key: (u32, u32)) -> Option<V> {
        let i = self.entries.iter().rposition(|e| e.0 == key)?;
        Some(self.entries.remove(i).1)
    }

    /// A mark to [`Handoffs::forget_since`] later.
    pub(super) fn mark(&self) -> usize {
        self.entries.len()
    }

    /// Drops what was set since `mark` and never taken, so that leftovers (a child no visitor
    /// took) cannot make later searches longer. Entries older than `mark` are kept.
    pub(super) fn forget_since(&mut self, mark: usize) {
        self.entries.truncate(mark);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_taken_by_key_latest_first_and_replaced_on_insert() {
        let mut h = Handoffs::default();
        h.insert((1, 9), "outer");
        h.insert((2, 3), "first");
        h.insert((4, 5), "second");
        h.insert((2, 3), "first again");
        assert_eq!(h.remove((4, 5)), Some("second"));
        assert_eq!(h.remove((4, 5)), None);
        assert_eq!(h.remove((2, 3)), Some("first again"));
        let mark = h.mark();
        h.insert((6, 7), "left over");
        h.forget_since(mark);
        assert_eq!(h.remove((6, 7)), None);
        assert_eq!(h.remove((1, 9)), Some("outer"));
    }
}
