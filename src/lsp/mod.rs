//! `leaklint server`: a Language Server Protocol server (LSP 3.17) over stdio, so that editors
//! show findings as you type.
//!
//! - [`server`]: the initialize handshake and the main loop (state changes in message order on
//!   one thread, linting on worker threads against a snapshot, stale results dropped).
//! - [`document`]: open documents and incremental text sync.
//! - [`project`]: the workspace's module summaries, so that open documents are linted knowing
//!   how the project uses their exports.
//! - [`encoding`]: UTF-16 / UTF-8 positions.
//! - [`settings`]: editor settings and `leaklint.toml` discovery.
//! - [`transport`]: stdio framing that survives malformed messages.
//! - [`convert`], [`actions`], [`hover`]: what the handlers answer.

pub mod actions;
pub mod convert;
pub mod document;
pub mod encoding;
pub mod hover;
mod initialize;
pub mod project;
pub mod server;
pub mod settings;
pub mod transport;

use std::path::Path;
use std::time::Duration;

use crate::diagnostic::Diagnostic;
use crate::linter::{LintOptions, Project};
use crate::project::ModuleSummary;

/// The linting function the server calls: [`lint_document`] in production; tests pass their own
/// (one that panics, to check that the server survives). It takes the document's path (for the
/// dialect), its text, the options in force and how to lint it with respect to the project, and
/// returns the diagnostics with, for [`Project::Summarise`], the document's summary.
pub type LintFn =
    fn(&Path, &str, &LintOptions, &Project<'_>) -> (Vec<Diagnostic>, Option<ModuleSummary>);

/// The server's [`LintFn`]: [`crate::linter::lint_in_project`] with no parse observer. Returns
/// the diagnostics and, for [`Project::Summarise`], the summary (`None` when the text did not
/// parse). Never panics (the linter isolates its own panics).
pub fn lint_document(
    path: &Path,
    text: &str,
    options: &LintOptions,
    project: &Project<'_>,
) -> (Vec<Diagnostic>, Option<ModuleSummary>) {
    crate::linter::lint_in_project(path, text, options, project, &|| {})
}

/// How the server behaves, beyond what the client negotiates.
#[derive(Clone, Copy)]
pub struct ServerOptions {
    /// Called on a worker thread for every lint of an open document.
    pub lint: LintFn,
    /// How long after the last `didChange` of a document its diagnostics are pushed, so that a
    /// burst of keystrokes is linted once.
    pub debounce: Duration,
    /// How long a lint may take before the document gets a `parse-timeout` diagnostic (the lint
    /// goes on in the background, and its findings replace that diagnostic if it ends).
    pub lint_budget: Duration,
}

impl Default for ServerOptions {
    /// [`lint_document`], 10 ms debounce (short: editors debounce their own `didChange`s),
    /// 10 s lint budget.
    fn default() -> ServerOptions {
        ServerOptions {
            lint: lint_document,
            debounce: Duration::from_millis(10),
            lint_budget: Duration::from_secs(10),
        }
    }
}

/// Serves one client on stdin/stdout until it sends `exit`. Returns the exit code: 0 after a
/// proper `shutdown` then `exit`, 1 otherwise (LSP 3.17 §"Exit Notification"). Errors are
/// printed to stderr, which editors keep in their log.
pub fn run() -> u8 {
    let (conn, io) = transport::stdio();
    let code = match server::serve(conn, ServerOptions::default()) {
        Ok(code) => code as u8,
        Err(e) => {
            eprintln!("leaklint server: {e}");
            1
        }
    };
    // The writer thread flushes what is queued once the connection is dropped.
    if let Err(e) = io.join() {
        eprintln!("leaklint server: {e}");
    }
    code
}
