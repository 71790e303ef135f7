//! The `leaklint` binary: allocator and thread-pool set-up, then [`leaklint::cli::run`].

#[global_allocator]
static GLOBAL: leaklint::alloc::MiMalloc = leaklint::alloc::MiMalloc;

fn main() -> std::process::ExitCode {
    leaklint::run_with_lint_stacks(leaklint::cli::run)
        .unwrap_or(std::process::ExitCode::from(leaklint::cli::EXIT_ERROR))
}
