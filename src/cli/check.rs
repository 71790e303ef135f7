//! `leaklint check`: discover, lint in parallel, report, choose the exit code.

use std::io::{IsTerminal, Write};

use super::{CheckArgs, Format, MinConfidence, EXIT_ERROR, EXIT_FINDINGS, EXIT_OK};
use crate::config::{Config, ConfigResolver};
use crate::diagnostic::{Confidence, Severity};
use crate::report::{self, Totals};
use crate::walk;

/// Runs `leaklint check` and returns the exit code.
pub fn run(args: &CheckArgs) -> u8 {
    let cwd = std::env::current_dir().unwrap_or_default();
    let explicit = match &args.config {
        Some(p) => match Config::load(p) {
            Ok(c) => Some(c),
            Err(e) => {
                eprintln!("leaklint: error: {e}");
                return EXIT_ERROR;
            }
        },
        None => None,
    };
    let override_conf = args.min_confidence.map(|m| match m {
        MinConfidence::Low => Confidence::Low,
        MinConfidence::Medium => Confidence::Medium,
        MinConfidence::High => Confidence::High,
    });
    let resolver = ConfigResolver::new(explicit, &cwd);
    let paths = if args.paths.is_empty() {
        vec![".".into()]
    } else {
        args.paths.clone()
    };
    let found = walk::discover(&paths, args.force_exclude, &resolver);
    let (mut results, read_errors) = walk::lint_files(&found.files, &resolver, override_conf);
    let config_errors = resolver.take_errors();
    if args.quiet {
        results
            .iter_mut()
            .for_each(|r| r.diagnostics.retain(|d| d.severity == Severity::Error));
    }
    let format = args.format.unwrap_or(if std::io::stdout().is_terminal() {
        Format::Pretty
    } else {
        Format::Concise
    });
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let totals = Totals::of(&results);
    let written = match format {
        Format::Json => report::json::render(&results, &mut out),
        Format::Concise => report::concise::render(&results, &mut out)
            .and_then(|_| writeln!(out, "{}", totals.summary())),
        Format::Pretty => {
            let color = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
            report::pretty::render(&results, args.max_diagnostics, color, &mut out)
                .and_then(|_| writeln!(out, "{}", totals.summary()))
        }
    };
    let _ = out.flush();
    drop(out);
    if let Err(e) = written {
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            eprintln!("leaklint: error: cannot write the report: {e}");
            return EXIT_ERROR;
        }
    }
    let mut failed = false;
    for e in &config_errors {
        eprintln!("leaklint: error: {e}");
        failed = true;
    }
    for e in found.errors.iter().chain(read_errors.iter()) {
        eprintln!("leaklint: error: {}: {}", e.path.display(), e.message);
        failed = true;
    }
    if failed {
        return EXIT_ERROR;
    }
    if totals.errors > 0 || args.max_warnings.is_some_and(|m| totals.warnings > m) {
        return EXIT_FINDINGS;
    }
    EXIT_OK
}
