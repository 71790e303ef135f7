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

use super::{Path, Value};

/// Names of methods that end an object's life or its participation in something: a release found
/// only in such a method runs at teardown, not when each unit of work completes.
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

/// Whether a function named `name` is a teardown method (one of the names above, compared
/// case-insensitively, with a leading `_` or `#` ignored; `closeBlock` is not one).
pub fn is_teardown_name(name: &str) -> bool {
    let name = name.trim_start_matches(['_', '#']);
    TEARDOWN_METHODS
        .iter()
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
