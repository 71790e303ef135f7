//! Build script: computes `LEAKLINT_BUILD_ID`, the hash of the sources, rule documents and locked
//! dependencies ([`tree_hash`]), so that the clean-file cache of one build is never trusted by
//! another build with the same version number but different rules; and `LEAKLINT_GIT_COMMIT`
//! ([`git_commit`]) for `leaklint --version`.

include!("src/build_id.rs");

fn main() {
    let root = std::path::PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap());
    for input in BUILD_INPUTS {
        println!("cargo:rerun-if-changed={input}");
    }
    let id = tree_hash(&root).expect("cannot read the sources to hash them");
    println!("cargo:rustc-env=LEAKLINT_BUILD_ID={id}");
    println!("cargo:rustc-env=LEAKLINT_GIT_COMMIT={}", git_commit(&root));
}

/// The commit the crate is built from: `$LEAKLINT_GIT_COMMIT` when set (a build from a source
/// tarball can say where it came from), else `git rev-parse --short=12 HEAD` in `root`, else
/// "unknown" (no git, or not a checkout, as in a crates.io package). Asks cargo to rerun the
/// script when HEAD or the branch it points to moves (loose or packed).
fn git_commit(root: &std::path::Path) -> String {
    println!("cargo:rerun-if-env-changed=LEAKLINT_GIT_COMMIT");
    if let Ok(commit) = std::env::var("LEAKLINT_GIT_COMMIT") {
        return commit;
    }
    let git = |args: &[&str]| -> Option<String> {
        let out = std::process::Command::new("git")
            .args(args)
            .current_dir(root)
            .output()
            .ok()?;
        let text = String::from_utf8(out.stdout).ok()?;
        out.status.success().then(|| text.trim().to_owned())
    };
    let Some(commit) = git(&["rev-parse", "--short=12", "HEAD"]) else {
        return "unknown".to_owned();
    };
    // `--git-path` resolves linked worktrees, where HEAD and the refs live in different folders.
    let mut watched = vec!["HEAD".to_owned(), "packed-refs".to_owned()];
    watched.extend(git(&["symbolic-ref", "-q", "HEAD"]));
    for name in watched {
        // A path that does not exist would make cargo rerun this script, and so rebuild the
        // crate, on every build.
        let path = git(&["rev-parse", "--git-path", &name]).map(|p| root.join(p));
        if let Some(path) = path.filter(|p| p.exists()) {
            println!("cargo:rerun-if-changed={}", path.display());
        }
    }
    commit
}
