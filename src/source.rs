//! Source files: which syntax a path is parsed with, and the line index that turns byte offsets
//! into 1-based lines and columns.

use std::path::Path;

/// The dialect a file is parsed as, chosen from its extension (for a component, from each script
/// block's `lang`: [`crate::sfc`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// `.js .jsx .mjs .cjs`: ECMAScript with JSX allowed.
    JavaScript,
    /// `.ts .mts .cts`: TypeScript without JSX (so `<T>expr` casts parse).
    TypeScript,
    /// `.tsx`: TypeScript with JSX.
    Tsx,
}

/// The eight script extensions leaklint lints, without the dot; it also lints the script blocks
/// of the components in [`crate::sfc::EXTENSIONS`].
pub const EXTENSIONS: [&str; 8] = ["js", "jsx", "mjs", "cjs", "ts", "tsx", "mts", "cts"];

impl Dialect {
    /// Picks the dialect for `path` from its extension; `None` for anything that is not one of
    /// [`EXTENSIONS`] or a component ([`crate::sfc::EXTENSIONS`]) and for TypeScript declaration
    /// files (`.d.ts`, `.d.mts`, `.d.cts`), which hold no runtime code. For a component it is the
    /// dialect of a script block without `lang` (JavaScript; TypeScript for `.astro`): the linter
    /// takes each block's own from [`crate::sfc::units`].
    pub fn from_path(path: &Path) -> Option<Dialect> {
        // On bytes, not `str`: a name that is not UTF-8 (`caf\xe9.js` from a Latin-1 tree) is
        // still a JavaScript file.
        let name = path.file_name()?.as_encoded_bytes();
        if name.ends_with(b".d.ts") || name.ends_with(b".d.mts") || name.ends_with(b".d.cts") {
            return None;
        }
        // The extension from the name already found: `Path::extension` would parse the path
        // again (asked twice for every file).
        match extension_of(name)? {
            b"js" | b"jsx" | b"mjs" | b"cjs" => Some(Dialect::JavaScript),
            b"ts" | b"mts" | b"cts" => Some(Dialect::TypeScript),
            b"tsx" => Some(Dialect::Tsx),
            b"vue" | b"svelte" => Some(Dialect::JavaScript),
            b"astro" => Some(Dialect::TypeScript),
            _ => None,
        }
    }

    /// True for the TypeScript dialects.
    pub fn is_typescript(self) -> bool {
        !matches!(self, Dialect::JavaScript)
    }
}

/// The extension of file name `name`, as [`Path::extension`] finds it: what follows the last
/// `.`, unless that dot starts the name (`.eslintrc`).
fn extension_of(name: &[u8]) -> Option<&[u8]> {
    let dot = name.iter().rposition(|&b| b == b'.')?;
    (dot > 0).then(|| &name[dot + 1..])
}

/// A 1-based position in a file: `line` counts lines (a line ends at `\n`, `\r\n` or a lone `\r`),
/// `column` counts UTF-16 code units from the line start plus one, as ESLint, LSP (by default) and
/// SARIF's `utf16CodeUnits` column kind do.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub struct Position {
    /// 1-based line number.
    pub line: u32,
    /// 1-based column in UTF-16 code units.
    pub column: u32,
}

/// A range of a file from `start` to `end` (exclusive), both 1-based [`Position`]s: how a
/// location in another file travels once that file's text is gone (the whole-project pass).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub struct PositionRange {
    /// Where it starts.
    pub start: Position,
    /// Where it ends (exclusive).
    pub end: Position,
}

/// Byte offsets of every line start of one text, for offset → position conversion in
/// O(log lines) plus the length of the line.
#[derive(Debug, Clone)]
pub struct LineIndex {
    starts: Vec<u32>,
}

impl LineIndex {
    /// Indexes `text`. Takes O(len) time once per file.
    pub fn new(text: &str) -> LineIndex {
        let bytes = text.as_bytes();
        let mut starts = vec![0u32];
        // memchr's vectorised search: the report builds an index for every file with findings,
        // on one thread, and bundles of several MB are common.
        for i in memchr::memchr2_iter(b'\n', b'\r', bytes) {
            if bytes[i] == b'\n' || bytes.get(i + 1) != Some(&b'\n') {
                starts.push(i as u32 + 1);
            }
        }
        LineIndex { starts }
    }

    /// The 0-based line that contains byte `offset` (offsets past the end map to the last line).
    pub fn line_of(&self, offset: u32) -> usize {
        match self.starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        }
    }

    /// Byte offset where 0-based `line` starts; the text length is not needed because the last
    /// line's start is always known.
    pub fn line_start(&self, line: usize) -> u32 {
        self.starts[line.min(self.starts.len() - 1)]
    }

    /// Number of lines in the text (an empty text has one).
    pub fn line_count(&self) -> usize {
        self.starts.len()
    }

    /// Converts byte `offset` in `text` (the text this index was built from) into a 1-based line and
    /// UTF-16 column. An offset inside a multi-byte character is rounded down to its start.
    pub fn position(&self, text: &str, offset: u32) -> Position {
        let offset = (offset as usize).min(text.len());
        let line = self.line_of(offset as u32);
        let start = self.starts[line] as usize;
        let mut end = offset;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        let column = utf16_len(&text.as_bytes()[start..end]) + 1;
        Position {
            line: line as u32 + 1,
            column,
        }
    }

    /// The positions of byte offsets `start` and `end` of `text` ([`LineIndex::position`]).
    pub fn range(&self, text: &str, start: u32, end: u32) -> PositionRange {
        PositionRange {
            start: self.position(text, start),
            end: self.position(text, end),
        }
    }

    /// The same as [`LineIndex::position`] but with the column in bytes (UTF-8 code units), for LSP
    /// clients that negotiate UTF-8 positions.
    pub fn position_utf8(&self, offset: u32) -> Position {
        let line = self.line_of(offset);
        Position {
            line: line as u32 + 1,
            column: offset - self.starts[line] + 1,
        }
    }

    /// Byte offset of a 1-based `line` and UTF-16 `column` in `text`, the inverse of
    /// [`LineIndex::position`]; positions past the end of a line clamp to the line end.
    pub fn offset(&self, text: &str, line: u32, column: u32) -> u32 {
        let l = (line.max(1) - 1) as usize;
        if l >= self.starts.len() {
            return text.len() as u32;
        }
        let start = self.starts[l] as usize;
        let end = self
            .starts
            .get(l + 1)
            .map(|&e| e as usize)
            .unwrap_or(text.len());
        let mut units = 0u32;
        let want = column.max(1) - 1;
        for (i, ch) in text[start..end].char_indices() {
            if units >= want || ch == '\n' || ch == '\r' {
                return (start + i) as u32;
            }
            units += ch.len_utf16() as u32;
        }
        end as u32
    }
}

/// The length in UTF-16 code units of valid UTF-8 `bytes`: one unit per character (every byte
/// that is not a continuation byte `10xxxxxx`) plus one more for each four-byte character (lead
/// byte `11110xxx`), which UTF-16 writes as a surrogate pair. A plain byte count the compiler
/// vectorises: minified bundles put megabytes on one line.
fn utf16_len(bytes: &[u8]) -> u32 {
    bytes
        .iter()
        .map(|&b| u32::from((b & 0xC0) != 0x80) + u32::from(b >= 0xF0))
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_utf16_units_and_all_line_ends() {
        let text = "a\r\nbé😀c\rd\ne";
        let idx = LineIndex::new(text);
        assert_eq!(idx.line_count(), 4);
        let c = text.find('c').unwrap() as u32;
        // b(1) é(1) 😀(2 UTF-16 units) → c is the 5th unit, column 5.
        assert_eq!(idx.position(text, c), Position { line: 2, column: 5 });
        assert_eq!(idx.offset(text, 2, 5), c);
        let d = text.find('d').unwrap() as u32;
        assert_eq!(idx.position(text, d), Position { line: 3, column: 1 });
        assert_eq!(idx.position(text, text.len() as u32 + 10).line, 4);
    }

    #[test]
    fn utf16_length_counts_surrogate_pairs_twice() {
        for text in ["", "abc", "é", "bé😀c", "日本語\u{10FFFF}x"] {
            assert_eq!(
                utf16_len(text.as_bytes()) as usize,
                text.encode_utf16().count(),
                "{text:?}"
            );
        }
    }

    #[test]
    fn extension_of_agrees_with_the_standard_library() {
        for name in [
            "a.js", "a.", ".js", ".a.js", "..js", "a", "a.b.ts", "...", ".", "a..b",
        ] {
            let std = Path::new(name).extension().map(|e| e.as_encoded_bytes());
            assert_eq!(extension_of(name.as_bytes()), std, "{name}");
        }
    }

    #[test]
    fn declaration_files_and_other_extensions_are_not_linted() {
        assert_eq!(Dialect::from_path(Path::new("a/b.d.ts")), None);
        assert_eq!(Dialect::from_path(Path::new("a/b.json")), None);
        assert_eq!(
            Dialect::from_path(Path::new("a/b.mts")),
            Some(Dialect::TypeScript)
        );
        assert_eq!(
            Dialect::from_path(Path::new("a/b.jsx")),
            Some(Dialect::JavaScript)
        );
        for component in ["a/b.vue", "a/b.svelte", "a/b.astro"] {
            assert!(Dialect::from_path(Path::new(component)).is_some());
        }
    }
}
