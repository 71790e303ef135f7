//! leaklint diagnostics → LSP `Diagnostic` (LSP 3.17 §"Diagnostic").

use gen_lsp_types as lsp;
use gen_lsp_types::Uri;

use super::encoding::PositionMap;
use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{self, BuiltinCheck};

/// `Diagnostic.source` of everything the server reports.
pub const SOURCE: &str = "leaklint";

/// Where the rule documents are published: `<repository>/blob/main/rules/<rule>.md`. The
/// repository comes from `Cargo.toml`'s `repository` when set.
pub fn rule_doc_url(rule: &str) -> Option<Uri> {
    rules::find(rule)?;
    let repo = option_env!("CARGO_PKG_REPOSITORY")
        .filter(|r| !r.is_empty())
        .unwrap_or("https://github.com/leaklint/leaklint");
    Uri::parse(&format!(
        "{}/blob/main/rules/{rule}.md",
        repo.trim_end_matches('/')
    ))
    .ok()
}

/// Converts one finding. The message carries the help line after a blank line (editors show
/// `message` only), `code` is the rule name with `codeDescription.href` to its document, and
/// secondary labels become `relatedInformation` in the same document; labels in other files of
/// the project (the whole-project pass) become `relatedInformation` there (a path that is not
/// absolute is taken from the server's working directory).
pub fn to_lsp(d: &Diagnostic, uri: &Uri, map: &PositionMap<'_>) -> lsp::Diagnostic {
    let mut message = d.message.clone();
    if let Some(help) = &d.help {
        message.push_str("\n\nhelp: ");
        message.push_str(help);
    }
    let related: Vec<lsp::DiagnosticRelatedInformation> = d
        .labels
        .iter()
        .map(|l| lsp::DiagnosticRelatedInformation {
            location: lsp::Location {
                uri: uri.clone(),
                range: map.range(l.span),
            },
            message: l.message.clone(),
        })
        .chain(d.elsewhere.iter().filter_map(|e| {
            let path = std::path::absolute(&e.path).ok()?;
            Some(lsp::DiagnosticRelatedInformation {
                location: lsp::Location {
                    uri: Uri::from_file_path(path).ok()?,
                    range: map.range_elsewhere(e.range),
                },
                message: e.message.clone(),
            })
        }))
        .collect();
    let tags =
        (BuiltinCheck::UnusedSuppression.is(d.rule)).then(|| vec![lsp::DiagnosticTag::Unnecessary]);
    lsp::Diagnostic {
        range: map.range(d.span),
        severity: Some(match d.severity {
            Severity::Error => lsp::DiagnosticSeverity::Error,
            Severity::Warn => lsp::DiagnosticSeverity::Warning,
        }),
        code: Some(lsp::Code::String(d.rule.to_string())),
        code_description: rule_doc_url(d.rule).map(|href| lsp::CodeDescription { href }),
        source: Some(SOURCE.to_string()),
        message: lsp::Message::String(message),
        tags,
        related_information: (!related.is_empty()).then_some(related),
        data: Some(serde_json::json!({ "confidence": d.confidence.as_str() })),
    }
}
