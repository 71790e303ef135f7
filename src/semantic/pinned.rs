//! Listeners that a function adds to an `AbortSignal` its caller hands in, released only when
//! the signal fires (`{ once: true }`, or a handler that removes itself), with no way for the
//! caller to remove them sooner: `onAbort(signal)` doing `signal.addEventListener('abort', l)`
//! where only `l` removes `l`, and returning something else. Every call leaves one listener on
//! the caller's signal; a signal that is reused and never aborts keeps them all. The function's
//! own file reports the registration; the project pass carries the fact to the modules that
//! call the function ([`ImportedPinned`]), where the call that hands the signal on is reported.

use swc_atoms::Atom;

use super::cleanup::{once_option, removals_of, removed_only_by_itself, signal_option};
use super::{api, BindingKind, CallId, FuncId, Path, Root, SemanticModel, Value};
use crate::diagnostic::ByteSpan;
use crate::source::PositionRange;

/// A listener that function `func` adds to the `AbortSignal` of its parameter `param`, which only
/// the signal's firing removes ([`SemanticModel::pinned_signal_listeners`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PinnedSignalListener {
    /// The function whose parameter the signal is.
    pub func: FuncId,
    /// The parameter's position.
    pub param: u32,
    /// How many parameter bindings the function declares (a destructured parameter declares
    /// several: the position is trusted only for a call with at least as many arguments).
    pub params: u32,
    /// The registration's callee (`signal.addEventListener`): a byte span of the function's module.
    pub span: ByteSpan,
}

/// What a module's summary says about one of its exported functions that pins a listener
/// ([`PinnedSignalListener`]), for the modules that call it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PinnedExport {
    /// The export name.
    pub name: Atom,
    /// The position of the parameter whose signal keeps the listener.
    pub param: u32,
    /// How many parameter bindings the function declares ([`PinnedSignalListener::params`]).
    pub params: u32,
    /// Where the listener is added in the module.
    pub at: PositionRange,
}

/// What the project pass tells a module about an exported function of another module that pins
/// a listener on the signal of one of its parameters ([`PinnedSignalListener`]), and which the
/// module calls.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedPinned {
    /// The import specifier as the calling module writes it.
    pub specifier: String,
    /// The function's name as imported.
    pub function: Atom,
    /// The position of the parameter whose signal keeps the listener.
    pub param: u32,
    /// How many parameter bindings the function declares ([`PinnedSignalListener::params`]).
    pub params: u32,
    /// The function's module, as the walk found it.
    pub file: String,
    /// Where the listener is added in that module.
    pub at: PositionRange,
}

impl SemanticModel {
    /// The listeners this module's functions pin on the signals their callers hand in (see
    /// [`PinnedSignalListener`]): each `'abort'` registration ([`api::is_abort_signal_listener`])
    /// whose receiver is a bare parameter of the function that declares it, made with
    /// `{ once: true }` or removed only by its own handler
    /// ([`removed_only_by_itself`]), and neither tied to another signal (`{ signal }`) nor removed
    /// anywhere else. Empty for most files: one pass over the calls.
    pub fn pinned_signal_listeners(&self) -> Vec<PinnedSignalListener> {
        let mut out = Vec::new();
        for call in &self.calls {
            if call.method().map(|m| m.as_str()) != Some("addEventListener") || call.args.len() < 2
            {
                continue;
            }
            let Some(receiver) = call.receiver() else {
                continue;
            };
            let (Root::Binding(b), true) = (&receiver.root, receiver.props.is_empty()) else {
                continue;
            };
            if !api::is_abort_signal_listener(&receiver, call.arg(0)) {
                continue;
            }
            let binding = self.binding(*b);
            if binding.kind != BindingKind::Param {
                continue;
            }
            let Some(param) = self
                .function(binding.func)
                .params
                .iter()
                .position(|p| p == b)
            else {
                continue;
            };
            if signal_option(call) {
                continue;
            }
            let released_by_firing = if removals_of(self, &receiver, call).is_empty() {
                once_option(call)
            } else {
                removed_only_by_itself(self, &receiver, call)
            };
            if released_by_firing {
                out.push(PinnedSignalListener {
                    func: binding.func,
                    param: param as u32,
                    params: self.function(binding.func).params.len() as u32,
                    span: call.callee_span,
                });
            }
        }
        out
    }

    /// The calls of this module that hand a signal of their own caller's to a function of
    /// another module that pins a listener on it (the project pass's [`ImportedPinned`]): each
    /// call, what the pass says about the function, and the argument. The argument counts as the
    /// caller's when it is a parameter or a member of one (`signal`, `options.signal`), written
    /// so or through a constant (`const { signal } = options`); a signal made here, or returned
    /// by another call, is not. Empty (and no look at the calls) without such a function.
    pub fn pinned_calls(&self) -> Vec<(CallId, &ImportedPinned, Path)> {
        if self.project.pinned.is_empty() {
            return Vec::new();
        }
        let mut out = Vec::new();
        for (i, call) in self.calls.iter().enumerate() {
            if call.is_new {
                continue;
            }
            let Some((specifier, name)) = self.imported_callee(call) else {
                continue;
            };
            for p in &self.project.pinned {
                if p.specifier != specifier
                    || p.function != name
                    || call.args.len() < p.params as usize
                {
                    continue;
                }
                let Some(Value::Path(arg)) = call.arg(p.param as usize) else {
                    continue;
                };
                let resolved = self.resolve_const(arg).unwrap_or_else(|| arg.clone());
                let from_caller = resolved
                    .root_binding()
                    .is_some_and(|b| self.binding(b).kind == BindingKind::Param);
                if from_caller {
                    out.push((CallId::from_index(i), p, arg.clone()));
                }
            }
        }
        out
    }
}
