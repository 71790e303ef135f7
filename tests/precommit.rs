//! The pre-commit hook (`.pre-commit-hooks.yaml`) as a user meets it: a temporary git repository
//! with a leaky staged file, the real `pre-commit` running this repository's hook through
//! `try-repo`. The check fails and names the finding; after the fix it passes.
//!
//! Needs `pre-commit` on PATH: ignored by a plain `cargo test`; `.ci/run` installs pre-commit and
//! runs it with `--include-ignored`, and a run without pre-commit fails.
//! pre-commit builds the hook with `cargo install` (a release build): the build goes to
//! `<target dir>/precommit` so that later runs reuse it, with LTO off to keep the first build short.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const LEAK: &str = "const cache = new Map();\nexport function get(req) {\n  cache.set(req.params.id, req.body);\n}\n";
const FIXED: &str = "const cache = new Map();\nexport function get(req) {\n  cache.set(req.params.id, req.body);\n  if (cache.size > 1000) cache.clear();\n}\n";

fn run(cmd: &mut Command) -> Output {
    cmd.output().unwrap()
}

fn git(dir: &Path, args: &[&str]) {
    let o = run(Command::new("git")
        .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
        .args(args)
        .current_dir(dir));
    assert!(o.status.success(), "git {args:?}: {}", text(&o));
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// A git repository holding this crate's sources (the working tree, committed), which is what
/// `try-repo` and `cargo install --path .` need.
fn hook_repo(dir: &Path) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for f in [
        "Cargo.toml",
        "Cargo.lock",
        "README.md",
        ".pre-commit-hooks.yaml",
    ] {
        std::fs::copy(root.join(f), dir.join(f)).unwrap();
    }
    for d in ["src", "rules"] {
        copy_dir(&root.join(d), &dir.join(d));
    }
    git(dir, &["init", "-q"]);
    git(dir, &["add", "."]);
    git(dir, &["commit", "-qm", "hook"]);
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let dest = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &dest);
        } else {
            std::fs::copy(e.path(), dest).unwrap();
        }
    }
}

fn target_dir() -> PathBuf {
    let base = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target"));
    std::path::absolute(base.join("precommit")).unwrap()
}

#[test]
#[ignore = "needs pre-commit on PATH (.ci/run installs it and runs ignored tests)"]
fn pre_commit_try_repo_fails_on_a_leak_and_passes_after_the_fix() {
    assert!(
        Command::new("pre-commit")
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success()),
        "`pre-commit` is not on PATH: pip install pre-commit==4.7.0 (.ci/run installs it)"
    );
    let tmp = tempfile::tempdir().unwrap();
    let hooks = tmp.path().join("hooks");
    let project = tmp.path().join("project");
    std::fs::create_dir_all(&hooks).unwrap();
    std::fs::create_dir_all(project.join("src")).unwrap();
    hook_repo(&hooks);

    git(&project, &["init", "-q"]);
    std::fs::write(project.join("src/server.mts"), LEAK).unwrap();
    std::fs::write(project.join("notes.md"), "not linted\n").unwrap();
    git(&project, &["add", "."]);

    let try_repo = |project: &Path| {
        run(Command::new("pre-commit")
            .args(["try-repo", hooks.to_str().unwrap(), "leaklint"])
            .current_dir(project)
            .env("PRE_COMMIT_HOME", tmp.path().join("pre-commit-home"))
            .env("CARGO_TARGET_DIR", target_dir())
            .env("CARGO_PROFILE_RELEASE_LTO", "off")
            .env("CARGO_PROFILE_RELEASE_CODEGEN_UNITS", "16")
            .env("NO_COLOR", "1"))
    };
    let o = try_repo(&project);
    let out = text(&o);
    assert!(!o.status.success(), "the leak should fail the hook:\n{out}");
    assert!(
        out.contains("src/server.mts:1:7: no-unbounded-collection"),
        "{out}"
    );

    std::fs::write(project.join("src/server.mts"), FIXED).unwrap();
    git(&project, &["add", "."]);
    let o = try_repo(&project);
    assert!(o.status.success(), "the fix should pass:\n{}", text(&o));

    // A commit of excluded files only is not an error (--no-errors-on-unmatched).
    std::fs::write(project.join("leaklint.toml"), "exclude = [\"gen/**\"]\n").unwrap();
    std::fs::create_dir_all(project.join("gen")).unwrap();
    std::fs::write(project.join("gen/out.js"), LEAK).unwrap();
    git(&project, &["add", "."]);
    git(&project, &["commit", "-qm", "base", "--no-verify"]);
    std::fs::write(project.join("gen/out.js"), format!("{LEAK}// more\n")).unwrap();
    git(&project, &["add", "."]);
    let o = try_repo(&project);
    assert!(o.status.success(), "excluded files only:\n{}", text(&o));
}
