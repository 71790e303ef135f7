//! Latency of `leaklint server` from `didChange` to `publishDiagnostics` on a 5,000-line file,
//! twice: the file alone (no workspace folder, so no project index), then the same kind of file
//! in a generated project of 2,000 files (its exported handlers are imported by 1,000 other
//! files, so every lint is a summary, the project's answers for the file and a second lint).
//!
//! Run with `cargo bench --bench lsp_latency` (release profile); `-- alone` or `-- project` runs
//! one scenario. The server runs in-process over `Connection::memory()` with its default options
//! (including the 10 ms debounce), so the figure is what an editor waits for minus the pipe.
//! Prints min / median / p90 / p95 / max over 40 edits, and for the project the time to index
//! it; the target is a median of at most 50 ms.
//!
//! Recorded 2026-12-06 at `285cc47` (release, 2 cores shared with other builds, load average
//! 5–6.6), alone: 5,003 lines, 144 findings; medians over three runs 24.1, 24.3 and 23.3 ms (min
//! 17–19 ms, of which 10 ms is the debounce; p90 27–40 ms). Both scenarios' current figures are
//! in docs/benchmark.md ("LSP").

use std::time::{Duration, Instant};

use leaklint::lsp::{server, ServerOptions};
use lsp_server::{Connection, Message, Notification, Request, RequestId};
use serde_json::{json, Value};

const LINES: usize = 5_000;
const EDITS: usize = 40;
/// Files in the generated project, the big one included.
const PROJECT_FILES: usize = 2_000;

/// Express-style routes, helpers and classes; one block in ten leaks (a module-level Map that
/// only grows, a listener per request).
fn source() -> String {
    let mut s = String::from(
        "const express = require('express');\nconst bus = require('./bus');\nconst app = express();\n",
    );
    let mut i = 0;
    while s.lines().count() < LINES {
        if i % 10 == 0 {
            s.push_str(&format!(
                "const cache{i} = new Map();\napp.get('/r{i}', (req, res) => {{\n  const id = req.params.id;\n  cache{i}.set(id, Date.now());\n  bus.on('ev{i}', () => res.write(id));\n  res.end('ok');\n}});\n"
            ));
        } else {
            s.push_str(&format!(
                "function helper{i}(a, b) {{\n  const x = a + b; // café {i}\n  if (x > {i}) {{\n    return x * 2;\n  }}\n  return [a, b].map((v) => v + x).join(',');\n}}\nclass Thing{i} {{\n  constructor(n) {{ this.n = n; }}\n  get double() {{ return this.n * 2; }}\n}}\n"
            ));
        }
        i += 1;
    }
    // Whole blocks only (a cut block would not parse, and then no rule runs): a few lines over.
    s
}

/// The big file of the project: as [`source`], as an ES module whose route handlers are
/// exported (one block in ten), so that their verdicts ask how the project uses them.
fn project_source() -> String {
    let mut s = String::from("import { bus } from './bus.js';\n");
    let mut i = 0;
    while s.lines().count() < LINES {
        if i % 10 == 0 {
            s.push_str(&format!(
                "const cache{i} = new Map();\nexport function onRoute{i}(req, res) {{\n  const id = req.params.id;\n  cache{i}.set(id, Date.now());\n  bus.on('ev{i}', () => res.write(id));\n  res.end('ok');\n}}\n"
            ));
        } else {
            s.push_str(&format!(
                "function helper{i}(a, b) {{\n  const x = a + b; // café {i}\n  if (x > {i}) {{\n    return x * 2;\n  }}\n  return [a, b].map((v) => v + x).join(',');\n}}\nclass Thing{i} {{\n  constructor(n) {{ this.n = n; }}\n  get double() {{ return this.n * 2; }}\n}}\n"
            ));
        }
        i += 1;
    }
    s
}

/// Writes the project: `src/routes.js` (the big file, with `handlers` exported handlers),
/// `src/bus.js`, and modules that each import one handler (odd ones register it per request,
/// even ones call it once at start-up) and the previous module's helper.
fn write_project(root: &std::path::Path, big: &str) {
    let handlers = big.matches("export function onRoute").count();
    let src = root.join("src");
    std::fs::create_dir_all(&src).unwrap();
    std::fs::write(
        root.join("package.json"),
        r#"{ "name": "bench-app", "private": true, "type": "module" }"#,
    )
    .unwrap();
    std::fs::write(src.join("routes.js"), big).unwrap();
    std::fs::write(
        src.join("bus.js"),
        "import { EventEmitter } from 'node:events';\nexport const bus = new EventEmitter();\n",
    )
    .unwrap();
    for k in 0..PROJECT_FILES - 2 {
        let h = (k % handlers) * 10;
        let previous = if k == 0 {
            String::new()
        } else {
            format!(
                "import {{ helper as helper{p} }} from './mod{p}.js';\n",
                p = k - 1
            )
        };
        let uses = if k % 2 == 1 {
            format!("http.createServer(onRoute{h}).listen(8000 + {k});\n")
        } else {
            format!("onRoute{h}({{ params: {{ id: 'boot' }} }}, {{ write() {{}}, end() {{}} }});\n")
        };
        let text = format!(
            "import http from 'node:http';\nimport {{ onRoute{h} }} from './routes.js';\n{previous}\n{uses}\nexport function helper(x) {{\n  const seen = new Set();\n  for (const v of x) {{\n    if (seen.has(v)) continue;\n    seen.add(v);\n  }}\n  return [...seen];\n}}\n"
        );
        std::fs::write(src.join(format!("mod{k}.js")), text).unwrap();
    }
}

/// The server, started in-process and initialized (with `root` as its workspace folder when
/// given).
struct Editor {
    conn: Connection,
    server: std::thread::JoinHandle<Result<i32, server::ServeError>>,
}

impl Editor {
    fn start(root: Option<&std::path::Path>) -> Editor {
        let (server_conn, conn) = Connection::memory();
        let server = std::thread::Builder::new()
            .stack_size(256 << 20)
            .spawn(move || server::serve(server_conn, ServerOptions::default()))
            .unwrap();
        let root_uri = root.map(|r| format!("file://{}", r.display()));
        let editor = Editor { conn, server };
        editor.send(
            Request::new(
                RequestId::from(1),
                "initialize".into(),
                json!({ "capabilities": {}, "rootUri": root_uri }),
            )
            .into(),
        );
        editor.conn.receiver.recv().unwrap();
        editor.send(Notification::new("initialized".into(), json!({})).into());
        editor
    }

    fn send(&self, m: Message) {
        self.conn.sender.send(m).unwrap();
    }

    /// Waits for a `window/logMessage` containing `part`; returns it.
    fn logged(&self, part: &str) -> String {
        loop {
            match self
                .conn
                .receiver
                .recv_timeout(Duration::from_secs(600))
                .unwrap()
            {
                Message::Notification(n)
                    if n.method == "window/logMessage"
                        && n.params["message"].as_str().unwrap().contains(part) =>
                {
                    return n.params["message"].as_str().unwrap().to_string();
                }
                _ => {}
            }
        }
    }

    /// Opens `uri` with `text` and types one character at a time in its middle, `EDITS` times;
    /// returns the number of diagnostics first published (all, high confidence) and each edit's
    /// latency, sorted.
    fn type_in(&self, uri: &str, text: &str) -> ((usize, usize), Vec<Duration>) {
        self.send(
            Notification::new(
                "textDocument/didOpen".into(),
                json!({ "textDocument": { "uri": uri, "languageId": "javascript", "version": 1, "text": text } }),
            )
            .into(),
        );
        let count = wait_publish(&self.conn, uri, 1);
        let mut times = Vec::new();
        for k in 0..EDITS {
            let version = k as i32 + 2;
            // Type one character in the middle of the file (a comment line), as an editor would.
            let line = LINES / 2 + (k % 7) * 11;
            let edit = json!({
                "textDocument": { "uri": uri, "version": version },
                "contentChanges": [{ "range": { "start": { "line": line, "character": 0 },
                                                "end": { "line": line, "character": 0 } },
                                     "text": " " }],
            });
            let start = Instant::now();
            self.send(Notification::new("textDocument/didChange".into(), edit).into());
            wait_publish(&self.conn, uri, version);
            times.push(start.elapsed());
        }
        times.sort();
        (count, times)
    }

    fn stop(self) {
        self.send(Request::new(RequestId::from(2), "shutdown".into(), Value::Null).into());
        self.send(Notification::new("exit".into(), Value::Null).into());
        let _ = self.server.join();
    }
}

/// Waits for the diagnostics of `uri` at `version`; returns how many there are and how many of
/// them have high confidence.
fn wait_publish(conn: &Connection, uri: &str, version: i32) -> (usize, usize) {
    loop {
        match conn.receiver.recv_timeout(Duration::from_secs(30)).unwrap() {
            Message::Notification(n)
                if n.method == "textDocument/publishDiagnostics"
                    && n.params["uri"] == uri
                    && n.params["version"] == version =>
            {
                let d = n.params["diagnostics"].as_array().unwrap();
                let high = d
                    .iter()
                    .filter(|d| d["data"]["confidence"] == "high")
                    .count();
                return (d.len(), high);
            }
            _ => {}
        }
    }
}

fn report(what: &str, times: &[Duration]) {
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let at = |q: usize| ms(times[(times.len() * q / 100).min(times.len() - 1)]);
    println!(
        "{what}: didChange → publishDiagnostics over {EDITS} edits: min {:.1} ms, median {:.1} ms, p90 {:.1} ms, p95 {:.1} ms, max {:.1} ms",
        ms(times[0]),
        at(50),
        at(90),
        at(95),
        ms(times[times.len() - 1]),
    );
}

fn main() {
    let only: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    let runs = |name: &str| only.is_empty() || only.iter().any(|a| a == name);
    if runs("alone") {
        let text = source();
        let editor = Editor::start(None);
        let (count, times) = editor.type_in("file:///bench/server.js", &text);
        println!(
            "alone: {} lines, {} bytes, {} diagnostics ({} high)",
            text.lines().count(),
            text.len(),
            count.0,
            count.1
        );
        report("alone", &times);
        editor.stop();
    }
    if runs("project") {
        let dir = tempfile::tempdir().unwrap();
        let text = project_source();
        write_project(dir.path(), &text);
        let editor = Editor::start(Some(dir.path()));
        let indexed = editor.logged("indexed");
        let uri = format!("file://{}", dir.path().join("src/routes.js").display());
        let (count, times) = editor.type_in(&uri, &text);
        println!(
            "project: {indexed}; src/routes.js: {} lines, {} bytes, {} diagnostics ({} high)",
            text.lines().count(),
            text.len(),
            count.0,
            count.1
        );
        report("project", &times);
        editor.stop();
    }
}
