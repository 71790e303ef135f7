//! The lint pipeline for one file: parse, build the semantic model, run the enabled rules, merge
//! findings of the same leak ([`crate::merge`]), apply suppression comments and the confidence
//! floor. Every front end (the CLI through
//! [`crate::walk`], the language server) lints through [`lint_source`] or [`lint_bytes`].

use std::path::Path;

use std::path::PathBuf;
use std::sync::Arc;

use crate::diagnostic::{ByteSpan, Confidence, Diagnostic, Severity};
use crate::rules::{self, BuiltinCheck, Rule, RuleContext};
use crate::source::Dialect;
use crate::{budget, isolate, merge, parse, semantic, sfc, stacks, suppress};

/// Which rules run, at which severity, and the lowest confidence reported.
#[derive(Clone)]
pub struct LintOptions {
    /// Enabled rules with their configured severity.
    pub rules: Vec<(&'static dyn Rule, Severity)>,
    /// Findings below this confidence are dropped (after suppressions are matched).
    pub min_confidence: Confidence,
}

impl Default for LintOptions {
    /// Every rule at its default severity, `medium` confidence and up (the CI gate,
    /// docs/architecture.md).
    fn default() -> LintOptions {
        LintOptions {
            rules: rules::REGISTRY
                .iter()
                .map(|r| (*r, r.meta().default_severity))
                .collect(),
            min_confidence: Confidence::Medium,
        }
    }
}

impl LintOptions {
    /// The configured severity of rule `name`, or `None` when it is off.
    pub fn severity_of(&self, name: &str) -> Option<Severity> {
        self.rules
            .iter()
            .find(|(r, _)| r.meta().name == name)
            .map(|(_, s)| *s)
    }
}

/// The result of linting one file.
#[derive(Debug, Clone)]
pub struct FileResult {
    /// The path as discovered.
    pub path: PathBuf,
    /// The file's text (lossily decoded when it is not UTF-8); empty when it has no diagnostics.
    pub text: String,
    /// Its diagnostics, sorted by position.
    pub diagnostics: Vec<Diagnostic>,
}

/// Lints one file's text.
///
/// `path` decides the dialect (TypeScript for `.ts .tsx .mts .cts`, JavaScript with JSX otherwise)
/// and is not read. For a component (`.vue .svelte .astro`) only its script blocks are linted
/// ([`sfc::units`]), each unit parsed in place so that every span is a byte offset of `text`. Returns the diagnostics sorted by position: rule findings, a `parse-error` when
/// the file does not parse (then no rule runs), and `invalid-suppression`/`unused-suppression` for
/// suppression comments. Findings in test files ([`is_test_path`]) get `low` confidence. Never
/// panics on any input text: a panic in the parser, the model or a rule gives one
/// `internal-error` diagnostic ([`isolate::internal_error`]) instead.
pub fn lint_source(path: &Path, text: &str, options: &LintOptions) -> Vec<Diagnostic> {
    lint_source_observed(path, text, options, &|| {})
}

/// As [`lint_source`], calling `on_parsed` once the parse is over (whether it succeeded or not),
/// before the model is built: [`budget`] limits the parse alone.
pub(crate) fn lint_source_observed(
    path: &Path,
    text: &str,
    options: &LintOptions,
    on_parsed: &dyn Fn(),
) -> Vec<Diagnostic> {
    lint_in_project(path, text, options, &Project::Alone, on_parsed).0
}

/// How a file is linted with respect to the rest of its project ([`crate::project`]).
#[derive(Debug, Clone, Copy)]
pub enum Project<'a> {
    /// Alone, with no summary: the language server and single-file entry points.
    Alone,
    /// Alone, leaving the module's summary for the project pass (its first lint).
    Summarise,
    /// With what the project pass learnt about its exports' uses (its second lint).
    Knowing(&'a crate::semantic::ProjectFacts),
}

/// As [`lint_source`], linting the file as `project` says and calling `on_parsed` once the parse
/// is over (for [`budget`]); returns the diagnostics and,
/// for [`Project::Summarise`], the module's summary (`None` when it did not parse or a panic was
/// caught).
pub fn lint_in_project(
    path: &Path,
    text: &str,
    options: &LintOptions,
    project: &Project<'_>,
    on_parsed: &dyn Fn(),
) -> (Vec<Diagnostic>, Option<crate::project::ModuleSummary>) {
    let dialect = Dialect::from_path(path).unwrap_or(Dialect::JavaScript);
    let is_test_file = is_test_path(path);
    // The resolver, our visitors and the AST's drop recurse once per nesting level; on a thread
    // with little stack left, continue on a fresh 256 MiB segment (only touched pages are used).
    stacker::maybe_grow(stacks::RED_ZONE, stacks::STACK_SIZE, || {
        // Unwind safety: the closure only reads `text` and `options`; the swc globals, the AST,
        // the model and the findings are all created inside and dropped by the unwind, so a panic
        // leaves nothing half-updated behind for the next file.
        isolate::catch(|| {
            swc_common::GLOBALS.set(&swc_common::Globals::new(), || {
                match sfc::Kind::from_path(path) {
                    // A component's units tell the project pass how they use their imports;
                    // what the pass learns about a component's own exports is not followed
                    // (its template uses them), so its second lint is its first.
                    Some(kind) => {
                        let root = sfc::is_root_component(path);
                        let summarise = matches!(project, Project::Summarise);
                        lint_component(
                            kind,
                            text,
                            root,
                            is_test_file,
                            options,
                            summarise,
                            on_parsed,
                        )
                    }
                    None => lint_in_globals(
                        text,
                        dialect,
                        None,
                        is_test_file,
                        options,
                        project,
                        on_parsed,
                    ),
                }
            })
        })
        .unwrap_or_else(|p| (vec![isolate::internal_error(&p)], None))
    })
}

/// Lints raw file bytes: text that is not UTF-8 gives one `parse-error` naming the first bad byte.
/// Returns the text (lossily decoded when it is not UTF-8) with the diagnostics.
pub fn lint_bytes(path: &Path, bytes: Vec<u8>, options: &LintOptions) -> (String, Vec<Diagnostic>) {
    match String::from_utf8(bytes) {
        Ok(text) => {
            let d = lint_source(path, &text, options);
            (text, d)
        }
        Err(e) => not_utf8(e),
    }
}

/// The text (lossily decoded) and the one `parse-error` of bytes that are not UTF-8, placed at
/// the first bad byte.
fn not_utf8(e: std::string::FromUtf8Error) -> (String, Vec<Diagnostic>) {
    let text = String::from_utf8_lossy(e.as_bytes()).into_owned();
    let at = e.utf8_error().valid_up_to() as u32;
    let d = BuiltinCheck::ParseError.report(
        ByteSpan::new(at, at),
        format!("Parsing error: the file is not valid UTF-8 text (invalid byte at offset {at})"),
    );
    (text, vec![d])
}

/// As [`lint_bytes`], with at most `parse_limit` for the parse when given ([`budget`]): a parse
/// that takes longer gives one `parse-timeout` diagnostic.
pub fn lint_bytes_within(
    path: &Path,
    bytes: Vec<u8>,
    options: &LintOptions,
    parse_limit: Option<std::time::Duration>,
) -> (String, Vec<Diagnostic>) {
    match parse_limit {
        Some(limit) => {
            lint_all_bytes_within(limit, vec![(path.to_path_buf(), bytes, options.clone())])
                .pop()
                .unwrap_or_default()
        }
        None => lint_bytes(path, bytes, options),
    }
}

/// As [`lint_bytes`] for each `(path, bytes, options)` of `files`, with at most `limit` for each
/// parse ([`budget::lint_all_within`]: the files go to one helper thread together). Returns each
/// file's text and diagnostics, in the order of `files`.
pub fn lint_all_bytes_within(
    limit: std::time::Duration,
    files: Vec<(PathBuf, Vec<u8>, LintOptions)>,
) -> Vec<(String, Vec<Diagnostic>)> {
    lint_all_bytes_in_project(limit, files, false)
        .into_iter()
        .map(|(text, d, _)| (text, d))
        .collect()
}

/// As [`lint_all_bytes_within`], also returning each module's summary for the project pass when
/// `summarise` is set ([`Project::Summarise`]; `None` for a file that did not parse or timed out).
pub fn lint_all_bytes_in_project(
    limit: std::time::Duration,
    files: Vec<(PathBuf, Vec<u8>, LintOptions)>,
    summarise: bool,
) -> Vec<(
    String,
    Vec<Diagnostic>,
    Option<crate::project::ModuleSummary>,
)> {
    type Slot = Arc<std::sync::Mutex<Option<crate::project::ModuleSummary>>>;
    let mut slots: Vec<Option<Slot>> = Vec::with_capacity(files.len());
    let project = if summarise {
        Project::Summarise
    } else {
        Project::Alone
    };
    let mut out: Vec<Option<(String, Vec<Diagnostic>)>> = Vec::with_capacity(files.len());
    // The helper thread needs its own handle on each text: share the `String` itself rather than
    // copying its bytes into an `Arc<str>` (a copy of every file, the size of the corpus).
    let mut shared = Vec::new();
    let mut lints: Vec<budget::Lint> = Vec::new();
    for (path, bytes, options) in files {
        match String::from_utf8(bytes) {
            Ok(text) => {
                let text = Arc::new(text);
                let mine = Arc::clone(&text);
                // The budget's lints return findings only: the summary comes back through a slot.
                let slot: Slot = Arc::default();
                let filled = Arc::clone(&slot);
                lints.push(Box::new(move |on_parsed: &dyn Fn()| {
                    let (found, summary) =
                        lint_in_project(&path, &mine, &options, &project, on_parsed);
                    *filled.lock().unwrap_or_else(|e| e.into_inner()) = summary;
                    found
                }));
                shared.push((out.len(), text));
                slots.push(Some(slot));
                out.push(None);
            }
            Err(e) => {
                slots.push(None);
                out.push(Some(not_utf8(e)));
            }
        }
    }
    let found = budget::lint_all_within(limit, lints);
    for ((index, text), diagnostics) in shared.into_iter().zip(found) {
        // The helper drops its handle before it reports the findings, so the text comes back
        // without a copy; only after a timeout is it still held (the abandoned parse goes on)
        // and copied.
        let text = Arc::try_unwrap(text).unwrap_or_else(|held| (*held).clone());
        out[index] = Some((text, diagnostics));
    }
    out.into_iter()
        .zip(slots)
        .map(|(linted, slot)| {
            let (text, diagnostics) = linted.unwrap_or_default();
            let summary = slot.and_then(|s| s.lock().unwrap_or_else(|e| e.into_inner()).take());
            (text, diagnostics, summary)
        })
        .collect()
}

/// As [`lint_bytes`], linting the file as `project` says ([`lint_in_project`]); returns the
/// text, the diagnostics and the summary.
pub fn lint_bytes_in_project(
    path: &Path,
    bytes: Vec<u8>,
    options: &LintOptions,
    project: &Project<'_>,
) -> (
    String,
    Vec<Diagnostic>,
    Option<crate::project::ModuleSummary>,
) {
    match String::from_utf8(bytes) {
        Ok(text) => {
            let (d, summary) = lint_in_project(path, &text, options, project, &|| {});
            (text, d, summary)
        }
        Err(e) => {
            let (text, d) = not_utf8(e);
            (text, d, None)
        }
    }
}

/// Whether `path` looks like a test file: under `test/`, `tests/`, `__tests__/` or `spec/`, or
/// named `*.test.*` / `*.spec.*`.
pub fn is_test_path(path: &Path) -> bool {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    // The path's segments between separators are its components' names (an empty or `.` segment
    // matches nothing): cheaper than `Path::components`, asked once per file.
    name.contains(".test.")
        || name.contains(".spec.")
        || path
            .as_os_str()
            .as_encoded_bytes()
            .split(|&b| std::path::is_separator(b as char))
            .any(|segment| matches!(segment, b"test" | b"tests" | b"__tests__" | b"spec"))
}

/// Lints the script of component `text` ([`sfc::units`]): each unit is parsed as the component
/// text blanked outside its blocks ([`sfc::blank_outside`]), so its spans are offsets of `text`.
/// A `<script>` that is never closed gives one `parse-error` at its opening tag. `root` says the
/// component is an application's root ([`sfc::is_root_component`]), mounted once. With
/// `summarise`, also returns the units' uses of their imports as one summary
/// ([`crate::project::ModuleSummary::absorb_imports`]; `None` when they import nothing).
fn lint_component(
    kind: sfc::Kind,
    text: &str,
    root: bool,
    is_test_file: bool,
    options: &LintOptions,
    summarise: bool,
    on_parsed: &dyn Fn(),
) -> (Vec<Diagnostic>, Option<crate::project::ModuleSummary>) {
    let units = match sfc::units(kind, text) {
        Ok(units) => units,
        Err(e) => {
            on_parsed();
            let d = BuiltinCheck::ParseError.report(
                ByteSpan::new(e.start as u32, e.tag_end as u32),
                "Parsing error: this `<script>` block is not closed by `</script>`".to_string(),
            );
            return (vec![d], None);
        }
    };
    let mut summary: Option<crate::project::ModuleSummary> = None;
    if units.is_empty() {
        on_parsed();
    }
    let mut out = Vec::new();
    let last = units.len().saturating_sub(1);
    for (i, unit) in units.into_iter().enumerate() {
        let code = sfc::blank_outside(text, &unit.blocks);
        // The parse budget ([`budget`]) watches until the last unit is parsed: every parse of
        // the file is under it (with the earlier units' rules, a small price for one budget).
        let observe: &dyn Fn() = if i == last { on_parsed } else { &|| {} };
        let component = Component {
            instance_blocks: unit
                .instance
                .iter()
                .map(|r| ByteSpan::new(r.start as u32, r.end as u32))
                .collect(),
            mounted_once: root,
            // A root component's setup runs once, like its mount hooks.
            module_repeat: match unit.runs {
                sfc::Runs::PerInstance if !root => Some(semantic::Repeat::Setup),
                sfc::Runs::PerRequest => Some(semantic::Repeat::Render),
                _ => None,
            },
        };
        let (found, unit_summary) = lint_in_globals(
            &code,
            unit.dialect,
            Some(&component),
            is_test_file,
            options,
            if summarise {
                &Project::Summarise
            } else {
                &Project::Alone
            },
            observe,
        );
        out.extend(found);
        if let Some(s) = unit_summary {
            summary
                .get_or_insert_with(Default::default)
                .absorb_imports(s);
        }
    }
    out.sort_by(|a, b| (a.span.start, a.rule).cmp(&(b.span.start, b.rule)));
    (out, summary.filter(|s| !s.is_self_contained()))
}

/// What the model of a component's unit is told about how it runs.
struct Component {
    /// Byte ranges whose top-level code runs once per component instance
    /// ([`semantic::SemanticModel::set_instance_blocks`]).
    instance_blocks: Vec<ByteSpan>,
    /// The component is mounted once ([`semantic::SemanticModel::set_mounted_once`]).
    mounted_once: bool,
    /// How often the unit's module body runs, when not once
    /// ([`semantic::SemanticModel::set_module_repeat`]).
    module_repeat: Option<semantic::Repeat>,
}

/// Lints `text` parsed as `dialect`; `component` is set for a unit of a component.
fn lint_in_globals(
    text: &str,
    dialect: Dialect,
    component: Option<&Component>,
    is_test_file: bool,
    options: &LintOptions,
    project: &Project<'_>,
    on_parsed: &dyn Fn(),
) -> (Vec<Diagnostic>, Option<crate::project::ModuleSummary>) {
    // Resolved with the model's build, one top-level statement at a time (`build_resolving`).
    let parsed = parse::parse_unresolved(text, dialect, suppress::may_have_directives);
    on_parsed();
    let parsed = match parsed {
        Ok(p) => p,
        Err(e) => {
            let d = BuiltinCheck::ParseError.report(
                ByteSpan::new(e.offset, e.end),
                format!("Parsing error: {}", e.message),
            );
            return (vec![d], None);
        }
    };
    let directives = suppress::Directives::parse(&parsed.comments, text);
    let mut out = Vec::new();
    if let Some(e) = parsed.recovered_errors.first() {
        out.push(BuiltinCheck::ParseError.report(
            ByteSpan::new(e.offset, e.end),
            format!("Parsing error: {}", e.message),
        ));
    }
    // The rules and the summary read the model alone: the AST goes while the build walks it.
    let mut model = semantic::build_resolving(parsed.program);
    if let Project::Knowing(facts) = project {
        model.set_project_facts((*facts).clone());
    }
    if let Some(c) = component {
        model.set_instance_blocks(c.instance_blocks.clone());
        if c.mounted_once {
            model.set_mounted_once();
        }
        if let Some(r) = &c.module_repeat {
            model.set_module_repeat(r.clone());
        }
    }
    let mut found = Vec::new();
    for (rule, severity) in &options.rules {
        if directives.disables_whole_file(rule.meta().name) {
            continue;
        }
        let ctx = RuleContext::new(&model, text, rule.meta(), *severity);
        rule.check(&ctx, &mut found);
    }
    // Only a verdict can depend on how the project uses an export: a file without findings (at
    // any confidence) asks nothing, which keeps the project pass to the files that matter.
    let summary = matches!(project, Project::Summarise)
        .then(|| crate::project::summary::summarise(&model, text, is_test_file, !found.is_empty()));
    drop(model);
    if is_test_file {
        // Tests and fixtures run briefly and are torn down: a leak there costs nothing, so
        // findings stay available (`--min-confidence low`) but are not shown by default.
        found
            .iter_mut()
            .for_each(|d| d.confidence = Confidence::Low);
    }
    // One leak, one finding: a closure finding kept alive by another rule's leak joins that
    // finding as a label. Before the suppressions, which still apply to either rule's name.
    let found = merge::merge(found);
    let mut kept = directives.apply(found, |rule| options.severity_of(rule).is_some(), &mut out);
    merge::settle(&mut kept);
    out.extend(
        kept.into_iter()
            .filter(|d| d.confidence >= options.min_confidence),
    );
    out.sort_by(|a, b| (a.span.start, a.rule).cmp(&(b.span.start, b.rule)));
    (out, summary)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn component_errors_are_placed_in_the_component_text() {
        let options = LintOptions::default();
        // A syntax error inside the block: its offset is the component file's.
        let text = "<template><p>é</p></template>\n<script setup>\nconst x = ;\n</script>\n";
        let d = lint_source(Path::new("a.vue"), text, &options);
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].rule, "parse-error");
        assert_eq!(d[0].span.start as usize, text.find(" ;").unwrap() + 1);
        // An unclosed block: one parse error at its tag, nothing else, no panic.
        let text = "<template/>\n<script>\nwindow.addEventListener('x', () => {});\n";
        let d = lint_source(Path::new("a.svelte"), text, &options);
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].rule, "parse-error");
        assert_eq!(d[0].span.start, 12);
        // An application's root component mounts once: its onMounted listener is added once.
        let text = "<script setup>\nimport { onMounted } from 'vue';\nonMounted(() => window.addEventListener('resize', () => {}));\n</script>\n";
        assert_eq!(
            lint_source(Path::new("src/Widget.vue"), text, &options).len(),
            1
        );
        assert!(lint_source(Path::new("src/App.vue"), text, &options).is_empty());
        // No script at all: nothing to say.
        assert!(lint_source(Path::new("a.vue"), "<template><p/></template>", &options).is_empty());
    }

    #[test]
    fn test_paths_are_recognised_by_directory_or_name() {
        for p in [
            "test/a.js",
            "pkg/tests/a.ts",
            "./__tests__/a.js",
            "/abs/spec/a.js",
            "src/a.test.js",
            "src/a.spec.ts",
        ] {
            assert!(is_test_path(Path::new(p)), "{p}");
        }
        for p in [
            "src/a.js",
            "testing/a.js",
            "src/latest/a.js",
            "spec.js",
            "src/contest.js",
        ] {
            assert!(!is_test_path(Path::new(p)), "{p}");
        }
    }
}
