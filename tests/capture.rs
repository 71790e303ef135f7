//! `leaklint capture` end to end: a real HTTP app (Node's http module) with a leaky route, driven
//! by a load script that uses Node's own `fetch`, three snapshots written by the preload, and the
//! report of `confirm`; the same app with the fix confirms nothing. Also the `NODE_OPTIONS` path
//! for launchers, `--signal`, and the memory-headroom check that skips snapshots rather than
//! risk the program. Requires `node` (20) on PATH; Unix only, like `capture`.
#![cfg(unix)]

use std::io::{BufRead, BufReader};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::Value;

fn app(dir: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/heap/capture-http")
        .join(dir)
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// `leaklint capture --format json --load 'node ../load.js' --out OUT ARGS -- COMMAND` in the app
/// directory `dir`, with `env` set.
fn capture(dir: &str, out: &Path, args: &[&str], command: &[&str], env: &[(&str, &str)]) -> Output {
    let port = free_port().to_string();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_leaklint"));
    cmd.current_dir(app(dir))
        .env("PORT", &port)
        .args([
            "capture",
            "--format",
            "json",
            "--load",
            "node ../load.js",
            "--out",
        ])
        .arg(out)
        .args(args)
        .arg("--")
        .args(command);
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

fn report(o: &Output) -> Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| {
        panic!(
            "bad JSON ({e}): {}\nstderr: {}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        )
    })
}

fn confirmed(r: &Value) -> Vec<(String, String, u64)> {
    r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["status"] == "confirmed")
        .map(|f| {
            (
                f["ruleId"].as_str().unwrap().to_string(),
                f["path"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
            )
        })
        .collect()
}

fn mode(p: &Path) -> u32 {
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

#[test]
fn leaky_route_is_confirmed_and_snapshots_are_private() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("snaps");
    let o = capture("leaky", &out, &[], &["node", "app.js"], &[]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    let r = report(&o);
    assert_eq!(
        confirmed(&r),
        vec![(
            "no-unbounded-collection".to_string(),
            "src/products.js".to_string(),
            3
        )],
        "{r:#}"
    );
    assert_eq!(r["evidence"], "three-snapshots");
    // 300 pages per load run, each ≈ 300 bytes of JSON plus the object: well over 50 KB.
    assert!(
        r["totals"]["confirmed"]["retainedBytes"].as_u64().unwrap() > 50_000,
        "{r:#}"
    );
    let mut snaps: Vec<PathBuf> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    snaps.sort();
    let names: Vec<String> = snaps
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        names,
        [
            "1-before.heapsnapshot",
            "2-after.heapsnapshot",
            "3-final.heapsnapshot"
        ],
        "{err}"
    );
    assert_eq!(mode(&out), 0o700);
    for s in &snaps {
        assert_eq!(mode(s), 0o600, "{}", s.display());
        assert!(std::fs::metadata(s).unwrap().len() > 1_000_000);
    }
    assert!(err.contains("secrets"), "{err}");
}

#[test]
fn fixed_app_confirms_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    // `--interval` pauses after each load, before each snapshot.
    let o = capture(
        "fixed",
        &tmp.path().join("s"),
        &["--interval", "100ms"],
        &["node", "app.js"],
        &[],
    );
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{err}");
    let r = report(&o);
    assert!(confirmed(&r).is_empty(), "{r:#}");
    assert_eq!(std::fs::read_dir(tmp.path().join("s")).unwrap().count(), 3);
}

#[test]
fn launchers_get_the_preload_through_node_options() {
    // `sh -c` stands for `npm start`: not node itself, so the preload goes into NODE_OPTIONS.
    let tmp = tempfile::tempdir().unwrap();
    let o = capture(
        "leaky",
        &tmp.path().join("s"),
        &["--snapshots", "2"],
        &["sh", "-c", "node app.js"],
        &[],
    );
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    let r = report(&o);
    assert_eq!(r["evidence"], "two-snapshots", "{r:#}");
    assert_eq!(confirmed(&r).len(), 1, "{r:#}");
}

#[test]
fn snapshots_that_would_not_fit_in_memory_are_skipped_not_taken() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("s");
    let o = capture(
        "leaky",
        &out,
        &[],
        &["node", "app.js"],
        &[("LEAKLINT_CAPTURE_MEMORY_LIMIT", "1000")],
    );
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    // The program answered every request (it was never at risk), and nothing was written.
    assert_eq!(
        err.matches("skipped: not enough memory").count(),
        3,
        "{err}"
    );
    assert!(err.contains("at least 2 are needed"), "{err}");
    assert_eq!(std::fs::read_dir(&out).unwrap().count(), 0);
    assert!(o.stdout.is_empty());
}

#[test]
fn signal_mode_takes_a_snapshot_per_sigusr2() {
    let tmp = tempfile::tempdir().unwrap();
    let port = free_port().to_string();
    let mut child = Command::new(env!("CARGO_BIN_EXE_leaklint"))
        .current_dir(app("leaky"))
        .env("PORT", &port)
        .args([
            "capture",
            "--format",
            "json",
            "--signal",
            "--snapshots",
            "2",
            "--out",
        ])
        .arg(tmp.path().join("s"))
        .args(["--", "node", "app.js"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = BufReader::new(child.stderr.take().unwrap());
    let mut seen = vec![];
    for line in stderr.lines() {
        let line = line.unwrap();
        seen.push(line.clone());
        if let Some(pid) = line
            .split("kill -USR2 ")
            .nth(1)
            .map(|p| p.trim().to_string())
        {
            // Load before each snapshot (the first run warms the app up).
            let st = Command::new("node")
                .arg(app("load.js"))
                .env("PORT", &port)
                .status()
                .unwrap();
            assert!(st.success());
            let st = Command::new("kill").args(["-USR2", &pid]).status().unwrap();
            assert!(st.success());
        }
    }
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(1), "{seen:#?}");
    let r = report(&o);
    assert_eq!(confirmed(&r).len(), 1, "{r:#}");
    assert_eq!(
        seen.iter().filter(|l| l.contains("kill -USR2")).count(),
        2,
        "{seen:#?}"
    );
}

#[test]
fn errors_name_what_failed_and_why() {
    let tmp = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        let o = Command::new(env!("CARGO_BIN_EXE_leaklint"))
            .arg("capture")
            .arg("--out")
            .arg(tmp.path().join("s"))
            .args(args)
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(2), "{o:?}");
        assert!(o.stdout.is_empty());
        String::from_utf8_lossy(&o.stderr).into_owned()
    };
    // The program, and the operating system's reason (the error's source) after it.
    let err = run(&["--", "/nonexistent/leaklint-no-such-program"]);
    assert!(
        err.contains("cannot start /nonexistent/leaklint-no-such-program: No such file"),
        "{err}"
    );
    // A program that is not Node exits before the preload answers; the load command is only run
    // once the preload has answered.
    let err = run(&["--load", "true", "--", "true"]);
    assert!(
        err.contains("the program exited (exit status: 0) before leaklint's preload answered"),
        "{err}"
    );
    // The load command, with its exit status.
    let err = run(&[
        "--load",
        "exit 3",
        "--",
        "node",
        "-e",
        "setInterval(() => {}, 1000)",
    ]);
    assert!(
        err.contains("the load command `exit 3` failed (exit status: 3)"),
        "{err}"
    );
}
