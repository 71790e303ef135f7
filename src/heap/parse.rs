//! Streaming byte-level parser for V8 `.heapsnapshot` files (Node and Chrome).
//!
//! Format: `docs/heap.md` §1–§6 (file layout, `snapshot.meta`, nodes, edges,
//! strings, locations). The file is one JSON object, but only the small `snapshot` header object
//! is handed to `serde_json`; the big integer arrays (`nodes`, `edges`, `locations`) and the
//! `strings` array are decoded by a hand-written scanner that reads the input in 4 MiB chunks,
//! so memory is proportional to the decoded graph, never to the JSON text. Every field is looked
//! up by name in `snapshot.meta` (never by position). Keys may appear in any order; when `nodes`
//! or `edges` arrive before `snapshot` they are buffered raw and decoded afterwards.

use std::fs::File;
use std::io::{self, IsTerminal, Read};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::sync::Arc;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde::Deserialize;

use super::HeapError;

/// Decoded, validated, but not yet indexed contents of a snapshot file.
pub(crate) struct Parsed {
    pub node_types: Vec<String>,
    pub edge_types: Vec<String>,
    pub n_type: Vec<u8>,
    pub n_name: Vec<u32>,
    pub n_id: Vec<u64>,
    pub n_size: Vec<u64>,
    pub n_edge_count: Vec<u32>,
    pub e_type: Vec<u8>,
    pub e_name: Vec<u32>,
    /// Edge target as node *ordinal* (the file stores node offsets = ordinal × node field count).
    pub e_to: Vec<u32>,
    /// (node ordinal, script id, line, column), 0-based line/column as stored (§6).
    pub locations: Vec<[u32; 4]>,
    pub str_data: String,
    pub str_offs: Vec<u32>,
    pub root: u32,
    /// First-edge/retainer index, built on a second thread while `locations`/`strings` parse.
    pub index: Option<super::graph::Index>,
}

#[derive(Deserialize)]
struct Header {
    meta: Meta,
    node_count: u64,
    edge_count: u64,
    #[serde(default)]
    root_index: Option<u64>,
}

#[derive(Deserialize)]
struct Meta {
    node_fields: Vec<String>,
    node_types: Vec<serde_json::Value>,
    edge_fields: Vec<String>,
    edge_types: Vec<serde_json::Value>,
    #[serde(default)]
    location_fields: Vec<String>,
}

/// Field positions resolved from `snapshot.meta`.
struct Layout {
    nf: usize,
    f_type: usize,
    f_name: usize,
    f_id: usize,
    f_size: usize,
    f_ecount: usize,
    ef: usize,
    e_type: usize,
    e_name: usize,
    e_to: usize,
    lf: usize,
    l_obj: usize,
    l_script: usize,
    l_line: usize,
    l_col: usize,
    node_types: Vec<String>,
    edge_types: Vec<String>,
    node_count: u64,
    edge_count: u64,
    root_index: u64,
    /// An upper bound of the decoded input's size in bytes, which bounds what is reserved up
    /// front: a header may claim any count, the file can only hold so many values.
    input_bytes: u64,
}

/// Counts bytes read from the underlying file (drives the progress bar; for `.gz` input these are
/// compressed bytes).
struct Counting<R> {
    inner: R,
    count: Arc<AtomicU64>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// Reads (and decompresses) on a background thread and hands over whole 4 MiB buffers (no copy;
/// used buffers go back for reuse), so I/O and gzip inflation overlap with scanning.
struct Chunks {
    rx: Receiver<io::Result<Vec<u8>>>,
    back: SyncSender<Vec<u8>>,
}

impl Chunks {
    fn spawn(mut r: Box<dyn Read + Send>, chunk: usize) -> Chunks {
        let (tx, rx) = sync_channel::<io::Result<Vec<u8>>>(2);
        let (back, back_rx) = sync_channel::<Vec<u8>>(4);
        std::thread::spawn(move || loop {
            let mut v = back_rx.try_recv().unwrap_or_default();
            v.resize(chunk, 0);
            let mut len = 0;
            let res = loop {
                if len == v.len() {
                    break Ok(());
                }
                match r.read(&mut v[len..]) {
                    Ok(0) => break Ok(()),
                    Ok(n) => len += n,
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                    Err(e) => break Err(e),
                }
            };
            v.truncate(len);
            if !v.is_empty() && tx.send(Ok(v)).is_err() {
                return; // parser gave up
            }
            if let Err(e) = res {
                let _ = tx.send(Err(e));
                return;
            }
            if len < chunk {
                return; // end of input: dropping tx ends the stream
            }
        });
        Chunks { rx, back }
    }
}

const CHUNK: usize = 4 << 20;

struct Scanner<'a> {
    r: Option<Box<dyn Read + 'a>>,
    chunks: Option<Chunks>,
    buf: Vec<u8>,
    pos: usize,
    len: usize,
    /// Offset (in the decoded stream) of `buf[0]`.
    base: u64,
    eof: bool,
    path: PathBuf,
    gz: bool,
    progress: Option<(ProgressBar, Arc<AtomicU64>)>,
    /// An upper bound of the decoded size in bytes ([`Layout::input_bytes`]).
    input_bytes: u64,
}

enum Err {
    At(u64, String),
}

type R<T> = Result<T, Err>;

impl<'a> Scanner<'a> {
    fn off(&self) -> u64 {
        self.base + self.pos as u64
    }

    fn err<T>(&self, msg: impl Into<String>) -> R<T> {
        Err(Err::At(self.off(), msg.into()))
    }

    /// Refill the buffer; returns false at end of input.
    fn fill(&mut self) -> R<bool> {
        if self.pos < self.len {
            return Ok(true);
        }
        if self.eof {
            return Ok(false);
        }
        self.base += self.len as u64;
        self.pos = 0;
        self.len = 0;
        if let Some(ch) = &self.chunks {
            match ch.rx.recv() {
                Ok(Ok(v)) => {
                    let old = std::mem::replace(&mut self.buf, v);
                    let _ = ch.back.try_send(old);
                    self.len = self.buf.len();
                }
                Ok(Err(e)) => {
                    self.eof = true;
                    let what = if self.gz {
                        "read/decompress error"
                    } else {
                        "read error"
                    };
                    return Err(Err::At(self.base, format!("{what}: {e}")));
                }
                Err(_) => self.eof = true,
            }
            if let Some((pb, c)) = &self.progress {
                pb.set_position(c.load(Ordering::Relaxed));
            }
            return Ok(self.len > 0);
        }
        let Some(r) = self.r.as_mut() else {
            self.eof = true;
            return Ok(false);
        };
        loop {
            match r.read(&mut self.buf[self.len..]) {
                Ok(0) => {
                    self.eof = true;
                    break;
                }
                Ok(n) => {
                    self.len += n;
                    if self.len >= self.buf.len() / 2 {
                        break;
                    }
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    let what = if self.gz {
                        "read/decompress error"
                    } else {
                        "read error"
                    };
                    return Err(Err::At(self.base + self.len as u64, format!("{what}: {e}")));
                }
            }
        }
        if let Some((pb, c)) = &self.progress {
            pb.set_position(c.load(Ordering::Relaxed));
        }
        Ok(self.len > 0)
    }

    fn peek(&mut self) -> R<Option<u8>> {
        if self.pos == self.len && !self.fill()? {
            return Ok(None);
        }
        Ok(Some(self.buf[self.pos]))
    }

    fn skip_ws(&mut self) -> R<()> {
        loop {
            match self.peek()? {
                Some(b' ' | b'\n' | b'\r' | b'\t') => self.pos += 1,
                _ => return Ok(()),
            }
        }
    }

    fn eof_err<T>(&self, ctx: &str) -> R<T> {
        self.err(format!(
            "unexpected end of input (truncated file?) while reading {ctx}"
        ))
    }

    fn expect(&mut self, b: u8, ctx: &str) -> R<()> {
        self.skip_ws()?;
        match self.peek()? {
            Some(c) if c == b => {
                self.pos += 1;
                Ok(())
            }
            Some(c) => self.err(format!(
                "expected '{}' in {ctx}, found {}",
                b as char,
                show(c)
            )),
            None => self.eof_err(ctx),
        }
    }

    /// Parse a JSON string (opening quote already consumed) and append its UTF-8 bytes to `out`.
    fn string_body(&mut self, out: &mut Vec<u8>, ctx: &str) -> R<()> {
        loop {
            if self.pos == self.len && !self.fill()? {
                return self.eof_err(ctx);
            }
            let chunk = &self.buf[self.pos..self.len];
            let stop = chunk.iter().position(|&b| b == b'"' || b == b'\\');
            match stop {
                None => {
                    out.extend_from_slice(chunk);
                    self.pos = self.len;
                }
                Some(i) => {
                    out.extend_from_slice(&chunk[..i]);
                    let c = chunk[i];
                    self.pos += i + 1;
                    if c == b'"' {
                        return Ok(());
                    }
                    self.escape(out, ctx)?;
                }
            }
        }
    }

    fn next_byte(&mut self, ctx: &str) -> R<u8> {
        match self.peek()? {
            Some(b) => {
                self.pos += 1;
                Ok(b)
            }
            None => self.eof_err(ctx),
        }
    }

    fn hex4(&mut self, ctx: &str) -> R<u32> {
        let mut v = 0u32;
        for _ in 0..4 {
            let b = self.next_byte(ctx)?;
            let d = match b {
                b'0'..=b'9' => b - b'0',
                b'a'..=b'f' => b - b'a' + 10,
                b'A'..=b'F' => b - b'A' + 10,
                _ => {
                    self.pos -= 1;
                    return self.err(format!("bad \\u escape in {ctx}: {}", show(b)));
                }
            };
            v = v * 16 + d as u32;
        }
        Ok(v)
    }

    fn escape(&mut self, out: &mut Vec<u8>, ctx: &str) -> R<()> {
        let b = self.next_byte(ctx)?;
        let c = match b {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => {
                let hi = self.hex4(ctx)?;
                if (0xD800..0xDC00).contains(&hi) {
                    // Possible surrogate pair.
                    if self.peek()? == Some(b'\\') {
                        self.pos += 1;
                        if self.peek()? == Some(b'u') {
                            self.pos += 1;
                            let lo = self.hex4(ctx)?;
                            if (0xDC00..0xE000).contains(&lo) {
                                let cp = 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00);
                                char::from_u32(cp).unwrap_or('\u{FFFD}')
                            } else {
                                push_char(out, '\u{FFFD}');
                                char::from_u32(lo).unwrap_or('\u{FFFD}')
                            }
                        } else {
                            push_char(out, '\u{FFFD}');
                            return self.escape(out, ctx);
                        }
                    } else {
                        '\u{FFFD}'
                    }
                } else {
                    char::from_u32(hi).unwrap_or('\u{FFFD}')
                }
            }
            _ => {
                self.pos -= 1;
                return self.err(format!("bad escape in {ctx}: \\{}", b as char));
            }
        };
        push_char(out, c);
        Ok(())
    }

    fn key(&mut self) -> R<String> {
        self.expect(b'"', "object key")?;
        let mut v = Vec::new();
        self.string_body(&mut v, "object key")?;
        Ok(String::from_utf8_lossy(&v).into_owned())
    }

    /// Parse an array of non-negative integers, calling `sink(index, value)` for each.
    /// Returns the number of values. Integers of more than 19 digits are rejected.
    fn uint_array(&mut self, ctx: &str, sink: &mut impl Sink) -> R<u64> {
        self.expect(b'[', ctx)?;
        let mut acc: u64 = 0;
        let mut ndig: u32 = 0;
        let mut in_num = false;
        let mut need_value = true;
        let mut count: u64 = 0;
        loop {
            if self.pos == self.len && !self.fill()? {
                return self.eof_err(ctx);
            }
            let end = self.len;
            let buf = &self.buf[..end];
            let mut i = self.pos;
            // Outcome of scanning this chunk: Ok(true) = array closed, Ok(false) = need more input.
            let res: Result<bool, (usize, String)> = 'chunk: {
                while i < end {
                    let b = buf[i];
                    if b.wrapping_sub(b'0') <= 9 {
                        if !in_num {
                            if !need_value {
                                break 'chunk Err((i, format!("expected ',' or ']' in {ctx}")));
                            }
                            in_num = true;
                            need_value = false;
                            acc = 0;
                            ndig = 0;
                        }
                        let start = i;
                        while i < end {
                            let d = buf[i].wrapping_sub(b'0');
                            if d > 9 {
                                break;
                            }
                            acc = acc.wrapping_mul(10).wrapping_add(d as u64);
                            i += 1;
                        }
                        ndig += (i - start) as u32;
                        if ndig > 19 {
                            break 'chunk Err((start, format!("integer too large in {ctx}")));
                        }
                        continue;
                    }
                    match b {
                        b',' | b']' | b' ' | b'\n' | b'\r' | b'\t' => {
                            if in_num {
                                in_num = false;
                                if let Err(m) = sink.put(count, acc) {
                                    break 'chunk Err((
                                        i,
                                        format!("{m} (value #{count} of {ctx})"),
                                    ));
                                }
                                count += 1;
                            }
                            if b == b',' {
                                if need_value {
                                    break 'chunk Err((i, format!("unexpected ',' in {ctx}")));
                                }
                                need_value = true;
                            } else if b == b']' {
                                if need_value && count > 0 {
                                    break 'chunk Err((i, format!("trailing ',' in {ctx}")));
                                }
                                i += 1;
                                break 'chunk Ok(true);
                            }
                        }
                        _ => {
                            let what = match b {
                                b'-' => "negative number".to_string(),
                                b'.' | b'e' | b'E' => "non-integer number".to_string(),
                                _ => format!("unexpected {}", show(b)),
                            };
                            break 'chunk Err((
                                i,
                                format!("{what} in {ctx} (expected unsigned integers)"),
                            ));
                        }
                    }
                    i += 1;
                }
                Ok(false)
            };
            match res {
                Ok(true) => {
                    self.pos = i;
                    return Ok(count);
                }
                Ok(false) => self.pos = end,
                Err((at, msg)) => {
                    self.pos = at;
                    return self.err(msg);
                }
            }
        }
    }

    /// Parse the `strings` array into one contiguous buffer plus offsets.
    fn string_array(&mut self, data: &mut String, offs: &mut Vec<u32>) -> R<()> {
        let ctx = "strings array";
        self.expect(b'[', ctx)?;
        offs.clear();
        offs.push(0);
        let mut scratch = Vec::new();
        self.skip_ws()?;
        if self.peek()? == Some(b']') {
            self.pos += 1;
            return Ok(());
        }
        loop {
            self.skip_ws()?;
            match self.peek()? {
                Some(b'"') => self.pos += 1,
                Some(c) => {
                    return self.err(format!("expected a string in {ctx}, found {}", show(c)))
                }
                None => return self.eof_err(ctx),
            }
            scratch.clear();
            self.string_body(&mut scratch, ctx)?;
            match std::str::from_utf8(&scratch) {
                Ok(s) => data.push_str(s),
                Err(_) => data.push_str(&String::from_utf8_lossy(&scratch)),
            }
            if data.len() > u32::MAX as usize {
                return self.err("string table larger than 4 GiB");
            }
            offs.push(data.len() as u32);
            self.skip_ws()?;
            match self.peek()? {
                Some(b',') => self.pos += 1,
                Some(b']') => {
                    self.pos += 1;
                    return Ok(());
                }
                Some(c) => {
                    return self.err(format!("expected ',' or ']' in {ctx}, found {}", show(c)))
                }
                None => return self.eof_err(ctx),
            }
        }
    }

    /// Copy the raw bytes of one JSON value (object/array/string/scalar) into `out` (if given).
    fn raw_value(&mut self, mut out: Option<&mut Vec<u8>>, ctx: &str) -> R<()> {
        self.skip_ws()?;
        let mut depth: usize = 0;
        let mut in_str = false;
        let mut esc = false;
        let mut started = false;
        loop {
            if self.pos == self.len && !self.fill()? {
                if started && depth == 0 && !in_str {
                    return Ok(()); // scalar at end of input
                }
                return self.eof_err(ctx);
            }
            let b = self.buf[self.pos];
            if in_str {
                if esc {
                    esc = false;
                } else if b == b'\\' {
                    esc = true;
                } else if b == b'"' {
                    in_str = false;
                    if depth == 0 {
                        self.pos += 1;
                        if let Some(o) = out.as_deref_mut() {
                            o.push(b);
                        }
                        return Ok(());
                    }
                }
            } else {
                match b {
                    b'"' => in_str = true,
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        if depth == 0 {
                            if !started {
                                return self
                                    .err(format!("expected a value in {ctx}, found {}", show(b)));
                            }
                            return Ok(()); // end of a scalar
                        }
                        depth -= 1;
                        if depth == 0 {
                            self.pos += 1;
                            if let Some(o) = out.as_deref_mut() {
                                o.push(b);
                            }
                            return Ok(());
                        }
                    }
                    b',' if depth == 0 => {
                        if !started {
                            return self.err(format!("expected a value in {ctx}"));
                        }
                        return Ok(());
                    }
                    _ => {}
                }
            }
            started = true;
            if let Some(o) = out.as_deref_mut() {
                o.push(b);
            }
            self.pos += 1;
        }
    }
}

fn push_char(out: &mut Vec<u8>, c: char) {
    let mut b = [0u8; 4];
    out.extend_from_slice(c.encode_utf8(&mut b).as_bytes());
}

fn show(b: u8) -> String {
    if b.is_ascii_graphic() {
        format!("'{}'", b as char)
    } else {
        format!("byte 0x{b:02x}")
    }
}

fn field(fields: &[String], name: &str) -> Result<usize, String> {
    fields
        .iter()
        .position(|f| f == name)
        .ok_or_else(|| format!("snapshot.meta lacks the field `{name}` (fields: {fields:?})"))
}

fn enum_list(types: &[serde_json::Value], idx: usize, what: &str) -> Result<Vec<String>, String> {
    let list = types
        .get(idx)
        .and_then(|v| v.as_array())
        .ok_or_else(|| format!("snapshot.meta.{what}[{idx}] is not a list of type names"))?;
    let out: Vec<String> = list
        .iter()
        .map(|v| v.as_str().unwrap_or("").to_string())
        .collect();
    if out.len() > 255 {
        return Err(format!("snapshot.meta.{what} has more than 255 types"));
    }
    // Types are looked up by name: a name listed twice would give one kind two numbers, and the
    // second would be read as another kind (an element index as a string index).
    for (i, t) in out.iter().enumerate() {
        if out[..i].contains(t) {
            return Err(format!("snapshot.meta.{what} lists the type {t:?} twice"));
        }
    }
    Ok(out)
}

impl Layout {
    fn from_header(h: Header) -> Result<Layout, String> {
        let m = &h.meta;
        let f_type = field(&m.node_fields, "type")?;
        let e_type = field(&m.edge_fields, "type")?;
        let node_types = enum_list(&m.node_types, f_type, "node_types")?;
        let edge_types = enum_list(&m.edge_types, e_type, "edge_types")?;
        let (lf, l_obj, l_script, l_line, l_col) = if m.location_fields.is_empty() {
            (4, 0, 1, 2, 3)
        } else {
            let lf = &m.location_fields;
            (
                lf.len(),
                field(lf, "object_index")?,
                field(lf, "script_id")?,
                field(lf, "line")?,
                field(lf, "column")?,
            )
        };
        let nf = m.node_fields.len();
        if nf > MAX_FIELDS || m.edge_fields.len() > MAX_FIELDS || lf > MAX_FIELDS {
            return Err(format!(
                "snapshot.meta has more than {MAX_FIELDS} fields per record"
            ));
        }
        if h.node_count >= u32::MAX as u64 {
            return Err(format!("node_count {} is too large", h.node_count));
        }
        if h.edge_count >= u32::MAX as u64 {
            return Err(format!(
                "edge_count {} is too large (max 2^32-1 edges)",
                h.edge_count
            ));
        }
        Ok(Layout {
            nf,
            f_type,
            f_name: field(&m.node_fields, "name")?,
            f_id: field(&m.node_fields, "id")?,
            f_size: field(&m.node_fields, "self_size")?,
            f_ecount: field(&m.node_fields, "edge_count")?,
            ef: m.edge_fields.len(),
            e_type,
            e_name: field(&m.edge_fields, "name_or_index")?,
            e_to: field(&m.edge_fields, "to_node")?,
            lf,
            l_obj,
            l_script,
            l_line,
            l_col,
            node_types,
            edge_types,
            node_count: h.node_count,
            edge_count: h.edge_count,
            root_index: h.root_index.unwrap_or(0),
            input_bytes: u64::MAX,
        })
    }
}

/// Per-array decoders: they turn the flat value stream into struct-of-arrays columns.
#[derive(Default)]
struct Cols {
    n_type: Vec<u8>,
    n_name: Vec<u32>,
    n_id: Vec<u64>,
    n_size: Vec<u64>,
    n_ecount: Vec<u32>,
    e_type: Vec<u8>,
    e_name: Vec<u32>,
    e_to: Vec<u32>,
    locations: Vec<[u32; 4]>,
}

fn to_u32(v: u64, what: &str) -> Result<u32, String> {
    u32::try_from(v).map_err(|_| format!("{what} {v} does not fit in 32 bits"))
}

/// Receives the values of an integer array one by one (index, value).
trait Sink {
    fn put(&mut self, i: u64, v: u64) -> Result<(), String>;
}

/// Most fields per record we accept (V8 has 7 node, 3 edge, 4 location fields).
const MAX_FIELDS: usize = 32;

/// Buffers the raw array when it arrives before `snapshot.meta`.
struct RawSink(Vec<u64>);

impl Sink for RawSink {
    #[inline(always)]
    fn put(&mut self, _: u64, v: u64) -> Result<(), String> {
        self.0.push(v);
        Ok(())
    }
}

/// Decodes `nodes` records into columns (fields by name from `snapshot.meta`).
struct NodeSink<'a> {
    l: &'a Layout,
    c: &'a mut Cols,
    rec: [u64; MAX_FIELDS],
    f: usize,
    ntypes: u64,
    max_values: u64,
}

impl<'a> NodeSink<'a> {
    fn new(l: &'a Layout, c: &'a mut Cols) -> Self {
        // Each value takes at least two bytes of JSON (a digit and a comma).
        let fits = l.input_bytes / (2 * l.nf as u64);
        let cap = l.node_count.min(fits).min(1 << 28) as usize;
        c.n_type.reserve(cap);
        c.n_name.reserve(cap);
        c.n_id.reserve(cap);
        c.n_size.reserve(cap);
        c.n_ecount.reserve(cap);
        NodeSink {
            l,
            c,
            rec: [0; MAX_FIELDS],
            f: 0,
            ntypes: l.node_types.len() as u64,
            max_values: l.node_count * l.nf as u64,
        }
    }
}

impl Sink for NodeSink<'_> {
    #[inline(always)]
    fn put(&mut self, i: u64, v: u64) -> Result<(), String> {
        if i >= self.max_values {
            return Err(format!(
                "more node values than node_count {} × {} fields",
                self.l.node_count, self.l.nf
            ));
        }
        self.rec[self.f] = v;
        self.f += 1;
        if self.f == self.l.nf {
            self.f = 0;
            let (l, r) = (self.l, &self.rec);
            let t = r[l.f_type];
            if t >= self.ntypes {
                return Err(format!("node type {t} is not in snapshot.meta.node_types"));
            }
            self.c.n_type.push(t as u8);
            self.c.n_name.push(to_u32(r[l.f_name], "node name index")?);
            self.c.n_id.push(r[l.f_id]);
            self.c.n_size.push(r[l.f_size]);
            self.c.n_ecount.push(to_u32(r[l.f_ecount], "edge_count")?);
        }
        Ok(())
    }
}

/// Decodes `edges` records; `to_node` offsets become node ordinals.
struct EdgeSink<'a> {
    l: &'a Layout,
    c: &'a mut Cols,
    rec: [u64; MAX_FIELDS],
    f: usize,
    etypes: u64,
    max_values: u64,
}

impl<'a> EdgeSink<'a> {
    fn new(l: &'a Layout, c: &'a mut Cols) -> Self {
        let fits = l.input_bytes / (2 * l.ef as u64);
        let cap = l.edge_count.min(fits).min(1 << 30) as usize;
        c.e_type.reserve(cap);
        c.e_name.reserve(cap);
        c.e_to.reserve(cap);
        EdgeSink {
            l,
            c,
            rec: [0; MAX_FIELDS],
            f: 0,
            etypes: l.edge_types.len() as u64,
            max_values: l.edge_count * l.ef as u64,
        }
    }
}

impl Sink for EdgeSink<'_> {
    #[inline(always)]
    fn put(&mut self, i: u64, v: u64) -> Result<(), String> {
        if i >= self.max_values {
            return Err(format!(
                "more edge values than edge_count {} × {} fields",
                self.l.edge_count, self.l.ef
            ));
        }
        self.rec[self.f] = v;
        self.f += 1;
        if self.f == self.l.ef {
            self.f = 0;
            let (l, r) = (self.l, &self.rec);
            let t = r[l.e_type];
            if t >= self.etypes {
                return Err(format!("edge type {t} is not in snapshot.meta.edge_types"));
            }
            let to = r[l.e_to];
            let nf = l.nf as u64;
            // One 32-bit division (offsets < 2^32 in practice); the check catches the rest.
            let q = if to <= u32::MAX as u64 {
                (to as u32 / l.nf as u32) as u64
            } else {
                to / nf
            };
            if q * nf != to || q >= l.node_count {
                return Err(format!(
                    "edge to_node {to} is not a valid node offset (multiple of {nf}, < {})",
                    l.node_count * nf
                ));
            }
            self.c.e_type.push(t as u8);
            self.c
                .e_name
                .push(to_u32(r[l.e_name], "edge name_or_index")?);
            self.c.e_to.push(q as u32);
        }
        Ok(())
    }
}

/// Decodes `locations` records into (node ordinal, script id, line, column).
struct LocSink<'a> {
    l: &'a Layout,
    c: &'a mut Cols,
    rec: [u64; MAX_FIELDS],
    f: usize,
}

impl Sink for LocSink<'_> {
    #[inline(always)]
    fn put(&mut self, _: u64, v: u64) -> Result<(), String> {
        self.rec[self.f] = v;
        self.f += 1;
        if self.f == self.l.lf {
            self.f = 0;
            let (l, r) = (self.l, &self.rec);
            let nf = l.nf as u64;
            let obj = r[l.l_obj];
            if obj % nf != 0 || obj / nf >= l.node_count {
                return Err(format!(
                    "location object_index {obj} is not a valid node offset"
                ));
            }
            self.c.locations.push([
                (obj / nf) as u32,
                to_u32(r[l.l_script], "script_id")?,
                to_u32(r[l.l_line], "line")?,
                to_u32(r[l.l_col], "column")?,
            ]);
        }
        Ok(())
    }
}

fn replay(raw: &[u64], sink: &mut impl Sink) -> Result<(), String> {
    for (i, &v) in raw.iter().enumerate() {
        sink.put(i as u64, v)?;
    }
    Ok(())
}

/// Background job building the retainer index: gives back (edge counts, edge targets, index).
type IndexJob = std::thread::JoinHandle<(Vec<u32>, Vec<u32>, super::graph::Index)>;

/// Open `path` (plain or gzip, detected by magic bytes) and parse it.
pub(crate) fn parse_file(path: &Path) -> Result<Parsed, HeapError> {
    let file = File::open(path).map_err(|e| HeapError::Io {
        path: path.to_path_buf(),
        offset: 0,
        source: e,
    })?;
    let total = file.metadata().map(|m| m.len()).unwrap_or(0);
    let count = Arc::new(AtomicU64::new(0));
    let mut counting = Counting {
        inner: file,
        count: count.clone(),
    };
    let mut magic = [0u8; 2];
    let mut got = 0;
    while got < 2 {
        match counting.read(&mut magic[got..]) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => {
                return Err(HeapError::Io {
                    path: path.to_path_buf(),
                    offset: 0,
                    source: e,
                })
            }
        }
    }
    let head = io::Cursor::new(magic[..got].to_vec());
    let gz = got == 2 && magic == [0x1f, 0x8b];
    let reader: Box<dyn Read + Send> = if gz {
        Box::new(flate2::read::MultiGzDecoder::new(
            io::BufReader::with_capacity(1 << 20, head.chain(counting)),
        ))
    } else {
        Box::new(head.chain(counting))
    };
    // Small files get small buffers (tests load hundreds of tiny snapshots).
    let chunk = if gz {
        CHUNK
    } else {
        (total as usize + 1).clamp(64 << 10, CHUNK)
    };
    let chunks = Chunks::spawn(reader, chunk);
    let pb = if std::io::stderr().is_terminal() && total > 32 << 20 {
        let pb = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
        if let Ok(style) = ProgressStyle::with_template(
            "{msg} [{bar:30}] {bytes}/{total_bytes} ({bytes_per_sec}, {eta})",
        ) {
            pb.set_style(style.progress_chars("=> "));
        }
        pb.set_message(format!(
            "parsing {}",
            path.file_name()
                .map(|s| s.to_string_lossy())
                .unwrap_or_default()
        ));
        Some((pb, count))
    } else {
        None
    };
    // A gzip file decodes to more than its size: heap snapshots compress about tenfold, and 16×
    // keeps reservations within a small multiple of what a real snapshot needs.
    let input_bytes = if gz { total.saturating_mul(16) } else { total };
    let res = parse_source(None, Some(chunks), path, gz, pb.clone(), input_bytes);
    if let Some((pb, _)) = pb {
        pb.finish_and_clear();
    }
    res
}

/// Parse a snapshot from any reader (already decompressed). `path` is only used in errors.
fn parse_source(
    r: Option<Box<dyn Read + '_>>,
    chunks: Option<Chunks>,
    path: &Path,
    gz: bool,
    progress: Option<(ProgressBar, Arc<AtomicU64>)>,
    input_bytes: u64,
) -> Result<Parsed, HeapError> {
    let mut s = Scanner {
        r,
        buf: if chunks.is_some() {
            Vec::new()
        } else {
            vec![0u8; CHUNK]
        },
        chunks,
        pos: 0,
        len: 0,
        base: 0,
        eof: false,
        path: path.to_path_buf(),
        gz,
        progress,
        input_bytes,
    };
    let wrap = |s: &Scanner, e: Err| {
        let Err::At(offset, msg) = e;
        HeapError::Format {
            path: s.path.clone(),
            offset,
            msg,
            decompressed: s.gz,
        }
    };
    match run(&mut s) {
        Ok(p) => Ok(p),
        Err(e) => Err(wrap(&s, e)),
    }
}

fn run(s: &mut Scanner) -> R<Parsed> {
    s.skip_ws()?;
    match s.peek()? {
        None => return s.err("empty file: not a heap snapshot"),
        Some(b'{') => s.pos += 1,
        Some(c) => {
            return s.err(format!(
                "not a heap snapshot: expected a JSON object starting with '{{', found {}",
                show(c)
            ))
        }
    }
    let mut layout: Option<Layout> = None;
    let mut cols = Cols::default();
    let mut raw_nodes: Option<Vec<u64>> = None;
    let mut raw_edges: Option<Vec<u64>> = None;
    let mut raw_locs: Option<Vec<u64>> = None;
    let mut have_nodes = false;
    let mut have_edges = false;
    let mut have_strings = false;
    let mut str_data = String::new();
    let mut str_offs = Vec::new();
    let mut first = true;
    let mut seen_keys: Vec<String> = Vec::new();
    let mut pending: Option<IndexJob> = None;
    loop {
        s.skip_ws()?;
        match s.peek()? {
            Some(b'}') => {
                s.pos += 1;
                break;
            }
            Some(b',') if !first => s.pos += 1,
            Some(c) if first => {
                if c != b'"' {
                    return s.err(format!("expected a key, found {}", show(c)));
                }
            }
            Some(c) => {
                return s.err(format!(
                    "expected ',' or '}}' after a top-level value, found {}",
                    show(c)
                ))
            }
            None => return s.eof_err("top-level object"),
        }
        first = false;
        let key_off = s.off();
        let key = s.key()?;
        // A repeated key would decode its array twice into the same columns, or change the
        // layout under arrays already decoded.
        if seen_keys.contains(&key) {
            return Err(Err::At(
                key_off,
                format!("the key `{key}` appears twice in the snapshot object"),
            ));
        }
        seen_keys.push(key.clone());
        let t_key = std::time::Instant::now();
        s.expect(b':', "top-level object")?;
        s.skip_ws()?;
        let value_off = s.off();
        match key.as_str() {
            "snapshot" => {
                let mut raw = Vec::new();
                s.raw_value(Some(&mut raw), "snapshot header")?;
                let h: Header = serde_json::from_slice(&raw)
                    .map_err(|e| Err::At(value_off, format!("invalid `snapshot` header: {e}")))?;
                let mut l = Layout::from_header(h).map_err(|m| Err::At(value_off, m))?;
                l.input_bytes = s.input_bytes;
                // Decode arrays that came before the header.
                if let Some(raw) = raw_nodes.take() {
                    replay(&raw, &mut NodeSink::new(&l, &mut cols))
                        .map_err(|m| Err::At(value_off, m))?;
                }
                if let Some(raw) = raw_edges.take() {
                    replay(&raw, &mut EdgeSink::new(&l, &mut cols))
                        .map_err(|m| Err::At(value_off, m))?;
                }
                if let Some(raw) = raw_locs.take() {
                    replay(
                        &raw,
                        &mut LocSink {
                            l: &l,
                            c: &mut cols,
                            rec: [0; MAX_FIELDS],
                            f: 0,
                        },
                    )
                    .map_err(|m| Err::At(value_off, m))?;
                }
                layout = Some(l);
            }
            "nodes" => {
                have_nodes = true;
                match &layout {
                    Some(l) => {
                        s.uint_array("nodes array", &mut NodeSink::new(l, &mut cols))?;
                    }
                    None => {
                        let mut v = RawSink(Vec::new());
                        s.uint_array("nodes array", &mut v)?;
                        raw_nodes = Some(v.0);
                    }
                }
            }
            "edges" => {
                have_edges = true;
                match &layout {
                    Some(l) => {
                        s.uint_array("edges array", &mut EdgeSink::new(l, &mut cols))?;
                    }
                    None => {
                        let mut v = RawSink(Vec::new());
                        s.uint_array("edges array", &mut v)?;
                        raw_edges = Some(v.0);
                    }
                }
            }
            "locations" => match &layout {
                Some(l) => {
                    s.uint_array(
                        "locations array",
                        &mut LocSink {
                            l,
                            c: &mut cols,
                            rec: [0; MAX_FIELDS],
                            f: 0,
                        },
                    )?;
                }
                None => {
                    let mut v = RawSink(Vec::new());
                    s.uint_array("locations array", &mut v)?;
                    raw_locs = Some(v.0);
                }
            },
            "strings" => {
                have_strings = true;
                s.string_array(&mut str_data, &mut str_offs)?;
            }
            _ => s.raw_value(None, &format!("`{key}`"))?,
        }
        if std::env::var_os("LEAKLINT_HEAP_TRACE").is_some() {
            eprintln!("parse `{key}`: {:.2?}", t_key.elapsed());
        }
        if pending.is_none() {
            if let Some(l) = &layout {
                let complete = cols.n_ecount.len() as u64 == l.node_count
                    && cols.e_to.len() as u64 == l.edge_count
                    && cols.n_ecount.iter().map(|&c| c as u64).sum::<u64>() == l.edge_count;
                if complete && have_nodes && have_edges {
                    let ec = std::mem::take(&mut cols.n_ecount);
                    let et = std::mem::take(&mut cols.e_to);
                    pending = Some(std::thread::spawn(move || {
                        let ix = super::graph::build_index(&ec, &et);
                        (ec, et, ix)
                    }));
                }
            }
        }
    }
    s.skip_ws()?;
    if let Some(c) = s.peek()? {
        return s.err(format!(
            "trailing data after the snapshot object: {}",
            show(c)
        ));
    }
    let end = s.off();
    let mut index = None;
    if let Some(h) = pending {
        let (ec, et, ix) = h
            .join()
            .map_err(|_| Err::At(end, "internal error while indexing edges".into()))?;
        cols.n_ecount = ec;
        cols.e_to = et;
        index = Some(ix);
    }
    let at = |m: String| Err::At(end, m);
    let l = layout
        .ok_or_else(|| at("not a heap snapshot: no `snapshot` header (snapshot.meta)".into()))?;
    if !have_nodes || !have_edges || !have_strings {
        let missing: Vec<&str> = [
            ("nodes", have_nodes),
            ("edges", have_edges),
            ("strings", have_strings),
        ]
        .iter()
        .filter(|(_, h)| !h)
        .map(|(k, _)| *k)
        .collect();
        return Err(at(format!(
            "not a complete heap snapshot: missing {}",
            missing.join(", ")
        )));
    }
    let n = cols.n_type.len();
    if n as u64 != l.node_count || cols.n_ecount.len() != n || cols.n_id.len() != n {
        return Err(at(format!(
            "nodes array holds {} complete nodes but snapshot.node_count is {}",
            cols.n_ecount.len().min(n),
            l.node_count
        )));
    }
    if cols.e_to.len() as u64 != l.edge_count || cols.e_type.len() != cols.e_to.len() {
        return Err(at(format!(
            "edges array holds {} complete edges but snapshot.edge_count is {}",
            cols.e_to.len(),
            l.edge_count
        )));
    }
    let sum: u64 = cols.n_ecount.iter().map(|&c| c as u64).sum();
    if sum != l.edge_count {
        return Err(at(format!(
            "sum of node edge_count fields is {sum}, snapshot.edge_count is {}",
            l.edge_count
        )));
    }
    let nstr = str_offs.len().saturating_sub(1) as u64;
    if let Some(bad) = cols.n_name.iter().find(|&&x| x as u64 >= nstr) {
        return Err(at(format!(
            "node name index {bad} is outside the strings array ({nstr} strings)"
        )));
    }
    // name_or_index is a string index except for element/hidden edges (§4).
    let numeric: Vec<bool> = l
        .edge_types
        .iter()
        .map(|t| t == "element" || t == "hidden")
        .collect();
    for (t, &nm) in cols.e_type.iter().zip(cols.e_name.iter()) {
        if !numeric[*t as usize] && nm as u64 >= nstr {
            return Err(at(format!(
                "edge name index {nm} is outside the strings array ({nstr} strings)"
            )));
        }
    }
    if n == 0 {
        return Err(at("heap snapshot has no nodes".into()));
    }
    // DevTools: `root_index` is a node offset into the nodes array; V8 always uses 0.
    if l.root_index % l.nf as u64 != 0 || l.root_index / l.nf as u64 >= l.node_count {
        return Err(at(format!(
            "snapshot.root_index {} is not a node offset",
            l.root_index
        )));
    }
    let root = (l.root_index / l.nf as u64) as u32;
    if !cols.locations.is_sorted_by_key(|x| x[0]) {
        cols.locations.sort_unstable_by_key(|x| x[0]);
    }
    Ok(Parsed {
        node_types: l.node_types,
        edge_types: l.edge_types,
        n_type: cols.n_type,
        n_name: cols.n_name,
        n_id: cols.n_id,
        n_size: cols.n_size,
        n_edge_count: cols.n_ecount,
        e_type: cols.e_type,
        e_name: cols.e_name,
        e_to: cols.e_to,
        locations: cols.locations,
        str_data,
        str_offs,
        root,
        index,
    })
}
