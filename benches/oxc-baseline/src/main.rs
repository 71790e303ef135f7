//! What oxlint does before its rules, timed on the files leaklint lints: the second baseline of
//! `benches/throughput.sh`, beside leaklint's `examples/parse_only.rs`.
//!
//! ```text
//! cargo run --release -- [--semantic] PATH...
//! ```
//!
//! Everything but the parser is `parse_only`'s: leaklint's discovery (`leaklint::walk::discover`
//! with the default `ConfigResolver`), scheduling (`leaklint::walk::map_big_files_first`),
//! allocator (`leaklint::alloc::MiMalloc`) and thread stacks (`leaklint::run_with_lint_stacks`).
//! Each file is read and parsed with `oxc_parser` into an arena (`oxc_allocator::Allocator`,
//! freed at once), JSX allowed in JavaScript as leaklint and oxlint allow it; `--semantic` adds
//! `oxc_semantic::SemanticBuilder` (scopes, symbols and references: the analysis oxlint runs
//! before its rules). Single-file components (`.vue`, `.svelte`, `.astro`) are parsed whole, not
//! block by block; the benchmark corpus has none. Prints the number of files, bytes and files
//! with syntax errors to stdout.
//!
//! oxlint is built on these crates. 0.146 is the newest release that builds with Rust 1.95 (the
//! toolchain of the development machine and CI); oxlint 1.94 may bundle a slightly newer one.
//! What it measures: how much of oxlint's run its parser and semantic analysis take, against
//! swc's parse in `parse_only` (docs/benchmark.md, "Against oxlint: the parser").

use std::path::PathBuf;

use leaklint::config::ConfigResolver;

#[global_allocator]
static GLOBAL: leaklint::alloc::MiMalloc = leaklint::alloc::MiMalloc;

fn main() {
    match leaklint::run_with_lint_stacks(run) {
        Ok(()) => {}
        Err(_) => std::process::exit(2),
    }
}

fn run() {
    let mut semantic = false;
    let mut paths: Vec<PathBuf> = Vec::new();
    for arg in std::env::args_os().skip(1) {
        if arg == "--semantic" {
            semantic = true;
        } else {
            paths.push(arg.into());
        }
    }
    let cwd = std::env::current_dir().unwrap_or_default();
    let configs = ConfigResolver::new(None, &cwd);
    let found = leaklint::walk::discover(&paths, false, &configs);
    let (bytes, failed) = leaklint::walk::map_big_files_first(&found.files, |path| {
        let Ok(text) = std::fs::read_to_string(path) else {
            return (0, 1);
        };
        // JSX in JavaScript files, as oxlint and leaklint parse them.
        let source_type = oxc_span::SourceType::from_path(path).unwrap_or_default();
        let source_type = if source_type.is_javascript() {
            source_type.with_jsx(true)
        } else {
            source_type
        };
        let allocator = oxc_allocator::Allocator::default();
        let parsed = oxc_parser::Parser::new(&allocator, &text, source_type).parse();
        if semantic {
            let built = oxc_semantic::SemanticBuilder::new().build(&parsed.program);
            std::hint::black_box(built.semantic.scoping().symbols_len());
        }
        let failed = !parsed.diagnostics.is_empty() || parsed.panicked;
        (text.len(), usize::from(failed))
    })
    .into_iter()
    .fold((0, 0), |a, b| (a.0 + b.0, a.1 + b.1));
    println!("files={} bytes={bytes} failed={failed}", found.files.len());
}
