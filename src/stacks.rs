//! Stack sizes for linting threads: deeply nested expressions recurse deeply in the parser, the
//! resolver and our visitors, so every thread that lints gets a 256 MiB stack (only touched
//! pages are committed).

/// Below this much stack left, a lint continues on a fresh segment of [`STACK_SIZE`].
pub(crate) const RED_ZONE: usize = 64 << 20;
/// The stack of every thread that lints.
pub(crate) const STACK_SIZE: usize = 256 << 20;

/// Runs `main` on a thread set up as every leaklint front end lints: `main` and rayon's global
/// pool get 256 MiB stacks, as deeply nested expressions recurse deeply in the parser, the
/// resolver and our visitors (only touched pages are committed). Returns what `main` returns, or
/// the panic payload when it panicked. A global pool that already exists is kept as it is.
///
/// # Panics
/// When the operating system cannot start the thread.
pub fn run_with_lint_stacks<T: Send + 'static>(
    main: impl FnOnce() -> T + Send + 'static,
) -> std::thread::Result<T> {
    let _ = rayon::ThreadPoolBuilder::new()
        .stack_size(STACK_SIZE)
        .build_global();
    std::thread::Builder::new()
        .stack_size(STACK_SIZE)
        .spawn(main)
        .expect("cannot start the main thread")
        .join()
}
