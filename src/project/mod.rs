//! The whole-project pass: joins the modules' summaries ([`summary`]) through the module graph
//! ([`graph`]) so that a verdict resting on an export's uses in other modules can use them.
//!
//! Every file is first linted alone, as before, and leaves a [`ModuleSummary`]: how it uses the
//! names it imports (how often each call, `new` or callback registration runs), what it
//! re-exports, and which of its own exports' uses its findings depended on ("each time the
//! exported function is called", "once per instance of the exported class"). Only when some file
//! asked does the pass resolve imports (with `oxc_resolver`, which implements Node's and
//! TypeScript's resolution: extensions, `index` files, `package.json` `exports`, `tsconfig.json`
//! `paths`), decide for each asked export how the project uses it ([`ProjectUse`]), and lint those
//! files again knowing it. The answer is only given when every use is known: an export of a
//! package entry point, one with no importer, one stored or handed on by an importer, or reached
//! through an import cycle keeps the single-file guess ("called any number of times").

pub mod graph;
pub mod summary;

use std::path::PathBuf;

use rustc_hash::FxHashMap;
use swc_atoms::Atom;

use crate::semantic::exports::{member_question, split_member_question};
use crate::semantic::held::ImportedHeld;
use crate::semantic::memo::ImportedMemoUse;
use crate::semantic::pinned::ImportedPinned;
use crate::semantic::shared::ImportedPassThrough;
use crate::semantic::{ImportedRegistry, ProjectFacts, ProjectUse, RepeatedUse, TimerMember};
pub use summary::{ImportUse, MemberFn, ModuleSummary, UseRuns};

/// What the project says about the exports of each file of `files` whose summary (in
/// `summaries`, same order) asked: `Some(facts)` for the files to lint again with them, `None`
/// for the others (nothing asked, or nothing known). Files are as the walk found them.
pub fn facts_for(
    files: &[PathBuf],
    summaries: &[Option<ModuleSummary>],
) -> Vec<Option<ProjectFacts>> {
    let mut out: Vec<Option<ProjectFacts>> = vec![None; files.len()];
    let asked = files_whose(summaries, |s| !s.asked.is_empty());
    for (i, facts) in answer_all(files, summaries, &asked) {
        out[i] = Some(facts);
    }
    out
}

/// As [`facts_for`] for the one file `files[file]`: what the project says about its exports and
/// the registries of other modules it fills, or `None` when nothing is known. Only the imports
/// that can reach that file (and the files that forward it), or a registry's module, are
/// resolved, so the cost follows its importers, not the project: the language server asks this
/// for the document being edited.
///
/// Takes the project's `files` and their `summaries` (same order; `None` for a file without
/// one) and an index into them; an index out of range gives `None`.
pub fn facts_for_file(
    files: &[PathBuf],
    summaries: &[Option<ModuleSummary>],
    file: usize,
) -> Option<ProjectFacts> {
    let summary = summaries.get(file)?.as_ref()?;
    let asked: &[usize] = if summary.asked.is_empty() {
        &[]
    } else {
        &[file]
    };
    answer_all(files, summaries, asked)
        .into_iter()
        .find(|(i, _)| *i == file)
        .map(|(_, f)| f)
}

/// The indices of the files whose summary (in `summaries`, by file) satisfies `test`; files
/// without a summary are left out.
fn files_whose(
    summaries: &[Option<ModuleSummary>],
    test: impl Fn(&ModuleSummary) -> bool,
) -> Vec<usize> {
    (0..summaries.len())
        .filter(|&i| summaries[i].as_ref().is_some_and(&test))
        .collect()
}

/// The facts of the files of `asked` (indices of files whose summary asked) that have an answer
/// to a question they asked, and of the files that call an adding function of another module's
/// registry.
fn answer_all(
    files: &[PathBuf],
    summaries: &[Option<ModuleSummary>],
    asked: &[usize],
) -> Vec<(usize, ProjectFacts)> {
    // The modules whose exports other modules must use in a certain way: registries and
    // classes whose instances hold a listener; and those whose exported functions pass their
    // argument through.
    // Pass-through functions matter only when some module asked about them.
    let wants_passes = summaries.iter().flatten().any(|s| s.wants_passes);
    let registries = files_whose(summaries, |s| {
        !s.registries.is_empty()
            || !s.held.is_empty()
            || !s.pinned.is_empty()
            || (wants_passes && !s.passes.is_empty())
    });
    // The modules with a class whose instances each start an interval nothing stops (rare).
    let timer_files = files_whose(summaries, |s| !s.timer_classes.is_empty());
    let local_timers = summaries
        .iter()
        .flatten()
        .any(|s| s.members.iter().any(|m| m.makes_local.is_some()));
    // The modules exporting a memoizing factory (rare).
    let memo_files = files_whose(summaries, |s| !s.memo_factories.is_empty());
    if asked.is_empty()
        && registries.is_empty()
        && timer_files.is_empty()
        && !local_timers
        && memo_files.is_empty()
    {
        return Vec::new();
    }
    // The modules whose products of imported functions are called as often as their own
    // exports: how the project uses those exports says how often a memo product there grows.
    let memo_callers: Vec<usize> = if memo_files.is_empty() {
        Vec::new()
    } else {
        files_whose(summaries, |s| {
            s.memo_products.iter().any(|p| {
                p.calls
                    .iter()
                    .any(|c| matches!(c.runs, UseRuns::AsOftenAs(_)))
            })
        })
    };
    let of_interest: Vec<usize> = asked
        .iter()
        .chain(&registries)
        .chain(&timer_files)
        .chain(&memo_files)
        .chain(&memo_callers)
        .copied()
        .collect();
    let graph = graph::ModuleGraph::build(files, summaries, &of_interest);
    let mut answers = Answers {
        graph: &graph,
        summaries,
        files,
        memo: FxHashMap::default(),
        by_name: FxHashMap::default(),
    };
    let mut out: FxHashMap<usize, ProjectFacts> = FxHashMap::default();
    for &i in asked {
        let Some(summary) = &summaries[i] else {
            continue;
        };
        let mut facts = ProjectFacts::default();
        for name in &summary.exports {
            if let Some(u) = answers.answer(i, name, 0) {
                facts.uses.insert(name.clone(), u);
            }
        }
        // A member question has only a repeated answer (see `member_question`).
        for name in summary
            .asked
            .iter()
            .filter(|n| split_member_question(n).is_some())
        {
            if let Some(u @ ProjectUse::Repeated(_)) = answers.answer(i, name, 0) {
                facts.uses.insert(name.clone(), u);
            }
        }
        // Only worth a second lint when an asked name has an answer.
        if summary.asked.iter().any(|n| facts.uses.contains_key(n)) {
            out.insert(i, facts);
        }
    }
    for r in registries {
        for (importer, registry) in imported_registries(&graph, summaries, files, r) {
            out.entry(importer).or_default().registries.push(registry);
        }
        for (importer, held) in imported_held(&graph, summaries, files, r) {
            out.entry(importer).or_default().held.push(held);
        }
        for (importer, pinned) in imported_pinned(&graph, summaries, files, r) {
            out.entry(importer).or_default().pinned.push(pinned);
        }
        for (importer, pass) in imported_passes(&graph, summaries, r) {
            out.entry(importer).or_default().passes.push(pass);
        }
    }
    if !timer_files.is_empty() || local_timers {
        for (caller, member) in timer_members(&graph, summaries, files, &timer_files) {
            out.entry(caller).or_default().timer_members.push(member);
        }
    }
    for &r in &memo_files {
        let uses = memo_uses(&mut answers, r);
        if !uses.is_empty() {
            out.entry(r).or_default().memo_uses.extend(uses);
        }
    }
    let mut out: Vec<(usize, ProjectFacts)> = out.into_iter().collect();
    out.sort_by_key(|(i, _)| *i);
    out
}

/// The method names whose every candidate in the project makes an instance of a class that
/// starts an interval nothing stops ([`TimerMember`]), each for the modules that call it on an
/// instance field's value (their [`ModuleSummary::field_calls`]).
///
/// A call `x.name(…)` whose receiver nothing types is resolved as the field-based call graph of
/// Feldthaus et al. ("Efficient Construction of Approximate Call Graphs for JavaScript IDE
/// Services", ICSE 2013) does: to every function the project stores under the property `name`
/// ([`ModuleSummary::members`]). The name is only told when EVERY such function makes such an
/// instance itself (`new Meter(…)` of a class of `timer_files` imported by name, or of its own
/// module), or forwards to a method of the same name (a facade), and at least one makes it: one
/// candidate that does something else, or makes nothing this pass can see, keeps the name out.
fn timer_members(
    graph: &graph::ModuleGraph,
    summaries: &[Option<ModuleSummary>],
    files: &[PathBuf],
    timer_files: &[usize],
) -> Vec<(usize, TimerMember)> {
    // The `new` of an interval-starting class by an importer: (importer, use index) → member.
    let mut made: FxHashMap<(usize, u32), TimerMember> = FxHashMap::default();
    for &r in timer_files {
        let Some(summary) = &summaries[r] else {
            continue;
        };
        for (from, u, used, _) in import_uses(graph, summaries, r) {
            if let Some((_, class, at)) = summary
                .timer_classes
                .iter()
                .find(|(n, _, _)| *n == used.name)
            {
                made.insert(
                    (from, u as u32),
                    TimerMember {
                        name: Atom::default(),
                        class: class.clone(),
                        file: files[r].display().to_string(),
                        at: *at,
                    },
                );
            }
        }
    }
    // Per property name: whether every candidate makes one or forwards, and the first made.
    let mut by_name: FxHashMap<&Atom, (bool, Option<TimerMember>)> = FxHashMap::default();
    for (i, summary) in summaries.iter().enumerate() {
        let Some(summary) = summary else { continue };
        for m in &summary.members {
            let makes = m
                .makes
                .iter()
                .find_map(|u| made.get(&(i, *u)).cloned())
                .or_else(|| {
                    m.makes_local.as_ref().map(|(class, at)| TimerMember {
                        name: Atom::default(),
                        class: class.clone(),
                        file: files[i].display().to_string(),
                        at: *at,
                    })
                });
            let entry = by_name.entry(&m.name).or_insert((true, None));
            entry.0 &= makes.is_some() || m.forwards;
            if entry.1.is_none() {
                entry.1 = makes;
            }
        }
    }
    let mut out: Vec<(usize, TimerMember)> = Vec::new();
    for (i, summary) in summaries.iter().enumerate() {
        let Some(summary) = summary else { continue };
        for name in &summary.field_calls {
            if let Some((true, Some(member))) = by_name.get(name) {
                out.push((
                    i,
                    TimerMember {
                        name: name.clone(),
                        ..member.clone()
                    },
                ));
            }
        }
    }
    out
}

/// The modules that call an adding function of a registry of file `r` (its direct importers),
/// each with what it is told about that registry.
fn imported_registries(
    graph: &graph::ModuleGraph,
    summaries: &[Option<ModuleSummary>],
    files: &[PathBuf],
    r: usize,
) -> Vec<(usize, ImportedRegistry)> {
    let Some(summary) = &summaries[r] else {
        return Vec::new();
    };
    let uses = import_uses(graph, summaries, r);
    let mut out: Vec<(usize, ImportedRegistry)> = Vec::new();
    for (registry, at) in &summary.registries {
        for &(from, _, used, specifier) in &uses {
            let known = out
                .iter()
                .any(|(i, x)| *i == from && x.registry == *registry);
            if known || !registry.adds.contains(&used.name) {
                continue;
            }
            let removed_elsewhere = uses
                .iter()
                .any(|&(other, _, u, _)| other != from && registry.removes.contains(&u.name));
            out.push((
                from,
                ImportedRegistry {
                    specifier: specifier.to_string(),
                    registry: registry.clone(),
                    file: files[r].display().to_string(),
                    at: *at,
                    removed_elsewhere,
                },
            ));
        }
    }
    out
}

/// The uses of file `r`'s exports by its direct importers (importers without a summary left
/// out): the importing file, the use's index in its summary (`imports[i]`), the use, and the
/// specifier it is imported through.
fn import_uses<'a>(
    graph: &graph::ModuleGraph,
    summaries: &'a [Option<ModuleSummary>],
    r: usize,
) -> Vec<(usize, usize, &'a ImportUse, &'a str)> {
    graph
        .importers_of(r)
        .iter()
        .filter_map(|e| match e.kind {
            graph::EdgeKind::Import(u) => {
                let importer = summaries[e.from].as_ref()?;
                let used = &importer.imports[u];
                Some((e.from, u, used, importer.specifier_of(used)))
            }
            graph::EdgeKind::ReExport(_) => None,
        })
        .collect()
}

/// The modules that use (instantiate) an exported class of file `r` whose instances hold a
/// listener (its direct importers), each with what it is told about that class.
fn imported_held(
    graph: &graph::ModuleGraph,
    summaries: &[Option<ModuleSummary>],
    files: &[PathBuf],
    r: usize,
) -> Vec<(usize, ImportedHeld)> {
    let Some(summary) = &summaries[r] else {
        return Vec::new();
    };
    let mut out: Vec<(usize, ImportedHeld)> = Vec::new();
    for (from, _, used, specifier) in import_uses(graph, summaries, r) {
        for (name, held, at) in &summary.held {
            let known = out
                .iter()
                .any(|(i, x)| *i == from && x.class == *name && x.held == *held);
            if known || used.name != *name {
                continue;
            }
            out.push((
                from,
                ImportedHeld {
                    specifier: specifier.to_string(),
                    class: name.clone(),
                    held: held.clone(),
                    file: files[r].display().to_string(),
                    at: *at,
                },
            ));
        }
    }
    out
}

/// The modules that call an exported function of file `r` that pins a listener on its caller's
/// signal (its direct importers), each with what it is told about that function.
fn imported_pinned(
    graph: &graph::ModuleGraph,
    summaries: &[Option<ModuleSummary>],
    files: &[PathBuf],
    r: usize,
) -> Vec<(usize, ImportedPinned)> {
    let Some(summary) = &summaries[r] else {
        return Vec::new();
    };
    let mut out: Vec<(usize, ImportedPinned)> = Vec::new();
    for (from, _, used, specifier) in import_uses(graph, summaries, r) {
        for e in &summary.pinned {
            let known = out
                .iter()
                .any(|(i, x)| *i == from && x.function == e.name && x.param == e.param);
            if known || used.name != e.name {
                continue;
            }
            out.push((
                from,
                ImportedPinned {
                    specifier: specifier.to_string(),
                    function: e.name.clone(),
                    param: e.param,
                    params: e.params,
                    file: files[r].display().to_string(),
                    at: e.at,
                },
            ));
        }
    }
    out
}

/// The modules that call an exported function of file `r` that may return its argument
/// unchanged (its direct importers that asked: [`ModuleSummary::wants_passes`]), each with what
/// it is told about that function.
fn imported_passes(
    graph: &graph::ModuleGraph,
    summaries: &[Option<ModuleSummary>],
    r: usize,
) -> Vec<(usize, ImportedPassThrough)> {
    let Some(summary) = &summaries[r] else {
        return Vec::new();
    };
    if summary.passes.is_empty() {
        return Vec::new();
    }
    let mut out: Vec<(usize, ImportedPassThrough)> = Vec::new();
    for (from, _, used, specifier) in import_uses(graph, summaries, r) {
        if !summaries[from].as_ref().is_some_and(|s| s.wants_passes) {
            continue;
        }
        for (name, index) in &summary.passes {
            let known = out.iter().any(|(i, x)| *i == from && x.name == *name);
            if known || used.name != *name {
                continue;
            }
            out.push((
                from,
                ImportedPassThrough {
                    specifier: specifier.to_string(),
                    name: name.clone(),
                    index: *index,
                },
            ));
        }
    }
    out
}

/// The products of file `r`'s exported memoizing factories ([`ModuleSummary::memo_factories`])
/// that its direct importers keep at module level, using the default table, and call with
/// request data as the key in code that runs repeatedly ([`ModuleSummary::memo_products`]):
/// at most one for each product.
fn memo_uses(answers: &mut Answers<'_>, r: usize) -> Vec<ImportedMemoUse> {
    let (graph, summaries, files) = (answers.graph, answers.summaries, answers.files);
    let Some(summary) = &summaries[r] else {
        return Vec::new();
    };
    let mut out: Vec<ImportedMemoUse> = Vec::new();
    for (from, u, used, _) in import_uses(graph, summaries, r) {
        let Some(f) = summary.memo_factories.iter().find(|f| f.name == used.name) else {
            continue;
        };
        let Some(importer) = &summaries[from] else {
            continue;
        };
        for p in importer
            .memo_products
            .iter()
            .filter(|p| p.import == u as u32)
        {
            if !f
                .replaceable
                .as_ref()
                .is_none_or(|rep| rep.default_used(&p.args))
            {
                continue;
            }
            for c in &p.calls {
                if !c.args.iter().any(|&i| f.key.covers(i as usize)) {
                    continue;
                }
                let why = match &c.runs {
                    UseRuns::Repeated { why, .. } => why.clone(),
                    // In an exported function: as often as the project calls it. When every
                    // use is known and none repeats, the product does not grow over time; when
                    // the uses are not all known, an exported caller with request data counts
                    // as repeated, as it does for a module-level memo table.
                    UseRuns::AsOftenAs(names) => {
                        let mut known = true;
                        let mut repeated = None;
                        for n in names {
                            match answers.answer(from, n, 1) {
                                Some(ProjectUse::Repeated(r)) => {
                                    repeated = Some(r.why);
                                    break;
                                }
                                // Its own module's calls are not in the summaries.
                                Some(ProjectUse::Unused) | None => known = false,
                                Some(_) => {}
                            }
                        }
                        match repeated {
                            Some(why) => why,
                            None if known => continue,
                            None => format!("each time the exported `{}` is called", names[0]),
                        }
                    }
                    _ => continue,
                };
                out.push(ImportedMemoUse {
                    factory: f.name.clone(),
                    product: p.name.clone(),
                    file: files[from].display().to_string(),
                    declared: p.declared,
                    call: c.at,
                    request: c.request.clone(),
                    why,
                });
                break;
            }
        }
    }
    out
}

/// Memoised answers to "how does the project use export `name` of file `i`".
struct Answers<'a> {
    graph: &'a graph::ModuleGraph,
    summaries: &'a [Option<ModuleSummary>],
    files: &'a [PathBuf],
    memo: FxHashMap<(usize, Atom), Option<ProjectUse>>,
    /// The importers of the files with many, sorted by the name each imports
    /// ([`ImportersByName`]), made when a question about the file first comes.
    by_name: FxHashMap<usize, ImportersByName>,
}

/// The importers of one file ([`graph::ModuleGraph::importers_of`]) a question about one of its
/// exports has to look at, as positions in that list: an index module imported by thousands of
/// modules is asked about each of its exports, and each import names one or a few of them.
#[derive(Default)]
struct ImportersByName {
    /// The imports of a name, by that name.
    named: FxHashMap<Atom, Vec<u32>>,
    /// The edges every question looks at: namespace imports (`*`), re-exports, and importers
    /// without a summary.
    always: Vec<u32>,
}

/// Below this many importers a question goes through them all: the index would cost more.
const FEW_IMPORTERS: usize = 32;

impl ImportersByName {
    fn new(edges: &[graph::Edge], summaries: &[Option<ModuleSummary>]) -> Self {
        let mut index = ImportersByName::default();
        for (pos, edge) in edges.iter().enumerate() {
            let pos = pos as u32;
            match (&summaries[edge.from], edge.kind) {
                (Some(s), graph::EdgeKind::Import(u)) if s.imports[u].name != "*" => {
                    index
                        .named
                        .entry(s.imports[u].name.clone())
                        .or_default()
                        .push(pos);
                }
                _ => index.always.push(pos),
            }
        }
        index
    }

    /// The positions a question about `name` looks at, in the order of the edges.
    fn positions(&self, name: &Atom) -> Vec<u32> {
        let named = self.named.get(name).map_or(&[][..], Vec::as_slice);
        let mut all: Vec<u32> = named.iter().chain(&self.always).copied().collect();
        all.sort_unstable();
        all
    }
}

/// How deep re-exports and "as often as my own export" chains are followed.
const MAX_DEPTH: u32 = 8;

impl Answers<'_> {
    fn answer(&mut self, file: usize, name: &Atom, depth: u32) -> Option<ProjectUse> {
        if depth > MAX_DEPTH || self.graph.is_entry(file) {
            return None;
        }
        let key = (file, name.clone());
        if let Some(known) = self.memo.get(&key) {
            return known.clone();
        }
        // A cycle reaching this question again gets no answer.
        self.memo.insert(key.clone(), None);
        let result = self.compute(file, name, depth);
        self.memo.insert(key, result.clone());
        result
    }

    fn compute(&mut self, file: usize, name: &Atom, depth: u32) -> Option<ProjectUse> {
        let mut tally = Tally::default();
        // The graph outlives `self`'s borrow: its edges are read in place, not copied for
        // each question (an index module has thousands of importers).
        let graph: &graph::ModuleGraph = self.graph;
        let edges = graph.importers_of(file);
        let positions: Option<Vec<u32>> = (edges.len() > FEW_IMPORTERS).then(|| {
            self.by_name
                .entry(file)
                .or_insert_with(|| ImportersByName::new(edges, self.summaries))
                .positions(name)
        });
        let picked: Box<dyn Iterator<Item = graph::Edge>> = match &positions {
            Some(p) => Box::new(p.iter().map(|&i| edges[i as usize])),
            None => Box::new(edges.iter().copied()),
        };
        for edge in picked {
            let Some(summary) = &self.summaries[edge.from] else {
                return None;
            };
            match edge.kind {
                graph::EdgeKind::Import(u) => {
                    let used = &summary.imports[u];
                    if used.name != *name && used.name != "*" {
                        continue;
                    }
                    tally.any = true;
                    if used.name == "*" {
                        return None;
                    }
                    match &used.runs {
                        UseRuns::InTest => tally.add(ProjectUse::TestsOnly),
                        UseRuns::Once => tally.add(ProjectUse::Once),
                        UseRuns::Unknown => return None,
                        UseRuns::Repeated {
                            why,
                            at,
                            registration,
                        } => tally.add(ProjectUse::Repeated(RepeatedUse {
                            why: why.clone(),
                            file: self.files[edge.from].display().to_string(),
                            at: *at,
                            registration: registration.clone(),
                        })),
                        UseRuns::AsOftenAs(names) => {
                            for n in names.clone() {
                                match self.answer(edge.from, &n, depth + 1)? {
                                    // How often its own module calls that export is not in the
                                    // summaries.
                                    ProjectUse::Unused => return None,
                                    u => tally.add(u),
                                }
                            }
                        }
                    }
                }
                graph::EdgeKind::ReExport(r) => {
                    let re = &summary.reexports[r];
                    // A member question follows its class's export through the re-export.
                    let (export, member) = match split_member_question(name) {
                        Some((export, member)) => (Atom::from(export), Some(member)),
                        None => (name.clone(), None),
                    };
                    let as_names: Vec<Atom> = match &re.names {
                        None => vec![name.clone()],
                        Some(pairs) => pairs
                            .iter()
                            .filter(|(orig, _)| *orig == export)
                            .map(|(_, exported)| match member {
                                Some(m) => member_question(exported, m),
                                None => exported.clone(),
                            })
                            .collect(),
                    };
                    for n in as_names {
                        tally.add(self.answer(edge.from, &n, depth + 1)?);
                    }
                }
            }
        }
        // Modules import this one, but none uses the name: only its own module does.
        if !tally.any && graph.is_imported(file) {
            return Some(ProjectUse::Unused);
        }
        tally.answer()
    }
}

/// What the uses of one export seen so far say.
#[derive(Default)]
struct Tally {
    /// A use was seen.
    any: bool,
    /// A use outside the test files was seen (tests alone say nothing about how production
    /// code uses an export).
    outside_tests: bool,
    /// The first repeated use seen.
    repeated: Option<RepeatedUse>,
}

impl Tally {
    fn add(&mut self, u: ProjectUse) {
        self.any |= u != ProjectUse::Unused;
        match u {
            ProjectUse::Once => self.outside_tests = true,
            ProjectUse::TestsOnly => {}
            ProjectUse::Repeated(r) => {
                self.repeated.get_or_insert(r);
            }
            // Through a re-export nobody uses: no use.
            ProjectUse::Unused => {}
        }
    }

    /// Repeated when a use repeats, else once when a use is outside the tests, else tests only;
    /// `None` when no use was seen.
    fn answer(self) -> Option<ProjectUse> {
        if !self.any {
            return None;
        }
        Some(match self.repeated {
            Some(r) => ProjectUse::Repeated(r),
            None if self.outside_tests => ProjectUse::Once,
            None => ProjectUse::TestsOnly,
        })
    }
}
