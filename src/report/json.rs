//! ESLint's JSON formatter shape (`eslint -f json`), so existing consumers work:
//! `[{filePath, messages: [{ruleId, severity (1 warn, 2 error), message, line, column, endLine,
//! endColumn, …}], suppressedMessages, errorCount, fatalErrorCount, warningCount,
//! fixableErrorCount, fixableWarningCount, usedDeprecatedRules}]`. Lines and columns are 1-based,
//! columns in UTF-16 code units; `endColumn` is exclusive. leaklint adds `confidence`, `help` and
//! `labels` to each message. Parse errors are `fatal: true` with `ruleId: null`, as in ESLint.

use std::io::{self, Write};

use serde_json::{json, Value};

use super::range_of;
use crate::diagnostic::Severity;
use crate::source::LineIndex;
use crate::walk::FileResult;

/// The ESLint-shaped JSON value for `results`.
pub fn to_value(results: &[FileResult]) -> Value {
    let files: Vec<Value> = results
        .iter()
        .map(|r| {
            let index = LineIndex::new(&r.text);
            let mut errors = 0;
            let mut warnings = 0;
            let mut fatal = 0;
            let messages: Vec<Value> = r
                .diagnostics
                .iter()
                .map(|d| {
                    match d.severity {
                        Severity::Error => errors += 1,
                        Severity::Warn => warnings += 1,
                    }
                    let (start, end) = range_of(&r.text, &index, d);
                    let is_fatal = d.rule == "parse-error";
                    if is_fatal {
                        fatal += 1;
                    }
                    let labels: Vec<Value> = d
                        .labels
                        .iter()
                        .map(|l| {
                            let s = index.position(&r.text, l.span.start);
                            let e = index.position(&r.text, l.span.end);
                            json!({"message": l.message, "line": s.line, "column": s.column, "endLine": e.line, "endColumn": e.column})
                        })
                        .collect();
                    let mut m = json!({
                        "ruleId": if is_fatal { Value::Null } else { Value::from(d.rule) },
                        "severity": d.severity.eslint_level(),
                        "message": d.message,
                        "line": start.line,
                        "column": start.column,
                        "endLine": end.line,
                        "endColumn": end.column,
                        "nodeType": Value::Null,
                        "confidence": d.confidence.as_str(),
                        "labels": labels,
                    });
                    if is_fatal {
                        m["fatal"] = Value::Bool(true);
                    }
                    if let Some(h) = &d.help {
                        m["help"] = Value::from(h.as_str());
                    }
                    m
                })
                .collect();
            let path = std::path::absolute(&r.path).unwrap_or_else(|_| r.path.clone());
            json!({
                "filePath": path.display().to_string(),
                "messages": messages,
                "suppressedMessages": [],
                "errorCount": errors,
                "fatalErrorCount": fatal,
                "warningCount": warnings,
                "fixableErrorCount": 0,
                "fixableWarningCount": 0,
                "usedDeprecatedRules": [],
            })
        })
        .collect();
    Value::Array(files)
}

/// Writes the JSON array for `results` to `w`.
///
/// # Errors
/// I/O errors of `w`.
pub fn render(results: &[FileResult], w: &mut dyn Write) -> io::Result<()> {
    serde_json::to_writer(&mut *w, &to_value(results))?;
    writeln!(w)
}
