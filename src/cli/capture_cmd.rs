//! `leaklint capture [OPTIONS] -- COMMAND…`: snapshots of a running program, then `confirm`.

use std::ffi::OsString;
use std::path::PathBuf;
use std::time::Duration;

use super::heap_cmd::HeapFormat;
use super::EXIT_ERROR;

/// Arguments of `leaklint capture`.
#[derive(Debug, Clone, clap::Args)]
pub struct CaptureArgs {
    /// Number of snapshots: 3 (before, after, final: only objects that survive the last load
    /// count) or 2 (before, after: weaker evidence).
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u8).range(2..=3))]
    pub snapshots: u8,
    /// Pause before each snapshot (after the load command, if any), e.g. `30s`, `2m`.
    #[arg(long, value_name = "DURATION", value_parser = humantime::parse_duration, conflicts_with = "signal")]
    pub interval: Option<Duration>,
    /// Take a snapshot each time the program gets SIGUSR2 (leaklint prints its pid) instead of
    /// asking for them.
    #[arg(long)]
    pub signal: bool,
    /// Shell command run to completion before each snapshot (the first run warms the program
    /// up), e.g. `npx autocannon -d 10 http://localhost:3000/` or `node load.js`.
    #[arg(long, value_name = "CMD", conflicts_with = "signal")]
    pub load: Option<String>,
    /// Directory for the snapshots (default: a new `leaklint-snapshots-*` directory in the
    /// system's temporary directory). Created with mode 0700, snapshots with mode 0600: they hold
    /// the program's memory, secrets included.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// The project the program's scripts come from (default: the current directory).
    #[arg(long, default_value = ".")]
    pub project: PathBuf,
    /// Output format of the report.
    #[arg(long, value_enum, default_value = "pretty")]
    pub format: HeapFormat,
    /// Growth a finding (summed over all its growth groups) or an unexplained site needs to
    /// count, in bytes.
    #[arg(long, default_value_t = 16 * 1024, value_name = "BYTES")]
    pub min_growth: u64,
    /// Also exit 1 when the unexplained growth, summed, exceeds this many bytes.
    #[arg(long, value_name = "BYTES")]
    pub fail_on_unexplained: Option<u64>,
    /// How long to wait for the program to start (and to exit at the end), e.g. `30s`.
    #[arg(long, value_name = "DURATION", default_value = "30s", value_parser = humantime::parse_duration)]
    pub startup_timeout: Duration,
    /// The program to run, after `--`: `node app.js`, `npm start`, …
    #[arg(last = true, required = true, value_name = "COMMAND")]
    pub command: Vec<OsString>,
}

#[cfg_attr(not(unix), allow(dead_code))]
fn default_out() -> PathBuf {
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    std::env::temp_dir().join(format!("leaklint-snapshots-{stamp}-{}", std::process::id()))
}

/// `capture` talks to the preload over a Unix socket: on other systems it only says so.
#[cfg(not(unix))]
pub fn run(_args: CaptureArgs) -> u8 {
    eprintln!("leaklint: error: capture needs a Unix system (it talks to the program over a Unix socket); take snapshots with v8.writeHeapSnapshot() and run `leaklint confirm`");
    EXIT_ERROR
}

/// Runs `capture`, then `confirm` on what it wrote. Exit codes as `confirm`'s; 2 when the program
/// cannot be run or fewer than two snapshots were written.
#[cfg(unix)]
pub fn run(args: CaptureArgs) -> u8 {
    use super::heap_cmd::{self, ConfirmOptions};
    use crate::capture::{self, CaptureOptions, Trigger};

    let out = args.out.clone().unwrap_or_else(default_out);
    let opts = CaptureOptions {
        snapshots: args.snapshots as usize,
        trigger: if args.signal {
            Trigger::Signal
        } else {
            Trigger::Request {
                interval: args.interval,
            }
        },
        load: args.load.clone(),
        out: out.clone(),
        command: args.command.clone(),
        startup_timeout: args.startup_timeout,
    };
    let captured = match capture::capture(&opts) {
        Ok(c) => c,
        Err(e) => {
            // The error's chain (`cannot start X: No such file or directory`), as anyhow prints it.
            eprintln!("leaklint: error: capture: {:#}", anyhow::Error::new(e));
            return EXIT_ERROR;
        }
    };
    if captured.snapshots.len() < 2 {
        eprintln!(
            "leaklint: error: capture: {} of {} snapshots written to {}, at least 2 are needed",
            captured.snapshots.len(),
            args.snapshots,
            out.display()
        );
        return EXIT_ERROR;
    }
    eprintln!(
        "leaklint: {} snapshots in {} (mode 0600; they contain the program's memory, secrets included: delete them when done)",
        captured.snapshots.len(),
        out.display()
    );
    heap_cmd::confirm(
        &captured.snapshots,
        &args.project,
        ConfirmOptions {
            format: args.format,
            min_bytes: args.min_growth,
            fail_on_unexplained: args.fail_on_unexplained,
            force: false,
        },
    )
}
