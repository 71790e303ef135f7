//! Parsing a `.heapsnapshot` file: opens it ([`super::input`]), scans its JSON
//! ([`super::json`]) and decodes the V8 layout ([`super::decode`]), turning a
//! scan error into a [`HeapError`] that names the file.

use std::path::Path;

use super::decode::{decode, Parsed};
use super::input::{self, LoadProgress};
use super::json::Scanner;
use super::HeapError;

/// Opens `path` (plain or gzip, detected by magic bytes) and decodes it; `progress` (if any)
/// follows the reading.
///
/// # Errors
/// [`HeapError::Io`] when the file cannot be opened; [`HeapError::Format`] (with the offset in
/// the decoded stream) for unreadable, malformed, truncated or inconsistent content.
pub(super) fn parse_file(
    path: &Path,
    progress: Option<&dyn LoadProgress>,
) -> Result<Parsed, HeapError> {
    let input = input::open(path, progress)?;
    let gz = input.gz;
    let mut scanner = Scanner::new(input.chunks);
    let res = decode(&mut scanner, input.input_bytes).map_err(|e| HeapError::Format {
        path: path.to_path_buf(),
        offset: e.offset,
        msg: e.msg,
        decompressed: gz,
    });
    if let Some(p) = progress {
        p.finish();
    }
    res
}
