//! `leaklint.toml` (or `.leaklint.toml`): discovery (the nearest file above a linted file wins),
//! validation with file and line in every error, and the resulting [`LintOptions`].
//!
//! ```toml
//! min-confidence = "medium"        # low | medium | high
//! include = ["src/**"]             # globs relative to this file; default: everything
//! exclude = ["dist/**", "**/*.test.ts"]
//!
//! [rules]
//! no-leaked-timer = "warn"         # off | warn | error
//! no-unbounded-collection = { severity = "error" }
//! ```

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use globset::GlobSet;
use rustc_hash::FxHashMap;

use crate::linter::LintOptions;
use crate::rules;
use crate::source::LineIndex;
use schema::{ConfidenceSetting, ConfigFile, Globs, RuleName};

/// The file names searched for, in order, in each directory.
pub const CONFIG_NAMES: [&str; 2] = ["leaklint.toml", ".leaklint.toml"];

mod error;
pub mod schema;

pub use error::ConfigError;
pub use schema::{MAX_GLOB, MAX_GLOBS};

/// One loaded configuration file.
#[derive(Clone)]
pub struct Config {
    /// Where it was read from (`None` for the built-in defaults).
    pub path: Option<PathBuf>,
    /// The directory its globs are relative to.
    pub root: PathBuf,
    /// Rules, severities and minimum confidence.
    pub options: LintOptions,
    include: Option<GlobSet>,
    exclude: GlobSet,
}

impl Config {
    /// The built-in defaults, rooted at `root`.
    pub fn default_at(root: &Path) -> Config {
        Config {
            path: None,
            root: root.to_path_buf(),
            options: LintOptions::default(),
            include: None,
            exclude: GlobSet::empty(),
        }
    }

    /// Reads and validates the configuration file at `path`.
    ///
    /// # Errors
    /// Unreadable files, TOML syntax errors, unknown keys, unknown rule names and bad values, each
    /// with the line and column.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let bytes = std::fs::read(path)
            .map_err(|e| ConfigError::unlocated(path.into(), format!("cannot read: {e}")))?;
        let text = String::from_utf8(bytes).map_err(|e| {
            // Name the first bad byte by the line and column of the valid text before it.
            let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
            let valid = std::str::from_utf8(valid).unwrap_or_default();
            let p = LineIndex::new(valid).position(valid, valid.len() as u32);
            ConfigError::at_position(
                path.into(),
                p.line,
                p.column,
                format!(
                    "the file is not valid UTF-8 text (invalid byte at offset {})",
                    valid.len()
                ),
            )
        })?;
        Config::parse(path, &text)
    }

    /// Validates configuration `text` as if read from `path`.
    ///
    /// # Errors
    /// As [`Config::load`].
    pub fn parse(path: &Path, text: &str) -> Result<Config, ConfigError> {
        let file: ConfigFile = toml::from_str(text).map_err(|e| {
            // serde says "field"; in TOML it is a key.
            let message = e
                .message()
                .replacen("unknown field", "unknown key", 1)
                .replacen("missing field", "missing key", 1);
            match e.span() {
                Some(span) => ConfigError::in_text(path.into(), text, span, message),
                None => ConfigError::unlocated(path.into(), message),
            }
        })?;
        let root = path.parent().map(Path::to_path_buf).unwrap_or_default();
        let mut config = Config::default_at(&root);
        config.path = Some(path.to_path_buf());
        if let Some(ConfidenceSetting(c)) = file.min_confidence {
            config.options.min_confidence = c;
        }
        if let Some(Globs(set)) = file.include {
            config.include = Some(set);
        }
        if let Some(Globs(set)) = file.exclude {
            config.exclude = set;
        }
        for (RuleName(rule), setting) in file.rules.0 {
            let options = &mut config.options;
            options
                .rules
                .retain(|(r, _)| r.meta().name != rule.meta().name);
            if let Some(s) = setting.level.severity() {
                options.rules.push((rule, s));
            }
        }
        let order = |n: &str| {
            rules::REGISTRY
                .iter()
                .position(|r| r.meta().name == n)
                .unwrap_or(usize::MAX)
        };
        config
            .options
            .rules
            .sort_by_key(|(r, _)| order(r.meta().name));
        Ok(config)
    }

    /// Whether `path` (absolute or relative to the working directory) is excluded by this
    /// configuration's `include`/`exclude` globs.
    pub fn excludes(&self, path: &Path) -> bool {
        let rel = path.strip_prefix(&self.root).unwrap_or(path);
        if self.exclude.is_match(rel) {
            return true;
        }
        match &self.include {
            Some(inc) => !inc.is_match(rel),
            None => false,
        }
    }
}

/// A directory's path as bytes, the key of [`ConfigResolver`]'s cache.
type DirBytes = Box<[u8]>;

/// Finds the configuration for each file, caching one lookup per directory. Thread-safe.
pub struct ConfigResolver {
    explicit: Option<Arc<Config>>,
    /// The configuration of each directory asked about (asked for every file twice: whether
    /// discovery excludes it, and what lints it), by the directory's bytes: `Path`'s own hash
    /// and equality walk its components, which cost more than the rest of the lookup. The paths
    /// asked about are all made the same way (`absolute_from`, then `parent`), so a directory
    /// always has the same bytes; were it spelled two ways, it would only be looked up twice.
    cache: Mutex<FxHashMap<DirBytes, Option<Arc<Config>>>>,
    fallback: Arc<Config>,
    /// Errors met so far (each config file reported once).
    errors: Mutex<Vec<ConfigError>>,
    /// The process's working directory when the resolver was made, for [`ConfigResolver::absolute`].
    process_cwd: Option<PathBuf>,
}

impl ConfigResolver {
    /// A resolver that uses `explicit` for every file when given (`--config`), else discovers
    /// `leaklint.toml` files; files without one get the defaults rooted at `cwd`.
    pub fn new(explicit: Option<Config>, cwd: &Path) -> ConfigResolver {
        ConfigResolver {
            explicit: explicit.map(Arc::new),
            cache: Mutex::new(FxHashMap::default()),
            fallback: Arc::new(Config::default_at(cwd)),
            errors: Mutex::new(Vec::new()),
            process_cwd: std::env::current_dir().ok(),
        }
    }

    /// The configuration governing `file`.
    pub fn for_file(&self, file: &Path) -> Arc<Config> {
        if let Some(c) = &self.explicit {
            return c.clone();
        }
        self.for_absolute(&self.absolute(file))
    }

    /// Whether the configuration governing `file` excludes it ([`Config::excludes`], matched on
    /// the absolute path, which is worked out once for both questions).
    pub fn excludes(&self, file: &Path) -> bool {
        let abs = self.absolute(file);
        let config = match &self.explicit {
            Some(c) => c.clone(),
            None => self.for_absolute(&abs),
        };
        config.excludes(&abs)
    }

    /// The discovered configuration for the absolute path `abs`.
    fn for_absolute(&self, abs: &Path) -> Arc<Config> {
        let dir = abs.parent().unwrap_or(Path::new(""));
        self.for_dir(dir).unwrap_or_else(|| self.fallback.clone())
    }

    /// `path` made absolute ([`absolute_from`]) against the working directory the process had
    /// when the resolver was made.
    fn absolute(&self, path: &Path) -> PathBuf {
        absolute_from(self.process_cwd.as_deref(), path)
    }

    fn for_dir(&self, dir: &Path) -> Option<Arc<Config>> {
        let key = dir.as_os_str().as_encoded_bytes();
        if let Some(hit) = self.cache.lock().unwrap().get(key) {
            return hit.clone();
        }
        let mut found = None;
        for name in CONFIG_NAMES {
            let candidate = dir.join(name);
            if candidate.is_file() {
                match Config::load(&candidate) {
                    Ok(c) => found = Some(Arc::new(c)),
                    Err(e) => {
                        self.errors.lock().unwrap().push(e);
                        found = Some(self.fallback.clone());
                    }
                }
                break;
            }
        }
        let result = match found {
            Some(c) => Some(c),
            None => dir.parent().and_then(|p| self.for_dir(p)),
        };
        self.cache
            .lock()
            .unwrap()
            .insert(key.into(), result.clone());
        result
    }

    /// The configuration errors met so far, each once.
    pub fn take_errors(&self) -> Vec<ConfigError> {
        let mut e = std::mem::take(&mut *self.errors.lock().unwrap());
        e.sort_by(|a, b| a.path.cmp(&b.path));
        e.dedup();
        e
    }
}

/// `path` made absolute as [`std::path::absolute`] does (lexically: `.` dropped, `..` kept), with
/// a relative path joined to `cwd` when given: asked for every file of a run, this saves a
/// `getcwd` system call each time. `cwd` must be the process's working directory (or `None`, then
/// the system is asked).
pub fn absolute_from(cwd: Option<&Path>, path: &Path) -> PathBuf {
    let joined;
    let path = match cwd {
        Some(cwd) if path.is_relative() => {
            // Discovery below `.` yields `./src/a.js`: the `./` would only be dropped again.
            let rest = path.strip_prefix(".").unwrap_or(path);
            joined = cwd.join(rest);
            &joined
        }
        _ => path,
    };
    if is_lexically_absolute(path) {
        return path.to_path_buf();
    }
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}

/// [`std::path::absolute`] of `path` (`None` when it fails), without its parse of the
/// components when `path` is already absolute and normal (asked for every file of a project).
pub fn absolute(path: &Path) -> Option<PathBuf> {
    if is_lexically_absolute(path) {
        return Some(path.to_path_buf());
    }
    std::path::absolute(path).ok()
}

/// Whether [`std::path::absolute`] would return `path` unchanged, decided without parsing its
/// components (it is asked for every file): on Unix, an absolute path with no empty or `.`
/// segment and no trailing separator. Other platforms always take the general route.
fn is_lexically_absolute(path: &Path) -> bool {
    if !cfg!(unix) {
        return false;
    }
    let bytes = path.as_os_str().as_encoded_bytes();
    let Some(rest) = bytes.strip_prefix(b"/") else {
        return false;
    };
    // `//x` keeps its two slashes under POSIX rules; leave such paths to the standard library.
    !rest.is_empty()
        && rest
            .split(|&b| b == b'/')
            .all(|s| !s.is_empty() && s != b".")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_name_the_position_and_show_the_snippet() {
        let text = "[rules]\nno-leaked-timer = \"loud\"\n";
        let Err(e) = Config::parse(Path::new("leaklint.toml"), text) else {
            panic!("a bad severity must be refused");
        };
        assert_eq!(
            e.to_string(),
            "leaklint.toml:2:19: unknown severity `loud`: use \"off\", \"warn\" or \"error\""
        );
        let snippet = e.snippet(false).expect("a snippet");
        assert!(snippet.contains("╭─[leaklint.toml:2:19]"), "{snippet}");
        assert!(
            snippet.contains(" 2 │ no-leaked-timer = \"loud\""),
            "{snippet}"
        );
        assert!(snippet.contains("───"), "{snippet}");
        assert!(!snippet.contains("unknown severity"), "{snippet}");
    }

    #[test]
    fn rule_settings_in_both_forms_apply_in_registry_order() {
        let text = "min-confidence = \"high\"\n[rules]\nno-leaked-timer = \"warning\"\n\
                    no-unbounded-collection = { severity = \"off\" }\n";
        let c = Config::parse(Path::new("leaklint.toml"), text).unwrap();
        assert_eq!(
            c.options.min_confidence,
            crate::diagnostic::Confidence::High
        );
        assert_eq!(c.options.severity_of("no-unbounded-collection"), None);
        assert_eq!(
            c.options.severity_of("no-leaked-timer"),
            Some(crate::diagnostic::Severity::Warn)
        );
        let names: Vec<_> = c.options.rules.iter().map(|(r, _)| r.meta().name).collect();
        let registry: Vec<_> = rules::REGISTRY
            .iter()
            .map(|r| r.meta().name)
            .filter(|n| *n != "no-unbounded-collection")
            .collect();
        assert_eq!(names, registry);
    }

    #[test]
    fn absolute_from_agrees_with_the_standard_library() {
        let cwd = std::env::current_dir().unwrap();
        for p in [
            "a.js",
            "./a.js",
            "././src/a.js",
            ".",
            "./",
            "src//a.js",
            "src/./a.js",
            "src/../a.js",
            "../a.js",
            ".hidden/a.js",
            "/abs/a.js",
            "/abs//a.js",
            "/abs/./a.js",
            "/abs/dir/",
            "//net/a.js",
            "/",
        ] {
            let expected = std::path::absolute(cwd.join(p)).unwrap();
            assert_eq!(absolute_from(Some(&cwd), Path::new(p)), expected, "{p}");
        }
    }
}
