//! Listeners that the instances of a class hold on a process-lived object between two of its
//! methods: `handle()` adds `process.on('uncaughtException', this.catcher)`, `unhandle()` removes
//! it. Until the removing method runs, the process-lived object reaches the instance through the
//! handler, so whoever keeps such an instance must call it before dropping the instance. The
//! class's own file is silent about that duty (its removal exists); its owners are where it is
//! kept or forgotten: a class that stores `new CrashHandler(this)` in a field and calls
//! `handle()` on it, whose teardown (`close()`) never calls `unhandle()`.

use swc_atoms::Atom;

use super::lifetime::Owner;
use super::{api, CallId, ClassId, FuncId, Path, Root, SemanticModel, Target, Value};
use crate::diagnostic::ByteSpan;
use crate::source::PositionRange;

/// A listener the instances of one class hold on a process-lived object: some of its methods
/// add it, others remove it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct HeldListener {
    /// The methods that add the listener (`handle`), by name.
    pub adds: Vec<Atom>,
    /// The methods that remove it (`unhandle`), by name.
    pub removes: Vec<Atom>,
    /// The object it is added to, as the class's module writes it (`process`).
    pub owner: String,
    /// The event, when it is a string literal (`uncaughtException`).
    pub event: Option<String>,
    /// The first registration: a byte span of the class's module.
    pub span: ByteSpan,
}

impl SemanticModel {
    /// The listeners the instances of each class hold (see [`HeldListener`]), with their class:
    /// for each registration, in a named method of a class, of a listener on a process-lived
    /// object ([`Owner::Process`]: a global such as `process` or `window`, a module-level
    /// emitter) that another named method of the same class removes from the same object (same
    /// event, same handler). Registrations of one class with the same owner and event are
    /// merged. Empty for most files; one pass over the calls, plus one per registration found.
    pub fn held_listeners(&self) -> Vec<(ClassId, HeldListener)> {
        let mut out: Vec<(ClassId, HeldListener)> = Vec::new();
        for add in &self.calls {
            let Some(receiver) = self.listener_receiver(add, api::ADD_LISTENER_METHODS) else {
                continue;
            };
            let Some((c, adder)) = self.enclosing_method(add.func) else {
                continue;
            };
            if add.args.len() < 2 || self.owner_of(&receiver) != Owner::Process {
                continue;
            }
            let owner = receiver.display(self).to_string();
            let event = add.arg(0).and_then(Value::as_str).map(str::to_string);
            let removers: Vec<Atom> = super::cleanup::removals_of(self, &receiver, add)
                .into_iter()
                .filter_map(|r| self.enclosing_method(r.func))
                .filter(|(rc, name)| *rc == c && *name != adder)
                .map(|(_, name)| name)
                .collect();
            if removers.is_empty() {
                continue;
            }
            match out
                .iter_mut()
                .find(|(k, h)| *k == c && h.owner == owner && h.event == event)
            {
                Some((_, known)) => {
                    push_new(&mut known.adds, adder);
                    removers
                        .into_iter()
                        .for_each(|r| push_new(&mut known.removes, r));
                }
                None => {
                    let mut removes = Vec::new();
                    removers.into_iter().for_each(|r| push_new(&mut removes, r));
                    out.push((
                        c,
                        HeldListener {
                            adds: vec![adder],
                            removes,
                            owner,
                            event,
                            span: add.callee_span,
                        },
                    ));
                }
            }
        }
        out
    }

    /// The receiver of `call` when it calls one of `methods` on a path.
    fn listener_receiver(&self, call: &super::Call, methods: &[&str]) -> Option<Path> {
        let method = call.method()?;
        if call.is_new || !methods.contains(&method.as_str()) {
            return None;
        }
        call.receiver()
    }

    /// The class and name of the named method (not the constructor) that function `f` is, or
    /// is nested in.
    fn enclosing_method(&self, f: FuncId) -> Option<(ClassId, Atom)> {
        let mut cur = Some(f);
        while let Some(g) = cur {
            let func = self.function(g);
            if let Some(c) = func.class {
                return self
                    .class(c)
                    .methods
                    .contains(&g)
                    .then(|| func.name.clone().map(|name| (c, name)))
                    .flatten();
            }
            cur = func.parent;
        }
        None
    }
}

fn push_new(list: &mut Vec<Atom>, name: Atom) {
    if !list.contains(&name) {
        list.push(name);
    }
}

/// Where the held listener of a [`ForgottenRelease`] is added.
#[derive(Debug, Clone, PartialEq)]
pub enum HeldIn {
    /// In this module, at the held listener's span.
    ThisModule,
    /// In another module (the project pass's [`ImportedHeld`]): its path as the walk found it,
    /// and the registration's range there.
    Module(String, PositionRange),
}

/// A class that keeps an instance holding a listener ([`HeldListener`]) in an instance field,
/// makes it add the listener, and has a teardown that never makes it remove the listener: every
/// torn-down owner stays reachable from the process-lived object through the held handler.
#[derive(Debug, Clone)]
pub struct ForgottenRelease {
    /// The owning class.
    pub owner: ClassId,
    /// The field that keeps the instance (`crashes` for `this.crashes`).
    pub field: Atom,
    /// The first call of an adding method on that field (`this.crashes.handle()`).
    pub subscribe: CallId,
    /// The owner's teardown method (`close`).
    pub teardown: FuncId,
    /// The held listener.
    pub held: HeldListener,
    /// Where the held listener is added.
    pub held_in: HeldIn,
}

/// What the project pass tells a module about a class of another module whose instances hold a
/// listener ([`HeldListener`]) and which the module instantiates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedHeld {
    /// The import specifier as the importing module writes it.
    pub specifier: String,
    /// The class's name as imported (`default` for `module.exports = class …`).
    pub class: Atom,
    /// The held listener.
    pub held: HeldListener,
    /// The class's module, as the walk found it.
    pub file: String,
    /// Where the listener is added in that module.
    pub at: PositionRange,
}

impl SemanticModel {
    /// The owners in this module that forget to release a held listener (see
    /// [`ForgottenRelease`]): for each instance field written with `new C(…)` in a class that
    /// has a teardown method, where `C` is a class of this module or, from the project pass, of
    /// another ([`ImportedHeld`]) whose instances hold a listener; reported when a method of
    /// the owner calls an adding method on the field and no teardown calls a removing one
    /// (directly or through the owner's own methods it calls on the instance,
    /// [`SemanticModel::methods_reached`]).
    pub fn forgotten_releases(&self) -> Vec<ForgottenRelease> {
        let mut out = Vec::new();
        let mut local: Option<Vec<(ClassId, HeldListener)>> = None;
        for a in &self.assigns {
            let (Target::Path(t), Value::Call(made)) = (&a.target, &a.value) else {
                continue;
            };
            let [field] = t.props.as_slice() else {
                continue;
            };
            let made = &self.calls[made.index()];
            if !matches!(t.root, Root::This) || !made.is_new {
                continue;
            }
            let Some(owner) = self.this_class(a.func) else {
                continue;
            };
            let teardowns = self.teardown_methods(owner);
            if teardowns.is_empty() {
                continue;
            }
            let mut held: Vec<(HeldListener, HeldIn)> = self
                .imported_held(made)
                .map(|h| (h.held.clone(), HeldIn::Module(h.file.clone(), h.at)))
                .collect();
            if let Some(c) = self.local_class_of(made) {
                let local = local.get_or_insert_with(|| self.held_listeners());
                held.extend(
                    local
                        .iter()
                        .filter(|(k, _)| *k == c)
                        .map(|(_, h)| (h.clone(), HeldIn::ThisModule)),
                );
            }
            if held.is_empty() {
                continue;
            }
            // The teardowns and the owner's methods they call on the instance.
            let teardown = teardowns[0];
            let reached = self.methods_reached(owner, teardowns);
            for (h, held_in) in held {
                let on_field = |k: &super::Call, methods: &[Atom]| {
                    k.callee.as_ref().is_some_and(|p| {
                        matches!(p.root, Root::This)
                            && matches!(p.props.as_slice(), [f, m] if f == field && methods.contains(m))
                    }) && self.this_class(k.func) == Some(owner)
                };
                let Some(subscribe) = self.calls.iter().position(|k| on_field(k, &h.adds)) else {
                    continue;
                };
                let released = self.calls.iter().any(|k| {
                    on_field(k, &h.removes) && reached.iter().any(|&m| self.is_within(k.func, m))
                });
                if released {
                    continue;
                }
                out.push(ForgottenRelease {
                    owner,
                    field: field.clone(),
                    subscribe: CallId::from_index(subscribe),
                    teardown,
                    held: h,
                    held_in,
                });
            }
        }
        out
    }

    /// The project pass's classes of other modules that `call` (a `new`) instantiates and whose
    /// instances hold a listener.
    pub fn imported_held<'a>(
        &'a self,
        call: &super::Call,
    ) -> impl Iterator<Item = &'a ImportedHeld> + 'a {
        let imported = if self.project.held.is_empty() {
            None
        } else {
            self.imported_callee(call).map(|(s, n)| (s.to_string(), n))
        };
        self.project.held.iter().filter(move |h| {
            imported
                .as_ref()
                .is_some_and(|(s, n)| h.specifier == *s && h.class == *n)
        })
    }

    /// The class of this module that `call`'s callee names (`new CrashHandler(…)`).
    fn local_class_of(&self, call: &super::Call) -> Option<ClassId> {
        let b = call.callee.as_ref()?.as_binding()?;
        self.classes
            .iter()
            .position(|c| c.binding == Some(b))
            .map(ClassId::from_index)
    }
}
