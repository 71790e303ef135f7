//! leaklint finds memory-leak patterns in JavaScript and TypeScript (unbounded module-level
//! collections, listeners and timers that are never removed, …) and, in `confirm` mode, joins them
//! to the growth seen between V8 heap snapshots.
//!
//! One entry point serves every front end: [`lint_source`] ([`linter`]) takes a path and its text
//! and returns the diagnostics; the CLI ([`cli`]) and the reports ([`report`]) are built on it.

pub mod alloc;
pub mod budget;
/// The hash that identifies one build's lint code (computed by `build.rs`, which includes this
/// module; [`build_id::tree_hash`]), for keying the cache.
pub mod build_id;
pub mod builtin_check;
pub mod cache;
#[cfg(unix)]
pub mod capture;
pub mod cli;
pub mod config;
pub mod confirm;
pub(crate) mod describe;
pub mod diagnostic;
pub mod heap;
pub mod isolate;
pub mod linter;
pub mod lsp;
pub mod merge;
pub mod parse;
pub mod project;
pub mod report;
pub mod resolve;
pub mod rules;
pub mod semantic;
pub mod sfc;
pub mod source;
pub mod stacks;
pub mod suppress;
pub mod walk;

// The library's entry points, re-exported for its users; modules inside the crate import them
// from `linter`, which is where they live.
pub use linter::{
    is_test_path, lint_bytes, lint_bytes_within, lint_source, FileResult, LintOptions,
};
pub use stacks::run_with_lint_stacks;
