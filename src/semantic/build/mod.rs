//! The one AST walk that fills a [`SemanticModel`]: [`build`] and the builder's state (bindings
//! by identity, the function being walked, calls and their argument summaries) here; the walk in
//! `visit`, expression summaries in `values`, class shapes and CommonJS exports in `classes`,
//! helpers that read swc nodes alone in `ast`.

use smallvec::SmallVec;
use swc_atoms::Atom;
use swc_common::{Span, Spanned, SyntaxContext};
use swc_ecma_ast::*;
use swc_ecma_visit::{Visit, VisitWith};

use super::class::{Class as ClassInfo, ClassId, Decorated, Decorator as DecoratorInfo};
use super::count::{Count, CountAt, CountRead};
use super::exports::{Export, ExportTarget, ReExport};
use super::handoff::Handoffs;
use super::span_index::SpanIndex;
use super::{
    Assign, Binding, BindingId, BindingKind, Bound, Call, CallId, Condition, Destructured, Escape,
    FuncId, FuncUse, Function, Part, Path, Props, Reference, ResultUse, Root, SemanticModel,
    Target, Value, MODULE,
};
use crate::diagnostic::ByteSpan;
use crate::parse::BASE;
use crate::resolve::TopLevel;

mod ast;
mod classes;
mod values;
mod visit;

use ast::*;
use classes::*;

/// Builds the semantic model of `program` as [`crate::resolve::resolve`] left it (identifier
/// contexts naming declarations, globals [`crate::resolve::unresolved`]).
pub fn build(program: &Program) -> SemanticModel {
    let mut b = Builder::for_program(program.span());
    program.visit_with(&mut b);
    b.finish()
}

/// As [`build`] for a program as swc's parser left it: resolves its bindings
/// ([`crate::resolve::TopLevel`]) and builds its model one top-level statement at a time,
/// dropping each statement once the walk has left it. Resolution, the walk and the drop then
/// each find most of a statement's nodes in cache, where three passes over the whole AST went
/// back to memory for every node (docs/benchmark.md). The model is [`build`]'s of the resolved
/// program: the resolver and the walk visit the statements in the same order as there, the walk
/// of a statement only reads identifiers of that statement, and nothing after the walk reads
/// the AST.
pub fn build_resolving(program: Program) -> SemanticModel {
    let mut b = Builder::for_program(program.span());
    match program {
        Program::Module(mut m) => {
            let mut top = TopLevel::of_module(&mut m.body);
            for mut item in m.body {
                top.resolve_item(&mut item);
                item.visit_with(&mut b);
            }
        }
        // A script's statements go through the statement-list walk, as `visit_with` sends them.
        Program::Script(mut s) => {
            let mut top = TopLevel::of_script(&mut s.body);
            for mut stmt in s.body {
                top.resolve_stmt(&mut stmt);
                b.visit_stmts(std::slice::from_ref(&stmt));
            }
        }
    }
    b.finish()
}

impl Builder {
    /// A builder for a program spanning `span`, its tables sized from the source length, with
    /// the module body as function 0.
    fn for_program(span: Span) -> Builder {
        let len = span.hi.0.saturating_sub(span.lo.0);
        let mut b = Builder {
            model: SemanticModel::with_capacity_for(len),
            index: Index::default(),
            by_declaration: Vec::with_capacity(len as usize / 64),
            call_mentions: Vec::with_capacity(len as usize / 64 + 1),
            func_stack: vec![MODULE],
            cond_depth: vec![0],
            loop_depth: vec![0],
            switches_in_loop: 0,
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
            rest: false,
            class: None,
            refs: (0, 0),
        });
        b
    }

    /// The model, once the walk is over: the passes that need every function and class.
    fn finish(self) -> SemanticModel {
        let mut model = self.model;
        // Prototype classes whose constructor function is declared after its prototype methods.
        for c in 0..model.classes.len() {
            if model.classes[c].constructor.is_none() {
                if let Some(f) = model.classes[c]
                    .binding
                    .and_then(|b| model.bindings[b.index()].func_value)
                {
                    model.classes[c].constructor = Some(f);
                    if model.functions[f.index()].class.is_none() {
                        model.functions[f.index()].class = Some(ClassId(c as u32));
                    }
                }
            }
        }
        constructor_members(&mut model);
        // By what they decorate, so that a class's or a method's decorators are found by binary
        // search (a file with decorators often has hundreds: `@computed` on every getter).
        model.decorators.sort_by_key(|d| d.target);
        extended_objects(&mut model);
        model.functions[MODULE.index()].refs = (0, model.references.len() as u32);
        model.call_mentions = self.call_mentions;
        let mut returned = self.returned;
        returned.retain(|(_, v)| matches!(v, Value::Object(_)));
        model.returned_objects = returned;
        model
    }
}

/// A byte span from an swc span.
pub(crate) fn bs(span: Span) -> ByteSpan {
    ByteSpan::new(
        span.lo.0.saturating_sub(BASE),
        span.hi.0.saturating_sub(BASE),
    )
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

/// What a parent decided for a direct child function expression: its name, the binding naming
/// it, and how its value is used.
type PendingFunc = (Option<Atom>, Option<BindingId>, Option<FuncUse>);

/// Identifiers that name no declaration, by (name, context) → binding: few per file (an
/// `export { undeclared }`, a decorator's global), so a plain map.
type Index = rustc_hash::FxHashMap<(Atom, SyntaxContext), BindingId>;

/// An empty slot of [`Builder::by_declaration`].
const NO_BINDING: BindingId = BindingId(u32::MAX);

struct Builder {
    model: SemanticModel,
    /// The bindings of identifiers that name no declaration ([`Builder::binding_by_name`]).
    index: Index,
    /// The binding of each declaration ([`crate::resolve::declaration_index`]) met so far.
    by_declaration: Vec<BindingId>,
    /// `(binding, call)` for each call that names a binding as its callee or an argument, in
    /// source order of the calls' ends (the intra-file call graph's edges).
    call_mentions: Vec<(BindingId, CallId)>,
    func_stack: Vec<FuncId>,
    /// Per open function: how many `if`/conditional/logical constructs enclose the current node.
    cond_depth: Vec<u32>,
    /// Per open function: how many loop bodies enclose the current node.
    loop_depth: Vec<u32>,
    /// How many `switch` statements lie between the code being visited and its innermost loop
    /// (a `break` there leaves the `switch`, not the loop).
    switches_in_loop: u32,
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
        self.funcs_by_start.get(span.lo.0, span.hi.0).map(FuncId)
    }

    /// The call registered with exactly `span`.
    fn call_at(&self, span: Span) -> Option<CallId> {
        self.calls_by_end.get(span.hi.0, span.lo.0).map(CallId)
    }

    fn guarded(&self) -> bool {
        *self.cond_depth.last().unwrap() > 0
    }

    /// The binding for identity `id`, created as a placeholder if its declaration is still ahead
    /// (hoisting) or is one we do not model.
    #[inline]
    fn binding_for(&mut self, id: &Ident) -> BindingId {
        // A declared name's context numbers its declaration ([`crate::resolve`]): its binding is
        // found by index.
        match crate::resolve::declaration_index(id.ctxt) {
            Some(d) => match self.by_declaration.get(d) {
                Some(&b) if b != NO_BINDING => b,
                _ => self.first_binding_of_declaration(id, d),
            },
            None => self.binding_by_name(id),
        }
    }

    // Kept out of line, as is `binding_by_name`: the lookup above stays a few instructions.
    #[inline(never)]
    fn first_binding_of_declaration(&mut self, id: &Ident, declaration: usize) -> BindingId {
        let b = self.new_binding(id);
        if declaration >= self.by_declaration.len() {
            self.by_declaration.resize(declaration + 1, NO_BINDING);
        }
        self.by_declaration[declaration] = b;
        b
    }

    /// The binding of an identifier that names no declaration (`export { undeclared }`): one
    /// per name and context.
    #[inline(never)]
    fn binding_by_name(&mut self, id: &Ident) -> BindingId {
        let key = (id.sym.clone(), id.ctxt);
        if let Some(&b) = self.index.get(&key) {
            return b;
        }
        let b = self.new_binding(id);
        self.index.insert(key, b);
        b
    }

    /// A new binding named by `id`, of a kind not known yet, in the current function.
    fn new_binding(&mut self, id: &Ident) -> BindingId {
        let b = BindingId::from_index(self.model.bindings.len());
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
            import_name: None,
        });
        b
    }

    fn declare(&mut self, id: &Ident, kind: BindingKind, module_level: bool) -> BindingId {
        let b = self.binding_for(id);
        let func = self.cur();
        let binding = &mut self.model.bindings[b.index()];
        if binding.kind == BindingKind::Unknown {
            binding.kind = kind;
            binding.func = func;
            binding.module_level = module_level;
            binding.span = bs(id.span);
        }
        b
    }

    fn root_of_ident(&mut self, id: &Ident) -> Root {
        if id.ctxt == crate::resolve::unresolved() {
            Root::Global(id.sym.clone())
        } else {
            Root::Binding(self.binding_for(id))
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
        let id = FuncId::from_index(self.model.functions.len());
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
            rest: false,
            class: None,
            refs: (self.model.references.len() as u32, 0),
        });
        if let Some(b) = binding {
            self.model.bindings[b.index()].func_value = Some(id);
        }
        self.funcs_by_start.insert(span.lo.0, span.hi.0, id.0);
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
        let f = self.cur().index();
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
                        self.model.bindings[b.index()].type_name = Some(name);
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

    /// Records which part of the result of `call` each plain name of `pat` takes
    /// (`const [a, b] = m.get(k)`, `const { x, y: z } = m.get(k)`), for questions about what
    /// the call returns ([`super::stored`]). Nested patterns and rest elements take no one part.
    fn note_destructured(&mut self, pat: &Pat, call: CallId) {
        let parts: Vec<(&Ident, Part)> = match pat {
            Pat::Array(a) => a
                .elems
                .iter()
                .enumerate()
                .filter_map(|(i, p)| Some((plain_name(p.as_ref()?)?, Part::Index(i as u32))))
                .collect(),
            Pat::Object(o) => o
                .props
                .iter()
                .filter_map(|p| match p {
                    ObjectPatProp::Assign(a) => Some((&a.key.id, Part::Key(a.key.id.sym.clone()))),
                    ObjectPatProp::KeyValue(kv) => {
                        Some((plain_name(&kv.value)?, Part::Key(prop_name(&kv.key)?)))
                    }
                    ObjectPatProp::Rest(_) => None,
                })
                .collect(),
            _ => return,
        };
        for (id, part) in parts {
            let binding = self.binding_for(id);
            self.model.destructured.push(Destructured {
                binding,
                call,
                part,
            });
        }
    }

    fn declare_params(&mut self, f: FuncId, pats: &[&Pat]) {
        for p in pats {
            let ids = self.declare_pat(p, BindingKind::Param, false);
            self.model.functions[f.index()].params.extend(ids);
        }
        if matches!(pats.last(), Some(Pat::Rest(_))) {
            self.model.functions[f.index()].rest = true;
        }
    }

    /// Records the defaults of parameter `pats[position]` that are calls or `new`s
    /// ([`super::ParamDefault`]): of the whole argument (`cache = new Map()`) or of a property
    /// of it (`{ cache = new Map() } = {}`). Called once the parameters were walked, so that
    /// their calls are known.
    fn note_param_defaults(&mut self, position: u32, pat: &Pat) {
        let pat = match pat {
            Pat::Assign(a) => {
                if let Pat::Ident(bi) = &*a.left {
                    self.note_param_default(position, &bi.id, None, &a.right);
                    return;
                }
                &*a.left
            }
            p => p,
        };
        let Pat::Object(o) = pat else { return };
        for p in &o.props {
            if let ObjectPatProp::Assign(a) = p {
                if let Some(value) = &a.value {
                    let key = Some(a.key.id.sym.clone());
                    self.note_param_default(position, &a.key.id, key, value);
                }
            }
        }
    }

    fn note_param_default(&mut self, position: u32, id: &Ident, key: Option<Atom>, value: &Expr) {
        if !matches!(unwrap(value), Expr::New(_) | Expr::Call(_)) {
            return;
        }
        let value = self.value_of(value);
        if matches!(value, Value::Call(_)) {
            let binding = self.binding_for(id);
            self.model.param_defaults.push(super::ParamDefault {
                binding,
                value,
                position,
                key,
            });
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
        let id = CallId::from_index(self.model.calls.len());
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
                Value::Func(f) => self.model.functions[f.index()]
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
                            self.model.functions[f.index()]
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
            self.model.functions[f.index()]
                .uses
                .push(FuncUse::Called { call: id });
        }
        self.note_put_count(id, callee.as_ref(), args);
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
        self.calls_by_end.insert(span.hi.0, span.lo.0, id.0);
    }

    /// Records the count a `.set(key, value)` call `id` writes back, when its value is one
    /// ([`crate::semantic::count`]); a name holding the count itself is recorded too, so that
    /// `m.set(k, left)` can be followed to `const left = m.get(k) - 1`.
    fn note_put_count(&mut self, id: CallId, callee: Option<&Path>, args: &[ExprOrSpread]) {
        let is_set = callee.and_then(Path::last).is_some_and(|m| m == "set");
        let [_, value] = args else { return };
        if !is_set || value.spread.is_some() {
            return;
        }
        if let Some((delta, read)) = self.count_of(&value.expr) {
            self.model.counts.push(Count {
                at: CountAt::Put(id),
                delta,
                read,
            });
        }
    }

    /// Records the count binding `b` is initialised with (`const n = m.get(k) || 0`,
    /// `const left = m.get(k) - 1`), when it is one and not merely a copy of another name.
    fn note_binding_count(&mut self, b: BindingId, init: &Expr) {
        match self.count_of(init) {
            Some((0, CountRead::Binding(_))) | None => {}
            Some((delta, read)) => self.model.counts.push(Count {
                at: CountAt::Binding(b),
                delta,
                read,
            }),
        }
    }

    fn in_loop_body(&mut self, body: impl FnOnce(&mut Self)) {
        *self.loop_depth.last_mut().unwrap() += 1;
        // A `break` in this body leaves this loop until a `switch` inside it takes the `break`.
        let switches = std::mem::take(&mut self.switches_in_loop);
        body(self);
        self.switches_in_loop = switches;
        *self.loop_depth.last_mut().unwrap() -= 1;
    }

    /// Visits `stmt` as code that runs at most once per run of the `leaves` innermost loops
    /// around it (it is followed by a statement that leaves them): its calls are not "in a
    /// loop" because of those loops.
    fn visit_leaving_loops(&mut self, stmt: &Stmt, leaves: u32) {
        *self.loop_depth.last_mut().unwrap() -= leaves;
        stmt.visit_with(self);
        *self.loop_depth.last_mut().unwrap() += leaves;
    }

    /// Records that instance field `field` of the class being built is typed `ann` when `ann` is
    /// a plain reference to a binding ([`ClassInfo::typed_fields`]).
    fn note_typed_field(&mut self, field: Atom, ann: Option<&TsTypeAnn>) {
        let Some(TsType::TsTypeRef(r)) = ann.map(|a| &*a.type_ann) else {
            return;
        };
        let TsEntityName::Ident(i) = &r.type_name else {
            return;
        };
        let (Some(&c), false) = (
            self.class_stack.last(),
            crate::resolve::declaration_index(i.ctxt).is_none(),
        ) else {
            return;
        };
        let b = self.binding_for(i);
        self.model.classes[c.index()].typed_fields.push((field, b));
    }

    /// Records `decorators` of `target`, already visited: their calls are among the calls
    /// recorded since `first_call`.
    fn record_decorators(
        &mut self,
        decorators: &[swc_ecma_ast::Decorator],
        target: Decorated,
        first_call: usize,
    ) {
        for d in decorators {
            let (callee, call) = match unwrap(&d.expr) {
                Expr::Call(c) => {
                    let Callee::Expr(callee) = &c.callee else {
                        continue;
                    };
                    let span = bs(c.span);
                    let call = (first_call..self.model.calls.len())
                        .find(|&i| self.model.calls[i].span == span)
                        .map(CallId::from_index);
                    (self.path_of(callee), call)
                }
                e => (self.path_of(e), None),
            };
            if let Some(callee) = callee {
                self.model.decorators.push(DecoratorInfo {
                    target,
                    callee,
                    call,
                });
            }
        }
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
        for (i, p) in params.iter().enumerate() {
            self.note_param_defaults(i as u32, p);
        }
        self.block_depth = saved_block;
        self.exit_function();
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
            let model = build(&parsed.program);
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
