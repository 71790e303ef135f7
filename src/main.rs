//! The `leaklint` binary: allocator and thread-pool set-up, then [`leaklint::cli::run`].

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    // Deeply nested expressions recurse deeply in the parser, resolver and visitors: give the
    // lint threads room (only touched pages are ever committed).
    let _ = rayon::ThreadPoolBuilder::new()
        .stack_size(256 << 20)
        .build_global();
    let pool = rayon::current_num_threads();
    let _ = pool;
    std::thread::Builder::new()
        .stack_size(256 << 20)
        .spawn(leaklint::cli::run)
        .expect("cannot start the main thread")
        .join()
        .unwrap_or(std::process::ExitCode::from(leaklint::cli::EXIT_ERROR))
}
