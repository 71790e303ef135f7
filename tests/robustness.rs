//! Bad and unusual input never panics, hangs or stops the other files: syntax errors, BOM,
//! shebang, CRLF, empty files, non-UTF-8 bytes, 10,000-deep nesting and a 5 MB minified bundle.

use std::path::Path;

use leaklint::source::LineIndex;
use leaklint::{lint_bytes, lint_source, LintOptions};

fn lint(name: &str, text: &str) -> Vec<(u32, u32, String, String)> {
    let index = LineIndex::new(text);
    lint_source(Path::new(name), text, &LintOptions::default())
        .into_iter()
        .map(|d| {
            let p = index.position(text, d.span.start);
            (p.line, p.column, d.rule.to_string(), d.message)
        })
        .collect()
}

const LEAK: &str = "const cache = new Map();\nexport function get(req) {\n  cache.set(req.params.id, req.body);\n}\n";

#[test]
fn a_syntax_error_gives_one_parse_error_with_position() {
    let d = lint("broken.js", "const a = 1;\nconst b = ;\nconst c = 2;\n");
    assert_eq!(d.len(), 1, "{d:?}");
    let (line, col, rule, msg) = &d[0];
    assert_eq!(rule, "parse-error");
    assert!(msg.starts_with("Parsing error: "), "{msg}");
    assert_eq!(*line, 2, "{d:?}");
    assert!(*col >= 1);
}

#[test]
fn bom_shebang_and_crlf_keep_positions_right() {
    let text = format!(
        "\u{feff}#!/usr/bin/env node\r\n{}",
        LEAK.replace('\n', "\r\n")
    );
    let d = lint("bin.js", &text);
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!((d[0].0, d[0].2.as_str()), (2, "no-unbounded-collection"));
    assert_eq!(d[0].1, 7, "column of `cache` on line 2");
}

#[test]
fn empty_and_comment_only_files_are_clean() {
    assert!(lint("empty.js", "").is_empty());
    assert!(lint("c.ts", "// nothing here\n/* at all */").is_empty());
}

#[test]
fn non_utf8_and_binary_bytes_give_a_parse_error_not_a_panic() {
    let (_, d) = lint_bytes(
        Path::new("latin1.js"),
        b"const s = '\xe9t\xe9';\n".to_vec(),
        &LintOptions::default(),
    );
    assert_eq!(d.len(), 1);
    assert_eq!(d[0].rule, "parse-error");
    assert!(d[0].message.contains("offset 11"), "{}", d[0].message);
    let bin: Vec<u8> = (0..4096u32).map(|i| (i * 37 % 256) as u8).collect();
    let (_, d) = lint_bytes(Path::new("blob.js"), bin, &LintOptions::default());
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!(d[0].rule, "parse-error");
    assert!(
        d[0].message.contains("not valid UTF-8") && d[0].message.contains("offset 4"),
        "{}",
        d[0].message
    );
}

#[test]
fn ten_thousand_deep_nesting_does_not_overflow() {
    let depth = 10_000;
    let parens = format!(
        "const x = {}1{};\n{LEAK}",
        "(".repeat(depth),
        ")".repeat(depth)
    );
    // Each deep expression sits on line 1, before the leak: the rest of the file is still analysed.
    let expected = vec![(
        2,
        7,
        "no-unbounded-collection".to_string(),
        lint("leak.js", LEAK)[0].3.clone(),
    )];
    let d = lint("parens.js", &parens);
    assert_eq!(d, expected);
    let arrays = format!(
        "const y = {}0{};\n{LEAK}",
        "[".repeat(depth),
        "]".repeat(depth)
    );
    assert_eq!(lint("arrays.js", &arrays), expected);
    let calls = format!(
        "const z = {}0{};\n{LEAK}",
        "f(".repeat(depth),
        ")".repeat(depth)
    );
    assert_eq!(lint("calls.js", &calls), expected);
    let chain = format!("const w = a{};\n{LEAK}", " + a".repeat(depth));
    assert_eq!(lint("chain.js", &chain), expected);
}

#[test]
fn a_five_megabyte_minified_bundle_is_linted() {
    let unit = "var $a=function(b){return b.map(function(c){return c+1})},$d={e:1,f:[1,2,3]};if($d.e){$a([1])}";
    let mut text = String::with_capacity(5 << 20);
    let mut i = 0;
    while text.len() < 5 << 20 {
        text.push_str(&unit.replace('$', &format!("v{i}")));
        i += 1;
    }
    text.push_str(&LEAK.replace('\n', ""));
    let d = lint("bundle.min.js", &text);
    assert!(
        d.iter().any(|d| d.2 == "no-unbounded-collection"),
        "{:?}",
        d.iter().take(3).collect::<Vec<_>>()
    );
}
