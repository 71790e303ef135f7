// Shared by `build.rs` (through `include!`, hence no inner doc comments here) and the library's
// tests: the hash that identifies one build of leaklint's lint code.

/// The folders and files of the crate whose contents decide what a lint finds: the code (parser
/// set-up, model, rules), the rule documents compiled into it, and the locked dependency versions
/// (a new swc parses differently).
pub const BUILD_INPUTS: [&str; 4] = ["src", "rules", "Cargo.toml", "Cargo.lock"];

/// A 64-bit FNV-1a hash over every file below `root`'s [`BUILD_INPUTS`], in path order, each as
/// its relative path, its length and its bytes; 16 lowercase hex digits. Missing inputs are
/// skipped. FNV-1a (Fowler, Noll, Vo; <http://www.isthe.com/chongo/tech/comp/fnv/>) because
/// `build.rs` has no dependencies and this is no security boundary.
///
/// # Errors
/// I/O errors reading a file or a folder.
pub fn tree_hash(root: &std::path::Path) -> std::io::Result<String> {
    fn collect(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) -> std::io::Result<()> {
        if dir.is_file() {
            out.push(dir.to_path_buf());
            return Ok(());
        }
        if !dir.is_dir() {
            return Ok(());
        }
        for entry in std::fs::read_dir(dir)? {
            collect(&entry?.path(), out)?;
        }
        Ok(())
    }
    let mut files = Vec::new();
    for input in BUILD_INPUTS {
        collect(&root.join(input), &mut files)?;
    }
    files.sort();
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut feed = |bytes: &[u8]| {
        for b in bytes {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    };
    for f in &files {
        let rel = f.strip_prefix(root).unwrap_or(f);
        feed(rel.as_os_str().as_encoded_bytes());
        let bytes = std::fs::read(f)?;
        feed(&(bytes.len() as u64).to_le_bytes());
        feed(&bytes);
    }
    Ok(format!("{h:016x}"))
}
