//! Key-domain evidence: calls whose names say they map values onto a bounded set, keys whose
//! names say they are drawn from a standard code set, and values the code itself treats as
//! unbounded by capping a table keyed by them.

use super::{BindingId, Call, FuncId, Path, Root, SemanticModel, Value};

/// Functions whose names say they map values onto a bounded set.
pub fn is_normaliser(name: &str) -> bool {
    // Compared case-insensitively in place: this runs for every call inside a summarised expression.
    [
        "normali",
        "sanitize",
        "sanitise",
        "route",
        "bucket",
        "classify",
        "template",
        "statusclass",
        "category",
    ]
    .iter()
    .any(|p| {
        name.as_bytes()
            .get(..p.len())
            .is_some_and(|head| head.eq_ignore_ascii_case(p.as_bytes()))
    })
}

/// Whether every name `key` is made of (through one local: `const k = timezone ?? ''`) names a
/// standard code set ([`is_code_set_name`]).
pub fn is_code_set_key(model: &SemanticModel, key: &Value) -> bool {
    let mut paths = Vec::new();
    key.mentioned_paths(&mut paths);
    let mut names = Vec::new();
    for p in &paths {
        match (&p.root, p.props.last()) {
            (_, Some(last)) => names.push(last.clone()),
            (Root::Binding(b), None) => {
                let binding = model.binding(*b);
                let mut inner = Vec::new();
                if binding.kind != super::BindingKind::Param {
                    if let Some(init) = &binding.init {
                        init.mentioned_paths(&mut inner);
                    }
                }
                if inner.is_empty() {
                    names.push(binding.name.clone());
                }
                for q in inner {
                    match (&q.root, q.props.last()) {
                        (_, Some(last)) => names.push(last.clone()),
                        (Root::Binding(c), None) => names.push(model.binding(*c).name.clone()),
                        _ => return false,
                    }
                }
            }
            _ => return false,
        }
    }
    !names.is_empty() && names.iter().all(|n| is_code_set_name(n))
}

/// Names of values drawn from a standard code set of a few hundred members at most: IANA time
/// zones, BCP 47 locales and languages, ISO 4217 currencies, ISO 3166 countries, character
/// encodings (exact, case-insensitive). A table keyed by one stays small whatever the traffic.
pub fn is_code_set_name(name: &str) -> bool {
    [
        "timezone", "tz", "zone", "locale", "locales", "lang", "language", "currency", "country",
        "encoding", "charset",
    ]
    .iter()
    .any(|n| name.eq_ignore_ascii_case(n))
}

/// The collection whose keys binding `b` supplies, when the code caps that collection by size:
/// `coll.set(b, …)` or `coll.add(b)` in the file, and for the same `coll` both a relational
/// comparison of its `size`/`length` (`coll.size >= max`) and a removal from it (`coll.delete(…)`,
/// `coll.clear()`, `delete coll[k]`). An author who evicts from a table keyed by a value expects
/// that value to take more distinct values than memory allows: evidence that its domain is
/// unbounded, for sinks that keep one entry per distinct value forever (metric label values).
///
/// Takes the model and the binding; returns the collection's path (`this.limits`), or `None`.
/// Instance fields are compared by class ([`SemanticModel::field_of`]), other paths by equality.
pub fn capped_collection_keyed_by(model: &SemanticModel, b: BindingId) -> Option<Path> {
    let keyed = |c: &Call| {
        matches!(c.method().map(|m| m.as_str()), Some("set" | "add"))
            && matches!(c.arg(0), Some(Value::Path(p)) if p.as_binding() == Some(b))
    };
    model
        .calls_mentioning(b)
        .iter()
        .map(|&id| &model.calls[id.index()])
        .filter(|c| keyed(c))
        .find_map(|c| {
            let coll = c.receiver()?;
            let same = |other: &Path, f: FuncId| match model.field_of(&coll, c.func) {
                Some((class, field)) => {
                    other.props.len() == 1 && model.is_field_path(other, f, class, &field)
                }
                None => *other == coll,
            };
            let size_checked = model
                .bounds_under(&coll)
                .any(|bd| !bd.is_delete && same(&bd.object, bd.func));
            let evicted = || {
                model
                    .bounds_under(&coll)
                    .any(|bd| bd.is_delete && same(&bd.object, bd.func))
                    || model.calls.iter().any(|r| {
                        matches!(r.method().map(|m| m.as_str()), Some("delete" | "clear"))
                            && r.receiver().is_some_and(|p| same(&p, r.func))
                    })
            };
            (size_checked && evicted()).then_some(coll)
        })
}

/// Whether an entry written under `key` with `value`, by code in function `f` at byte offset
/// `at`, mirrors an entity another store already holds under the same key: the value is (or is
/// made by a call from) a local of `f`, never assigned again, whose value is a call given the
/// key and not awaited (`const device = store.getDevice(id)`: an in-memory store), and a test
/// of that local comes first (`if (device) map.set(id, new Wrapper(device))`). Such a table has no more keys than the store it mirrors: a bounded
/// domain, like a standard code set.
pub fn mirrors_lookup(
    model: &SemanticModel,
    key: &Value,
    value: &Value,
    f: FuncId,
    at: u32,
) -> bool {
    let Value::Path(key) = key else {
        return false;
    };
    let mut paths = Vec::new();
    value.mentioned_paths(&mut paths);
    if let Value::Call(c) = value {
        model.calls[c.index()]
            .args
            .iter()
            .for_each(|a| a.mentioned_paths(&mut paths));
    }
    paths.iter().any(|p| {
        let Root::Binding(b) = p.root else {
            return false;
        };
        let binding = model.binding(b);
        if binding.func != f {
            return false;
        }
        let Some(Value::Call(c)) = &binding.init else {
            return false;
        };
        // The local still holds what the lookup found (a memo's `let v = cache.get(k); if (!v)
        // { v = make(k); cache.set(k, v) }` stores something else).
        let reassigned = || {
            model
                .assigns_under(&Path::binding(b))
                .any(|a| matches!(&a.target, super::Target::Path(t) if t.as_binding() == Some(b)))
        };
        let lookup = &model.calls[c.index()];
        // An awaited lookup reaches a database or a service, whose entities are not a bound
        // on what a process can keep.
        !lookup.is_new
            && !lookup.awaited
            && lookup
                .args
                .iter()
                .any(|a| matches!(a, Value::Path(q) if q == key))
            && model.conditions.iter().any(|cond| {
                cond.func == f
                    && cond.span.start < at
                    && cond
                        .paths
                        .iter()
                        .any(|q| q.root == Root::Binding(b) && q.props.is_empty())
            })
            && !reassigned()
    })
}
