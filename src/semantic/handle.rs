//! Objects that stay registered until a call on them releases them (docs/architecture.md): the
//! DOM's observers (`disconnect()`) and file watchers (`close()`, `fs.unwatchFile`), the APIs
//! [`api::releasable`] knows. Where the object goes, whether anything can release it, and what it
//! is registered with.

use swc_atoms::Atom;

use super::api::{self, Releasable};
use super::{Call, CallId, ClassId, FuncId, Owner, Path, ResultUse, SemanticModel, Target, Value};

/// Where a releasable object is left when nothing in the file releases it.
#[derive(Debug, Clone, PartialEq)]
pub enum Unreleased {
    /// Its handle is dropped where it is made (`new ResizeObserver(cb).observe(el)`,
    /// `fs.watch(dir, cb)` as a statement): nothing can release it.
    Dropped,
    /// It is kept in a variable or property that no release call names.
    Kept(Path),
    /// It is kept in instance field `field` of class `c`, which no release call names.
    Field(ClassId, Atom),
    /// `fs.watchFile(…)` in a file that never calls `fs.unwatchFile`.
    NeverUnwatched,
}

/// What a releasable object made by a call is, where it went, and what it observes.
#[derive(Debug, Clone)]
pub struct Leftover {
    /// The API.
    pub what: Releasable,
    /// Where it is left.
    pub fate: Unreleased,
    /// The `observe(…)` call that registers an observer with its target (none for watchers).
    pub observe: Option<CallId>,
}

/// The call whose receiver is the result of `call` (`x.m(…)` with `x` = `call`), for a method `m`
/// that returns its receiver ([`api::RETURNS_SELF_METHODS`]), or the method call itself for other
/// methods: `(call id, whether it returns the receiver)`.
fn chained(model: &SemanticModel, call: &Call, m: &Atom) -> Option<(CallId, bool)> {
    model
        .calls
        .iter()
        .enumerate()
        .find(|(_, c)| {
            c.span.start == call.span.start
                && c.span.end > call.span.end
                && c.method() == Some(m)
                && c.callee.as_ref().is_none_or(|p| p.props.len() == 1)
        })
        .map(|(i, _)| {
            (
                CallId::from_index(i),
                api::RETURNS_SELF_METHODS.contains(&m.as_str()),
            )
        })
}

/// What happens to the object `call` makes, through methods that return it
/// (`fs.watch(p).on('change', f)`), and the `observe(…)` call made directly on it
/// (`new ResizeObserver(cb).observe(el)`), if any.
fn final_use(model: &SemanticModel, call: &Call) -> (ResultUse, Option<CallId>) {
    let mut cur = call;
    for _ in 0..8 {
        let ResultUse::Member(m) = &cur.result else {
            break;
        };
        match chained(model, cur, m) {
            Some((next, true)) => cur = &model.calls[next.index()],
            Some((next, false)) => {
                // `new ResizeObserver(cb).observe(el)`: the observer is dropped once observing.
                let observe = (m == api::OBSERVE_METHOD).then_some(next);
                return (ResultUse::Discarded, observe);
            }
            None => return (ResultUse::Other, None),
        }
    }
    (cur.result.clone(), None)
}

/// The release calls (`disconnect`, `unobserve`, `close`) of the API `what`.
fn release_methods(what: Releasable) -> &'static [&'static str] {
    match what {
        Releasable::Observer(_) | Releasable::ProtocolObserver => api::OBSERVER_RELEASE_METHODS,
        _ => std::slice::from_ref(&api::WATCHER_RELEASE_METHOD),
    }
}

/// Calls of a method in `names` on the instance field `field` of class `c` (`this.ro.m()`,
/// `self.ro.m()`, `this.ro?.m()`), anywhere in the file.
fn field_calls<'a>(
    model: &'a SemanticModel,
    c: ClassId,
    field: &'a Atom,
    names: &'a [&'a str],
) -> impl Iterator<Item = (CallId, &'a Call)> + 'a {
    model.calls.iter().enumerate().filter_map(move |(i, k)| {
        let m = k.method()?;
        if !names.contains(&m.as_str()) {
            return None;
        }
        let r = k.receiver()?;
        (r.props.len() == 1 && model.is_field_path(&r, k.func, c, field))
            .then_some((CallId::from_index(i), k))
    })
}

/// Whether the observer callback (argument 0 of `call`) releases the observer it is handed as its
/// second parameter (`new IntersectionObserver((entries, obs) => obs.disconnect())`).
fn callback_releases(model: &SemanticModel, call: &Call, names: &[&str]) -> bool {
    let Some(Value::Func(g)) = call.arg(0) else {
        return false;
    };
    let Some(&own) = model.function(g.to_owned()).params.get(1) else {
        return false;
    };
    model
        .method_calls_on(&Path::binding(own), names)
        .next()
        .is_some()
}

/// Whether `watch` options (any object argument of `call`) carry a `signal`: the watcher closes
/// when that signal aborts (Node docs, `fs.watch` options `signal`).
fn signal_option(call: &Call) -> bool {
    call.args.iter().any(|a| a.property("signal").is_some())
}

/// For call `id`, if it makes a releasable object ([`api::releasable`]) that nothing in the file
/// can release, where it is left ([`Leftover`]). `None` when it is released, handed on (returned,
/// passed to a call, stored in a collection), or, for an observer, never observes anything.
pub fn leftover(model: &SemanticModel, id: CallId) -> Option<Leftover> {
    let call = &model.calls[id.index()];
    let what = api::releasable(model, call)?;
    if what == Releasable::FsWatchFile {
        let unwatched = model.calls.iter().any(|c| api::is_unwatch_file(model, c));
        return (!unwatched).then_some(Leftover {
            what,
            fate: Unreleased::NeverUnwatched,
            observe: None,
        });
    }
    if signal_option(call) {
        return None;
    }
    let names = release_methods(what);
    if callback_releases(model, call, names) {
        return None;
    }
    let (result, direct_observe) = final_use(model, call);
    let observer = what.is_observer();
    let kept = match result {
        ResultUse::Discarded => {
            if observer && direct_observe.is_none() {
                return None;
            }
            return Some(Leftover {
                what,
                fate: Unreleased::Dropped,
                observe: direct_observe,
            });
        }
        ResultUse::Declared(b) => {
            if model.escapes.iter().any(|e| e.binding == b) {
                return None;
            }
            // Through any alias (`const w = watcher`).
            let aliases = model.aliases_of(b);
            let paths: Vec<Path> = aliases.into_iter().map(Path::binding).collect();
            if paths
                .iter()
                .any(|p| model.method_calls_on(p, names).next().is_some())
            {
                return None;
            }
            let observe = paths.iter().find_map(|p| {
                model
                    .method_calls_on(p, &[api::OBSERVE_METHOD])
                    .next()
                    .map(|(i, _)| i)
            });
            (Path::binding(b), observe)
        }
        ResultUse::Assigned(p) => {
            let p = *p;
            if tested_before(model, &p, call) {
                return None;
            }
            if let Some((c, field)) = model.field_of(&p, call.func).filter(|_| p.props.len() == 1) {
                if field_calls(model, c, &field, names).next().is_some()
                    || field_handed_on(model, c, &field)
                {
                    return None;
                }
                let observe = field_calls(model, c, &field, &[api::OBSERVE_METHOD])
                    .next()
                    .map(|(i, _)| i);
                if observer && observe.is_none() {
                    return None;
                }
                return Some(Leftover {
                    what,
                    fate: Unreleased::Field(c, field),
                    observe,
                });
            }
            if model.method_calls_on(&p, names).next().is_some() {
                return None;
            }
            let observe = model
                .method_calls_on(&p, &[api::OBSERVE_METHOD])
                .next()
                .map(|(i, _)| i);
            (p, observe)
        }
        _ => return None,
    };
    let (path, observe) = kept;
    if observer && observe.is_none() {
        return None;
    }
    Some(Leftover {
        what,
        fate: Unreleased::Kept(path),
        observe,
    })
}

/// Whether the code that stores the object at `p` tests `p` first, in the same function
/// (`if (!observer) observer = new PerformanceObserver(…)`): a lazily
/// made singleton, made again only when the slot is empty.
fn tested_before(model: &SemanticModel, p: &Path, call: &Call) -> bool {
    let same = |q: &Path, g: FuncId| match model.field_of(p, call.func) {
        Some((c, field)) if p.props.len() == 1 => {
            q.props.len() == 1 && model.is_field_path(q, g, c, &field)
        }
        _ => q == p,
    };
    model.conditions.iter().any(|c| {
        c.func == call.func
            && c.span.start < call.span.start
            && c.paths.iter().any(|q| same(q, c.func))
    })
}

/// Whether instance field `field` of class `c` is handed to other code (`register(this.watcher)`,
/// `return this.watcher`, `const w = this.watcher`): whoever gets it may release it.
fn field_handed_on(model: &SemanticModel, c: ClassId, field: &Atom) -> bool {
    let is_field = |v: &Value, f: FuncId| matches!(v, Value::Path(p) if p.props.len() == 1 && model.is_field_path(p, f, c, field));
    model
        .calls
        .iter()
        .any(|k| k.args.iter().any(|a| is_field(a, k.func)))
        || model
            .bindings
            .iter()
            .any(|b| b.init.as_ref().is_some_and(|v| is_field(v, b.func)))
        || model
            .assigns
            .iter()
            .any(|a| is_field(&a.value, a.func) && matches!(a.target, Target::Path(_)))
}

/// Whether the target the `observe(…)` call `observe` registers with outlives the code that makes
/// the observer in function `f`: the page's performance timeline ([`api::PAGE_OBSERVERS`]), or an
/// argument rooted at a process-lived object (`document.body`, a module-level element), not one
/// made in `f` itself.
pub fn observes_long_lived(
    model: &SemanticModel,
    what: Releasable,
    observe: Option<CallId>,
) -> bool {
    if let Releasable::Observer(name) = what {
        if api::PAGE_OBSERVERS.contains(&name) {
            return true;
        }
    }
    let Some(o) = observe else {
        return false;
    };
    match model.calls[o.index()].arg(0) {
        Some(Value::Path(p)) => model.owner_of(p) == Owner::Process,
        _ => false,
    }
}

/// Whether the `observe(…)` call `observe` (in or below function `f`) registers with a target
/// made by `f` itself (`const el = document.createElement(…)`, a parameter of `f`'s callback):
/// the observer goes with it.
pub fn observes_own_object(model: &SemanticModel, observe: CallId, f: FuncId) -> bool {
    match model.calls[observe.index()].arg(0) {
        Some(Value::Path(p)) => {
            matches!(model.owner_of(p), Owner::Local(d) if model.is_within(d, f))
        }
        _ => false,
    }
}
