//! Classes and their instances: which functions are a class's constructor and methods, what
//! `this` means inside a function, and where instances are made — the facts that let the rules
//! treat `this.cache`, `this.timer` and `this.socket` like any other collection, handle or owner.
//!
//! Three shapes make a class: a `class` declaration or expression; a constructor function with
//! methods assigned to its prototype (`function Pool() {…}; Pool.prototype.acquire = function …`),
//! which is what hand-written ES5 and transpiled output (TypeScript's `/** @class */` IIFEs, Babel)
//! ship; and an object a function extends through property descriptors
//! (`Object.defineProperties(pool, { getConnection: { value: getConnection }, _queue: { value: [] }
//! })` on a parameter), whose class has no constructor and no name binding (`build/classes.rs`,
//! `extended_objects`). A constructor's methods also include the functions it installs on its
//! instance, as class-properties output defines methods and arrow fields
//! (`_defineProperty(_assertThisInitialized(_this), "componentDidMount", function () {…})`,
//! `this.onResize = () => {…}`; `build/classes.rs`, `constructor_members`), and a constructor function
//! that starts with Babel's `_classCallCheck(this, C)` and defines its methods only so is a class.

use swc_atoms::Atom;

use super::{BindingId, CallId, FuncId, Path, Root, SemanticModel, Value};
use crate::diagnostic::ByteSpan;

super::model_id!(
    /// Index of a class in [`SemanticModel::classes`].
    ClassId
);

/// What the model derives about a class from the rest of the file ([`SemanticModel::class_facts`]).
#[derive(Debug, Clone, Default)]
pub(crate) struct ClassFacts {
    /// Exported, or its binding escapes.
    public: bool,
    /// Its `new C(…)` calls.
    instantiations: Vec<CallId>,
}

/// A class: a `class` declaration or expression, or a constructor function with prototype methods.
#[derive(Debug, Clone)]
pub struct Class {
    /// The class's name, if it has one.
    pub name: Option<Atom>,
    /// The binding that names the class (`class Pool`, `const Pool = class {…}`,
    /// `function Pool() {}` for a prototype class).
    pub binding: Option<BindingId>,
    /// The class body, or the constructor function of a prototype class.
    pub span: ByteSpan,
    /// Its constructor, if it has one.
    pub constructor: Option<FuncId>,
    /// Its methods (class methods, accessors, function-valued class fields, prototype methods),
    /// the constructor excluded.
    pub methods: Vec<FuncId>,
    /// Instance fields declared in the class body with an initialiser (`pending = new Map()`):
    /// name, initialiser and the declaration's span.
    pub fields: Vec<(Atom, Value, ByteSpan)>,
    /// The `extends` clause, when it is a path (`EventEmitter`, `events.EventEmitter`).
    pub superclass: Option<Path>,
    /// Instance fields whose TypeScript type is a plain reference to a binding, with that
    /// binding: a parameter property (`constructor(private orders: OrdersService)`) or a
    /// declared field (`private orders: OrdersService`). A dependency-injection container fills
    /// them with an instance of that class.
    pub typed_fields: Vec<(Atom, BindingId)>,
}

/// A decorator on a class or a class method (`@Injectable()`, `@Get(':id')`, TC39 and
/// TypeScript's experimental decorators): what it decorates, what it names, and the call it is
/// when it is called. What a decorator means is the API model's ([`super::api`]) to say.
#[derive(Debug, Clone, PartialEq)]
pub struct Decorator {
    /// What it decorates.
    pub target: Decorated,
    /// What the decorator expression names: the callee of `@Get(':id')`, or the path of a bare
    /// `@sealed`.
    pub callee: Path,
    /// The call it is (`@Get(':id')`), recorded in the function around the class like any call.
    pub call: Option<CallId>,
}

/// What a [`Decorator`] decorates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Decorated {
    /// A class.
    Class(ClassId),
    /// A method of a class.
    Method(FuncId),
}

impl SemanticModel {
    /// The binding that types instance field `field` of class `c`
    /// ([`Class::typed_fields`]), if it is typed with one.
    pub fn field_type(&self, c: ClassId, field: &str) -> Option<BindingId> {
        self.class(c)
            .typed_fields
            .iter()
            .find(|(name, _)| name == field)
            .map(|&(_, b)| b)
    }

    /// The decorators of class `c`, in source order.
    pub fn class_decorators(&self, c: ClassId) -> &[Decorator] {
        self.decorators_of(Decorated::Class(c))
    }

    /// The decorators of method `f`, in source order.
    pub fn method_decorators(&self, f: FuncId) -> &[Decorator] {
        self.decorators_of(Decorated::Method(f))
    }

    /// The decorators of `target`: a run of `decorators`, which the builder sorts by target.
    fn decorators_of(&self, target: Decorated) -> &[Decorator] {
        let start = self.decorators.partition_point(|d| d.target < target);
        let end = self.decorators.partition_point(|d| d.target <= target);
        &self.decorators[start..end]
    }

    /// The class `c`.
    pub fn class(&self, c: ClassId) -> &Class {
        &self.classes[c.index()]
    }

    /// The class whose instance `this` is inside function `f`: the class of the nearest enclosing
    /// method or constructor, looking through arrow functions (which do not bind `this`).
    /// `None` in plain functions, function expressions and the module body.
    pub fn this_class(&self, f: FuncId) -> Option<ClassId> {
        let mut cur = f;
        loop {
            let func = self.function(cur);
            if let Some(c) = func.class {
                return Some(c);
            }
            if !func.is_arrow && !self.is_awaiter_body(cur) {
                return None;
            }
            cur = func.parent?;
        }
    }

    /// Whether function `f` is the generator body of a transpiled `async` function:
    /// TypeScript's and tslib's `__awaiter(this, arguments, P, function* () { … })` runs it with
    /// the caller's `this`, so `this` inside it is the enclosing method's instance. Recognised by
    /// the helper's name or, where a bundle renamed it, by the call's shape.
    pub fn is_awaiter_body(&self, f: FuncId) -> bool {
        self.function(f).uses.iter().any(|u| match *u {
            super::FuncUse::Argument { call, index: 3 } => {
                let call = &self.calls[call.index()];
                let named = call
                    .callee
                    .as_ref()
                    .and_then(|p| self.callee_name(p))
                    .is_some_and(|m| m == "__awaiter");
                // Minified bundles rename the helper (`performance._(this, void 0, void 0,
                // function* () {…})`); TypeScript's call shape stays: four arguments, the second
                // and third `void 0` or `arguments`.
                let unused = |v: Option<&Value>| match v {
                    Some(Value::OtherLiteral) => true,
                    Some(Value::Path(p)) => {
                        p.props.is_empty() && matches!(&p.root, Root::Global(g) if g == "arguments")
                    }
                    _ => false,
                };
                let shaped = call.args.len() == 4 && unused(call.arg(1)) && unused(call.arg(2));
                (named || shaped)
                    && matches!(call.arg(0), Some(Value::Path(p)) if p.root == Root::This && p.props.is_empty())
            }
            _ => false,
        })
    }

    /// The class whose instance `path` starts from, as seen from code in function `f`: `this…`,
    /// or a binding that holds `this` (`const self = this`, TypeScript's `_this`).
    pub fn class_of_root(&self, path: &Path, f: FuncId) -> Option<ClassId> {
        match &path.root {
            Root::This => self.this_class(f),
            Root::Binding(b) if self.holds_this(*b) => self.this_class(self.binding(*b).func),
            _ => None,
        }
    }

    /// Whether binding `b` holds the `this` of the function declaring it: `self = this`, or a
    /// transpiled constructor's instance (`_this = _super.call(this) || this`, Babel's
    /// `_this = _possibleConstructorReturn(this, …)` and `_this = _callSuper(this, C, args)`), in
    /// its declaration or, as Babel writes it, in the binding's only assignments in its function
    /// (`var _this; _this = …`).
    pub fn holds_this(&self, b: BindingId) -> bool {
        let binding = self.binding(b);
        let is_this = |p: &Path| p.root == Root::This && p.props.is_empty();
        let holds_this = |v: &Value| match v {
            Value::Path(p) => is_this(p),
            // `_super.call(this) || this`: the instance is the last operand.
            Value::Expr(ps) => ps.last().is_some_and(is_this),
            Value::Call(c) => {
                let call = &self.calls[c.index()];
                !call.is_new
                    && call
                        .callee
                        .as_ref()
                        .and_then(|p| self.callee_name(p))
                        .is_some_and(|n| {
                            super::api::CONSTRUCTOR_RETURN_HELPERS.contains(&n.as_str())
                        })
                    && matches!(call.arg(0), Some(Value::Path(p)) if is_this(p))
            }
            _ => false,
        };
        match &binding.init {
            Some(v) => holds_this(v),
            None => {
                let mut assigns = self
                    .assigns_under(&Path::binding(b))
                    .filter(|a| matches!(&a.target, super::Target::Path(t) if t.props.is_empty()))
                    .peekable();
                assigns.peek().is_some()
                    && assigns.all(|a| a.func == binding.func && holds_this(&a.value))
            }
        }
    }

    /// Whether `v`, in function `f`, is the instance `f`'s `this` is: `this`, a binding of `f`
    /// that holds it ([`Self::holds_this`]), or Babel's `_assertThisInitialized(_this)` of one.
    pub(crate) fn instance_value(&self, v: &Value, f: FuncId) -> bool {
        match v {
            Value::Path(p) if p.props.is_empty() => match &p.root {
                Root::This => true,
                Root::Binding(b) => self.binding(*b).func == f && self.holds_this(*b),
                _ => false,
            },
            Value::Call(c) => {
                let call = &self.calls[c.index()];
                !call.is_new
                    && call.args.len() == 1
                    && call
                        .callee
                        .as_ref()
                        .and_then(|p| self.callee_name(p))
                        .is_some_and(|n| super::api::ASSERT_THIS_HELPERS.contains(&n.as_str()))
                    && call.arg(0).is_some_and(|a| self.instance_value(a, f))
            }
            _ => false,
        }
    }

    /// The instance field `path` names from code in function `f`: its class and the first
    /// property after the instance (`(Pool, "pending")` for `this.pending.set`), if it starts at
    /// an instance.
    pub fn field_of(&self, path: &Path, f: FuncId) -> Option<(ClassId, Atom)> {
        let field = path.props.first()?.clone();
        Some((self.class_of_root(path, f)?, field))
    }

    /// Whether `path`, used in function `f`, starts at instance field `field` of class `c`.
    pub fn is_field_path(&self, path: &Path, f: FuncId, c: ClassId, field: &Atom) -> bool {
        path.props.first() == Some(field) && self.class_of_root(path, f) == Some(c)
    }

    /// The class function `f` is a constructor or method of.
    pub fn class_of_function(&self, f: FuncId) -> Option<ClassId> {
        self.function(f).class
    }

    /// Whether `f` is the constructor of its class.
    pub fn is_constructor(&self, f: FuncId) -> bool {
        self.function(f)
            .class
            .is_some_and(|c| self.class(c).constructor == Some(f))
    }

    /// The `new C(…)` expressions of class `c` in this file, in source order.
    pub fn instantiations(&self, c: ClassId) -> impl Iterator<Item = (CallId, &super::Call)> + '_ {
        self.class_facts()[c.index()]
            .instantiations
            .iter()
            .map(move |&i| (i, &self.calls[i.index()]))
    }

    /// Whether code outside this file can make instances of class `c` or call its methods: the
    /// class is exported, or its binding escapes (returned, passed on, stored).
    pub fn class_is_public(&self, c: ClassId) -> bool {
        self.class_facts()[c.index()].public
    }

    /// The teardown methods of class `c` (`close`, `destroy`, `dispose`, framework lifecycle
    /// callbacks: [`super::api::is_teardown_name`]), in source order.
    pub fn teardown_methods(&self, c: ClassId) -> Vec<FuncId> {
        self.class(c)
            .methods
            .iter()
            .copied()
            .filter(|&m| {
                self.function(m)
                    .name
                    .as_deref()
                    .is_some_and(super::api::is_teardown_name)
            })
            .collect()
    }

    /// The name a finding gives teardown method `f` (`close`, `destroy`, …): its own, or
    /// `teardown` when it has none.
    pub fn teardown_name(&self, f: FuncId) -> &str {
        self.function(f).name.as_deref().unwrap_or("teardown")
    }

    /// Whether class `c` may have more than one instance: code elsewhere can make them, or this
    /// file makes them outside the module body.
    pub fn may_have_many_instances(&self, c: ClassId) -> bool {
        let facts = &self.class_facts()[c.index()];
        facts.public
            || facts
                .instantiations
                .iter()
                .any(|&i| self.calls[i.index()].func != super::MODULE)
    }

    /// Per class, what the questions above need, found in one pass over the escapes and the
    /// calls on first use (asked per method and per registration, they would each scan the
    /// file).
    fn class_facts(&self) -> &[ClassFacts] {
        self.class_facts.get_or_init(|| {
            let mut by_binding: rustc_hash::FxHashMap<BindingId, usize> = Default::default();
            let mut facts: Vec<ClassFacts> = self
                .classes
                .iter()
                .enumerate()
                .map(|(i, class)| {
                    let public = match class.binding {
                        Some(b) => {
                            by_binding.insert(b, i);
                            self.binding(b).exported
                                && !self.unused_elsewhere(|| {
                                    self.export_names_of_class(ClassId::from_index(i))
                                })
                        }
                        // An anonymous class expression is a value handed somewhere.
                        None => true,
                    };
                    ClassFacts {
                        public,
                        instantiations: Vec::new(),
                    }
                })
                .collect();
            // A class escapes with an object literal that holds it, when that object escapes or
            // is exported (`const api = { Map, Popup }; return api;`, a bundle's export table).
            let mark_members = |facts: &mut Vec<ClassFacts>, b: BindingId| {
                if let Some(Value::Object(props)) = &self.binding(b).init {
                    for (_, v) in props {
                        if let Value::Path(p) = v {
                            if let (Root::Binding(m), true) = (&p.root, p.props.is_empty()) {
                                if let Some(&i) = by_binding.get(m) {
                                    facts[i].public = true;
                                }
                            }
                        }
                    }
                }
            };
            for e in &self.escapes {
                if let Some(&i) = by_binding.get(&e.binding) {
                    facts[i].public = true;
                }
                mark_members(&mut facts, e.binding);
            }
            for (b, binding) in self.bindings.iter().enumerate() {
                if binding.exported {
                    mark_members(&mut facts, BindingId::from_index(b));
                }
            }
            for (i, call) in self.calls.iter().enumerate() {
                let Some(callee) = call.callee.as_ref().filter(|_| call.is_new) else {
                    continue;
                };
                if let (Root::Binding(b), true) = (&callee.root, callee.props.is_empty()) {
                    if let Some(&c) = by_binding.get(b) {
                        facts[c].instantiations.push(CallId::from_index(i));
                    }
                }
            }
            facts
        })
    }

    /// `start` and the methods of class `c` they call on the instance (`this.clearTimers()`),
    /// transitively (at most 32); code nested in any of them counts as theirs
    /// ([`SemanticModel::is_within`]).
    pub fn methods_reached(&self, c: ClassId, start: Vec<FuncId>) -> Vec<FuncId> {
        let mut reached = start;
        let mut i = 0;
        while i < reached.len() && reached.len() < 32 {
            let m = reached[i];
            for call in self.calls.iter().filter(|k| self.is_within(k.func, m)) {
                let Some(callee) = &call.callee else { continue };
                // `this.m()`, and `this.m.call(this)`/`this.m.bind(this)`.
                let name = match callee.props.as_slice() {
                    [name] => name,
                    [name, how] if how == "call" || how == "bind" || how == "apply" => name,
                    _ => continue,
                };
                if self.class_of_root(callee, call.func) != Some(c) {
                    continue;
                }
                if let Some(next) = self.method_named(c, name) {
                    if !reached.contains(&next) {
                        reached.push(next);
                    }
                }
            }
            i += 1;
        }
        reached
    }

    /// The method of class `c` named `name`, if it has one.
    pub fn method_named(&self, c: ClassId, name: &str) -> Option<FuncId> {
        self.class(c)
            .methods
            .iter()
            .copied()
            .find(|&m| self.function(m).name.as_deref() == Some(name))
    }
}
