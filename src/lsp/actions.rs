//! Code actions for a finding (LSP 3.17 §"Code Action Request"): "Disable `<rule>` for this line"
//! and "Disable `<rule>` for this file", both as `quickfix` edits that add a suppression comment
//! (see [`crate::suppress`]). No rule offers an always-safe fix of its own today; when one does, it
//! belongs here as a third, preferred action.

use std::collections::HashMap;

use gen_lsp_types as lsp;
use gen_lsp_types::Uri;

use super::convert;
use super::encoding::PositionMap;
use crate::diagnostic::Diagnostic;
use crate::rules;
use crate::source::LineIndex;

/// The actions for every finding in `found` that touches the byte range `[start, end]` of
/// `text` (the request's range). Built-in checks (`parse-error`, suppression warnings) get none:
/// they cannot be suppressed.
pub fn for_range(
    uri: &Uri,
    text: &str,
    map: &PositionMap<'_>,
    found: &[Diagnostic],
    start: u32,
    end: u32,
) -> Vec<lsp::CodeAction> {
    let index = LineIndex::new(text);
    let eol = if text.contains("\r\n") { "\r\n" } else { "\n" };
    let mut out = Vec::new();
    for d in found {
        if rules::find(d.rule).is_none() || d.span.end < start || d.span.start > end {
            continue;
        }
        let lsp_diag = convert::to_lsp(d, uri, map);
        let line_start = index.line_start(index.line_of(d.span.start));
        let indent: String = text[line_start as usize..]
            .chars()
            .take_while(|c| *c == ' ' || *c == '\t')
            .collect();
        out.push(insert_action(
            format!("Disable {} for this line", d.rule),
            uri,
            map,
            line_start,
            format!(
                "{indent}// leaklint-disable-next-line {} -- reason{eol}",
                d.rule
            ),
            &lsp_diag,
        ));
        out.push(insert_action(
            format!("Disable {} for this file", d.rule),
            uri,
            map,
            file_comment_offset(text),
            format!("// leaklint-disable-file {}{eol}", d.rule),
            &lsp_diag,
        ));
    }
    out
}

/// Where a file-level comment goes: the start of the file, or the line after a `#!` line.
fn file_comment_offset(text: &str) -> u32 {
    let body = text.strip_prefix('\u{feff}').unwrap_or(text);
    let bom = (text.len() - body.len()) as u32;
    if body.starts_with("#!") {
        match body.find('\n') {
            Some(i) => bom + i as u32 + 1,
            None => text.len() as u32,
        }
    } else {
        bom
    }
}

fn insert_action(
    title: String,
    uri: &Uri,
    map: &PositionMap<'_>,
    at: u32,
    new_text: String,
    diagnostic: &lsp::Diagnostic,
) -> lsp::CodeAction {
    let pos = map.position(at);
    let edit = lsp::TextEdit {
        range: lsp::Range {
            start: pos,
            end: pos,
        },
        new_text,
    };
    lsp::CodeAction {
        title,
        kind: Some(lsp::CodeActionKind::QuickFix),
        diagnostics: Some(vec![diagnostic.clone()]),
        edit: Some(lsp::WorkspaceEdit {
            changes: Some(HashMap::from([(uri.clone(), vec![edit])])),
            ..Default::default()
        }),
        ..Default::default()
    }
}
