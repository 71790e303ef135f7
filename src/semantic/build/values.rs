//! Summaries of expressions: the member path an expression names and the [`Value`] it holds
//! (bounded in depth), conditions and escapes.

use super::*;
use crate::semantic::count::CountRead;
use crate::semantic::key_domain::is_normaliser;

impl Builder {
    /// The member path of `e`, if it is an identifier, `this` or a member chain.
    pub(super) fn path_of(&mut self, e: &Expr) -> Option<Path> {
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

    pub(super) fn member_path(&mut self, m: &MemberExpr) -> Option<Path> {
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
    pub(super) fn value_of(&mut self, e: &Expr) -> Value {
        self.value_of_depth(e, 0)
    }

    pub(super) fn value_of_depth(&mut self, e: &Expr, depth: u32) -> Value {
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
                if let Some(n) = default_new_operand(e).filter(|_| !paths.is_empty()) {
                    self.note_default_new(n, &paths);
                }
                let value = Value::Expr(paths);
                self.scratch_paths = scratch;
                value
            }
        }
    }

    /// Records `new` expression `n`, an operand of a default or a choice (`a ?? new S()`,
    /// `a || new S()`, `c ? a : new S()`: [`default_new_operand`]) whose value summary names
    /// `paths`: [`SemanticModel::default_news`].
    #[inline(never)]
    fn note_default_new(&mut self, n: &NewExpr, paths: &[Path]) {
        let Some(call) = self.call_at(n.span) else {
            return;
        };
        if self
            .model
            .default_news
            .iter()
            .rev()
            .take(8)
            .any(|d| d.call == call)
        {
            return;
        }
        let func = self.cur();
        self.model.default_news.push(crate::semantic::DefaultNew {
            func,
            paths: paths.to_vec(),
            call,
        });
    }

    /// Paths mentioned anywhere in a (small) expression, for taint questions.
    pub(super) fn collect_paths(&mut self, e: &Expr, out: &mut Vec<Path>, depth: u32) {
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
    pub(super) fn note_condition(&mut self, test: &Expr, scope: Span) {
        let mut paths = Vec::new();
        // The test's value is only wanted for its paths.
        self.value_of(test).into_mentioned_paths(&mut paths);
        if !paths.is_empty() {
            let func = self.cur();
            self.model.conditions.push(Condition {
                span: bs(test.span()),
                scope: bs(scope),
                func,
                paths,
            });
        }
    }

    /// Records the bindings a value lets escape.
    pub(super) fn note_escapes(&mut self, v: &Value, span: ByteSpan, returned: bool) {
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

    /// `e` as a count read from a keyed collection ([`crate::semantic::count`]): the change it
    /// makes (`x + 1`, `1 + x`, `x - 1`, or `0` for `x` itself) and where `x` reads the count
    /// (`m.get(k)`, `m.get(k) || 0`, `m.get(k) ?? 0`, or a name). Its calls must already be
    /// registered.
    pub(super) fn count_of(&mut self, e: &Expr) -> Option<(i8, CountRead)> {
        let (delta, operand) = match unwrap(e) {
            Expr::Bin(b) if b.op == BinaryOp::Add && is_one(&b.right) => (1, &*b.left),
            Expr::Bin(b) if b.op == BinaryOp::Add && is_one(&b.left) => (1, &*b.right),
            Expr::Bin(b) if b.op == BinaryOp::Sub && is_one(&b.right) => (-1, &*b.left),
            other => (0, other),
        };
        let operand = match unwrap(operand) {
            // A missing count is zero.
            Expr::Bin(b)
                if matches!(b.op, BinaryOp::LogicalOr | BinaryOp::NullishCoalescing)
                    && matches!(unwrap(&b.right), Expr::Lit(Lit::Num(n)) if n.value == 0.0) =>
            {
                unwrap(&b.left)
            }
            other => other,
        };
        let read = match operand {
            Expr::Call(c) => match &c.callee {
                Callee::Expr(callee) if matches!(unwrap(callee), Expr::Member(m) if matches!(&m.prop, MemberProp::Ident(i) if i.sym == "get")) => {
                    CountRead::Lookup(self.call_at(c.span)?)
                }
                _ => return None,
            },
            Expr::Ident(id) if id.ctxt != crate::resolve::unresolved() => {
                CountRead::Binding(self.binding_for(id))
            }
            _ => return None,
        };
        Some((delta, read))
    }
}

/// The number literal `1`.
fn is_one(e: &Expr) -> bool {
    matches!(unwrap(e), Expr::Lit(Lit::Num(n)) if n.value == 1.0)
}

/// The `new` expression that is an operand of default or choice `e` (`a ?? new S()`,
/// `a || new S()`, `c ? a : new S()`, the `new` possibly in parentheses), if any.
#[inline]
fn default_new_operand(e: &Expr) -> Option<&NewExpr> {
    fn as_new(e: &Expr) -> Option<&NewExpr> {
        match e {
            Expr::New(n) => Some(n),
            Expr::Paren(p) => as_new(&p.expr),
            _ => None,
        }
    }
    match e {
        Expr::Bin(b) if matches!(b.op, BinaryOp::NullishCoalescing | BinaryOp::LogicalOr) => {
            as_new(&b.right).or_else(|| as_new(&b.left))
        }
        Expr::Cond(c) => as_new(&c.alt).or_else(|| as_new(&c.cons)),
        _ => None,
    }
}
