//! The per-file semantic model every rule asks its questions of (docs/architecture.md).
//!
//! Built once per file by one AST walk ([`build()`]) over a resolved swc program:
//! - **bindings** with identity from swc's resolver (`(name, SyntaxContext)`), their kind, the
//!   function that declares them, their initialiser and whether they are exported;
//! - **functions** (the module body is function 0) with their parents, parameters and how each
//!   function value is used (passed as a callback, bound to a name, exported, …);
//! - **calls** with their callee as a member path (`process.stdin.on`), summarised arguments and what
//!   happens to the result (discarded, stored, returned, `.unref()`ed);
//! - **assignments**, **`delete`s**, **size checks** and **references**;
//! - derived facts: how often each function runs ([`frequency`]) and how long the owner of a member
//!   path lives ([`lifetime`]), and the cleanup catalogue: whether a listener is removed, a timer
//!   handle managed, a collection pruned ([`cleanup`]).

pub mod api;
mod build;
mod by_binding;
pub mod class;
pub mod cleanup;
pub mod count;
pub mod effect_scope;
pub mod exports;
pub mod flow;
pub mod frequency;
pub mod handle;
mod handoff;
pub mod held;
mod key_domain;
pub mod lifetime;
pub mod memo;
mod path;
pub mod pinned;
pub mod shared;
mod span_index;
pub mod stored;
pub mod timer;

pub use build::{build, build_resolving};
pub use class::{Class, ClassId, Decorated, Decorator};
pub use exports::{
    Export, ExportTarget, ImportedRegistry, ProjectFacts, ProjectUse, ReExport, Registry,
    RepeatedUse, TimerMember,
};
pub use frequency::{CallbackKind, Frequency, Repeat};
pub(crate) use key_domain::{
    capped_collection_keyed_by, is_code_set_key, is_normaliser, mirrors_lookup,
};
pub use lifetime::Owner;
pub use memo::{KeyArgs, MemoFactory};
pub use path::{Path, Props, Root};

use std::cell::OnceCell;

use by_binding::ByBinding;

use smallvec::SmallVec;
use swc_atoms::Atom;

use crate::diagnostic::ByteSpan;

/// Declares a typed index into one table of the model: a `u32` newtype, so that a binding's
/// index cannot be used where a call's is meant.
macro_rules! model_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(pub u32);

        impl $name {
            /// The position in its table (0-based).
            pub fn index(self) -> usize {
                self.0 as usize
            }

            /// The id of position `i` (0-based) of its table.
            pub fn from_index(i: usize) -> $name {
                $name(i as u32)
            }
        }
    };
}
pub(crate) use model_id;

model_id!(
    /// Index of a function in [`SemanticModel::functions`]; [`MODULE`] is the module body.
    FuncId
);
model_id!(
    /// Index of a binding in [`SemanticModel::bindings`].
    BindingId
);
model_id!(
    /// Index of a call in [`SemanticModel::calls`].
    CallId
);
/// The module body, which runs once when the module is loaded.
pub const MODULE: FuncId = FuncId(0);

/// What declared a binding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BindingKind {
    /// `var`
    Var,
    /// `let`
    Let,
    /// `const` (and `using`)
    Const,
    /// `function f() {}`
    Function,
    /// `class C {}`
    Class,
    /// A function parameter.
    Param,
    /// An ESM import specifier.
    Import,
    /// A `catch (e)` parameter.
    Catch,
    /// Referenced, but its declaration is one we do not model (TS enum, namespace, …).
    Unknown,
}

/// A summary of an initialiser or argument expression: enough for the rules' questions, no more.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// A function or arrow expression.
    Func(FuncId),
    /// An identifier or member chain.
    Path(Path),
    /// A string literal (also a template literal without expressions).
    Str(Atom),
    /// A number literal.
    Num(f64),
    /// `true` or `false`.
    Bool(bool),
    /// `null`, `undefined`, a regex or a bigint.
    OtherLiteral,
    /// An object literal: `(key, value)` pairs, `None` for computed keys and spreads.
    Object(Vec<(Option<Atom>, Value)>),
    /// An array literal.
    Array(Vec<Value>),
    /// A call or `new` expression.
    Call(CallId),
    /// Anything else, with the identifiers and member paths it mentions (for taint questions).
    Expr(Vec<Path>),
}

impl Value {
    /// The value of property `key` of an object literal (the first one so named); `None` for
    /// other values and when the object has no such property.
    pub fn property(&self, key: &str) -> Option<&Value> {
        let Value::Object(props) = self else {
            return None;
        };
        props
            .iter()
            .find(|(k, _)| k.as_deref() == Some(key))
            .map(|(_, v)| v)
    }

    /// Every path this value mentions, recursively (object values, array elements, template parts).
    pub fn mentioned_paths(&self, out: &mut Vec<Path>) {
        match self {
            Value::Path(p) => out.push(p.clone()),
            Value::Expr(ps) => out.extend(ps.iter().cloned()),
            Value::Object(props) => props.iter().for_each(|(_, v)| v.mentioned_paths(out)),
            Value::Array(items) => items.iter().for_each(|v| v.mentioned_paths(out)),
            _ => {}
        }
    }

    /// As [`Value::mentioned_paths`], in the same order, for a value no longer needed: the paths
    /// are moved out instead of cloned (each clone bumps atom reference counts and may allocate,
    /// and the original is then dropped), and an `Expr` value's list is taken whole when `out`
    /// is still empty.
    pub fn into_mentioned_paths(self, out: &mut Vec<Path>) {
        match self {
            Value::Path(p) => out.push(p),
            Value::Expr(ps) if out.is_empty() => *out = ps,
            Value::Expr(ps) => out.extend(ps),
            Value::Object(props) => props
                .into_iter()
                .for_each(|(_, v)| v.into_mentioned_paths(out)),
            Value::Array(items) => items.into_iter().for_each(|v| v.into_mentioned_paths(out)),
            _ => {}
        }
    }

    /// True for literals whose value is fixed in the source.
    pub fn is_literal(&self) -> bool {
        matches!(
            self,
            Value::Str(_) | Value::Num(_) | Value::Bool(_) | Value::OtherLiteral
        )
    }

    /// The string value of a string literal.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }
}

/// Which part of a destructured value a binding takes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Part {
    /// Element `n` (0-based) of an array pattern: `b` in `const [a, b] = …` is `Index(1)`.
    Index(u32),
    /// A named property of an object pattern: `d` in `const { c: d } = …` is `Key("c")`.
    Key(Atom),
}

/// A binding declared by destructuring the result of a call: `const [a, b] = m.get(k)` makes `a`
/// element 0 and `b` element 1 of what `m.get(k)` returns.
#[derive(Debug, Clone)]
pub struct Destructured {
    /// The declared binding.
    pub binding: BindingId,
    /// The call whose result is destructured.
    pub call: CallId,
    /// Which part of the result it takes.
    pub part: Part,
}

/// A parameter whose default value is a call or a `new`: `cache` in `function f(cache = new
/// Map())` or in `function f({ cache = new Map() } = {})`. The default is used when the caller
/// does not supply that argument (or that property of it).
#[derive(Debug, Clone)]
pub struct ParamDefault {
    /// The parameter's binding.
    pub binding: BindingId,
    /// Its default value.
    pub value: Value,
    /// The position (0-based) of the argument it comes from.
    pub position: u32,
    /// The property of that argument it takes, when it is a name of an object pattern
    /// (`{ cache = new Map() }`); `None` for the whole argument.
    pub key: Option<Atom>,
}

/// A binding (variable, function, class, parameter or import) with its identity.
#[derive(Debug, Clone)]
pub struct Binding {
    /// The declared name.
    pub name: Atom,
    /// What declared it.
    pub kind: BindingKind,
    /// The function whose scope declares it ([`MODULE`] for the module body).
    pub func: FuncId,
    /// Declared directly in the module body (not in a block), or imported: lives as long as the
    /// process (lifetime L0).
    pub module_level: bool,
    /// The declaring identifier.
    pub span: ByteSpan,
    /// Its initialiser, if any (`const x = …`, default parameter values are not recorded).
    pub init: Option<Value>,
    /// The module it is imported from, for imports and top-level `require('…')` results.
    pub source_module: Option<String>,
    /// Exported by ESM `export` or CommonJS `module.exports`/`exports.x`.
    pub exported: bool,
    /// The function it names (`function f(){}`, `const f = () => …`).
    pub func_value: Option<FuncId>,
    /// The TypeScript type name of its annotation, when it is a plain type reference (`Socket`).
    pub type_name: Option<Atom>,
    /// For an import, the name it imports from its module: the imported name, `default` for a
    /// default import, `*` for a namespace import or a whole `require('…')` result.
    pub import_name: Option<Atom>,
}

/// How a function value is used, which decides how often it runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FuncUse {
    /// Passed as argument `index` of `call` (directly, or through a binding naming it).
    Argument {
        /// The call that receives it.
        call: CallId,
        /// The argument position (0-based).
        index: usize,
    },
    /// The value of property `handler`-like key of an object passed to `call`.
    OptionOf {
        /// The call that receives the object.
        call: CallId,
    },
    /// Called by name (or as an IIFE) by `call`.
    Called {
        /// The call expression.
        call: CallId,
    },
    /// A class or object-literal method.
    Method,
    /// Exported from the module.
    Exported,
    /// Returned, stored in a property, or otherwise escapes: callers unknown.
    Escapes,
}

/// A function, arrow, method or the module body.
#[derive(Debug, Clone)]
pub struct Function {
    /// The whole function.
    pub span: ByteSpan,
    /// The lexically enclosing function (`None` for the module body).
    pub parent: Option<FuncId>,
    /// Its name (declaration, binding, method or property key), if it has one.
    pub name: Option<Atom>,
    /// The binding that names it, if any.
    pub binding: Option<BindingId>,
    /// Its parameters' bindings (simple identifiers and destructured names alike).
    pub params: SmallVec<[BindingId; 4]>,
    /// How its value is used.
    pub uses: SmallVec<[FuncUse; 2]>,
    /// Its body contains a `return` or `throw` inside an `if`, i.e. a stop condition.
    pub has_guard_return: bool,
    /// Whether it is a class method or constructor.
    pub is_method: bool,
    /// An arrow function (it does not bind `this`).
    pub is_arrow: bool,
    /// Its last parameter is a rest element (`...args`): it takes every argument from its
    /// position on.
    pub rest: bool,
    /// The class it is a constructor or method of (see [`class`]).
    pub class: Option<ClassId>,
    /// The references made inside it, nested functions included: `references[refs.0..refs.1]`
    /// (the walk emits them while it is inside the function).
    pub refs: (u32, u32),
}

/// What happens to a call's result.
#[derive(Debug, Clone, PartialEq)]
pub enum ResultUse {
    /// An expression statement: the result is dropped.
    Discarded,
    /// `const b = call()` (also through `await`).
    Declared(BindingId),
    /// `path = call()` (boxed: it is rare, and every call record holds a `ResultUse`).
    Assigned(Box<Path>),
    /// `return call()` or an arrow's expression body.
    Returned,
    /// Passed as an argument to another call or stored in a literal.
    Argument,
    /// `call().name(…)` or `call().name`, e.g. `setInterval(…).unref()`.
    Member(Atom),
    /// Anything else (operands, conditions, …).
    Other,
}

/// How often a run-once guard lets a function's body run ([`SemanticModel::run_once_guard`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunOnce {
    /// Once per process: the flag is module-level, global, or of a function around it.
    PerProcess,
    /// Once per instance of a class that may have many: the flag is an instance field.
    PerInstance(ClassId),
}

/// A call or `new` expression.
#[derive(Debug, Clone)]
pub struct Call {
    /// The whole call.
    pub span: ByteSpan,
    /// The function whose body contains it.
    pub func: FuncId,
    /// The callee as a path (`emitter.on`), or `None` when it is not a path.
    pub callee: Option<Path>,
    /// The callee expression (`emitter.on`, `setInterval`): where a squiggle goes.
    pub callee_span: ByteSpan,
    /// The called function when it is a function expression (an IIFE).
    pub callee_func: Option<FuncId>,
    /// Summaries of the arguments.
    pub args: SmallVec<[Value; 2]>,
    /// Spans of the arguments.
    pub arg_spans: SmallVec<[ByteSpan; 2]>,
    /// What happens to the result.
    pub result: ResultUse,
    /// `new X(…)`.
    pub is_new: bool,
    /// Inside an `if`, a conditional or a logical operator within its function.
    pub guarded: bool,
    /// The direct operand of `await` (a promise-returning `write()` that is awaited honours
    /// backpressure).
    pub awaited: bool,
    /// Inside the body of a `for`, `for…in`, `for…of`, `while` or `do…while` loop within its
    /// function, where it may run more than once per run of that loop: not in a `return` or
    /// `throw`, nor in an expression statement right before one or before a `break` that
    /// leaves the loop.
    pub in_loop: bool,
}

impl Call {
    /// The last property of the callee path: `on` for `emitter.on(…)`, `setInterval` for a bare call.
    pub fn method(&self) -> Option<&Atom> {
        self.callee.as_ref().and_then(|p| p.last())
    }

    /// The binding the callee path starts from (`b` in `b.x.y(…)` and `b(…)`).
    pub fn callee_root(&self) -> Option<BindingId> {
        self.callee.as_ref().and_then(Path::root_binding)
    }

    /// The receiver of a method call: the callee path without its last property.
    pub fn receiver(&self) -> Option<Path> {
        let p = self.callee.as_ref()?;
        if p.props.is_empty() {
            return None;
        }
        Some(p.parent())
    }

    /// Argument `i`, if present.
    pub fn arg(&self, i: usize) -> Option<&Value> {
        self.args.get(i)
    }
}

/// The target of an assignment.
#[derive(Debug, Clone, PartialEq)]
pub enum Target {
    /// `path = …` (also `obj.prop = …`).
    Path(Path),
    /// `object[key] = …` with a non-literal key.
    Computed {
        /// The object written to.
        object: Path,
        /// The key expression.
        key: Value,
    },
    /// A destructuring pattern or something we do not model.
    Other,
}

/// An assignment expression.
#[derive(Debug, Clone)]
pub struct Assign {
    /// The whole assignment.
    pub span: ByteSpan,
    /// The function containing it.
    pub func: FuncId,
    /// What is written.
    pub target: Target,
    /// The value written.
    pub value: Value,
    /// A plain `=` (as opposed to `+=`, `??=`, …).
    pub plain: bool,
}

/// A use of a path that removes or bounds entries: `delete obj[k]` or a relational comparison on
/// `obj.size`/`obj.length`.
#[derive(Debug, Clone)]
pub struct Bound {
    /// The object (`obj`).
    pub object: Path,
    /// Where it happens.
    pub span: ByteSpan,
    /// Whether it is a `delete` (else a size check).
    pub is_delete: bool,
    /// The function containing it.
    pub func: FuncId,
}

/// The test of an `if`, a conditional expression or the left side of `&&`/`||`/`??`: the paths it
/// reads, so that a rule can tell whether code checks a handle or a flag before acting.
#[derive(Debug, Clone)]
pub struct Condition {
    /// The test expression.
    pub span: ByteSpan,
    /// The construct whose branches the test decides: the whole `if` statement, conditional
    /// expression or `&&`/`||`/`??` expression.
    pub scope: ByteSpan,
    /// The function containing it.
    pub func: FuncId,
    /// The identifiers and member paths the test mentions.
    pub paths: Vec<Path>,
}

/// A value flowing somewhere a rule cannot follow: returned, passed to a call, stored in a literal
/// or a property.
#[derive(Debug, Clone)]
pub struct Escape {
    /// The binding whose value escapes.
    pub binding: BindingId,
    /// Where.
    pub span: ByteSpan,
    /// The function containing it.
    pub func: FuncId,
    /// Returned from its function (directly or inside a returned literal).
    pub returned: bool,
}

/// A reference to a binding (not its declaration).
#[derive(Debug, Clone, Copy)]
pub struct Reference {
    /// The binding referred to.
    pub binding: BindingId,
    /// The function containing the reference.
    pub func: FuncId,
    /// The identifier.
    pub span: ByteSpan,
}

/// A `new` expression that is an operand of a default or a choice
/// ([`SemanticModel::default_news`]).
#[derive(Debug, Clone)]
pub struct DefaultNew {
    /// The function the expression is in.
    pub func: FuncId,
    /// The paths of the expression's value summary ([`Value::Expr`]).
    pub paths: Vec<Path>,
    /// The `new` expression.
    pub call: CallId,
}

/// Everything the rules know about one file. See the module docs.
///
/// Built by one thread and read by the rules on that thread: the derived groupings and the
/// frequencies fill in on first use (`OnceCell`), so the model is `Send` but not `Sync`.
#[derive(Debug, Default)]
pub struct SemanticModel {
    /// All functions; index 0 is the module body.
    pub functions: Vec<Function>,
    /// All bindings.
    pub bindings: Vec<Binding>,
    /// All classes (declarations, expressions and prototype classes), in source order.
    pub classes: Vec<Class>,
    /// The decorators of classes and methods, by what they decorate (classes first, then
    /// methods, each in id order), in source order for one target; empty in most files.
    pub decorators: Vec<class::Decorator>,
    /// All calls and `new` expressions, in source order of their end.
    pub calls: Vec<Call>,
    /// All assignments.
    pub assigns: Vec<Assign>,
    /// `delete`s and size checks.
    pub bounds: Vec<Bound>,
    /// Escaping values.
    pub escapes: Vec<Escape>,
    /// `(function, path)` for each `return <path>;` whose path starts at a binding or at `this`
    /// (`return client`, `return this._client`), in source order: what a function may give back
    /// ([`shared`]).
    pub returns: Vec<(FuncId, Path)>,
    /// The `new` expressions that are one operand of a default or a choice whose other
    /// operands are paths (`options.store ?? new Store()`, `s || new S()`, `c ? s : new S()`),
    /// each with the function it is in and the paths the expression's value summary names
    /// ([`Value::Expr`]), in source order: what such a value may be besides those paths
    /// ([`shared`]).
    pub default_news: Vec<DefaultNew>,
    /// `(function, object literal)` for each `return { … }`, in source order: what a function
    /// gives back under each property ([`shared`]).
    pub returned_objects: Vec<(FuncId, Value)>,
    /// Tests of `if`s, conditionals and logical operators that mention a path, in source order.
    pub conditions: Vec<Condition>,
    /// References to bindings, in source order.
    pub references: Vec<Reference>,
    /// `(binding, call)` for each call that names a binding as its callee (`b(…)`) or as an
    /// argument, in source order of the calls' ends: one entry per mention.
    pub(crate) call_mentions: Vec<(BindingId, CallId)>,
    /// The bodies of `catch` clauses, in source order: code that runs only when something threw.
    pub catch_blocks: Vec<ByteSpan>,
    /// Counts read from a keyed collection and written back ([`count`]), in source order.
    pub counts: Vec<count::Count>,
    /// Bindings declared by destructuring a call's result (`const [a, b] = m.get(k)`), in source
    /// order.
    pub destructured: Vec<Destructured>,
    /// The parameters whose default value is a call or a `new` (`cache = new Map()`,
    /// `{ cache = new Map() } = {}`), in source order: [`ParamDefault`].
    pub param_defaults: Vec<ParamDefault>,
    /// `(function, function expression)` for each function or arrow a function returns as it is
    /// written (`return (...args) => …`, an arrow's expression body), in source order.
    pub returned_funcs: Vec<(FuncId, FuncId)>,
    /// The names this module exports, in source order ([`exports`]).
    pub exports: Vec<Export>,
    /// The other modules whose names this module exports as its own, in source order.
    pub reexports: Vec<ReExport>,
    /// The modules loaded by a call, in source order: each `require('x')` with its call, and each
    /// dynamic `import('x')` (no call is recorded for those). Bound requires are import
    /// bindings as well; the others are uses the project pass cannot follow by name.
    pub loads: Vec<(String, Option<CallId>)>,
    /// What the whole-project pass knows about how other modules use the exports (empty for a
    /// file linted alone).
    project: ProjectFacts,
    /// The export names the rules' verdicts depended on.
    asked: exports::Asked,
    /// A registration was left undecided for want of knowing whether an imported function
    /// passes its argument through ([`shared`]): for the project pass.
    asks_pass: std::cell::Cell<bool>,
    /// The registries the rules found (for the project pass).
    registries_found: std::cell::RefCell<Vec<exports::Registry>>,
    /// Byte ranges of the text whose top-level code runs once per component instance (a Vue
    /// `<script setup>`, a Svelte instance `<script>`) or per request (an Astro frontmatter):
    /// [`crate::sfc::Unit::instance`], set by
    /// [`SemanticModel::set_instance_blocks`]; empty for other files.
    instance_blocks: Vec<ByteSpan>,
    /// The component is mounted once per process (an application's root component,
    /// [`crate::sfc::is_root_component`]), set by [`SemanticModel::set_mounted_once`].
    mounted_once: bool,
    /// How often the module body runs when not once ([`SemanticModel::set_module_repeat`]).
    module_repeat: Option<Repeat>,
    // Derived on first use: most files never ask (no rule finds a candidate in them), and these
    // cost a pass over the references, the calls and the call graph.
    /// Indices into `references` by binding, in source order.
    refs_by_binding: OnceCell<ByBinding<u32>>,
    /// Calls whose callee path starts at a binding, by that binding, in source order.
    calls_by_root: OnceCell<ByBinding<CallId>>,
    /// `call_mentions` grouped by binding.
    calls_of: OnceCell<ByBinding<CallId>>,
    /// Assignments whose target (or computed target's object) starts at a binding, by that
    /// binding, in source order.
    assigns_by_root: OnceCell<ByBinding<u32>>,
    /// `delete`s and size checks whose object starts at a binding, by that binding.
    bounds_by_root: OnceCell<ByBinding<u32>>,
    /// Bindings initialised with another binding's bare name (`const c = cache`), by that binding.
    copies_of: OnceCell<ByBinding<BindingId>>,
    /// How often each function runs, indexed by [`FuncId`].
    frequency: OnceCell<Vec<Frequency>>,
    /// Per class, whether it is public and where it is instantiated (see [`class`]).
    class_facts: OnceCell<Vec<class::ClassFacts>>,
    /// The calls whose callee can name a global function (see [`SemanticModel::global_calls`]),
    /// in source order: the timer questions ask about a few names, over and over.
    global_callees: OnceCell<Vec<CallId>>,
    /// The calls whose callee is rooted at `this` (`this.items.push(x)`), in source order: the
    /// instance-field questions ask about them for each field (see
    /// [`SemanticModel::method_calls_on`]).
    this_callees: OnceCell<Vec<CallId>>,
    /// The calls whose callee is rooted at a global (`window.removeEventListener(…)`), by that
    /// global's name, in source order: a receiver such as `window` or `process` would otherwise
    /// scan every call of the file for each registration asked about.
    calls_by_global: OnceCell<rustc_hash::FxHashMap<Atom, Vec<CallId>>>,
    /// The calls of a listener-removal method ([`api::REMOVE_LISTENER_METHODS`]), in source
    /// order: each registration asks for its removals, which are few.
    listener_removals: OnceCell<Vec<CallId>>,
    /// The memoizing factories of the file ([`SemanticModel::memo_factories`]).
    memo_factories: OnceCell<Vec<memo::MemoFactory>>,
    /// The assignments and calls shaped like a completion handler or a `then` (see
    /// [`cleanup::released_on_some_completions`]), found on first use.
    completion_sites: OnceCell<cleanup::CompletionSites>,
}

impl SemanticModel {
    /// An empty model with room for a source of `len` bytes, so that its tables are not copied
    /// while they grow. The ratios are upper quantiles of the bytes per item measured on the
    /// benchmark corpus (minified code is the densest); only the pages that are filled cost memory.
    fn with_capacity_for(len: u32) -> SemanticModel {
        let len = len as usize;
        SemanticModel {
            functions: Vec::with_capacity(len / 256 + 1),
            bindings: Vec::with_capacity(len / 64 + 1),
            calls: Vec::with_capacity(len / 64 + 1),
            assigns: Vec::with_capacity(len / 128 + 1),
            references: Vec::with_capacity(len / 16 + 1),
            escapes: Vec::with_capacity(len / 64 + 1),
            ..SemanticModel::default()
        }
    }

    /// Records `blocks`, the byte ranges whose top-level code runs once per component instance
    /// or per request ([`crate::sfc::Unit::instance`]); call it right after [`build`], before any
    /// question. The bindings they declare at top level ([`SemanticModel::is_instance_state`])
    /// stop being [`Binding::module_level`]: each run has its own, dropped with it, so they are
    /// not process-lived (the component's `const cache = new Map()` is per instance). How often
    /// the module body runs is told apart ([`SemanticModel::set_module_repeat`]): a unit that
    /// mixes a module script with an instance script runs its body once.
    pub fn set_instance_blocks(&mut self, blocks: Vec<ByteSpan>) {
        if blocks.is_empty() {
            return;
        }
        self.instance_blocks = blocks;
        for b in 0..self.bindings.len() {
            if self.is_instance_state(BindingId::from_index(b)) {
                self.bindings[b].module_level = false;
            }
        }
    }

    /// Records that the file is a component mounted once per process (an application's root
    /// component: [`crate::sfc::is_root_component`]): its mount hooks (`onMounted`, `onMount`)
    /// then run once, like the rest of its setup. Call it right after [`build`].
    pub fn set_mounted_once(&mut self) {
        self.mounted_once = true;
    }

    /// Records that the module body runs repeatedly for `why`: [`Repeat::Setup`] for a component
    /// unit made only of instance scripts, [`Repeat::Render`] for an Astro frontmatter
    /// ([`crate::sfc::Unit::runs`]). Call it right after [`build`], before any question: the
    /// module body and what it calls then run that often ([`SemanticModel::frequency_of`]).
    pub fn set_module_repeat(&mut self, why: Repeat) {
        self.module_repeat = Some(why);
    }

    /// How often the module body runs when not once ([`SemanticModel::set_module_repeat`]).
    pub fn module_repeat(&self) -> Option<&Repeat> {
        self.module_repeat.as_ref()
    }

    /// Whether the file is a component mounted once per process
    /// ([`SemanticModel::set_mounted_once`]).
    pub fn is_mounted_once(&self) -> bool {
        self.mounted_once
    }

    /// Whether binding `b` is the state of one component instance (or one render): declared (not
    /// imported) at the top level of a block whose code runs once per instance or per request
    /// ([`SemanticModel::set_instance_blocks`]), so each run has its own.
    pub fn is_instance_state(&self, b: BindingId) -> bool {
        let binding = self.binding(b);
        binding.func == MODULE
            && binding.kind != BindingKind::Import
            && self
                .instance_blocks
                .iter()
                .any(|r| r.start <= binding.span.start && binding.span.end <= r.end)
    }

    /// The binding `b`.
    pub fn binding(&self, b: BindingId) -> &Binding {
        &self.bindings[b.index()]
    }

    /// The function `f`.
    pub fn function(&self, f: FuncId) -> &Function {
        &self.functions[f.index()]
    }

    /// How often function `f` runs. A verdict that rests on an export's callers elsewhere is
    /// noted for the whole-project pass ([`crate::project`]), which may then lint the file again
    /// knowing them.
    pub fn frequency_of(&self, f: FuncId) -> &Frequency {
        let freq = &self.frequencies()[f.index()];
        if let Frequency::Repeated(_) = freq {
            let names = frequency::deciding_exports(self, f, freq);
            if !names.is_empty() {
                self.note_asked(names);
            }
        }
        freq
    }

    /// How often each function runs, indexed by [`FuncId`] (computed on the first question, as a
    /// fixpoint over the call graph: [`frequency`]).
    pub fn frequencies(&self) -> &[Frequency] {
        self.frequency.get_or_init(|| frequency::compute(self))
    }

    /// The grouping held in `cell`, built from the `(binding, item)` pairs `pairs` gives the
    /// first time it is asked for.
    fn grouping<'a, T: Copy + Default, I>(
        &self,
        cell: &'a OnceCell<ByBinding<T>>,
        pairs: impl FnOnce() -> I,
    ) -> &'a ByBinding<T>
    where
        I: Iterator<Item = (BindingId, T)> + Clone,
    {
        cell.get_or_init(|| ByBinding::new(pairs(), self.bindings.len()))
    }

    fn refs_by_binding(&self) -> &ByBinding<u32> {
        self.grouping(&self.refs_by_binding, || {
            self.references
                .iter()
                .enumerate()
                .map(|(i, r)| (r.binding, i as u32))
        })
    }

    fn calls_by_root(&self) -> &ByBinding<CallId> {
        self.grouping(&self.calls_by_root, || {
            self.calls
                .iter()
                .enumerate()
                .filter_map(|(i, c)| Some((c.callee_root()?, CallId::from_index(i))))
        })
    }

    fn assigns_by_root(&self) -> &ByBinding<u32> {
        self.grouping(&self.assigns_by_root, || {
            self.assigns.iter().enumerate().filter_map(|(i, a)| {
                let root = match &a.target {
                    Target::Path(p) | Target::Computed { object: p, .. } => p.root_binding(),
                    Target::Other => None,
                };
                Some((root?, i as u32))
            })
        })
    }

    fn bounds_by_root(&self) -> &ByBinding<u32> {
        self.grouping(&self.bounds_by_root, || {
            self.bounds
                .iter()
                .enumerate()
                .filter_map(|(i, b)| Some((b.object.root_binding()?, i as u32)))
        })
    }

    fn copies_of(&self) -> &ByBinding<BindingId> {
        self.grouping(&self.copies_of, || {
            self.bindings
                .iter()
                .enumerate()
                .filter_map(|(j, other)| match &other.init {
                    Some(Value::Path(p)) if p.props.is_empty() => {
                        Some((p.root_binding()?, BindingId::from_index(j)))
                    }
                    _ => None,
                })
        })
    }

    /// The assignments whose target path, or the object of whose computed target, may start with
    /// `prefix`: those rooted at its binding, or every assignment when `prefix` is not rooted at a
    /// binding. Callers still compare the paths; this only narrows the candidates.
    pub fn assigns_under<'a>(&'a self, prefix: &Path) -> impl Iterator<Item = &'a Assign> + 'a {
        rooted_candidates(
            prefix,
            || self.assigns_by_root(),
            self.assigns.len(),
            |i| i as u32,
        )
        .map(move |i| &self.assigns[i as usize])
    }

    /// The `delete`s and size checks whose object may start with `prefix` (narrowed as
    /// [`SemanticModel::assigns_under`] does).
    pub fn bounds_under<'a>(&'a self, prefix: &Path) -> impl Iterator<Item = &'a Bound> + 'a {
        rooted_candidates(
            prefix,
            || self.bounds_by_root(),
            self.bounds.len(),
            |i| i as u32,
        )
        .map(move |i| &self.bounds[i as usize])
    }

    /// True when `inner` is `outer` or nested inside it.
    pub fn is_within(&self, inner: FuncId, outer: FuncId) -> bool {
        let mut f = Some(inner);
        while let Some(cur) = f {
            if cur == outer {
                return true;
            }
            f = self.functions[cur.index()].parent;
        }
        false
    }

    /// Whether `f` is, or is nested in, a method or a function value that escapes (stored in a
    /// property, returned): code whose callers are somewhere else, as opposed to a plain function
    /// nobody calls.
    pub fn in_method_context(&self, f: FuncId) -> bool {
        let mut cur = Some(f);
        while let Some(c) = cur {
            let func = self.function(c);
            if func.is_method
                || func
                    .uses
                    .iter()
                    .any(|u| matches!(u, FuncUse::Method | FuncUse::Escapes))
            {
                return true;
            }
            cur = func.parent;
        }
        false
    }

    /// Calls whose callee path is a method `name` called on exactly `receiver`.
    pub fn method_calls_on<'a>(
        &'a self,
        receiver: &'a Path,
        names: &'a [&'a str],
    ) -> impl Iterator<Item = (CallId, &'a Call)> + 'a {
        // Receivers rooted at a binding only need that binding's calls, those rooted at `this`
        // the calls on `this`, those rooted at a global the calls on that global.
        let candidates: Box<dyn Iterator<Item = CallId> + 'a> = match &receiver.root {
            Root::This => Box::new(self.this_callees().iter().copied()),
            Root::Global(g) => Box::new(
                self.calls_by_global()
                    .get(g)
                    .map_or(&[][..], Vec::as_slice)
                    .iter()
                    .copied(),
            ),
            _ => rooted_candidates(
                receiver,
                || self.calls_by_root(),
                self.calls.len(),
                CallId::from_index,
            ),
        };
        candidates.filter_map(move |i| {
            let c = &self.calls[i.index()];
            let m = c.method()?;
            if !names.contains(&m.as_str()) {
                return None;
            }
            let p = c.callee.as_ref()?;
            p.is_member_of(receiver).then_some((i, c))
        })
    }

    /// The global constructor `value` makes when it is `new G(…)` of a bare global name
    /// (`new Map()` gives `Map`); `None` for any other value.
    pub fn constructed_global(&self, value: &Value) -> Option<&Atom> {
        let Value::Call(c) = value else { return None };
        let call = &self.calls[c.index()];
        match call.callee.as_ref()? {
            Path {
                root: Root::Global(g),
                props,
            } if props.is_empty() && call.is_new => Some(g),
            _ => None,
        }
    }

    /// Calls of a global function (an unresolved identifier such as `clearInterval`) named one of
    /// `names`, also when written as `globalThis.name`, `window.name` or `timers.name`, in source
    /// order.
    pub fn global_calls<'a>(
        &'a self,
        names: &'a [&'a str],
    ) -> impl Iterator<Item = (CallId, &'a Call)> + 'a {
        self.global_callees().iter().filter_map(move |&i| {
            let c = &self.calls[i.index()];
            let p = c.callee.as_ref()?;
            self.is_global_function(p, names).then_some((i, c))
        })
    }

    /// The calls whose callee is rooted at `this` (`this.items.push(x)`), in source order.
    pub fn method_calls_rooted_at_this(&self) -> impl Iterator<Item = &Call> + '_ {
        self.this_callees().iter().map(|&i| &self.calls[i.index()])
    }

    /// The calls of a listener-removal method (`off`, `removeListener`, `removeEventListener`:
    /// [`api::REMOVE_LISTENER_METHODS`]) on any receiver, in source order, listed on first use.
    pub fn listener_removal_calls(&self) -> impl Iterator<Item = &Call> + '_ {
        self.listener_removals
            .get_or_init(|| {
                self.calls
                    .iter()
                    .enumerate()
                    .filter(|(_, c)| {
                        c.method()
                            .is_some_and(|m| api::REMOVE_LISTENER_METHODS.contains(&m.as_str()))
                    })
                    .map(|(i, _)| CallId::from_index(i))
                    .collect()
            })
            .iter()
            .map(|&i| &self.calls[i.index()])
    }

    /// The calls whose callee is rooted at a global, by the global's name, found on first use.
    fn calls_by_global(&self) -> &rustc_hash::FxHashMap<Atom, Vec<CallId>> {
        self.calls_by_global.get_or_init(|| {
            let mut by_global = rustc_hash::FxHashMap::<Atom, Vec<CallId>>::default();
            for (i, c) in self.calls.iter().enumerate() {
                if let Some(Path {
                    root: Root::Global(g),
                    ..
                }) = &c.callee
                {
                    by_global
                        .entry(g.clone())
                        .or_default()
                        .push(CallId::from_index(i));
                }
            }
            by_global
        })
    }

    /// The calls whose callee is rooted at `this`, found on first use.
    fn this_callees(&self) -> &[CallId] {
        self.this_callees.get_or_init(|| {
            self.calls
                .iter()
                .enumerate()
                .filter(|(_, c)| c.callee.as_ref().is_some_and(|p| p.root == Root::This))
                .map(|(i, _)| CallId::from_index(i))
                .collect()
        })
    }

    /// The calls whose callee has the shape of a global function call
    /// ([`SemanticModel::global_function_name`]), found on first use.
    fn global_callees(&self) -> &[CallId] {
        self.global_callees.get_or_init(|| {
            (0..self.calls.len())
                .map(CallId::from_index)
                .filter(|&i| {
                    self.calls[i.index()]
                        .callee
                        .as_ref()
                        .is_some_and(|p| self.global_function_name(p).is_some())
                })
                .collect()
        })
    }

    /// Whether `callee` names the global function `names` (or its `timers`/`node:timers` import).
    pub fn is_global_function(&self, callee: &Path, names: &[&str]) -> bool {
        self.global_function_name(callee)
            .is_some_and(|n| names.contains(&n.as_str()))
    }

    /// The global function `callee` calls, if it has that shape: a global name, a property of
    /// `globalThis`/`window`/`global`/`self`, or a `timers`/`node:timers` import (the module
    /// itself with one property, or an imported name).
    fn global_function_name<'a>(&'a self, callee: &'a Path) -> Option<&'a Atom> {
        match (&callee.root, callee.props.as_slice()) {
            (Root::Global(n), []) => Some(n),
            (Root::Global(g), [m])
                if matches!(g.as_str(), "globalThis" | "window" | "global" | "self") =>
            {
                Some(m)
            }
            (Root::Binding(b), rest @ ([] | [_])) => {
                let binding = self.binding(*b);
                let from_timers = binding
                    .source_module
                    .as_deref()
                    .is_some_and(|m| matches!(m, "timers" | "node:timers"));
                from_timers.then(|| rest.first().unwrap_or(&binding.name))
            }
            _ => None,
        }
    }

    /// The name a callee path calls: its last property, a global's name, or for a bare binding its
    /// name (the imported name for `import { useEffect as ue }`).
    pub fn callee_name(&self, callee: &Path) -> Option<Atom> {
        if let Some(p) = callee.props.last() {
            return Some(p.clone());
        }
        match &callee.root {
            Root::Global(g) => Some(g.clone()),
            Root::Binding(b) => {
                let binding = self.binding(*b);
                Some(
                    binding
                        .type_name
                        .clone()
                        .filter(|_| binding.kind == BindingKind::Import)
                        .unwrap_or_else(|| binding.name.clone()),
                )
            }
            _ => None,
        }
    }

    /// References to binding `b`, in source order.
    pub fn references_to(&self, b: BindingId) -> impl Iterator<Item = &Reference> + '_ {
        self.refs_by_binding()
            .of(b)
            .iter()
            .map(|&i| &self.references[i as usize])
    }

    /// References made inside function `f` or the functions nested in it, in source order.
    pub fn references_within(&self, f: FuncId) -> &[Reference] {
        let (from, to) = self.function(f).refs;
        &self.references[from as usize..to as usize]
    }

    /// Calls that mention binding `b` as callee or argument (the intra-file call graph's edges),
    /// in source order of their end; a call appears once per mention.
    pub fn calls_mentioning(&self, b: BindingId) -> &[CallId] {
        self.grouping(&self.calls_of, || self.call_mentions.iter().copied())
            .of(b)
    }

    /// Whether function `f` runs its body once and then returns early: it has a guard that
    /// returns (`if (loaded) return;`) on a flag that outlives the call, and sets that flag to
    /// `true` (`loaded = true`, a module-level binding or one of a function around it) — run-once
    /// code, whatever its callers do. A flag on the instance (`this.started`) only makes the body
    /// run once per instance: see [`SemanticModel::run_once_guard`].
    pub fn is_run_once_guarded(&self, f: FuncId) -> bool {
        self.run_once_guard(f) == Some(RunOnce::PerProcess)
    }

    /// How often a guard on a flag lets function `f`'s body run ([`RunOnce`]): `f` returns early
    /// when a flag that outlives the call is set (a condition of `f` reads it and `f` has a guard
    /// that returns or throws), and sets it to `true` itself. `None` when `f` has no such guard
    /// (a flag set but never tested is a state, not a guard: `if (err) return; track.loaded =
    /// true`).
    pub fn run_once_guard(&self, f: FuncId) -> Option<RunOnce> {
        let func = self.function(f);
        if !func.has_guard_return {
            return None;
        }
        let tested = |p: &Path| {
            self.conditions
                .iter()
                .any(|c| c.func == f && c.paths.iter().any(|q| q == p))
        };
        self.flag_sets(f).find_map(|(_, p)| {
            let scope = match &p.root {
                // The instance's flag: once per instance, which for a class with many instances is
                // as often as instances are made.
                Root::This => match self.this_class(f) {
                    Some(c) if self.may_have_many_instances(c) => RunOnce::PerInstance(c),
                    _ => RunOnce::PerProcess,
                },
                _ => RunOnce::PerProcess,
            };
            tested(p).then_some(scope)
        })
    }

    /// The plain assignments of `true` in function `f` to a flag that outlives its calls, each
    /// with the flag's path: a field of the instance (`this.started = true`) or a binding
    /// declared outside `f` (`loaded = true`), in source order. The run-once questions below
    /// start from them.
    fn flag_sets(&self, f: FuncId) -> impl Iterator<Item = (&Assign, &Path)> + '_ {
        self.assigns.iter().filter_map(move |a| {
            if a.func != f || !a.plain || a.value != Value::Bool(true) {
                return None;
            }
            let Target::Path(p) = &a.target else {
                return None;
            };
            let outlives = match &p.root {
                Root::This => true,
                Root::Binding(b) => !self.is_within(self.binding(*b).func, f),
                _ => false,
            };
            outlives.then_some((a, p))
        })
    }

    /// Whether function `f` runs its work once behind a flag it sets, in either form: a guard
    /// that returns ([`SemanticModel::is_run_once_guarded`]), or a test of the flag around the
    /// work (`if (!initialized) { initialized = true; … }`): the flag that outlives the call is
    /// set to `true` in `f` and read by a test in `f` before that.
    pub fn is_flag_guarded(&self, f: FuncId) -> bool {
        if self.is_run_once_guarded(f) {
            return true;
        }
        self.flag_sets(f).any(|(a, p)| {
            self.conditions.iter().any(|c| {
                c.func == f && c.span.start < a.span.start && c.paths.iter().any(|q| q == p)
            })
        })
    }

    /// The function whose every run lets `call` run at most once, when `call` sits behind a flag
    /// of that function (or of the module): inside a conditional, after `flag = true` in the
    /// same function, where a test of the flag comes before that assignment and decides a
    /// construct holding both (`if (!started &&
    /// msg.type === 'INIT') { started = true; …; setInterval(…) }`), and nothing ever sets the
    /// flag to anything but `true`. The flag is a binding declared outside `call`'s function:
    /// its scope's function (or [`MODULE`]) is returned, so that `call` runs as often as that.
    /// `None` when no such flag guards `call`.
    pub fn run_once_flag_scope(&self, call: &Call) -> Option<FuncId> {
        if !call.guarded {
            return None;
        }
        let f = call.func;
        self.flag_sets(f).find_map(|(a, p)| {
            if a.span.start > call.span.start {
                return None;
            }
            let Root::Binding(b) = p.root else {
                return None;
            };
            if !p.props.is_empty() {
                return None;
            }
            let scope = self.binding(b).func;
            // The test decides a construct that holds both the assignment and `call`.
            let tested = self.conditions.iter().any(|c| {
                c.func == f
                    && c.span.start < a.span.start
                    && c.scope.start <= a.span.start
                    && call.span.end <= c.scope.end
                    && c.paths.iter().any(|q| q == p)
            });
            let only_set = self.assigns.iter().all(|other| match &other.target {
                Target::Path(q) if q == p => other.value == Value::Bool(true),
                _ => true,
            });
            (tested && only_set).then_some(scope)
        })
    }

    /// Whether function `f` runs once however often its callers' callers run: it, or a function
    /// its repetition comes through (the callers in [`Repeat::CalledFrom`]), is flag-guarded
    /// ([`SemanticModel::is_flag_guarded`]).
    pub fn runs_once_behind_flag(&self, f: FuncId) -> bool {
        if self.is_flag_guarded(f) {
            return true;
        }
        let mut r = match self.frequency_of(f) {
            Frequency::Repeated(r) => r,
            _ => return false,
        };
        while let Repeat::CalledFrom(g, inner) = r {
            if self.is_flag_guarded(*g) {
                return true;
            }
            r = inner;
        }
        false
    }

    /// Whether `path`, used in function `f`, holds a counter: it is incremented somewhere
    /// (`x++`, `x += 1`, also through the instance: `this.nextId++` and `self.nextId += 1` are one
    /// field), or it is a local that takes a counter's value (`const id = this.nextId++`,
    /// `idx = this.seq`). Keys made from a counter never repeat: a collection keyed by one grows
    /// without bound unless entries are removed.
    pub fn is_counter(&self, path: &Path, f: FuncId) -> bool {
        self.is_counter_depth(path, f, 0)
    }

    fn is_counter_depth(&self, path: &Path, f: FuncId, depth: u32) -> bool {
        if depth > 3 {
            return false;
        }
        let field = self.field_of(path, f);
        let same = |t: &Path, g: FuncId| match &field {
            Some((c, name)) => {
                t.props.len() == path.props.len()
                    && self.is_field_path(t, g, *c, name)
                    && t.props == path.props
            }
            None => t == path,
        };
        let mut candidates = Vec::new();
        for a in &self.assigns {
            let Target::Path(t) = &a.target else { continue };
            if !same(t, a.func) {
                continue;
            }
            if !a.plain {
                return true;
            }
            candidates.push((&a.value, a.func));
        }
        // A local binding: its initialiser and what is assigned to it.
        if let (Some(b), true) = (path.root_binding(), path.props.is_empty()) {
            if let Some(init) = &self.binding(b).init {
                candidates.push((init, self.binding(b).func));
            }
        }
        candidates.into_iter().any(|(v, g)| match v {
            Value::Path(p) => self.is_counter_depth(p, g, depth + 1),
            Value::Expr(ps) => ps.iter().any(|p| self.is_counter_depth(p, g, depth + 1)),
            _ => false,
        })
    }

    /// What `path` stands for when its root is a `const` initialised with another path
    /// (`const { signal } = options` makes `signal.x` stand for `options.signal.x`), followed
    /// through up to 4 such bindings; `None` when its root is no such binding.
    pub fn resolve_const(&self, path: &Path) -> Option<Path> {
        let mut cur = path.clone();
        let mut changed = false;
        for _ in 0..4 {
            let Some(b) = cur.root_binding() else { break };
            let binding = self.binding(b);
            let Some(Value::Path(init)) = &binding.init else {
                break;
            };
            if binding.kind != BindingKind::Const || init.root == Root::Binding(b) {
                break;
            }
            let mut next = init.clone();
            next.props.extend(cur.props.iter().cloned());
            cur = next;
            changed = true;
        }
        changed.then_some(cur)
    }

    /// Bindings whose initialiser is exactly `b` (`const m = b`), transitively, plus `b` itself.
    pub fn aliases_of(&self, b: BindingId) -> Vec<BindingId> {
        let mut out = vec![b];
        let mut i = 0;
        while i < out.len() {
            for &j in self.copies_of().of(out[i]) {
                if !out.contains(&j) {
                    out.push(j);
                }
            }
            i += 1;
        }
        out
    }
}

/// Indices of the items (of `len`) that may belong to a path starting with `prefix`: the ones
/// `by_root` groups under its root binding, or all of them when `prefix` is not rooted at a
/// binding. Callers still compare the paths; this only narrows the candidates.
fn rooted_candidates<'a, T: Copy + Default + 'a>(
    prefix: &Path,
    by_root: impl FnOnce() -> &'a ByBinding<T>,
    len: usize,
    from_index: fn(usize) -> T,
) -> Box<dyn Iterator<Item = T> + 'a> {
    match prefix.root {
        Root::Binding(b) => Box::new(by_root().of(b).iter().copied()),
        _ => Box::new((0..len).map(from_index)),
    }
}
