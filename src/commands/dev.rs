//! `antom-sidecar dev`: ephemeral keys, the emulator on a loopback port, and a sidecar
//! on 127.0.0.1:50051 pointed at it. One command, no credentials.

use std::{future::Future, io::Write, net::SocketAddr, time::Duration};

use tracing::{info, warn};

use super::{CommandError, Sidecar, bind_admin};
use crate::{
    admin::DEFAULT_ADMIN_LISTEN,
    antom::{AntomClient, DEFAULT_MAX_CONCURRENT_CALLS},
    config::{AdminListen, DEFAULT_LISTEN, ListenAddr},
    emulator::Emulator,
    grpc,
    keys::KeyPairs,
    server::{Limits, Listener, default_max_connections, raise_fd_limit},
};

/// `dev` flags.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Where the sidecar listens.
    #[arg(long, env = "SIDECAR_LISTEN", default_value = DEFAULT_LISTEN)]
    pub listen: ListenAddr,
    /// Where the admin HTTP listener serves /metrics, /livez and /readyz, or off. If the
    /// default port is taken (another dev sidecar, say), any free port is used instead.
    #[arg(long, env = "SIDECAR_ADMIN_LISTEN", default_value = DEFAULT_ADMIN_LISTEN)]
    pub admin_listen: AdminListen,
    /// Where the emulator listens (port 0: any free port).
    #[arg(long, default_value = "127.0.0.1:0")]
    pub emulator_listen: SocketAddr,
}

/// Client ID used in dev mode.
pub const DEV_CLIENT_ID: &str = "SANDBOX_DEV_SIDECAR";

/// Runs emulator and sidecar until `shutdown`.
pub async fn run(args: Args, shutdown: impl Future<Output = ()>) -> Result<(), CommandError> {
    let keys = KeyPairs::generate();
    let emulator = Emulator::new(keys.emulator_config())
        .spawn(args.emulator_listen)
        .await
        .map_err(|e| format!("cannot start the emulator on {}: {e}", args.emulator_listen))?;
    let settings = keys.client_settings(emulator.endpoint(), DEV_CLIENT_ID);
    let client = AntomClient::new(settings.build())?;
    let listener = Listener::bind(&args.listen)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", args.listen))?;
    let addr = listener.local_addr()?;
    let admin = match bind_admin(args.admin_listen.0.as_ref()).await {
        Err(e) if Ok(&args.admin_listen) == DEFAULT_ADMIN_LISTEN.parse().as_ref() => {
            warn!(error = %e, "the admin listener's default port is taken: using any free port");
            bind_admin(Some(&ListenAddr::Tcp(([127, 0, 0, 1], 0).into()))).await?
        }
        other => other?,
    };
    let sidecar = Sidecar::start(client, listener, admin).await;
    let admin = sidecar.admin_addr();
    info!(sidecar = %addr, %admin, emulator = %emulator.addr(), "dev mode: sidecar and Antom emulator running");
    // Not `println!`: a closed stdout must not take the server down.
    let _ = writeln!(
        std::io::stdout(),
        "{}",
        banner(&addr, admin, emulator.addr())
    );
    let fd_limit = raise_fd_limit();
    let options = grpc::Options {
        grace: Duration::from_secs(5),
        limits: Limits {
            max_connections: default_max_connections(fd_limit, DEFAULT_MAX_CONCURRENT_CALLS),
            ..Limits::default()
        },
        ..grpc::Options::default()
    };
    sidecar.run(options, shutdown).await?;
    emulator.shutdown().await;
    Ok(())
}

fn banner(addr: &ListenAddr, admin: &str, emulator: SocketAddr) -> String {
    let target = match addr {
        ListenAddr::Tcp(a) => a.to_string(),
        ListenAddr::Unix(p) => format!("-unix {}", p.display()),
    };
    format!(
        "antom-sidecar dev: gRPC on {addr}, Antom emulator on http://{emulator} (ephemeral keys), admin on {admin}\n\n\
         Try it:\n  grpcurl -plaintext -d '{{\"reference_transaction_id\":\"tx-1\",\"payment_status\":\"PAYMENT_STATUS_SUCCESS\",\"payment_method_provider\":\"VISA\"}}' \\\n    \
         {target} antom.risk.v1.RiskService/SendPaymentResult\n\n\
         Faults: use a reference_transaction_id like emu-code-SYSTEM_ERROR-1, emu-flaky-2-1, emu-delay-3000-1, emu-badsig-1; Decide: emu-reject-1, emu-3d-1.\n\
         What the emulator accepted: curl http://{emulator}/__emulator/received\n"
    )
}
