//! How long the owner of a member path lives (docs/architecture.md), and where it
//! is created — the two facts that decide whether a registration or an entry outlives the code that
//! adds it.

use super::frequency::Repeat;
use super::{
    BindingId, BindingKind, Frequency, FuncId, FuncUse, Path, Root, SemanticModel, Value, MODULE,
};

/// The owner of a registration or entry, longest-lived first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Owner {
    /// L0: module-scope bindings, imports, globals and member chains rooted at them.
    Process,
    /// L1: a connection object received by the connection callback `FuncId`.
    Connection(FuncId),
    /// L2: a request/response object received by the route handler `FuncId`.
    Request(FuncId),
    /// L3: created inside function `FuncId` (a `new` object, a literal, a `create*()` result, an
    /// event payload).
    Local(FuncId),
    /// A parameter of an ordinary function `FuncId` (binding index): as long-lived as its argument.
    Param(FuncId, BindingId),
    /// `this` or a value we cannot trace.
    Unknown,
}

impl Owner {
    /// The function in which the owner comes into existence ([`MODULE`] for process-lifetime owners).
    pub fn created_in(self) -> Option<FuncId> {
        match self {
            Owner::Process => Some(MODULE),
            Owner::Connection(f) | Owner::Request(f) | Owner::Local(f) | Owner::Param(f, _) => {
                Some(f)
            }
            Owner::Unknown => None,
        }
    }
}

/// Call names whose result is a fresh object owned by the caller.
pub(crate) fn creates_fresh(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    [
        "create", "new", "make", "open", "spawn", "fork", "exec", "connect", "request", "fetch",
        "pipeline", "duplex", "from",
    ]
    .iter()
    .any(|p| lower.starts_with(p))
        || matches!(name, "get" | "post" | "put" | "patch" | "delete" | "head")
}

impl SemanticModel {
    /// The owner of `path` as seen from the code that uses it.
    pub fn owner_of(&self, path: &Path) -> Owner {
        self.owner_of_depth(path, 0)
    }

    fn owner_of_depth(&self, path: &Path, depth: u32) -> Owner {
        if depth > 8 {
            return Owner::Unknown;
        }
        match &path.root {
            Root::Global(_) => Owner::Process,
            Root::This | Root::Unknown => Owner::Unknown,
            Root::Binding(b) => {
                let binding = self.binding(*b);
                // A component instance's own top-level binding is not the process's.
                if binding.module_level
                    || binding.func == MODULE
                        && binding.kind != BindingKind::Param
                        && !self.is_instance_state(*b)
                {
                    // A module-level `let` that functions re-assign holds a fresh object per call
                    // (`child = spawn(…)`), not one singleton.
                    if matches!(binding.kind, BindingKind::Let | BindingKind::Var)
                        && self.is_reassigned_in_functions(*b)
                    {
                        return Owner::Unknown;
                    }
                    return Owner::Process;
                }
                let d = binding.func;
                match binding.kind {
                    BindingKind::Param => self.param_owner(d, *b),
                    BindingKind::Import => Owner::Process,
                    BindingKind::Function | BindingKind::Class => Owner::Local(d),
                    BindingKind::Catch => Owner::Local(d),
                    BindingKind::Unknown => Owner::Unknown,
                    BindingKind::Var | BindingKind::Let | BindingKind::Const => match &binding.init
                    {
                        Some(Value::Path(p)) => self.owner_of_depth(p, depth + 1),
                        Some(Value::Call(c)) => {
                            let call = &self.calls[c.index()];
                            let name = call.method().map(|m| m.to_string()).unwrap_or_default();
                            if call.is_new || creates_fresh(&name) {
                                Owner::Local(d)
                            } else if name == "require" {
                                Owner::Process
                            } else {
                                Owner::Unknown
                            }
                        }
                        Some(Value::Object(_) | Value::Array(_) | Value::Func(_)) => {
                            Owner::Local(d)
                        }
                        // `let target = null; if (…) target = globalThis; else target = …`: a
                        // variable that picks one of several objects is as long-lived as the
                        // longest-lived global it can hold.
                        None | Some(Value::OtherLiteral)
                            if binding.kind != BindingKind::Const
                                && self.may_hold_global(*b, depth) =>
                        {
                            Owner::Process
                        }
                        _ => Owner::Unknown,
                    },
                }
            }
        }
    }

    /// Whether local binding `b` is assigned a process-lived object (`b = window`, `b =
    /// globalThis`) in its own function, and never an object made there (`b =
    /// fs.createWriteStream(…)`, `new …`): a variable that is sometimes fresh holds what it
    /// holds when its listeners are added, which this does not follow.
    fn may_hold_global(&self, b: BindingId, depth: u32) -> bool {
        let func = self.binding(b).func;
        let mut global = false;
        for a in self.assigns_under(&Path::binding(b)) {
            if !matches!(&a.target, super::Target::Path(p) if p.props.is_empty()) {
                continue;
            }
            match &a.value {
                Value::Path(v) => {
                    global |= a.func == func
                        && a.plain
                        && self.owner_of_depth(v, depth + 1) == Owner::Process
                }
                Value::Call(c) => {
                    let call = &self.calls[c.index()];
                    let name = call
                        .callee
                        .as_ref()
                        .and_then(|p| self.callee_name(p))
                        .unwrap_or_default();
                    if call.is_new || creates_fresh(&name) {
                        return false;
                    }
                }
                Value::Object(_) | Value::Array(_) | Value::Func(_) => return false,
                _ => {}
            }
        }
        global
    }

    /// Whether binding `b` is assigned (`b = …`) inside some function.
    pub fn is_reassigned_in_functions(&self, b: BindingId) -> bool {
        self.assigns.iter().any(|a| a.func != MODULE && matches!(&a.target, super::Target::Path(p) if p.props.is_empty() && p.root == Root::Binding(b)))
    }

    /// The owner a parameter stands for, from what kind of callback its function is.
    fn param_owner(&self, f: FuncId, b: BindingId) -> Owner {
        if let Frequency::Repeated(r) = self.frequency_of(f) {
            // Only the function's own registration counts: a handler's parameters, not those of
            // a helper that a handler calls.
            let own = self
                .function(f)
                .uses
                .iter()
                .any(|u| matches!(u, FuncUse::Argument { .. } | FuncUse::OptionOf { .. }));
            if own {
                match r {
                    Repeat::Request(_) => return Owner::Request(f),
                    Repeat::Connection(_) => return Owner::Connection(f),
                    Repeat::Listener(_) | Repeat::Interval(_) => return Owner::Local(f),
                    _ => {}
                }
            }
        }
        Owner::Param(f, b)
    }

    /// The outermost function on the way from `inner` up to (not including) `outer` that runs
    /// repeatedly on its own schedule — a listener, interval, route or connection callback — so that
    /// code in `inner` runs many times per run of `outer`.
    pub fn repeats_between(&self, inner: FuncId, outer: FuncId) -> Option<FuncId> {
        let mut found = None;
        let mut f = inner;
        while f != outer {
            if let Frequency::Repeated(r) = self.frequency_of(f) {
                if !matches!(r, Repeat::CalledFrom(..)) && r.is_strong() {
                    found = Some(f);
                }
            }
            match self.function(f).parent {
                Some(p) => f = p,
                None => return None,
            }
        }
        found
    }
}
