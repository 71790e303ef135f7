//! `leaklint confirm BEFORE AFTER [FINAL]` and `leaklint heap summary FILE`.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::{EXIT_ERROR, EXIT_FINDINGS, EXIT_OK};
use crate::config::ConfigResolver;
use crate::confirm::{self, ConfirmReport, Status};
use crate::heap;
use crate::walk;

/// Output formats of the heap commands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum HeapFormat {
    /// Text, with retainer paths collapsed where they repeat.
    Pretty,
    /// One JSON object.
    Json,
    /// SARIF 2.1.0 (`confirm` only): confirmed findings with their retainer paths as code flows.
    Sarif,
}

/// Writes `text` to standard output. A closed pipe (`| head`) ends the output quietly, as for
/// `check`; other write errors are reported.
///
/// # Errors
/// [`EXIT_ERROR`] after printing the error.
fn emit(text: &str) -> Result<(), u8> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => {
            eprintln!("leaklint: error: cannot write the report: {e}");
            Err(EXIT_ERROR)
        }
    }
}

fn load(path: &Path) -> Result<heap::HeapSnapshot, u8> {
    heap::load(path).map_err(|e| {
        eprintln!("leaklint: error: {e}");
        EXIT_ERROR
    })
}

/// Runs `confirm`: loads the snapshots, diffs them, lints `project`, joins the two and prints the
/// report. Exit code 1 when a finding is confirmed, 0 otherwise, 2 on errors.
pub fn confirm(snapshots: &[PathBuf], project: &Path, format: HeapFormat, min_bytes: u64) -> u8 {
    match std::fs::metadata(project) {
        Ok(m) if m.is_dir() => {}
        Ok(_) => {
            eprintln!(
                "leaklint: error: {}: the project is not a directory",
                project.display()
            );
            return EXIT_ERROR;
        }
        Err(e) => {
            eprintln!("leaklint: error: {}: {e}", project.display());
            return EXIT_ERROR;
        }
    }
    let mut loaded = Vec::new();
    for s in snapshots {
        match load(s) {
            Ok(h) => loaded.push(h),
            Err(code) => return code,
        }
    }
    let growth = heap::diff(&loaded[0], &loaded[1], loaded.get(2), project);
    drop(loaded);
    let resolver = ConfigResolver::new(None, project);
    let found = walk::discover(&[project.to_path_buf()], false, &resolver);
    let (results, errors) = walk::lint_files(
        &found.files,
        &resolver,
        Some(crate::diagnostic::Confidence::Low),
    );
    // As in `check`: the report is still written, but the run failed.
    let mut failed = false;
    for e in resolver.take_errors() {
        eprintln!("leaklint: error: {e}");
        failed = true;
    }
    for e in found.errors.iter().chain(&errors) {
        eprintln!("leaklint: error: {}: {}", e.path.display(), e.message);
        failed = true;
    }
    let report = confirm::join(project, &results, &growth, min_bytes);
    let text = match format {
        HeapFormat::Json => serde_json::to_string_pretty(&report).unwrap_or_default() + "\n",
        HeapFormat::Pretty => pretty(&report),
        HeapFormat::Sarif => {
            let log = crate::report::confirm_sarif::to_value(project, &results, &report);
            serde_json::to_string_pretty(&log).unwrap_or_default() + "\n"
        }
    };
    if let Err(code) = emit(&text) {
        return code;
    }
    if failed {
        return EXIT_ERROR;
    }
    if report
        .findings
        .iter()
        .any(|f| f.status == Status::Confirmed)
    {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    }
}

fn bytes(n: u64) -> String {
    match n {
        n if n >= 1 << 20 => format!("{:.1} MB", n as f64 / (1 << 20) as f64),
        n if n >= 1 << 10 => format!("{:.1} KB", n as f64 / 1024.0),
        n => format!("{n} B"),
    }
}

fn pretty(r: &ConfirmReport) -> String {
    let mut out = String::new();
    for f in &r.findings {
        let status = match f.status {
            Status::Confirmed => format!(
                "confirmed: +{} objects, {} retained",
                f.growth.objects,
                bytes(f.growth.retained_bytes)
            ),
            Status::NotObserved => "not observed".to_string(),
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
                heap::render_pretty(&f.retainer_path)
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
            bytes(u.growth.retained_bytes),
            heap::render_pretty(&u.retainer_path)
        ));
    }
    let confirmed = r
        .findings
        .iter()
        .filter(|f| f.status == Status::Confirmed)
        .count();
    out.push_str(&format!(
        "{confirmed} of {} findings confirmed, {} unexplained growth groups\n",
        r.findings.len(),
        r.unexplained.len()
    ));
    out
}

/// Runs `heap summary`: the `top` largest retainers of one snapshot by retained size.
pub fn summary(file: &Path, project: &Path, top: usize, format: HeapFormat) -> u8 {
    let snap = match load(file) {
        Ok(h) => h,
        Err(code) => return code,
    };
    let entries = heap::summary(&snap, project, top);
    let text = match format {
        HeapFormat::Json | HeapFormat::Sarif => {
            serde_json::to_string_pretty(&entries).unwrap_or_default() + "\n"
        }
        HeapFormat::Pretty => entries
            .iter()
            .map(|e| {
                let at = e
                    .anchor
                    .as_ref()
                    .map(|a| format!("{}:{}", a.file.display(), a.line))
                    .unwrap_or_else(|| "-".into());
                format!(
                    "{:>10}  {:<40} {at}\n            {}\n",
                    bytes(e.retained_bytes),
                    format!("{} ({})", e.node_name, e.node_type),
                    heap::render_pretty(&e.retainer_path)
                )
            })
            .collect(),
    };
    match emit(&text) {
        Ok(()) => EXIT_OK,
        Err(code) => code,
    }
}
