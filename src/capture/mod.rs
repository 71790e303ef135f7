//! `leaklint capture`: runs a Node.js program with a preload that takes heap snapshots on
//! request, drives it with an optional load command between snapshots, and hands the snapshots to
//! `confirm`.
//!
//! The preload (`preload.js`, embedded in the binary) is given to Node with `--require` when the
//! command is `node …`, else through `NODE_OPTIONS` (for launchers such as `npm start`; the
//! preload stays inactive in npm's, npx's, yarn's and pnpm's own processes). It listens on a Unix
//! socket in a private temporary directory (mode 0700) and answers one line per request
//! (`snapshot NAME` → `ok PATH` | `skip REASON` | `error MESSAGE`). Before each snapshot it forces
//! two full GCs and checks the memory headroom (`v8.getHeapStatistics()` against free memory and
//! the cgroup limit): when a snapshot would not fit it skips it rather than risk the program.
//! Snapshots are created with mode 0600 in an output directory created with mode 0700: they hold
//! whatever the program had in memory, secrets included.

use std::ffi::OsString;
use std::io::{BufRead, BufReader, Write};
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

mod error;

pub use error::CaptureError;

type Result<T> = std::result::Result<T, CaptureError>;

/// The preload script given to the program.
pub const PRELOAD_JS: &str = include_str!("preload.js");

/// When snapshots are taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trigger {
    /// leaklint asks for each one: after the load command (when given) and after `interval`
    /// (when given) have run.
    Request {
        /// Pause before each snapshot.
        interval: Option<Duration>,
    },
    /// The user sends `SIGUSR2` to the program for each snapshot (leaklint prints its pid).
    Signal,
}

/// What [`capture`] runs.
#[derive(Debug, Clone)]
pub struct CaptureOptions {
    /// Number of snapshots: 2 (before, after) or 3 (before, after, final).
    pub snapshots: usize,
    /// When to take them.
    pub trigger: Trigger,
    /// A shell command (`sh -c`) run to completion before each requested snapshot — the first
    /// run warms the program up, so that lazy initialisation is not counted as growth.
    pub load: Option<String>,
    /// Directory for the snapshots (created with mode 0700 when missing).
    pub out: PathBuf,
    /// The program and its arguments (`node app.js …`, `npm start`, …).
    pub command: Vec<OsString>,
    /// How long to wait for the program's preload to answer, and for the program to exit at the
    /// end before it is killed.
    pub startup_timeout: Duration,
}

/// The snapshots written, in order, and the ones skipped with their reason.
#[derive(Debug, Clone, Default)]
pub struct Captured {
    /// Paths of the snapshots written, oldest first.
    pub snapshots: Vec<PathBuf>,
    /// One message per snapshot the preload skipped or could not write.
    pub skipped: Vec<String>,
}

fn names(n: usize) -> &'static [&'static str] {
    if n == 2 {
        &["before", "after"]
    } else {
        &["before", "after", "final"]
    }
}

/// True when `program` is the Node.js executable itself (so `--require` can be passed).
fn is_node(program: &Path) -> bool {
    matches!(
        program.file_name().and_then(|n| n.to_str()),
        Some("node" | "node.exe" | "nodejs")
    )
}

/// Runs the program under the preload, takes `opts.snapshots` snapshots and stops the program.
/// Messages for the user (progress, the program's pid in signal mode, skipped snapshots) go to
/// stderr, and so does the program's own stdout, so that stdout stays the report's.
///
/// # Errors
/// A [`CaptureError`]: the output directory cannot be created, the program cannot be started,
/// exits early or never loads the preload, the load command fails, or the socket breaks. The
/// program is stopped in every case.
pub fn capture(opts: &CaptureOptions) -> std::result::Result<Captured, CaptureError> {
    let Some(program) = opts.command.first() else {
        return Err(CaptureError::NoCommand);
    };
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(&opts.out)
        .map_err(|source| CaptureError::CreateOut {
            path: opts.out.clone(),
            source,
        })?;
    let out = std::path::absolute(&opts.out).unwrap_or_else(|_| opts.out.clone());
    let private = tempfile::Builder::new()
        .prefix("leaklint-capture-")
        .tempdir()
        .map_err(|source| CaptureError::TempDir { source })?;
    let preload = private.path().join("preload.js");
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(&preload)
        .and_then(|mut f| f.write_all(PRELOAD_JS.as_bytes()))
        .map_err(|source| CaptureError::WritePreload {
            path: preload.clone(),
            source,
        })?;
    let socket = private.path().join("control.sock");

    let mut cmd = Command::new(program);
    if is_node(Path::new(program)) {
        cmd.arg("--require").arg(&preload);
    } else {
        let mut node_options = std::env::var_os("NODE_OPTIONS").unwrap_or_default();
        if !node_options.is_empty() {
            node_options.push(" ");
        }
        node_options.push(format!("--require \"{}\"", preload.display()));
        cmd.env("NODE_OPTIONS", node_options);
    }
    cmd.args(&opts.command[1..])
        .env("LEAKLINT_CAPTURE_SOCKET", &socket)
        .env("LEAKLINT_CAPTURE_DIR", &out)
        .stdout(stderr_stdio());
    let child = cmd.spawn().map_err(|source| CaptureError::Start {
        program: PathBuf::from(program),
        source,
    })?;
    let mut running = Running {
        child,
        stream: None,
    };
    let result = running.drive(opts, &socket);
    running.stop(opts.startup_timeout);
    result
}

/// The program's stdout goes to our stderr (stdout is the report's).
fn stderr_stdio() -> Stdio {
    use std::os::fd::AsFd;
    std::io::stderr()
        .as_fd()
        .try_clone_to_owned()
        .map(Stdio::from)
        .unwrap_or_else(|_| Stdio::inherit())
}

struct Running {
    child: Child,
    stream: Option<BufReader<UnixStream>>,
}

impl Running {
    fn drive(&mut self, opts: &CaptureOptions, socket: &Path) -> Result<Captured> {
        let Running { child, stream } = self;
        let (pid, stream) = connect(child, stream, socket, opts.startup_timeout)?;
        let mut captured = Captured::default();
        for (k, name) in names(opts.snapshots).iter().enumerate() {
            let reply = match opts.trigger {
                Trigger::Signal => {
                    eprintln!(
                        "leaklint: send SIGUSR2 to process {pid} for snapshot {} of {} ({name}): kill -USR2 {pid}",
                        k + 1,
                        opts.snapshots
                    );
                    read_line(stream, child)?
                }
                Trigger::Request { interval } => {
                    if let Some(load) = &opts.load {
                        run_load(load)?;
                    }
                    if let Some(d) = interval {
                        std::thread::sleep(d);
                    }
                    request(stream, child, &format!("snapshot {name}"))?
                }
            };
            match reply.split_once(' ') {
                Some(("ok", path)) => {
                    eprintln!("leaklint: snapshot {} of {}: {path}", k + 1, opts.snapshots);
                    captured.snapshots.push(PathBuf::from(path));
                }
                Some(("skip", why)) => {
                    eprintln!("leaklint: warning: snapshot {name} skipped: {why}");
                    captured.skipped.push(why.to_string());
                }
                _ => {
                    let why = reply.strip_prefix("error ").unwrap_or(&reply).to_string();
                    eprintln!("leaklint: warning: snapshot {name} failed: {why}");
                    captured.skipped.push(why);
                }
            }
        }
        Ok(captured)
    }

    /// Asks the program to exit, waits up to `grace`, then kills it.
    fn stop(&mut self, grace: Duration) {
        if let Some(s) = self.stream.as_mut() {
            let _ = s.get_mut().write_all(b"exit\n");
        }
        let start = Instant::now();
        while start.elapsed() < grace {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Waits for the preload's socket and its `hello PID`; keeps the connection in `slot` (so that
/// [`Running::stop`] can ask the program to exit) and returns the pid with the connection.
fn connect<'a>(
    child: &mut Child,
    slot: &'a mut Option<BufReader<UnixStream>>,
    socket: &Path,
    timeout: Duration,
) -> Result<(u32, &'a mut BufReader<UnixStream>)> {
    let start = Instant::now();
    loop {
        if let Some(status) = try_wait(child)? {
            return Err(CaptureError::ExitedBeforePreload { status });
        }
        if let Ok(s) = UnixStream::connect(socket) {
            let stream = slot.insert(BufReader::new(s));
            let hello = read_line(stream, child)?;
            return match hello
                .strip_prefix("hello ")
                .and_then(|p| p.trim().parse().ok())
            {
                Some(pid) => Ok((pid, stream)),
                None => Err(CaptureError::BadGreeting { greeting: hello }),
            };
        }
        if start.elapsed() > timeout {
            return Err(CaptureError::PreloadTimeout { timeout });
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Sends one request line to the preload and returns its answer.
fn request(stream: &mut BufReader<UnixStream>, child: &mut Child, line: &str) -> Result<String> {
    stream
        .get_mut()
        .write_all(format!("{line}\n").as_bytes())
        .map_err(|source| CaptureError::WriteSocket { source })?;
    read_line(stream, child)
}

/// One line from the preload; checks every second that the program still runs.
fn read_line(stream: &mut BufReader<UnixStream>, child: &mut Child) -> Result<String> {
    stream
        .get_ref()
        .set_read_timeout(Some(Duration::from_secs(1)))
        .map_err(|source| CaptureError::ReadSocket { source })?;
    let mut line = String::new();
    loop {
        match stream.read_line(&mut line) {
            Ok(0) => return Err(CaptureError::SocketClosed),
            Ok(_) if line.ends_with('\n') => return Ok(line.trim_end().to_string()),
            Ok(_) => {}
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) =>
            {
                if let Some(status) = try_wait(child)? {
                    return Err(CaptureError::ExitedWhileWaiting { status });
                }
            }
            Err(source) => return Err(CaptureError::ReadSocket { source }),
        }
    }
}

/// The program's exit status when it has exited.
fn try_wait(child: &mut Child) -> Result<Option<ExitStatus>> {
    child
        .try_wait()
        .map_err(|source| CaptureError::Wait { source })
}

/// Runs the load command with `sh -c`, its stdout on our stderr.
fn run_load(load: &str) -> Result<()> {
    let st = Command::new("sh")
        .arg("-c")
        .arg(load)
        .stdout(stderr_stdio())
        .status()
        .map_err(|source| CaptureError::LoadStart {
            command: load.to_string(),
            source,
        })?;
    if !st.success() {
        return Err(CaptureError::LoadFailed {
            command: load.to_string(),
            status: st,
        });
    }
    Ok(())
}
