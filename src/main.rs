//! The `antom-sidecar` binary: parse the command line, hand over to the library.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    antom_sidecar::cli::Cli::parse().run()
}
