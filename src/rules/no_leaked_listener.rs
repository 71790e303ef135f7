//! `no-leaked-listener`: a listener added to an owner that outlives the code registering it, with
//! no removal of the same handler, no `{ once: true }`, no `{ signal }` and no `removeAllListeners`
//! (rules/no-leaked-listener.md).

use std::cell::OnceCell;

use super::{Rule, RuleContext, RuleMeta};
use crate::describe::{confidence_for, how_often};
use crate::diagnostic::{ByteSpan, Confidence, Diagnostic, Severity};

use crate::semantic::api;
use crate::semantic::cleanup;
use crate::semantic::cleanup::{
    is_removed, once_option, same_event, self_removing_options, signal_option,
};
use crate::semantic::frequency;
use crate::semantic::handle::{self, Leftover, Unreleased};
use crate::semantic::{
    BindingKind, Call, Frequency, FuncId, Owner, Path, Repeat, Root, RunOnce, SemanticModel, Value,
};

/// The rule.
pub struct NoLeakedListener;

static META: RuleMeta = RuleMeta {
    name: "no-leaked-listener",
    summary:
        "Listener added to a longer-lived emitter on every request, event or call and never removed",
    default_severity: Severity::Error,
    doc: include_str!("../../rules/no-leaked-listener.md"),
};

const ADD: &[&str] = api::REGISTER_LISTENER_METHODS;

/// Whether `call` registers with a method that removes the listener when the event fires
/// ([`api::ONCE_METHODS`]).
fn is_once_method(call: &Call) -> bool {
    call.method()
        .is_some_and(|m| api::ONCE_METHODS.contains(&m.as_str()))
}

/// The function a handler argument names: a function written in place, or a binding that names
/// one (`process.on('exit', kill)` with `function kill() {…}`).
fn handler_function(model: &SemanticModel, handler: Option<&Value>) -> Option<FuncId> {
    match handler? {
        Value::Func(g) => Some(*g),
        Value::Path(p) if p.props.is_empty() => {
            p.root_binding().and_then(|b| model.binding(b).func_value)
        }
        _ => None,
    }
}

/// How sure a finding is that depends on how often function `f` runs per call of the code around
/// it: none for run-once code, `medium` in code that runs strongly repeatedly, in a method (its
/// callers are the instance's users) or once per instance of a class with many, `low` in code
/// that is merely exported.
fn per_call_confidence(model: &SemanticModel, f: FuncId) -> Option<Confidence> {
    let freq = model.frequency_of(f);
    if freq == &Frequency::Once {
        None
    } else if freq.is_strongly_repeated()
        || model.in_method_context(f)
        || freq.is_once_per_instance()
    {
        Some(Confidence::Medium)
    } else {
        Some(Confidence::Low)
    }
}

const SHARED_PARAM_NAMES: &[&str] = &[
    "sock",
    "socket",
    "emitter",
    "bus",
    "client",
    "signal",
    "events",
    "ee",
    "target",
    "channel",
    "conn",
    "connection",
];
/// Process lifecycle events: handlers for them are typically installed once by a `main`-like
/// exported function, so outside clearly repeated code they are only `low`.
const LIFECYCLE_EVENTS: &[&str] = &[
    "SIGTERM",
    "SIGINT",
    "SIGHUP",
    "SIGUSR1",
    "SIGUSR2",
    "exit",
    "beforeExit",
    "uncaughtException",
    "unhandledRejection",
    "warning",
];
/// Events whose handlers set a server up: registering them is start-up work, not per-call work.
const SETUP_EVENTS: &[&str] = &[
    "connection",
    "request",
    "upgrade",
    "listening",
    "secureConnection",
    "stream",
];
const SHARED_TYPES: &[&str] = &[
    "EventEmitter",
    "Socket",
    "AbortSignal",
    "EventTarget",
    "Server",
    "Duplex",
    "Readable",
    "Writable",
    "Stream",
];

/// Whether the handler (argument 1 of `call`) captures a value created inside function `d` —
/// per-call state that the owner would then keep alive: `Locals` counts non-parameter bindings,
/// `Params` only parameters (the inputs that differ from call to call).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Captured {
    Locals,
    Params,
}

/// Parameter names of per-request or per-connection objects.
const REQUEST_SHAPED: &[&str] = &[
    "req",
    "request",
    "res",
    "response",
    "reply",
    "ctx",
    "context",
    "socket",
    "sock",
    "ws",
    "conn",
    "connection",
    "session",
    "user",
];

fn captures_per_call_state(model: &SemanticModel, call: &Call, d: FuncId, what: Captured) -> bool {
    let Some(handler) = handler_function(model, call.arg(1)) else {
        return false;
    };
    model.references_within(handler).iter().any(|r| {
        let b = model.binding(r.binding);
        let shape_ok = match what {
            Captured::Locals => b.kind != BindingKind::Param,
            Captured::Params => {
                b.kind == BindingKind::Param && REQUEST_SHAPED.contains(&b.name.as_str())
            }
        };
        shape_ok
            && b.func != crate::semantic::MODULE
            && model.is_within(b.func, d)
            && !model.is_within(b.func, handler)
            && b.func_value.is_none()
    })
}

fn shared_looking_param(model: &SemanticModel, b: crate::semantic::BindingId) -> bool {
    let binding = model.binding(b);
    let name = binding.name.as_str();
    SHARED_PARAM_NAMES.contains(&name)
        || name.ends_with("Emitter")
        || name.ends_with("Bus")
        || name.ends_with("Socket")
        || binding
            .type_name
            .as_deref()
            .is_some_and(|t| SHARED_TYPES.contains(&t))
}

/// Where a registration's owner comes from, for the owners whose lifetime an API model or the
/// class model decides (the rest go through [`Owner`]).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Special {
    /// An `AbortSignal` handed in by the caller (a parameter, an option, an instance's field):
    /// shared by many calls, it keeps every `'abort'` listener until it aborts.
    CallerSignal,
    /// A request's socket (the `'socket'` event's argument, `req.socket`): pooled or kept alive,
    /// it serves many requests.
    PooledSocket,
    /// A client checked out of a pool and released back to it: it serves many checkouts.
    PooledClient,
}

/// Whether `path` is a local holding a client checked out of a pool ([`api::POOL_CHECKOUT_METHODS`],
/// through `await` and `.catch(…)`/`.then(…)`) that the code releases back to it
/// (`client.release()`): the client outlives the work that checked it out.
fn is_pooled_client(model: &SemanticModel, path: &Path) -> bool {
    let Some(b) = path.root_binding().filter(|_| path.props.is_empty()) else {
        return false;
    };
    let binding = model.binding(b);
    let Some(Value::Call(mut c)) = binding.init else {
        return false;
    };
    // `pool.connect().catch(…)`: the checkout is the call whose result `.catch` is called on.
    for _ in 0..3 {
        let call = &model.calls[c.index()];
        let Some(m) = call.method() else {
            return false;
        };
        if api::POOL_CHECKOUT_METHODS.contains(&m.as_str()) {
            break;
        }
        if !api::PROMISE_REACTIONS.contains(&m.as_str()) {
            return false;
        }
        let inner = model.calls.iter().position(|i| {
            i.result == crate::semantic::ResultUse::Member(m.clone())
                && i.span.start >= call.callee_span.start
                && i.span.end <= call.callee_span.end
        });
        match inner {
            Some(i) => c = crate::semantic::CallId::from_index(i),
            None => return false,
        }
    }
    let checkout = &model.calls[c.index()];
    checkout.receiver().is_some()
        && checkout
            .method()
            .is_some_and(|m| api::POOL_CHECKOUT_METHODS.contains(&m.as_str()))
        && model
            .method_calls_on(path, &[api::POOL_RELEASE_METHOD])
            .any(|(_, r)| r.func == binding.func)
}

/// Whether `path`, used in function `f`, names an object that was handed to this code rather
/// than made by it: rooted at a parameter, an instance, a global, or a binding whose initialiser
/// is such a path or a member of an object returned by some call (`resolveConfig(c).signal`).
/// Objects made here (`new AbortController()`, `AbortSignal.timeout()`) are not.
fn handed_in(model: &SemanticModel, path: &Path, depth: u32) -> bool {
    if depth > 6 {
        return false;
    }
    match &path.root {
        Root::This | Root::Global(_) => true,
        Root::Unknown => !path.props.is_empty(),
        Root::Binding(b) => {
            let binding = model.binding(*b);
            match binding.kind {
                BindingKind::Param | BindingKind::Import => true,
                BindingKind::Var | BindingKind::Let | BindingKind::Const => match &binding.init {
                    Some(Value::Path(p)) => handed_in(model, p, depth + 1),
                    Some(Value::Call(c)) => {
                        let call = &model.calls[c.index()];
                        // A fresh controller or signal, or any `new` object, belongs to this code.
                        !call.is_new
                            && !call.callee.as_ref().is_some_and(
                                |p| matches!(&p.root, Root::Global(g) if g == "AbortSignal"),
                            )
                            && !path.props.is_empty()
                    }
                    _ => false,
                },
                _ => false,
            }
        }
    }
}

/// Whether registration `call` on `receiver` sits behind a mark kept on the owner itself: a test
/// in the registering function, before the call, that reads a property of `receiver`
/// (`socket[kHooked]`, `socket.hooked`), and an assignment of `true` to that property in the same
/// function after the call. The owner then gets the listener once, however often the code runs.
fn marked_on_owner(model: &SemanticModel, call: &Call, receiver: &Path) -> bool {
    use crate::semantic::Target;
    if !call.guarded {
        return false;
    }
    model.assigns_under(receiver).any(|a| {
        if a.func != call.func || a.span.start < call.span.end || a.value != Value::Bool(true) {
            return false;
        }
        // What a test must read: the property, or the owner and the key's binding (a test
        // records the member path up to its computed key; the key is a reference inside it).
        let (wanted, key) = match &a.target {
            Target::Path(t)
                if t.props.len() == receiver.props.len() + 1 && t.parent() == *receiver =>
            {
                (t.clone(), None)
            }
            Target::Computed {
                object,
                key: Value::Path(k),
            } if object == receiver && k.props.is_empty() => (receiver.clone(), k.root_binding()),
            _ => return false,
        };
        model.conditions.iter().any(|c| {
            c.func == call.func
                && c.span.end <= call.span.start
                && c.paths.contains(&wanted)
                && key.is_none_or(|k| {
                    model.references_within(c.func).iter().any(|r| {
                        r.binding == k && r.span.start >= c.span.start && r.span.end <= c.span.end
                    })
                })
        })
    })
}

/// Whether member path `receiver` (`pipeline.stream`) is assigned a `new` object in the
/// registering function before registration `call`: the registration is on the object this run
/// made.
fn constructed_just_before(model: &SemanticModel, call: &Call, receiver: &Path) -> bool {
    !receiver.props.is_empty()
        && model.assigns_under(receiver).any(|a| {
            a.func == call.func
                && a.span.end <= call.span.start
                && matches!(&a.target, crate::semantic::Target::Path(t) if t == receiver)
                && matches!(&a.value, Value::Call(c) if model.calls[c.index()].is_new)
        })
}

/// Whether registration `call` is a listener for a connection-phase event of socket `receiver`
/// ([`api::SOCKET_CONNECT_EVENTS`]) added after a test of `receiver.connecting` in its function
/// or one around it (`if (socket.connecting) socket.once('connect', …)`, or an early return
/// unless it is connecting): only a socket that has not connected yet gets it, and a socket
/// connects once, so it gets one (a `once` listener goes when it connects). A kept-alive socket
/// handed to the next request is already connected and gets none.
fn connecting_socket_once(model: &SemanticModel, call: &Call, receiver: &Path) -> bool {
    let connect_phase = call
        .arg(0)
        .and_then(Value::as_str)
        .is_some_and(|e| api::SOCKET_CONNECT_EVENTS.contains(&e));
    connect_phase
        && model.conditions.iter().any(|c| {
            c.span.end <= call.span.start
                && model.is_within(call.func, c.func)
                && c.paths.iter().any(|p| {
                    p.props.last().map(|a| a.as_str()) == Some(api::SOCKET_CONNECTING_PROPERTY)
                        && p.parent() == *receiver
                })
        })
}

/// Whether `path` is a param of a function registered as a `'socket'` listener (a client
/// request's socket) or the `.socket`/`.connection` of a request: a route handler's request, a
/// client request made with `request()`/`get()`, or a parameter a caller hands in as one.
fn is_request_socket(model: &SemanticModel, path: &Path) -> bool {
    if let [.., last] = path.props.as_slice() {
        return api::SOCKET_PROPERTIES.contains(&last.as_str())
            && path.props.len() == 1
            && is_request(model, &path.parent());
    }
    let Some(b) = path.root_binding().filter(|_| path.props.is_empty()) else {
        return false;
    };
    let binding = model.binding(b);
    if binding.kind != BindingKind::Param {
        return false;
    }
    model.function(binding.func).uses.iter().any(|u| match u {
        crate::semantic::FuncUse::Argument { call, index: 1 } => {
            let c = &model.calls[call.index()];
            c.method().is_some_and(|m| ADD.contains(&m.as_str()))
                && c.arg(0).and_then(Value::as_str) == Some(api::CLIENT_SOCKET_EVENT)
        }
        _ => false,
    })
}

/// Whether `path` is an HTTP request: a route handler's request object, the result of a
/// `request(…)`/`get(…)` call, or a parameter named as one (`req`, `request`: weak evidence, taken
/// only together with a socket property).
fn is_request(model: &SemanticModel, path: &Path) -> bool {
    let Some(b) = path.root_binding().filter(|_| path.props.is_empty()) else {
        return false;
    };
    if matches!(model.owner_of(path), Owner::Request(_)) {
        return true;
    }
    let binding = model.binding(b);
    match (&binding.kind, &binding.init) {
        (BindingKind::Param, _) => matches!(binding.name.as_str(), "req" | "request"),
        (_, Some(Value::Call(c))) => model.calls[c.index()]
            .method()
            .is_some_and(|m| matches!(m.as_str(), "request" | "get")),
        _ => false,
    }
}

/// Whether `name` names a request: `req`, `request`, or a camelCase name ending in one
/// (`srcRequest`, `upgradeReq`, `incomingRequest`). A name is weak evidence: taken only for an
/// object handed in whose socket property ([`api::SOCKET_PROPERTIES`]) is read.
fn request_named(name: &str) -> bool {
    if matches!(name, "req" | "request") {
        return true;
    }
    ["Request", "Req"].iter().any(|suffix| {
        name.strip_suffix(suffix)
            .and_then(|head| head.chars().last())
            .is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
    })
}

/// Whether `path` is a request handed in as an option: a bare binding named as a request
/// ([`request_named`]) that is a parameter (`constructor({ srcRequest })`) or a variable set to a
/// property of one (Babel's output for that destructuring, `var srcRequest = _ref.srcRequest`).
fn is_request_option(model: &SemanticModel, path: &Path) -> bool {
    let Some(b) = path.as_binding() else {
        return false;
    };
    let binding = model.binding(b);
    if !request_named(&binding.name) {
        return false;
    }
    match (&binding.kind, &binding.init) {
        (BindingKind::Param, _) => true,
        (BindingKind::Var | BindingKind::Let | BindingKind::Const, Some(Value::Path(p))) => {
            p.props.len() == 1
                && p.root_binding()
                    .is_some_and(|r| model.binding(r).kind == BindingKind::Param)
        }
        _ => false,
    }
}

/// Whether registration `call` on `receiver` is on an instance field that the class only ever
/// sets to a request's socket — the `.socket`/`.connection` ([`api::SOCKET_PROPERTIES`]) of a
/// request ([`is_request`], or one handed in as an option: [`is_request_option`]) — or clears
/// (`this.srcSocket = null`), with a handler that holds the instance, in a class that may have
/// many instances. One instance per request then adds its listeners to a socket that serves the
/// connection's later requests too (keep-alive), and the socket keeps every instance.
fn field_request_socket(model: &SemanticModel, call: &Call, receiver: &Path) -> bool {
    if receiver.props.len() != 1 {
        return false;
    }
    let Some((c, field)) = model.field_of(receiver, call.func) else {
        return false;
    };
    if !model.may_have_many_instances(c) || !handler_holds_instance(model, call, call.func) {
        return false;
    }
    let mut socket = false;
    for a in &model.assigns {
        let crate::semantic::Target::Path(t) = &a.target else {
            continue;
        };
        if t.props.len() != 1 || !model.is_field_path(t, a.func, c, &field) {
            continue;
        }
        match &a.value {
            Value::Path(v)
                if v.props.len() == 1
                    && api::SOCKET_PROPERTIES.contains(&v.props[0].as_str())
                    && (is_request(model, &v.parent())
                        || is_request_option(model, &v.parent())) =>
            {
                socket = true;
            }
            Value::OtherLiteral => {}
            _ => return false,
        }
    }
    socket
}

/// Whether the handler (argument 1 of `call`, made in function `f`) keeps the instance of a class
/// alive: a path or a `.bind(…)` call rooted at the instance, or a closure written inside a
/// method (arrows there capture the instance).
fn handler_holds_instance(model: &SemanticModel, call: &Call, f: FuncId) -> bool {
    if model.this_class(f).is_none() {
        return false;
    }
    match call.arg(1) {
        Some(Value::Path(p)) => model.class_of_root(p, f).is_some(),
        Some(Value::Call(c)) => model.calls[c.index()]
            .callee
            .as_ref()
            .is_some_and(|p| model.class_of_root(p, f).is_some()),
        Some(Value::Func(g)) => model.function(*g).is_arrow,
        _ => false,
    }
}

/// Whether function `d` consumes the stream its parameter `b` hands it: it reads it (a `'data'`,
/// `'end'` or `'readable'` listener) or pipes it somewhere (`b.pipe(…)`). The listeners then go
/// with the stream when it ends (`streamToBuffer(body)`, a byte-counting wrapper), whatever else
/// they listen for.
fn consumed_here(model: &SemanticModel, d: FuncId, b: crate::semantic::BindingId) -> bool {
    let param = Path::binding(b);
    let consumed = model
        .method_calls_on(&param, &["on", "once", "pipe", "addListener"])
        .any(|(_, c)| {
            model.is_within(c.func, d)
                && (c.method().is_some_and(|m| m == "pipe")
                    || matches!(
                        c.arg(0).and_then(Value::as_str),
                        Some("data" | "end" | "readable")
                    ))
        });
    consumed
}

/// For a registration in a method of a class: the class's detach or teardown method
/// (`remove()`, `destroy()`) that removes other listeners from the same owner — the owner as
/// written or the instance field that holds it (`this._map = map`) — but not this one: an
/// incomplete teardown, which leaves every detached instance reachable from the owner.
/// `removals` are the file's calls of a removal method ([`api::REMOVE_LISTENER_METHODS`]), found once per file.
fn incomplete_detach(
    model: &SemanticModel,
    removals: &[&Call],
    call: &Call,
    receiver: &Path,
) -> Option<FuncId> {
    if removals.is_empty() {
        return None;
    }
    let c = model.this_class(call.func)?;
    // The instance fields that hold the owner: `this.f = receiver` anywhere in the class.
    let mut fields: Vec<&swc_atoms::Atom> = Vec::new();
    if receiver.props.len() == 1 && model.class_of_root(receiver, call.func) == Some(c) {
        fields.push(&receiver.props[0]);
    }
    for a in &model.assigns {
        if let (crate::semantic::Target::Path(t), Value::Path(v)) = (&a.target, &a.value) {
            if v == receiver
                && a.func == call.func
                && t.props.len() == 1
                && model.class_of_root(t, a.func) == Some(c)
            {
                fields.push(&t.props[0]);
            }
        }
    }
    if fields.is_empty() {
        return None;
    }
    let same_owner = |r: &Call| {
        r.receiver().is_some_and(|rr| {
            rr.props.len() == 1
                && fields.contains(&&rr.props[0])
                && model.class_of_root(&rr, r.func) == Some(c)
        })
    };
    let removals: Vec<&Call> = removals.iter().copied().filter(|r| same_owner(r)).collect();
    if removals.iter().any(|r| same_event(call.arg(0), r.arg(0))) {
        return None;
    }
    detaching_method(model, &removals, c)
}

/// The method of class `c` with a detach name (`remove`, `destroy`, …: [`api::is_detach_name`])
/// that holds the first of `removals` made inside one of the class's methods, or `None`.
fn detaching_method(
    model: &SemanticModel,
    removals: &[&Call],
    c: crate::semantic::class::ClassId,
) -> Option<FuncId> {
    removals.iter().find_map(|r| {
        let mut f = Some(r.func);
        while let Some(cur) = f {
            let func = model.function(cur);
            if func.class == Some(c) {
                return func
                    .name
                    .as_deref()
                    .is_some_and(api::is_detach_name)
                    .then_some(cur);
            }
            f = func.parent;
        }
        None
    })
}

/// For a registration on an instance field that holds an object handed to the class (`this.el =
/// options.container`, never an object the class makes), with a handler that holds the instance:
/// the class's teardown method (`remove()`, `destroy()`) that removes listeners — so the class
/// knows its listeners outlive it — but not this one. Every torn-down instance then stays
/// reachable from the object its user handed in, which outlives it.
fn teardown_forgets(
    model: &SemanticModel,
    removals: &[&Call],
    call: &Call,
    receiver: &Path,
) -> Option<FuncId> {
    if removals.is_empty() || self_removing_options(call) {
        return None;
    }
    let c = model.this_class(call.func)?;
    let [field] = receiver.props.as_slice() else {
        return None;
    };
    // An arrow holds the instance only when it uses it (`e => e.preventDefault()` does not).
    let uses_instance = match call.arg(1) {
        Some(Value::Func(g)) => mentions_instance(model, *g, c),
        _ => true,
    };
    if model.class_of_root(receiver, call.func) != Some(c)
        || !model.may_have_many_instances(c)
        || !handler_holds_instance(model, call, call.func)
        || !uses_instance
        || model.frequency_of(call.func) == &Frequency::Once
    {
        return None;
    }
    // What the class stores in the field: at least one object handed in (a path from a parameter
    // of the method that stores it), and nothing it makes (`new`, `create…()`, literals).
    let mut handed = false;
    for a in model.assigns.iter().filter(|a| {
        matches!(&a.target, crate::semantic::Target::Path(t) if t.props.len() == 1 && model.is_field_path(t, a.func, c, field))
    }) {
        match &a.value {
            Value::Path(v) => match v.root_binding().map(|b| model.binding(b)) {
                Some(b) if b.kind == BindingKind::Param => handed = true,
                _ => {}
            },
            Value::Call(k)
                if !model.calls[k.index()].is_new
                    && !model.calls[k.index()]
                        .callee
                        .as_ref()
                        .and_then(|p| model.callee_name(p))
                        .is_some_and(|m| crate::semantic::lifetime::creates_fresh(&m)) => {}
            Value::OtherLiteral => {}
            _ => return None,
        }
    }
    if !handed {
        return None;
    }
    // A teardown method of the class that removes listeners, and none that removes this one.
    if is_removed(model, receiver, call) {
        return None;
    }
    detaching_method(model, removals, c)
}

/// Whether code in function `g` uses the instance of class `c`: a call, an assignment or a test
/// on a path rooted at it (`this.x`, `self.y`).
fn mentions_instance(model: &SemanticModel, g: FuncId, c: crate::semantic::ClassId) -> bool {
    let rooted = |p: &Path, f: FuncId| model.class_of_root(p, f) == Some(c);
    let within = |f: FuncId| model.is_within(f, g);
    model.calls.iter().any(|k| {
        within(k.func)
            && (k.callee.as_ref().is_some_and(|p| rooted(p, k.func))
                || k.args
                    .iter()
                    .any(|v| matches!(v, Value::Path(p) if rooted(p, k.func))))
    }) || model.assigns.iter().any(|a| {
        within(a.func)
            && (matches!(&a.target, crate::semantic::Target::Path(t) if rooted(t, a.func))
                || matches!(&a.value, Value::Path(p) if rooted(p, a.func)))
    }) || model
        .conditions
        .iter()
        .any(|k| within(k.func) && k.paths.iter().any(|p| rooted(p, k.func)))
}

/// The finding for a teardown that forgets a handed-in owner ([`teardown_forgets`]).
fn teardown_forgets_finding(
    ctx: &RuleContext<'_>,
    call: &Call,
    receiver: &Path,
    teardown: FuncId,
    confidence: Confidence,
) -> Diagnostic {
    let model = ctx.model;
    let event = event_text(call, "this event");
    let owner = receiver.display(model).to_string();
    let name = model.teardown_name(teardown);
    let d = ctx.report(call.callee_span,
        format!("listener for {event} is added to `{owner}`, an object handed to this class, and `{name}()` never removes it: every torn-down instance stays reachable from `{owner}`, which outlives it"),
    )
    .with_confidence(confidence)
    .with_label(model.function(teardown).span, format!("`{name}()` removes other listeners, but not this one"));
    remove_there_too(d, call, name)
}

/// A call of function `d`, from code that runs more than once, whose argument for parameter `b`
/// outlives that code: a process-lived object, or a request's server (`req.socket.server`,
/// `req.connection.server`: the `http.Server` that accepted it).
fn long_lived_argument(
    model: &SemanticModel,
    d: FuncId,
    b: crate::semantic::BindingId,
) -> Option<(crate::semantic::CallId, Path)> {
    let index = model.function(d).params.iter().position(|&p| p == b)?;
    let named = model.function(d).binding?;
    model.calls_mentioning(named).iter().find_map(|&id| {
        let site = &model.calls[id.index()];
        let callee = site.callee.as_ref()?;
        if !(callee.props.is_empty() && callee.root_binding() == Some(named)) {
            return None;
        }
        if model.frequency_of(site.func) == &Frequency::Once {
            return None;
        }
        let Some(Value::Path(arg)) = site.arg(index) else {
            return None;
        };
        let server = matches!(arg.props.as_slice(), [.., via, last] if last == "server" && api::SOCKET_PROPERTIES.contains(&via.as_str()));
        (server || model.owner_of(arg) == Owner::Process && !arg.props.is_empty())
            .then(|| (id, arg.clone()))
    })
}

/// The finding for a helper's registration on a long-lived argument ([`long_lived_argument`]).
fn helper_finding(
    ctx: &RuleContext<'_>,
    call: &Call,
    receiver: &Path,
    (site, arg): (crate::semantic::CallId, Path),
) -> Diagnostic {
    let model = ctx.model;
    let event = event_text(call, "an event");
    let site_call = &model.calls[site.index()];
    let (often, sites) = how_often(model, model.frequency_of(site_call.func));
    let arg_text = arg.display(model).to_string();
    let mut d = ctx.report(call.callee_span,
        format!("listener for {event} is added to `{}`, which is `{arg_text}` {often}, and never removed", receiver.display(model)),
    )
    .with_confidence(Confidence::Medium)
    .with_repetition_sites(sites.elsewhere_only())
    .with_label(site_call.callee_span, format!("called here with `{arg_text}`, which outlives each call"));
    if let Some(h) = call.arg_spans.get(1) {
        d = d.with_label(
            *h,
            format!("this handler stays reachable from `{arg_text}`"),
        );
    }
    d.with_help("register the listener once (guard it with a flag, or move it to start-up code), or remove it when the work ends")
}

/// The finding for an incomplete teardown ([`incomplete_detach`]).
fn incomplete_detach_finding(
    ctx: &RuleContext<'_>,
    call: &Call,
    receiver: &Path,
    detach: FuncId,
) -> Diagnostic {
    let model = ctx.model;
    let event = event_text(call, "this event");
    let owner = receiver.display(model).to_string();
    let name = model.teardown_name(detach);
    let d = ctx.report(call.callee_span,
        format!("listener for {event} is added to `{owner}` and never removed: `{name}()` removes this class's other listeners from it, but not this one, so every detached instance stays reachable from `{owner}`"),
    )
    .with_confidence(Confidence::Medium)
    .with_label(model.function(detach).span, format!("`{name}()` removes the others"));
    remove_there_too(d, call, name)
}

/// The end of a finding whose class's teardown or detach method `name` removes other listeners
/// but not `call`'s: a label on the handler it keeps, and the help to remove it there as well.
fn remove_there_too(d: Diagnostic, call: &Call, name: &str) -> Diagnostic {
    let d = match call.arg_spans.get(1) {
        Some(h) => d.with_label(
            *h,
            "this handler, and the instance it holds, stays registered",
        ),
        None => d,
    };
    d.with_help(format!(
        "remove it in `{name}()` as well, with the same event and handler"
    ))
}

/// How a message names the event `call` registers for: `'close'`, or `fallback` when it is not a
/// string literal.
fn event_text(call: &Call, fallback: &str) -> String {
    call.arg(0)
        .and_then(|v| v.as_str())
        .map(|e| format!("'{e}'"))
        .unwrap_or_else(|| fallback.into())
}

/// Whether the registering function also records the owner in a collection
/// (`if (!tracked.has(socket)) { tracked.add(socket); socket.on(…) }`): the registration is
/// made once per owner.
fn tracked_per_owner(model: &SemanticModel, call: &Call, receiver: &Path) -> bool {
    model.calls.iter().any(|c| {
        c.func == call.func
            && c.method().is_some_and(|m| m == "add" || m == "set")
            && matches!(c.arg(0), Some(Value::Path(p)) if p == receiver)
    })
}

/// A listener that waits for one outcome of a piece of work on an owner that outlives the work,
/// while another outcome can settle it first: `conn.once('error', …)` next to
/// `conn.once('connect', …)`, or next to a promise that a callback resolves. When the other
/// outcome comes, nothing removes the listener, and the owner keeps one per piece of work.
struct Abandoned {
    /// The function that does the work (for a promise executor, the function that makes the
    /// promise): how often it runs is how often a listener is left behind.
    unit: FuncId,
    /// Where the other outcome settles the work.
    other: ByteSpan,
}

/// If `call` (a registration on `receiver`) is abandoned when the work settles another way, how
/// ([`Abandoned`]). Owners made by the work itself, streams the work consumes, and waits for the
/// owner's end (`'end'`, `'close'`: [`api::TERMINAL_EVENTS`]) are not: their listeners go with
/// the owner.
fn abandoned_outcome(model: &SemanticModel, call: &Call, receiver: &Path) -> Option<Abandoned> {
    let event = call.arg(0).and_then(Value::as_str)?;
    if api::TERMINAL_EVENTS.contains(&event) || signal_option(call) {
        return None;
    }
    let f = call.func;
    let executor = model.function(f).uses.iter().any(|u| {
        matches!(u, crate::semantic::FuncUse::Argument { call, index: 0 }
            if model.calls[call.index()].is_new
                && model.calls[call.index()].callee.as_ref().is_some_and(api::is_promise_constructor))
    });
    let unit = if executor {
        model.function(f).parent?
    } else {
        f
    };
    if !outlives_unit(model, receiver, unit) {
        return None;
    }
    // Other registrations on the same owner in the same function: the other outcomes.
    let siblings: Vec<&Call> = model
        .method_calls_on(receiver, ADD)
        .map(|(_, c)| c)
        .filter(|c| c.func == f && c.span != call.span)
        .collect();
    let waits_for_end = siblings.iter().any(|c| {
        c.arg(0)
            .and_then(Value::as_str)
            .is_some_and(|e| api::TERMINAL_EVENTS.contains(&e))
    });
    if waits_for_end || is_removed(model, receiver, call) {
        return None;
    }
    let once_like = |c: &Call| is_once_method(c) || once_option(c);
    // A handler that removes another registration of the group treats the two as alternatives
    // (`on('loaded', a); on('failed', () => off('loaded', a))`).
    let removes_in = |c: &Call, target: &Call| match c.arg(1) {
        Some(Value::Func(g)) => model
            .method_calls_on(receiver, api::REMOVE_LISTENER_METHODS)
            .any(|(_, r)| model.is_within(r.func, *g) && same_event(target.arg(0), r.arg(0))),
        _ => false,
    };
    let alternative = siblings
        .iter()
        .filter(|c| c.arg(0).and_then(Value::as_str).is_some_and(|e| e != event))
        .find(|c| {
            // Success and failure: one of the two is 'error'.
            let failure_pair =
                event == "error" || c.arg(0).and_then(Value::as_str) == Some("error");
            failure_pair && once_like(call) && once_like(c) || removes_in(call, c)
        });
    // When the group's 'error' listener is left too, that one is the finding: one leak, one report.
    if event != "error"
        && siblings.iter().any(|c| {
            c.arg(0).and_then(Value::as_str) == Some("error")
                && once_like(c)
                && once_like(call)
                && !is_removed(model, receiver, c)
        })
    {
        return None;
    }
    let other = alternative.map(|c| c.callee_span).or_else(|| {
        // In a promise executor, a handler that settles the promise (it is `resolve`/`reject`, or
        // calls one) is one outcome; `resolve`/`reject` used outside it are others.
        let settles = &model.function(f).params;
        let handler_settles = match call.arg(1) {
            Some(Value::Func(g)) => model
                .references_within(*g)
                .iter()
                .any(|r| settles.contains(&r.binding)),
            Some(Value::Path(p)) => p.root_binding().is_some_and(|b| settles.contains(&b)),
            _ => false,
        };
        // What a failed wait leaves behind goes with a failed owner; an 'error' listener left
        // after success stays on a working one.
        if !(executor && handler_settles && event == "error") {
            return None;
        }
        let handler = match call.arg(1) {
            Some(Value::Func(g)) => Some(*g),
            _ => None,
        };
        model.references_within(f).iter().find_map(|r| {
            (settles.contains(&r.binding)
                && !handler.is_some_and(|g| model.is_within(r.func, g))
                && !matches!(call.arg(1), Some(Value::Path(p)) if p.root_binding() == Some(r.binding)))
            .then_some(r.span)
        })
    })?;
    // The work ends the owner itself (`stream.end()`, `conn.destroy()`): its listeners go with it.
    let ends_owner = model
        .calls
        .iter()
        .filter(|c| model.is_within(c.func, unit))
        .any(|c| {
            c.receiver().as_ref() == Some(receiver)
                && c.method().is_some_and(|m| api::is_teardown_name(m))
        });
    // The work makes the owner, or the object it hangs off (`this.stream = net.connect(…)`,
    // `this.client = new Client()` for `this.client.sock`): the listener goes with it.
    let made_here = (0..=receiver.props.len()).any(|k| {
        let prefix = Path {
            root: receiver.root.clone(),
            props: receiver.props[..k].iter().cloned().collect(),
        };
        model.assigns_under(&prefix).any(|a| {
            model.is_within(a.func, unit)
                && matches!(&a.target, crate::semantic::Target::Path(t) if *t == prefix)
                && matches!(&a.value, Value::Call(_))
        })
    });
    if ends_owner || made_here {
        return None;
    }
    if let Owner::Param(d, b) = model.owner_of(receiver) {
        if receiver.props.is_empty() && consumed_here(model, d, b) {
            return None;
        }
    }
    Some(Abandoned { unit, other })
}

/// Whether the object `receiver` names was there before function `unit` ran and stays after it:
/// the instance (outside its constructor), a global, an import, a module-level binding, a
/// parameter of `unit` or of a function around it, or a variable of a function around it.
fn outlives_unit(model: &SemanticModel, receiver: &Path, unit: FuncId) -> bool {
    match &receiver.root {
        Root::This => !model.is_constructor(unit),
        Root::Global(_) => true,
        Root::Unknown => false,
        Root::Binding(b) => {
            let binding = model.binding(*b);
            binding.module_level
                || binding.kind == BindingKind::Import
                || binding.kind == BindingKind::Param && model.is_within(unit, binding.func)
                || binding.func != unit && model.is_within(unit, binding.func)
        }
    }
}

/// A removal that names this registration's event on the same owner but a handler that was
/// only ever added for another event there (`client.once('ready', onReady); client.once('error',
/// onError)` with `client.removeListener('ready', onError)` in `onError`): a slip that removes
/// nothing, where the code meant to remove this listener. Returns the removal's callee span and
/// the handler it names.
fn mismatched_removal(
    model: &SemanticModel,
    call: &Call,
    receiver: &Path,
) -> Option<(ByteSpan, String)> {
    let event = call.arg(0).and_then(Value::as_str)?;
    let Some(Value::Path(handler)) = call.arg(1) else {
        return None;
    };
    model
        .method_calls_on(receiver, api::REMOVE_LISTENER_METHODS)
        .find_map(|(_, r)| {
            let Some(Value::Path(named)) = r.arg(1) else {
                return None;
            };
            if r.arg(0).and_then(Value::as_str) != Some(event) || named == handler {
                return None;
            }
            // Added on this owner for another event, and never for this one.
            let added_for: Vec<Option<&str>> = model
                .method_calls_on(receiver, ADD)
                .filter(|(_, a)| matches!(a.arg(1), Some(Value::Path(p)) if p == named))
                .map(|(_, a)| a.arg(0).and_then(Value::as_str))
                .collect();
            let elsewhere = added_for.iter().any(|e| e.is_some_and(|e| e != event));
            let here = added_for.iter().any(|e| e.is_none_or(|e| e == event));
            (elsewhere && !here).then(|| (r.callee_span, named.display(model).to_string()))
        })
}

/// Composables called after an `await` ([`crate::semantic::effect_scope`]): `watch(…)` or
/// `useEventListener(…)` set up there belong to no effect scope, so the component's unmount never
/// stops them. Reported as often as the function runs (`medium` in repeated code), unless the
/// stop handle is kept.
fn scope_lost_after_await(ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
    use crate::semantic::effect_scope;
    let model = ctx.model;
    for (call, awaited) in effect_scope::calls_after_await(model) {
        if effect_scope::result_kept(call) || !effect_scope::binds_to_effect_scope(model, call) {
            continue;
        }
        let Some(confidence) = confidence_for(model.frequency_of(call.func), Confidence::Medium)
        else {
            continue;
        };
        let name = call
            .callee
            .as_ref()
            .and_then(|p| model.callee_name(p))
            .map(|n| n.to_string())
            .unwrap_or_else(|| "this".into());
        out.push(
            ctx.report(
                call.callee_span,
                format!("`{name}()` is called after an `await`: no effect scope is active there, so what it sets up is never stopped when the component unmounts, and keeps what its callback captures"),
            )
            .with_confidence(confidence)
            .with_label(awaited.span, "the effect scope is lost after this `await`")
            .with_help(format!("call `{name}()` before the first `await` (on a ref the async code fills in later), or keep what it returns and call it when the component unmounts")),
        );
    }
}

/// Watchers whose callback runs inside the `watch()` call and stops the watcher through the
/// variable the call's result is assigned to ([`api::runs_watcher_at_once`]): on that first run
/// the variable is still unset, so a condition already true stops nothing and the watcher stays
/// subscribed. A callback that also defers the stop to a later function covers that run.
fn stopped_before_assigned(ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
    let model = ctx.model;
    if !api::imports_scope_bound_module(model) {
        return;
    }
    for call in &model.calls {
        let Some(index) = api::runs_watcher_at_once(model, call) else {
            continue;
        };
        let handle = match &call.result {
            crate::semantic::ResultUse::Declared(b) => *b,
            crate::semantic::ResultUse::Assigned(p) => match p.as_binding() {
                Some(b) => b,
                None => continue,
            },
            _ => continue,
        };
        let Some(Value::Func(cb)) = call.arg(index) else {
            continue;
        };
        let stops = |c: &&Call| c.callee.as_ref().and_then(Path::as_binding) == Some(handle);
        // A stop deferred to a function the callback hands on (`nextTick(() => stop())`) runs
        // once the handle is set: the first run is covered.
        let deferred = model
            .calls
            .iter()
            .filter(stops)
            .any(|c| c.func != *cb && model.is_within(c.func, *cb));
        let Some(stop) = model.calls.iter().filter(stops).find(|c| c.func == *cb) else {
            continue;
        };
        if deferred {
            continue;
        }
        // The code means to stop the watcher and cannot: a slip, whoever calls it (one watcher
        // left when it runs once).
        let confidence = if model.frequency_of(call.func) == &Frequency::Once {
            Confidence::Low
        } else {
            Confidence::Medium
        };
        let name = &model.binding(handle).name;
        out.push(
            ctx.report(
                call.callee_span,
                format!("the watcher's callback runs before this call returns and stops it through `{name}`, which is not set yet on that first run: when the condition already holds, nothing stops the watcher and it stays subscribed"),
            )
            .with_confidence(confidence)
            .with_label(stop.callee_span, format!("`{name}` is still unset on the first run"))
            .with_help(format!("stop it after the call has returned (`nextTick(() => {name}())`, or check the condition before watching), or use `once: true`")),
        );
    }
}

/// The finding for an abandoned outcome listener ([`abandoned_outcome`]).
fn abandoned_finding(
    ctx: &RuleContext<'_>,
    call: &Call,
    receiver: &Path,
    abandoned: &Abandoned,
    confidence: Confidence,
) -> Diagnostic {
    let model = ctx.model;
    let event = event_text(call, "an event");
    let owner = receiver.display(model).to_string();
    let (often, registration) = how_often(model, model.frequency_of(abandoned.unit));
    let mut d = ctx.report(
        call.callee_span,
        format!("listener for {event} is added to `{owner}` {often} and stays there when the work ends another way: `{owner}` keeps one listener, and what it captures, per call"),
    )
    .with_confidence(confidence)
    .with_label(abandoned.other, "the work can end here, and nothing then removes the listener");
    d = d.with_repetition_sites(registration);
    d.with_help(format!("keep the handler in a variable and remove it (`{owner}.off({event}, handler)`) on every outcome, or await `events.once({owner}, …)`, which removes its listeners"))
}

/// An object with a teardown (a class with a `close()`/`shutdown()`/… method, or an object the
/// registering code equips with one: `app.shutdown = function …`) whose handler on a process-lived
/// owner holds it: the teardown says the object ends before the process, and after it ends the
/// owner still holds it through the handler. Returns the teardown function. Handlers that call
/// the teardown are how it gets triggered (`process.on('SIGTERM', () => this.close())`), not a
/// leak.
fn disposable_holder(model: &SemanticModel, call: &Call) -> Option<FuncId> {
    let handler = handler_function(model, call.arg(1));
    let teardown = match model.this_class(call.func) {
        // A class with a teardown method, and a handler that holds the instance.
        Some(c) => model.teardown_methods(c).first().copied().filter(|_| {
            model.may_have_many_instances(c) && handler_holds_instance(model, call, call.func)
        })?,
        // An object equipped with a teardown by the registering function or one around it, which
        // the handler refers to: the first such assignment in the file.
        None => {
            let g = handler?;
            model
                .references_within(g)
                .iter()
                .filter(|r| {
                    let declared_in = model.binding(r.binding).func;
                    declared_in != crate::semantic::MODULE
                        && model.is_within(call.func, declared_in)
                })
                .flat_map(|r| model.assigns_under(&Path::binding(r.binding)))
                .filter_map(|a| {
                    let crate::semantic::Target::Path(t) = &a.target else {
                        return None;
                    };
                    let (Value::Func(teardown), [name]) = (&a.value, t.props.as_slice()) else {
                        return None;
                    };
                    api::is_teardown_name(name).then_some((a.span.start, *teardown))
                })
                .min()?
                .1
        }
    };
    // Handlers for the process's end run the teardown or end the process themselves, and
    // handlers that call a teardown are how it gets triggered: both asked only once a teardown is
    // found (the second is a pass over the file's calls).
    let terminating = call
        .arg(0)
        .and_then(Value::as_str)
        .is_some_and(|e| api::TERMINATION_EVENTS.contains(&e));
    let calls_teardown = |g: FuncId| {
        model.calls.iter().any(|c| {
            model.is_within(c.func, g) && c.method().is_some_and(|m| api::is_teardown_name(m))
        })
    };
    (!terminating && !handler.is_some_and(calls_teardown)).then_some(teardown)
}

/// The finding for a handler that is also run early ([`run_early`]).
fn run_early_finding(
    ctx: &RuleContext<'_>,
    call: &Call,
    receiver: &Path,
    early: ByteSpan,
    confidence: Confidence,
) -> Diagnostic {
    let model = ctx.model;
    let event = event_text(call, "the event");
    let owner = receiver.display(model).to_string();
    let handler = call
        .arg(1)
        .and_then(|v| match v {
            Value::Path(p) => Some(p.display(model).to_string()),
            _ => None,
        })
        .unwrap_or_else(|| "handler".into());
    let (often, registration) = how_often(model, model.frequency_of(call.func));
    let mut d = ctx.report(
        call.callee_span,
        format!("listener for {event} is added to long-lived `{owner}` {often}, but `{handler}` also runs before {event} comes and never removes itself: `{owner}` keeps one registration, and what `{handler}` captures, per call"),
    )
    .with_confidence(confidence)
    .with_label(early, format!("`{handler}` can run here, and the registration stays"));
    d = d.with_repetition_sites(registration);
    d.with_help(format!("remove the registration when `{handler}` runs (`{owner}.off({event}, {handler})` inside it)"))
}

/// The finding for a disposable object's registration ([`disposable_holder`]).
fn disposable_finding(
    ctx: &RuleContext<'_>,
    call: &Call,
    receiver: &Path,
    teardown: FuncId,
) -> Diagnostic {
    let model = ctx.model;
    let event = event_text(call, "an event");
    let owner = receiver.display(model).to_string();
    let name = model.teardown_name(teardown);
    let mut d = ctx.report(
        call.callee_span,
        format!("listener for {event} is added to long-lived `{owner}` and `{name}()` never removes it: every object that is shut down stays reachable from `{owner}` through this handler"),
    )
    .with_confidence(Confidence::Medium)
    .with_label(model.function(teardown).span, format!("`{name}()` ends the object but leaves the listener"));
    if let Some(h) = call.arg_spans.get(1) {
        d = d.with_label(*h, "this handler holds the object");
    }
    d.with_help(format!(
        "keep the handler and remove it in `{name}()` (`{owner}.off({event}, handler)`)"
    ))
}

/// A handler on a process-lived owner that the code also runs itself, or hands to others to run
/// (`process.once('exit', kill)` next to `kill()` on failure and `new Browser(kill)`): when its
/// work is done before the event, the registration stays, one per call. Returns where the
/// handler is run or handed out.
fn run_early(model: &SemanticModel, call: &Call, call_id: usize) -> Option<ByteSpan> {
    let Some(Value::Path(p)) = call.arg(1) else {
        return None;
    };
    let b = p.root_binding().filter(|_| p.props.is_empty())?;
    let g = model.binding(b).func_value?;
    // Calls that name the handler: as the callee (`kill()`) or as an argument (`new Browser(kill)`).
    model.calls_mentioning(b).iter().find_map(|&other| {
        let c = &model.calls[other.index()];
        // Registering it elsewhere or keeping it in a collection (`listeners.set(key, fn)`, often
        // to find it again for the removal) does not run it, nor does a helper of this file that
        // only does that with it (`watchResize(el, fn)` adding `fn` to a set).
        let registration = c
            .method()
            .is_some_and(|m| api::keeps_argument_without_calling(m))
            || c.args
                .iter()
                .position(|a| matches!(a, Value::Path(q) if q == p))
                .and_then(|i| crate::semantic::flow::param_of_callee(model, c, i))
                .is_some_and(|(h, q)| !crate::semantic::flow::may_call_param(model, h, q, 2));
        // Run from another of the owner's events (`process.on('SIGINT', () => { kill(); … })`)
        // is not early: the owner's life is what ends.
        let mut on_owner_event = false;
        let mut f = c.func;
        while f != call.func {
            on_owner_event |= listens_on(model, f, &call.receiver()?);
            f = model.function(f).parent?;
        }
        (other.index() != call_id
            && !registration
            && !on_owner_event
            && !model.is_within(c.func, g)
            && model.is_within(c.func, call.func))
        .then_some(c.callee_span)
    })
}

/// An observable subscription whose handle is dropped: `source.subscribe(fn)` or
/// `source.pipe(map(…)).subscribe(fn)` as a statement, on a source the code did not make (an
/// injected service's stream, a parameter, an import), with no operator that ends it
/// ([`api::ENDING_OPERATORS`]). Nothing can unsubscribe, so the source keeps the observer, and
/// what it holds, until it completes. Returns the source.
fn dropped_subscription(model: &SemanticModel, index: usize, call: &Call) -> Option<Path> {
    if call.method().map(|m| m.as_str()) != Some(api::SUBSCRIBE_METHOD)
        || call.result != crate::semantic::ResultUse::Discarded
    {
        return None;
    }
    // An observer: a function or `{ next }` — not a channel name (Redis, MQTT and WebSocket
    // `subscribe(topic)`).
    let observer = match call.arg(0) {
        Some(Value::Func(_)) => true,
        Some(Value::Path(p)) => p
            .root_binding()
            .filter(|_| p.props.is_empty())
            .is_some_and(|b| model.binding(b).func_value.is_some()),
        Some(Value::Object(props)) => props
            .iter()
            .any(|(k, _)| matches!(k.as_deref(), Some("next" | "error" | "complete"))),
        _ => false,
    };
    if !observer {
        return None;
    }
    let source = match call.receiver() {
        Some(r) if r.root != Root::Unknown => r,
        Some(r) if !r.props.is_empty() => return None,
        _ => {
            // `source.pipe(…).subscribe(fn)`: the piped call ends inside the callee, just before
            // this call's end (calls are in source order of their ends).
            let piped = model.calls[..index]
                .iter()
                .rev()
                .take_while(|c| c.span.end > call.span.start)
                .find(|c| {
                    c.result == crate::semantic::ResultUse::Member(api::SUBSCRIBE_METHOD.into())
                        && c.span.start >= call.callee_span.start
                        && c.span.end <= call.callee_span.end
                })?;
            if piped.method().map(|m| m.as_str()) != Some(api::PIPE_METHOD) {
                // A fresh observable per call (`http.get(url).subscribe(…)`) completes on its own.
                return None;
            }
            // An operator call among the pipe's arguments (`takeUntil(this.destroyed)`).
            let ends = piped.arg_spans.iter().any(|arg| {
                model.calls[..index]
                    .iter()
                    .rev()
                    .take_while(|c| c.span.end > arg.start)
                    .any(|c| {
                        c.span.start >= arg.start
                            && c.span.end <= arg.end
                            && c.callee
                                .as_ref()
                                .and_then(|p| model.callee_name(p))
                                .is_some_and(|m| api::ENDING_OPERATORS.contains(&m.as_str()))
                    })
            });
            if ends {
                return None;
            }
            piped.receiver()?
        }
    };
    (outlives_unit(model, &source, call.func) && !made_by_instance(model, &source, call.func))
        .then_some(source)
}

/// Whether `path` is an instance field that the class fills with an object of its own
/// (`this.changes = new Subject()`, `changes = new Subject()`): what subscribes to it goes with
/// the instance.
fn made_by_instance(model: &SemanticModel, path: &Path, f: FuncId) -> bool {
    let Some((c, field)) = model.field_of(path, f) else {
        return false;
    };
    let class = model.class(c);
    class
        .fields
        .iter()
        .any(|(name, value, _)| *name == field && matches!(value, Value::Call(_)))
        || model.assigns.iter().any(|a| {
            matches!(&a.target, crate::semantic::Target::Path(t) if model.is_field_path(t, a.func, c, &field))
                && matches!(&a.value, Value::Call(k) if model.calls[k.index()].is_new)
        })
}

/// The finding for a dropped subscription ([`dropped_subscription`]).
fn subscription_finding(
    ctx: &RuleContext<'_>,
    call: &Call,
    source: &Path,
    confidence: Confidence,
) -> Diagnostic {
    let model = ctx.model;
    let owner = source.display(model).to_string();
    let (often, registration) = how_often(model, model.frequency_of(call.func));
    let mut d = ctx.report(
        call.callee_span,
        format!("subscription to `{owner}` is made {often} and its handle is dropped: nothing can unsubscribe, so `{owner}` keeps the observer, and what it captures, until it completes"),
    )
    .with_confidence(confidence);
    if let Some(h) = call.arg_spans.first() {
        d = d.with_label(*h, format!("this observer stays subscribed to `{owner}`"));
    }
    d = d.with_repetition_sites(registration);
    d.with_help("keep the subscription and unsubscribe in the teardown (`ngOnDestroy`, `onModuleDestroy`, the effect's cleanup), or end it with an operator: `pipe(takeUntil(this.destroyed$))`, `take(1)`")
}

/// Whether function `f` is a listener registered on `receiver` itself.
fn listens_on(model: &SemanticModel, f: FuncId, receiver: &Path) -> bool {
    model.function(f).uses.iter().any(|u| {
        matches!(u, crate::semantic::FuncUse::Argument { call, index: 1 }
            if model.calls[call.index()].receiver().as_ref() == Some(receiver))
    })
}

/// Whether the handler (argument 1) clears a timer: the signal is the off switch of work that runs
/// until it aborts (a polling loop), so the listener lives exactly as long as that work.
fn stops_timer(model: &SemanticModel, call: &Call) -> bool {
    let Some(Value::Func(g)) = call.arg(1) else {
        return false;
    };
    model
        .global_calls(&["clearTimeout", "clearInterval"])
        .any(|(_, c)| model.is_within(c.func, *g))
}

impl Rule for NoLeakedListener {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        let model = ctx.model;
        // The file's removal calls, listed when a registration first gets as far as asking (in
        // most files none does): otherwise a pass over every call of every file.
        let removals = OnceCell::new();
        let removals =
            || -> &Vec<&Call> { removals.get_or_init(|| model.listener_removal_calls().collect()) };
        scope_lost_after_await(ctx, out);
        stopped_before_assigned(ctx, out);
        pinned_by_callee(ctx, out);
        forgotten_releases(ctx, out);
        shared_listeners(ctx, out);
        for (call_id, call) in model.calls.iter().enumerate() {
            if let Some(leftover) =
                handle::leftover(model, crate::semantic::CallId::from_index(call_id))
            {
                if let Some(d) = leftover_finding(ctx, call, &leftover) {
                    out.push(d);
                }
                continue;
            }
            if let Some(source) = dropped_subscription(model, call_id, call) {
                let freq = model.frequency_of(call.func);
                let per_instance = freq.is_once_per_instance()
                    && model
                        .this_class(call.func)
                        .is_some_and(|c| model.may_have_many_instances(c));
                // Behind a run-once flag, even one per instance: a component's or service's
                // one-time wiring.
                let confidence =
                    if freq == &Frequency::Once || model.run_once_guard(call.func).is_some() {
                        None
                    } else if per_instance || freq.is_strongly_repeated() {
                        Some(Confidence::Medium)
                    } else {
                        Some(Confidence::Low)
                    };
                if let Some(confidence) = confidence {
                    out.push(subscription_finding(ctx, call, &source, confidence));
                }
                continue;
            }
            let Some(method) = call.method() else {
                continue;
            };
            // `socket.setTimeout(ms, cb)` adds `cb` as a 'timeout' listener.
            let set_timeout = method == api::SET_TIMEOUT_METHOD
                && call.callee.as_ref().is_some_and(|c| !c.props.is_empty())
                && call
                    .receiver()
                    .is_some_and(|r| is_request_socket(model, &r))
                && matches!(call.arg(1), Some(Value::Func(_) | Value::Path(_)));
            if !(ADD.contains(&method.as_str()) || set_timeout)
                || call.args.len() < 2
                || call.is_new
            {
                continue;
            }
            // Listening for listeners being added or removed is wiring, done once per emitter.
            if matches!(
                call.arg(0).and_then(|v| v.as_str()),
                Some("newListener" | "removeListener")
            ) {
                continue;
            }
            if !matches!(
                call.arg(1),
                Some(Value::Func(_) | Value::Path(_) | Value::Call(_))
            ) {
                continue;
            }
            // A bare `addEventListener(…)` is `window.addEventListener(…)`.
            let receiver = match call.receiver() {
                Some(r) => r,
                None if model
                    .is_global_function(call.callee.as_ref().unwrap(), &["addEventListener"]) =>
                {
                    Path {
                        root: Root::Global("window".into()),
                        props: Default::default(),
                    }
                }
                None => continue,
            };
            // Behind a mark on the owner itself (`if (!socket[kHooked]) { socket.on(…);
            // socket[kHooked] = true }`): one listener per owner, however often the code runs.
            if marked_on_owner(model, call, &receiver) {
                continue;
            }
            // Registration behind a run-once flag (`if (subscribed) return; subscribed = true`)
            // happens once, whoever calls; behind an instance's flag (`if (this.subscribed)
            // return; this.subscribed = true`), once per instance.
            let guarded;
            let freq = match model.run_once_guard(call.func) {
                Some(RunOnce::PerProcess) => continue,
                Some(RunOnce::PerInstance(c))
                    if model.frequency_of(call.func) != &Frequency::Once =>
                {
                    guarded = Frequency::Repeated(Repeat::Instance(c));
                    &guarded
                }
                _ => model.frequency_of(call.func),
            };
            let owner = model.owner_of(&receiver);
            if let Some(detach) = incomplete_detach(model, removals(), call, &receiver) {
                out.push(incomplete_detach_finding(ctx, call, &receiver, detach));
                continue;
            }
            if owner == Owner::Unknown {
                if let Some(teardown) = teardown_forgets(model, removals(), call, &receiver) {
                    out.push(teardown_forgets_finding(
                        ctx,
                        call,
                        &receiver,
                        teardown,
                        Confidence::Medium,
                    ));
                    continue;
                }
            }
            // A wrapper that registers on the object it wraps and gives it back to its pool.
            if let Some(wrapper) = released_wrapper(model, removals(), call, &receiver, owner) {
                out.push(released_wrapper_finding(ctx, call, &receiver, &wrapper));
                continue;
            }
            // A helper that registers on its parameter, called from repeated code with an owner
            // that outlives those calls (`catchUpgrade(req.connection.server)` per request).
            if let Owner::Param(d, b) = owner {
                if receiver.props.is_empty() && !is_removed(model, &receiver, call) {
                    if let Some(site) = long_lived_argument(model, d, b) {
                        out.push(helper_finding(ctx, call, &receiver, site));
                        continue;
                    }
                }
            }
            let special = if api::is_abort_signal_listener(&receiver, call.arg(0))
                && handed_in(model, &receiver, 0)
            {
                Some(Special::CallerSignal)
            } else if (is_request_socket(model, &receiver)
                || field_request_socket(model, call, &receiver))
                && !connecting_socket_once(model, call, &receiver)
            {
                Some(Special::PooledSocket)
            } else if is_pooled_client(model, &receiver) {
                Some(Special::PooledClient)
            } else {
                None
            };
            if let Some(special) = special {
                // Removed, but only on some of the ways the work ends: every call that ends
                // another way leaves its listener.
                if freq != &Frequency::Once && !tracked_per_owner(model, call, &receiver) {
                    let releases: Vec<_> = cleanup::removals_of(model, &receiver, call)
                        .iter()
                        .map(|r| r.func)
                        .collect();
                    if let Some(partial) =
                        cleanup::released_on_some_completions(model, call.func, &releases)
                    {
                        out.push(partial_release_finding(ctx, call, &receiver, &partial));
                        continue;
                    }
                }
                if freq == &Frequency::Once
                    || special == Special::CallerSignal && stops_timer(model, call)
                    || tracked_per_owner(model, call, &receiver)
                    // A handler that removes itself is `{ once: true }` by hand: on a caller's
                    // signal, no release either.
                    || is_removed(model, &receiver, call)
                        && !(special == Special::CallerSignal
                            && cleanup::removed_only_by_itself(model, &receiver, call))
                    || special != Special::CallerSignal && self_removing_options(call)
                    // `{ once: true }` does not help on a signal that never aborts; `{ signal }`
                    // of a controller of this call's own does.
                    || special == Special::CallerSignal && signal_option(call)
                {
                    continue;
                }
                out.push(special_finding(ctx, call, &receiver, special, method));
                continue;
            }
            // Any other owner that was there before the work and stays after it (handed in,
            // not made by the work): removed on some of the ways the work ends only.
            if freq != &Frequency::Once
                && outlives_unit(model, &receiver, call.func)
                && handed_in(model, &receiver, 0)
                && !tracked_per_owner(model, call, &receiver)
            {
                let releases: Vec<_> = cleanup::removals_of(model, &receiver, call)
                    .iter()
                    .map(|r| r.func)
                    .collect();
                if let Some(partial) =
                    cleanup::released_on_some_completions(model, call.func, &releases)
                {
                    out.push(partial_release_finding(ctx, call, &receiver, &partial));
                    continue;
                }
            }
            if let Some(abandoned) = abandoned_outcome(model, call, &receiver) {
                if let Some(confidence) = per_call_confidence(model, abandoned.unit) {
                    let slip = mismatched_removal(model, call, &receiver);
                    let mut d = abandoned_finding(
                        ctx,
                        call,
                        &receiver,
                        &abandoned,
                        // The code meant to remove this listener and names the wrong handler:
                        // the listener stays whoever calls the function.
                        if slip.is_some() {
                            confidence.max(Confidence::Medium)
                        } else {
                            confidence
                        },
                    );
                    if let Some((span, handler)) = slip {
                        d = d.with_label(
                            span,
                            format!("this removes `{handler}`, which was never added for {}: the listener stays", event_text(call, "this event")),
                        );
                    }
                    out.push(d);
                    continue;
                }
            }
            if owner == Owner::Process
                && call.func != crate::semantic::MODULE
                && !is_removed(model, &receiver, call)
            {
                if let Some(confidence) = per_call_confidence(model, call.func) {
                    if let Some(early) = run_early(model, call, call_id) {
                        out.push(run_early_finding(ctx, call, &receiver, early, confidence));
                        continue;
                    }
                }
            }
            if owner == Owner::Process
                && call.func != crate::semantic::MODULE
                && !self_removing_options(call)
                && !is_removed(model, &receiver, call)
            {
                if let Some(teardown) = disposable_holder(model, call) {
                    out.push(disposable_finding(ctx, call, &receiver, teardown));
                    continue;
                }
            }
            let (confidence, reason_func) = match owner {
                Owner::Process => match confidence_for(freq, Confidence::High) {
                    Some(c) => (c, call.func),
                    None => continue,
                },
                // A member the same run has just set to a new object (`if (!p.stream) { p.stream
                // = new Stream(); p.stream.on(…) }`): the listener is on that new object, one per
                // object, however often the code runs.
                Owner::Request(_) | Owner::Connection(_) | Owner::Local(_)
                    if constructed_just_before(model, call, &receiver) =>
                {
                    continue;
                }
                Owner::Request(d) | Owner::Connection(d) | Owner::Local(d) => {
                    match model.repeats_between(call.func, d) {
                        // A short-lived object's listener added on one of its own events
                        // (`file.on('limit', () => file.on('readable', …))`): as many as that
                        // object emits the event in its short life, which for most events is
                        // once.
                        Some(f)
                            if matches!(owner, Owner::Local(_))
                                && listens_on(model, f, &receiver) =>
                        {
                            (Confidence::Low, f)
                        }
                        Some(f) => (Confidence::Medium, f),
                        None => continue,
                    }
                }
                Owner::Param(d, b) => {
                    let outer = model.frequency_of(d);
                    // A method's parameter is the object the call is about (`addClient(socket)`,
                    // `handleConnection(client)` run once per socket): the instance's callers
                    // decide how often the same object comes back, and this file does not show it.
                    if outer.is_per_instance() {
                        continue;
                    }
                    let setup = call
                        .arg(0)
                        .and_then(|v| v.as_str())
                        .is_some_and(|e| SETUP_EVENTS.contains(&e));
                    if !outer.is_repeated()
                        || consumed_here(model, d, b)
                        || !shared_looking_param(model, b)
                        || setup
                        || !captures_per_call_state(model, call, d, Captured::Locals)
                    {
                        continue;
                    }
                    (Confidence::Medium, d)
                }
                Owner::Unknown => continue,
            };
            let once = is_once_method(call);
            // A `once` listener on anything but a process-lifetime owner goes away with its owner
            // or when the event fires; only a never-firing event on a global piles up.
            if once && !matches!(owner, Owner::Process) {
                continue;
            }
            if self_removing_options(call) || is_removed(model, &receiver, call) {
                continue;
            }
            let lifecycle = call
                .arg(0)
                .and_then(|v| v.as_str())
                .is_some_and(|e| LIFECYCLE_EVENTS.contains(&e));
            // Code that is merely exported: only a handler holding per-call state (the request,
            // a local) makes each call's registration costly; others are usually one-time wiring.
            // Per-instance code whose handler holds the instance: every instance stays reachable
            // from the owner after its user is done with it.
            // (Once per instance: a method's registrations per call are judged like an exported
            // function's.)
            let holds_instance = freq.is_once_per_instance()
                && handler_holds_instance(model, call, call.func)
                && model
                    .this_class(call.func)
                    .is_some_and(|c| model.may_have_many_instances(c));
            let weak_without_state = matches!(owner, Owner::Process)
                && !freq.is_strongly_repeated()
                && !holds_instance
                && !captures_per_call_state(model, call, call.func, Captured::Params);
            let lifecycle_once = lifecycle && !freq.is_strongly_repeated() && !holds_instance;
            let confidence = if once && !holds_instance || weak_without_state || lifecycle_once {
                Confidence::Low
            } else {
                confidence
            };
            let event = event_text(call, "an event");
            let owner_text = receiver.display(model).to_string();
            let owner_kind = match owner {
                Owner::Process => "long-lived",
                Owner::Param(..) => "caller-owned",
                Owner::Connection(_) => "connection-scoped",
                _ => "outer",
            };
            let reason_freq = if reason_func == call.func {
                freq
            } else {
                model.frequency_of(reason_func)
            };
            let (often, registration) = how_often(model, reason_freq);
            let mut d = ctx.report(call.callee_span,
                format!("listener for {event} is added to {owner_kind} `{owner_text}` {often} and never removed"),
            )
            .with_confidence(confidence);
            if let Some(hspan) = call.arg_spans.get(1) {
                d = d.with_label(*hspan, format!("this handler, and everything it captures, stays reachable from `{owner_text}`"));
            }
            d = d.with_repetition_sites(registration);
            let help = if once {
                format!("a `{method}` listener stays registered until {event} fires; remove it with `{owner_text}.off(…)` when the work ends")
            } else if method == "addEventListener" {
                format!("pass `{{ signal }}` from an AbortController you abort when the work ends, or call `{owner_text}.removeEventListener({event}, handler)` with the same handler")
            } else if freq != &Frequency::Once && matches!(owner, Owner::Process) {
                format!("keep the handler in a variable and call `{owner_text}.off({event}, handler)` when the request or call ends (e.g. on `res.on('close')`), or use `once`")
            } else {
                format!("call `{owner_text}.off({event}, handler)` with the same handler when the work ends")
            };
            out.push(d.with_help(help));
        }
    }
}

/// The finding for a registration on an owner an API model says outlives the work that adds it.
fn special_finding(
    ctx: &RuleContext<'_>,
    call: &Call,
    receiver: &Path,
    special: Special,
    method: &swc_atoms::Atom,
) -> Diagnostic {
    let model = ctx.model;
    let owner_text = receiver.display(model).to_string();
    let (often, registration) = how_often(model, model.frequency_of(call.func));
    let (message, help) = match special {
        Special::CallerSignal => (
            format!("'abort' listener is added to the caller's signal `{owner_text}` {often} and never removed: a signal shared by many calls keeps every listener, and what it captures, until it aborts"),
            format!("remove it when the work settles (`{owner_text}.removeEventListener('abort', onAbort)` in a `finally`), or use `events.addAbortListener` and dispose of what it returns; `{{ once: true }}` is not enough for a signal that never aborts"),
        ),
        Special::PooledClient => {
            let event = event_text(call, "an event");
            (
                format!("listener for {event} is added to the pooled client `{owner_text}` {often} and never removed: released back to its pool, the client serves the next checkouts and keeps every listener, and what it captures"),
                format!("keep the handler and remove it before releasing the client (`{owner_text}.removeListener({event}, handler)`), or add the listener once per client, where the pool makes it"),
            )
        }
        Special::PooledSocket => {
            let event = call
                .arg(0)
                .and_then(|v| v.as_str())
                .filter(|_| method != api::SET_TIMEOUT_METHOD)
                .unwrap_or("timeout");
            (
                format!("listener for '{event}' is added to the request's socket `{owner_text}` {often} and never removed: a kept-alive or pooled socket serves many requests and keeps every listener"),
                format!("remove the listener when the request ends (`{owner_text}.removeListener('{event}', handler)` on the request's 'close'), or register it once per socket"),
            )
        }
    };
    let mut d = ctx
        .report(call.callee_span, message)
        .with_confidence(Confidence::Medium);
    let handler = if method == api::SET_TIMEOUT_METHOD {
        call.arg_spans.last()
    } else {
        call.arg_spans.get(1)
    };
    if let Some(hspan) = handler {
        d = d.with_label(
            *hspan,
            format!(
                "this handler, and everything it captures, stays reachable from `{owner_text}`"
            ),
        );
    }
    d = d.with_repetition_sites(registration);
    d.with_help(help)
}

/// The finding for a listener removed on some of the ways its work ends only
/// ([`cleanup::released_on_some_completions`]).
fn partial_release_finding(
    ctx: &RuleContext<'_>,
    call: &Call,
    receiver: &Path,
    partial: &cleanup::PartialRelease,
) -> Diagnostic {
    let model = ctx.model;
    let owner = receiver.display(model).to_string();
    let event = event_text(call, "an event");
    let missing = &partial.missing_event;
    let (often, registration) = how_often(model, model.frequency_of(call.func));
    let mut d = ctx
        .report(
            call.callee_span,
            format!("listener for {event} is added to `{owner}` {often} and removed only on some of the ways the work ends: each call that ends by '{missing}' leaves its listener, and what it captures, on `{owner}`"),
        )
        .with_confidence(Confidence::Medium)
        .with_label(partial.releasing, "this outcome removes the listener")
        .with_label(partial.missing, format!("the work can end here ('{missing}'), and nothing then removes the listener"));
    d = d.with_repetition_sites(registration);
    d.with_help("remove the listener on every outcome: call the same cleanup from each completion handler, or in a `finally` after the work settles")
}

/// Whether function `f` runs as an effect that runs once per mount (`useEffect(fn, [])`,
/// `onMounted(fn)`: [`frequency::runs_once_per_mount`]): it is repeated per mount, but not on the
/// same mounted element.
fn mount_only_effect(model: &SemanticModel, f: FuncId) -> bool {
    matches!(model.frequency_of(f), Frequency::Repeated(r) if matches!(r.origin(), Repeat::Effect(c)
        if frequency::runs_once_per_mount(model, &model.calls[c.index()])))
}

/// How sure the finding for an observer or a watcher nothing releases ([`handle::leftover`]) is,
/// and the class teardown that forgets it, if that is the reason: `None` when the code that makes
/// it runs once.
///
/// - An instance field of a class that may have many instances, whose teardown (`destroy()`,
///   `disconnectedCallback()`, …) does not release it: `medium`.
/// - Code that runs strongly repeatedly: a watcher is `high` per request, connection or tick
///   (its open handle keeps it until it is closed), `medium` per event or effect run (some
///   events fire once: `'ready'`, `'listening'`); an observer is `medium` when what it observes outlives that code (a page-lived
///   element, the performance timeline) or is the same element on every run (an effect with
///   dependencies, a listener), `low` when it observes an object made by that code or the
///   mounted element of an effect that runs once per mount (they go together).
/// - Otherwise (exported functions, methods, instances without a teardown): `low`.
fn leftover_confidence(
    model: &SemanticModel,
    call: &Call,
    leftover: &Leftover,
) -> Option<(Confidence, Option<FuncId>)> {
    let f = call.func;
    let freq = model.frequency_of(f);
    if freq == &Frequency::Once || model.runs_once_behind_flag(f) {
        return None;
    }
    if let Unreleased::Field(c, _) = &leftover.fate {
        if model.may_have_many_instances(*c) {
            if let Some(&teardown) = model.teardown_methods(*c).first() {
                return Some((Confidence::Medium, Some(teardown)));
            }
        }
    }
    if !freq.is_strongly_repeated() {
        return Some((Confidence::Low, None));
    }
    let confidence = match leftover.what {
        api::Releasable::Observer(_) | api::Releasable::ProtocolObserver => {
            let long_lived = handle::observes_long_lived(model, leftover.what, leftover.observe);
            let goes_with_it = leftover
                .observe
                .is_some_and(|o| handle::observes_own_object(model, o, f))
                || mount_only_effect(model, f);
            if long_lived || !goes_with_it {
                Confidence::Medium
            } else {
                Confidence::Low
            }
        }
        // Per request, connection or tick: certain. A listener's event may fire once ('ready',
        // 'listening'), an effect may mount once.
        _ => match freq {
            Frequency::Repeated(r)
                if matches!(
                    r.origin(),
                    Repeat::Request(_) | Repeat::Connection(_) | Repeat::Interval(_)
                ) =>
            {
                Confidence::High
            }
            _ => Confidence::Medium,
        },
    };
    Some((confidence, None))
}

/// The finding for an observer or a watcher nothing releases ([`handle::leftover`]), or `None`
/// when the code that makes it runs once.
fn leftover_finding(ctx: &RuleContext<'_>, call: &Call, leftover: &Leftover) -> Option<Diagnostic> {
    let model = ctx.model;
    let (confidence, teardown) = leftover_confidence(model, call, leftover)?;
    // An observer known by its protocol only is named by its constructor as written.
    let api = match (leftover.what, call.callee.as_ref()) {
        (api::Releasable::ProtocolObserver, Some(c)) => c.display(model).to_string(),
        _ => leftover.what.api().to_string(),
    };
    let (often, registration) = how_often(model, model.frequency_of(call.func));
    let teardown_name = teardown
        .map_or("teardown", |t| model.teardown_name(t))
        .to_string();
    let held = match &leftover.fate {
        Unreleased::Kept(p) => Some(format!("`{}`", p.display(model))),
        Unreleased::Field(_, field) => Some(format!("`this.{field}`")),
        _ => None,
    };
    let (message, help) = match leftover.what {
        api::Releasable::Observer(_) | api::Releasable::ProtocolObserver => {
            let page = matches!(leftover.what, api::Releasable::Observer(name) if api::PAGE_OBSERVERS.contains(&name));
            let target = if page {
                "the performance timeline".to_string()
            } else {
                leftover
                    .observe
                    .and_then(|o| match model.calls[o.index()].arg(0) {
                        Some(Value::Path(p)) => Some(format!("`{}`", p.display(model))),
                        _ => None,
                    })
                    .unwrap_or_else(|| "what it observes".into())
            };
            let message = match (&leftover.fate, teardown) {
                (Unreleased::Dropped, _) => format!("`{api}` is created {often} and dropped once it observes: nothing can disconnect it, so {target} keeps the observer, its callback and everything the callback captures"),
                (_, Some(_)) => format!("`{api}` is created {often} into {}, which `{teardown_name}()` never disconnects: after `{teardown_name}()` {target} still keeps the observer, its callback and the instance it captures", held.as_deref().unwrap_or_default()),
                _ => format!("`{api}` is created {often} and never disconnected: {target} keeps the observer, its callback and everything the callback captures"),
            };
            // Say why an unnamed constructor is taken for an observer.
            let protocol = if leftover.what == api::Releasable::ProtocolObserver {
                format!(" (`{api}` is made with a callback and then observes a target: an observer by the DOM's observer protocol)")
            } else {
                String::new()
            };
            let help = match teardown {
                Some(_) => format!("keep the observer and call `disconnect()` on it in `{teardown_name}()`{protocol}"),
                None => format!("keep the observer and call `disconnect()` when the work ends: in the effect's cleanup (`return () => observer.disconnect()`), in the component's teardown, or `unobserve(target)` when the target goes{protocol}"),
            };
            (message, help)
        }
        api::Releasable::FsWatchFile => (
            format!("`{api}` is started {often} and nothing calls `fs.unwatchFile`: each call leaves a listener on the file's stat watcher, which keeps polling and keeps the listener, and everything it captures, until the process exits"),
            "call `fs.unwatchFile(file, listener)` when the work ends, or watch the file once at start-up".to_string(),
        ),
        _ => {
            let message = match (&leftover.fate, teardown) {
                (Unreleased::Dropped, _) => format!("`{api}` is started {often} and its watcher is dropped: nothing can close it, so it keeps watching, with its listeners and everything they capture, until the process exits"),
                (_, Some(_)) => format!("`{api}` is started {often} into {}, which `{teardown_name}()` never closes: every instance that is shut down keeps watching, with its listeners and the instance they hold", held.as_deref().unwrap_or_default()),
                _ => format!("`{api}` is started {often} and the watcher in {} is never closed: it keeps watching, with its listeners and everything they capture, until the process exits", held.as_deref().unwrap_or_default()),
            };
            let help = match teardown {
                Some(_) => format!("close the watcher in `{teardown_name}()` (`{}.close()`)", held.as_deref().map(|h| h.trim_matches('`')).unwrap_or("watcher")),
                None => "keep the watcher and call `watcher.close()` when the work ends (on the request's 'close', in the object's `close()`), or pass `{ signal }` and abort it".to_string(),
            };
            (message, help)
        }
    };
    let mut d = ctx
        .report(call.callee_span, message)
        .with_confidence(confidence);
    if let Some(o) = leftover.observe {
        d = d.with_label(
            model.calls[o.index()].callee_span,
            "observes here, and nothing disconnects it",
        );
    }
    if let Some(t) = teardown {
        d = d.with_label(
            model.function(t).span,
            format!(
                "`{teardown_name}()` ends the instance but leaves the {}",
                if leftover.what.is_observer() {
                    "observer"
                } else {
                    "watcher"
                }
            ),
        );
    }
    d = d.with_repetition_sites(registration);
    Some(d.with_help(help))
}

/// Owners whose teardown forgets to release a listener an instance they keep holds on a
/// process-lived object ([`crate::semantic::held`]): reported at the call that makes the instance
/// add it (`this.crashes.handle()`), with the registration and the teardown as labels.
fn forgotten_releases(ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
    use crate::semantic::held::HeldIn;
    let model = ctx.model;
    for f in model.forgotten_releases() {
        let call = &model.calls[f.subscribe.index()];
        let field = &f.field;
        let adder = call.method().map(|m| m.to_string()).unwrap_or_default();
        let remove = f.held.removes[0].as_str();
        let teardown = model.teardown_name(f.teardown);
        let owner = &f.held.owner;
        let event = f
            .held
            .event
            .as_deref()
            .map_or_else(|| "an event".to_string(), |e| format!("'{e}'"));
        let class = model
            .class(f.owner)
            .name
            .as_deref()
            .map_or_else(|| "instance".to_string(), |n| format!("`{n}`"));
        let mut d = ctx
            .report(
                call.callee_span,
                format!("`this.{field}.{adder}()` makes `this.{field}` add a listener for {event} to `{owner}` that only its `{remove}()` removes, but `{teardown}()` never calls `this.{field}.{remove}()`: every torn-down {class} stays reachable from `{owner}`"),
            )
            .with_confidence(Confidence::Medium)
            .with_label(
                model.function(f.teardown).span,
                format!("`{teardown}()` tears the instance down without `this.{field}.{remove}()`"),
            )
            .with_help(format!("call `this.{field}.{remove}()` in `{teardown}()`"));
        let added = format!("the listener is added to `{owner}` here and kept until `{remove}()`");
        d = match f.held_in {
            HeldIn::ThisModule => d.with_label(f.held.span, added),
            HeldIn::Module(path, range) => d.with_elsewhere(crate::diagnostic::ElsewhereLabel {
                path,
                range,
                message: added,
            }),
        };
        out.push(d);
    }
}

/// The calls, in code that runs more than once, that hand their own caller's signal to a
/// function of another module that adds an `'abort'` listener to it which only the signal's
/// firing removes, and returns no way to remove it sooner ([`crate::semantic::pinned`]): each
/// call leaves a listener on the caller's signal, and a signal reused by many calls and never
/// aborted keeps them all. Reported at the call, with the registration as a label.
fn pinned_by_callee(ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
    let model = ctx.model;
    for (id, pinned, arg) in model.pinned_calls() {
        let call = &model.calls[id.index()];
        let freq = model.frequency_of(call.func);
        if freq == &Frequency::Once || model.run_once_guard(call.func).is_some() {
            continue;
        }
        let (often, registration) = how_often(model, freq);
        let function = &pinned.function;
        let signal = arg.display(model).to_string();
        let mut d = ctx
            .report(
                call.callee_span,
                format!("`{function}()` is called {often} and adds an 'abort' listener to the caller's signal `{signal}` that only the signal's firing removes, with no way to remove it sooner: a signal shared by many calls keeps every listener, and what it captures, until it aborts"),
            )
            .with_confidence(Confidence::Medium)
            .with_repetition_sites(registration)
            .with_elsewhere(crate::diagnostic::ElsewhereLabel {
                path: pinned.file.clone(),
                range: pinned.at,
                message: format!("`{function}()` adds the listener here; only the signal's firing removes it"),
            });
        if let Some(span) = call.arg_spans.get(pinned.param as usize) {
            d = d.with_label(
                *span,
                format!("`{signal}` comes from this function's caller and may outlive the call"),
            );
        }
        out.push(d.with_help(format!("make `{function}()` return a function that removes the listener, and call it when the work ends (in a `finally`)")));
    }
}

/// Listeners an instance adds to an object its caller may share and its teardown never removes
/// ([`crate::semantic::shared`]): reported at the registration, with where the caller's object
/// comes in, where the instance may make its own instead, and the teardown as labels.
fn shared_listeners(ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
    let model = ctx.model;
    for s in model.shared_listeners() {
        let call = &model.calls[s.call.index()];
        let receiver = call
            .receiver()
            .map(|r| r.display(model).to_string())
            .unwrap_or_default();
        let method = call.method().map(|m| m.to_string()).unwrap_or_default();
        let event = call
            .arg(0)
            .and_then(Value::as_str)
            .map_or_else(|| "an event".to_string(), |e| format!("'{e}'"));
        let teardown = model.teardown_name(s.teardown);
        let class = model
            .class(s.class)
            .name
            .as_deref()
            .map_or_else(|| "instance".to_string(), |n| format!("`{n}`"));
        let d = ctx
            .report(
                call.callee_span,
                format!("`{receiver}.{method}({event}, …)` adds a listener that keeps this {class} to an object that may be its caller's, shared with other instances, and `{teardown}()` never removes it: every torn-down {class} stays reachable from the shared object"),
            )
            .with_confidence(Confidence::Medium)
            .with_label(s.given, "the caller's object comes in here")
            .with_label(
                s.made,
                if s.passed.is_some() {
                    "…and this call gives it back unchanged on one path, a new object on another: the listener goes on either"
                } else {
                    "…or the instance makes its own here: the listener goes on either"
                },
            )
            .with_label(
                model.function(s.teardown).span,
                format!("`{teardown}()` never removes the listener"),
            )
            .with_help(format!("keep the handler in a field and remove it from the object in `{teardown}()` (at least when the object was the caller's)"));
        out.push(d);
    }
}

/// A wrapper class whose instances register a listener on an object handed to them and give that
/// object back to its pool without removing it ([`released_wrapper`]).
struct ReleasedWrapper {
    /// The wrapper class.
    class: crate::semantic::ClassId,
    /// The `this.<field>.release(…)` call in one of its methods that gives the object back.
    release: crate::semantic::CallId,
    /// The call of the registering helper from the wrapper's constructor, when a helper
    /// registers (`forward(conn, this)`); `None` when the constructor registers itself.
    site: Option<crate::semantic::CallId>,
}

/// For a registration on `receiver` (whose owner is `owner`): the wrapper class that makes it.
/// The listener goes on a parameter of the class's constructor, directly or through a plain
/// helper the constructor calls with that parameter; the constructor keeps the object in an
/// instance field, and a method of the class gives it back to its pool
/// (`this.conn.release()`, [`api::POOL_RELEASE_METHOD`]) while nothing in the file removes a
/// listener from it. A released object serves the next checkout, which wraps it anew: it keeps
/// the listeners of every wrapper it was ever given to, and each dead wrapper their handlers
/// hold. A wrapper that ends the object instead (`this.socket.end()`) is not one: the listeners
/// go with it.
fn released_wrapper(
    model: &SemanticModel,
    removals: &[&Call],
    call: &Call,
    receiver: &Path,
    owner: Owner,
) -> Option<ReleasedWrapper> {
    let Owner::Param(d, b) = owner else {
        return None;
    };
    if !receiver.props.is_empty() || self_removing_options(call) {
        return None;
    }
    let (ctor, param, site) = wrapped_param(model, d, b)?;
    let class = model.class_of_function(ctor)?;
    if !model.may_have_many_instances(class) {
        return None;
    }
    let fields = fields_holding(model, ctor, class, param);
    if fields.is_empty()
        || is_removed(model, receiver, call)
        || removes_from_wrapped(model, removals, class, &fields, &[b, param])
    {
        return None;
    }
    let release = release_of_field(model, class, &fields)?;
    Some(ReleasedWrapper {
        class,
        release,
        site,
    })
}

/// The constructor and its parameter that parameter `b` of function `d` stands for: `b` itself
/// when `d` is a constructor, or, when `d` is a plain function (not a method), the constructor
/// parameter a constructor hands it for `b` (`forward(conn, this)` in `function Wrapped(conn)`),
/// with that call.
fn wrapped_param(
    model: &SemanticModel,
    d: FuncId,
    b: crate::semantic::BindingId,
) -> Option<(
    FuncId,
    crate::semantic::BindingId,
    Option<crate::semantic::CallId>,
)> {
    if model.is_constructor(d) {
        return Some((d, b, None));
    }
    if model.function(d).class.is_some() {
        return None;
    }
    let index = model.function(d).params.iter().position(|&p| p == b)?;
    crate::semantic::flow::callers_of(model, d)
        .into_iter()
        .find_map(|id| {
            let site = &model.calls[id.index()];
            if site.is_new || !model.is_constructor(site.func) {
                return None;
            }
            let Some(Value::Path(arg)) = site.arg(index) else {
                return None;
            };
            let p = arg.as_binding()?;
            let binding = model.binding(p);
            (binding.kind == BindingKind::Param && binding.func == site.func).then_some((
                site.func,
                p,
                Some(id),
            ))
        })
}

/// The instance fields of class `c` that its constructor `ctor` sets to its parameter `param`
/// (`this.conn = conn`).
fn fields_holding(
    model: &SemanticModel,
    ctor: FuncId,
    c: crate::semantic::ClassId,
    param: crate::semantic::BindingId,
) -> Vec<swc_atoms::Atom> {
    model
        .assigns
        .iter()
        .filter(|a| a.func == ctor)
        .filter_map(|a| match (&a.target, &a.value) {
            (crate::semantic::Target::Path(t), Value::Path(v))
                if t.props.len() == 1
                    && v.as_binding() == Some(param)
                    && model.class_of_root(t, a.func) == Some(c) =>
            {
                Some(t.props[0].clone())
            }
            _ => None,
        })
        .collect()
}

/// Whether one of `removals` takes a listener off the wrapped object: through one of class `c`'s
/// `fields` (`this.conn.removeListener(…)`) or through one of `params` (the constructor's, or the
/// registering helper's, `source.removeListener(…)`). A wrapper that removes any is left to the
/// rule's other checks.
fn removes_from_wrapped(
    model: &SemanticModel,
    removals: &[&Call],
    c: crate::semantic::ClassId,
    fields: &[swc_atoms::Atom],
    params: &[crate::semantic::BindingId],
) -> bool {
    removals.iter().any(|r| {
        r.receiver().is_some_and(|rr| {
            rr.as_binding().is_some_and(|p| params.contains(&p))
                || is_one_of_fields(model, &rr, r.func, c, fields)
        })
    })
}

/// Whether `path`, used in function `f`, is exactly one of class `c`'s instance `fields`
/// (`this.conn`, not `this.conn.socket`).
fn is_one_of_fields(
    model: &SemanticModel,
    path: &Path,
    f: FuncId,
    c: crate::semantic::ClassId,
    fields: &[swc_atoms::Atom],
) -> bool {
    matches!(path.props.as_slice(), [x] if fields.contains(x))
        && model.class_of_root(path, f) == Some(c)
}

/// The call in a method of class `c` (not its constructor) that gives the object held in one of
/// `fields` back to its pool: `this.conn.release(…)` ([`api::POOL_RELEASE_METHOD`]).
fn release_of_field(
    model: &SemanticModel,
    c: crate::semantic::ClassId,
    fields: &[swc_atoms::Atom],
) -> Option<crate::semantic::CallId> {
    model.calls.iter().enumerate().find_map(|(i, r)| {
        let released = r.method().is_some_and(|m| m == api::POOL_RELEASE_METHOD)
            && !r.is_new
            && r.receiver()
                .is_some_and(|rr| is_one_of_fields(model, &rr, r.func, c, fields))
            && !model.is_constructor(r.func);
        released.then(|| crate::semantic::CallId::from_index(i))
    })
}

/// The finding for a wrapper that gives a pooled object back with its listeners on
/// ([`released_wrapper`]).
fn released_wrapper_finding(
    ctx: &RuleContext<'_>,
    call: &Call,
    receiver: &Path,
    wrapper: &ReleasedWrapper,
) -> Diagnostic {
    let model = ctx.model;
    let event = event_text(call, "an event");
    let owner = receiver.display(model).to_string();
    let class = model
        .class(wrapper.class)
        .name
        .as_deref()
        .unwrap_or("wrapper")
        .to_string();
    let release = &model.calls[wrapper.release.index()];
    let method = model.teardown_name(release.func);
    let mut d = ctx.report(call.callee_span,
        format!("listener for {event} is added to `{owner}`, the pooled object each `{class}` wraps, and never removed: `{class}.{method}()` gives it back to its pool, which hands it to the next wrapper, so it keeps the listener of every `{class}` it was given to, and what each captures"),
    )
    .with_confidence(Confidence::Medium)
    .with_label(release.callee_span, "gives the object back to its pool with the listener still on it");
    if let Some(site) = wrapper.site {
        d = d.with_label(
            model.calls[site.index()].callee_span,
            format!("called for every new `{class}`"),
        );
    }
    if let Some(h) = call.arg_spans.get(1) {
        d = d.with_label(*h, format!("this handler stays reachable from `{owner}`"));
    }
    d.with_help("keep the handlers and remove them before giving the object back, or register them once per pooled object, where the pool makes it")
}
