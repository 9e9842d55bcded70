//! The command line: `serve` (production), `emulator` (an Antom stand-in) and `dev`
//! (both, no credentials). Every flag has an env fallback.

use std::{io::Write, net::SocketAddr, path::PathBuf, process::ExitCode, sync::Arc};

use clap::{Parser, Subcommand};
use tracing::{error, info};

use crate::{
    antom::AntomClient,
    config::{Config, ServeArgs},
    dev::{self, DevArgs},
    emulator::{Emulator, EmulatorConfig, KeysDir, TlsIdentity},
    probe::{self, ProbeArgs},
    secret::Secret,
    server::{self, Listener},
    signing,
    telemetry::{self, LogFormat},
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
    pub log_format: LogFormat,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve antom.risk.v1.RiskService, calling Antom (production).
    Serve(Box<ServeArgs>),
    /// Run the Antom emulator: verifies, answers signed, injects faults.
    Emulator(EmulatorArgs),
    /// Run the emulator and a sidecar pointed at it: no credentials needed.
    Dev(DevArgs),
    /// Exit 0 if a running sidecar reports SERVING (for Kubernetes exec probes).
    Probe(ProbeArgs),
}

/// `emulator` flags.
#[derive(Debug, clap::Args)]
struct EmulatorArgs {
    /// Address to listen on.
    #[arg(long, env = "EMULATOR_LISTEN", default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// Directory of the four PEM key files; created with fresh keys if empty.
    #[arg(long, env = "EMULATOR_KEYS_DIR", default_value = "emulator-keys")]
    keys_dir: PathBuf,
    /// Accept this API key (Authorization: Bearer) besides signed requests.
    #[arg(long, env = "EMULATOR_API_KEY", hide_env_values = true)]
    api_key: Option<Secret>,
    /// Serve HTTPS with a freshly generated CA, written to <keys-dir>/emulator_ca.pem
    /// (for the sidecar's ANTOM_CA_FILE).
    #[arg(long, env = "EMULATOR_TLS")]
    tls: bool,
}

type BoxError = Box<dyn std::error::Error + Send + Sync>;

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
        // Exit code 2 for a refused configuration or a failed start, 1 for a failed probe.
        let (result, failure) = runtime.block_on(async {
            match self.command {
                Command::Serve(args) => (serve(*args).await, 2),
                Command::Emulator(args) => (emulator(args).await, 2),
                Command::Dev(args) => (dev::run(args, server::shutdown_signal()).await, 2),
                Command::Probe(args) => (probe::run(args).await.map_err(Into::into), 1),
            }
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

async fn serve(args: ServeArgs) -> Result<(), BoxError> {
    let config = Config::from_args(args)?;
    let endpoint = config.settings.endpoint.to_string();
    let client = Arc::new(AntomClient::new(config.settings)?);
    let listener = Listener::bind(&config.listen)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", config.listen))?;
    let listen = listener.local_addr()?;
    info!(%listen, %endpoint, crypto = signing::BACKEND, "antom-sidecar serving");
    server::run(
        listener,
        client,
        server::shutdown_signal(),
        config.shutdown_grace,
    )
    .await?;
    Ok(())
}

async fn emulator(args: EmulatorArgs) -> Result<(), BoxError> {
    let keys = KeysDir::load_or_create(&args.keys_dir)?;
    let dir = args.keys_dir.display();
    let config = EmulatorConfig {
        merchant_public_key: keys.merchant_public_key,
        antom_private_key: keys.antom_private_key,
        api_key: args.api_key,
    };
    let mut emulator = Emulator::new(config);
    let (scheme, ca_env) = if args.tls {
        let identity = TlsIdentity::generate()?;
        let ca_file = args.keys_dir.join("emulator_ca.pem");
        std::fs::write(&ca_file, &identity.ca_pem)
            .map_err(|e| format!("{}: {e}", ca_file.display()))?;
        emulator = emulator.with_tls(&identity);
        ("https", format!(" ANTOM_CA_FILE={}", ca_file.display()))
    } else {
        ("http", String::new())
    };
    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", args.listen))?;
    let addr = listener.local_addr()?;
    info!(%addr, keys_dir = %dir, created = keys.created, tls = args.tls, "Antom emulator listening");
    // Not `println!`: a closed stdout must not take the emulator down.
    let _ = writeln!(
        std::io::stdout(),
        "Antom emulator on {scheme}://{addr}\n\nPoint a sidecar at it:\n  \
         ANTOM_ENDPOINT={scheme}://{addr}{ca_env} ANTOM_CLIENT_ID=SANDBOX_EMULATOR \\\n  \
         ANTOM_MERCHANT_PRIVATE_KEY_FILE={dir}/merchant_private_key.pem ANTOM_PUBLIC_KEY_FILE={dir}/antom_public_key.pem \\\n  \
         antom-sidecar serve\n"
    );
    emulator.run(listener, server::shutdown_signal()).await?;
    Ok(())
}
