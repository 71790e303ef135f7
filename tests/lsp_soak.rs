//! A soak test of `leaklint server` (the binary): random edits to 20 open documents with hover
//! and code-action requests interleaved. Every request must be answered, every document must get
//! the diagnostics of its last version, and the server's memory must stay flat: its resident set
//! at the end of the run (the floor of the last three samples) is at most 10% above its level
//! after the warm-up (the first fifth of the edits). CI runs 2,000 edits;
//! `LEAKLINT_SOAK_EDITS=10000` gives the figures of docs/reliability.md, which the test prints;
//! `LEAKLINT_SOAK_BIN=path/to/leaklint` soaks another build.

use std::collections::{HashMap, HashSet};
use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

const DOCS: usize = 20;

fn frame(v: &Value) -> Vec<u8> {
    let text = v.to_string();
    format!("Content-Length: {}\r\n\r\n{text}", text.len()).into_bytes()
}

/// Resident and peak resident set of `pid`, in KiB (Linux `/proc/PID/status`).
fn memory_kib(pid: u32) -> (u64, u64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.trim().trim_end_matches(" kB").trim().parse().ok())
            .unwrap()
    };
    (field("VmRSS:"), field("VmHWM:"))
}

/// The text of document `i`: a leak, a listener, and filler to edit.
fn initial_text(i: usize) -> String {
    format!(
        "const cache{i} = new Map();\nexport function get(req) {{\n  cache{i}.set(req.params.id, req.body);\n}}\n\
         export function on(bus) {{\n  bus.on('x', () => get(bus));\n}}\n// filler {i}\n"
    )
}

/// The 0-based line and UTF-16 character of byte `offset` in ASCII `text`.
fn position(text: &str, offset: usize) -> Value {
    let before = &text[..offset];
    let line = before.matches('\n').count();
    let character = offset - before.rfind('\n').map_or(0, |p| p + 1);
    json!({ "line": line, "character": character })
}

#[test]
fn ten_thousand_edits_every_request_answered_and_memory_flat() {
    let edits: usize = std::env::var("LEAKLINT_SOAK_EDITS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2000);
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    // `LEAKLINT_SOAK_BIN` soaks another build (a release binary, an older version).
    let bin = std::env::var_os("LEAKLINT_SOAK_BIN")
        .unwrap_or_else(|| env!("CARGO_BIN_EXE_leaklint").into());
    let mut child = Command::new(bin)
        .arg("server")
        .current_dir(&root)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let pid = child.id();
    let mut stdin = child.stdin.take().unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let (tx, rx) = mpsc::channel::<Value>();
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
    let mut send = |v: Value| stdin.write_all(&frame(&v)).unwrap();
    send(json!({"jsonrpc":"2.0","id":0,"method":"initialize","params":{"capabilities":{}}}));
    send(json!({"jsonrpc":"2.0","method":"initialized","params":{}}));
    let uris: Vec<String> = (0..DOCS)
        .map(|i| format!("file://{}/doc{i}.js", root.display()))
        .collect();
    let mut texts: Vec<String> = (0..DOCS).map(initial_text).collect();
    let mut versions = vec![1i64; DOCS];
    for i in 0..DOCS {
        send(
            json!({"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":
            {"uri":uris[i],"languageId":"javascript","version":1,"text":texts[i]}}}),
        );
    }
    std::thread::sleep(Duration::from_millis(200));
    let (rss_start, _) = memory_kib(pid);
    let mut rng = fastrand::Rng::with_seed(16);
    let mut pending: HashSet<i64> = HashSet::from([0]);
    let mut next_id = 1i64;
    let mut received: Vec<Value> = Vec::new();
    let mut samples = Vec::new();
    let warm_up = edits / 10;
    let started = Instant::now();
    for e in 0..edits {
        let d = rng.usize(..DOCS);
        let text = &mut texts[d];
        let start = rng.usize(..=text.len());
        let end = (start + rng.usize(..4)).min(text.len());
        let insert = ["x", "\n", "(", ")", " leak", "{}", ";", ""][rng.usize(..8)];
        let range = json!({ "start": position(text, start), "end": position(text, end) });
        text.replace_range(start..end, insert);
        versions[d] += 1;
        send(
            json!({"jsonrpc":"2.0","method":"textDocument/didChange","params":{
            "textDocument":{"uri":uris[d],"version":versions[d]},
            "contentChanges":[{"range":range,"text":insert}]}}),
        );
        if e % 10 == 0 || e % 10 == 5 {
            let at = position(text, rng.usize(..=text.len()));
            let params = if e % 10 == 0 {
                json!({"textDocument":{"uri":uris[d]},"position":at})
            } else {
                json!({"textDocument":{"uri":uris[d]},"range":{"start":{"line":0,"character":0},"end":at},
                    "context":{"diagnostics":[]}})
            };
            let method = if e % 10 == 0 {
                "textDocument/hover"
            } else {
                "textDocument/codeAction"
            };
            send(json!({"jsonrpc":"2.0","id":next_id,"method":method,"params":params}));
            pending.insert(next_id);
            next_id += 1;
        }
        while let Ok(v) = rx.try_recv() {
            received.push(v);
        }
        if e + 1 == warm_up || (e + 1) % (edits / 10).max(1) == 0 {
            // Let the server catch up before measuring, so that queued work is not counted.
            std::thread::sleep(Duration::from_millis(200));
            samples.push((e + 1, memory_kib(pid)));
        }
    }
    // Every request answered; every document's last version published.
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut last_published: HashMap<String, i64> = HashMap::new();
    let mut answered = 0;
    let mut publishes = 0;
    loop {
        for v in received.drain(..) {
            if let Some(id) = v["id"].as_i64() {
                if v.get("method").is_none() && pending.remove(&id) {
                    answered += 1;
                    assert!(v.get("error").is_none(), "{v}");
                }
            }
            if v["method"] == "textDocument/publishDiagnostics" {
                publishes += 1;
                let uri = v["params"]["uri"].as_str().unwrap().to_string();
                if let Some(ver) = v["params"]["version"].as_i64() {
                    last_published.insert(uri, ver);
                }
            }
        }
        let all_published = (0..DOCS).all(|i| last_published.get(&uris[i]) == Some(&versions[i]));
        if pending.is_empty() && all_published {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "{} requests unanswered, published {last_published:?}, versions {versions:?}",
            pending.len()
        );
        if let Ok(v) = rx.recv_timeout(Duration::from_millis(100)) {
            received.push(v);
        }
    }
    let elapsed = started.elapsed();
    let (rss_end, peak) = memory_kib(pid);
    send(json!({"jsonrpc":"2.0","id":"bye","method":"shutdown"}));
    send(json!({"jsonrpc":"2.0","method":"exit"}));
    assert_eq!(child.wait().unwrap().code(), Some(0));
    // The resident set saws up and down by ~20% as the allocator returns freed pages in batches,
    // so levels, not single samples, are compared. The warm-up level is the larger of the first
    // two samples (after 10% and 20% of the edits); the end level is the smallest of the last
    // three (what the server keeps after its allocator purged): a leak raises that floor.
    let rss_warm = samples
        .iter()
        .take(2)
        .map(|(_, (rss, _))| *rss)
        .max()
        .unwrap();
    let rss_floor = samples
        .iter()
        .rev()
        .take(3)
        .map(|(_, (rss, _))| *rss)
        .min()
        .unwrap();
    println!(
        "soak: {edits} edits to {DOCS} documents, {answered} requests answered and {publishes} \
         pushed lints in {elapsed:.1?}; resident set {rss_start} KiB after opening, {rss_warm} KiB \
         after warm-up ({} edits), {rss_floor} KiB at the end (floor of the last three \
         samples; {rss_end} KiB last), \
         peak {peak} KiB; samples (edits, (rss, peak) KiB): {samples:?}",
        2 * warm_up
    );
    assert!(
        rss_floor * 10 <= rss_warm * 11,
        "memory grew from {rss_warm} KiB to {rss_floor} KiB: {samples:?}"
    );
}
