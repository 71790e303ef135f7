//! Values kept inside the entries of a module-level keyed collection: a literal stored with
//! `store.set(key, [new Map(), new Map()])` and read back part by part with
//! `const [a, b] = store.get(key)`. Each part is then as long-lived as the entry that holds it,
//! and the bindings that destructure the lookup are its names (same file, literal values only).

use super::{BindingId, CallId, Destructured, Part, Path, SemanticModel, Value};

/// One part of the literal values a module-level Map or WeakMap stores, with the bindings that
/// take that part of its lookups.
#[derive(Debug)]
pub struct StoredPart<'a> {
    /// The module-level collection whose entries hold the literal.
    pub store: BindingId,
    /// Whether that collection is a `WeakMap`: its entries live as long as their key objects.
    pub weak: bool,
    /// The `store.set(key, literal)` call.
    pub put: CallId,
    /// Which part of the literal.
    pub part: Part,
    /// The part's value in the literal (`new Map()`).
    pub value: &'a Value,
    /// The bindings that take this part of a `store.get(…)` result, in source order.
    pub bindings: Vec<BindingId>,
}

impl SemanticModel {
    /// The parts of literal values stored into a module-level `Map`/`WeakMap` that are read back
    /// by destructuring its `.get()` ([`StoredPart`]). Only a literal stored by `.set()` in this
    /// file is followed: another value (a call's result, a parameter) has no known parts.
    pub fn stored_parts(&self) -> Vec<StoredPart<'_>> {
        let mut out: Vec<StoredPart<'_>> = Vec::new();
        for d in &self.destructured {
            let Some((store, weak)) = self.lookup_of_keyed_store(d.call) else {
                continue;
            };
            let receiver = Path::binding(store);
            let puts: Vec<CallId> = self
                .method_calls_on(&receiver, &["set"])
                .map(|(put, _)| put)
                .collect();
            for put in puts {
                let call = &self.calls[put.index()];
                let Some(value) = call.arg(1).and_then(|v| part_of(v, &d.part)) else {
                    continue;
                };
                add_binding(&mut out, d, store, weak, put, value);
            }
        }
        out
    }

    /// `(store, weak)` when `call` is `store.get(…)` on a module-level binding initialised with
    /// `new Map()` (`weak` false) or `new WeakMap()` (`weak` true).
    fn lookup_of_keyed_store(&self, call: CallId) -> Option<(BindingId, bool)> {
        let call = &self.calls[call.index()];
        if call.method().is_none_or(|m| m != "get") {
            return None;
        }
        let store = call.receiver()?.as_binding()?;
        let binding = self.binding(store);
        if !binding.module_level {
            return None;
        }
        let global = self.constructed_global(binding.init.as_ref()?)?;
        match global.as_str() {
            "Map" => Some((store, false)),
            "WeakMap" => Some((store, true)),
            _ => None,
        }
    }
}

/// The value of `part` in the literal `v`: an array element or an object property.
fn part_of<'a>(v: &'a Value, part: &Part) -> Option<&'a Value> {
    match (v, part) {
        (Value::Array(items), Part::Index(i)) => items.get(*i as usize),
        (Value::Object(_), Part::Key(k)) => v.property(k),
        _ => None,
    }
}

/// Adds `d`'s binding to the part it takes of what `put` stores, opening that part if needed.
fn add_binding<'a>(
    out: &mut Vec<StoredPart<'a>>,
    d: &Destructured,
    store: BindingId,
    weak: bool,
    put: CallId,
    value: &'a Value,
) {
    if let Some(found) = out.iter_mut().find(|s| s.put == put && s.part == d.part) {
        found.bindings.push(d.binding);
        return;
    }
    out.push(StoredPart {
        store,
        weak,
        put,
        part: d.part.clone(),
        value,
        bindings: vec![d.binding],
    });
}
