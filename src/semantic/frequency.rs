//! How often each function runs (docs/architecture.md): once at module load, a
//! number of times nobody in this file decides, or repeatedly — per request, per connection, per
//! event, per interval tick, or per call of an exported function.
//!
//! Computed as a fixpoint over the intra-file call graph: a function's frequency is the highest
//! of what each of its uses gives it (a callback of a route registration runs per request, a
//! function called from a repeated function is repeated, an exported one can be called any number
//! of times, a callback handed to `then`/`forEach`/an unknown function runs as often as the code
//! that hands it over).

use super::{
    api, BindingId, Call, CallId, ClassId, FuncId, FuncUse, Path, Root, SemanticModel, Value,
    MODULE,
};

/// Why a function runs repeatedly.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Repeat {
    /// A route handler or middleware (`app.get(path, fn)`, `http.createServer(fn)`): per request.
    Request(CallId),
    /// A connection callback (`wss.on('connection', fn)`, `net.createServer(fn)`): per connection.
    Connection(CallId),
    /// A listener (`x.on('data', fn)`): per event.
    Listener(CallId),
    /// A `setInterval` callback: per tick.
    Interval(CallId),
    /// The function that replaces a patched method (what the wrapper handed to
    /// `shimmer.wrap(target, name, wrapper)` returns, [`api::patched_method`]): on every call of
    /// that method.
    Patched(CallId),
    /// A React effect (`useEffect(fn)`, Svelte 5's `$effect(fn)`): per mount or dependency
    /// change; or a mount hook (`onMounted(fn)`, [`api::is_mount_hook`]): per mount.
    Effect(CallId),
    /// Exported: the callers are outside this file, so it may be called any number of times.
    Exported,
    /// Exported, and another module of the project uses it repeatedly (the whole-project pass,
    /// [`crate::project`]): as strong as a reason this file shows.
    Project(Box<super::RepeatedUse>),
    /// A method (the `FuncId`) of a class whose instances are used outside this function: the
    /// callers are wherever the instances go, so it may be called any number of times.
    Method(FuncId),
    /// Once per instance of a class that may have many: its constructor, and start-up methods
    /// (`start`, `connect`, `init`) that each instance runs once.
    Instance(ClassId),
    /// The module body of a component unit whose top-level code runs once per component
    /// instance (a `<script setup>`, a Svelte instance `<script>`): per mount, like a mount hook.
    Setup,
    /// The module body of an Astro component's frontmatter: on every request that renders it.
    Render,
    /// Called (or handed over as a callback) by another repeated function.
    CalledFrom(FuncId, Box<Repeat>),
}

impl Repeat {
    /// The original reason, through any chain of callers.
    pub fn origin(&self) -> &Repeat {
        match self {
            Repeat::CalledFrom(_, r) => r.origin(),
            r => r,
        }
    }

    /// The original reason with the function it belongs to, for the repetition of function
    /// `f`: `f` itself, or the last caller of the chain of [`Repeat::CalledFrom`] (an exported
    /// function whose callers repeat it, a constructor run once per instance).
    pub fn origin_of(&self, f: FuncId) -> (FuncId, &Repeat) {
        let mut from = f;
        let mut r = self;
        while let Repeat::CalledFrom(g, inner) = r {
            from = *g;
            r = inner;
        }
        (from, r)
    }

    /// True when the repetition is certain from this file alone (not only "it is exported", "it
    /// is a method", "once per instance").
    pub fn is_strong(&self) -> bool {
        !matches!(
            self.origin(),
            Repeat::Exported | Repeat::Method(_) | Repeat::Instance(_)
        )
    }

    /// The rank of [`Frequency::Repeated`] with this reason.
    fn rank(&self) -> u8 {
        if self.is_strong() {
            STRONG
        } else {
            2
        }
    }
}

/// How often a function runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Frequency {
    /// At most once per process: module top level, startup code called only from there.
    Once,
    /// Nobody in this file calls it (a method, a function stored somewhere): unknown.
    Unknown,
    /// Repeatedly, for the given reason.
    Repeated(Repeat),
}

/// The rank of a strong repetition ([`Frequency::is_strongly_repeated`]).
const STRONG: u8 = 3;

impl Frequency {
    /// Orders the frequencies for the fixpoint: once < unknown < merely exported < strongly
    /// repeated.
    fn rank(&self) -> u8 {
        match self {
            Frequency::Once => 0,
            Frequency::Unknown => 1,
            Frequency::Repeated(r) => r.rank(),
        }
    }

    /// True for [`Frequency::Repeated`].
    pub fn is_repeated(&self) -> bool {
        matches!(self, Frequency::Repeated(_))
    }

    /// True when it repeats because of a class's instances: once per instance (a constructor, a
    /// start-up method) or on every call of a method.
    pub fn is_per_instance(&self) -> bool {
        matches!(self, Frequency::Repeated(r) if matches!(r.origin(), Repeat::Instance(_) | Repeat::Method(_)))
    }

    /// True when it runs once per instance of a class (a constructor, a start-up method, or code
    /// only they call).
    pub fn is_once_per_instance(&self) -> bool {
        matches!(self, Frequency::Repeated(r) if matches!(r.origin(), Repeat::Instance(_)))
    }

    /// True when repeated for a reason visible in this file (request, connection, event, tick,
    /// effect), as opposed to merely exported.
    pub fn is_strongly_repeated(&self) -> bool {
        self.rank() == STRONG
    }
}

/// What handing a function to a call means for how often it runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallbackKind {
    /// It runs repeatedly on its own schedule.
    Repeats(Repeat),
    /// It runs as often as the code that hands it over (promise callbacks, array iteration,
    /// `setTimeout`, unknown functions).
    Inherits,
}

const ROUTE_METHODS: &[&str] = &[
    "get", "post", "put", "patch", "delete", "del", "all", "use", "head", "options", "any",
];
const LISTENER_METHODS: &[&str] = &["on", "addListener", "prependListener", "addEventListener"];
/// Events that fire once per emitter, so a listener for them runs once.
const ONE_SHOT_EVENTS: &[&str] = &[
    "listening",
    "ready",
    "close",
    "exit",
    "beforeExit",
    "SIGTERM",
    "SIGINT",
    "SIGHUP",
    "SIGUSR1",
    "SIGUSR2",
    "SIGQUIT",
    "SIGBREAK",
    "end",
    "finish",
    "open",
    "load",
    "DOMContentLoaded",
    "unload",
    "beforeunload",
    "ready-to-show",
    "online",
    "pipe",
    "unpipe",
    "newListener",
    "removeListener",
];
const CONNECTION_EVENTS: &[&str] = &["connection", "connect", "secureConnection"];
const REQUEST_EVENTS: &[&str] = &["request", "upgrade", "stream", "checkContinue"];
/// Hooks that run their first argument after each mount and again when its dependencies change,
/// and run the function it returns as its cleanup: React's effects and Svelte 5's `$effect` rune
/// (<https://svelte.dev/docs/svelte/$effect>).
const EFFECT_HOOKS: &[&str] = &[
    "useEffect",
    "useLayoutEffect",
    "useInsertionEffect",
    "$effect",
];

/// Whether `callee`, whose name is `method`, is an effect hook: one of [`EFFECT_HOOKS`], or a
/// hook named like one (`use…Effect`: `useIsomorphicLayoutEffect`, `useUpdateEffect`,
/// `useDeepCompareEffect`), the wrappers around `useEffect`/`useLayoutEffect` that keep their
/// contract (run after commit, again when the dependencies change, cleanup returned). A bundle
/// imports such a hook under a short name and binds it to its own (`u as useIsomorphicLayoutEffect`),
/// so the local name counts too.
fn is_effect_hook(model: &SemanticModel, callee: &Path, method: &str) -> bool {
    let local = match (callee.root_binding(), callee.props.is_empty()) {
        (Some(b), true) => Some(model.binding(b).name.as_str()),
        _ => None,
    };
    std::iter::once(method)
        .chain(local)
        .any(|n| EFFECT_HOOKS.contains(&n) || named_like_effect_hook(n))
}

/// `use` + a capitalised word + … + `Effect`, as React's own effect hooks are named.
fn named_like_effect_hook(name: &str) -> bool {
    name.strip_prefix("use")
        .and_then(|rest| rest.strip_suffix("Effect"))
        .and_then(|middle| middle.chars().next())
        .is_some_and(|c| c.is_ascii_uppercase())
}

/// Whether effect `call` (the call a [`Repeat::Effect`] names) runs its callback once per mount
/// of a component: a mount hook ([`api::is_mount_hook`]), or an effect with an empty dependency
/// list (`useEffect(fn, [])`). It repeats per mount, but not on the same mounted element.
pub fn runs_once_per_mount(model: &SemanticModel, call: &Call) -> bool {
    call.callee
        .as_ref()
        .is_some_and(|c| api::is_mount_hook(model, c))
        || matches!(call.arg(1), Some(Value::Array(items)) if items.is_empty())
}

fn looks_like_router(model: &SemanticModel, receiver: &Path) -> bool {
    let name = match (&receiver.root, receiver.props.last()) {
        (_, Some(p)) => p.as_str().to_string(),
        (Root::Binding(b), None) => model.binding(*b).name.to_string(),
        (Root::Global(g), None) => g.to_string(),
        _ => return false,
    };
    let lower = name.to_ascii_lowercase();
    [
        "app", "router", "server", "fastify", "api", "koa", "hono", "express", "instance",
        "routes", "route",
    ]
    .iter()
    .any(|w| lower == *w || lower.ends_with(w))
}

fn params_look_like_handler(model: &SemanticModel, f: FuncId) -> bool {
    let params = &model.function(f).params;
    let first = params.first().map(|b| model.binding(*b).name.as_str());
    matches!(first, Some("req" | "request" | "ctx" | "context" | "c"))
}

/// Whether listener `f`, registered by `call`, removes itself from the same receiver and event
/// whenever it runs: a removal naming `f`'s binding, directly in `f`'s body and not behind a
/// condition (`const onIdleError = (err) => { client.removeListener('error', onIdleError); … }`).
/// Such a listener runs once per registration, as a `once` listener does.
fn removes_itself(model: &SemanticModel, call: &Call, f: FuncId) -> bool {
    let Some(b) = model.function(f).binding else {
        return false;
    };
    let receiver = call.receiver();
    model.calls_mentioning(b).iter().any(|&id| {
        let r = &model.calls[id.index()];
        r.func == f
            && !r.guarded
            && r.method()
                .is_some_and(|m| api::REMOVE_LISTENER_METHODS.contains(&m.as_str()))
            && r.receiver() == receiver
            && r.arg(0) == call.arg(0)
            && matches!(r.arg(1), Some(Value::Path(p)) if p.as_binding() == Some(b))
    })
}

/// Classifies what passing function `f` as argument `index` of `call` means.
pub fn classify_callback(
    model: &SemanticModel,
    call: &Call,
    id: CallId,
    index: usize,
    f: FuncId,
) -> CallbackKind {
    let Some(callee) = &call.callee else {
        return CallbackKind::Inherits;
    };
    if model.is_global_function(callee, &["setInterval"]) && index == 0 {
        return CallbackKind::Repeats(Repeat::Interval(id));
    }
    let method = model.callee_name(callee).unwrap_or_default();
    let method = method.as_str();
    // A root component's mount hook runs once, like the setup code that registers it.
    let per_mount = api::is_mount_hook(model, callee) && !model.is_mounted_once();
    if (is_effect_hook(model, callee, method) || per_mount) && index == 0 {
        return CallbackKind::Repeats(Repeat::Effect(id));
    }
    if method == "createServer" || method == "createSecureServer" {
        let module = callee
            .root_binding()
            .and_then(|b| model.binding(b).source_module.clone())
            .unwrap_or_default();
        let name = callee
            .root_binding()
            .map(|b| model.binding(b).name.to_string())
            .unwrap_or_default();
        return if module.ends_with("net")
            || module.ends_with("tls")
            || name == "net"
            || name == "tls"
        {
            CallbackKind::Repeats(Repeat::Connection(id))
        } else {
            CallbackKind::Repeats(Repeat::Request(id))
        };
    }
    let receiver = call.receiver();
    if LISTENER_METHODS.contains(&method) && index >= 1 {
        let event = call.arg(0).and_then(|v| v.as_str());
        return match event {
            Some(e) if ONE_SHOT_EVENTS.contains(&e) => CallbackKind::Inherits,
            _ if removes_itself(model, call, f) => CallbackKind::Inherits,
            Some(e) if CONNECTION_EVENTS.contains(&e) => {
                CallbackKind::Repeats(Repeat::Connection(id))
            }
            Some(e) if REQUEST_EVENTS.contains(&e) => CallbackKind::Repeats(Repeat::Request(id)),
            _ => CallbackKind::Repeats(Repeat::Listener(id)),
        };
    }
    if let Some(receiver) = &receiver {
        if method == "addHook" && index >= 1 {
            return CallbackKind::Repeats(Repeat::Request(id));
        }
        if ROUTE_METHODS.contains(&method) && !call.is_new {
            let path_arg =
                matches!(call.arg(0), Some(Value::Str(s)) if s.starts_with('/') || s == "*");
            if path_arg
                || looks_like_router(model, receiver)
                || (index == 0 && params_look_like_handler(model, f) && call.args.len() == 1)
            {
                return CallbackKind::Repeats(Repeat::Request(id));
            }
        }
        if method == "route" && !call.is_new {
            return CallbackKind::Repeats(Repeat::Request(id));
        }
    }
    CallbackKind::Inherits
}

/// Names of start-up entry points (exact, case-insensitive): such a function runs once per process
/// unless this file shows it running per request or event (docs/architecture.md: `main()`, `bootstrap()`,
/// `start()`).
const STARTUP_NAMES: &[&str] = &[
    "init",
    "initialize",
    "main",
    "bootstrap",
    "start",
    "run",
    "boot",
    "launch",
    "daemon",
    "cli",
    "serve",
    "listen",
    "configure",
    "install",
];

fn is_startup_name(name: Option<&str>) -> bool {
    name.is_some_and(|n| STARTUP_NAMES.iter().any(|s| s.eq_ignore_ascii_case(n)))
}

/// What being a constructor or method of class `c` means for how often function `f` runs, before
/// any caller in this file is counted: a constructor of a class that code elsewhere can
/// instantiate runs once per instance (once when the whole-project pass knows every instance is
/// made at start-up, as often as the project makes them otherwise, unknown when only tests make
/// them); a method of a class whose instances exist (made here or elsewhere) runs any number of
/// times, one that nothing can reach an unknown number. `None` for a private class's
/// constructor, which runs where this file makes its instances (the call graph's edges).
fn class_use(model: &SemanticModel, c: ClassId, f: FuncId) -> Option<Frequency> {
    // A framework calls a decorated handler (`@Get()`) on every request, message or tick.
    if let Some((call, runs)) = api::handler_decorator(model, f) {
        return Some(Frequency::Repeated(match runs {
            api::HandlerRuns::Request => Repeat::Request(call),
            api::HandlerRuns::Message => Repeat::Listener(call),
            api::HandlerRuns::Tick => Repeat::Interval(call),
        }));
    }
    let public = model.class_is_public(c);
    if model.is_constructor(f) {
        // A container's singleton is made once, by the container.
        if api::is_container_singleton(model, c) {
            return Some(Frequency::Once);
        }
        if !public {
            return None;
        }
        return Some(
            match project_use(model, || model.export_names_of_class(c)) {
                Some(super::ProjectUse::Repeated(u)) => {
                    Frequency::Repeated(Repeat::Project(Box::new(u.clone())))
                }
                Some(super::ProjectUse::Once) => Frequency::Once,
                Some(super::ProjectUse::TestsOnly) => Frequency::Unknown,
                // Unused under some of its names only (the others unknown): the class stays
                // public (`class_is_public`), and other code may make instances.
                Some(super::ProjectUse::Unused) | None => Frequency::Repeated(Repeat::Instance(c)),
            },
        );
    }
    Some(if public || model.instantiations(c).next().is_some() {
        // A method the project calls repeatedly through an instance (a dependency-injection
        // consumer's `this.orders.remember(id)` in a request handler) runs that often; no
        // other answer about a member is sound (see `member_question`).
        match project_use(model, || model.member_export_names(f)) {
            Some(super::ProjectUse::Repeated(u)) => {
                Frequency::Repeated(Repeat::Project(Box::new(u.clone())))
            }
            _ => Frequency::Repeated(Repeat::Method(f)),
        }
    } else {
        Frequency::Unknown
    })
}

/// The call patching a method with the function `func` ([`api::patched_method`]): `func` is made
/// inside the wrapper handed to that call and escapes it (the wrapper's return value, which
/// replaces the method). `None` for any other function.
fn patching_call(model: &SemanticModel, func: &super::Function) -> Option<CallId> {
    if !func.uses.contains(&FuncUse::Escapes) {
        return None;
    }
    let wrapper = model.function(func.parent?);
    wrapper.uses.iter().find_map(|u| match *u {
        FuncUse::Argument { call, index } => {
            let c = &model.calls[call.index()];
            api::patched_method(model, c)
                .is_some_and(|(_, i)| i == index)
                .then_some(call)
        }
        _ => None,
    })
}

/// How the project uses an export known by the names `names` lists (listed only when the
/// whole-project pass told the model something), when it told.
fn project_use(
    model: &SemanticModel,
    names: impl FnOnce() -> Vec<swc_atoms::Atom>,
) -> Option<&super::ProjectUse> {
    // Without project facts (the first lint of every file) no name has a use: the names, a scan
    // of every export for each exported function, are not even listed.
    if model.project.is_empty() {
        return None;
    }
    let names = names();
    if names.is_empty() {
        return None;
    }
    model.project_use_of(&names)
}

/// The frequency that being exported gives function `f`: called any number of times from
/// elsewhere, unless the whole-project pass knows every use (then once when every use runs
/// once, unknown when only tests use it).
fn exported_frequency(model: &SemanticModel, f: FuncId) -> Option<Frequency> {
    match project_use(model, || model.export_names_of_func(f)) {
        Some(super::ProjectUse::Once) => Some(Frequency::Once),
        Some(super::ProjectUse::TestsOnly) => Some(Frequency::Unknown),
        Some(super::ProjectUse::Repeated(u)) => {
            Some(Frequency::Repeated(Repeat::Project(Box::new(u.clone()))))
        }
        // Only its own module calls it: its calls there decide, as for a private function.
        Some(super::ProjectUse::Unused) => None,
        None => Some(Frequency::Repeated(Repeat::Exported)),
    }
}

/// The export names whose uses elsewhere decide `freq`: those of the exported function its
/// repetition starts from, or of the class whose instances it runs once for. Empty when
/// `freq` does not depend on an export.
pub(super) fn deciding_exports(
    model: &SemanticModel,
    f: FuncId,
    freq: &Frequency,
) -> Vec<swc_atoms::Atom> {
    let Frequency::Repeated(r) = freq else {
        return Vec::new();
    };
    let (from, r) = r.origin_of(f);
    match r {
        Repeat::Exported => model.export_names_of_func(from),
        Repeat::Instance(c) => model.export_names_of_class(*c),
        Repeat::Method(m) => model.member_export_names(*m),
        _ => Vec::new(),
    }
}

/// How often each function of `model` runs, indexed by [`FuncId`] (the value behind
/// [`SemanticModel::frequencies`]).
pub(super) fn compute(model: &SemanticModel) -> Vec<Frequency> {
    let n = model.functions.len();
    let mut freq = vec![Frequency::Once; n];
    // Function-valued bindings: their calls and argument positions, found once.
    let mut by_binding: Vec<Vec<(CallId, Option<usize>)>> = vec![Vec::new(); n];
    for (b, binding) in model.bindings.iter().enumerate() {
        let Some(f) = binding.func_value else {
            continue;
        };
        let b = BindingId::from_index(b);
        for &c in model.calls_mentioning(b) {
            let call = &model.calls[c.index()];
            let as_callee =
                matches!(&call.callee, Some(p) if p.props.is_empty() && p.root == Root::Binding(b));
            if as_callee {
                by_binding[f.index()].push((c, None));
            }
            for (i, v) in call.args.iter().enumerate() {
                if matches!(v, Value::Path(p) if p.props.is_empty() && p.root == Root::Binding(b)) {
                    by_binding[f.index()].push((c, Some(i)));
                }
            }
        }
    }
    // What each use gives, classified once: the fixpoint below only propagates frequencies.
    // (the function whose code makes the call, what the call means for `f`)
    let mut edges: Vec<Vec<(FuncId, CallbackKind)>> = vec![Vec::new(); n];
    let mut fixed: Vec<Option<Frequency>> = vec![None; n];
    for f in 1..n {
        let func = &model.functions[f];
        let mut consider = |cand: Frequency| {
            if fixed[f]
                .as_ref()
                .is_none_or(|best| cand.rank() > best.rank())
            {
                fixed[f] = Some(cand);
            }
        };
        for u in &func.uses {
            match *u {
                FuncUse::Argument { call, index } => {
                    let c = &model.calls[call.index()];
                    edges[f].push((
                        c.func,
                        classify_callback(model, c, call, index, FuncId::from_index(f)),
                    ));
                }
                FuncUse::OptionOf { call } => {
                    let c = &model.calls[call.index()];
                    let routeish = c
                        .method()
                        .is_some_and(|m| ROUTE_METHODS.contains(&m.as_str()) || m == "route");
                    let kind = if routeish {
                        CallbackKind::Repeats(Repeat::Request(call))
                    } else {
                        CallbackKind::Inherits
                    };
                    edges[f].push((c.func, kind));
                }
                FuncUse::Called { call } => {
                    edges[f].push((model.calls[call.index()].func, CallbackKind::Inherits))
                }
                FuncUse::Exported => {
                    if let Some(f) = exported_frequency(model, FuncId::from_index(f)) {
                        consider(f)
                    }
                }
                FuncUse::Method if func.class.is_some() => {}
                FuncUse::Method | FuncUse::Escapes => consider(Frequency::Unknown),
            }
        }
        if let Some(call) = patching_call(model, func) {
            consider(Frequency::Repeated(Repeat::Patched(call)));
        }
        if let Some(c) = func.class {
            if let Some(freq) = class_use(model, c, FuncId::from_index(f)) {
                consider(freq);
            }
        }
        if let Some(b) = func.binding {
            if model.binding(b).exported {
                if let Some(f) = exported_frequency(model, FuncId::from_index(f)) {
                    consider(f)
                }
            }
        }
        for &(c, idx) in &by_binding[f] {
            let call = &model.calls[c.index()];
            // A recursive self-call does not make a function run more often than its first call.
            if call.func.index() == f {
                continue;
            }
            let kind = match idx {
                Some(i) => classify_callback(model, call, c, i, FuncId::from_index(f)),
                None => CallbackKind::Inherits,
            };
            edges[f].push((call.func, kind));
        }
    }
    // A constructor runs as often as the code that makes its instances; `this.name(…)` runs a
    // method of the same class as often as the calling code.
    for (c, class) in model.classes.iter().enumerate() {
        let c = ClassId(c as u32);
        if let Some(ctor) = class.constructor {
            for (_, call) in model.instantiations(c) {
                edges[ctor.index()].push((call.func, CallbackKind::Inherits));
            }
        }
    }
    // Without a class there is no method to run (most modules): the calls need no look.
    let calls = if model.classes.is_empty() {
        &[][..]
    } else {
        &model.calls[..]
    };
    for call in calls {
        let Some(callee) = &call.callee else { continue };
        let [name] = callee.props.as_slice() else {
            continue;
        };
        let Some(c) = model.class_of_root(callee, call.func) else {
            continue;
        };
        if let Some(m) = model.method_named(c, name) {
            if m != call.func {
                edges[m.index()].push((call.func, CallbackKind::Inherits));
            }
        }
    }
    // Each round looks for the highest-ranked candidate by rank alone (ranks are cached per
    // function: a rank follows a `CalledFrom` chain to its origin) and builds the frequency only
    // when it beats the stored one: building one clones its caller's chain.
    let mut ranks = vec![Frequency::Once.rank(); n];
    // A component's module body that runs per instance or per request
    // ([`SemanticModel::set_module_repeat`]): what it calls inherits that.
    let module = model
        .module_repeat()
        .map_or(Frequency::Once, |r| Frequency::Repeated(r.clone()));
    ranks[MODULE.index()] = module.rank();
    freq[MODULE.index()] = module.clone();
    // A static or object method that returns a fresh object (`static launch(options) { …;
    // return new Browser(…) }`) is a factory, run once per object made, whatever its name.
    let mut makes_object = vec![false; n];
    for call in &model.calls {
        if call.is_new && call.result == super::ResultUse::Returned {
            makes_object[call.func.index()] = true;
        }
    }
    let startup: Vec<bool> = model
        .functions
        .iter()
        .enumerate()
        .map(|(f, func)| {
            (is_startup_name(func.name.as_deref())
                && !(func.is_method && func.class.is_none() && makes_object[f]))
                || (func.class.is_some()
                    && func.name.as_deref().is_some_and(super::api::is_mount_name))
        })
        .collect();
    let fixed_ranks: Vec<u8> = fixed
        .iter()
        .map(|x| x.as_ref().map_or(Frequency::Once.rank(), Frequency::rank))
        .collect();
    // A function's verdict depends only on the ranks of its `Inherits` callers: after its first
    // evaluation it is looked at again only when one of them rose since (same rounds, same order
    // and same verdicts as evaluating every function each round; chains on `typescript.js` take
    // dozens of rounds over its 21,000 functions).
    let mut dependents: Vec<Vec<FuncId>> = vec![Vec::new(); n];
    for (f, list) in edges.iter().enumerate() {
        for (caller, kind) in list {
            if matches!(kind, CallbackKind::Inherits) {
                dependents[caller.index()].push(FuncId::from_index(f));
            }
        }
    }
    let mut stale = vec![true; n];
    for _round in 0..64 {
        let mut changed = false;
        for f in 1..n {
            if !std::mem::take(&mut stale[f]) {
                continue;
            }
            // The first candidate of the highest rank wins: `fixed`, then the edges in order.
            let mut best_rank = fixed_ranks[f];
            let mut best_edge = None;
            for (i, (caller, kind)) in edges[f].iter().enumerate() {
                let rank = match kind {
                    CallbackKind::Repeats(r) => r.rank(),
                    CallbackKind::Inherits => ranks[caller.index()],
                };
                if rank > best_rank {
                    best_rank = rank;
                    best_edge = Some(i);
                }
            }
            let mut verdict = None;
            // No use, no export and no caller in this file: who runs it is unknown.
            if fixed[f].is_none() && edges[f].is_empty() {
                verdict = Some(Frequency::Unknown);
                best_rank = Frequency::Unknown.rank();
            }
            if best_rank != STRONG && startup[f] {
                // A class's start-up method runs once per instance; a plain one once per process.
                let once = match model.functions[f].class {
                    Some(c) if model.may_have_many_instances(c) => {
                        Frequency::Repeated(Repeat::Instance(c))
                    }
                    _ => Frequency::Once,
                };
                best_rank = once.rank();
                verdict = Some(once);
            }
            if best_rank <= ranks[f] {
                continue;
            }
            freq[f] = match (verdict, best_edge) {
                (Some(v), _) => v,
                (None, None) => fixed[f].clone().unwrap_or(Frequency::Once),
                (None, Some(i)) => match &edges[f][i] {
                    (_, CallbackKind::Repeats(r)) => Frequency::Repeated(r.clone()),
                    (caller, CallbackKind::Inherits) => match &freq[caller.index()] {
                        Frequency::Repeated(r) if *caller != FuncId::from_index(f) => {
                            Frequency::Repeated(Repeat::CalledFrom(*caller, Box::new(r.clone())))
                        }
                        other => other.clone(),
                    },
                },
            };
            ranks[f] = best_rank;
            changed = true;
            for &g in &dependents[f] {
                stale[g.index()] = true;
            }
        }
        if !changed {
            break;
        }
    }
    freq[MODULE.index()] = module;
    freq
}
