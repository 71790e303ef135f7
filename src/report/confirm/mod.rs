//! `leaklint confirm`'s reports: text ([`pretty`]), JSON ([`json`]) and SARIF ([`sarif`]).

pub mod sarif;

use super::binary_bytes;
use crate::confirm::{ConfirmReport, Evidence, Status};

/// The JSON report of `confirm`: the [`ConfirmReport`] serialised, pretty-printed, with a final
/// newline.
pub fn json(r: &ConfirmReport) -> String {
    serde_json::to_string_pretty(r).unwrap_or_default() + "\n"
}

/// The text report of `confirm`: one line per finding with its status (and the retainer path
/// when confirmed), the unexplained growth sites, then the totals.
pub fn pretty(r: &ConfirmReport) -> String {
    let mut out = String::new();
    for f in &r.findings {
        let status = match f.status {
            Status::Confirmed => format!(
                "confirmed: +{} objects, {} retained",
                f.growth.objects,
                binary_bytes(f.growth.retained_bytes)
            ),
            Status::NotObserved => "not observed".to_string(),
        };
        let status = match &f.same_growth_as {
            Some(o) => format!(
                "confirmed by the growth counted at {} {}:{}",
                o.rule_id,
                o.path.display(),
                o.line
            ),
            None => status,
        };
        out.push_str(&format!(
            "{}:{}:{}: {} [{status}] {}\n",
            f.path.display(),
            f.line,
            f.column,
            f.rule_id,
            f.message
        ));
        if f.status == Status::Confirmed {
            out.push_str(&format!(
                "    retainer path: {}\n",
                crate::heap::render_pretty(&f.retainer_path)
            ));
        }
    }
    for u in &r.unexplained {
        let at = match (&u.path, u.line) {
            (Some(p), Some(l)) => format!("{}:{l}", p.display()),
            _ => "(no source location)".to_string(),
        };
        out.push_str(&format!(
            "{at}: unexplained growth: +{} objects, {} retained, which no rule predicted\n    retainer path: {}\n",
            u.growth.objects,
            binary_bytes(u.growth.retained_bytes),
            crate::heap::render_pretty(&u.retainer_path)
        ));
    }
    let confirmed = r
        .findings
        .iter()
        .filter(|f| f.status == Status::Confirmed)
        .count();
    out.push_str(&format!(
        "{confirmed} of {} findings confirmed ({} retained, each byte counted once), {} unexplained growth sites ({} retained)\n",
        r.findings.len(),
        binary_bytes(r.totals.confirmed.retained_bytes),
        r.unexplained.len(),
        binary_bytes(r.totals.unexplained.retained_bytes),
    ));
    if r.evidence == Evidence::TwoSnapshots {
        out.push_str(
            "note: two snapshots are weaker evidence than three: growth is what each holder gained \
             between them, and a cache still filling up to its bound looks like a leak; pass a third \
             snapshot taken after more load to keep only objects that survive it\n",
        );
    }
    out
}
