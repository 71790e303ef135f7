//! miette's graphical reports, for terminals. miette is quadratic in findings per file (each
//! label re-scans the source), so only the first `cap` findings are drawn and
//! the rest are listed in the concise format. Long lines are cut down around the findings
//! ([`super::clip`]), and a finding that miette cannot draw (an error or a panic in the renderer)
//! is written as its concise line instead: the report is never lost to its drawing.

use std::io::{self, Write};

use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteDiagnostic, NamedSource, Report,
};

use super::clip;
use crate::diagnostic::{ByteSpan, Severity};
use crate::isolate;
use crate::linter::FileResult;
use crate::source::LineIndex;

/// Draws up to `cap` diagnostics of `results` with source snippets to `w` (with colour when
/// `color`), then lists the remaining ones one per line.
///
/// # Errors
/// I/O errors of `w`.
pub fn render(
    results: &[FileResult],
    cap: usize,
    color: bool,
    w: &mut dyn Write,
) -> io::Result<()> {
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_links(false)
        .with_context_lines(1);
    // For excerpts the source name carries the position: miette would count columns in the
    // excerpt, not in the file.
    let clipped_handler = handler.clone().without_primary_span_start();
    let mut drawn = 0;
    for r in results {
        let mut index = None;
        for d in &r.diagnostics {
            if drawn >= cap {
                let index = index.get_or_insert_with(|| LineIndex::new(&r.text));
                writeln!(w, "{}", super::concise::line(r, index, d))?;
                continue;
            }
            drawn += 1;
            let line_index = index.get_or_insert_with(|| LineIndex::new(&r.text));
            let spans: Vec<ByteSpan> = std::iter::once(d.span)
                .chain(d.labels.iter().map(|l| l.span))
                .collect();
            let name = r.path.display().to_string();
            let excerpt = clip::clip(&r.text, line_index, &spans, &{
                let p = line_index.position(&r.text, d.span.start);
                format!("{name}:{}:{}", p.line, p.column)
            });
            let (source_text, spans) = match &excerpt {
                Some((e, moved)) => (e.text(), moved.clone()),
                None => (r.text.as_str(), spans),
            };
            let mut labels = vec![LabeledSpan::new_primary_with_span(
                Some(d.rule.to_string()),
                span(spans[0], source_text),
            )];
            labels.extend(d.labels.iter().zip(&spans[1..]).map(|(l, s)| {
                LabeledSpan::new_with_span(Some(l.message.clone()), span(*s, source_text))
            }));
            let mut diag = MietteDiagnostic::new(format!(
                "{} [{} confidence]",
                d.message,
                d.confidence.as_str()
            ))
            .with_code(d.rule)
            .with_severity(match d.severity {
                Severity::Error => miette::Severity::Error,
                Severity::Warn => miette::Severity::Warning,
            })
            .with_labels(labels);
            if let Some(h) = &d.help {
                diag = diag.with_help(h.clone());
            }
            let (report, handler) = match excerpt {
                Some((e, _)) => (Report::new(diag).with_source_code(e), &clipped_handler),
                None => {
                    let source = NamedSource::new(name, r.text.clone()).with_language("JavaScript");
                    (Report::new(diag).with_source_code(source), &handler)
                }
            };
            let mut out = String::new();
            let drew = isolate::catch(|| handler.render_report(&mut out, report.as_ref()));
            if !matches!(drew, Ok(Ok(()))) {
                out = super::concise::line(r, line_index, d);
            }
            write!(w, "{out}")?;
            // miette draws labels of one source only: labels in other files of the project (the
            // whole-project pass) follow as `path:line:column` lines, which terminals and editors
            // make clickable.
            for e in &d.elsewhere {
                writeln!(
                    w,
                    "  related: {}:{}:{}: {}",
                    e.path, e.range.start.line, e.range.start.column, e.message
                )?;
            }
            writeln!(w)?;
        }
    }
    Ok(())
}

fn span(s: ByteSpan, text: &str) -> miette::SourceSpan {
    let start = (s.start as usize).min(text.len());
    let end = (s.end as usize).clamp(start, text.len());
    (start, end - start).into()
}
