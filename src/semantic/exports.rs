//! What a module exports and re-exports, and what the rest of the project says about how often
//! those exports are used ([`ProjectFacts`], filled in by the whole-project pass of
//! [`crate::project`]). A file linted alone has no project facts: every export is then "called
//! any number of times by code elsewhere", as before.

use std::cell::RefCell;

use rustc_hash::FxHashMap;
use swc_atoms::Atom;

use super::{BindingId, ClassId, FuncId, SemanticModel};

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
}

/// A use of an export, in another module, that runs repeatedly.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RepeatedUse {
    /// Why it repeats, in the words of the findings ("on every request").
    pub why: String,
    /// The using module's path, as the walk found it.
    pub file: String,
    /// The 1-based line of the use in that module.
    pub line: u32,
}

/// What the whole-project pass tells one module about its exports' uses, by export name. Only
/// exports whose every use is known are present.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProjectFacts {
    /// Export name → how the project uses it.
    pub uses: FxHashMap<Atom, ProjectUse>,
}

impl ProjectFacts {
    /// True when the project says nothing about any export (a file linted alone).
    pub fn is_empty(&self) -> bool {
        self.uses.is_empty()
    }
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
                Some(u @ ProjectUse::TestsOnly) => {
                    best = best.or(Some(u));
                }
                None => {}
            }
        }
        best
    }

    /// Records that a verdict depended on how the project uses `names`.
    pub(crate) fn note_asked(&self, names: impl IntoIterator<Item = Atom>) {
        self.asked.note(names);
    }

    /// The export names the rules' verdicts depended on (see [`Asked`]), leaving none behind.
    pub(crate) fn take_asked(&self) -> Vec<Atom> {
        self.asked.take()
    }

    /// Gives the model what the project knows about its exports' uses, before any question is
    /// asked of it.
    pub fn set_project_facts(&mut self, facts: ProjectFacts) {
        self.project = facts;
    }
}
