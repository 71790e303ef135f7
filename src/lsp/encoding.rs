//! LSP positions ↔ byte offsets, in the position encoding negotiated at `initialize`
//! (LSP 3.17 §"Position", `PositionEncodingKind`): UTF-16 code units by default, UTF-8 bytes when
//! the client offers `utf-8` in `general.positionEncodings`.

use gen_lsp_types::{Position, Range};

use crate::diagnostic::ByteSpan;
use crate::source::LineIndex;

/// The unit of `Position.character`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// Bytes of UTF-8 (`"utf-8"`).
    Utf8,
    /// UTF-16 code units (`"utf-16"`, the protocol's mandatory default).
    Utf16,
}

impl Encoding {
    /// Picks UTF-8 when the client lists `"utf-8"` among `general.positionEncodings` (it is
    /// cheaper for us: byte columns need no re-counting), else UTF-16, which every client supports.
    pub fn negotiate(offered: &[String]) -> Encoding {
        if offered.iter().any(|e| e == "utf-8") {
            Encoding::Utf8
        } else {
            Encoding::Utf16
        }
    }

    /// The protocol name for `ServerCapabilities.positionEncoding`.
    pub fn as_str(self) -> &'static str {
        match self {
            Encoding::Utf8 => "utf-8",
            Encoding::Utf16 => "utf-16",
        }
    }
}

/// A text with its line index, for converting positions in both directions.
pub struct PositionMap<'a> {
    text: &'a str,
    index: &'a LineIndex,
    encoding: Encoding,
}

impl<'a> PositionMap<'a> {
    /// A converter over `text`, whose line index is `index`, in `encoding`.
    pub fn new(text: &'a str, index: &'a LineIndex, encoding: Encoding) -> PositionMap<'a> {
        PositionMap {
            text,
            index,
            encoding,
        }
    }

    /// The 0-based LSP position of byte `offset` (clamped to the text).
    pub fn position(&self, offset: u32) -> Position {
        let offset = offset.min(self.text.len() as u32);
        let p = match self.encoding {
            Encoding::Utf16 => self.index.position(self.text, offset),
            Encoding::Utf8 => self.index.position_utf8(offset),
        };
        Position {
            line: p.line - 1,
            character: p.column - 1,
        }
    }

    /// The LSP range of byte span `span`.
    pub fn range(&self, span: ByteSpan) -> Range {
        Range {
            start: self.position(span.start),
            end: self.position(span.end),
        }
    }

    /// The LSP range of a range in another file, whose text is not at hand
    /// ([`crate::diagnostic::ElsewhereLabel`]): its UTF-16 columns as they are, or with UTF-8
    /// positions the start of each line (a UTF-16 column cannot be turned into bytes without
    /// the line's text).
    pub fn range_elsewhere(&self, range: crate::source::PositionRange) -> Range {
        let at = |p: crate::source::Position| Position {
            line: p.line - 1,
            character: match self.encoding {
                Encoding::Utf16 => p.column - 1,
                Encoding::Utf8 => 0,
            },
        };
        Range {
            start: at(range.start),
            end: at(range.end),
        }
    }

    /// The byte offset of LSP position `pos`. As the spec asks, a `character` past the end of the
    /// line means the line end, and a `line` past the last line means the end of the text; a
    /// UTF-8 column inside a multi-byte character rounds down to the character start.
    pub fn offset(&self, pos: Position) -> usize {
        match self.encoding {
            // Saturating: `line`/`character` may be `u32::MAX` (clients use it for "the end");
            // `+ 1` would wrap to 0 and put an edit at the start of the document instead.
            Encoding::Utf16 => self.index.offset(
                self.text,
                pos.line.saturating_add(1),
                pos.character.saturating_add(1),
            ) as usize,
            Encoding::Utf8 => {
                let line = pos.line as usize;
                if line >= self.index.line_count() {
                    return self.text.len();
                }
                let start = self.index.line_start(line) as usize;
                let next = if line + 1 < self.index.line_count() {
                    self.index.line_start(line + 1) as usize
                } else {
                    self.text.len()
                };
                let body = self.text[start..next].trim_end_matches(['\n', '\r']);
                let mut at = start + (pos.character as usize).min(body.len());
                while !self.text.is_char_boundary(at) {
                    at -= 1;
                }
                at
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn non_ascii_columns_differ_by_encoding() {
        let text = "é😀x\nab";
        let index = LineIndex::new(text);
        let x = text.find('x').unwrap() as u32;
        let u16 = PositionMap::new(text, &index, Encoding::Utf16);
        let u8 = PositionMap::new(text, &index, Encoding::Utf8);
        assert_eq!(u16.position(x), Position::new(0, 3));
        assert_eq!(u8.position(x), Position::new(0, 6));
        assert_eq!(u16.offset(Position::new(0, 3)), x as usize);
        assert_eq!(u8.offset(Position::new(0, 6)), x as usize);
        // Past the line end clamps to it; past the last line means the end.
        assert_eq!(u8.offset(Position::new(0, 99)), x as usize + 1);
        assert_eq!(u16.offset(Position::new(9, 0)), text.len());
        // Inside the emoji rounds down to its start.
        assert_eq!(u8.offset(Position::new(0, 3)), 2);
        // The largest positions mean the end, in either encoding (not the start, by wrapping).
        for map in [&u16, &u8] {
            assert_eq!(map.offset(Position::new(u32::MAX, u32::MAX)), text.len());
            assert_eq!(map.offset(Position::new(0, u32::MAX)), x as usize + 1);
        }
    }
}
