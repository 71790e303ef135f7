//! A streaming JSON tokenizer for the parts of a heap snapshot that are too large for
//! `serde_json`: arrays of unsigned integers (`nodes`, `edges`, `locations`) and the `strings`
//! array, read from 4 MiB chunks so that memory follows the decoded values, never the JSON text.
//! Other values are copied raw (or skipped) for `serde_json` to decode.
//!
//! Errors carry the byte offset in the decoded stream where reading stopped.

use super::input::Chunks;

/// A malformed or truncated JSON stream: what was wrong and where.
#[derive(Debug)]
pub(super) struct ScanError {
    /// Byte offset in the decoded stream.
    pub offset: u64,
    /// What was wrong.
    pub msg: String,
}

impl ScanError {
    /// An error at byte `offset`.
    pub(super) fn new(offset: u64, msg: impl Into<String>) -> ScanError {
        ScanError {
            offset,
            msg: msg.into(),
        }
    }
}

/// The result of a scanning step.
pub(super) type ScanResult<T> = Result<T, ScanError>;

/// Receives the values of an unsigned-integer array one by one (index, value); an `Err` stops
/// the scan with that message at the value's offset.
pub(super) trait UintSink {
    /// Takes value number `i`.
    fn put(&mut self, i: u64, v: u64) -> Result<(), String>;
}

/// A cursor over the chunked input: the current chunk, the position in it and the offset of its
/// first byte in the whole stream.
pub(super) struct Scanner<'a> {
    chunks: Chunks<'a>,
    buf: Vec<u8>,
    /// Position of the next unread byte in `buf`.
    pub(super) pos: usize,
    len: usize,
    /// Offset (in the decoded stream) of `buf[0]`.
    base: u64,
    eof: bool,
}

impl<'a> Scanner<'a> {
    /// A scanner at the start of `chunks`.
    pub(super) fn new(chunks: Chunks<'a>) -> Scanner<'a> {
        Scanner {
            chunks,
            buf: Vec::new(),
            pos: 0,
            len: 0,
            base: 0,
            eof: false,
        }
    }

    /// Offset of the next unread byte in the decoded stream.
    pub(super) fn off(&self) -> u64 {
        self.base + self.pos as u64
    }

    pub(super) fn err<T>(&self, msg: impl Into<String>) -> ScanResult<T> {
        Err(ScanError::new(self.off(), msg.into()))
    }

    /// Refills the buffer from the next chunk; returns false at end of input.
    fn fill(&mut self) -> ScanResult<bool> {
        if self.pos < self.len {
            return Ok(true);
        }
        if self.eof {
            return Ok(false);
        }
        self.base += self.len as u64;
        self.pos = 0;
        self.len = 0;
        match self.chunks.next(std::mem::take(&mut self.buf)) {
            Ok(Some(v)) => {
                self.buf = v;
                self.len = self.buf.len();
            }
            Ok(None) => self.eof = true,
            Err(msg) => {
                self.eof = true;
                return Err(ScanError::new(self.base, msg));
            }
        }
        Ok(self.len > 0)
    }

    pub(super) fn peek(&mut self) -> ScanResult<Option<u8>> {
        if self.pos == self.len && !self.fill()? {
            return Ok(None);
        }
        Ok(Some(self.buf[self.pos]))
    }

    pub(super) fn skip_ws(&mut self) -> ScanResult<()> {
        loop {
            match self.peek()? {
                Some(b' ' | b'\n' | b'\r' | b'\t') => self.pos += 1,
                _ => return Ok(()),
            }
        }
    }

    pub(super) fn eof_err<T>(&self, ctx: &str) -> ScanResult<T> {
        self.err(format!(
            "unexpected end of input (truncated file?) while reading {ctx}"
        ))
    }

    pub(super) fn expect(&mut self, b: u8, ctx: &str) -> ScanResult<()> {
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
    fn string_body(&mut self, out: &mut Vec<u8>, ctx: &str) -> ScanResult<()> {
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

    fn next_byte(&mut self, ctx: &str) -> ScanResult<u8> {
        match self.peek()? {
            Some(b) => {
                self.pos += 1;
                Ok(b)
            }
            None => self.eof_err(ctx),
        }
    }

    fn hex4(&mut self, ctx: &str) -> ScanResult<u32> {
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

    fn escape(&mut self, out: &mut Vec<u8>, ctx: &str) -> ScanResult<()> {
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

    pub(super) fn key(&mut self) -> ScanResult<String> {
        self.expect(b'"', "object key")?;
        let mut v = Vec::new();
        self.string_body(&mut v, "object key")?;
        Ok(String::from_utf8_lossy(&v).into_owned())
    }

    /// Parse an array of non-negative integers, calling `sink(index, value)` for each.
    /// Returns the number of values. Integers of more than 19 digits are rejected.
    pub(super) fn uint_array(&mut self, ctx: &str, sink: &mut impl UintSink) -> ScanResult<u64> {
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
    pub(super) fn string_array(
        &mut self,
        data: &mut String,
        offs: &mut Vec<u32>,
    ) -> ScanResult<()> {
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
    pub(super) fn raw_value(&mut self, mut out: Option<&mut Vec<u8>>, ctx: &str) -> ScanResult<()> {
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

/// Appends `c` UTF-8-encoded.
fn push_char(out: &mut Vec<u8>, c: char) {
    let mut b = [0u8; 4];
    out.extend_from_slice(c.encode_utf8(&mut b).as_bytes());
}

/// A byte for an error message: the character when printable, else its hex value.
pub(super) fn show(b: u8) -> String {
    if b.is_ascii_graphic() {
        format!("'{}'", b as char)
    } else {
        format!("byte 0x{b:02x}")
    }
}
