//! The `leaklint` binary end to end: discovery and ignore files, formats, exit codes,
//! suppressions, configuration errors, `rules` and `explain`.

use std::path::Path;

mod support;
use support::{leaklint, stderr, stdout};

const LEAK: &str = "const cache = new Map();\nexport function get(req) {\n  cache.set(req.params.id, req.body);\n}\n";

fn write(dir: &Path, rel: &str, text: &str) {
    let p = dir.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

#[test]
fn default_command_lints_the_current_folder_honouring_ignore_files_outside_git() {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "src/a.ts", LEAK);
    write(d.path(), "src/b.mjs", LEAK);
    write(d.path(), "src/types.d.ts", LEAK);
    write(d.path(), "node_modules/dep/index.js", LEAK);
    write(d.path(), "dist/bundle.js", LEAK);
    write(d.path(), ".gitignore", "dist/\n");
    write(d.path(), "build/out.cjs", LEAK);
    write(d.path(), ".ignore", "build/\n");
    let o = leaklint(d.path(), &["--format", "concise"]);
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(1), "{out}{}", stderr(&o));
    assert!(
        out.contains("src/a.ts:1:7: no-unbounded-collection"),
        "{out}"
    );
    assert!(out.contains("src/b.mjs:1:7"), "{out}");
    for skipped in ["types.d.ts", "node_modules", "dist/", "build/"] {
        assert!(
            !out.contains(skipped),
            "{skipped} should be skipped:\n{out}"
        );
    }
    // An explicit path is linted even when ignored.
    let o = leaklint(
        d.path(),
        &["check", "--format", "concise", "dist/bundle.js"],
    );
    assert!(stdout(&o).contains("dist/bundle.js:1:7"), "{}", stdout(&o));
}

#[test]
fn clean_code_exits_zero_and_parse_errors_do_not_stop_other_files() {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "ok.js", "export const x = 1;\n");
    let o = leaklint(d.path(), &["--format", "concise"]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    write(d.path(), "bad.js", "const = ;\n");
    write(d.path(), "leak.js", LEAK);
    let o = leaklint(d.path(), &["--format", "concise"]);
    let out = stdout(&o);
    assert!(
        out.contains("bad.js:1:7: parse-error Parsing error"),
        "{out}"
    );
    assert!(
        out.contains("leak.js:1:7: no-unbounded-collection"),
        "{out}"
    );
    assert_eq!(o.status.code(), Some(1));
}

#[test]
fn json_output_has_eslints_shape() {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "a.js", &format!("// é😀\n{LEAK}"));
    let o = leaklint(d.path(), &["--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let file = &v[0];
    assert!(file["filePath"].as_str().unwrap().ends_with("a.js"));
    assert_eq!(file["errorCount"], 1);
    assert_eq!(file["warningCount"], 0);
    let m = &file["messages"][0];
    assert_eq!(m["ruleId"], "no-unbounded-collection");
    assert_eq!(m["severity"], 2);
    assert_eq!(
        (m["line"].as_u64(), m["column"].as_u64()),
        (Some(2), Some(7))
    );
    assert_eq!(
        (m["endLine"].as_u64(), m["endColumn"].as_u64()),
        (Some(2), Some(12))
    );
    assert_eq!(m["confidence"], "high");
    assert!(m["help"].as_str().unwrap().contains("LRU"));
    assert_eq!(m["labels"][0]["line"], 4);
}

#[test]
fn components_are_discovered_and_positions_point_into_them() {
    let d = tempfile::tempdir().unwrap();
    // A template line with non-ASCII text before the script, and the script's first statement on
    // the line of its opening tag: lines and UTF-16 columns are the component file's.
    let vue = "<template>\n  <p>é😀 {{ n }}</p>\n</template>\n<script setup>import { onMounted } from 'vue';\nonMounted(() => {\n  window.addEventListener('resize', () => {});\n});\n</script>\n";
    write(d.path(), "app/src/Widget.vue", vue);
    write(
        d.path(),
        "app/src/Clock.svelte",
        "<script>\n  import { onMount } from 'svelte';\n  onMount(() => { setInterval(() => {}, 1000); });\n</script>\n",
    );
    write(
        d.path(),
        "app/src/Broken.astro",
        "---\nconst x = ;\n---\n<p/>\n",
    );
    let o = leaklint(
        d.path(),
        &["check", "--format", "json", "--no-cache", "app"],
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let files = v.as_array().unwrap();
    let find = |name: &str| {
        files
            .iter()
            .find(|f| f["filePath"].as_str().unwrap().ends_with(name))
            .unwrap_or_else(|| panic!("{name} not linted: {v}"))
    };
    let m = &find("Widget.vue")["messages"][0];
    assert_eq!(m["ruleId"], "no-leaked-listener");
    assert_eq!(
        (m["line"].as_u64(), m["column"].as_u64()),
        (Some(6), Some(3))
    );
    let m = &find("Clock.svelte")["messages"][0];
    assert_eq!(m["ruleId"], "no-leaked-timer");
    assert_eq!(
        (m["line"].as_u64(), m["column"].as_u64()),
        (Some(3), Some(19))
    );
    // A syntax error in the frontmatter is placed in the component file.
    let m = &find("Broken.astro")["messages"][0];
    assert_eq!(m["fatal"], true);
    assert_eq!(
        (m["line"].as_u64(), m["column"].as_u64()),
        (Some(2), Some(11))
    );
}

/// A label in another file of the project (the use that runs on every request) has that file's
/// `filePath` in JSON and a `related:` line in the pretty output.
#[test]
fn labels_in_other_files_name_their_file() {
    let d = tempfile::tempdir().unwrap();
    write(
        d.path(),
        "track.js",
        "const seen = new Set();\nexport function track(id) {\n  seen.add(id);\n}\n",
    );
    write(
        d.path(),
        "server.js",
        "import express from 'express';\nimport { track } from './track.js';\nconst app = express();\napp.get('/', (req, res) => {\n  track(req.query.id);\n  res.end();\n});\n",
    );
    let o = leaklint(d.path(), &["--format", "json", "--no-cache"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let track = v
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["filePath"].as_str().unwrap().ends_with("track.js"))
        .unwrap();
    let labels = track["messages"][0]["labels"].as_array().unwrap();
    let there: Vec<_> = labels
        .iter()
        .filter(|l| l["filePath"].is_string())
        .collect();
    assert_eq!(there.len(), 2, "{labels:#?}");
    assert!(there[0]["filePath"]
        .as_str()
        .unwrap()
        .ends_with("server.js"));
    assert_eq!(
        (there[0]["line"].as_u64(), there[0]["column"].as_u64()),
        (Some(5), Some(3))
    );
    assert_eq!(there[0]["message"], "used here, on every request");
    assert_eq!(there[1]["line"], 4);
    assert_eq!(there[1]["message"], "this handler runs on every request");

    let o = leaklint(d.path(), &["--format", "pretty", "--no-cache"]);
    let out = stdout(&o);
    assert!(
        out.contains("server.js:5:3: used here, on every request"),
        "{out}"
    );
}

#[test]
fn pretty_output_draws_the_source() {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "a.js", LEAK);
    let o = leaklint(d.path(), &["--format", "pretty"]);
    let out = stdout(&o);
    assert!(out.contains("no-unbounded-collection"), "{out}");
    assert!(out.contains("cache.set(req.params.id"), "{out}");
    assert!(out.contains("help:"), "{out}");
}

#[test]
fn severities_quiet_and_max_warnings() {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "a.js", LEAK);
    write(
        d.path(),
        "leaklint.toml",
        "[rules]\nno-unbounded-collection = \"warn\"\n",
    );
    let o = leaklint(d.path(), &["--format", "concise"]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "warnings alone pass: {}",
        stdout(&o)
    );
    let o = leaklint(d.path(), &["--format", "concise", "--max-warnings", "0"]);
    assert_eq!(o.status.code(), Some(1));
    let o = leaklint(d.path(), &["--format", "concise", "--quiet"]);
    assert!(!stdout(&o).contains("no-unbounded-collection"));
    write(
        d.path(),
        "leaklint.toml",
        "[rules]\nno-unbounded-collection = { severity = \"off\" }\n",
    );
    let o = leaklint(d.path(), &["--format", "concise"]);
    assert!(stdout(&o).contains("no problems"), "{}", stdout(&o));
}

#[test]
fn configuration_errors_name_file_and_line_and_exit_two() {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "a.js", LEAK);
    write(
        d.path(),
        "leaklint.toml",
        "min-confidence = \"low\"\n\n[rules]\nno-such-rule = \"warn\"\n",
    );
    let o = leaklint(d.path(), &["--format", "concise"]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains("leaklint.toml:4:1: unknown rule `no-such-rule`"),
        "{err}"
    );
    write(d.path(), "leaklint.toml", "colour = true\n");
    let err = stderr(&leaklint(d.path(), &["--format", "concise"]));
    assert!(
        err.contains("leaklint.toml:1:1: unknown key `colour`"),
        "{err}"
    );
    write(d.path(), "leaklint.toml", "[rules\n");
    let o = leaklint(d.path(), &["--format", "concise"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("leaklint.toml:1:"), "{}", stderr(&o));
}

#[test]
fn nearest_config_wins_and_excludes_apply_with_force_exclude() {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "leaklint.toml", "exclude = [\"gen\"]\n");
    write(d.path(), "gen/a.js", LEAK);
    write(d.path(), "pkg/b.js", LEAK);
    write(
        d.path(),
        "pkg/leaklint.toml",
        "[rules]\nno-unbounded-collection = \"off\"\n",
    );
    let out = stdout(&leaklint(d.path(), &["--format", "concise"]));
    assert!(out.contains("no problems"), "{out}");
    let out = stdout(&leaklint(
        d.path(),
        &["check", "--format", "concise", "gen/a.js"],
    ));
    assert!(
        out.contains("gen/a.js:1:7"),
        "explicit paths are linted: {out}"
    );
    let out = stdout(&leaklint(
        d.path(),
        &[
            "check",
            "--format",
            "concise",
            "--force-exclude",
            "gen/a.js",
        ],
    ));
    assert!(!out.contains("gen/a.js"), "{out}");
}

#[test]
fn suppression_comments_and_their_audit() {
    let d = tempfile::tempdir().unwrap();
    let text = "// leaklint-disable-next-line no-unbounded-collection -- bounded by deploys\nconst cache = new Map();\nexport function get(req) {\n  cache.set(req.params.id, 1);\n}\n\
// leaklint-disable-next-line no-leaked-timer\nconst other = 1;\n// leaklint-disable-line no-such-rule\n";
    write(d.path(), "a.js", text);
    let out = stdout(&leaklint(d.path(), &["--format", "concise"]));
    assert!(!out.contains("no-unbounded-collection"), "{out}");
    assert!(out.contains("a.js:6:1: unused-suppression"), "{out}");
    assert!(
        out.contains("a.js:8:1: invalid-suppression unknown rule `no-such-rule`"),
        "{out}"
    );
    let block = format!("/* leaklint-disable no-unbounded-collection */\n{LEAK}/* leaklint-enable no-unbounded-collection */\n");
    write(d.path(), "a.js", &block);
    assert!(stdout(&leaklint(d.path(), &["--format", "concise"])).contains("no problems"));
    write(
        d.path(),
        "a.js",
        &format!("// leaklint-disable-file no-unbounded-collection\n{LEAK}"),
    );
    assert!(stdout(&leaklint(d.path(), &["--format", "concise"])).contains("no problems"));
}

#[test]
fn min_confidence_shows_low_findings() {
    let d = tempfile::tempdir().unwrap();
    write(
        d.path(),
        "a.js",
        "export function f() {\n  process.once('SIGTERM', () => {});\n}\n",
    );
    assert!(stdout(&leaklint(d.path(), &["--format", "concise"])).contains("no problems"));
    let out = stdout(&leaklint(
        d.path(),
        &["--format", "concise", "--min-confidence", "low"],
    ));
    assert!(out.contains("no-leaked-listener"), "{out}");
}

#[test]
fn rules_and_explain() {
    let d = tempfile::tempdir().unwrap();
    let out = stdout(&leaklint(d.path(), &["rules"]));
    for r in [
        "no-unbounded-collection",
        "no-leaked-listener",
        "no-leaked-timer",
    ] {
        assert!(out.contains(r), "{out}");
    }
    let o = leaklint(d.path(), &["explain", "no-leaked-timer"]);
    assert!(stdout(&o).starts_with("# no-leaked-timer"));
    let o = leaklint(d.path(), &["explain", "no-such"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("unknown rule `no-such`"));
    let o = leaklint(d.path(), &["check", "missing-dir"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("missing-dir"));
}
