//! The join of heap evidence with static findings (`leaklint confirm`): every finding in the
//! project becomes `confirmed` — some growth between the snapshots is anchored at one of its lines —
//! or `not-observed`; growth no finding explains is `unexplained`.
//!
//! A finding's anchor lines are its primary line and the lines of its labels (the growth site, the
//! handler, the callback). Heap anchors come from [`crate::heap::diff`]: the declaration line of a
//! module-scope collection, the position of a listener's or timer's callback closure, and for a
//! metric every line of the metric object ([`SourceAnchor::also_at`]). Both sides use 1-based lines
//! and project-relative paths.
//!
//! Counting: every growth group is given to exactly one owner finding (the one at the anchor's own
//! line, then the one whose rule matches the anchor's kind), so bytes are never counted twice; the
//! other findings it matches are confirmed by it without its bytes. The `--min-growth` threshold
//! is applied to a finding's total over all its groups (many small groups of one leak add up), and
//! to unexplained growth per anchor.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::heap::{AnchorKind, Growth, PathStep, SourceAnchor};
use crate::linter::FileResult;
use crate::source::LineIndex;

/// Objects and bytes gained between the snapshots.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct GrowthTotals {
    /// Objects allocated between the first two snapshots that are still alive.
    pub objects: u64,
    /// Bytes those objects retain (dominator-tree retained size).
    #[serde(rename = "retainedBytes")]
    pub retained_bytes: u64,
}

impl GrowthTotals {
    fn add(&mut self, g: &Growth) {
        self.objects += g.objects;
        self.retained_bytes = self.retained_bytes.saturating_add(g.retained_bytes);
    }
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

/// How strong the heap evidence is, from the number of snapshots.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Evidence {
    /// Three snapshots (memlab's mode): objects allocated between the first two and still alive
    /// in the third.
    ThreeSnapshots,
    /// Two snapshots: new objects, cut to what their holder's retained size grew by. Weaker: a
    /// cache that has not reached its bound yet looks the same as a leak.
    TwoSnapshots,
}

/// A reference to another finding (the owner of growth that also confirms this one).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FindingRef {
    /// The rule.
    #[serde(rename = "ruleId")]
    pub rule_id: String,
    /// The file, relative to the project.
    pub path: PathBuf,
    /// 1-based line.
    pub line: u32,
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
    /// What grew, summed over the growth groups this finding owns (each group has one owner).
    pub growth: GrowthTotals,
    /// Set when the growth confirming this finding is owned (and counted) by another finding —
    /// two findings of one leak, such as a timer and the closure it keeps.
    #[serde(rename = "sameGrowthAs", skip_serializing_if = "Option::is_none")]
    pub same_growth_as: Option<FindingRef>,
    /// The retainer path of the largest matching group, from a GC root.
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
    /// What grew, summed over the groups with this anchor.
    pub growth: GrowthTotals,
    /// The retainer path from a GC root (of the largest group).
    #[serde(rename = "retainerPath")]
    pub retainer_path: Vec<PathStep>,
    /// The heap's anchor, with its kind (collection, listener, timer, …).
    pub anchor: Option<SourceAnchor>,
}

/// Byte totals of a report, each byte counted once.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct ReportTotals {
    /// Growth owned by confirmed findings.
    pub confirmed: GrowthTotals,
    /// Growth listed as unexplained.
    pub unexplained: GrowthTotals,
}

/// The whole result of `leaklint confirm`.
#[derive(Debug, Clone, Serialize)]
pub struct ConfirmReport {
    /// Two or three snapshots, and so how strong the evidence is.
    pub evidence: Evidence,
    /// Every static finding of the project, confirmed first.
    pub findings: Vec<JoinedFinding>,
    /// Growth above the threshold that no finding explains, largest first.
    pub unexplained: Vec<Unexplained>,
    /// Sums over `findings` and `unexplained`.
    pub totals: ReportTotals,
}

/// Which rule reports the construct a heap anchor kind points at (used to pick a group's owner).
fn rule_for(kind: &AnchorKind) -> Option<&'static str> {
    Some(match kind {
        AnchorKind::Timer => "no-leaked-timer",
        AnchorKind::Listener { .. } => "no-leaked-listener",
        AnchorKind::Collection { .. } => "no-unbounded-collection",
        AnchorKind::MetricLabels { .. } => "no-unbounded-metric-labels",
        AnchorKind::ContextVariable => "no-large-closure-capture",
        AnchorKind::Closure | AnchorKind::Constructor { .. } => return None,
    })
}

/// A finding while joining: its lines and the groups that match it.
struct Candidate {
    finding: JoinedFinding,
    lines: BTreeSet<u32>,
    /// All matching groups (owned or not): the evidence for the verdict.
    evidence: GrowthTotals,
    biggest: Option<usize>,
}

/// Joins `growth` (ranked, from [`crate::heap::diff`] with the same `project`) with the lint
/// `results` of the project's files.
///
/// A group matches a finding in the same file when the anchor's line (or one of its
/// [`SourceAnchor::also_at`] lines) is the finding's line or one of its labels' lines. Each group
/// is owned by one matching finding: the one whose own line is the anchor line, then the one
/// whose rule reports the anchor's kind, then the first. A finding is confirmed when the groups it
/// matches retain `min_bytes` bytes or more in total (so many small groups of one leak count);
/// its `growth` sums the groups it owns. Unmatched groups are summed per anchor (file, line, kind)
/// and listed as unexplained when the sum reaches `min_bytes`. `evidence` records the snapshot
/// mode. Lint `results` at `low` confidence are kept only when confirmed.
pub fn join(
    project: &Path,
    results: &[FileResult],
    growth: &[Growth],
    min_bytes: u64,
    evidence: Evidence,
) -> ConfirmReport {
    let mut cands = Vec::new();
    for r in results {
        let rel = relative(project, &r.path);
        let index = LineIndex::new(&r.text);
        for d in r
            .diagnostics
            .iter()
            // Built-in checks and tool failures (`internal-error`, `parse-timeout`) are no
            // leak findings.
            .filter(|d| {
                crate::rules::BuiltinCheck::from_name(d.rule).is_none()
                    && !crate::isolate::is_tool_failure(d.rule)
            })
        {
            let start = index.position(&r.text, d.span.start);
            let lines: BTreeSet<u32> = std::iter::once(d.span)
                .chain(d.labels.iter().map(|l| l.span))
                .map(|s| index.position(&r.text, s.start).line)
                .collect();
            cands.push(Candidate {
                finding: JoinedFinding {
                    rule_id: d.rule.to_string(),
                    path: rel.clone(),
                    line: start.line,
                    column: start.column,
                    message: d.message.clone(),
                    confidence: d.confidence,
                    status: Status::NotObserved,
                    growth: GrowthTotals::default(),
                    same_growth_as: None,
                    retainer_path: vec![],
                    anchor: None,
                },
                lines,
                evidence: GrowthTotals::default(),
                biggest: None,
            });
        }
    }
    // Owner of each group, and the unmatched groups.
    let mut owner_of: Vec<Option<usize>> = vec![None; growth.len()];
    for (gi, g) in growth.iter().enumerate() {
        let Some(a) = &g.anchor else { continue };
        let matching: Vec<usize> = cands
            .iter()
            .enumerate()
            .filter(|(_, c)| {
                c.finding.path == a.file
                    && (c.lines.contains(&a.line) || a.also_at.iter().any(|l| c.lines.contains(l)))
            })
            .map(|(i, _)| i)
            .collect();
        let wanted = rule_for(&a.kind);
        let owner = matching.iter().copied().max_by_key(|&i| {
            let f = &cands[i].finding;
            (
                f.line == a.line,
                Some(f.rule_id.as_str()) == wanted,
                std::cmp::Reverse(i),
            )
        });
        owner_of[gi] = owner;
        for &i in &matching {
            let c = &mut cands[i];
            c.evidence.add(g);
            if c.biggest
                .is_none_or(|b| g.retained_bytes > growth[b].retained_bytes)
            {
                c.biggest = Some(gi);
            }
        }
        if let Some(o) = owner {
            cands[o].finding.growth.add(g);
        }
    }
    let refs: Vec<FindingRef> = cands
        .iter()
        .map(|c| FindingRef {
            rule_id: c.finding.rule_id.clone(),
            path: c.finding.path.clone(),
            line: c.finding.line,
        })
        .collect();
    let mut findings: Vec<JoinedFinding> = Vec::with_capacity(cands.len());
    for (i, c) in cands.into_iter().enumerate() {
        let mut f = c.finding;
        if let Some(b) = c.biggest.filter(|_| c.evidence.retained_bytes >= min_bytes) {
            f.status = Status::Confirmed;
            f.retainer_path = growth[b].retainer_path.clone();
            f.anchor = growth[b].anchor.clone();
            if f.growth == GrowthTotals::default() {
                f.same_growth_as = owner_of[b].filter(|&o| o != i).map(|o| refs[o].clone());
            }
        } else {
            f.growth = GrowthTotals::default();
        }
        findings.push(f);
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
    let unexplained = unexplained(growth, &owner_of, min_bytes);
    let mut totals = ReportTotals::default();
    for f in findings.iter().filter(|f| f.status == Status::Confirmed) {
        totals.confirmed.objects += f.growth.objects;
        totals.confirmed.retained_bytes += f.growth.retained_bytes;
    }
    for u in &unexplained {
        totals.unexplained.objects += u.growth.objects;
        totals.unexplained.retained_bytes += u.growth.retained_bytes;
    }
    ConfirmReport {
        evidence,
        findings,
        unexplained,
        totals,
    }
}

/// Groups no finding matched, summed per anchor (file, line, kind); unanchored groups one by one.
/// Kept when the sum reaches `min_bytes`; largest first.
fn unexplained(growth: &[Growth], owner_of: &[Option<usize>], min_bytes: u64) -> Vec<Unexplained> {
    let mut out: Vec<Unexplained> = Vec::new();
    let mut by_anchor: std::collections::HashMap<(PathBuf, u32, String), usize> =
        std::collections::HashMap::new();
    for (g, _) in growth.iter().zip(owner_of).filter(|(_, o)| o.is_none()) {
        let key = g
            .anchor
            .as_ref()
            .map(|a| (a.file.clone(), a.line, format!("{:?}", a.kind)));
        if let Some(&i) = key.as_ref().and_then(|k| by_anchor.get(k)) {
            out[i].growth.add(g);
            continue;
        }
        if let Some(k) = key {
            by_anchor.insert(k, out.len());
        }
        out.push(Unexplained {
            path: g.anchor.as_ref().map(|a| a.file.clone()),
            line: g.anchor.as_ref().map(|a| a.line),
            growth: GrowthTotals {
                objects: g.objects,
                retained_bytes: g.retained_bytes,
            },
            retainer_path: g.retainer_path.clone(),
            anchor: g.anchor.clone(),
        });
    }
    out.retain(|u| u.growth.retained_bytes >= min_bytes);
    out.sort_by_key(|u| std::cmp::Reverse(u.growth.retained_bytes));
    out
}

fn relative(project: &Path, path: &Path) -> PathBuf {
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let root = std::path::absolute(project).unwrap_or_else(|_| project.to_path_buf());
    abs.strip_prefix(&root)
        .map(Path::to_path_buf)
        .unwrap_or(abs)
}
