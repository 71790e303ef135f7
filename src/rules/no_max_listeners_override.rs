//! `no-max-listeners-override`: `setMaxListeners(0 | Infinity | ≥ 50)` and assignments to
//! `EventEmitter.defaultMaxListeners`, which silence `MaxListenersExceededWarning`, Node's only
//! built-in leak detector (rules/no-max-listeners-override.md).

use super::{Rule, RuleContext, RuleMeta};
use crate::diagnostic::{Confidence, Diagnostic, Severity};
use crate::semantic::{cleanup, Path, Props, Root, SemanticModel, Target, Value};

/// The rule.
pub struct NoMaxListenersOverride;

static META: RuleMeta = RuleMeta {
    name: "no-max-listeners-override",
    summary:
        "setMaxListeners(0), Infinity or a large limit, which silences Node's listener-leak warning",
    default_severity: Severity::Warn,
    doc: include_str!("../../rules/no-max-listeners-override.md"),
};

/// From this many listeners on, a limit hides the warning for any realistic leak's early growth.
const LARGE_LIMIT: f64 = 50.0;

/// `Some(text)` when `v` is a limit that silences the warning: 0, `Infinity` or ≥ [`LARGE_LIMIT`].
fn silencing_limit(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::Num(n) if *n == 0.0 => Some("0".into()),
        Value::Num(n) if *n >= LARGE_LIMIT => Some(format!("{n}")),
        Value::Path(Path {
            root: Root::Global(g),
            props,
        }) if g == "Infinity" && props.is_empty() => Some("Infinity".into()),
        Value::Path(Path {
            root: Root::Global(g),
            props,
        }) if g == "Number" && props.len() == 1 && props[0] == "POSITIVE_INFINITY" => {
            Some("Infinity".into())
        }
        _ => None,
    }
}

/// Whether the emitter at `receiver` gets listeners in code that runs repeatedly, which makes the
/// silenced warning likely to have been real.
fn has_repeated_listeners(model: &SemanticModel, receiver: &Path) -> bool {
    model
        .method_calls_on(
            receiver,
            &["on", "addListener", "prependListener", "addEventListener"],
        )
        .any(|(_, c)| {
            // Per call of a function, not per instance or per method call of a class (a class
            // registering its own 'error' handler once per instance is wiring, not a leak).
            let freq = model.frequency_of(c.func);
            freq.is_repeated() && !freq.is_per_instance()
        })
}

/// Whether `receiver` is an emitter this file makes (`this.replies = new EventEmitter()`, `const
/// bus = new EventEmitter()`) whose every registration in the file is released: removed by the
/// same handler ([`cleanup::is_removed`]), a `once`, or `{ once: true }`/`{ signal }`. Such an
/// emitter is a fan-out sized by how much work is in flight (one listener per pending reply, each
/// removed when it settles): a high listener count is its design, not a leak the warning would
/// catch. At least one registration must be seen.
fn releasing_fan_out(model: &SemanticModel, receiver: &Path) -> bool {
    let made_here = |v: &Value| matches!(v, Value::Call(c) if model.calls[c.index()].is_new);
    let constructed = match (receiver.root_binding(), receiver.props.is_empty()) {
        (Some(b), true) => model.binding(b).init.as_ref().is_some_and(made_here),
        _ => model
            .assigns_under(receiver)
            .any(|a| matches!(&a.target, Target::Path(t) if t == receiver) && made_here(&a.value)),
    };
    if !constructed {
        return false;
    }
    let mut registrations = model
        .method_calls_on(
            receiver,
            &[
                "on",
                "addListener",
                "prependListener",
                "addEventListener",
                "once",
            ],
        )
        .peekable();
    registrations.peek().is_some()
        && registrations.all(|(_, c)| {
            c.method().is_some_and(|m| m == "once")
                || cleanup::self_removing_options(c)
                || cleanup::is_removed(model, receiver, c)
        })
}

impl Rule for NoMaxListenersOverride {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        let model = ctx.model;
        let warning = "silences `MaxListenersExceededWarning`, Node's only built-in warning of a listener leak";
        for call in &model.calls {
            if call.method().map(|m| m.as_str()) != Some("setMaxListeners")
                || call.callee.as_ref().is_some_and(|p| p.props.is_empty())
            {
                continue;
            }
            let receiver = call.receiver().unwrap_or(Path {
                root: Root::Unknown,
                props: Props::new(),
            });
            // `events.setMaxListeners(n, ...targets)` sets the limit of its targets.
            let module_fn = receiver
                .root_binding()
                .and_then(|b| model.binding(b).source_module.clone())
                .is_some_and(|m| m == "events" || m == "node:events")
                && receiver.props.is_empty();
            let Some(limit) = silencing_limit(call.arg(0)) else {
                continue;
            };
            let target = if module_fn {
                call.arg(1)
                    .and_then(|v| {
                        if let Value::Path(p) = v {
                            Some(p.display(model).to_string())
                        } else {
                            None
                        }
                    })
                    .unwrap_or_else(|| "every new emitter".into())
            } else {
                receiver.display(model).to_string()
            };
            // A finite limit sized for an emitter with many fixed listeners (`setMaxListeners(100)`
            // on a bus every module subscribes to) keeps the warning for real runaways; only
            // listeners added repeatedly here say it hides one.
            let target_path = if module_fn {
                match call.arg(1) {
                    Some(Value::Path(p)) => Some(p.clone()),
                    _ => None,
                }
            } else {
                Some(receiver.clone())
            };
            let repeated = target_path
                .as_ref()
                .is_some_and(|p| has_repeated_listeners(model, p));
            let fan_out = !module_fn && releasing_fan_out(model, &receiver);
            let confidence = if fan_out {
                Confidence::Low
            } else if repeated && !module_fn {
                Confidence::High
            } else if !repeated && matches!(call.arg(0), Some(Value::Num(n)) if *n > 0.0) {
                Confidence::Low
            } else {
                Confidence::Medium
            };
            out.push(
                ctx.report(call.span, format!("`setMaxListeners({limit})` on `{target}` {warning}"))
                    .with_confidence(confidence)
                    .with_help("find the listener that is added repeatedly and remove it; if the emitter really needs more listeners, set the exact number it needs"),
            );
        }
        for a in &model.assigns {
            let Target::Path(p) = &a.target else { continue };
            if p.props.last().map(|x| x.as_str()) != Some("defaultMaxListeners") {
                continue;
            }
            let limit = silencing_limit(Some(&a.value))
                .or_else(|| (!a.value.is_literal()).then(|| "a computed value".to_string()));
            let Some(limit) = limit else { continue };
            out.push(
                ctx.report(a.span, format!("setting `{}` to {limit} {warning} for every emitter in the process", p.display(model)))
                    .with_confidence(Confidence::Medium)
                    .with_help("leave the default (10) and fix the emitter that collects listeners; raise the limit only on that emitter, to the number it needs"),
            );
        }
    }
}
