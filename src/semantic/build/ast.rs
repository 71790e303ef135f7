//! Reading swc AST nodes without the builder's state: spans as keys, wrappers unwrapped,
//! constant numbers, property names, callee names, destructuring patterns.

use super::*;

pub(super) fn key(span: Span) -> (u32, u32) {
    (span.lo.0, span.hi.0)
}

/// [`unwrap`], and also through a bundler's naming helper (`__name(fn, "fn")` is `fn`): for the
/// places that ask what value an initialiser is.
pub(super) fn unwrap_value(e: &Expr) -> &Expr {
    let e = unwrap(e);
    match e {
        Expr::Call(c) => name_wrapper_target(c).map_or(e, unwrap),
        _ => e,
    }
}

/// The value of an arithmetic expression on number literals (`30 * 60 * 1000`), if it is one.
pub(super) fn const_number(e: &Expr) -> Option<f64> {
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
pub(super) fn name_wrapper_target(c: &CallExpr) -> Option<&Expr> {
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
pub(super) fn str_atom(v: &swc_atoms::Wtf8Atom) -> Atom {
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

pub(super) fn prop_name(p: &PropName) -> Option<Atom> {
    match p {
        PropName::Ident(i) => Some(i.sym.clone()),
        PropName::Str(s) => Some(str_atom(&s.value)),
        PropName::Num(n) => Some(Atom::from(n.value.to_string())),
        _ => None,
    }
}

/// The called name of a callee expression: `f` for `f(…)`, `g` for `a.b.g(…)`.
pub(super) fn callee_name_of(e: &Expr) -> Option<&str> {
    match unwrap(e) {
        Expr::Ident(i) => Some(&i.sym),
        Expr::Member(m) => match &m.prop {
            MemberProp::Ident(p) => Some(&p.sym),
            _ => None,
        },
        _ => None,
    }
}

/// `set.has(x)`, `list.includes(x)`, `x in allowed`: a test that a value is in an allow-list.
pub(super) fn is_membership_test(e: &Expr) -> bool {
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
pub(super) fn destructured_props(o: &ObjectPat) -> Vec<(Atom, Atom)> {
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

/// The name a pattern element binds when it is a plain name, with or without a default
/// (`a`, `a = 0`).
pub(super) fn plain_name(p: &Pat) -> Option<&Ident> {
    match p {
        Pat::Ident(b) => Some(&b.id),
        Pat::Assign(a) => match &*a.left {
            Pat::Ident(b) => Some(&b.id),
            _ => None,
        },
        _ => None,
    }
}
