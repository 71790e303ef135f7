//! The server's project index: the summary ([`ModuleSummary`]) of every file of the workspace,
//! so that an open document is linted knowing how the project uses its exports, as
//! `leaklint check` does ([`crate::project`]).
//!
//! The files on disk are summarised once, in the background, after `initialized`
//! ([`summarise_workspace`]); until that ends the index is not ready and documents are linted
//! alone. An open document's summary comes from the editor's text and replaces the one read from
//! disk until the document is closed. The index is shared between the main loop and the lint
//! workers behind a lock ([`SharedIndex`]); every change is a whole-value replacement.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use rayon::prelude::*;

use crate::config::ConfigResolver;
use crate::project::ModuleSummary;
use crate::semantic::ProjectFacts;

use super::settings::EditorSettings;

/// The index as the main loop and the workers share it.
pub type SharedIndex = Arc<RwLock<ProjectIndex>>;

/// Every workspace file's summary, with open documents' summaries in place of the disk ones.
#[derive(Debug, Default)]
pub struct ProjectIndex {
    /// Whether the files on disk have been summarised.
    ready: bool,
    /// Every known file: the workspace's, then open documents found nowhere else.
    files: Vec<PathBuf>,
    /// How many of `files` the disk index found (they come first).
    workspace: usize,
    position: HashMap<PathBuf, usize>,
    /// The summaries read from disk (`None` for a file without one), by position.
    disk: Vec<Option<ModuleSummary>>,
    /// The summaries in effect: an open document's, else the disk one.
    current: Vec<Option<ModuleSummary>>,
    /// The open documents, with the version their summary in `current` was made from.
    open: HashMap<PathBuf, i32>,
    /// The files whose summary in effect changed from or to one that offers its importers
    /// facts ([`ModuleSummary::offers_importers`]), until [`ProjectIndex::take_offering`].
    offering: std::collections::HashSet<PathBuf>,
}

impl ProjectIndex {
    /// Whether the workspace's files have been summarised ([`ProjectIndex::install`]); before
    /// that documents are linted alone.
    pub fn is_ready(&self) -> bool {
        self.ready
    }

    /// How many files the index knows (workspace files and open documents).
    pub fn len(&self) -> usize {
        self.files.len()
    }

    /// Whether the index knows no file.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    fn position_of(&mut self, path: &Path) -> usize {
        if let Some(&i) = self.position.get(path) {
            return i;
        }
        let i = self.files.len();
        self.files.push(path.to_path_buf());
        self.position.insert(path.to_path_buf(), i);
        self.disk.push(None);
        self.current.push(None);
        i
    }

    /// Takes the summaries of the workspace's files on disk (`files` and `summaries`, same
    /// order) and becomes ready. Open documents keep the summaries of their editor text.
    pub fn install(&mut self, files: Vec<PathBuf>, summaries: Vec<Option<ModuleSummary>>) {
        let mut fresh = ProjectIndex {
            ready: true,
            ..ProjectIndex::default()
        };
        for (path, summary) in files.into_iter().zip(summaries) {
            let i = fresh.position_of(&path);
            fresh.disk[i] = summary.clone();
            fresh.current[i] = summary;
        }
        fresh.workspace = fresh.files.len();
        for (path, version) in &self.open {
            let i = fresh.position_of(path);
            let mine = self.position[path];
            fresh.current[i] = self.current[mine].clone();
            fresh.open.insert(path.clone(), *version);
        }
        *self = fresh;
    }

    /// Records the summary of open document `path` at `version`, made from the editor's text.
    /// A summary of an older version than the one recorded is ignored (two lints of one document
    /// may end out of order). Returns whether the summary in effect changed: then the answers of
    /// other files may change too.
    pub fn set_open(&mut self, path: &Path, version: i32, summary: Option<ModuleSummary>) -> bool {
        if self.open.get(path).is_some_and(|&v| v > version) {
            return false;
        }
        let i = self.position_of(path);
        self.open.insert(path.to_path_buf(), version);
        self.replace(i, summary)
    }

    /// Puts `summary` in effect for file `i`; returns whether that changed it, and notes a
    /// change from or to a summary offering importers facts.
    fn replace(&mut self, i: usize, summary: Option<ModuleSummary>) -> bool {
        if self.current[i] == summary {
            return false;
        }
        let offers =
            |s: &Option<ModuleSummary>| s.as_ref().is_some_and(ModuleSummary::offers_importers);
        if offers(&self.current[i]) || offers(&summary) {
            self.offering.insert(self.files[i].clone());
        }
        self.current[i] = summary;
        true
    }

    /// Whether the summary of `path` changed from or to one offering its importers facts since
    /// the last call for it (which forgets the change).
    pub fn take_offering(&mut self, path: &Path) -> bool {
        self.offering.remove(path)
    }

    /// Whether the summary in effect for `importer` may import `path` (one of its specifiers may
    /// name it: [`crate::project::graph::may_import`]).
    pub fn may_import(&self, importer: &Path, path: &Path) -> bool {
        self.position
            .get(importer)
            .and_then(|&i| self.current[i].as_ref())
            .is_some_and(|s| crate::project::graph::may_import(&s.specifiers, path))
    }

    /// Forgets that `path` is open: its summary is the disk one again. Returns whether that
    /// changed the summary in effect.
    pub fn close(&mut self, path: &Path) -> bool {
        if self.open.remove(path).is_none() {
            return false;
        }
        let i = self.position[path];
        self.replace(i, self.disk[i].clone())
    }

    /// Whether `path` is one of the workspace's files found by the disk index (not only an open
    /// document).
    pub fn is_workspace_file(&self, path: &Path) -> bool {
        self.position.get(path).is_some_and(|&i| i < self.workspace)
    }

    /// A workspace file changed on disk (or was deleted: `summary` is `None`): records its new
    /// disk summary. Returns whether the summary in effect changed (never for an open
    /// document, whose editor text is in effect).
    pub fn set_disk(&mut self, path: &Path, summary: Option<ModuleSummary>) -> bool {
        let i = self.position_of(path);
        self.disk[i] = summary;
        if self.open.contains_key(path) {
            return false;
        }
        self.replace(i, self.disk[i].clone())
    }

    /// After open document `path` was saved: its summary in effect is also the disk one's.
    pub fn saved(&mut self, path: &Path) {
        if let Some(&i) = self.position.get(path) {
            self.disk[i] = self.current[i].clone();
        }
    }

    /// Whether the findings of `path`, by the summary in effect for it, may change when another
    /// file's summary does ([`ModuleSummary::rests_on_project`]).
    pub fn rests_on_project(&self, path: &Path) -> bool {
        self.position
            .get(path)
            .and_then(|&i| self.current[i].as_ref())
            .is_some_and(ModuleSummary::rests_on_project)
    }

    /// What the project says about the exports of `path` ([`crate::project::facts_for_file`]),
    /// or `None` when the index is not ready, the file is unknown, asked nothing, or nothing is
    /// known.
    pub fn facts_for(&self, path: &Path) -> Option<ProjectFacts> {
        if !self.ready {
            return None;
        }
        let &i = self.position.get(path)?;
        crate::project::facts_for_file(&self.files, &self.current, i)
    }
}

/// How many files go to the parse helper in one hand-off ([`crate::linter::lint_all_bytes_in_project`]).
const BATCH: usize = 16;

/// Finds the files of the workspace `roots` ([`crate::walk::discover`]: ignore files and the
/// configurations' `exclude` honoured) and summarises each, in parallel, with the options that
/// apply to it (its configuration under the editor's `settings`), each parse limited to
/// `budget` (a file past it, or one that does not parse, has no summary).
///
/// Returns the files and their summaries, in the same order. Never fails: a file that cannot be
/// read has no summary.
pub fn summarise_workspace(
    roots: &[PathBuf],
    configs: &ConfigResolver,
    settings: &EditorSettings,
    budget: Duration,
) -> (Vec<PathBuf>, Vec<Option<ModuleSummary>>) {
    let files = crate::walk::discover(roots, false, configs).files;
    let summaries = summarise_files(&files, configs, settings, budget);
    (files, summaries)
}

/// The summary of each of `files` as it is on disk, as [`summarise_workspace`] makes them
/// (`None` for a file that cannot be read, does not parse or passes `budget`), in the same
/// order.
pub fn summarise_files(
    files: &[PathBuf],
    configs: &ConfigResolver,
    settings: &EditorSettings,
    budget: Duration,
) -> Vec<Option<ModuleSummary>> {
    files
        .par_chunks(BATCH)
        .flat_map_iter(|chunk| {
            let mut readable = Vec::with_capacity(chunk.len());
            let mut slots = Vec::with_capacity(chunk.len());
            for path in chunk {
                match std::fs::read(path) {
                    Ok(bytes) => {
                        let options = settings.apply(&configs.for_file(path));
                        slots.push(Some(readable.len()));
                        readable.push((path.clone(), bytes, options));
                    }
                    Err(_) => slots.push(None),
                }
            }
            let mut linted: Vec<Option<ModuleSummary>> =
                crate::linter::lint_all_bytes_in_project(budget, readable, true)
                    .into_iter()
                    .map(|(_, _, summary)| summary)
                    .collect();
            slots
                .into_iter()
                .map(|s| s.and_then(|k| linted[k].take()))
                .collect::<Vec<_>>()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn asking() -> Option<ModuleSummary> {
        Some(ModuleSummary {
            asked: vec!["f".into()],
            exports: vec!["f".into()],
            ..ModuleSummary::default()
        })
    }

    #[test]
    fn open_documents_replace_disk_summaries_until_closed() {
        let mut index = ProjectIndex::default();
        let a = PathBuf::from("/w/a.js");
        // Before the disk index: an open document is known, the index is not ready.
        assert!(index.set_open(&a, 1, asking()));
        assert!(!index.is_ready());
        assert!(index.rests_on_project(&a));
        index.install(vec![a.clone(), "/w/b.js".into()], vec![None, None]);
        assert!(index.is_ready());
        assert_eq!(index.len(), 2);
        assert!(index.is_workspace_file(&a));
        assert!(!index.is_workspace_file(Path::new("/w/c.js")));
        // The open document keeps its summary over the disk one.
        assert!(index.rests_on_project(&a));
        // An older version's summary is ignored; the same summary again is no change.
        assert!(!index.set_open(&a, 0, None));
        assert!(!index.set_open(&a, 2, asking()));
        // Closing returns to the disk summary.
        assert!(index.close(&a));
        assert!(!index.rests_on_project(&a));
        assert!(!index.close(&a));
        // A change on disk is in effect for a closed file only.
        assert!(index.set_disk(&a, asking()));
        assert!(index.rests_on_project(&a));
        index.set_open(&a, 3, None);
        assert!(!index.set_disk(&a, None));
        assert!(!index.rests_on_project(&a));
    }

    /// A summary exporting one memoizing factory, `memorize`.
    fn memo_factory() -> ModuleSummary {
        ModuleSummary {
            memo_factories: vec![crate::project::summary::MemoExport {
                name: "memorize".into(),
                key: crate::semantic::KeyArgs {
                    index: 0,
                    rest: true,
                },
                replaceable: None,
            }],
            ..ModuleSummary::default()
        }
    }

    #[test]
    fn a_memo_factory_or_an_import_rests_on_the_project() {
        let mut index = ProjectIndex::default();
        let a = PathBuf::from("/w/a.js");
        let factory = memo_factory();
        index.set_open(&a, 1, Some(factory));
        assert!(index.rests_on_project(&a));
        index.set_open(&a, 2, Some(ModuleSummary::default()));
        assert!(!index.rests_on_project(&a));
    }

    #[test]
    fn a_change_from_or_to_a_module_offering_importers_facts_is_noted_once() {
        let mut index = ProjectIndex::default();
        let registry = PathBuf::from("/w/registry.js");
        let server = PathBuf::from("/w/server.js");
        let importer = ModuleSummary {
            specifiers: vec!["./registry.js".into()],
            ..ModuleSummary::default()
        };
        let memo = memo_factory();
        index.set_open(&server, 1, Some(importer));
        assert!(index.may_import(&server, &registry));
        assert!(!index.may_import(&registry, &server));
        // To a summary that offers facts, then from it: each change is noted once.
        assert!(index.set_open(&registry, 1, Some(memo)));
        assert!(index.take_offering(&registry));
        assert!(!index.take_offering(&registry));
        assert!(index.set_open(&registry, 2, Some(ModuleSummary::default())));
        assert!(index.take_offering(&registry));
        // A change between two summaries that offer nothing is not.
        assert!(index.set_open(&registry, 3, None));
        assert!(!index.take_offering(&registry));
    }
}
