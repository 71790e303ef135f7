//! Helpers shared by the integration tests (`mod support;` in each test file that needs them).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Once;

/// Installs the pinned prom-client of `fixtures/heap/promclient` (its `package-lock.json`) with
/// `npm ci` the first time a test of this binary needs it, so that `cargo test` on a fresh clone
/// needs nothing but Node and npm. Panics with npm's output when the install fails: a test that
/// needs prom-client must not pass without it.
#[allow(dead_code)]
pub fn ensure_prom_client() {
    static INSTALL: Once = Once::new();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/heap/promclient");
    INSTALL.call_once(|| {
        if dir.join("node_modules/prom-client").is_dir() {
            return;
        }
        let out = Command::new("npm")
            .args([
                "ci",
                "--no-audit",
                "--no-fund",
                "--loglevel=error",
                "--prefix",
            ])
            .arg(&dir)
            .output()
            .expect("npm is installed (Node 20 and npm are the tests' prerequisites)");
        assert!(
            out.status.success(),
            "npm ci --prefix fixtures/heap/promclient failed:\n{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    });
    assert!(
        dir.join("node_modules/prom-client").is_dir(),
        "prom-client is missing after npm ci in fixtures/heap/promclient"
    );
}

/// Runs the leaklint binary built for these tests with `args` in folder `dir` (colours off) and
/// returns what it printed and its exit status.
#[allow(dead_code)]
pub fn leaklint(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_leaklint"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

/// What a run printed on standard output, as text.
#[allow(dead_code)]
pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// What a run printed on standard error, as text.
#[allow(dead_code)]
pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The folders of `fixtures/project/`, sorted: one small multi-file project each. Panics when
/// fewer than five are there (the project tests would then prove little).
#[allow(dead_code)]
pub fn project_fixtures() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/project");
    let mut cases: Vec<PathBuf> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    assert!(cases.len() >= 5, "project fixtures missing: {cases:?}");
    cases
}
