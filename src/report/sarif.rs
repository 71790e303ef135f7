//! SARIF 2.1.0 output (`--format sarif`) for GitHub code scanning and other SARIF viewers.
//!
//! Format: OASIS SARIF 2.1.0 errata01 (`fixtures/schemas/sarif-schema-2.1.0.json`), with the subset
//! and limits GitHub documents in "SARIF support for code scanning":
//!
//! - one run; `tool.driver` names every enabled rule plus the built-in checks
//!   ([`BuiltinCheck`]) in `rules[]`, with descriptions from their metadata ([`RuleMeta`],
//!   [`BuiltinCheck::description`]), help from the rule's document `rules/<name>.md`, `helpUri`, `properties.tags`,
//!   `properties.precision`, `properties.problem.severity` and `defaultConfiguration.level`
//!   (never `security-severity`: leaks are reliability problems, not vulnerabilities);
//! - `run.columnKind` is `utf16CodeUnits`: lines and columns are 1-based, columns count UTF-16
//!   code units, and `endColumn` is exclusive (SARIF §3.30.5–3.30.8);
//! - `artifactLocation.uri` is relative to the source root (the nearest ancestor of the working
//!   directory that holds `.git`, else the working directory) with `uriBaseId: "%SRCROOT%"`,
//!   after symlinks are resolved (GitHub does not show results in symlinked paths); files outside
//!   the root get an absolute `file://` URI;
//! - secondary labels are `relatedLocations` (one that is another rule's finding of the same leak,
//!   merged into this one, has that rule's `ruleId` and `confidence` in its `properties`), the
//!   confidence is `properties.confidence`;
//! - a file that crashed leaklint (`internal-error`) or went over its parse budget
//!   (`parse-timeout`) is not a result but an entry of the invocation's
//!   `toolExecutionNotifications` (SARIF §3.20.21), at level `error`, naming the file;
//! - `partialFingerprints.primaryLocationLineHash` is GitHub's own line hash
//!   ([`super::fingerprint`]), so uploads through the API and through `upload-sarif` agree.

use std::collections::HashMap;
use std::io::{self, Write};
use std::path::{Component, Path, PathBuf};

use percent_encoding::{utf8_percent_encode, AsciiSet, CONTROLS};
use serde_json::{json, Value};

use super::range_of;
use crate::diagnostic::{Diagnostic, Severity};
use crate::isolate::{is_tool_failure, INTERNAL_ERROR, PARSE_TIMEOUT};
use crate::linter::FileResult;
use crate::rules::{BuiltinCheck, RuleMeta};
use crate::source::{LineIndex, PositionRange};

/// The `$schema` GitHub's documentation gives for SARIF 2.1.0.
pub const SCHEMA_URI: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// Where rule documents are published: `<repository>/blob/main/rules/<name>.md`.
const REPOSITORY: &str = env!("CARGO_PKG_REPOSITORY");

/// The root that `%SRCROOT%` stands for, and the conversion of file paths to URIs relative to it.
#[derive(Debug, Clone)]
pub struct SourceRoot {
    dir: PathBuf,
}

impl SourceRoot {
    /// The nearest ancestor of `cwd` (itself included) that holds `.git`, or `cwd` when there is
    /// none; symlinks resolved.
    pub fn discover(cwd: &Path) -> SourceRoot {
        let cwd = std::fs::canonicalize(cwd).unwrap_or_else(|_| cwd.to_path_buf());
        let dir = cwd
            .ancestors()
            .find(|d| d.join(".git").exists())
            .unwrap_or(&cwd)
            .to_path_buf();
        SourceRoot { dir }
    }

    /// A root at `dir` exactly (symlinks resolved).
    pub fn at(dir: &Path) -> SourceRoot {
        SourceRoot {
            dir: std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf()),
        }
    }

    /// The root directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// `path` (relative to the working directory, or absolute) with symlinks resolved, relative to
    /// the root with `/` separators, e.g. `src/app.js`; `None` when it lies outside the root. A
    /// path that does not exist (`--stdin-filename`) is resolved through its parent directory.
    pub fn relative(&self, path: &Path) -> Option<String> {
        let real = resolve(path);
        let rel = real.strip_prefix(&self.dir).ok()?;
        let parts: Vec<String> = rel
            .components()
            .map(|c| match c {
                Component::Normal(s) => Some(s.to_string_lossy().into_owned()),
                _ => None,
            })
            .collect::<Option<_>>()?;
        Some(parts.join("/"))
    }

    /// The `file://` URI of the root, ending with `/` (SARIF §3.14.14 `originalUriBaseIds`).
    pub fn uri(&self) -> String {
        let mut u = url::Url::from_directory_path(&self.dir)
            .map(String::from)
            .unwrap_or_else(|_| "file:///".into());
        if !u.ends_with('/') {
            u.push('/');
        }
        u
    }
}

/// `path` made absolute with symlinks resolved, as far as the file system allows.
fn resolve(path: &Path) -> PathBuf {
    if let Ok(p) = std::fs::canonicalize(path) {
        return p;
    }
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    match (abs.parent(), abs.file_name()) {
        (Some(dir), Some(name)) => std::fs::canonicalize(dir)
            .map(|d| d.join(name))
            .unwrap_or(abs.clone()),
        _ => abs,
    }
}

/// Characters percent-encoded in a relative URI path (RFC 3986 `pchar` plus `/`).
const PATH: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'[')
    .add(b'\\')
    .add(b']')
    .add(b'^')
    .add(b'`')
    .add(b'{')
    .add(b'|')
    .add(b'}');

/// The SARIF `artifactLocation` for `path`: `{uri, uriBaseId: "%SRCROOT%"}` with a
/// percent-encoded relative URI inside `root`, else `{uri: "file:///…"}`.
pub fn artifact_location(root: &SourceRoot, path: &Path) -> Value {
    match root.relative(path) {
        Some(rel) => json!({
            "uri": utf8_percent_encode(&rel, PATH).to_string(),
            "uriBaseId": "%SRCROOT%",
        }),
        None => {
            let abs = resolve(path);
            let uri = url::Url::from_file_path(&abs)
                .map(String::from)
                .unwrap_or_else(|_| abs.display().to_string());
            json!({ "uri": uri })
        }
    }
}

/// What SARIF says about one reportable check: a rule from the registry or a built-in check.
struct Descriptor {
    id: &'static str,
    summary: &'static str,
    full: String,
    doc: String,
    level: Severity,
    help_uri: String,
    tags: &'static [&'static str],
    precision: &'static str,
}

impl Descriptor {
    fn of_rule(meta: &'static RuleMeta) -> Descriptor {
        Descriptor {
            id: meta.name,
            summary: meta.summary,
            full: meta.description(),
            doc: meta.doc.to_string(),
            level: meta.default_severity,
            help_uri: format!("{REPOSITORY}/blob/main/rules/{}.md", meta.name),
            tags: &["reliability", "memory-leak", "javascript", "typescript"],
            precision: "high",
        }
    }

    fn builtin(check: BuiltinCheck) -> Descriptor {
        let (id, full) = (check.name(), check.description());
        Descriptor {
            id,
            summary: check.summary(),
            full: full.to_string(),
            doc: format!("# {id}\n\n{full}\n"),
            level: check.severity(),
            help_uri: format!("{REPOSITORY}#suppressions"),
            tags: &["leaklint"],
            precision: "very-high",
        }
    }

    fn to_value(&self) -> Value {
        json!({
            "id": self.id,
            "name": pascal_case(self.id),
            "shortDescription": { "text": sentence(self.summary) },
            "fullDescription": { "text": truncate(&sentence(&self.full), 1024) },
            "help": { "text": self.doc, "markdown": self.doc },
            "helpUri": self.help_uri,
            "defaultConfiguration": { "level": level(self.level) },
            "properties": {
                "tags": self.tags,
                "precision": self.precision,
                "problem.severity": problem_severity(self.level),
            },
        })
    }
}

/// `no-leaked-timer` → `NoLeakedTimer` (SARIF's friendly rule name, §3.49.7).
fn pascal_case(id: &str) -> String {
    id.split('-')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_uppercase().chain(c).collect::<String>())
                .unwrap_or_default()
        })
        .collect()
}

/// `text` ending with a full stop (the SARIF multitool's SARIF2001 asks messages to be sentences).
fn sentence(text: &str) -> String {
    let t = text.trim_end();
    if t.ends_with(['.', '!', '?']) {
        t.to_string()
    } else {
        format!("{t}.")
    }
}

/// At most `max` characters of `text` (GitHub's limit for descriptions is 1024).
fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut s: String = text.chars().take(max - 1).collect();
    s.push('…');
    s
}

/// SARIF `level` (§3.27.10): `error` or `warning`.
fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warn => "warning",
    }
}

/// GitHub's `problem.severity` for non-security rules: `error`, `warning` or `recommendation`.
fn problem_severity(s: Severity) -> &'static str {
    level(s)
}

/// The SARIF log for `results`.
///
/// `rules` are the enabled rules (each once, in registry order); `root` is what `%SRCROOT%` stands
/// for. Every result's `ruleIndex` points into `tool.driver.rules`.
pub fn to_value(results: &[FileResult], rules: &[&'static RuleMeta], root: &SourceRoot) -> Value {
    let mut descriptors: Vec<Descriptor> = rules.iter().map(|m| Descriptor::of_rule(m)).collect();
    descriptors.extend(BuiltinCheck::ALL.into_iter().map(Descriptor::builtin));
    // A finding of a rule that is not in `rules` (cannot happen through the CLI) still gets one.
    for r in results {
        for d in &r.diagnostics {
            if !descriptors.iter().any(|x| x.id == d.rule) {
                if let Some(rule) = crate::rules::find(d.rule) {
                    descriptors.push(Descriptor::of_rule(rule.meta()));
                }
            }
        }
    }
    let index_of: HashMap<&str, usize> = descriptors
        .iter()
        .enumerate()
        .map(|(i, d)| (d.id, i))
        .collect();
    let mut out = Vec::new();
    let mut notifications = Vec::new();
    for r in results {
        if r.diagnostics.is_empty() {
            continue;
        }
        let index = LineIndex::new(&r.text);
        let artifact = artifact_location(root, &r.path);
        let hashes = super::fingerprint::line_hashes(&r.text);
        for d in &r.diagnostics {
            if is_tool_failure(d.rule) {
                notifications.push(notification(d, &artifact));
                continue;
            }
            out.push(result(
                r,
                &index,
                d,
                &artifact,
                index_of.get(d.rule).copied(),
                &hashes,
                root,
            ));
        }
    }
    let version = env!("CARGO_PKG_VERSION");
    json!({
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "leaklint",
                    "version": version,
                    "semanticVersion": version,
                    "informationUri": REPOSITORY,
                    "rules": descriptors.iter().map(Descriptor::to_value).collect::<Vec<_>>(),
                    "notifications": TOOL_FAILURES
                        .iter()
                        .map(|(id, text)| notification_descriptor(id, text))
                        .collect::<Vec<_>>(),
                }
            },
            "invocations": [invocation(notifications)],
            "originalUriBaseIds": { "%SRCROOT%": { "uri": root.uri() } },
            "columnKind": "utf16CodeUnits",
            "results": out,
        }]
    })
}

/// The notifications leaklint reports about its own failures on a file (`tool.driver.notifications`,
/// SARIF §3.19.23), with their short descriptions.
const TOOL_FAILURES: [(&str, &str); 2] = [
    (
        INTERNAL_ERROR,
        "leaklint crashed while linting a file, so no rule checked it.",
    ),
    (
        PARSE_TIMEOUT,
        "Parsing a file took longer than its budget (--file-timeout), so no rule checked it.",
    ),
];

/// The `reportingDescriptor` of a tool failure, with what GitHub's ingestion rules ask of every
/// descriptor (GH2012: `fullDescription` and `help`).
fn notification_descriptor(id: &str, text: &str) -> Value {
    let help = format!(
        "# {id}\n\n{text} The message names the file and what went wrong; please report \
         crashes at {REPOSITORY}/issues.\n"
    );
    json!({
        "id": id,
        "name": pascal_case(id),
        "shortDescription": { "text": text },
        "fullDescription": { "text": text },
        "help": { "text": help, "markdown": help },
        "helpUri": format!("{REPOSITORY}/blob/main/docs/reliability.md"),
        "defaultConfiguration": { "level": "error" },
    })
}

/// The run's one invocation (SARIF §3.20). A file that crashed or timed out is a tool execution
/// notification at level `error` (§3.20.21: how SARIF reports a tool's failures, kept apart from
/// the results about the code). `executionSuccessful` stays true: the run itself completed and
/// reported every other file (§3.20.14 keeps `false` for a tool that could not finish).
fn invocation(notifications: Vec<Value>) -> Value {
    let mut v = json!({ "executionSuccessful": true });
    if !notifications.is_empty() {
        v["toolExecutionNotifications"] = Value::Array(notifications);
    }
    v
}

/// A tool-failure diagnostic as a SARIF `notification` (§3.58) naming the file.
fn notification(d: &Diagnostic, artifact: &Value) -> Value {
    let index = TOOL_FAILURES.iter().position(|(id, _)| *id == d.rule);
    let mut text = sentence(&d.message);
    if let Some(h) = &d.help {
        text.push_str(&format!(" {}", sentence(&capitalised(h))));
    }
    let mut descriptor = json!({ "id": d.rule });
    if let Some(i) = index {
        descriptor["index"] = Value::from(i);
    }
    json!({
        "level": "error",
        "message": { "text": text },
        "descriptor": descriptor,
        "locations": [{ "physicalLocation": { "artifactLocation": artifact } }],
    })
}

/// `text` with its first letter upper-cased.
fn capitalised(text: &str) -> String {
    let mut c = text.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

fn region(r: &FileResult, index: &LineIndex, span: crate::diagnostic::ByteSpan) -> Value {
    region_of(index.range(&r.text, span.start, span.end))
}

/// The SARIF `region` of `range` (1-based lines and UTF-16 columns, `columnKind` of the run).
fn region_of(range: PositionRange) -> Value {
    json!({
        "startLine": range.start.line,
        "startColumn": range.start.column,
        "endLine": range.end.line,
        "endColumn": range.end.column,
    })
}

fn result(
    r: &FileResult,
    index: &LineIndex,
    d: &Diagnostic,
    artifact: &Value,
    rule_index: Option<usize>,
    hashes: &[String],
    root: &SourceRoot,
) -> Value {
    let (start, _) = range_of(&r.text, index, d);
    let mut related: Vec<Value> = d
        .labels
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let mut v = json!({
                "id": i + 1,
                "physicalLocation": {
                    "artifactLocation": artifact,
                    "region": region(r, index, l.span),
                },
                "message": { "text": sentence(&l.message) },
            });
            if let Some(m) = l.merged {
                // Another rule's finding of the same leak, merged into this one (crate::merge).
                v["properties"] = json!({ "ruleId": m.rule, "confidence": m.confidence.as_str() });
            }
            v
        })
        .collect();
    // Locations in other files of the project (the whole-project pass), each with its own
    // artifact (SARIF 2.1.0 §3.27.22: a related location is any location relevant to the result).
    for e in &d.elsewhere {
        related.push(json!({
            "id": related.len() + 1,
            "physicalLocation": {
                "artifactLocation": artifact_location(root, Path::new(&e.path)),
                "region": region_of(e.range),
            },
            "message": { "text": sentence(&e.message) },
        }));
    }
    let mut text = sentence(&d.message);
    if let Some(h) = &d.help {
        text.push_str(&format!(" Fix: {}", sentence(h)));
    }
    let mut v = json!({
        "ruleId": d.rule,
        "level": level(d.severity),
        "message": { "text": text },
        "locations": [{
            "physicalLocation": {
                "artifactLocation": artifact,
                "region": region(r, index, d.span),
            }
        }],
        "properties": { "confidence": d.confidence.as_str() },
    });
    if let Some(i) = rule_index {
        v["ruleIndex"] = Value::from(i);
    }
    if let Some(h) = hashes.get(start.line as usize - 1) {
        v["partialFingerprints"] = json!({ "primaryLocationLineHash": h });
    }
    if !related.is_empty() {
        v["relatedLocations"] = Value::Array(related);
    }
    v
}

/// Writes the SARIF log for `results` to `w` (pretty-printed JSON and a final newline).
///
/// # Errors
/// I/O errors of `w`.
pub fn render(
    results: &[FileResult],
    rules: &[&'static RuleMeta],
    root: &SourceRoot,
    w: &mut dyn Write,
) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *w, &to_value(results, rules, root))?;
    writeln!(w)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_sentences() {
        assert_eq!(pascal_case("no-leaked-timer"), "NoLeakedTimer");
        assert_eq!(sentence("a thing"), "a thing.");
        assert_eq!(sentence("done."), "done.");
        assert_eq!(truncate("abcdef", 4), "abc…");
    }

    #[test]
    fn relative_uris_are_percent_encoded_and_slash_separated() {
        let d = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(d.path().join("src/my dir")).unwrap();
        std::fs::write(d.path().join("src/my dir/a#b.js"), "x").unwrap();
        let root = SourceRoot::at(d.path());
        let v = artifact_location(&root, &d.path().join("src/my dir/a#b.js"));
        assert_eq!(v["uri"], "src/my%20dir/a%23b.js");
        assert_eq!(v["uriBaseId"], "%SRCROOT%");
        assert!(root.uri().starts_with("file:///") && root.uri().ends_with('/'));
    }
}
