//! Single-file components (`.vue`, `.svelte`, `.astro`): where the script of a component text
//! is, so that the linter can parse it in place.
//!
//! The block rules follow each framework's own description:
//!
//! - Vue: the SFC syntax specification (<https://vuejs.org/api/sfc-spec.html>): at most one
//!   `<script>` and one `<script setup>` at the top level, `lang` picks the language, and the two
//!   are compiled into one module. `<template>` holds markup only.
//! - Svelte: <https://svelte.dev/docs/svelte/svelte-files>: one instance `<script>` (run once per
//!   component instance) and one `<script module>` (Svelte 4: `<script context="module">`, run once
//!   when the module is first evaluated), compiled into one module; `lang="ts"` for TypeScript.
//!   A `<script>` inside `<svelte:head>` is markup for the document head, not component code.
//! - Astro: <https://docs.astro.build/en/basics/astro-components/>: the component script is the
//!   frontmatter between the leading `---` fences (TypeScript, run on the server for every
//!   request that renders the component), and each `<script>` tag of the template is a separate
//!   client-side module (TypeScript, unless `is:inline`, which Astro leaves as written).
//!
//! oxlint extracts the same blocks (its `crates/oxc_linter/src/loader/partial_loader/` modules
//! `vue.rs`, `svelte.rs` and `astro.rs`, read for this one); unlike it, this scanner skips
//! `<script>` inside HTML comments and (Vue) inside `<template>`, balances quotes and `{…}` in
//! attributes, ignores scripts whose `type` is not JavaScript (`application/ld+json`), and
//! reports a `<script>` without `</script>` instead of dropping it.
//!
//! The linter parses one [`Unit`] at a time as the component text with every byte outside its
//! blocks replaced by a space ([`blank_outside`]): the parser then sees the blocks at their own
//! byte offsets, so spans, lines, UTF-16 columns and suppression comments need no mapping.

use std::ops::Range;
use std::path::Path;

use crate::source::Dialect;

/// The component formats, by file extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `.vue`: a Vue single-file component.
    Vue,
    /// `.svelte`: a Svelte component.
    Svelte,
    /// `.astro`: an Astro component.
    Astro,
}

/// The three component extensions, without the dot.
pub const EXTENSIONS: [&str; 3] = ["vue", "svelte", "astro"];

impl Kind {
    /// The component format of `path` from its extension, `None` for any other file.
    pub fn from_path(path: &Path) -> Option<Kind> {
        match path.extension()?.as_encoded_bytes() {
            b"vue" => Some(Kind::Vue),
            b"svelte" => Some(Kind::Svelte),
            b"astro" => Some(Kind::Astro),
            _ => None,
        }
    }
}

/// Whether `path` names an application's root component by its framework's convention, mounted
/// once per page load and never unmounted, so that its mount hooks run once: Vue's `App.vue`
/// (the scaffold's `createApp(App).mount('#app')`, <https://vuejs.org/guide/essentials/application.html>),
/// Nuxt's `app.vue` (<https://nuxt.com/docs/guide/directory-structure/app>), Svelte's
/// `App.svelte` (the Vite template's `mount(App, …)`) and SvelteKit's root layout
/// `routes/+layout.svelte` (<https://svelte.dev/docs/kit/routing#layout>: a layout stays mounted
/// while navigation stays below it, and every page is below the root one).
pub fn is_root_component(path: &Path) -> bool {
    let name = path.file_name().map(|n| n.as_encoded_bytes());
    match name {
        Some(b"App.vue" | b"app.vue" | b"App.svelte") => true,
        Some(b"+layout.svelte") => path
            .parent()
            .and_then(Path::file_name)
            .is_some_and(|d| d == "routes"),
        _ => false,
    }
}

/// Code of a component that is parsed as one module: its blocks' contents (byte ranges of the
/// component text, between the opening tag's `>` and `</script>`, or inside the `---` fences) and
/// the dialect they are written in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unit {
    /// Byte ranges of the component text, in order, not overlapping.
    pub blocks: Vec<Range<usize>>,
    /// Those of `blocks` whose top-level bindings belong to one run of the component, not to the
    /// process: a Vue `<script setup>` (compiled into the component's `setup()`) and a Svelte
    /// instance `<script>` (not `<script module>`/`context="module"`), once per instance; the
    /// Astro frontmatter, once per request. A plain Vue `<script>` and Svelte's module script run
    /// once per process (see [`crate::semantic::SemanticModel::set_instance_blocks`] for what the
    /// model makes of it).
    pub instance: Vec<Range<usize>>,
    /// The dialect of the blocks: when two blocks of one unit disagree (`<script lang="ts">` with a
    /// plain `<script setup>`, which Vue rejects), the one that parses more: TSX over TypeScript
    /// over JavaScript.
    pub dialect: Dialect,
    /// How often the unit's top-level code runs.
    pub runs: Runs,
}

/// How often the top-level code of a [`Unit`] runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Runs {
    /// Once per process: a module script (a plain Vue `<script>`, Svelte's module script, an
    /// Astro client `<script>`), alone or with an instance script (the unit is one module, and
    /// its module part runs once).
    Once,
    /// Once per component instance: only instance scripts ([`Unit::instance`] is every block).
    PerInstance,
    /// On every request that renders the component: the Astro frontmatter, whose top-level
    /// bindings are listed in [`Unit::instance`] too (they belong to one render).
    PerRequest,
}

/// A `<script>` opened at byte offset `start` of the component text and never closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unterminated {
    /// Byte offset of the `<` of the opening tag.
    pub start: usize,
    /// Byte offset just past its `>` (the end of the text when the tag itself is not closed).
    pub tag_end: usize,
}

/// The units of component `text` of format `kind`: for Vue and Svelte one unit holding every
/// script block (none when there is no script); for Astro the frontmatter, then one unit per
/// client `<script>`. Blocks with only whitespace are left out.
///
/// # Errors
/// A `<script>` tag that no `</script>` closes gives [`Unterminated`].
pub fn units(kind: Kind, text: &str) -> Result<Vec<Unit>, Unterminated> {
    let mut out = Vec::new();
    let mut from = 0;
    if kind == Kind::Astro {
        if let Some((body, after)) = frontmatter(text) {
            out.push(Unit {
                blocks: vec![body.clone()],
                dialect: Dialect::TypeScript,
                instance: vec![body],
                runs: Runs::PerRequest,
            });
            from = after;
        }
    }
    let scripts: Vec<Script> = scripts(kind, text, from)?
        .into_iter()
        .filter(|s| !text[s.range.clone()].trim().is_empty())
        .collect();
    if kind == Kind::Astro {
        out.extend(scripts.into_iter().map(|s| Unit {
            blocks: vec![s.range],
            dialect: s.dialect,
            instance: Vec::new(),
            runs: Runs::Once,
        }));
        out.retain(|u| !text[u.blocks[0].clone()].trim().is_empty());
        return Ok(out);
    }
    if scripts.is_empty() {
        return Ok(out);
    }
    let dialects: Vec<Dialect> = scripts.iter().map(|s| s.dialect).collect();
    let dialect = if dialects.contains(&Dialect::Tsx) {
        Dialect::Tsx
    } else if dialects.contains(&Dialect::TypeScript) {
        Dialect::TypeScript
    } else {
        Dialect::JavaScript
    };
    let instance: Vec<Range<usize>> = scripts
        .iter()
        .filter(|s| s.instance)
        .map(|s| s.range.clone())
        .collect();
    let runs = if instance.len() == scripts.len() {
        Runs::PerInstance
    } else {
        Runs::Once
    };
    let blocks = scripts.into_iter().map(|s| s.range).collect();
    out.push(Unit {
        blocks,
        dialect,
        instance,
        runs,
    });
    Ok(out)
}

/// `text` with every byte outside `blocks` replaced by a space, except line ends (`\n`, `\r`),
/// which are kept so that lines stay where they are. Byte offsets are unchanged; the result is
/// valid UTF-8 because the blocks start and end next to ASCII (`>`, `<`, a line end).
pub fn blank_outside(text: &str, blocks: &[Range<usize>]) -> String {
    let mut bytes = text.as_bytes().to_vec();
    let mut keep = blocks.iter().peekable();
    let mut i = 0;
    while i < bytes.len() {
        if let Some(b) = keep.peek() {
            if i >= b.start {
                i = b.end.max(i);
                keep.next();
                continue;
            }
        }
        let end = keep
            .peek()
            .map_or(bytes.len(), |b| b.start.min(bytes.len()));
        for byte in &mut bytes[i..end] {
            if *byte != b'\n' && *byte != b'\r' {
                *byte = b' ';
            }
        }
        i = end;
    }
    // Only ASCII was written, and only over whole runs between block boundaries that sit next to
    // ASCII; fall back to a lossy decode rather than panic should a caller pass other ranges.
    String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// The body of an Astro frontmatter (the byte range between the fences) and the offset after the
/// closing fence: the text starts (after a byte-order mark and blank lines) with a `---` line, and
/// the body ends at the next line that is `---`.
fn frontmatter(text: &str) -> Option<(Range<usize>, usize)> {
    let start = text.len()
        - text
            .trim_start_matches(['\u{feff}', ' ', '\t', '\r', '\n'])
            .len();
    let rest = text[start..].strip_prefix("---")?;
    let body_start = start + 3 + (rest.len() - rest.trim_start_matches([' ', '\t']).len());
    let mut line_start = text[body_start..].find('\n')? + body_start + 1;
    loop {
        let line_end = text[line_start..]
            .find('\n')
            .map_or(text.len(), |e| line_start + e);
        if text[line_start..line_end].trim_end() == "---" {
            return Some((body_start..line_start, line_end));
        }
        if line_end == text.len() {
            // No closing fence: Astro treats the whole file as script, so do we.
            return Some((body_start..text.len(), text.len()));
        }
        line_start = line_end + 1;
    }
}

/// Case-insensitive: does `text` at `at` start with ASCII `word`?
fn starts_with_ci(text: &[u8], at: usize, word: &str) -> bool {
    text.get(at..at + word.len())
        .is_some_and(|s| s.eq_ignore_ascii_case(word.as_bytes()))
}

/// Whether the tag name `name` is complete at `at` (followed by whitespace, `>` or `/`).
fn name_ends(text: &[u8], at: usize) -> bool {
    text.get(at)
        .is_none_or(|b| b.is_ascii_whitespace() || *b == b'>' || *b == b'/')
}

/// An opening tag's attributes (byte range inside the tag) and the offset after its `>`, which
/// is `None` when the text ends first. Quoted values and `{…}` expressions (Svelte, Astro) may
/// hold `>`.
fn tag_end(text: &[u8], from: usize) -> (usize, Option<usize>) {
    let mut i = from;
    let mut quote = None;
    let mut braces = 0u32;
    while i < text.len() {
        let b = text[i];
        match quote {
            Some(q) if b == q => quote = None,
            Some(_) => {}
            None => match b {
                b'"' | b'\'' | b'`' if braces > 0 || b != b'`' => quote = Some(b),
                b'{' => braces += 1,
                b'}' => braces = braces.saturating_sub(1),
                b'>' if braces == 0 => return (i, Some(i + 1)),
                _ => {}
            },
        }
        i += 1;
    }
    (text.len(), None)
}

/// The value of attribute `name` in an opening tag's attribute text, `Some("")` when it is present
/// without a value, `None` when absent.
fn attribute<'a>(attrs: &'a str, name: &str) -> Option<&'a str> {
    let bytes = attrs.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        while i < bytes.len() && (bytes[i].is_ascii_whitespace() || bytes[i] == b'/') {
            i += 1;
        }
        let key_start = i;
        while i < bytes.len() && !bytes[i].is_ascii_whitespace() && !matches!(bytes[i], b'=' | b'/')
        {
            if bytes[i] == b'{' {
                // A Svelte `{...spread}` or shorthand `{name}` attribute: skip it whole.
                let (end, _) = tag_end_braces(bytes, i);
                i = end;
                continue;
            }
            i += 1;
        }
        let key = &attrs[key_start..i];
        let mut value = "";
        let mut j = i;
        while j < bytes.len() && bytes[j].is_ascii_whitespace() {
            j += 1;
        }
        if bytes.get(j) == Some(&b'=') {
            j += 1;
            while j < bytes.len() && bytes[j].is_ascii_whitespace() {
                j += 1;
            }
            let v_start = j;
            match bytes.get(j) {
                Some(&q @ (b'"' | b'\'')) => {
                    let end = attrs[j + 1..]
                        .find(q as char)
                        .map_or(bytes.len(), |e| j + 1 + e);
                    value = &attrs[v_start + 1..end];
                    j = (end + 1).min(bytes.len());
                }
                Some(b'{') => {
                    let (end, _) = tag_end_braces(bytes, j);
                    value = &attrs[v_start..end];
                    j = end;
                }
                _ => {
                    while j < bytes.len() && !bytes[j].is_ascii_whitespace() {
                        j += 1;
                    }
                    value = &attrs[v_start..j];
                }
            }
            i = j;
        }
        if key.eq_ignore_ascii_case(name) {
            return Some(value);
        }
        if i == key_start {
            i += 1;
        }
    }
    None
}

/// The offset after the `}` that balances the `{` at `from` (the end of `text` when none does).
fn tag_end_braces(text: &[u8], from: usize) -> (usize, bool) {
    let mut depth = 0u32;
    for (i, &b) in text.iter().enumerate().skip(from) {
        match b {
            b'{' => depth += 1,
            b'}' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return (i + 1, true);
                }
            }
            _ => {}
        }
    }
    (text.len(), false)
}

/// The dialect of a `<script>` with attribute text `attrs` in a component of format `kind`, or
/// `None` when its `type` says it is not JavaScript (JSON, templates, import maps).
fn script_dialect(kind: Kind, attrs: &str) -> Option<Dialect> {
    if let Some(t) = attribute(attrs, "type") {
        let t = t.trim().to_ascii_lowercase();
        let js = t.is_empty()
            || t == "module"
            || t.ends_with("/javascript")
            || t.ends_with("/ecmascript")
            || t.ends_with("/typescript")
            || t == "text/babel";
        if !js {
            return None;
        }
    }
    let lang = attribute(attrs, "lang").map(|l| l.trim().to_ascii_lowercase());
    Some(match lang.as_deref() {
        Some("ts" | "typescript") => Dialect::TypeScript,
        Some("tsx") => Dialect::Tsx,
        // Astro compiles its processed scripts as TypeScript; `is:inline` ones go out as written.
        None if kind == Kind::Astro && attribute(attrs, "is:inline").is_none() => {
            Dialect::TypeScript
        }
        _ => Dialect::JavaScript,
    })
}

/// The end of the element opened just before `from` whose name is `name` (the offset after its
/// closing tag, counting nested elements of the same name), or the end of the text.
fn element_end(text: &[u8], from: usize, name: &str) -> usize {
    let mut depth = 1u32;
    let mut i = from;
    while i < text.len() {
        if text[i] != b'<' {
            i += memchr::memchr(b'<', &text[i..]).unwrap_or(text.len() - i);
            continue;
        }
        if text[i..].starts_with(b"<!--") {
            i = comment_end(text, i);
            continue;
        }
        if text.get(i + 1) == Some(&b'/')
            && starts_with_ci(text, i + 2, name)
            && name_ends(text, i + 2 + name.len())
        {
            depth -= 1;
            let (_, end) = tag_end(text, i + 2 + name.len());
            let end = end.unwrap_or(text.len());
            if depth == 0 {
                return end;
            }
            i = end;
            continue;
        }
        if starts_with_ci(text, i + 1, name) && name_ends(text, i + 1 + name.len()) {
            let (_, end) = tag_end(text, i + 1 + name.len());
            let self_closing = end.is_some_and(|e| text[..e - 1].ends_with(b"/"));
            if !self_closing {
                depth += 1;
            }
            i = end.unwrap_or(text.len());
            continue;
        }
        i += 1;
    }
    text.len()
}

/// The offset after the `-->` of the comment opened at `from` (the end of the text if none).
fn comment_end(text: &[u8], from: usize) -> usize {
    memchr::memmem::find(&text[from + 4..], b"-->").map_or(text.len(), |e| from + 4 + e + 3)
}

/// One `<script>` block: its content, dialect, and whether it runs per component instance.
struct Script {
    range: Range<usize>,
    dialect: Dialect,
    instance: bool,
}

/// The `<script>` blocks of `text` from byte `from` on: their contents and dialects, skipping
/// comments, Vue's `<template>` and Svelte's `<svelte:head>`.
fn scripts(kind: Kind, text: &str, from: usize) -> Result<Vec<Script>, Unterminated> {
    let bytes = text.as_bytes();
    let skipped: &[&str] = match kind {
        Kind::Vue => &["template"],
        Kind::Svelte => &["svelte:head"],
        Kind::Astro => &[],
    };
    let mut out = Vec::new();
    let mut i = from;
    while i < bytes.len() {
        let Some(lt) = memchr::memchr(b'<', &bytes[i..]) else {
            break;
        };
        i += lt;
        if bytes[i..].starts_with(b"<!--") {
            i = comment_end(bytes, i);
            continue;
        }
        if let Some(name) = skipped
            .iter()
            .find(|n| starts_with_ci(bytes, i + 1, n) && name_ends(bytes, i + 1 + n.len()))
        {
            let (_, end) = tag_end(bytes, i + 1 + name.len());
            let Some(end) = end else { break };
            i = if bytes[..end - 1].ends_with(b"/") {
                end
            } else {
                element_end(bytes, end, name)
            };
            continue;
        }
        if !(starts_with_ci(bytes, i + 1, "script") && name_ends(bytes, i + 7)) {
            i += 1;
            continue;
        }
        let (attrs_end, open_end) = tag_end(bytes, i + 7);
        let Some(open_end) = open_end else {
            return Err(Unterminated {
                start: i,
                tag_end: bytes.len(),
            });
        };
        let attrs = &text[i + 7..attrs_end];
        if attrs.trim_end().ends_with('/') {
            // `<script src="…" />`: no content.
            i = open_end;
            continue;
        }
        // The content ends at the first `</script` (HTML's script data state: nothing in
        // between, not even a string literal, can hide it).
        let close = (open_end..bytes.len()).find(|&j| {
            bytes[j] == b'<'
                && bytes.get(j + 1) == Some(&b'/')
                && starts_with_ci(bytes, j + 2, "script")
                && name_ends(bytes, j + 8)
        });
        let Some(close) = close else {
            return Err(Unterminated {
                start: i,
                tag_end: open_end,
            });
        };
        if let Some(dialect) = script_dialect(kind, attrs) {
            let instance = match kind {
                Kind::Vue => attribute(attrs, "setup").is_some(),
                Kind::Svelte => {
                    attribute(attrs, "module").is_none()
                        && attribute(attrs, "context").is_none_or(|c| c != "module")
                }
                Kind::Astro => false,
            };
            out.push(Script {
                range: open_end..close,
                dialect,
                instance,
            });
        }
        i = tag_end(bytes, close + 8).1.unwrap_or(bytes.len());
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn contents(kind: Kind, text: &str) -> Vec<Vec<&str>> {
        units(kind, text)
            .unwrap()
            .iter()
            .map(|u| u.blocks.iter().map(|r| &text[r.clone()]).collect())
            .collect()
    }

    #[test]
    fn vue_blocks_skip_comments_templates_and_quoted_attributes() {
        let text = "<!-- <script>bad()</script> -->\n<template><div><template v-if=\"a > b\"><script>no()</script></template></div></template>\n<script lang=\"ts\" data-x='a>b'>one()</script>\n<script setup>two()</script>\n<style>.a{}</style>";
        assert_eq!(contents(Kind::Vue, text), vec![vec!["one()", "two()"]]);
        let u = &units(Kind::Vue, text).unwrap()[0];
        assert_eq!(u.dialect, Dialect::TypeScript);
        assert_eq!(u.instance, vec![u.blocks[1].clone()]);
        assert_eq!(u.runs, Runs::Once);
        let u = &units(Kind::Vue, "<script setup>a()</script>").unwrap()[0];
        assert_eq!(u.runs, Runs::PerInstance);
    }

    #[test]
    fn dialect_follows_lang_and_json_scripts_are_not_code() {
        let u = units(Kind::Vue, "<script setup lang=\"tsx\">a</script>").unwrap();
        assert_eq!(u[0].dialect, Dialect::Tsx);
        let u = units(Kind::Svelte, "<script>a</script>").unwrap();
        assert_eq!(u[0].dialect, Dialect::JavaScript);
        let u = units(
            Kind::Svelte,
            "<script type=\"application/ld+json\">{}</script>",
        )
        .unwrap();
        assert!(u.is_empty());
    }

    #[test]
    fn no_script_gives_no_unit_and_an_open_script_is_reported() {
        assert!(units(Kind::Vue, "<template><p>hi</p></template>")
            .unwrap()
            .is_empty());
        assert_eq!(
            units(Kind::Vue, "<template/>\n<script>let a = 1"),
            Err(Unterminated {
                start: 12,
                tag_end: 20
            })
        );
        assert!(units(Kind::Svelte, "<script lang=\"ts\"").is_err());
    }

    #[test]
    fn svelte_module_and_instance_scripts_are_one_unit_head_scripts_are_markup() {
        let text = "<script context=\"module\">m()</script>\n<script>i()</script>\n<svelte:head><script>h()</script></svelte:head>\n<div on:click={() => a > b}>x</div>";
        assert_eq!(contents(Kind::Svelte, text), vec![vec!["m()", "i()"]]);
        let u = &units(Kind::Svelte, text).unwrap()[0];
        assert_eq!(u.instance, vec![u.blocks[1].clone()]);
    }

    #[test]
    fn astro_frontmatter_and_each_client_script_are_separate_units() {
        let text = "---\nconst a = 1;\n---\n<p>{a}</p>\n<script>b()</script>\n<script is:inline define:vars={{ x: a > 1 }}>c()</script>";
        assert_eq!(
            contents(Kind::Astro, text),
            vec![vec!["\nconst a = 1;\n"], vec!["b()"], vec!["c()"]]
        );
        let u = units(Kind::Astro, text).unwrap();
        assert_eq!(
            u.iter().map(|u| u.dialect).collect::<Vec<_>>(),
            [
                Dialect::TypeScript,
                Dialect::TypeScript,
                Dialect::JavaScript
            ]
        );
        assert_eq!(
            u.iter().map(|u| u.runs).collect::<Vec<_>>(),
            [Runs::PerRequest, Runs::Once, Runs::Once]
        );
    }

    #[test]
    fn root_components_are_known_by_their_conventional_names() {
        for p in [
            "src/App.vue",
            "app.vue",
            "src/App.svelte",
            "src/routes/+layout.svelte",
        ] {
            assert!(is_root_component(Path::new(p)), "{p}");
        }
        for p in [
            "src/Apps.vue",
            "src/routes/(console)/+layout.svelte",
            "src/routes/+page.svelte",
            "App.js",
        ] {
            assert!(!is_root_component(Path::new(p)), "{p}");
        }
    }

    #[test]
    fn blanking_keeps_offsets_lines_and_utf8() {
        let text = "<p>é😀</p>\r\n<script>x()</script>";
        let u = &units(Kind::Vue, text).unwrap()[0];
        let b = blank_outside(text, &u.blocks);
        assert_eq!(b.len(), text.len());
        assert_eq!(&b[u.blocks[0].clone()], "x()");
        assert!(b.contains("\r\n"));
        assert!(b
            .chars()
            .all(|c| c == ' ' || c == '\r' || c == '\n' || "x()".contains(c)));
    }
}
