//! `no-large-closure-capture`: closures kept alive by a long-lived owner that capture a large
//! value or a request-scoped object from an enclosing function, and V8's shared-context chain
//! (rules/no-large-closure-capture.md).
//!
//! V8 allocates one context per function scope for all variables that any inner closure uses, and
//! every closure created in that scope points at it. So a closure that escapes keeps alive every
//! such variable, including ones only a sibling closure mentions. When one of them holds the
//! previous generation of an object the function replaces, each call links the new generation to
//! the old: an ever-growing chain (Meteor's 2013 "surprising JavaScript memory leak").

use super::{Rule, RuleContext, RuleMeta};
use crate::describe::how_often;
use crate::diagnostic::{ByteSpan, Confidence, Diagnostic, Severity};
use crate::semantic::cleanup::{has_cleanup, is_removed, lost_handle, self_removing_options};
use rustc_hash::FxHashMap;

use crate::semantic::{
    api, BindingId, BindingKind, CallId, Frequency, FuncId, FuncUse, Owner, Path, Root,
    SemanticModel, Target, Value, MODULE,
};

/// The rule.
pub struct NoLargeClosureCapture;

static META: RuleMeta = RuleMeta {
    name: "no-large-closure-capture",
    summary: "Long-lived closure that captures a large value or a request, or chains generations through a shared V8 context",
    default_severity: Severity::Error,
    doc: include_str!("../../rules/no-large-closure-capture.md"),
};

const REQUEST_NAMES: &[&str] = &[
    "req", "res", "request", "response", "ctx", "reply", "socket", "sock", "ws",
];
/// Calls whose results are typically large (rules/no-large-closure-capture.md).
const LARGE_CALLS: &[&str] = &[
    "readFileSync",
    "readFile",
    "parse",
    "json",
    "query",
    "randomBytes",
    "alloc",
    "allocUnsafe",
    "concat",
    "fetchAll",
    "findAll",
];

/// Functions created directly in `s` that `v` carries, including one returned by a function
/// expression that `s` calls on the spot (an IIFE: `x = function () { …; return function () {…} }()`,
/// the shape transpiled async functions take), whose context chain runs through `s`'s.
fn funcs_created_in(model: &SemanticModel, v: &Value, s: FuncId, out: &mut Vec<FuncId>) {
    match v {
        Value::Func(g) if model.function(*g).parent == Some(s) => out.push(*g),
        Value::Call(c) => {
            let call = &model.calls[c.index()];
            let Some(g) = call.callee_func else { return };
            if model.function(g).parent != Some(s) {
                return;
            }
            out.extend(
                model
                    .functions
                    .iter()
                    .enumerate()
                    .filter(|(_, h)| {
                        h.parent == Some(g) && h.uses.iter().any(|u| matches!(u, FuncUse::Escapes))
                    })
                    .map(|(h, _)| FuncId::from_index(h)),
            );
        }
        Value::Object(props) => props
            .iter()
            .for_each(|(_, v)| funcs_created_in(model, v, s, out)),
        Value::Array(items) => items
            .iter()
            .for_each(|v| funcs_created_in(model, v, s, out)),
        _ => {}
    }
}

/// Why the value of binding `b` is large, if it is.
fn large_value(model: &SemanticModel, b: BindingId) -> Option<String> {
    let Some(Value::Call(c)) = &model.binding(b).init else {
        return None;
    };
    let call = &model.calls[c.index()];
    let name = call
        .callee
        .as_ref()
        .and_then(|p| model.callee_name(p))?
        .to_string();
    let lower = name.to_ascii_lowercase();
    let large = LARGE_CALLS.contains(&name.as_str())
        || (lower.starts_with("load")
            && (lower.contains("config")
                || lower.contains("data")
                || lower.contains("file")
                || lower.contains("all")))
        || (call.is_new && name == "Array" && !call.args.is_empty());
    large.then(|| format!("the result of `{name}()`"))
}

/// A closure's long-lived holder: what keeps it, whether that holder is released, and where.
struct Sink {
    what: String,
    released: bool,
    repeated_in: FuncId,
    span: ByteSpan,
}

/// Every function value found in `v` (directly or in object and array literals).
fn funcs_in(v: &Value, out: &mut Vec<FuncId>) {
    match v {
        Value::Func(g) => out.push(*g),
        Value::Object(props) => props.iter().for_each(|(_, v)| funcs_in(v, out)),
        Value::Array(items) => items.iter().for_each(|v| funcs_in(v, out)),
        _ => {}
    }
}

/// Whether writing to `p` stores into something that lives for the process: a module-level
/// binding itself (even one re-assigned per call, which holds the latest closure) or a property of
/// a process-lifetime object.
fn long_lived_target(model: &SemanticModel, p: &Path) -> bool {
    let module_binding = p.props.is_empty()
        && p.root_binding()
            .is_some_and(|b| model.binding(b).module_level);
    module_binding || model.owner_of(p) == Owner::Process
}

/// The long-lived holders of every closure, found in one pass over calls and assignments.
fn all_sinks(model: &SemanticModel) -> FxHashMap<FuncId, Vec<Sink>> {
    let mut out: FxHashMap<FuncId, Vec<Sink>> = FxHashMap::default();
    let mut funcs = Vec::new();
    // Interval calls come in source order, like the calls: one look-ahead finds each in turn.
    let mut intervals = model
        .global_calls(&["setInterval"])
        .map(|(id, _)| id)
        .peekable();
    for (id, call) in model.calls.iter().enumerate() {
        if call.callee.is_none() {
            continue;
        }
        let held = |i: usize, funcs: &mut Vec<FuncId>| {
            funcs.clear();
            if let Some(v) = call.arg(i) {
                funcs_in(v, funcs);
            }
        };
        if intervals.next_if_eq(&(CallId::from_index(id))).is_some() {
            held(0, &mut funcs);
            for g in &funcs {
                out.entry(*g).or_default().push(Sink {
                    what: "an interval".into(),
                    released: lost_handle(model, call).is_none(),
                    repeated_in: call.func,
                    span: call.callee_span,
                });
            }
            continue;
        }
        let Some(method) = call.method().map(|m| m.as_str()) else {
            continue;
        };
        let listener = matches!(
            method,
            "on" | "addListener" | "prependListener" | "addEventListener"
        );
        let collection = matches!(method, "push" | "unshift" | "add" | "set");
        if !listener && !collection {
            continue;
        }
        let Some(receiver) = call.receiver() else {
            continue;
        };
        if listener {
            held(1, &mut funcs);
            if funcs.is_empty() || model.owner_of(&receiver) != Owner::Process {
                continue;
            }
            let released = self_removing_options(call) || is_removed(model, &receiver, call);
            for g in &funcs {
                out.entry(*g).or_default().push(Sink {
                    what: format!("a listener on long-lived `{}`", receiver.display(model)),
                    released,
                    repeated_in: call.func,
                    span: call.callee_span,
                });
            }
        } else {
            // A module-level collection: a binding that is not an instance of a class of its own
            // (whose `push` may consume what it is given, like a task queue).
            let module_collection = receiver.props.is_empty()
                && receiver.root_binding().is_some_and(|b| {
                    let binding = model.binding(b);
                    binding.module_level
                        && !matches!(&binding.init, Some(Value::Call(c)) if {
                            let init = &model.calls[c.index()];
                            init.is_new
                                && !init
                                    .callee
                                    .as_ref()
                                    .and_then(|p| model.callee_name(p))
                                    .is_some_and(|n| api::BUILTIN_COLLECTIONS.contains(&n.as_ref()))
                        })
                });
            if !module_collection {
                continue;
            }
            funcs.clear();
            call.args.iter().for_each(|v| funcs_in(v, &mut funcs));
            if funcs.is_empty() {
                continue;
            }
            let released = has_cleanup(model, &receiver);
            for g in &funcs {
                out.entry(*g).or_default().push(Sink {
                    what: format!("module-level `{}`", receiver.display(model)),
                    released,
                    repeated_in: call.func,
                    span: call.callee_span,
                });
            }
        }
    }
    for a in &model.assigns {
        let Target::Path(p) = &a.target else { continue };
        funcs.clear();
        funcs_in(&a.value, &mut funcs);
        if funcs.is_empty()
            || p.props.first().is_some_and(|x| x == "exports")
            || matches!(&p.root, Root::Global(g) if g == "module")
            || !long_lived_target(model, p)
        {
            continue;
        }
        for g in &funcs {
            out.entry(*g).or_default().push(Sink {
                what: format!("`{}`", p.display(model)),
                released: false,
                repeated_in: a.func,
                span: a.span,
            });
        }
    }
    out
}

impl NoLargeClosureCapture {
    /// The shared-context chain (A1): in function `s`, binding `x = O` (an outer binding) is used
    /// by a closure created in `s`, and `s` assigns to `O` a value carrying a closure created in `s`.
    fn chains(&self, ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        let model = ctx.model;
        for (xi, x) in model.bindings.iter().enumerate() {
            let s = x.func;
            if s == MODULE
                || !matches!(
                    x.kind,
                    BindingKind::Const | BindingKind::Let | BindingKind::Var
                )
            {
                continue;
            }
            // The previous value: `x = O`, or `x = O.bind(…)`, which holds `O` as its target.
            let outer_owned = match &x.init {
                Some(Value::Path(p)) => p.clone(),
                Some(Value::Call(c)) => {
                    let call = &model.calls[c.index()];
                    match &call.callee {
                        Some(callee)
                            if !call.is_new
                                && callee.props.len() >= 2
                                && callee.last().is_some_and(|m| m == api::BIND_METHOD) =>
                        {
                            callee.parent()
                        }
                        _ => continue,
                    }
                }
                _ => continue,
            };
            let outer_path = &outer_owned;
            let outer_ok = match &outer_path.root {
                Root::Binding(o) => model.binding(*o).func != s,
                Root::Global(_) => true,
                _ => false,
            };
            // Replacing a property of a shared object (wrapping a method) links generations only
            // when the wrapping function runs more than once: a one-time patch at start-up holds
            // one previous function, which is the point of wrapping it.
            // The object must also outlive one call: wrapping a method of an object made per call
            // (a query, a request) wraps each object once.
            let repeated = outer_path.props.is_empty() || {
                let freq = model.frequency_of(s);
                (freq.is_strongly_repeated() || freq.is_per_instance())
                    && !matches!(
                        model.owner_of(outer_path),
                        Owner::Local(_) | Owner::Request(_) | Owner::Connection(_)
                    )
            };
            if !outer_ok || !repeated {
                continue;
            }
            let xi = BindingId::from_index(xi);
            let in_closure = model
                .references_to(xi)
                .any(|r| r.func != s && model.is_within(r.func, s));
            if !in_closure {
                continue;
            }
            // `x = null` before returning breaks the link (only possible with `let`).
            let own = Path::binding(xi);
            let nulled = model.assigns_under(&own).any(|a| {
                matches!(&a.target, Target::Path(t) if t == &own)
                    && matches!(a.value, Value::OtherLiteral)
            });
            if nulled {
                continue;
            }
            let replacing = model.assigns_under(outer_path).find_map(|a| {
                let Target::Path(t) = &a.target else {
                    return None;
                };
                if a.func != s || t != outer_path {
                    return None;
                }
                let mut carried = Vec::new();
                funcs_created_in(model, &a.value, s, &mut carried);
                (!carried.is_empty()).then_some(a.span)
            });
            let Some(assign_span) = replacing else {
                continue;
            };
            let outer = outer_path.display(model).to_string();
            let fname = model
                .function(s)
                .name
                .as_deref()
                .unwrap_or("this function")
                .to_string();
            out.push(
                ctx.report(x.span,
                    format!("`{}` holds the previous `{outer}` and is used by a closure, so it lives in `{fname}`'s shared V8 context; the closure stored in the new `{outer}` keeps that context, so each call links every generation to the one before", x.name),
                )
                .with_confidence(Confidence::High)
                .with_label(assign_span, format!("the new `{outer}` carries a closure created here, which keeps the whole context alive"))
                .with_help(format!("declare it with `let` and set `{} = null` before `{fname}` returns, or move the closures that use it out of `{fname}`", x.name)),
            );
        }
    }

    fn captures(&self, ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        let model = ctx.model;
        let sinks = all_sinks(model);
        if sinks.is_empty() {
            return;
        }
        // Free variables of the held closures: walk each reference up from where it is made to
        // the scope that declares its binding; every held closure on the way captures it.
        let mut captured: Vec<(FuncId, BindingId, ByteSpan)> = Vec::new();
        let mut seen: rustc_hash::FxHashSet<(FuncId, BindingId)> = Default::default();
        for r in &model.references {
            let b = model.binding(r.binding);
            if b.func == MODULE || b.func_value.is_some() {
                continue;
            }
            let mut f = r.func;
            while f != b.func {
                if sinks.contains_key(&f) && seen.insert((f, r.binding)) {
                    captured.push((f, r.binding, r.span));
                }
                match model.function(f).parent {
                    Some(p) => f = p,
                    None => break,
                }
            }
        }
        for (g, x, span) in captured {
            if model.function(g).is_method {
                continue;
            }
            let Some(sink) = sinks[&g].iter().max_by_key(|s| !s.released) else {
                continue;
            };
            let b = model.binding(x);
            let request = b.kind == BindingKind::Param && REQUEST_NAMES.contains(&b.name.as_str());
            let large = large_value(model, x);
            let why = match (request, large) {
                (true, _) => format!("the request-scoped `{}`", b.name),
                (false, Some(l)) => format!("`{}`, {l}", b.name),
                _ => continue,
            };
            let freq = model.frequency_of(sink.repeated_in);
            let confidence = if sink.released || freq == &Frequency::Once {
                Confidence::Low
            } else if freq.is_strongly_repeated() {
                Confidence::High
            } else {
                Confidence::Medium
            };
            let (often, sites) = how_often(model, freq);
            let copy = if request {
                format!(
                    "copy out the fields you need (`const id = {}.…`) before creating the closure",
                    b.name
                )
            } else {
                format!("extract the few fields the closure needs from `{}` into their own variables and capture only those", b.name)
            };
            let created = if sink.released {
                String::new()
            } else {
                format!(" (created {often})")
            };
            out.push(
                ctx.report(
                    span,
                    format!(
                        "this closure captures {why}, and {} keeps the closure alive{created}",
                        sink.what
                    ),
                )
                .with_confidence(confidence)
                .with_label(b.span, "declared here")
                .with_label(sink.span, "the closure is kept alive here")
                .with_repetition_sites(sites.elsewhere_only())
                .with_help(copy)
                .retained_by(
                    sink.span,
                    span,
                    format!("the closure here captures {why}"),
                ),
            );
        }
    }
}

/// Whether bare binding `b` names an object that outlives the call that handles it: the socket a
/// client request is given (pooled by a keep-alive agent, see [`api::CLIENT_SOCKET_EVENT`]), or an
/// object made in a function that also stores it in a collection of the instance (`this.items`),
/// which then lives as long as the instance.
fn pooled(model: &SemanticModel, b: BindingId) -> bool {
    let binding = model.binding(b);
    if binding.kind == BindingKind::Param {
        return model.function(binding.func).uses.iter().any(|u| match u {
            FuncUse::Argument { call, index: 1 } => {
                let c = &model.calls[call.index()];
                c.method()
                    .is_some_and(|m| api::ADD_LISTENER_METHODS.contains(&m.as_str()))
                    && c.arg(0).and_then(Value::as_str) == Some(api::CLIENT_SOCKET_EVENT)
            }
            _ => false,
        });
    }
    let own = Path::binding(b);
    model.calls.iter().any(|c| {
        c.func == binding.func
            && c.method()
                .is_some_and(|m| api::STORE_METHODS.contains(&m.as_str()))
            && c.receiver()
                .is_some_and(|r| r.root == Root::This && !r.props.is_empty())
            && c.args
                .iter()
                .any(|a| matches!(a, Value::Path(p) if *p == own))
    })
}

impl NoLargeClosureCapture {
    /// The shared context of a listener on a pooled object: the listener is created inside a
    /// function that runs once per operation, and a sibling closure there calls a parameter (the
    /// caller's callback, a promise's `resolve`): V8 keeps both in one context, so the listener
    /// holds the caller's continuation, and all it closes over, for as long as the pooled object
    /// lives, although it never mentions it.
    fn pooled_listeners(&self, ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        let model = ctx.model;
        for call in &model.calls {
            if !call
                .method()
                .is_some_and(|m| api::ADD_LISTENER_METHODS.contains(&m.as_str()))
            {
                continue;
            }
            // The listener, written in place or through the binding that names it.
            let g = match call.arg(1) {
                Some(Value::Func(g)) => *g,
                Some(Value::Path(p)) if p.props.is_empty() => {
                    match p.root_binding().and_then(|b| model.binding(b).func_value) {
                        Some(g) => g,
                        None => continue,
                    }
                }
                _ => continue,
            };
            let f = model.function(g);
            let Some(parent) = f.parent.filter(|p| *p != MODULE) else {
                continue;
            };
            {
                let Some(receiver) = call.receiver() else {
                    continue;
                };
                let Some(rb) = receiver
                    .root_binding()
                    .filter(|_| receiver.props.is_empty())
                else {
                    continue;
                };
                // The listener is made once per call of the function that creates it.
                let freq = model.frequency_of(parent);
                if !(freq.is_strongly_repeated() || freq.is_per_instance()) || !pooled(model, rb) {
                    continue;
                }
                // Removed by code other than the listener itself (which runs only if the event
                // comes).
                let removed = model.calls.iter().any(|r| {
                    !model.is_within(r.func, g)
                        && r.method()
                            .is_some_and(|m| api::REMOVE_LISTENER_METHODS.contains(&m.as_str()))
                        && r.receiver().as_ref() == Some(&receiver)
                });
                if removed {
                    continue;
                }
                // A parameter of an enclosing function that a sibling closure calls.
                let mut a = Some(parent);
                let mut held = None;
                while let Some(scope) = a.filter(|s| *s != MODULE) {
                    held = model.function(scope).params.iter().copied().find(|&p| {
                        p != rb
                            && model.calls.iter().any(|c| {
                                c.callee.as_ref() == Some(&Path::binding(p))
                                    && c.func != scope
                                    && model.is_within(c.func, scope)
                                    && !model.is_within(c.func, g)
                            })
                    });
                    if held.is_some() {
                        break;
                    }
                    a = model.function(scope).parent;
                }
                let (Some(p), Some(scope)) = (held, a) else {
                    continue;
                };
                let b = model.binding(p);
                let fname = model
                    .function(scope)
                    .name
                    .as_deref()
                    .unwrap_or("the enclosing function")
                    .to_string();
                out.push(
                    ctx.report(call.callee_span, format!(
                        "this listener on `{}`, which outlives the call, is created inside `{fname}`, whose V8 context also holds `{}` because a sibling closure calls it; the listener keeps `{}` and everything it closes over alive for as long as `{}` lives",
                        receiver.display(model), b.name, b.name, receiver.display(model)))
                    .with_confidence(Confidence::Medium)
                    .with_label(f.span, "the listener, created in a context shared with the per-call callback")
                    .with_label(b.span, "per-call callback, declared here")
                    .with_help(format!("build the listener in a separate function (a factory at module level) that receives only what it needs, so it does not share `{fname}`'s context"))
                    .retained_by(call.callee_span, b.span, format!("`{}` is kept alive too: the listener shares its V8 context", b.name)),
                );
            }
        }
    }
}

impl Rule for NoLargeClosureCapture {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        self.chains(ctx, out);
        self.captures(ctx, out);
        self.pooled_listeners(ctx, out);
    }
}
