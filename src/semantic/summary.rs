//! Function summaries for helpers in the same file: what a function does to the object passed
//! as one of its parameters, so that a collection handed to `remember(cache, key, value)` grows
//! (or is pruned) where the helper is called. One level deep, intra-file (a separate issue takes
//! helpers across modules).

use super::{BindingId, Call, FuncId, SemanticModel};

/// The function declared in this file that `call` invokes by name (`helper(…)`, not a method or
/// `new`), and the binding of its parameter at position `index`; `None` for any other call.
///
/// Parameters are recorded as bindings, and a destructured parameter declares several, so the
/// position is trusted only when the function has no more parameter bindings than the call has
/// arguments (no destructuring can then shift them).
pub fn param_of_callee(
    model: &SemanticModel,
    call: &Call,
    index: usize,
) -> Option<(FuncId, BindingId)> {
    let callee = call.callee.as_ref()?;
    if !callee.props.is_empty() || call.is_new {
        return None;
    }
    let f = model.binding(callee.root_binding()?).func_value?;
    let params = &model.function(f).params;
    if params.len() > call.args.len() {
        return None;
    }
    Some((f, *params.get(index)?))
}
