//! `no-leaked-timer`: `setInterval` (and a self-rescheduling `setTimeout`) started in code that
//! can run more than once, whose handle is discarded or never reaches `clearInterval`/`clearTimeout`
//! (rules/no-leaked-timer.md).

use super::{Rule, RuleContext, RuleMeta};
use crate::describe::{confidence_for, how_often};
use crate::diagnostic::{Confidence, Diagnostic, Severity};
use crate::semantic::cleanup::{lost_handle, LostHandle};
use crate::semantic::{Call, Frequency, FuncId, SemanticModel, Value};

/// The rule.
pub struct NoLeakedTimer;

static META: RuleMeta = RuleMeta {
    name: "no-leaked-timer",
    summary: "setInterval or self-rescheduling setTimeout whose handle can never be cleared",
    default_severity: Severity::Error,
    doc: include_str!("../../rules/no-leaked-timer.md"),
};

/// For `setTimeout(cb)`: the enclosing function that `cb` re-arms (calls or is), if any.
fn rearmed_function(model: &SemanticModel, call: &Call) -> Option<FuncId> {
    let target = match call.arg(0)? {
        Value::Path(p) if p.props.is_empty() => model.binding(p.root_binding()?).func_value?,
        Value::Func(g) => {
            // `setTimeout(() => poll(), ms)`: the callback calls an enclosing function by name.
            model.calls.iter().filter(|c| c.func == *g).find_map(|c| {
                let p = c.callee.as_ref()?;
                if !p.props.is_empty() {
                    return None;
                }
                let f = model.binding(p.root_binding()?).func_value?;
                model.is_within(call.func, f).then_some(f)
            })?
        }
        _ => return None,
    };
    model.is_within(call.func, target).then_some(target)
}

fn stop_condition(model: &SemanticModel, call: &Call, loop_fn: FuncId) -> bool {
    if call.guarded {
        return true;
    }
    let mut f = call.func;
    loop {
        if model.function(f).has_guard_return {
            return true;
        }
        if f == loop_fn {
            return false;
        }
        match model.function(f).parent {
            Some(p) => f = p,
            None => return false,
        }
    }
}

impl Rule for NoLeakedTimer {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        let model = ctx.model;
        for (_, call) in model.global_calls(&["setInterval"]) {
            let freq = model.frequency_of(call.func);
            // Unknown call frequency still gets medium: an interval whose handle is lost inside
            // a function can never be stopped, and a second call doubles it.
            let Some(confidence) =
                confidence_for(freq, Confidence::High).map(|c| c.max(Confidence::Medium))
            else {
                continue;
            };
            let Some(fate) = lost_handle(model, call) else {
                continue;
            };
            // A discarded handle inside a method whose callers we cannot see is usually a CLI or
            // start-up path; a handle stored on the instance and never cleared pins every instance.
            // (A method of a class runs per call of its callers elsewhere: the same.)
            let method_like = freq == &Frequency::Unknown || freq.is_per_instance();
            let confidence = if method_like
                && model.in_method_context(call.func)
                && fate == LostHandle::Discarded
            {
                Confidence::Low
            } else {
                confidence
            };
            let (often, registration) = how_often(model, freq);
            let mut d = ctx.report(call.callee_span,
                format!("`setInterval` is started {often} and {fate}, so these intervals pile up and can never be stopped"),
            )
            .with_confidence(confidence);
            if let Some(cb) = call.arg_spans.first() {
                d = d.with_label(
                    *cb,
                    "this callback runs on every tick and keeps everything it captures alive",
                );
            }
            if let Some((span, text)) = registration {
                d = d.with_label(span, text);
            }
            out.push(d.with_help("keep the handle and call `clearInterval(handle)` when the work ends: return a stop function, clear it in a `close`/`stop` method, or clear it when the request or connection closes"));
        }
        for (_, call) in model.global_calls(&["setTimeout", "setImmediate"]) {
            let Some(loop_fn) = rearmed_function(model, call) else {
                continue;
            };
            if stop_condition(model, call, loop_fn) || lost_handle(model, call).is_none() {
                continue;
            }
            let freq = model.frequency_of(loop_fn);
            let Some(confidence) =
                confidence_for(freq, Confidence::High).map(|c| c.max(Confidence::Medium))
            else {
                continue;
            };
            let confidence = if freq == &Frequency::Unknown && model.in_method_context(loop_fn) {
                Confidence::Low
            } else {
                confidence
            };
            let name = model
                .function(loop_fn)
                .name
                .as_deref()
                .unwrap_or("this function")
                .to_string();
            let (often, registration) = how_often(model, freq);
            let mut d = ctx.report(call.callee_span,
                format!("`{name}` re-arms itself with `setTimeout` forever and is started {often}: each start adds a polling loop that never stops"),
            )
            .with_confidence(confidence)
            .with_label(model.function(loop_fn).span, format!("`{name}` has no stop condition before re-arming"));
            if let Some((span, text)) = registration {
                d = d.with_label(span, text);
            }
            out.push(d.with_help("add a stop condition (return early when an AbortSignal is aborted or a `stopped` flag is set) and keep the handle to `clearTimeout` it on shutdown"));
        }
    }
}
