//! The server's stdio transport: LSP base-protocol frames (`Content-Length: N\r\n\r\n` + N bytes
//! of JSON-RPC 2.0, LSP 3.17 §"Base Protocol") read and written on two threads, feeding the
//! channels of an [`lsp_server::Connection`].
//!
//! lsp-server's own stdio transport ends the process on the first malformed frame; an editor then
//! loses diagnostics until it restarts the server, and gives up after a few restarts. This one
//! keeps serving, following JSON-RPC 2.0 §5.1 and the LSP specification:
//!
//! - a body that is not JSON: `ParseError` (-32700) when an id can still be read from it, else a
//!   log line; a body that is JSON but not a message, or a request whose id is neither an integer
//!   in `i32` nor a string (`1.5`, `2^31`, `null`, `true`, `{}`, `[]`): `InvalidRequest` (-32600),
//!   echoing a numeric or string id and answering `null` for the others;
//! - bytes that are not UTF-8 and lone UTF-16 surrogate escapes (`"\ud800"`, which
//!   `JSON.stringify` writes for a lone surrogate in a JavaScript string) decode as U+FFFD, as
//!   the editor's own buffer shows them;
//! - header lines that are not `Name: value`, a header block without `Content-Length`, or text
//!   left over from a wrong `Content-Length` are skipped up to the next header block (a
//!   `Content-Length` header is found anywhere in a line, so a frame that follows a too-short
//!   body is read again).
//!
//! Every dropped message is logged on stderr and to the client (`window/logMessage`).

use std::borrow::Cow;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::thread::JoinHandle;

use crossbeam_channel::{select, unbounded, Receiver, Sender};
use lsp_server::{Connection, ErrorCode, Message, Request, RequestId};
use serde_json::{json, Value};

/// The largest body accepted, in bytes; a larger `Content-Length` is taken as a damaged header.
pub const MAX_BODY: usize = 1 << 30;

/// The reader and writer threads of a transport.
pub struct Threads {
    reader: JoinHandle<()>,
    writer: JoinHandle<io::Result<()>>,
}

impl Threads {
    /// Waits for the writer to send what is queued (it ends once the connection is dropped).
    /// The reader is not waited for: after `exit` it has stopped, and otherwise it may sit in a
    /// read that only the client can end.
    ///
    /// # Errors
    /// The writer's I/O error (the client went away while messages were queued).
    pub fn join(self) -> io::Result<()> {
        drop(self.reader);
        self.writer
            .join()
            .unwrap_or_else(|_| Err(io::Error::other("the writer thread panicked")))
    }
}

/// A connection over stdin and stdout.
pub fn stdio() -> (Connection, Threads) {
    connect(io::stdin(), io::stdout())
}

/// A connection that reads frames from `input` and writes them to `output`, each on a thread of
/// its own. The reader stops after forwarding `exit`, or at the end of `input`.
pub fn connect(
    input: impl Read + Send + 'static,
    output: impl Write + Send + 'static,
) -> (Connection, Threads) {
    let (in_tx, in_rx) = unbounded::<Message>();
    let (out_tx, out_rx) = unbounded::<Message>();
    let (raw_tx, raw_rx) = unbounded::<Value>();
    let reader = std::thread::Builder::new()
        .name("leaklint-lsp-reader".into())
        .spawn(move || read_loop(BufReader::new(input), &in_tx, &raw_tx))
        .expect("cannot start the LSP reader thread");
    let writer = std::thread::Builder::new()
        .name("leaklint-lsp-writer".into())
        .spawn(move || write_loop(output, &out_rx, &raw_rx))
        .expect("cannot start the LSP writer thread");
    (
        Connection {
            sender: out_tx,
            receiver: in_rx,
        },
        Threads { reader, writer },
    )
}

fn write_loop(
    mut output: impl Write,
    messages: &Receiver<Message>,
    raw: &Receiver<Value>,
) -> io::Result<()> {
    let mut raw_open = true;
    loop {
        select! {
            recv(messages) -> m => match m {
                Ok(m) => m.write(&mut output)?,
                // The server is done: nothing more will be answered.
                Err(_) => return Ok(()),
            },
            recv(raw) -> v => match v {
                Ok(v) => write_frame(&mut output, &v)?,
                Err(_) => raw_open = false,
            },
        }
        if !raw_open {
            // Only the server's own messages are left.
            for m in messages.iter() {
                m.write(&mut output)?;
            }
            return Ok(());
        }
    }
}

fn write_frame(output: &mut impl Write, v: &Value) -> io::Result<()> {
    let text = v.to_string();
    write!(output, "Content-Length: {}\r\n\r\n{text}", text.len())?;
    output.flush()
}

fn read_loop(mut input: impl BufRead, incoming: &Sender<Message>, raw: &Sender<Value>) {
    let log = |message: String| {
        eprintln!("leaklint server: {message}");
        let _ = raw.send(json!({
            "jsonrpc": "2.0",
            "method": "window/logMessage",
            "params": { "type": 2, "message": format!("leaklint: {message}") },
        }));
    };
    loop {
        let body = match read_frame(&mut input, &log) {
            Ok(Some(body)) => body,
            Ok(None) => return,
            Err(e) => {
                log(format!("cannot read from the client: {e}"));
                return;
            }
        };
        match decode(&body) {
            Decoded::Message(m) => {
                let is_exit = matches!(&m, Message::Notification(n) if n.method == "exit");
                if incoming.send(m).is_err() || is_exit {
                    return;
                }
            }
            Decoded::Answer { id, code, message } => {
                log(format!("answered a malformed message: {message}"));
                let _ = raw.send(json!({
                    "jsonrpc": "2.0",
                    "id": id,
                    "error": { "code": code as i32, "message": message },
                }));
            }
            Decoded::Drop(why) => log(format!("dropped a malformed message: {why}")),
        }
    }
}

/// Reads the next frame's body; `None` at the end of the input. Damaged headers are logged and
/// skipped (see the module documentation).
///
/// # Errors
/// I/O errors of `input`.
pub fn read_frame(input: &mut impl BufRead, log: &dyn Fn(String)) -> io::Result<Option<Vec<u8>>> {
    let mut length: Option<usize> = None;
    let mut line = Vec::new();
    loop {
        line.clear();
        if input.read_until(b'\n', &mut line)? == 0 {
            return Ok(None);
        }
        let text = String::from_utf8_lossy(&line);
        let text = text.trim_end_matches(['\r', '\n']);
        if text.is_empty() {
            match length.take() {
                Some(n) => {
                    let mut body = Vec::new();
                    input.take(n as u64).read_to_end(&mut body)?;
                    if body.len() < n {
                        return Ok(None);
                    }
                    return Ok(Some(body));
                }
                None => {
                    log("a header block without Content-Length; skipped".into());
                    continue;
                }
            }
        }
        match content_length(text) {
            Some(Ok(n)) if n <= MAX_BODY => length = Some(n),
            Some(_) => {
                log(format!(
                    "a bad Content-Length header ({:?}); skipped",
                    shorten(text)
                ));
                length = None;
            }
            None if is_header(text) => {}
            None => log(format!("not a header ({:?}); skipped", shorten(text))),
        }
    }
}

/// The value of a `Content-Length` header anywhere in `line` (case-insensitive), if it has one.
fn content_length(line: &str) -> Option<Result<usize, std::num::ParseIntError>> {
    const NAME: &str = "content-length:";
    let at = line.to_ascii_lowercase().find(NAME)?;
    Some(line[at + NAME.len()..].trim().parse::<usize>())
}

/// `Name: value` with a token name (RFC 7230 §3.2).
fn is_header(line: &str) -> bool {
    line.split_once(':').is_some_and(|(name, _)| {
        !name.is_empty()
            && name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
    })
}

fn shorten(text: &str) -> String {
    match text.char_indices().nth(80) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_string(),
    }
}

/// What a frame's body turned out to be.
#[derive(Debug)]
pub enum Decoded {
    /// A well-formed message for the server.
    Message(Message),
    /// An error response to send right away: `id` is the request's (or `null`).
    Answer {
        /// The id to answer with.
        id: Value,
        /// `ParseError` or `InvalidRequest`.
        code: ErrorCode,
        /// What was wrong.
        message: String,
    },
    /// Nothing to answer (no id could be read); the reason is logged.
    Drop(String),
}

/// Decodes one body (see the module documentation for what happens to malformed ones).
pub fn decode(body: &[u8]) -> Decoded {
    let text = String::from_utf8_lossy(body);
    let text = replace_lone_surrogates(&text);
    let value: Value = match serde_json::from_str(&text) {
        Ok(v) => v,
        Err(e) => {
            let message = format!("the message is not JSON: {e}");
            return match salvage_id(&text) {
                Some(id) => Decoded::Answer {
                    id,
                    code: ErrorCode::ParseError,
                    message,
                },
                None => Decoded::Drop(message),
            };
        }
    };
    let Value::Object(obj) = &value else {
        return Decoded::Drop(format!(
            "the message is not a JSON object: {}",
            shorten(&value.to_string())
        ));
    };
    let invalid = |id: Value, message: String| Decoded::Answer {
        id,
        code: ErrorCode::InvalidRequest,
        message,
    };
    let id = obj.get("id");
    let valid_id = id.and_then(request_id);
    match (obj.get("method"), id) {
        (Some(Value::String(method)), Some(raw_id)) => match valid_id {
            Some(id) => Decoded::Message(Message::Request(Request {
                id,
                method: method.clone(),
                params: obj.get("params").cloned().unwrap_or(Value::Null),
            })),
            None => invalid(
                echoable(raw_id),
                format!("request id {raw_id} is neither an integer (32-bit) nor a string"),
            ),
        },
        (Some(Value::String(_)), None) => match serde_json::from_value::<Message>(value.clone()) {
            Ok(m @ Message::Notification(_)) => Decoded::Message(m),
            _ => Decoded::Drop("a notification that lsp-server cannot read".into()),
        },
        (Some(method), Some(raw_id)) => invalid(
            echoable(raw_id),
            format!("the method is not a string: {method}"),
        ),
        (Some(method), None) => Decoded::Drop(format!("the method is not a string: {method}")),
        (None, Some(raw_id)) if obj.contains_key("result") || obj.contains_key("error") => {
            match (valid_id, serde_json::from_value::<Message>(value.clone())) {
                (Some(_), Ok(m @ Message::Response(_))) => Decoded::Message(m),
                _ => Decoded::Drop(format!("a malformed response (id {raw_id})")),
            }
        }
        (None, Some(raw_id)) => invalid(echoable(raw_id), "the message has no method".into()),
        (None, None) => Decoded::Drop("the message has neither a method nor an id".into()),
    }
}

/// A JSON-RPC id lsp-server can hold: an integer in `i32`, or a string.
fn request_id(v: &Value) -> Option<RequestId> {
    match v {
        Value::Number(n) => n
            .as_i64()
            .and_then(|i| i32::try_from(i).ok())
            .map(RequestId::from),
        Value::String(s) => Some(RequestId::from(s.clone())),
        _ => None,
    }
}

/// The id an error response carries: a number or string as it came, else `null` (JSON-RPC 2.0
/// §5: `null` when the id cannot be determined).
fn echoable(id: &Value) -> Value {
    match id {
        Value::Number(_) | Value::String(_) => id.clone(),
        _ => Value::Null,
    }
}

/// The id of a body that is not JSON, when a top-level-looking `"id": <integer or string>` can
/// be found in it, so that the client's request is still answered.
fn salvage_id(text: &str) -> Option<Value> {
    let at = text.find("\"id\"")?;
    let rest = text[at + 4..].trim_start().strip_prefix(':')?.trim_start();
    if let Some(s) = rest.strip_prefix('"') {
        let end = s.find('"')?;
        return Some(Value::String(s[..end].to_string()));
    }
    let digits: String = rest
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '-')
        .collect();
    digits.parse::<i64>().ok().map(Value::from)
}

/// `text` (JSON) with each `\uXXXX` escape of a lone UTF-16 surrogate replaced by `\uFFFD`;
/// well-formed surrogate pairs and all other text are left as they are. serde_json rejects lone
/// surrogates, which JavaScript strings (and so editors' buffers) may hold.
pub fn replace_lone_surrogates(text: &str) -> Cow<'_, str> {
    let b = text.as_bytes();
    let hex_at = |i: usize| -> Option<u32> {
        let h = b.get(i..i + 4)?;
        u32::from_str_radix(std::str::from_utf8(h).ok()?, 16).ok()
    };
    let escape_at = |i: usize| -> Option<u32> {
        (b.get(i) == Some(&b'\\') && b.get(i + 1) == Some(&b'u'))
            .then(|| hex_at(i + 2))
            .flatten()
    };
    let mut out: Option<String> = None;
    let mut copied = 0;
    let mut in_string = false;
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'"' => {
                in_string = !in_string;
                i += 1;
            }
            b'\\' if in_string => {
                let Some(unit) = escape_at(i) else {
                    i += 2;
                    continue;
                };
                let len = match unit {
                    0xD800..=0xDBFF
                        if escape_at(i + 6).is_some_and(|lo| (0xDC00..=0xDFFF).contains(&lo)) =>
                    {
                        i += 12;
                        continue;
                    }
                    0xD800..=0xDFFF => 6,
                    _ => {
                        i += 6;
                        continue;
                    }
                };
                let o = out.get_or_insert_with(|| String::with_capacity(text.len()));
                o.push_str(&text[copied..i]);
                o.push_str("\\uFFFD");
                i += len;
                copied = i;
            }
            _ => i += 1,
        }
    }
    match out {
        Some(mut o) => {
            o.push_str(&text[copied..]);
            Cow::Owned(o)
        }
        None => Cow::Borrowed(text),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(body: &str) -> (Value, i32) {
        match decode(body.as_bytes()) {
            Decoded::Answer { id, code, .. } => (id, code as i32),
            other => panic!("{body}: {other:?}"),
        }
    }

    #[test]
    fn lone_surrogates_become_replacement_characters_and_pairs_stay() {
        assert_eq!(
            replace_lone_surrogates(r#"{"t":"a\ud800b\udc00c\ud83d\ude00\\ud800"}"#),
            r#"{"t":"a\uFFFDb\uFFFDc\ud83d\ude00\\ud800"}"#
        );
        let v: Value = serde_json::from_str(&replace_lone_surrogates(r#""x\uDBFF""#)).unwrap();
        assert_eq!(v, "x\u{FFFD}");
        assert!(matches!(replace_lone_surrogates("plain"), Cow::Borrowed(_)));
    }

    #[test]
    fn odd_ids_are_answered_with_invalid_request() {
        for (id, echoed) in [
            ("1.5", json!(1.5)),
            ("2147483648", json!(2147483648u64)),
            ("null", Value::Null),
            ("true", Value::Null),
            ("{}", Value::Null),
            ("[]", Value::Null),
        ] {
            let body = format!(r#"{{"jsonrpc":"2.0","id":{id},"method":"textDocument/hover"}}"#);
            assert_eq!(answer(&body), (echoed, -32600), "{body}");
        }
        assert!(matches!(
            decode(br#"{"jsonrpc":"2.0","id":-7,"method":"shutdown"}"#),
            Decoded::Message(Message::Request(r)) if r.id == RequestId::from(-7)
        ));
    }

    #[test]
    fn bodies_that_are_not_messages() {
        assert_eq!(
            answer(r#"{"jsonrpc":"2.0","id":4,"method":"x","params":{"#),
            (json!(4), -32700)
        );
        assert!(matches!(decode(b"]]garbage"), Decoded::Drop(_)));
        assert!(matches!(decode(b"[1,2]"), Decoded::Drop(_)));
        assert_eq!(answer(r#"{"id":"a","method":3}"#), (json!("a"), -32600));
        assert_eq!(answer(r#"{"id":9}"#), (json!(9), -32600));
        // Bytes that are not UTF-8 decode as U+FFFD.
        let body = b"{\"jsonrpc\":\"2.0\",\"method\":\"n\",\"params\":{\"t\":\"\xff\"}}";
        match decode(body) {
            Decoded::Message(Message::Notification(n)) => {
                assert_eq!(n.params["t"], "\u{FFFD}")
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn frames_after_damaged_headers_and_a_short_content_length_are_still_read() {
        let input = b"garbage line\r\n\r\nContent-Length: 2\r\n\r\n{}X-Bad\r\n\r\n\
            Content-Length: 999999999999\r\n\r\n\
            {\"a\":1}Content-Length: 3\r\n\r\n[1]";
        let mut r = &input[..];
        let logged = std::cell::RefCell::new(Vec::new());
        let log = |m: String| logged.borrow_mut().push(m);
        assert_eq!(read_frame(&mut r, &log).unwrap().unwrap(), b"{}");
        assert_eq!(read_frame(&mut r, &log).unwrap().unwrap(), b"[1]");
        assert!(read_frame(&mut r, &log).unwrap().is_none());
        assert_eq!(logged.borrow().len(), 6, "{:?}", logged.borrow());
    }
}
