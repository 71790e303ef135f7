//! Reading the project files a snapshot points at (scripts and their source maps). Their names
//! come from the snapshot and from `sourceMappingURL` comments, so they may name anything: a FIFO
//! (opening it blocks until someone writes), `/dev/zero` (never ends), a directory. Only regular
//! files up to [`MAX_FILE`] bytes are read; anything else counts as missing.

use std::io::Read;
use std::path::Path;

/// The largest script or source map read, in bytes (64 MiB: far above any real bundle's map).
pub const MAX_FILE: u64 = 64 << 20;

/// The text of `path` when it is a regular file (after symlinks) of at most `max` bytes that
/// holds UTF-8; `None` otherwise, without opening anything that is not a regular file.
pub fn read_regular(path: &Path, max: u64) -> Option<String> {
    let meta = std::fs::metadata(path).ok()?;
    if !meta.is_file() || meta.len() > max {
        return None;
    }
    let file = std::fs::File::open(path).ok()?;
    // The file may have grown or been swapped since the check: never read past the cap.
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(max + 1).read_to_end(&mut bytes).ok()?;
    if bytes.len() as u64 > max {
        return None;
    }
    String::from_utf8(bytes).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_small_regular_files_are_read() {
        let d = tempfile::tempdir().unwrap();
        let f = d.path().join("a.js.map");
        std::fs::write(&f, "{}").unwrap();
        assert_eq!(read_regular(&f, 10).as_deref(), Some("{}"));
        assert_eq!(read_regular(&f, 1), None);
        assert_eq!(read_regular(d.path(), MAX_FILE), None);
        assert_eq!(read_regular(Path::new("/dev/zero"), MAX_FILE), None);
        assert_eq!(read_regular(&d.path().join("missing"), MAX_FILE), None);
    }
}
