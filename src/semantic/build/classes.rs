//! Class shapes the walk cannot see at once: methods added to a prototype or installed in a
//! constructor, Babel `_createClass` and bundle module tables, objects extended through
//! property descriptors, CommonJS exports.

use super::*;

/// Methods a constructor installs on its instance, as class-properties output writes a class's
/// methods and arrow fields (Babel's `_defineProperty(_assertThisInitialized(_this),
/// "componentDidMount", function () {…})`, `_defineProperty(this, "onResize", () => {…})`,
/// esbuild's `__publicField(this, …)`, and `this.handleX = () => {…}` /
/// `_this.handleX = function () {…}`): each function becomes a method of the constructor's class,
/// named after its key, so that lifecycle callbacks and teardowns defined so are the class's
/// methods. The instance is `this`, a binding holding it ([`SemanticModel::holds_this`]: `_this =
/// _super.call(this) || this`, `_this = _possibleConstructorReturn(this, …)`) or
/// `_assertThisInitialized(_this)`. A constructor function that starts with Babel's
/// `_classCallCheck(this, C)` on its own binding and defines its methods only so (no prototype
/// method) is made a class here.
pub(super) fn constructor_members(model: &mut SemanticModel) {
    let helper = |model: &SemanticModel, call: &Call, names: &[&str]| {
        !call.is_new
            && call
                .callee
                .as_ref()
                .and_then(|p| model.callee_name(p))
                .is_some_and(|n| names.contains(&n.as_str()))
    };
    // Functions checked to be called with `new`, with the binding naming them.
    let mut checked: Vec<(FuncId, BindingId)> = Vec::new();
    for call in &model.calls {
        if !helper(model, call, crate::semantic::api::CLASS_CALL_CHECK_HELPERS) {
            continue;
        }
        let this_first = matches!(call.arg(0), Some(Value::Path(p)) if p.root == Root::This && p.props.is_empty());
        if let (true, Some(Value::Path(p))) = (this_first, call.arg(1)) {
            if let (Some(b), true) = (p.root_binding(), p.props.is_empty()) {
                if model.bindings[b.index()].func_value == Some(call.func) {
                    checked.push((call.func, b));
                }
            }
        }
    }
    let is_ctor = |model: &SemanticModel, f: FuncId| {
        model.functions[f.index()]
            .class
            .is_some_and(|c| model.classes[c.index()].constructor == Some(f))
            || checked.iter().any(|&(g, _)| g == f)
    };
    // (constructor, key, function)
    let mut members: Vec<(FuncId, Atom, FuncId)> = Vec::new();
    for call in &model.calls {
        if call.args.len() != 3
            || !helper(model, call, crate::semantic::api::DEFINE_FIELD_HELPERS)
            || !is_ctor(model, call.func)
        {
            continue;
        }
        if let (Some(target), Some(Value::Str(key)), Some(Value::Func(g))) =
            (call.arg(0), call.arg(1), call.arg(2))
        {
            if model.instance_value(target, call.func) {
                members.push((call.func, key.clone(), *g));
            }
        }
    }
    for a in &model.assigns {
        let (Target::Path(t), Value::Func(g), true) = (&a.target, &a.value, a.plain) else {
            continue;
        };
        let [key] = t.props.as_slice() else { continue };
        let root = Value::Path(Path {
            root: t.root.clone(),
            props: Default::default(),
        });
        if is_ctor(model, a.func) && model.instance_value(&root, a.func) {
            members.push((a.func, key.clone(), *g));
        }
    }
    for (ctor, key, g) in members {
        if model.functions[g.index()].class.is_some() {
            continue;
        }
        let c = match model.functions[ctor.index()].class {
            Some(c) => c,
            None => {
                let Some(&(_, b)) = checked.iter().find(|&&(f, _)| f == ctor) else {
                    continue;
                };
                let c = ClassId(model.classes.len() as u32);
                model.classes.push(ClassInfo {
                    name: Some(model.bindings[b.index()].name.clone()),
                    binding: Some(b),
                    span: model.functions[ctor.index()].span,
                    constructor: Some(ctor),
                    methods: Vec::new(),
                    fields: Vec::new(),
                    superclass: None,
                    typed_fields: Vec::new(),
                });
                model.functions[ctor.index()].class = Some(c);
                c
            }
        };
        let func = &mut model.functions[g.index()];
        func.class = Some(c);
        func.name.get_or_insert(key);
        model.classes[c.index()].methods.push(g);
    }
}

/// Objects a function extends with methods and state through property descriptors
/// (`function extend(pool) { Object.defineProperties(pool, { _queue: { value: [] }, getConnection:
/// { value: getConnection } }) }`, `Object.defineProperty(pool, 'name', { value: … })`): the
/// extended parameter is an instance of a class whose methods are the functions given as `value`s
/// (their `this` is the object they are installed on) and whose fields are the other `value`s. What
/// the object is and how long it lives is decided by the caller elsewhere: the class is public and
/// has no constructor of its own. Only a parameter counts (not `exports`, which TypeScript marks
/// with `__esModule`), and only an object given at least one method.
pub(super) fn extended_objects(model: &mut SemanticModel) {
    // Per extended parameter: the functions installed on it, and its other values.
    type Fields = Vec<(Atom, Value, ByteSpan)>;
    let mut found: Vec<(BindingId, Vec<FuncId>, Fields)> = Vec::new();
    for call in &model.calls {
        let Some(callee) = call.callee.as_ref() else {
            continue;
        };
        let (Root::Global(g), [m]) = (&callee.root, callee.props.as_slice()) else {
            continue;
        };
        if g != "Object" {
            continue;
        }
        let target = match call.arg(0) {
            Some(Value::Path(p)) if p.props.is_empty() => p.root_binding(),
            _ => None,
        };
        let Some(target) = target.filter(|&b| model.bindings[b.index()].kind == BindingKind::Param)
        else {
            continue;
        };
        let span = call.arg_spans.get(1).copied().unwrap_or(call.span);
        let descriptors: Vec<(Atom, &Value)> = match (m.as_ref(), call.arg(1), call.arg(2)) {
            ("defineProperties", Some(Value::Object(props)), _) => props
                .iter()
                .filter_map(|(k, v)| Some((k.clone()?, v)))
                .collect(),
            ("defineProperty", Some(Value::Str(k)), Some(v)) => vec![(k.clone(), v)],
            _ => continue,
        };
        let mut methods = Vec::new();
        let mut fields = Vec::new();
        for (name, desc) in descriptors {
            let Some(value) = desc.property("value") else {
                continue;
            };
            let func = match value {
                Value::Func(f) => Some(*f),
                Value::Path(p) if p.props.is_empty() => p
                    .root_binding()
                    .and_then(|b| model.bindings[b.index()].func_value),
                _ => None,
            };
            match func {
                Some(f) => methods.push(f),
                None => fields.push((name, value.clone(), span)),
            }
        }
        match found.iter_mut().find(|(b, _, _)| *b == target) {
            Some((_, ms, fs)) => {
                ms.extend(methods);
                fs.extend(fields);
            }
            None => found.push((target, methods, fields)),
        }
    }
    for (target, methods, fields) in found {
        // A function already a method of a class keeps its class; arrows do not bind `this`.
        let methods: Vec<FuncId> = methods
            .into_iter()
            .filter(|&f| {
                let func = &model.functions[f.index()];
                func.class.is_none() && !func.is_arrow
            })
            .collect();
        if methods.is_empty() {
            continue;
        }
        let c = ClassId(model.classes.len() as u32);
        let binding = &model.bindings[target.index()];
        model.classes.push(ClassInfo {
            name: Some(binding.name.clone()),
            binding: None,
            span: binding.span,
            constructor: None,
            methods: methods.clone(),
            fields,
            superclass: None,
            typed_fields: Vec::new(),
        });
        for f in methods {
            model.functions[f.index()].class = Some(c);
        }
        // Helpers the methods run on the object (`checkQueue.call(self)`, `self` holding `this`)
        // are methods too: their `this` is the same object.
        for _ in 0..4 {
            let helpers: Vec<FuncId> = model
                .calls
                .iter()
                .filter_map(|call| {
                    let callee = call.callee.as_ref()?;
                    let [m] = callee.props.as_slice() else {
                        return None;
                    };
                    if m != "call" && m != "apply" {
                        return None;
                    }
                    let g = model.bindings[callee.root_binding()?.index()].func_value?;
                    let func = &model.functions[g.index()];
                    if func.class.is_some() || func.is_arrow {
                        return None;
                    }
                    match call.arg(0) {
                        Some(Value::Path(p))
                            if p.props.is_empty()
                                && model.class_of_root(p, call.func) == Some(c) =>
                        {
                            Some(g)
                        }
                        _ => None,
                    }
                })
                .collect();
            if helpers.is_empty() {
                break;
            }
            for g in helpers {
                if model.functions[g.index()].class.is_none() {
                    model.functions[g.index()].class = Some(c);
                    model.classes[c.index()].methods.push(g);
                }
            }
        }
    }
}

impl Builder {
    /// Makes the function registered with `span` a method (or the constructor) of the class
    /// whose body is being visited.
    pub(super) fn add_method(&mut self, span: Span, constructor: bool) {
        let (Some(&c), Some(f)) = (self.class_stack.last(), self.func_at(span)) else {
            return;
        };
        self.model.functions[f.index()].class = Some(c);
        let class = &mut self.model.classes[c.index()];
        if constructor {
            class.constructor = Some(f);
        } else {
            class.methods.push(f);
        }
    }

    /// The constructor function whose prototype binding `alias` holds (`var _proto =
    /// Ctor.prototype`, Babel's loose-mode classes), when `alias` is initialised so and `Ctor`
    /// names a function.
    pub(super) fn prototype_alias(&self, alias: BindingId) -> Option<BindingId> {
        let binding = &self.model.bindings[alias.index()];
        let Some(Value::Path(p)) = &binding.init else {
            return None;
        };
        let (Root::Binding(ctor), [proto]) = (&p.root, p.props.as_slice()) else {
            return None;
        };
        (proto == "prototype" && self.model.bindings[ctor.index()].func_value.is_some())
            .then_some(*ctor)
    }

    /// `Ctor.prototype.name = function …`: makes the function a method of the prototype class of
    /// the binding `ctor`, creating that class on its first method.
    pub(super) fn add_prototype_method(&mut self, ctor: BindingId, method: FuncId) {
        let existing = self
            .model
            .classes
            .iter()
            .position(|c| c.binding == Some(ctor));
        let c = match existing {
            Some(i) => ClassId(i as u32),
            None => {
                let binding = &self.model.bindings[ctor.index()];
                let id = ClassId(self.model.classes.len() as u32);
                let constructor = binding.func_value;
                let span = constructor
                    .map(|f| self.model.functions[f.index()].span)
                    .unwrap_or(binding.span);
                self.model.classes.push(ClassInfo {
                    name: Some(binding.name.clone()),
                    binding: Some(ctor),
                    span,
                    constructor,
                    methods: Vec::new(),
                    fields: Vec::new(),
                    superclass: None,
                    typed_fields: Vec::new(),
                });
                if let Some(f) = constructor {
                    self.model.functions[f.index()].class.get_or_insert(id);
                }
                id
            }
        };
        self.model.functions[method.index()].class = Some(c);
        self.model.classes[c.index()].methods.push(method);
    }

    /// Babel's `_createClass(Ctor, [{ key: 'm', value: function m() {…} }, …], statics)` (also
    /// minified: any callee with that argument shape) makes the functions of the first array
    /// prototype methods of the constructor function `Ctor`.
    pub(super) fn note_create_class(&mut self, n: &CallExpr) {
        let (Some(first), Some(second)) = (n.args.first(), n.args.get(1)) else {
            return;
        };
        let (Expr::Ident(ctor), Expr::Array(protos)) = (unwrap(&first.expr), unwrap(&second.expr))
        else {
            return;
        };
        let ctor = self.binding_for(ctor);
        if self.model.bindings[ctor.index()].func_value.is_none() || protos.elems.is_empty() {
            return;
        }
        let mut methods = Vec::new();
        for el in &protos.elems {
            let Some(Expr::Object(o)) = el.as_ref().map(|e| unwrap(&e.expr)) else {
                return;
            };
            let mut has_key = false;
            let mut func = None;
            for p in &o.props {
                let PropOrSpread::Prop(p) = p else { return };
                let Prop::KeyValue(kv) = &**p else { continue };
                match prop_name(&kv.key).as_deref() {
                    Some("key") => has_key = true,
                    Some("value" | "get" | "set") => {
                        if let f @ (Expr::Fn(_) | Expr::Arrow(_)) = unwrap(&kv.value) {
                            func = self.func_at(f.span());
                        }
                    }
                    _ => {}
                }
            }
            if !has_key {
                return;
            }
            methods.extend(func);
        }
        for m in methods {
            self.add_prototype_method(ctor, m);
        }
    }

    /// A bundle's module table handed to its loader IIFE (webpack's and browserify's
    /// `(function (modules) {…})([function (module, exports, require) {…}, …])`, or an object of
    /// such functions): the loader runs each module function at most once (its module cache), so
    /// each is called by the IIFE rather than escaping to unknown callers.
    pub(super) fn note_module_table(&mut self, n: &CallExpr) {
        let [arg] = n.args.as_slice() else { return };
        let elems: Vec<&Expr> = match unwrap(&arg.expr) {
            Expr::Array(a) => a.elems.iter().flatten().map(|e| &*e.expr).collect(),
            Expr::Object(o) => o
                .props
                .iter()
                .filter_map(|p| match p {
                    PropOrSpread::Prop(p) => match &**p {
                        Prop::KeyValue(kv) => Some(&*kv.value),
                        _ => None,
                    },
                    PropOrSpread::Spread(_) => None,
                })
                .collect(),
            _ => return,
        };
        let funcs: Option<Vec<FuncId>> = elems
            .iter()
            .map(|e| match unwrap(e) {
                f @ (Expr::Fn(_) | Expr::Arrow(_)) => self.func_at(f.span()),
                _ => None,
            })
            .collect();
        let (Some(funcs), Some(call)) = (funcs, self.call_at(n.span)) else {
            return;
        };
        if funcs.is_empty() {
            return;
        }
        for f in funcs {
            let uses = &mut self.model.functions[f.index()].uses;
            uses.retain(|u| !matches!(u, FuncUse::Escapes | FuncUse::OptionOf { .. }));
            uses.push(FuncUse::Called { call });
        }
    }

    /// esbuild's `__export(target, { name: () => binding, … })` exports each getter's binding.
    pub(super) fn note_bundler_exports(&mut self, n: &CallExpr) {
        let Some(Expr::Ident(id)) = n.callee.as_expr().map(|e| unwrap(e)) else {
            return;
        };
        if !crate::semantic::api::EXPORT_HELPERS.contains(&id.sym.as_str()) {
            return;
        }
        let Some(Expr::Object(o)) = n.args.get(1).map(|a| unwrap(&a.expr)) else {
            return;
        };
        for p in &o.props {
            let PropOrSpread::Prop(p) = p else { continue };
            let Prop::KeyValue(kv) = &**p else { continue };
            if let Expr::Arrow(a) = unwrap(&kv.value) {
                if let ArrowFunctionBody::Expr(body) = &*a.body {
                    if let Expr::Ident(target) = unwrap(body) {
                        if target.ctxt != crate::resolve::unresolved() {
                            let b = self.binding_for(target);
                            self.model.bindings[b.index()].exported = true;
                            if let Some(name) = prop_name(&kv.key) {
                                self.model.exports.push(Export {
                                    name,
                                    target: ExportTarget::Binding(b),
                                });
                            }
                        }
                    }
                }
            }
        }
    }

    /// Records that this module exports `value` as `name`: a binding or a function expression
    /// (other values are not functions or classes whose uses the project pass can follow).
    pub(super) fn record_export(&mut self, name: Atom, value: &Value) {
        let target = match value {
            Value::Path(p) if p.props.is_empty() => match p.root {
                Root::Binding(b) => ExportTarget::Binding(b),
                _ => return,
            },
            Value::Func(f) => ExportTarget::Func(*f),
            _ => return,
        };
        self.model.exports.push(Export { name, target });
    }

    /// Records each named property of an exported object literal as an export of that name
    /// (`module.exports = { a, b }`, `export default { a, b }`).
    pub(super) fn record_object_exports(&mut self, props: &[(Option<Atom>, Value)]) {
        for (key, value) in props {
            if let Some(key) = key {
                self.record_export(key.clone(), value);
            }
        }
    }

    /// The binding a named class expression gives itself (`class Handler {…}` in
    /// `module.exports = class Handler {…}`), as a path, once the class has been visited.
    pub(super) fn named_class_expr(&self, e: &Expr) -> Option<Value> {
        let Expr::Class(c) = unwrap(e) else {
            return None;
        };
        let span = bs(c.class.span);
        let class = self.model.classes.iter().rev().find(|k| k.span == span)?;
        Some(Value::Path(Path {
            root: Root::Binding(class.binding?),
            props: Default::default(),
        }))
    }

    /// Records the names a CommonJS export assignment to `target` makes: `module.exports = v`
    /// exports `v` as `default` (and an object literal's keys by name), `module.exports.x = v`
    /// and `exports.x = v` export `v` as `x`; `module.exports = require('./a')` re-exports `./a`.
    pub(super) fn record_commonjs_export(&mut self, target: &Path, value: &Value) {
        let name = match (&target.root, target.props.as_slice()) {
            (Root::Global(g), [e]) if g == "module" && e == "exports" => None,
            (Root::Global(g), [e, name]) if g == "module" && e == "exports" => Some(name.clone()),
            (Root::Global(g), [name]) if g == "exports" => Some(name.clone()),
            _ => return,
        };
        if let Some(name) = name {
            self.record_export(name, value);
            return;
        }
        match value {
            Value::Object(props) => self.record_object_exports(props),
            Value::Call(c) => {
                if let Some(specifier) = require_source(&self.model.calls[c.index()]) {
                    self.model.reexports.push(ReExport {
                        specifier,
                        names: None,
                    });
                }
            }
            v => self.record_export(Atom::from("default"), v),
        }
    }

    /// A transpiler's re-export of all of a module's names (`__exportStar(require('./a'),
    /// exports)`, [`crate::semantic::api::REEXPORT_HELPERS`]).
    pub(super) fn note_reexport_helper(&mut self, c: CallId) {
        let call = &self.model.calls[c.index()];
        let is_helper = call
            .callee
            .as_ref()
            .and_then(|p| {
                p.props.last().or(match &p.root {
                    Root::Global(g) => Some(g),
                    _ => None,
                })
            })
            .is_some_and(|n| crate::semantic::api::REEXPORT_HELPERS.contains(&n.as_str()));
        if !is_helper {
            return;
        }
        let specifier = call.args.iter().find_map(|a| match a {
            Value::Call(r) => required_module(&self.model, *r),
            _ => None,
        });
        if let Some(specifier) = specifier {
            self.model.reexports.push(ReExport {
                specifier,
                names: None,
            });
        }
    }

    /// Marks everything a CommonJS `module.exports = …` / `exports.x = …` assignment exports.
    pub(super) fn export_value(&mut self, v: &Value) {
        match v {
            Value::Path(p) if p.props.is_empty() => {
                if let Root::Binding(b) = p.root {
                    self.model.bindings[b.index()].exported = true;
                }
            }
            Value::Func(f) => self.model.functions[f.index()].uses.push(FuncUse::Exported),
            Value::Object(props) => props.iter().for_each(|(_, v)| self.export_value(v)),
            // `module.exports = (function () { …; return { a, b }; })()`: what the IIFE
            // returns is exported (UMD wrappers, hand-written module patterns).
            Value::Call(c) => {
                if let Some(f) = self.model.calls[c.index()].callee_func {
                    let values: Vec<Value> = self
                        .returned
                        .iter()
                        .filter(|(g, _)| *g == f)
                        .map(|(_, v)| v.clone())
                        .collect();
                    values.iter().for_each(|v| self.export_value(v));
                }
            }
            _ => {}
        }
    }
}

/// `module.exports`, `module.exports.x`, `exports.x`.
pub(super) fn is_commonjs_export(p: &Path) -> bool {
    match (&p.root, p.props.first().map(|a| a.as_str())) {
        (Root::Global(g), Some("exports")) if g == "module" => true,
        (Root::Global(g), Some(_)) if g == "exports" => true,
        _ => false,
    }
}

/// The module name of `require('name')`, also through a transpiler's import helper
/// (`__importDefault(require('name'))`, [`crate::semantic::api::IMPORT_HELPERS`]).
pub(super) fn required_module(model: &SemanticModel, c: CallId) -> Option<String> {
    let call = &model.calls[c.index()];
    if let Some(m) = require_source(call) {
        return Some(m);
    }
    let helper = call.callee.as_ref().and_then(|p| model.callee_name(p))?;
    if !crate::semantic::api::IMPORT_HELPERS.contains(&helper.as_str()) {
        return None;
    }
    match call.arg(0) {
        Some(Value::Call(inner)) => require_source(&model.calls[inner.index()]),
        _ => None,
    }
}

/// The module name of `require('name')`.
pub(super) fn require_source(c: &Call) -> Option<String> {
    match (&c.callee, c.args.first()) {
        (
            Some(Path {
                root: Root::Global(g),
                props,
            }),
            Some(Value::Str(s)),
        ) if g == "require" && props.is_empty() => Some(s.to_string()),
        _ => None,
    }
}

/// The name of an export or import specifier: an identifier or a string (`export { a as "b-c" }`).
pub(super) fn export_name(n: &ModuleExportName) -> Atom {
    match n {
        ModuleExportName::Ident(i) => i.sym.clone(),
        ModuleExportName::Str(s) => Atom::from(s.value.to_string_lossy().as_ref()),
        #[allow(unreachable_patterns)]
        _ => Atom::default(),
    }
}
