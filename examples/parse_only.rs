//! The throughput baseline of `benches/throughput.sh`: everything `leaklint check` does before its
//! own analysis, and nothing after it.
//!
//! Same file discovery (`leaklint::walk::discover` with the default `ConfigResolver`), same
//! parallelism (`leaklint::run_with_lint_stacks`: rayon's global pool, 256 MiB stacks; the CLI's
//! allocator `leaklint::alloc::MiMalloc`), same scheduling (`leaklint::walk::map_big_files_first`),
//! same per-file steps: read the bytes, check UTF-8, enter `swc_common::GLOBALS`, parse with
//! `leaklint::parse::parse_unresolved` (swc parse with comments) and run swc's resolver
//! (`swc_ecma_transforms_base::resolver`, types resolved in TypeScript). leaklint itself resolves
//! bindings with its own `leaklint::resolve`; the baseline keeps swc's, as the target states it.
//! Nothing is kept across files.
//!
//! `--no-resolver` leaves the resolver out: the same swc parse with comments, followed by one
//! no-op `swc_ecma_visit::Visit` walk of the AST.
//!
//! `--walk` keeps the resolver and adds one no-op `Visit` walk of the resolved AST:
//! the "parse + comments + swc resolver + one walk" baseline the project's throughput target is
//! stated against (a linter needs at least one walk of its own after the resolver's).
//!
//! ```text
//! cargo run --release --example parse_only -- [--no-resolver | --walk] [--phases] PATH...
//! ```
//!
//! Prints the number of files, lines and bytes processed (and parse failures) to stdout;
//! `--phases` adds the CPU time summed over threads per phase (read, parse, resolve or walk).

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use swc_common::{comments::SingleThreadedComments, input::StringInput, BytePos};
use swc_ecma_parser::Parser;
use swc_ecma_visit::{Visit, VisitMutWith, VisitWith};

use leaklint::config::ConfigResolver;
use leaklint::source::Dialect;

#[global_allocator]
static GLOBAL: leaklint::alloc::MiMalloc = leaklint::alloc::MiMalloc;

/// Nanoseconds spent in each phase, summed over all threads.
#[derive(Default)]
struct Phases {
    read: AtomicU64,
    parse: AtomicU64,
    second: AtomicU64,
}

impl Phases {
    fn add(slot: &AtomicU64, since: Instant) -> Instant {
        let now = Instant::now();
        slot.fetch_add((now - since).as_nanos() as u64, Ordering::Relaxed);
        now
    }
}

/// A visitor that does nothing but descend into every node.
struct Noop;
impl Visit for Noop {}

/// What the baseline does to each file after reading it.
#[derive(Clone, Copy, PartialEq)]
enum Mode {
    /// swc parse with comments, then swc's resolver.
    Resolve,
    /// As `Resolve`, then one no-op walk of the resolved AST.
    ResolveWalk,
    /// A plain swc parse with comments, then one no-op walk (no resolver).
    Walk,
}

/// Parses the file as `mode` says; returns whether it parsed.
fn process(text: &str, dialect: Dialect, mode: Mode, phases: &Phases) -> bool {
    let t = Instant::now();
    if mode != Mode::Walk {
        let parsed = leaklint::parse::parse_unresolved(text, dialect, |_| true).map(|mut file| {
            file.program
                .visit_mut_with(&mut swc_ecma_transforms_base::resolver(
                    swc_common::Mark::new(),
                    swc_common::Mark::new(),
                    dialect.is_typescript(),
                ));
            file
        });
        let t = Phases::add(&phases.parse, t);
        if let (Mode::ResolveWalk, Ok(file)) = (mode, &parsed) {
            file.program.visit_with(&mut Noop);
            Phases::add(&phases.second, t);
        }
        return parsed.is_ok();
    }
    let comments = SingleThreadedComments::default();
    let base = leaklint::parse::BASE;
    // As `leaklint::parse::parse`: a byte-order mark is skipped, positions stay whole-text ones.
    let skip = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let input = StringInput::new(
        &text[skip..],
        BytePos(base + skip as u32),
        BytePos(base + text.len() as u32),
    );
    let mut parser = Parser::new(leaklint::parse::syntax_for(dialect), input, Some(&comments));
    let parsed = parser.parse_program();
    let _ = parser.take_errors();
    let t = Phases::add(&phases.parse, t);
    match parsed {
        Ok(program) => {
            program.visit_with(&mut Noop);
            Phases::add(&phases.second, t);
            true
        }
        Err(_) => false,
    }
}

fn run() {
    let mut mode = Mode::Resolve;
    let mut show_phases = false;
    let mut paths: Vec<PathBuf> = Vec::new();
    for arg in std::env::args().skip(1) {
        match arg.as_str() {
            "--no-resolver" => mode = Mode::Walk,
            "--walk" => mode = Mode::ResolveWalk,
            "--phases" => show_phases = true,
            "-h" | "--help" => {
                println!("usage: parse_only [--no-resolver | --walk] [--phases] PATH...");
                return;
            }
            _ => paths.push(arg.into()),
        }
    }
    if paths.is_empty() {
        paths.push(".".into());
    }
    let started = Instant::now();
    let cwd = std::env::current_dir().unwrap_or_default();
    let configs = ConfigResolver::new(None, &cwd);
    let found = leaklint::walk::discover(&paths, false, &configs);
    let discovered = Instant::now();
    let phases = Phases::default();
    let failed = AtomicU64::new(0);
    // Scheduled as `leaklint check` schedules its files: big files on their own lane.
    let (files, lines, bytes) = leaklint::walk::map_big_files_first(&found.files, |path| {
        let t = Instant::now();
        let Ok(bytes) = std::fs::read(path) else {
            failed.fetch_add(1, Ordering::Relaxed);
            return (0u64, 0u64, 0u64);
        };
        let len = bytes.len() as u64;
        let lines = bytecount_lines(&bytes);
        let text = match String::from_utf8(bytes) {
            Ok(t) => t,
            Err(_) => {
                failed.fetch_add(1, Ordering::Relaxed);
                return (1, lines, len);
            }
        };
        Phases::add(&phases.read, t);
        let dialect = Dialect::from_path(path).unwrap_or(Dialect::JavaScript);
        let ok = swc_common::GLOBALS.set(&swc_common::Globals::new(), || {
            process(&text, dialect, mode, &phases)
        });
        if !ok {
            failed.fetch_add(1, Ordering::Relaxed);
        }
        (1, lines, len)
    })
    .into_iter()
    .fold((0, 0, 0), |a, b| (a.0 + b.0, a.1 + b.1, a.2 + b.2));
    let done = Instant::now();
    println!(
        "mode={} threads={} files={} lines={} bytes={} failed={} discover_s={:.3} process_s={:.3}",
        match mode {
            Mode::Resolve => "parse+resolver",
            Mode::ResolveWalk => "parse+resolver+visit",
            Mode::Walk => "parse+visit",
        },
        rayon::current_num_threads(),
        files,
        lines,
        bytes,
        failed.load(Ordering::Relaxed),
        (discovered - started).as_secs_f64(),
        (done - discovered).as_secs_f64(),
    );
    if show_phases {
        let s = |a: &AtomicU64| a.load(Ordering::Relaxed) as f64 / 1e9;
        let second = if mode == Mode::Resolve { "-" } else { "walk" };
        println!(
            "cpu_s read={:.3} {}={:.3} {}={:.3}",
            s(&phases.read),
            if mode == Mode::Walk {
                "parse"
            } else {
                "parse+resolve"
            },
            s(&phases.parse),
            second,
            s(&phases.second)
        );
    }
}

/// Lines as the linter counts them for reporting: `\n`-terminated, plus a last unterminated one.
fn bytecount_lines(bytes: &[u8]) -> u64 {
    let n = bytes.iter().filter(|&&b| b == b'\n').count() as u64;
    n + u64::from(bytes.last().is_some_and(|&b| b != b'\n'))
}

fn main() {
    leaklint::run_with_lint_stacks(run).expect("parse_only panicked");
}
