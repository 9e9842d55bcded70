//! The command line: parses it and hands over to the chosen command in [`crate::commands`].
//! Every flag has an env fallback.

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use tracing::error;

#[cfg(feature = "emulator")]
use crate::commands::{dev, emulator, keygen};
use crate::{
    commands::{check, probe, serve},
    server,
    telemetry::{self, LogFormat, otel},
};

/// gRPC sidecar for Antom's risk API.
#[derive(Debug, Parser)]
#[command(name = "antom-sidecar", version, about)]
pub struct Cli {
    /// Log format.
    #[arg(
        long,
        env = "SIDECAR_LOG_FORMAT",
        value_enum,
        default_value_t,
        global = true
    )]
    log_format: LogFormat,
    #[command(subcommand)]
    command: Command,
}

// `emulator`, `dev` and `keygen` only with the `emulator` feature: the production build
// neither carries nor lists them. (Not a `///` comment: clap would compile it in.)
#[derive(Debug, Subcommand)]
enum Command {
    /// Serve antom.risk.v1.RiskService, calling Antom (production).
    Serve(Box<serve::Args>),
    /// Run the Antom emulator: verifies, answers signed, injects faults.
    #[cfg(feature = "emulator")]
    Emulator(emulator::Args),
    /// Run the emulator and a sidecar pointed at it: no credentials needed.
    #[cfg(feature = "emulator")]
    Dev(dev::Args),
    /// Exit 0 if a running sidecar reports SERVING (for Kubernetes exec probes).
    Probe(probe::Args),
    /// Write a new merchant RSA-2048 key pair for Antom into a directory (never overwrites).
    #[cfg(feature = "emulator")]
    Keygen(keygen::Args),
    /// Check serve's configuration and keys as serve would, without serving; with
    /// --call, make one real signed call.
    ///
    /// Takes serve's flags and environment. Prints the client ID, endpoint, path, auth
    /// mode, key version and each key's format and fingerprint (never key material),
    /// or every problem found, one per line. Exit status: 0 when there is no problem
    /// (and, with --call, Antom's answer is a verified SUCCESS); 1 when there is a
    /// problem, or the call was refused or failed; 2 for a usage error.
    Check(Box<check::Args>),
}

impl Cli {
    /// Runs the chosen command to completion; the process exit code.
    pub fn run(self) -> ExitCode {
        telemetry::init(self.log_format);
        let runtime = match tokio::runtime::Runtime::new() {
            Ok(rt) => rt,
            Err(e) => {
                error!(error = %e, "cannot start the async runtime");
                return ExitCode::FAILURE;
            }
        };
        // Exit code 2 for a refused configuration or a failed start, 1 for a failed probe
        // or a check that found a problem.
        let (result, failure) = runtime.block_on(async {
            // Spans are exported by the sidecars, when OTEL_EXPORTER_OTLP_ENDPOINT is set.
            let exporter = match &self.command {
                Command::Serve(_) => otel::init(),
                #[cfg(feature = "emulator")]
                Command::Dev(_) => otel::init(),
                #[cfg(feature = "emulator")]
                Command::Emulator(_) | Command::Keygen(_) => Ok(None),
                Command::Probe(_) | Command::Check(_) => Ok(None),
            };
            let exporter = match exporter {
                Ok(exporter) => exporter,
                Err(e) => return (Err(e.into()), 2),
            };
            let shutdown = server::shutdown_signal();
            let outcome = match self.command {
                Command::Serve(args) => (serve::run(*args, shutdown).await, 2),
                #[cfg(feature = "emulator")]
                Command::Emulator(args) => (emulator::run(args, shutdown).await, 2),
                #[cfg(feature = "emulator")]
                Command::Dev(args) => (dev::run(args, shutdown).await, 2),
                Command::Probe(args) => (probe::run(args).await.map_err(Into::into), 1),
                #[cfg(feature = "emulator")]
                Command::Keygen(args) => (keygen::run(args).map_err(Into::into), 2),
                Command::Check(args) => (check::run(*args).await, 1),
            };
            if let Some(exporter) = exporter {
                exporter.shutdown().await;
            }
            outcome
        });
        match result {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                // Printed plainly: configuration problems come one per line, all at once.
                eprintln!("antom-sidecar: {e}");
                ExitCode::from(failure)
            }
        }
    }
}
