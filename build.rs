//! Build script: computes `LEAKLINT_BUILD_ID`, the hash of the sources, rule documents and locked
//! dependencies ([`tree_hash`]), so that the clean-file cache of one build is never trusted by
//! another build with the same version number but different rules.

include!("src/build_id.rs");

fn main() {
    let root = std::path::PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap());
    for input in BUILD_INPUTS {
        println!("cargo:rerun-if-changed={input}");
    }
    let id = tree_hash(&root).expect("cannot read the sources to hash them");
    println!("cargo:rustc-env=LEAKLINT_BUILD_ID={id}");
}
