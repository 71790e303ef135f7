//! What library and platform APIs do to lifetimes, in one place the model and the rules ask
//! (instead of name lists inside each rule). Each fact names where it comes from.
//!
//! - Node's `http.ClientRequest` emits `'socket'` with the socket it was given; with a keep-alive
//!   agent that socket is pooled and serves many requests (Node docs, `http.Agent`: "sockets are
//!   reused"), so a listener added to it per request outlives the request.
//! - An `AbortSignal` is the only common `EventTarget` whose event is `'abort'` (DOM Standard §3.1,
//!   `AbortSignal`); signals are routinely shared by many operations (one per request, one per
//!   app), and an `'abort'` listener, `once` or not, stays until the signal aborts — which for a
//!   long-lived signal is never. Node warns past 10 such listeners (`events.setMaxListeners`).
//! - `socket.setTimeout(ms, cb)` and `request.setTimeout(ms, cb)` add `cb` as a `'timeout'`
//!   listener (Node docs, `net.Socket.setTimeout`: "the optional callback parameter will be
//!   added as a one-time listener for the 'timeout' event").
//! - After a stream's `'end'`/`'finish'`/`'close'`, or a child process's `'exit'`, the object is
//!   done: listeners left on it go with it (Node docs, `stream`: "The 'close' event is emitted
//!   when the stream and any of its underlying resources have been closed … no more events will
//!   be emitted"). A `'error'` listener left after `'connect'` or `'ready'`, by contrast, stays on
//!   an object that lives on.
//! - An observable's `subscribe(observer)` (RxJS `Observable.prototype.subscribe`, the TC39
//!   Observable proposal) keeps the observer until the source completes or the returned
//!   subscription is unsubscribed; operators that end a subscription early (`take`, `first`,
//!   `takeUntil`, `takeWhile`, Angular's `takeUntilDestroyed`) bound it.
//! - `f.bind(thisArg, …)` returns a bound function whose `[[BoundTargetFunction]]` is `f`
//!   (ECMA-262 §10.4.1.3, BoundFunctionCreate): holding the bound function holds `f`.
//! - `new Promise(executor)` runs `executor` at once, with `resolve` and `reject` as its first two
//!   parameters (ECMA-262 §27.2.3.1): whatever settles the promise is one outcome of the work.
//! - A client checked out of a connection pool (node-postgres `pool.connect()`, mysql/mysql2
//!   `pool.getConnection()`, generic-pool `pool.acquire()`) is handed back with `release()` and
//!   then serves the next checkout (node-postgres docs, "Pooling": "you must call
//!   `client.release()` to return the client to the pool"; mysql docs, "Pooling connections"):
//!   a listener added per checkout stays on the reused client.
//! - Vue ties what `watch`/`watchEffect`, `onScopeDispose`, `onUnmounted` and
//!   `onBeforeUnmount` set up to the effect scope (the component) active when they are called,
//!   and stops or runs it when that scope ends; after an `await` no scope is active any more
//!   (Vue docs, "Composables › Usage Restrictions": composables "should also be called
//!   synchronously"; "Watchers › Stopping a Watcher": "if the watcher is created in an async
//!   callback, it won't be bound to the owner component and must be stopped manually"). VueUse's
//!   `tryOnScopeDispose`/`tryOnUnmounted`/`tryOnBeforeUnmount` and `useEventListener` register
//!   their cleanup the same way (VueUse docs, "useEventListener": "auto-removed on unmounted").
//! - A Vue watcher whose callback runs at once — `watch(source, cb, { immediate: true })`,
//!   `watchEffect(fn)`, `watchSyncEffect(fn)` — runs it inside the call, before the call returns
//!   the stop handle (Vue docs, "Watchers › Eager Watchers"; `watchEffect` "runs a function
//!   immediately"): a callback that stops the watcher through the variable the handle is assigned
//!   to finds it unset on that first run.
//! - A NestJS provider or controller (`@Injectable()`, `@Controller()`, `@Resolver()`,
//!   `@WebSocketGateway()`) of the default scope is a singleton: the dependency-injection
//!   container makes one instance and shares it for the application's lifetime (NestJS docs,
//!   "Injection scopes": "a single instance of the provider is shared across the entire
//!   application … singleton scope is the default"); `scope: Scope.REQUEST` or `TRANSIENT`
//!   makes one per request or per consumer. Angular's `@Injectable({ providedIn: 'root' })` is
//!   likewise one instance per application (Angular docs, "Hierarchical injectors").
//! - A controller method decorated with a route (`@Get()`, `@Post()`, … from `@nestjs/common`)
//!   runs on every matching request, a `@MessagePattern()`/`@EventPattern()` handler
//!   (`@nestjs/microservices`) or `@SubscribeMessage()` handler (`@nestjs/websockets`) on every
//!   message, an `@OnEvent()` handler (`@nestjs/event-emitter`) on every event, and a
//!   `@Cron()`/`@Interval()` method (`@nestjs/schedule`) on every tick (NestJS docs,
//!   "Controllers", "Microservices", "Gateways", "Events", "Task scheduling").
//! - `shimmer.wrap(nodule, name, wrapper)` replaces `nodule[name]` with what `wrapper(original)`
//!   returns (shimmer's README: "wrap(nodule, name, wrapper) … wrapper is a function that takes
//!   the original function and returns the replacement"): the returned function runs on every
//!   call of the patched method, by every user of `nodule` (a patched `Server.prototype.emit`
//!   runs on every event of every server).

use super::{Path, Value};

/// Events after which their emitter does nothing more (see the module docs): waiting for one of
/// them alongside `'error'` is waiting for the object's end, not for one piece of work on it.
pub const TERMINAL_EVENTS: &[&str] = &["end", "finish", "close", "exit", "destroy", "destroyed"];

/// Events by which one piece of work on an object it made comes to an end, one way or another
/// (XMLHttpRequest's `load`/`loadend`/`error`/`abort`/`timeout` events, also as `on<event>`
/// properties; a Node client request's `response`/`error`/`timeout`/`close`; a stream's
/// `end`/`finish`/`close`): handlers for two of them on the same object are two ways the work ends.
pub const COMPLETION_EVENTS: &[&str] = &[
    "load", "loadend", "error", "abort", "timeout", "response", "end", "finish", "close",
];

/// Process events that come when the process is about to end (Node docs, `process` events and
/// signal events): their handlers end the process or run its teardown, so whatever they hold
/// is held until the end anyway.
pub const TERMINATION_EVENTS: &[&str] = &["exit", "beforeExit", "SIGTERM", "SIGINT", "SIGQUIT"];

/// The method that subscribes an observer to an observable.
pub const SUBSCRIBE_METHOD: &str = "subscribe";

/// The method a source is piped through operators with (`source.pipe(map(f), take(1))`).
pub const PIPE_METHOD: &str = "pipe";

/// Operators that end a subscription on their own (see the module docs).
pub const ENDING_OPERATORS: &[&str] = &[
    "take",
    "first",
    "takeUntil",
    "takeWhile",
    "takeUntilDestroyed",
    "takeLast",
    "single",
    "timeout",
];

/// The method whose result keeps its receiver function alive (see the module docs).
pub const BIND_METHOD: &str = "bind";

/// Whether `callee` names the global `Promise` constructor.
pub fn is_promise_constructor(callee: &Path) -> bool {
    callee.props.is_empty() && matches!(&callee.root, super::Root::Global(g) if g == "Promise")
}

/// Whether `callee` is `Promise.resolve`, whose promise settles with its argument (or with what
/// the argument settles with).
pub fn is_promise_resolve(callee: &Path) -> bool {
    matches!(&callee.root, super::Root::Global(g) if g == "Promise")
        && matches!(callee.props.as_slice(), [m] if m == "resolve")
}

/// The promise reaction whose first callback receives the value the promise settles with.
pub const PROMISE_THEN: &str = "then";

/// The emitter method that removes every listener of an event (`removeAllListeners('error')`),
/// or of all events when called without one.
pub const REMOVE_ALL_LISTENERS_METHOD: &str = "removeAllListeners";

/// Names of methods that end an object's life or its participation in something: a release found
/// only in such a method runs at teardown, not when each unit of work completes. The framework
/// lifecycle callbacks ([`FRAMEWORK_TEARDOWN`]) are teardown names too.
const TEARDOWN_METHODS: &[&str] = &[
    "close",
    "destroy",
    "dispose",
    "shutdown",
    "stop",
    "terminate",
    "disconnect",
    "quit",
    "kill",
    "end",
    "teardown",
    "cleanup",
];

/// Whether a function named `name` is a teardown method (one of the names above, compared
/// case-insensitively, with a leading `_` or `#` ignored; `closeBlock` is not one).
pub fn is_teardown_name(name: &str) -> bool {
    let name = name.trim_start_matches(['_', '#']);
    TEARDOWN_METHODS
        .iter()
        .chain(FRAMEWORK_TEARDOWN)
        .any(|t| name.eq_ignore_ascii_case(t))
}

/// Whether a listener registration for `event` on `receiver` is on an `AbortSignal`: the event is
/// `'abort'` and the receiver is not an XHR or media element (those also emit `'abort'`, and are
/// made per operation).
pub fn is_abort_signal_listener(receiver: &Path, event: Option<&Value>) -> bool {
    event.and_then(Value::as_str) == Some("abort")
        && !receiver.props.last().is_some_and(|p| {
            let p = p.to_ascii_lowercase();
            p.contains("xhr") || p.contains("request") || p.contains("video") || p.contains("audio")
        })
}

/// The event `ClientRequest` emits with its (possibly pooled) socket.
pub const CLIENT_SOCKET_EVENT: &str = "socket";

/// Methods that add their second argument as a listener on the receiver (Node `EventEmitter`).
pub const ADD_LISTENER_METHODS: &[&str] = &["on", "addListener", "prependListener"];

/// Every method that registers its second argument as a listener: Node `EventEmitter`'s (the
/// `once` forms included) and DOM `EventTarget.addEventListener`.
pub const REGISTER_LISTENER_METHODS: &[&str] = &[
    "on",
    "addListener",
    "prependListener",
    "addEventListener",
    "once",
    "prependOnceListener",
];

/// The `EventEmitter` methods whose listener is removed when the event fires (Node docs,
/// `emitter.once`, `emitter.prependOnceListener`).
pub const ONCE_METHODS: &[&str] = &["once", "prependOnceListener"];

/// Methods that remove a listener (Node `EventEmitter`, DOM `EventTarget`).
pub const REMOVE_LISTENER_METHODS: &[&str] = &["off", "removeListener", "removeEventListener"];

/// The built-in constructors whose `push`/`add`/`set` keep what they are given until it is removed
/// (ECMA-262 `Array`, `Set`, `Map`). An instance of any other class has its own `push` (a task
/// queue that consumes its entries, a buffer that flushes): what it keeps is not known from here.
pub const BUILTIN_COLLECTIONS: &[&str] = &["Array", "Set", "Map"];

/// Methods that store their argument in a collection (`Array`, `Set`, `Map`).
pub const STORE_METHODS: &[&str] = &["push", "unshift", "add", "set"];

/// The methods that look a key up in a `Map` or `Set` (ECMA-262 `Map.prototype.get`/`has`,
/// `Set.prototype.has`): a table asked with them is a memo or an index, not only a log.
pub const LOOKUP_METHODS: &[&str] = &["get", "has"];

/// Whether a method of that name only keeps, looks up or drops the values it is given, never
/// calls them: the collection methods of `Array`, `Set` and `Map` that take elements or keys
/// (ECMA-262 §23.1.3, §24.1.3, §24.2.3), and the listener methods of `EventEmitter`/`EventTarget`
/// (a registration runs the handler later, on its event, not now).
pub fn keeps_argument_without_calling(method: &str) -> bool {
    STORE_METHODS.contains(&method)
        || REGISTER_LISTENER_METHODS.contains(&method)
        || ONCE_METHODS.contains(&method)
        || REMOVE_LISTENER_METHODS.contains(&method)
        || matches!(
            method,
            "delete" | "has" | "get" | "indexOf" | "lastIndexOf" | "includes" | "splice"
        )
}

/// The events a `net.Socket`/`tls.TLSSocket` emits once while it connects (Node docs, `net`:
/// `'lookup'`, `'connect'`, `'ready'`; `tls`: `'secureConnect'`): a `once` listener for one of
/// them, added while the socket is still connecting, goes when the socket connects.
pub const SOCKET_CONNECT_EVENTS: &[&str] = &["lookup", "connect", "ready", "secureConnect"];

/// The `net.Socket` property that is `true` until the socket has connected (Node docs,
/// `socket.connecting`).
pub const SOCKET_CONNECTING_PROPERTY: &str = "connecting";

/// Properties that hold a request's or response's underlying socket: on a keep-alive connection
/// (server side) or a pooled agent socket (client side) it outlives the request.
pub const SOCKET_PROPERTIES: &[&str] = &["socket", "connection"];

/// Methods that register their last argument as a `'timeout'` listener on the receiver's socket.
pub const SET_TIMEOUT_METHOD: &str = "setTimeout";

/// Globals that live as long as the process or the page (a listener on them is never collected).
pub const PROCESS_GLOBALS: &[&str] = &[
    "process",
    "window",
    "document",
    "globalThis",
    "global",
    "self",
];

/// Bundler helpers that return their first argument after naming it (esbuild's `__name`).
pub const NAME_HELPERS: &[&str] = &["__name"];

/// Bundler helpers that export a module's bindings through getters (esbuild's
/// `__export(target, { name: () => name })`).
pub const EXPORT_HELPERS: &[&str] = &["__export"];

/// A promise's reaction methods: each runs its callback at most once, after the promise
/// settles.
pub const PROMISE_REACTIONS: &[&str] = &["then", "catch", "finally"];

/// Array iteration methods: each runs its callback during the call, once per element.
const ITERATION_METHODS: &[&str] = &[
    "forEach",
    "map",
    "filter",
    "some",
    "every",
    "find",
    "findIndex",
    "reduce",
    "flatMap",
];

/// Whether a method named `method` runs the callback handed to it during the call or once later
/// (array iteration, promise reactions), so the callback runs no more often than the code that
/// hands it over.
pub fn runs_callback_now(method: &str) -> bool {
    ITERATION_METHODS.contains(&method) || PROMISE_REACTIONS.contains(&method)
}

/// Names of the helpers transpilers emit to re-export all of another module's names:
/// TypeScript's and tslib's `__exportStar(require('./a'), exports)`, esbuild's
/// `__reExport(target, require('./a'))`. Either argument may be the `require` call.
pub const REEXPORT_HELPERS: &[&str] = &["__exportStar", "__reExport"];

/// Names of methods that detach an object from what it was added to (a map control's `remove()`,
/// a plugin's `onRemove()`), besides the teardown names: where a class removes the listeners it
/// added to an owner that outlives it.
const DETACH_METHODS: &[&str] = &[
    "remove",
    "onRemove",
    "detach",
    "unbind",
    "uninstall",
    "unregister",
    "unsubscribe",
    "removeFrom",
];

/// Whether a method named `name` detaches its object: a teardown name or one of the above
/// (compared as [`is_teardown_name`] does).
pub fn is_detach_name(name: &str) -> bool {
    let bare = name.trim_start_matches(['_', '#']);
    is_teardown_name(name) || DETACH_METHODS.iter().any(|t| bare.eq_ignore_ascii_case(t))
}

/// Teardown callbacks a UI framework calls by itself when a component or element goes away
/// (React's `componentWillUnmount`, custom elements' `disconnectedCallback`, Angular's
/// `ngOnDestroy`, NestJS's `onModuleDestroy`, Vue's `beforeDestroy`/`beforeUnmount`/`unmounted`/
/// `destroyed`, and the `unmount` of mount/unmount component APIs): a release there happens
/// whenever the instance ends, without its user remembering to call anything.
const FRAMEWORK_TEARDOWN: &[&str] = &[
    "unmount",
    "componentWillUnmount",
    "disconnectedCallback",
    "ngOnDestroy",
    "onModuleDestroy",
    "beforeDestroy",
    "beforeUnmount",
    "unmounted",
    "destroyed",
];

/// Transpilers' class helpers, by the names Babel (`_name`) and SWC (`_snake_name`) give them.
/// A constructor-return helper returns the instance a derived constructor goes on with
/// (`_this = _possibleConstructorReturn(this, _getPrototypeOf(C).call(this, props))`,
/// `_this = _callSuper(this, C, [props])`): its result is the constructor's `this`.
pub const CONSTRUCTOR_RETURN_HELPERS: &[&str] = &[
    "_possibleConstructorReturn",
    "_callSuper",
    "_possible_constructor_return",
    "_call_super",
];

/// The helper that checks `super()` ran and returns its argument, the instance
/// (`_assertThisInitialized(_this)`).
pub const ASSERT_THIS_HELPERS: &[&str] = &["_assertThisInitialized", "_assert_this_initialized"];

/// The helpers class-properties output defines an instance field with, in the constructor
/// (Babel's `_defineProperty(this, "onResize", () => …)`, SWC's `_define_property`, esbuild's
/// and TypeScript's `__publicField(this, "onResize", …)`): `(instance, name, value)`.
pub const DEFINE_FIELD_HELPERS: &[&str] = &["_defineProperty", "_define_property", "__publicField"];

/// The helper a transpiled class's constructor function starts with (`_classCallCheck(this, C)`):
/// it throws unless called with `new`, so the function is a class constructor.
pub const CLASS_CALL_CHECK_HELPERS: &[&str] = &["_classCallCheck", "_class_call_check"];

/// Mount callbacks a UI framework calls once on each instance when it starts (React's
/// `componentDidMount` and `componentWillMount`, Angular's `ngOnInit`, NestJS's `onModuleInit`,
/// Vue class components' `created`/`beforeMount`/`mounted`): as a class's method, like a start-up
/// method, it runs once per instance, not on every call of something.
const FRAMEWORK_MOUNT: &[&str] = &[
    "componentDidMount",
    "componentWillMount",
    "UNSAFE_componentWillMount",
    "ngOnInit",
    "onModuleInit",
    "created",
    "beforeMount",
    "mounted",
];

/// Component lifecycle hooks of the composition APIs that call their callback once each time a
/// component instance mounts: Vue's `onMounted`/`onBeforeMount`
/// (<https://vuejs.org/api/composition-api-lifecycle.html>) and Svelte's `onMount`
/// (<https://svelte.dev/docs/svelte/lifecycle-hooks>), whose returned function, like a React
/// effect's, is the cleanup run when the instance is destroyed. Their teardown counterparts
/// (Vue's `onUnmounted`/`onBeforeUnmount`, Svelte's `onDestroy`) need no entry: a removal in
/// them is found wherever it is, as in any function of the file.
const MOUNT_HOOKS: &[&str] = &["onMounted", "onBeforeMount", "onMount"];

/// Whether a call of `callee` in `model` registers a mount hook (Vue's `onMounted` and
/// `onBeforeMount`, Svelte's `onMount`): the hook called by its bare name (imported, under any
/// local name, or a global as with Nuxt's auto-imports), not a method of some object
/// (`editor.onMount(…)` is another library's event).
pub fn is_mount_hook(model: &super::SemanticModel, callee: &Path) -> bool {
    let bare = callee.props.is_empty()
        && match &callee.root {
            super::Root::Global(_) => true,
            super::Root::Binding(b) => model.binding(*b).kind == super::BindingKind::Import,
            _ => false,
        };
    // `callee_name` gives an import's imported name: `import { onMounted as m }` is the hook.
    bare && model
        .callee_name(callee)
        .is_some_and(|n| MOUNT_HOOKS.contains(&n.as_str()))
}

/// Whether a class method named `name` is a framework mount callback (`FRAMEWORK_MOUNT`, exact).
pub fn is_mount_name(name: &str) -> bool {
    FRAMEWORK_MOUNT.contains(&name)
}

/// Names of methods that abandon a piece of scheduled or pending work (a job's `cancel()`, a
/// request's `abort()`): like a detach method, its user has to call it.
const ABANDON_METHODS: &[&str] = &["cancel", "abort"];

/// Whether a method named `name` releases its object only when its user calls it: a teardown,
/// detach or abandon name ([`is_teardown_name`], [`is_detach_name`], `cancel`, `abort`) that is
/// not a framework lifecycle callback (those run by themselves when the component goes).
/// Takes the method's name; compared as [`is_teardown_name`] does.
pub fn is_user_release_name(name: &str) -> bool {
    let bare = name.trim_start_matches(['_', '#']);
    let framework = FRAMEWORK_TEARDOWN
        .iter()
        .any(|t| bare.eq_ignore_ascii_case(t));
    !framework
        && (is_detach_name(name) || ABANDON_METHODS.iter().any(|t| bare.eq_ignore_ascii_case(t)))
}

/// Node's `domain` module: `domain.add(emitter)` pushes the emitter (or timer) onto the domain's
/// `members` array, where it stays until `domain.remove(emitter)` (Node docs, `domain.add`:
/// "explicitly adds an emitter to the domain"; `domain.members`: "an array of timers and event
/// emitters that have been explicitly added to the domain"). An emitter's `domain` property is
/// the domain that was active when it was made, which lives as long as that context.
pub const DOMAIN_MODULES: &[&str] = &["domain", "node:domain"];

/// Whether `receiver`, as seen from the model, is a domain: an object's `domain` property
/// (`pool.domain`, `this.domain`), or a binding made by `domain.create()` of the `domain` module.
/// Takes the model and the receiver path; returns the verdict.
pub fn is_domain(model: &super::SemanticModel, receiver: &Path) -> bool {
    if receiver.props.last().is_some_and(|p| p == "domain") {
        return true;
    }
    let Some(b) = receiver
        .root_binding()
        .filter(|_| receiver.props.is_empty())
    else {
        return false;
    };
    let Some(Value::Call(c)) = &model.binding(b).init else {
        return false;
    };
    let call = &model.calls[c.index()];
    let from_domain = |p: &Path| {
        p.root_binding().is_some_and(|m| {
            model
                .binding(m)
                .source_module
                .as_deref()
                .is_some_and(|s| DOMAIN_MODULES.contains(&s))
        })
    };
    call.callee.as_ref().is_some_and(|p| {
        from_domain(p)
            && model
                .callee_name(p)
                .is_some_and(|n| n == "create" || n == "createDomain")
    })
}

/// Events that end the life of a connection, socket or stream (Node docs: `net.Socket` `'close'`
/// and `'end'`, `stream.Writable` `'finish'`, ws `'close'`, socket.io `'disconnect'`): the point
/// where per-connection work must be released.
pub const END_EVENTS: &[&str] = &["close", "end", "finish", "disconnect"];

/// Methods that register an event listener on an emitter or an `EventTarget`.
pub const ON_METHODS: &[&str] = &["on", "once", "addListener", "addEventListener"];

/// Helpers that transpilers wrap around `require(…)` to import a CommonJS module as an ES one
/// (TypeScript's `__importDefault`/`__importStar`, Babel's `_interopRequireDefault`/
/// `_interopRequireWildcard`, esbuild's `__toESM`): the result is still that module.
pub const IMPORT_HELPERS: &[&str] = &[
    "__importDefault",
    "__importStar",
    "_interopRequireDefault",
    "_interopRequireWildcard",
    "__toESM",
];

/// Properties of a framework's request or context object that hold the underlying Node request
/// or response (fastify `request.raw`/`reply.raw`, koa `ctx.req`/`ctx.request`): what is under
/// them is per-request data like the framework object's own.
pub const REQUEST_WRAPPER_PROPS: &[&str] = &["raw", "req", "request"];

/// The prom-client method that starts a timer and returns the function ending it: the labels
/// passed to that function label the observation (`const end = h.startTimer(); end({ route })`).
pub const METRIC_TIMER_METHOD: &str = "startTimer";

/// The DOM's observers (DOM Standard §4.3 `MutationObserver`, Resize Observer §3, Intersection
/// Observer §2.2, Performance Timeline §5 `PerformanceObserver`): `observe(target)` registers the
/// observer with the target (for `PerformanceObserver`, with the page's performance timeline),
/// which then keeps the observer, its callback and what the callback closes over until
/// `disconnect()` (or `unobserve(target)`). An observer made once for the page is fine; one made
/// per mount or per call and never disconnected stays with every target that outlives the code.
pub const OBSERVER_CONSTRUCTORS: &[&str] = &[
    "ResizeObserver",
    "MutationObserver",
    "IntersectionObserver",
    "PerformanceObserver",
];

/// The observers whose `observe(…)` registers with something that lives as long as the page
/// whatever the argument (`PerformanceObserver`: the performance timeline).
pub const PAGE_OBSERVERS: &[&str] = &["PerformanceObserver"];

/// The method that starts an observer observing.
pub const OBSERVE_METHOD: &str = "observe";

/// Methods that end an observer's registration (all targets, or the one given).
pub const OBSERVER_RELEASE_METHODS: &[&str] = &["disconnect", "unobserve"];

/// Node's `fs` module: `fs.watch(…)` returns an `fs.FSWatcher` whose open handle keeps it, its
/// listeners and what they close over alive until `watcher.close()` (Node docs, `fs.watch`,
/// `fs.FSWatcher.close`: "stop watching for changes"); `fs.watchFile(…)` adds its listener to the
/// file's `StatWatcher`, which polls until `fs.unwatchFile(file)` (Node docs, `fs.unwatchFile`).
pub const FS_MODULES: &[&str] = &["fs", "node:fs"];

/// chokidar: `chokidar.watch(paths)` and `new FSWatcher()` return a watcher that holds its
/// underlying `fs` watchers and listeners until `watcher.close()` (chokidar README, "Methods &
/// Events": "`.close()`: removes all listeners from watched files").
pub const CHOKIDAR_MODULES: &[&str] = &["chokidar"];

/// The watcher class chokidar exports (`new FSWatcher(options)`).
pub const CHOKIDAR_WATCHER_CLASS: &str = "FSWatcher";

/// The function of the watching modules above that starts a watcher returning a handle.
pub const WATCH_FUNCTION: &str = "watch";

/// `fs.watchFile`, released only by [`UNWATCH_FILE_FUNCTION`].
pub const WATCH_FILE_FUNCTION: &str = "watchFile";

/// The `fs` function that releases what `fs.watchFile` registered.
pub const UNWATCH_FILE_FUNCTION: &str = "unwatchFile";

/// The method that releases a watcher (`fs.FSWatcher`, chokidar's `FSWatcher`).
pub const WATCHER_RELEASE_METHOD: &str = "close";

/// Methods of an observer or watcher that return the object itself (EventEmitter's `on`, chokidar's
/// `add`, Node handles' `unref`): `fs.watch(p).on('change', f)` still yields the watcher.
pub const RETURNS_SELF_METHODS: &[&str] = &[
    "on",
    "once",
    "addListener",
    "prependListener",
    "add",
    "unref",
    "ref",
    "setMaxListeners",
];

/// Whether `call` is made the way the DOM's observers are made, whatever its constructor is
/// called: `new C(callback, …)`, a function first. Every observer of the DOM Standard (§4.3
/// `new MutationObserver(callback)`), Resize Observer (§3.2 `new ResizeObserver(callback)`),
/// Intersection Observer (§2.2 `new IntersectionObserver(callback, options)`) and Performance
/// Timeline (§5 `new PerformanceObserver(callback)`) is made so, and their ponyfills keep the
/// shape. The shape alone is not an observer (`new Promise(executor)` has it too): it is one only
/// once [`OBSERVE_METHOD`] is called on what it makes, which the handle analysis requires of every
/// observer, named or not. This is for constructors whose name is lost to a transpiler or bundler
/// (`new _polyfill["default"](cb)`, Babel's interop for `import ResizeObserver from '…'`).
pub fn is_observer_protocol_new(call: &super::Call) -> bool {
    call.is_new && matches!(call.arg(0), Some(super::Value::Func(_)))
}

/// What a call makes that must be released by a call on it (or, for `fs.watchFile`, by
/// `fs.unwatchFile`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Releasable {
    /// `new ResizeObserver(cb)` and the other [`OBSERVER_CONSTRUCTORS`] (the name).
    Observer(&'static str),
    /// `new C(cb)` of a constructor not known by name ([`is_observer_protocol_new`]): an observer
    /// by the DOM's observer protocol once `observe(…)` is called on it.
    ProtocolObserver,
    /// `fs.watch(…)`.
    FsWatch,
    /// `fs.watchFile(…)`.
    FsWatchFile,
    /// `chokidar.watch(…)` or `new FSWatcher(…)` of chokidar.
    Chokidar,
}

impl Releasable {
    /// How a message names the API.
    pub fn api(self) -> &'static str {
        match self {
            Releasable::Observer(name) => name,
            Releasable::ProtocolObserver => "observer",
            Releasable::FsWatch => "fs.watch",
            Releasable::FsWatchFile => "fs.watchFile",
            Releasable::Chokidar => "chokidar.watch",
        }
    }

    /// Whether it is an observer (named or by the protocol): released by
    /// [`OBSERVER_RELEASE_METHODS`], and only a leftover once it observes something.
    pub fn is_observer(self) -> bool {
        matches!(self, Releasable::Observer(_) | Releasable::ProtocolObserver)
    }
}

/// What `call` makes that has to be released ([`Releasable`]), if anything: a `new` of a global
/// observer constructor, or a watch function of `fs`/chokidar called on the module
/// (`fs.watch`) or as an imported name (`import { watch } from 'node:fs'`).
pub fn releasable(model: &super::SemanticModel, call: &super::Call) -> Option<Releasable> {
    let callee = call.callee.as_ref()?;
    if call.is_new {
        if let Some(name) = OBSERVER_CONSTRUCTORS
            .iter()
            .find(|n| model.is_global_function(callee, &[n]))
        {
            return Some(Releasable::Observer(name));
        }
        // A class imported under the standard name (`import ResizeObserver from '…'`, a
        // ponyfill): code that names it so uses it as the standard constructor.
        if let (Some(b), true) = (callee.root_binding(), callee.props.is_empty()) {
            let binding = model.binding(b);
            if binding.kind == super::BindingKind::Import {
                if let Some(name) = OBSERVER_CONSTRUCTORS.iter().find(|n| binding.name == **n) {
                    return Some(Releasable::Observer(name));
                }
            }
        }
        // Any other constructor given a callback first: an observer if it observes.
        if is_observer_protocol_new(call) && !is_promise_constructor(callee) {
            return Some(Releasable::ProtocolObserver);
        }
    }
    let b = callee.root_binding()?;
    let binding = model.binding(b);
    let module = binding.source_module.as_deref()?;
    // Most imports come from other modules: their calls make nothing releasable, and need no
    // callee name.
    let from_fs = FS_MODULES.contains(&module);
    if !from_fs && !CHOKIDAR_MODULES.contains(&module) {
        return None;
    }
    let name = match callee.props.as_slice() {
        [] => model.callee_name(callee)?,
        [m] => m.clone(),
        _ => return None,
    };
    if from_fs && !call.is_new {
        match name.as_str() {
            WATCH_FUNCTION => Some(Releasable::FsWatch),
            WATCH_FILE_FUNCTION => Some(Releasable::FsWatchFile),
            _ => None,
        }
    } else if CHOKIDAR_MODULES.contains(&module) {
        let made = if call.is_new {
            name == CHOKIDAR_WATCHER_CLASS
        } else {
            name == WATCH_FUNCTION
        };
        made.then_some(Releasable::Chokidar)
    } else {
        None
    }
}

/// Whether `call` is `fs.unwatchFile(…)` (on the module or as an imported name).
pub fn is_unwatch_file(model: &super::SemanticModel, call: &super::Call) -> bool {
    let Some(callee) = call.callee.as_ref() else {
        return false;
    };
    let Some(b) = callee.root_binding() else {
        return false;
    };
    let from_fs = model
        .binding(b)
        .source_module
        .as_deref()
        .is_some_and(|m| FS_MODULES.contains(&m));
    let name = match callee.props.as_slice() {
        [] => model.callee_name(callee),
        [m] => Some(m.clone()),
        _ => None,
    };
    from_fs && name.is_some_and(|n| n == UNWATCH_FILE_FUNCTION)
}

/// Methods that check a client out of a pool (see the module docs).
pub const POOL_CHECKOUT_METHODS: &[&str] = &["connect", "getConnection", "acquire"];

/// The method that returns a checked-out client to its pool (see the module docs), whether the
/// code that checked it out calls it or a wrapper made for each checkout does (`this.conn.release()`):
/// either way the client serves the next checkout with every listener still on it.
pub const POOL_RELEASE_METHOD: &str = "release";

/// Class decorators that make a class a provider of a dependency-injection container, by module
/// (see the module docs): `(module, decorator)`.
const DI_PROVIDER_DECORATORS: &[(&str, &str)] = &[
    ("@nestjs/common", "Injectable"),
    ("@nestjs/common", "Controller"),
    ("@nestjs/graphql", "Resolver"),
    ("@nestjs/websockets", "WebSocketGateway"),
    ("@angular/core", "Injectable"),
];

/// The module and the name a bare path imports, whatever its local name: `w` of
/// `import { watch as w } from 'vue'` gives `("vue", "watch")`. `None` for a path with
/// properties and for a binding that is not an import.
fn bare_import<'m>(model: &'m super::SemanticModel, path: &Path) -> Option<(&'m str, &'m str)> {
    let binding = model.binding(path.as_binding()?);
    Some((
        binding.source_module.as_deref()?,
        binding.import_name.as_deref()?,
    ))
}

/// The decorators of class `c` that make it a provider of a dependency-injection container
/// ([`DI_PROVIDER_DECORATORS`]), each with the module it comes from.
fn container_decorators<'m>(
    model: &'m super::SemanticModel,
    c: super::ClassId,
) -> impl Iterator<Item = (&'static str, &'m super::Decorator)> + 'm {
    model.class_decorators(c).iter().filter_map(move |d| {
        let imported = bare_import(model, &d.callee)?;
        let &(module, _) = DI_PROVIDER_DECORATORS
            .iter()
            .find(|&&(module, name)| imported == (module, name))?;
        Some((module, d))
    })
}

/// Whether class `c` of `model` is a singleton of a dependency-injection container: a NestJS
/// provider or controller of the default scope, or an Angular service provided in an injector
/// of the application (`providedIn`), see the module docs. Its one instance lives as long as
/// the application, and its constructor runs once.
pub fn is_container_singleton(model: &super::SemanticModel, c: super::ClassId) -> bool {
    container_decorators(model, c).any(|(module, d)| {
        let options = d.call.and_then(|call| model.calls[call.index()].arg(0));
        let option = |key: &str| options.and_then(|o| o.property(key));
        if module == "@angular/core" {
            // Without `providedIn` the service is provided by a component: one per instance.
            return option("providedIn").is_some();
        }
        // `scope: Scope.REQUEST` / `Scope.TRANSIENT`: one instance per request or consumer.
        !option("scope").is_some_and(
            |v| matches!(v, Value::Path(p) if p.props.last().is_some_and(|s| s != "DEFAULT")),
        )
    })
}

/// Whether class `c` of `model` takes part in dependency injection: decorated as a provider or
/// controller of a container, whatever its scope. Its constructor's typed parameters are what
/// the container injects.
pub fn is_container_class(model: &super::SemanticModel, c: super::ClassId) -> bool {
    container_decorators(model, c).next().is_some()
}

/// How often a method decorated as a framework handler runs (see the module docs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HandlerRuns {
    /// On every matching request.
    Request,
    /// On every message or event.
    Message,
    /// On every tick of a schedule.
    Tick,
}

/// Method decorators that make a method a framework handler: `(module, decorator, how often)`.
const HANDLER_DECORATORS: &[(&str, &str, HandlerRuns)] = &[
    ("@nestjs/common", "Get", HandlerRuns::Request),
    ("@nestjs/common", "Post", HandlerRuns::Request),
    ("@nestjs/common", "Put", HandlerRuns::Request),
    ("@nestjs/common", "Patch", HandlerRuns::Request),
    ("@nestjs/common", "Delete", HandlerRuns::Request),
    ("@nestjs/common", "Options", HandlerRuns::Request),
    ("@nestjs/common", "Head", HandlerRuns::Request),
    ("@nestjs/common", "All", HandlerRuns::Request),
    ("@nestjs/common", "Sse", HandlerRuns::Request),
    ("@nestjs/graphql", "Query", HandlerRuns::Request),
    ("@nestjs/graphql", "Mutation", HandlerRuns::Request),
    ("@nestjs/graphql", "ResolveField", HandlerRuns::Request),
    (
        "@nestjs/microservices",
        "MessagePattern",
        HandlerRuns::Message,
    ),
    (
        "@nestjs/microservices",
        "EventPattern",
        HandlerRuns::Message,
    ),
    (
        "@nestjs/websockets",
        "SubscribeMessage",
        HandlerRuns::Message,
    ),
    ("@nestjs/event-emitter", "OnEvent", HandlerRuns::Message),
    ("@nestjs/schedule", "Cron", HandlerRuns::Tick),
    ("@nestjs/schedule", "Interval", HandlerRuns::Tick),
];

/// The decorator call that makes method `f` of `model` a framework handler, and how often it
/// runs (a NestJS route, message, event or schedule handler: see the module docs); `None` for
/// other methods.
pub fn handler_decorator(
    model: &super::SemanticModel,
    f: super::FuncId,
) -> Option<(super::CallId, HandlerRuns)> {
    model.method_decorators(f).iter().find_map(|d| {
        let imported = bare_import(model, &d.callee)?;
        let &(_, _, runs) = HANDLER_DECORATORS
            .iter()
            .find(|&&(module, name, _)| imported == (module, name))?;
        Some((d.call?, runs))
    })
}

/// The modules that export Vue's reactivity and lifecycle functions.
const VUE_MODULES: &[&str] = &["vue", "vue-demi", "@vue/runtime-core", "@vue/reactivity"];

/// Functions that tie their cleanup to the active Vue effect scope (see the module docs), by
/// module: `(modules, names)`.
const SCOPE_BOUND: &[(&[&str], &[&str])] = &[
    (
        VUE_MODULES,
        &[
            "watch",
            "watchEffect",
            "watchPostEffect",
            "watchSyncEffect",
            "onScopeDispose",
            "onUnmounted",
            "onBeforeUnmount",
        ],
    ),
    (
        &["@vueuse/shared", "@vueuse/core"],
        &[
            "tryOnScopeDispose",
            "tryOnUnmounted",
            "tryOnBeforeUnmount",
            "useEventListener",
        ],
    ),
];

/// Whether `model` imports anything from the modules whose functions tie their cleanup to the
/// active effect scope (see the module docs): without such an import no call of the file can
/// set up anything scope-bound.
pub fn imports_scope_bound_module(model: &super::SemanticModel) -> bool {
    model.bindings.iter().any(|b| {
        b.kind == super::BindingKind::Import
            && b.source_module
                .as_deref()
                .is_some_and(|m| SCOPE_BOUND.iter().any(|(modules, _)| modules.contains(&m)))
    })
}

/// Whether a call of `callee` in `model` is one of the functions that tie their cleanup to the
/// active effect scope (see the module docs): the function imported under any local name.
pub fn is_scope_bound_api(model: &super::SemanticModel, callee: &Path) -> bool {
    bare_import(model, callee).is_some_and(|(module, name)| {
        SCOPE_BOUND
            .iter()
            .any(|(modules, names)| modules.contains(&module) && names.contains(&name))
    })
}

/// The index of the callback that a Vue watcher call runs before it returns (see the module
/// docs): 1 for `watch(source, cb, { immediate: true })`, 0 for `watchEffect(fn)` and
/// `watchSyncEffect(fn)`; `None` for other calls and for watchers that wait for a change.
pub fn runs_watcher_at_once(model: &super::SemanticModel, call: &super::Call) -> Option<usize> {
    let (module, name) = bare_import(model, call.callee.as_ref()?)?;
    if !VUE_MODULES.contains(&module) {
        return None;
    }
    match name {
        "watchEffect" | "watchSyncEffect" => Some(0),
        "watch" => (call.arg(2)?.property("immediate")? == &Value::Bool(true)).then_some(1),
        _ => None,
    }
}

/// Modules whose `wrap(target, name, wrapper)` replaces `target[name]` with what
/// `wrapper(original)` returns (see the module docs).
const METHOD_PATCH_MODULES: &[&str] = &["shimmer"];

/// For `shimmer.wrap(target, 'name', wrapper)` (or an imported `wrap` of such a module, see the
/// module docs): the patched method's name and the index of the `wrapper` argument, whose
/// returned function replaces the method and so runs on every call of it. `None` for any other
/// call, and when the name is not a string literal.
pub fn patched_method<'c>(
    model: &super::SemanticModel,
    call: &'c super::Call,
) -> Option<(&'c str, usize)> {
    let callee = call.callee.as_ref()?;
    if call.is_new || call.args.len() < 3 {
        return None;
    }
    let binding = model.binding(callee.root_binding()?);
    let module = binding.source_module.as_deref()?;
    if !METHOD_PATCH_MODULES.contains(&module) {
        return None;
    }
    let name = match callee.props.as_slice() {
        [] => binding.import_name.clone()?,
        [m] => m.clone(),
        _ => return None,
    };
    if name != "wrap" {
        return None;
    }
    Some((call.arg(1)?.as_str()?, 2))
}
