//! The subcommands, one module each, every one the same shape: its clap `Args` and an
//! async `run` that takes them (and, for servers, a shutdown future).

pub mod dev;
pub mod emulator;
pub mod probe;
pub mod serve;

/// What a command's `run` fails with: printed on one line (or one per problem) by the CLI.
pub type CommandError = Box<dyn std::error::Error + Send + Sync>;
