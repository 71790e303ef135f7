//! GitHub Actions workflow-command annotations (`--format github`), one line per finding:
//! `::error file=src/a.js,line=4,col=7,endLine=4,endColumn=20,title=no-unbounded-collection::message`.
//!
//! Format: GitHub's "Workflow commands for GitHub Actions" (`error`/`warning` commands with the
//! `file`, `line`, `col`, `endLine`, `endColumn` and `title` parameters). Lines and columns are
//! 1-based, columns in UTF-16 code units, `endColumn` exclusive. Escaping follows the runner's
//! `escapeData`/`escapeProperty` (actions/toolkit `core/src/command.ts`): `%`, `\r` and `\n` in the
//! message; additionally `:` and `,` in parameter values. Paths are relative to the repository
//! root (see [`super::sarif::SourceRoot`]), which is what GitHub resolves annotations against.

use std::io::{self, Write};

use super::range_of;
use super::sarif::SourceRoot;
use crate::diagnostic::Severity;
use crate::linter::FileResult;
use crate::source::LineIndex;

/// Escapes a command's message (`escapeData`): `%` → `%25`, `\r` → `%0D`, `\n` → `%0A`.
pub fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a parameter value (`escapeProperty`): as [`escape_data`], plus `:` → `%3A` and
/// `,` → `%2C`.
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// Writes one annotation line per diagnostic of `results` to `w`; file paths are made relative to
/// `root` (absolute when outside it).
///
/// # Errors
/// I/O errors of `w`.
pub fn render(results: &[FileResult], root: &SourceRoot, w: &mut dyn Write) -> io::Result<()> {
    for r in results {
        if r.diagnostics.is_empty() {
            continue;
        }
        let index = LineIndex::new(&r.text);
        let file = root
            .relative(&r.path)
            .unwrap_or_else(|| r.path.display().to_string());
        for d in &r.diagnostics {
            let (s, e) = range_of(&r.text, &index, d);
            let command = match d.severity {
                Severity::Error => "error",
                Severity::Warn => "warning",
            };
            let mut message = format!("{} [{} confidence]", d.message, d.confidence.as_str());
            if let Some(h) = &d.help {
                message.push_str("\nhelp: ");
                message.push_str(h);
            }
            writeln!(
                w,
                "::{command} file={},line={},col={},endLine={},endColumn={},title={}::{}",
                escape_property(&file),
                s.line,
                s.column,
                e.line,
                e.column,
                escape_property(d.rule),
                escape_data(&message)
            )?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_like_the_actions_toolkit() {
        assert_eq!(escape_data("50% a\r\nb: c, d"), "50%25 a%0D%0Ab: c, d");
        assert_eq!(escape_property("a:b,c%\n"), "a%3Ab%2Cc%25%0A");
    }
}
