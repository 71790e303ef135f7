//! Checks that leaklint's binding resolution (`leaklint::resolve`) names the same bindings as
//! swc's resolver on real code: for every file under the given paths, both resolve a copy of
//! the same AST, and every identifier outside types must fall in the same binding under both
//! (the same pairs of identifiers share a binding, and the same ones are globals).
//!
//! Usage: `cargo run --release --example resolve_agreement -- PATH...`; prints each disagreement
//! (file, line, name, which side took it for a global) and a count of files and identifiers;
//! exits 1 on any disagreement.

use std::path::PathBuf;

use leaklint::config::ConfigResolver;
use leaklint::source::Dialect;

mod compare;

fn main() {
    let paths: Vec<PathBuf> = std::env::args().skip(1).map(PathBuf::from).collect();
    let cwd = std::env::current_dir().unwrap_or_default();
    let configs = ConfigResolver::new(None, &cwd);
    let found = leaklint::walk::discover(&paths, false, &configs);
    let (mut files, mut total, mut bad) = (0usize, 0usize, 0usize);
    for path in &found.files {
        let Ok(text) = std::fs::read_to_string(path) else {
            continue;
        };
        let dialect = Dialect::from_path(path).unwrap_or(Dialect::JavaScript);
        let Some((count, disagreements)) = compare::compare(&text, dialect) else {
            continue;
        };
        files += 1;
        total += count;
        bad += disagreements.len();
        for d in disagreements {
            println!(
                "{}:{}: `{}` ours {} swc {}",
                path.display(),
                d.line,
                d.name,
                if d.ours_global { "global" } else { "bound" },
                if d.swc_global { "global" } else { "bound" },
            );
        }
    }
    println!("{files} files, {total} identifiers, {bad} disagreements");
    if bad > 0 {
        std::process::exit(1);
    }
}
