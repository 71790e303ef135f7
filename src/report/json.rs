//! ESLint's JSON formatter shape (`eslint -f json`), so existing consumers work:
//! `[{filePath, messages: [{ruleId, severity (1 warn, 2 error), message, line, column, endLine,
//! endColumn, …}], suppressedMessages, errorCount, fatalErrorCount, warningCount,
//! fixableErrorCount, fixableWarningCount, usedDeprecatedRules}]`. Lines and columns are 1-based,
//! columns in UTF-16 code units; `endColumn` is exclusive. leaklint adds `confidence`, `help` and
//! `labels` to each message (a label that is another rule's finding of the same leak, merged, has
//! that rule's `ruleId`; a label in another file of the project has that file's `filePath`). Parse errors are `fatal: true` with `ruleId: null`, as in ESLint; a
//! file that crashed leaklint (`internal-error`) or went over its parse budget (`parse-timeout`)
//! is `fatal: true` with that `ruleId`.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::range_of;
use crate::config::absolute_from;
use crate::diagnostic::Severity;
use crate::linter::FileResult;
use crate::rules::BuiltinCheck;
use crate::source::LineIndex;
use rayon::prelude::*;

// The report is written after the parallel lint, with one entry per file linted: typed entries
// serialised straight to bytes (keys in alphabetical order, as the `serde_json::Value` maps this
// replaced printed them) instead of a `Value` tree built first.

/// One file's entry.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct FileEntry<'a> {
    error_count: usize,
    fatal_error_count: usize,
    file_path: String,
    fixable_error_count: usize,
    fixable_warning_count: usize,
    messages: Vec<Message<'a>>,
    suppressed_messages: [(); 0],
    used_deprecated_rules: [(); 0],
    warning_count: usize,
}

/// One diagnostic.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Message<'a> {
    column: u32,
    confidence: &'a str,
    end_column: u32,
    end_line: u32,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    fatal: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    help: Option<&'a str>,
    labels: Vec<Label<'a>>,
    line: u32,
    message: &'a str,
    node_type: Option<()>,
    rule_id: Option<&'a str>,
    severity: u8,
}

/// A secondary location of a diagnostic.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Label<'a> {
    column: u32,
    end_column: u32,
    end_line: u32,
    /// The file of a label in another file of the project (the whole-project pass), as an
    /// absolute path like the entries' `filePath`; absent for a label in the message's file.
    #[serde(skip_serializing_if = "Option::is_none")]
    file_path: Option<String>,
    line: u32,
    message: &'a str,
    /// The rule of a finding merged into this one as the label (`crate::merge`).
    #[serde(skip_serializing_if = "Option::is_none")]
    rule_id: Option<&'a str>,
}

fn entry<'a>(r: &'a FileResult, cwd: Option<&Path>) -> FileEntry<'a> {
    // Built for the files with findings only: most have none.
    let lines = std::cell::OnceCell::new();
    let index = || lines.get_or_init(|| LineIndex::new(&r.text));
    let (mut errors, mut warnings, mut fatal) = (0, 0, 0);
    let messages = r
        .diagnostics
        .iter()
        .map(|d| {
            match d.severity {
                Severity::Error => errors += 1,
                Severity::Warn => warnings += 1,
            }
            let (start, end) = range_of(&r.text, index(), d);
            // A file that did not parse, crashed or timed out was not checked: ESLint's `fatal`.
            let is_fatal =
                BuiltinCheck::ParseError.is(d.rule) || crate::isolate::is_tool_failure(d.rule);
            if is_fatal {
                fatal += 1;
            }
            let labels = d
                .labels
                .iter()
                .map(|l| {
                    let s = index().position(&r.text, l.span.start);
                    let e = index().position(&r.text, l.span.end);
                    Label {
                        column: s.column,
                        end_column: e.column,
                        end_line: e.line,
                        line: s.line,
                        message: &l.message,
                        file_path: None,
                        rule_id: l.merged.map(|m| m.rule),
                    }
                })
                .chain(d.elsewhere.iter().map(|e| Label {
                    column: e.range.start.column,
                    end_column: e.range.end.column,
                    end_line: e.range.end.line,
                    line: e.range.start.line,
                    message: &e.message,
                    file_path: Some(path_text(absolute_from(cwd, Path::new(&e.path)))),
                    rule_id: None,
                }))
                .collect();
            Message {
                column: start.column,
                confidence: d.confidence.as_str(),
                end_column: end.column,
                end_line: end.line,
                fatal: is_fatal,
                help: d.help.as_deref(),
                labels,
                line: start.line,
                message: &d.message,
                node_type: None,
                rule_id: (!BuiltinCheck::ParseError.is(d.rule)).then_some(d.rule),
                severity: d.severity.eslint_level(),
            }
        })
        .collect();
    FileEntry {
        error_count: errors,
        fatal_error_count: fatal,
        file_path: path_text(absolute_from(cwd, &r.path)),
        fixable_error_count: 0,
        fixable_warning_count: 0,
        messages,
        suppressed_messages: [],
        used_deprecated_rules: [],
        warning_count: warnings,
    }
}

/// `path` as text, as its `Display` shows it (an invalid UTF-8 sequence becomes U+FFFD): a
/// valid path is moved, not formatted again (one per file of the report).
fn path_text(path: PathBuf) -> String {
    path.into_os_string()
        .into_string()
        .unwrap_or_else(|os| os.to_string_lossy().into_owned())
}

/// Entries serialised together on rayon's pool before they are written in order: enough to keep
/// both threads busy, few enough that the buffered text stays small.
const ENTRIES_PER_BATCH: usize = 1024;

/// Writes the JSON array for `results` to `w`, in order. Entries are serialised in parallel
/// batches (the report lists every file linted, and runs after the lint, when nothing else is
/// left to do).
///
/// # Errors
/// I/O errors of `w`.
pub fn render(results: &[FileResult], w: &mut dyn Write) -> io::Result<()> {
    let cwd = std::env::current_dir().ok();
    w.write_all(b"[")?;
    for (b, batch) in results.chunks(ENTRIES_PER_BATCH).enumerate() {
        let rendered: Vec<serde_json::Result<Vec<u8>>> = batch
            .par_iter()
            .map(|r| serde_json::to_vec(&entry(r, cwd.as_deref())))
            .collect();
        for (i, bytes) in rendered.into_iter().enumerate() {
            if b > 0 || i > 0 {
                w.write_all(b",")?;
            }
            w.write_all(&bytes?)?;
        }
    }
    w.write_all(b"]")?;
    writeln!(w)
}
