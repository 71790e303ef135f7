//! `leaklint init`: writes a commented `leaklint.toml` (every key and every rule, commented out at
//! its default) and, with `--hook`, the snippet that runs leaklint before each commit with
//! pre-commit, lefthook or lint-staged.

use std::path::Path;

use clap::ValueEnum;

use super::{EXIT_ERROR, EXIT_OK};
use crate::rules::REGISTRY;

/// The git hook managers `leaklint init --hook` writes a snippet for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Hook {
    /// `.pre-commit-config.yaml` with the `leaklint-npm` hook (needs only Node).
    PreCommit,
    /// `lefthook.yml` with a pre-commit command over the staged files.
    Lefthook,
    /// `.lintstagedrc.json` (lint-staged appends the staged files).
    LintStaged,
}

/// The staged files leaklint lints, as a glob both lefthook and lint-staged (micromatch) read.
const GLOB: &str = "*.{js,jsx,ts,tsx,mjs,cjs,mts,cts}";

/// The flags every hook passes: excludes apply to the listed files, and a commit that touches
/// only excluded files is not an error.
const HOOK_FLAGS: &str = "--force-exclude --no-errors-on-unmatched";

impl Hook {
    /// The file this hook manager reads, relative to the project root.
    pub fn file_name(self) -> &'static str {
        match self {
            Hook::PreCommit => ".pre-commit-config.yaml",
            Hook::Lefthook => "lefthook.yml",
            Hook::LintStaged => ".lintstagedrc.json",
        }
    }

    /// The configuration that runs leaklint at this crate's version, as a complete file.
    pub fn snippet(self) -> String {
        let version = env!("CARGO_PKG_VERSION");
        match self {
            Hook::PreCommit => format!(
                "repos:\n  - repo: https://github.com/leaklint/leaklint\n    rev: v{version}\n    hooks:\n      - id: leaklint-npm\n"
            ),
            Hook::Lefthook => format!(
                "pre-commit:\n  commands:\n    leaklint:\n      glob: \"{GLOB}\"\n      run: npx leaklint check {HOOK_FLAGS} {{staged_files}}\n"
            ),
            Hook::LintStaged => {
                format!("{{\n  \"{GLOB}\": \"leaklint check {HOOK_FLAGS}\"\n}}\n")
            }
        }
    }
}

/// The commented `leaklint.toml`: every key at its default, commented out, and one line per rule
/// of the registry with its default severity and summary. Parses as an empty configuration.
pub fn config_template() -> String {
    let mut s = String::from(
        "# leaklint configuration (https://github.com/leaklint/leaklint#configuration).\n\
         # leaklint uses the nearest leaklint.toml above each file it lints. Everything below is\n\
         # commented out at its default; uncomment what you change.\n\
         \n\
         # Lowest confidence to report: low | medium | high.\n\
         # min-confidence = \"medium\"\n\
         \n\
         # Globs relative to this file. Default: every JavaScript and TypeScript file.\n\
         # include = [\"src/**\"]\n\
         # exclude = [\"dist/**\", \"**/*.test.ts\"]\n\
         \n\
         [rules]\n\
         # Severity of each rule: off | warn | error (default shown). `leaklint explain <rule>`\n\
         # prints a rule's document.\n",
    );
    let width = REGISTRY
        .iter()
        .map(|r| r.meta().name.len())
        .max()
        .unwrap_or(0);
    for rule in REGISTRY {
        let m = rule.meta();
        let value = format!("\"{}\"", m.default_severity.as_str());
        s.push_str(&format!(
            "# {:width$} = {value:7}  # {}\n",
            m.name, m.summary
        ));
    }
    s
}

/// Writes `leaklint.toml` into `dir` (refusing to replace an existing configuration unless
/// `force`), then, for `hook`, its file when the project has none; an existing hook file is left
/// alone and the snippet printed for the user to merge. Returns the exit code: 0, or 2 when a
/// file exists or cannot be written (the message names it).
pub fn run(dir: &Path, hook: Option<Hook>, force: bool) -> u8 {
    let config = dir.join("leaklint.toml");
    if !force {
        if let Some(existing) = crate::config::CONFIG_NAMES
            .iter()
            .map(|name| dir.join(name))
            .find(|p| p.exists())
        {
            eprintln!(
                "leaklint: error: {} exists; pass --force to replace it",
                existing.display()
            );
            return EXIT_ERROR;
        }
    }
    if let Err(e) = std::fs::write(&config, config_template()) {
        eprintln!("leaklint: error: cannot write {}: {e}", config.display());
        return EXIT_ERROR;
    }
    println!("wrote {}", config.display());
    let Some(hook) = hook else {
        return EXIT_OK;
    };
    let file = dir.join(hook.file_name());
    if file.exists() {
        println!(
            "{} exists; add this to it:\n\n{}",
            file.display(),
            hook.snippet()
        );
        return EXIT_OK;
    }
    if let Err(e) = std::fs::write(&file, hook.snippet()) {
        eprintln!("leaklint: error: cannot write {}: {e}", file.display());
        return EXIT_ERROR;
    }
    println!("wrote {}", file.display());
    EXIT_OK
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_template_parses_and_names_every_rule() {
        let text = config_template();
        let config = crate::config::Config::parse(Path::new("leaklint.toml"), &text).unwrap();
        assert_eq!(
            config.options.min_confidence,
            crate::config::Config::parse(Path::new("leaklint.toml"), "")
                .unwrap()
                .options
                .min_confidence
        );
        for rule in REGISTRY {
            let name = rule.meta().name;
            // Each rule line, uncommented, is a valid setting.
            let line = text
                .lines()
                .find(|l| l.starts_with(&format!("# {name} ")))
                .unwrap_or_else(|| panic!("{name} missing:\n{text}"));
            let setting = line.trim_start_matches("# ").split("  #").next().unwrap();
            crate::config::Config::parse(
                Path::new("leaklint.toml"),
                &format!("[rules]\n{setting}\n"),
            )
            .unwrap_or_else(|e| panic!("{setting}: {e}"));
        }
    }

    #[test]
    fn the_lint_staged_snippet_is_json() {
        let v: serde_json::Value = serde_json::from_str(&Hook::LintStaged.snippet()).unwrap();
        assert!(v[GLOB].as_str().unwrap().starts_with("leaklint check"));
    }
}
