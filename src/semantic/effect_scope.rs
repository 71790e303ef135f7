//! Vue's effect scope and `await`: what a composable sets up is cleaned up with the effect scope
//! active when it is called, and after an `await` none is (the facts are in [`super::api`]). This
//! module finds the calls that set up something scope-bound after an `await`.

use super::{api, Call, FuncId, ResultUse, SemanticModel};

/// How deep calls of the file's own functions are followed to a scope-bound API.
const MAX_DEPTH: u32 = 4;

/// Whether `call` ties what it sets up to the active effect scope: a call of a scope-bound API
/// ([`api::is_scope_bound_api`]), or of a function of this file whose own body makes one (a
/// composable such as `useEventListener` built on `tryOnScopeDispose`).
pub fn binds_to_effect_scope(model: &SemanticModel, call: &Call) -> bool {
    binds(model, call, 0)
}

fn binds(model: &SemanticModel, call: &Call, depth: u32) -> bool {
    let Some(callee) = call.callee.as_ref() else {
        return false;
    };
    if api::is_scope_bound_api(model, callee) {
        return true;
    }
    let Some(f) = local_function(model, callee) else {
        return false;
    };
    depth < MAX_DEPTH
        && model
            .calls
            .iter()
            .filter(|c| c.func == f)
            .any(|c| binds(model, c, depth + 1))
}

/// The function of this file a bare callee names (`useThing(…)` with `function useThing`).
fn local_function(model: &SemanticModel, callee: &super::Path) -> Option<FuncId> {
    model.binding(callee.as_binding()?).func_value
}

/// The calls of `model` made after an `await` in the same function (an awaited call ends before
/// they start), with the awaited call: the effect scope of the function's caller is no longer
/// active there. In source order; empty when the file imports nothing scope-bound
/// ([`api::imports_scope_bound_module`]), since then none of them can matter.
pub fn calls_after_await(model: &SemanticModel) -> Vec<(&Call, &Call)> {
    if !api::imports_scope_bound_module(model) {
        return Vec::new();
    }
    // The first awaited call of each function, by the end of its span.
    let mut first_await: Vec<(FuncId, &Call)> = Vec::new();
    for c in model.calls.iter().filter(|c| c.awaited) {
        match first_await.iter_mut().find(|(f, _)| *f == c.func) {
            Some(e) if e.1.span.end <= c.span.end => {}
            Some(e) => e.1 = c,
            None => first_await.push((c.func, c)),
        }
    }
    if first_await.is_empty() {
        return Vec::new();
    }
    model
        .calls
        .iter()
        .filter_map(|c| {
            let (_, awaited) = first_await.iter().find(|(f, _)| *f == c.func)?;
            (awaited.span.end <= c.span.start).then_some((c, *awaited))
        })
        .collect()
}

/// Whether `call`'s result is kept: a `watch` stop handle or a `useEventListener` cleanup that
/// is stored or returned can still be called by hand.
pub fn result_kept(call: &Call) -> bool {
    !matches!(call.result, ResultUse::Discarded)
}
