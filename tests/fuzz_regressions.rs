//! Replays every input the fuzzer recorded under `fuzz/regressions/<target>/` (and the
//! reproductions of issue 16 put there by hand): each must now pass its target's oracles
//! (`fuzz/targets.rs`). Also checks that the seeds pass and that the mutation engine and the
//! minimiser behave (`fuzz/mutate.rs`'s own tests run here).

#[allow(dead_code)]
#[path = "../fuzz/mutate.rs"]
mod mutate;
#[path = "../fuzz/targets.rs"]
mod targets;

use std::path::Path;

use targets::Outcome;

#[test]
fn every_recorded_failure_passes_now() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/regressions");
    let dir = tempfile::tempdir().unwrap();
    let mut replayed = 0;
    for target in targets::TARGETS {
        let Ok(entries) = std::fs::read_dir(root.join(target)) else {
            continue;
        };
        for e in entries {
            let path = e.unwrap().path();
            let input = std::fs::read(&path).unwrap();
            let outcome = targets::run(target, &input, dir.path());
            assert!(
                !matches!(outcome, Outcome::Fail(_)),
                "{}: {outcome:?}",
                path.display()
            );
            replayed += 1;
        }
    }
    // The reproductions of issue 16 are there at least.
    assert!(replayed >= 4, "{replayed} regressions");
}

#[test]
fn the_seeds_pass() {
    let dir = tempfile::tempdir().unwrap();
    let leak = "const cache = new Map();\nexport function get(req) {\n  cache.set(req.params.id, req.body);\n}\n";
    assert_eq!(
        targets::run("lint", leak.as_bytes(), dir.path()),
        Outcome::Pass
    );
    assert_eq!(
        targets::run(
            "config",
            b"[rules]\nno-leaked-timer = \"warn\"\n",
            dir.path()
        ),
        Outcome::Pass
    );
    assert_eq!(
        targets::run("lsp", &targets::lsp_session(leak, "javascript"), dir.path()),
        Outcome::Pass
    );
    // swc's known panic (21 bytes: linted as `.jsx`) is known, not a failure; so is the debug
    // assertion the fuzzer found (8 bytes: `.js`), in builds with debug assertions.
    assert_eq!(
        targets::run("lint", b"const x = <a:b.c />;\n", dir.path()),
        Outcome::Known
    );
    let expected = if cfg!(debug_assertions) {
        Outcome::Known
    } else {
        Outcome::Pass
    };
    assert_eq!(targets::run("lint", b"(f,s()=>", dir.path()), expected);
}
