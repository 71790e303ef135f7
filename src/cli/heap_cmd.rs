//! `leaklint confirm BEFORE AFTER [FINAL]` and `leaklint heap summary FILE`.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::{EXIT_ERROR, EXIT_FINDINGS, EXIT_OK};
use crate::config::ConfigResolver;
use crate::confirm::{self, Status};
use crate::heap;
use crate::report;
use crate::walk;

/// Output formats of `confirm`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum HeapFormat {
    /// Text, with retainer paths collapsed where they repeat.
    Pretty,
    /// One JSON object.
    Json,
    /// SARIF 2.1.0: confirmed findings with their retainer paths as code flows.
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

/// Output formats of `heap summary` (no SARIF: a summary has no findings to report).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SummaryFormat {
    /// Text, with retainer paths collapsed where they repeat.
    Pretty,
    /// One JSON array.
    Json,
}

/// Options of `confirm` beyond the snapshots and the project.
#[derive(Debug, Clone, Copy)]
pub struct ConfirmOptions {
    /// Output format.
    pub format: HeapFormat,
    /// Growth (bytes) a finding or an unexplained anchor needs to count.
    pub min_bytes: u64,
    /// Exit 1 when unexplained growth (bytes, summed) exceeds this.
    pub fail_on_unexplained: Option<u64>,
    /// Diff snapshots even when they do not look like one process's, in order.
    pub force: bool,
}

fn load(path: &Path) -> Result<heap::HeapSnapshot, u8> {
    // Snapshots are loaded through large short-lived buffers: give freed memory back at once so
    // that the peak RSS is the graph's, not the allocator's cache.
    crate::alloc::purge_freed_memory_immediately();
    heap::load_with_progress(path, &super::progress::SnapshotProgress::default()).map_err(|e| {
        eprintln!("leaklint: error: {e}");
        EXIT_ERROR
    })
}

/// Refuses snapshot pairs that are not two snapshots of one process in order (unless `force`,
/// which downgrades the refusal to a warning). Returns false when refused.
fn same_process(snaps: &[heap::HeapSnapshot], force: bool) -> bool {
    for pair in snaps.windows(2) {
        if let Err(m) = heap::check_same_process(&pair[0], &pair[1]) {
            let what = format!(
                "{} and {}: {m}",
                pair[0].path().display(),
                pair[1].path().display()
            );
            if force {
                eprintln!("leaklint: warning: {what} (diffing anyway: --force)");
            } else {
                eprintln!("leaklint: error: {what}; use --force to diff them anyway");
                return false;
            }
        }
    }
    true
}

/// Runs `confirm`: loads the snapshots, checks they come from one process in order, diffs them,
/// lints `project`, joins the two and prints the report. Exit code 1 when a finding is confirmed
/// or unexplained growth exceeds `fail_on_unexplained`, 0 otherwise, 2 on errors (a missing
/// project, unreadable or mismatched snapshots; a bad configuration or an unreadable file in the
/// project, after the report).
pub fn confirm(snapshots: &[PathBuf], project: &Path, opts: ConfirmOptions) -> u8 {
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
    if !same_process(&loaded, opts.force) {
        return EXIT_ERROR;
    }
    let evidence = if loaded.len() == 3 {
        confirm::Evidence::ThreeSnapshots
    } else {
        confirm::Evidence::TwoSnapshots
    };
    let growth = heap::diff(&loaded[0], &loaded[1], loaded.get(2), project);
    drop(loaded);
    let resolver = ConfigResolver::new(None, project);
    let found = walk::discover(&[project.to_path_buf()], false, &resolver);
    // The same parse budget as `check`'s default: a pathological file cannot hang `confirm`.
    let (results, errors) = walk::lint_files_cached(
        &found.files,
        &resolver,
        Some(crate::diagnostic::Confidence::Low),
        None,
        Some(std::time::Duration::from_secs(60)),
    );
    // As in `check`: the report is still written, but the run failed.
    let mut failed = false;
    for r in &results {
        for d in r
            .diagnostics
            .iter()
            .filter(|d| crate::isolate::is_tool_failure(d.rule))
        {
            eprintln!("leaklint: error: {}: {}", r.path.display(), d.message);
            failed = true;
        }
    }
    for e in resolver.take_errors() {
        super::print_config_error(&e);
        failed = true;
    }
    for e in found.errors.iter().chain(&errors) {
        eprintln!("leaklint: error: {}: {}", e.path.display(), e.message);
        failed = true;
    }
    let report = confirm::join(project, &results, &growth, opts.min_bytes, evidence);
    let text = match opts.format {
        HeapFormat::Json => report::confirm::json(&report),
        HeapFormat::Pretty => report::confirm::pretty(&report),
        HeapFormat::Sarif => report::confirm::sarif::render(project, &results, &report),
    };
    if let Err(code) = emit(&text) {
        return code;
    }
    if failed {
        return EXIT_ERROR;
    }
    let confirmed = report
        .findings
        .iter()
        .any(|f| f.status == Status::Confirmed);
    let unexplained_over = opts
        .fail_on_unexplained
        .is_some_and(|max| report.totals.unexplained.retained_bytes > max);
    if confirmed || unexplained_over {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    }
}

/// Runs `heap summary`: the `top` largest retainers of one snapshot by retained size.
pub fn summary(file: &Path, project: &Path, top: usize, format: SummaryFormat) -> u8 {
    let snap = match load(file) {
        Ok(h) => h,
        Err(code) => return code,
    };
    let entries = heap::summary(&snap, project, top);
    let text = match format {
        SummaryFormat::Json => serde_json::to_string_pretty(&entries).unwrap_or_default() + "\n",
        SummaryFormat::Pretty => entries
            .iter()
            .map(|e| {
                let at = e
                    .anchor
                    .as_ref()
                    .map(|a| format!("{}:{}", a.file.display(), a.line))
                    .unwrap_or_else(|| "-".into());
                format!(
                    "{:>10}  {:<40} {at}\n            {}\n",
                    report::binary_bytes(e.retained_bytes),
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
