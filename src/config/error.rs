//! [`ConfigError`]: a configuration problem with its file, line and column, and the snippet of
//! the file around it (a miette diagnostic).

use std::ops::Range;
use std::path::PathBuf;
use std::sync::Arc;

use miette::{Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource};

/// A configuration problem, located in its file. Displays as `FILE:LINE:COLUMN: message`, or
/// `FILE: message` when the problem has no position; as a miette [`Diagnostic`] it also carries
/// the file's text and the span at fault, so [`ConfigError::snippet`] can show it.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{}", self.located())]
pub struct ConfigError {
    /// The configuration file.
    pub path: PathBuf,
    /// 1-based line (0 when the problem has no position, e.g. the file cannot be read).
    pub line: u32,
    /// 1-based column.
    pub column: u32,
    /// What is wrong.
    pub message: String,
    /// The file's text and the byte range at fault, when there is one.
    at: Option<(Arc<NamedSource<String>>, Range<usize>)>,
}

impl PartialEq for ConfigError {
    /// Two errors are the same when they say the same thing at the same place.
    fn eq(&self, other: &ConfigError) -> bool {
        (&self.path, self.line, self.column, &self.message)
            == (&other.path, other.line, other.column, &other.message)
    }
}

impl Eq for ConfigError {}

impl ConfigError {
    /// A problem of the file as a whole (it cannot be read): no position, no snippet.
    pub fn unlocated(path: PathBuf, message: String) -> ConfigError {
        ConfigError {
            path,
            line: 0,
            column: 0,
            message,
            at: None,
        }
    }

    /// A problem at 1-based `line`/`column` of the file, without a snippet.
    pub fn at_position(path: PathBuf, line: u32, column: u32, message: String) -> ConfigError {
        ConfigError {
            path,
            line,
            column,
            message,
            at: None,
        }
    }

    /// A problem at byte range `span` of `text`, the file's contents.
    pub fn in_text(path: PathBuf, text: &str, span: Range<usize>, message: String) -> ConfigError {
        let index = crate::source::LineIndex::new(text);
        let p = index.position(text, span.start as u32);
        let source = NamedSource::new(path.display().to_string(), text.to_string());
        ConfigError {
            path,
            line: p.line,
            column: p.column,
            message,
            at: Some((Arc::new(source), span)),
        }
    }

    fn located(&self) -> String {
        if self.line > 0 {
            format!(
                "{}:{}:{}: {}",
                self.path.display(),
                self.line,
                self.column,
                self.message
            )
        } else {
            format!("{}: {}", self.path.display(), self.message)
        }
    }

    /// `FILE:LINE:COLUMN: message`, then the [`ConfigError::snippet`] when there is one.
    pub fn with_snippet(&self, color: bool) -> String {
        match self.snippet(color) {
            Some(s) => format!("{self}\n{s}"),
            None => self.to_string(),
        }
    }

    /// The lines of the file around the problem with the span underlined (miette's graphical
    /// rendering without its heading, which repeats the message), or `None` without a span.
    /// `color`: ANSI colours, for a terminal.
    pub fn snippet(&self, color: bool) -> Option<String> {
        self.at.as_ref()?;
        let theme = if color {
            GraphicalTheme::unicode()
        } else {
            GraphicalTheme::unicode_nocolor()
        };
        let mut out = String::new();
        GraphicalReportHandler::new_themed(theme)
            .with_links(false)
            .with_context_lines(1)
            .render_report(&mut out, self)
            .ok()?;
        // The first lines repeat the message (`  × FILE:LINE:COL: …`); the snippet starts with
        // the line that names the source (`╭─[`).
        let start = out.find("╭─[")?;
        let start = out[..start].rfind('\n').map_or(0, |i| i + 1);
        Some(out[start..].trim_end().to_string())
    }
}

impl Diagnostic for ConfigError {
    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.at
            .as_ref()
            .map(|(source, _)| source as &dyn miette::SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let (_, span) = self.at.as_ref()?;
        Some(Box::new(std::iter::once(
            LabeledSpan::new_primary_with_span(None, span.clone()),
        )))
    }
}
