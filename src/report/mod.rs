//! Output formats for `leaklint check`: `pretty` (miette, terminals), `concise`
//! (`path:line:col: rule message`, the default elsewhere), `json` (ESLint's JSON formatter
//! shape), `sarif` (SARIF 2.1.0 for code scanning) and `github` (workflow-command annotations).
//! Each format is one module with a `render` function over all files' results. The reports of
//! `leaklint confirm` are in [`confirm`].

pub mod clip;
pub mod concise;
pub mod confirm;
pub mod fingerprint;
pub mod github;
pub mod json;
pub mod pretty;
pub mod sarif;

use crate::diagnostic::Diagnostic;
use crate::source::{LineIndex, Position};

/// Bytes in binary units (KiB = 1024 B, MiB = 1024 KiB), as `heap summary` and `confirm` print
/// them and `docs/heap.md` quotes them.
pub fn binary_bytes(n: u64) -> String {
    match n {
        n if n >= 1 << 20 => format!("{:.1} MiB", n as f64 / (1 << 20) as f64),
        n if n >= 1 << 10 => format!("{:.1} KiB", n as f64 / 1024.0),
        n => format!("{n} B"),
    }
}

/// A diagnostic's start and end as 1-based lines and UTF-16 columns (end exclusive).
pub fn range_of(text: &str, index: &LineIndex, d: &Diagnostic) -> (Position, Position) {
    (
        index.position(text, d.span.start),
        index.position(text, d.span.end),
    )
}

/// Totals over a run, for summaries and the exit code.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Totals {
    /// Diagnostics at error severity.
    pub errors: usize,
    /// Diagnostics at warning severity.
    pub warnings: usize,
    /// Files with at least one diagnostic.
    pub files_with_problems: usize,
    /// Files linted.
    pub files: usize,
}

impl Totals {
    /// Counts the diagnostics of `results`.
    pub fn of(results: &[crate::linter::FileResult]) -> Totals {
        let mut t = Totals {
            files: results.len(),
            ..Totals::default()
        };
        for r in results {
            if !r.diagnostics.is_empty() {
                t.files_with_problems += 1;
            }
            for d in &r.diagnostics {
                match d.severity {
                    crate::diagnostic::Severity::Error => t.errors += 1,
                    crate::diagnostic::Severity::Warn => t.warnings += 1,
                }
            }
        }
        t
    }

    /// "3 problems (2 errors, 1 warning) in 2 files", or "no problems in N files".
    pub fn summary(&self) -> String {
        let n = self.errors + self.warnings;
        if n == 0 {
            return format!("no problems in {} file{}", self.files, plural(self.files));
        }
        format!(
            "{n} problem{} ({} error{}, {} warning{}) in {} of {} file{}",
            plural(n),
            self.errors,
            plural(self.errors),
            self.warnings,
            plural(self.warnings),
            self.files_with_problems,
            self.files,
            plural(self.files)
        )
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}
