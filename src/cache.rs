//! The lint cache, after ruff's: it remembers only which file contents were *clean* under which
//! settings, so that an unchanged tree is re-checked by hashing instead of parsing. Files with
//! findings are always linted again (their diagnostics are not stored).
//!
//! Layout: `<root>/.leaklint_cache/` holds `CACHEDIR.TAG` (the Cache Directory Tagging
//! Specification, <https://bford.info/cachedir/>), a `.gitignore` of `*`, and one file per
//! leaklint build, `v<version>-<build>/clean`: the magic line `leaklint-cache 1\n` followed by
//! 16-byte keys. `<build>` is [`BUILD_ID`], the hash of the sources, rule documents and locked
//! dependencies this binary was built from: builds between releases share a version number, and a
//! rule that changed must not inherit the verdicts of the old one. A key is the first 16 bytes of
//! BLAKE3 over the version and build, the effective lint options (rules, severities, minimum
//! confidence), the dialect and the file's bytes, so any change to any of them misses. The file is
//! replaced atomically (a temporary file in the same folder, then a rename), and the folders of
//! other builds are removed then; a missing or damaged file is an empty cache.

use std::collections::HashSet;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use crate::linter::LintOptions;
use crate::source::Dialect;

/// The folder name, created in the working directory.
pub const CACHE_DIR: &str = ".leaklint_cache";

const MAGIC: &[u8] = b"leaklint-cache 1\n";
const TAG: &str = "Signature: 8a477f597d28d172789f06886806bc55\n\
# This file is a cache directory tag created by leaklint.\n\
# For information about cache directory tags see https://bford.info/cachedir/\n";
/// Entries not used by a run are kept while the cache holds fewer than this many keys.
const MAX_KEPT: usize = 200_000;

/// Identifies this build's lint code: 16 hex digits from `build.rs` ([`crate::build_id`]).
pub const BUILD_ID: &str = env!("LEAKLINT_BUILD_ID");

/// A cache key: 128 bits of BLAKE3.
pub type Key = [u8; 16];

/// An open cache: the keys read at start, and those seen clean during this run.
#[derive(Debug)]
pub struct Cache {
    dir: PathBuf,
    known: HashSet<Key>,
    used: Mutex<HashSet<Key>>,
}

impl Cache {
    /// Opens (without creating) the cache below `root/.leaklint_cache/`; unreadable or damaged
    /// cache files give an empty cache.
    pub fn open(root: &Path) -> Cache {
        let dir = root.join(CACHE_DIR);
        let file = dir.join(version_dir()).join("clean");
        let known = std::fs::read(&file)
            .ok()
            .and_then(|bytes| parse(&bytes))
            .unwrap_or_default();
        Cache {
            dir,
            known,
            used: Mutex::new(HashSet::new()),
        }
    }

    /// The key of a file's `bytes`, linted as `path`'s dialect (and, for a component, its format
    /// and whether it is an application's root) with `options`.
    pub fn key(path: &Path, bytes: &[u8], options: &LintOptions) -> Key {
        key_for_build(BUILD_ID, path, bytes, options)
    }

    /// Whether a file with this key was clean in an earlier run (and keeps it in the cache).
    pub fn is_clean(&self, key: &Key) -> bool {
        let hit = self.known.contains(key);
        if hit {
            self.used.lock().unwrap().insert(*key);
        }
        hit
    }

    /// Records that a file with this key was linted clean.
    pub fn mark_clean(&self, key: Key) {
        self.used.lock().unwrap().insert(key);
    }

    /// Writes the cache: this run's clean keys, plus the earlier ones while there are fewer than
    /// 200,000. Creates the folder with its `CACHEDIR.TAG` and `.gitignore` when missing.
    ///
    /// # Errors
    /// I/O errors creating the folder or writing the file.
    pub fn save(&self) -> io::Result<()> {
        let used = self.used.lock().unwrap();
        if used.iter().all(|k| self.known.contains(k)) && used.len() == self.known.len() {
            return Ok(());
        }
        let mut keys: HashSet<Key> = used.clone();
        if self.known.len() + keys.len() <= MAX_KEPT {
            keys.extend(self.known.iter().copied());
        }
        let vdir = self.dir.join(version_dir());
        std::fs::create_dir_all(&vdir)?;
        remove_other_builds(&self.dir);
        write_if_missing(&self.dir.join("CACHEDIR.TAG"), TAG)?;
        write_if_missing(&self.dir.join(".gitignore"), "# Created by leaklint.\n*\n")?;
        let mut bytes = Vec::with_capacity(MAGIC.len() + keys.len() * 16);
        bytes.extend_from_slice(MAGIC);
        let mut sorted: Vec<&Key> = keys.iter().collect();
        sorted.sort();
        for k in sorted {
            bytes.extend_from_slice(k);
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

fn parse(bytes: &[u8]) -> Option<HashSet<Key>> {
    let body = bytes.strip_prefix(MAGIC)?;
    if body.len() % 16 != 0 {
        return None;
    }
    Some(
        body.chunks_exact(16)
            .map(|c| c.try_into().expect("16-byte chunk"))
            .collect(),
    )
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
        c.mark_clean(k1);
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
        std::fs::write(stale.join("clean"), &bytes).unwrap();
        let c = Cache::open(d.path());
        assert!(!c.is_clean(&Cache::key(Path::new("a.js"), b"x", &opts)));
        c.mark_clean(Cache::key(Path::new("a.js"), b"y", &opts));
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
