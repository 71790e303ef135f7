//! Panic isolation: a panic while linting one file (in our code or in a dependency such as swc's
//! parser) becomes an `internal-error` diagnostic for that file, and every other file is still
//! linted and reported.
//!
//! [`catch`] runs a closure under `catch_unwind`. While it runs, a process-wide panic hook
//! (installed once, wrapping whatever hook was there) records the panic's message and source
//! location for the thread instead of printing a backtrace in the middle of the report; panics
//! outside [`catch`] go to the previous hook as before.

use std::any::Any;
use std::cell::{Cell, RefCell};
use std::panic::{self, AssertUnwindSafe};
use std::sync::Once;

use crate::diagnostic::{ByteSpan, Diagnostic};

/// Rule name of the diagnostic for a file whose lint panicked.
pub const INTERNAL_ERROR: &str = "internal-error";

/// Rule name of the diagnostic for a file whose parse went over its time budget.
pub const PARSE_TIMEOUT: &str = "parse-timeout";

/// Whether diagnostics of `rule` report a failure of leaklint itself rather than a finding in the
/// code (SARIF lists them as tool execution notifications, not results).
pub fn is_tool_failure(rule: &str) -> bool {
    rule == INTERNAL_ERROR || rule == PARSE_TIMEOUT
}

/// A caught panic: its message and, when the hook saw it, where it was raised (`file:line:col`
/// in Rust source).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Panic {
    /// The panic's message (`"unknown panic"` when the payload is not a string).
    pub message: String,
    /// The Rust source location of the panic, e.g. `…/parser/jsx.rs:137:26`.
    pub location: Option<String>,
}

impl Panic {
    /// `message` (`at location`), on one line.
    pub fn describe(&self) -> String {
        let message = self
            .message
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        match &self.location {
            Some(l) => format!("{message} (at {l})"),
            None => message,
        }
    }
}

thread_local! {
    /// How many [`catch`] calls are running on this thread.
    static DEPTH: Cell<u32> = const { Cell::new(0) };
    /// The location of the last panic the hook recorded on this thread.
    static LOCATION: RefCell<Option<String>> = const { RefCell::new(None) };
}

fn install_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if DEPTH.with(Cell::get) > 0 {
                let at = info
                    .location()
                    .map(|l| format!("{}:{}:{}", l.file(), l.line(), l.column()));
                LOCATION.with(|s| *s.borrow_mut() = at);
            } else {
                previous(info);
            }
        }));
    });
}

/// Runs `f` and returns its value, or the [`Panic`] when it panicked (printing nothing).
///
/// `f` is run under `AssertUnwindSafe`: callers pass closures that build all their mutable state
/// inside and only read what they capture, so nothing half-updated is observed after a panic.
///
/// # Errors
/// The panic's message and location when `f` panicked.
pub fn catch<T>(f: impl FnOnce() -> T) -> Result<T, Panic> {
    install_hook();
    DEPTH.with(|d| d.set(d.get() + 1));
    LOCATION.with(|s| s.borrow_mut().take());
    let result = panic::catch_unwind(AssertUnwindSafe(f));
    DEPTH.with(|d| d.set(d.get() - 1));
    result.map_err(|payload| Panic {
        message: payload_message(&*payload),
        location: LOCATION.with(|s| s.borrow_mut().take()),
    })
}

/// The text of a panic payload: the `&str` or `String` given to `panic!`, else `"unknown panic"`.
pub fn payload_message(payload: &(dyn Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".into())
}

/// Where users report crashes.
const ISSUES: &str = concat!(env!("CARGO_PKG_REPOSITORY"), "/issues");

/// The `internal-error` diagnostic for a file whose lint panicked: at the start of the file, error
/// severity, with the panic's message and a request to report it.
pub fn internal_error(p: &Panic) -> Diagnostic {
    Diagnostic::new(
        INTERNAL_ERROR,
        ByteSpan::new(0, 0),
        format!(
            "Internal error: leaklint crashed while linting this file, so no rule checked it: {}",
            p.describe()
        ),
    )
    .with_help(format!(
        "this is a bug in leaklint or its parser; please report it at {ISSUES} with the file (or \
         the smallest part of it that still crashes)"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_is_caught_with_message_and_location_and_the_next_call_starts_clean() {
        let p = catch(|| -> u32 { panic!("boom {}", 7) }).unwrap_err();
        assert_eq!(p.message, "boom 7");
        assert!(
            p.location.as_deref().unwrap().contains("isolate.rs"),
            "{p:?}"
        );
        assert_eq!(catch(|| 5).unwrap(), 5);
        let d = internal_error(&p);
        assert_eq!(d.rule, INTERNAL_ERROR);
        assert!(d.message.contains("boom 7"), "{}", d.message);
        assert!(d.help.unwrap().contains("/issues"));
    }

    #[test]
    fn nested_catches_each_see_their_own_panic() {
        let outer = catch::<()>(|| {
            let inner = catch::<()>(|| panic!("inner")).unwrap_err();
            assert_eq!(inner.message, "inner");
            panic!("outer")
        })
        .unwrap_err();
        assert_eq!(outer.message, "outer");
    }
}
