//! miette's graphical reports, for terminals. miette is quadratic in findings per file (each
//! label re-scans the source, ECOSYSTEM.md §4.5), so only the first `cap` findings are drawn and
//! the rest are listed in the concise format.

use std::io::{self, Write};

use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteDiagnostic, NamedSource, Report,
};

use crate::diagnostic::Severity;
use crate::source::LineIndex;
use crate::walk::FileResult;

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
            let mut labels = vec![LabeledSpan::new_primary_with_span(
                Some(d.rule.to_string()),
                span(d.span, &r.text),
            )];
            labels.extend(d.labels.iter().map(|l| {
                LabeledSpan::new_with_span(Some(l.message.clone()), span(l.span, &r.text))
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
            let source = NamedSource::new(r.path.display().to_string(), r.text.clone())
                .with_language("JavaScript");
            let report = Report::new(diag).with_source_code(source);
            let mut out = String::new();
            if handler.render_report(&mut out, report.as_ref()).is_err() {
                let index = index.get_or_insert_with(|| LineIndex::new(&r.text));
                out = super::concise::line(r, index, d);
            }
            writeln!(w, "{out}")?;
        }
    }
    Ok(())
}

fn span(s: crate::diagnostic::ByteSpan, text: &str) -> miette::SourceSpan {
    let start = (s.start as usize).min(text.len());
    let end = (s.end as usize).clamp(start, text.len());
    (start, end - start).into()
}
