//! One leak, one finding. Some rules report what another rule's leak keeps alive: a closure that
//! captures the request, held by a listener that is never removed, by an interval that is never
//! cleared, or by a collection that only grows. Such a finding carries
//! [`RetainedBy`](crate::diagnostic::RetainedBy): the span of the registration or growth call
//! that keeps it alive. When another rule reported a leak made at that span (its primary span or
//! one of its [`sites`](Diagnostic::sites)), the two are one leak, reported once: at the other
//! rule's finding (the registration or collection a user changes), with the retained finding as a
//! label that keeps its rule, severity and confidence ([`Merged`]).
//!
//! The linter merges after the rules ran and before suppression comments are applied.
//! [`crate::suppress`] drops a merged label when a directive names its rule on its own line or on
//! the line of the finding it joined, and [`settle`] then gives each finding the highest
//! severity and confidence among itself and the labels left, before the confidence floor.

use crate::diagnostic::{Diagnostic, Label, Merged};

/// Folds every finding retained by another rule's leak into that leak's finding (see the module
/// documentation); the other findings are returned unchanged, in their order.
pub fn merge(found: Vec<Diagnostic>) -> Vec<Diagnostic> {
    if !found.iter().any(|d| d.retained_by.is_some()) {
        return found;
    }
    // into[j] = the finding that j joins. Only a finding that is not itself retained takes
    // others in, so merges never chain.
    let into: Vec<Option<usize>> = found
        .iter()
        .map(|d| {
            let r = d.retained_by.as_ref()?;
            found.iter().position(|o| {
                o.retained_by.is_none()
                    && o.rule != d.rule
                    && (o.span == r.site || o.sites.contains(&r.site))
            })
        })
        .collect();
    let mut joining: Vec<Vec<Label>> = vec![Vec::new(); found.len()];
    let mut out: Vec<Option<Diagnostic>> = Vec::with_capacity(found.len());
    for (j, d) in found.into_iter().enumerate() {
        match (into[j], &d.retained_by) {
            (Some(i), Some(r)) => {
                joining[i].push(Label {
                    span: r.at,
                    message: format!("{} ({})", r.note, d.rule),
                    merged: Some(Merged {
                        rule: d.rule,
                        span: d.span,
                        severity: d.severity,
                        confidence: d.confidence,
                    }),
                });
                out.push(None);
            }
            _ => out.push(Some(d)),
        }
    }
    out.into_iter()
        .zip(joining)
        .filter_map(|(d, labels)| {
            let mut d = d?;
            d.labels.extend(labels);
            Some(d)
        })
        .collect()
}

/// Gives each finding the highest severity and confidence among its own and those of the merged
/// labels it still has (after suppression comments dropped some).
pub fn settle(found: &mut [Diagnostic]) {
    for d in found {
        for m in d.labels.iter().filter_map(|l| l.merged) {
            d.severity = d.severity.max(m.severity);
            d.confidence = d.confidence.max(m.confidence);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::{ByteSpan, Confidence};

    fn listener() -> Diagnostic {
        Diagnostic::new("no-leaked-listener", ByteSpan::new(10, 20), "listener")
            .with_confidence(Confidence::Medium)
    }

    fn capture(site: ByteSpan) -> Diagnostic {
        Diagnostic::new("no-large-closure-capture", ByteSpan::new(30, 33), "capture").retained_by(
            site,
            ByteSpan::new(30, 33),
            "captures `req`",
        )
    }

    #[test]
    fn a_finding_retained_by_another_rules_leak_becomes_its_label() {
        let out = merge(vec![listener(), capture(ByteSpan::new(10, 20))]);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].rule, "no-leaked-listener");
        let m = out[0].labels[0].merged.unwrap();
        assert_eq!(m.rule, "no-large-closure-capture");
        assert_eq!(out[0].confidence, Confidence::Medium);
        let mut out = out;
        settle(&mut out);
        assert_eq!(out[0].confidence, Confidence::High);
    }

    #[test]
    fn a_finding_retained_elsewhere_stays_on_its_own() {
        let out = merge(vec![listener(), capture(ByteSpan::new(40, 50))]);
        assert_eq!(out.len(), 2);
        assert!(out[0].labels.is_empty());
    }

    #[test]
    fn a_growth_site_takes_the_finding_in() {
        let collection = Diagnostic::new("no-unbounded-collection", ByteSpan::new(0, 5), "grows")
            .with_site(ByteSpan::new(40, 50));
        let out = merge(vec![collection, capture(ByteSpan::new(40, 50))]);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].rule, "no-unbounded-collection");
    }
}
