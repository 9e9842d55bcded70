//! The `antom-sidecar` binary: parse the command line, hand over to the library.

use std::process::ExitCode;

use clap::Parser;

/// jemalloc with background threads: after a burst of calls it returns the memory to the
/// system, where glibc's malloc and mimalloc keep their peak (`cargo bench --bench burst`).
#[global_allocator]
static GLOBAL: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

fn main() -> ExitCode {
    antom_sidecar::cli::Cli::parse().run()
}
