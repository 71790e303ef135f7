//! End-to-end test with a real editor: headless Neovim (0.7 or later) runs `tests/nvim/e2e.lua`,
//! which starts `leaklint server` through `editors/neovim/leaklint.lua`. Needs `nvim`: ignored by a
//! plain `cargo test`; `.ci/run` installs Debian's `neovim` and runs it with `--include-ignored`,
//! and a run without `nvim` fails.

use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The finding is `bus.on` on line 3 (0-based), after non-ASCII text: Neovim's columns are bytes,
/// the server's UTF-16, so the column checks the conversion both ways.
const LEAKY: &str = "const bus = require('./bus');
const app = require('express')();
app.get('/x', (req, res) => {
  const label = \"héllo 😀\"; bus.on('update', () => console.log(label));
  res.end();
});
";

fn nvim_available() -> bool {
    Command::new("nvim")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

#[test]
#[ignore = "needs nvim on PATH (.ci/run installs it and runs ignored tests)"]
fn neovim_shows_and_clears_a_diagnostic() {
    assert!(
        nvim_available(),
        "`nvim` is not on PATH: apt-get install neovim (.ci/run installs it)"
    );
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("server.js");
    std::fs::write(&file, LEAKY).unwrap();
    let col = LEAKY.lines().nth(3).unwrap().find("bus.on").unwrap();
    let mut child = Command::new("nvim")
        .args(["--headless", "-n", "-u", "NONE", "-i", "NONE", "-c"])
        .arg(format!(
            "luafile {}",
            repo.join("tests/nvim/e2e.lua").display()
        ))
        .env("LEAKLINT_BIN", env!("CARGO_BIN_EXE_leaklint"))
        .env("LEAKLINT_FILE", &file)
        .env("LEAKLINT_EDITORS", repo.join("editors/neovim"))
        .env("EXPECT_LNUM", "3")
        .env("EXPECT_COL", col.to_string())
        .current_dir(dir.path())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(90);
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("nvim did not finish in 90 s");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let mut out = String::new();
    child
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut out)
        .unwrap();
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    eprintln!("{out}");
    assert!(status.success(), "nvim failed:\n{out}\n{err}");
    assert!(
        out.contains(&format!(
            "open 3:{col}-3:{} [no-leaked-listener] leaklint",
            col + 6
        )),
        "{out}\n{err}"
    );
    assert!(out.contains("change: cleared=true count=0"), "{out}\n{err}");
    assert!(out.contains("ok"), "{out}\n{err}");
}
