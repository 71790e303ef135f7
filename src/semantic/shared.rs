//! Listeners an instance adds to an object its caller may share: a connection wrapper that
//! takes either the caller's client or the options to make its own, and adds
//! `client.on('error', this.emit.bind(this, 'error'))` to whichever it got. When the caller
//! hands one client to many instances, each of them stays reachable from that client through its
//! handler until the listener is removed; an instance whose teardown (`close()`) never removes
//! it is kept for as long as the shared client lives.
//!
//! "May be the caller's" is decided from the code's own evidence that the object is sometimes
//! given and sometimes made, never from a name: the value reaching the receiver is, on one path,
//! a constructor parameter (or a part of it) and, on another, an object the instance makes
//! (`new Client(opts)`), or it is the result of a function that returns its argument unchanged
//! on some path and something else on another (a "pass-through": `createClient(settings)`
//! returning `settings` when it already is a client). A wrapper that always takes its socket
//! from the caller, or always makes its own, is not one: the first owns what it is given (it
//! ends it with itself), the second's object dies with it.
//!
//! The same evidence, seen from code that runs per call rather than per instance, is
//! [`SemanticModel::callers_object`]: a receiver that is a parameter of that code on one path and
//! a `new` it makes on another (`parseOptions(options).store`, built as
//! `wrap(options.store ?? new Store())`), which the timer questions use to tell that a start-up
//! method runs more than once on one instance (`timer::rerun_on_shared`).

use swc_atoms::Atom;

use super::{api, BindingKind, CallId, ClassId, FuncId, Path, ResultUse, Root, SemanticModel};
use super::{Value, MODULE};
use crate::diagnostic::ByteSpan;

/// How deep [`SemanticModel::shared_listeners`] follows a value back to where it comes from.
const MAX_DEPTH: u32 = 8;

/// How deep [`SemanticModel::callers_object`] follows a receiver: through an options object, the
/// helper that builds it and a pass-through wrapper, each a few steps.
const MAX_ENTRY_DEPTH: u32 = 16;

/// How many paths [`SemanticModel::callers_object`] follows at most.
const MAX_ENTRY_STEPS: u32 = 256;

/// A function that may return its argument unchanged on one path and something else on
/// another: its parameter position.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PassThrough {
    /// The position (0-based) of the parameter it may return.
    pub index: usize,
}

/// What the project pass tells a module about a function of another module that it calls and
/// that passes its argument through ([`PassThrough`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedPassThrough {
    /// The import specifier as the importing module writes it.
    pub specifier: String,
    /// The function's export name.
    pub name: Atom,
    /// The position of the parameter it may return.
    pub index: u32,
}

/// Where a pass-through function is: in this module, or in another ([`ImportedPassThrough`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PassedIn {
    /// In this module: the function.
    ThisModule(FuncId),
    /// In another module.
    Module,
}

/// A listener that keeps an instance, added to an object that may be its caller's (see the
/// module docs), that no teardown of the instance's class removes.
#[derive(Debug, Clone)]
pub struct SharedListener {
    /// The registration (`client.on('error', …)`).
    pub call: CallId,
    /// The instance's class.
    pub class: ClassId,
    /// The class's first teardown method.
    pub teardown: FuncId,
    /// Where the caller's object comes in: the constructor parameter's declaration.
    pub given: ByteSpan,
    /// Where the instance may make its own instead: the `new` or the pass-through call.
    pub made: ByteSpan,
    /// The pass-through function the value goes through, if any.
    pub passed: Option<PassedIn>,
}

/// What a value may be, as far as [`SemanticModel::shared_listeners`] follows it.
#[derive(Debug, Default)]
struct Origins {
    /// A constructor parameter (or part of it): its declaration.
    given: Option<ByteSpan>,
    /// An object the instance makes: the `new` or the pass-through call.
    made: Option<ByteSpan>,
    /// The pass-through function on the way.
    passed: Option<PassedIn>,
    /// The instance fields the value was followed through (`_client` of `this._client`).
    fields: Vec<Atom>,
    /// The instance-field paths already followed (`this.client`), so that fields written from
    /// each other are followed once.
    seen: Vec<Path>,
    /// The value may come from a call of an imported function, given something of the
    /// caller's, that the project pass might know to be a pass-through.
    asks_import: bool,
    /// For [`SemanticModel::callers_object`]: the function whose parameters are the caller's
    /// objects (instead of a constructor's), whose helpers' parameters are followed to what its
    /// calls pass them, and whose helpers' results are followed into their properties.
    entry: Option<FuncId>,
    /// The `new` expressions the value may be (for [`SemanticModel::callers_object`]).
    made_new: Vec<CallId>,
    /// The paths followed so far: bounds the search where values fan out.
    steps: u32,
}

impl Origins {
    /// How deep the value is followed.
    fn limit(&self) -> u32 {
        if self.entry.is_some() {
            MAX_ENTRY_DEPTH
        } else {
            MAX_DEPTH
        }
    }
}

/// An object a function works on that may be its caller's, or one it makes
/// ([`SemanticModel::callers_object`]).
#[derive(Debug, Clone)]
pub struct CallersObject {
    /// Where the caller's object comes in: the function's parameter's declaration.
    pub given: ByteSpan,
    /// The `new` expressions it may be instead (`options.store ?? new Store()`), in the order
    /// they were reached.
    pub made: Vec<CallId>,
}

impl SemanticModel {
    /// The listeners this module's class instances add to objects their callers may share and
    /// never remove (see [`SharedListener`]): for each registration (`on`, `addListener`,
    /// `prependListener`) made in a constructor or method of a class that has a teardown method
    /// and may have many instances, whose handler keeps the instance (an arrow using `this`,
    /// `this.m.bind(this, …)`, or an instance field holding one), when the receiver is, on one
    /// path, a constructor parameter of the class and, on another, an object the instance makes
    /// (see the module docs), and no teardown (nor a method of the class it calls) removes a
    /// listener for that event with that handler (or all of the event's listeners). The
    /// receiver is followed through locals, instance fields (and their object literals'
    /// properties), methods' returned values, `Promise.resolve`, a `.then` callback's parameter
    /// (the promise's value), and functions that pass their argument through, of this module or,
    /// from the project pass, of another ([`ImportedPassThrough`]).
    ///
    /// A registration left undecided only for want of knowing whether an imported function
    /// passes its argument through is noted ([`SemanticModel::asks_pass_throughs`]).
    pub fn shared_listeners(&self) -> Vec<SharedListener> {
        let mut out = Vec::new();
        if self.classes.is_empty() {
            return out;
        }
        for (i, call) in self.calls.iter().enumerate() {
            let (Some(callee), Some(handler)) = (&call.callee, call.arg(1)) else {
                continue;
            };
            // A method called on a binding or an instance field, not on the instance itself
            // (`this.on(…)`), a global or an expression.
            let on_field = match callee.root {
                Root::Binding(_) => !callee.props.is_empty(),
                Root::This => callee.props.len() > 1,
                _ => false,
            };
            if !on_field
                || call.is_new
                || !api::ADD_LISTENER_METHODS
                    .contains(&callee.props[callee.props.len() - 1].as_str())
            {
                continue;
            }
            let Some(class) = self.this_class(call.func) else {
                continue;
            };
            let teardowns = self.teardown_methods(class);
            if teardowns.is_empty() || !self.may_have_many_instances(class) {
                continue;
            }
            let mut origins = Origins::default();
            self.path_origins(&callee.parent(), call.func, 0, &mut origins);
            let (Some(given), Some(made)) = (origins.given, origins.made) else {
                if origins.asks_import && self.keeps_instance(handler, call.func) {
                    self.asks_pass.set(true);
                }
                continue;
            };
            if !self.keeps_instance(handler, call.func) {
                continue;
            }
            let teardown = teardowns[0];
            let reached = self.methods_reached(class, teardowns);
            if self.removed_in(&reached, call.arg(0), handler)
                || self.ends_field_in(&reached, &origins.fields)
            {
                continue;
            }
            out.push(SharedListener {
                call: CallId::from_index(i),
                class,
                teardown,
                given,
                made,
                passed: origins.passed,
            });
        }
        out
    }

    /// Whether a registration's handler keeps the instance `this` is in function `f`: an arrow
    /// whose body uses `this`, `….bind(this, …)`, or an instance field written with either.
    fn keeps_instance(&self, handler: &Value, f: FuncId) -> bool {
        match handler {
            Value::Func(g) => self.function(*g).is_arrow && self.uses_this(*g),
            Value::Call(k) => {
                let k = &self.calls[k.index()];
                k.method().is_some_and(|m| m == api::BIND_METHOD)
                    && matches!(k.arg(0), Some(Value::Path(p)) if p.root == Root::This && p.props.is_empty())
            }
            Value::Path(p) if p.root == Root::This && p.props.len() == 1 => {
                let class = self.this_class(f);
                self.assigns.iter().any(|a| {
                    matches!(&a.target, super::Target::Path(t) if t == p)
                        && self.this_class(a.func) == class
                        && matches!(&a.value, Value::Func(_) | Value::Call(_))
                        && self.keeps_instance(&a.value, a.func)
                })
            }
            _ => false,
        }
    }

    /// Whether function `g` (or a function nested in it) calls or writes through `this`.
    fn uses_this(&self, g: FuncId) -> bool {
        self.calls.iter().any(|k| {
            k.callee.as_ref().is_some_and(|p| p.root == Root::This) && self.is_within(k.func, g)
        }) || self.assigns.iter().any(|a| {
            matches!(&a.target, super::Target::Path(t) if t.root == Root::This)
                && self.is_within(a.func, g)
        })
    }

    /// Whether a call in one of `methods` (or nested in one) removes the listener for `event`
    /// with `handler`: a removal of that event with the same handler path (an inline handler
    /// has none: no removal can name it), or `removeAllListeners()` for that event or all.
    fn removed_in(&self, methods: &[FuncId], event: Option<&Value>, handler: &Value) -> bool {
        self.calls.iter().any(|k| {
            let Some(m) = k.method() else {
                return false;
            };
            if !methods.iter().any(|&t| self.is_within(k.func, t)) {
                return false;
            }
            if m == api::REMOVE_ALL_LISTENERS_METHOD {
                return k.args.is_empty() || k.arg(0) == event;
            }
            api::REMOVE_LISTENER_METHODS.contains(&m.as_str())
                && k.arg(0) == event
                && matches!(handler, Value::Path(_))
                && k.arg(1) == Some(handler)
        })
    }

    /// Whether a call in one of `methods` (or nested in one) ends the object in one of instance
    /// fields `fields` whatever it is (`this.client.quit()`, not inside an `if`): then the
    /// object is not shared (its sharers would lose it), and the listener ends with it.
    fn ends_field_in(&self, methods: &[FuncId], fields: &[Atom]) -> bool {
        if fields.is_empty() {
            return false;
        }
        self.calls.iter().any(|k| {
            !k.guarded
                && k.callee.as_ref().is_some_and(|p| {
                    p.root == Root::This
                        && matches!(p.props.as_slice(), [f, m] if fields.contains(f) && api::is_teardown_name(m))
                })
                && methods.iter().any(|&t| self.is_within(k.func, t))
        })
    }

    /// What path `p`, read in function `entry`, may be, when it may be the caller's object and
    /// may be one the code makes: on one path a parameter of `entry` (or a part of it), on
    /// another a `new` expression. The receiver is followed as for
    /// [`SemanticModel::shared_listeners`] and further: a parameter of another function of this
    /// module to what its calls here pass for it (`parseOptions(options ?? {})`); a property of
    /// a call's result to what that function returns under the property (an object literal,
    /// `return { store: … }`, or a local written with one) or, for a function that
    /// copies its parameter key by key (`out[k] = input[k]`; `return out`), to that property of
    /// the argument; a property of `a ?? b` or `a ? b : c` to that property of the paths it
    /// names; and the argument of a pass-through call to the `new` it may hold
    /// (`wrap(options.store ?? new Store())`). Takes the path and the function; returns `None`
    /// unless both a parameter of `entry` and a `new` were reached.
    pub fn callers_object(&self, p: &Path, entry: FuncId) -> Option<CallersObject> {
        let mut out = Origins {
            entry: Some(entry),
            ..Origins::default()
        };
        self.path_origins(p, entry, 0, &mut out);
        let given = out.given?;
        (!out.made_new.is_empty()).then_some(CallersObject {
            given,
            made: out.made_new,
        })
    }

    /// Adds to `out` what path `p`, read in function `f`, may be.
    fn path_origins(&self, p: &Path, f: FuncId, depth: u32, out: &mut Origins) {
        out.steps += 1;
        if depth > out.limit() || (out.entry.is_some() && out.steps > MAX_ENTRY_STEPS) {
            return;
        }
        match &p.root {
            Root::Binding(b) => {
                let binding = self.binding(*b);
                if binding.kind == BindingKind::Param {
                    let d = binding.func;
                    let func = self.function(d);
                    let is_ctor = func
                        .class
                        .is_some_and(|c| self.class(c).constructor == Some(d));
                    match out.entry {
                        Some(e) if e == d => {
                            out.given.get_or_insert(binding.span);
                        }
                        // A helper's parameter: what this module's calls of the helper pass.
                        Some(_) if !is_ctor && self.then_callback_of(d, *b).is_none() => {
                            for (g, v) in super::flow::arguments_for(self, *b) {
                                self.value_origins(v, &p.props, g, depth + 1, out);
                            }
                        }
                        None if is_ctor => {
                            out.given.get_or_insert(binding.span);
                        }
                        _ => {
                            if let Some(then) = self.then_callback_of(d, *b) {
                                if p.props.is_empty() {
                                    self.promise_origins(then, depth + 1, out);
                                }
                            }
                        }
                    }
                    return;
                }
                if binding.func == MODULE || binding.kind == BindingKind::Import {
                    return;
                }
                if let Some(init) = &binding.init {
                    self.value_origins(init, &p.props, binding.func, depth + 1, out);
                }
                let whole = Path::binding(*b);
                for a in self.assigns_under(&whole) {
                    match &a.target {
                        super::Target::Path(t) if *t == whole => {
                            self.value_origins(&a.value, &p.props, a.func, depth + 1, out);
                        }
                        // `out[key] = input[key]`: a key-by-key copy of `input` holds its
                        // properties.
                        super::Target::Computed { object, .. }
                            if out.entry.is_some() && !p.props.is_empty() && *object == whole =>
                        {
                            if let Value::Expr(ps) = &a.value {
                                if let [src] = ps.as_slice() {
                                    if src.as_binding().is_some() {
                                        let mut q = src.clone();
                                        q.props.extend(p.props.iter().cloned());
                                        self.path_origins(&q, a.func, depth + 1, out);
                                    }
                                }
                            }
                        }
                        _ => {}
                    }
                }
            }
            Root::This => {
                let Some(class) = self.this_class(f) else {
                    return;
                };
                if out.seen.contains(p) {
                    return;
                }
                out.seen.push(p.clone());
                for a in &self.assigns {
                    let super::Target::Path(t) = &a.target else {
                        continue;
                    };
                    if t.root != Root::This
                        || t.props.is_empty()
                        || !p.starts_with(t)
                        || self.this_class(a.func) != Some(class)
                    {
                        continue;
                    }
                    if !out.fields.contains(&t.props[0]) {
                        out.fields.push(t.props[0].clone());
                    }
                    let rest = &p.props[t.props.len()..];
                    self.value_origins(&a.value, rest, a.func, depth + 1, out);
                }
            }
            _ => {}
        }
    }

    /// Adds to `out` what property path `rest` of value `v` (written in function `f`) may be.
    fn value_origins(&self, v: &Value, rest: &[Atom], f: FuncId, depth: u32, out: &mut Origins) {
        match v {
            Value::Path(q) => {
                let mut q = q.clone();
                q.props.extend(rest.iter().cloned());
                self.path_origins(&q, f, depth, out);
            }
            // `settings.redis || {}`, `a ? b : c`: any of the paths it names;
            // `options.store ?? new Store()`: also the `new` (for `callers_object`).
            Value::Expr(paths) if rest.is_empty() => {
                for q in paths {
                    self.path_origins(q, f, depth, out);
                }
                if out.entry.is_some() {
                    out.made_new.extend(
                        self.default_news
                            .iter()
                            .filter(|d| d.func == f && d.paths == *paths)
                            .map(|d| d.call),
                    );
                }
            }
            // `(options ?? {}).store`: that property of any of the paths it names.
            Value::Expr(paths) if out.entry.is_some() => {
                for q in paths {
                    let mut q = q.clone();
                    q.props.extend(rest.iter().cloned());
                    self.path_origins(&q, f, depth, out);
                }
            }
            Value::Object(_) => {
                if let Some((key, more)) = rest.split_first() {
                    if let Some(w) = v.property(key) {
                        self.value_origins(w, more, f, depth + 1, out);
                    }
                }
            }
            Value::Call(c) if rest.is_empty() => self.call_origins(*c, depth + 1, out),
            Value::Call(c) if out.entry.is_some() => {
                self.result_property_origins(*c, rest, depth + 1, out)
            }
            _ => {}
        }
    }

    /// Adds to `out` what property path `rest` of the result of call `c` may be, when `c` calls
    /// a function of this module by name: that property of what the function returns
    /// (`return { store: … }`, or `return config`, a local written with an object literal), or
    /// of its argument when the
    /// function copies that parameter key by key into the object it returns (see
    /// [`SemanticModel::callers_object`]).
    fn result_property_origins(&self, c: CallId, rest: &[Atom], depth: u32, out: &mut Origins) {
        if depth > out.limit() {
            return;
        }
        let call = &self.calls[c.index()];
        if call.is_new || !call.callee.as_ref().is_some_and(|p| p.props.is_empty()) {
            return;
        }
        let Some(g) = super::flow::called_function(self, call) else {
            return;
        };
        for (h, p) in &self.returns {
            if *h == g {
                let mut q = p.clone();
                q.props.extend(rest.iter().cloned());
                self.path_origins(&q, g, depth + 1, out);
            }
        }
        // `return { …, store: … }`.
        for (h, v) in &self.returned_objects {
            if *h == g {
                self.value_origins(v, rest, g, depth + 1, out);
            }
        }
        for (i, k) in self.calls.iter().enumerate() {
            if k.func == g && k.result == ResultUse::Returned {
                self.result_property_origins(CallId::from_index(i), rest, depth + 1, out);
            }
        }
    }

    /// Adds to `out` what the result of call `c` may be (a promise's value counts as the
    /// result).
    fn call_origins(&self, c: CallId, depth: u32, out: &mut Origins) {
        if depth > out.limit() {
            return;
        }
        let call = &self.calls[c.index()];
        if call.is_new {
            out.made.get_or_insert(call.span);
            out.made_new.push(c);
            return;
        }
        let Some(callee) = &call.callee else {
            return;
        };
        if api::is_promise_resolve(callee) {
            if let Some(v) = call.arg(0) {
                self.value_origins(v, &[], call.func, depth + 1, out);
            }
            return;
        }
        // A method of the instance's class: what it returns.
        if callee.root == Root::This && callee.props.len() == 1 {
            if let Some(m) = self
                .this_class(call.func)
                .and_then(|k| self.method_named(k, &callee.props[0]))
            {
                self.returned_origins(m, depth + 1, out);
            }
            return;
        }
        let (index, passed) = if let Some(f) =
            super::flow::called_function(self, call).filter(|_| callee.props.is_empty())
        {
            let Some(p) = self.pass_through(f) else {
                return;
            };
            if self.function(f).params.len() > call.args.len() {
                return;
            }
            (p.index, PassedIn::ThisModule(f))
        } else if let Some((specifier, name)) = self.imported_callee(call) {
            let Some(i) = self
                .project
                .passes
                .iter()
                .find(|x| x.specifier == specifier && x.name == name)
            else {
                // Undecided: whether anything of the caller's goes in at all.
                let mut probe = Origins::default();
                for v in &call.args {
                    self.value_origins(v, &[], call.func, depth + 1, &mut probe);
                }
                out.asks_import |= probe.given.is_some();
                return;
            };
            (i.index as usize, PassedIn::Module)
        } else {
            return;
        };
        let Some(arg) = call.arg(index) else {
            return;
        };
        let mut inner = Origins {
            entry: out.entry,
            ..Origins::default()
        };
        self.value_origins(arg, &[], call.func, depth + 1, &mut inner);
        out.steps += inner.steps;
        if let Some(given) = inner.given {
            out.given.get_or_insert(given);
            out.made.get_or_insert(call.span);
            out.passed.get_or_insert(passed);
            // `wrap(options.store ?? new Store())`: what the argument may be made as.
            out.made_new.extend(inner.made_new);
        }
    }

    /// Adds to `out` what method `m` may return (`return this._client`, `return x`,
    /// `return make()`).
    fn returned_origins(&self, m: FuncId, depth: u32, out: &mut Origins) {
        for (f, p) in &self.returns {
            if *f == m {
                self.path_origins(p, m, depth, out);
            }
        }
        for (i, k) in self.calls.iter().enumerate() {
            if k.func == m && k.result == ResultUse::Returned {
                self.call_origins(CallId::from_index(i), depth, out);
            }
        }
    }

    /// The `.then` call whose callback is function `d` and whose parameter `b` is the promise's
    /// value: `d` is the first argument of `….then(d)` and `b` its first parameter.
    fn then_callback_of(&self, d: FuncId, b: super::BindingId) -> Option<CallId> {
        let func = self.function(d);
        if func.params.first() != Some(&b) {
            return None;
        }
        func.uses.iter().find_map(|u| match u {
            super::FuncUse::Argument { call, index: 0 }
                if self.calls[call.index()]
                    .method()
                    .is_some_and(|m| m == api::PROMISE_THEN) =>
            {
                Some(*call)
            }
            _ => None,
        })
    }

    /// Adds to `out` what the promise `then`'s receiver settles with: a path
    /// (`this.initializing.then(…)`), or the call it is chained on (`make().then(…)`).
    fn promise_origins(&self, then: CallId, depth: u32, out: &mut Origins) {
        let call = &self.calls[then.index()];
        let Some(receiver) = call.receiver() else {
            return;
        };
        if receiver.root != Root::Unknown {
            self.path_origins(&receiver, call.func, depth, out);
            return;
        }
        if !receiver.props.is_empty() {
            return;
        }
        // The chained call ends before the `.then` call and starts where it starts.
        let chained = self.calls[..then.index()].iter().rposition(|k| {
            k.span.start == call.span.start
                && matches!(&k.result, ResultUse::Member(m) if m == api::PROMISE_THEN)
        });
        if let Some(k) = chained {
            self.call_origins(CallId::from_index(k), depth, out);
        }
    }

    /// Whether function `f` is a pass-through ([`PassThrough`]): on one path it returns one of
    /// its parameters unchanged (`return p`, `return Promise.resolve(p)`, or a local of `f`
    /// written with the bare parameter, `x = p; … return x`), and on another what a call gives
    /// (`return new Client(p)`, `return connect(p).then(…)`): the caller's object or one made
    /// for it. A function that picks among values it is handed (`return a || b`) is not one.
    pub fn pass_through(&self, f: FuncId) -> Option<PassThrough> {
        let params = &self.function(f).params;
        if params.is_empty() {
            return None;
        }
        let mut index = None;
        let mut other = false;
        let mut note = |returned: Option<usize>| match returned {
            Some(i) => {
                index.get_or_insert(i);
            }
            None => other = true,
        };
        for (g, p) in &self.returns {
            if *g == f {
                if let Some(i) = p.as_binding().and_then(|b| self.param_behind(f, b)) {
                    note(Some(i));
                }
            }
        }
        for k in &self.calls {
            if k.func != f || k.result != ResultUse::Returned {
                continue;
            }
            let resolved = k
                .callee
                .as_ref()
                .filter(|c| api::is_promise_resolve(c))
                .and_then(|_| match k.arg(0) {
                    Some(Value::Path(p)) => p.as_binding(),
                    _ => None,
                })
                .and_then(|b| self.param_behind(f, b));
            note(resolved);
        }
        let index = index?;
        other.then_some(PassThrough { index })
    }

    /// The position of the parameter of `f` that binding `b` is, or that `b` (a local of `f`)
    /// may hold unchanged: its initialiser or one of its assignments in `f` itself is that bare
    /// parameter (`client = settings`).
    fn param_behind(&self, f: FuncId, b: super::BindingId) -> Option<usize> {
        let params = &self.function(f).params;
        if let Some(i) = params.iter().position(|&p| p == b) {
            return Some(i);
        }
        let binding = self.binding(b);
        if binding.func != f || binding.kind == BindingKind::Param {
            return None;
        }
        let bare = |v: &Value| match v {
            Value::Path(p) => p
                .as_binding()
                .and_then(|x| params.iter().position(|&p| p == x)),
            _ => None,
        };
        let whole = Path::binding(b);
        let writes: Vec<&Value> = binding
            .init
            .iter()
            .chain(
                self.assigns_under(&whole)
                    .filter(|a| {
                        a.func == f && matches!(&a.target, super::Target::Path(t) if *t == whole)
                    })
                    .map(|a| &a.value),
            )
            .collect();
        let mut found = None;
        for w in writes {
            if let Some(i) = bare(w) {
                found.get_or_insert(i);
            }
        }
        found
    }

    /// Whether a registration was left undecided for want of knowing whether an imported
    /// function passes its argument through ([`SemanticModel::shared_listeners`]); the project
    /// pass then tells this module about the pass-through functions it imports.
    pub fn asks_pass_throughs(&self) -> bool {
        self.asks_pass.get()
    }

    /// The pass-through functions ([`PassThrough`]) this module exports, by export name: for
    /// the project pass.
    pub fn exported_pass_throughs(&self) -> Vec<(Atom, PassThrough)> {
        let exported: Vec<(&Atom, FuncId)> = self
            .exports
            .iter()
            .filter_map(|e| {
                let f = match e.target {
                    super::ExportTarget::Func(f) => Some(f),
                    super::ExportTarget::Binding(b) => self.binding(b).func_value,
                }?;
                Some((&e.name, f))
            })
            .collect();
        if exported.is_empty() {
            return Vec::new();
        }
        // The exported functions that return a call's result and a bare binding (or
        // `Promise.resolve(…)`): the only ones that can pass an argument through (one pass over
        // the returns and the calls).
        let mut exported_fn = vec![false; self.functions.len()];
        exported
            .iter()
            .for_each(|(_, f)| exported_fn[f.index()] = true);
        let is_exported = |f: &FuncId| exported_fn[f.index()];
        let mut calls: Vec<FuncId> = Vec::new();
        let mut bare: Vec<FuncId> = Vec::new();
        for k in &self.calls {
            if k.result == ResultUse::Returned && is_exported(&k.func) {
                let resolve = k.callee.as_ref().is_some_and(api::is_promise_resolve);
                if resolve {
                    bare.push(k.func);
                }
                calls.push(k.func);
            }
        }
        if calls.is_empty() {
            return Vec::new();
        }
        bare.extend(
            self.returns
                .iter()
                .filter(|(f, p)| p.as_binding().is_some() && is_exported(f))
                .map(|(f, _)| *f),
        );
        let mut candidates: Vec<FuncId> = bare.into_iter().filter(|f| calls.contains(f)).collect();
        candidates.sort();
        candidates.dedup();
        let mut out = Vec::new();
        for f in candidates {
            let Some(p) = self.pass_through(f) else {
                continue;
            };
            for (name, _) in exported.iter().filter(|(_, g)| *g == f) {
                out.push(((*name).clone(), p));
            }
        }
        out
    }
}
