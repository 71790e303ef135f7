//! Never lose a report: a file that crashes the parser becomes an `internal-error` for that file
//! in every output format while the other files are still reported (and it is never cached as
//! clean), and the pretty reporter survives findings past column 65,535.

use std::path::Path;
use std::process::Command;

mod support;
use support::{leaklint, stderr, stdout};

use serde_json::Value;

const LEAK: &str = "const cache = new Map();\nexport function get(req) {\n  cache.set(req.params.id, req.body);\n}\n";

/// swc 47 panics on this JSX (`unreachable!()` in `parser/jsx.rs`: `JSXNamespacedName ->
/// JSXObject`). Should swc start to report it as a syntax error, replace it with another input that
/// panics: these tests are about what happens to the rest of the run.
const SWC_PANIC: &str = "const x = <a:b.c />;\n";

fn project() -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("bad.jsx"), SWC_PANIC).unwrap();
    std::fs::write(d.path().join("leak.js"), LEAK).unwrap();
    d
}

#[test]
fn a_parser_panic_is_an_internal_error_diagnostic_for_that_file() {
    let d = leaklint::lint_source(
        Path::new("bad.jsx"),
        SWC_PANIC,
        &leaklint::LintOptions::default(),
    );
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!(d[0].rule, "internal-error");
    assert!(
        d[0].message.contains("JSXNamespacedName"),
        "{}",
        d[0].message
    );
    assert!(d[0].help.as_deref().unwrap().contains("report"), "{d:?}");
    // The thread is fine afterwards: the next file lints normally.
    let d = leaklint::lint_source(Path::new("a.js"), LEAK, &leaklint::LintOptions::default());
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!(d[0].rule, "no-unbounded-collection");
}

#[test]
fn the_run_goes_on_in_every_format_and_exits_two() {
    let d = project();
    let p = d.path();
    let check = |format: &str| {
        let o = leaklint(p, &["check", "--no-cache", "--format", format]);
        assert_eq!(o.status.code(), Some(2), "{format}: {}", stderr(&o));
        let err = stderr(&o);
        assert!(err.contains("1 file could not be checked"), "{err}");
        assert!(!err.contains("panicked"), "no backtrace: {err}");
        stdout(&o)
    };

    let concise = check("concise");
    assert!(concise.contains("bad.jsx:1:1: internal-error"), "{concise}");
    assert!(
        concise.contains("leak.js:1:7: no-unbounded-collection"),
        "{concise}"
    );

    let pretty = check("pretty");
    assert!(pretty.contains("internal-error"), "{pretty}");
    assert!(pretty.contains("no-unbounded-collection"), "{pretty}");

    let github = check("github");
    assert!(github.contains("title=internal-error::"), "{github}");
    assert!(
        github.contains("title=no-unbounded-collection::"),
        "{github}"
    );

    let json: Value = serde_json::from_str(&check("json")).unwrap();
    let bad = json
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["filePath"].as_str().unwrap().ends_with("bad.jsx"))
        .unwrap();
    assert_eq!(bad["fatalErrorCount"], 1);
    assert_eq!(bad["messages"][0]["ruleId"], "internal-error");
    assert_eq!(bad["messages"][0]["fatal"], true);

    let sarif: Value = serde_json::from_str(&check("sarif")).unwrap();
    let schema_path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/schemas/sarif-schema-2.1.0.json");
    let schema: Value =
        serde_json::from_str(&std::fs::read_to_string(schema_path).unwrap()).unwrap();
    let validator = jsonschema::draft4::new(&schema).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&sarif)
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
    let run = &sarif["runs"][0];
    // The crash is a tool execution notification naming the file, not a result about the code.
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), 1, "{results:?}");
    assert_eq!(results[0]["ruleId"], "no-unbounded-collection");
    let notes = run["invocations"][0]["toolExecutionNotifications"]
        .as_array()
        .unwrap();
    assert_eq!(notes.len(), 1, "{notes:?}");
    assert_eq!(notes[0]["level"], "error");
    assert_eq!(notes[0]["descriptor"]["id"], "internal-error");
    let index = notes[0]["descriptor"]["index"].as_u64().unwrap() as usize;
    assert_eq!(
        run["tool"]["driver"]["notifications"][index]["id"],
        "internal-error"
    );
    assert_eq!(
        notes[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "bad.jsx"
    );
    assert!(notes[0]["message"]["text"]
        .as_str()
        .unwrap()
        .contains("JSXNamespacedName"));
}

#[test]
fn a_file_that_crashed_is_never_cached_as_clean() {
    let d = project();
    // A clean file, so that the first run writes a cache.
    std::fs::write(d.path().join("clean.js"), "export const a = 1;\n").unwrap();
    for run in 0..2 {
        let o = leaklint(d.path(), &["check", "--format", "concise"]);
        let out = stdout(&o);
        assert_eq!(o.status.code(), Some(2), "run {run}: {}", stderr(&o));
        assert!(
            out.contains("bad.jsx:1:1: internal-error"),
            "run {run}: {out}"
        );
        assert!(out.contains("leak.js:1:7"), "run {run}: {out}");
    }
    assert!(d.path().join(".leaklint_cache").exists());
}

#[test]
fn the_pretty_report_draws_findings_past_column_65535_of_a_minified_bundle() {
    let d = tempfile::tempdir().unwrap();
    // A minified bundle: one 73 KB line, the leak near its end.
    let bundle = format!(
        "{}const cache=new Map();export function get(req){{cache.set(req.params.id,req.body);}}{}\n",
        "var a0=1;".repeat(8000),
        "var b=2;".repeat(100)
    );
    std::fs::write(d.path().join("bundle.min.js"), &bundle).unwrap();
    let o = leaklint(d.path(), &["check", "--no-cache", "--format", "pretty"]);
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(1), "{out}{}", stderr(&o));
    assert!(stderr(&o).is_empty(), "{}", stderr(&o));
    // Drawn with a snippet (the file's position in the header, the code around it underlined),
    // not as a fallback line, and without the 73 KB line.
    assert!(out.contains("╭─[./bundle.min.js:1:72007]"), "{out}");
    assert!(out.contains("const cache=new Map()"), "{out}");
    assert!(out.contains("╰── no-unbounded-collection"), "{out}");
    assert!(out.contains("grows here through `.set()`"), "{out}");
    assert!(out.len() < 4096, "{} bytes", out.len());
    assert!(
        out.ends_with("1 problem (1 error, 0 warnings) in 1 of 1 file\n"),
        "{out}"
    );
}

/// `leaklint server` as a child process, fed raw bytes; its frames are read on a thread.
struct Server {
    child: std::process::Child,
    stdin: Option<std::process::ChildStdin>,
    frames: std::sync::mpsc::Receiver<Value>,
    seen: Vec<Value>,
}

impl Server {
    fn start(root: &Path) -> Server {
        use std::io::{BufRead, Read};
        let mut child = Command::new(env!("CARGO_BIN_EXE_leaklint"))
            .arg("server")
            .current_dir(root)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let stdin = child.stdin.take();
        let mut out = std::io::BufReader::new(child.stdout.take().unwrap());
        let (tx, frames) = std::sync::mpsc::channel();
        std::thread::spawn(move || loop {
            let mut len = 0;
            loop {
                let mut line = String::new();
                if out.read_line(&mut line).unwrap_or(0) == 0 {
                    return;
                }
                if line == "\r\n" {
                    break;
                }
                if let Some(n) = line.strip_prefix("Content-Length: ") {
                    len = n.trim().parse().unwrap();
                }
            }
            let mut body = vec![0; len];
            out.read_exact(&mut body).unwrap();
            if tx.send(serde_json::from_slice(&body).unwrap()).is_err() {
                return;
            }
        });
        Server {
            child,
            stdin,
            frames,
            seen: Vec::new(),
        }
    }

    fn raw(&mut self, bytes: &[u8]) {
        use std::io::Write;
        let stdin = self.stdin.as_mut().unwrap();
        stdin.write_all(bytes).unwrap();
        stdin.flush().unwrap();
    }

    fn frame(&mut self, body: &str) {
        self.raw(format!("Content-Length: {}\r\n\r\n{body}", body.len()).as_bytes());
    }

    /// The first frame (already seen or coming within 20 s) that `want` accepts.
    fn wait(&mut self, what: &str, want: impl Fn(&Value) -> bool) -> Value {
        if let Some(i) = self.seen.iter().position(&want) {
            return self.seen.remove(i);
        }
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        loop {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            match self.frames.recv_timeout(left) {
                Ok(v) if want(&v) => return v,
                Ok(v) => self.seen.push(v),
                Err(_) => panic!("no {what}; got {:#?}", self.seen),
            }
        }
    }

    fn response(&mut self, id: Value) -> Value {
        self.wait(&format!("response to {id}"), |v| {
            v["id"] == id && v.get("method").is_none()
        })
    }
}

#[test]
fn the_server_survives_malformed_frames_and_answers_what_has_an_id() {
    let d = tempfile::tempdir().unwrap();
    let root = d.path().canonicalize().unwrap();
    let uri = format!("file://{}/a.js", root.display());
    let mut s = Server::start(&root);
    s.frame(r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"capabilities":{}}}"#);
    s.response(1.into());
    s.frame(r#"{"jsonrpc":"2.0","method":"initialized","params":{}}"#);

    // Not JSON, with a readable id: ParseError. Not JSON at all, bad UTF-8, a header that is
    // not one, a block without Content-Length: logged and skipped.
    s.frame(r#"{"jsonrpc":"2.0","id":2,"method":"textDocument/hover","params":{"#);
    assert_eq!(s.response(2.into())["error"]["code"], -32700);
    s.frame("not json at all");
    s.raw(b"Content-Length: 5\r\n\r\n\"\xff\xfe\"");
    s.raw(b"this is no header\r\n\r\n");
    // Odd ids: InvalidRequest, with the id echoed when it is a number.
    for (id, echoed) in [
        ("1.5", serde_json::json!(1.5)),
        ("2147483648", serde_json::json!(2147483648u64)),
    ] {
        s.frame(&format!(
            r#"{{"jsonrpc":"2.0","id":{id},"method":"textDocument/hover","params":{{}}}}"#
        ));
        assert_eq!(s.response(echoed)["error"]["code"], -32600);
    }
    for id in ["null", "true", "{}", "[]"] {
        s.frame(&format!(
            r#"{{"jsonrpc":"2.0","id":{id},"method":"shutdown"}}"#
        ));
        let r = s.response(Value::Null);
        assert_eq!(r["error"]["code"], -32600, "{id}: {r}");
    }

    // A lone surrogate in the text (as JSON.stringify writes it) decodes as U+FFFD, one UTF-16
    // unit as in the editor, so later positions still agree.
    let open = serde_json::json!({"jsonrpc":"2.0","method":"textDocument/didOpen","params":{
        "textDocument":{"uri":uri,"languageId":"javascript","version":1,
        "text":"const s = \"@\";\nconst cache = new Map();\n"}}})
    .to_string()
    .replace('@', "\\ud800");
    s.frame(&open);
    let first = s.wait("diagnostics of version 1", |v| v["params"]["version"] == 1);
    assert_eq!(
        first["params"]["diagnostics"],
        serde_json::json!([]),
        "{first}"
    );
    // An edit at the largest position lands at the end of the document, not at its start.
    let change = serde_json::json!({"jsonrpc":"2.0","method":"textDocument/didChange","params":{
        "textDocument":{"uri":uri,"version":2},
        "contentChanges":[{"range":{"start":{"line":4294967295u32,"character":4294967295u32},
            "end":{"line":4294967295u32,"character":4294967295u32}},
            "text":"export function get(req) { cache.set(req.params.id, req.body); }\n"}]}});
    s.frame(&change.to_string());
    let second = s.wait("diagnostics of version 2", |v| v["params"]["version"] == 2);
    let found = &second["params"]["diagnostics"];
    assert_eq!(found.as_array().unwrap().len(), 1, "{second}");
    assert_eq!(
        found[0]["range"]["start"],
        serde_json::json!({"line": 1, "character": 6}),
        "{second}"
    );
    assert!(found[0]["message"].as_str().unwrap().contains("cache"));

    s.frame(r#"{"jsonrpc":"2.0","id":99,"method":"shutdown"}"#);
    assert_eq!(s.response(99.into())["result"], Value::Null);
    s.frame(r#"{"jsonrpc":"2.0","method":"exit"}"#);
    assert_eq!(s.child.wait().unwrap().code(), Some(0));
}

/// Two heap snapshots Node wrote of one idle process, one after the other.
fn node_snapshots(dir: &Path) -> (std::path::PathBuf, std::path::PathBuf) {
    let (a, b) = (
        dir.join("idle-1.heapsnapshot"),
        dir.join("idle-2.heapsnapshot"),
    );
    let st = Command::new("node")
        .arg("-e")
        .arg(format!(
            "const v8 = require('v8'); v8.writeHeapSnapshot({:?}); v8.writeHeapSnapshot({:?})",
            a.to_str().unwrap(),
            b.to_str().unwrap()
        ))
        .status()
        .expect("node must be installed");
    assert!(st.success());
    (a, b)
}

#[test]
fn confirm_fails_on_a_missing_project_and_on_its_bad_configuration() {
    let d = tempfile::tempdir().unwrap();
    let (before, after) = node_snapshots(d.path());
    let (before, after) = (before.to_str().unwrap(), after.to_str().unwrap());
    let o = leaklint(
        d.path(),
        &["confirm", before, after, "--project", "/nonexistent"],
    );
    assert_eq!(o.status.code(), Some(2), "{}", stdout(&o));
    assert!(
        stderr(&o).contains("/nonexistent: No such file"),
        "{}",
        stderr(&o)
    );
    assert!(stdout(&o).is_empty(), "{}", stdout(&o));

    let project = d.path().join("project");
    std::fs::create_dir(&project).unwrap();
    std::fs::write(project.join("a.js"), LEAK).unwrap();
    std::fs::write(
        project.join("leaklint.toml"),
        "[rules]\nno-such-rule = \"error\"\n",
    )
    .unwrap();
    let o = leaklint(
        d.path(),
        &["confirm", before, after, "--project", "project"],
    );
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("leaklint.toml:2:"), "{}", stderr(&o));
    assert!(stdout(&o).contains("findings confirmed"), "{}", stdout(&o));
}

#[test]
fn heap_summary_into_a_closed_pipe_ends_quietly() {
    let d = tempfile::tempdir().unwrap();
    let (snap, _) = node_snapshots(d.path());
    let mut child = Command::new(env!("CARGO_BIN_EXE_leaklint"))
        .args(["heap", "summary", "--top", "5000"])
        .arg(&snap)
        .current_dir(d.path())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Close the reading end before leaklint writes anything (`| head -0`).
    drop(child.stdout.take());
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stderr(&o).is_empty(), "{}", stderr(&o));
}

#[test]
fn odd_paths_are_linted_or_refused_with_the_reason() {
    use std::os::unix::ffi::OsStrExt;
    let d = tempfile::tempdir().unwrap();
    let p = d.path();
    // A name that is not UTF-8 is still a JavaScript file, found by the walk and when named.
    let latin1 = std::ffi::OsStr::from_bytes(b"caf\xe9.js");
    std::fs::create_dir(p.join("src")).unwrap();
    std::fs::write(p.join("src").join(latin1), LEAK).unwrap();
    for args in [
        vec!["check", "--no-cache", "--format", "concise", "src"],
        vec!["check", "--no-cache", "--format", "concise"],
    ] {
        let o = leaklint(p, &args);
        assert_eq!(o.status.code(), Some(1), "{args:?}: {}", stderr(&o));
        assert!(
            stdout(&o).contains("caf\u{FFFD}.js:1:7: no-unbounded-collection"),
            "{}",
            stdout(&o)
        );
    }
    let o = Command::new(env!("CARGO_BIN_EXE_leaklint"))
        .args(["check", "--no-cache", "--format", "concise"])
        .arg(p.join("src").join(latin1))
        .current_dir(p)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));

    // A FIFO and a device are refused (exit 2), not "no problems in 0 files".
    assert!(Command::new("mkfifo")
        .arg(p.join("pipe.js"))
        .status()
        .unwrap()
        .success());
    for path in ["pipe.js", "/dev/null"] {
        let o = leaklint(p, &["check", "--no-cache", path]);
        assert_eq!(o.status.code(), Some(2), "{path}: {}", stdout(&o));
        assert!(
            stderr(&o).contains("not a regular file or a directory"),
            "{}",
            stderr(&o)
        );
    }

    // A symlink loop is named as one.
    std::os::unix::fs::symlink("loop-b.js", p.join("loop-a.js")).unwrap();
    std::os::unix::fs::symlink("loop-a.js", p.join("loop-b.js")).unwrap();
    let o = leaklint(p, &["check", "--no-cache", "loop-a.js"]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains("cannot follow the symbolic link") && err.contains("symbolic links"),
        "{err}"
    );
}

#[test]
fn a_configuration_that_is_not_utf8_names_its_line_and_column() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("a.js"), LEAK).unwrap();
    std::fs::write(
        d.path().join("leaklint.toml"),
        b"[rules]\nno-leaked-timer = \"\xff\"\n",
    )
    .unwrap();
    let o = leaklint(d.path(), &["check", "--no-cache"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("leaklint.toml:2:20: the file is not valid UTF-8 text"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn a_parse_over_its_budget_is_reported_and_the_run_goes_on() {
    let d = tempfile::tempdir().unwrap();
    // 120 bytes of nested `<a>(`: swc's TypeScript parser needs minutes (docs/known-issues.md).
    std::fs::write(d.path().join("slow.ts"), "<a>(".repeat(30)).unwrap();
    std::fs::write(d.path().join("leak.js"), LEAK).unwrap();
    let started = std::time::Instant::now();
    let o = leaklint(
        d.path(),
        &[
            "check",
            "--no-cache",
            "--format",
            "concise",
            "--file-timeout",
            "0.5",
        ],
    );
    assert!(started.elapsed().as_secs() < 20, "{:?}", started.elapsed());
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(2), "{out}{}", stderr(&o));
    assert!(
        out.contains("slow.ts:1:1: parse-timeout Parsing this file took longer than 0.5 s"),
        "{out}"
    );
    assert!(
        out.contains("leak.js:1:7: no-unbounded-collection"),
        "{out}"
    );
    let o = leaklint(d.path(), &["check", "--file-timeout=-1"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("not a number of seconds"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn a_configuration_with_a_huge_glob_is_refused_at_once() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("a.js"), LEAK).unwrap();
    // Found by the fuzzer: globset took 36 s to compile this one glob.
    let toml = format!("exclude = [\"**/*{}\"]\n", "é".repeat(35_000));
    std::fs::write(d.path().join("leaklint.toml"), toml).unwrap();
    let started = std::time::Instant::now();
    let o = leaklint(d.path(), &["check", "--no-cache"]);
    assert!(started.elapsed().as_secs() < 10, "{:?}", started.elapsed());
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("leaklint.toml:1:12: a glob longer than 1024 bytes"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn a_parse_error_whose_message_has_a_hint_stays_on_one_line() {
    // Found by the fuzzer: swc adds "- Did you mean …" after a newline.
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("a.ts"), "//\u{feff}\nimport{'").unwrap();
    let o = leaklint(d.path(), &["check", "--no-cache", "--format", "concise"]);
    let out = stdout(&o);
    assert_eq!(out.lines().count(), 2, "{out}");
    assert!(out.contains("a.ts:2:8: parse-error Parsing error: A string literal cannot be used as an imported binding. - Did you mean"), "{out}");
}

#[test]
fn confirm_names_a_file_that_crashed_instead_of_counting_it_as_a_finding() {
    let d = tempfile::tempdir().unwrap();
    let (before, after) = node_snapshots(d.path());
    let project = d.path().join("project");
    std::fs::create_dir(&project).unwrap();
    std::fs::write(project.join("a.js"), LEAK).unwrap();
    std::fs::write(project.join("bad.jsx"), SWC_PANIC).unwrap();
    let o = leaklint(
        d.path(),
        &[
            "confirm",
            before.to_str().unwrap(),
            after.to_str().unwrap(),
            "--project",
            "project",
        ],
    );
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("bad.jsx: Internal error: leaklint crashed"),
        "{}",
        stderr(&o)
    );
    let out = stdout(&o);
    assert!(!out.contains("internal-error"), "{out}");
    assert!(out.contains("a.js:1:7: no-unbounded-collection"), "{out}");
}
