//! `--format sarif`: every SARIF log the suite produces validates against the official OASIS
//! schema (`fixtures/schemas/sarif-schema-2.1.0.json`, draft-04, offline), and carries what
//! GitHub code scanning needs (GitHub's "SARIF support for code scanning").

use std::path::Path;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

const LEAK: &str = "const cache = new Map();\nexport function get(req) {\n  cache.set(req.params.id, req.body);\n}\n";

fn leaklint(dir: &Path, args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_leaklint"))
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    {
        use std::io::Write;
        let mut i = child.stdin.take().unwrap();
        if let Some(s) = stdin {
            i.write_all(s.as_bytes()).unwrap();
        }
    }
    child.wait_with_output().unwrap()
}

fn write(dir: &Path, rel: &str, text: &str) {
    let p = dir.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

fn schema() -> Value {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/schemas/sarif-schema-2.1.0.json");
    serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap()
}

/// Validates `log` against the official schema and panics with every error. With
/// `LEAKLINT_SARIF_OUT` set, also writes the log into that folder, for `.ci/run` to validate with
/// Microsoft's SARIF multitool as well.
fn assert_valid(log: &Value) {
    if let Some(dir) = std::env::var_os("LEAKLINT_SARIF_OUT") {
        static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let name = std::thread::current()
            .name()
            .unwrap_or("log")
            .replace("::", "-");
        std::fs::create_dir_all(&dir).unwrap();
        let path = Path::new(&dir).join(format!("{name}-{n}.sarif"));
        std::fs::write(path, serde_json::to_string_pretty(log).unwrap()).unwrap();
    }
    let validator = jsonschema::draft4::new(&schema()).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(log)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "schema errors: {errors:#?}");
}

/// Runs `leaklint check --format sarif args…` in `dir`, validates the log and returns it.
fn sarif(dir: &Path, args: &[&str], stdin: Option<&str>) -> Value {
    let mut all = vec!["check", "--format", "sarif", "--no-cache"];
    all.extend_from_slice(args);
    let o = leaklint(dir, &all, stdin);
    assert!(
        matches!(o.status.code(), Some(0 | 1)),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let log: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_valid(&log);
    log
}

fn git_init(dir: &Path) {
    std::fs::create_dir_all(dir.join(".git")).unwrap();
}

#[test]
fn the_schema_rejects_a_broken_log() {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "a.js", LEAK);
    let mut log = sarif(d.path(), &["a.js"], None);
    log["runs"][0]["results"][0]["region"] = Value::from("nope");
    log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] =
        Value::from(0);
    let validator = jsonschema::draft4::new(&schema()).unwrap();
    assert!(!validator.is_valid(&log));
}

#[test]
fn a_finding_has_everything_github_uses() {
    let d = tempfile::tempdir().unwrap();
    git_init(d.path());
    write(d.path(), "src/a.js", LEAK);
    let log = sarif(&d.path().join("src"), &["a.js"], None);
    assert_eq!(log["version"], "2.1.0");
    let run = &log["runs"][0];
    assert_eq!(run["columnKind"], "utf16CodeUnits");
    let driver = &run["tool"]["driver"];
    assert_eq!(driver["name"], "leaklint");
    assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(driver["semanticVersion"], env!("CARGO_PKG_VERSION"));
    let rules = driver["rules"].as_array().unwrap();
    let ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    for id in [
        "no-unbounded-collection",
        "no-leaked-listener",
        "no-leaked-timer",
        "parse-error",
    ] {
        assert!(ids.contains(&id), "{ids:?}");
    }
    let rule = &rules[0];
    assert_eq!(rule["id"], "no-unbounded-collection");
    assert_eq!(rule["name"], "NoUnboundedCollection");
    let doc = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("rules/no-unbounded-collection.md"),
    )
    .unwrap();
    assert_eq!(rule["help"]["markdown"], doc.as_str());
    assert_eq!(rule["help"]["text"], doc.as_str());
    for key in ["shortDescription", "fullDescription"] {
        let t = rule[key]["text"].as_str().unwrap();
        assert!(!t.is_empty() && t.len() <= 1024, "{key}: {t}");
    }
    assert!(rule["helpUri"]
        .as_str()
        .unwrap()
        .ends_with("rules/no-unbounded-collection.md"));
    assert_eq!(rule["defaultConfiguration"]["level"], "error");
    assert_eq!(rule["properties"]["problem.severity"], "error");
    assert_eq!(rule["properties"]["precision"], "high");
    assert!(rule["properties"]["tags"].as_array().unwrap().len() <= 10);
    assert!(rule["properties"].get("security-severity").is_none());

    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), 1);
    let r = &results[0];
    assert_eq!(r["ruleId"], "no-unbounded-collection");
    assert_eq!(r["ruleIndex"], 0);
    assert_eq!(r["level"], "error");
    assert_eq!(r["properties"]["confidence"], "high");
    assert!(r["message"]["text"]
        .as_str()
        .unwrap()
        .contains("module-level Map `cache`"));
    let loc = &r["locations"][0]["physicalLocation"];
    // Relative to the repository root, not to the working directory (`src/`).
    assert_eq!(loc["artifactLocation"]["uri"], "src/a.js");
    assert_eq!(loc["artifactLocation"]["uriBaseId"], "%SRCROOT%");
    // `cache` on line 1: columns 7..12, end exclusive.
    assert_eq!(
        loc["region"],
        serde_json::json!({"startLine": 1, "startColumn": 7, "endLine": 1, "endColumn": 12})
    );
    let related = &r["relatedLocations"][0];
    assert_eq!(related["physicalLocation"]["region"]["startLine"], 3);
    assert!(related["message"]["text"]
        .as_str()
        .unwrap()
        .contains("grows"));
    assert!(r["partialFingerprints"]["primaryLocationLineHash"]
        .as_str()
        .unwrap()
        .ends_with(":1"));
}

#[test]
fn columns_are_utf16_and_paths_resolve_symlinks_and_are_percent_encoded() {
    let d = tempfile::tempdir().unwrap();
    git_init(d.path());
    // `😀` is two UTF-16 code units and four bytes: `cache` starts at column 14, not 16.
    let text = "/* 😀 */ let cache = new Map();\r\nexport function get(req) {\r\n  cache.set(req.params.id, req.body);\r\n}\r\n";
    write(d.path(), "real dir/a.js", text);
    #[cfg(unix)]
    std::os::unix::fs::symlink(d.path().join("real dir"), d.path().join("link")).unwrap();
    #[cfg(unix)]
    let arg = "link/a.js";
    #[cfg(not(unix))]
    let arg = "real dir/a.js";
    let log = sarif(d.path(), &[arg], None);
    let r = &log["runs"][0]["results"][0];
    let loc = &r["locations"][0]["physicalLocation"];
    assert_eq!(loc["artifactLocation"]["uri"], "real%20dir/a.js");
    assert_eq!(loc["region"]["startColumn"], 14);
    assert_eq!(loc["region"]["endColumn"], 19);
    assert_eq!(
        r["relatedLocations"][0]["physicalLocation"]["region"]["startLine"],
        3
    );
}

#[test]
fn parse_errors_suppressions_warnings_and_empty_runs_are_valid() {
    let d = tempfile::tempdir().unwrap();
    git_init(d.path());
    write(d.path(), "bad.ts", "const = ;\n");
    write(
        d.path(),
        "sup.js",
        "// leaklint-disable-next-line no-leaked-listener\nconst x = 1;\n// leaklint-disable-line no-such-rule\n",
    );
    write(
        d.path(),
        "leaklint.toml",
        "[rules]\nno-unbounded-collection = \"warn\"\nno-leaked-timer = \"off\"\n",
    );
    write(d.path(), "w.js", LEAK);
    let log = sarif(d.path(), &[], None);
    let run = &log["runs"][0];
    let ids: Vec<&str> = run["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert!(
        !ids.contains(&"no-leaked-timer"),
        "disabled rule listed: {ids:?}"
    );
    let by_rule = |id: &str| -> Vec<&Value> {
        run["results"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["ruleId"] == id)
            .collect()
    };
    assert_eq!(by_rule("parse-error")[0]["level"], "error");
    assert_eq!(by_rule("unused-suppression")[0]["level"], "warning");
    assert_eq!(by_rule("invalid-suppression").len(), 1);
    let w = by_rule("no-unbounded-collection");
    assert_eq!(w[0]["level"], "warning");
    // ruleIndex points at the rule's own descriptor.
    for r in run["results"].as_array().unwrap() {
        let i = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(run["tool"]["driver"]["rules"][i]["id"], r["ruleId"]);
    }

    let empty = tempfile::tempdir().unwrap();
    let log = sarif(empty.path(), &[], None);
    assert_eq!(log["runs"][0]["results"], serde_json::json!([]));
    assert_eq!(
        log["runs"][0]["tool"]["driver"]["rules"][0]["id"],
        "no-unbounded-collection"
    );
}

#[test]
fn every_fixture_and_stdin_and_output_file_give_valid_logs() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let log = sarif(
        root,
        &["--min-confidence", "low", "fixtures/rules", "rules"],
        None,
    );
    assert!(log["runs"][0]["results"].as_array().unwrap().len() > 10);

    let d = tempfile::tempdir().unwrap();
    let log = sarif(
        d.path(),
        &["--stdin-filename", "src/from-stdin.ts"],
        Some(LEAK),
    );
    let loc = &log["runs"][0]["results"][0]["locations"][0]["physicalLocation"];
    assert_eq!(loc["artifactLocation"]["uri"], "src/from-stdin.ts");

    write(d.path(), "a.js", LEAK);
    let o = leaklint(
        d.path(),
        &[
            "check",
            "--format",
            "sarif",
            "--output-file",
            "out.sarif",
            "a.js",
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(o.stdout.is_empty());
    let log: Value =
        serde_json::from_str(&std::fs::read_to_string(d.path().join("out.sarif")).unwrap())
            .unwrap();
    assert_valid(&log);
    assert_eq!(log["runs"][0]["results"].as_array().unwrap().len(), 1);
}

#[test]
fn a_file_that_crashes_is_a_valid_tool_execution_notification() {
    let d = tempfile::tempdir().unwrap();
    git_init(d.path());
    // swc 47 panics on this JSX (docs/known-issues.md): an internal-error for the file.
    write(d.path(), "src/bad.jsx", "const x = <a:b.c />;\n");
    write(d.path(), "src/leak.js", LEAK);
    let o = leaklint(
        d.path(),
        &["check", "--format", "sarif", "--no-cache"],
        None,
    );
    assert_eq!(o.status.code(), Some(2));
    let log: Value = serde_json::from_slice(&o.stdout).unwrap();
    // Also written for the SARIF multitool with GitHub's rules in CI (GH2012 asks the
    // notification descriptors for a full description and help).
    assert_valid(&log);
    let run = &log["runs"][0];
    assert_eq!(run["results"].as_array().unwrap().len(), 1);
    let notes = &run["invocations"][0]["toolExecutionNotifications"];
    assert_eq!(notes[0]["descriptor"]["id"], "internal-error");
    assert_eq!(
        notes[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "src/bad.jsx"
    );
    let descriptor = &run["tool"]["driver"]["notifications"][0];
    assert!(descriptor["fullDescription"]["text"].is_string());
    assert!(descriptor["help"]["markdown"].is_string());
}

/// A finding that the whole-project pass proves has related locations in the other files that
/// prove it: the use that runs on every request, and a registry's declaration.
#[test]
fn related_locations_point_into_the_other_files_of_the_project() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let log = sarif(
        root,
        &[
            "fixtures/project/express-layers",
            "fixtures/project/registry-never-removed",
        ],
        None,
    );
    let results = log["runs"][0]["results"].as_array().unwrap();
    let related_of = |file: &str| -> Vec<(String, u64, String)> {
        let r = results
            .iter()
            .find(|r| {
                r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                    .as_str()
                    .unwrap()
                    .ends_with(file)
            })
            .unwrap_or_else(|| panic!("no result in {file}: {results:#?}"));
        r["relatedLocations"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| {
                let p = &l["physicalLocation"];
                (
                    p["artifactLocation"]["uri"].as_str().unwrap().to_string(),
                    p["region"]["startLine"].as_u64().unwrap(),
                    l["message"]["text"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    };
    let orders = related_of("express-layers/src/services/orders.js");
    assert!(
        orders.iter().any(|(uri, line, text)| uri
            == "fixtures/project/express-layers/src/routes/orders.js"
            && *line == 5
            && text == "used here, on every request."),
        "{orders:#?}"
    );
    let server = related_of("registry-never-removed/server.js");
    assert!(
        server.iter().any(|(uri, line, text)| uri
            == "fixtures/project/registry-never-removed/registry.js"
            && *line == 3
            && text.contains("`connections` is declared here")),
        "{server:#?}"
    );
}
