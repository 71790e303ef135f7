//! Hover on a finding shows its rule's document (LSP 3.17 §"Hover Request").

use gen_lsp_types as lsp;

use super::encoding::PositionMap;
use crate::diagnostic::Diagnostic;
use crate::rules;

/// The hover for byte `offset`: the documents of the rules whose findings cover it (in Markdown,
/// with the finding's range), or `None` when no rule finding is there.
pub fn at(found: &[Diagnostic], offset: u32, map: &PositionMap<'_>) -> Option<lsp::Hover> {
    let mut docs: Vec<&str> = Vec::new();
    let mut range = None;
    for d in found
        .iter()
        .filter(|d| d.span.start <= offset && offset <= d.span.end)
    {
        let Some(rule) = rules::find(d.rule) else {
            continue;
        };
        let doc = rule.meta().doc;
        if !docs.contains(&doc) {
            docs.push(doc);
        }
        range.get_or_insert(map.range(d.span));
    }
    if docs.is_empty() {
        return None;
    }
    Some(lsp::Hover {
        contents: lsp::Contents::MarkupContent(lsp::MarkupContent {
            kind: lsp::MarkupKind::Markdown,
            value: docs.join("\n\n---\n\n"),
        }),
        range,
    })
}
