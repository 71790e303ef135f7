//! Counts kept in a keyed collection: `m.set(k, (m.get(k) || 0) + 1)` takes a reference,
//! `m.set(k, m.get(k) - 1)` gives one back (also through locals:
//! `const n = m.get(k) || 0; m.set(k, n + 1)`). A map whose entries are such counts holds a key
//! for as long as its count is kept, and a key whose count is only written back at zero, never
//! deleted, stays forever.

use super::{BindingId, CallId, SemanticModel};

/// An expression that is a count read from a keyed collection, maybe plus or minus one,
/// recorded where it is written back or kept.
#[derive(Debug, Clone)]
pub struct Count {
    /// Where the count is.
    pub at: CountAt,
    /// What it adds to the count it reads: `+1`, `-1`, or `0` for the count itself.
    pub delta: i8,
    /// Where it reads the count from.
    pub read: CountRead,
}

/// Where a [`Count`] is written or kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CountAt {
    /// The value argument of this `.set(key, value)` call.
    Put(CallId),
    /// The initialiser of this binding (`const n = m.get(k) || 0`).
    Binding(BindingId),
}

/// Where a [`Count`] reads its count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CountRead {
    /// A lookup: this `.get(key)` call (`m.get(k) || 0` and `m.get(k) ?? 0` read it too).
    Lookup(CallId),
    /// A binding holding a count ([`CountAt::Binding`]).
    Binding(BindingId),
}

/// How many names a count may pass through before it is written back: `const n = m.get(k);
/// const left = n - 1; m.set(k, left)` is two.
const MAX_HOPS: usize = 3;

impl SemanticModel {
    /// What `put`, a `m.set(k, v)` call, does to the count kept in `m` under `k`: `+1` or `-1`
    /// when `v` is `m.get(k)` (with the same receiver and key) plus or minus one, directly or
    /// through locals. `None` for any other value, and for a write that leaves the count as it
    /// is.
    pub fn count_step(&self, put: CallId) -> Option<i8> {
        let mut count = self.count_at(CountAt::Put(put))?;
        let mut delta = count.delta;
        let mut hops = 0;
        let lookup = loop {
            match count.read {
                CountRead::Lookup(g) => break g,
                CountRead::Binding(b) if hops < MAX_HOPS => {
                    count = self.count_at(CountAt::Binding(b))?;
                    delta += count.delta;
                    hops += 1;
                }
                CountRead::Binding(_) => return None,
            }
        };
        let (put, lookup) = (&self.calls[put.index()], &self.calls[lookup.index()]);
        let same_entry = lookup.method().is_some_and(|m| m == "get")
            && put.receiver().is_some()
            && put.receiver() == lookup.receiver()
            && put.arg(0).is_some()
            && put.arg(0) == lookup.arg(0);
        (same_entry && delta != 0).then_some(delta)
    }

    /// The count recorded at `at`, if any.
    fn count_at(&self, at: CountAt) -> Option<&Count> {
        self.counts.iter().find(|c| c.at == at)
    }
}
