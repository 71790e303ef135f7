//! What oxlint does before its rules, timed on the files leaklint lints: the second baseline of
//! `benches/throughput.sh`.
//!
//! ```text
//! cargo run --release -- [--semantic] PATH...
//! ```
//!
//! Walks each PATH as `leaklint check` does (the `ignore` crate's parallel walker: `.gitignore`
//! files honoured without a repository, `node_modules` skipped; the JavaScript and TypeScript
//! extensions of `leaklint::source::Dialect::from_path`, declaration files excluded; single-file
//! components are not extracted, and the benchmark corpus has none), then, with rayon's global pool, reads each file and parses it
//! with `oxc_parser` into an arena (`oxc_allocator::Allocator`, freed at once), largest file
//! first. `--semantic` adds `oxc_semantic::SemanticBuilder` (scopes, symbols and references: the
//! analysis oxlint runs before its rules). Prints the number of files, bytes and files with
//! syntax errors to stdout.
//!
//! oxlint is built on these crates. 0.146 is the newest release that builds with Rust 1.95 (the
//! toolchain of the development machine and CI); oxlint 1.94 may bundle a slightly newer one.
//! What it measures: how much of oxlint's run its parser and semantic analysis take, against
//! swc's parse in leaklint's `examples/parse_only.rs` (docs/benchmark.md, "Against oxlint").

use std::path::PathBuf;
use std::sync::Mutex;

use rayon::prelude::*;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The JavaScript and TypeScript extensions `leaklint check` lints
/// (`leaklint::source::Dialect::from_path`).
const EXTENSIONS: &[&str] = &["js", "mjs", "cjs", "jsx", "ts", "mts", "cts", "tsx"];

/// Declaration files, which `leaklint check` does not lint.
const DECLARATIONS: &[&str] = &[".d.ts", ".d.mts", ".d.cts"];

fn main() {
    let mut semantic = false;
    let mut roots = Vec::new();
    for arg in std::env::args_os().skip(1) {
        if arg == "--semantic" {
            semantic = true;
        } else {
            roots.push(PathBuf::from(arg));
        }
    }
    let found = Mutex::new(Vec::new());
    for root in &roots {
        ignore::WalkBuilder::new(root)
            .require_git(false)
            .filter_entry(|e| e.file_name() != "node_modules")
            .threads(rayon::current_num_threads())
            .build_parallel()
            .run(|| {
                Box::new(|entry| {
                    if let Ok(e) = entry {
                        let name = e.file_name().to_string_lossy();
                        let lintable = e.file_type().is_some_and(|t| t.is_file())
                            && !DECLARATIONS.iter().any(|d| name.ends_with(d))
                            && e.path()
                                .extension()
                                .and_then(|x| x.to_str())
                                .is_some_and(|x| EXTENSIONS.contains(&x));
                        if lintable {
                            let size = e.metadata().map_or(0, |m| m.len());
                            found.lock().unwrap().push((size, e.into_path()));
                        }
                    }
                    ignore::WalkState::Continue
                })
            });
    }
    let mut files = found.into_inner().unwrap();
    // Largest first, one file per task: the run does not end waiting for a big file.
    files.sort_unstable_by(|a, b| b.cmp(a));
    let (bytes, failed) = files
        .par_iter()
        .with_max_len(1)
        .map(|(_, path)| {
            let Ok(text) = std::fs::read_to_string(path) else {
                return (0, 0);
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
            (
                text.len(),
                usize::from(!parsed.diagnostics.is_empty() || parsed.panicked),
            )
        })
        .reduce(|| (0, 0), |a, b| (a.0 + b.0, a.1 + b.1));
    println!("files={} bytes={bytes} failed={failed}", files.len());
}
