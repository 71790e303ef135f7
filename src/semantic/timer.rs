//! Timer handles beyond "is it ever cleared" (docs/architecture.md, issue 14's timer shapes):
//! where a timer's handle is kept (a variable outside the function, an instance field, an entry of
//! a table keyed per item), whether code that stores a new handle there can replace one that is
//! still pending without clearing it first, whether a class's teardown forgets one of its timers,
//! and which one-shot timeouts are watchdogs that outlive the work they guard.

use swc_atoms::Atom;

use super::cleanup::{effective_result, CLEAR};
use super::{
    api, Call, CallId, ClassId, FuncId, Path, ResultUse, Root, SemanticModel, Target, Value,
};

/// Where a timer's handle is stored.
#[derive(Debug, Clone, PartialEq)]
pub enum Slot {
    /// A variable declared by code that runs once (module level, a bundle's module wrapper),
    /// filled by a function.
    Variable(Path),
    /// An instance field (`this.timer`).
    Field(Path),
    /// An entry of a table (`this.timers[id]`, `timers[key]`): the path is the table's.
    Keyed(Path),
}

impl Slot {
    /// The path of the variable, the field, or the table.
    pub fn path(&self) -> &Path {
        match self {
            Slot::Variable(p) | Slot::Field(p) | Slot::Keyed(p) => p,
        }
    }
}

/// A timer whose new handle can replace a pending one in the same slot without clearing it.
#[derive(Debug, Clone)]
pub struct Overwrite {
    /// Where the handle goes.
    pub slot: Slot,
    /// The functions elsewhere in the file that clear a handle held in the slot (the pending
    /// timer that was replaced can no longer be cleared by them).
    pub cleared_in: Vec<FuncId>,
}

/// Where the handle of the timer made by call `id` is stored, when it is stored in a slot that
/// outlives the call of the function that starts it: `None` for locals, returned handles and
/// anything else.
pub fn handle_slot(model: &SemanticModel, id: CallId) -> Option<Slot> {
    let call = &model.calls[id.index()];
    if let ResultUse::Assigned(p) = effective_result(model, call) {
        if p.props.len() == 1 && model.field_of(p, call.func).is_some() {
            return Some(Slot::Field((**p).clone()));
        }
        if let (Some(b), true) = (p.root_binding(), p.props.is_empty()) {
            // A variable of an enclosing function that runs repeatedly is fresh on each of its
            // runs, and the code inside may run once per run (a promise executor): only one
            // declared by code that runs once (the module body, a bundle's module wrapper, an
            // IIFE) is shared by every run.
            let binding = model.binding(b);
            let shared =
                binding.module_level || *model.frequency_of(binding.func) == super::Frequency::Once;
            return (shared && binding.func != call.func).then(|| Slot::Variable((**p).clone()));
        }
        return None;
    }
    if call.result != ResultUse::Other {
        return None;
    }
    // `table[key] = setTimeout(…)`: the computed assignment holds the call as its value. Only a
    // table that outlives the call (an instance field, a module-level map) keyed by something
    // that varies (not a module-level constant such as a symbol) holds one timer per item.
    model
        .assigns
        .iter()
        .find_map(|a| match (&a.target, &a.value) {
            (Target::Computed { object, key }, Value::Call(c)) if *c == id => {
                let lasting = match object.root_binding() {
                    Some(b) => model.binding(b).module_level,
                    None => model.field_of(object, call.func).is_some() && object.props.len() == 1,
                };
                let constant_key = matches!(key, Value::Path(k) if k.props.is_empty()
                && k.root_binding().is_some_and(|b| {
                    let b = model.binding(b);
                    b.module_level && b.kind == super::BindingKind::Const
                }));
                (lasting && !constant_key && !key.is_literal()).then(|| Slot::Keyed(object.clone()))
            }
            _ => None,
        })
}

/// Whether `q`, seen from function `g`, names the same slot path as `p` seen from `f`: the same
/// instance field of the same class (`this.t` and `self.t`), else the same path.
fn same_path(model: &SemanticModel, p: &Path, f: FuncId, q: &Path, g: FuncId) -> bool {
    match model.field_of(p, f) {
        Some((c, field)) if p.props.len() == 1 => {
            q.props.len() == 1 && model.is_field_path(q, g, c, &field)
        }
        _ => p == q,
    }
}

/// Whether the argument `v` of a clear call names a handle held in `slot` (seen from `f`), from
/// code in function `g`.
fn names_slot(model: &SemanticModel, slot: &Slot, f: FuncId, v: &Value, g: FuncId) -> bool {
    let p = slot.path();
    match (slot, v) {
        (Slot::Keyed(_), Value::Path(q)) => {
            !q.props.is_empty() && same_path(model, p, f, &q.parent(), g)
        }
        // `clearTimeout(this.timers[id])` is summarised as the paths it mentions.
        (Slot::Keyed(_), Value::Expr(qs)) => qs.iter().any(|q| same_path(model, p, f, q, g)),
        (_, Value::Path(q)) => same_path(model, p, f, q, g),
        _ => false,
    }
}

/// The clear calls (`clearInterval`, `clearTimeout`, …) of a handle held in `slot`, which the
/// timer call in function `f` fills.
pub fn clears_of<'a>(
    model: &'a SemanticModel,
    slot: &'a Slot,
    f: FuncId,
) -> impl Iterator<Item = (CallId, &'a Call)> + 'a {
    model.global_calls(CLEAR).filter(move |(_, c)| {
        c.arg(0)
            .is_some_and(|v| names_slot(model, slot, f, v, c.func))
    })
}

/// The function whose call makes a fresh run of the code in `f`: `f` itself, or for an arrow
/// function (a callback inside a method) still `f`: each run of the arrow stores a new handle.
/// The chain from `f` up to the nearest function that binds `this` is what "before the timer is
/// started" looks at.
fn enclosing_chain(model: &SemanticModel, f: FuncId) -> Vec<FuncId> {
    let mut out = vec![f];
    let mut cur = f;
    while model.function(cur).is_arrow {
        match model.function(cur).parent {
            Some(p) => {
                out.push(p);
                cur = p;
            }
            None => break,
        }
    }
    out
}

/// Whether the code that starts the timer at `call` looks at the slot first: it tests the handle
/// (`if (this.timer) return`, `if (!timers[id])`) or clears it, before the timer call, in the
/// same function or the function enclosing an arrow callback.
fn checked_before(model: &SemanticModel, slot: &Slot, call: &Call) -> bool {
    let chain = enclosing_chain(model, call.func);
    let before = |span: crate::diagnostic::ByteSpan, g: FuncId| {
        span.start < call.span.start && chain.contains(&g)
    };
    let p = slot.path();
    let tested = model.conditions.iter().any(|c| {
        before(c.span, c.func)
            && c.paths.iter().any(|q| {
                same_path(model, p, call.func, q, c.func)
                    || (matches!(slot, Slot::Keyed(_))
                        && !q.props.is_empty()
                        && same_path(model, p, call.func, &q.parent(), c.func))
            })
    });
    if tested {
        return true;
    }
    let clears: Vec<FuncId> = clears_of(model, slot, call.func)
        .map(|(_, c)| c.func)
        .collect();
    let clear_before = clears_of(model, slot, call.func).any(|(_, c)| before(c.span, c.func));
    // Or it calls a helper that clears it first (`this.stopTimer()`, `stopTimer()`).
    clear_before
        || model.calls.iter().any(|c| {
            before(c.span, c.func)
                && super::flow::called_function(model, c)
                    .is_some_and(|h| clears.iter().any(|&g| model.is_within(g, h)))
        })
}

/// Whether the timer started by call `id` stores its handle where an earlier, still pending
/// handle may be: a slot that outlives the starting function, filled by code that can run again
/// for the same slot (not a constructor filling its own instance's field, not once-only code),
/// without testing or clearing the slot first. `None` when it cannot overwrite.
pub fn overwritten_handle(model: &SemanticModel, id: CallId) -> Option<Overwrite> {
    let call = &model.calls[id.index()];
    let slot = handle_slot(model, id)?;
    let chain = enclosing_chain(model, call.func);
    let outer = *chain.last()?;
    match &slot {
        // A constructor, or a framework mount callback (`componentDidMount`, run once per
        // instance), fills the field of a fresh instance: nothing is pending there yet.
        Slot::Field(_)
            if model.is_constructor(outer)
                || (model.function(outer).class.is_some()
                    && model
                        .function(outer)
                        .name
                        .as_deref()
                        .is_some_and(super::api::is_mount_name)) =>
        {
            return None
        }
        // A mount hook (`onMounted`, `onMount`) runs once per component instance and fills that
        // instance's own top-level variable: nothing is pending there yet either.
        Slot::Variable(p)
            if p.props.is_empty()
                && p.root_binding().is_some_and(|b| model.is_instance_state(b))
                && matches!(model.frequency_of(call.func), super::Frequency::Repeated(r)
                    if matches!(r.origin(), super::Repeat::Effect(c)
                        if super::frequency::runs_once_per_mount(model, &model.calls[c.index()]))) =>
        {
            return None
        }
        _ => {}
    }
    if *model.frequency_of(call.func) == super::Frequency::Once {
        return None;
    }
    // `this.timer ??= setInterval(…)` keeps the pending one.
    let compound = model
        .assigns
        .iter()
        .any(|a| !a.plain && a.value == Value::Call(id) && matches!(&a.target, Target::Path(_)));
    if compound || checked_before(model, &slot, call) {
        return None;
    }
    let mut cleared_in: Vec<FuncId> = clears_of(model, &slot, call.func)
        .map(|(_, c)| c.func)
        .collect();
    cleared_in.dedup();
    Some(Overwrite { slot, cleared_in })
}

/// Whether the runs that fill the slot of overwrite `o` (started by `call`) are certain to overlap
/// for the same slot: one variable filled by every instance's constructor (two live instances
/// replace each other's handle), or a variable or a table entry filled on every request, event or
/// tick (the same item comes back). A field filled by a public method (`start()`, `connect()`) is
/// usually paired with a `stop()` by its callers; from one file that is only a possibility.
pub fn overwrite_is_certain(model: &SemanticModel, o: &Overwrite, call: &Call) -> bool {
    let freq = model.frequency_of(call.func);
    let outer = enclosing_chain(model, call.func).last().copied();
    match o.slot {
        Slot::Variable(_) => {
            freq.is_strongly_repeated()
                || (outer.is_some_and(|f| model.is_constructor(f)) && freq.is_per_instance())
        }
        Slot::Keyed(_) => freq.is_strongly_repeated(),
        Slot::Field(_) => false,
    }
}

/// For a timer whose handle is kept in instance field `field` of class `c`: the class's teardown
/// method (`close`, `destroy`, …) that clears other timer fields of the instance but not this one,
/// with one of the fields it clears. `None` when no teardown clears timers, or one clears this one
/// (directly or through a method of the same class it calls).
pub fn teardown_forgets(model: &SemanticModel, c: ClassId, field: &Atom) -> Option<(FuncId, Atom)> {
    let teardowns: Vec<FuncId> = model.teardown_methods(c);
    if teardowns.is_empty() {
        return None;
    }
    // The teardown methods and the methods of the same class they call (`this.clearTimers()`),
    // and the functions nested in them.
    let reached = model.methods_reached(c, teardowns.clone());
    let mut other = None;
    for (_, clear) in model.global_calls(CLEAR) {
        if !reached.iter().any(|&m| model.is_within(clear.func, m)) {
            continue;
        }
        let Some(Value::Path(p)) = clear.arg(0) else {
            continue;
        };
        let Some((pc, name)) = model.field_of(p, clear.func) else {
            continue;
        };
        if pc != c || p.props.len() != 1 {
            continue;
        }
        if &name == field {
            return None;
        }
        other.get_or_insert(name);
    }
    let other = other?;
    Some((teardowns[0], other))
}

/// Where a start-up method runs more than once on one instance: a call of the method
/// ([`rerun_on_shared`]).
#[derive(Debug, Clone)]
pub struct Rerun {
    /// The call of the method (`config.store.init(options)`).
    pub call: CallId,
    /// The function the call is in, which runs per call or per instance.
    pub caller: FuncId,
    /// The receiver may be the caller's object and may be one the code makes
    /// ([`SemanticModel::callers_object`]).
    pub object: super::shared::CallersObject,
}

/// For a timer handle stored in an instance field by a method (`init()`, `start()`) over a
/// pending one ([`overwritten_handle`], started by `call`): a call of that method, by its name,
/// in code that runs repeatedly (per call of an exported function, per instance of a class), on
/// a receiver that may be the caller's object, a parameter of that code (or a part of it, through
/// an options object, a `??` default, a pass-through helper), and may be a `new` of the method's
/// class made there (see [`SemanticModel::callers_object`]), when the class is public (a caller
/// can make one and pass it in). A caller that hands one instance to several of those calls runs
/// the method once per call on it, and each run replaces the pending handle. `None` for other
/// slots, constructors and when no such call is in the file.
pub fn rerun_on_shared(model: &SemanticModel, o: &Overwrite, call: &Call) -> Option<Rerun> {
    if !matches!(o.slot, Slot::Field(_)) {
        return None;
    }
    let method = *enclosing_chain(model, call.func).last()?;
    let func = model.function(method);
    let class = func.class?;
    if model.is_constructor(method) || !model.class_is_public(class) {
        return None;
    }
    let name = func.name.as_ref()?;
    model.calls.iter().enumerate().find_map(|(i, k)| {
        if k.is_new || k.method() != Some(name) {
            return None;
        }
        let receiver = k.receiver()?;
        if receiver.props.is_empty() && receiver.root_binding().is_none() {
            return None;
        }
        if !matches!(model.frequency_of(k.func), super::Frequency::Repeated(_)) {
            return None;
        }
        let object = model.callers_object(&receiver, k.func)?;
        let ours = object
            .made
            .iter()
            .any(|m| model.instantiations(class).any(|(n, _)| n == *m));
        ours.then_some(Rerun {
            call: CallId::from_index(i),
            caller: k.func,
            object,
        })
    })
}

/// For an interval kept in an instance field of class `c` (`slot`, filled in function `f`): a
/// listener the instance registers
/// for its own end (`this.once('close', this.onClose.bind(this))`) whose handling (the handler and
/// the methods it calls) neither clears the field nor calls a teardown method, while the only
/// clears of the field are in the class's teardown methods (`disconnect()`, `quit()`). When the
/// instance ends on its own (the connection drops and no retry follows) nobody calls the teardown,
/// and the interval runs on, holding the instance. Returns the registration and the teardown.
pub fn own_end_forgets(
    model: &SemanticModel,
    c: ClassId,
    slot: &Slot,
    f: FuncId,
) -> Option<(CallId, FuncId)> {
    let teardowns: Vec<FuncId> = model.teardown_methods(c);
    let in_teardown = model.methods_reached(c, teardowns.clone());
    let clears: Vec<FuncId> = clears_of(model, slot, f).map(|(_, k)| k.func).collect();
    // Cleared in teardown, and elsewhere only just before the interval is started again.
    let teardown = *teardowns
        .iter()
        .find(|&&t| clears.iter().any(|&k| model.is_within(k, t)))?;
    let chain = enclosing_chain(model, f);
    if !clears
        .iter()
        .all(|&k| in_teardown.iter().any(|&t| model.is_within(k, t)) || chain.contains(&k))
    {
        return None;
    }
    model.calls.iter().enumerate().find_map(|(i, reg)| {
        let method = reg.method()?;
        if !api::ON_METHODS.contains(&method.as_str()) {
            return None;
        }
        let receiver = reg.receiver()?;
        if !receiver.props.is_empty() || model.class_of_root(&receiver, reg.func) != Some(c) {
            return None;
        }
        let event = reg.arg(0)?.as_str()?;
        if !api::END_EVENTS.contains(&event) {
            return None;
        }
        // An end the instance announces only from its teardown (`close() { clearInterval(…);
        // this.emit('close') }`) is no end of its own.
        let mut emits = model.calls.iter().filter(|k| {
            k.method().is_some_and(|m| m == "emit")
                && k.arg(0).and_then(Value::as_str) == Some(event)
                && k.receiver().is_some_and(|r| {
                    r.props.is_empty() && model.class_of_root(&r, k.func) == Some(c)
                })
        });
        let first = emits.next();
        if first.is_some()
            && first
                .into_iter()
                .chain(emits)
                .all(|k| in_teardown.iter().any(|&t| model.is_within(k.func, t)))
        {
            return None;
        }
        let handler = handler_function(model, c, reg.arg(1)?, reg.func)?;
        let handling = model.methods_reached(c, vec![handler]);
        // (The clear before re-arming does not stop the interval when the instance ends.)
        let clears_here = clears
            .iter()
            .filter(|k| !chain.contains(k))
            .any(|&k| handling.iter().any(|&h| model.is_within(k, h)));
        let tears_down = handling
            .iter()
            .any(|h| in_teardown.contains(h) || teardowns.contains(h));
        (!clears_here && !tears_down).then_some((CallId::from_index(i), teardown))
    })
}

/// The function a listener argument `v` (in function `f`) names: a function expression, a local
/// function, or a method of class `c` (`this.onClose`, `this.onClose.bind(this)`).
fn handler_function(model: &SemanticModel, c: ClassId, v: &Value, f: FuncId) -> Option<FuncId> {
    let method = |p: &Path| match p.props.as_slice() {
        [name] if model.class_of_root(p, f) == Some(c) => model.method_named(c, name),
        _ => None,
    };
    match v {
        Value::Func(g) => Some(*g),
        Value::Path(p) if p.props.is_empty() => model.binding(p.root_binding()?).func_value,
        Value::Path(p) => method(p),
        Value::Call(k) => {
            let k = &model.calls[k.index()];
            let callee = k.callee.as_ref()?;
            if callee.props.last().is_some_and(|m| m == "bind") {
                method(&callee.parent())
            } else {
                None
            }
        }
        _ => None,
    }
}

/// Whether the one-shot timer at `call` is a watchdog: its callback rejects the promise whose
/// executor starts it (`new Promise((resolve, reject) => setTimeout(() => reject(…), ms))`, or
/// `setTimeout(reject, ms)`). The work it guards usually settles first; a watchdog whose handle is
/// dropped stays pending, with everything its callback holds, for the full delay after that.
pub fn is_watchdog(model: &SemanticModel, call: &Call) -> bool {
    // The executor: the nearest enclosing function passed as the first argument of `new Promise`.
    let mut cur = Some(call.func);
    let mut executor = None;
    while let Some(f) = cur {
        let func = model.function(f);
        let is_executor = func.uses.iter().any(|u| match u {
            super::FuncUse::Argument { call: c, index: 0 } => {
                let c = &model.calls[c.index()];
                c.is_new
                    && c.callee.as_ref().is_some_and(|p| {
                        matches!(&p.root, Root::Global(g) if g == "Promise") && p.props.is_empty()
                    })
            }
            _ => false,
        });
        if is_executor {
            executor = Some(f);
            break;
        }
        cur = func.parent;
    }
    let Some(executor) = executor else {
        return false;
    };
    let Some(&reject) = model.function(executor).params.get(1) else {
        return false;
    };
    let is_reject = |v: &Value| matches!(v, Value::Path(p) if p.props.is_empty() && p.root == Root::Binding(reject));
    match call.arg(0) {
        Some(v) if is_reject(v) => true,
        // The callback names `reject` (calls it, or hands it on).
        Some(Value::Func(cb)) => model
            .references_within(*cb)
            .iter()
            .any(|r| r.binding == reject),
        _ => false,
    }
}

/// Whether a one-shot timer with delay argument `delay` is short (a literal under a second):
/// pending for so short a time that what it holds does not matter.
pub fn is_short_delay(delay: Option<&Value>) -> bool {
    matches!(delay, Some(Value::Num(n)) if *n < 1000.0)
}

/// For an interval whose handle is the local `handle`, cleared only inside its own callback `cb`
/// (under some condition, else it would be a `setTimeout`): the registration, in the function
/// `f` that starts it, of an end-of-life listener (`conn.on('close', …)`) on an object the
/// callback works on, which does not clear it. The interval then outlives the connection
/// whenever the callback's condition is not met before it closes. `None` when there is no such
/// registration or the handle is cleared anywhere else.
pub fn outlives_owner_end(
    model: &SemanticModel,
    handle: super::BindingId,
    cb: FuncId,
    f: FuncId,
) -> Option<CallId> {
    let handle_path = Path::binding(handle);
    let mut any_clear = false;
    for (_, c) in model.global_calls(CLEAR) {
        if matches!(c.arg(0), Some(Value::Path(p)) if *p == handle_path) {
            if !model.is_within(c.func, cb) {
                return None;
            }
            any_clear = true;
        }
    }
    // Passing the handle to the clear call inside the callback is an escape too: only the others
    // hand it to someone else.
    let escapes = model
        .escapes
        .iter()
        .any(|e| e.binding == handle && !model.is_within(e.func, cb));
    if !any_clear || escapes {
        return None;
    }
    let used_in_cb: Vec<super::BindingId> = model
        .references_within(cb)
        .iter()
        .map(|r| r.binding)
        .collect();
    model.calls.iter().enumerate().find_map(|(i, c)| {
        if c.func != f
            || !c
                .method()
                .is_some_and(|m| api::ON_METHODS.contains(&m.as_str()))
        {
            return None;
        }
        let event = c.arg(0)?.as_str()?;
        if !api::END_EVENTS.contains(&event) {
            return None;
        }
        let owner = c.receiver()?.root_binding()?;
        used_in_cb.contains(&owner).then_some(CallId::from_index(i))
    })
}

/// Whether the delay of the one-shot timer `call` is chosen by code outside this file: a
/// parameter of an exported function or of a method of a public class (a caller's timeout can be
/// minutes long), as opposed to a constant or a value this module computes.
pub fn delay_is_caller_chosen(model: &SemanticModel, call: &Call) -> bool {
    let Some(Value::Path(p)) = call.arg(1) else {
        return false;
    };
    let Some(b) = p.root_binding().filter(|_| p.props.is_empty()) else {
        return false;
    };
    let binding = model.binding(b);
    if binding.kind != super::BindingKind::Param {
        return false;
    }
    let f = binding.func;
    match model.frequency_of(f) {
        super::Frequency::Repeated(super::Repeat::Exported) => true,
        super::Frequency::Repeated(super::Repeat::Method(_)) => model
            .class_of_function(f)
            .is_some_and(|c| model.class_is_public(c)),
        _ => false,
    }
}

/// A delay of a minute or more: a one-shot timer that long holds what its callback captures
/// for as long as a leak matters (a channel, a pool, a whole client), not for a moment.
const LONG_DELAY_MS: f64 = 60_000.0;

/// Whether the delay of the one-shot timer `call` is long by what this file says of it
/// (`LONG_DELAY_MS` or more): a literal, a constant, or an instance field whose initialiser
/// (in the class body or the constructor) is one, or takes one as its default or its floor
/// (`Math.max(options.idle ?? DEFAULT_IDLE_MS, MIN_IDLE_MS)` with `DEFAULT_IDLE_MS = 30 * 60 *
/// 1000`). A caller may still choose a shorter delay: this is the delay the module expects.
pub fn delay_is_long(model: &SemanticModel, call: &Call) -> bool {
    call.arg(1)
        .is_some_and(|v| value_is_long(model, v, call.func, 0))
}

fn value_is_long(model: &SemanticModel, v: &Value, f: FuncId, depth: u32) -> bool {
    if depth > 4 {
        return false;
    }
    match v {
        Value::Num(n) => *n >= LONG_DELAY_MS,
        Value::Path(p) => path_is_long(model, p, f, depth),
        // `options.idle ?? DEFAULT_IDLE_MS`, `opts.ttl || ONE_HOUR`: a long default.
        Value::Expr(paths) => paths.iter().any(|p| path_is_long(model, p, f, depth)),
        Value::Call(c) => {
            let c = &model.calls[c.index()];
            let is_math = |name: &str| {
                c.callee.as_ref().is_some_and(|p| {
                    matches!(&p.root, Root::Global(g) if g == "Math")
                        && p.props.len() == 1
                        && p.props[0] == name
                })
            };
            let long = |a: &Value| value_is_long(model, a, c.func, depth + 1);
            if is_math("max") {
                c.args.iter().any(long)
            } else if is_math("min") {
                !c.args.is_empty() && c.args.iter().all(long)
            } else {
                false
            }
        }
        _ => false,
    }
}

fn path_is_long(model: &SemanticModel, p: &Path, f: FuncId, depth: u32) -> bool {
    if let (Some(b), true) = (p.root_binding(), p.props.is_empty()) {
        let binding = model.binding(b);
        return binding.kind == super::BindingKind::Const
            && binding
                .init
                .as_ref()
                .is_some_and(|v| value_is_long(model, v, binding.func, depth + 1));
    }
    let Some((c, field)) = model.field_of(p, f).filter(|_| p.props.len() == 1) else {
        return false;
    };
    let class = model.class(c);
    let declared = class
        .fields
        .iter()
        .filter(|(name, _, _)| *name == field)
        .any(|(_, v, _)| value_is_long(model, v, f, depth + 1));
    declared
        || class.constructor.is_some_and(|ctor| {
            model.assigns.iter().any(|a| {
                model.is_within(a.func, ctor)
                    && a.plain
                    && matches!(&a.target, Target::Path(t) if t.props.len() == 1
                        && model.is_field_path(t, a.func, c, &field))
                    && value_is_long(model, &a.value, a.func, depth + 1)
            })
        })
}

/// The classes of `model` whose constructor starts a `setInterval` whose handle no code of the
/// module can clear ([`super::cleanup::lost_handle`]: discarded, or kept in a field that nothing
/// passes to `clearInterval`), each with that call: every `new` of such a class leaks one
/// interval for good. Empty for most files (no class, or no interval in a constructor).
pub fn unstoppable_interval_classes(model: &SemanticModel) -> Vec<(ClassId, CallId)> {
    if model.classes.is_empty() {
        return Vec::new();
    }
    let mut out: Vec<(ClassId, CallId)> = Vec::new();
    for (id, call) in model.global_calls(&["setInterval"]) {
        let Some(c) = model.function(call.func).class else {
            continue;
        };
        if !model.is_constructor(call.func)
            || super::cleanup::lost_handle(model, call).is_none()
            || out.iter().any(|(k, _)| *k == c)
        {
            continue;
        }
        out.push((c, id));
    }
    out
}

impl SemanticModel {
    /// What the project pass says about the method name `name` of a call on an instance field's
    /// value ([`super::TimerMember`]): every function stored under that name in the project
    /// makes an instance of a class that starts an interval nothing stops. `None` when a file is
    /// linted alone and for any other name.
    pub fn timer_member(&self, name: &str) -> Option<&super::TimerMember> {
        self.project.timer_members.iter().find(|m| m.name == name)
    }

    /// Whether the project pass told this module of any such name ([`Self::timer_member`]).
    pub fn has_timer_members(&self) -> bool {
        !self.project.timer_members.is_empty()
    }
}
