//! Minimal Source Map v3 reader (docs/heap.md §12: "for TypeScript the locations refer to the
//! executed JS; apply the file's source map"). Follows the last `//# sourceMappingURL=` comment of
//! the executed file (a sibling `.map` file or an inline `data:…;base64,` URL), decodes the
//! Base64-VLQ `mappings` and maps a generated (line, column) back to (source file, line, column).
//! Index maps (`sections`) are not supported.

use std::path::{Component, Path, PathBuf};

#[derive(Debug, Clone, Copy)]
struct Seg {
    gen_col: u32,
    src: u32,
    line: u32,
    col: u32,
}

/// A decoded source map: per generated line, segments sorted by generated column.
#[derive(Debug, Clone)]
pub(crate) struct SourceMap {
    sources: Vec<PathBuf>,
    lines: Vec<Vec<Seg>>,
}

fn b64(c: u8) -> Option<u32> {
    Some(match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' | b'-' => 62,
        b'/' | b'_' => 63,
        _ => return None,
    } as u32)
}

fn base64_decode(s: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0u32);
    for &c in s.as_bytes() {
        if c == b'=' || c.is_ascii_whitespace() {
            continue;
        }
        acc = (acc << 6) | b64(c)?;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

/// Lexically normalises `a/b/../c` → `a/c` (no filesystem access).
fn normalize(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            Component::CurDir => {}
            c => out.push(c.as_os_str()),
        }
    }
    out
}

fn decode_mappings(m: &str) -> Option<Vec<Vec<Seg>>> {
    let mut lines = vec![];
    let mut cur: Vec<Seg> = vec![];
    let (mut src, mut line, mut col) = (0i64, 0i64, 0i64);
    let mut gen_col = 0i64;
    let mut fields: Vec<i64> = Vec::with_capacity(5);
    let (mut val, mut shift) = (0i64, 0u32);
    let flush = |fields: &mut Vec<i64>,
                 cur: &mut Vec<Seg>,
                 gen_col: &mut i64,
                 src: &mut i64,
                 line: &mut i64,
                 col: &mut i64| {
        if fields.is_empty() {
            return;
        }
        *gen_col += fields[0];
        if fields.len() >= 4 {
            *src += fields[1];
            *line += fields[2];
            *col += fields[3];
            if *gen_col >= 0 && *src >= 0 && *line >= 0 && *col >= 0 {
                cur.push(Seg {
                    gen_col: *gen_col as u32,
                    src: *src as u32,
                    line: *line as u32,
                    col: *col as u32,
                });
            }
        }
        fields.clear();
    };
    for &c in m.as_bytes() {
        match c {
            b',' => flush(
                &mut fields,
                &mut cur,
                &mut gen_col,
                &mut src,
                &mut line,
                &mut col,
            ),
            b';' => {
                flush(
                    &mut fields,
                    &mut cur,
                    &mut gen_col,
                    &mut src,
                    &mut line,
                    &mut col,
                );
                cur.sort_by_key(|s| s.gen_col);
                lines.push(std::mem::take(&mut cur));
                gen_col = 0;
            }
            _ => {
                let d = b64(c)? as i64;
                if shift > 60 {
                    return None;
                }
                val |= (d & 31) << shift;
                if d & 32 != 0 {
                    shift += 5;
                } else {
                    let v = if val & 1 == 1 { -(val >> 1) } else { val >> 1 };
                    fields.push(v);
                    val = 0;
                    shift = 0;
                }
            }
        }
    }
    flush(
        &mut fields,
        &mut cur,
        &mut gen_col,
        &mut src,
        &mut line,
        &mut col,
    );
    cur.sort_by_key(|s| s.gen_col);
    lines.push(cur);
    Some(lines)
}

impl SourceMap {
    /// Loads the source map referenced by the executed file `js`, if any.
    pub(crate) fn for_file(js: &Path, js_text: &str) -> Option<SourceMap> {
        let at = js_text.rfind("# sourceMappingURL=")?;
        let url = js_text[at + "# sourceMappingURL=".len()..]
            .lines()
            .next()?
            .trim();
        let dir = js.parent().unwrap_or(Path::new("."));
        let (json, map_dir) = if let Some(rest) = url.strip_prefix("data:") {
            let (_, data) = rest.split_once("base64,")?;
            (
                String::from_utf8(base64_decode(data)?).ok()?,
                dir.to_path_buf(),
            )
        } else {
            let p = dir.join(url.strip_prefix("file://").unwrap_or(url));
            (
                super::files::read_regular(&p, super::files::MAX_FILE)?,
                p.parent().unwrap_or(dir).to_path_buf(),
            )
        };
        Self::parse(&json, &map_dir)
    }

    /// Parses a v3 map; relative `sources` are resolved against `map_dir` (+ `sourceRoot`).
    pub(crate) fn parse(json: &str, map_dir: &Path) -> Option<SourceMap> {
        let v: serde_json::Value = serde_json::from_str(json).ok()?;
        let root = v.get("sourceRoot").and_then(|r| r.as_str()).unwrap_or("");
        let sources = v
            .get("sources")?
            .as_array()?
            .iter()
            .map(|s| {
                let s = s.as_str().unwrap_or("");
                let s = s.strip_prefix("file://").unwrap_or(s);
                let p = Path::new(root).join(s);
                normalize(&if p.is_absolute() { p } else { map_dir.join(p) })
            })
            .collect();
        let lines = decode_mappings(v.get("mappings")?.as_str()?)?;
        Some(SourceMap { sources, lines })
    }

    /// Maps a 1-based generated position to a 1-based original (file, line, column): the last
    /// segment at or before the column on that line, else the line's first segment.
    pub(crate) fn lookup(&self, line: u32, col: u32) -> Option<(PathBuf, u32, u32)> {
        let segs = self.lines.get(line.checked_sub(1)? as usize)?;
        let c = col.saturating_sub(1);
        let i = segs.partition_point(|s| s.gen_col <= c);
        let s = if i > 0 { segs[i - 1] } else { *segs.first()? };
        Some((
            self.sources.get(s.src as usize)?.clone(),
            s.line + 1,
            s.col + 1,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_vlq_and_resolves_sources() {
        // Line 1: [0,0,0,0]; line 2: [2,0,1,0], [10,0,0,4]; line 3 empty; line 4: [0,0,2,2].
        let m = SourceMap::parse(
            r#"{"version":3,"sourceRoot":"","sources":["../src/a.ts"],"names":[],"mappings":"AAAA;EACA,QAAI;;AAEE"}"#,
            Path::new("/p/dist"),
        )
        .unwrap();
        assert_eq!(m.lookup(1, 1), Some((PathBuf::from("/p/src/a.ts"), 1, 1)));
        assert_eq!(m.lookup(2, 5), Some((PathBuf::from("/p/src/a.ts"), 2, 1)));
        assert_eq!(m.lookup(2, 11), Some((PathBuf::from("/p/src/a.ts"), 2, 5)));
        assert_eq!(m.lookup(3, 1), None);
        assert_eq!(m.lookup(4, 1), Some((PathBuf::from("/p/src/a.ts"), 4, 7)));
        assert_eq!(base64_decode("aGVsbG8=").unwrap(), b"hello");
    }
}
