//! Suppression comments (docs/architecture.md, "Decisions"), ESLint style with leaklint's prefix:
//!
//! - `// leaklint-disable-next-line <rule>[, <rule>…] -- reason`
//! - `// leaklint-disable-line <rule>`
//! - `/* leaklint-disable <rule> */ … /* leaklint-enable <rule> */` (a range of lines)
//! - `// leaklint-disable-file <rule>`
//!
//! No rule names means every rule. Unknown rule names give `invalid-suppression`; a directive that
//! suppressed nothing gives `unused-suppression` (both warnings, like ESLint's
//! `--report-unused-disable-directives`).

use swc_common::comments::SingleThreadedComments;

use crate::diagnostic::{ByteSpan, Diagnostic};
use crate::parse::BASE;
use crate::rules::{self, BuiltinCheck};
use crate::source::LineIndex;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scope {
    /// 0-based line range, inclusive.
    Lines(usize, usize),
    File,
}

#[derive(Debug)]
struct Directive {
    span: ByteSpan,
    keyword: &'static str,
    /// Empty = every rule.
    rules: Vec<String>,
    scope: Scope,
    used: Vec<bool>,
}

/// The suppression directives of one file.
#[derive(Debug, Default)]
pub struct Directives {
    list: Vec<Directive>,
    invalid: Vec<Diagnostic>,
    /// Built only when the file has a directive: most files have none.
    index: Option<LineIndex>,
}

const KEYWORDS: &[&str] = &[
    "leaklint-disable-next-line",
    "leaklint-disable-line",
    "leaklint-disable-file",
    "leaklint-disable",
    "leaklint-enable",
];

/// Whether `text` may hold a directive: it contains the prefix `leaklint-`. Most files do not,
/// and one vectorised search settles that without looking at comments (a comment's text is part
/// of the file's text).
pub fn may_have_directives(text: &str) -> bool {
    memchr::memmem::find(text.as_bytes(), b"leaklint-").is_some()
}

impl Directives {
    /// Finds every directive among a file's `comments`; `text` is the file's text.
    pub fn parse(comments: &SingleThreadedComments, text: &str) -> Directives {
        let (leading, trailing) = comments.borrow_all();
        // The linter keeps no comments of a file without the prefix (it searched for it before
        // parsing): no need to search its text again.
        if leading.is_empty() && trailing.is_empty() || !may_have_directives(text) {
            return Directives::default();
        }
        let mut all: Vec<_> = leading
            .values()
            .chain(trailing.values())
            .flatten()
            .filter(|c| c.text.contains("leaklint-"))
            .cloned()
            .collect();
        if all.is_empty() {
            return Directives::default();
        }
        let index = LineIndex::new(text);
        all.sort_by_key(|c| c.span.lo);
        all.dedup_by_key(|c| c.span.lo);
        let mut out = Directives::default();
        let mut open: Vec<(usize, Vec<String>)> = Vec::new();
        for c in all {
            let body = c.text.trim().trim_start_matches('*').trim();
            let Some(keyword) = KEYWORDS.iter().copied().find(|k| {
                body.starts_with(k)
                    && body[k.len()..]
                        .chars()
                        .next()
                        .is_none_or(|ch| ch.is_whitespace())
            }) else {
                continue;
            };
            let span = ByteSpan::new(c.span.lo.0 - BASE, c.span.hi.0 - BASE);
            let rest = body[keyword.len()..].split(" --").next().unwrap_or("");
            let names: Vec<String> = rest
                .split([',', ' ', '\t', '\n'])
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(String::from)
                .collect();
            for n in &names {
                if rules::find(n).is_none() {
                    out.invalid.push(
                        BuiltinCheck::InvalidSuppression
                            .report(span, format!("unknown rule `{n}` in `{keyword}`"))
                            .with_help("`leaklint rules` lists the rule names"),
                    );
                }
            }
            let start_line = index.line_of(span.start);
            let end_line = index.line_of(span.end);
            let scope = match keyword {
                "leaklint-disable-next-line" => Scope::Lines(end_line + 1, end_line + 1),
                "leaklint-disable-line" => Scope::Lines(start_line, start_line),
                "leaklint-disable-file" => Scope::File,
                "leaklint-disable" => {
                    open.push((out.list.len(), names.clone()));
                    Scope::Lines(start_line, usize::MAX)
                }
                _ => {
                    // leaklint-enable closes the matching open ranges.
                    for (i, opened) in std::mem::take(&mut open) {
                        if names.is_empty()
                            || opened.iter().any(|n| names.contains(n))
                            || opened.is_empty()
                        {
                            if let Scope::Lines(s, _) = out.list[i].scope {
                                out.list[i].scope = Scope::Lines(s, start_line);
                            }
                        } else {
                            open.push((i, opened));
                        }
                    }
                    continue;
                }
            };
            let used = vec![false; names.len().max(1)];
            out.list.push(Directive {
                span,
                keyword,
                rules: names,
                scope,
                used,
            });
        }
        out.index = Some(index);
        out
    }

    /// Whether a `leaklint-disable-file` directive covers rule `name` (the rule need not run).
    pub fn disables_whole_file(&self, name: &str) -> bool {
        self.list.iter().any(|d| {
            d.scope == Scope::File && (d.rules.is_empty() || d.rules.iter().any(|r| r == name))
        })
    }

    /// Drops the findings the directives suppress and returns the rest; pushes
    /// `invalid-suppression` and `unused-suppression` diagnostics onto `report`. Unused directives
    /// are not reported for rules that are switched off (`is_enabled(name)` is false).
    pub fn apply(
        mut self,
        found: Vec<Diagnostic>,
        is_enabled: impl Fn(&str) -> bool,
        report: &mut Vec<Diagnostic>,
    ) -> Vec<Diagnostic> {
        report.append(&mut self.invalid);
        let Some(index) = self.index.take() else {
            return found;
        };
        let mut kept = Vec::new();
        for mut d in found {
            let line = index.line_of(d.span.start);
            if self.suppress(d.rule, &[line]) {
                continue;
            }
            // A finding merged into this one (crate::merge) is suppressed by its own rule's name,
            // on its own line or on the line of the finding it joined.
            d.labels.retain(|l| {
                let Some(m) = l.merged else {
                    return true;
                };
                !self.suppress(m.rule, &[index.line_of(m.span.start), line])
            });
            kept.push(d);
        }
        for dir in &self.list {
            if dir.scope == Scope::File {
                // A whole-file directive skips its rules, so it cannot be seen to be used.
                continue;
            }
            if dir.rules.is_empty() {
                if !dir.used[0] {
                    report.push(unused(dir.span, dir.keyword, None));
                }
                continue;
            }
            for (i, r) in dir.rules.iter().enumerate() {
                if !dir.used[i] && is_enabled(r) {
                    report.push(unused(dir.span, dir.keyword, Some(r)));
                }
            }
        }
        kept
    }
}

impl Directives {
    /// Whether a directive covering one of `lines` names `rule` (or every rule); marks the
    /// directives that do as used.
    fn suppress(&mut self, rule: &str, lines: &[usize]) -> bool {
        let mut suppressed = false;
        for dir in &mut self.list {
            let covers = match dir.scope {
                Scope::File => true,
                Scope::Lines(a, b) => lines.iter().any(|&line| line >= a && line <= b),
            };
            if !covers {
                continue;
            }
            if dir.rules.is_empty() {
                dir.used[0] = true;
                suppressed = true;
            } else if let Some(i) = dir.rules.iter().position(|r| r == rule) {
                dir.used[i] = true;
                suppressed = true;
            }
        }
        suppressed
    }
}

fn unused(span: ByteSpan, keyword: &str, rule: Option<&str>) -> Diagnostic {
    let what = rule.map(|r| format!(" for `{r}`")).unwrap_or_default();
    BuiltinCheck::UnusedSuppression
        .report(
            span,
            format!("unused `{keyword}`{what}: there is nothing to suppress here"),
        )
        .with_help("remove the comment, or move it to the line of the finding")
}
