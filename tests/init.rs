//! `leaklint init` and `leaklint --version` through the binary.

use std::path::Path;
use std::process::{Command, Output};

mod support;
use support::leaklint;

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

#[test]
fn version_names_the_commit() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let head = Command::new("git")
        .args(["rev-parse", "--short=12", "HEAD"])
        .current_dir(root)
        .output()
        .unwrap();
    // Built outside a git checkout (a source tarball), the commit is "unknown".
    let head = match String::from_utf8(head.stdout).unwrap().trim() {
        "" => "unknown".to_string(),
        h => h.to_string(),
    };
    let o = leaklint(root, &["--version"]);
    assert!(o.status.success());
    assert_eq!(
        String::from_utf8(o.stdout).unwrap(),
        format!("leaklint {} (commit {})\n", env!("CARGO_PKG_VERSION"), head)
    );
}

#[test]
fn init_writes_a_configuration_that_check_reads_and_keeps_an_existing_one() {
    let dir = tempfile::tempdir().unwrap();
    let o = leaklint(dir.path(), &["init"]);
    assert!(o.status.success(), "{}", text(&o));
    let written = std::fs::read_to_string(dir.path().join("leaklint.toml")).unwrap();
    assert!(written.contains("# no-leaked-timer"), "{written}");

    // The commented file changes nothing: a leak is still an error, read through this config.
    std::fs::write(
        dir.path().join("a.js"),
        "const cache = new Map();\nexport function get(req) {\n  cache.set(req.params.id, req.body);\n}\n",
    )
    .unwrap();
    let o = leaklint(dir.path(), &["check", "--config", "leaklint.toml", "a.js"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));

    // An uncommented line takes effect.
    std::fs::write(
        dir.path().join("leaklint.toml"),
        written.replace("# no-unbounded-collection ", "no-unbounded-collection "),
    )
    .unwrap();
    let edited = std::fs::read_to_string(dir.path().join("leaklint.toml")).unwrap();
    std::fs::write(
        dir.path().join("leaklint.toml"),
        edited.replacen("\"error\"", "\"off\"", 1),
    )
    .unwrap();
    let o = leaklint(dir.path(), &["check", "a.js"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));

    let o = leaklint(dir.path(), &["init"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o).contains("leaklint.toml exists; pass --force"),
        "{}",
        text(&o)
    );
    let o = leaklint(dir.path(), &["init", "--force"]);
    assert!(o.status.success(), "{}", text(&o));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("leaklint.toml")).unwrap(),
        written
    );
}

#[test]
fn init_hook_writes_a_new_hook_file_or_prints_the_snippet() {
    let dir = tempfile::tempdir().unwrap();
    let o = leaklint(dir.path(), &["init", "--hook", "pre-commit"]);
    assert!(o.status.success(), "{}", text(&o));
    let config: serde_yaml_ng::Value = serde_yaml_ng::from_str(
        &std::fs::read_to_string(dir.path().join(".pre-commit-config.yaml")).unwrap(),
    )
    .unwrap();
    let repo = &config["repos"][0];
    assert_eq!(
        repo["rev"].as_str().unwrap(),
        format!("v{}", env!("CARGO_PKG_VERSION"))
    );
    // The hook id it names is one this repository defines.
    let id = repo["hooks"][0]["id"].as_str().unwrap();
    let hooks: serde_yaml_ng::Value = serde_yaml_ng::from_str(
        &std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join(".pre-commit-hooks.yaml"),
        )
        .unwrap(),
    )
    .unwrap();
    assert!(hooks
        .as_sequence()
        .unwrap()
        .iter()
        .any(|h| h["id"].as_str() == Some(id) && h["language"].as_str() == Some("node")));

    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("lefthook.yml"), "pre-push: {}\n").unwrap();
    let o = leaklint(dir.path(), &["init", "--hook", "lefthook"]);
    assert!(o.status.success(), "{}", text(&o));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("lefthook.yml")).unwrap(),
        "pre-push: {}\n",
        "an existing file is left alone"
    );
    assert!(
        text(&o).contains("lefthook.yml exists; add this to it"),
        "{}",
        text(&o)
    );
    assert!(text(&o).contains("run: npx leaklint check"), "{}", text(&o));

    let dir = tempfile::tempdir().unwrap();
    let o = leaklint(dir.path(), &["init", "--hook", "lint-staged"]);
    assert!(o.status.success(), "{}", text(&o));
    let staged: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join(".lintstagedrc.json")).unwrap(),
    )
    .unwrap();
    assert!(staged.as_object().unwrap().len() == 1, "{staged}");
}
