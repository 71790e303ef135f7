//! Reading a snapshot file: gzip detection by magic bytes, a reader thread that hands over whole
//! chunks (so I/O and inflation overlap with scanning), progress reports, and the
//! `LEAKLINT_HEAP_TRACE` phase timings on stderr.

use std::fs::File;
use std::io::{self, Read};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::sync::Arc;

use super::HeapError;

/// Largest chunk handed from the reader thread to the scanner.
const CHUNK: usize = 4 << 20;

/// Observer of a snapshot's reading, for a progress display (see [`super::load_with_progress`]).
/// Its methods are called on the loading thread.
pub trait LoadProgress {
    /// Reading of `path` starts; `total_bytes` is the file's size (compressed size for gzip).
    fn start(&self, path: &Path, total_bytes: u64);
    /// `bytes` of the file have been read so far (compressed bytes for gzip), after each chunk.
    fn read(&self, bytes: u64);
    /// Reading ended, successfully or not.
    fn finish(&self);
}

/// Whether `LEAKLINT_HEAP_TRACE` asks for per-phase timings on stderr (a developer aid).
pub(super) fn tracing() -> bool {
    std::env::var_os("LEAKLINT_HEAP_TRACE").is_some()
}

/// An opened snapshot file: its chunks and what the decoder needs to know about it.
pub(super) struct Input<'a> {
    /// The decoded (decompressed) bytes, chunk by chunk.
    pub chunks: Chunks<'a>,
    /// True when the file is gzip-compressed.
    pub gz: bool,
    /// An upper bound of the decoded size in bytes, which bounds what the decoder reserves.
    pub input_bytes: u64,
}

/// Opens `path` (plain or gzip, detected by magic bytes) and starts its reader thread.
/// `progress` (if any) is told the file's size, then the bytes read after each chunk.
///
/// # Errors
/// [`HeapError::Io`] (offset 0) when the file cannot be opened or its first bytes read.
pub(super) fn open<'a>(
    path: &Path,
    progress: Option<&'a dyn LoadProgress>,
) -> Result<Input<'a>, HeapError> {
    let io_error = |source| HeapError::Io {
        path: path.to_path_buf(),
        offset: 0,
        source,
    };
    let file = File::open(path).map_err(io_error)?;
    let total = file.metadata().map(|m| m.len()).unwrap_or(0);
    let count = Arc::new(AtomicU64::new(0));
    let mut counting = Counting {
        inner: file,
        count: count.clone(),
    };
    let mut magic = [0u8; 2];
    let mut got = 0;
    while got < 2 {
        match counting.read(&mut magic[got..]) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(io_error(e)),
        }
    }
    let head = io::Cursor::new(magic[..got].to_vec());
    let gz = got == 2 && magic == [0x1f, 0x8b];
    let reader: Box<dyn Read + Send> = if gz {
        Box::new(flate2::read::MultiGzDecoder::new(
            io::BufReader::with_capacity(1 << 20, head.chain(counting)),
        ))
    } else {
        Box::new(head.chain(counting))
    };
    // Small files get small buffers (tests load hundreds of tiny snapshots).
    let chunk = if gz {
        CHUNK
    } else {
        (total as usize + 1).clamp(64 << 10, CHUNK)
    };
    if let Some(p) = progress {
        p.start(path, total);
    }
    let chunks = Chunks::spawn(reader, chunk, gz, count, progress);
    // A gzip file decodes to more than its size: heap snapshots compress about tenfold, and 16×
    // keeps reservations within a small multiple of what a real snapshot needs.
    let input_bytes = if gz { total.saturating_mul(16) } else { total };
    Ok(Input {
        chunks,
        gz,
        input_bytes,
    })
}

/// Counts bytes read from the underlying file (for progress reports; for `.gz` input these are
/// compressed bytes).
struct Counting<R> {
    inner: R,
    count: Arc<AtomicU64>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// Reads (and decompresses) on a background thread and hands over whole buffers (no copy; used
/// buffers go back for reuse).
pub(super) struct Chunks<'a> {
    rx: Receiver<io::Result<Vec<u8>>>,
    back: SyncSender<Vec<u8>>,
    gz: bool,
    /// Bytes read from the file so far.
    count: Arc<AtomicU64>,
    progress: Option<&'a dyn LoadProgress>,
}

impl<'a> Chunks<'a> {
    fn spawn(
        mut r: Box<dyn Read + Send>,
        chunk: usize,
        gz: bool,
        count: Arc<AtomicU64>,
        progress: Option<&'a dyn LoadProgress>,
    ) -> Chunks<'a> {
        let (tx, rx) = sync_channel::<io::Result<Vec<u8>>>(2);
        let (back, back_rx) = sync_channel::<Vec<u8>>(4);
        std::thread::spawn(move || loop {
            let mut v = back_rx.try_recv().unwrap_or_default();
            v.resize(chunk, 0);
            let mut len = 0;
            let res = loop {
                if len == v.len() {
                    break Ok(());
                }
                match r.read(&mut v[len..]) {
                    Ok(0) => break Ok(()),
                    Ok(n) => len += n,
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                    Err(e) => break Err(e),
                }
            };
            v.truncate(len);
            if !v.is_empty() && tx.send(Ok(v)).is_err() {
                return; // parser gave up
            }
            if let Err(e) = res {
                let _ = tx.send(Err(e));
                return;
            }
            if len < chunk {
                return; // end of input: dropping tx ends the stream
            }
        });
        Chunks {
            rx,
            back,
            gz,
            count,
            progress,
        }
    }

    /// The next chunk (never empty), handing `used` back for reuse; `Ok(None)` at the end of the
    /// input.
    ///
    /// # Errors
    /// The message of a read or decompression error.
    pub(super) fn next(&mut self, used: Vec<u8>) -> Result<Option<Vec<u8>>, String> {
        let got = match self.rx.recv() {
            Ok(Ok(v)) => {
                let _ = self.back.try_send(used);
                Some(v)
            }
            Ok(Err(e)) => {
                let what = if self.gz {
                    "read/decompress error"
                } else {
                    "read error"
                };
                return Err(format!("{what}: {e}"));
            }
            Err(_) => None,
        };
        if let Some(p) = self.progress {
            p.read(self.count.load(Ordering::Relaxed));
        }
        Ok(got)
    }
}
