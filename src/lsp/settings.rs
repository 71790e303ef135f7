//! Editor settings (from `initializationOptions` and `workspace/didChangeConfiguration`) and how
//! they combine with the nearest `leaklint.toml`.
//!
//! The settings object, as the VS Code extension sends it (every key optional):
//!
//! ```json
//! { "enable": true,
//!   "minConfidence": "medium",
//!   "rules": { "no-leaked-timer": "warn", "no-unbounded-collection": "off" } }
//! ```
//!
//! `didChangeConfiguration` may wrap it as `{ "leaklint": { … } }`; both shapes are accepted.
//! Editor settings win over the file: they are the user's choice for this editor session.

use std::path::Path;
use std::sync::Arc;

use serde::Deserialize;
use serde_json::Value;

use crate::config::schema::{ConfidenceSetting, RuleName, RuleSetting};
use crate::config::{Config, ConfigError, ConfigResolver};
use crate::diagnostic::{Confidence, Severity};
use crate::linter::LintOptions;
use crate::rules;

/// Settings sent by the editor.
#[derive(Debug, Clone, PartialEq)]
pub struct EditorSettings {
    /// When false the server reports nothing (and clears what it reported).
    pub enable: bool,
    /// Per-rule overrides: `None` switches the rule off.
    pub rules: Vec<(String, Option<Severity>)>,
    /// Overrides the file's `min-confidence`.
    pub min_confidence: Option<Confidence>,
}

impl Default for EditorSettings {
    fn default() -> EditorSettings {
        EditorSettings {
            enable: true,
            rules: Vec::new(),
            min_confidence: None,
        }
    }
}

impl EditorSettings {
    /// Reads settings from a JSON value; unknown keys, unknown rules and bad values are skipped
    /// (an editor setting must never stop the server), and each unknown confidence or rule is
    /// described in the returned warnings. Values are read by the configuration file's own types
    /// ([`crate::config::schema`]); a rule set to anything else (the VS Code setting's
    /// `"default"`) is left to the file.
    pub fn from_json(value: &Value) -> (EditorSettings, Vec<String>) {
        let value = value.get("leaklint").unwrap_or(value);
        let mut s = EditorSettings::default();
        let mut warnings = Vec::new();
        if let Some(e) = value.get("enable").and_then(Value::as_bool) {
            s.enable = e;
        }
        if let Some(c) = value.get("minConfidence") {
            match ConfidenceSetting::deserialize(c) {
                Ok(ConfidenceSetting(c)) => s.min_confidence = Some(c),
                Err(_) => {
                    if let Some(other) = c.as_str() {
                        warnings.push(format!("unknown minConfidence `{other}`"));
                    }
                }
            }
        }
        if let Some(map) = value.get("rules").and_then(Value::as_object) {
            for (name, setting) in map {
                let Ok(RuleName(rule)) = RuleName::deserialize(Value::from(name.as_str())) else {
                    warnings.push(format!("unknown rule `{name}` in settings"));
                    continue;
                };
                if let Ok(setting) = RuleSetting::deserialize(setting) {
                    s.rules
                        .push((rule.meta().name.to_string(), setting.level.severity()));
                }
            }
        }
        (s, warnings)
    }

    /// The options for a file governed by `config`: the file's rules and minimum confidence with
    /// the editor's overrides applied.
    pub fn apply(&self, config: &Config) -> LintOptions {
        let mut options = config.options.clone();
        if let Some(c) = self.min_confidence {
            options.min_confidence = c;
        }
        for (name, sev) in &self.rules {
            options.rules.retain(|(r, _)| r.meta().name != name);
            if let (Some(sev), Some(rule)) = (sev, rules::find(name)) {
                options.rules.push((rule, *sev));
            }
        }
        options
    }
}

/// The configuration files seen by the server. Cheap to query (one lookup per directory is
/// cached); [`ConfigFiles::reload`] forgets everything when a `leaklint.toml` changes on disk.
pub struct ConfigFiles {
    resolver: Arc<ConfigResolver>,
    root: std::path::PathBuf,
}

impl ConfigFiles {
    /// Discovery with files without a `leaklint.toml` above them using the defaults at `root`.
    pub fn new(root: &Path) -> ConfigFiles {
        ConfigFiles {
            resolver: Arc::new(ConfigResolver::new(None, root)),
            root: root.to_path_buf(),
        }
    }

    /// The configuration governing `path`.
    pub fn for_file(&self, path: &Path) -> Arc<Config> {
        self.resolver.for_file(path)
    }

    /// The resolver behind these lookups, to share with a background thread (the project index).
    pub fn resolver(&self) -> Arc<ConfigResolver> {
        Arc::clone(&self.resolver)
    }

    /// Drops every cached lookup, so the next query reads the files again.
    pub fn reload(&mut self) {
        self.resolver = Arc::new(ConfigResolver::new(None, &self.root));
    }

    /// The configuration errors found since the last call (each file once per reload).
    pub fn take_errors(&self) -> Vec<ConfigError> {
        self.resolver.take_errors()
    }
}

/// Whether `path` names a configuration file (`leaklint.toml` or `.leaklint.toml`).
pub fn is_config_file(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| crate::config::CONFIG_NAMES.contains(&n))
}
