//! Snippets of long lines for the pretty reporter. miette draws whole lines and pads labels with
//! `format!("{:width$}")`, whose width must fit in a `u16`: a finding past column 65,535 (a
//! minified bundle) makes it panic, and a 5 MB line drawn once per finding floods the terminal. So
//! when a line near a finding is longer than [`MAX_LINE`] bytes, the snippet is drawn from an
//! [`Excerpt`]: the same lines, with each long one cut down to windows of [`CONTEXT`] bytes around
//! the span boundaries on it, joined by ` … `. Spans are moved into the excerpt so that they still
//! underline the same code, and line numbers stay those of the file.

use miette::{MietteError, MietteSpanContents, SourceCode, SourceSpan, SpanContents};

use crate::diagnostic::ByteSpan;
use crate::source::LineIndex;

/// Lines up to this many bytes are drawn whole.
pub const MAX_LINE: usize = 512;

/// Bytes kept on each side of a span boundary on a long line.
pub const CONTEXT: usize = 80;

/// What goes between two windows of one line, and after a cut line end.
const ELLIPSIS: &str = " … ";

/// The lines a snippet shows, with long lines cut down; implements miette's [`SourceCode`] with
/// the file's own line numbers.
#[derive(Debug, Clone)]
pub struct Excerpt {
    text: String,
    /// 0-based line of the file where the excerpt starts.
    first_line: usize,
    name: String,
}

impl Excerpt {
    /// The excerpt's text (for tests).
    pub fn text(&self) -> &str {
        &self.text
    }
}

impl SourceCode for Excerpt {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let inner = self
            .text
            .read_span(span, context_lines_before, context_lines_after)?;
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            inner.data(),
            *inner.span(),
            inner.line() + self.first_line,
            inner.column(),
            inner.line_count(),
        )))
    }
}

/// One kept part of a line: `[start, end)` in file bytes, and where it starts in the excerpt.
struct Window {
    start: usize,
    end: usize,
    at: usize,
}

/// The excerpt of `text` (indexed by `index`) for `spans` (the primary one first), named `name`,
/// and the spans moved into it; `None` when every line the snippet shows (the spans' lines and
/// one line of context on each side) is at most [`MAX_LINE`] bytes, so that the text can be drawn
/// as it is.
pub fn clip(
    text: &str,
    index: &LineIndex,
    spans: &[ByteSpan],
    name: &str,
) -> Option<(Excerpt, Vec<ByteSpan>)> {
    let clamp = |o: u32| (o as usize).min(text.len());
    let lines_of = |s: &ByteSpan| (index.line_of(s.start), index.line_of(s.end));
    let first = spans.iter().map(|s| lines_of(s).0).min()?.saturating_sub(1);
    let last = (spans.iter().map(|s| lines_of(s).1).max()? + 1).min(index.line_count() - 1);
    let line_range = |l: usize| {
        let start = index.line_start(l) as usize;
        let next = if l + 1 < index.line_count() {
            index.line_start(l + 1) as usize
        } else {
            text.len()
        };
        let body_end = start + text[start..next].trim_end_matches(['\n', '\r']).len();
        (start, body_end, next)
    };
    if (first..=last).all(|l| {
        let (s, e, _) = line_range(l);
        e - s <= MAX_LINE
    }) {
        return None;
    }
    let mut out = String::new();
    let mut windows: Vec<Window> = Vec::new();
    for l in first..=last {
        let (start, body_end, next) = line_range(l);
        if body_end - start <= MAX_LINE {
            windows.push(Window {
                start,
                end: next,
                at: out.len(),
            });
            out.push_str(&text[start..next]);
            continue;
        }
        // Windows around every span boundary on this line, merged where they overlap.
        let mut points: Vec<usize> = spans
            .iter()
            .flat_map(|s| [clamp(s.start), clamp(s.end)])
            .filter(|&p| p >= start && p <= body_end)
            .collect();
        if points.is_empty() {
            points.push(start);
        }
        points.sort_unstable();
        let mut parts: Vec<(usize, usize)> = Vec::new();
        for p in points {
            let s = floor_char(text, p.saturating_sub(CONTEXT).max(start));
            let e = ceil_char(text, (p + CONTEXT).min(body_end));
            match parts.last_mut() {
                Some(last) if s <= last.1 => last.1 = last.1.max(e),
                _ => parts.push((s, e)),
            }
        }
        for (i, (s, e)) in parts.iter().enumerate() {
            if i > 0 || *s > start {
                out.push_str(ELLIPSIS);
            }
            windows.push(Window {
                start: *s,
                end: *e,
                at: out.len(),
            });
            out.push_str(&text[*s..*e]);
        }
        if parts.last().is_some_and(|p| p.1 < body_end) {
            out.push_str(ELLIPSIS.trim_end());
        }
        out.push_str(&text[body_end..next]);
    }
    // Every span boundary lies in a window (each window is built around them); a boundary past
    // the excerpt's lines cannot happen, and maps to the excerpt's end to be safe.
    let map = |o: u32| {
        let o = clamp(o);
        windows
            .iter()
            .find(|w| o >= w.start && o <= w.end)
            .map(|w| w.at + (o - w.start))
            .unwrap_or(out.len()) as u32
    };
    let moved = spans
        .iter()
        .map(|s| ByteSpan::new(map(s.start), map(s.end)))
        .collect();
    Some((
        Excerpt {
            text: out,
            first_line: first,
            name: name.to_string(),
        },
        moved,
    ))
}

fn floor_char(text: &str, mut at: usize) -> usize {
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

fn ceil_char(text: &str, mut at: usize) -> usize {
    while !text.is_char_boundary(at) {
        at += 1;
    }
    at
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_lines_are_not_clipped() {
        let text = "a\nb\nc\n";
        let index = LineIndex::new(text);
        assert!(clip(text, &index, &[ByteSpan::new(2, 3)], "f.js").is_none());
    }

    #[test]
    fn a_long_line_keeps_windows_around_the_spans_and_the_spans_still_cover_the_same_code() {
        let line = format!(
            "{}needle{}haystack{}",
            "x".repeat(100_000),
            "é".repeat(50_000),
            "y".repeat(500)
        );
        let text = format!("first\n{line}\nlast\n");
        let index = LineIndex::new(&text);
        let needle = text.find("needle").unwrap() as u32;
        let hay = text.find("haystack").unwrap() as u32;
        let spans = [
            ByteSpan::new(needle, needle + 6),
            ByteSpan::new(hay, hay + 8),
        ];
        let (ex, moved) = clip(&text, &index, &spans, "f.js").unwrap();
        assert!(ex.text().len() < 2 * MAX_LINE, "{}", ex.text().len());
        assert!(ex.text().starts_with("first\n … x"), "{}", ex.text());
        assert!(ex.text().ends_with("y …\nlast\n"), "{}", ex.text());
        let cut = |s: ByteSpan| &ex.text()[s.start as usize..s.end as usize];
        assert_eq!(cut(moved[0]), "needle");
        assert_eq!(cut(moved[1]), "haystack");
        // Line numbers are the file's: the excerpt starts at line 0, and a span on the long line
        // reads as line 1.
        let c = ex
            .read_span(&(moved[0].start as usize, 6).into(), 0, 0)
            .unwrap();
        assert_eq!(c.line(), 1);
    }
}
