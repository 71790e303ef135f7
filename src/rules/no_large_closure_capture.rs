//! `no-large-closure-capture`: closures kept alive by a long-lived owner that capture a large
//! value or a request-scoped object from an enclosing function, and V8's shared-context chain
//! (RULES.md §3.4).
//!
//! V8 allocates one context per function scope for all variables that any inner closure uses, and
//! every closure created in that scope points at it. So a closure that escapes keeps alive every
//! such variable, including ones only a sibling closure mentions. When one of them holds the
//! previous generation of an object the function replaces, each call links the new generation to
//! the old: an ever-growing chain (Meteor's 2013 "surprising JavaScript memory leak").

use super::cleanup::{has_cleanup, is_removed, lost_handle, self_removing_options};
use super::describe::how_often;
use super::{Rule, RuleContext, RuleMeta};
use crate::diagnostic::{ByteSpan, Confidence, Diagnostic, Severity};
use crate::semantic::{
    BindingId, BindingKind, FuncId, Owner, Path, Root, SemanticModel, Target, Value, MODULE,
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
/// Calls whose results are typically large (RULES.md §3.4).
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

/// Whether `v` contains the function `f` (directly, or in an object or array literal).
fn contains_func(v: &Value, f: FuncId) -> bool {
    match v {
        Value::Func(g) => *g == f,
        Value::Object(props) => props.iter().any(|(_, v)| contains_func(v, f)),
        Value::Array(items) => items.iter().any(|v| contains_func(v, f)),
        _ => false,
    }
}

/// Functions created directly in `s` that `v` carries.
fn funcs_created_in(model: &SemanticModel, v: &Value, s: FuncId, out: &mut Vec<FuncId>) {
    match v {
        Value::Func(g) if model.function(*g).parent == Some(s) => out.push(*g),
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
    let call = &model.calls[*c as usize];
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

fn sinks_of(model: &SemanticModel, g: FuncId) -> Vec<Sink> {
    let mut out = Vec::new();
    for call in &model.calls {
        let holds = |i: usize| call.arg(i).is_some_and(|v| contains_func(v, g));
        if model.is_global_function(
            call.callee.as_ref().unwrap_or(&Path {
                root: Root::Unknown,
                props: vec![],
            }),
            &["setInterval"],
        ) && holds(0)
        {
            out.push(Sink {
                what: "an interval".into(),
                released: lost_handle(model, call).is_none(),
                repeated_in: call.func,
                span: call.callee_span,
            });
            continue;
        }
        let Some(method) = call.method().map(|m| m.to_string()) else {
            continue;
        };
        let Some(receiver) = call.receiver() else {
            continue;
        };
        if matches!(
            method.as_str(),
            "on" | "addListener" | "prependListener" | "addEventListener"
        ) && holds(1)
            && model.owner_of(&receiver) == Owner::Process
        {
            let released = self_removing_options(call) || is_removed(model, &receiver, call);
            out.push(Sink {
                what: format!("a listener on long-lived `{}`", receiver.display(model)),
                released,
                repeated_in: call.func,
                span: call.callee_span,
            });
        } else if matches!(method.as_str(), "push" | "unshift" | "add" | "set")
            && (0..call.args.len()).any(holds)
        {
            let module_collection = receiver.props.is_empty()
                && receiver
                    .root_binding()
                    .is_some_and(|b| model.binding(b).module_level);
            if module_collection {
                out.push(Sink {
                    what: format!("module-level `{}`", receiver.display(model)),
                    released: has_cleanup(model, &receiver),
                    repeated_in: call.func,
                    span: call.callee_span,
                });
            }
        }
    }
    for a in &model.assigns {
        if let Target::Path(p) = &a.target {
            if contains_func(&a.value, g)
                && model.owner_of(p) == Owner::Process
                && p.props.first().is_none_or(|x| x != "exports")
                && !(p.root == Root::Global("module".into()))
            {
                out.push(Sink {
                    what: format!("`{}`", p.display(model)),
                    released: false,
                    repeated_in: a.func,
                    span: a.span,
                });
            }
        }
    }
    out
}

impl NoLargeClosureCapture {
    /// The shared-context chain (A1): in function `s`, binding `x = O` (an outer binding) is used
    /// by a closure created in `s`, and `s` assigns to `O` a value carrying a closure created in `s`.
    fn chains(&self, model: &SemanticModel, out: &mut Vec<Diagnostic>) {
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
            let Some(Value::Path(outer_path)) = &x.init else {
                continue;
            };
            let outer_ok = outer_path.props.is_empty()
                && match &outer_path.root {
                    Root::Binding(o) => model.binding(*o).func != s,
                    Root::Global(_) => true,
                    _ => false,
                };
            if !outer_ok {
                continue;
            }
            let xi = xi as BindingId;
            let in_closure = model
                .references
                .iter()
                .any(|r| r.binding == xi && r.func != s && model.is_within(r.func, s));
            if !in_closure {
                continue;
            }
            // `x = null` before returning breaks the link (only possible with `let`).
            let nulled = model.assigns.iter().any(|a| {
                matches!(&a.target, Target::Path(t) if t == &Path::binding(xi))
                    && matches!(a.value, Value::OtherLiteral)
            });
            if nulled {
                continue;
            }
            let replacing = model.assigns.iter().find_map(|a| {
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
                Diagnostic::new(
                    META.name,
                    x.span,
                    format!("`{}` holds the previous `{outer}` and is used by a closure, so it lives in `{fname}`'s shared V8 context; the closure stored in the new `{outer}` keeps that context, so each call links every generation to the one before", x.name),
                )
                .with_confidence(Confidence::High)
                .with_severity(META.default_severity)
                .with_label(assign_span, format!("the new `{outer}` carries a closure created here, which keeps the whole context alive"))
                .with_help(format!("declare it with `let` and set `{} = null` before `{fname}` returns, or move the closures that use it out of `{fname}`", x.name)),
            );
        }
    }

    fn captures(&self, model: &SemanticModel, out: &mut Vec<Diagnostic>) {
        for (gi, g) in model.functions.iter().enumerate().skip(1) {
            let gi = gi as FuncId;
            if g.is_method {
                continue;
            }
            let sinks = sinks_of(model, gi);
            let Some(sink) = sinks.iter().max_by_key(|s| !s.released) else {
                continue;
            };
            // Free variables resolving to bindings of enclosing *function* scopes.
            let mut reported = Vec::new();
            for r in model
                .references
                .iter()
                .filter(|r| model.is_within(r.func, gi))
            {
                let b = model.binding(r.binding);
                if b.func == MODULE
                    || model.is_within(b.func, gi)
                    || reported.contains(&r.binding)
                    || b.func_value.is_some()
                {
                    continue;
                }
                let request =
                    b.kind == BindingKind::Param && REQUEST_NAMES.contains(&b.name.as_str());
                let large = large_value(model, r.binding);
                let why = match (request, large) {
                    (true, _) => format!("the request-scoped `{}`", b.name),
                    (false, Some(l)) => format!("`{}`, {l}", b.name),
                    _ => continue,
                };
                reported.push(r.binding);
                let freq = model.frequency_of(sink.repeated_in);
                let confidence = if sink.released {
                    Confidence::Low
                } else if freq.is_strongly_repeated() {
                    Confidence::High
                } else if freq == &crate::semantic::Frequency::Once {
                    Confidence::Low
                } else {
                    Confidence::Medium
                };
                let (often, _) = how_often(model, freq);
                let copy = if request {
                    format!("copy out the fields you need (`const id = {}.…`) before creating the closure", b.name)
                } else {
                    format!("extract the few fields the closure needs from `{}` into their own variables and capture only those", b.name)
                };
                out.push(
                    Diagnostic::new(
                        META.name,
                        r.span,
                        format!(
                            "this closure captures {why}, and {} keeps the closure alive{}",
                            sink.what,
                            if sink.released {
                                String::new()
                            } else {
                                format!(" (created {often})")
                            }
                        ),
                    )
                    .with_confidence(confidence)
                    .with_severity(META.default_severity)
                    .with_label(b.span, "declared here")
                    .with_label(sink.span, "the closure is kept alive here")
                    .with_help(copy),
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
        self.chains(ctx.model, out);
        self.captures(ctx.model, out);
    }
}
