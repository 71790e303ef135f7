//! The fuzz targets and their oracles: what must hold for every input. Shared by the runner
//! (`fuzz/main.rs`) and the replay test (`tests/fuzz_regressions.rs`).
//!
//! - `lint`: the bytes as a `.js`, `.jsx`, `.ts` or `.tsx` file (by the length modulo 4). No
//!   `internal-error` (a panic), every span inside the text, and every diagnostic present in
//!   every output format (concise, json, sarif, github, pretty). A parse over the 10 s budget,
//!   swc's known `JSXNamespacedName` panic and its debug assertions are counted as known
//!   (docs/known-issues.md), not as failures: leaklint reports them as designed.
//! - `config`: the bytes as `leaklint.toml`. Loading never panics, and every error names a line.
//! - `heap`: the bytes as a `.heapsnapshot`. Loading never panics; errors name a byte offset; a
//!   snapshot that loads can be summarised and diffed.
//! - `lsp`: the bytes as a client's stream to `leaklint server`, followed by a clean `shutdown`
//!   and `exit`. The server never panics or hangs, no handler fails internally, and a `shutdown`
//!   that reached it intact is answered.

use std::io::{Cursor, Write};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use leaklint::diagnostic::Diagnostic;
use leaklint::linter::FileResult;
use leaklint::lsp::{server, transport, ServerOptions};
use leaklint::report::sarif::SourceRoot;
use serde_json::{json, Value};

/// The parse budget of the `lint` target: the hang threshold of the fuzzing campaign.
pub const PARSE_BUDGET: Duration = Duration::from_secs(10);

/// The message of swc 47's panic on `<a:b.c />` (docs/known-issues.md §1).
pub const KNOWN_SWC_PANIC: &str = "JSXNamespacedName -> JSXObject";

/// Whether an `internal-error` message is a failed `debug_assert!` in swc's parser: those only
/// exist in builds with debug assertions (tests, this fuzzer), not in release builds
/// (docs/known-issues.md §4).
pub fn is_swc_debug_assertion(message: &str) -> bool {
    message.contains("assertion") && message.contains("swc_ecma_parser")
}

/// The targets, by name.
pub const TARGETS: [&str; 4] = ["lint", "config", "heap", "lsp"];

/// What one input did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Every oracle held.
    Pass,
    /// A known swc issue, reported as designed: a parse over [`PARSE_BUDGET`] (`parse-timeout`)
    /// or swc's `JSXNamespacedName` panic (`internal-error`).
    Known,
    /// An oracle failed: what went wrong.
    Fail(String),
}

/// Runs `target` on `input` in the scratch folder `dir`.
///
/// # Panics
/// On an unknown target name.
pub fn run(target: &str, input: &[u8], dir: &Path) -> Outcome {
    let outcome = catch_unwind(AssertUnwindSafe(|| match target {
        "lint" => lint(input),
        "config" => config(input, dir),
        "heap" => heap(input, dir),
        "lsp" => lsp(input),
        other => panic!("unknown fuzz target {other}"),
    }));
    outcome.unwrap_or_else(|p| {
        let what = p
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| p.downcast_ref::<String>().cloned())
            .unwrap_or_default();
        Outcome::Fail(format!("panic: {what}"))
    })
}

fn lint(input: &[u8]) -> Outcome {
    let ext = ["js", "jsx", "ts", "tsx"][input.len() % 4];
    let path = Path::new("fuzz").join(format!("input.{ext}"));
    let options = leaklint::LintOptions {
        min_confidence: leaklint::diagnostic::Confidence::Low,
        ..Default::default()
    };
    let (text, diagnostics) =
        leaklint::lint_bytes_within(&path, input.to_vec(), &options, Some(PARSE_BUDGET));
    let known = |d: &&Diagnostic| {
        d.rule == "parse-timeout"
            || (d.rule == "internal-error"
                && (d.message.contains(KNOWN_SWC_PANIC) || is_swc_debug_assertion(&d.message)))
    };
    if let Some(d) = diagnostics
        .iter()
        .find(|d| d.rule == "internal-error" && !known(d))
    {
        return Outcome::Fail(d.message.clone());
    }
    if let Some(d) = diagnostics
        .iter()
        .find(|d| d.span.end as usize > text.len())
    {
        return Outcome::Fail(format!(
            "span {:?} past the text ({} bytes)",
            d.span,
            text.len()
        ));
    }
    let is_known = diagnostics.iter().any(|d| known(&d));
    let results = vec![FileResult {
        path,
        text,
        diagnostics: diagnostics.clone(),
    }];
    if let Err(e) = every_format_reports(&results, &diagnostics) {
        return Outcome::Fail(e);
    }
    if is_known {
        Outcome::Known
    } else {
        Outcome::Pass
    }
}

fn render(f: impl FnOnce(&mut Vec<u8>) -> std::io::Result<()>) -> Result<String, String> {
    let mut out = Vec::new();
    f(&mut out).map_err(|e| e.to_string())?;
    String::from_utf8(out).map_err(|e| format!("output is not UTF-8: {e}"))
}

/// Every diagnostic appears in every format.
fn every_format_reports(results: &[FileResult], found: &[Diagnostic]) -> Result<(), String> {
    use leaklint::report::{concise, github, json, pretty, sarif};
    let n = found.len();
    let root = SourceRoot::at(Path::new("."));
    let concise = render(|w| concise::render(results, w))?;
    if concise.lines().count() != n {
        return Err(format!(
            "concise: {} lines for {n} diagnostics",
            concise.lines().count()
        ));
    }
    let json: Value = serde_json::from_str(&render(|w| json::render(results, w))?)
        .map_err(|e| format!("json: {e}"))?;
    let listed = json[0]["messages"].as_array().map_or(0, Vec::len);
    if listed != n {
        return Err(format!("json: {listed} messages for {n} diagnostics"));
    }
    let rules: Vec<_> = leaklint::rules::REGISTRY.iter().map(|r| r.meta()).collect();
    let log: Value = serde_json::from_str(&render(|w| sarif::render(results, &rules, &root, w))?)
        .map_err(|e| format!("sarif: {e}"))?;
    let run = &log["runs"][0];
    let listed = run["results"].as_array().map_or(0, Vec::len)
        + run["invocations"][0]["toolExecutionNotifications"]
            .as_array()
            .map_or(0, Vec::len);
    if listed != n {
        return Err(format!(
            "sarif: {listed} results and notifications for {n} diagnostics"
        ));
    }
    let github = render(|w| github::render(results, &root, w))?;
    if github.lines().count() != n {
        return Err(format!(
            "github: {} lines for {n} diagnostics",
            github.lines().count()
        ));
    }
    let pretty = render(|w| pretty::render(results, 200, false, w))?;
    if let Some(d) = found.iter().find(|d| !pretty.contains(d.rule)) {
        return Err(format!("pretty: {} is missing", d.rule));
    }
    Ok(())
}

fn config(input: &[u8], dir: &Path) -> Outcome {
    let path = dir.join("leaklint.toml");
    if let Err(e) = std::fs::write(&path, input) {
        return Outcome::Fail(format!("cannot write the input: {e}"));
    }
    match leaklint::config::Config::load(&path) {
        Ok(_) => Outcome::Pass,
        Err(e) if e.line == 0 => Outcome::Fail(format!("an error without a position: {e}")),
        Err(_) => Outcome::Pass,
    }
}

fn heap(input: &[u8], dir: &Path) -> Outcome {
    let path = dir.join("input.heapsnapshot");
    if let Err(e) = std::fs::write(&path, input) {
        return Outcome::Fail(format!("cannot write the input: {e}"));
    }
    match leaklint::heap::load(&path) {
        Ok(s) => {
            let _ = leaklint::heap::summary(&s, dir, 5);
            let _ = leaklint::heap::diff(&s, &s, Some(&s), dir);
            Outcome::Pass
        }
        Err(e) if !e.to_string().contains(" at byte ") => {
            Outcome::Fail(format!("an error without a byte offset: {e}"))
        }
        Err(_) => Outcome::Pass,
    }
}

/// A `Write` whose bytes the caller can read after the writer thread is done.
#[derive(Clone, Default)]
struct Shared(Arc<Mutex<Vec<u8>>>);

impl Write for Shared {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// One LSP frame.
pub fn frame(body: &Value) -> Vec<u8> {
    let text = body.to_string();
    format!("Content-Length: {}\r\n\r\n{text}", text.len()).into_bytes()
}

fn lsp(input: &[u8]) -> Outcome {
    let mut stream = input.to_vec();
    let shutdown = json!({"jsonrpc": "2.0", "id": "fuzz-shutdown", "method": "shutdown"});
    stream.extend(frame(&shutdown));
    stream.extend(frame(&json!({"jsonrpc": "2.0", "method": "exit"})));
    // The frames the server will see (the transport's own reader), to know what to expect.
    let mut expect_shutdown_answer = false;
    {
        let mut r = &stream[..];
        let quiet = |_: String| {};
        while let Ok(Some(body)) = transport::read_frame(&mut r, &quiet) {
            match transport::decode(&body) {
                transport::Decoded::Message(lsp_server::Message::Request(req)) => {
                    expect_shutdown_answer =
                        req.id == lsp_server::RequestId::from("fuzz-shutdown".to_string());
                }
                // The reader stops at `exit`: nothing after it is read.
                transport::Decoded::Message(lsp_server::Message::Notification(n))
                    if n.method == "exit" =>
                {
                    break;
                }
                _ => {}
            }
        }
    }
    let out = Shared::default();
    let (conn, threads) = transport::connect(Cursor::new(stream), out.clone());
    let options = ServerOptions {
        debounce: Duration::ZERO,
        lint_budget: PARSE_BUDGET,
        ..ServerOptions::default()
    };
    if let Err(p) = catch_unwind(AssertUnwindSafe(|| server::serve(conn, options))) {
        let _ = p;
        return Outcome::Fail("the server panicked".into());
    }
    let _ = threads.join();
    let bytes = out.0.lock().unwrap().clone();
    let mut r = &bytes[..];
    let quiet = |_: String| {};
    let mut answered = false;
    while let Ok(Some(body)) = transport::read_frame(&mut r, &quiet) {
        let Ok(v) = serde_json::from_slice::<Value>(&body) else {
            return Outcome::Fail("the server wrote a frame that is not JSON".into());
        };
        if v["id"] == "fuzz-shutdown" {
            answered = true;
        }
        if v["error"]["code"] == -32603 {
            return Outcome::Fail(format!("internal error: {}", v["error"]["message"]));
        }
        let published = v["params"]["diagnostics"].as_array();
        if let Some(d) = published.and_then(|d| d.iter().find(|d| d["code"] == "internal-error")) {
            return Outcome::Fail(format!("internal-error published: {}", d["message"]));
        }
    }
    if expect_shutdown_answer && !answered {
        return Outcome::Fail("the final shutdown request was not answered".into());
    }
    Outcome::Pass
}

/// A client session on `text` as a byte stream: initialize, open, edits, hover, code actions and
/// a pulled report (the runner appends shutdown and exit).
pub fn lsp_session(text: &str, language: &str) -> Vec<u8> {
    let uri = "file:///fuzz/input.js";
    let mut s = Vec::new();
    let msgs = [
        json!({"jsonrpc":"2.0","id":1,"method":"initialize","params":{"capabilities":{}}}),
        json!({"jsonrpc":"2.0","method":"initialized","params":{}}),
        json!({"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":
            {"uri":uri,"languageId":language,"version":1,"text":text}}}),
        json!({"jsonrpc":"2.0","method":"textDocument/didChange","params":{"textDocument":
            {"uri":uri,"version":2},"contentChanges":[{"range":{"start":{"line":0,"character":0},
            "end":{"line":0,"character":3}},"text":"let"}]}}),
        json!({"jsonrpc":"2.0","id":2,"method":"textDocument/hover","params":{"textDocument":
            {"uri":uri},"position":{"line":1,"character":4}}}),
        json!({"jsonrpc":"2.0","id":3,"method":"textDocument/codeAction","params":{"textDocument":
            {"uri":uri},"range":{"start":{"line":0,"character":0},"end":{"line":9,"character":0}},
            "context":{"diagnostics":[]}}}),
        json!({"jsonrpc":"2.0","id":4,"method":"textDocument/diagnostic","params":{"textDocument":
            {"uri":uri}}}),
    ];
    for m in msgs {
        s.extend(frame(&m));
    }
    s
}
