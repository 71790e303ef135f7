//! The comparison of `examples/resolve_agreement` and `tests/resolve.rs`: leaklint's binding
//! resolution against swc's resolver on one text.

use std::collections::HashMap;

use swc_common::{Mark, SyntaxContext};
use swc_ecma_ast::*;
use swc_ecma_visit::{Visit, VisitMutWith, VisitWith};

use leaklint::source::Dialect;

/// Every identifier outside types, with its context.
#[derive(Default)]
struct Idents(Vec<(u32, swc_atoms::Atom, SyntaxContext)>);

impl Visit for Idents {
    fn visit_ts_type(&mut self, _: &TsType) {}
    fn visit_ts_type_ann(&mut self, _: &TsTypeAnn) {}
    fn visit_ts_type_param_decl(&mut self, _: &TsTypeParamDecl) {}
    fn visit_ts_type_param_instantiation(&mut self, _: &TsTypeParamInstantiation) {}
    fn visit_ts_interface_decl(&mut self, _: &TsInterfaceDecl) {}
    fn visit_ts_type_alias_decl(&mut self, _: &TsTypeAliasDecl) {}
    fn visit_ts_expr_with_type_args(&mut self, _: &TsExprWithTypeArgs) {}
    fn visit_ts_index_signature(&mut self, _: &TsIndexSignature) {}
    fn visit_named_export(&mut self, n: &NamedExport) {
        // Re-exports name another module's bindings; type-only exports name types.
        if n.src.is_none() && !n.type_only {
            n.visit_children_with(self);
        }
    }
    fn visit_ident(&mut self, i: &Ident) {
        self.0.push((i.span.lo.0, i.sym.clone(), i.ctxt));
    }
}

fn idents(program: &Program) -> Vec<(u32, swc_atoms::Atom, SyntaxContext)> {
    let mut v = Idents::default();
    program.visit_with(&mut v);
    v.0
}

/// One identifier both resolvers do not agree on: 1-based line, name, and whether each side
/// took it for a global.
#[derive(Debug, PartialEq, Eq)]
pub struct Disagreement {
    pub line: usize,
    pub name: String,
    pub ours_global: bool,
    pub swc_global: bool,
}

/// Resolves `text` (parsed as `dialect`) with both resolvers and returns how many identifiers
/// outside types it has and where they disagree: a binding is a (name, context) pair, and both
/// sides must pair them one to one, with the same identifiers left global. `None` when the
/// text does not parse.
pub fn compare(text: &str, dialect: Dialect) -> Option<(usize, Vec<Disagreement>)> {
    swc_common::GLOBALS.set(&swc_common::Globals::new(), || {
        let parsed = leaklint::parse::parse_unresolved(text, dialect, |_| false).ok()?;
        let mut ours = parsed.program.clone();
        leaklint::resolve::resolve(&mut ours);
        let mut theirs = parsed.program;
        let unresolved_mark = Mark::new();
        theirs.visit_mut_with(&mut swc_ecma_transforms_base::resolver(
            unresolved_mark,
            Mark::new(),
            dialect.is_typescript(),
        ));
        let their_unresolved = SyntaxContext::empty().apply_mark(unresolved_mark);
        let a = idents(&ours);
        let b = idents(&theirs);
        assert_eq!(a.len(), b.len(), "both resolvers keep the identifiers");
        let mut forward: HashMap<(swc_atoms::Atom, SyntaxContext), SyntaxContext> = HashMap::new();
        let mut backward: HashMap<(swc_atoms::Atom, SyntaxContext), SyntaxContext> = HashMap::new();
        let mut out = Vec::new();
        for ((lo, sym, mine), (_, _, theirs)) in a.iter().zip(&b) {
            let ours_global = *mine == leaklint::resolve::unresolved();
            let swc_global = *theirs == their_unresolved;
            let f = *forward.entry((sym.clone(), *mine)).or_insert(*theirs);
            let g = *backward.entry((sym.clone(), *theirs)).or_insert(*mine);
            let empty = SyntaxContext::empty();
            if ours_global != swc_global
                || (*mine == empty) != (*theirs == empty)
                || f != *theirs
                || g != *mine
            {
                let at = (*lo as usize)
                    .saturating_sub(leaklint::parse::BASE as usize)
                    .min(text.len());
                out.push(Disagreement {
                    line: text[..at].matches('\n').count() + 1,
                    name: sym.to_string(),
                    ours_global,
                    swc_global,
                });
            }
        }
        Some((a.len(), out))
    })
}
