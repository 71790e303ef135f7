//! The lint cache, after ruff's: it remembers which file contents were *clean* when linted alone
//! under which settings, so that an unchanged tree is re-checked by hashing instead of parsing.
//! Files with findings are always linted again (their diagnostics are not stored). For a clean
//! file that takes part in the whole-project pass ([`crate::project`]: it imports, re-exports, or
//! a verdict asked how its exports are used) the entry also holds the file's
//! [`ModuleSummary`], which a hit gives back instead of a parse, so that the project pass still
//! sees that file's uses. The project pass itself is never cached: it runs on every run, and
//! files with an answer are linted again from disk.
//!
//! Layout: `<root>/.leaklint_cache/` holds `CACHEDIR.TAG` (the Cache Directory Tagging
//! Specification, <https://bford.info/cachedir/>), a `.gitignore` of `*`, and one file per
//! leaklint build, `v<version>-<build>/clean`: the magic line `leaklint-cache 3\n` followed by
//! entries sorted by key, each a 16-byte key, a 4-byte little-endian length and that many bytes of
//! the summary in postcard's encoding (<https://postcard.jamesmunns.com/wire-format>) of the
//! serde form of [`ModuleSummary`]; length 0 for a file with nothing to tell the project pass.
//! `<build>` is [`BUILD_ID`], the hash of the sources, rule documents and locked dependencies
//! this binary was built from: builds between releases share a version number, and a rule (or
//! the summary's form) that changed must not inherit the verdicts of the old one. A key is the
//! first 16 bytes of BLAKE3 over the version and build, the effective lint options (rules,
//! severities, minimum confidence), the dialect, whether the path is a test file's, and the
//! file's bytes, so any change to any of them misses. The file is read once when the cache is
//! opened and each summary decoded on its hit; it is replaced atomically (a temporary file in the
//! same folder, then a rename), and the folders of other builds are removed then; a missing or
//! damaged file is an empty cache, and a summary that does not decode is a miss.

use std::collections::HashMap;
use std::io::{self, Write};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use crate::linter::LintOptions;
use crate::project::ModuleSummary;
use crate::source::Dialect;

/// The folder name, created in the working directory.
pub const CACHE_DIR: &str = ".leaklint_cache";

const MAGIC: &[u8] = b"leaklint-cache 3\n";
const TAG: &str = "Signature: 8a477f597d28d172789f06886806bc55\n\
# This file is a cache directory tag created by leaklint.\n\
# For information about cache directory tags see https://bford.info/cachedir/\n";
/// Entries not used by a run are kept while the cache holds fewer than this many keys.
const MAX_KEPT: usize = 200_000;

/// Identifies this build's lint code: 16 hex digits from `build.rs` ([`crate::build_id`]).
pub const BUILD_ID: &str = env!("LEAKLINT_BUILD_ID");

/// A cache key: 128 bits of BLAKE3.
pub type Key = [u8; 16];

/// What the cache knows of a clean file ([`Cache::lookup`]).
#[derive(Debug, Clone, PartialEq)]
pub struct CleanFile {
    /// The summary the file left for the project pass when it was linted alone, `None` when it
    /// had nothing to tell (it imports and re-exports nothing and no verdict asked about its
    /// exports, or it is a component, which takes no part in the pass).
    pub summary: Option<ModuleSummary>,
}

/// An entry seen during this run: one read from the file (its summary bytes are copied over when
/// the cache is saved), or one linted clean now with its encoded summary (empty for none).
#[derive(Debug)]
enum Seen {
    Read,
    Linted(Vec<u8>),
}

/// An open cache: the file read at start with the place of each key's summary in it, and the
/// entries seen clean during this run.
#[derive(Debug)]
pub struct Cache {
    dir: PathBuf,
    bytes: Vec<u8>,
    known: HashMap<Key, Range<usize>>,
    used: Mutex<HashMap<Key, Seen>>,
}

impl Cache {
    /// Opens (without creating) the cache below `root/.leaklint_cache/`; unreadable or damaged
    /// cache files give an empty cache.
    pub fn open(root: &Path) -> Cache {
        let dir = root.join(CACHE_DIR);
        let file = dir.join(version_dir()).join("clean");
        let (bytes, known) = std::fs::read(&file)
            .ok()
            .and_then(|bytes| {
                let known = parse(&bytes)?;
                Some((bytes, known))
            })
            .unwrap_or_default();
        Cache {
            dir,
            bytes,
            known,
            used: Mutex::new(HashMap::new()),
        }
    }

    /// The key of a file's `bytes`, linted as `path`'s dialect (and, for a component, its format
    /// and whether it is an application's root; and whether `path` is a test file's) with
    /// `options`.
    pub fn key(path: &Path, bytes: &[u8], options: &LintOptions) -> Key {
        key_for_build(BUILD_ID, path, bytes, options)
    }

    /// Whether a file with this key was clean in an earlier run (and keeps it in the cache).
    pub fn is_clean(&self, key: &Key) -> bool {
        self.lookup(key).is_some()
    }

    /// What an earlier run left for a file with this key: `Some` when it was linted clean alone,
    /// with its summary (and the entry is kept in the cache); `None` when the key is unknown or
    /// its stored summary does not decode (the file is then linted as on a miss).
    pub fn lookup(&self, key: &Key) -> Option<CleanFile> {
        let range = self.known.get(key)?;
        let summary = if range.is_empty() {
            None
        } else {
            Some(postcard::from_bytes(&self.bytes[range.clone()]).ok()?)
        };
        self.used.lock().unwrap().insert(*key, Seen::Read);
        Some(CleanFile { summary })
    }

    /// Records that a file with this key was linted clean alone, leaving `summary` for the
    /// project pass; a summary with nothing to tell ([`ModuleSummary::is_self_contained`]) is not
    /// stored. A summary that cannot be stored (its encoding fails or exceeds 4 GiB) leaves the
    /// file out of the cache.
    pub fn mark_clean(&self, key: Key, summary: Option<&ModuleSummary>) {
        let encoded = match summary {
            Some(s) if !s.is_self_contained() => match postcard::to_stdvec(s) {
                Ok(e) if !e.is_empty() && u32::try_from(e.len()).is_ok() => e,
                _ => return,
            },
            _ => Vec::new(),
        };
        self.used.lock().unwrap().insert(key, Seen::Linted(encoded));
    }

    /// Writes the cache: this run's clean entries, plus the earlier ones while there are fewer
    /// than 200,000. Creates the folder with its `CACHEDIR.TAG` and `.gitignore` when missing.
    ///
    /// # Errors
    /// I/O errors creating the folder or writing the file.
    pub fn save(&self) -> io::Result<()> {
        let used = self.used.lock().unwrap();
        let unchanged = used.len() == self.known.len()
            && used
                .iter()
                .all(|(k, seen)| matches!(seen, Seen::Read) && self.known.contains_key(k));
        if unchanged {
            return Ok(());
        }
        let mut entries: Vec<(&Key, &[u8])> = used
            .iter()
            .map(|(k, seen)| {
                let summary = match seen {
                    Seen::Read => &self.bytes[self.known[k].clone()],
                    Seen::Linted(encoded) => encoded.as_slice(),
                };
                (k, summary)
            })
            .collect();
        if self.known.len() + used.len() <= MAX_KEPT {
            entries.extend(
                self.known
                    .iter()
                    .filter(|(k, _)| !used.contains_key(*k))
                    .map(|(k, r)| (k, &self.bytes[r.clone()])),
            );
        }
        entries.sort_unstable_by_key(|(k, _)| *k);
        let vdir = self.dir.join(version_dir());
        std::fs::create_dir_all(&vdir)?;
        remove_other_builds(&self.dir);
        write_if_missing(&self.dir.join("CACHEDIR.TAG"), TAG)?;
        write_if_missing(&self.dir.join(".gitignore"), "# Created by leaklint.\n*\n")?;
        let size = entries.iter().map(|(_, s)| 20 + s.len()).sum::<usize>();
        let mut bytes = Vec::with_capacity(MAGIC.len() + size);
        bytes.extend_from_slice(MAGIC);
        for (k, summary) in entries {
            bytes.extend_from_slice(k);
            // At most 4 GiB: `mark_clean` and `parse` let no longer summary in.
            bytes.extend_from_slice(&(summary.len() as u32).to_le_bytes());
            bytes.extend_from_slice(summary);
        }
        let mut tmp = tempfile::NamedTempFile::new_in(&vdir)?;
        tmp.write_all(&bytes)?;
        tmp.persist(vdir.join("clean")).map_err(|e| e.error)?;
        Ok(())
    }
}

/// The key of a file under build `build` (see [`Cache::key`]).
fn key_for_build(build: &str, path: &Path, bytes: &[u8], options: &LintOptions) -> Key {
    let mut h = blake3::Hasher::new();
    h.update(env!("CARGO_PKG_VERSION").as_bytes());
    h.update(b"\0");
    h.update(build.as_bytes());
    h.update(b"\0");
    for (rule, severity) in &options.rules {
        h.update(rule.meta().name.as_bytes());
        h.update(b"=");
        h.update(severity.as_str().as_bytes());
        h.update(b";");
    }
    h.update(options.min_confidence.as_str().as_bytes());
    h.update(b"\0");
    h.update(format!("{:?}", Dialect::from_path(path)).as_bytes());
    h.update(b"\0");
    // Findings in a test file are of low confidence and its uses of imports run "in a test":
    // the same bytes in `a.js` and `a.test.js` are linted differently.
    h.update(if crate::linter::is_test_path(path) {
        b"test\0"
    } else {
        b"code\0"
    });
    // A component's findings also depend on its format and on whether its name makes it an
    // application's root (mounted once): the same bytes in `App.vue` and `Widget.vue`, or in
    // `a.vue` and `a.js`, are linted differently.
    if let Some(kind) = crate::sfc::Kind::from_path(path) {
        h.update(format!("{kind:?} {}", crate::sfc::is_root_component(path)).as_bytes());
        h.update(b"\0");
    }
    h.update(bytes);
    let mut key = [0u8; 16];
    key.copy_from_slice(&h.finalize().as_bytes()[..16]);
    key
}

fn version_dir() -> String {
    format!("v{}-{BUILD_ID}", env!("CARGO_PKG_VERSION"))
}

/// Removes the folders of other builds (best effort): their verdicts are never read again, and
/// a developer rebuilding all day would otherwise collect one per build.
fn remove_other_builds(dir: &Path) {
    let current = version_dir();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name();
        let is_build = name
            .to_str()
            .is_some_and(|n| n.starts_with('v') && n != current);
        if is_build && e.file_type().is_ok_and(|t| t.is_dir()) {
            let _ = std::fs::remove_dir_all(e.path());
        }
    }
}

/// The entries of a cache file: each key with the place of its summary in `bytes`; `None` when
/// the magic line is wrong or an entry is cut short.
fn parse(bytes: &[u8]) -> Option<HashMap<Key, Range<usize>>> {
    bytes.strip_prefix(MAGIC)?;
    let mut known = HashMap::new();
    let mut at = MAGIC.len();
    while at < bytes.len() {
        let key: Key = bytes.get(at..at + 16)?.try_into().ok()?;
        let len: [u8; 4] = bytes.get(at + 16..at + 20)?.try_into().ok()?;
        let start = at + 20;
        let end = start.checked_add(u32::from_le_bytes(len) as usize)?;
        if end > bytes.len() {
            return None;
        }
        known.insert(key, start..end);
        at = end;
    }
    Some(known)
}

fn write_if_missing(path: &Path, text: &str) -> io::Result<()> {
    if path.exists() {
        return Ok(());
    }
    std::fs::write(path, text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_keys_depend_on_content_options_and_dialect() {
        let d = tempfile::tempdir().unwrap();
        let opts = LintOptions::default();
        let k1 = Cache::key(Path::new("a.js"), b"x", &opts);
        assert_ne!(k1, Cache::key(Path::new("a.js"), b"y", &opts));
        assert_ne!(k1, Cache::key(Path::new("a.ts"), b"x", &opts));
        assert_eq!(k1, Cache::key(Path::new("b.js"), b"x", &opts));
        // A component is linted by its format, and a root component as mounted once.
        let widget = Cache::key(Path::new("src/Widget.vue"), b"x", &opts);
        assert_ne!(k1, widget);
        assert_ne!(
            widget,
            Cache::key(Path::new("src/Widget.svelte"), b"x", &opts)
        );
        assert_ne!(widget, Cache::key(Path::new("src/App.vue"), b"x", &opts));
        assert_eq!(widget, Cache::key(Path::new("src/Other.vue"), b"x", &opts));
        let mut strict = opts.clone();
        strict.min_confidence = crate::diagnostic::Confidence::Low;
        assert_ne!(k1, Cache::key(Path::new("a.js"), b"x", &strict));

        let c = Cache::open(d.path());
        assert!(!c.is_clean(&k1));
        c.mark_clean(k1, None);
        c.save().unwrap();
        let dir = d.path().join(CACHE_DIR);
        assert!(std::fs::read_to_string(dir.join("CACHEDIR.TAG"))
            .unwrap()
            .starts_with("Signature: 8a477f597d28d172789f06886806bc55"));
        assert!(dir.join(".gitignore").exists());
        let c = Cache::open(d.path());
        assert!(c.is_clean(&k1));
        // A damaged file is an empty cache.
        std::fs::write(dir.join(version_dir()).join("clean"), b"junk").unwrap();
        assert!(!Cache::open(d.path()).is_clean(&k1));
    }

    /// A clean file's summary comes back from a hit as it was stored; a self-contained one is
    /// not stored (a hit gives none); a key in a test file's path differs; a summary that does
    /// not decode is a miss, and a file cut short is an empty cache.
    #[test]
    fn summaries_round_trip_and_damage_misses() {
        use crate::project::{ImportUse, UseRuns};
        let opts = LintOptions::default();
        let d = tempfile::tempdir().unwrap();
        let summary = ModuleSummary {
            specifiers: vec!["./registry".into()],
            imports: vec![ImportUse {
                specifier: 0,
                name: "register".into(),
                runs: UseRuns::Repeated {
                    why: "on every request".into(),
                    at: crate::source::PositionRange {
                        start: crate::source::Position { line: 4, column: 3 },
                        end: crate::source::Position { line: 4, column: 9 },
                    },
                    registration: None,
                },
            }],
            reexports: vec![crate::semantic::ReExport {
                specifier: "./a".into(),
                names: Some(vec![("a".into(), "b".into())]),
            }],
            exports: vec!["init".into()],
            asked: vec!["init".into()],
            registries: vec![(
                crate::semantic::Registry {
                    collection: "sockets".into(),
                    span: crate::diagnostic::ByteSpan::new(10, 17),
                    adds: vec!["register".into()],
                    removes: vec!["unregister".into()],
                    returns_handle: true,
                },
                crate::source::PositionRange {
                    start: crate::source::Position { line: 2, column: 7 },
                    end: crate::source::Position {
                        line: 2,
                        column: 14,
                    },
                },
            )],
            held: vec![(
                "default".into(),
                crate::semantic::held::HeldListener {
                    adds: vec!["handle".into()],
                    removes: vec!["unhandle".into()],
                    owner: "process".into(),
                    event: Some("uncaughtException".into()),
                    span: crate::diagnostic::ByteSpan::new(30, 40),
                },
                crate::source::PositionRange {
                    start: crate::source::Position { line: 5, column: 7 },
                    end: crate::source::Position {
                        line: 5,
                        column: 17,
                    },
                },
            )],
            pinned: vec![crate::semantic::pinned::PinnedExport {
                name: "onAbort".into(),
                param: 0,
                params: 1,
                at: crate::source::PositionRange {
                    start: crate::source::Position { line: 9, column: 3 },
                    end: crate::source::Position {
                        line: 9,
                        column: 26,
                    },
                },
            }],
            passes: vec![("createClient".into(), 0)],
            wants_passes: true,
            timer_classes: vec![(
                "default".into(),
                "Meter".into(),
                crate::source::PositionRange {
                    start: crate::source::Position { line: 8, column: 5 },
                    end: crate::source::Position {
                        line: 8,
                        column: 16,
                    },
                },
            )],
            members: vec![crate::project::MemberFn {
                name: "meter".into(),
                makes: vec![0],
                makes_local: None,
                forwards: false,
            }],
            field_calls: vec!["meter".into()],
            memo_factories: vec![crate::project::summary::MemoExport {
                name: "memorize".into(),
                key: crate::semantic::KeyArgs {
                    index: 0,
                    rest: true,
                },
                replaceable: Some(crate::semantic::memo::Replaceable {
                    position: 1,
                    key: Some("cache".into()),
                }),
            }],
            memo_products: vec![crate::project::summary::MemoProduct {
                import: 0,
                name: "parseUrl".into(),
                args: vec![
                    crate::semantic::memo::ArgShape::Other,
                    crate::semantic::memo::ArgShape::Undefined,
                    crate::semantic::memo::ArgShape::Object(vec!["cache".into()]),
                ],
                declared: crate::source::PositionRange {
                    start: crate::source::Position { line: 3, column: 7 },
                    end: crate::source::Position {
                        line: 3,
                        column: 15,
                    },
                },
                calls: vec![crate::project::summary::KeyedCall {
                    args: vec![0],
                    request: "req.url".into(),
                    runs: UseRuns::AsOftenAs(vec!["handle".into()]),
                    at: crate::source::PositionRange {
                        start: crate::source::Position { line: 6, column: 3 },
                        end: crate::source::Position {
                            line: 6,
                            column: 11,
                        },
                    },
                }],
            }],
        };
        let with = Cache::key(Path::new("src/a.js"), b"with", &opts);
        let alone = Cache::key(Path::new("src/b.js"), b"alone", &opts);
        assert_ne!(with, Cache::key(Path::new("src/a.test.js"), b"with", &opts));
        let c = Cache::open(d.path());
        c.mark_clean(with, Some(&summary));
        c.mark_clean(alone, Some(&ModuleSummary::default()));
        c.save().unwrap();
        let c = Cache::open(d.path());
        assert_eq!(c.lookup(&with).unwrap().summary.as_ref(), Some(&summary));
        assert_eq!(c.lookup(&alone).unwrap().summary, None);
        // Kept entries carry their summaries over to the next file.
        c.mark_clean(Cache::key(Path::new("c.js"), b"c", &opts), None);
        c.save().unwrap();
        let file = d.path().join(CACHE_DIR).join(version_dir()).join("clean");
        let bytes = std::fs::read(&file).unwrap();
        let c = Cache::open(d.path());
        assert_eq!(c.lookup(&with).unwrap().summary.as_ref(), Some(&summary));
        // The summary's bytes replaced by others of the same length: a miss, not a wrong answer.
        let at = bytes
            .windows(16)
            .position(|w| w == with)
            .expect("the key is in the file");
        let mut damaged = bytes.clone();
        let len = u32::from_le_bytes(damaged[at + 16..at + 20].try_into().unwrap()) as usize;
        damaged[at + 20..at + 20 + len].fill(0xff);
        std::fs::write(&file, &damaged).unwrap();
        let c = Cache::open(d.path());
        assert!(c.lookup(&with).is_none());
        assert!(c.is_clean(&alone));
        // Cut short: an empty cache.
        std::fs::write(&file, &bytes[..bytes.len() - 1]).unwrap();
        assert!(!Cache::open(d.path()).is_clean(&alone));
    }

    /// A build whose rules changed (same version number, other sources) neither finds this
    /// build's verdicts nor keeps them: the key and the folder both depend on the build.
    #[test]
    fn another_build_of_the_same_version_misses_and_its_folder_is_removed() {
        let opts = LintOptions::default();
        let other = "0123456789abcdef";
        assert_ne!(BUILD_ID, other);
        assert_eq!(BUILD_ID.len(), 16);
        assert_ne!(
            Cache::key(Path::new("a.js"), b"x", &opts),
            key_for_build(other, Path::new("a.js"), b"x", &opts)
        );
        let d = tempfile::tempdir().unwrap();
        let stale = d
            .path()
            .join(CACHE_DIR)
            .join(format!("v{}-{other}", env!("CARGO_PKG_VERSION")));
        std::fs::create_dir_all(&stale).unwrap();
        let stale_key = key_for_build(other, Path::new("a.js"), b"x", &opts);
        let mut bytes = MAGIC.to_vec();
        bytes.extend_from_slice(&stale_key);
        bytes.extend_from_slice(&[0; 4]);
        std::fs::write(stale.join("clean"), &bytes).unwrap();
        let c = Cache::open(d.path());
        assert!(!c.is_clean(&Cache::key(Path::new("a.js"), b"x", &opts)));
        c.mark_clean(Cache::key(Path::new("a.js"), b"y", &opts), None);
        c.save().unwrap();
        assert!(!stale.exists());
        assert!(d
            .path()
            .join(CACHE_DIR)
            .join(version_dir())
            .join("clean")
            .exists());
    }

    /// The build id follows the sources: changing one byte of a rule changes it.
    #[test]
    fn the_build_id_changes_with_any_rule_source() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        // This binary's id is that of the sources it was built from.
        assert_eq!(crate::build_id::tree_hash(root).unwrap(), BUILD_ID);
        let d = tempfile::tempdir().unwrap();
        let copy = |from: &Path, to: &Path| {
            let status = std::process::Command::new("cp")
                .arg("-R")
                .arg(from)
                .arg(to)
                .status()
                .unwrap();
            assert!(status.success());
        };
        for input in crate::build_id::BUILD_INPUTS {
            copy(&root.join(input), &d.path().join(input));
        }
        let before = crate::build_id::tree_hash(d.path()).unwrap();
        let rule = d.path().join("src/rules/no_leaked_timer.rs");
        let mut text = std::fs::read_to_string(&rule).unwrap();
        text.push('\n');
        std::fs::write(&rule, text).unwrap();
        let after = crate::build_id::tree_hash(d.path()).unwrap();
        assert_ne!(before, after);
        assert_eq!(after, crate::build_id::tree_hash(d.path()).unwrap());
    }
}
