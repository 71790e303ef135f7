//! Source maps for heap locations (docs/heap.md §12: "for TypeScript the locations refer to the
//! executed JS; apply the file's source map"). Follows the last `//# sourceMappingURL=` comment of
//! the executed file (a sibling `.map` file or an inline `data:…;base64,` URL) and maps a
//! generated (line, column) back to (source file, line, column). Decoding (Source Map v3, Base64
//! VLQ, `sourceRoot`, index maps with `sections`) is Sentry's `sourcemap` crate; this module adds
//! where the map is found, how `sources` become paths, and the lookup policy below.

use std::path::{Component, Path, PathBuf};

/// One mapping with an original position: generated column, source index, original line and
/// column, all 0-based as in the map.
#[derive(Debug, Clone, Copy)]
struct Seg {
    gen_col: u32,
    src: u32,
    line: u32,
    col: u32,
}

/// A decoded source map: per generated line, the mappings that have an original position, sorted
/// by generated column.
#[derive(Debug, Clone)]
pub(crate) struct SourceMap {
    sources: Vec<PathBuf>,
    lines: Vec<Vec<Seg>>,
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

/// A regular map, or an index map flattened into one; `None` for anything else (Hermes maps).
fn regular(decoded: sourcemap::DecodedMap) -> Option<sourcemap::SourceMap> {
    match decoded {
        sourcemap::DecodedMap::Regular(map) => Some(map),
        sourcemap::DecodedMap::Index(index) => index.flatten().ok(),
        sourcemap::DecodedMap::Hermes(_) => None,
    }
}

impl SourceMap {
    /// Loads the source map referenced by the executed file `js`, if any; `None` when there is no
    /// reference, the map cannot be read, or it does not decode.
    pub(crate) fn for_file(js: &Path, js_text: &str) -> Option<SourceMap> {
        let at = js_text.rfind("# sourceMappingURL=")?;
        let url = js_text[at + "# sourceMappingURL=".len()..]
            .lines()
            .next()?
            .trim();
        let dir = js.parent().unwrap_or(Path::new("."));
        if url.starts_with("data:") {
            let map = regular(sourcemap::decode_data_url(url).ok()?)?;
            return Some(Self::from_map(&map, dir));
        }
        let p = dir.join(url.strip_prefix("file://").unwrap_or(url));
        let json = super::files::read_regular(&p, super::files::MAX_FILE)?;
        Self::parse(&json, p.parent().unwrap_or(dir))
    }

    /// Parses a v3 map (JSON text); relative `sources` are resolved against `map_dir` (after
    /// `sourceRoot`). `None` when the text is not a source map.
    pub(crate) fn parse(json: &str, map_dir: &Path) -> Option<SourceMap> {
        let map = regular(sourcemap::decode_slice(json.as_bytes()).ok()?)?;
        Some(Self::from_map(&map, map_dir))
    }

    fn from_map(map: &sourcemap::SourceMap, map_dir: &Path) -> SourceMap {
        // `get_source` has `sourceRoot` applied already.
        let sources = (0..map.get_source_count())
            .map(|i| {
                let s = map.get_source(i).unwrap_or("");
                let p = Path::new(s.strip_prefix("file://").unwrap_or(s));
                normalize(&if p.is_absolute() {
                    p.to_path_buf()
                } else {
                    map_dir.join(p)
                })
            })
            .collect();
        let mut lines: Vec<Vec<Seg>> = Vec::new();
        for t in map.tokens().filter(|t| t.has_source()) {
            let line = t.get_dst_line() as usize;
            if lines.len() <= line {
                lines.resize_with(line + 1, Vec::new);
            }
            lines[line].push(Seg {
                gen_col: t.get_dst_col(),
                src: t.get_src_id(),
                line: t.get_src_line(),
                col: t.get_src_col(),
            });
        }
        for segs in &mut lines {
            segs.sort_by_key(|s| s.gen_col);
        }
        SourceMap { sources, lines }
    }

    /// Maps a 1-based generated position to a 1-based original (file, line, column): the last
    /// mapping at or before the column on that line, else the line's first mapping; `None` for a
    /// line without mappings. (Sentry's `lookup_token` would fall back to an earlier line.)
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
    }

    #[test]
    fn reads_an_inline_data_url_and_an_index_map() {
        use std::io::Write;
        let d = tempfile::tempdir().unwrap();
        let js = d.path().join("dist/a.js");
        std::fs::create_dir_all(js.parent().unwrap()).unwrap();
        // base64 of {"version":3,"sources":["../src/a.ts"],"names":[],"mappings":"AAAA;EACA"}
        let text = "x;\n//# sourceMappingURL=data:application/json;base64,eyJ2ZXJzaW9uIjozLCJzb3VyY2VzIjpbIi4uL3NyYy9hLnRzIl0sIm5hbWVzIjpbXSwibWFwcGluZ3MiOiJBQUFBO0VBQ0EifQ==\n";
        std::fs::File::create(&js)
            .unwrap()
            .write_all(text.as_bytes())
            .unwrap();
        let m = SourceMap::for_file(&js, text).unwrap();
        assert_eq!(m.lookup(2, 3), Some((d.path().join("src/a.ts"), 2, 1)));
        // An index map whose one section starts on generated line 2.
        let m = SourceMap::parse(
            r#"{"version":3,"sections":[{"offset":{"line":1,"column":0},"map":{"version":3,"sources":["b.ts"],"names":[],"mappings":"AAAA"}}]}"#,
            Path::new("/p"),
        )
        .unwrap();
        assert_eq!(m.lookup(1, 1), None);
        assert_eq!(m.lookup(2, 1), Some((PathBuf::from("/p/b.ts"), 1, 1)));
    }
}
