//! In-process tests of `leaklint server` over `Connection::memory()`: the test plays the editor,
//! sends the messages an editor sends, and checks what the server answers.

use std::path::{Path, PathBuf};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use leaklint::lsp::{server, LintFn, ServerOptions};
use lsp_server::{Connection, Message, Notification, Request, RequestId, Response};
use serde_json::{json, Value};

/// A leaky route: a listener added to a module-level bus on every request. Line 3 (0-based) has
/// non-ASCII text before the finding: `é` is 1 UTF-16 unit / 2 bytes, `😀` 2 units / 4 bytes.
const LEAKY: &str = "const bus = require('./bus');
const app = require('express')();
app.get('/x', (req, res) => {
  const label = \"héllo 😀\"; bus.on('update', () => console.log(label));
  res.end();
});
";

/// Where `bus.on` starts on line 3, in UTF-16 units and in bytes.
const COL_UTF16: u32 = 28;
const COL_UTF8: u32 = 31;

const TIMEOUT: Duration = Duration::from_secs(20);

/// What a [`LintFn`] returns.
type Linted = (
    Vec<leaklint::diagnostic::Diagnostic>,
    Option<leaklint::project::ModuleSummary>,
);

struct Client {
    conn: Connection,
    server: Option<JoinHandle<Result<i32, server::ServeError>>>,
    next_id: i32,
    /// Messages received while waiting for something else.
    backlog: Vec<Message>,
}

impl Client {
    fn start(capabilities: Value, init_options: Value, root: &Path) -> Client {
        Client::start_with(
            capabilities,
            init_options,
            root,
            leaklint::lsp::lint_document,
        )
    }

    fn start_with(capabilities: Value, init_options: Value, root: &Path, lint: LintFn) -> Client {
        let (server_conn, conn) = Connection::memory();
        let options = ServerOptions {
            lint,
            debounce: Duration::from_millis(5),
            lint_budget: Duration::from_millis(1500),
        };
        let server = std::thread::spawn(move || server::serve(server_conn, options));
        let mut c = Client {
            conn,
            server: Some(server),
            next_id: 0,
            backlog: Vec::new(),
        };
        let root_uri = uri(root);
        let init = c.request(
            "initialize",
            json!({
                "processId": null,
                "rootUri": root_uri,
                "capabilities": capabilities,
                "initializationOptions": init_options,
            }),
        );
        assert!(init.response_result.is_ok(), "{init:?}");
        c.notify("initialized", json!({}));
        c
    }

    fn send(&self, msg: impl Into<Message>) {
        self.conn.sender.send(msg.into()).unwrap();
    }

    fn notify(&self, method: &str, params: Value) {
        self.send(Notification::new(method.into(), params));
    }

    fn request(&mut self, method: &str, params: Value) -> Response {
        self.next_id += 1;
        let id = RequestId::from(self.next_id);
        self.send(Request::new(id.clone(), method.into(), params));
        let msg = self.wait(|m| matches!(m, Message::Response(r) if r.id == id));
        match msg {
            Message::Response(r) => r,
            _ => unreachable!(),
        }
    }

    fn wait(&mut self, want: impl Fn(&Message) -> bool) -> Message {
        if let Some(i) = self.backlog.iter().position(&want) {
            return self.backlog.remove(i);
        }
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let msg = self.conn.receiver.recv_timeout(left).unwrap_or_else(|_| {
                panic!("timed out waiting for the server; got {:?}", self.backlog)
            });
            if want(&msg) {
                return msg;
            }
            self.backlog.push(msg);
        }
    }

    /// The next `publishDiagnostics` for `uri`.
    fn published(&mut self, uri: &str) -> Value {
        let msg = self.wait(|m| {
            matches!(m, Message::Notification(n)
                if n.method == "textDocument/publishDiagnostics" && n.params["uri"] == uri)
        });
        match msg {
            Message::Notification(n) => n.params,
            _ => unreachable!(),
        }
    }

    /// No `publishDiagnostics` for `uri` arrives within `ms`.
    fn assert_nothing_published(&mut self, uri: &str, ms: u64) {
        std::thread::sleep(Duration::from_millis(ms));
        while let Ok(m) = self.conn.receiver.try_recv() {
            self.backlog.push(m);
        }
        assert!(
            !self
                .backlog
                .iter()
                .any(|m| matches!(m, Message::Notification(n)
                if n.method == "textDocument/publishDiagnostics" && n.params["uri"] == uri)),
            "unexpected diagnostics: {:?}",
            self.backlog
        );
    }

    fn open(&self, uri: &str, language: &str, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({ "textDocument": { "uri": uri, "languageId": language, "version": 1, "text": text } }),
        );
    }

    /// `shutdown`, `exit`, and the server's exit code.
    fn shutdown(mut self) -> i32 {
        let r = self.request("shutdown", Value::Null);
        assert!(r.response_result.is_ok());
        self.notify("exit", Value::Null);
        self.server.take().unwrap().join().unwrap().unwrap()
    }
}

fn uri(path: &Path) -> String {
    format!("file://{}", path.display())
}

fn workspace() -> (tempfile::TempDir, PathBuf, String) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("server.js");
    std::fs::write(&file, LEAKY).unwrap();
    let u = uri(&file);
    (dir, file, u)
}

fn push_caps() -> Value {
    json!({})
}

#[test]
fn open_change_close_with_utf16_positions() {
    let (dir, _file, u) = workspace();
    let mut c = Client::start(push_caps(), Value::Null, dir.path());
    c.open(&u, "javascript", LEAKY);
    let p = c.published(&u);
    assert_eq!(p["version"], 1);
    let d = &p["diagnostics"][0];
    assert_eq!(p["diagnostics"].as_array().unwrap().len(), 1, "{p}");
    assert_eq!(d["source"], "leaklint");
    assert_eq!(d["code"], "no-leaked-listener");
    assert_eq!(d["severity"], 1);
    assert!(d["codeDescription"]["href"]
        .as_str()
        .unwrap()
        .ends_with("rules/no-leaked-listener.md"));
    assert!(d["message"]
        .as_str()
        .unwrap()
        .contains("help: keep the handler"));
    assert_eq!(
        d["range"],
        json!({ "start": { "line": 3, "character": COL_UTF16 },
                "end": { "line": 3, "character": COL_UTF16 + 6 } })
    );
    let related = d["relatedInformation"].as_array().unwrap();
    assert_eq!(related.len(), 2);
    assert_eq!(related[0]["location"]["uri"], u.as_str());

    // Incremental edit: `bus.on` → `bus.once` (a one-shot listener is not a leak).
    c.notify(
        "textDocument/didChange",
        json!({
            "textDocument": { "uri": u, "version": 2 },
            "contentChanges": [{
                "range": { "start": { "line": 3, "character": COL_UTF16 },
                           "end": { "line": 3, "character": COL_UTF16 + 6 } },
                "text": "bus.once",
            }],
        }),
    );
    let p = c.published(&u);
    assert_eq!(p["version"], 2);
    assert_eq!(p["diagnostics"], json!([]));

    // And back, through two changes in one notification (the second relative to the first).
    c.notify(
        "textDocument/didChange",
        json!({
            "textDocument": { "uri": u, "version": 3 },
            "contentChanges": [
                { "range": { "start": { "line": 3, "character": COL_UTF16 + 6 },
                             "end": { "line": 3, "character": COL_UTF16 + 8 } }, "text": "" },
                { "range": { "start": { "line": 0, "character": 0 },
                             "end": { "line": 0, "character": 0 } }, "text": "// héllo\n" },
            ],
        }),
    );
    let p = c.published(&u);
    assert_eq!(p["version"], 3);
    assert_eq!(p["diagnostics"][0]["range"]["start"]["line"], 4);

    c.notify(
        "textDocument/didClose",
        json!({ "textDocument": { "uri": u } }),
    );
    let p = c.published(&u);
    assert_eq!(p["diagnostics"], json!([]));
    assert_eq!(c.shutdown(), 0);
}

#[test]
fn components_are_linted_by_their_script_blocks() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("Widget.vue");
    // The template's non-ASCII text sits before the script: positions are the component's.
    let text = "<template><p>é😀</p></template>\n<script setup>\nimport { onMounted } from 'vue';\nonMounted(() => window.addEventListener('resize', () => {}));\n</script>\n";
    std::fs::write(&file, text).unwrap();
    let u = uri(&file);
    let mut c = Client::start(push_caps(), Value::Null, dir.path());
    c.open(&u, "vue", text);
    let p = c.published(&u);
    let d = &p["diagnostics"][0];
    assert_eq!(d["code"], "no-leaked-listener", "{p}");
    assert_eq!(d["range"]["start"], json!({ "line": 3, "character": 16 }));
    // An untitled component is linted by its language: an interval started at the top level of
    // a Svelte instance script, once per component.
    c.open(
        "untitled:Untitled-1",
        "svelte",
        "<script>\n  setInterval(() => {}, 1000);\n</script>\n",
    );
    let p = c.published("untitled:Untitled-1");
    let d = &p["diagnostics"][0];
    assert_eq!(d["code"], "no-leaked-timer", "{p}");
    assert_eq!(d["range"]["start"], json!({ "line": 1, "character": 2 }));
    assert_eq!(c.shutdown(), 0);
}

#[test]
fn utf8_positions_when_the_client_offers_them() {
    let (dir, _file, u) = workspace();
    let caps = json!({ "general": { "positionEncodings": ["utf-8", "utf-16"] } });
    let mut c = Client::start(caps, Value::Null, dir.path());
    c.open(&u, "javascript", LEAKY);
    let p = c.published(&u);
    assert_eq!(
        p["diagnostics"][0]["range"]["start"],
        json!({ "line": 3, "character": COL_UTF8 })
    );
    // Edits arrive in UTF-8 columns too.
    c.notify(
        "textDocument/didChange",
        json!({
            "textDocument": { "uri": u, "version": 2 },
            "contentChanges": [{
                "range": { "start": { "line": 3, "character": COL_UTF8 + 4 },
                           "end": { "line": 3, "character": COL_UTF8 + 6 } },
                "text": "once",
            }],
        }),
    );
    assert_eq!(c.published(&u)["diagnostics"], json!([]));
    c.shutdown();
}

#[test]
fn config_file_changes_are_picked_up() {
    let (dir, _file, u) = workspace();
    let mut c = Client::start(push_caps(), Value::Null, dir.path());
    c.open(&u, "javascript", LEAKY);
    assert_eq!(c.published(&u)["diagnostics"].as_array().unwrap().len(), 1);

    let config = dir.path().join("leaklint.toml");
    std::fs::write(&config, "[rules]\nno-leaked-listener = \"warn\"\n").unwrap();
    c.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [{ "uri": uri(&config), "type": 1 }] }),
    );
    let p = c.published(&u);
    assert_eq!(p["diagnostics"][0]["severity"], 2, "{p}");

    std::fs::write(&config, "[rules]\nno-leaked-listener = \"off\"\n").unwrap();
    c.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [{ "uri": uri(&config), "type": 2 }] }),
    );
    assert_eq!(c.published(&u)["diagnostics"], json!([]));
    c.shutdown();
}

#[test]
fn editor_settings_from_init_options_and_did_change_configuration() {
    let (dir, _file, u) = workspace();
    let init = json!({ "rules": { "no-leaked-listener": "warn" } });
    let mut c = Client::start(push_caps(), init, dir.path());
    c.open(&u, "javascript", LEAKY);
    assert_eq!(c.published(&u)["diagnostics"][0]["severity"], 2);

    c.notify(
        "workspace/didChangeConfiguration",
        json!({ "settings": { "leaklint": { "enable": false } } }),
    );
    assert_eq!(c.published(&u)["diagnostics"], json!([]));

    c.notify(
        "workspace/didChangeConfiguration",
        json!({ "settings": { "leaklint": { "minConfidence": "high" } } }),
    );
    assert_eq!(c.published(&u)["diagnostics"][0]["severity"], 1);
    c.shutdown();
}

#[test]
fn pull_diagnostics_when_the_client_supports_them() {
    let (dir, _file, u) = workspace();
    let caps = json!({ "textDocument": { "diagnostic": { "dynamicRegistration": false } } });
    let mut c = Client::start(caps, Value::Null, dir.path());
    c.open(&u, "javascript", LEAKY);
    let r = c.request(
        "textDocument/diagnostic",
        json!({ "textDocument": { "uri": u } }),
    );
    let report = r.response_result.unwrap();
    assert_eq!(report["kind"], "full");
    assert_eq!(report["items"][0]["code"], "no-leaked-listener");
    // A pulling client gets no pushes.
    c.assert_nothing_published(&u, 150);
    c.shutdown();
}

/// Applies LSP text edits (UTF-16 positions, none overlapping) to `text`.
fn apply_edits(text: &str, edits: &[Value]) -> String {
    let index = leaklint::source::LineIndex::new(text);
    let mut at: Vec<(usize, usize, String)> = edits
        .iter()
        .map(|e| {
            let off = |p: &Value| {
                index.offset(
                    text,
                    p["line"].as_u64().unwrap() as u32 + 1,
                    p["character"].as_u64().unwrap() as u32 + 1,
                ) as usize
            };
            (
                off(&e["range"]["start"]),
                off(&e["range"]["end"]),
                e["newText"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    at.sort_by_key(|e| std::cmp::Reverse(e.0));
    let mut out = text.to_string();
    for (s, e, t) in at {
        out.replace_range(s..e, &t);
    }
    out
}

#[test]
fn code_actions_add_suppression_comments_that_work() {
    let (dir, file, u) = workspace();
    let mut c = Client::start(push_caps(), Value::Null, dir.path());
    c.open(&u, "javascript", LEAKY);
    let diag = c.published(&u)["diagnostics"][0].clone();
    let r = c.request(
        "textDocument/codeAction",
        json!({ "textDocument": { "uri": u }, "range": diag["range"],
                "context": { "diagnostics": [diag] } }),
    );
    let actions = r.response_result.unwrap();
    let titles: Vec<&str> = actions
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["title"].as_str().unwrap())
        .collect();
    assert_eq!(
        titles,
        [
            "Disable no-leaked-listener for this line",
            "Disable no-leaked-listener for this file"
        ]
    );
    for action in actions.as_array().unwrap() {
        assert_eq!(action["kind"], "quickfix");
        let edits = action["edit"]["changes"][&u].as_array().unwrap();
        let fixed = apply_edits(LEAKY, edits);
        if action["title"].as_str().unwrap().ends_with("line") {
            assert!(fixed.contains(
                "\n  // leaklint-disable-next-line no-leaked-listener -- reason\n  const label"
            ));
        } else {
            assert!(fixed.starts_with("// leaklint-disable-file no-leaked-listener\n"));
        }
        // The edited text lints clean: the finding is suppressed and the comment is used.
        let after = leaklint::lint_source(&file, &fixed, &leaklint::LintOptions::default());
        assert!(after.is_empty(), "{fixed}\n{after:?}");
    }
    // No finding in the range: no actions.
    let r = c.request(
        "textDocument/codeAction",
        json!({ "textDocument": { "uri": u },
                "range": { "start": { "line": 0, "character": 0 }, "end": { "line": 0, "character": 1 } },
                "context": { "diagnostics": [] } }),
    );
    assert_eq!(r.response_result.unwrap(), json!([]));
    c.shutdown();
}

#[test]
fn hover_on_a_finding_shows_the_rule_document() {
    let (dir, _file, u) = workspace();
    let mut c = Client::start(push_caps(), Value::Null, dir.path());
    c.open(&u, "javascript", LEAKY);
    c.published(&u);
    let r = c.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": u }, "position": { "line": 3, "character": COL_UTF16 + 2 } }),
    );
    let hover = r.response_result.unwrap();
    assert_eq!(hover["contents"]["kind"], "markdown");
    assert!(hover["contents"]["value"]
        .as_str()
        .unwrap()
        .starts_with("# no-leaked-listener"));
    let r = c.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": u }, "position": { "line": 0, "character": 1 } }),
    );
    assert_eq!(r.response_result.unwrap(), Value::Null);
    c.shutdown();
}

#[test]
fn unknown_methods_and_documents() {
    let (dir, _file, u) = workspace();
    let mut c = Client::start(push_caps(), Value::Null, dir.path());
    let r = c.request("textDocument/formatting", json!({}));
    assert_eq!(r.response_result.unwrap_err().code, -32601);
    // Notifications for documents that are not open, and unknown notifications, are ignored.
    c.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": u, "version": 2 }, "contentChanges": [{ "text": "x" }] }),
    );
    c.notify(
        "textDocument/didClose",
        json!({ "textDocument": { "uri": u } }),
    );
    c.notify("$/somethingNew", json!({}));
    // Bad parameters for a known request are an error, not a crash.
    let r = c.request("textDocument/hover", json!({ "nonsense": true }));
    assert_eq!(r.response_result.unwrap_err().code, -32602);
    // Still serving.
    c.open(&u, "javascript", LEAKY);
    assert_eq!(c.published(&u)["diagnostics"].as_array().unwrap().len(), 1);
    c.shutdown();
}

#[test]
fn a_document_that_does_not_parse() {
    let dir = tempfile::tempdir().unwrap();
    let u = uri(&dir.path().join("broken.ts"));
    let mut c = Client::start(push_caps(), Value::Null, dir.path());
    c.open(&u, "typescript", "const x: = ;\nfunction (\n");
    let p = c.published(&u);
    assert_eq!(p["diagnostics"][0]["code"], "parse-error");
    assert!(p["diagnostics"][0]["codeDescription"].is_null());
    // No actions for parse errors; hover has nothing either.
    let r = c.request(
        "textDocument/codeAction",
        json!({ "textDocument": { "uri": u }, "range": p["diagnostics"][0]["range"],
                "context": { "diagnostics": [] } }),
    );
    assert_eq!(r.response_result.unwrap(), json!([]));
    c.shutdown();
}

fn panicking_lint(
    path: &Path,
    text: &str,
    options: &leaklint::LintOptions,
    project: &leaklint::linter::Project<'_>,
) -> Linted {
    if path.ends_with("boom.js") {
        panic!("injected failure");
    }
    leaklint::lsp::lint_document(path, text, options, project)
}

#[test]
fn a_panic_while_linting_is_answered_and_the_server_keeps_serving() {
    let (dir, _file, u) = workspace();
    let boom = uri(&dir.path().join("boom.js"));
    let mut c = Client::start_with(push_caps(), Value::Null, dir.path(), panicking_lint);
    c.open(&boom, "javascript", LEAKY);
    let logged = c.wait(|m| {
        matches!(m, Message::Notification(n) if n.method == "window/logMessage"
            && n.params["message"].as_str().unwrap().contains("injected failure"))
    });
    assert!(matches!(logged, Message::Notification(_)));
    // The pushed diagnostics of the file say that it crashed, instead of showing nothing.
    let pushed = c.published(&boom);
    let items = pushed["diagnostics"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{pushed}");
    assert_eq!(items[0]["code"], "internal-error");
    assert_eq!(items[0]["severity"], 1);
    assert!(items[0]["message"]
        .as_str()
        .unwrap()
        .contains("injected failure"));
    // So do pulled ones.
    let r = c.request(
        "textDocument/diagnostic",
        json!({ "textDocument": { "uri": boom } }),
    );
    let report = r.response_result.unwrap();
    assert_eq!(report["items"][0]["code"], "internal-error", "{report}");
    c.open(&u, "javascript", LEAKY);
    assert_eq!(c.published(&u)["diagnostics"].as_array().unwrap().len(), 1);
    assert_eq!(c.shutdown(), 0);
}

#[test]
fn exit_without_shutdown_is_exit_code_1_and_requests_after_shutdown_fail() {
    let dir = tempfile::tempdir().unwrap();
    let mut c = Client::start(push_caps(), Value::Null, dir.path());
    c.notify("exit", Value::Null);
    assert_eq!(c.server.take().unwrap().join().unwrap().unwrap(), 1);

    let mut c = Client::start(push_caps(), Value::Null, dir.path());
    assert!(c.request("shutdown", Value::Null).response_result.is_ok());
    let r = c.request("textDocument/hover", json!({}));
    assert_eq!(r.response_result.unwrap_err().code, -32600);
    c.notify("exit", Value::Null);
    assert_eq!(c.server.take().unwrap().join().unwrap().unwrap(), 0);
}

#[test]
fn a_client_that_leaves_before_initialize_ends_the_server_with_an_error() {
    // `exit` first: requests before it are refused with ServerNotInitialized (-32002).
    let (server_conn, conn) = Connection::memory();
    let server = std::thread::spawn(move || server::serve(server_conn, ServerOptions::default()));
    conn.sender
        .send(Request::new(RequestId::from(1), "textDocument/hover".into(), json!({})).into())
        .unwrap();
    let refused = conn.receiver.recv_timeout(TIMEOUT).unwrap();
    assert!(
        matches!(&refused, Message::Response(r) if matches!(&r.response_result, Err(e) if e.code == -32002)),
        "{refused:?}"
    );
    conn.sender
        .send(Notification::new("exit".into(), Value::Null).into())
        .unwrap();
    let err = server.join().unwrap().unwrap_err();
    assert_eq!(err, server::ServeError::ExitBeforeInitialize);
    assert_eq!(err.to_string(), "the client sent exit before initialize");

    // Hanging up without a word.
    let (server_conn, conn) = Connection::memory();
    let server = std::thread::spawn(move || server::serve(server_conn, ServerOptions::default()));
    drop(conn);
    let err = server.join().unwrap().unwrap_err();
    assert_eq!(err, server::ServeError::DisconnectedBeforeInitialize);
    assert_eq!(err.to_string(), "the client went away before initialize");
}

fn slow_lint(
    path: &Path,
    text: &str,
    options: &leaklint::LintOptions,
    project: &leaklint::linter::Project<'_>,
) -> Linted {
    if text.contains("/*slow*/") {
        std::thread::sleep(Duration::from_millis(300));
    }
    leaklint::lsp::lint_document(path, text, options, project)
}

#[test]
fn results_for_an_older_version_are_dropped() {
    let (dir, _file, u) = workspace();
    let mut c = Client::start_with(push_caps(), Value::Null, dir.path(), slow_lint);
    // Version 1 takes 300 ms to lint; version 2 arrives meanwhile and is quick.
    c.open(&u, "javascript", &format!("/*slow*/{LEAKY}"));
    std::thread::sleep(Duration::from_millis(50));
    c.notify(
        "textDocument/didChange",
        json!({
            "textDocument": { "uri": u, "version": 2 },
            "contentChanges": [{ "text": "const fine = 1;\n" }],
        }),
    );
    let p = c.published(&u);
    assert_eq!(p["version"], 2);
    assert_eq!(p["diagnostics"], json!([]));
    // Version 1's late result is never published.
    c.assert_nothing_published(&u, 500);
    c.shutdown();
}

fn server_request(c: &mut Client, method: &str) -> Value {
    let msg = c.wait(|m| matches!(m, Message::Request(r) if r.method == method));
    match msg {
        Message::Request(r) => {
            c.send(Response::new_ok(r.id, Value::Null));
            r.params
        }
        _ => unreachable!(),
    }
}

#[test]
fn config_watcher_registration_and_pull_refresh() {
    let (dir, _file, u) = workspace();
    let caps = json!({
        "workspace": {
            "didChangeWatchedFiles": { "dynamicRegistration": true },
            "diagnostics": { "refreshSupport": true },
        },
        "textDocument": { "diagnostic": {} },
    });
    let mut c = Client::start(caps, Value::Null, dir.path());
    let reg = server_request(&mut c, "client/registerCapability");
    assert_eq!(
        reg["registrations"][0]["method"],
        "workspace/didChangeWatchedFiles"
    );
    assert_eq!(
        reg["registrations"][0]["registerOptions"]["watchers"][0]["globPattern"],
        "**/leaklint.toml"
    );
    c.open(&u, "javascript", LEAKY);
    let config = dir.path().join("leaklint.toml");
    std::fs::write(&config, "[rules]\nno-leaked-listener = \"off\"\n").unwrap();
    c.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [{ "uri": uri(&config), "type": 1 }] }),
    );
    // A pulling client is asked to pull again, and then sees the new configuration.
    server_request(&mut c, "workspace/diagnostic/refresh");
    let r = c.request(
        "textDocument/diagnostic",
        json!({ "textDocument": { "uri": u } }),
    );
    assert_eq!(r.response_result.unwrap()["items"], json!([]));
    c.shutdown();
}

#[test]
fn the_vscode_extension_lists_every_rule() {
    let manifest: Value = serde_json::from_str(
        &std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("editors/vscode/package.json"),
        )
        .unwrap(),
    )
    .unwrap();
    let listed =
        &manifest["contributes"]["configuration"]["properties"]["leaklint.rules"]["properties"];
    let mut names: Vec<&str> = listed
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    let mut registry: Vec<&str> = leaklint::rules::REGISTRY
        .iter()
        .map(|r| r.meta().name)
        .collect();
    names.sort();
    registry.sort();
    assert_eq!(
        names, registry,
        "editors/vscode/package.json `leaklint.rules` must list every rule"
    );
}

fn stuck_lint(
    path: &Path,
    text: &str,
    options: &leaklint::LintOptions,
    project: &leaklint::linter::Project<'_>,
) -> Linted {
    if text.contains("/*stuck*/") {
        std::thread::sleep(Duration::from_secs(4));
    }
    leaklint::lsp::lint_document(path, text, options, project)
}

#[test]
fn slow_documents_delay_only_their_own_diagnostics() {
    let (dir, _file, u) = workspace();
    let mut c = Client::start_with(push_caps(), Value::Null, dir.path(), stuck_lint);
    let stuck: Vec<String> = (0..3)
        .map(|i| uri(&dir.path().join(format!("stuck{i}.js"))))
        .collect();
    for s in &stuck {
        c.open(s, "javascript", &format!("/*stuck*/{LEAKY}"));
    }
    std::thread::sleep(Duration::from_millis(50));
    let started = Instant::now();
    c.open(&u, "javascript", LEAKY);
    let p = c.published(&u);
    assert!(
        started.elapsed() < Duration::from_millis(1000),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(p["diagnostics"].as_array().unwrap().len(), 1, "{p}");
    // Past the budget (1.5 s here) each stuck document says why it has no findings yet ...
    for s in &stuck {
        let p = c.published(s);
        assert_eq!(p["diagnostics"][0]["code"], "parse-timeout", "{p}");
    }
    // ... and its findings replace that once the lint ends.
    for s in &stuck {
        let p = c.published(s);
        assert_eq!(p["diagnostics"][0]["code"], "no-leaked-listener", "{p}");
    }
    // Requests on a stuck document are answered within the budget too.
    c.notify(
        "textDocument/didChange",
        json!({
            "textDocument": { "uri": stuck[0], "version": 2 },
            "contentChanges": [{ "text": format!("/*stuck*/{LEAKY}") }],
        }),
    );
    let started = Instant::now();
    let r = c.request(
        "textDocument/diagnostic",
        json!({ "textDocument": { "uri": stuck[0] } }),
    );
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(
        r.response_result.unwrap()["items"][0]["code"],
        "parse-timeout"
    );
    assert_eq!(c.shutdown(), 0);
}

/// A copy of `fixtures/project/<name>` in a temporary folder.
fn project_fixture(name: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let from = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/project")
        .join(name);
    for entry in std::fs::read_dir(&from).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), dir.path().join(entry.file_name())).unwrap();
    }
    dir
}

impl Client {
    /// The next `publishDiagnostics` for `uri` whose diagnostics satisfy `want`; the ones
    /// received before it for `uri` are dropped.
    fn published_where(&mut self, uri: &str, want: impl Fn(&[Value]) -> bool) -> Value {
        let is_for = |m: &Message| {
            matches!(m, Message::Notification(n)
                if n.method == "textDocument/publishDiagnostics" && n.params["uri"] == uri)
        };
        let msg = self.wait(|m| match m {
            Message::Notification(n) if is_for(m) => {
                want(n.params["diagnostics"].as_array().unwrap())
            }
            _ => false,
        });
        self.backlog.retain(|m| !is_for(m));
        match msg {
            Message::Notification(n) => n.params,
            _ => unreachable!(),
        }
    }

    fn logged(&mut self, part: &str) {
        self.wait(|m| {
            matches!(m, Message::Notification(n) if n.method == "window/logMessage"
                && n.params["message"].as_str().unwrap().contains(part))
        });
    }
}

#[test]
fn open_documents_are_linted_knowing_the_project_and_its_unsaved_edits() {
    let dir = project_fixture("start-up-instances");
    let settings_path = dir.path().join("settings.js");
    let settings_text = std::fs::read_to_string(&settings_path).unwrap();
    let plugin_path = dir.path().join("plugin.js");
    let plugin_text = std::fs::read_to_string(&plugin_path).unwrap();
    // Alone, `Settings` may be made any number of times: a listener per instance.
    let alone = leaklint::lint_source(
        &settings_path,
        &settings_text,
        &leaklint::LintOptions::default(),
    );
    assert_eq!(alone.len(), 1, "{alone:?}");
    let settings = uri(&settings_path);
    let plugin = uri(&plugin_path);

    let mut c = Client::start(push_caps(), Value::Null, dir.path());
    c.open(&settings, "javascript", &settings_text);
    // Once the workspace is indexed, the exporter alone is open and published knowing the
    // project: its only instance is made in `init()`, run once at start-up.
    c.logged("indexed 4 files");
    let p = c.published_where(&settings, |d| d.is_empty());
    assert_eq!(p["version"], 1);

    // The importer, edited but not saved: `init()` now makes an instance every second.
    c.open(&plugin, "javascript", &plugin_text);
    c.published(&plugin);
    let edited = plugin_text.replace(
        "  settings = new Settings('markdown');\n",
        "  setInterval(() => {\n    settings = new Settings('markdown');\n  }, 1000);\n",
    );
    assert_ne!(edited, plugin_text);
    c.notify(
        "textDocument/didChange",
        json!({
            "textDocument": { "uri": plugin, "version": 2 },
            "contentChanges": [{ "text": edited }],
        }),
    );
    let p = c.published_where(&settings, |d| !d.is_empty());
    assert_eq!(p["version"], 1);
    let d = p["diagnostics"].as_array().unwrap();
    assert_eq!(d.len(), 1, "{p}");
    assert_eq!(d[0]["code"], "no-leaked-listener");
    assert!(
        d[0]["message"].as_str().unwrap().contains("plugin.js:6"),
        "{p}"
    );
    assert_eq!(std::fs::read_to_string(&plugin_path).unwrap(), plugin_text);

    // Closed without saving: the disk text is the project's again.
    c.notify(
        "textDocument/didClose",
        json!({ "textDocument": { "uri": plugin } }),
    );
    c.published_where(&settings, |d| d.is_empty());

    // Changed on disk outside the editor: the watcher's news re-summarises it.
    std::fs::write(&plugin_path, &edited).unwrap();
    c.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [{ "uri": plugin, "type": 2 }] }),
    );
    let p = c.published_where(&settings, |d| !d.is_empty());
    assert_eq!(p["diagnostics"][0]["code"], "no-leaked-listener", "{p}");
    assert_eq!(c.shutdown(), 0);
}

#[test]
fn a_memoizing_factory_follows_an_unsaved_edit_of_the_module_keeping_its_product() {
    let dir = project_fixture("memo-factory-product");
    let memo_path = dir.path().join("memo.js");
    let memo_text = std::fs::read_to_string(&memo_path).unwrap();
    let server_path = dir.path().join("server.js");
    let server_text = std::fs::read_to_string(&server_path).unwrap();
    let memo = uri(&memo_path);
    let server = uri(&server_path);

    let mut c = Client::start(push_caps(), Value::Null, dir.path());
    c.open(&memo, "javascript", &memo_text);
    // The factory's table grows with the request URLs the server's product is called with.
    c.logged("indexed 2 files");
    let p = c.published_where(&memo, |d| !d.is_empty());
    assert_eq!(
        p["diagnostics"][0]["code"], "no-unbounded-collection",
        "{p}"
    );

    // The importer, edited but not saved: its product is now called with a fixed key only. The
    // factory's module only exports; its verdict rests on the importer's summary.
    c.open(&server, "javascript", &server_text);
    c.published(&server);
    let edited = server_text.replace("parseUrl(req.url)", "parseUrl('/')");
    assert_ne!(edited, server_text);
    c.notify(
        "textDocument/didChange",
        json!({
            "textDocument": { "uri": server, "version": 2 },
            "contentChanges": [{ "text": edited }],
        }),
    );
    c.published_where(&memo, |d| d.is_empty());
    assert_eq!(c.shutdown(), 0);
}

#[test]
fn an_importer_follows_an_unsaved_edit_of_the_registry_it_calls() {
    let dir = project_fixture("registry-never-removed");
    let registry_path = dir.path().join("registry.js");
    let registry_text = std::fs::read_to_string(&registry_path).unwrap();
    let server_path = dir.path().join("server.js");
    let server_text = std::fs::read_to_string(&server_path).unwrap();
    let registry = uri(&registry_path);
    let server = uri(&server_path);

    let mut c = Client::start(push_caps(), Value::Null, dir.path());
    c.logged("indexed 2 files");
    c.open(&server, "javascript", &server_text);
    // Every connection is registered and no module unregisters it.
    let p = c.published_where(&server, |d| !d.is_empty());
    assert_eq!(
        p["diagnostics"][0]["code"], "no-unbounded-collection",
        "{p}"
    );

    // The registry, edited but not saved: `register()` no longer keeps the connection, so the
    // module has no registry any more. The importer's verdict rested on it.
    c.open(&registry, "javascript", &registry_text);
    c.published(&registry);
    let edited = registry_text.replace("connections.add(conn);", "return conn;");
    assert_ne!(edited, registry_text);
    c.notify(
        "textDocument/didChange",
        json!({
            "textDocument": { "uri": registry, "version": 2 },
            "contentChanges": [{ "text": edited }],
        }),
    );
    c.published_where(&server, |d| d.is_empty());
    assert_eq!(c.shutdown(), 0);
}

#[test]
fn a_per_request_handler_is_reported_with_the_project_reason() {
    let dir = project_fixture("per-request-handler");
    let handlers_path = dir.path().join("handlers.js");
    let text = std::fs::read_to_string(&handlers_path).unwrap();
    let handlers = uri(&handlers_path);
    let mut c = Client::start(push_caps(), Value::Null, dir.path());
    c.logged("indexed 3 files");
    c.open(&handlers, "javascript", &text);
    // Alone the handler is only "exported"; the project registers it per request.
    let p = c.published_where(&handlers, |d| {
        d.iter()
            .any(|d| d["message"].as_str().unwrap().contains("server.js:4"))
    });
    assert_eq!(p["diagnostics"].as_array().unwrap().len(), 1, "{p}");
    // The use in the other file is related information there (0-based line 3 is line 4).
    let server = uri(&dir.path().join("server.js"));
    let related = p["diagnostics"][0]["relatedInformation"]
        .as_array()
        .unwrap();
    assert!(
        related.iter().any(|r| r["location"]["uri"] == server
            && r["location"]["range"]["start"]["line"] == 3
            && r["message"] == "used here, on every request"),
        "{p}"
    );
    assert_eq!(c.shutdown(), 0);
}

#[test]
fn pulled_diagnostics_know_the_project_too() {
    let dir = project_fixture("start-up-instances");
    let settings_path = dir.path().join("settings.js");
    let text = std::fs::read_to_string(&settings_path).unwrap();
    let settings = uri(&settings_path);
    let caps = json!({ "textDocument": { "diagnostic": {} } });
    let mut c = Client::start(caps, Value::Null, dir.path());
    c.logged("indexed 4 files");
    c.open(&settings, "javascript", &text);
    let r = c.request(
        "textDocument/diagnostic",
        json!({ "textDocument": { "uri": settings } }),
    );
    assert_eq!(r.response_result.unwrap()["items"], json!([]));
    assert_eq!(c.shutdown(), 0);
}
