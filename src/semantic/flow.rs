//! Values followed across one file's functions (issue 14's "function summaries", intra-file):
//! which calls run a function defined here, what a parameter receives from them, which parameter
//! an argument lands in (so that a collection handed to `remember(cache, key, value)` grows, or is
//! pruned, where the helper is called), and what is written into an object after it is made
//! (`attrs[k] = v`). One level deep; a separate issue takes helpers across modules.

use super::{BindingId, Call, CallId, FuncId, Path, SemanticModel, Target, Value};

/// The function of this file a call runs: one called by its binding's name (`helper(…)`), or a
/// method of the caller's own class called on the instance (`this.record(…)`, `self.record(…)`).
pub fn called_function(model: &SemanticModel, call: &Call) -> Option<FuncId> {
    let callee = call.callee.as_ref()?;
    match callee.props.as_slice() {
        [] => model.binding(callee.root_binding()?).func_value,
        [name] => model.method_named(model.class_of_root(callee, call.func)?, name),
        _ => None,
    }
}

/// The function declared in this file that `call` invokes by name (`helper(…)`, not a method or
/// `new`; see [`called_function`]), and the binding of its parameter at position `index`; `None`
/// for any other call.
///
/// Parameters are recorded as bindings, and a destructured parameter declares several, so the
/// position is trusted only when the function has no more parameter bindings than the call has
/// arguments (no destructuring can then shift them).
pub fn param_of_callee(
    model: &SemanticModel,
    call: &Call,
    index: usize,
) -> Option<(FuncId, BindingId)> {
    if !call.callee.as_ref()?.props.is_empty() || call.is_new {
        return None;
    }
    let f = called_function(model, call)?;
    let params = &model.function(f).params;
    if params.len() > call.args.len() {
        return None;
    }
    Some((f, *params.get(index)?))
}

/// The calls in this file that run function `f` (see [`called_function`]), in source order.
pub fn callers_of(model: &SemanticModel, f: FuncId) -> Vec<CallId> {
    let func = model.function(f);
    // Calls by name are the binding's mentions; method calls need a look at every call whose
    // callee is `<instance>.<name>`.
    if let Some(b) = func.binding {
        let mut out: Vec<CallId> = model
            .calls_mentioning(b)
            .iter()
            .copied()
            .filter(|&c| called_function(model, &model.calls[c.index()]) == Some(f))
            .collect();
        out.dedup();
        if !out.is_empty() || func.class.is_none() {
            return out;
        }
    }
    let Some(name) = func.name.as_ref().filter(|_| func.class.is_some()) else {
        return Vec::new();
    };
    model
        .calls
        .iter()
        .enumerate()
        .filter(|(_, c)| {
            c.method() == Some(name)
                && c.callee.as_ref().is_some_and(|p| p.props.len() == 1)
                && called_function(model, c) == Some(f)
        })
        .map(|(i, _)| CallId::from_index(i))
        .collect()
}

/// For parameter binding `param` (a plain identifier parameter), the arguments the calls of its
/// function in this file pass for it, with the function each call is made in.
pub fn arguments_for(model: &SemanticModel, param: super::BindingId) -> Vec<(FuncId, &Value)> {
    let f = model.binding(param).func;
    let Some(index) = model.function(f).params.iter().position(|&p| p == param) else {
        return Vec::new();
    };
    callers_of(model, f)
        .into_iter()
        .filter_map(|c| {
            let call = &model.calls[c.index()];
            Some((call.func, call.arg(index)?))
        })
        .collect()
}

/// The values written into properties of the object at `object` after it is made: `o[k] = v` and
/// `o.k = v` (the object's own properties, one level deep).
pub fn written_into<'a>(
    model: &'a SemanticModel,
    object: &'a Path,
) -> impl Iterator<Item = &'a Value> + 'a {
    model
        .assigns_under(object)
        .filter_map(move |a| match &a.target {
            Target::Computed { object: o, .. } if o == object => Some(&a.value),
            Target::Path(t)
                if t.props.len() == object.props.len() + 1 && t.is_member_of(object) =>
            {
                Some(&a.value)
            }
            _ => None,
        })
}

/// Whether parameter `param` of function `f` may be called by `f`: called itself (`param()`),
/// or passed on to a call that may call it. A call of this file's functions is followed into the
/// callee's parameter (up to `depth` more levels); a method that only keeps or drops its
/// arguments ([`super::api::keeps_argument_without_calling`]: `set.add(fn)`, `map.delete(fn)`,
/// `emitter.on(e, fn)`) does not call it; any other call, or a deeper one, may.
///
/// Takes the model, the function, one of its parameter bindings and the depth left; returns
/// `true` when a call of the parameter cannot be ruled out.
pub fn may_call_param(model: &SemanticModel, f: FuncId, param: BindingId, depth: u32) -> bool {
    model.calls_mentioning(param).iter().any(|&id| {
        let c = &model.calls[id.index()];
        if !model.is_within(c.func, f) {
            return false;
        }
        if c.callee_root() == Some(param) {
            return true;
        }
        if c.method()
            .is_some_and(|m| super::api::keeps_argument_without_calling(m))
        {
            return false;
        }
        let passed_as = c
            .args
            .iter()
            .position(|a| matches!(a, Value::Path(p) if p.as_binding() == Some(param)));
        match passed_as.and_then(|i| param_of_callee(model, c, i)) {
            Some((g, q)) if depth > 0 => may_call_param(model, g, q, depth - 1),
            _ => true,
        }
    })
}
