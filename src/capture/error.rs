//! [`CaptureError`]: why [`super::capture`] could not take its snapshots.

use std::path::PathBuf;
use std::process::ExitStatus;
use std::time::Duration;

/// Why [`super::capture`] stopped. Each message is a sentence for the user; the underlying
/// error, when there is one, is the [`source`](std::error::Error::source) (print the chain, as
/// `anyhow`'s `{:#}` does, to show it). The program has been stopped in every case.
#[derive(Debug, thiserror::Error)]
pub enum CaptureError {
    /// [`super::CaptureOptions::command`] was empty.
    #[error("no command given: leaklint capture [OPTIONS] -- node app.js")]
    NoCommand,

    /// The snapshot directory ([`super::CaptureOptions::out`]) could not be created.
    #[error("cannot create {}", path.display())]
    CreateOut {
        /// The directory.
        path: PathBuf,
        /// Why not.
        #[source]
        source: std::io::Error,
    },

    /// The private temporary directory for the preload script and the control socket could not
    /// be created.
    #[error("cannot create a temporary directory")]
    TempDir {
        /// Why not.
        #[source]
        source: std::io::Error,
    },

    /// The preload script could not be written into the private temporary directory.
    #[error("cannot write the preload script {}", path.display())]
    WritePreload {
        /// Where it was to be written.
        path: PathBuf,
        /// Why not.
        #[source]
        source: std::io::Error,
    },

    /// The program (the first word of the command) could not be started.
    #[error("cannot start {}", program.display())]
    Start {
        /// The program, as given.
        program: PathBuf,
        /// Why not (not found, not executable, …).
        #[source]
        source: std::io::Error,
    },

    /// The program exited before its preload opened the control socket: it is not a Node.js
    /// program, it does not keep running, or it failed at startup.
    #[error("the program exited ({status}) before leaklint's preload answered: is it a Node.js program, and does it keep running?")]
    ExitedBeforePreload {
        /// How it exited.
        status: ExitStatus,
    },

    /// The program kept running but did not load the preload within the startup timeout (for
    /// instance a launcher that does not pass `NODE_OPTIONS` on to Node).
    #[error("the program did not load leaklint's preload within {} s (is it a Node.js program? launchers other than `node` need to pass NODE_OPTIONS on)", timeout.as_secs())]
    PreloadTimeout {
        /// The startup timeout ([`super::CaptureOptions::startup_timeout`]).
        timeout: Duration,
    },

    /// Something answered on the control socket, but not with the preload's `hello PID`.
    #[error("unexpected greeting from the preload: {greeting}")]
    BadGreeting {
        /// The line received.
        greeting: String,
    },

    /// Whether the program is still running could not be checked (`waitpid` failed).
    #[error("cannot check whether the program is still running")]
    Wait {
        /// Why not.
        #[source]
        source: std::io::Error,
    },

    /// A request could not be written to the control socket: the program closed it.
    #[error("the program closed leaklint's control socket")]
    WriteSocket {
        /// The write error.
        #[source]
        source: std::io::Error,
    },

    /// The control socket could not be read (or set up for reading) for a reason other than the
    /// program closing it.
    #[error("reading leaklint's control socket")]
    ReadSocket {
        /// The read error.
        #[source]
        source: std::io::Error,
    },

    /// The control socket reached end-of-file while leaklint waited for an answer.
    #[error("the program closed leaklint's control socket (did it exit?)")]
    SocketClosed,

    /// The program exited while leaklint waited for the preload's answer to a snapshot request
    /// (or, in signal mode, for the next snapshot).
    #[error("the program exited ({status}) while leaklint waited for a snapshot")]
    ExitedWhileWaiting {
        /// How it exited.
        status: ExitStatus,
    },

    /// The load command ([`super::CaptureOptions::load`]) could not be started with `sh -c`.
    #[error("cannot run the load command `{command}`")]
    LoadStart {
        /// The load command.
        command: String,
        /// Why not.
        #[source]
        source: std::io::Error,
    },

    /// The load command ran but exited unsuccessfully.
    #[error("the load command `{command}` failed ({status})")]
    LoadFailed {
        /// The load command.
        command: String,
        /// How it exited.
        status: ExitStatus,
    },
}
