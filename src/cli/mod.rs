//! Command-line interface: argument parsing (clap) and dispatch to one module per subcommand.
//! Exit codes: 0 nothing at error severity, 1 findings at error severity (or more warnings than
//! `--max-warnings`), 2 usage, configuration or internal errors (including a file that could not
//! be checked: `internal-error`, `parse-timeout`).

mod capture_cmd;
mod check;
mod heap_cmd;
mod init_cmd;
mod progress;
mod rules_cmd;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

/// Exit code for a clean run.
pub const EXIT_OK: u8 = 0;
/// Exit code when findings at error severity were reported.
pub const EXIT_FINDINGS: u8 = 1;
/// Exit code for usage, configuration and internal errors.
pub const EXIT_ERROR: u8 = 2;

/// What `leaklint --version` prints after the name: the crate version and the commit it was
/// built from (`build.rs`), e.g. `0.1.0 (commit 04b6345c0a1d)`.
pub const VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (commit ",
    env!("LEAKLINT_GIT_COMMIT"),
    ")"
);

/// Prints a configuration error on stderr: `leaklint: error: FILE:LINE:COLUMN: message`, then
/// the lines of the file around it (coloured on a terminal, unless `NO_COLOR` is set).
fn print_config_error(e: &crate::config::ConfigError) {
    use std::io::IsTerminal;
    let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    eprintln!("leaklint: error: {}", e.with_snippet(color));
}

/// leaklint: find memory-leak patterns in JavaScript and TypeScript.
#[derive(Debug, Parser)]
#[command(
    name = "leaklint",
    version = VERSION,
    about,
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    check: CheckArgs,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Lint files and directories (the default command).
    Check(CheckArgs),
    /// List the rules with their default severity.
    Rules,
    /// Print a rule's document.
    Explain {
        /// The rule name, e.g. no-leaked-timer.
        rule: String,
    },
    /// Join heap snapshots (before, after[, final]) with the project's findings.
    Confirm {
        /// Snapshot taken before the load.
        before: PathBuf,
        /// Snapshot taken after the load.
        after: PathBuf,
        /// Optional third snapshot: only objects still alive in it count (memlab's mode).
        #[arg(value_name = "FINAL")]
        final_: Option<PathBuf>,
        /// The project the snapshots' scripts come from (default: the current directory).
        #[arg(long, default_value = ".")]
        project: PathBuf,
        /// Output format.
        #[arg(long, value_enum, default_value = "pretty")]
        format: heap_cmd::HeapFormat,
        /// Growth a finding (summed over all its growth groups) or an unexplained site needs
        /// to count, in bytes.
        #[arg(long, default_value_t = 16 * 1024, value_name = "BYTES")]
        min_growth: u64,
        /// Also exit 1 when the unexplained growth, summed, exceeds this many bytes.
        #[arg(long, value_name = "BYTES")]
        fail_on_unexplained: Option<u64>,
        /// Diff the snapshots even when they look like two processes' or are out of order.
        #[arg(long)]
        force: bool,
    },
    /// Run a Node.js program, take heap snapshots between runs of a load command, then confirm.
    Capture(capture_cmd::CaptureArgs),
    /// Inspect one heap snapshot.
    Heap {
        #[command(subcommand)]
        command: HeapCommand,
    },
    /// Run the language server on stdin/stdout (for editors).
    Server,
    /// Write a commented leaklint.toml and, with --hook, a git hook configuration.
    Init {
        /// The project folder (default: the current directory).
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// Also write the configuration of this git hook manager (or print it, if the project
        /// has one already).
        #[arg(long, value_enum)]
        hook: Option<init_cmd::Hook>,
        /// Replace an existing leaklint.toml.
        #[arg(long)]
        force: bool,
    },
}

#[derive(Debug, Subcommand)]
enum HeapCommand {
    /// The largest retainers of a snapshot by retained size, with their source locations.
    Summary {
        /// The `.heapsnapshot` (or `.heapsnapshot.gz`) file.
        file: PathBuf,
        /// The project, for relative source paths (default: the current directory).
        #[arg(long, default_value = ".")]
        project: PathBuf,
        /// How many entries.
        #[arg(long, default_value_t = 20)]
        top: usize,
        /// Output format.
        #[arg(long, value_enum, default_value = "pretty")]
        format: heap_cmd::SummaryFormat,
    },
}

/// Output formats of `leaklint check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Source snippets with labels (miette); the default on a terminal.
    Pretty,
    /// `path:line:col: rule message`; the default elsewhere.
    Concise,
    /// ESLint's JSON formatter shape.
    Json,
    /// SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.
    Sarif,
    /// GitHub Actions workflow-command annotations (`::error file=…::message`).
    Github,
}

/// Minimum confidence levels for `--min-confidence`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum MinConfidence {
    /// Everything.
    Low,
    /// Medium and high (the default).
    Medium,
    /// High only.
    High,
}

/// Arguments of `leaklint check`.
#[derive(Debug, Clone, clap::Args)]
pub struct CheckArgs {
    /// Files or directories to lint (default: the current directory).
    pub paths: Vec<PathBuf>,
    /// Output format (default: pretty on a terminal, concise otherwise).
    #[arg(long, value_enum)]
    pub format: Option<Format>,
    /// Report errors only, not warnings.
    #[arg(long)]
    pub quiet: bool,
    /// Exit with 1 when there are more than N warnings.
    #[arg(long, value_name = "N")]
    pub max_warnings: Option<usize>,
    /// Apply the configuration's excludes also to paths given on the command line.
    #[arg(long)]
    pub force_exclude: bool,
    /// Use this configuration file for every file instead of discovering leaklint.toml.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Lowest confidence to report (overrides the configuration's min-confidence).
    #[arg(long, value_enum)]
    pub min_confidence: Option<MinConfidence>,
    /// How many findings the pretty format draws with source snippets before listing the rest.
    #[arg(long, default_value_t = 200, value_name = "N")]
    pub max_diagnostics: usize,
    /// Write the report to this file instead of standard output.
    #[arg(long, value_name = "PATH")]
    pub output_file: Option<PathBuf>,
    /// Read the source from standard input and lint it as if it were this file.
    #[arg(long, value_name = "PATH")]
    pub stdin_filename: Option<PathBuf>,
    /// Exit with 0 instead of 2 when every path given is ignored (e.g. by `--force-exclude`).
    #[arg(long)]
    pub no_errors_on_unmatched: bool,
    /// Neither read nor write the cache of clean files (`.leaklint_cache/`).
    #[arg(long)]
    pub no_cache: bool,
    /// Give up parsing a file after this many seconds and report `parse-timeout` for it
    /// (0: no limit).
    #[arg(long, default_value_t = 60.0, value_name = "SECONDS", value_parser = parse_seconds)]
    pub file_timeout: f64,
}

impl CheckArgs {
    /// The parse budget per file, `None` for no limit (`--file-timeout 0`).
    pub fn parse_limit(&self) -> Option<std::time::Duration> {
        (self.file_timeout > 0.0).then(|| std::time::Duration::from_secs_f64(self.file_timeout))
    }
}

/// A number of seconds: finite, not negative, at most a day.
fn parse_seconds(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(v) if v.is_finite() && (0.0..=86_400.0).contains(&v) => Ok(v),
        _ => Err(format!(
            "{s:?} is not a number of seconds between 0 and 86400"
        )),
    }
}

/// Parses the process arguments and runs the command.
pub fn run() -> ExitCode {
    let cli = Cli::parse();
    let code = match cli.command {
        None => check::run(&cli.check),
        Some(Command::Check(args)) => check::run(&args),
        Some(Command::Rules) => rules_cmd::list(),
        Some(Command::Explain { rule }) => rules_cmd::explain(&rule),
        Some(Command::Server) => crate::lsp::run(),
        Some(Command::Init { dir, hook, force }) => init_cmd::run(&dir, hook, force),
        Some(Command::Confirm {
            before,
            after,
            final_,
            project,
            format,
            min_growth,
            fail_on_unexplained,
            force,
        }) => {
            let mut snaps = vec![before, after];
            snaps.extend(final_);
            let opts = heap_cmd::ConfirmOptions {
                format,
                min_bytes: min_growth,
                fail_on_unexplained,
                force,
            };
            heap_cmd::confirm(&snaps, &project, opts)
        }
        Some(Command::Capture(args)) => capture_cmd::run(args),
        Some(Command::Heap {
            command:
                HeapCommand::Summary {
                    file,
                    project,
                    top,
                    format,
                },
        }) => heap_cmd::summary(&file, &project, top, format),
    };
    ExitCode::from(code)
}
