//! `no-unbounded-collection`: a module-level Map, Set, array or object used as a map that grows
//! in repeatedly-run code, with no removal, clear or size bound anywhere (RULES.md §3.1).

use super::{Rule, RuleContext, RuleMeta};
use crate::describe::{confidence_for, how_often, request_source};
use crate::diagnostic::{Confidence, Diagnostic, Severity};
use crate::semantic::cleanup::has_cleanup;
use crate::semantic::{BindingId, BindingKind, Path, Root, SemanticModel, Target, Value};

/// The rule.
pub struct NoUnboundedCollection;

static META: RuleMeta = RuleMeta {
    name: "no-unbounded-collection",
    summary: "Module-level Map, Set, array or object that only grows in code that runs repeatedly",
    default_severity: Severity::Error,
    doc: include_str!("../../rules/no-unbounded-collection.md"),
};

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Map,
    Set,
    Array,
    Object,
}

impl Kind {
    fn noun(self) -> &'static str {
        match self {
            Kind::Map => "Map",
            Kind::Set => "Set",
            Kind::Array => "array",
            Kind::Object => "object used as a map",
        }
    }

    fn growth_methods(self) -> &'static [&'static str] {
        match self {
            Kind::Map => &["set"],
            Kind::Set => &["add"],
            Kind::Array => &["push", "unshift"],
            Kind::Object => &[],
        }
    }
}

fn collection_kind(model: &SemanticModel, init: &Value) -> Option<Kind> {
    match init {
        Value::Array(items) if items.is_empty() => Some(Kind::Array),
        Value::Object(props) if props.is_empty() => Some(Kind::Object),
        Value::Call(c) => {
            let call = &model.calls[*c as usize];
            let callee = call.callee.as_ref()?;
            let global = |name: &str| matches!(&callee.root, Root::Global(g) if g == name);
            match (callee.props.as_slice(), call.is_new) {
                ([], true) if global("Map") => Some(Kind::Map),
                ([], true) if global("Set") => Some(Kind::Set),
                ([], _) if global("Array") && call.args.is_empty() => Some(Kind::Array),
                ([m], false)
                    if global("Object")
                        && m == "create"
                        && matches!(call.arg(0), Some(Value::OtherLiteral)) =>
                {
                    Some(Kind::Object)
                }
                _ => None,
            }
        }
        _ => None,
    }
}

struct Growth {
    span: crate::diagnostic::ByteSpan,
    func: u32,
    what: String,
    request: Option<String>,
}

fn growth_sites(model: &SemanticModel, kind: Kind, alias: &Path, out: &mut Vec<Growth>) {
    for (_, call) in model.method_calls_on(alias, kind.growth_methods()) {
        // A literal key (or a literal member added to a Set) overwrites itself: bounded.
        if matches!(kind, Kind::Map | Kind::Set) && call.arg(0).is_some_and(Value::is_literal) {
            continue;
        }
        let mut paths = Vec::new();
        call.args.iter().for_each(|a| a.mentioned_paths(&mut paths));
        let method = call.method().map(|m| m.to_string()).unwrap_or_default();
        out.push(Growth {
            span: call.callee_span,
            func: call.func,
            what: format!("`.{method}()`"),
            request: request_source(model, &paths),
        });
    }
    for a in model.assigns_under(alias) {
        if let Target::Computed { object, key } = &a.target {
            if object == alias && !key.is_literal() && kind != Kind::Array {
                let mut paths = Vec::new();
                key.mentioned_paths(&mut paths);
                out.push(Growth {
                    span: a.span,
                    func: a.func,
                    what: "a computed-key write".into(),
                    request: request_source(model, &paths),
                });
            }
        }
    }
}

impl Rule for NoUnboundedCollection {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        let model = ctx.model;
        for (i, b) in model.bindings.iter().enumerate() {
            if !b.module_level
                || !matches!(
                    b.kind,
                    BindingKind::Var | BindingKind::Let | BindingKind::Const
                )
            {
                continue;
            }
            let Some(kind) = b.init.as_ref().and_then(|v| collection_kind(model, v)) else {
                continue;
            };
            let aliases: Vec<Path> = model
                .aliases_of(i as BindingId)
                .into_iter()
                .map(Path::binding)
                .collect();
            if aliases.iter().any(|a| has_cleanup(model, a)) {
                continue;
            }
            let mut sites = Vec::new();
            aliases
                .iter()
                .for_each(|a| growth_sites(model, kind, a, &mut sites));
            let mut best: Option<(Confidence, &Growth)> = None;
            for site in &sites {
                let strong = if site.request.is_some() {
                    Confidence::High
                } else {
                    Confidence::Medium
                };
                let freq = model.frequency_of(site.func);
                let conf = match confidence_for(freq, strong) {
                    // Exported callers with request-shaped keys are as certain as handlers.
                    Some(Confidence::Medium) if site.request.is_some() && freq.is_repeated() => {
                        Confidence::High
                    }
                    Some(c) => c,
                    None => continue,
                };
                if best.is_none_or(|(c, _)| conf > c) {
                    best = Some((conf, site));
                }
            }
            let Some((mut confidence, site)) = best else {
                continue;
            };
            // A memo table keyed by something that is not request data is usually bounded by its
            // key domain (format strings, script names, event names, plugin ids): keep it at `low`
            // for objects used as maps, and for Maps/Sets that are looked up in merely exported code.
            let looked_up = aliases
                .iter()
                .any(|a| model.method_calls_on(a, &["get", "has"]).next().is_some());
            let weak = !model.frequency_of(site.func).is_strongly_repeated();
            if site.request.is_none() && (kind == Kind::Object || weak && looked_up) {
                confidence = Confidence::Low;
            }
            let escapes = b.exported
                || model
                    .escapes
                    .iter()
                    .any(|e| aliases.iter().any(|a| a.root_binding() == Some(e.binding)));
            if escapes {
                confidence = confidence.lower();
            }
            let (often, _) = how_often(model, model.frequency_of(site.func));
            let keyed = site
                .request
                .as_deref()
                .map(|r| format!(" (keyed by `{r}`)"))
                .unwrap_or_default();
            let mut d = Diagnostic::new(
                META.name,
                b.span,
                format!("module-level {} `{}` grows {often}{keyed}, and nothing ever removes its entries", kind.noun(), b.name),
            )
            .with_confidence(confidence)
            .with_severity(META.default_severity);
            for s in sites
                .iter()
                .filter(|s| model.frequency_of(s.func) != &crate::semantic::Frequency::Once)
                .take(4)
            {
                let (often, _) = how_often(model, model.frequency_of(s.func));
                d = d.with_label(s.span, format!("grows here through {}, {often}", s.what));
            }
            let help = match kind {
                Kind::Map | Kind::Object => "bound it: use an LRU cache (`new LRUCache({ max })` from lru-cache), delete each entry when its work ends, or check `.size` before adding",
                Kind::Set => "bound it: delete each member when it is done (return an unsubscribe function that calls `.delete()`), use an LRU cache, or clear it past a size limit",
                Kind::Array => "remove items when their work finishes (`splice`, `shift`) or cap the length before pushing",
            };
            out.push(d.with_help(help));
        }
    }
}
