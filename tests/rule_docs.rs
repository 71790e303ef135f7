//! Every rule document has the required sections, and every example in it is linted: a block
//! fenced as ```` ```js bad ```` (or `ts`, `jsx`, `tsx`, and `vue`, `svelte`, `astro` for a whole
//! component) must give exactly one diagnostic, of its rule; a block fenced ```` ```js good ````
//! must give none at all, at default settings.

use std::path::Path;

use leaklint::{lint_source, rules::REGISTRY, LintOptions};

struct Example {
    lang: String,
    bad: bool,
    code: String,
    line: usize,
}

fn examples(doc: &str) -> Vec<Example> {
    let mut out = Vec::new();
    let mut current: Option<Example> = None;
    for (i, line) in doc.lines().enumerate() {
        if let Some(info) = line.strip_prefix("```") {
            if let Some(ex) = current.take() {
                out.push(ex);
                continue;
            }
            let mut parts = info.split_whitespace();
            let lang = parts.next().unwrap_or("").to_string();
            let kind = parts.next().unwrap_or("");
            if kind == "bad" || kind == "good" {
                current = Some(Example {
                    lang,
                    bad: kind == "bad",
                    code: String::new(),
                    line: i + 1,
                });
            } else {
                // A fence that is not an example: skip to its end.
                current = Some(Example {
                    lang: "skip".into(),
                    bad: false,
                    code: String::new(),
                    line: i + 1,
                });
            }
            continue;
        }
        if let Some(ex) = &mut current {
            ex.code.push_str(line);
            ex.code.push('\n');
        }
    }
    out.retain(|e| e.lang != "skip");
    out
}

#[test]
fn every_rule_document_has_the_sections() {
    for rule in REGISTRY {
        let doc = rule.meta().doc;
        let name = rule.meta().name;
        assert!(
            doc.starts_with(&format!("# {name}\n")),
            "{name}: document must start with its name"
        );
        for section in [
            "## What it does",
            "## Why is this bad?",
            "## Example",
            "## Use instead",
            "## How to confirm it with a heap snapshot",
        ] {
            assert!(doc.contains(section), "{name}: missing section {section}");
        }
        let ex = examples(doc);
        assert!(ex.iter().any(|e| e.bad), "{name}: needs a bad example");
        assert!(ex.iter().any(|e| !e.bad), "{name}: needs a good example");
    }
}

#[test]
fn bad_examples_give_exactly_their_rule_and_good_ones_nothing() {
    let options = LintOptions::default();
    let mut failures = Vec::new();
    for rule in REGISTRY {
        let name = rule.meta().name;
        for ex in examples(rule.meta().doc) {
            let file = format!(
                "example.{}",
                if ex.lang.is_empty() { "js" } else { &ex.lang }
            );
            let diags = lint_source(Path::new(&file), &ex.code, &options);
            let got: Vec<String> = diags
                .iter()
                .map(|d| format!("{}: {}", d.rule, d.message))
                .collect();
            let ok = if ex.bad {
                diags.len() == 1 && diags[0].rule == name
            } else {
                diags.is_empty()
            };
            if !ok {
                failures.push(format!(
                    "rules/{name}.md:{} ({} example) gave {got:?}",
                    ex.line,
                    if ex.bad { "bad" } else { "good" }
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The README's `## Rules` table lists every rule of the registry once, with its default
/// severity and a link to its document, and nothing else.
#[test]
fn readme_rule_table_lists_the_registry() {
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
        .expect("README.md");
    let table = readme
        .split("\n## Rules\n")
        .nth(1)
        .expect("README.md has a `## Rules` section");
    // Rows of the first table in the section: `| [`name`](rules/name.md) | severity | … |`.
    let rows: Vec<(String, String, String)> = table
        .lines()
        .skip_while(|l| !l.starts_with('|'))
        .take_while(|l| l.starts_with('|'))
        .skip(2)
        .map(|l| {
            let cells: Vec<&str> = l.split('|').map(str::trim).collect();
            let (name, link) = cells[1]
                .strip_prefix("[`")
                .and_then(|c| c.split_once("`]("))
                .unwrap_or_else(|| panic!("README rule row without a linked name: {l}"));
            (
                name.to_string(),
                link.trim_end_matches(')').to_string(),
                cells[2].to_string(),
            )
        })
        .collect();
    let mut listed: Vec<&str> = rows.iter().map(|(n, _, _)| n.as_str()).collect();
    listed.sort_unstable();
    let mut registry: Vec<&str> = REGISTRY.iter().map(|r| r.meta().name).collect();
    registry.sort_unstable();
    assert_eq!(
        listed, registry,
        "README.md's rule table must list every rule once"
    );
    for (name, link, severity) in &rows {
        let meta = leaklint::rules::find(name).unwrap().meta();
        assert_eq!(
            severity,
            meta.default_severity.as_str(),
            "README.md: default severity of {name}"
        );
        assert_eq!(
            link,
            &format!("rules/{name}.md"),
            "README.md: link of {name}"
        );
    }
}
