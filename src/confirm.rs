//! The join of heap evidence with static findings (`leaklint confirm`): every finding in the
//! project becomes `confirmed` — some growth between the snapshots is anchored at one of its lines —
//! or `not-observed`; growth no finding explains is `unexplained`.
//!
//! A finding's anchor lines are its primary line and the lines of its labels (the growth site, the
//! handler, the callback). Heap anchors come from [`crate::heap::diff`]: the declaration line of a
//! module-scope collection, the position of a listener's or timer's callback closure (HEAPSNAPSHOT.md
//! §6, §9). Both sides use 1-based lines and project-relative paths.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::heap::{Growth, PathStep, SourceAnchor};
use crate::source::LineIndex;
use crate::walk::FileResult;

/// Objects and bytes gained between the snapshots.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct GrowthTotals {
    /// Objects allocated between the first two snapshots that are still alive.
    pub objects: u64,
    /// Bytes those objects retain (dominator-tree retained size).
    #[serde(rename = "retainedBytes")]
    pub retained_bytes: u64,
}

/// Whether the heap shows a finding's leak.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// Growth between the snapshots is anchored at the finding.
    Confirmed,
    /// No growth was anchored there (the code did not run under the load, or it does not leak).
    NotObserved,
}

/// One static finding with its heap verdict.
#[derive(Debug, Clone, Serialize)]
pub struct JoinedFinding {
    /// The rule.
    #[serde(rename = "ruleId")]
    pub rule_id: String,
    /// The file, relative to the project.
    pub path: PathBuf,
    /// 1-based line of the finding.
    pub line: u32,
    /// 1-based column (UTF-16 code units).
    pub column: u32,
    /// The finding's message.
    pub message: String,
    /// The rule's confidence before the heap was consulted.
    pub confidence: crate::diagnostic::Confidence,
    /// The verdict.
    pub status: Status,
    /// What grew, summed over the growth groups anchored here.
    pub growth: GrowthTotals,
    /// The retainer path of the largest of those groups, from a GC root.
    #[serde(rename = "retainerPath")]
    pub retainer_path: Vec<PathStep>,
    /// Where the heap anchored that growth.
    pub anchor: Option<SourceAnchor>,
}

/// Growth that no finding explains.
#[derive(Debug, Clone, Serialize)]
pub struct Unexplained {
    /// The closest source file, relative to the project, if the path reaches one.
    pub path: Option<PathBuf>,
    /// 1-based line there.
    pub line: Option<u32>,
    /// What grew.
    pub growth: GrowthTotals,
    /// The retainer path from a GC root.
    #[serde(rename = "retainerPath")]
    pub retainer_path: Vec<PathStep>,
    /// The heap's anchor, with its kind (collection, listener, timer, …).
    pub anchor: Option<SourceAnchor>,
}

/// The whole result of `leaklint confirm`.
#[derive(Debug, Clone, Serialize)]
pub struct ConfirmReport {
    /// Every static finding of the project, confirmed first.
    pub findings: Vec<JoinedFinding>,
    /// Growth above the threshold that no finding explains, largest first.
    pub unexplained: Vec<Unexplained>,
}

/// Joins `growth` (ranked, from [`crate::heap::diff`] with the same `project`) with the lint
/// `results` of the project's files. Growth groups retaining fewer than `min_bytes` bytes are
/// ignored (allocator noise between two snapshots). Lint `results` at `low` confidence: low
/// findings are kept only when confirmed.
pub fn join(
    project: &Path,
    results: &[FileResult],
    growth: &[Growth],
    min_bytes: u64,
) -> ConfirmReport {
    let growth: Vec<&Growth> = growth
        .iter()
        .filter(|g| g.retained_bytes >= min_bytes)
        .collect();
    let mut used = vec![false; growth.len()];
    let mut findings = Vec::new();
    for r in results {
        let rel = relative(project, &r.path);
        let index = LineIndex::new(&r.text);
        for d in r
            .diagnostics
            .iter()
            .filter(|d| !crate::rules::BUILTIN_CHECKS.contains(&d.rule))
        {
            let start = index.position(&r.text, d.span.start);
            let lines: BTreeSet<u32> = std::iter::once(d.span)
                .chain(d.labels.iter().map(|l| l.span))
                .map(|s| index.position(&r.text, s.start).line)
                .collect();
            let mut totals = GrowthTotals::default();
            let mut biggest: Option<&Growth> = None;
            for (i, g) in growth.iter().enumerate() {
                let Some(a) = &g.anchor else { continue };
                if a.file == rel && lines.contains(&a.line) {
                    used[i] = true;
                    totals.objects += g.objects;
                    totals.retained_bytes += g.retained_bytes;
                    if biggest.is_none_or(|b| g.retained_bytes > b.retained_bytes) {
                        biggest = Some(g);
                    }
                }
            }
            findings.push(JoinedFinding {
                rule_id: d.rule.to_string(),
                path: rel.clone(),
                line: start.line,
                column: start.column,
                message: d.message.clone(),
                confidence: d.confidence,
                status: if biggest.is_some() {
                    Status::Confirmed
                } else {
                    Status::NotObserved
                },
                growth: totals,
                retainer_path: biggest.map(|g| g.retainer_path.clone()).unwrap_or_default(),
                anchor: biggest.and_then(|g| g.anchor.clone()),
            });
        }
    }
    // Low-confidence findings are linted so that heap evidence can confirm them; unconfirmed,
    // they stay hidden as in `leaklint check`.
    findings.retain(|f| {
        f.status == Status::Confirmed || f.confidence >= crate::diagnostic::Confidence::Medium
    });
    findings.sort_by_key(|f| {
        (
            f.status != Status::Confirmed,
            std::cmp::Reverse(f.growth.retained_bytes),
        )
    });
    let unexplained = growth
        .iter()
        .zip(used)
        .filter(|(_, u)| !u)
        .map(|(g, _)| Unexplained {
            path: g.anchor.as_ref().map(|a| a.file.clone()),
            line: g.anchor.as_ref().map(|a| a.line),
            growth: GrowthTotals {
                objects: g.objects,
                retained_bytes: g.retained_bytes,
            },
            retainer_path: g.retainer_path.clone(),
            anchor: g.anchor.clone(),
        })
        .collect();
    ConfirmReport {
        findings,
        unexplained,
    }
}

fn relative(project: &Path, path: &Path) -> PathBuf {
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let root = std::path::absolute(project).unwrap_or_else(|_| project.to_path_buf());
    abs.strip_prefix(&root)
        .map(Path::to_path_buf)
        .unwrap_or(abs)
}
