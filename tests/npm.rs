//! The npm distribution as a Node user meets it: `scripts/npm-pack.sh` packs the host platform
//! package (with the debug binary of this build: the launcher does not care which profile) and
//! the main package `leaklint`; each test installs the tarballs into a fresh npm project and
//! runs them through `npx`, through the real pre-commit (`leaklint-npm` hook), or through the
//! shell steps of the GitHub Action (`action.yml`), run locally the way the runner would.
//!
//! Needs node and npm (the project's set-up has them); the pre-commit test also needs
//! `pre-commit` on PATH (`.ci/run` installs it; under CI a missing one fails the test).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

use serde_yaml_ng::Value;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");
const PLATFORM_PACKAGE: &str = "@leaklint/cli-linux-x64-gnu";
const LEAK: &str = "const cache = new Map();\nexport function get(req) {\n  cache.set(req.params.id, req.body);\n}\n";
const FIXED: &str = "const cache = new Map();\nexport function get(req) {\n  cache.set(req.params.id, req.body);\n  if (cache.size > 1000) cache.clear();\n}\n";
const FINDING: &str = "no-unbounded-collection";

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn run(cmd: &mut Command) -> Output {
    cmd.output()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"))
}

/// The two tarballs, packed once per test binary: (main package, platform package).
fn tarballs() -> &'static (PathBuf, PathBuf) {
    static PACKED: OnceLock<(PathBuf, PathBuf)> = OnceLock::new();
    PACKED.get_or_init(|| {
        // Under cargo's scratch folder for integration tests, replaced at each run.
        let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join("npm-pack");
        let _ = std::fs::remove_dir_all(&out);
        let o = run(Command::new("bash")
            .arg(Path::new(ROOT).join("scripts/npm-pack.sh"))
            .arg(&out)
            .env("LEAKLINT_PACK_BINARY", env!("CARGO_BIN_EXE_leaklint")));
        assert!(o.status.success(), "npm-pack.sh: {}", text(&o));
        let printed: Vec<PathBuf> = String::from_utf8(o.stdout)
            .unwrap()
            .lines()
            .map(PathBuf::from)
            .collect();
        let [platform, main] = printed.as_slice() else {
            panic!("npm-pack.sh should print two tarballs: {printed:?}");
        };
        let version = env!("CARGO_PKG_VERSION");
        assert!(
            platform.ends_with(format!("leaklint-cli-linux-x64-gnu-{version}.tgz")),
            "{platform:?}"
        );
        assert!(
            main.ends_with(format!("leaklint-{version}.tgz")),
            "{main:?}"
        );
        for tgz in [main, platform] {
            assert!(tgz.is_file(), "{tgz:?} was not written");
        }
        (main.clone(), platform.clone())
    })
}

/// A fresh npm project with both tarballs installed from the files (no registry needed for them).
fn installed_project() -> tempfile::TempDir {
    let (main, platform) = tarballs();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("package.json"), "{\"private\":true}\n").unwrap();
    let o = run(Command::new("npm")
        .args(["install", "--no-audit", "--no-fund"])
        .arg(main)
        .arg(platform)
        .current_dir(dir.path()));
    assert!(o.status.success(), "npm install: {}", text(&o));
    std::fs::write(dir.path().join("leak.js"), LEAK).unwrap();
    dir
}

fn npx(project: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new("npx");
    cmd.arg("leaklint")
        .args(args)
        .current_dir(project)
        .env_remove("LEAKLINT_BINARY")
        .env("NO_COLOR", "1");
    cmd
}

/// The commit `--version` names: the checkout's HEAD, or "unknown" when the sources are not a git
/// checkout (CI's copy, a source tarball).
fn git_commit() -> String {
    let o = run(Command::new("git")
        .args(["rev-parse", "--short=12", "HEAD"])
        .current_dir(ROOT));
    match String::from_utf8(o.stdout).unwrap().trim() {
        "" => "unknown".to_owned(),
        head => head.to_owned(),
    }
}

#[test]
fn npx_leaklint_runs_the_platform_packages_binary() {
    let project = installed_project();
    let installed = project
        .path()
        .join("node_modules/@leaklint/cli-linux-x64-gnu/leaklint");
    assert!(
        installed.is_file(),
        "the platform package carries the binary"
    );

    let o = run(&mut npx(project.path(), &["check", "leak.js"]));
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(
        text(&o).contains(&format!("leak.js:1:7: {FINDING}")),
        "{}",
        text(&o)
    );

    let o = run(&mut npx(project.path(), &["--version"]));
    assert!(o.status.success(), "{}", text(&o));
    let version = String::from_utf8(o.stdout).unwrap();
    assert_eq!(
        version.trim(),
        format!(
            "leaklint {} (commit {})",
            env!("CARGO_PKG_VERSION"),
            git_commit()
        )
    );

    // Exit codes pass through: 0 for a clean file, 2 for a usage error.
    std::fs::write(project.path().join("leak.js"), FIXED).unwrap();
    let o = run(&mut npx(project.path(), &["check", "leak.js"]));
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let o = run(&mut npx(project.path(), &["check", "--format", "nope"]));
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
}

#[test]
fn a_missing_platform_package_is_named_and_leaklint_binary_overrides() {
    let project = installed_project();
    std::fs::remove_dir_all(
        project
            .path()
            .join("node_modules/@leaklint/cli-linux-x64-gnu"),
    )
    .unwrap();

    let o = run(&mut npx(project.path(), &["check", "leak.js"]));
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains(&format!(
            "the platform package {PLATFORM_PACKAGE} is not installed"
        )) && err.contains("LEAKLINT_BINARY"),
        "{err}"
    );

    let o = run(npx(project.path(), &["check", "leak.js"])
        .env("LEAKLINT_BINARY", env!("CARGO_BIN_EXE_leaklint")));
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains(FINDING), "{}", text(&o));

    let missing = project.path().join("no-such-leaklint");
    let o = run(npx(project.path(), &["--version"]).env("LEAKLINT_BINARY", &missing));
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains(&format!(
            "LEAKLINT_BINARY is set to {}, which does not exist",
            missing.display()
        )),
        "{}",
        text(&o)
    );
}

#[test]
fn the_platform_key_follows_os_cpu_and_libc() {
    let script = r#"
        const p = require(process.argv[1]);
        const keys = [
          p.platformKey({ platform: "linux", arch: "x64", libc: "gnu" }),
          p.platformKey({ platform: "linux", arch: "x64", libc: p.linuxLibc({ header: {} }) }),
          p.platformKey({ platform: "linux", arch: "arm64", libc: p.linuxLibc({ header: { glibcVersionRuntime: "2.36" } }) }),
          p.platformKey({ platform: "darwin", arch: "arm64" }),
          p.platformKey({ platform: "win32", arch: "x64" }),
          p.platformKey({ platform: "freebsd", arch: "x64" }),
        ];
        console.log(keys.map((k) => `${k}=${p.PACKAGES[k] ?? "none"}`).join("\n"));
        console.log(p.binaryName("win32"), p.binaryName("linux"));
    "#;
    let o = run(Command::new("node")
        .args(["-e", script])
        .arg(Path::new(ROOT).join("npm/leaklint/lib/platform.js")));
    assert!(o.status.success(), "{}", text(&o));
    assert_eq!(
        String::from_utf8(o.stdout).unwrap(),
        "linux-x64-gnu=@leaklint/cli-linux-x64-gnu\n\
         linux-x64-musl=@leaklint/cli-linux-x64-musl\n\
         linux-arm64-gnu=@leaklint/cli-linux-arm64-gnu\n\
         darwin-arm64=@leaklint/cli-darwin-arm64\n\
         win32-x64=@leaklint/cli-win32-x64\n\
         freebsd-x64=none\n\
         leaklint.exe leaklint\n"
    );

    // Every package of the table exists under npm/, with the os/cpu/libc npm selects it by, and
    // is an optionalDependency of the main package.
    let main: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(Path::new(ROOT).join("npm/leaklint/package.json")).unwrap(),
    )
    .unwrap();
    let optional = main["optionalDependencies"].as_object().unwrap();
    assert_eq!(optional.len(), 6);
    for (name, (os, cpu, libc)) in [
        ("linux-x64-gnu", ("linux", "x64", Some("glibc"))),
        ("linux-arm64-gnu", ("linux", "arm64", Some("glibc"))),
        ("linux-x64-musl", ("linux", "x64", Some("musl"))),
        ("darwin-x64", ("darwin", "x64", None)),
        ("darwin-arm64", ("darwin", "arm64", None)),
        ("win32-x64", ("win32", "x64", None)),
    ] {
        let pkg: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(Path::new(ROOT).join(format!("npm/cli-{name}/package.json")))
                .unwrap(),
        )
        .unwrap();
        assert_eq!(pkg["name"], format!("@leaklint/cli-{name}"));
        assert_eq!(pkg["os"], serde_json::json!([os]), "{name}");
        assert_eq!(pkg["cpu"], serde_json::json!([cpu]), "{name}");
        assert_eq!(pkg["libc"], serde_json::json!(libc.map(|l| [l])), "{name}");
        assert_eq!(optional[&format!("@leaklint/cli-{name}")], main["version"]);
    }
}

#[test]
fn versions_are_kept_in_step_with_cargo_toml() {
    let sync = Path::new(ROOT).join("npm/sync-version.mjs");
    let o = run(Command::new("node").arg(&sync).arg("--check"));
    assert!(o.status.success(), "{}", text(&o));

    // A copy of the managed files with Cargo.toml at another version: --check names every
    // stale file, the plain run rewrites them, and then --check passes.
    let tmp = tempfile::tempdir().unwrap();
    let copy = |rel: &str| {
        let to = tmp.path().join(rel);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(Path::new(ROOT).join(rel), to).unwrap();
    };
    for rel in [
        "Cargo.lock",
        "npm/sync-version.mjs",
        "npm/leaklint/package.json",
        "editors/vscode/package.json",
        "action.yml",
        ".pre-commit-hooks.yaml",
    ] {
        copy(rel);
    }
    for dir in std::fs::read_dir(Path::new(ROOT).join("npm")).unwrap() {
        let name = dir.unwrap().file_name().into_string().unwrap();
        if name.starts_with("cli-") {
            copy(&format!("npm/{name}/package.json"));
        }
    }
    let manifest = std::fs::read_to_string(Path::new(ROOT).join("Cargo.toml")).unwrap();
    let bumped = manifest.replacen(
        &format!("version = \"{}\"", env!("CARGO_PKG_VERSION")),
        "version = \"9.8.7\"",
        1,
    );
    std::fs::write(tmp.path().join("Cargo.toml"), bumped).unwrap();
    std::fs::create_dir_all(tmp.path().join("src")).unwrap();

    let sync = tmp.path().join("npm/sync-version.mjs");
    let o = run(Command::new("node").arg(&sync).arg("--check"));
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    for stale in [
        "npm/leaklint/package.json",
        "npm/cli-win32-x64/package.json",
        "editors/vscode/package.json",
        "action.yml",
        ".pre-commit-hooks.yaml",
    ] {
        assert!(text(&o).contains(stale), "{stale}: {}", text(&o));
    }
    let o = run(Command::new("node").arg(&sync));
    assert!(o.status.success(), "{}", text(&o));
    let o = run(Command::new("node").arg(&sync).arg("--check"));
    assert!(o.status.success(), "{}", text(&o));
    let main = std::fs::read_to_string(tmp.path().join("npm/leaklint/package.json")).unwrap();
    assert!(
        main.contains("\"@leaklint/cli-darwin-x64\": \"9.8.7\""),
        "{main}"
    );
    let hooks = std::fs::read_to_string(tmp.path().join(".pre-commit-hooks.yaml")).unwrap();
    assert!(hooks.contains("'leaklint@9.8.7'"), "{hooks}");
}

fn git(dir: &Path, args: &[&str]) -> Output {
    run(Command::new("git")
        .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
        .args(args)
        .current_dir(dir))
}

fn git_ok(dir: &Path, args: &[&str]) {
    let o = git(dir, args);
    assert!(o.status.success(), "git {args:?}: {}", text(&o));
}

#[test]
fn the_leaklint_npm_pre_commit_hook_fails_a_leak_and_passes_the_fix() {
    if run(Command::new("sh").args(["-c", "command -v pre-commit"]))
        .status
        .code()
        != Some(0)
    {
        assert!(
            std::env::var_os("CI").is_none(),
            "pre-commit is not on PATH; .ci/run installs it"
        );
        eprintln!("pre-commit is not installed (pip install pre-commit): hook test not run");
        return;
    }
    let (main, platform) = tarballs();
    let tmp = tempfile::tempdir().unwrap();
    let hooks = tmp.path().join("hooks");
    let project = tmp.path().join("project");
    std::fs::create_dir_all(&hooks).unwrap();
    std::fs::create_dir_all(project.join("src")).unwrap();

    // The hook repository: what pre-commit clones for `language: node`.
    for f in ["package.json", ".pre-commit-hooks.yaml"] {
        std::fs::copy(Path::new(ROOT).join(f), hooks.join(f)).unwrap();
    }
    git_ok(&hooks, &["init", "-q"]);
    git_ok(&hooks, &["add", "."]);
    git_ok(&hooks, &["commit", "-qm", "hooks"]);
    let rev = String::from_utf8(git(&hooks, &["rev-parse", "HEAD"]).stdout).unwrap();

    // The hook's own additional_dependencies name the published package; here the user's
    // config points them at the tarballs, the one change from a real set-up.
    let config = format!(
        "repos:\n  - repo: {}\n    rev: {}\n    hooks:\n      - id: leaklint-npm\n        additional_dependencies: ['{}', '{}']\n",
        hooks.display(),
        rev.trim(),
        main.display(),
        platform.display()
    );
    std::fs::write(project.join(".pre-commit-config.yaml"), config).unwrap();
    git_ok(&project, &["init", "-q"]);
    let env = |cmd: &mut Command| {
        cmd.env("PRE_COMMIT_HOME", tmp.path().join("pre-commit-home"))
            .env("NO_COLOR", "1")
            .env_remove("LEAKLINT_BINARY");
    };
    let mut install = Command::new("pre-commit");
    install.arg("install").current_dir(&project);
    env(&mut install);
    let o = run(&mut install);
    assert!(o.status.success(), "{}", text(&o));

    let commit = |message: &str| {
        let mut cmd = Command::new("git");
        cmd.args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
            .args(["commit", "-qm", message])
            .current_dir(&project);
        env(&mut cmd);
        run(&mut cmd)
    };
    std::fs::write(project.join("src/server.mts"), LEAK).unwrap();
    git_ok(&project, &["add", "."]);
    let o = commit("leak");
    assert!(
        !o.status.success(),
        "the leak should fail the commit:\n{}",
        text(&o)
    );
    assert!(
        text(&o).contains(&format!("src/server.mts:1:7: {FINDING}")),
        "{}",
        text(&o)
    );
    assert!(text(&o).contains("hook id: leaklint-npm"), "{}", text(&o));

    std::fs::write(project.join("src/server.mts"), FIXED).unwrap();
    git_ok(&project, &["add", "."]);
    let o = commit("fixed");
    assert!(o.status.success(), "the fix should pass:\n{}", text(&o));
    let log = git(&project, &["log", "--oneline"]);
    assert_eq!(String::from_utf8_lossy(&log.stdout).lines().count(), 1);
}

/// The composite action's steps, run locally: expressions in `env:` are evaluated the way the
/// runner would for the few contexts the action uses (inputs, runner.temp, step outputs), then
/// each `run:` goes to `bash --noprofile --norc -eo pipefail` (GitHub's `shell: bash`) with
/// GITHUB_OUTPUT and GITHUB_PATH files.
struct ActionRun {
    inputs: HashMap<String, String>,
    temp: PathBuf,
    workspace: PathBuf,
    outputs: HashMap<String, HashMap<String, String>>,
    path_prepend: Vec<String>,
}

impl ActionRun {
    fn expression(&self, expr: &str) -> String {
        let expr = expr.trim();
        if let Some(name) = expr.strip_prefix("inputs.") {
            return self
                .inputs
                .get(name)
                .unwrap_or_else(|| panic!("undeclared input {name}"))
                .clone();
        }
        if expr == "runner.temp" {
            return self.temp.display().to_string();
        }
        if let Some(rest) = expr.strip_prefix("steps.") {
            let (step, key) = rest.split_once(".outputs.").expect(expr);
            return self.outputs[step].get(key).cloned().unwrap_or_default();
        }
        panic!("the test does not evaluate ${{{{ {expr} }}}}");
    }

    fn substitute(&self, template: &str) -> String {
        let mut out = String::new();
        let mut rest = template;
        while let Some(start) = rest.find("${{") {
            out.push_str(&rest[..start]);
            let end = rest[start..].find("}}").expect("unclosed expression") + start;
            out.push_str(&self.expression(&rest[start + 3..end]));
            rest = &rest[end + 2..];
        }
        out + rest
    }

    /// `if:` conditions of the form `inputs.NAME == 'VALUE'`, the only kind the action uses.
    fn condition(&self, cond: &str) -> bool {
        let (lhs, rhs) = cond.split_once("==").expect(cond);
        self.expression(lhs) == rhs.trim().trim_matches('\'')
    }

    /// Runs step `step` (by `run:`); returns its output.
    fn run_step(&mut self, step: &Value) -> Output {
        let script = step["run"].as_str().unwrap();
        assert!(
            !script.contains("${{"),
            "inputs reach the script through env, never spliced in:\n{script}"
        );
        assert_eq!(step["shell"].as_str(), Some("bash"));
        let out_file = self.temp.join("github_output");
        let path_file = self.temp.join("github_path");
        std::fs::write(&out_file, "").unwrap();
        std::fs::write(&path_file, "").unwrap();
        let mut cmd = Command::new("bash");
        cmd.args(["--noprofile", "--norc", "-eo", "pipefail", "-c", script])
            .current_dir(&self.workspace)
            .env("GITHUB_OUTPUT", &out_file)
            .env("GITHUB_PATH", &path_file)
            .env_remove("LEAKLINT_BINARY")
            .env("NO_COLOR", "1");
        let mut path = self.path_prepend.clone();
        path.push(std::env::var("PATH").unwrap());
        cmd.env("PATH", path.join(":"));
        if let Some(env) = step["env"].as_mapping() {
            for (k, v) in env {
                cmd.env(k.as_str().unwrap(), self.substitute(v.as_str().unwrap()));
            }
        }
        let o = run(&mut cmd);
        let id = step["id"].as_str().unwrap_or("").to_owned();
        let outputs = std::fs::read_to_string(&out_file).unwrap();
        let parsed = outputs
            .lines()
            .map(|l| {
                let (k, v) = l.split_once('=').expect(l);
                (k.to_owned(), v.to_owned())
            })
            .collect();
        self.outputs.insert(id, parsed);
        for line in std::fs::read_to_string(&path_file).unwrap().lines() {
            self.path_prepend.insert(0, line.to_owned());
        }
        o
    }
}

fn action() -> Value {
    serde_yaml_ng::from_str(&std::fs::read_to_string(Path::new(ROOT).join("action.yml")).unwrap())
        .unwrap()
}

#[test]
fn the_action_declares_what_it_uses_and_its_steps_lint_with_the_npm_package() {
    let action = action();
    let raw = std::fs::read_to_string(Path::new(ROOT).join("action.yml")).unwrap();
    assert_eq!(action["runs"]["using"].as_str(), Some("composite"));
    let declared: Vec<String> = action["inputs"]
        .as_mapping()
        .unwrap()
        .iter()
        .map(|(k, v)| {
            assert!(v["description"].as_str().is_some_and(|d| !d.is_empty()));
            k.as_str().unwrap().to_owned()
        })
        .collect();
    for name in ["paths", "min-confidence", "fail-on-findings"] {
        assert!(declared.iter().any(|d| d == name), "input {name} missing");
    }
    for name in &declared {
        assert!(
            raw.contains(&format!("inputs.{name} ")),
            "input {name} is declared but unused"
        );
    }
    let steps = action["runs"]["steps"].as_sequence().unwrap().clone();
    let upload = steps
        .iter()
        .find(|s| s["uses"].is_string())
        .expect("an upload step");
    assert!(upload["uses"]
        .as_str()
        .unwrap()
        .starts_with("github/codeql-action/upload-sarif@"));
    assert_eq!(
        upload["with"]["sarif_file"].as_str(),
        Some("${{ steps.check.outputs.sarif-file }}")
    );

    let (main, platform) = tarballs();
    let work = tempfile::tempdir().unwrap();
    let workspace = work.path().join("workspace");
    std::fs::create_dir_all(workspace.join("src")).unwrap();
    std::fs::write(workspace.join("src/leak.js"), LEAK).unwrap();
    std::fs::write(workspace.join("src/fine.js"), FIXED).unwrap();
    let temp = work.path().join("runner-temp");
    std::fs::create_dir_all(&temp).unwrap();

    let mut inputs: HashMap<String, String> = action["inputs"]
        .as_mapping()
        .unwrap()
        .iter()
        .map(|(k, v)| {
            let default = v["default"].as_str().unwrap_or("").to_owned();
            (k.as_str().unwrap().to_owned(), default)
        })
        .collect();
    inputs.insert(
        "package".into(),
        format!("{} {}", main.display(), platform.display()),
    );
    let mut runner = ActionRun {
        inputs,
        temp: temp.clone(),
        workspace,
        outputs: HashMap::new(),
        path_prepend: Vec::new(),
    };

    // Defaults: install, lint (SARIF written, exit code 1 kept as an output), upload (not run
    // here, but due), then the job fails on the finding.
    let mut results = Vec::new();
    for step in &steps {
        if let Some(cond) = step["if"].as_str() {
            assert!(runner.condition(cond), "{cond} is true by default");
        }
        if step["run"].is_string() {
            results.push(runner.run_step(step));
        }
    }
    let [install, check, fail] = results.as_slice() else {
        panic!("three shell steps expected")
    };
    assert!(install.status.success(), "{}", text(install));
    assert!(check.status.success(), "{}", text(check));
    assert!(
        text(check).contains(&format!("commit {}", git_commit())),
        "the installed leaklint runs: {}",
        text(check)
    );
    assert_eq!(runner.outputs["check"]["exit-code"], "1");
    let sarif_path = PathBuf::from(&runner.outputs["check"]["sarif-file"]);
    assert!(sarif_path.starts_with(&temp));
    let sarif: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&sarif_path).unwrap()).unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 1, "{sarif}");
    assert_eq!(results[0]["ruleId"], FINDING);
    assert_eq!(fail.status.code(), Some(1), "{}", text(fail));
    assert!(
        text(fail).contains("::error::leaklint found"),
        "{}",
        text(fail)
    );

    let step = |id: &str| -> Value {
        steps
            .iter()
            .find(|s| s["id"].as_str() == Some(id) || s["name"].as_str() == Some(id))
            .unwrap()
            .clone()
    };
    // fail-on-findings: false keeps the job green with the same finding.
    runner
        .inputs
        .insert("fail-on-findings".into(), "false".into());
    assert!(runner.run_step(&step("check")).status.success());
    let o = runner.run_step(&step("Fail on findings"));
    assert!(o.status.success(), "{}", text(&o));
    // A value other than true/false is an error, not a silent pass.
    runner
        .inputs
        .insert("fail-on-findings".into(), "yes".into());
    let o = runner.run_step(&step("Fail on findings"));
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("must be true or false"), "{}", text(&o));
    runner
        .inputs
        .insert("fail-on-findings".into(), "true".into());

    // paths and min-confidence reach leaklint: only the clean file is clean.
    runner.inputs.insert("paths".into(), "src/fine.js".into());
    runner.inputs.insert("min-confidence".into(), "high".into());
    assert!(runner.run_step(&step("check")).status.success());
    assert_eq!(runner.outputs["check"]["exit-code"], "0");
    assert!(runner.run_step(&step("Fail on findings")).status.success());

    // A bad min-confidence is leaklint's usage error (2), which fails the lint step itself.
    runner.inputs.insert("paths".into(), ".".into());
    runner
        .inputs
        .insert("min-confidence".into(), "bogus".into());
    let o = runner.run_step(&step("check"));
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("bogus"), "{}", text(&o));

    // The upload step is skipped when asked.
    runner.inputs.insert("upload".into(), "false".into());
    assert!(!runner.condition(upload["if"].as_str().unwrap()));
}

/// The release workflow cannot run here; what can be checked is that it builds one binary per
/// platform package under npm/ and that the scripts it calls are the ones tested above.
#[test]
fn the_release_workflow_covers_every_platform_package_with_the_tested_scripts() {
    let raw =
        std::fs::read_to_string(Path::new(ROOT).join(".github/workflows/release.yml")).unwrap();
    let workflow: Value = serde_yaml_ng::from_str(&raw).unwrap();
    let matrix = workflow["jobs"]["build"]["strategy"]["matrix"]["include"]
        .as_sequence()
        .unwrap();
    let mut npm: Vec<&str> = matrix.iter().map(|m| m["npm"].as_str().unwrap()).collect();
    npm.sort();
    let mut packages: Vec<String> = std::fs::read_dir(Path::new(ROOT).join("npm"))
        .unwrap()
        .filter_map(|e| {
            let name = e.unwrap().file_name().into_string().unwrap();
            name.strip_prefix("cli-").map(str::to_owned)
        })
        .collect();
    packages.sort();
    assert_eq!(npm, packages);
    let vscode = [
        "linux-x64",
        "linux-arm64",
        "alpine-x64",
        "darwin-x64",
        "darwin-arm64",
        "win32-x64",
    ];
    for m in matrix {
        assert!(vscode.contains(&m["vscode"].as_str().unwrap()), "{m:?}");
    }
    for script in [
        "scripts/npm-pack.sh dist/npm",
        "scripts/package-target.sh",
        "npm publish --provenance",
        "sha256sum",
    ] {
        assert!(raw.contains(script), "{script}");
    }
    assert!(Path::new(ROOT)
        .join("editors/vscode/scripts/package-target.sh")
        .is_file());
}

/// The release workflow packs other platforms' packages with LEAKLINT_PACK_TARGET (here with a
/// stand-in binary: packing does not run it): the Windows package carries `leaklint.exe`.
#[test]
fn npm_pack_packs_the_platform_it_is_told() {
    let tmp = tempfile::tempdir().unwrap();
    let stand_in = tmp.path().join("leaklint.exe");
    std::fs::write(&stand_in, "MZ stand-in").unwrap();
    let out = tmp.path().join("out");
    let o = run(Command::new("bash")
        .arg(Path::new(ROOT).join("scripts/npm-pack.sh"))
        .arg(&out)
        .env("LEAKLINT_PACK_BINARY", &stand_in)
        .env("LEAKLINT_PACK_TARGET", "win32-x64"));
    assert!(o.status.success(), "{}", text(&o));
    let version = env!("CARGO_PKG_VERSION");
    let tgz = out.join(format!("leaklint-cli-win32-x64-{version}.tgz"));
    let listing = run(Command::new("tar").arg("tzf").arg(&tgz));
    assert_eq!(
        String::from_utf8(listing.stdout).unwrap(),
        "package/leaklint.exe\npackage/package.json\n"
    );

    let o = run(Command::new("bash")
        .arg(Path::new(ROOT).join("scripts/npm-pack.sh"))
        .arg(&out)
        .env("LEAKLINT_PACK_BINARY", &stand_in)
        .env("LEAKLINT_PACK_TARGET", "plan9-x64"));
    assert_eq!(o.status.code(), Some(1));
    assert!(
        text(&o).contains("no platform package for plan9-x64"),
        "{}",
        text(&o)
    );
}
