//! The AST walk: one `Visit` method per node kind the model records.

use super::*;

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

    fn visit_stmts(&mut self, stmts: &[Stmt]) {
        let depth = *self.loop_depth.last().unwrap_or(&0);
        for (i, stmt) in stmts.iter().enumerate() {
            if depth == 0 {
                stmt.visit_with(self);
                continue;
            }
            // A statement that ends the loop's run, or one right before it, runs at most once
            // per run of the loops it leaves (`socket.write(reply); return;` in a search loop).
            let leaves = |s: &Stmt| match s {
                Stmt::Return(_) | Stmt::Throw(_) => Some(depth),
                Stmt::Break(b) if b.label.is_none() && self.switches_in_loop == 0 => Some(1),
                _ => None,
            };
            let left = leaves(stmt).or_else(|| {
                matches!(stmt, Stmt::Expr(_))
                    .then(|| stmts.get(i + 1).and_then(leaves))
                    .flatten()
            });
            match left {
                Some(k) => self.visit_leaving_loops(stmt, k),
                None => stmt.visit_with(self),
            }
        }
    }

    fn visit_switch_stmt(&mut self, n: &SwitchStmt) {
        self.switches_in_loop += 1;
        n.visit_children_with(self);
        self.switches_in_loop -= 1;
    }

    fn visit_import_decl(&mut self, n: &ImportDecl) {
        if n.type_only {
            return;
        }
        let src = n.src.value.to_string_lossy().into_owned();
        for s in &n.specifiers {
            let (local, imported, name) = match s {
                ImportSpecifier::Named(x) => {
                    if x.is_type_only {
                        continue;
                    }
                    let imported = match &x.imported {
                        Some(ModuleExportName::Ident(i)) => Some(i.sym.clone()),
                        Some(ModuleExportName::Str(s)) => {
                            Some(Atom::from(s.value.to_string_lossy().as_ref()))
                        }
                        _ => None,
                    };
                    let name = imported.clone().unwrap_or_else(|| x.local.sym.clone());
                    (&x.local, imported, name)
                }
                ImportSpecifier::Default(x) => (&x.local, None, Atom::from("default")),
                ImportSpecifier::Namespace(x) => (&x.local, None, Atom::from("*")),
            };
            let b = self.declare(local, BindingKind::Import, true);
            let binding = &mut self.model.bindings[b.index()];
            binding.source_module = Some(src.clone());
            binding.import_name = Some(name);
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
                    crate::resolve::pat_idents(&d.name, &mut |id| ids.push(id.clone()));
                }
                ids
            }
            _ => vec![],
        };
        for id in ids {
            let b = self.binding_for(&id);
            self.model.bindings[b.index()].exported = true;
            self.model.exports.push(Export {
                name: id.sym.clone(),
                target: ExportTarget::Binding(b),
            });
        }
    }

    fn visit_named_export(&mut self, n: &NamedExport) {
        if n.type_only {
            return;
        }
        if let Some(src) = &n.src {
            let names = n
                .specifiers
                .iter()
                .filter_map(|s| match s {
                    ExportSpecifier::Named(x) if !x.is_type_only => {
                        let orig = export_name(&x.orig);
                        let exported = x.exported.as_ref().map_or(orig.clone(), export_name);
                        Some((orig, exported))
                    }
                    ExportSpecifier::Default(x) => {
                        Some((Atom::from("default"), x.exported.sym.clone()))
                    }
                    _ => None,
                })
                .collect();
            let whole = n
                .specifiers
                .iter()
                .any(|s| matches!(s, ExportSpecifier::Namespace(_)));
            self.model.reexports.push(ReExport {
                specifier: src.value.to_string_lossy().into_owned(),
                names: (!whole).then_some(names),
            });
            return;
        }
        for s in &n.specifiers {
            if let ExportSpecifier::Named(x) = s {
                if let ModuleExportName::Ident(id) = &x.orig {
                    let b = self.binding_for(id);
                    self.model.bindings[b.index()].exported = true;
                    let name = x.exported.as_ref().map_or(id.sym.clone(), export_name);
                    self.model.exports.push(Export {
                        name,
                        target: ExportTarget::Binding(b),
                    });
                }
            }
        }
    }

    fn visit_export_all(&mut self, n: &ExportAll) {
        if !n.type_only {
            self.model.reexports.push(ReExport {
                specifier: n.src.value.to_string_lossy().into_owned(),
                names: None,
            });
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
        // `export default { a, b }`: a module of functions, used as `m.a()` by its importers.
        if let Value::Object(props) = &v {
            self.record_object_exports(props);
        }
        self.record_export(Atom::from("default"), &v);
    }

    fn visit_export_default_decl(&mut self, n: &ExportDefaultDecl) {
        match &n.decl {
            DefaultDecl::Fn(f) => {
                let binding = f
                    .ident
                    .as_ref()
                    .map(|i| self.declare(i, BindingKind::Function, true));
                let default = Atom::from("default");
                match binding {
                    Some(b) => {
                        self.model.bindings[b.index()].exported = true;
                        self.model.exports.push(Export {
                            name: default,
                            target: ExportTarget::Binding(b),
                        });
                    }
                    // The function about to be visited takes the next id.
                    None => self.model.exports.push(Export {
                        name: default,
                        target: ExportTarget::Func(FuncId::from_index(self.model.functions.len())),
                    }),
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
                    self.model.bindings[b.index()].exported = true;
                    self.model.exports.push(Export {
                        name: Atom::from("default"),
                        target: ExportTarget::Binding(b),
                    });
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
            let name = self.model.bindings[b.index()].name.clone();
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
                        let binding = &mut self.model.bindings[b.index()];
                        binding.source_module = Some(m);
                        binding.import_name = Some(Atom::from("*"));
                    }
                }
                self.model.bindings[b.index()].init = Some(v);
                self.note_binding_count(b, init);
            } else {
                if let Value::Call(c) = &v {
                    self.note_destructured(&n.name, *c);
                }
                // `const { signal, timeout: ms } = options`: each name is that property of the
                // object; other patterns get the whole value.
                let props = match (&n.name, &v) {
                    (Pat::Object(o), Value::Path(_) | Value::Call(_)) => destructured_props(o),
                    _ => Vec::new(),
                };
                // `const { a, b: c } = require('./m')`: each name is an import of that property.
                let required = match (&n.name, &v) {
                    (Pat::Object(_), Value::Call(c)) => {
                        n.init.as_ref().and(required_module(&self.model, *c))
                    }
                    _ => None,
                };
                for b in ids {
                    let name = &self.model.bindings[b.index()].name;
                    let prop = props.iter().find(|(local, _)| local == name);
                    if let (Some(m), Some((_, key))) = (&required, prop) {
                        let key = key.clone();
                        let binding = &mut self.model.bindings[b.index()];
                        binding.source_module = Some(m.clone());
                        binding.import_name = Some(key);
                    }
                    let name = &self.model.bindings[b.index()].name;
                    let prop = props.iter().find(|(local, _)| local == name);
                    let init = match (prop, &v) {
                        (Some((_, key)), Value::Path(p)) => {
                            let mut p = p.clone();
                            p.props.push(key.clone());
                            Value::Path(p)
                        }
                        _ => v.clone(),
                    };
                    self.model.bindings[b.index()].init = Some(init);
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
                s.model.bindings[b.index()].func_value = Some(cur);
            }
            func.params.iter().for_each(|p| p.pat.visit_with(s));
            func.body.visit_with(s);
        });
    }

    fn visit_arrow_expr(&mut self, n: &ArrowExpr) {
        let params: Vec<&Pat> = n.params.iter().collect();
        self.visit_function_like(n.span, None, None, false, &params, &|s: &mut Self| {
            let cur = s.cur().index();
            s.model.functions[cur].is_arrow = true;
            n.params.iter().for_each(|p| p.visit_with(s));
            if let ArrowFunctionBody::Expr(e) = &*n.body {
                s.expect_use(e, || ResultUse::Returned);
                e.visit_with(s);
                let v = s.value_of(e);
                if let Value::Func(g) = &v {
                    let f = s.cur();
                    s.model.returned_funcs.push((f, *g));
                }
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
            name: binding.map(|b| self.model.bindings[b.index()].name.clone()),
            binding,
            span: bs(n.span),
            constructor: None,
            methods: Vec::new(),
            fields: Vec::new(),
            superclass,
            typed_fields: Vec::new(),
        });
        self.class_stack.push(id);
        let first_call = self.model.calls.len();
        n.visit_children_with(self);
        self.record_decorators(&n.decorators, Decorated::Class(id), first_call);
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
        // A method's decorators run where the class is defined, once: their calls belong to
        // the function around the class.
        let first_call = self.model.calls.len();
        n.function.decorators.visit_with(self);
        let method = FuncId::from_index(self.model.functions.len());
        self.visit_function(&n.function, name, None, true);
        self.record_decorators(
            &n.function.decorators,
            Decorated::Method(method),
            first_call,
        );
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
        for p in &n.params {
            if let ParamOrTsParamProp::TsParamProp(pp) = p {
                if let TsParamPropParam::Ident(bi) = &pp.param {
                    self.note_typed_field(bi.id.sym.clone(), bi.type_ann.as_deref());
                }
            }
        }
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
        if let (Some(name), false) = (prop_name(&n.key), n.is_static) {
            self.note_typed_field(name, n.type_ann.as_deref());
        }
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
        // Globals and identifiers left out of resolution (labels, types) are not references.
        if crate::resolve::declaration_index(n.ctxt).is_none() {
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
            let f = self.cur().index();
            self.model.functions[f].has_guard_return = true;
        }
        n.visit_children_with(self);
        if let Some(arg) = &n.arg {
            let v = self.value_of(arg);
            self.note_escapes(&v, bs(n.span), true);
            if let Value::Path(p) = &v {
                if matches!(p.root, Root::Binding(_) | Root::This) {
                    let f = self.cur();
                    self.model.returns.push((f, p.clone()));
                }
            }
            if let Value::Func(g) = &v {
                let f = self.cur();
                self.model.returned_funcs.push((f, *g));
            }
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
            let f = self.cur().index();
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
        self.note_condition(&n.test, n.span);
        *self.cond_depth.last_mut().unwrap() += 1;
        n.cons.visit_with(self);
        n.alt.visit_with(self);
        *self.cond_depth.last_mut().unwrap() -= 1;
    }

    fn visit_cond_expr(&mut self, n: &CondExpr) {
        n.test.visit_with(self);
        self.note_condition(&n.test, n.span);
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
                self.note_condition(&n.left, n.span);
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
            if let Target::Path(p) = &target {
                // `module.exports = class Handler {…}` exports the class through the name it
                // gives itself.
                match self.named_class_expr(&n.right) {
                    Some(class) => self.record_commonjs_export(p, &class),
                    None => self.record_commonjs_export(p, &value),
                }
            }
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
        if let (Callee::Import(_), Some(Expr::Lit(Lit::Str(s)))) =
            (&n.callee, n.args.first().map(|a| unwrap(&a.expr)))
        {
            let specifier = s.value.to_string_lossy().into_owned();
            self.model.loads.push((specifier, None));
        }
        self.push_call(n.span, cs, callee, callee_func, &n.args, false);
        self.note_bundler_exports(n);
        if let Some(last) = self.model.calls.len().checked_sub(1) {
            let id = CallId::from_index(last);
            if let Some(specifier) = require_source(&self.model.calls[last]) {
                self.model.loads.push((specifier, Some(id)));
            }
            self.note_reexport_helper(id);
        }
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
