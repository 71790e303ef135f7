//! Latency of `leaklint server` from `didChange` to `publishDiagnostics` on a 5,000-line file.
//!
//! Run with `cargo bench --bench lsp_latency` (release profile). The server runs in-process over
//! `Connection::memory()` with its default options (including the 10 ms debounce), so the figure
//! is what an editor waits for minus the pipe. Prints min / median / p90 / max over 40 edits;
//! the target is a median of at most 50 ms.
//!
//! Recorded 2026-12-06 at `285cc47` (release, 2 cores shared with other builds, load average
//! 5–6.6): 5,003 lines, 144 findings; medians over three runs 24.1, 24.3 and 23.3 ms (min 17–19 ms,
//! of which 10 ms is the debounce; p90 27–40 ms).

use std::time::{Duration, Instant};

use leaklint::lsp::{server, ServerOptions};
use lsp_server::{Connection, Message, Notification, Request, RequestId};
use serde_json::{json, Value};

const LINES: usize = 5_000;
const EDITS: usize = 40;

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

fn wait_publish(conn: &Connection, version: i32) -> usize {
    loop {
        match conn.receiver.recv_timeout(Duration::from_secs(30)).unwrap() {
            Message::Notification(n)
                if n.method == "textDocument/publishDiagnostics"
                    && n.params["version"] == version =>
            {
                return n.params["diagnostics"].as_array().unwrap().len();
            }
            _ => {}
        }
    }
}

fn main() {
    let text = source();
    let (server_conn, conn) = Connection::memory();
    let server = std::thread::Builder::new()
        .stack_size(256 << 20)
        .spawn(move || server::serve(server_conn, ServerOptions::default()))
        .unwrap();
    let send = |m: Message| conn.sender.send(m).unwrap();
    send(
        Request::new(
            RequestId::from(1),
            "initialize".into(),
            json!({ "capabilities": {} }),
        )
        .into(),
    );
    conn.receiver.recv().unwrap();
    send(Notification::new("initialized".into(), json!({})).into());
    let uri = "file:///bench/server.js";
    send(
        Notification::new(
            "textDocument/didOpen".into(),
            json!({ "textDocument": { "uri": uri, "languageId": "javascript", "version": 1, "text": text } }),
        )
        .into(),
    );
    let count = wait_publish(&conn, 1);
    println!(
        "{} lines, {} bytes, {count} diagnostics",
        text.lines().count(),
        text.len()
    );

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
        send(Notification::new("textDocument/didChange".into(), edit).into());
        wait_publish(&conn, version);
        times.push(start.elapsed());
    }
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "didChange → publishDiagnostics over {EDITS} edits: min {:.1} ms, median {:.1} ms, p90 {:.1} ms, max {:.1} ms",
        ms(times[0]),
        ms(times[EDITS / 2]),
        ms(times[EDITS * 9 / 10]),
        ms(times[EDITS - 1]),
    );
    send(Request::new(RequestId::from(2), "shutdown".into(), Value::Null).into());
    send(Notification::new("exit".into(), Value::Null).into());
    let _ = server.join();
}
