//! File discovery (the `ignore` crate: `.gitignore`, `.ignore` and `.leaklintignore`, also outside
//! a git repository; `node_modules` and declaration files skipped) and parallel linting (rayon).

use std::path::PathBuf;

use rayon::prelude::*;

use crate::cache::Cache;
use crate::config::ConfigResolver;
use crate::diagnostic::Confidence;
use crate::diagnostic::Diagnostic;
use crate::linter::{FileResult, LintOptions, Project};
use crate::project::ModuleSummary;
use crate::source::Dialect;

/// A path the walk could not read, or an explicit path that does not exist.
#[derive(Debug, Clone)]
pub struct WalkError {
    /// The path.
    pub path: PathBuf,
    /// What went wrong.
    pub message: String,
}

/// What discovery found.
#[derive(Debug, Default)]
pub struct Discovered {
    /// Files to lint, sorted.
    pub files: Vec<PathBuf>,
    /// Explicit paths that were all ignored (for `--no-errors-on-unmatched`).
    pub ignored_explicit: usize,
    /// Problems met on the way.
    pub errors: Vec<WalkError>,
}

/// Finds the files to lint below `paths`.
///
/// A directory is walked honouring ignore files; an explicit file is always linted when it has a
/// JS/TS extension, unless `force_exclude` is set and its configuration excludes it.
pub fn discover(paths: &[PathBuf], force_exclude: bool, configs: &ConfigResolver) -> Discovered {
    let mut out = Discovered::default();
    for root in paths {
        let meta = match std::fs::metadata(root) {
            Ok(m) => m,
            Err(e) => {
                // A dangling symlink or a symlink loop exists as a link: say what is wrong with
                // it rather than "no such file".
                let message = match std::fs::symlink_metadata(root) {
                    Ok(_) => format!("cannot follow the symbolic link: {e}"),
                    Err(_) if e.kind() == std::io::ErrorKind::NotFound => {
                        "no such file or directory".into()
                    }
                    Err(_) => format!("cannot read: {e}"),
                };
                out.errors.push(WalkError {
                    path: root.clone(),
                    message,
                });
                continue;
            }
        };
        if !meta.is_file() && !meta.is_dir() {
            out.errors.push(WalkError {
                path: root.clone(),
                message: "not a regular file or a directory (a FIFO, socket or device)".into(),
            });
            continue;
        }
        if meta.is_file() {
            if Dialect::from_path(root).is_none() {
                out.ignored_explicit += 1;
                continue;
            }
            if force_exclude && configs.excludes(root) {
                out.ignored_explicit += 1;
                continue;
            }
            out.files.push(root.clone());
            continue;
        }
        // The walk itself is parallel too (ignore's own thread pool, as wide as rayon's).
        let found = std::sync::Mutex::new((Vec::new(), Vec::new()));
        ignore::WalkBuilder::new(root)
            .require_git(false)
            .add_custom_ignore_filename(".leaklintignore")
            .filter_entry(|e| e.file_name() != "node_modules")
            .threads(rayon::current_num_threads())
            .build_parallel()
            .run(|| {
                Box::new(|entry| {
                    match entry {
                        Ok(e) => {
                            if e.file_type().is_some_and(|t| t.is_file())
                                && Dialect::from_path(e.path()).is_some()
                            {
                                let p = e.into_path();
                                if !configs.excludes(&p) {
                                    found.lock().unwrap_or_else(|e| e.into_inner()).0.push(p);
                                }
                            }
                        }
                        Err(err) => {
                            let error = WalkError {
                                path: root.clone(),
                                message: err.to_string(),
                            };
                            found
                                .lock()
                                .unwrap_or_else(|e| e.into_inner())
                                .1
                                .push(error);
                        }
                    }
                    ignore::WalkState::Continue
                })
            });
        let (files, mut errors) = found.into_inner().unwrap_or_else(|e| e.into_inner());
        // Threads finish in any order: report in a stable one.
        errors.sort_by(|a: &WalkError, b: &WalkError| a.message.cmp(&b.message));
        out.files.extend(files);
        out.errors.extend(errors);
    }
    sort_and_dedup(&mut out.files);
    out
}

/// Sorts `files` in `Path` order (component by component) and removes repeated paths, keeping the
/// first. `Path`'s own comparison splits both paths into components on every call (about 2,000
/// instructions per file on the 15,800-file benchmark corpus, on one thread before any file is
/// linted); here each path is split once, and paths as the walk writes them are not split at all.
fn sort_and_dedup(files: &mut Vec<PathBuf>) {
    let order = if files.iter().all(|p| is_plain(p)) {
        // Plain paths order as their bytes do with the separator below every other byte: a
        // component that is a prefix of another (`a` of `a-b`) then sorts first, as in `Path`.
        sorted_distinct(files, |p| {
            let bytes = p.as_os_str().as_encoded_bytes();
            bytes
                .iter()
                .map(|&b| if b == b'/' { 0 } else { b })
                .collect::<Vec<u8>>()
        })
    } else {
        sorted_distinct(files, |p| p.components().collect::<Vec<_>>())
    };
    let mut taken: Vec<Option<PathBuf>> = std::mem::take(files).into_iter().map(Some).collect();
    *files = order.into_iter().filter_map(|i| taken[i].take()).collect();
}

/// The indices of `files` in the order of their keys (`key` is computed once per file), the
/// first of each run of equal keys only.
fn sorted_distinct<'p, K: Ord>(files: &'p [PathBuf], key: impl Fn(&'p PathBuf) -> K) -> Vec<usize> {
    let keys: Vec<K> = files.iter().map(key).collect();
    let mut order: Vec<usize> = (0..files.len()).collect();
    order.sort_by(|&a, &b| keys[a].cmp(&keys[b]));
    order.dedup_by(|a, b| keys[*a] == keys[*b]);
    order
}

/// Whether `path`'s bytes are its components joined by single separators (on Unix): not empty, no
/// `.` or `..` component, no repeated or trailing separator. Two such paths compare as their
/// components do when the separator counts as the lowest byte, and are equal only when their
/// bytes are.
fn is_plain(path: &std::path::Path) -> bool {
    if !cfg!(unix) {
        return false;
    }
    let bytes = path.as_os_str().as_encoded_bytes();
    let body = bytes.strip_prefix(b"/").unwrap_or(bytes);
    !body.is_empty()
        && body
            .split(|&b| b == b'/')
            .all(|c| !c.is_empty() && c != b"." && c != b"..")
}

/// Files above this size hold their AST and model (about 20 times the text) for a while: they are
/// linted one after another on a lane of their own, beside the other files, so that peak memory
/// follows the largest file, not the corpus, and no worker waits for another's big file.
const BIG_FILE: u64 = 2 << 20;

/// Lints `files` in parallel, each with its own configuration (with `min_confidence` replacing the
/// configured minimum when given); a file that cannot be read gives an error entry instead of
/// stopping the others. Results keep the order of `files`.
pub fn lint_files(
    files: &[PathBuf],
    configs: &ConfigResolver,
    min_confidence: Option<Confidence>,
) -> (Vec<FileResult>, Vec<WalkError>) {
    lint_files_cached(files, configs, min_confidence, None, None)
}

/// As [`lint_files`], skipping files that `cache` knows were clean alone with the same bytes and
/// settings (they give a result with no diagnostics, and the summary they left is handed to the
/// project pass, which may still lint them again with its answers) and recording newly clean
/// ones in it with their summaries, and
/// giving each parse at most `parse_limit` when set (a `parse-timeout` diagnostic past it, see
/// [`crate::budget`]; such a file is not cached as clean).
pub fn lint_files_cached(
    files: &[PathBuf],
    configs: &ConfigResolver,
    min_confidence: Option<Confidence>,
    cache: Option<&Cache>,
    parse_limit: Option<std::time::Duration>,
) -> (Vec<FileResult>, Vec<WalkError>) {
    // A file to lint: its bytes, its configuration (with its own copy of the options only when
    // `min_confidence` overrides them) and its cache key.
    struct ToLint {
        bytes: Vec<u8>,
        config: std::sync::Arc<crate::config::Config>,
        overridden: Option<LintOptions>,
        key: Option<crate::cache::Key>,
    }
    impl ToLint {
        fn options(&self) -> &LintOptions {
            self.overridden.as_ref().unwrap_or(&self.config.options)
        }
    }
    // A file the cache knows was clean alone (with the summary it left, boxed: most files are
    // linted, and a summary is several times the size of the other variant), or one to lint.
    enum Prepared {
        Clean(Option<Box<ModuleSummary>>),
        Lint(ToLint),
    }
    let prepare = |path: &PathBuf| -> Result<Prepared, WalkError> {
        let bytes = std::fs::read(path).map_err(|e| WalkError {
            path: path.clone(),
            message: format!("cannot read: {e}"),
        })?;
        let config = configs.for_file(path);
        let overridden = overridden_options(&config, min_confidence);
        let options = overridden.as_ref().unwrap_or(&config.options);
        let key = cache.map(|_| Cache::key(path, &bytes, options));
        if let (Some(cache), Some(key)) = (cache, &key) {
            if let Some(clean) = cache.lookup(key) {
                return Ok(Prepared::Clean(clean.summary.map(Box::new)));
            }
        }
        Ok(Prepared::Lint(ToLint {
            bytes,
            config,
            overridden,
            key,
        }))
    };
    type Linted = (String, Vec<Diagnostic>, Option<ModuleSummary>);
    let finish = |path: &PathBuf, key: Option<crate::cache::Key>, linted: Linted| {
        let (text, diagnostics, summary) = linted;
        // Clean alone: the cache keeps the summary too, so that a hit still tells the project
        // pass this file's uses. The project pass is not cached: a file it has answers for is
        // linted again on every run, whatever this first lint found.
        if let (Some(cache), Some(key), true) = (cache, key, diagnostics.is_empty()) {
            cache.mark_clean(key, summary.as_ref());
        }
        (file_result(path, text, diagnostics), summary)
    };
    let lint_batch =
        |paths: &[&PathBuf]| -> Vec<Result<(FileResult, Option<ModuleSummary>), WalkError>> {
            let mut prepared: Vec<_> = paths.iter().map(|p| prepare(p)).collect();
            let mut linted: Vec<Linted> = match parse_limit {
                // The bytes and a copy of the options go to the helper; the key stays for `finish`.
                Some(limit) => crate::linter::lint_all_bytes_in_project(
                    limit,
                    paths
                        .iter()
                        .zip(&mut prepared)
                        .filter_map(|(path, p)| match p {
                            Ok(Prepared::Lint(f)) => Some((
                                (*path).clone(),
                                std::mem::take(&mut f.bytes),
                                f.options().clone(),
                            )),
                            _ => None,
                        })
                        .collect(),
                    true,
                ),
                None => Vec::new(),
            };
            let mut linted = linted.drain(..);
            paths
                .iter()
                .zip(prepared)
                .map(|(path, p)| match p? {
                    Prepared::Clean(summary) => Ok((
                        file_result(path, String::new(), Vec::new()),
                        summary.map(|s| *s),
                    )),
                    Prepared::Lint(mut f) => {
                        let result = match parse_limit {
                            Some(_) => linted.next().unwrap_or_default(),
                            None => crate::linter::lint_bytes_in_project(
                                path,
                                std::mem::take(&mut f.bytes),
                                f.options(),
                                &Project::Summarise,
                            ),
                        };
                        Ok(finish(path, f.key, result))
                    }
                })
                .collect()
        };
    // With a parse budget each batch goes to a helper thread in one hand-off (crate::budget).
    let batch = if parse_limit.is_some() {
        BUDGET_BATCH
    } else {
        1
    };
    let results = map_big_files_first_in_batches(files, batch, BUDGET_BATCH_BYTES, lint_batch);
    let mut ok = Vec::new();
    let mut summaries = Vec::new();
    let mut errors = Vec::new();
    for r in results {
        match r {
            Ok((f, summary)) => {
                ok.push(f);
                summaries.push(summary);
            }
            Err(e) => errors.push(e),
        }
    }
    relint_knowing_project(&mut ok, summaries, configs, min_confidence);
    (ok, errors)
}

/// A copy of `config`'s options with `min_confidence` replacing the configured minimum, when
/// given (`None`: the configured options apply as they are).
fn overridden_options(
    config: &crate::config::Config,
    min_confidence: Option<Confidence>,
) -> Option<LintOptions> {
    min_confidence.map(|c| LintOptions {
        min_confidence: c,
        ..config.options.clone()
    })
}

/// The result of linting `path`. Text is only needed to place findings: dropping it for clean
/// files keeps peak memory independent of the size of the tree.
fn file_result(path: &std::path::Path, text: String, diagnostics: Vec<Diagnostic>) -> FileResult {
    let text = if diagnostics.is_empty() {
        String::new()
    } else {
        text
    };
    FileResult {
        path: path.to_path_buf(),
        text,
        diagnostics,
    }
}

/// The project pass ([`crate::project`]): lints again, knowing how the other modules use their
/// exports, the files of `results` whose verdicts depended on it (`summaries`, same order).
fn relint_knowing_project(
    results: &mut [FileResult],
    summaries: Vec<Option<ModuleSummary>>,
    configs: &ConfigResolver,
    min_confidence: Option<Confidence>,
) {
    let paths: Vec<PathBuf> = results.iter().map(|r| r.path.clone()).collect();
    let facts = crate::project::facts_for(&paths, &summaries);
    let again: Vec<(usize, crate::semantic::ProjectFacts)> = facts
        .into_iter()
        .enumerate()
        .filter_map(|(i, f)| Some((i, f?)))
        .collect();
    let relinted = relint(&paths, again, configs, min_confidence);
    // 15,800 summaries on the benchmark corpus take 10–15 ms to drop on one thread: a thread of
    // their own drops them while the report is written on the main thread (when it cannot be
    // started, `spawn` drops them here). Started after the second lints, which need both cores.
    let _ = std::thread::Builder::new()
        .name("leaklint-drop".into())
        .spawn(move || drop(summaries));
    for (i, r) in relinted {
        results[i] = r;
    }
}

/// Lints again each file of `again` (an index into `paths`) knowing its facts; returns the
/// results of those that could be read, with their indices.
fn relint(
    paths: &[PathBuf],
    again: Vec<(usize, crate::semantic::ProjectFacts)>,
    configs: &ConfigResolver,
    min_confidence: Option<Confidence>,
) -> Vec<(usize, FileResult)> {
    // Largest first, one file per task: the second lints end together instead of waiting for
    // a large file picked up last.
    let mut again = again;
    again.sort_by_cached_key(|(i, _)| {
        std::cmp::Reverse(std::fs::metadata(&paths[*i]).map_or(0, |m| m.len()))
    });
    again
        .into_par_iter()
        .with_max_len(1)
        .filter_map(|(i, facts)| {
            let path = &paths[i];
            let bytes = std::fs::read(path).ok()?;
            let config = configs.for_file(path);
            let overridden = overridden_options(&config, min_confidence);
            let options = overridden.as_ref().unwrap_or(&config.options);
            let (text, diagnostics, _) = crate::linter::lint_bytes_in_project(
                path,
                bytes,
                options,
                &Project::Knowing(&facts),
            );
            Some((i, file_result(path, text, diagnostics)))
        })
        .collect()
}

/// How many files go to the parse helper in one hand-off when parses have a budget: one thread
/// switch per batch instead of two or three per file. Each hand-off still leaves a core idle
/// while the other thread wakes: with 16 files a batch the budget cost about 4% of the wall time
/// of the benchmark corpus against none, and 256 files (or [`BUDGET_BATCH_BYTES`]) halve the
/// context switches (2,741 -> 1,421).
const BUDGET_BATCH: usize = 256;

/// A batch also ends once it holds this many bytes of source, so that it stays small enough
/// for rayon to balance the work at the end of a run, and the texts read ahead for the helper
/// stay small beside the peak memory (a batch of big files would read them all at once).
const BUDGET_BATCH_BYTES: u64 = 2 << 20;

/// Applies `work` to every file on rayon's pool and returns the results in the order of `files`.
/// Files of at least 2 MiB go one after another on a lane of their own, started at
/// once beside the parallel walk over the others: peak memory then follows the largest file, and
/// the run does not end waiting for a big file that a worker picked up last. The benchmark's
/// parse-only baseline schedules its files with this same function.
pub fn map_big_files_first<T: Send>(
    files: &[PathBuf],
    work: impl Fn(&PathBuf) -> T + Sync,
) -> Vec<T> {
    map_big_files_first_in_batches(files, 1, u64::MAX, |batch| {
        batch.iter().map(|p| work(p)).collect()
    })
}

/// As [`map_big_files_first`], handing `work` up to `batch` files at a time (files of one lane,
/// in the order of `files`), and fewer when they reach `batch_bytes` bytes together (a file
/// that alone reaches it goes alone); `work` returns one result per file it is given.
pub fn map_big_files_first_in_batches<T: Send>(
    files: &[PathBuf],
    batch: usize,
    batch_bytes: u64,
    work: impl Fn(&[&PathBuf]) -> Vec<T> + Sync,
) -> Vec<T> {
    // Sizes from the metadata (0 when it cannot be read: such a file is linted with the small
    // ones and gives its error there).
    let sizes: Vec<u64> = files
        .par_iter()
        .map(|p| std::fs::metadata(p).map_or(0, |m| m.len()))
        .collect();
    let (big, small): (Vec<usize>, Vec<usize>) =
        (0..files.len()).partition(|&i| sizes[i] >= BIG_FILE);
    let run = |indices: &[usize]| -> Vec<(usize, T)> {
        let paths: Vec<&PathBuf> = indices.iter().map(|&i| &files[i]).collect();
        indices.iter().copied().zip(work(&paths)).collect()
    };
    let (big_done, small_done) = rayon::join(
        || {
            batches(&big, &sizes, batch, batch_bytes)
                .into_iter()
                .flat_map(run)
                .collect::<Vec<_>>()
        },
        || {
            batches(&small, &sizes, batch, batch_bytes)
                .into_par_iter()
                .flat_map_iter(run)
                .collect::<Vec<_>>()
        },
    );
    let mut results: Vec<Option<T>> = Vec::new();
    results.resize_with(files.len(), || None);
    for (i, r) in big_done.into_iter().chain(small_done) {
        results[i] = Some(r);
    }
    results.into_iter().flatten().collect()
}

/// `lane` (indices of files with `sizes`) cut in order into batches of at most `most` files,
/// each ending at the file that brings it to `most_bytes` bytes.
fn batches<'a>(lane: &'a [usize], sizes: &[u64], most: usize, most_bytes: u64) -> Vec<&'a [usize]> {
    let most = most.max(1);
    let mut out = Vec::with_capacity(lane.len() / most + 1);
    let (mut start, mut bytes) = (0, 0u64);
    for (k, &i) in lane.iter().enumerate() {
        bytes = bytes.saturating_add(sizes[i]);
        if k + 1 - start == most || bytes >= most_bytes {
            out.push(&lane[start..=k]);
            (start, bytes) = (k + 1, 0);
        }
    }
    if start < lane.len() {
        out.push(&lane[start..]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The same order and the same survivors as `Vec::sort` then `Vec::dedup` on `PathBuf`s, also
    /// for paths whose bytes and components order differently (`a-b` against `a/b`), repeated
    /// separators, `.` and `..`, trailing slashes and absolute paths.
    #[test]
    fn sort_and_dedup_matches_path_order() {
        let shapes = [
            "a/b",
            "a-b/c",
            "a//b",
            "./a",
            "a/./b",
            "../x",
            "/abs/p",
            "a/b/",
            "-x/a",
            "a",
            "a/b",
            "A",
            "a.b/c",
            "a/b.c",
            "./-x",
            "src/index.ts",
            "src/index-a.ts",
            "src/index/a.ts",
            "src",
            "/abs",
            "/abs/p/q",
            "a/b/c",
            "b",
            "a0/b",
            "a/b0",
            "",
        ];
        let paths: Vec<PathBuf> = shapes.iter().map(PathBuf::from).collect();
        let mut expected = paths.clone();
        expected.sort();
        expected.dedup();
        let mut got = paths;
        sort_and_dedup(&mut got);
        assert_eq!(
            got.iter().map(|p| p.as_os_str()).collect::<Vec<_>>(),
            expected.iter().map(|p| p.as_os_str()).collect::<Vec<_>>()
        );
    }

    /// Paths as a walk writes them take the byte-order route, which must give the same order and
    /// survivors as `Path`'s: a name that is a prefix of another, names with bytes below and above
    /// the separator (`-`, `.`, `0`), hidden names, absolute paths and repeats.
    #[test]
    fn plain_paths_sort_as_path_does() {
        let shapes = [
            "a/b",
            "a-b/c",
            "a/b",
            "a.b/c",
            "a/b.c",
            "a",
            "-x/a",
            ".hidden/a.js",
            "src/index.ts",
            "src/index-a.ts",
            "src/index/a.ts",
            "src/index.ts/x",
            "/abs/p",
            "/abs",
            "/abs-q/p",
            "a0/b",
            "a/b0",
            "A/b",
            "corpus/next/dist/a.js",
            "corpus/next-x/a.js",
            "corpus/next/a.js",
        ];
        let paths: Vec<PathBuf> = shapes.iter().map(PathBuf::from).collect();
        assert!(paths.iter().all(|p| is_plain(p)));
        let mut expected = paths.clone();
        expected.sort();
        expected.dedup();
        let mut got = paths;
        sort_and_dedup(&mut got);
        assert_eq!(got, expected);
        for not_plain in ["a//b", "./a", "a/./b", "../x", "a/b/", "", "/"] {
            assert!(!is_plain(std::path::Path::new(not_plain)), "{not_plain}");
        }
    }
}
