//! Diagnostics as rules produce them: byte spans into the file's text, a message, labels and help.
//! Positions for people and tools are derived later with a [`crate::source::LineIndex`].

use serde::{Deserialize, Serialize};

use crate::source::PositionRange;

/// A half-open byte range `[start, end)` into a file's text (UTF-8 offsets from 0).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, serde::Deserialize,
)]
pub struct ByteSpan {
    /// First byte of the range.
    pub start: u32,
    /// One past the last byte of the range.
    pub end: u32,
}

impl ByteSpan {
    /// A span from `start` to `end` (swapped when given in the wrong order).
    pub fn new(start: u32, end: u32) -> ByteSpan {
        ByteSpan {
            start: start.min(end),
            end: end.max(start),
        }
    }
}

/// How a finding is reported: ESLint's two levels (1 = warn, 2 = error in JSON output).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Reported, but does not fail the run unless `--max-warnings` says so.
    Warn,
    /// Reported and makes `leaklint check` exit with 1.
    Error,
}

impl Severity {
    /// ESLint's numeric severity: 1 for warn, 2 for error.
    pub fn eslint_level(self) -> u8 {
        match self {
            Severity::Warn => 1,
            Severity::Error => 2,
        }
    }

    /// `"warn"` or `"error"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Warn => "warn",
            Severity::Error => "error",
        }
    }
}

/// How sure a rule is that the finding leaks (docs/architecture.md): `high` = long-lived owner,
/// repeated code, request-derived data and no cleanup anywhere; `medium` = parameter owners,
/// exported functions, escaping collections; `low` = shapes that leak only in some programs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Confidence {
    /// Leaks only under some call patterns; hidden by default.
    Low,
    /// Likely leaks; shown by default.
    Medium,
    /// Leaks whenever the code runs as it is written to.
    High,
}

impl Confidence {
    /// One step lower (`low` stays `low`).
    pub fn lower(self) -> Confidence {
        match self {
            Confidence::High => Confidence::Medium,
            _ => Confidence::Low,
        }
    }

    /// `"high"`, `"medium"` or `"low"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Confidence::High => "high",
            Confidence::Medium => "medium",
            Confidence::Low => "low",
        }
    }
}

/// A secondary location with its own short message (the growth site, the registering handler).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Label {
    /// Where the label points.
    pub span: ByteSpan,
    /// What is there, e.g. "grows here, once per request".
    pub message: String,
    /// Set when the label is another rule's finding of the same leak, merged into this one
    /// ([`crate::merge`]): that finding's rule, severity and confidence.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub merged: Option<Merged>,
}

/// A secondary location in another file of the project, found by the whole-project pass (the
/// use in another module that makes the flagged code run on every request): the other file's
/// text is not at hand when the finding is reported, so the location carries its positions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ElsewhereLabel {
    /// The other file's path, as the walk found it (relative to the working directory when the
    /// linted paths were).
    pub path: String,
    /// Where the label points in that file: 1-based lines, 1-based UTF-16 columns.
    pub range: PositionRange,
    /// What is there, e.g. "used here, on every request".
    pub message: String,
}

/// The secondary locations that show why code runs as often as a finding says
/// (the rules' `how_often`): the registration in the same file ("this handler runs on
/// every request"), or the uses in other files that the whole-project pass followed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RepetitionSites {
    /// A label in the same file: its span and message.
    pub here: Option<(ByteSpan, String)>,
    /// Labels in other files.
    pub elsewhere: Vec<ElsewhereLabel>,
}

impl RepetitionSites {
    /// Only the labels in other files: for findings whose labels in this file already say how
    /// often each site runs.
    pub fn elsewhere_only(self) -> RepetitionSites {
        RepetitionSites {
            here: None,
            elsewhere: self.elsewhere,
        }
    }
}

/// What is left of a finding merged into another one as a label ([`crate::merge`]): suppression
/// comments still name its rule, and the finding it joined keeps the higher severity and
/// confidence of the two while the label is there.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Merged {
    /// The merged finding's rule.
    pub rule: &'static str,
    /// Its primary span (suppression comments there still apply to it).
    #[serde(skip)]
    pub span: ByteSpan,
    /// Its severity.
    pub severity: Severity,
    /// Its confidence.
    pub confidence: Confidence,
}

/// Set by a rule whose finding says what another rule's leak keeps alive (a closure held by a
/// listener, an interval or a collection): where that leak is made, and the short note the
/// finding becomes when [`crate::merge`] folds it into the other rule's finding there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RetainedBy {
    /// The registration or growth call that keeps it alive.
    pub site: ByteSpan,
    /// Where the label points once merged.
    pub at: ByteSpan,
    /// The label's message once merged, e.g. "the handler captures the request-scoped `res`".
    pub note: String,
}

/// One finding in one file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// Rule name (`no-leaked-timer`), or the name of a built-in check
    /// ([`crate::rules::BuiltinCheck`]) or of a tool failure (`internal-error`, `parse-timeout`).
    pub rule: &'static str,
    /// Severity after configuration was applied.
    pub severity: Severity,
    /// The rule's confidence in this finding.
    pub confidence: Confidence,
    /// One sentence that names what leaks.
    pub message: String,
    /// The primary location: the code a user would change.
    pub span: ByteSpan,
    /// Secondary locations.
    pub labels: Vec<Label>,
    /// Secondary locations in other files (the whole-project pass).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub elsewhere: Vec<ElsewhereLabel>,
    /// How to fix it.
    pub help: Option<String>,
    /// Where the leak is made besides the primary span (a collection's growth calls):
    /// [`crate::merge`] matches [`RetainedBy::site`] against the primary span and these.
    #[serde(skip)]
    pub sites: Vec<ByteSpan>,
    /// Set when this finding describes what another rule's leak retains ([`RetainedBy`]).
    #[serde(skip)]
    pub retained_by: Option<RetainedBy>,
}

impl Diagnostic {
    /// A diagnostic with no labels and no help, at `Error` severity and high confidence; rules set
    /// the rest with the builder methods.
    pub fn new(rule: &'static str, span: ByteSpan, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            rule,
            severity: Severity::Error,
            confidence: Confidence::High,
            message: message.into(),
            span,
            labels: Vec::new(),
            elsewhere: Vec::new(),
            help: None,
            sites: Vec::new(),
            retained_by: None,
        }
    }

    /// Adds a secondary label.
    pub fn with_label(mut self, span: ByteSpan, message: impl Into<String>) -> Diagnostic {
        self.labels.push(Label {
            span,
            message: message.into(),
            merged: None,
        });
        self
    }

    /// Adds the secondary locations that show why the code runs as often as the message says
    /// ([`RepetitionSites`]): a label in this file and labels in other files.
    pub fn with_repetition_sites(mut self, sites: RepetitionSites) -> Diagnostic {
        if let Some((span, message)) = sites.here {
            self = self.with_label(span, message);
        }
        self.elsewhere.extend(sites.elsewhere);
        self
    }

    /// Adds a secondary location in another file ([`ElsewhereLabel`]).
    pub fn with_elsewhere(mut self, label: ElsewhereLabel) -> Diagnostic {
        self.elsewhere.push(label);
        self
    }

    /// Adds a place where the leak is made besides the primary span ([`Diagnostic::sites`]).
    pub fn with_site(mut self, span: ByteSpan) -> Diagnostic {
        self.sites.push(span);
        self
    }

    /// Marks the finding as describing what the leak made at `site` retains; once merged into
    /// that leak's finding it is a label at `at` with message `note` ([`RetainedBy`]).
    pub fn retained_by(
        mut self,
        site: ByteSpan,
        at: ByteSpan,
        note: impl Into<String>,
    ) -> Diagnostic {
        self.retained_by = Some(RetainedBy {
            site,
            at,
            note: note.into(),
        });
        self
    }

    /// Sets the help line.
    pub fn with_help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    /// Sets the confidence.
    pub fn with_confidence(mut self, confidence: Confidence) -> Diagnostic {
        self.confidence = confidence;
        self
    }

    /// Sets the severity.
    pub fn with_severity(mut self, severity: Severity) -> Diagnostic {
        self.severity = severity;
        self
    }
}
