//! `path:line:col: rule message`, one line per finding (the default when stdout is not a
//! terminal): cheap for thousands of findings and readable by editors' problem matchers.

use std::io::{self, Write};

use super::range_of;
use crate::linter::FileResult;
use crate::source::LineIndex;

/// Writes one line per diagnostic of `results` to `w`.
///
/// # Errors
/// I/O errors of `w`.
pub fn render(results: &[FileResult], w: &mut dyn Write) -> io::Result<()> {
    for r in results {
        if r.diagnostics.is_empty() {
            continue;
        }
        let index = LineIndex::new(&r.text);
        for d in &r.diagnostics {
            writeln!(w, "{}", line(r, &index, d))?;
        }
    }
    Ok(())
}

/// The concise line for one diagnostic.
pub fn line(r: &FileResult, index: &LineIndex, d: &crate::diagnostic::Diagnostic) -> String {
    let (start, _) = range_of(&r.text, index, d);
    format!(
        "{}:{}:{}: {} {}",
        r.path.display(),
        start.line,
        start.column,
        d.rule,
        d.message
    )
}
