//! `leaklint confirm --format sarif`: the confirmed findings as SARIF 2.1.0 results, each with the
//! retainer path that proves it as a code flow (SARIF §3.36 `codeFlows`, §3.38 `threadFlows`): one
//! thread-flow location per step from the GC root (closures in the project with their source
//! position), the last one at the finding's source line.
//! Growth and status go into the result's `properties`.

use std::path::Path;

use serde_json::{json, Value};

use crate::confirm::{ConfirmReport, Status};
use crate::heap::PathStep;
use crate::linter::FileResult;
use crate::report::sarif::{self, SourceRoot};

fn step_text(s: &PathStep) -> String {
    format!(
        "--{} ({})--> {} ({}), {} B",
        s.edge, s.edge_type, s.node_name, s.node_type, s.self_size
    )
}

/// [`to_value`] as pretty-printed JSON text with a final newline.
pub fn render(project: &Path, results: &[FileResult], report: &ConfirmReport) -> String {
    serde_json::to_string_pretty(&to_value(project, results, report)).unwrap_or_default() + "\n"
}

/// The SARIF log of `report`: lint `results` of the project (as given to
/// [`crate::confirm::join`]) narrowed to the confirmed findings, with code flows.
pub fn to_value(project: &Path, results: &[FileResult], report: &ConfirmReport) -> Value {
    let root = SourceRoot::at(project);
    let confirmed: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.status == Status::Confirmed)
        .collect();
    let narrowed: Vec<FileResult> = results
        .iter()
        .map(|r| {
            let index = crate::source::LineIndex::new(&r.text);
            let rel = std::path::absolute(&r.path).ok().and_then(|a| {
                a.strip_prefix(std::path::absolute(project).ok()?)
                    .ok()
                    .map(Path::to_path_buf)
            });
            let diagnostics = r
                .diagnostics
                .iter()
                .filter(|d| {
                    let line = index.position(&r.text, d.span.start).line;
                    confirmed.iter().any(|f| {
                        Some(&f.path) == rel.as_ref() && f.line == line && f.rule_id == d.rule
                    })
                })
                .cloned()
                .collect();
            FileResult {
                path: r.path.clone(),
                text: r.text.clone(),
                diagnostics,
            }
        })
        .filter(|r| !r.diagnostics.is_empty())
        .collect();
    let rules: Vec<_> = crate::rules::REGISTRY.iter().map(|r| r.meta()).collect();
    let mut log = sarif::to_value(&narrowed, &rules, &root);
    let Some(results) = log["runs"][0]["results"].as_array_mut() else {
        return log;
    };
    for res in results.iter_mut() {
        let uri = res["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            .as_str()
            .unwrap_or("")
            .to_string();
        let line = res["locations"][0]["physicalLocation"]["region"]["startLine"]
            .as_u64()
            .unwrap_or(0) as u32;
        let rule = res["ruleId"].as_str().unwrap_or("").to_string();
        let Some(f) = confirmed.iter().find(|f| {
            f.rule_id == rule
                && f.line == line
                && f.path.to_string_lossy().replace('\\', "/") == uri
        }) else {
            continue;
        };
        let base = res["locations"][0]["physicalLocation"]["artifactLocation"]["uriBaseId"].clone();
        let mut steps: Vec<Value> = f
            .retainer_path
            .iter()
            .map(|s| {
                let mut location = json!({ "message": { "text": step_text(s) } });
                // A closure inside the project links to its definition (the callback a timer
                // runs, a listener): the path can be followed in the code.
                if let Some(at) = s.location.as_ref().filter(|l| l.file.is_relative()) {
                    location["physicalLocation"] = json!({
                        "artifactLocation": {
                            "uri": at.file.to_string_lossy().replace('\\', "/"),
                            "uriBaseId": base,
                        },
                        "region": { "startLine": at.line, "startColumn": at.column },
                    });
                }
                json!({ "location": location, "kinds": ["memory"] })
            })
            .collect();
        steps.push(json!({ "location": res["locations"][0].clone(), "kinds": ["memory"] }));
        res["codeFlows"] = json!([{
            "message": { "text": format!("retainer path from a GC root: +{} objects, {} bytes retained", f.growth.objects, f.growth.retained_bytes) },
            "threadFlows": [{ "locations": steps }],
        }]);
        res["properties"]["status"] = json!("confirmed");
        res["properties"]["growth"] =
            json!({ "objects": f.growth.objects, "retainedBytes": f.growth.retained_bytes });
    }
    log
}
