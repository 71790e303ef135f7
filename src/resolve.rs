//! Binding resolution: gives every identifier of a parsed program the [`SyntaxContext`] of the
//! declaration it names, so that the context names one binding (docs/architecture.md,
//! "Binding identity").
//!
//! Each declaration gets a context of its own, numbered from [`FIRST_DECLARATION`] in the order
//! the walk declares them, so the context alone tells bindings apart: the model indexes its
//! bindings by it ([`declaration_index`]) instead of hashing names.
//!
//! This is the scoping of swc's resolver (`swc_ecma_transforms_base/src/resolver/mod.rs`,
//! version 51: which constructs open a scope, what is hoisted to the top of a statement list,
//! Annex B functions in blocks, catch parameters, enum members) without its two costs that the
//! model does not need: hygiene marks (every scope allocated a `Mark` and every identifier applied
//! one, through thread-local globals) and a hash map per scope searched up the chain for every
//! reference. Here one table maps each name to the stack of declarations that are in scope, so a
//! reference is one lookup. Types are not resolved (the model never reads them), except the plain
//! type name of a class field or parameter property, which the model reads as the field's class.
//!
//! Identifiers in type positions and labels keep [`SyntaxContext::empty`]; identifiers that bind
//! to no declaration (globals) get [`unresolved`].

use rustc_hash::FxHashMap;
use smallvec::SmallVec;
use swc_atoms::Atom;
use swc_common::SyntaxContext;
use swc_ecma_ast::*;
use swc_ecma_visit::{VisitMut, VisitMutWith};

/// Returns the context [`resolve`] gives identifiers that resolve to no declaration (globals
/// such as `process`, implicit globals, `arguments`).
pub fn unresolved() -> SyntaxContext {
    SyntaxContext::from_u32(1)
}

/// The first context given to a declaration (0 is swc's empty context, 1 [`unresolved`]).
pub const FIRST_DECLARATION: u32 = 2;

/// Takes a context set by [`resolve`] and returns the number of the declaration it names (0 for
/// the first one of a file, in the order the walk met them), or `None` for the empty and the
/// unresolved context.
pub fn declaration_index(ctxt: SyntaxContext) -> Option<usize> {
    ctxt.as_u32()
        .checked_sub(FIRST_DECLARATION)
        .map(|i| i as usize)
}

/// Resolves every identifier of `program`, as swc's parser left it (every context empty), in
/// place: a declared name's identifiers get its declaration's context, other names
/// [`unresolved`], labels and identifiers in types stay empty (see the module documentation).
/// Never fails; must run once per program.
pub fn resolve(program: &mut Program) {
    match program {
        Program::Module(m) => {
            let mut r = TopLevel::of_module(&mut m.body);
            for item in &mut m.body {
                r.resolve_item(item);
            }
        }
        Program::Script(s) => {
            let mut r = TopLevel::of_script(&mut s.body);
            for stmt in &mut s.body {
                r.resolve_stmt(stmt);
            }
        }
    }
}

/// [`resolve`] one top-level statement at a time, for a caller that works on each statement
/// right after its resolution (the model's builder, which then finds the statement still in
/// cache: `crate::semantic::build_resolving`).
///
/// Made from the program's whole top-level statement list, whose declarations it hoists; then
/// each statement of that list must be given to [`TopLevel::resolve_item`] (a module) or
/// [`TopLevel::resolve_stmt`] (a script) once, in order. That is exactly the walk [`resolve`]
/// makes: identifiers of later statements are resolved when their statement's turn comes.
pub struct TopLevel {
    resolver: Resolver,
}

impl TopLevel {
    fn new(strict: bool) -> TopLevel {
        let mut resolver = Resolver {
            names: FxHashMap::default(),
            scopes: Vec::with_capacity(32),
            declared: Vec::with_capacity(64),
            next_declaration: FIRST_DECLARATION,
            mode: Mode::Ref,
            decl_kind: DeclKind::Lexical,
            strict,
        };
        resolver.push_scope(ScopeKind::Function);
        TopLevel { resolver }
    }

    /// Starts a module (strict code) whose body is `items`, hoisting their declarations.
    pub fn of_module(items: &mut Vec<ModuleItem>) -> TopLevel {
        let mut top = TopLevel::new(true);
        top.resolver.hoist(items);
        top
    }

    /// Starts a script whose body is `stmts` (strict when it starts with `"use strict"`),
    /// hoisting their declarations.
    pub fn of_script(stmts: &mut Vec<Stmt>) -> TopLevel {
        let mut top = TopLevel::new(starts_strict(stmts));
        top.resolver.hoist(stmts);
        top
    }

    /// Resolves the identifiers of a module's next top-level statement.
    pub fn resolve_item(&mut self, item: &mut ModuleItem) {
        item.visit_mut_with(&mut self.resolver);
    }

    /// Resolves the identifiers of a script's next top-level statement.
    pub fn resolve_stmt(&mut self, stmt: &mut Stmt) {
        stmt.visit_mut_with(&mut self.resolver);
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum ScopeKind {
    /// A function (parameters), a class, a catch clause, the module.
    Function,
    /// A block, a loop head, a `switch`, an enum's members.
    Block,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum DeclKind {
    Lexical,
    Param,
    Var,
    Function,
}

/// What an identifier met by the walk is.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// It declares a name in the current scope.
    Binding,
    /// It refers to a name.
    Ref,
}

struct Frame {
    kind: ScopeKind,
    /// The context of every name declared here, when not one per declaration (an enum's
    /// members are [`unresolved`], as in swc).
    ctxt: Option<SyntaxContext>,
    /// Where this scope's names start in [`Resolver::declared`].
    declared_from: usize,
}

/// A declaration of a name: the scope (its depth in [`Resolver::scopes`]) and its context.
#[derive(Clone, Copy)]
struct Declaration {
    depth: u32,
    ctxt: SyntaxContext,
    kind: DeclKind,
}

struct Resolver {
    /// Each name to the scopes that declare it, innermost last.
    names: FxHashMap<Atom, SmallVec<[Declaration; 1]>>,
    scopes: Vec<Frame>,
    /// The names declared by the open scopes, in order (popped with their scope).
    declared: Vec<Atom>,
    next_declaration: u32,
    mode: Mode,
    decl_kind: DeclKind,
    strict: bool,
}

impl Resolver {
    fn push_scope(&mut self, kind: ScopeKind) {
        self.push_scope_with(kind, None);
    }

    fn push_scope_with(&mut self, kind: ScopeKind, ctxt: Option<SyntaxContext>) {
        self.scopes.push(Frame {
            kind,
            ctxt,
            declared_from: self.declared.len(),
        });
    }

    fn pop_scope(&mut self) {
        let frame = self.scopes.pop().expect("a scope is open");
        for name in self.declared.drain(frame.declared_from..) {
            if let Some(stack) = self.names.get_mut(&name) {
                stack.pop();
            }
        }
    }

    /// Runs `f` in a new scope of `kind`, with the identifier mode restored afterwards.
    fn in_scope(&mut self, kind: ScopeKind, f: impl FnOnce(&mut Self)) {
        let mode = self.mode;
        self.push_scope(kind);
        self.mode = Mode::Ref;
        f(self);
        self.pop_scope();
        self.mode = mode;
    }

    fn depth(&self) -> u32 {
        self.scopes.len() as u32 - 1
    }

    /// Declares `name` as `kind` in the current scope; returns its context.
    fn declare_name(&mut self, name: &Atom, kind: DeclKind) -> SyntaxContext {
        let depth = self.depth();
        let stack = self.names.entry(name.clone()).or_default();
        match stack.last_mut() {
            Some(d) if d.depth == depth => {
                d.kind = kind;
                d.ctxt
            }
            _ => {
                let ctxt = self.scopes[depth as usize].ctxt.unwrap_or_else(|| {
                    self.next_declaration += 1;
                    SyntaxContext::from_u32(self.next_declaration - 1)
                });
                stack.push(Declaration { depth, ctxt, kind });
                self.declared.push(name.clone());
                ctxt
            }
        }
    }

    /// Declares `id` in the current scope, unless it was resolved already (a hoisted name is
    /// met again where it is written).
    fn declare(&mut self, id: &mut Ident, kind: DeclKind) {
        if id.ctxt != SyntaxContext::empty() {
            return;
        }
        id.ctxt = self.declare_name(&id.sym, kind);
    }

    /// The innermost visible declaration of `name`.
    fn lookup(&self, name: &Atom) -> Option<Declaration> {
        self.names.get(name).and_then(|s| s.last()).copied()
    }

    fn refer(&mut self, id: &mut Ident) {
        if id.ctxt != SyntaxContext::empty() {
            return;
        }
        id.ctxt = match self.lookup(&id.sym) {
            Some(d) => d.ctxt,
            None => unresolved(),
        };
    }

    /// Whether `name` is declared in the current scope or the scopes up to the nearest function
    /// scope (swc's `mark_for_ref_inner(sym, true)`).
    fn declared_within_function(&self, name: &Atom) -> bool {
        let nearest = self
            .scopes
            .iter()
            .rposition(|f| f.kind == ScopeKind::Function)
            .unwrap_or(0) as u32;
        self.lookup(name).is_some_and(|d| d.depth >= nearest)
    }

    /// Hoists the declarations of statement list `n` (statements or module items) into the
    /// current scope (swc's `Hoister`).
    fn hoist<N: for<'h> VisitMutWith<Hoister<'h>>>(&mut self, n: &mut N) {
        let mut h = Hoister {
            resolver: self,
            kind: DeclKind::Lexical,
            in_block: false,
            in_catch_body: false,
            catch_params: SmallVec::new(),
            excluded_from_catch: SmallVec::new(),
        };
        n.visit_mut_with(&mut h);
    }

    /// Visits `params`' patterns as declarations of parameters, after declaring every
    /// non-rest parameter up front (a default may name a later parameter).
    fn declare_params<'p>(&mut self, params: impl Iterator<Item = &'p Pat>) {
        for p in params.filter(|p| !matches!(p, Pat::Rest(_))) {
            pat_idents(p, &mut |id| {
                self.declare_name(&id.sym, DeclKind::Param);
            });
        }
    }

    /// Resolves the plain type name of a class field or parameter property
    /// (`bus: EventBus`) as a reference to a value: the model reads it as the field's class.
    fn refer_type_name(&mut self, ann: Option<&mut Box<TsTypeAnn>>) {
        if let Some(ann) = ann {
            if let TsType::TsTypeRef(r) = &mut *ann.type_ann {
                if let TsEntityName::Ident(i) = &mut r.type_name {
                    self.refer(i);
                }
            }
        }
    }

    fn visit_function(&mut self, f: &mut Function) {
        let mode = self.mode;
        self.declare_params(f.params.iter().map(|p| &p.pat));
        self.mode = Mode::Ref;
        f.decorators.visit_mut_with(self);
        self.mode = Mode::Binding;
        f.params.visit_mut_with(self);
        self.mode = Mode::Ref;
        if let Some(body) = &mut f.body {
            let strict = self.strict;
            self.strict = self.strict || starts_strict(&body.stmts);
            body.visit_mut_with(self);
            self.strict = strict;
        }
        self.mode = mode;
    }

    /// Visits a loop body in a scope of its own (a block body's statements share it).
    fn visit_loop_body(&mut self, body: &mut Stmt) {
        self.in_scope(ScopeKind::Block, |r| match body {
            Stmt::Block(b) => b.visit_mut_children_with(r),
            s => s.visit_mut_with(r),
        });
    }
}

fn starts_strict(stmts: &[Stmt]) -> bool {
    stmts.first().is_some_and(|s| s.is_use_strict())
}

/// Calls `f` with each identifier that binding pattern `p` declares, in source order
/// (`a`, `b`, `c`, `d` of `{ a, b: [c] = [], ...d }`); defaults and computed keys are not
/// declarations and are skipped.
pub(crate) fn pat_idents<'a>(p: &'a Pat, f: &mut impl FnMut(&'a Ident)) {
    match p {
        Pat::Ident(i) => f(&i.id),
        Pat::Array(a) => a.elems.iter().flatten().for_each(|e| pat_idents(e, f)),
        Pat::Object(o) => {
            for prop in &o.props {
                match prop {
                    ObjectPatProp::KeyValue(kv) => pat_idents(&kv.value, f),
                    ObjectPatProp::Assign(a) => f(&a.key.id),
                    ObjectPatProp::Rest(r) => pat_idents(&r.arg, f),
                }
            }
        }
        Pat::Rest(r) => pat_idents(&r.arg, f),
        Pat::Assign(a) => pat_idents(&a.left, f),
        _ => {}
    }
}

impl VisitMut for Resolver {
    // Types are not resolved (see the module documentation).
    fn visit_mut_ts_type(&mut self, _: &mut TsType) {}
    fn visit_mut_ts_type_ann(&mut self, _: &mut TsTypeAnn) {}
    fn visit_mut_ts_type_param_decl(&mut self, _: &mut TsTypeParamDecl) {}
    fn visit_mut_ts_type_param_instantiation(&mut self, _: &mut TsTypeParamInstantiation) {}
    fn visit_mut_ts_interface_decl(&mut self, _: &mut TsInterfaceDecl) {}
    fn visit_mut_ts_type_alias_decl(&mut self, _: &mut TsTypeAliasDecl) {}
    fn visit_mut_ts_expr_with_type_args(&mut self, _: &mut TsExprWithTypeArgs) {}
    fn visit_mut_ts_namespace_export_decl(&mut self, _: &mut TsNamespaceExportDecl) {}
    fn visit_mut_ts_index_signature(&mut self, _: &mut TsIndexSignature) {}
    fn visit_mut_private_name(&mut self, _: &mut PrivateName) {}
    fn visit_mut_jsx_attr_name(&mut self, _: &mut JSXAttrName) {}

    // A module's own items are hoisted by `TopLevel`: the only item lists the walk meets are
    // the bodies of TypeScript modules and namespaces, which hoist their declarations.
    fn visit_mut_module_items(&mut self, items: &mut Vec<ModuleItem>) {
        self.hoist(items);
        items.visit_mut_children_with(self);
    }

    fn visit_mut_stmts(&mut self, stmts: &mut Vec<Stmt>) {
        self.hoist(stmts);
        stmts.visit_mut_children_with(self);
    }

    fn visit_mut_expr(&mut self, e: &mut Expr) {
        let mode = self.mode;
        self.mode = Mode::Ref;
        e.visit_mut_children_with(self);
        self.mode = mode;
    }

    fn visit_mut_ident(&mut self, i: &mut Ident) {
        match self.mode {
            Mode::Binding => self.declare(i, self.decl_kind),
            Mode::Ref => self.refer(i),
        }
    }

    fn visit_mut_binding_ident(&mut self, i: &mut BindingIdent) {
        self.visit_mut_ident(&mut i.id);
    }

    // Labels are not bindings.
    fn visit_mut_break_stmt(&mut self, _: &mut BreakStmt) {}
    fn visit_mut_continue_stmt(&mut self, _: &mut ContinueStmt) {}
    fn visit_mut_labeled_stmt(&mut self, s: &mut LabeledStmt) {
        s.body.visit_mut_with(self);
    }

    fn visit_mut_block_stmt(&mut self, b: &mut BlockStmt) {
        self.in_scope(ScopeKind::Block, |r| b.visit_mut_children_with(r));
    }

    fn visit_mut_arrow_expr(&mut self, e: &mut ArrowExpr) {
        self.in_scope(ScopeKind::Function, |r| {
            r.declare_params(e.params.iter());
            r.mode = Mode::Binding;
            e.params.visit_mut_with(r);
            r.mode = Mode::Ref;
            match &mut *e.body {
                ArrowFunctionBody::FunctionBody(b) => {
                    let strict = r.strict;
                    r.strict = r.strict || starts_strict(&b.stmts);
                    b.visit_mut_with(r);
                    r.strict = strict;
                }
                ArrowFunctionBody::Expr(x) => x.visit_mut_with(r),
            }
        });
    }

    fn visit_mut_function(&mut self, f: &mut Function) {
        self.visit_function(f);
    }

    fn visit_mut_fn_decl(&mut self, n: &mut FnDecl) {
        // The name was hoisted into the enclosing scope.
        n.function.decorators.visit_mut_with(self);
        self.in_scope(ScopeKind::Function, |r| n.function.visit_mut_with(r));
    }

    fn visit_mut_fn_expr(&mut self, e: &mut FnExpr) {
        e.function.decorators.visit_mut_with(self);
        match &mut e.ident {
            // A named function expression sees its own name in a scope around its parameters.
            Some(id) => self.in_scope(ScopeKind::Function, |r| {
                r.declare(id, DeclKind::Function);
                r.in_scope(ScopeKind::Function, |r| e.function.visit_mut_with(r));
            }),
            None => self.in_scope(ScopeKind::Function, |r| e.function.visit_mut_with(r)),
        }
    }

    fn visit_mut_param(&mut self, p: &mut Param) {
        let mode = self.mode;
        self.mode = Mode::Binding;
        p.visit_mut_children_with(self);
        self.mode = mode;
    }

    fn visit_mut_catch_clause(&mut self, c: &mut CatchClause) {
        self.in_scope(ScopeKind::Function, |r| {
            r.mode = Mode::Binding;
            c.param.visit_mut_with(r);
            r.mode = Mode::Ref;
            c.body.visit_mut_children_with(r);
        });
    }

    fn visit_mut_class(&mut self, c: &mut Class) {
        let strict = self.strict;
        self.strict = true;
        let mode = self.mode;
        self.mode = Mode::Ref;
        c.decorators.visit_mut_with(self);
        c.super_class.visit_mut_with(self);
        c.body.visit_mut_with(self);
        self.mode = mode;
        self.strict = strict;
    }

    fn visit_mut_class_decl(&mut self, n: &mut ClassDecl) {
        self.declare(&mut n.ident, DeclKind::Lexical);
        n.class.decorators.visit_mut_with(self);
        self.in_scope(ScopeKind::Function, |r| n.class.visit_mut_with(r));
    }

    fn visit_mut_class_expr(&mut self, n: &mut ClassExpr) {
        n.class.super_class.visit_mut_with(self);
        self.in_scope(ScopeKind::Function, |r| {
            if let Some(id) = &mut n.ident {
                r.declare(id, r.decl_kind);
            }
            n.class.visit_mut_with(r);
        });
    }

    fn visit_mut_class_method(&mut self, m: &mut ClassMethod) {
        m.key.visit_mut_with(self);
        for p in &mut m.function.params {
            p.decorators.visit_mut_with(self);
        }
        self.in_scope(ScopeKind::Function, |r| m.function.visit_mut_with(r));
    }

    fn visit_mut_private_method(&mut self, m: &mut PrivateMethod) {
        self.in_scope(ScopeKind::Function, |r| m.function.visit_mut_with(r));
    }

    fn visit_mut_class_prop(&mut self, p: &mut ClassProp) {
        p.decorators.visit_mut_with(self);
        p.key.visit_mut_with(self);
        p.value.visit_mut_with(self);
        self.refer_type_name(p.type_ann.as_mut());
    }

    fn visit_mut_constructor(&mut self, c: &mut Constructor) {
        for p in &mut c.params {
            match p {
                ParamOrTsParamProp::TsParamProp(p) => p.decorators.visit_mut_with(self),
                ParamOrTsParamProp::Param(p) => p.decorators.visit_mut_with(self),
            }
        }
        self.in_scope(ScopeKind::Function, |r| {
            r.declare_params(c.params.iter().filter_map(|p| match p {
                ParamOrTsParamProp::Param(p) => Some(&p.pat),
                ParamOrTsParamProp::TsParamProp(_) => None,
            }));
            r.mode = Mode::Binding;
            c.params.visit_mut_with(r);
            r.mode = Mode::Ref;
            c.body.visit_mut_with(r);
        });
    }

    fn visit_mut_ts_param_prop(&mut self, p: &mut TsParamProp) {
        let mode = self.mode;
        self.mode = Mode::Binding;
        match &mut p.param {
            TsParamPropParam::Ident(i) => {
                self.visit_mut_ident(&mut i.id);
                self.refer_type_name(i.type_ann.as_mut());
            }
            TsParamPropParam::Assign(a) => a.visit_mut_with(self),
        }
        self.mode = mode;
    }

    fn visit_mut_prop(&mut self, p: &mut Prop) {
        match p {
            Prop::Getter(GetterProp { key, function, .. })
            | Prop::Setter(SetterProp { key, function, .. })
            | Prop::Method(MethodProp { key, function }) => {
                key.visit_mut_with(self);
                self.in_scope(ScopeKind::Function, |r| function.visit_mut_with(r));
            }
            _ => p.visit_mut_children_with(self),
        }
    }

    fn visit_mut_prop_name(&mut self, n: &mut PropName) {
        if let PropName::Computed(c) = n {
            c.visit_mut_with(self);
        }
    }

    fn visit_mut_export_default_decl(&mut self, e: &mut ExportDefaultDecl) {
        match &mut e.decl {
            // The name was hoisted into the module scope.
            DefaultDecl::Fn(f) if f.ident.is_some() => {
                self.in_scope(ScopeKind::Function, |r| f.function.visit_mut_with(r))
            }
            DefaultDecl::Fn(f) => f.visit_mut_with(self),
            DefaultDecl::Class(c) => c.class.visit_mut_with(self),
            DefaultDecl::TsInterfaceDecl(_) => {}
        }
    }

    fn visit_mut_named_export(&mut self, e: &mut NamedExport) {
        // `export { a } from './m'` names another module's bindings.
        if e.src.is_none() {
            e.visit_mut_children_with(self);
        }
    }

    fn visit_mut_export_specifier(&mut self, s: &mut ExportSpecifier) {
        let mode = self.mode;
        self.mode = Mode::Ref;
        s.visit_mut_children_with(self);
        self.mode = mode;
    }

    // Imports stand only in module items, which are hoisted first: the hoister declared their
    // local names, and nothing else in them names a binding of this module.
    fn visit_mut_import_decl(&mut self, _: &mut ImportDecl) {}

    fn visit_mut_for_in_stmt(&mut self, n: &mut ForInStmt) {
        self.in_scope(ScopeKind::Block, |r| {
            n.left.visit_mut_with(r);
            n.right.visit_mut_with(r);
            r.visit_loop_body(&mut n.body);
        });
    }

    fn visit_mut_for_of_stmt(&mut self, n: &mut ForOfStmt) {
        self.in_scope(ScopeKind::Block, |r| {
            n.left.visit_mut_with(r);
            n.right.visit_mut_with(r);
            r.visit_loop_body(&mut n.body);
        });
    }

    fn visit_mut_for_stmt(&mut self, n: &mut ForStmt) {
        self.in_scope(ScopeKind::Block, |r| {
            r.mode = Mode::Binding;
            n.init.visit_mut_with(r);
            r.mode = Mode::Ref;
            n.test.visit_mut_with(r);
            n.update.visit_mut_with(r);
            r.visit_loop_body(&mut n.body);
        });
    }

    fn visit_mut_switch_stmt(&mut self, s: &mut SwitchStmt) {
        s.discriminant.visit_mut_with(self);
        self.in_scope(ScopeKind::Block, |r| s.cases.visit_mut_with(r));
    }

    fn visit_mut_switch_case(&mut self, c: &mut SwitchCase) {
        c.cons.visit_mut_with(self);
        c.test.visit_mut_with(self);
    }

    fn visit_mut_var_decl(&mut self, d: &mut VarDecl) {
        let kind = self.decl_kind;
        self.decl_kind = match d.kind {
            VarDeclKind::Var => DeclKind::Var,
            VarDeclKind::Let | VarDeclKind::Const => DeclKind::Lexical,
        };
        d.decls.visit_mut_with(self);
        self.decl_kind = kind;
    }

    fn visit_mut_using_decl(&mut self, d: &mut UsingDecl) {
        let kind = self.decl_kind;
        self.decl_kind = DeclKind::Lexical;
        d.decls.visit_mut_with(self);
        self.decl_kind = kind;
    }

    fn visit_mut_var_declarator(&mut self, d: &mut VarDeclarator) {
        let mode = self.mode;
        self.mode = Mode::Binding;
        d.name.visit_mut_with(self);
        self.mode = mode;
        d.init.visit_mut_with(self);
    }

    fn visit_mut_jsx_element_name(&mut self, n: &mut JSXElementName) {
        match n {
            // `<div>`: an intrinsic element, not a binding.
            JSXElementName::Ident(i) if i.sym.starts_with(|c: char| c.is_ascii_lowercase()) => {
                i.ctxt = unresolved();
            }
            _ => n.visit_mut_children_with(self),
        }
    }

    fn visit_mut_ts_enum_decl(&mut self, d: &mut TsEnumDecl) {
        self.declare(&mut d.id, DeclKind::Lexical);
        // Members name each other unqualified; swc gives them the unresolved context.
        self.push_scope_with(ScopeKind::Block, Some(unresolved()));
        for m in &d.members {
            let name = match &m.id {
                TsEnumMemberId::Ident(i) => Some(i.sym.clone()),
                TsEnumMemberId::Str(s) => s.value.as_atom().cloned(),
            };
            if let Some(name) = name {
                self.declare_name(&name, DeclKind::Lexical);
            }
        }
        let mode = self.mode;
        self.mode = Mode::Ref;
        for m in &mut d.members {
            m.init.visit_mut_with(self);
        }
        self.mode = mode;
        self.pop_scope();
    }

    fn visit_mut_ts_module_decl(&mut self, d: &mut TsModuleDecl) {
        if let TsModuleName::Ident(i) = &mut d.id {
            self.declare(i, DeclKind::Lexical);
        }
        self.in_scope(ScopeKind::Block, |r| {
            if let Some(body) = &mut d.body {
                body.visit_mut_children_with(r);
            }
        });
    }

    fn visit_mut_ts_namespace_decl(&mut self, d: &mut TsNamespaceDecl) {
        self.declare(&mut d.id, DeclKind::Lexical);
        d.body.visit_mut_with(self);
    }

    fn visit_mut_ts_import_equals_decl(&mut self, d: &mut TsImportEqualsDecl) {
        self.declare(&mut d.id, DeclKind::Lexical);
        let mode = self.mode;
        self.mode = Mode::Ref;
        if let TsModuleRef::TsEntityName(n) = &mut d.module_ref {
            n.visit_mut_with(self);
        }
        self.mode = mode;
    }

    fn visit_mut_ts_qualified_name(&mut self, n: &mut TsQualifiedName) {
        n.left.visit_mut_with(self);
    }
}

/// Declares, at the top of a statement list, the names that are visible before their
/// statement: `var`s (also in nested blocks), functions, and the list's own `let`, `const`,
/// `class`, enums, namespaces and imports. A port of swc's `Hoister`, whose catch-parameter
/// rules it keeps.
struct Hoister<'a> {
    resolver: &'a mut Resolver,
    kind: DeclKind,
    /// Inside a nested block: only `var` (and, in sloppy code, functions) leave it.
    in_block: bool,
    in_catch_body: bool,
    catch_params: SmallVec<[Atom; 2]>,
    excluded_from_catch: SmallVec<[Atom; 2]>,
}

impl Hoister<'_> {
    fn declare(&mut self, id: &mut Ident, kind: DeclKind) {
        self.resolver.declare(id, kind);
    }

    fn add_pat_id(&mut self, id: &mut Ident) {
        if self.in_catch_body {
            // `catch (e) { var e }`: the `var` is the catch parameter when that is in scope.
            if self.resolver.declared_within_function(&id.sym)
                && self.catch_params.contains(&id.sym)
            {
                return;
            }
            self.excluded_from_catch.push(id.sym.clone());
        } else if self.catch_params.contains(&id.sym) && !self.excluded_from_catch.contains(&id.sym)
        {
            return;
        }
        let kind = self.kind;
        self.declare(id, kind);
    }
}

impl VisitMut for Hoister<'_> {
    // Expressions and nested functions declare nothing here.
    fn visit_mut_expr(&mut self, _: &mut Expr) {}
    fn visit_mut_arrow_expr(&mut self, _: &mut ArrowExpr) {}
    fn visit_mut_function(&mut self, _: &mut Function) {}
    fn visit_mut_constructor(&mut self, _: &mut Constructor) {}
    fn visit_mut_param(&mut self, _: &mut Param) {}
    fn visit_mut_assign_target(&mut self, _: &mut AssignTarget) {}
    fn visit_mut_tagged_tpl(&mut self, _: &mut TaggedTpl) {}
    fn visit_mut_tpl(&mut self, _: &mut Tpl) {}
    fn visit_mut_ts_module_block(&mut self, _: &mut TsModuleBlock) {}
    fn visit_mut_ts_type(&mut self, _: &mut TsType) {}
    fn visit_mut_ts_type_ann(&mut self, _: &mut TsTypeAnn) {}

    fn visit_mut_assign_pat_prop(&mut self, n: &mut AssignPatProp) {
        n.visit_mut_children_with(self);
        self.add_pat_id(&mut n.key.id);
    }

    fn visit_mut_pat(&mut self, p: &mut Pat) {
        match p {
            Pat::Ident(i) => self.add_pat_id(&mut i.id),
            _ => p.visit_mut_children_with(self),
        }
    }

    fn visit_mut_block_stmt(&mut self, b: &mut BlockStmt) {
        let in_block = std::mem::replace(&mut self.in_block, true);
        b.visit_mut_children_with(self);
        self.in_block = in_block;
    }

    fn visit_mut_catch_clause(&mut self, c: &mut CatchClause) {
        let excluded = std::mem::take(&mut self.excluded_from_catch);
        let in_catch_body = self.in_catch_body;
        let params_before = self.catch_params.len();
        if let Some(p) = &c.param {
            pat_idents(p, &mut |id| self.catch_params.push(id.sym.clone()));
        }
        self.in_catch_body = true;
        c.body.visit_mut_with(self);
        self.in_catch_body = false;
        c.param.visit_mut_with(self);
        self.catch_params.truncate(params_before);
        self.in_catch_body = in_catch_body;
        self.excluded_from_catch = excluded;
    }

    fn visit_mut_class_decl(&mut self, n: &mut ClassDecl) {
        if !self.in_block {
            self.declare(&mut n.ident, DeclKind::Lexical);
        }
    }

    fn visit_mut_decl(&mut self, d: &mut Decl) {
        d.visit_mut_children_with(self);
        match d {
            Decl::TsEnum(e) if !self.in_block => self.declare(&mut e.id, DeclKind::Lexical),
            Decl::TsModule(m) if !self.in_block && !m.global => {
                if let TsModuleName::Ident(i) = &mut m.id {
                    self.declare(i, DeclKind::Lexical);
                }
            }
            _ => {}
        }
    }

    fn visit_mut_export_default_decl(&mut self, n: &mut ExportDefaultDecl) {
        match &mut n.decl {
            DefaultDecl::Fn(f) => {
                if let Some(id) = &mut f.ident {
                    self.declare(id, DeclKind::Var);
                }
            }
            DefaultDecl::Class(c) => {
                if let Some(id) = &mut c.ident {
                    self.declare(id, DeclKind::Lexical);
                }
            }
            DefaultDecl::TsInterfaceDecl(_) => {}
        }
    }

    fn visit_mut_fn_decl(&mut self, n: &mut FnDecl) {
        if self.catch_params.contains(&n.ident.sym) {
            return;
        }
        if self.in_block {
            // A function declared in a block is block-scoped in strict code; in sloppy code it
            // is also a `var` of the function around (Annex B), unless a lexical declaration or
            // a parameter of that name is visible.
            if self.resolver.strict {
                return;
            }
            if let Some(d) = self.resolver.lookup(&n.ident.sym) {
                if matches!(d.kind, DeclKind::Lexical | DeclKind::Param) {
                    return;
                }
            }
        }
        self.declare(&mut n.ident, DeclKind::Function);
    }

    fn visit_mut_import_specifier(&mut self, s: &mut ImportSpecifier) {
        self.declare(s.local_mut(), DeclKind::Lexical);
    }

    fn visit_mut_switch_stmt(&mut self, s: &mut SwitchStmt) {
        let in_block = std::mem::replace(&mut self.in_block, true);
        s.cases.visit_mut_with(self);
        self.in_block = in_block;
    }

    fn visit_mut_using_decl(&mut self, d: &mut UsingDecl) {
        if self.in_block {
            return;
        }
        let kind = std::mem::replace(&mut self.kind, DeclKind::Lexical);
        d.visit_mut_children_with(self);
        self.kind = kind;
    }

    fn visit_mut_var_decl(&mut self, d: &mut VarDecl) {
        if self.in_block && d.kind != VarDeclKind::Var {
            return;
        }
        let kind = std::mem::replace(
            &mut self.kind,
            match d.kind {
                VarDeclKind::Var => DeclKind::Var,
                _ => DeclKind::Lexical,
            },
        );
        d.visit_mut_children_with(self);
        self.kind = kind;
    }

    fn visit_mut_var_decl_or_expr(&mut self, n: &mut VarDeclOrExpr) {
        match n {
            VarDeclOrExpr::VarDecl(v) if v.kind != VarDeclKind::Var => {}
            _ => n.visit_mut_children_with(self),
        }
    }

    fn visit_mut_for_head(&mut self, n: &mut ForHead) {
        match n {
            ForHead::VarDecl(v) if v.kind != VarDeclKind::Var => {}
            ForHead::Pat(_) => {}
            _ => n.visit_mut_children_with(self),
        }
    }

    fn visit_mut_var_declarator(&mut self, d: &mut VarDeclarator) {
        d.name.visit_mut_with(self);
    }

    fn visit_mut_stmts(&mut self, stmts: &mut Vec<Stmt>) {
        // `var`s and functions first: `try {} catch (e) { throw e } var e;` has two `e`s, and
        // the catch clause can only tell once the outer one is known.
        for s in stmts.iter_mut() {
            if matches!(s, Stmt::Decl(Decl::Var(_) | Decl::Fn(_))) {
                s.visit_mut_with(self);
            }
        }
        for s in stmts.iter_mut() {
            if !matches!(s, Stmt::Decl(Decl::Var(_) | Decl::Fn(_))) {
                s.visit_mut_with(self);
            }
        }
    }
}
