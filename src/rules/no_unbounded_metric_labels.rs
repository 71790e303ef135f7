//! `no-unbounded-metric-labels`: prom-client metrics and OpenTelemetry instruments whose label
//! values come from unbounded sources — request paths, ids, emails, error messages, timestamps —
//! directly or through local aliases, template literals and object spreads.
//! `labelNames` that name unbounded things are reported at the declaration too.

use std::cell::OnceCell;

use swc_atoms::Atom;

use super::{Rule, RuleContext, RuleMeta};
use crate::describe::{unbounded_name, REQUEST_PROPS, REQUEST_ROOTS};
use crate::diagnostic::{ByteSpan, Confidence, Diagnostic, Severity};
use crate::semantic::flow::{arguments_for, written_into};
use crate::semantic::{
    api, capped_collection_keyed_by, Assign, BindingId, BindingKind, Call, CallId, FuncId, Path,
    ResultUse, Root, SemanticModel, Target, Value,
};

/// The rule.
pub struct NoUnboundedMetricLabels;

static META: RuleMeta = RuleMeta {
    name: "no-unbounded-metric-labels",
    summary: "Metric label values from unbounded sources (paths, ids, emails, messages), one time series each, kept forever",
    default_severity: Severity::Error,
    doc: include_str!("../../rules/no-unbounded-metric-labels.md"),
};

const PROM_TYPES: &[&str] = &["Counter", "Gauge", "Histogram", "Summary"];
const OTEL_FACTORIES: &[&str] = &[
    "createCounter",
    "createHistogram",
    "createUpDownCounter",
    "createGauge",
    "createObservableGauge",
    "createObservableCounter",
    "createObservableUpDownCounter",
];
/// Methods only metrics have: on any metric-named receiver they are label sinks.
const PROM_ONLY_SINKS: &[&str] = &["inc", "observe", "labels", "startTimer"];
/// Methods of prom-client metrics that take label values.
const PROM_SINKS: &[&str] = &[
    "inc",
    "dec",
    "set",
    "observe",
    "labels",
    "startTimer",
    "zero",
];
/// Methods of OpenTelemetry instruments that take attributes.
const OTEL_SINKS: &[&str] = &["add", "record"];
const UNBOUNDED_LABEL_NAMES: &[&str] = &[
    "userid",
    "user_id",
    "user",
    "email",
    "path",
    "url",
    "uri",
    "requestid",
    "request_id",
    "sessionid",
    "session_id",
    "traceid",
    "trace_id",
    "ip",
    "token",
    "query",
    "orderid",
    "order_id",
];

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Prom,
    Otel,
}

/// The metric kind created by the initialiser of binding `b`, or by a call assigned to it later
/// (`counter ??= meter.createCounter(…)`, a lazily made instrument), if it is a metric.
fn metric_kind(model: &SemanticModel, b: BindingId) -> Option<Kind> {
    if let Some(Value::Call(c)) = &model.binding(b).init {
        return kind_of_call(model, *c);
    }
    model
        .assigns_under(&Path::binding(b))
        .find_map(|a| match (&a.target, &a.value) {
            (Target::Path(t), Value::Call(c))
                if t.props.is_empty() && t.root_binding() == Some(b) =>
            {
                kind_of_call(model, *c)
            }
            _ => None,
        })
}

/// The metric kind of `getter().name`, the receiver of call `outer`: `getter` a function of this
/// file that returns an object literal holding a metric binding under that name in shorthand
/// (`function metrics() { counter ??= createCounter(…); return { counter }; }`).
fn getter_kind(model: &SemanticModel, outer: &Call, name: &Atom) -> Option<Kind> {
    // The call whose result the receiver reads ends before `outer` and starts with its callee.
    // Calls are in source order of their end: look back from the callee's end only.
    let (start, end) = (outer.callee_span.start, outer.callee_span.end);
    let upto = model.calls.partition_point(|c| c.span.end <= end);
    let inner = model.calls[..upto]
        .iter()
        .rev()
        .take_while(|c| c.span.end > start)
        .find(|c| {
            c.span.start == start && matches!(&c.result, ResultUse::Member(m) if m == name)
        })?;
    let getter = inner
        .callee
        .as_ref()
        .filter(|p| p.props.is_empty())?
        .root_binding()?;
    let f = model
        .functions
        .iter()
        .position(|f| f.binding == Some(getter))?;
    model
        .escapes
        .iter()
        .filter(|e| e.returned && e.func.index() == f && model.binding(e.binding).name == *name)
        .find_map(|e| metric_kind(model, e.binding))
}

/// The assignments that can make an instance field a metric (`this.hist = …(…)`): to a path one
/// property long, of a call's result, in model order. Found once per file, when first needed: a
/// receiver rooted at `this` would otherwise be matched against every assignment of the file, for
/// each `.set()`/`.add()`/… call on a field, and most assignments are of no other kind.
type FieldAssigns<'m> = OnceCell<Vec<&'m Assign>>;

/// The metric kind of a receiver path used in function `f`: a binding initialised with a metric,
/// or an instance field assigned one (`this.hist = meter.createHistogram(…)`).
fn receiver_kind<'m>(
    model: &'m SemanticModel,
    field_assigns: &FieldAssigns<'m>,
    receiver: &Path,
    f: FuncId,
) -> Option<Kind> {
    if receiver.props.is_empty() {
        return metric_kind(model, receiver.root_binding()?);
    }
    let (c, field) = model
        .field_of(receiver, f)
        .filter(|_| receiver.props.len() == 1)?;
    let made_here = |a: &Assign| match (&a.target, &a.value) {
        (Target::Path(t), Value::Call(call))
            if t.props.len() == 1 && model.is_field_path(t, a.func, c, &field) =>
        {
            kind_of_call(model, *call)
        }
        _ => None,
    };
    match receiver.root {
        // Assignments under a binding are indexed by it already.
        Root::Binding(_) => model.assigns_under(receiver).find_map(made_here),
        // Under any other root `assigns_under` gives every assignment: the same ones that can
        // match, in the same order, are in `field_assigns`.
        _ => field_assigns
            .get_or_init(|| {
                model
                    .assigns
                    .iter()
                    .filter(|a| match (&a.target, &a.value) {
                        (Target::Path(t), Value::Call(_)) => t.props.len() == 1,
                        _ => false,
                    })
                    .collect()
            })
            .iter()
            .find_map(|a| made_here(a)),
    }
}

/// Whether two paths name the same stash on a framework object across hooks: equal, or rooted at
/// parameters of the same name with the same properties (`request.metrics.hist` set in an
/// `onRequest` hook and called in `onResponse`).
fn same_stash(model: &SemanticModel, a: &Path, b: &Path) -> bool {
    if a == b {
        return true;
    }
    let (Some(x), Some(y)) = (a.root_binding(), b.root_binding()) else {
        return false;
    };
    let (x, y) = (model.binding(x), model.binding(y));
    x.kind == BindingKind::Param
        && y.kind == BindingKind::Param
        && x.name == y.name
        && a.props == b.props
}

/// Where the end functions returned by metrics' `startTimer()` are kept in this file: a binding
/// (`const end = h.startTimer()`), a path (`req.end = h.startTimer()`), or a property of a stored
/// object (`request.metrics = { hist: h.startTimer() }`), with the metric's kind.
fn timer_ends<'m>(model: &'m SemanticModel, field_assigns: &FieldAssigns<'m>) -> Vec<(Path, Kind)> {
    let mut out = Vec::new();
    for (i, call) in model.calls.iter().enumerate() {
        if call.method().map(|m| m.as_str()) != Some(api::METRIC_TIMER_METHOD) {
            continue;
        }
        let Some(kind) = call
            .receiver()
            .and_then(|r| receiver_kind(model, field_assigns, &r, call.func))
        else {
            continue;
        };
        let id = CallId::from_index(i);
        match &call.result {
            ResultUse::Declared(b) => out.push((Path::binding(*b), kind)),
            ResultUse::Assigned(p) => out.push(((**p).clone(), kind)),
            _ => {
                let holds = |v: &Value| match v {
                    Value::Object(props) => props
                        .iter()
                        .find_map(|(k, v)| (*v == Value::Call(id)).then(|| k.clone()).flatten()),
                    _ => None,
                };
                for a in &model.assigns {
                    if let (Target::Path(t), Some(k)) = (&a.target, holds(&a.value)) {
                        let mut p = t.clone();
                        p.props.push(k);
                        out.push((p, kind));
                    }
                }
            }
        }
    }
    out
}

/// The metric kind made by call `c`: a prom-client `new Histogram(…)` (also through a
/// transpiler's import helper), or an OpenTelemetry instrument factory.
fn kind_of_call(model: &SemanticModel, c: CallId) -> Option<Kind> {
    let call = &model.calls[c.index()];
    let callee = call.callee.as_ref()?;
    let name = model.callee_name(callee)?;
    if call.is_new && PROM_TYPES.contains(&name.as_str()) {
        let from_prom = callee
            .root_binding()
            .and_then(|r| model.binding(r).source_module.clone())
            .is_some_and(|m| m == "prom-client");
        return from_prom.then_some(Kind::Prom);
    }
    OTEL_FACTORIES
        .contains(&name.as_str())
        .then_some(Kind::Otel)
}

fn metric_named(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    [
        "metric",
        "counter",
        "gauge",
        "histogram",
        "summary",
        "total",
        "seconds",
        "latency",
        "duration",
        "requests",
        "errors",
        "count",
    ]
    .iter()
    .any(|w| lower.contains(w))
}

fn name_of_root(model: &SemanticModel, p: &Path) -> Option<String> {
    match &p.root {
        Root::Binding(b) => Some(model.binding(*b).name.to_string()),
        Root::Global(g) => Some(g.to_string()),
        _ => None,
    }
}

/// Why `v` is an unbounded label value, with how sure we are; `None` when it is bounded or unknown.
fn unbounded(model: &SemanticModel, v: &Value, depth: u32) -> Option<(String, Confidence)> {
    if depth > 6 {
        return None;
    }
    match v {
        Value::Path(p) => path_source(model, p, depth),
        Value::Expr(paths) => paths.iter().find_map(|p| path_source(model, p, depth)),
        Value::Object(props) => props
            .iter()
            .find_map(|(_, v)| unbounded(model, v, depth + 1)),
        Value::Call(c) => {
            let call = &model.calls[c.index()];
            let name = call
                .callee
                .as_ref()
                .and_then(|p| model.callee_name(p))
                .map(|a| a.to_string())
                .unwrap_or_default();
            if crate::semantic::is_normaliser(&name) {
                return None;
            }
            match name.as_str() {
                "now" | "random" | "randomUUID" | "uuid" | "v4" | "nanoid" | "toISOString"
                | "getTime" => Some((format!("`{name}()`, unique per call"), Confidence::Medium)),
                "String" | "toString" | "toLowerCase" | "toUpperCase" | "trim" | "slice"
                | "substring" | "join" | "concat" => {
                    let recv = call.receiver().map(Value::Path);
                    recv.iter()
                        .chain(call.args.iter())
                        .find_map(|a| unbounded(model, a, depth + 1))
                }
                _ => None,
            }
        }
        _ => None,
    }
}

fn path_source(model: &SemanticModel, p: &Path, depth: u32) -> Option<(String, Confidence)> {
    let root = name_of_root(model, p)?;
    let text = p.display(model).to_string();
    let props: Vec<&str> = p.props.iter().map(|a| a.as_str()).collect();
    if REQUEST_ROOTS.contains(&root.as_str()) {
        // `request.raw.url` is the Node request's `url`.
        let props = match props.split_first() {
            Some((first, rest)) if api::REQUEST_WRAPPER_PROPS.contains(first) => rest,
            _ => &props[..],
        };
        return match props.first() {
            Some(&"route") | Some(&"routeOptions") | Some(&"routerPath") | Some(&"method") => None,
            Some(first) if REQUEST_PROPS.contains(first) => {
                Some((format!("`{text}`"), Confidence::High))
            }
            _ => None,
        };
    }
    if matches!(root.as_str(), "err" | "error" | "e" | "ex" | "exception") {
        return match props.last() {
            Some(&"message") | Some(&"stack") => {
                Some((format!("`{text}`, free text"), Confidence::Medium))
            }
            Some(&"code") | Some(&"name") => Some((format!("`{text}`"), Confidence::Low)),
            _ => None,
        };
    }
    if p.props.is_empty() && root == "Date" {
        return Some(("a timestamp".into(), Confidence::Medium));
    }
    if let Root::Binding(b) = p.root {
        let binding = model.binding(b);
        // Follow local aliases: `const path = req.path`.
        if let (Some(init), true) = (
            &binding.init,
            matches!(
                binding.kind,
                BindingKind::Const | BindingKind::Let | BindingKind::Var
            ),
        ) {
            if p.props.is_empty() {
                if let Some(found) = unbounded(model, init, depth + 1) {
                    return Some(found);
                }
            }
        }
        if p.props.is_empty() {
            // An attributes object filled after it is made (`attrs[k] = error.message`).
            if let Some(found) = written_into(model, p).find_map(|v| unbounded(model, v, depth + 1))
            {
                return Some(found);
            }
            // A parameter: what the calls of its function in this file pass.
            if binding.kind == BindingKind::Param {
                if let Some(found) = arguments_for(model, b)
                    .into_iter()
                    .find_map(|(_, v)| unbounded(model, v, depth + 1))
                {
                    return Some(found);
                }
            }
            // A key of a table the code caps by size: its author expects more distinct values
            // than memory allows.
            if let Some(table) = capped_collection_keyed_by(model, b) {
                return Some((
                    format!(
                        "`{text}`, a key of `{}`, which this code caps by size",
                        table.display(model)
                    ),
                    Confidence::Medium,
                ));
            }
        }
    }
    let leaf = p
        .props
        .last()
        .map(|a| a.to_string())
        .unwrap_or_else(|| root.clone());
    if unbounded_name(&leaf)
        && (p.props.is_empty() || !leaf.eq_ignore_ascii_case("id"))
        && !leaf.eq_ignore_ascii_case("method")
    {
        return Some((format!("`{text}`"), Confidence::High));
    }
    None
}

const HELP: &str = "use bounded values: the route template (`req.route?.path`), `req.method`, the status class; put ids and paths in logs or traces, not labels";

/// Reports the sink call `call` (method `method` of a metric of `kind`, or the end function of
/// its `startTimer()`) when one of its label values is unbounded.
fn report(ctx: &RuleContext<'_>, call: &Call, method: &str, kind: Kind, out: &mut Vec<Diagnostic>) {
    let model = ctx.model;
    let mut worst: Option<(Confidence, String)> = None;
    let mut parts = Vec::new();
    for (label, value) in label_values(call, method, kind) {
        if let Some((why, conf)) = unbounded(model, &value, 0) {
            parts.push(match &label {
                Some(l) => format!("`{l}` from {why}"),
                None => why.clone(),
            });
            if worst.as_ref().is_none_or(|(c, _)| conf > *c) {
                worst = Some((conf, why));
            }
        }
    }
    let Some((confidence, _)) = worst else {
        return;
    };
    let metric = match call.receiver() {
        // `getter().counter`: the receiver as written.
        Some(r) if method != api::METRIC_TIMER_METHOD && r.root == Root::Unknown => ctx
            .text
            .get(call.callee_span.start as usize..call.callee_span.end as usize)
            .and_then(|t| t.rsplit_once('.'))
            .map(|(recv, _)| recv.to_string())
            .unwrap_or_else(|| r.display(model).to_string()),
        Some(r) if method != api::METRIC_TIMER_METHOD => r.display(model).to_string(),
        _ => call
            .callee
            .as_ref()
            .map(|c| c.display(model).to_string())
            .unwrap_or_default(),
    };
    out.push(
        ctx.report(
call.callee_span,
            format!("metric `{metric}` gets unbounded label values ({}): every distinct value is a new time series, kept in memory forever", parts.join(", ")),
        )
        .with_confidence(confidence)
        .with_help(HELP),
    );
}

/// The label values of a sink call: `(label name if known, value)`.
fn label_values(call: &Call, method: &str, kind: Kind) -> Vec<(Option<String>, Value)> {
    let label_arg = match (kind, method) {
        (Kind::Otel, "add" | "record") => call.arg(1),
        (Kind::Prom, "labels") if !matches!(call.arg(0), Some(Value::Object(_))) => {
            return call.args.iter().map(|v| (None, v.clone())).collect();
        }
        (Kind::Prom, _) => call.arg(0),
        _ => None,
    };
    match label_arg {
        Some(Value::Object(props)) => props
            .iter()
            .map(|(k, v)| (k.as_ref().map(|a| a.to_string()), v.clone()))
            .collect(),
        Some(v @ Value::Path(_)) => vec![(None, v.clone())],
        _ => Vec::new(),
    }
}

impl Rule for NoUnboundedMetricLabels {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        let model = ctx.model;
        // Most files start no metric timer: found once, and only asked about when there are some.
        let field_assigns = FieldAssigns::new();
        let ends = timer_ends(model, &field_assigns);
        for call in &model.calls {
            if !ends.is_empty() {
                if let Some((_, kind)) = call
                    .callee
                    .as_ref()
                    .and_then(|c| ends.iter().find(|(p, _)| same_stash(model, p, c)))
                {
                    report(ctx, call, "startTimer", *kind, out);
                    continue;
                }
            }
            let Some(method) = call.method() else {
                continue;
            };
            // Most calls are not metric updates: decide on the name before building anything.
            if !PROM_SINKS.contains(&method.as_str()) && !OTEL_SINKS.contains(&method.as_str()) {
                continue;
            }
            let method = method.to_string();
            let Some(receiver) = call.receiver() else {
                continue;
            };
            let known =
                receiver_kind(model, &field_assigns, &receiver, call.func).or_else(|| {
                    match (&receiver.root, receiver.props.as_slice()) {
                        (Root::Unknown, [name]) => getter_kind(model, call, name),
                        _ => None,
                    }
                });
            let kind = match known {
                Some(k) => k,
                None if PROM_ONLY_SINKS.contains(&method.as_str())
                    && name_of_root(model, &receiver).is_some_and(|n| {
                        metric_named(&n) || receiver.props.last().is_some_and(|l| metric_named(l))
                    }) =>
                {
                    Kind::Prom
                }
                None => continue,
            };
            let sinks: &[&str] = match kind {
                Kind::Prom => PROM_SINKS,
                Kind::Otel => OTEL_SINKS,
            };
            if !sinks.contains(&method.as_str()) {
                continue;
            }
            report(ctx, call, &method, kind, out);
        }
        // Declarations whose label names promise unbounded values.
        for b in &model.bindings {
            // Only a declaration's own `new Histogram({ labelNames })` names its labels.
            let Some(Value::Call(c)) = &b.init else {
                continue;
            };
            if kind_of_call(model, *c) != Some(Kind::Prom) {
                continue;
            }
            let call = &model.calls[c.index()];
            let Some(Value::Object(props)) = call.arg(0) else {
                continue;
            };
            let names: Vec<String> = props
                .iter()
                .filter(|(k, _)| k.as_deref() == Some("labelNames"))
                .flat_map(|(_, v)| match v {
                    Value::Array(items) => items
                        .iter()
                        .filter_map(|x| x.as_str().map(String::from))
                        .collect(),
                    _ => Vec::new(),
                })
                .filter(|n| UNBOUNDED_LABEL_NAMES.contains(&n.to_ascii_lowercase().as_str()))
                .collect();
            if names.is_empty() {
                continue;
            }
            let span: ByteSpan = call.arg_spans.first().copied().unwrap_or(call.span);
            out.push(
                ctx.report(
span,
                    format!("metric `{}` declares label names for unbounded values ({}): each user, path or id becomes a time series", b.name, names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")),
                )
                .with_confidence(Confidence::Medium)
                .with_label(b.span, "declared here")
                .with_help(HELP),
            );
        }
    }
}
