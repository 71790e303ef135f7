//! `leaklint check`: discover, lint in parallel, report, choose the exit code.

use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};

use super::{CheckArgs, Format, MinConfidence, EXIT_ERROR, EXIT_FINDINGS, EXIT_OK};
use crate::cache::Cache;
use crate::config::{Config, ConfigResolver};
use crate::diagnostic::{Confidence, Severity};
use crate::linter::FileResult;
use crate::report::sarif::SourceRoot;
use crate::report::{self, Totals};
use crate::rules::RuleMeta;
use crate::source::Dialect;
use crate::walk::{self, Discovered};

/// Runs `leaklint check` and returns the exit code.
pub fn run(args: &CheckArgs) -> u8 {
    let cwd = std::env::current_dir().unwrap_or_default();
    let explicit = match &args.config {
        Some(p) => match Config::load(p) {
            Ok(c) => Some(c),
            Err(e) => {
                super::print_config_error(&e);
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
    let (mut results, found, read_errors) = match &args.stdin_filename {
        Some(name) => match lint_stdin(name, args, &resolver, override_conf) {
            Ok((results, found)) => (results, found, Vec::new()),
            Err(e) => {
                eprintln!("leaklint: error: cannot read standard input: {e}");
                return EXIT_ERROR;
            }
        },
        None => {
            let found = walk::discover(&paths, args.force_exclude, &resolver);
            let cache = (!args.no_cache).then(|| Cache::open(&cwd));
            let (results, read_errors) = walk::lint_files_cached(
                &found.files,
                &resolver,
                override_conf,
                cache.as_ref(),
                args.parse_limit(),
            );
            if let Some(c) = &cache {
                // A cache that cannot be written only costs time on the next run.
                let _ = c.save();
            }
            (results, found, read_errors)
        }
    };
    let config_errors = resolver.take_errors();
    if args.quiet {
        results
            .iter_mut()
            .for_each(|r| r.diagnostics.retain(|d| d.severity == Severity::Error));
    }
    let format = args.format.unwrap_or(
        if args.output_file.is_none() && std::io::stdout().is_terminal() {
            Format::Pretty
        } else {
            Format::Concise
        },
    );
    let to_terminal = args.output_file.is_none() && std::io::stdout().is_terminal();
    let mut out: Box<dyn Write> = match &args.output_file {
        Some(p) => match std::fs::File::create(p) {
            Ok(f) => Box::new(std::io::BufWriter::new(f)),
            Err(e) => {
                eprintln!("leaklint: error: cannot write {}: {e}", p.display());
                return EXIT_ERROR;
            }
        },
        None => Box::new(std::io::BufWriter::new(std::io::stdout().lock())),
    };
    let totals = Totals::of(&results);
    let written = match format {
        Format::Json => report::json::render(&results, &mut out),
        Format::Sarif => {
            let rules = enabled_rules(&found.files, &resolver, &cwd);
            report::sarif::render(&results, &rules, &SourceRoot::discover(&cwd), &mut out)
        }
        Format::Github => report::github::render(&results, &SourceRoot::discover(&cwd), &mut out),
        Format::Concise => report::concise::render(&results, &mut out)
            .and_then(|_| writeln!(out, "{}", totals.summary())),
        Format::Pretty => {
            let color = to_terminal && std::env::var_os("NO_COLOR").is_none();
            report::pretty::render(&results, args.max_diagnostics, color, &mut out)
                .and_then(|_| writeln!(out, "{}", totals.summary()))
        }
    };
    let written = written.and_then(|_| out.flush());
    drop(out);
    if let Err(e) = written {
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            eprintln!("leaklint: error: cannot write the report: {e}");
            return EXIT_ERROR;
        }
    }
    let mut failed = false;
    for e in &config_errors {
        super::print_config_error(e);
        failed = true;
    }
    for e in found.errors.iter().chain(read_errors.iter()) {
        eprintln!("leaklint: error: {}: {}", e.path.display(), e.message);
        failed = true;
    }
    let unchecked = results
        .iter()
        .filter(|r| {
            r.diagnostics
                .iter()
                .any(|d| crate::isolate::is_tool_failure(d.rule))
        })
        .count();
    if unchecked > 0 {
        eprintln!(
            "leaklint: error: {unchecked} file{} could not be checked (internal-error or \
             parse-timeout in the report)",
            if unchecked == 1 { "" } else { "s" }
        );
        failed = true;
    }
    if found.files.is_empty() && found.ignored_explicit > 0 && !args.no_errors_on_unmatched {
        eprintln!(
            "leaklint: error: every path given is ignored (not JavaScript/TypeScript, or excluded); \
             pass --no-errors-on-unmatched to accept that"
        );
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

/// Lints standard input as the file `name` (`--stdin-filename`). With `--force-exclude`, a name the
/// configuration excludes gives no result, like an excluded explicit path; so does a name that is
/// not a JS/TS file.
///
/// # Errors
/// I/O errors reading standard input.
fn lint_stdin(
    name: &Path,
    args: &CheckArgs,
    resolver: &ConfigResolver,
    min_confidence: Option<Confidence>,
) -> std::io::Result<(Vec<FileResult>, Discovered)> {
    let mut bytes = Vec::new();
    std::io::stdin().lock().read_to_end(&mut bytes)?;
    let mut found = Discovered::default();
    let config = resolver.for_file(name);
    if Dialect::from_path(name).is_none() || (args.force_exclude && resolver.excludes(name)) {
        found.ignored_explicit = 1;
        return Ok((Vec::new(), found));
    }
    let mut options = config.options.clone();
    if let Some(c) = min_confidence {
        options.min_confidence = c;
    }
    let (text, diagnostics) =
        crate::linter::lint_bytes_within(name, bytes, &options, args.parse_limit());
    found.files.push(name.to_path_buf());
    Ok((
        vec![FileResult {
            path: name.to_path_buf(),
            text,
            diagnostics,
        }],
        found,
    ))
}

/// The rules enabled for at least one of `files` (in registry order), or for a file in `cwd`
/// when there are none: what SARIF's `tool.driver.rules` lists.
fn enabled_rules(
    files: &[PathBuf],
    resolver: &ConfigResolver,
    cwd: &Path,
) -> Vec<&'static RuleMeta> {
    let mut on = vec![false; crate::rules::REGISTRY.len()];
    let fallback = [cwd.join("file.js")];
    let files = if files.is_empty() {
        &fallback[..]
    } else {
        files
    };
    let mut seen_configs = Vec::new();
    for f in files {
        let c = resolver.for_file(f);
        if seen_configs.iter().any(|s| std::sync::Arc::ptr_eq(s, &c)) {
            continue;
        }
        for (rule, _) in &c.options.rules {
            if let Some(i) = crate::rules::REGISTRY
                .iter()
                .position(|r| r.meta().name == rule.meta().name)
            {
                on[i] = true;
            }
        }
        seen_configs.push(c);
    }
    crate::rules::REGISTRY
        .iter()
        .zip(on)
        .filter(|(_, on)| *on)
        .map(|(r, _)| r.meta())
        .collect()
}
