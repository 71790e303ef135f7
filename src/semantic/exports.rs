//! What a module exports and re-exports, and what the rest of the project says about how often
//! those exports are used ([`ProjectFacts`], filled in by the whole-project pass of
//! [`crate::project`]). A file linted alone has no project facts: every export is then "called
//! any number of times by code elsewhere", as before.

use std::cell::RefCell;

use rustc_hash::FxHashMap;
use swc_atoms::Atom;

use super::{BindingId, ClassId, FuncId, SemanticModel};
use crate::source::PositionRange;

/// What an export names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportTarget {
    /// A binding of this module (`export function f`, `export { a as b }`, `exports.x = a`).
    Binding(BindingId),
    /// A function expression with no binding (`export default function () {}`,
    /// `exports.f = function () {}`).
    Func(FuncId),
}

/// One name a module exports: ESM `export`, CommonJS `module.exports`/`exports.x`, a bundler's
/// `__export(target, { name: () => binding })`.
#[derive(Debug, Clone)]
pub struct Export {
    /// The exported name; `default` for `export default` and `module.exports = …`.
    pub name: Atom,
    /// What it names.
    pub target: ExportTarget,
}

/// A re-export of another module's names: `export * from './a'`, `export { a as b } from './a'`,
/// `module.exports = require('./a')`, TypeScript's `__exportStar(require('./a'), exports)`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ReExport {
    /// The module specifier as written (`./a`).
    pub specifier: String,
    /// `(name in that module, name exported here)` pairs; `None` for all of its names.
    pub names: Option<Vec<(Atom, Atom)>>,
}

/// The name of a member question: how the project calls method `member` on instances of the
/// class exported as `export` (`OrdersService.remember`). The uses that answer it are calls of
/// that method through an instance field typed with the imported class (a dependency-injection
/// consumer's `this.orders.remember(id)`), so only a repeated use is an answer: other modules
/// may hold instances the summaries cannot see.
pub fn member_question(export: &str, member: &str) -> Atom {
    Atom::from(format!("{export}{MEMBER_SEPARATOR}{member}"))
}

/// The export and the member of a member question ([`member_question`]); `None` for the name
/// of an export.
pub fn split_member_question(name: &str) -> Option<(&str, &str)> {
    name.split_once(MEMBER_SEPARATOR)
}

/// What joins an export and a member in a member question's name: not a character of an
/// identifier, so that no export name is a member question.
const MEMBER_SEPARATOR: char = '.';

/// How the project's other modules use one export, when the whole-project pass knows every use
/// (the module is not a package entry point and each module that imports it was read).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProjectUse {
    /// Every use runs at most once per process (module top level, start-up code, some of them in
    /// test files): the export does not run repeatedly because of its callers.
    Once,
    /// Only test files use it. Tests exercise an API as code outside the project would, so they
    /// say nothing about how often production code runs it: how often it runs is unknown.
    TestsOnly,
    /// A use runs repeatedly for a reason its own module shows.
    Repeated(RepeatedUse),
    /// No other module uses it, although modules of the project import this one (which is not
    /// a package entry point): the export is used only where its own module uses it, as if it
    /// were not exported (a class whose module exports its one instance as well).
    Unused,
}

/// A use of an export, in another module, that runs repeatedly.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RepeatedUse {
    /// Why it repeats, in the words of the findings ("on every request").
    pub why: String,
    /// The using module's path, as the walk found it.
    pub file: String,
    /// Where the use is in that module.
    pub at: PositionRange,
    /// The registration in that module that makes the use repeat, when it is elsewhere there
    /// ("this handler runs on every request" at `router.get`).
    pub registration: Option<(PositionRange, String)>,
}

/// What the whole-project pass tells one module about its exports' uses, by export name. Only
/// exports whose every use is known are present.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProjectFacts {
    /// Export name → how the project uses it.
    pub uses: FxHashMap<Atom, ProjectUse>,
    /// The registries of other modules whose adding functions this module calls.
    pub registries: Vec<ImportedRegistry>,
    /// The classes of other modules that this module instantiates and whose instances hold a
    /// listener on a process-lived object ([`super::held`]).
    pub held: Vec<super::held::ImportedHeld>,
    /// The functions of other modules that this module calls and that pin a listener on the
    /// `AbortSignal` their caller hands in ([`super::pinned`]).
    pub pinned: Vec<super::pinned::ImportedPinned>,
    /// The functions of other modules that this module calls and that may return their
    /// argument unchanged ([`super::shared`]).
    pub passes: Vec<super::shared::ImportedPassThrough>,
    /// The method names whose every function in the project makes an instance of a class that
    /// starts an interval nothing can stop ([`TimerMember`]), for the calls of this module on
    /// an instance field's value.
    pub timer_members: Vec<TimerMember>,
    /// The products of this module's exported memoizing factories that other modules keep for
    /// the process and call with request data ([`super::memo`]).
    pub memo_uses: Vec<super::memo::ImportedMemoUse>,
}

/// A method name `x.name(…)` whose every candidate in the project (every function stored under
/// that property name, the field-based call graph of Feldthaus et al., ICSE 2013) makes an
/// instance of a class whose constructor starts a `setInterval` that no method of the class
/// clears, directly or by forwarding to a method of the same name: each call of it leaks one
/// interval. Told by the project pass to the modules that call it on an instance field's value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimerMember {
    /// The method name.
    pub name: Atom,
    /// The class made (its name in its module, or the name it is exported under).
    pub class: Atom,
    /// The class's module, as the walk found it.
    pub file: String,
    /// Where its constructor starts the interval.
    pub at: PositionRange,
}

impl ProjectFacts {
    /// True when the project says nothing about any export (a file linted alone).
    pub fn is_empty(&self) -> bool {
        self.uses.is_empty()
            && self.registries.is_empty()
            && self.held.is_empty()
            && self.pinned.is_empty()
            && self.passes.is_empty()
            && self.timer_members.is_empty()
            && self.memo_uses.is_empty()
    }
}

/// A process-lived collection of a module that its exported functions fill and empty: a registry
/// (`register(x)` adds, `unregister(x)` removes), as the collection rule found it. Whether the
/// releasing export is ever called is a question for the modules that import it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Registry {
    /// The collection's name in its module.
    pub collection: Atom,
    /// Where it is declared (a byte span of its module).
    pub span: crate::diagnostic::ByteSpan,
    /// The exported functions that add entries.
    pub adds: Vec<Atom>,
    /// The exported functions that remove them.
    pub removes: Vec<Atom>,
    /// Whether an adding function returns a value (the handle its caller needs to remove the
    /// entry again).
    pub returns_handle: bool,
}

/// What the project pass tells an importing module about a registry of another module whose
/// adding function it calls.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedRegistry {
    /// The import specifier as the importing module writes it.
    pub specifier: String,
    /// The registry.
    pub registry: Registry,
    /// The registry's module, as the walk found it.
    pub file: String,
    /// Where the collection is declared in that module.
    pub at: PositionRange,
    /// Whether a module other than the importing one calls a removing function.
    pub removed_elsewhere: bool,
}

/// The export names a rule's question depended on, recorded while the rules run: the project
/// pass lints a file again with [`ProjectFacts`] only when it can answer one of them.
#[derive(Debug, Default)]
pub(crate) struct Asked(RefCell<Vec<Atom>>);

impl Asked {
    fn note(&self, names: impl IntoIterator<Item = Atom>) {
        let mut asked = self.0.borrow_mut();
        for n in names {
            if !asked.contains(&n) {
                asked.push(n);
            }
        }
    }

    /// The names asked about, in the order first asked.
    pub(crate) fn take(&self) -> Vec<Atom> {
        std::mem::take(&mut self.0.borrow_mut())
    }
}

impl SemanticModel {
    /// The names under which function `f` is exported: through its binding
    /// (`export function f`, `module.exports = f`) or as an expression (`exports.f = function`).
    pub fn export_names_of_func(&self, f: FuncId) -> Vec<Atom> {
        let binding = self.function(f).binding;
        self.exports
            .iter()
            .filter(|e| match e.target {
                ExportTarget::Func(g) => g == f,
                ExportTarget::Binding(b) => Some(b) == binding,
            })
            .map(|e| e.name.clone())
            .collect()
    }

    /// The member questions about method `f` of an exported class whose instances a
    /// dependency-injection container makes ([`super::api::is_container_singleton`]: the
    /// classes whose consumers hold their instances in typed fields): `Class.method` for each
    /// name the class is exported under ([`member_question`]). Empty for other functions and
    /// classes, for constructors and for private methods, so that the project pass does not
    /// resolve imports for questions nobody answers.
    pub fn member_export_names(&self, f: FuncId) -> Vec<Atom> {
        // No decorator, no container class (most files).
        if self.decorators.is_empty() {
            return Vec::new();
        }
        let func = self.function(f);
        let (Some(c), Some(method)) = (func.class, func.name.as_deref()) else {
            return Vec::new();
        };
        if self.is_constructor(f)
            || method.starts_with('#')
            || !super::api::is_container_singleton(self, c)
        {
            return Vec::new();
        }
        self.export_names_of_class(c)
            .iter()
            .map(|class| member_question(class, method))
            .collect()
    }

    /// The names under which class `c` is exported (through its binding).
    pub fn export_names_of_class(&self, c: ClassId) -> Vec<Atom> {
        let Some(binding) = self.class(c).binding else {
            return Vec::new();
        };
        self.exports
            .iter()
            .filter(|e| e.target == ExportTarget::Binding(binding))
            .map(|e| e.name.clone())
            .collect()
    }

    /// How the project uses the export known by `names` (one function or class may be exported
    /// under several): `Repeated` when any name is used repeatedly, else `Once` when a name is
    /// used at most once outside tests, else `TestsOnly`; `None` when the project knows none of
    /// them.
    pub(crate) fn project_use_of(&self, names: &[Atom]) -> Option<&ProjectUse> {
        let mut best: Option<&ProjectUse> = None;
        for n in names {
            match self.project.uses.get(n) {
                Some(u @ ProjectUse::Repeated(_)) => return Some(u),
                Some(u @ ProjectUse::Once) => best = Some(u),
                Some(u @ ProjectUse::TestsOnly)
                    if best.is_none_or(|b| *b == ProjectUse::Unused) =>
                {
                    best = Some(u);
                }
                Some(ProjectUse::TestsOnly) => {}
                Some(u @ ProjectUse::Unused) => {
                    best = best.or(Some(u));
                }
                None => {}
            }
        }
        best
    }

    /// Whether the whole-project pass knows that no other module uses any of the names `names`
    /// lists (every name is [`ProjectUse::Unused`]); false without answers about uses (then the
    /// names are not even listed) or names.
    pub(crate) fn unused_elsewhere(&self, names: impl FnOnce() -> Vec<Atom>) -> bool {
        if self.project.uses.is_empty() {
            return false;
        }
        let names = names();
        !names.is_empty()
            && names
                .iter()
                .all(|n| self.project.uses.get(n) == Some(&ProjectUse::Unused))
    }

    /// Records that a verdict depended on how the project uses `names`.
    pub(crate) fn note_asked(&self, names: impl IntoIterator<Item = Atom>) {
        self.asked.note(names);
    }

    /// The export names the rules' verdicts depended on (see [`Asked`]), leaving none behind.
    pub(crate) fn take_asked(&self) -> Vec<Atom> {
        self.asked.take()
    }

    /// Records a registry of this module that the rules found (for the project pass).
    pub fn note_registry(&self, registry: Registry) {
        self.registries_found.borrow_mut().push(registry);
    }

    /// The registries the rules found, leaving none behind.
    pub(crate) fn take_registries(&self) -> Vec<Registry> {
        std::mem::take(&mut self.registries_found.borrow_mut())
    }

    /// The registry of another module that `call` adds to, when the project pass found that
    /// this module calls one (`call`'s callee is the imported adding function).
    pub fn imported_registry(&self, call: &super::Call) -> Option<&ImportedRegistry> {
        if self.project.registries.is_empty() {
            return None;
        }
        let (specifier, name) = self.imported_callee(call)?;
        self.project
            .registries
            .iter()
            .find(|r| r.specifier == specifier && r.registry.adds.contains(&name))
    }

    /// The module specifier and export name a call's callee imports (see
    /// [`SemanticModel::imported_name`]).
    pub fn imported_callee(&self, call: &super::Call) -> Option<(&str, Atom)> {
        let (b, name) = self.imported_name(call.callee.as_ref()?)?;
        Some((self.binding(b).source_module.as_deref()?, name))
    }

    /// The import binding path `p` starts from and the name it uses from that module: `f` of
    /// `import { f }` and `f`; `m.f` of a namespace, a `require` result or a default import (a
    /// module of functions exported as an object, `export default { f }`); `default` for a
    /// whole namespace used as a value (`require('./m')(…)`). `None` for other paths, and for a
    /// member of an imported object (`bus.on`), which is not a name the module exports.
    pub fn imported_name(&self, p: &super::Path) -> Option<(BindingId, Atom)> {
        let super::Root::Binding(b) = p.root else {
            return None;
        };
        let binding = self.binding(b);
        let import = binding.import_name.as_ref()?;
        binding.source_module.as_ref()?;
        let whole = import == "*" || import == "default";
        let name = match (whole, p.props.as_slice()) {
            (true, []) if import == "*" => Atom::from("default"),
            (_, []) => import.clone(),
            (true, [name]) => name.clone(),
            _ => return None,
        };
        Some((b, name))
    }

    /// Gives the model what the project knows about its exports' uses, before any question is
    /// asked of it.
    pub fn set_project_facts(&mut self, facts: ProjectFacts) {
        self.project = facts;
    }
}
