//! `no-leaked-timer`: `setInterval` (and a self-rescheduling `setTimeout`) started in code that
//! can run more than once, whose handle is discarded or never reaches `clearInterval`/`clearTimeout`
//! (rules/no-leaked-timer.md).

use super::{Rule, RuleContext, RuleMeta};
use crate::describe::{confidence_for, how_often};
use crate::diagnostic::{Confidence, Diagnostic, Severity};
use crate::semantic::cleanup::{lost_handle, LostHandle};
use crate::semantic::timer::{self, Overwrite, Slot};
use crate::semantic::{
    flow, Call, CallId, Frequency, FuncId, Repeat, ResultUse, SemanticModel, Value,
};

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
        for (id, call) in model.global_calls(&["setInterval"]) {
            // Behind a run-once flag the interval starts as often as the flag's scope runs.
            let freq = model.frequency_of(model.run_once_flag_scope(call).unwrap_or(call.func));
            // Unknown call frequency still gets medium: an interval whose handle is lost inside
            // a function can never be stopped, and a second call doubles it.
            let Some(confidence) =
                confidence_for(freq, Confidence::High).map(|c| c.max(Confidence::Medium))
            else {
                continue;
            };
            let Some(fate) = lost_handle(model, call) else {
                managed_handle(ctx, id, call, out);
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
            d = d.with_repetition_sites(registration);
            out.push(d.with_help("keep the handle and call `clearInterval(handle)` when the work ends: return a stop function, clear it in a `close`/`stop` method, or clear it when the request or connection closes"));
        }
        for (id, call) in model.global_calls(&["setTimeout", "setImmediate"]) {
            let Some(loop_fn) = rearmed_function(model, call) else {
                one_shot(ctx, id, call, out);
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
            d = d.with_repetition_sites(registration);
            out.push(d.with_help("add a stop condition (return early when an AbortSignal is aborted or a `stopped` flag is set) and keep the handle to `clearTimeout` it on shutdown"));
        }
        if model.has_timer_members() {
            made_intervals(ctx, out);
        }
    }
}

/// Calls on an instance field's value (`this.service.meter(…)`) whose method, wherever the
/// project defines that name, makes an instance of a class whose constructor starts an
/// interval no method of the class clears ([`crate::semantic::TimerMember`], the project pass),
/// in code that runs repeatedly for a reason this file shows (per request, per event, per call
/// of a patched method): each run leaks one more interval. Reported at the call, or, when the
/// enclosing method repeats only because a repeated function of this file calls it, at that
/// call (the line that makes it repeat), with a label at the call that makes the instance.
fn made_intervals(ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
    let model = ctx.model;
    for call in &model.calls {
        let Some(p) = call.callee.as_ref() else {
            continue;
        };
        if call.is_new || p.root != crate::semantic::Root::This || p.props.len() != 2 {
            continue;
        }
        let Some(member) = model.timer_member(&p.props[1]) else {
            continue;
        };
        let freq = model.frequency_of(call.func);
        if !freq.is_strongly_repeated() {
            continue;
        }
        let (often, registration) = how_often(model, freq);
        let class = &member.class;
        let shown = p.display(model).to_string();
        let mut d = match repeating_call(model, call.func, freq) {
            Some(site) => {
                let site = &model.calls[site.index()];
                let name = site.method().map(|m| m.to_string()).unwrap_or_default();
                // How often the caller runs, in its own words (not "through its caller").
                let (often, _) = how_often(model, model.frequency_of(site.func));
                ctx.report(
                    site.callee_span,
                    format!("`{name}()` is called {often}, and each call makes a new `{class}` through `{shown}()`, whose constructor starts a `setInterval` that no method of `{class}` clears: these intervals pile up and can never be stopped"),
                )
                .with_label(call.callee_span, format!("makes a new `{class}` (its interval is never cleared)"))
            }
            None => ctx.report(
                call.callee_span,
                format!("`{shown}()` runs {often} and each call makes a new `{class}`, whose constructor starts a `setInterval` that no method of `{class}` clears: these intervals pile up and can never be stopped"),
            ),
        };
        d = d
            .with_confidence(Confidence::Medium)
            .with_repetition_sites(registration)
            .with_elsewhere(crate::diagnostic::ElsewhereLabel {
                path: member.file.clone(),
                range: member.at,
                message: format!(
                    "`{class}` starts this interval when it is made; no method of it clears it"
                ),
            });
        out.push(d.with_help(format!("make the `{class}` once (when the module or the instance starts) and reuse it, or give `{class}` a method that clears its interval and call it when the work ends")));
    }
}

/// The call in this file that makes function `f` run repeatedly, when `f` repeats only because
/// a function calls it ([`Repeat::CalledFrom`]) by name or as a method of the same instance
/// (`self.register()`): the first such call in that caller ([`flow::callers_of`]).
fn repeating_call(model: &SemanticModel, f: FuncId, freq: &Frequency) -> Option<CallId> {
    let Frequency::Repeated(Repeat::CalledFrom(caller, _)) = freq else {
        return None;
    };
    flow::callers_of(model, f).into_iter().find(|&id| {
        let k = &model.calls[id.index()];
        k.func == *caller && !k.is_new
    })
}

/// What is said about the slot a handle is stored in, for the message.
fn slot_phrase(model: &SemanticModel, slot: &Slot) -> String {
    match slot {
        Slot::Variable(p) | Slot::Field(p) => format!("`{}`", p.display(model)),
        Slot::Keyed(p) => format!("an entry of `{}`", p.display(model)),
    }
}

/// The label on the functions that clear the slot elsewhere, if any.
fn cleared_label(
    model: &SemanticModel,
    o: &Overwrite,
) -> Option<(crate::diagnostic::ByteSpan, String)> {
    let f = *o.cleared_in.first()?;
    let func = model.function(f);
    let name = func.name.as_deref().unwrap_or("this function");
    Some((
        func.span,
        format!("`{name}` clears only the handle stored last"),
    ))
}

/// The finding for a timer handle stored over a pending one (`o`, from
/// `timer::overwritten_handle`): `message` at `confidence`, with a label on where the slot is
/// cleared, if anywhere.
fn overwrite_finding(
    ctx: &RuleContext<'_>,
    call: &Call,
    o: &timer::Overwrite,
    message: String,
    confidence: Confidence,
) -> Diagnostic {
    let d = ctx
        .report(call.callee_span, message)
        .with_confidence(confidence);
    match cleared_label(ctx.model, o) {
        Some((span, text)) => d.with_label(span, text),
        None => d,
    }
}

/// The finding for an interval stored in an instance field by a start-up method over a pending
/// handle, when code of this file that runs repeatedly calls the method on an object its caller
/// may pass in ([`timer::rerun_on_shared`]): one instance shared by the caller gets the method
/// run once per call, and each run orphans the interval before. Medium, with labels on that
/// call and on where the caller's object comes in.
fn rerun_finding(
    ctx: &RuleContext<'_>,
    call: &Call,
    o: &Overwrite,
    r: &timer::Rerun,
    slot: &str,
) -> Diagnostic {
    let model = ctx.model;
    let site = &model.calls[r.call.index()];
    let method = site.method().map(|m| m.to_string()).unwrap_or_default();
    let receiver = site
        .receiver()
        .map(|p| p.display(model).to_string())
        .unwrap_or_default();
    // How often the caller runs: per call of a function, or per instance a constructor makes.
    let (runs, each) = match model
        .class_of_function(r.caller)
        .filter(|_| model.is_constructor(r.caller))
    {
        Some(c) => {
            let class = model.class(c).name.as_deref().unwrap_or("this class");
            (
                format!("the `{class}` constructor runs `{method}()` for every new `{class}`"),
                format!("for every new `{class}`"),
            )
        }
        None => {
            let caller = model
                .function(r.caller)
                .name
                .as_deref()
                .unwrap_or("its caller");
            (
                format!("`{caller}()` runs `{method}()` on every call"),
                format!("on each call of `{caller}()`"),
            )
        }
    };
    overwrite_finding(
        ctx,
        call,
        o,
        format!("`setInterval` is started each time `{method}()` runs and its handle is stored in {slot} without clearing the one already there; {runs}, on `{receiver}`, which may be an object its caller passes in: a caller that hands one instance to several of them leaves an interval running per run that can no longer be stopped"),
        Confidence::Medium,
    )
    .with_label(
        site.callee_span,
        format!("`{method}()` runs again {each}, on `{receiver}`"),
    )
    .with_label(
        r.object.given,
        "the caller's object comes in here (it may be one instance shared by several calls)",
    )
}

/// An interval whose handle is kept and cleared somewhere: reported when the code that starts it
/// can replace a pending handle without clearing it, when it is stopped only from its own callback
/// and the connection it serves closes without stopping it, or when the class's teardown clears
/// its other timers but not this one.
fn managed_handle(ctx: &RuleContext<'_>, id: CallId, call: &Call, out: &mut Vec<Diagnostic>) {
    let model = ctx.model;
    let freq = model.frequency_of(call.func);
    let Some(base) = confidence_for(freq, Confidence::Medium) else {
        return;
    };
    let (often, registration) = how_often(model, freq);
    let mut d = None;
    if let (ResultUse::Declared(b), Some(Value::Func(cb))) = (
        crate::semantic::cleanup::effective_result(model, call),
        call.arg(0),
    ) {
        if let Some(end) = timer::outlives_owner_end(model, *b, *cb, call.func) {
            let end_call = &model.calls[end.index()];
            let owner = end_call
                .receiver()
                .map(|p| p.display(model).to_string())
                .unwrap_or_default();
            d = Some(
                ctx.report(
call.callee_span,
                    format!("`setInterval` is started {often} and is stopped only from its own callback when a condition holds: when `{owner}` closes first, the interval runs on forever and keeps `{owner}` alive"),
                )
                .with_confidence(base)
                .with_label(end_call.callee_span, format!("`{owner}`'s end handler does not clear the interval")),
            );
        }
    }
    // An interval the teardown forgets runs on after it (before the weaker overwrite question).
    if d.is_none() {
        d = teardown_finding(ctx, id, call, "setInterval", &often, base);
    }
    if d.is_none() {
        d = own_end_finding(ctx, id, call, &often, base);
    }
    if d.is_none() {
        if let Some(o) = timer::overwritten_handle(model, id) {
            let slot = slot_phrase(model, &o.slot);
            let certain = timer::overwrite_is_certain(model, &o, call);
            let rerun = if certain {
                None
            } else {
                timer::rerun_on_shared(model, &o, call)
            };
            d = Some(match rerun {
                Some(r) => rerun_finding(ctx, call, &o, &r, &slot),
                None => overwrite_finding(
                    ctx,
                    call,
                    &o,
                    format!("`setInterval` is started {often} and its handle is stored in {slot} without clearing the one already there: the earlier interval keeps running and can no longer be stopped"),
                    if certain { base } else { Confidence::Low },
                ),
            });
        }
    }
    let Some(mut d) = d else { return };
    d = d.with_repetition_sites(registration);
    out.push(
        d.with_help("clear the pending handle before storing a new one (or return early when one is running), and clear it wherever the work ends: on the connection's `close`, in `close()`/`destroy()`"),
    );
}

/// The finding for an interval kept in an instance field that only the class's teardown methods
/// clear, when the instance also ends on its own (its own `'close'` listener) without clearing it.
fn own_end_finding(
    ctx: &RuleContext<'_>,
    id: CallId,
    call: &Call,
    often: &str,
    confidence: Confidence,
) -> Option<Diagnostic> {
    let model = ctx.model;
    let slot = timer::handle_slot(model, id)?;
    let Slot::Field(p) = &slot else {
        return None;
    };
    let (c, field) = model.field_of(p, call.func)?;
    let (reg, teardown) = timer::own_end_forgets(model, c, &slot, call.func)?;
    let reg = &model.calls[reg.index()];
    let event = reg.arg(0).and_then(Value::as_str).unwrap_or("close");
    let name = model.teardown_name(teardown).to_string();
    Some(
        ctx.report(
            call.callee_span,
            format!("`setInterval` is started {often} into `this.{field}`, which only `{name}()` clears: when the instance ends on its own (its `'{event}'` listener runs without `{name}()`), the interval runs on and keeps the instance alive"),
        )
        .with_confidence(confidence)
        .with_label(reg.callee_span, format!("the instance's own `'{event}'` handling does not clear `this.{field}`")),
    )
}

/// The finding for a timer kept in an instance field that the class's teardown method does not
/// clear although it clears the instance's other timers.
fn teardown_finding(
    ctx: &RuleContext<'_>,
    id: CallId,
    call: &Call,
    api: &str,
    often: &str,
    confidence: Confidence,
) -> Option<Diagnostic> {
    let model = ctx.model;
    let Some(Slot::Field(p)) = timer::handle_slot(model, id) else {
        return None;
    };
    let (c, field) = model.field_of(&p, call.func)?;
    let (teardown, other) = timer::teardown_forgets(model, c, &field)?;
    let name = model.teardown_name(teardown).to_string();
    Some(
        ctx.report(
call.callee_span,
            format!("`{api}` is started {often} into `this.{field}`, which `{name}()` does not clear (it clears `this.{other}`): a timer pending after `{name}()` keeps the instance and everything its callback holds alive"),
        )
        .with_confidence(confidence)
        .with_label(model.function(teardown).span, format!("`{name}()` clears the other timers, not `this.{field}`")),
    )
}

/// A one-shot `setTimeout`: reported when it is a per-call watchdog whose handle is dropped, when
/// its handle replaces a pending one that code elsewhere expects to cancel, or when the class's
/// teardown forgets it. Timeouts under a second are never reported.
fn one_shot(ctx: &RuleContext<'_>, id: CallId, call: &Call, out: &mut Vec<Diagnostic>) {
    let model = ctx.model;
    if !model.is_global_function(
        call.callee.as_ref().expect("a global call"),
        &["setTimeout"],
    ) || timer::is_short_delay(call.arg(1))
    {
        return;
    }
    let freq = model.frequency_of(call.func);
    let Some(base) = confidence_for(freq, Confidence::Medium) else {
        return;
    };
    let (often, registration) = how_often(model, freq);
    let mut d = None;
    if lost_handle(model, call) == Some(LostHandle::Discarded) && timer::is_watchdog(model, call) {
        // A delay fixed in this module (a few seconds) bounds what each call leaves behind.
        let confidence = if timer::delay_is_caller_chosen(model, call) {
            base
        } else {
            Confidence::Low
        };
        d = Some(
            ctx.report(
call.callee_span,
                format!("this timeout guards work started {often} and its handle is discarded: when the work settles first (the usual case) the timer stays pending for its full delay, holding its callback and the promise it would reject"),
            )
            .with_confidence(confidence),
        );
    }
    if d.is_none() {
        // A one-shot timer pending after teardown holds the instance only until it fires: for a
        // moment, unless its delay is a minute or more by what this file says of it.
        let confidence = if timer::delay_is_long(model, call) {
            base
        } else {
            Confidence::Low
        };
        d = teardown_finding(ctx, id, call, "setTimeout", &often, confidence);
    }
    if d.is_none() {
        // A one-shot timer kept in a single field is mostly a reconnect or a self-rescheduling
        // loop, re-armed after it fired: only overwrites that are certain are worth a finding.
        if let Some(o) = timer::overwritten_handle(model, id)
            .filter(|o| !o.cleared_in.is_empty() && timer::overwrite_is_certain(model, o, call))
        {
            let slot = slot_phrase(model, &o.slot);
            d = Some(overwrite_finding(
                ctx,
                call,
                &o,
                format!("`setTimeout` is started {often} and its handle is stored in {slot} without clearing a pending one: the replaced timer can no longer be cancelled and keeps its callback alive until it fires"),
                base,
            ));
        }
    }
    let Some(mut d) = d else { return };
    d = d.with_repetition_sites(registration);
    out.push(d.with_help(
        "keep the handle and `clearTimeout` it when the work settles (in `finally`), before storing a new one, and in `close()`/`destroy()`",
    ));
}
