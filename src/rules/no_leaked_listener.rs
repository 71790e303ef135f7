//! `no-leaked-listener`: a listener added to an owner that outlives the code registering it, with
//! no removal of the same handler, no `{ once: true }`, no `{ signal }` and no `removeAllListeners`
//! (RULES.md §3.2).

use super::{Rule, RuleContext, RuleMeta};
use crate::describe::{confidence_for, how_often};
use crate::diagnostic::{Confidence, Diagnostic, Severity};
use crate::semantic::cleanup::{is_removed, self_removing_options};
use crate::semantic::{BindingKind, Call, Frequency, Owner, SemanticModel, Value};

/// The rule.
pub struct NoLeakedListener;

static META: RuleMeta = RuleMeta {
    name: "no-leaked-listener",
    summary:
        "Listener added to a longer-lived emitter on every request, event or call and never removed",
    default_severity: Severity::Error,
    doc: include_str!("../../rules/no-leaked-listener.md"),
};

const ADD: &[&str] = &[
    "on",
    "addListener",
    "prependListener",
    "addEventListener",
    "once",
    "prependOnceListener",
];
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

fn captures_per_call_state(model: &SemanticModel, call: &Call, d: u32, what: Captured) -> bool {
    let handler = match call.arg(1) {
        Some(Value::Func(g)) => *g,
        Some(Value::Path(p)) if p.props.is_empty() => {
            match p.root_binding().and_then(|b| model.binding(b).func_value) {
                Some(g) => g,
                None => return false,
            }
        }
        _ => return false,
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

fn shared_looking_param(model: &SemanticModel, b: u32) -> bool {
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

impl Rule for NoLeakedListener {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        let model = ctx.model;
        for call in &model.calls {
            let Some(method) = call.method() else {
                continue;
            };
            if !ADD.contains(&method.as_str()) || call.args.len() < 2 || call.is_new {
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
            let Some(receiver) = call.receiver() else {
                continue;
            };
            let owner = model.owner_of(&receiver);
            let freq = model.frequency_of(call.func);
            let (confidence, reason_func) = match owner {
                Owner::Process => match confidence_for(freq, Confidence::High) {
                    Some(c) => (c, call.func),
                    None => continue,
                },
                Owner::Request(d) | Owner::Connection(d) | Owner::Local(d) => {
                    match model.repeats_between(call.func, d) {
                        Some(f) => (Confidence::Medium, f),
                        None => continue,
                    }
                }
                Owner::Param(d, b) => {
                    let outer = model.frequency_of(d);
                    let setup = call
                        .arg(0)
                        .and_then(|v| v.as_str())
                        .is_some_and(|e| SETUP_EVENTS.contains(&e));
                    if !outer.is_repeated()
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
            let once = matches!(method.as_str(), "once" | "prependOnceListener");
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
            let weak_without_state = matches!(owner, Owner::Process)
                && !freq.is_strongly_repeated()
                && !captures_per_call_state(model, call, call.func, Captured::Params);
            let confidence =
                if once || weak_without_state || (lifecycle && !freq.is_strongly_repeated()) {
                    Confidence::Low
                } else {
                    confidence
                };
            let event = call
                .arg(0)
                .and_then(|v| v.as_str())
                .map(|e| format!("'{e}'"))
                .unwrap_or_else(|| "an event".into());
            let owner_text = receiver.display(model).to_string();
            let owner_kind = match owner {
                Owner::Process => "long-lived",
                Owner::Param(..) => "caller-owned",
                Owner::Connection(_) => "connection-scoped",
                _ => "outer",
            };
            let (often, registration) = how_often(model, model.frequency_of(reason_func));
            let mut d = Diagnostic::new(
                META.name,
                call.callee_span,
                format!("listener for {event} is added to {owner_kind} `{owner_text}` {often} and never removed"),
            )
            .with_confidence(confidence)
            .with_severity(META.default_severity);
            if let Some(hspan) = call.arg_spans.get(1) {
                d = d.with_label(*hspan, format!("this handler, and everything it captures, stays reachable from `{owner_text}`"));
            }
            if let Some((span, text)) = registration {
                d = d.with_label(span, text);
            }
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
