//! The one AST walk that fills a [`SemanticModel`].

use smallvec::SmallVec;
use swc_atoms::Atom;
use swc_common::{Span, Spanned, SyntaxContext};
use swc_ecma_ast::*;
use swc_ecma_visit::{Visit, VisitWith};

use super::class::{Class as ClassInfo, ClassId};
use super::handoff::Handoffs;
use super::span_index::SpanIndex;
use super::{
    Assign, Binding, BindingId, BindingKind, Bound, Call, CallId, Condition, Escape, FuncId,
    FuncUse, Function, Path, Props, Reference, ResultUse, Root, SemanticModel, Target, Value,
    MODULE,
};
use crate::diagnostic::ByteSpan;
use crate::parse::BASE;

/// Builds the semantic model of a resolved `program`; `unresolved` is the resolver's context for
/// identifiers that bind to no declaration.
pub fn build(program: &Program, unresolved: SyntaxContext) -> SemanticModel {
    let len = program.span().hi.0.saturating_sub(program.span().lo.0);
    let mut b = Builder {
        model: SemanticModel::with_capacity_for(len),
        index: Index::with_capacity(len as usize / 64),
        recent: [(0, 0); RECENT],
        call_mentions: Vec::with_capacity(len as usize / 64 + 1),
        unresolved,
        func_stack: vec![MODULE],
        cond_depth: vec![0],
        loop_depth: vec![0],
        block_depth: 0,
        pending_use: Handoffs::default(),
        pending_func: Handoffs::default(),
        handoff_marks: Vec::new(),
        calls_by_end: SpanIndex::with_capacity(len as usize / 64),
        awaited: Handoffs::default(),
        funcs_by_start: SpanIndex::with_capacity(len as usize / 256),
        scratch_paths: Vec::new(),
        decl_kind: None,
        decl_top: false,
        class_stack: Vec::new(),
        pending_class_binding: None,
        returned: Vec::new(),
    };
    let span = program.span();
    b.model.functions.push(Function {
        span: bs(span),
        parent: None,
        name: None,
        binding: None,
        params: SmallVec::new(),
        uses: SmallVec::new(),
        has_guard_return: false,
        is_method: false,
        is_arrow: false,
        class: None,
        refs: (0, 0),
    });
    program.visit_with(&mut b);
    let mut model = b.model;
    // Prototype classes whose constructor function is declared after its prototype methods.
    for c in 0..model.classes.len() {
        if model.classes[c].constructor.is_none() {
            if let Some(f) = model.classes[c]
                .binding
                .and_then(|b| model.bindings[b as usize].func_value)
            {
                model.classes[c].constructor = Some(f);
                if model.functions[f as usize].class.is_none() {
                    model.functions[f as usize].class = Some(ClassId(c as u32));
                }
            }
        }
    }
    constructor_members(&mut model);
    extended_objects(&mut model);
    model.functions[MODULE as usize].refs = (0, model.references.len() as u32);
    model.call_mentions = b.call_mentions;
    model
}

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
fn constructor_members(model: &mut SemanticModel) {
    let helper = |model: &SemanticModel, call: &super::Call, names: &[&str]| {
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
        if !helper(model, call, super::api::CLASS_CALL_CHECK_HELPERS) {
            continue;
        }
        let this_first = matches!(call.arg(0), Some(Value::Path(p)) if p.root == Root::This && p.props.is_empty());
        if let (true, Some(Value::Path(p))) = (this_first, call.arg(1)) {
            if let (Some(b), true) = (p.root_binding(), p.props.is_empty()) {
                if model.bindings[b as usize].func_value == Some(call.func) {
                    checked.push((call.func, b));
                }
            }
        }
    }
    let is_ctor = |model: &SemanticModel, f: FuncId| {
        model.functions[f as usize]
            .class
            .is_some_and(|c| model.classes[c.index()].constructor == Some(f))
            || checked.iter().any(|&(g, _)| g == f)
    };
    // (constructor, key, function)
    let mut members: Vec<(FuncId, Atom, FuncId)> = Vec::new();
    for call in &model.calls {
        if call.args.len() != 3
            || !helper(model, call, super::api::DEFINE_FIELD_HELPERS)
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
        if model.functions[g as usize].class.is_some() {
            continue;
        }
        let c = match model.functions[ctor as usize].class {
            Some(c) => c,
            None => {
                let Some(&(_, b)) = checked.iter().find(|&&(f, _)| f == ctor) else {
                    continue;
                };
                let c = ClassId(model.classes.len() as u32);
                model.classes.push(ClassInfo {
                    name: Some(model.bindings[b as usize].name.clone()),
                    binding: Some(b),
                    span: model.functions[ctor as usize].span,
                    constructor: Some(ctor),
                    methods: Vec::new(),
                    fields: Vec::new(),
                    superclass: None,
                });
                model.functions[ctor as usize].class = Some(c);
                c
            }
        };
        let func = &mut model.functions[g as usize];
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
fn extended_objects(model: &mut SemanticModel) {
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
        let Some(target) =
            target.filter(|&b| model.bindings[b as usize].kind == BindingKind::Param)
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
            let Value::Object(desc) = desc else { continue };
            let Some((_, value)) = desc.iter().find(|(k, _)| k.as_deref() == Some("value")) else {
                continue;
            };
            let func = match value {
                Value::Func(f) => Some(*f),
                Value::Path(p) if p.props.is_empty() => p
                    .root_binding()
                    .and_then(|b| model.bindings[b as usize].func_value),
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
                let func = &model.functions[f as usize];
                func.class.is_none() && !func.is_arrow
            })
            .collect();
        if methods.is_empty() {
            continue;
        }
        let c = ClassId(model.classes.len() as u32);
        let binding = &model.bindings[target as usize];
        model.classes.push(ClassInfo {
            name: Some(binding.name.clone()),
            binding: None,
            span: binding.span,
            constructor: None,
            methods: methods.clone(),
            fields,
            superclass: None,
        });
        for f in methods {
            model.functions[f as usize].class = Some(c);
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
                    let g = model.bindings[callee.root_binding()? as usize].func_value?;
                    let func = &model.functions[g as usize];
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
                if model.functions[g as usize].class.is_none() {
                    model.functions[g as usize].class = Some(c);
                    model.classes[c.index()].methods.push(g);
                }
            }
        }
    }
}

/// A byte span from an swc span.
pub(crate) fn bs(span: Span) -> ByteSpan {
    ByteSpan::new(
        span.lo.0.saturating_sub(BASE),
        span.hi.0.saturating_sub(BASE),
    )
}

fn key(span: Span) -> (u32, u32) {
    (span.lo.0, span.hi.0)
}

/// Strips parentheses, TypeScript assertions and `await`, which do not change what a value is.
pub(crate) fn unwrap(e: &Expr) -> &Expr {
    match e {
        Expr::Paren(p) => unwrap(&p.expr),
        Expr::TsAs(x) => unwrap(&x.expr),
        Expr::TsNonNull(x) => unwrap(&x.expr),
        Expr::TsTypeAssertion(x) => unwrap(&x.expr),
        Expr::TsSatisfies(x) => unwrap(&x.expr),
        Expr::TsConstAssertion(x) => unwrap(&x.expr),
        Expr::Await(x) => unwrap(&x.arg),
        Expr::Seq(s) if !s.exprs.is_empty() => unwrap(s.exprs.last().unwrap()),
        _ => e,
    }
}

/// [`unwrap`], and also through a bundler's naming helper (`__name(fn, "fn")` is `fn`): for the
/// places that ask what value an initialiser is.
fn unwrap_value(e: &Expr) -> &Expr {
    let e = unwrap(e);
    match e {
        Expr::Call(c) => name_wrapper_target(c).map_or(e, unwrap),
        _ => e,
    }
}

/// The value of an arithmetic expression on number literals (`30 * 60 * 1000`), if it is one.
fn const_number(e: &Expr) -> Option<f64> {
    match unwrap(e) {
        Expr::Lit(Lit::Num(n)) => Some(n.value),
        Expr::Bin(b) => {
            let (l, r) = (const_number(&b.left)?, const_number(&b.right)?);
            match b.op {
                BinaryOp::Mul => Some(l * r),
                BinaryOp::Add => Some(l + r),
                BinaryOp::Sub => Some(l - r),
                BinaryOp::Div if r != 0.0 => Some(l / r),
                _ => None,
            }
        }
        _ => None,
    }
}

/// The function a bundler's naming helper wraps: esbuild's `__name(fn, "fn")` returns `fn`
/// itself (it only sets `fn.name`), so `const f = __name(() => …, "f")` declares that function.
fn name_wrapper_target(c: &CallExpr) -> Option<&Expr> {
    let Callee::Expr(callee) = &c.callee else {
        return None;
    };
    let Expr::Ident(id) = &**callee else {
        return None;
    };
    if !crate::semantic::api::NAME_HELPERS.contains(&id.sym.as_str()) || c.args.len() != 2 {
        return None;
    }
    let target = &*c.args[0].expr;
    matches!(target, Expr::Fn(_) | Expr::Arrow(_) | Expr::Class(_)).then_some(target)
}

/// A string literal's value as an atom: shared with the AST when it is valid UTF-8 (no copy),
/// lossily decoded otherwise (lone surrogates).
fn str_atom(v: &swc_atoms::Wtf8Atom) -> Atom {
    // A surrogate's WTF-8 encoding is the byte 0xED followed by a byte of at least 0xA0 (0xED
    // followed by less is a Hangul syllable or another character below U+D800). memchr finds the
    // candidates at vector speed, where `try_into_atom` decodes every character: long literals
    // (embedded scripts, message tables) made that 9% of the model build on some packages.
    let bytes = v.as_bytes();
    let has_surrogate = memchr::memchr_iter(0xED, bytes)
        .any(|at| bytes.get(at + 1).is_some_and(|&next| next >= 0xA0));
    if !has_surrogate {
        // SAFETY: well-formed WTF-8 without a surrogate is UTF-8.
        return unsafe { Atom::from_wtf8_unchecked(v.clone()) };
    }
    Atom::from(v.to_string_lossy().as_ref())
}

fn prop_name(p: &PropName) -> Option<Atom> {
    match p {
        PropName::Ident(i) => Some(i.sym.clone()),
        PropName::Str(s) => Some(str_atom(&s.value)),
        PropName::Num(n) => Some(Atom::from(n.value.to_string())),
        _ => None,
    }
}

/// What a parent decided for a direct child function expression: its name, the binding naming
/// it, and how its value is used.
type PendingFunc = (Option<Atom>, Option<BindingId>, Option<FuncUse>);

/// Binding identity (name, resolver context) → binding: `(name, context, binding)` entries in a
/// raw hash table, so that a lookup that ends in an insertion hashes and probes once.
type Index = hashbrown::HashTable<(Atom, SyntaxContext, BindingId)>;

/// The hash of a binding identity in [`Index`].
fn identity_hash(name: &Atom, ctxt: SyntaxContext) -> u64 {
    use std::hash::BuildHasher;
    rustc_hash::FxBuildHasher.hash_one((name, ctxt))
}

/// Slots of [`Builder::recent`].
const RECENT: usize = 256;

struct Builder {
    model: SemanticModel,
    index: Index,
    /// The latest identifiers resolved, as `(start offset, binding)`, by start offset modulo
    /// [`RECENT`].
    recent: [(u32, BindingId); RECENT],
    /// `(binding, call)` for each call that names a binding as its callee or an argument, in
    /// source order of the calls' ends (the intra-file call graph's edges).
    call_mentions: Vec<(BindingId, CallId)>,
    unresolved: SyntaxContext,
    func_stack: Vec<FuncId>,
    /// Per open function: how many `if`/conditional/logical constructs enclose the current node.
    cond_depth: Vec<u32>,
    /// Per open function: how many loop bodies enclose the current node.
    loop_depth: Vec<u32>,
    /// Block nesting inside the module body (0 = directly in the module body).
    block_depth: u32,
    /// Result uses decided by a parent for its direct child call, keyed by the call's span.
    pending_use: Handoffs<ResultUse>,
    /// Names and uses decided by a parent for its direct child function expression.
    pending_func: Handoffs<PendingFunc>,
    /// Per open function: the [`Handoffs::mark`]s of `pending_use`, `pending_func` and `awaited`
    /// when it was entered.
    handoff_marks: Vec<[usize; 3]>,
    /// Calls by span, registered as they end.
    calls_by_end: SpanIndex,
    /// Spans of calls that are the direct operand of an `await`.
    awaited: Handoffs<()>,
    /// Functions by span, registered as they begin.
    funcs_by_start: SpanIndex,
    /// Reused by [`Builder::value_of_depth`] to collect an expression's paths.
    scratch_paths: Vec<Path>,
    /// The kind of the declaration whose patterns are being visited.
    decl_kind: Option<BindingKind>,
    /// Whether that declaration sits directly in the module body.
    decl_top: bool,
    /// The classes whose bodies are being visited, innermost last.
    class_stack: Vec<ClassId>,
    /// The binding that names the next class body visited (`class C`, `const C = class {}`).
    pending_class_binding: Option<BindingId>,
    /// `(function, value)` for each `return` of a function, an object literal or a binding, so
    /// that `module.exports = (() => { …; return { save } })()` exports what the IIFE returns.
    returned: Vec<(FuncId, Value)>,
}

impl Builder {
    fn cur(&self) -> FuncId {
        *self.func_stack.last().unwrap()
    }

    /// The function registered with exactly `span`.
    fn func_at(&self, span: Span) -> Option<FuncId> {
        self.funcs_by_start.get(span.lo.0, span.hi.0)
    }

    /// The call registered with exactly `span`.
    fn call_at(&self, span: Span) -> Option<CallId> {
        self.calls_by_end.get(span.hi.0, span.lo.0)
    }

    fn guarded(&self) -> bool {
        *self.cond_depth.last().unwrap() > 0
    }

    /// The binding for identity `id`, created as a placeholder if its declaration is still ahead
    /// (hoisting) or is one we do not model.
    #[inline]
    fn binding_for(&mut self, id: &Ident) -> BindingId {
        // Summaries look up the identifiers the walk has just resolved: remember the latest ones
        // by position (one identifier per start offset; 0 is swc's dummy position).
        let lo = id.span.lo.0;
        let slot = lo as usize % RECENT;
        if lo != 0 && self.recent[slot].0 == lo {
            return self.recent[slot].1;
        }
        let b = self.binding_for_uncached(id);
        self.recent[slot] = (lo, b);
        b
    }

    // Kept out of line: the cache hit above stays a few instructions without this frame.
    #[inline(never)]
    fn binding_for_uncached(&mut self, id: &Ident) -> BindingId {
        let hash = identity_hash(&id.sym, id.ctxt);
        let entry = self.index.entry(
            hash,
            |e| e.1 == id.ctxt && e.0 == id.sym,
            |e| identity_hash(&e.0, e.1),
        );
        let vacant = match entry {
            hashbrown::hash_table::Entry::Occupied(found) => return found.get().2,
            hashbrown::hash_table::Entry::Vacant(vacant) => vacant,
        };
        let b = self.model.bindings.len() as BindingId;
        vacant.insert((id.sym.clone(), id.ctxt, b));
        self.model.bindings.push(Binding {
            name: id.sym.clone(),
            kind: BindingKind::Unknown,
            func: self.cur(),
            module_level: false,
            span: bs(id.span),
            init: None,
            source_module: None,
            exported: false,
            func_value: None,
            type_name: None,
        });
        b
    }

    fn declare(&mut self, id: &Ident, kind: BindingKind, module_level: bool) -> BindingId {
        let b = self.binding_for(id);
        let func = self.cur();
        let binding = &mut self.model.bindings[b as usize];
        if binding.kind == BindingKind::Unknown {
            binding.kind = kind;
            binding.func = func;
            binding.module_level = module_level;
            binding.span = bs(id.span);
        }
        b
    }

    fn root_of_ident(&mut self, id: &Ident) -> Root {
        if id.ctxt == self.unresolved {
            Root::Global(id.sym.clone())
        } else {
            Root::Binding(self.binding_for(id))
        }
    }

    /// The member path of `e`, if it is an identifier, `this` or a member chain.
    fn path_of(&mut self, e: &Expr) -> Option<Path> {
        match unwrap(e) {
            Expr::Ident(id) => Some(Path {
                root: self.root_of_ident(id),
                props: Props::new(),
            }),
            Expr::This(_) => Some(Path {
                root: Root::This,
                props: Props::new(),
            }),
            Expr::Member(m) => self.member_path(m),
            Expr::OptChain(o) => match &*o.base {
                OptChainBase::Member(m) => self.member_path(m),
                OptChainBase::Call(_) => None,
            },
            _ => None,
        }
    }

    fn member_path(&mut self, m: &MemberExpr) -> Option<Path> {
        let mut base = self.path_of(&m.obj).unwrap_or(Path {
            root: Root::Unknown,
            props: Props::new(),
        });
        let name = match &m.prop {
            MemberProp::Ident(i) => i.sym.clone(),
            MemberProp::Computed(c) => match unwrap(&c.expr) {
                Expr::Lit(Lit::Str(s)) => str_atom(&s.value),
                Expr::Lit(Lit::Num(n)) => Atom::from(n.value.to_string()),
                _ => return None,
            },
            MemberProp::PrivateName(p) => Atom::from(format!("#{}", p.name)),
        };
        base.props.push(name);
        Some(base)
    }

    /// Summarises an expression whose children have already been visited.
    fn value_of(&mut self, e: &Expr) -> Value {
        self.value_of_depth(e, 0)
    }

    fn value_of_depth(&mut self, e: &Expr, depth: u32) -> Value {
        let e = unwrap_value(e);
        if let Some(p) = self.path_of(e) {
            return Value::Path(p);
        }
        match e {
            Expr::Fn(_) | Expr::Arrow(_) => self
                .func_at(e.span())
                .map(Value::Func)
                .unwrap_or(Value::Expr(vec![])),
            Expr::Call(_) | Expr::New(_) => self
                .call_at(e.span())
                .map(Value::Call)
                .unwrap_or(Value::Expr(vec![])),
            Expr::OptChain(o) if matches!(&*o.base, OptChainBase::Call(_)) => self
                .call_at(o.base.span())
                .map(Value::Call)
                .unwrap_or(Value::Expr(vec![])),
            Expr::Lit(Lit::Str(s)) => Value::Str(str_atom(&s.value)),
            Expr::Lit(Lit::Num(n)) => Value::Num(n.value),
            // `30 * 60 * 1000`: a duration spelled as arithmetic on literals is that number.
            Expr::Bin(_) if const_number(e).is_some() => Value::Num(const_number(e).unwrap_or(0.0)),
            Expr::Lit(Lit::Bool(b)) => Value::Bool(b.value),
            Expr::Lit(_) => Value::OtherLiteral,
            Expr::Tpl(t) if t.exprs.is_empty() => Value::Str(Atom::from(
                t.quasis
                    .iter()
                    .map(|q| q.raw.to_string())
                    .collect::<String>(),
            )),
            Expr::Object(o) if depth < 4 => {
                let mut props = Vec::new();
                for p in &o.props {
                    match p {
                        PropOrSpread::Prop(p) => match &**p {
                            Prop::Shorthand(id) => {
                                let root = self.root_of_ident(id);
                                props.push((
                                    Some(id.sym.clone()),
                                    Value::Path(Path {
                                        root,
                                        props: Props::new(),
                                    }),
                                ))
                            }
                            Prop::KeyValue(kv) => {
                                let v = self.value_of_depth(&kv.value, depth + 1);
                                props.push((prop_name(&kv.key), v))
                            }
                            Prop::Method(m) => {
                                let v = self
                                    .func_at(m.function.span)
                                    .map(Value::Func)
                                    .unwrap_or(Value::Expr(vec![]));
                                props.push((prop_name(&m.key), v))
                            }
                            _ => props.push((None, Value::Expr(vec![]))),
                        },
                        PropOrSpread::Spread(s) => {
                            let v = self.value_of_depth(&s.expr, depth + 1);
                            props.push((None, v))
                        }
                    }
                }
                Value::Object(props)
            }
            Expr::Array(a) if depth < 4 => {
                let items = a
                    .elems
                    .iter()
                    .flatten()
                    .map(|el| self.value_of_depth(&el.expr, depth + 1))
                    .collect();
                Value::Array(items)
            }
            Expr::Unary(u) if u.op == UnaryOp::Void => Value::OtherLiteral,
            // `a = b` is worth `b`: `module.exports = exports = Class`,
            // `const cache = (module.exports.cache = new Map())`.
            Expr::Assign(a) if a.op == AssignOp::Assign && depth < 4 => {
                self.value_of_depth(&a.right, depth + 1)
            }
            _ => {
                // Collected into a reused buffer, then copied out at its exact size.
                let mut scratch = std::mem::take(&mut self.scratch_paths);
                self.collect_paths(e, &mut scratch, 0);
                let mut paths = Vec::with_capacity(scratch.len());
                paths.append(&mut scratch);
                let value = Value::Expr(paths);
                self.scratch_paths = scratch;
                value
            }
        }
    }

    /// Paths mentioned anywhere in a (small) expression, for taint questions.
    fn collect_paths(&mut self, e: &Expr, out: &mut Vec<Path>, depth: u32) {
        if depth > 6 || out.len() > 16 {
            return;
        }
        let e = unwrap(e);
        if let Some(p) = self.path_of(e) {
            out.push(p);
            return;
        }
        match e {
            Expr::Tpl(t) => t
                .exprs
                .iter()
                .for_each(|x| self.collect_paths(x, out, depth + 1)),
            Expr::Bin(b) => {
                self.collect_paths(&b.left, out, depth + 1);
                self.collect_paths(&b.right, out, depth + 1);
            }
            Expr::Cond(c) => {
                // `ALLOWED.has(x) ? x : 'other'` lets only allow-listed values through.
                if !is_membership_test(&c.test) {
                    self.collect_paths(&c.cons, out, depth + 1);
                }
                self.collect_paths(&c.alt, out, depth + 1);
            }
            Expr::Call(c) => {
                if let Callee::Expr(callee) = &c.callee {
                    // A normalising function maps any input onto a bounded set.
                    if callee_name_of(callee).is_some_and(is_normaliser) {
                        return;
                    }
                    if let Expr::Member(m) = unwrap(callee) {
                        self.collect_paths(&m.obj, out, depth + 1);
                    }
                }
                c.args
                    .iter()
                    .for_each(|a| self.collect_paths(&a.expr, out, depth + 1));
            }
            Expr::Member(m) => self.collect_paths(&m.obj, out, depth + 1),
            Expr::Unary(u) => self.collect_paths(&u.arg, out, depth + 1),
            Expr::Object(o) => {
                for p in &o.props {
                    if let PropOrSpread::Prop(p) = p {
                        if let Prop::KeyValue(kv) = &**p {
                            self.collect_paths(&kv.value, out, depth + 1);
                        }
                    }
                }
            }
            _ => {}
        }
    }

    /// Records the paths a test reads (already visited), when it reads any.
    fn note_condition(&mut self, test: &Expr) {
        let mut paths = Vec::new();
        // The test's value is only wanted for its paths.
        self.value_of(test).into_mentioned_paths(&mut paths);
        if !paths.is_empty() {
            let func = self.cur();
            self.model.conditions.push(Condition {
                span: bs(test.span()),
                func,
                paths,
            });
        }
    }

    /// Records the bindings a value lets escape.
    fn note_escapes(&mut self, v: &Value, span: ByteSpan, returned: bool) {
        let func = self.cur();
        match v {
            Value::Path(p) => {
                if let (Root::Binding(b), true) = (&p.root, p.props.is_empty()) {
                    self.model.escapes.push(Escape {
                        binding: *b,
                        span,
                        func,
                        returned,
                    });
                }
            }
            Value::Object(props) => props
                .iter()
                .for_each(|(_, v)| self.note_escapes(v, span, returned)),
            Value::Array(items) => items
                .iter()
                .for_each(|v| self.note_escapes(v, span, returned)),
            _ => {}
        }
    }

    /// Marks a direct child call or function of the node being visited.
    /// `use_` is only evaluated when the child is a call.
    fn expect_use(&mut self, child: &Expr, use_: impl FnOnce() -> ResultUse) {
        match unwrap(child) {
            e @ (Expr::Call(_) | Expr::New(_)) => {
                self.pending_use.insert(key(e.span()), use_());
            }
            Expr::OptChain(o) if matches!(&*o.base, OptChainBase::Call(_)) => {
                self.pending_use.insert(key(o.base.span()), use_());
            }
            _ => {}
        }
    }

    fn expect_func(
        &mut self,
        child: &Expr,
        name: Option<Atom>,
        binding: Option<BindingId>,
        use_: Option<FuncUse>,
    ) {
        if let e @ (Expr::Fn(_) | Expr::Arrow(_)) = unwrap_value(child) {
            self.pending_func
                .insert(key(e.span()), (name, binding, use_));
        }
    }

    /// Opens a function scope: registers it and returns its id.
    fn enter_function(
        &mut self,
        span: Span,
        name: Option<Atom>,
        binding: Option<BindingId>,
        is_method: bool,
    ) -> FuncId {
        let (pname, pbinding, puse) = self
            .pending_func
            .remove(key(span))
            .unwrap_or((None, None, None));
        let id = self.model.functions.len() as FuncId;
        let binding = binding.or(pbinding);
        let mut uses = SmallVec::new();
        if let Some(u) = puse {
            uses.push(u);
        }
        if is_method {
            uses.push(FuncUse::Method);
        }
        self.model.functions.push(Function {
            span: bs(span),
            parent: Some(self.cur()),
            name: name.or(pname),
            binding,
            params: SmallVec::new(),
            uses,
            has_guard_return: false,
            is_method,
            is_arrow: false,
            class: None,
            refs: (self.model.references.len() as u32, 0),
        });
        if let Some(b) = binding {
            self.model.bindings[b as usize].func_value = Some(id);
        }
        self.funcs_by_start.insert(span.lo.0, span.hi.0, id);
        self.func_stack.push(id);
        self.cond_depth.push(0);
        self.loop_depth.push(0);
        self.handoff_marks.push([
            self.pending_use.mark(),
            self.pending_func.mark(),
            self.awaited.mark(),
        ]);
        id
    }

    fn exit_function(&mut self) {
        let f = self.cur() as usize;
        self.model.functions[f].refs.1 = self.model.references.len() as u32;
        self.func_stack.pop();
        self.cond_depth.pop();
        self.loop_depth.pop();
        // Whatever was expected inside the function and never taken stays inside it.
        if let Some([uses, funcs, awaited]) = self.handoff_marks.pop() {
            self.pending_use.forget_since(uses);
            self.pending_func.forget_since(funcs);
            self.awaited.forget_since(awaited);
        }
    }

    fn declare_pat(&mut self, pat: &Pat, kind: BindingKind, top: bool) -> SmallVec<[BindingId; 4]> {
        let mut out = SmallVec::new();
        self.declare_pat_into(pat, kind, top, &mut out);
        out
    }

    fn declare_pat_into(
        &mut self,
        pat: &Pat,
        kind: BindingKind,
        top: bool,
        out: &mut SmallVec<[BindingId; 4]>,
    ) {
        match pat {
            Pat::Ident(bi) => {
                let b = self.declare(&bi.id, kind, top);
                if let Some(ann) = &bi.type_ann {
                    if let TsType::TsTypeRef(r) = &*ann.type_ann {
                        let name = match &r.type_name {
                            TsEntityName::Ident(i) => i.sym.clone(),
                            TsEntityName::TsQualifiedName(q) => q.right.sym.clone(),
                        };
                        self.model.bindings[b as usize].type_name = Some(name);
                    }
                }
                out.push(b);
            }
            Pat::Array(a) => a
                .elems
                .iter()
                .flatten()
                .for_each(|p| self.declare_pat_into(p, kind, top, out)),
            Pat::Object(o) => {
                for p in &o.props {
                    match p {
                        ObjectPatProp::KeyValue(kv) => {
                            self.declare_pat_into(&kv.value, kind, top, out)
                        }
                        ObjectPatProp::Assign(a) => out.push(self.declare(&a.key.id, kind, top)),
                        ObjectPatProp::Rest(r) => self.declare_pat_into(&r.arg, kind, top, out),
                    }
                }
            }
            Pat::Rest(r) => self.declare_pat_into(&r.arg, kind, top, out),
            Pat::Assign(a) => self.declare_pat_into(&a.left, kind, top, out),
            _ => {}
        }
    }

    fn declare_params(&mut self, f: FuncId, pats: &[&Pat]) {
        for p in pats {
            let ids = self.declare_pat(p, BindingKind::Param, false);
            self.model.functions[f as usize].params.extend(ids);
        }
    }

    /// Makes the function registered with `span` a method (or the constructor) of the class
    /// whose body is being visited.
    fn add_method(&mut self, span: Span, constructor: bool) {
        let (Some(&c), Some(f)) = (self.class_stack.last(), self.func_at(span)) else {
            return;
        };
        self.model.functions[f as usize].class = Some(c);
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
    fn prototype_alias(&self, alias: BindingId) -> Option<BindingId> {
        let binding = &self.model.bindings[alias as usize];
        let Some(Value::Path(p)) = &binding.init else {
            return None;
        };
        let (Root::Binding(ctor), [proto]) = (&p.root, p.props.as_slice()) else {
            return None;
        };
        (proto == "prototype" && self.model.bindings[*ctor as usize].func_value.is_some())
            .then_some(*ctor)
    }

    /// `Ctor.prototype.name = function …`: makes the function a method of the prototype class of
    /// the binding `ctor`, creating that class on its first method.
    fn add_prototype_method(&mut self, ctor: BindingId, method: FuncId) {
        let existing = self
            .model
            .classes
            .iter()
            .position(|c| c.binding == Some(ctor));
        let c = match existing {
            Some(i) => ClassId(i as u32),
            None => {
                let binding = &self.model.bindings[ctor as usize];
                let id = ClassId(self.model.classes.len() as u32);
                let constructor = binding.func_value;
                let span = constructor
                    .map(|f| self.model.functions[f as usize].span)
                    .unwrap_or(binding.span);
                self.model.classes.push(ClassInfo {
                    name: Some(binding.name.clone()),
                    binding: Some(ctor),
                    span,
                    constructor,
                    methods: Vec::new(),
                    fields: Vec::new(),
                    superclass: None,
                });
                if let Some(f) = constructor {
                    self.model.functions[f as usize].class.get_or_insert(id);
                }
                id
            }
        };
        self.model.functions[method as usize].class = Some(c);
        self.model.classes[c.index()].methods.push(method);
    }

    /// Babel's `_createClass(Ctor, [{ key: 'm', value: function m() {…} }, …], statics)` (also
    /// minified: any callee with that argument shape) makes the functions of the first array
    /// prototype methods of the constructor function `Ctor`.
    fn note_create_class(&mut self, n: &CallExpr) {
        let (Some(first), Some(second)) = (n.args.first(), n.args.get(1)) else {
            return;
        };
        let (Expr::Ident(ctor), Expr::Array(protos)) = (unwrap(&first.expr), unwrap(&second.expr))
        else {
            return;
        };
        let ctor = self.binding_for(ctor);
        if self.model.bindings[ctor as usize].func_value.is_none() || protos.elems.is_empty() {
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
    fn note_module_table(&mut self, n: &CallExpr) {
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
            let uses = &mut self.model.functions[f as usize].uses;
            uses.retain(|u| !matches!(u, FuncUse::Escapes | FuncUse::OptionOf { .. }));
            uses.push(FuncUse::Called { call });
        }
    }

    /// esbuild's `__export(target, { name: () => binding, … })` exports each getter's binding.
    fn note_bundler_exports(&mut self, n: &CallExpr) {
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
                        if target.ctxt != self.unresolved {
                            let b = self.binding_for(target);
                            self.model.bindings[b as usize].exported = true;
                        }
                    }
                }
            }
        }
    }

    /// Marks everything a CommonJS `module.exports = …` / `exports.x = …` assignment exports.
    fn export_value(&mut self, v: &Value) {
        match v {
            Value::Path(p) if p.props.is_empty() => {
                if let Root::Binding(b) = p.root {
                    self.model.bindings[b as usize].exported = true;
                }
            }
            Value::Func(f) => self.model.functions[*f as usize]
                .uses
                .push(FuncUse::Exported),
            Value::Object(props) => props.iter().for_each(|(_, v)| self.export_value(v)),
            // `module.exports = (function () { …; return { a, b }; })()`: what the IIFE
            // returns is exported (UMD wrappers, hand-written module patterns).
            Value::Call(c) => {
                if let Some(f) = self.model.calls[*c as usize].callee_func {
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

    fn push_call(
        &mut self,
        span: Span,
        callee_span: Span,
        callee: Option<Path>,
        callee_func: Option<FuncId>,
        args: &[ExprOrSpread],
        is_new: bool,
    ) {
        let values: SmallVec<[Value; 2]> = args.iter().map(|a| self.value_of(&a.expr)).collect();
        let arg_spans = args.iter().map(|a| bs(a.expr.span())).collect();
        let id = self.model.calls.len() as CallId;
        let result = self
            .pending_use
            .remove(key(span))
            .unwrap_or(ResultUse::Other);
        let func = self.cur();
        let guarded = self.guarded();
        let in_loop = *self.loop_depth.last().unwrap() > 0;
        // Function values passed as arguments learn who calls them; bindings passed or called
        // are edges of the call graph.
        for (i, v) in values.iter().enumerate() {
            match v {
                Value::Func(f) => self.model.functions[*f as usize]
                    .uses
                    .push(FuncUse::Argument { call: id, index: i }),
                Value::Path(p) if p.props.is_empty() => {
                    if let Root::Binding(b) = p.root {
                        self.call_mentions.push((b, id));
                    }
                }
                Value::Object(props) => {
                    for (_, pv) in props {
                        if let Value::Func(f) = pv {
                            self.model.functions[*f as usize]
                                .uses
                                .push(FuncUse::OptionOf { call: id });
                        }
                    }
                }
                _ => {}
            }
            self.note_escapes(v, bs(span), false);
        }
        if let Some(p) = &callee {
            if let (Root::Binding(b), true) = (&p.root, p.props.is_empty()) {
                self.call_mentions.push((*b, id));
            }
        }
        if let Some(f) = callee_func {
            self.model.functions[f as usize]
                .uses
                .push(FuncUse::Called { call: id });
        }
        self.model.calls.push(Call {
            span: bs(span),
            func,
            callee,
            callee_span: bs(callee_span),
            callee_func,
            args: values,
            arg_spans,
            result,
            is_new,
            guarded,
            awaited: self.awaited.remove(key(span)).is_some(),
            in_loop,
        });
        self.calls_by_end.insert(span.hi.0, span.lo.0, id);
    }

    fn in_loop_body(&mut self, body: impl FnOnce(&mut Self)) {
        *self.loop_depth.last_mut().unwrap() += 1;
        body(self);
        *self.loop_depth.last_mut().unwrap() -= 1;
    }

    /// Visits an swc function (declaration, method, accessor) as one of our functions: its
    /// parameters are declared in it, then parameters (defaults) and body are walked inside it.
    fn visit_function(
        &mut self,
        func: &swc_ecma_ast::Function,
        name: Option<Atom>,
        binding: Option<BindingId>,
        is_method: bool,
    ) {
        let params: Vec<&Pat> = func.params.iter().map(|p| &p.pat).collect();
        self.visit_function_like(
            func.span,
            name,
            binding,
            is_method,
            &params,
            &|s: &mut Self| {
                func.params.iter().for_each(|p| p.pat.visit_with(s));
                func.body.visit_with(s);
            },
        );
    }

    fn visit_function_like(
        &mut self,
        span: Span,
        name: Option<Atom>,
        binding: Option<BindingId>,
        is_method: bool,
        params: &[&Pat],
        body: &dyn Fn(&mut Self),
    ) {
        let f = self.enter_function(span, name, binding, is_method);
        self.declare_params(f, params);
        let saved_block = self.block_depth;
        self.block_depth = 1;
        body(self);
        self.block_depth = saved_block;
        self.exit_function();
    }
}

impl Visit for Builder {
    // Types never run: skip every type-only subtree.
    fn visit_ts_type(&mut self, _: &TsType) {}
    fn visit_ts_type_ann(&mut self, _: &TsTypeAnn) {}
    fn visit_ts_type_param_decl(&mut self, _: &TsTypeParamDecl) {}
    fn visit_ts_type_param_instantiation(&mut self, _: &TsTypeParamInstantiation) {}
    fn visit_ts_interface_decl(&mut self, _: &TsInterfaceDecl) {}
    fn visit_ts_type_alias_decl(&mut self, _: &TsTypeAliasDecl) {}

    fn visit_block_stmt(&mut self, n: &BlockStmt) {
        self.block_depth += 1;
        n.visit_children_with(self);
        self.block_depth -= 1;
    }

    fn visit_import_decl(&mut self, n: &ImportDecl) {
        if n.type_only {
            return;
        }
        let src = n.src.value.to_string_lossy().into_owned();
        for s in &n.specifiers {
            let (local, imported) = match s {
                ImportSpecifier::Named(x) => {
                    if x.is_type_only {
                        continue;
                    }
                    let imported = match &x.imported {
                        Some(ModuleExportName::Ident(i)) => Some(i.sym.clone()),
                        _ => None,
                    };
                    (&x.local, imported)
                }
                ImportSpecifier::Default(x) => (&x.local, None),
                ImportSpecifier::Namespace(x) => (&x.local, None),
            };
            let b = self.declare(local, BindingKind::Import, true);
            let binding = &mut self.model.bindings[b as usize];
            binding.source_module = Some(src.clone());
            if let Some(imp) = imported {
                // `import { setInterval as every } from 'timers'`: keep the imported name findable.
                binding.type_name = Some(imp);
            }
        }
    }

    fn visit_export_decl(&mut self, n: &ExportDecl) {
        n.visit_children_with(self);
        let ids: Vec<Ident> = match &n.decl {
            Decl::Fn(f) => vec![f.ident.clone()],
            Decl::Class(c) => vec![c.ident.clone()],
            Decl::Var(v) => {
                let mut ids = Vec::new();
                for d in &v.decls {
                    collect_pat_idents(&d.name, &mut ids);
                }
                ids
            }
            _ => vec![],
        };
        for id in ids {
            let b = self.binding_for(&id);
            self.model.bindings[b as usize].exported = true;
        }
    }

    fn visit_named_export(&mut self, n: &NamedExport) {
        if n.src.is_some() || n.type_only {
            return;
        }
        for s in &n.specifiers {
            if let ExportSpecifier::Named(x) = s {
                if let ModuleExportName::Ident(id) = &x.orig {
                    let b = self.binding_for(id);
                    self.model.bindings[b as usize].exported = true;
                }
            }
        }
    }

    fn visit_export_default_expr(&mut self, n: &ExportDefaultExpr) {
        self.expect_func(
            &n.expr,
            Some(Atom::from("default")),
            None,
            Some(FuncUse::Exported),
        );
        n.visit_children_with(self);
        let v = self.value_of(&n.expr);
        self.export_value(&v);
    }

    fn visit_export_default_decl(&mut self, n: &ExportDefaultDecl) {
        match &n.decl {
            DefaultDecl::Fn(f) => {
                let binding = f
                    .ident
                    .as_ref()
                    .map(|i| self.declare(i, BindingKind::Function, true));
                if let Some(b) = binding {
                    self.model.bindings[b as usize].exported = true;
                }
                let name = f
                    .ident
                    .as_ref()
                    .map(|i| i.sym.clone())
                    .or(Some(Atom::from("default")));
                let span = f.function.span;
                self.pending_func
                    .insert(key(span), (None, None, Some(FuncUse::Exported)));
                self.visit_function(&f.function, name, binding, false);
            }
            DefaultDecl::Class(c) => {
                if let Some(i) = &c.ident {
                    let b = self.declare(i, BindingKind::Class, true);
                    self.model.bindings[b as usize].exported = true;
                }
                c.class.visit_with(self);
            }
            DefaultDecl::TsInterfaceDecl(_) => {}
        }
    }

    fn visit_var_decl(&mut self, n: &VarDecl) {
        let kind = match n.kind {
            VarDeclKind::Var => BindingKind::Var,
            VarDeclKind::Let => BindingKind::Let,
            VarDeclKind::Const => BindingKind::Const,
        };
        let top = self.cur() == MODULE && self.block_depth == 0;
        let saved = (self.decl_kind, self.decl_top);
        self.decl_kind = Some(kind);
        self.decl_top = top;
        n.visit_children_with(self);
        (self.decl_kind, self.decl_top) = saved;
    }

    fn visit_using_decl(&mut self, n: &UsingDecl) {
        let saved = (self.decl_kind, self.decl_top);
        self.decl_kind = Some(BindingKind::Const);
        self.decl_top = false;
        n.visit_children_with(self);
        (self.decl_kind, self.decl_top) = saved;
    }

    fn visit_var_declarator(&mut self, n: &VarDeclarator) {
        let kind = self.decl_kind.unwrap_or(BindingKind::Var);
        let top = self.decl_top;
        let ids = self.declare_pat(&n.name, kind, top);
        let single = if let Pat::Ident(_) = &n.name {
            ids.first().copied()
        } else {
            None
        };
        if let (Some(init), Some(b)) = (&n.init, single) {
            if matches!(unwrap(init), Expr::Class(_)) {
                self.pending_class_binding = Some(b);
            }
            self.expect_use(init, || ResultUse::Declared(b));
            let name = self.model.bindings[b as usize].name.clone();
            self.expect_func(init, Some(name), Some(b), None);
        } else if let Some(init) = &n.init {
            self.expect_use(init, || ResultUse::Other);
        }
        // The declared names are not references; visit only the initialiser (and defaults).
        let saved = self.decl_kind.take();
        if let Some(init) = &n.init {
            init.visit_with(self);
        }
        self.decl_kind = saved;
        if let Some(init) = &n.init {
            let v = self.value_of(init);
            if let Some(b) = single {
                if let Value::Call(c) = &v {
                    if let Some(m) = required_module(&self.model, *c) {
                        self.model.bindings[b as usize].source_module = Some(m);
                    }
                }
                self.model.bindings[b as usize].init = Some(v);
            } else {
                // `const { signal, timeout: ms } = options`: each name is that property of the
                // object; other patterns get the whole value.
                let props = match (&n.name, &v) {
                    (Pat::Object(o), Value::Path(_)) => destructured_props(o),
                    _ => Vec::new(),
                };
                for b in ids {
                    let name = &self.model.bindings[b as usize].name;
                    let prop = props.iter().find(|(local, _)| local == name);
                    let init = match (prop, &v) {
                        (Some((_, key)), Value::Path(p)) => {
                            let mut p = p.clone();
                            p.props.push(key.clone());
                            Value::Path(p)
                        }
                        _ => v.clone(),
                    };
                    self.model.bindings[b as usize].init = Some(init);
                }
            }
        }
    }

    fn visit_fn_decl(&mut self, n: &FnDecl) {
        let top = self.cur() == MODULE && self.block_depth == 0;
        let b = self.declare(&n.ident, BindingKind::Function, top);
        self.visit_function(&n.function, Some(n.ident.sym.clone()), Some(b), false);
    }

    fn visit_fn_expr(&mut self, n: &FnExpr) {
        let name = n.ident.as_ref().map(|i| i.sym.clone());
        let self_binding = n.ident.clone();
        let params: Vec<&Pat> = n.function.params.iter().map(|p| &p.pat).collect();
        let func = &n.function;
        self.visit_function_like(func.span, name, None, false, &params, &|s: &mut Self| {
            if let Some(id) = &self_binding {
                let b = s.declare(id, BindingKind::Function, false);
                let cur = s.cur();
                s.model.bindings[b as usize].func_value = Some(cur);
            }
            func.params.iter().for_each(|p| p.pat.visit_with(s));
            func.body.visit_with(s);
        });
    }

    fn visit_arrow_expr(&mut self, n: &ArrowExpr) {
        let params: Vec<&Pat> = n.params.iter().collect();
        self.visit_function_like(n.span, None, None, false, &params, &|s: &mut Self| {
            let cur = s.cur() as usize;
            s.model.functions[cur].is_arrow = true;
            n.params.iter().for_each(|p| p.visit_with(s));
            if let ArrowFunctionBody::Expr(e) = &*n.body {
                s.expect_use(e, || ResultUse::Returned);
                e.visit_with(s);
                let v = s.value_of(e);
                s.note_escapes(&v, bs(e.span()), true);
            } else {
                n.body.visit_with(s);
            }
        });
    }

    fn visit_class_decl(&mut self, n: &ClassDecl) {
        let top = self.cur() == MODULE && self.block_depth == 0;
        let b = self.declare(&n.ident, BindingKind::Class, top);
        self.pending_class_binding = Some(b);
        n.class.visit_with(self);
    }

    fn visit_class(&mut self, n: &swc_ecma_ast::Class) {
        let binding = self.pending_class_binding.take();
        let superclass = n.super_class.as_deref().and_then(|e| self.path_of(e));
        let id = ClassId(self.model.classes.len() as u32);
        self.model.classes.push(ClassInfo {
            name: binding.map(|b| self.model.bindings[b as usize].name.clone()),
            binding,
            span: bs(n.span),
            constructor: None,
            methods: Vec::new(),
            fields: Vec::new(),
            superclass,
        });
        self.class_stack.push(id);
        n.visit_children_with(self);
        self.class_stack.pop();
    }

    fn visit_class_expr(&mut self, n: &ClassExpr) {
        // `const C = class {}` leaves its binding pending; a named class expression names itself.
        if let Some(id) = &n.ident {
            let b = self.declare(id, BindingKind::Class, false);
            self.pending_class_binding.get_or_insert(b);
        }
        n.class.visit_with(self);
    }

    fn visit_class_method(&mut self, n: &ClassMethod) {
        let name = prop_name(&n.key);
        n.key.visit_with(self);
        self.visit_function(&n.function, name, None, true);
        if !n.is_static {
            self.add_method(n.function.span, false);
        }
    }

    fn visit_private_method(&mut self, n: &PrivateMethod) {
        let name = Some(Atom::from(format!("#{}", n.key.name)));
        self.visit_function(&n.function, name, None, true);
        if !n.is_static {
            self.add_method(n.function.span, false);
        }
    }

    fn visit_constructor(&mut self, n: &Constructor) {
        let params: Vec<&Pat> = n
            .params
            .iter()
            .filter_map(|p| match p {
                ParamOrTsParamProp::Param(p) => Some(&p.pat),
                ParamOrTsParamProp::TsParamProp(_) => None,
            })
            .collect();
        self.visit_function_like(
            n.span,
            Some(Atom::from("constructor")),
            None,
            true,
            &params,
            &|s: &mut Self| {
                n.params.iter().for_each(|p| p.visit_with(s));
                n.body.visit_with(s);
            },
        );
        self.add_method(n.span, true);
    }

    fn visit_class_prop(&mut self, n: &ClassProp) {
        if let Some(v) = &n.value {
            let name = prop_name(&n.key);
            self.expect_func(v, name, None, Some(FuncUse::Method));
        }
        n.value.visit_with(self);
        if let (Some(v), Some(name), false, Some(&c)) = (
            &n.value,
            prop_name(&n.key),
            n.is_static,
            self.class_stack.last(),
        ) {
            let value = self.value_of(v);
            self.model.classes[c.index()]
                .fields
                .push((name, value, bs(n.span)));
        }
        // `handler = () => this.x`: a function-valued field is a method of each instance.
        if let (Some(v), false) = (&n.value, n.is_static) {
            if let e @ (Expr::Fn(_) | Expr::Arrow(_)) = unwrap(v) {
                self.add_method(e.span(), false);
            }
        }
    }

    // `#pending = new Map()`: a private field, named `#pending` as member paths name it.
    fn visit_private_prop(&mut self, n: &PrivateProp) {
        let name = Atom::from(format!("#{}", n.key.name));
        if let Some(v) = &n.value {
            self.expect_func(v, Some(name.clone()), None, Some(FuncUse::Method));
        }
        n.value.visit_with(self);
        if let (Some(v), false, Some(&c)) = (&n.value, n.is_static, self.class_stack.last()) {
            let value = self.value_of(v);
            self.model.classes[c.index()]
                .fields
                .push((name, value, bs(n.span)));
            if let e @ (Expr::Fn(_) | Expr::Arrow(_)) = unwrap(v) {
                self.add_method(e.span(), false);
            }
        }
    }

    fn visit_method_prop(&mut self, n: &MethodProp) {
        self.visit_function(&n.function, prop_name(&n.key), None, true);
    }

    fn visit_getter_prop(&mut self, n: &GetterProp) {
        self.visit_function(&n.function, prop_name(&n.key), None, true);
    }

    fn visit_setter_prop(&mut self, n: &SetterProp) {
        self.visit_function(&n.function, prop_name(&n.key), None, true);
    }

    fn visit_key_value_prop(&mut self, n: &KeyValueProp) {
        self.expect_func(&n.value, prop_name(&n.key), None, Some(FuncUse::Escapes));
        self.expect_use(&n.value, || ResultUse::Argument);
        n.visit_children_with(self);
    }

    fn visit_catch_clause(&mut self, n: &CatchClause) {
        if let Some(p) = &n.param {
            self.declare_pat(p, BindingKind::Catch, false);
        }
        self.model.catch_blocks.push(bs(n.body.span));
        n.body.visit_with(self);
    }

    fn visit_binding_ident(&mut self, n: &BindingIdent) {
        // Declarations are registered by their declaration visitors; a binding identifier met
        // here is a declaration too (parameters, patterns), never a reference.
        let _ = n;
    }

    fn visit_ident(&mut self, n: &Ident) {
        if n.ctxt == self.unresolved || n.ctxt == SyntaxContext::empty() {
            return;
        }
        let b = self.binding_for(n);
        let func = self.cur();
        self.model.references.push(Reference {
            binding: b,
            func,
            span: bs(n.span),
        });
    }

    fn visit_expr_stmt(&mut self, n: &ExprStmt) {
        self.expect_use(&n.expr, || ResultUse::Discarded);
        n.visit_children_with(self);
    }

    fn visit_return_stmt(&mut self, n: &ReturnStmt) {
        if let Some(arg) = &n.arg {
            self.expect_use(arg, || ResultUse::Returned);
            self.expect_func(arg, None, None, Some(FuncUse::Escapes));
        }
        if self.guarded() {
            let f = self.cur() as usize;
            self.model.functions[f].has_guard_return = true;
        }
        n.visit_children_with(self);
        if let Some(arg) = &n.arg {
            let v = self.value_of(arg);
            self.note_escapes(&v, bs(n.span), true);
            if matches!(&v, Value::Object(_) | Value::Func(_))
                || matches!(&v, Value::Path(p) if p.props.is_empty())
            {
                let f = self.cur();
                self.returned.push((f, v));
            }
        }
    }

    fn visit_throw_stmt(&mut self, n: &ThrowStmt) {
        if self.guarded() {
            let f = self.cur() as usize;
            self.model.functions[f].has_guard_return = true;
        }
        n.visit_children_with(self);
    }

    fn visit_await_expr(&mut self, n: &AwaitExpr) {
        if let e @ (Expr::Call(_) | Expr::New(_)) = unwrap(&n.arg) {
            self.awaited.insert(key(e.span()), ());
        }
        n.visit_children_with(self);
    }

    fn visit_for_stmt(&mut self, n: &ForStmt) {
        n.init.visit_with(self);
        n.test.visit_with(self);
        self.in_loop_body(|s| {
            n.update.visit_with(s);
            n.body.visit_with(s);
        });
    }

    fn visit_for_in_stmt(&mut self, n: &ForInStmt) {
        n.left.visit_with(self);
        n.right.visit_with(self);
        self.in_loop_body(|s| n.body.visit_with(s));
    }

    fn visit_for_of_stmt(&mut self, n: &ForOfStmt) {
        n.left.visit_with(self);
        n.right.visit_with(self);
        self.in_loop_body(|s| n.body.visit_with(s));
    }

    fn visit_while_stmt(&mut self, n: &WhileStmt) {
        self.in_loop_body(|s| {
            n.test.visit_with(s);
            n.body.visit_with(s);
        });
    }

    fn visit_do_while_stmt(&mut self, n: &DoWhileStmt) {
        self.in_loop_body(|s| {
            n.body.visit_with(s);
            n.test.visit_with(s);
        });
    }

    fn visit_if_stmt(&mut self, n: &IfStmt) {
        n.test.visit_with(self);
        self.note_condition(&n.test);
        *self.cond_depth.last_mut().unwrap() += 1;
        n.cons.visit_with(self);
        n.alt.visit_with(self);
        *self.cond_depth.last_mut().unwrap() -= 1;
    }

    fn visit_cond_expr(&mut self, n: &CondExpr) {
        n.test.visit_with(self);
        self.note_condition(&n.test);
        *self.cond_depth.last_mut().unwrap() += 1;
        n.cons.visit_with(self);
        n.alt.visit_with(self);
        *self.cond_depth.last_mut().unwrap() -= 1;
    }

    fn visit_bin_expr(&mut self, n: &BinExpr) {
        use BinaryOp::*;
        match n.op {
            LogicalAnd | LogicalOr | NullishCoalescing => {
                n.left.visit_with(self);
                self.note_condition(&n.left);
                *self.cond_depth.last_mut().unwrap() += 1;
                n.right.visit_with(self);
                *self.cond_depth.last_mut().unwrap() -= 1;
            }
            Lt | LtEq | Gt | GtEq | EqEq | EqEqEq | NotEq | NotEqEq => {
                n.visit_children_with(self);
                for side in [&n.left, &n.right] {
                    if let Some(p) = self.path_of(side) {
                        if matches!(p.props.last().map(|a| a.as_str()), Some("size" | "length"))
                            && !matches!(n.op, EqEq | EqEqEq | NotEq | NotEqEq)
                        {
                            let object = p.parent();
                            let func = self.cur();
                            self.model.bounds.push(Bound {
                                object,
                                span: bs(n.span),
                                is_delete: false,
                                func,
                            });
                        }
                    }
                }
            }
            _ => n.visit_children_with(self),
        }
    }

    fn visit_unary_expr(&mut self, n: &UnaryExpr) {
        n.visit_children_with(self);
        if n.op == UnaryOp::Delete {
            if let Expr::Member(m) = unwrap(&n.arg) {
                let object = self.path_of(&m.obj);
                if let Some(object) = object {
                    let func = self.cur();
                    self.model.bounds.push(Bound {
                        object,
                        span: bs(n.span),
                        is_delete: true,
                        func,
                    });
                }
            }
        }
    }

    fn visit_update_expr(&mut self, n: &UpdateExpr) {
        n.visit_children_with(self);
        // `x++` is `x += 1`: recorded as a compound assignment (a counter).
        if let Some(p) = self.path_of(&n.arg) {
            let func = self.cur();
            self.model.assigns.push(Assign {
                span: bs(n.span),
                func,
                target: Target::Path(p),
                value: Value::Num(1.0),
                plain: false,
            });
        }
    }

    fn visit_assign_expr(&mut self, n: &AssignExpr) {
        self.expect_use(&n.right, || ResultUse::Other);
        let target = match &n.left {
            AssignTarget::Simple(SimpleAssignTarget::Ident(i)) => {
                let root = self.root_of_ident(&i.id);
                Target::Path(Path {
                    root,
                    props: Props::new(),
                })
            }
            AssignTarget::Simple(SimpleAssignTarget::Member(m)) => match self.member_path(m) {
                Some(p) => Target::Path(p),
                None => match (&m.prop, self.path_of(&m.obj)) {
                    (MemberProp::Computed(c), Some(object)) => {
                        c.expr.visit_with(self);
                        let key = self.value_of(&c.expr);
                        Target::Computed { object, key }
                    }
                    _ => Target::Other,
                },
            },
            _ => Target::Other,
        };
        if let Target::Path(p) = &target {
            self.expect_use(&n.right, || ResultUse::Assigned(Box::new(p.clone())));
            let name = p.last().cloned();
            let binding = match (&p.root, p.props.is_empty()) {
                (Root::Binding(b), true) => Some(*b),
                _ => None,
            };
            let use_ = if binding.is_some() {
                None
            } else {
                Some(FuncUse::Escapes)
            };
            self.expect_func(&n.right, name, binding, use_);
        }
        match &n.left {
            AssignTarget::Simple(SimpleAssignTarget::Member(m)) => {
                m.obj.visit_with(self);
                if let MemberProp::Computed(c) = &m.prop {
                    if !matches!(target, Target::Computed { .. }) {
                        c.expr.visit_with(self);
                    }
                }
            }
            AssignTarget::Simple(SimpleAssignTarget::Ident(i)) => self.visit_ident(&i.id),
            other => other.visit_with(self),
        }
        n.right.visit_with(self);
        let value = self.value_of(&n.right);
        if let (Target::Path(p), Value::Func(f)) = (&target, &value) {
            match (&p.root, p.props.as_slice()) {
                (Root::Binding(ctor), [proto, _]) if proto == "prototype" => {
                    self.add_prototype_method(*ctor, *f);
                }
                // Babel's loose mode: `var _proto = Ctor.prototype; _proto.name = function …`.
                (Root::Binding(alias), [_]) => {
                    if let Some(ctor) = self.prototype_alias(*alias) {
                        self.add_prototype_method(ctor, *f);
                    }
                }
                _ => {}
            }
        }
        let is_cjs_export = matches!(&target, Target::Path(p) if is_commonjs_export(p));
        if is_cjs_export {
            self.export_value(&value);
        } else if matches!(&target, Target::Path(p) if !p.props.is_empty())
            || matches!(target, Target::Computed { .. })
        {
            self.note_escapes(&value, bs(n.span), false);
        }
        let func = self.cur();
        self.model.assigns.push(Assign {
            span: bs(n.span),
            func,
            target,
            value,
            plain: n.op == AssignOp::Assign,
        });
    }

    fn visit_call_expr(&mut self, n: &CallExpr) {
        let callee_expr = match &n.callee {
            Callee::Expr(e) => Some(&**e),
            _ => None,
        };
        if let Some(Expr::Member(m)) = callee_expr.map(unwrap) {
            // `x().unref()`: the inner call's result is used by a member access.
            if let MemberProp::Ident(prop) = &m.prop {
                self.expect_use(&m.obj, || ResultUse::Member(prop.sym.clone()));
            }
        }
        for a in &n.args {
            self.expect_use(&a.expr, || ResultUse::Argument);
        }
        n.visit_children_with(self);
        let callee = callee_expr.and_then(|e| self.path_of(e));
        let callee_func = callee_expr.and_then(|e| match unwrap(e) {
            f @ (Expr::Fn(_) | Expr::Arrow(_)) => self.func_at(f.span()),
            _ => None,
        });
        let cs = n.callee.span();
        self.push_call(n.span, cs, callee, callee_func, &n.args, false);
        self.note_bundler_exports(n);
        self.note_create_class(n);
        if callee_func.is_some() {
            self.note_module_table(n);
        }
    }

    fn visit_opt_chain_expr(&mut self, n: &OptChainExpr) {
        match &*n.base {
            OptChainBase::Call(c) => {
                if let Expr::Member(m) = unwrap(&c.callee) {
                    if let MemberProp::Ident(prop) = &m.prop {
                        self.expect_use(&m.obj, || ResultUse::Member(prop.sym.clone()));
                    }
                }
                for a in &c.args {
                    self.expect_use(&a.expr, || ResultUse::Argument);
                }
                if let Some(u) = self.pending_use.remove(key(n.span)) {
                    self.pending_use.insert(key(c.span), u);
                }
                c.visit_children_with(self);
                let callee = self.path_of(&c.callee);
                self.push_call(c.span, c.callee.span(), callee, None, &c.args, false);
            }
            OptChainBase::Member(m) => {
                if let MemberProp::Ident(prop) = &m.prop {
                    self.expect_use(&m.obj, || ResultUse::Member(prop.sym.clone()));
                }
                m.visit_children_with(self)
            }
        }
    }

    fn visit_member_expr(&mut self, n: &MemberExpr) {
        if let MemberProp::Ident(prop) = &n.prop {
            self.expect_use(&n.obj, || ResultUse::Member(prop.sym.clone()));
        }
        n.visit_children_with(self);
    }

    fn visit_new_expr(&mut self, n: &NewExpr) {
        if let Some(args) = &n.args {
            for a in args {
                self.expect_use(&a.expr, || ResultUse::Argument);
            }
        }
        n.visit_children_with(self);
        let callee = self.path_of(&n.callee);
        self.push_call(
            n.span,
            n.callee.span(),
            callee,
            None,
            n.args.as_deref().unwrap_or(&[]),
            true,
        );
    }

    fn visit_array_lit(&mut self, n: &ArrayLit) {
        for e in n.elems.iter().flatten() {
            self.expect_use(&e.expr, || ResultUse::Argument);
            self.expect_func(&e.expr, None, None, Some(FuncUse::Escapes));
        }
        n.visit_children_with(self);
    }
}

/// The called name of a callee expression: `f` for `f(…)`, `g` for `a.b.g(…)`.
fn callee_name_of(e: &Expr) -> Option<&str> {
    match unwrap(e) {
        Expr::Ident(i) => Some(&i.sym),
        Expr::Member(m) => match &m.prop {
            MemberProp::Ident(p) => Some(&p.sym),
            _ => None,
        },
        _ => None,
    }
}

/// Functions whose names say they map values onto a bounded set.
pub(crate) fn is_normaliser(name: &str) -> bool {
    // Compared case-insensitively in place: this runs for every call inside a summarised expression.
    [
        "normali",
        "sanitize",
        "sanitise",
        "route",
        "bucket",
        "classify",
        "template",
        "statusclass",
        "category",
    ]
    .iter()
    .any(|p| {
        name.as_bytes()
            .get(..p.len())
            .is_some_and(|head| head.eq_ignore_ascii_case(p.as_bytes()))
    })
}

/// `set.has(x)`, `list.includes(x)`, `x in allowed`: a test that a value is in an allow-list.
fn is_membership_test(e: &Expr) -> bool {
    match unwrap(e) {
        Expr::Call(c) => match &c.callee {
            Callee::Expr(callee) => matches!(
                callee_name_of(callee),
                Some("has" | "includes" | "hasOwnProperty" | "hasOwn")
            ),
            _ => false,
        },
        Expr::Bin(b) => {
            b.op == BinaryOp::In
                || b.op == BinaryOp::LogicalAnd
                    && (is_membership_test(&b.left) || is_membership_test(&b.right))
        }
        _ => false,
    }
}

/// `(local name, property)` for the simple properties of an object pattern: `{ a }`, `{ a = 1 }`
/// and `{ key: a }`.
fn destructured_props(o: &ObjectPat) -> Vec<(Atom, Atom)> {
    o.props
        .iter()
        .filter_map(|p| match p {
            ObjectPatProp::Assign(a) => Some((a.key.id.sym.clone(), a.key.id.sym.clone())),
            ObjectPatProp::KeyValue(kv) => match (&*kv.value, prop_name(&kv.key)) {
                (Pat::Ident(i), Some(key)) => Some((i.id.sym.clone(), key)),
                (Pat::Assign(a), Some(key)) => match &*a.left {
                    Pat::Ident(i) => Some((i.id.sym.clone(), key)),
                    _ => None,
                },
                _ => None,
            },
            ObjectPatProp::Rest(_) => None,
        })
        .collect()
}

fn collect_pat_idents(p: &Pat, out: &mut Vec<Ident>) {
    match p {
        Pat::Ident(b) => out.push(b.id.clone()),
        Pat::Array(a) => a
            .elems
            .iter()
            .flatten()
            .for_each(|p| collect_pat_idents(p, out)),
        Pat::Object(o) => {
            for p in &o.props {
                match p {
                    ObjectPatProp::KeyValue(kv) => collect_pat_idents(&kv.value, out),
                    ObjectPatProp::Assign(a) => out.push(a.key.id.clone()),
                    ObjectPatProp::Rest(r) => collect_pat_idents(&r.arg, out),
                }
            }
        }
        Pat::Rest(r) => collect_pat_idents(&r.arg, out),
        Pat::Assign(a) => collect_pat_idents(&a.left, out),
        _ => {}
    }
}

/// `module.exports`, `module.exports.x`, `exports.x`.
fn is_commonjs_export(p: &Path) -> bool {
    match (&p.root, p.props.first().map(|a| a.as_str())) {
        (Root::Global(g), Some("exports")) if g == "module" => true,
        (Root::Global(g), Some(_)) if g == "exports" => true,
        _ => false,
    }
}

/// The module name of `require('name')`, also through a transpiler's import helper
/// (`__importDefault(require('name'))`, [`crate::semantic::api::IMPORT_HELPERS`]).
fn required_module(model: &SemanticModel, c: CallId) -> Option<String> {
    let call = &model.calls[c as usize];
    if let Some(m) = require_source(call) {
        return Some(m);
    }
    let helper = call.callee.as_ref().and_then(|p| model.callee_name(p))?;
    if !crate::semantic::api::IMPORT_HELPERS.contains(&helper.as_str()) {
        return None;
    }
    match call.arg(0) {
        Some(Value::Call(inner)) => require_source(&model.calls[*inner as usize]),
        _ => None,
    }
}

/// The module name of `require('name')`.
fn require_source(c: &Call) -> Option<String> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Dialect;

    /// The string values of `const sN = …` initialisers, in declaration order.
    fn string_inits(source: &str) -> Vec<Option<String>> {
        swc_common::GLOBALS.set(&swc_common::Globals::new(), || {
            let parsed = crate::parse::parse(source, Dialect::JavaScript).expect("parses");
            let model = build(&parsed.program, parsed.unresolved);
            model
                .bindings
                .iter()
                .filter(|b| b.name.starts_with('s'))
                .map(|b| b.init.as_ref().and_then(Value::as_str).map(str::to_string))
                .collect()
        })
    }

    #[test]
    fn string_literals_become_atoms_with_lone_surrogates_replaced() {
        let source = r#"
            const s1 = "plain";
            const s2 = "caf\u00e9 \u{1F600} \uD7FF \uE000 \uFFFF 페이지";
            const s3 = "x\uD800y";
            const s4 = "\uDC00";
            const s5 = "\uD83D\uDE00";
            const s6 = "long text that is not inlined in the atom, with an \uD7FB and \uD800 in it";
        "#;
        assert_eq!(
            string_inits(source),
            [
                Some("plain".to_string()),
                Some("café 😀 \u{D7FF} \u{E000} \u{FFFF} 페이지".to_string()),
                Some("x\u{FFFD}y".to_string()),
                Some("\u{FFFD}".to_string()),
                Some("😀".to_string()),
                Some(
                    "long text that is not inlined in the atom, with an \u{D7FB} and \u{FFFD} in it"
                        .to_string()
                ),
            ]
        );
    }
}
