//! What one module tells the rest of the project ([`ModuleSummary`]): how it uses the names it
//! imports, which modules it re-exports, the names it exports, and which of its exports' uses
//! elsewhere its findings depended on. Computed from the semantic model after the rules ran.

use swc_atoms::Atom;

use crate::diagnostic::ByteSpan;
use crate::semantic::frequency::{classify_callback, CallbackKind};
use crate::semantic::held::HeldListener;
use crate::semantic::pinned::PinnedExport;
use crate::semantic::{
    BindingId, Frequency, FuncId, ReExport, Registry, Repeat, ResultUse, RunOnce, SemanticModel,
    Value, MODULE,
};
use crate::source::{LineIndex, PositionRange};

/// How often one use of an imported name runs, as far as the using module can tell.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum UseRuns {
    /// At most once per process: in the module body, or in functions that only it calls
    /// (directly, or through iteration and promise callbacks), behind a run-once guard, or in a
    /// start-up function.
    Once,
    /// In a test file.
    InTest,
    /// Repeatedly, for a reason this module shows.
    Repeated {
        /// The reason, in the words of the findings ("on every request").
        why: String,
        /// Where the use is: the callee of a call, or the argument that hands the name on.
        at: PositionRange,
        /// The registration in this module that makes it repeat ("this handler runs on every
        /// request" at `router.get`), when that is another place than the use.
        registration: Option<(PositionRange, String)>,
    },
    /// As often as this module's own exports of these names are used elsewhere.
    AsOftenAs(Vec<Atom>),
    /// Nobody can tell (a method's caller, a value stored or handed on).
    Unknown,
}

/// One use of an imported name: a call, a `new`, or the name handed to a call as a callback.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ImportUse {
    /// The module specifier, as an index into its summary's
    /// [`specifiers`](ModuleSummary::specifiers) ([`ModuleSummary::specifier_of`]): a module
    /// uses a few modules many times, so each specifier is kept once, not once per use.
    pub specifier: u32,
    /// The name used from that module: the imported name, `default`, or `*` for a use of the
    /// whole namespace that cannot be tied to one name.
    pub name: Atom,
    /// How often it runs.
    pub runs: UseRuns,
}

/// What one module tells the project pass. Serde's form is what the lint cache stores
/// ([`crate::cache`]).
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ModuleSummary {
    /// The module specifiers of its uses as written (`./registry`, `@app/store`), each once, in
    /// the order of their first use.
    pub specifiers: Vec<String>,
    /// Its uses of imported names, in source order.
    pub imports: Vec<ImportUse>,
    /// The modules it re-exports.
    pub reexports: Vec<ReExport>,
    /// The names it exports, sorted, when the project pass may ask about them (it asked, has a
    /// registry, re-exports, or uses an import as often as its own exports are used); empty
    /// otherwise.
    pub exports: Vec<Atom>,
    /// The export names whose uses elsewhere its findings depended on.
    pub asked: Vec<Atom>,
    /// Its registries: collections its exported functions fill and empty, with where each is
    /// declared.
    pub registries: Vec<(Registry, PositionRange)>,
    /// The listeners its exported classes' instances hold on process-lived objects
    /// ([`crate::semantic::held`]): the class's export name, the listener and where it is
    /// added. Whoever instantiates such a class must call the removing method.
    pub held: Vec<(Atom, HeldListener, PositionRange)>,
    /// Its exported functions that pin a listener on the `AbortSignal` their caller hands in
    /// ([`crate::semantic::pinned`]). Whoever calls such a function with a signal of its own caller's
    /// leaves a listener on it per call.
    pub pinned: Vec<PinnedExport>,
    /// Its exported functions that may return an argument unchanged
    /// ([`crate::semantic::shared`]): the export name and the parameter's position.
    #[serde(default)]
    pub passes: Vec<(Atom, u32)>,
    /// One of its registrations was left undecided for want of knowing whether an imported
    /// function passes its argument through: the pass tells it about those it imports.
    #[serde(default)]
    pub wants_passes: bool,
    /// Its exported classes whose constructor starts an interval that no method of the class
    /// clears ([`crate::semantic::timer::unstoppable_interval_classes`]): the class's export
    /// name, its own name (the export name when it has none) and where the interval is started.
    /// Every instance leaks one interval.
    pub timer_classes: Vec<(Atom, Atom, PositionRange)>,
    /// The functions it stores under a property name (class methods, object-literal methods,
    /// `x.name = function`, exported functions), by that name, each with what it does that can
    /// start such an interval: the candidates of a call `x.name(…)` ([`MemberFn`]).
    pub members: Vec<MemberFn>,
    /// The method names of its calls on an instance field's value (`this.service.meter(…)`),
    /// sorted: the calls whose callee only the project's functions stored under that name can be.
    pub field_calls: Vec<Atom>,
    /// Its exported memoizing factories ([`crate::semantic::memo`]): functions that make a
    /// `Map` per call and return a closure that grows it keyed by the closure's own argument.
    #[serde(default)]
    pub memo_factories: Vec<MemoExport>,
    /// Its module-level bindings holding what a call of an imported function returned, that it
    /// calls with request data in code that runs repeatedly: if that function is a memoizing
    /// factory, each is a product kept for the process whose table grows with the request data.
    #[serde(default)]
    pub memo_products: Vec<MemoProduct>,
}

/// An exported memoizing factory ([`ModuleSummary::memo_factories`]).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct MemoExport {
    /// The export name.
    pub name: Atom,
    /// Which arguments of a call of its product the key is drawn from.
    pub key: crate::semantic::KeyArgs,
    /// Where a call of the factory may hand in its own table instead of the default one.
    pub replaceable: Option<crate::semantic::memo::Replaceable>,
}

/// A module-level binding holding the result of a call of an imported function, called with
/// request data in repeated code ([`ModuleSummary::memo_products`]).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct MemoProduct {
    /// The use (an index into [`ModuleSummary::imports`]) that is the call making it.
    pub import: u32,
    /// The binding's name.
    pub name: Atom,
    /// The shape of each argument of the call making it ([`crate::semantic::memo::ArgShape`]).
    pub args: Vec<crate::semantic::memo::ArgShape>,
    /// Where it is declared.
    pub declared: PositionRange,
    /// Its calls with request data, in source order.
    pub calls: Vec<KeyedCall>,
}

/// A call of a [`MemoProduct`] with request data in some of its arguments.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct KeyedCall {
    /// The positions (0-based) of the arguments drawn from request data (and not from a
    /// standard code set).
    pub args: Vec<u32>,
    /// The request data (`req.url`).
    pub request: String,
    /// How often the call runs: [`UseRuns::Repeated`] or [`UseRuns::AsOftenAs`].
    pub runs: UseRuns,
    /// Where the call's callee is.
    pub at: PositionRange,
}

/// A function a module stores under a property name: one of the functions a call `x.name(…)`
/// can reach when nothing says what `x` is (the field-based call graph of Feldthaus et al.,
/// "Efficient Construction of Approximate Call Graphs for JavaScript IDE Services", ICSE 2013,
/// which resolves `x.name(…)` to every function stored in a property `name`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct MemberFn {
    /// The property name.
    pub name: Atom,
    /// Its own `new` of imported classes (not in nested functions): indices into the module's
    /// [`ModuleSummary::imports`].
    pub makes: Vec<u32>,
    /// Its own `new` of a class of the same module whose constructor starts an interval that no
    /// method clears: the class's name and where the interval is started.
    pub makes_local: Option<(Atom, PositionRange)>,
    /// It calls a method of its own name on some object (`meter(o) { return
    /// this.service.meter(o) }`): a facade that forwards to the function of that name.
    pub forwards: bool,
}

impl ModuleSummary {
    /// Whether this module's findings may change when another module's summary does: it asked
    /// how the project uses its exports, or it exports a memoizing factory (the importers that
    /// keep its products decide). The language server lints such an open document again when
    /// a summary changes. (An importer told about the facts of the modules it imports is linted
    /// again when one of those modules changes: [`ModuleSummary::offers_importers`].)
    pub fn rests_on_project(&self) -> bool {
        !self.asked.is_empty() || !self.memo_factories.is_empty()
    }

    /// True when the module offers its importers facts of its own (the project pass gives them
    /// to the modules that use it): registries, classes holding a listener, functions pinning a
    /// signal or passing their argument through, classes starting an interval, members making
    /// one, memoizing factories. An importer's findings may change when such a module does.
    pub fn offers_importers(&self) -> bool {
        !self.registries.is_empty()
            || !self.held.is_empty()
            || !self.pinned.is_empty()
            || !self.passes.is_empty()
            || !self.timer_classes.is_empty()
            || self.members.iter().any(|m| m.makes_local.is_some())
            || !self.memo_factories.is_empty()
    }

    /// The module specifier of `used`, one of this summary's uses, as written.
    ///
    /// # Panics
    ///
    /// When `used` is not a use of this summary (its index is out of range).
    pub fn specifier_of(&self, used: &ImportUse) -> &str {
        &self.specifiers[used.specifier as usize]
    }

    /// Adds the uses of their imports that `other` records (another unit of the same
    /// component), its specifiers merged into this summary's list; `other`'s exports, questions
    /// and registries are dropped: a component's own exports are used by its template, which
    /// the pass does not follow.
    pub fn absorb_imports(&mut self, other: ModuleSummary) {
        let ModuleSummary {
            specifiers,
            imports,
            members,
            ..
        } = other;
        let index: Vec<u32> = specifiers
            .into_iter()
            .map(
                |spec| match self.specifiers.iter().position(|s| *s == spec) {
                    Some(i) => i as u32,
                    None => {
                        self.specifiers.push(spec);
                        self.specifiers.len() as u32 - 1
                    }
                },
            )
            .collect();
        self.imports.extend(imports.into_iter().map(|mut u| {
            u.specifier = index[u.specifier as usize];
            u
        }));
        // Another unit's functions stored under a name are candidates of calls of that name
        // too; what they make is not carried over, so they count as making nothing.
        self.members.extend(members.into_iter().map(|m| MemberFn {
            name: m.name,
            makes: Vec::new(),
            makes_local: None,
            forwards: false,
        }));
    }

    /// True when the module takes no part in the project pass: it imports and re-exports
    /// nothing, and none of its verdicts depended on its exports' uses.
    pub fn is_self_contained(&self) -> bool {
        self.imports.is_empty()
            && self.reexports.is_empty()
            && self.asked.is_empty()
            && self.registries.is_empty()
            && self.held.is_empty()
            && self.pinned.is_empty()
            && self.passes.is_empty()
            && self.timer_classes.is_empty()
            && self.members.is_empty()
            && self.memo_factories.is_empty()
    }
}

/// The summary of a module from its `model` (after the rules ran, so that the asked names are
/// known), its `text` (for line numbers), whether it is a test file (then every use counts as
/// [`UseRuns::InTest`]) and whether the rules' questions are kept (`keep_asked`: false when
/// they found nothing, so that no answer can change a verdict).
pub fn summarise(
    model: &SemanticModel,
    text: &str,
    is_test: bool,
    keep_asked: bool,
) -> ModuleSummary {
    let mut lines: Option<LineIndex> = None;
    let mut imports = Vec::new();
    let mut specifiers = Specifiers::default();
    let mut runs_in = RunsIn::new(model);
    // Each import binding's slot in the tables below (`NOT_IMPORT` for the other bindings):
    // the scans over calls and references then test a dense table instead of each binding.
    let mut slot_of: Vec<u32> = Vec::new();
    let mut slots = 0u32;
    if model.bindings.iter().any(is_import) {
        slot_of = model
            .bindings
            .iter()
            .map(|binding| {
                if is_import(binding) {
                    slots += 1;
                    slots - 1
                } else {
                    NOT_IMPORT
                }
            })
            .collect();
    }
    let slot = |b: BindingId| slot_of.get(b.index()).copied().unwrap_or(NOT_IMPORT);
    let imported = |p: &crate::semantic::Path| match p.root {
        crate::semantic::Root::Binding(b) if slot(b) != NOT_IMPORT => model.imported_name(p),
        _ => None,
    };
    // References to each import binding (by slot) that a call, a `new` or an argument accounts
    // for; any other reference (stored, returned, compared) is a use nobody can follow.
    let mut accounted: Vec<u32> = vec![0; slots as usize];
    // The `new` of imported names, by the function making them: (function, index into imports).
    let mut news: Vec<(FuncId, u32)> = Vec::new();
    // Module-level bindings holding the result of a call of an imported function: (the call,
    // the binding, the index of the call's use).
    let mut products: Vec<(crate::semantic::CallId, BindingId, u32)> = Vec::new();
    // A module without imports uses none: its calls need no look.
    let calls = if slots == 0 {
        &[][..]
    } else {
        &model.calls[..]
    };
    for (i, call) in calls.iter().enumerate() {
        let id = crate::semantic::CallId::from_index(i);
        // A call of an imported name (which accounts for a reference to it), or of a method of
        // an injected instance (whose field's type is no reference here).
        let called = match call.callee.as_ref().and_then(imported) {
            Some((b, name)) => {
                accounted[slot(b) as usize] += 1;
                Some((b, name))
            }
            None => member_use(model, call),
        };
        if let Some((b, name)) = called {
            let runs = if is_test {
                UseRuns::InTest
            } else {
                runs_in.runs_in(call.func, call.callee_span, text, &mut lines)
            };
            if call.is_new {
                news.push((call.func, imports.len() as u32));
            }
            if let (false, ResultUse::Declared(product)) = (call.is_new, &call.result) {
                if model.binding(*product).module_level {
                    products.push((id, *product, imports.len() as u32));
                }
            }
            imports.push(specifiers.use_of(model, b, name, runs));
        }
        for (index, arg) in call.args.iter().enumerate() {
            let Value::Path(p) = arg else { continue };
            let Some((b, name)) = imported(p) else {
                continue;
            };
            accounted[slot(b) as usize] += 1;
            let runs = if is_test {
                UseRuns::InTest
            } else {
                let at = call
                    .arg_spans
                    .get(index)
                    .copied()
                    .unwrap_or(call.callee_span);
                match classify_callback(model, call, id, index, MODULE) {
                    CallbackKind::Repeats(r) if r.is_strong() => {
                        repeated(model, &Frequency::Repeated(r), at, text, &mut lines)
                    }
                    // Handed to a function of this module that only calls it or makes
                    // instances of it (`this.register(Store)` doing `new Store(this)`): as often
                    // as that call.
                    _ if only_invoked_by_callee(model, call, index) => {
                        runs_in.runs_in(call.func, at, text, &mut lines)
                    }
                    _ => UseRuns::Unknown,
                }
            };
            imports.push(specifiers.use_of(model, b, name, runs));
        }
    }
    // One pass over the references: asking `references_to` per import would build the
    // per-binding grouping in every file, most of which no rule needs. The import bindings
    // referenced more often than accounted for, in the order of their first reference.
    let mut referenced: Vec<u32> = vec![0; slots as usize];
    let mut first_referenced: Vec<BindingId> = Vec::new();
    let references = if slots == 0 {
        &[][..]
    } else {
        &model.references[..]
    };
    for r in references {
        let s = slot(r.binding);
        if s == NOT_IMPORT {
            continue;
        }
        if referenced[s as usize] == 0 {
            first_referenced.push(r.binding);
        }
        referenced[s as usize] += 1;
    }
    for b in first_referenced {
        let s = slot(b) as usize;
        if referenced[s] > accounted[s] {
            let name = model.binding(b).import_name.clone().unwrap_or_default();
            imports.push(specifiers.use_of(model, b, name, UseRuns::Unknown));
        }
    }
    imports.extend(opaque_uses(model, &mut specifiers));
    let registries: Vec<(Registry, PositionRange)> = model
        .take_registries()
        .into_iter()
        .map(|r| {
            let at = lines.get_or_insert_with(|| LineIndex::new(text)).range(
                text,
                r.span.start,
                r.span.end,
            );
            (r, at)
        })
        .collect();
    let held = held_by_exports(model, text, &mut lines);
    let pinned = pinned_by_exports(model, text, &mut lines);
    let passes: Vec<(Atom, u32)> = model
        .exported_pass_throughs()
        .into_iter()
        .map(|(name, p)| (name, p.index as u32))
        .collect();
    let timers = crate::semantic::timer::unstoppable_interval_classes(model);
    let mut timer_classes: Vec<(Atom, Atom, PositionRange)> = Vec::new();
    for &(c, start) in &timers {
        let at = lines.get_or_insert_with(|| LineIndex::new(text)).range(
            text,
            model.calls[start.index()].callee_span.start,
            model.calls[start.index()].callee_span.end,
        );
        for name in model.export_names_of_class(c) {
            let own = model.class(c).name.clone().unwrap_or_else(|| name.clone());
            timer_classes.push((name, own, at));
        }
    }
    let members = members_of(model, &news, &timers, text, &mut lines);
    let memo_products = if is_test {
        Vec::new()
    } else {
        memo_products_of(model, &products, &mut runs_in, text, &mut lines)
    };
    let memo_factories = memo_exports(model);
    let field_calls = field_calls_of(model);
    let asked = if keep_asked {
        model.take_asked()
    } else {
        Vec::new()
    };
    // The pass reads the names of the exports of the modules it asks about only: those that
    // asked, have a registry, a class holding a listener or a function pinning one, or pass their exports' uses on to an import (re-exporting it, or
    // using it as often as an export). Most modules do neither: their names are not kept.
    let may_be_asked = !asked.is_empty()
        || !registries.is_empty()
        || !held.is_empty()
        || !pinned.is_empty()
        || !passes.is_empty()
        || !memo_factories.is_empty()
        || memo_products.iter().any(|p| {
            p.calls
                .iter()
                .any(|c| matches!(c.runs, UseRuns::AsOftenAs(_)))
        })
        || !model.reexports.is_empty()
        || imports
            .iter()
            .any(|u| matches!(u.runs, UseRuns::AsOftenAs(_)));
    let mut exports: Vec<Atom> = Vec::new();
    if may_be_asked {
        exports = model.exports.iter().map(|e| e.name.clone()).collect();
        exports.sort();
        exports.dedup();
    }
    ModuleSummary {
        specifiers: specifiers.list,
        imports,
        reexports: model.reexports.clone(),
        exports,
        asked,
        registries,
        held,
        pinned,
        passes,
        wants_passes: model.asks_pass_throughs(),
        timer_classes,
        members,
        field_calls,
        memo_factories,
        memo_products,
    }
}

/// The exported memoizing factories of `model` ([`ModuleSummary::memo_factories`]).
#[inline(never)]
fn memo_exports(model: &SemanticModel) -> Vec<MemoExport> {
    if model.exports.is_empty() {
        return Vec::new();
    }
    let mut out: Vec<MemoExport> = Vec::new();
    for m in model.memo_factories() {
        for name in model.export_names_of_func(m.factory) {
            out.push(MemoExport {
                name,
                key: m.key,
                replaceable: m.replaceable.clone(),
            });
        }
    }
    out
}

/// The `products` (module-level bindings holding the result of a call of an imported
/// function, with the index of that call's use) that `model` calls with request data in code
/// that runs repeatedly ([`ModuleSummary::memo_products`]).
#[inline(never)]
fn memo_products_of(
    model: &SemanticModel,
    products: &[(crate::semantic::CallId, BindingId, u32)],
    runs_in: &mut RunsIn<'_>,
    text: &str,
    lines: &mut Option<LineIndex>,
) -> Vec<MemoProduct> {
    let mut out: Vec<MemoProduct> = Vec::new();
    if products.is_empty() {
        return out;
    }
    // The calls of each product with request data, in one pass over the calls.
    let mut keyed: Vec<Vec<KeyedCall>> = vec![Vec::new(); products.len()];
    for call in &model.calls {
        let Some(p) = call.callee.as_ref().filter(|p| p.props.is_empty()) else {
            continue;
        };
        let Some(k) = products
            .iter()
            .position(|&(_, b, _)| p.root_binding() == Some(b))
        else {
            continue;
        };
        if call.func == MODULE {
            continue;
        }
        let mut args: Vec<u32> = Vec::new();
        let mut request = None;
        for (i, a) in call.args.iter().enumerate() {
            let mut paths = Vec::new();
            a.mentioned_paths(&mut paths);
            let Some(r) = crate::describe::request_source(model, &paths) else {
                continue;
            };
            if crate::semantic::is_code_set_key(model, a) {
                continue;
            }
            args.push(i as u32);
            request.get_or_insert(r);
        }
        let Some(request) = request else { continue };
        let runs = runs_in.runs_in(call.func, call.callee_span, text, lines);
        if !matches!(runs, UseRuns::Repeated { .. } | UseRuns::AsOftenAs(_)) {
            continue;
        }
        let span = call.callee_span;
        let at = lines
            .get_or_insert_with(|| LineIndex::new(text))
            .range(text, span.start, span.end);
        keyed[k].push(KeyedCall {
            args,
            request,
            runs,
            at,
        });
    }
    for (&(made, product, import), calls) in products.iter().zip(keyed) {
        if calls.is_empty() {
            continue;
        }
        let binding = model.binding(product);
        let declared = lines.get_or_insert_with(|| LineIndex::new(text)).range(
            text,
            binding.span.start,
            binding.span.end,
        );
        out.push(MemoProduct {
            import,
            name: binding.name.clone(),
            args: crate::semantic::memo::arg_shapes(&model.calls[made.index()]),
            declared,
            calls,
        });
    }
    out
}

/// The listeners this module's exported functions pin on their callers' signals, by export
/// name, with the parameter and where each is added ([`ModuleSummary::pinned`]).
fn pinned_by_exports(
    model: &SemanticModel,
    text: &str,
    lines: &mut Option<LineIndex>,
) -> Vec<PinnedExport> {
    let mut out: Vec<PinnedExport> = Vec::new();
    for p in model.pinned_signal_listeners() {
        let names = model.export_names_of_func(p.func);
        if names.is_empty() {
            continue;
        }
        let at =
            lines
                .get_or_insert_with(|| LineIndex::new(text))
                .range(text, p.span.start, p.span.end);
        for name in names {
            if !out.iter().any(|e| e.name == name && e.param == p.param) {
                out.push(PinnedExport {
                    name,
                    param: p.param,
                    params: p.params,
                    at,
                });
            }
        }
    }
    out
}

/// The functions `model` stores under a property name ([`MemberFn`]): named class methods (not
/// constructors), object-literal methods and functions stored as a property value, functions
/// assigned to a property (`x.name = function …`) and exported functions. `news` are the
/// module's `new` of imported names (function, index into its imports); `timers` the classes
/// of this module whose constructor starts an interval nothing clears, with that call.
fn members_of(
    model: &SemanticModel,
    news: &[(FuncId, u32)],
    timers: &[(crate::semantic::ClassId, crate::semantic::CallId)],
    text: &str,
    lines: &mut Option<LineIndex>,
) -> Vec<MemberFn> {
    use crate::semantic::FuncUse;
    let mut named: Vec<(FuncId, Atom)> = Vec::new();
    for (i, func) in model.functions.iter().enumerate().skip(1) {
        let f = FuncId::from_index(i);
        let Some(name) = &func.name else { continue };
        let stored = if func.class.is_some() && func.is_method {
            !model.is_constructor(f)
        } else {
            func.binding.is_none()
                && func
                    .uses
                    .iter()
                    .any(|u| matches!(u, FuncUse::Method | FuncUse::Escapes))
        };
        if stored {
            named.push((f, name.clone()));
        }
    }
    for a in &model.assigns {
        if let (crate::semantic::Target::Path(p), Value::Func(g)) = (&a.target, &a.value) {
            if let Some(name) = p.last() {
                named.push((*g, name.clone()));
            }
        }
    }
    for e in &model.exports {
        let f = match e.target {
            crate::semantic::ExportTarget::Func(g) => Some(g),
            crate::semantic::ExportTarget::Binding(b) => model.binding(b).func_value,
        };
        if let Some(f) = f {
            named.push((f, e.name.clone()));
        }
    }
    if named.is_empty() {
        return Vec::new();
    }
    named.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
    named.dedup();
    // Whether each of them calls a method of its own name on some object, found in one pass
    // over the calls: `first[f]` is the first entry of function `f` in `named` (sorted by
    // function), `u32::MAX` for a function that is not stored under a name.
    let mut first: Vec<u32> = vec![u32::MAX; model.functions.len()];
    for (i, (f, _)) in named.iter().enumerate().rev() {
        first[f.index()] = i as u32;
    }
    let mut forwards: Vec<bool> = vec![false; named.len()];
    for c in &model.calls {
        let start = first[c.func.index()];
        if start == u32::MAX || c.is_new || c.callee.as_ref().is_none_or(|p| p.props.is_empty()) {
            continue;
        }
        let Some(m) = c.method() else { continue };
        let mut i = start as usize;
        while i < named.len() && named[i].0 == c.func {
            if named[i].1 == *m {
                forwards[i] = true;
            }
            i += 1;
        }
    }
    // Their `new` of imported names, by the same index.
    let mut makes: Vec<Vec<u32>> = vec![Vec::new(); named.len()];
    for &(g, u) in news {
        let mut i = first[g.index()] as usize;
        while i < named.len() && named[i].0 == g {
            makes[i].push(u);
            i += 1;
        }
    }
    named
        .into_iter()
        .zip(forwards)
        .zip(makes)
        .map(|(((f, name), forwards), makes)| {
            let makes_local = timers.iter().find_map(|&(c, start)| {
                model.instantiations(c).find(|(_, call)| call.func == f)?;
                let call = &model.calls[start.index()];
                let at = lines.get_or_insert_with(|| LineIndex::new(text)).range(
                    text,
                    call.callee_span.start,
                    call.callee_span.end,
                );
                let class = model.class(c).name.clone().unwrap_or_default();
                Some((class, at))
            });
            MemberFn {
                name,
                makes,
                makes_local,
                forwards,
            }
        })
        .collect()
}

/// The method names of the calls of `model` on an instance field's value
/// (`this.service.meter(…)`), sorted and without repeats ([`ModuleSummary::field_calls`]).
fn field_calls_of(model: &SemanticModel) -> Vec<Atom> {
    let mut out: Vec<Atom> = model
        .method_calls_rooted_at_this()
        .filter(|c| !c.is_new)
        .filter_map(|c| match c.callee.as_ref() {
            Some(p) if p.root == crate::semantic::Root::This && p.props.len() == 2 => {
                Some(p.props[1].clone())
            }
            _ => None,
        })
        .collect();
    out.sort();
    out.dedup();
    out
}

/// The listeners the instances of this module's exported classes hold, by export name, with
/// where each is added ([`ModuleSummary::held`]). Most modules have no class, and most classes
/// hold none: the model is only asked for modules that have a class.
fn held_by_exports(
    model: &SemanticModel,
    text: &str,
    lines: &mut Option<LineIndex>,
) -> Vec<(Atom, HeldListener, PositionRange)> {
    if model.classes.is_empty() {
        return Vec::new();
    }
    let mut out = Vec::new();
    for (c, held) in model.held_listeners() {
        let names = model.export_names_of_class(c);
        if names.is_empty() {
            continue;
        }
        let at = lines.get_or_insert_with(|| LineIndex::new(text)).range(
            text,
            held.span.start,
            held.span.end,
        );
        out.extend(names.into_iter().map(|name| (name, held.clone(), at)));
    }
    out
}

/// A call, in a class of a dependency-injection container, of a method on an instance field
/// typed with an imported class (`this.orders.remember(id)` with
/// `constructor(private orders: OrdersService)`): the import
/// binding and the member question it answers (`OrdersService.remember`,
/// [`crate::semantic::exports::member_question`]).
fn member_use(model: &SemanticModel, call: &crate::semantic::Call) -> Option<(BindingId, Atom)> {
    // No decorator, no container class (most files).
    if model.decorators.is_empty() {
        return None;
    }
    let callee = call.callee.as_ref()?;
    let (crate::semantic::Root::This, [field, method]) = (&callee.root, callee.props.as_slice())
    else {
        return None;
    };
    let class = model.this_class(call.func)?;
    // Only a container's classes are handed their instances (see `member_question`).
    if !crate::semantic::api::is_container_class(model, class) {
        return None;
    }
    let b = model.field_type(class, field)?;
    let imported = model.binding(b).import_name.as_deref()?;
    model.binding(b).source_module.as_ref()?;
    Some((
        b,
        crate::semantic::exports::member_question(imported, method),
    ))
}

/// The slot of a binding that is not an import ([`summarise`]).
const NOT_IMPORT: u32 = u32::MAX;

/// Whether `binding` is an import: a name imported (or required) from a module.
fn is_import(binding: &crate::semantic::Binding) -> bool {
    binding.import_name.is_some() && binding.source_module.is_some()
}

/// A summary's specifiers ([`ModuleSummary::specifiers`]) as its uses name them.
#[derive(Default)]
struct Specifiers<'m> {
    list: Vec<String>,
    index: rustc_hash::FxHashMap<&'m str, u32>,
}

impl<'m> Specifiers<'m> {
    /// The use of import binding `b` as `name` that runs `runs`, its specifier recorded once.
    fn use_of(
        &mut self,
        model: &'m SemanticModel,
        b: BindingId,
        name: Atom,
        runs: UseRuns,
    ) -> ImportUse {
        let written = model
            .binding(b)
            .source_module
            .as_deref()
            .unwrap_or_default();
        self.use_of_module(written, name, runs)
    }

    /// The use of module `written` (a specifier as written) as `name` that runs `runs`.
    fn use_of_module(&mut self, written: &'m str, name: Atom, runs: UseRuns) -> ImportUse {
        let specifier = *self.index.entry(written).or_insert_with(|| {
            self.list.push(written.to_string());
            self.list.len() as u32 - 1
        });
        ImportUse {
            specifier,
            name,
            runs,
        }
    }
}

/// The uses of other modules that cannot be followed by name, each as a use of the whole
/// namespace (`*`) that runs an unknown number of times, so that the project pass gives the
/// modules they reach no answer rather than one that misses them: a `require('x')` or dynamic
/// `import('x')` whose result is not an import binding (`require('./a').f()`, `await
/// import('./a')`), and an import binding exported again as it is (`import * as a from './a';
/// export { a }`), which hands the module on without a reference.
fn opaque_uses<'m>(model: &'m SemanticModel, specifiers: &mut Specifiers<'m>) -> Vec<ImportUse> {
    let mut out = Vec::new();
    for binding in model.bindings.iter().filter(|b| b.exported && is_import(b)) {
        let (Some(written), Some(name)) = (&binding.source_module, &binding.import_name) else {
            continue;
        };
        out.push(specifiers.use_of_module(written, name.clone(), UseRuns::Unknown));
    }
    if model.loads.is_empty() {
        return out;
    }
    // The `require` calls that are import bindings' values, also inside a transpiler's import
    // helper (`__importDefault(require('./a'))`).
    let mut bound: rustc_hash::FxHashSet<crate::semantic::CallId> = Default::default();
    for binding in model.bindings.iter().filter(|b| is_import(b)) {
        if let Some(crate::semantic::Value::Call(c)) = &binding.init {
            bound.insert(*c);
            if let Some(crate::semantic::Value::Call(inner)) = model.calls[c.index()].arg(0) {
                bound.insert(*inner);
            }
        }
    }
    for (written, call) in &model.loads {
        let followed = call.is_some_and(|c| bound.contains(&c))
            || model.reexports.iter().any(|r| r.specifier == *written);
        if !followed {
            out.push(specifiers.use_of_module(written, Atom::from("*"), UseRuns::Unknown));
        }
    }
    out
}

/// Whether argument `index` of `call` goes to a function of this module whose parameter is
/// only called or instantiated, never stored, returned or handed on.
fn only_invoked_by_callee(
    model: &SemanticModel,
    call: &crate::semantic::Call,
    index: usize,
) -> bool {
    let Some((_, param)) = crate::semantic::flow::param_of_callee(model, call, index) else {
        return false;
    };
    let invoked = model
        .calls_mentioning(param)
        .iter()
        .filter(|&&c| model.calls[c.index()].callee_root() == Some(param))
        .count();
    invoked > 0 && model.references_to(param).count() == invoked
}

/// How often code in each function runs ([`FuncRuns`]), worked out the first time a use in
/// that function asks: a module uses its imports many times from few functions, and each answer
/// scans the module's assignments and conditions.
struct RunsIn<'m> {
    model: &'m SemanticModel,
    by_func: rustc_hash::FxHashMap<FuncId, FuncRuns<'m>>,
}

/// How often the code of one function runs, as far as that does not depend on where in the
/// function a use is.
enum FuncRuns<'m> {
    /// The same for every use in the function.
    Always(UseRuns),
    /// Repeatedly, as this frequency says; each use is told where it is ([`repeated`]).
    Repeated(&'m Frequency),
}

impl<'m> RunsIn<'m> {
    fn new(model: &'m SemanticModel) -> Self {
        RunsIn {
            model,
            by_func: Default::default(),
        }
    }

    /// How often code in function `f` runs, for a use at `at`.
    fn runs_in(
        &mut self,
        f: FuncId,
        at: ByteSpan,
        text: &str,
        lines: &mut Option<LineIndex>,
    ) -> UseRuns {
        let model = self.model;
        match self.by_func.entry(f).or_insert_with(|| func_runs(model, f)) {
            FuncRuns::Always(runs) => runs.clone(),
            FuncRuns::Repeated(freq) => repeated(model, freq, at, text, lines),
        }
    }
}

/// How often code in function `f` runs, for any use in it ([`RunsIn`]).
fn func_runs(model: &SemanticModel, f: FuncId) -> FuncRuns<'_> {
    if matches!(model.run_once_guard(f), Some(RunOnce::PerProcess)) {
        return FuncRuns::Always(UseRuns::Once);
    }
    let freq = &model.frequencies()[f.index()];
    let runs = match freq {
        Frequency::Once if certainly_once(model, f, 0) => UseRuns::Once,
        Frequency::Once => UseRuns::Unknown,
        Frequency::Unknown => UseRuns::Unknown,
        Frequency::Repeated(r) => {
            let (from, origin) = r.origin_of(f);
            let names = match origin {
                Repeat::Exported => model.export_names_of_func(from),
                // Once per instance of an exported class: as often as the project makes them.
                Repeat::Instance(c) => model.export_names_of_class(*c),
                Repeat::Method(_) => return FuncRuns::Always(UseRuns::Unknown),
                _ => return FuncRuns::Repeated(freq),
            };
            if names.is_empty() {
                UseRuns::Unknown
            } else {
                UseRuns::AsOftenAs(names)
            }
        }
    };
    FuncRuns::Always(runs)
}

/// Whether function `f`, which the model finds runs once, certainly does: the model's "once"
/// also covers a callback handed to a function nobody here knows (it may call it on every
/// event). True for the module body and for functions only it runs: called by name or as an
/// IIFE, or handed to an iteration or promise method, from code that certainly runs once.
fn certainly_once(model: &SemanticModel, f: FuncId, depth: u32) -> bool {
    use crate::semantic::FuncUse;
    if f == MODULE {
        return true;
    }
    if depth > 16 || model.frequencies()[f.index()] != Frequency::Once {
        return false;
    }
    let func = model.function(f);
    // `exports.init = function init` both exports and stores the function: the store is the
    // export.
    let exported = func.uses.contains(&FuncUse::Exported);
    let mut any = false;
    for u in &func.uses {
        let ok = match *u {
            FuncUse::Called { call } => {
                certainly_once(model, model.calls[call.index()].func, depth + 1)
            }
            FuncUse::Argument { call, .. } => {
                let c = &model.calls[call.index()];
                c.method()
                    .is_some_and(|m| crate::semantic::api::runs_callback_now(m))
                    && certainly_once(model, c.func, depth + 1)
            }
            // Exported, yet "once": a start-up function (`exports.init = function init`), which
            // the single-file verdicts trust as well.
            FuncUse::Exported => true,
            FuncUse::Escapes => exported,
            _ => false,
        };
        if !ok {
            return false;
        }
        any = true;
    }
    if let Some(b) = func.binding {
        for &c in model.calls_mentioning(b) {
            let call = &model.calls[c.index()];
            let as_callee = call.callee.as_ref().and_then(|p| p.as_binding()) == Some(b);
            if !as_callee || !certainly_once(model, call.func, depth + 1) {
                return false;
            }
            any = true;
        }
    }
    // No caller here: "once" came from a start-up name (`init`, `main`), which the single-file
    // verdicts trust as well.
    any || func.name.is_some()
}

/// A use at `at` that runs as often as `freq` says, with the registration that makes it so
/// when that is elsewhere in the module.
fn repeated(
    model: &SemanticModel,
    freq: &Frequency,
    at: ByteSpan,
    text: &str,
    lines: &mut Option<LineIndex>,
) -> UseRuns {
    let (why, sites) = crate::describe::how_often(model, freq);
    let lines = lines.get_or_insert_with(|| LineIndex::new(text));
    let at_range = lines.range(text, at.start, at.end);
    let registration = sites
        .here
        .map(|(span, message)| (lines.range(text, span.start, span.end), message))
        .filter(|(range, _)| range.start.line != at_range.start.line);
    UseRuns::Repeated {
        why,
        at: at_range,
        registration,
    }
}
