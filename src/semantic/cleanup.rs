//! Cleanup evidence the rules ask about (docs/architecture.md): whether a listener
//! is removed, a timer handle is managed, a collection is ever pruned.

use swc_atoms::Atom;

use super::{
    api, Call, CallId, ClassId, FuncId, FuncUse, Path, ResultUse, Root, SemanticModel, Target,
    Value,
};
use crate::diagnostic::ByteSpan;

/// Global functions that clear a timer given its handle.
pub(crate) const CLEAR: &[&str] = &["clearInterval", "clearTimeout", "clearImmediate"];

const REMOVAL_METHODS: &[&str] = &["delete", "clear", "shift", "pop", "splice", "length"];

/// Whether two registrations' event arguments can name the same event: equal string literals, or
/// either not a literal.
pub fn same_event(a: Option<&Value>, b: Option<&Value>) -> bool {
    match (a, b) {
        (Some(Value::Str(x)), Some(Value::Str(y))) => x == y,
        _ => true,
    }
}

fn same_handler(a: Option<&Value>, b: Option<&Value>) -> bool {
    match (a, b) {
        (Some(Value::Path(x)), Some(Value::Path(y))) => x == y,
        // A removal that names only the event removes every handler for it (jQuery's
        // `.off(events)`, EventEmitter3's `off(event)`).
        (_, None) => true,
        // Otherwise an inline function can only be removed by removeAllListeners.
        (Some(Value::Func(_)), _) => false,
        _ => true,
    }
}

/// Whether the registration `call` on `receiver` is undone anywhere in the file.
pub fn is_removed(model: &SemanticModel, receiver: &Path, call: &Call) -> bool {
    // The same instance field, named through `this` in one method and through `_this`/`self`
    // in another, is the same handler.
    let same_field = |r: &Call| match (call.arg(1), r.arg(1)) {
        (Some(Value::Path(x)), Some(Value::Path(y))) => {
            x.props == y.props
                && model
                    .field_of(x, call.func)
                    .is_some_and(|(c, _)| model.field_of(y, r.func).is_some_and(|(d, _)| c == d))
        }
        _ => false,
    };
    let same = |r: &Call| {
        same_event(call.arg(0), r.arg(0))
            && (same_handler(call.arg(1), r.arg(1))
                || same_field(r)
                || mirrored_iteration(model, call, r)
                || looked_up_from_table(model, call.arg(1), r.arg(1)))
    };
    // The receiver as written (`signal`) and what it stands for (`options.signal`).
    let resolved = model.resolve_const(receiver);
    let removed = model
        .method_calls_on(receiver, api::REMOVE_LISTENER_METHODS)
        .any(|(_, r)| same(r))
        || resolved.as_ref().is_some_and(|p| {
            // Any removal whose receiver stands for the same object (`const s = a.b` in two
            // methods).
            model.listener_removal_calls().any(|r| {
                same(r)
                    && r.receiver()
                        .is_some_and(|rr| &rr == p || model.resolve_const(&rr).as_ref() == Some(p))
            })
        });
    // Each element of a collection, in a callback iterating it, and each element of the same
    // collection in another iteration (`signals.forEach(s => s.addEventListener('abort', f))`
    // and, in the cleanup, `signals.forEach(s => s.removeEventListener('abort', f))`).
    let removed = removed
        || iterated_element(model, receiver).is_some_and(|slot| {
            model.listener_removal_calls().any(|r| {
                same(r)
                    && r.receiver()
                        .is_some_and(|rr| iterated_element(model, &rr).as_ref() == Some(&slot))
            })
        });
    // `removeEventListener(…)` called bare removes from `window`.
    let window =
        matches!(&receiver.root, Root::Global(g) if g == "window") && receiver.props.is_empty();
    let removed = removed
        || window
            && model
                .global_calls(&["removeEventListener"])
                .any(|(_, r)| same(r));
    let removed_all = model
        .method_calls_on(receiver, &["removeAllListeners"])
        .any(|(_, r)| r.args.is_empty() || same_event(call.arg(0), r.arg(0)));
    removed || removed_all || removed_through_record(model, receiver, call)
}

/// Whether the handler a removal names was looked up in a table the registered handler is kept
/// in: `listeners.set(key, onResize)` next to the registration, and `const h =
/// listeners.get(key); target.removeEventListener('resize', h)` in the teardown (a second alias
/// of the handler, through a keyed collection).
fn looked_up_from_table(
    model: &SemanticModel,
    added: Option<&Value>,
    removed: Option<&Value>,
) -> bool {
    let (Some(Value::Path(h)), Some(Value::Path(r))) = (added, removed) else {
        return false;
    };
    let (Some(h), Some(r)) = (h.as_binding(), r.as_binding()) else {
        return false;
    };
    let Some(Value::Call(lookup)) = &model.binding(r).init else {
        return false;
    };
    let lookup = &model.calls[lookup.index()];
    let Some(table) = lookup
        .receiver()
        .filter(|_| lookup.method().is_some_and(|m| m == "get"))
    else {
        return false;
    };
    model.calls_mentioning(h).iter().any(|&id| {
        let c = &model.calls[id.index()];
        c.method().is_some_and(|m| m == "set")
            && c.receiver().as_ref() == Some(&table)
            && matches!(c.arg(1), Some(Value::Path(p)) if p.as_binding() == Some(h))
    })
}

/// For a bare parameter `p` of a function handed to calls as a callback: the first of those
/// calls (with the argument position the function is passed at) for which `slot` gives
/// something, with the parameter's position. `None` for anything else.
fn callback_slot<T>(
    model: &SemanticModel,
    p: &Path,
    slot: impl Fn(&Call, usize) -> Option<T>,
) -> Option<(T, usize)> {
    let b = p.as_binding()?;
    let f = model.binding(b).func;
    let position = model.function(f).params.iter().position(|&q| q == b)?;
    model.function(f).uses.iter().find_map(|u| match *u {
        FuncUse::Argument { call, index } => {
            slot(&model.calls[call.index()], index).map(|t| (t, position))
        }
        _ => None,
    })
}

/// Where a bare parameter `p` comes from when its function is a callback: the method the
/// callback is handed to, the argument position, and the parameter position (`cb` in
/// `events.forEach((cb, name) => …)` is `("forEach", 0, 0)`). `None` for anything else.
fn callback_param_slot(model: &SemanticModel, p: Option<&Value>) -> Option<(Atom, usize, usize)> {
    let Some(Value::Path(p)) = p else { return None };
    callback_slot(model, p, |c, index| c.method().map(|m| (m.clone(), index)))
        .map(|((m, index), position)| (m, index, position))
}

/// Where a bare parameter `p` comes from when its function is a callback handed to a method of a
/// collection (`signals.forEach((s) => …)`): the collection's path, the method, the argument
/// position and the parameter position. `None` for anything else.
fn iterated_element(model: &SemanticModel, p: &Path) -> Option<(Path, Atom, usize, usize)> {
    if p.as_binding()
        .is_none_or(|b| model.binding(b).kind != super::BindingKind::Param)
    {
        return None;
    }
    callback_slot(model, p, |c, index| {
        let collection = c.receiver().filter(|r| r.root != Root::Unknown)?;
        Some((collection, c.method()?.clone(), index))
    })
    .map(|((collection, m, index), position)| (collection, m, index, position))
}

/// Whether registration `add` and removal `remove` take their event and handler from the same
/// parameters of callbacks handed to the same iteration: mirrored helpers over one table of
/// handlers (`events.forEach((cb, name) => el.addEventListener(name, cb))` and the same loop with
/// `removeEventListener`), which remove what the other added.
fn mirrored_iteration(model: &SemanticModel, add: &Call, remove: &Call) -> bool {
    let handler = callback_param_slot(model, add.arg(1));
    let same_handler = handler.is_some() && handler == callback_param_slot(model, remove.arg(1));
    let same_event = match (add.arg(0), remove.arg(0)) {
        (Some(Value::Str(a)), Some(Value::Str(b))) => a == b,
        (a, b) => {
            let event = callback_param_slot(model, a);
            event.is_some() && event == callback_param_slot(model, b)
        }
    };
    same_handler && same_event
}

/// The calls that remove the registration `call` on `receiver` (the removals [`is_removed`]
/// finds by receiver, event and handler; not those through a record or `removeAllListeners`).
pub fn removals_of<'a>(model: &'a SemanticModel, receiver: &Path, call: &Call) -> Vec<&'a Call> {
    let same = |r: &Call| same_event(call.arg(0), r.arg(0)) && same_handler(call.arg(1), r.arg(1));
    let resolved = model.resolve_const(receiver);
    model
        .listener_removal_calls()
        .filter(|r| {
            same(r)
                && r.receiver().is_some_and(|rr| {
                    &rr == receiver
                        || resolved.as_ref().is_some_and(|p| {
                            &rr == p || model.resolve_const(&rr).as_ref() == Some(p)
                        })
                })
        })
        .collect()
}

/// Whether the only removals of registration `call` on `receiver` ([`removals_of`]) are made by
/// its handler itself (`const l = () => { signal.removeEventListener('abort', l); … }`), and the
/// handler runs only as that listener (its name appears in the registration and the removals
/// only): the listener goes when the event fires and not before, as with `{ once: true }`.
/// False when nothing removes it, when some removal is elsewhere (a `finally`, a disposer handed
/// back), or when the handler also runs another way (`setTimeout(finish, ms)` as well as
/// `signal.addEventListener('abort', finish)`), which removes it then too.
pub fn removed_only_by_itself(model: &SemanticModel, receiver: &Path, call: &Call) -> bool {
    let Some(Value::Path(p)) = call.arg(1) else {
        return false;
    };
    let Some(b) = p.as_binding() else {
        return false;
    };
    let Some(handler) = model.binding(b).func_value else {
        return false;
    };
    let removals = removals_of(model, receiver, call);
    if removals.is_empty() || !removals.iter().all(|r| model.is_within(r.func, handler)) {
        return false;
    }
    let within =
        |span: ByteSpan, outer: ByteSpan| span.start >= outer.start && span.end <= outer.end;
    model.references_to(b).all(|r| {
        call.arg_spans.get(1).is_some_and(|&a| within(r.span, a))
            || removals.iter().any(|rm| within(r.span, rm.span))
    })
}

/// Where an object literal assigned somewhere keeps `value` (`this.events = { target, onOnline }`
/// keeps `target` at `this.events.target`).
fn kept_at(model: &SemanticModel, value: &Path) -> Vec<Path> {
    let mut out = Vec::new();
    for a in &model.assigns {
        let (Target::Path(t), Value::Object(props)) = (&a.target, &a.value) else {
            continue;
        };
        for (k, v) in props {
            if let (Some(k), Value::Path(p)) = (k, v) {
                if p == value {
                    let mut at = t.clone();
                    at.props.push(k.clone());
                    out.push(at);
                }
            }
        }
    }
    out
}

/// Whether the owner and the handler of registration `call` are kept together in a record and
/// removed through it: `this.events = { target, onOnline }` after `target.addEventListener(
/// 'online', onOnline)`, and `const { target, onOnline } = this.events;
/// target.removeEventListener('online', onOnline)` in the teardown.
fn removed_through_record(model: &SemanticModel, receiver: &Path, call: &Call) -> bool {
    let Some(Value::Path(handler)) = call.arg(1) else {
        return false;
    };
    let owners = kept_at(model, receiver);
    if owners.is_empty() {
        return false;
    }
    let handlers = kept_at(model, handler);
    let resolved = |p: &Path| model.resolve_const(p).unwrap_or_else(|| p.clone());
    model.listener_removal_calls().any(|r| {
        same_event(call.arg(0), r.arg(0))
            && r.receiver()
                .is_some_and(|rr| owners.contains(&resolved(&rr)))
            && match r.arg(1) {
                Some(Value::Path(h)) => handlers.contains(&resolved(h)),
                None => true,
                _ => false,
            }
    })
}

/// `{ signal }` in the options argument of `addEventListener`: the listener goes when that
/// signal's controller aborts.
pub fn signal_option(call: &Call) -> bool {
    call.arg(2).and_then(|o| o.property("signal")).is_some()
}

/// `{ once: true }` in the options argument of `addEventListener`: the listener goes when the
/// event fires.
pub fn once_option(call: &Call) -> bool {
    call.arg(2).and_then(|o| o.property("once")).is_some()
}

/// `{ once: true }` or `{ signal }` in the options argument of `addEventListener`.
pub fn self_removing_options(call: &Call) -> bool {
    once_option(call) || signal_option(call)
}

/// Whether a handle stored at `handle` is cleared, closed, or handed to someone who can clear it.
fn handle_is_managed(model: &SemanticModel, handle: &Path) -> bool {
    let cleared = model
        .global_calls(CLEAR)
        .any(|(_, c)| matches!(c.arg(0), Some(Value::Path(p)) if p == handle));
    let closed = model
        .method_calls_on(handle, &["close", "dispose", "destroy"])
        .next()
        .is_some();
    let escapes = match (&handle.root, handle.props.is_empty()) {
        (Root::Binding(b), true) => model.escapes.iter().any(|e| e.binding == *b),
        _ => false,
    };
    cleared || closed || escapes
}

/// What happens to a timer's handle when nothing can clear it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LostHandle {
    /// The handle is dropped where the timer is made (`setInterval(…)`, `setInterval(…).unref()`).
    Discarded,
    /// The handle is kept (a variable, a field) but nothing clears, closes or hands it on.
    NeverCleared,
}

impl std::fmt::Display for LostHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            LostHandle::Discarded => "its handle is discarded",
            LostHandle::NeverCleared => "its handle is never cleared",
        })
    }
}

/// Where the handle of the timer created by `call` goes: `None` when it is managed (returned,
/// passed on, cleared), else what happens to it.
pub fn lost_handle(model: &SemanticModel, call: &Call) -> Option<LostHandle> {
    match effective_result(model, call) {
        ResultUse::Discarded => Some(LostHandle::Discarded),
        ResultUse::Member(m) if matches!(m.as_str(), "unref" | "ref" | "hasRef" | "refresh") => {
            Some(LostHandle::Discarded)
        }
        ResultUse::Declared(b) => {
            (!handle_is_managed(model, &Path::binding(*b))).then_some(LostHandle::NeverCleared)
        }
        ResultUse::Assigned(p) => {
            (!handle_is_managed(model, p)).then_some(LostHandle::NeverCleared)
        }
        _ => None,
    }
}

/// What happens to the timer object: `setInterval(…).unref()` returns the same timer, so what
/// happens to the `.unref()` call's result is what happens to the handle.
pub fn effective_result<'a>(model: &'a SemanticModel, call: &'a Call) -> &'a ResultUse {
    if let ResultUse::Member(m) = &call.result {
        if matches!(m.as_str(), "unref" | "ref" | "refresh") {
            let chained = model.calls.iter().find(|c| {
                c.span.start == call.span.start
                    && c.span.end > call.span.end
                    && c.method() == Some(m)
                    && c.callee.as_ref().is_none_or(|p| p.props.len() == 1)
            });
            if let Some(c) = chained {
                return effective_result(model, c);
            }
        }
    }
    &call.result
}

/// Where a collection is released.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Release {
    /// Nowhere.
    Never,
    /// Only in teardown code (`close()`, `destroy()`, `shutdown()`, …): entries stay until the
    /// owner is torn down, which for a long-lived owner is never. The function is one of them.
    TeardownOnly(FuncId),
    /// In code that runs as work completes (or is not named as teardown).
    Yes,
}

/// Whether function `f` is teardown code: it, or an enclosing function, is named as one
/// ([`api::is_teardown_name`]).
pub fn in_teardown(model: &SemanticModel, f: FuncId) -> bool {
    let mut cur = Some(f);
    while let Some(c) = cur {
        if model
            .function(c)
            .name
            .as_deref()
            .is_some_and(api::is_teardown_name)
        {
            return true;
        }
        cur = model.function(c).parent;
    }
    false
}

/// Classifies the functions `sites` in which a collection is pruned, truncated, re-bound or
/// size-checked.
pub fn release_of(model: &SemanticModel, sites: impl IntoIterator<Item = FuncId>) -> Release {
    let mut teardown = None;
    for f in sites {
        if !in_teardown(model, f) {
            return Release::Yes;
        }
        teardown.get_or_insert(f);
    }
    teardown.map_or(Release::Never, Release::TeardownOnly)
}

/// The calls, assignments and `delete`s/size checks of a file whose path starts at an instance
/// (`this.x…`, `self.x…`), grouped by the field they name (`x`): the only ones a question about an
/// instance field needs to look at, found in one pass so that each field's questions do not scan
/// the whole file.
#[derive(Debug, Default)]
pub struct FieldIndex {
    /// Calls whose callee starts at an instance and names at least a field and a method.
    calls: rustc_hash::FxHashMap<Atom, Vec<CallId>>,
    /// Assignments whose target (or computed target's object) starts at an instance.
    assigns: rustc_hash::FxHashMap<Atom, Vec<u32>>,
    /// `delete`s and size checks whose object starts at an instance.
    bounds: rustc_hash::FxHashMap<Atom, Vec<u32>>,
    /// The same assignments, by the function that makes them.
    assigns_by_func: rustc_hash::FxHashMap<FuncId, Vec<u32>>,
}

impl FieldIndex {
    /// Indexes `model`.
    pub fn new(model: &SemanticModel) -> FieldIndex {
        let field = |p: &Path| -> Option<Atom> {
            let at_instance = match &p.root {
                Root::This => true,
                Root::Binding(b) => {
                    matches!(&model.binding(*b).init, Some(Value::Path(i)) if i.root == Root::This && i.props.is_empty())
                }
                _ => false,
            };
            at_instance.then(|| p.props.first().cloned()).flatten()
        };
        let mut index = FieldIndex::default();
        for (i, call) in model.calls.iter().enumerate() {
            if let Some(f) = call
                .callee
                .as_ref()
                .filter(|p| p.props.len() >= 2)
                .and_then(field)
            {
                index
                    .calls
                    .entry(f)
                    .or_default()
                    .push(CallId::from_index(i));
            }
        }
        for (i, a) in model.assigns.iter().enumerate() {
            let target = match &a.target {
                Target::Path(p) | Target::Computed { object: p, .. } => p,
                Target::Other => continue,
            };
            if let Some(f) = field(target) {
                index.assigns.entry(f).or_default().push(i as u32);
                index
                    .assigns_by_func
                    .entry(a.func)
                    .or_default()
                    .push(i as u32);
            }
        }
        for (i, b) in model.bounds.iter().enumerate() {
            if let Some(f) = field(&b.object) {
                index.bounds.entry(f).or_default().push(i as u32);
            }
        }
        index
    }

    /// The calls on field `name` of some instance (`this.name.m(…)`).
    pub fn calls<'a>(
        &'a self,
        model: &'a SemanticModel,
        name: &Atom,
    ) -> impl Iterator<Item = &'a Call> + 'a {
        self.calls
            .get(name)
            .into_iter()
            .flatten()
            .map(move |&i| &model.calls[i.index()])
    }

    /// The assignments to field `name` of some instance, or into it (`this.name[k] = v`).
    pub fn assigns<'a>(
        &'a self,
        model: &'a SemanticModel,
        name: &Atom,
    ) -> impl Iterator<Item = &'a super::Assign> + 'a {
        self.assigns
            .get(name)
            .into_iter()
            .flatten()
            .map(move |&i| &model.assigns[i as usize])
    }

    /// The assignments that start at an instance made in function `f`, in source order.
    pub fn assigns_in<'a>(
        &'a self,
        model: &'a SemanticModel,
        f: FuncId,
    ) -> impl Iterator<Item = &'a super::Assign> + 'a {
        self.assigns_by_func
            .get(&f)
            .into_iter()
            .flatten()
            .map(move |&i| &model.assigns[i as usize])
    }

    fn bounds<'a>(
        &'a self,
        model: &'a SemanticModel,
        name: &Atom,
    ) -> impl Iterator<Item = &'a super::Bound> + 'a {
        self.bounds
            .get(name)
            .into_iter()
            .flatten()
            .map(move |&i| &model.bounds[i as usize])
    }
}

/// The functions in which the instance field `field` of class `c` is pruned (a removal method,
/// `delete this.f[k]`, a size check) or re-bound outside the constructor; `index` is the file's
/// [`FieldIndex`].
pub fn field_release_sites(
    model: &SemanticModel,
    index: &FieldIndex,
    c: ClassId,
    field: &Atom,
) -> Vec<FuncId> {
    field_release_spans(model, index, c, field)
        .into_iter()
        .map(|(f, _)| f)
        .collect()
}

/// [`field_release_sites`] with where each release happens: `(function, span)`.
pub fn field_release_spans(
    model: &SemanticModel,
    index: &FieldIndex,
    c: ClassId,
    field: &Atom,
) -> Vec<(FuncId, ByteSpan)> {
    let at = |p: &Path, f: FuncId| p.props.len() == 1 && model.is_field_path(p, f, c, field);
    let mut out = Vec::new();
    for call in index.calls(model, field) {
        if let (Some(m), Some(callee)) = (call.method(), &call.callee) {
            if REMOVAL_METHODS.contains(&m.as_str())
                && callee.props.len() == 2
                && at(&callee.parent(), call.func)
            {
                out.push((call.func, call.span));
            }
        }
    }
    for b in index.bounds(model, field) {
        if at(&b.object, b.func) {
            out.push((b.func, b.span));
        }
    }
    for a in index.assigns(model, field) {
        if let Target::Path(p) = &a.target {
            let rebound = at(p, a.func) && !model.is_constructor(a.func);
            let truncated = p.props.len() == 2 && p.props[1] == "length" && at(&p.parent(), a.func);
            if rebound || truncated {
                out.push((a.func, a.span));
            }
        }
    }
    out
}

/// The functions in which the collection at `alias` is pruned, truncated, re-bound or
/// size-checked; the assignment at `declaration` (the one that creates it) is not a re-binding.
pub fn release_sites(
    model: &SemanticModel,
    alias: &Path,
    declaration: Option<ByteSpan>,
) -> Vec<FuncId> {
    release_spans(model, alias, declaration)
        .into_iter()
        .map(|(f, _)| f)
        .collect()
}

/// [`release_sites`] with where each release happens: `(function, span)`.
pub fn release_spans(
    model: &SemanticModel,
    alias: &Path,
    declaration: Option<ByteSpan>,
) -> Vec<(FuncId, ByteSpan)> {
    let mut out: Vec<(FuncId, ByteSpan)> = model
        .method_calls_on(alias, REMOVAL_METHODS)
        .map(|(_, c)| (c.func, c.span))
        .collect();
    out.extend(
        model
            .bounds_under(alias)
            .filter(|b| &b.object == alias)
            .map(|b| (b.func, b.span)),
    );
    out.extend(
        model
            .assigns_under(alias)
            .filter(|a| Some(a.span) != declaration)
            .filter(|a| match &a.target {
                Target::Path(p) => {
                    p == alias
                        || (p.is_member_of(alias) && p.props.last().is_some_and(|l| l == "length"))
                }
                _ => false,
            })
            .map(|a| (a.func, a.span)),
    );
    out
}

/// Whether a release at `span` in function `f` runs only when something failed: inside a `catch`
/// block, or in a function handed over as an error handler (`.catch(fn)`, the second argument of
/// `.then(ok, fn)`, an `'error'` listener). Such a release never runs on the normal completion
/// path, so entries of work that succeeds stay.
pub fn on_error_path(model: &SemanticModel, f: FuncId, span: ByteSpan) -> bool {
    if model
        .catch_blocks
        .iter()
        .any(|c| c.start <= span.start && span.end <= c.end)
    {
        return true;
    }
    let mut cur = Some(f);
    while let Some(g) = cur {
        let func = model.function(g);
        let handler = func.uses.iter().any(|u| match *u {
            FuncUse::Argument { call, index } => {
                let call = &model.calls[call.index()];
                match call.method().map(|m| m.as_str()) {
                    Some("catch") => index == 0,
                    Some("then") => index == 1,
                    Some("on" | "once" | "addListener" | "addEventListener") => {
                        index == 1 && call.arg(0).and_then(Value::as_str) == Some("error")
                    }
                    _ => false,
                }
            }
            _ => false,
        });
        if handler {
            return true;
        }
        // An arrow or function inside the handler runs on the same path only when it is called
        // there; stop at the first function value that is itself handed somewhere else.
        if !func.is_arrow
            || func
                .uses
                .iter()
                .any(|u| !matches!(u, FuncUse::Called { .. }))
        {
            return false;
        }
        cur = func.parent;
    }
    false
}

/// Whether the collection at `alias` is ever pruned, truncated, re-bound or size-checked.
pub fn has_cleanup(model: &SemanticModel, alias: &Path) -> bool {
    if model
        .method_calls_on(alias, REMOVAL_METHODS)
        .next()
        .is_some()
    {
        return true;
    }
    if model.bounds_under(alias).any(|b| &b.object == alias) {
        return true;
    }
    model.assigns_under(alias).any(|a| match &a.target {
        // Rebinding (`cache = new Map()`) or truncation (`list.length = 0`).
        Target::Path(p) => {
            p == alias || (p.is_member_of(alias) && p.props.last().is_some_and(|l| l == "length"))
        }
        _ => false,
    })
}

/// The method of class `c` whose user calls it to release something, that function `f` is (or
/// is nested in): a teardown, detach or abandon method ([`api::is_user_release_name`]) written in
/// the class's code (a method, or a function the constructor assigns to `this.cancel`). `None`
/// when `f` is no such code.
fn user_release_method(model: &SemanticModel, f: FuncId, c: ClassId) -> Option<FuncId> {
    let mut cur = Some(f);
    let mut method = None;
    while let Some(g) = cur {
        let func = model.function(g);
        if method.is_none() && func.name.as_deref().is_some_and(api::is_user_release_name) {
            method = Some(g);
        }
        if func.class == Some(c) {
            return method;
        }
        cur = func.parent;
    }
    None
}

/// Whether the class `c` calls its own method `m` (`this.cancel()`, `self.close()`) from code
/// that is not itself a release method: the class then releases on a path of its own (a job
/// that cancels itself when done), not only when its user asks.
fn calls_own_release(model: &SemanticModel, c: ClassId, m: FuncId) -> bool {
    let Some(name) = model.function(m).name.as_ref() else {
        return false;
    };
    model.calls.iter().any(|call| {
        call.callee.as_ref().is_some_and(|p| {
            p.props.len() == 1
                && &p.props[0] == name
                && model.class_of_root(p, call.func) == Some(c)
                && user_release_method(model, call.func, c).is_none()
        })
    })
}

/// Classifies the functions `sites` that release entries of a collection holding instances of
/// class `c` (a registry of live instances: `all.add(this)` in the constructor). A release only in
/// the class's own teardown, detach or `cancel` methods, which the class never calls itself, is
/// [`Release::TeardownOnly`] (naming the method): an instance its user drops without calling it
/// stays in the registry for good. A release anywhere else (a framework lifecycle callback, code
/// that runs as the work completes, code outside the class) is [`Release::Yes`].
pub fn instance_release_of(
    model: &SemanticModel,
    c: ClassId,
    sites: impl IntoIterator<Item = FuncId>,
) -> Release {
    let mut teardown = None;
    for f in sites {
        match user_release_method(model, f, c) {
            Some(m) if !calls_own_release(model, c, m) => {
                teardown.get_or_insert(m);
            }
            _ => return Release::Yes,
        }
    }
    teardown.map_or(Release::Never, Release::TeardownOnly)
}

/// The functions in which an entry of the object used as a map at `alias` is set to `null` or
/// `undefined` (`jobs[name] = null`): an attempt to release it that keeps the key, so every key
/// ever written stays.
pub fn nulled_entries(model: &SemanticModel, alias: &Path) -> Vec<FuncId> {
    model
        .assigns_under(alias)
        .filter(|a| match &a.target {
            Target::Computed { object, .. } => object == alias && is_nullish(&a.value),
            _ => false,
        })
        .map(|a| a.func)
        .collect()
}

/// `null`, `undefined` or `void 0`.
pub fn is_nullish(v: &Value) -> bool {
    match v {
        Value::OtherLiteral => true,
        Value::Path(p) => {
            p.props.is_empty() && matches!(&p.root, Root::Global(g) if g == "undefined")
        }
        _ => false,
    }
}

/// A release that runs on some of the ways a piece of work ends, but not on another: the work's
/// handler for one outcome (`xhr.onload`) reaches the release, the handler for another outcome
/// of the same object (`xhr.onerror`) settles the work and does not.
#[derive(Debug, Clone)]
pub struct PartialRelease {
    /// A completion handler that reaches a release.
    pub releasing: ByteSpan,
    /// A completion handler that ends the work without reaching a release.
    pub missing: ByteSpan,
    /// The event of the handler that misses the release (`error`).
    pub missing_event: Atom,
}

/// The function a handler value names: an inline function, or a binding naming one.
fn handler_func(model: &SemanticModel, v: &Value) -> Option<FuncId> {
    match v {
        Value::Func(g) => Some(*g),
        Value::Path(p) if p.props.is_empty() => {
            let b = model.binding(p.root_binding()?);
            b.func_value.or(match &b.init {
                Some(Value::Func(g)) => Some(*g),
                _ => None,
            })
        }
        _ => None,
    }
}

/// Whether function `g` (its nested functions included) runs one of `releases`, directly or
/// through local functions it calls by name (`cleanup()`), up to a few calls deep.
fn reaches_release(model: &SemanticModel, g: FuncId, releases: &[FuncId], depth: u32) -> bool {
    if releases.iter().any(|&r| model.is_within(r, g)) {
        return true;
    }
    if depth == 0 {
        return false;
    }
    model.calls.iter().any(|c| {
        model.is_within(c.func, g)
            && c.callee.as_ref().is_some_and(|p| p.props.is_empty())
            && c
                .callee
                .as_ref()
                .and_then(|p| handler_func(model, &Value::Path(p.clone())))
                .is_some_and(|h| h != g && reaches_release(model, h, releases, depth - 1))
            // A local function handed to a call (`finish(onOk, onFailed)`) runs there.
            || model.is_within(c.func, g)
                && c.args.iter().any(|a| {
                    matches!(a, Value::Path(p) if p.props.is_empty())
                        && handler_func(model, a)
                            .is_some_and(|h| h != g && !model.is_within(h, g) && reaches_release(model, h, releases, depth - 1))
                })
    })
}

/// Whether `path` is an object made by function `unit` or a function inside it
/// (`const xhr = new XMLHttpRequest()`, `const req = http.request(…)`): the unit's own work.
fn made_within(model: &SemanticModel, path: &Path, unit: FuncId) -> bool {
    let Some(b) = path.root_binding().filter(|_| path.props.is_empty()) else {
        return false;
    };
    let binding = model.binding(b);
    model.is_within(binding.func, unit)
        && !binding.module_level
        && matches!(binding.init, Some(Value::Call(_)))
}

/// Whether binding `b` is a parameter (`resolve`, `reject`) of a promise executor around
/// function `f`.
fn executor_param(model: &SemanticModel, f: FuncId, b: super::BindingId) -> bool {
    std::iter::successors(Some(f), |&f| model.function(f).parent).any(|e| {
        model.function(e).params.contains(&b)
            && model.function(e).uses.iter().any(|u| {
                matches!(u, FuncUse::Argument { call, index: 0 }
                    if model.calls[call.index()].is_new
                        && model.calls[call.index()].callee.as_ref().is_some_and(api::is_promise_constructor))
            })
    })
}

/// Whether function `g` settles a promise whose executor is a function around it: it calls one
/// of the executor's parameters (`reject(err)`), directly or in a nested function.
fn settles_promise(model: &SemanticModel, g: FuncId) -> bool {
    let executors: Vec<FuncId> = std::iter::successors(Some(g), |&f| model.function(f).parent)
        .filter(|&f| {
            model.function(f).uses.iter().any(|u| {
                matches!(u, FuncUse::Argument { call, index: 0 }
                    if model.calls[call.index()].is_new
                        && model.calls[call.index()].callee.as_ref().is_some_and(api::is_promise_constructor))
            })
        })
        .collect();
    model.calls.iter().any(|c| {
        model.is_within(c.func, g)
            && c.callee_root().is_some_and(|b| {
                c.callee.as_ref().is_some_and(|p| p.props.is_empty())
                    && executors
                        .iter()
                        .any(|&e| model.function(e).params.contains(&b))
            })
    })
}

/// The assignments and calls of a module shaped like what [`released_on_some_completions`]
/// looks for, in source order: found once, since the rules ask once per registration and few
/// assignments or calls have the shape.
#[derive(Debug, Default)]
pub(crate) struct CompletionSites {
    /// Assignments to `obj.on<event>` for a completion event ([`api::COMPLETION_EVENTS`]): the
    /// index of the assignment and the event.
    handler_assigns: Vec<(usize, Atom)>,
    /// Calls (not `new`) of a method that adds a listener ([`api::ON_METHODS`]).
    listens: Vec<CallId>,
    /// Calls of a `then` method.
    thens: Vec<CallId>,
}

/// The model's [`CompletionSites`], found on first use.
fn completion_sites(model: &SemanticModel) -> &CompletionSites {
    model.completion_sites.get_or_init(|| {
        let mut sites = CompletionSites::default();
        for (i, a) in model.assigns.iter().enumerate() {
            let Target::Path(t) = &a.target else { continue };
            let Some(event) = t.last().and_then(|p| p.strip_prefix("on")) else {
                continue;
            };
            if api::COMPLETION_EVENTS.contains(&event) && t.props.len() == 1 {
                sites.handler_assigns.push((i, event.into()));
            }
        }
        for (i, c) in model.calls.iter().enumerate() {
            let Some(m) = c.method() else { continue };
            if !c.is_new && api::ON_METHODS.contains(&m.as_str()) {
                sites.listens.push(CallId::from_index(i));
            }
            if m == "then" {
                sites.thens.push(CallId::from_index(i));
            }
        }
        sites
    })
}

/// For releases (`releases`, the functions of the calls that undo a registration or remove an
/// entry) of a registration or an entry made in
/// function `unit`: whether the handlers for how the unit's own work ends release on some
/// outcomes and not on another ([`PartialRelease`]). The handlers are those for
/// [`api::COMPLETION_EVENTS`] on one object the unit made, assigned (`xhr.onerror = …`) or added
/// (`req.on('timeout', …)`); the one that misses the release must settle the unit's promise
/// (`reject(…)`), so the work does end there.
pub fn released_on_some_completions(
    model: &SemanticModel,
    unit: FuncId,
    releases: &[FuncId],
) -> Option<PartialRelease> {
    if releases.is_empty() {
        return None;
    }
    // (object, event, handler, where the handler is set)
    let sites = completion_sites(model);
    let mut handlers: Vec<(Path, Atom, FuncId, ByteSpan)> = Vec::new();
    for &(i, ref event) in &sites.handler_assigns {
        let a = &model.assigns[i];
        let Target::Path(t) = &a.target else { continue };
        if !model.is_within(a.func, unit) {
            continue;
        }
        if let Some(g) = handler_func(model, &a.value) {
            handlers.push((t.parent(), event.clone(), g, a.span));
        }
    }
    for &i in &sites.listens {
        let c = &model.calls[i.index()];
        if !model.is_within(c.func, unit) {
            continue;
        }
        let (Some(event), Some(h), Some(obj)) = (
            c.arg(0).and_then(Value::as_str),
            c.arg(1).and_then(|v| handler_func(model, v)),
            c.receiver(),
        ) else {
            continue;
        };
        if api::COMPLETION_EVENTS.contains(&event) {
            handlers.push((obj, event.into(), h, c.span));
        }
    }
    handlers.retain(|(obj, ..)| made_within(model, obj, unit));
    // `promise.then(onFulfilled, onRejected)`: the two ways the promise settles. A rejection
    // handed straight to the enclosing promise's `reject` settles the work without a release.
    for &id in &sites.thens {
        let c = &model.calls[id.index()];
        if !model.is_within(c.func, unit) {
            continue;
        }
        let (Some(ok), Some(failed)) = (c.arg(0), c.arg(1)) else {
            continue;
        };
        let Some(g) = handler_func(model, ok) else {
            continue;
        };
        if !reaches_release(model, g, releases, 3) {
            continue;
        }
        let settles_directly = matches!(failed, Value::Path(p) if p.props.is_empty()
            && p.root_binding().is_some_and(|b| executor_param(model, c.func, b)));
        let missed = match handler_func(model, failed) {
            Some(h) => !reaches_release(model, h, releases, 3) && settles_promise(model, h),
            None => settles_directly,
        };
        if missed {
            return Some(PartialRelease {
                releasing: c.arg_spans[0],
                missing: c.arg_spans[1],
                missing_event: "rejection".into(),
            });
        }
    }
    for (obj, _, g, span) in &handlers {
        if !reaches_release(model, *g, releases, 3) {
            continue;
        }
        let missing = handlers.iter().find(|(o, _, h, _)| {
            o == obj
                && h != g
                && !reaches_release(model, *h, releases, 3)
                && settles_promise(model, *h)
        });
        if let Some((_, event, _, mspan)) = missing {
            return Some(PartialRelease {
                releasing: *span,
                missing: *mspan,
                missing_event: event.clone(),
            });
        }
    }
    None
}
