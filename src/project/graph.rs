//! The module graph of the linted files, as far as the project pass needs it: which files import
//! or re-export each file whose exports were asked about ([`ModuleGraph::importers_of`]), and
//! which files are a package's entry points (their exports are used by code outside the project).
//!
//! Specifiers are resolved with `oxc_resolver` (Node's CommonJS and ESM algorithms, TypeScript's
//! extension substitution and `tsconfig.json` `paths`/`baseUrl`, found per file). Only the
//! specifiers that can name a file of interest are resolved: a relative specifier whose last
//! segment is not that file's stem (or, for an `index` file, its folder's name) cannot reach it.

use std::path::{Path, PathBuf};

use oxc_resolver::{ResolveOptions, Resolver, TsconfigDiscovery};
use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};

use super::summary::{ModuleSummary, UseRuns};
use crate::semantic::exports::split_member_question;
use swc_atoms::Atom;

/// How an importer reaches a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EdgeKind {
    /// Through the importer's use `summary.imports[i]`.
    Import(usize),
    /// Through the importer's re-export `summary.reexports[i]`.
    ReExport(usize),
}

/// One importer of a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Edge {
    /// The importing file's index.
    pub from: usize,
    /// How it reaches the file.
    pub kind: EdgeKind,
}

/// The importers of the files of interest, and the package entry points among them.
#[derive(Debug, Default)]
pub struct ModuleGraph {
    importers: FxHashMap<usize, Vec<Edge>>,
    entries: FxHashSet<usize>,
    /// The files of interest that some module imports, whatever names it uses.
    imported: FxHashSet<usize>,
}

/// What one importer gives a round: its edges to the round's targets (by target), and the
/// resolutions it made (file, specifier index, file found).
type RoundFound = (Vec<(usize, Edge)>, Vec<(usize, u32, Option<usize>)>);

/// How many rounds of "files that re-export or forward a file of interest are of interest too".
const MAX_ROUNDS: usize = 8;

impl ModuleGraph {
    /// Resolves the imports of `files` (with their `summaries`, same order) that can reach the
    /// files `of_interest`, and, round by round, of the files that re-export them or use them as
    /// often as their own exports are used.
    pub fn build(
        files: &[PathBuf],
        summaries: &[Option<ModuleSummary>],
        of_interest: &[usize],
    ) -> ModuleGraph {
        // `tsconfig.json` `paths` only apply to bare specifiers; looking for the nearest
        // `tsconfig.json` of every file costs more than the resolution of relative ones.
        let relative_resolver = Resolver::new(ResolveOptions {
            tsconfig: None,
            ..resolve_options()
        });
        let resolver = relative_resolver.clone_with_options(resolve_options());
        // Absolute, not canonical: the resolver keeps symbolic links as they are (`symlinks:
        // false`), so a tree reached through a link maps back to the walked paths without a
        // `realpath` per file.
        // The working directory is asked once: `std::path::absolute` asks the OS for it again
        // for every relative path.
        let cwd = std::env::current_dir().ok();
        let canonical: Vec<Option<PathBuf>> = files
            .par_iter()
            .map(|p| match &cwd {
                Some(cwd) => Some(crate::config::absolute_from(Some(cwd), p)),
                None => crate::config::absolute(p),
            })
            .collect();
        // The index of paths and the specifiers by stem are built side by side: both take a
        // few milliseconds on one thread on a large project.
        let (index, (tables, (by_stem, always))) = rayon::join(
            || -> FxHashMap<&Path, usize> {
                canonical
                    .iter()
                    .enumerate()
                    .filter_map(|(i, p)| Some((p.as_deref()?, i)))
                    .collect()
            },
            || {
                let tables: Vec<Option<Specifiers>> = summaries
                    .par_iter()
                    .map(|s| s.as_ref().map(Specifiers::of))
                    .collect();
                let by_stem = by_stem(&tables, &canonical);
                (tables, by_stem)
            },
        );
        let mut graph = ModuleGraph::default();
        let mut done: FxHashSet<usize> = FxHashSet::default();
        // Resolutions are kept across rounds (a later round asks about other files, often
        // through the same specifiers): by file and specifier index, and by the file found.
        let mut resolved: Vec<FxHashMap<u32, Option<usize>>> =
            vec![FxHashMap::default(); files.len()];
        let mut resolved_to: FxHashMap<usize, Vec<(usize, u32)>> = FxHashMap::default();
        let mut names: FxHashSet<&swc_atoms::Atom> = FxHashSet::default();
        let star = swc_atoms::Atom::from("*");
        let mut wanted: Vec<usize> = of_interest.to_vec();
        for _ in 0..MAX_ROUNDS {
            wanted.retain(|i| done.insert(*i));
            if wanted.is_empty() {
                break;
            }
            let stems: FxHashSet<String> = wanted
                .iter()
                .filter_map(|&i| canonical[i].as_deref())
                .flat_map(stems_of)
                .collect();
            let targets: FxHashSet<usize> = wanted.iter().copied().collect();
            // A use can only matter when it names an export of a file of interest (or uses a
            // whole namespace): other uses are not resolved. The names of earlier rounds stay,
            // since a file that re-exports everything (`export *`) lists none of its own.
            for s in wanted.iter().filter_map(|&i| summaries[i].as_ref()) {
                names.extend(s.exports.iter());
                for re in &s.reexports {
                    names.extend(re.names.iter().flatten().map(|(_, exported)| exported));
                }
            }
            // The specifiers that can reach a target: those that may name one, and those
            // resolved in an earlier round to one. No other specifier can give an edge.
            let mut candidates: Vec<(usize, u32)> = always.clone();
            for stem in &stems {
                candidates.extend(by_stem.get(stem.as_str()).into_iter().flatten());
            }
            for t in &targets {
                candidates.extend(resolved_to.get(t).into_iter().flatten());
            }
            candidates.sort_unstable();
            candidates.dedup();
            let by_file: Vec<&[(usize, u32)]> = candidates.chunk_by(|a, b| a.0 == b.0).collect();
            let found: Vec<RoundFound> = by_file
                .par_iter()
                .map(|group| {
                    let from = group[0].0;
                    let mut out = Vec::new();
                    let mut fresh: FxHashMap<u32, Option<usize>> = FxHashMap::default();
                    let (Some(s), Some(table), Some(path)) = (
                        summaries[from].as_ref(),
                        tables[from].as_ref(),
                        canonical[from].as_deref(),
                    ) else {
                        return (out, Vec::new());
                    };
                    let mut candidate = vec![false; table.len() as usize];
                    for &(_, k) in *group {
                        candidate[k as usize] = true;
                    }
                    let known = &resolved[from];
                    let mut target_of = |k: u32| -> Option<usize> {
                        if let Some(to) = known.get(&k).or_else(|| fresh.get(&k)) {
                            return *to;
                        }
                        let specifier = table.get(k);
                        if !may_name(specifier, &stems) {
                            return None;
                        }
                        let r = if specifier.starts_with('.') || specifier.starts_with('/') {
                            relative_resolver.resolve_file(path, specifier)
                        } else {
                            resolver.resolve_file(path, specifier)
                        };
                        let to = r.ok().and_then(|r| index.get(r.path()).copied());
                        fresh.insert(k, to);
                        to
                    };
                    for (u, used) in s.imports.iter().enumerate() {
                        if !candidate[used.specifier as usize] {
                            continue;
                        }
                        // A member question (`Store.add`) names the export before the dot.
                        if used.name != star
                            && !names.contains(&used.name)
                            && !split_member_question(&used.name)
                                .is_some_and(|(export, _)| names.contains(&Atom::from(export)))
                        {
                            // No edge, but resolved all the same: that a module imports the
                            // target at all is an answer ([`ModuleGraph::is_imported`]).
                            target_of(used.specifier);
                            continue;
                        }
                        if let Some(to) = target_of(used.specifier).filter(|t| targets.contains(t))
                        {
                            out.push((
                                to,
                                Edge {
                                    from,
                                    kind: EdgeKind::Import(u),
                                },
                            ));
                        }
                    }
                    for (r, &k) in table.reexports.iter().enumerate() {
                        if !candidate[k as usize] {
                            continue;
                        }
                        if let Some(to) = target_of(k).filter(|t| targets.contains(t)) {
                            out.push((
                                to,
                                Edge {
                                    from,
                                    kind: EdgeKind::ReExport(r),
                                },
                            ));
                        }
                    }
                    let fresh = fresh.into_iter().map(|(k, to)| (from, k, to)).collect();
                    (out, fresh)
                })
                .collect();
            let mut next = Vec::new();
            for (edges, fresh) in found {
                for (from, k, to) in fresh {
                    resolved[from].insert(k, to);
                    if let Some(to) = to {
                        resolved_to.entry(to).or_default().push((from, k));
                    }
                }
                for (to, edge) in edges {
                    let forwards = match edge.kind {
                        EdgeKind::ReExport(_) => true,
                        EdgeKind::Import(u) => summaries[edge.from]
                            .as_ref()
                            .is_some_and(|s| matches!(s.imports[u].runs, UseRuns::AsOftenAs(_))),
                    };
                    if forwards {
                        next.push(edge.from);
                    }
                    graph.importers.entry(to).or_default().push(edge);
                }
            }
            wanted = next;
        }
        for edges in graph.importers.values_mut() {
            edges.sort_by_key(|e| (e.from, matches!(e.kind, EdgeKind::ReExport(_))));
            edges.dedup();
        }
        graph.entries = entry_points(&relative_resolver, &done, &canonical);
        graph.imported = resolved_to.keys().copied().collect();
        graph
    }

    /// Whether some module of the project imports or re-exports file `i` (one of the files of
    /// interest or those that forward them), whatever names it uses.
    pub fn is_imported(&self, i: usize) -> bool {
        self.imported.contains(&i)
    }

    /// The files that import or re-export file `i`, by index, in file order (only for the files
    /// of interest and those that forward them).
    pub fn importers_of(&self, i: usize) -> &[Edge] {
        self.importers.get(&i).map_or(&[], Vec::as_slice)
    }

    /// Whether file `i` is an entry point of its package (`main`, `module`, `browser`, `bin` or an
    /// `exports` target of the nearest `package.json`): code outside the project uses its
    /// exports.
    pub fn is_entry(&self, i: usize) -> bool {
        self.entries.contains(&i)
    }
}

/// Node's and TypeScript's resolution for source files: TypeScript's extensions before
/// JavaScript's, `.js` in a specifier also finding the `.ts` source (TypeScript's
/// `moduleResolution: node16` rule), the `node`, `import`, `require` and `default` conditions,
/// and the nearest `tsconfig.json` for `paths`.
fn resolve_options() -> ResolveOptions {
    let ext = |xs: &[&str]| xs.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    ResolveOptions {
        extensions: ext(&[
            ".ts", ".tsx", ".mts", ".cts", ".js", ".jsx", ".mjs", ".cjs", ".json",
        ]),
        extension_alias: vec![
            (".js".into(), ext(&[".ts", ".tsx", ".js"])),
            (".mjs".into(), ext(&[".mts", ".mjs"])),
            (".cjs".into(), ext(&[".cts", ".cjs"])),
        ],
        condition_names: ext(&["node", "import", "require", "default"]),
        main_fields: ext(&["main", "module"]),
        builtin_modules: true,
        symlinks: false,
        tsconfig: Some(TsconfigDiscovery::Auto),
        ..ResolveOptions::default()
    }
}

/// The names a specifier's last segment may have to reach `path`: its stem, and for an `index`
/// file its folder's name.
fn stems_of(path: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let Some(stem) = path
        .file_name()
        .and_then(|n| n.to_str())
        .map(strip_extension)
    else {
        return out;
    };
    if stem == "index" {
        // `./store` names `store/index.ts`; a workspace package `@app/store` names its
        // `store/index.ts` or `store/src/index.ts` through its `package.json`.
        for dir in path.ancestors().skip(1).take(2) {
            if let Some(name) = dir.file_name().and_then(|n| n.to_str()) {
                out.push(name.to_string());
            }
        }
    }
    out.push(stem.to_string());
    out
}

fn strip_extension(name: &str) -> &str {
    const EXTENSIONS: &[&str] = &[
        ".d.ts", ".ts", ".tsx", ".mts", ".cts", ".js", ".jsx", ".mjs", ".cjs", ".json",
    ];
    EXTENSIONS
        .iter()
        .find_map(|e| name.strip_suffix(e))
        .unwrap_or(name)
}

/// Whether one of `specifiers` (module specifiers as written) may name the file at `path`: its
/// last segment is the file's stem (or an `index` file's folder), or a folder (`.`, `..`). A
/// cheap over-approximation of resolution, for deciding which modules to look at again.
pub fn may_import(specifiers: &[String], path: &Path) -> bool {
    let stems: FxHashSet<String> = stems_of(path).into_iter().collect();
    specifiers.iter().any(|s| may_name(s, &stems))
}

/// Whether `specifier` can name a file with one of `stems`: always for `.`/`..`, otherwise when
/// its last segment (without extension) is one of them (`./store`, `@app/store`,
/// `@server/utils/fetch` with a `tsconfig.json` path alias).
fn may_name(specifier: &str, stems: &FxHashSet<String>) -> bool {
    match name_key(specifier) {
        NameKey::Never => false,
        NameKey::Any => true,
        NameKey::Stem(stem) => stems.contains(stem),
    }
}

/// Which files a specifier may name, by their stems ([`stems_of`]).
enum NameKey<'a> {
    /// None: a Node built-in (`node:fs`).
    Never,
    /// Any: its last segment is a folder (`.`, `..`, `./`).
    Any,
    /// Those with this stem: its last segment without extension.
    Stem(&'a str),
}

fn name_key(specifier: &str) -> NameKey<'_> {
    if specifier.starts_with("node:") {
        return NameKey::Never;
    }
    let last = specifier.rsplit('/').next().unwrap_or(specifier);
    if last.is_empty() || last == "." || last == ".." {
        return NameKey::Any;
    }
    NameKey::Stem(strip_extension(last))
}

/// The specifiers of the summaries (`tables`) of files with a path in `canonical` (same order),
/// as `(file, index in its table)`: by the stem they may name ([`may_name`]), looked up per round
/// instead of testing every specifier of the project; and those that may name any file.
type ByStem<'a> = (FxHashMap<&'a str, Vec<(usize, u32)>>, Vec<(usize, u32)>);

fn by_stem<'a>(tables: &[Option<Specifiers<'a>>], canonical: &[Option<PathBuf>]) -> ByStem<'a> {
    let mut by_stem: FxHashMap<&str, Vec<(usize, u32)>> = FxHashMap::default();
    let mut always: Vec<(usize, u32)> = Vec::new();
    for (from, table) in tables.iter().enumerate() {
        let Some(table) = table.as_ref().filter(|_| canonical[from].is_some()) else {
            continue;
        };
        for k in 0..table.len() {
            match name_key(table.get(k)) {
                NameKey::Never => {}
                NameKey::Any => always.push((from, k)),
                NameKey::Stem(stem) => by_stem.entry(stem).or_default().push((from, k)),
            }
        }
    }
    (by_stem, always)
}

/// The specifiers of one summary: its uses' ([`ModuleSummary::specifiers`], same indices), then
/// those only its re-exports name, so that a resolution is kept once per specifier.
struct Specifiers<'a> {
    /// Those of its uses.
    uses: &'a [String],
    /// Those only its re-exports name.
    more: Vec<&'a str>,
    /// The index of each re-export's specifier (same order as `summary.reexports`).
    reexports: Vec<u32>,
}

impl<'a> Specifiers<'a> {
    fn of(summary: &'a ModuleSummary) -> Specifiers<'a> {
        let uses = summary.specifiers.as_slice();
        let mut more: Vec<&str> = Vec::new();
        let mut reexports = Vec::with_capacity(summary.reexports.len());
        if !summary.reexports.is_empty() {
            let mut index: FxHashMap<&str, u32> = uses
                .iter()
                .enumerate()
                .map(|(k, s)| (s.as_str(), k as u32))
                .collect();
            for re in &summary.reexports {
                let next = (uses.len() + more.len()) as u32;
                let k = *index.entry(re.specifier.as_str()).or_insert_with(|| {
                    more.push(&re.specifier);
                    next
                });
                reexports.push(k);
            }
        }
        Specifiers {
            uses,
            more,
            reexports,
        }
    }

    /// How many specifiers.
    fn len(&self) -> u32 {
        (self.uses.len() + self.more.len()) as u32
    }

    /// Specifier `k` (below [`len`](Self::len)).
    fn get(&self, k: u32) -> &'a str {
        let k = k as usize;
        match self.uses.get(k) {
            Some(s) => s,
            None => self.more[k - self.uses.len()],
        }
    }
}

/// The files among `files` (indices, with their canonical paths) that an entry field of their
/// nearest `package.json` names.
fn entry_points(
    resolver: &Resolver,
    files: &FxHashSet<usize>,
    canonical: &[Option<PathBuf>],
) -> FxHashSet<usize> {
    let mut by_package: FxHashMap<PathBuf, PackageEntries> = FxHashMap::default();
    // The nearest folder with a `package.json`, by folder: files share their folders.
    let mut package_of: FxHashMap<PathBuf, Option<PathBuf>> = FxHashMap::default();
    let mut out = FxHashSet::default();
    for &i in files {
        let Some(path) = canonical[i].as_deref() else {
            continue;
        };
        let Some(parent) = path.parent() else {
            continue;
        };
        let dir = nearest_package(parent, &mut package_of);
        let Some(dir) = dir else {
            continue;
        };
        let entries = by_package
            .entry(dir.clone())
            .or_insert_with(|| package_entries(resolver, &dir));
        if entries.names(path) {
            out.insert(i);
        }
    }
    out
}

/// The nearest folder at or above `dir` that holds a `package.json`, remembered in `known` for
/// every folder on the way.
fn nearest_package(dir: &Path, known: &mut FxHashMap<PathBuf, Option<PathBuf>>) -> Option<PathBuf> {
    if let Some(found) = known.get(dir) {
        return found.clone();
    }
    let found = if dir.join("package.json").is_file() {
        Some(dir.to_path_buf())
    } else {
        dir.parent().and_then(|p| nearest_package(p, known))
    };
    known.insert(dir.to_path_buf(), found.clone());
    found
}

/// The entry points one `package.json` names.
#[derive(Default)]
struct PackageEntries {
    /// Files named one by one (resolved, absolute).
    files: FxHashSet<PathBuf>,
    /// Subpath patterns of `exports` (`"./lib/*": "./lib/*.js"`), as the absolute text before
    /// and after the `*`: every file whose path starts with the one and ends with the other is
    /// an entry point (Node's "Subpath patterns", `exports` section of the packages document).
    patterns: Vec<(String, String)>,
}

impl PackageEntries {
    /// Whether the package names `path` (absolute, canonical) as an entry point.
    fn names(&self, path: &Path) -> bool {
        if self.files.contains(path) {
            return true;
        }
        let Some(text) = path.to_str() else {
            return false;
        };
        self.patterns.iter().any(|(before, after)| {
            text.len() >= before.len() + after.len()
                && text.starts_with(before.as_str())
                && text.ends_with(after.as_str())
        })
    }
}

/// The entry points a `package.json` in `dir` names: files resolved one by one, and the
/// subpath patterns of its `exports`.
fn package_entries(resolver: &Resolver, dir: &Path) -> PackageEntries {
    let mut out = PackageEntries::default();
    let Ok(text) = std::fs::read_to_string(dir.join("package.json")) else {
        return out;
    };
    let Ok(json) = serde_json::from_str::<serde_json::Value>(&text) else {
        return out;
    };
    let mut targets = Vec::new();
    for field in [
        "main", "module", "browser", "bin", "exports", "types", "source",
    ] {
        if let Some(v) = json.get(field) {
            string_leaves(v, &mut targets);
        }
    }
    if targets.is_empty() {
        targets.push("./index".to_string());
    }
    for t in targets {
        let t = if t.starts_with('.') {
            t
        } else {
            format!("./{t}")
        };
        if let Some((before, after)) = t.split_once('*') {
            // `dir` is written as the files' paths are (absolute, links kept: see `build`), so
            // the pattern's text joined to it compares with them as text.
            let before = format!(
                "{}/{}",
                dir.to_string_lossy(),
                before.trim_start_matches("./")
            );
            out.patterns.push((before, after.to_string()));
            continue;
        }
        if let Ok(r) = resolver.resolve(dir, &t) {
            out.files.insert(r.into_path_buf());
        }
    }
    out
}

fn string_leaves(v: &serde_json::Value, out: &mut Vec<String>) {
    match v {
        serde_json::Value::String(s) => out.push(s.clone()),
        serde_json::Value::Array(xs) => xs.iter().for_each(|x| string_leaves(x, out)),
        serde_json::Value::Object(m) => m.values().for_each(|x| string_leaves(x, out)),
        _ => {}
    }
}
