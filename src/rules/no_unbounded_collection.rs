//! `no-unbounded-collection`: a module-level Map, Set, array or object used as a map that grows
//! in repeatedly-run code, with no removal, clear or size bound anywhere.

use std::cell::OnceCell;

use super::{Rule, RuleContext, RuleMeta};
use crate::describe::{confidence_for, how_often, request_source};
use crate::diagnostic::ByteSpan;
use crate::diagnostic::{Confidence, Diagnostic, Severity};
use crate::semantic::cleanup;
use crate::semantic::cleanup::{
    field_release_spans, instance_release_of, is_nullish, nulled_entries, on_error_path,
    release_of, release_sites, release_spans, FieldIndex, Release,
};
use crate::semantic::{
    api, flow, BindingId, BindingKind, ClassId, FuncId, Path, ResultUse, Root, SemanticModel,
    Target, Value,
};
use swc_atoms::Atom;

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
            let call = &model.calls[c.index()];
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
    span: ByteSpan,
    func: crate::semantic::FuncId,
    what: String,
    request: Option<String>,
    /// The class whose instance (`this`) this site stores: the collection is a registry of them.
    instance: Option<ClassId>,
    /// The key is drawn from a standard code set (a time zone, a locale, a currency:
    /// [`crate::semantic::is_code_set_key`]): a table over it stays small.
    bounded_key: bool,
    /// The entry mirrors an entity another store holds under the same key, looked up and
    /// tested just before (`crate::semantic::mirrors_lookup`): the table has no more keys than
    /// that store, whatever the key is made from.
    mirrors: bool,
    /// What the site does to a count kept under its key (`SemanticModel::count_step`): `+1`
    /// takes a reference, `-1` gives one back, `0` for any other write.
    step: i8,
}

/// The class whose instance `value`, stored by code in function `f`, is: `this` or a binding
/// holding it (`const self = this`).
fn stored_instance(model: &SemanticModel, value: Option<&Value>, f: FuncId) -> Option<ClassId> {
    match value {
        Some(Value::Path(p)) if p.props.is_empty() => model.class_of_root(p, f),
        _ => None,
    }
}

fn growth_sites(model: &SemanticModel, kind: Kind, alias: &Path, out: &mut Vec<Growth>) {
    for (id, call) in model.method_calls_on(alias, kind.growth_methods()) {
        // A literal key (or a literal member added to a Set) overwrites itself: bounded.
        if matches!(kind, Kind::Map | Kind::Set) && call.arg(0).is_some_and(Value::is_literal) {
            continue;
        }
        let mut paths = Vec::new();
        call.args.iter().for_each(|a| a.mentioned_paths(&mut paths));
        let method = call.method().map(|m| m.to_string()).unwrap_or_default();
        let stored = if kind == Kind::Map {
            call.arg(1)
        } else {
            call.arg(0)
        };
        out.push(Growth {
            span: call.callee_span,
            func: call.func,
            what: format!("`.{method}()`"),
            request: request_source(model, &paths)
                .or_else(|| counter_key(model, call.arg(0), call.func)),
            instance: stored_instance(model, stored, call.func),
            bounded_key: call.arg(0).is_some_and(|k| code_set_key(model, k)),
            mirrors: kind == Kind::Map
                && matches!((call.arg(0), stored), (Some(k), Some(v))
                    if crate::semantic::mirrors_lookup(model, k, v, call.func, call.span.start)),
            step: match kind {
                Kind::Map => model.count_step(id).unwrap_or(0),
                _ => 0,
            },
        });
    }
    for a in model.assigns_under(alias) {
        if let Target::Computed { object, key } = &a.target {
            // `obj[k] = null` empties an entry (and keeps its key): not growth.
            if object == alias && !key.is_literal() && !is_nullish(&a.value) {
                let mut paths = Vec::new();
                key.mentioned_paths(&mut paths);
                let request =
                    request_source(model, &paths).or_else(|| counter_key(model, Some(key), a.func));
                // An array written at an index usually overwrites a slot (`out[i] = f(x)`); at a
                // lasting counter or a request id it grows (a sparse array as long as the largest
                // id).
                if kind == Kind::Array && !grows_array(model, key, request.is_some(), a.func) {
                    continue;
                }
                out.push(Growth {
                    span: a.span,
                    func: a.func,
                    what: "a computed-key write".into(),
                    request,
                    instance: stored_instance(model, Some(&a.value), a.func),
                    bounded_key: code_set_key(model, key),
                    mirrors: crate::semantic::mirrors_lookup(
                        model,
                        key,
                        &a.value,
                        a.func,
                        a.span.start,
                    ),
                    step: 0,
                });
            }
        }
    }
}

/// A collection that may outlive the code that fills it, with where it grows and where it is
/// released.
struct Candidate {
    /// Where it is declared (the finding's primary span).
    span: ByteSpan,
    /// How the message names it: "module-level Map `cache`", "Map `this.pending` of `Client`".
    what: String,
    kind: Kind,
    sites: Vec<Growth>,
    release: Release,
    /// Code elsewhere can reach it (exported, passed on): someone else may evict.
    escapes: bool,
    /// Whether any alias is looked up (`get`/`has`): a memo table.
    looked_up: bool,
    /// Its owner's lifetime is unknown (a field of a class that may be made per call).
    at_most_low: bool,
    /// It lives as long as an entry of a weak collection: as long as that entry's key object,
    /// which is often long-lived (a cache, a config) but not known to be.
    at_most_medium: bool,
    /// It holds the instances of this class (a registry of live instances).
    registry: Option<ClassId>,
    /// Some entries are set to `null`/`undefined` instead of deleted: the keys stay.
    nulled: bool,
    /// It is pruned only on error paths (`catch`, `.catch()`, `'error'`): not when work succeeds.
    error_only: bool,
    /// It is pruned by the handlers of some of the ways its work ends, not by another
    /// ([`cleanup::released_on_some_completions`]).
    partial: Option<cleanup::PartialRelease>,
}

impl Rule for NoUnboundedCollection {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        let model = ctx.model;
        // The file's field index, built on first use and shared by the checks that need it.
        let index = OnceCell::new();
        keyed_collections_written_with_brackets(ctx, &index, out);
        domain_members(ctx, out);
        let mut candidates = Vec::new();
        imported_registries(ctx, out);
        memo_products(ctx, out);
        module_level(model, &mut candidates);
        instance_fields(model, &index, &mut candidates);
        long_lived_members(model, &mut candidates);
        stored_parts(model, &mut candidates);
        for c in candidates {
            if let Some(d) = report(ctx, c) {
                out.push(d);
            }
        }
    }
}

/// `map[key] = value` on a `Map`, `Set`, `WeakMap` or `WeakSet` binding: brackets set a plain
/// string-keyed property of the object, which neither `delete(key)` nor weak references ever
/// release (the key is the string form of the object: every span, every request, a new
/// property). Always a bug; a leak as long as the collection lives (`high` at module level).
fn keyed_collections_written_with_brackets(
    ctx: &RuleContext<'_>,
    index: &OnceCell<FieldIndex>,
    out: &mut Vec<Diagnostic>,
) {
    let model = ctx.model;
    // Instance fields holding a keyed collection, and the file's field index: found on the first
    // bracket write into a field (one pass each, not one per write).
    let mut fields: Option<Vec<KeyedField>> = None;
    for a in &model.assigns {
        let Target::Computed { object, key } = &a.target else {
            continue;
        };
        if key.is_literal() {
            continue;
        }
        // The collection written to: a binding (`wm[k] = v`), or an instance field
        // (`this.bySpan[k] = v`, `#bySpan` included) initialised in the class body or the
        // constructor.
        let (name, kind, decl, confidence) = match object.props.as_slice() {
            [] => {
                let Some(b) = object.root_binding() else {
                    continue;
                };
                let binding = model.binding(b);
                let Some(kind) = binding.init.as_ref().and_then(|i| keyed_kind(model, i)) else {
                    continue;
                };
                let confidence = if binding.module_level {
                    Confidence::High
                } else {
                    Confidence::Medium
                };
                (binding.name.to_string(), kind, binding.span, confidence)
            }
            [field] => {
                let Some(c) = model.class_of_root(object, a.func) else {
                    continue;
                };
                let keyed = fields.get_or_insert_with(|| keyed_fields(model));
                let Some(f) = keyed.iter().find(|f| f.class == c && &f.name == field) else {
                    continue;
                };
                let index = index.get_or_init(|| FieldIndex::new(model));
                // A field used only with brackets works as a plain object (keyed by whatever
                // its writer chooses, often a fixed set); the mistake shows where the same field
                // is also used through the collection's methods (`.delete(span)` that never
                // removes what brackets wrote), in code that runs more than once per instance.
                let methods = ["get", "set", "has", "delete", "add", "clear"];
                let mixed = index.calls(model, field).any(|call| {
                    call.method().is_some_and(|m| methods.contains(&m.as_str()))
                        && call.callee.as_ref().is_some_and(|p| {
                            p.props.len() == 2 && model.is_field_path(p, call.func, c, field)
                        })
                });
                if !mixed || per_instance_once(model, a.func) {
                    continue;
                }
                (format!("this.{field}"), f.kind, f.decl, Confidence::Medium)
            }
            _ => continue,
        };
        let method = if kind.ends_with("Set") { "add" } else { "set" };
        out.push(
            ctx.report(
                a.span,
                format!("`{name}[…] = …` on a {kind} sets a plain property named after the key's string form: `.delete()` never removes it and a weak key never frees it"),
            )
            .with_confidence(confidence)
            .with_label(decl, format!("a {kind}"))
            .with_help(format!("use `{name}.{method}(key, value)` and `.get(key)`")),
        );
    }
}

/// An instance field initialised with a keyed collection (`Map`, `Set`, `WeakMap`, `WeakSet`).
struct KeyedField {
    class: ClassId,
    name: Atom,
    kind: &'static str,
    decl: ByteSpan,
}

/// The instance fields of the file's classes initialised with a keyed collection, in the class
/// body (`bySpan = new WeakMap()`) or by the constructor (`this.bySpan = new WeakMap()`).
fn keyed_fields(model: &SemanticModel) -> Vec<KeyedField> {
    let mut out = Vec::new();
    for (ci, class) in model.classes.iter().enumerate() {
        for (name, v, span) in &class.fields {
            if let Some(kind) = keyed_kind(model, v) {
                out.push(KeyedField {
                    class: ClassId(ci as u32),
                    name: name.clone(),
                    kind,
                    decl: *span,
                });
            }
        }
    }
    for a in &model.assigns {
        let Target::Path(p) = &a.target else { continue };
        if p.props.len() != 1 || !model.is_constructor(a.func) {
            continue;
        }
        let (Some(c), Some(kind)) = (model.class_of_root(p, a.func), keyed_kind(model, &a.value))
        else {
            continue;
        };
        out.push(KeyedField {
            class: c,
            name: p.props[0].clone(),
            kind,
            decl: a.span,
        });
    }
    out
}

/// `Map`, `Set`, `WeakMap` or `WeakSet` when `init` is `new` of one of them.
fn keyed_kind(model: &SemanticModel, init: &Value) -> Option<&'static str> {
    let g = model.constructed_global(init)?;
    ["Map", "Set", "WeakMap", "WeakSet"]
        .into_iter()
        .find(|k| g == k)
}

/// `d.add(x)` on a Node domain ([`api::is_domain`]) in repeated code with no `d.remove(x)`: the
/// domain's `members` array keeps every `x` for as long as the domain lives (a pool's domain, the
/// process's). A collection nobody declared in this file, grown through the API.
fn domain_members(ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
    let model = ctx.model;
    for call in &model.calls {
        if call.method().is_none_or(|m| m != "add") || call.args.len() != 1 {
            continue;
        }
        let Some(receiver) = call.receiver().filter(|r| api::is_domain(model, r)) else {
            continue;
        };
        let freq = model.frequency_of(call.func);
        let Some(confidence) = confidence_for(freq, Confidence::Medium) else {
            continue;
        };
        let removed = model
            .method_calls_on(&receiver, &["remove"])
            .any(|(_, r)| r.arg(0) == call.arg(0));
        if removed {
            continue;
        }
        let (often, sites) = how_often(model, freq);
        let what = receiver.display(model).to_string();
        out.push(
            ctx.report(
                call.callee_span,
                format!("`{what}.add()` pushes onto the domain's `members` array {often}, and nothing removes it with `{what}.remove()`: a long-lived domain keeps every one"),
            )
            .with_confidence(confidence)
            .with_repetition_sites(sites.elsewhere_only())
            .with_help("do not add per-call objects to a shared domain (an emitter made while the domain is active is already bound to it), or call `.remove()` when the object is done"),
        );
    }
}

/// Module-level bindings initialised with an empty collection.
fn module_level(model: &SemanticModel, out: &mut Vec<Candidate>) {
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
            .aliases_of(BindingId::from_index(i))
            .into_iter()
            .map(Path::binding)
            .collect();
        let Traced {
            sites,
            helped,
            looked_up,
            released_in,
            error_only,
            mut release,
        } = trace(model, kind, &aliases);
        // A registry of a class's live instances (`all.add(this)`) is judged by whether an
        // instance leaves it without its user's help.
        let registry = registry_class(&sites);
        if let Some(c) = registry {
            release = instance_release_of(model, c, released_in.iter().copied());
        }
        if release == Release::Yes {
            note_registry(model, b, &sites, &released_in);
            continue;
        }
        let nulled =
            kind == Kind::Object && aliases.iter().any(|a| !nulled_entries(model, a).is_empty());
        // Code elsewhere may evict from a collection it can reach, unless this module already
        // removes (or tries to remove) entries itself: then the eviction is this module's job.
        let owns_eviction = nulled || matches!(release, Release::TeardownOnly(_));
        // Handing it to a helper of this file whose effect is known is not an escape.
        let escapes = !owns_eviction
            && (b.exported
                || model.escapes.iter().any(|e| {
                    aliases.iter().any(|a| a.root_binding() == Some(e.binding))
                        && !helped.contains(&e.span)
                }));
        out.push(Candidate {
            span: b.span,
            what: format!("module-level {} `{}`", kind.noun(), b.name),
            kind,
            sites,
            release,
            escapes,
            looked_up,
            // A module's `stop()`/`shutdown()` is often part of its normal life (a redeploy
            // stops and restarts flows): entries released only there are shown at `low`. An
            // instance's own `close()` is another matter: each instance dropped without it stays.
            at_most_low: matches!(release, Release::TeardownOnly(_)) && registry.is_none(),
            at_most_medium: false,
            registry,
            nulled,
            error_only,
            partial: None,
        });
    }
}

/// What the growth and release sites of one collection, known by its aliases, say ([`trace`]).
struct Traced {
    /// Where it grows, through the file's helpers too.
    sites: Vec<Growth>,
    /// The calls that hand it to a helper of this file whose effect is known.
    helped: Vec<ByteSpan>,
    /// Whether it is looked up (`get`, `has`): a memo table evicts by key.
    looked_up: bool,
    /// The functions whose release is on the normal path of their work.
    released_in: Vec<FuncId>,
    /// Whether its only releases are on error paths.
    error_only: bool,
    /// Where it is released, as [`release_of`] says from `released_in`.
    release: Release,
}

/// The growth and release sites of a collection of `kind` known by `aliases`, followed through
/// the file's helpers.
fn trace(model: &SemanticModel, kind: Kind, aliases: &[Path]) -> Traced {
    let mut released_at: Vec<(FuncId, ByteSpan)> = aliases
        .iter()
        .flat_map(|a| release_spans(model, a, None))
        .collect();
    let mut sites = Vec::new();
    aliases
        .iter()
        .for_each(|a| growth_sites(model, kind, a, &mut sites));
    let helped = through_helpers(model, kind, aliases, &mut sites, &mut released_at);
    let looked_up = aliases.iter().any(|a| {
        model
            .method_calls_on(a, api::LOOKUP_METHODS)
            .next()
            .is_some()
    });
    let (released_in, error_only) =
        normal_path_releases(model, &released_at, looked_up || kind == Kind::Object);
    let release = release_of(model, released_in.iter().copied());
    Traced {
        sites,
        helped,
        looked_up,
        released_in,
        error_only,
        release,
    }
}

/// A module-level collection that some exported functions fill and others empty is a registry
/// whose users live in other modules: whether they ever call the removing function is for the
/// project pass to find out ([`SemanticModel::note_registry`], [`imported_registries`]).
fn note_registry(
    model: &SemanticModel,
    b: &crate::semantic::Binding,
    sites: &[Growth],
    released_in: &[FuncId],
) {
    if sites.is_empty() || released_in.is_empty() {
        return;
    }
    let mut adds = Vec::new();
    for s in sites {
        let names = model.export_names_of_func(s.func);
        if names.is_empty() {
            return;
        }
        adds.extend(names);
    }
    let mut removes = Vec::new();
    for &f in released_in {
        let names = model.export_names_of_func(f);
        if names.is_empty() {
            return;
        }
        removes.extend(names);
    }
    adds.sort();
    adds.dedup();
    removes.sort();
    removes.dedup();
    if adds.iter().any(|a| removes.contains(a)) {
        return;
    }
    let returns_handle = sites
        .iter()
        .any(|s| model.escapes.iter().any(|e| e.func == s.func && e.returned));
    model.note_registry(crate::semantic::Registry {
        collection: b.name.clone(),
        span: b.span,
        adds,
        removes,
        returns_handle,
    });
}

/// Calls of another module's registry function (`register(x)`, found by the project pass:
/// [`SemanticModel::imported_registry`]) whose entry nothing removes: the handle it returns is
/// dropped in code that runs repeatedly, so the entry can never be removed; or it is kept in an
/// instance field of a class whose teardown (`close()`, `shutdown()`) never calls the removing
/// function with it; or, in code that runs repeatedly, no module of the project ever calls the
/// removing function.
fn imported_registries(ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
    let model = ctx.model;
    for call in &model.calls {
        let Some(reg) = model.imported_registry(call) else {
            continue;
        };
        let removes_here: Vec<&crate::semantic::Call> = model
            .calls
            .iter()
            .filter(|c| {
                model
                    .imported_callee(c)
                    .is_some_and(|(s, n)| s == reg.specifier && reg.registry.removes.contains(&n))
            })
            .collect();
        let name = callee_text(model, call);
        let remove = reg.registry.removes[0].as_str();
        let collection = format!(
            "`{}` (`{}:{}`)",
            reg.registry.collection, reg.file, reg.at.start.line
        );
        let freq = model.frequency_of(call.func);
        let message = match &call.result {
            ResultUse::Discarded if reg.registry.returns_handle && freq.is_repeated() => {
                let (often, sites) = how_often(model, freq);
                Some((
                    format!("`{name}()` adds an entry to {collection} {often} and its result, the handle `{remove}()` needs to remove it, is dropped: these entries are never removed"),
                    confidence_for(freq, Confidence::High).unwrap_or(Confidence::Medium),
                    sites,
                ))
            }
            ResultUse::Assigned(p) if matches!(p.root, Root::This) && p.props.len() == 1 => {
                let field = &p.props[0];
                let class = model.class_of_root(p, call.func);
                let teardown = class.and_then(|c| model.teardown_methods(c).first().copied());
                let released = removes_here.iter().any(|r| {
                    r.args.iter().any(|a| {
                        let mut paths = Vec::new();
                        a.mentioned_paths(&mut paths);
                        paths.iter().any(|q| q.props.last() == Some(field))
                    })
                });
                match teardown {
                    Some(t) if !released && per_instance_once(model, call.func) => {
                        let t = model.teardown_name(t);
                        Some((
                            format!("`{name}()` adds an entry to {collection} for each instance and keeps its handle in `this.{field}`, but `{t}()` never calls `{remove}()` with it: every torn-down instance stays registered"),
                            Confidence::Medium,
                            crate::diagnostic::RepetitionSites::default(),
                        ))
                    }
                    _ => None,
                }
            }
            _ if freq.is_strongly_repeated()
                && removes_here.is_empty()
                && !reg.removed_elsewhere =>
            {
                let (often, sites) = how_often(model, freq);
                Some((
                    format!("`{name}()` adds an entry to {collection} {often}, and nothing in the project ever calls `{remove}()`: the entries are never removed"),
                    Confidence::Medium,
                    sites,
                ))
            }
            _ => None,
        };
        if let Some((message, confidence, sites)) = message {
            let declared = crate::diagnostic::ElsewhereLabel {
                path: reg.file.clone(),
                range: reg.at,
                message: format!(
                    "`{}` is declared here; `{}()` removes its entries",
                    reg.registry.collection, remove
                ),
            };
            out.push(
                ctx.report(call.callee_span, message)
                    .with_confidence(confidence)
                    .with_repetition_sites(sites.elsewhere_only())
                    .with_elsewhere(declared)
                    .with_help(format!(
                        "call `{remove}()` with this entry's handle when its work ends (or in the teardown)"
                    )),
            );
        }
    }
}

/// The memo tables of this file's memoizing factories ([`SemanticModel::memo_factories`]) whose
/// product is kept for the process and called with request data: each product's table grows
/// with every distinct key, like a module-level memo keyed by `req.url`. Reported at the growth
/// (where a bound goes) when a module-level binding of this file holds a product and calls it
/// with request data in repeated code, or when the project pass found another module doing so
/// with a product of an exported factory ([`SemanticModel::imported_memo_use`]). A product
/// called only with other keys (literals, code sets, constants) is left alone, as module-level
/// memo tables keyed by them are.
#[inline(never)]
fn memo_products(ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
    let model = ctx.model;
    for m in model.memo_factories() {
        let growth = &model.calls[m.growth.index()];
        let collection = model.binding(m.collection);
        let factory = model
            .function(m.factory)
            .name
            .as_deref()
            .unwrap_or("the factory")
            .to_string();
        let made = if collection.kind == BindingKind::Param {
            format!(
                "Map `{}` (the default of a parameter of `{factory}()`)",
                collection.name
            )
        } else {
            format!(
                "Map `{}` made by each call of `{factory}()`",
                collection.name
            )
        };
        let help = "bound it: use an LRU cache (`new LRUCache({ max })` from lru-cache) as the memo table, or check `.size` before adding";
        // A product kept in this file.
        if let Some((confidence, product, call, request)) = local_memo_product(model, m) {
            let freq = model.frequency_of(call.func);
            let (often, sites) = how_often(model, freq);
            let name = &model.binding(product).name;
            let confidence = if m.escapes {
                confidence.lower()
            } else {
                confidence
            };
            out.push(
                ctx.report(
                    growth.callee_span,
                    format!("{made} grows for each new key its product `{name}` is called with, and `{name}` is kept for the process and called {often} with `{request}`: nothing ever removes the entries"),
                )
                .with_confidence(confidence)
                .with_site(growth.callee_span)
                .with_repetition_sites(sites.elsewhere_only())
                .with_label(collection.span, "the memo table, one per product")
                .with_label(model.binding(product).span, format!("`{name}` keeps a product, and its table, for the process"))
                .with_label(call.callee_span, format!("called {often} with `{request}` as the key"))
                .with_help(help),
            );
            continue;
        }
        // A product kept by another module.
        let names = model.export_names_of_func(m.factory);
        if names.is_empty() {
            continue;
        }
        if let Some(u) = model.imported_memo_use(&names) {
            // As for a module-level memo table: request data makes a merely exported caller
            // as certain as a handler; a table code elsewhere can reach is one step lower.
            let confidence = if m.escapes {
                Confidence::Medium
            } else {
                Confidence::High
            };
            out.push(
                ctx.report(
                    growth.callee_span,
                    format!("{made} grows for each new key its product `{}` is called with, and `{}` (`{}:{}`) keeps it for the process and calls it {} with `{}`: nothing ever removes the entries", u.product, u.product, u.file, u.declared.start.line, u.why, u.request),
                )
                .with_confidence(confidence)
                .with_site(growth.callee_span)
                .with_label(collection.span, "the memo table, one per product")
                .with_elsewhere(crate::diagnostic::ElsewhereLabel {
                    path: u.file.clone(),
                    range: u.declared,
                    message: format!("`{}` keeps a product of `{factory}()`, and its table, for the process", u.product),
                })
                .with_elsewhere(crate::diagnostic::ElsewhereLabel {
                    path: u.file.clone(),
                    range: u.call,
                    message: format!("called {} with `{}` as the key", u.why, u.request),
                })
                .with_help(help),
            );
        }
    }
}

/// The product of memoizing factory `m` that this file keeps for the process (a module-level
/// binding initialised by a call of the factory that uses the default table) and calls with
/// request data as the key, in code that runs repeatedly: the confidence, the product's
/// binding, the call and the request data. The most certain such call is taken.
fn local_memo_product<'a>(
    model: &'a SemanticModel,
    m: &crate::semantic::MemoFactory,
) -> Option<(Confidence, BindingId, &'a crate::semantic::Call, String)> {
    let factory = model.function(m.factory).binding?;
    let mut best: Option<(Confidence, BindingId, &crate::semantic::Call, String)> = None;
    for &c in model.calls_mentioning(factory) {
        let made = &model.calls[c.index()];
        if made.is_new || made.callee.as_ref() != Some(&Path::binding(factory)) {
            continue;
        }
        let ResultUse::Declared(product) = made.result else {
            continue;
        };
        let kept = model.binding(product).module_level;
        let default = m
            .replaceable
            .as_ref()
            .is_none_or(|r| r.default_used(&crate::semantic::memo::arg_shapes(made)));
        if !kept || !default {
            continue;
        }
        for &u in model.calls_mentioning(product) {
            let call = &model.calls[u.index()];
            if call.callee.as_ref() != Some(&Path::binding(product)) {
                continue;
            }
            let keys: Vec<&Value> = call
                .args
                .iter()
                .enumerate()
                .filter(|&(i, _)| m.key.covers(i))
                .map(|(_, a)| a)
                .collect();
            // A key drawn from a standard code set (a time zone, a locale) stays small.
            if keys.iter().all(|k| code_set_key(model, k)) {
                continue;
            }
            let mut paths = Vec::new();
            keys.iter().for_each(|a| a.mentioned_paths(&mut paths));
            let Some(request) = request_source(model, &paths) else {
                continue;
            };
            let freq = model.frequency_of(call.func);
            let confidence = match confidence_for(freq, Confidence::High) {
                Some(Confidence::Medium) if freq.is_repeated() => Confidence::High,
                Some(x) => x,
                None => continue,
            };
            if best.as_ref().is_none_or(|(b, ..)| confidence > *b) {
                best = Some((confidence, product, call, request));
            }
        }
    }
    best
}

/// How a message names the function `call` calls (`registerSocket`, `channelz.register`).
fn callee_text(model: &SemanticModel, call: &crate::semantic::Call) -> String {
    call.callee
        .as_ref()
        .map(|p| p.display(model).to_string())
        .unwrap_or_default()
}

/// The functions of the releases in `released_at` that can run when work succeeds, and whether
/// there were releases but all of them run only when something failed (a `catch` block, a
/// `.catch()` callback, an `'error'` listener: [`on_error_path`]): then entries of work that
/// succeeds are never removed.
///
/// A collection that is looked up (`memo`: a cache) is exempt: evicting only failures
/// (`cache.set(k, p); p.catch(() => cache.delete(k))`) is how a memo of promises retries them,
/// and whether its keys are bounded is the memo question, not this one. Callers pass objects used
/// as maps as `memo` too: their lookups (`obj[k]`) are not visible, and a registry that drops the
/// entries whose set-up failed (`plugins[id] = p; try { p.init() } catch { delete plugins[id] }`)
/// keeps the others by design.
fn normal_path_releases(
    model: &SemanticModel,
    released_at: &[(FuncId, ByteSpan)],
    memo: bool,
) -> (Vec<FuncId>, bool) {
    if memo {
        return (released_at.iter().map(|&(f, _)| f).collect(), false);
    }
    let normal: Vec<FuncId> = released_at
        .iter()
        .filter(|&&(f, span)| !on_error_path(model, f, span))
        .map(|&(f, _)| f)
        .collect();
    let error_only = normal.is_empty() && !released_at.is_empty();
    (normal, error_only)
}

/// Growth and releases of the collection at `aliases` through helpers of this file it is handed
/// to (`remember(cache, key, value)` where `remember` calls `cache.set(…)`): a growth inside the
/// helper is a growth site at the call (in the caller's function, with the call's other arguments
/// as the key), a removal inside it a release in the caller. Returns the spans of the calls whose
/// helper was followed.
fn through_helpers(
    model: &SemanticModel,
    kind: Kind,
    aliases: &[Path],
    sites: &mut Vec<Growth>,
    released_at: &mut Vec<(FuncId, ByteSpan)>,
) -> Vec<ByteSpan> {
    let mut followed: Vec<ByteSpan> = Vec::new();
    for alias in aliases {
        let Some(b) = alias.root_binding() else {
            continue;
        };
        for &c in model.calls_mentioning(b) {
            let call = &model.calls[c.index()];
            if followed.contains(&call.span) {
                continue;
            }
            let Some(i) = call
                .args
                .iter()
                .position(|a| matches!(a, Value::Path(p) if p == alias))
            else {
                continue;
            };
            let Some((_, param)) = flow::param_of_callee(model, call, i) else {
                continue;
            };
            let param = Path::binding(param);
            let mut inner = Vec::new();
            growth_sites(model, kind, &param, &mut inner);
            let releases = release_sites(model, &param, None);
            if inner.is_empty() && releases.is_empty() {
                continue;
            }
            followed.push(call.span);
            if !releases.is_empty() {
                released_at.push((call.func, call.span));
            }
            if let Some(g) = inner.first() {
                let others: Vec<Value> = call
                    .args
                    .iter()
                    .enumerate()
                    .filter(|&(j, _)| j != i)
                    .map(|(_, v)| v.clone())
                    .collect();
                let name = callee_text(model, call);
                let mut site = growth(
                    model,
                    call.callee_span,
                    call.func,
                    format!("`{name}()`, which grows it through {}", g.what),
                    &others,
                );
                site.request = site.request.or_else(|| g.request.clone());
                sites.push(site);
            }
        }
    }
    followed
}

/// The class whose instances every growth site stores (`all.add(this)` in its constructor,
/// `jobs[this.name] = this` in a method), if there is one and only one.
fn registry_class(sites: &[Growth]) -> Option<ClassId> {
    let first = sites.first()?.instance?;
    sites
        .iter()
        .all(|s| s.instance == Some(first))
        .then_some(first)
}

/// Instance fields initialised with an empty collection (`pending = new Map()` in the class body,
/// `this.pending = new Map()` in the constructor) of classes whose instances live on: made at
/// module level, or public (code elsewhere makes and keeps them). Growth counts in methods; a
/// constructor filling its own collection runs once per instance.
fn instance_fields(model: &SemanticModel, index: &OnceCell<FieldIndex>, out: &mut Vec<Candidate>) {
    for (ci, class) in model.classes.iter().enumerate() {
        let c = ClassId(ci as u32);
        // How long an instance lives: a module-level instance lives as long as the process; a
        // public class's instances as long as their creators keep them, which a teardown method
        // (`close()`, `destroy()`) says is long (a client, a pool, a server). Other public
        // classes (builders, per-call state) are at most `low`.
        // A dependency-injection container's singleton (a NestJS provider) is one instance for
        // the application's life, made by the container.
        let singleton = model
            .instantiations(c)
            .any(|(_, call)| call.func == crate::semantic::MODULE || kept_by_module(model, call))
            || crate::semantic::api::is_container_singleton(model, c);
        let resource = class.methods.iter().any(|&m| {
            model
                .function(m)
                .name
                .as_deref()
                .is_some_and(crate::semantic::api::is_teardown_name)
        });
        if !singleton && !model.class_is_public(c) {
            continue;
        }
        let short_lived = !singleton && !resource;
        let index = index.get_or_init(|| FieldIndex::new(model));
        let mut decls: Vec<(Atom, Kind, ByteSpan)> = class
            .fields
            .iter()
            .filter_map(|(name, v, span)| Some((name.clone(), collection_kind(model, v)?, *span)))
            .collect();
        if let Some(ctor) = class.constructor {
            for a in index.assigns_in(model, ctor) {
                if let Target::Path(p) = &a.target {
                    if p.props.len() == 1 && model.class_of_root(p, a.func) == Some(c) {
                        if let Some(kind) = collection_kind(model, &a.value) {
                            decls.push((p.props[0].clone(), kind, a.span));
                        }
                    }
                }
            }
        }
        for (field, kind, span) in decls {
            let at =
                |p: &Path, f: FuncId| p.props.len() == 1 && model.is_field_path(p, f, c, &field);
            let looked_up = index.calls(model, &field).any(|call| {
                call.method().is_some_and(|m| m == "get" || m == "has")
                    && call.receiver().is_some_and(|r| at(&r, call.func))
            });
            let (released_in, error_only) = normal_path_releases(
                model,
                &field_release_spans(model, index, c, &field),
                looked_up || kind == Kind::Object,
            );
            let release = release_of(model, released_in);
            let release_funcs: Vec<FuncId> = field_release_spans(model, index, c, &field)
                .into_iter()
                .map(|(f, _)| f)
                .collect();
            let mut sites = Vec::new();
            for call in index.calls(model, &field) {
                let (Some(m), Some(receiver)) = (call.method(), call.receiver()) else {
                    continue;
                };
                if kind.growth_methods().contains(&m.as_str())
                    && at(&receiver, call.func)
                    && !per_instance_once(model, call.func)
                    && !(matches!(kind, Kind::Map | Kind::Set)
                        && call.arg(0).is_some_and(Value::is_literal))
                {
                    sites.push(growth(
                        model,
                        call.callee_span,
                        call.func,
                        format!("`.{m}()`"),
                        &call.args,
                    ));
                }
            }
            for a in index.assigns(model, &field) {
                if let Target::Computed { object, key } = &a.target {
                    if !key.is_literal()
                        && !is_nullish(&a.value)
                        && at(object, a.func)
                        && !per_instance_once(model, a.func)
                    {
                        let site = growth(
                            model,
                            a.span,
                            a.func,
                            "a computed-key write".into(),
                            std::slice::from_ref(key),
                        );
                        // As for module-level arrays: only a lasting counter or a request key
                        // grows one.
                        if kind != Kind::Array
                            || grows_array(model, key, site.request.is_some(), a.func)
                        {
                            sites.push(site);
                        }
                    }
                }
            }
            // Released, but maybe only on some of the ways the work that grows it ends.
            let partial = if release == Release::Yes {
                let found = sites.iter().find_map(|s| {
                    cleanup::released_on_some_completions(model, s.func, &release_funcs)
                });
                if found.is_none() {
                    continue;
                }
                found
            } else {
                None
            };
            // Registries filled by set-up methods (`use(fn)`, `plugin(p)`, `registerHook(h)`)
            // grow with the program, not with its traffic: only a key from request data, or
            // growth in code repeated for a reason visible here, says otherwise. Entries removed
            // when the work completes are per-work entries, not a registry's.
            let traffic = partial.is_some()
                || sites.iter().any(|s| {
                    s.request.is_some() || model.frequency_of(s.func).is_strongly_repeated()
                });
            // `this.byId[k] = null`: entries emptied one by one, keys kept.
            let nulled = kind == Kind::Object
                && index.assigns(model, &field).any(|a| {
                    matches!(&a.target, Target::Computed { object, .. } if at(object, a.func))
                        && is_nullish(&a.value)
                });
            let class_name = class.name.as_deref().unwrap_or("this class");
            out.push(Candidate {
                span,
                what: format!("{} `this.{field}` of `{class_name}`", kind.noun()),
                kind,
                sites,
                release,
                escapes: false,
                looked_up,
                at_most_low: short_lived || !traffic,
                at_most_medium: false,
                registry: None,
                nulled,
                error_only,
                partial,
            });
        }
    }
}

/// Whether the instance `call` makes is stored where the module keeps it: a module-level binding
/// (`instance = new Registry()` in a lazy getter) or a member of one or of a global
/// (`Registry.instance = new Registry()`, `global.registry = …`). Such an instance lives as long
/// as the process (until it is replaced), wherever it is made.
fn kept_by_module(model: &SemanticModel, call: &crate::semantic::Call) -> bool {
    let lasting = |p: &Path| match &p.root {
        Root::Binding(b) => model.binding(*b).module_level,
        Root::Global(_) => true,
        _ => false,
    };
    match &call.result {
        ResultUse::Declared(b) => model.binding(*b).module_level,
        ResultUse::Assigned(p) => lasting(p),
        _ => false,
    }
}

/// Collections stored on a long-lived object by assignment (`global.tasks = new Map()`,
/// `module.exports.cache = new Map()`, `createThing.instances = []`): the path starts at a
/// global or a module-level binding.
fn long_lived_members(model: &SemanticModel, out: &mut Vec<Candidate>) {
    let mut seen: Vec<&Path> = Vec::new();
    for a in &model.assigns {
        let Target::Path(p) = &a.target else { continue };
        if p.props.is_empty() || seen.contains(&p) {
            continue;
        }
        let long_lived = match &p.root {
            Root::Global(_) => true,
            Root::Binding(b) => model.binding(*b).module_level,
            _ => false,
        };
        let Some(kind) = collection_kind(model, &a.value).filter(|_| long_lived) else {
            continue;
        };
        seen.push(p);
        let looked_up = model
            .method_calls_on(p, api::LOOKUP_METHODS)
            .next()
            .is_some();
        let (released_in, error_only) = normal_path_releases(
            model,
            &release_spans(model, p, Some(a.span)),
            looked_up || kind == Kind::Object,
        );
        let release = release_of(model, released_in);
        if release == Release::Yes {
            continue;
        }
        let mut sites = Vec::new();
        growth_sites(model, kind, p, &mut sites);
        out.push(Candidate {
            span: a.span,
            what: format!("{} `{}`", kind.noun(), p.display(model)),
            kind,
            sites,
            release,
            // An exported member may be evicted by its importers; a global's owner is this file.
            escapes: !matches!(p.root, Root::Global(_)),
            looked_up,
            at_most_low: false,
            at_most_medium: false,
            registry: None,
            nulled: false,
            error_only,
            partial: None,
        });
    }
}

/// Collections made inside a literal that a module-level Map or WeakMap stores as an entry's
/// value (`store.set(key, [new Map(), new Map()])`) and reached by destructuring its lookup
/// (`const [a, b] = store.get(key)`): each lives as long as that entry, and every binding that
/// takes it is one of its names. An entry removed from the store takes them with it.
fn stored_parts(model: &SemanticModel, out: &mut Vec<Candidate>) {
    for part in model.stored_parts() {
        let Some(kind) = collection_kind(model, part.value) else {
            continue;
        };
        let store = Path::binding(part.store);
        if !release_spans(model, &store, None).is_empty() {
            continue;
        }
        let aliases: Vec<Path> = part.bindings.iter().map(|&b| Path::binding(b)).collect();
        let Traced {
            sites,
            helped,
            looked_up,
            released_in: _,
            error_only,
            release,
        } = trace(model, kind, &aliases);
        if release == Release::Yes {
            continue;
        }
        let escapes = model
            .escapes
            .iter()
            .any(|e| part.bindings.contains(&e.binding) && !helped.contains(&e.span));
        let put = &model.calls[part.put.index()];
        let span = match part.value {
            Value::Call(c) => model.calls[c.index()].span,
            _ => put.span,
        };
        let store = model.binding(part.store);
        let names: Vec<&str> = part
            .bindings
            .iter()
            .map(|&b| model.binding(b).name.as_str())
            .collect();
        out.push(Candidate {
            span,
            what: format!(
                "{} `{}`, kept in each value of module-level {} `{}`,",
                kind.noun(),
                names.first().copied().unwrap_or("?"),
                if part.weak { "WeakMap" } else { "Map" },
                store.name
            ),
            kind,
            sites,
            release,
            escapes,
            looked_up,
            at_most_low: matches!(release, Release::TeardownOnly(_)),
            at_most_medium: part.weak,
            registry: None,
            nulled: false,
            error_only,
            partial: None,
        });
    }
}

fn growth(
    model: &SemanticModel,
    span: ByteSpan,
    func: FuncId,
    what: String,
    args: &[Value],
) -> Growth {
    let mut paths = Vec::new();
    args.iter().for_each(|a| a.mentioned_paths(&mut paths));
    Growth {
        span,
        func,
        what,
        request: request_source(model, &paths).or_else(|| counter_key(model, args.first(), func)),
        instance: None,
        bounded_key: args.first().is_some_and(|k| code_set_key(model, k)),
        mirrors: matches!(args, [key, value, ..]
            if crate::semantic::mirrors_lookup(model, key, value, func, span.start)),
        step: 0,
    }
}

/// Whether every name `key` is made of names a standard code set
/// ([`crate::semantic::is_code_set_key`]).
fn code_set_key(model: &SemanticModel, key: &Value) -> bool {
    crate::semantic::is_code_set_key(model, key)
}

/// A description of `key` (written in function `f`) when it is made from a counter
/// ([`SemanticModel::is_counter`]): such keys never repeat.
fn counter_key(model: &SemanticModel, key: Option<&Value>, f: FuncId) -> Option<String> {
    let mut paths = Vec::new();
    key?.mentioned_paths(&mut paths);
    paths
        .iter()
        .find(|p| model.is_counter(p, f))
        .map(|p| p.display(model).to_string())
}

/// Whether writing an array at index `key` (in function `f`) grows it: the key comes from request
/// data (`keyed`, already found), or it is a counter that outlives the call (`seq++` at module
/// level, `this.nextId++`, a local taking such a value: `const id = seq++`) — not a loop index or
/// another local that counts on its own from wherever each call starts it
/// (`for (let i = start; i <= end; i++) out[i] = …` fills the same slots).
fn grows_array(model: &SemanticModel, key: &Value, keyed: bool, f: FuncId) -> bool {
    let mut paths = Vec::new();
    key.mentioned_paths(&mut paths);
    let local_count = |p: &Path| match (p.root_binding(), p.props.is_empty()) {
        (Some(b), true) => {
            model.is_within(model.binding(b).func, f)
                && model
                    .assigns_under(p)
                    .any(|a| !a.plain && matches!(&a.target, Target::Path(t) if t == p))
        }
        _ => false,
    };
    let lasting = paths
        .iter()
        .any(|p| model.is_counter(p, f) && !local_count(p));
    lasting || keyed && !paths.iter().any(local_count)
}

/// Whether function `f` runs once per instance: a constructor, or a start-up method (or code
/// only they call) — filling an instance's own collection there does not grow it over time.
fn per_instance_once(model: &SemanticModel, f: FuncId) -> bool {
    model.is_constructor(f) || model.frequency_of(f).is_once_per_instance()
}

/// The releases of a map of reference counts: when some growth site takes a reference
/// (`m.set(k, (m.get(k) || 0) + 1)`) and others give one back by writing a lower count
/// (`m.set(k, m.get(k) - 1)`), the latter add no key and are taken out of `sites`; their spans are
/// returned. Empty when the map is not one (its candidate has no removal: a `delete` would have
/// released it).
fn reference_count_releases(sites: &mut Vec<Growth>) -> Vec<ByteSpan> {
    if !sites.iter().any(|s| s.step > 0) || !sites.iter().any(|s| s.step < 0) {
        return Vec::new();
    }
    let spans = sites
        .iter()
        .filter(|s| s.step < 0)
        .map(|s| s.span)
        .collect();
    sites.retain(|s| s.step >= 0);
    spans
}

/// The finding for a candidate that grows in repeated code, if any.
fn report(ctx: &RuleContext<'_>, mut c: Candidate) -> Option<Diagnostic> {
    let model = ctx.model;
    let decrements = reference_count_releases(&mut c.sites);
    let mut best: Option<(Confidence, &Growth)> = None;
    for site in &c.sites {
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
            Some(x) => x,
            None => continue,
        };
        if best.is_none_or(|(b, _)| conf > b) {
            best = Some((conf, site));
        }
    }
    let (mut confidence, site) = best?;
    // A memo table keyed by something that is not request data is usually bounded by its key
    // domain (format strings, script names, event names, plugin ids): keep it at `low` for
    // objects used as maps, and for Maps/Sets that are looked up in merely exported code.
    let weak = !model.frequency_of(site.func).is_strongly_repeated();
    // Entries that hold instances, or that are emptied one by one (`m[k] = null`), are per-work
    // items, not a memo table over a bounded domain.
    // So are reference counts: one entry per key while anyone holds it.
    let per_item =
        c.registry.is_some() || c.nulled || c.partial.is_some() || !decrements.is_empty();
    // A memo over a standard code set (time zones, locales) holds a few hundred entries at most.
    let code_set_memo = c.looked_up && site.bounded_key;
    // A cache of wrappers over another store's entities (`if (d) cache.set(id, new W(d))`
    // after `const d = store.get(id)`) is bounded by that store, even under request keys.
    let mirror_memo = c.looked_up && site.mirrors;
    if !per_item
        && (mirror_memo
            || site.request.is_none()
                && (c.kind == Kind::Object || weak && c.looked_up || code_set_memo))
    {
        confidence = Confidence::Low;
    }
    // Which way a piece of work ends is the completion model's reading of its handlers: no more
    // than `medium`.
    if c.partial.is_some() && confidence > Confidence::Medium {
        confidence = Confidence::Medium;
    }
    if c.escapes {
        confidence = confidence.lower();
    }
    if c.at_most_medium {
        confidence = confidence.min(Confidence::Medium);
    }
    if c.at_most_low {
        confidence = Confidence::Low;
    }
    let (often, sites_of_repetition) = how_often(model, model.frequency_of(site.func));
    let keyed = site
        .request
        .as_deref()
        .map(|r| format!(" (keyed by `{r}`)"))
        .unwrap_or_default();
    let released = match (c.release, c.registry) {
        (Release::TeardownOnly(f), Some(_)) => {
            let name = model.function(f).name.as_deref().unwrap_or("teardown code");
            format!(
                ", and only `{name}` removes one: an instance dropped without calling `{name}()` is never collected"
            )
        }
        (Release::TeardownOnly(f), None) => format!(
            ", and only `{}` removes its entries",
            model.function(f).name.as_deref().unwrap_or("teardown code")
        ),
        _ if c.nulled => {
            ", and its entries are only set to `null`: every key ever written stays".into()
        }
        _ if c.error_only => ", and only its error handling removes entries: work that succeeds leaves its entry for good".into(),
        _ if !decrements.is_empty() => ", and its entries are reference counts that are only written back lower, never deleted at zero: every key ever counted stays".into(),
        _ if c.partial.is_some() => format!(
            ", and only some of the ways its work ends remove the entry: each call that ends by '{}' leaves its entry for good",
            c.partial.as_ref().map(|p| p.missing_event.as_str()).unwrap_or_default()
        ),
        _ => ", and nothing ever removes its entries".into(),
    };
    let holds = c
        .registry
        .map(|r| {
            format!(
                " (it holds `{}` instances)",
                model.class(r).name.as_deref().unwrap_or("class")
            )
        })
        .unwrap_or_default();
    let mut d = ctx
        .report(
            c.span,
            format!("{}{holds} grows {often}{keyed}{released}", c.what),
        )
        .with_confidence(confidence)
        // The growth labels below say how often each site runs; the uses in other modules that
        // make it so are labels of their own.
        .with_repetition_sites(sites_of_repetition.elsewhere_only());
    // Every growth call is where this leak is made: a closure finding kept alive by one of them
    // is the same leak (crate::merge).
    for s in &c.sites {
        d = d.with_site(s.span);
    }
    for s in c
        .sites
        .iter()
        .filter(|s| model.frequency_of(s.func) != &crate::semantic::Frequency::Once)
        .take(4)
    {
        let (often, _) = how_often(model, model.frequency_of(s.func));
        d = d.with_label(s.span, format!("grows here through {}, {often}", s.what));
    }
    for &span in &decrements {
        d = d.with_label(
            span,
            "the count is written back lower here, and nothing deletes the key when it reaches 0",
        );
    }
    if let Some(p) = &c.partial {
        d = d
            .with_label(p.releasing, "this outcome removes the entry")
            .with_label(
                p.missing,
                format!(
                    "the work can end here ('{}'), and nothing then removes the entry",
                    p.missing_event
                ),
            );
    }
    let help = match c.kind {
        _ if c.partial.is_some() => "remove the entry on every way the work ends (each completion handler: response, error, timeout, close), or in a `finally` after it settles",
        _ if c.nulled => "remove entries with `delete obj[key]` (or use a `Map` and `.delete(key)`): assigning `null` keeps the key",
        _ if !decrements.is_empty() => "delete the key when its count reaches zero (`if (count > 0) map.set(key, count); else map.delete(key)`)",
        _ if c.error_only => "remove the entry on every path (in a `finally`, or where the work completes), not only when it fails",
        _ if c.registry.is_some() => "hold the instances weakly (a `WeakRef` or a `FinalizationRegistry`), or remove each one when its work ends, not only when its user tears it down",
        Kind::Map | Kind::Object => "bound it: use an LRU cache (`new LRUCache({ max })` from lru-cache), delete each entry when its work ends, or check `.size` before adding",
        Kind::Set => "bound it: delete each member when it is done (return an unsubscribe function that calls `.delete()`), use an LRU cache, or clear it past a size limit",
        Kind::Array => "remove items when their work finishes (`splice`, `shift`) or cap the length before pushing",
    };
    Some(d.with_help(help))
}
