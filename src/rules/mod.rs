//! The rules and their registry. A rule is one file here plus its document `rules/<name>.md`;
//! adding one touches that file, that document and [`REGISTRY`], nothing else.

mod no_ignored_backpressure;
mod no_large_closure_capture;
mod no_leaked_listener;
mod no_leaked_timer;
mod no_max_listeners_override;
mod no_unbounded_collection;
mod no_unbounded_metric_labels;

pub use crate::builtin_check::BuiltinCheck;

use crate::diagnostic::{ByteSpan, Diagnostic, Severity};
use crate::semantic::SemanticModel;

/// What every rule declares about itself.
#[derive(Debug)]
pub struct RuleMeta {
    /// ESLint-style name, e.g. `no-leaked-timer`.
    pub name: &'static str,
    /// One line for `leaklint rules` and SARIF's `shortDescription`.
    pub summary: &'static str,
    /// Severity when the configuration says nothing.
    pub default_severity: Severity,
    /// The rule's document (`rules/<name>.md`), embedded at build time.
    pub doc: &'static str,
}

impl RuleMeta {
    /// What the rule reports, in one paragraph on one line: the first paragraph under
    /// `## What it does` in its document (every document has one, `tests/rule_docs.rs`), or the
    /// summary for a document without it. SARIF's `fullDescription`.
    pub fn description(&self) -> String {
        let paragraph = self
            .doc
            .split("## What it does")
            .nth(1)
            .and_then(|rest| rest.trim_start().split("\n\n").next())
            .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
            .filter(|p| !p.is_empty());
        paragraph.unwrap_or_else(|| self.summary.to_string())
    }
}

/// What a rule sees of a file, and how it reports a finding.
pub struct RuleContext<'a> {
    /// The semantic model.
    pub model: &'a SemanticModel,
    /// The file's text.
    pub text: &'a str,
    /// The name of the rule that runs.
    rule: &'static str,
    /// Its configured severity.
    severity: Severity,
}

impl<'a> RuleContext<'a> {
    /// The context of `rule`, running at `severity`, on a file's `model` and `text`.
    pub fn new(
        model: &'a SemanticModel,
        text: &'a str,
        rule: &'static RuleMeta,
        severity: Severity,
    ) -> RuleContext<'a> {
        RuleContext {
            model,
            text,
            rule: rule.name,
            severity,
        }
    }

    /// A finding of the running rule at `span`, at its configured severity (high confidence,
    /// no labels or help until the rule adds them).
    pub fn report(&self, span: ByteSpan, message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(self.rule, span, message).with_severity(self.severity)
    }
}

/// A lint rule. Rules only query the semantic model; none walks the AST itself.
pub trait Rule: Sync + Send {
    /// The rule's metadata.
    fn meta(&self) -> &'static RuleMeta;
    /// Appends the rule's findings for one file to `out` (made with [`RuleContext::report`]).
    fn check(&self, ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>);
}

/// Every rule, in the order `leaklint rules` lists them.
pub static REGISTRY: &[&dyn Rule] = &[
    &no_unbounded_collection::NoUnboundedCollection,
    &no_leaked_listener::NoLeakedListener,
    &no_leaked_timer::NoLeakedTimer,
    &no_ignored_backpressure::NoIgnoredBackpressure,
    &no_max_listeners_override::NoMaxListenersOverride,
    &no_unbounded_metric_labels::NoUnboundedMetricLabels,
    &no_large_closure_capture::NoLargeClosureCapture,
];

/// The rule named `name`, if there is one.
pub fn find(name: &str) -> Option<&'static dyn Rule> {
    REGISTRY.iter().copied().find(|r| r.meta().name == name)
}
