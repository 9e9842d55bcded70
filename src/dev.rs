//! `antom-sidecar dev`: ephemeral keys, the emulator on a loopback port, and a sidecar
//! on 127.0.0.1:50051 pointed at it. One command, no credentials.

use std::{future::Future, io::Write, net::SocketAddr, sync::Arc, time::Duration};

use tracing::info;

use crate::{
    antom::{AntomClient, Auth, Endpoint, Settings},
    config::ListenAddr,
    emulator::{Emulator, EmulatorConfig},
    keys::GeneratedKeyPair,
    server::{self, Listener},
};

/// `dev` flags.
#[derive(Debug, clap::Args)]
pub struct DevArgs {
    /// Where the sidecar listens.
    #[arg(long, env = "SIDECAR_LISTEN", default_value = "127.0.0.1:50051")]
    pub listen: ListenAddr,
    /// Where the emulator listens (port 0: any free port).
    #[arg(long, default_value = "127.0.0.1:0")]
    pub emulator_listen: SocketAddr,
}

/// Client ID used in dev mode.
pub const DEV_CLIENT_ID: &str = "SANDBOX_DEV_SIDECAR";

/// Runs emulator and sidecar until `shutdown`.
pub async fn run(
    args: DevArgs,
    shutdown: impl Future<Output = ()>,
) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let (merchant, antom) = (GeneratedKeyPair::generate(), GeneratedKeyPair::generate());
    let emulator_listener = tokio::net::TcpListener::bind(args.emulator_listen).await?;
    let emulator_addr = emulator_listener.local_addr()?;
    let emulator = Emulator::new(EmulatorConfig {
        merchant_public_key: merchant.verifying_key(),
        antom_private_key: antom.signing_key(),
        api_key: None,
    });
    let (stop_emulator, emulator_stopped) = tokio::sync::oneshot::channel::<()>();
    let emulator_task = tokio::spawn(emulator.run(emulator_listener, async {
        let _ = emulator_stopped.await;
    }));

    let endpoint = Endpoint::base_url(&format!("http://{emulator_addr}"), false)?;
    let auth = Auth::Signature {
        key: merchant.signing_key(),
        key_version: "1".into(),
    };
    let settings = Settings::new(endpoint, DEV_CLIENT_ID, auth, antom.verifying_key());
    let client = Arc::new(AntomClient::new(settings)?);
    let listener = Listener::bind(&args.listen)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", args.listen))?;
    let addr = listener.local_addr()?;
    info!(sidecar = %addr, emulator = %emulator_addr, "dev mode: sidecar and Antom emulator running");
    // Not `println!`: a closed stdout must not take the server down.
    let _ = writeln!(std::io::stdout(), "{}", banner(&addr, emulator_addr));
    server::run(listener, client, shutdown, Duration::from_secs(5)).await?;
    let _ = stop_emulator.send(());
    emulator_task.await??;
    Ok(())
}

fn banner(addr: &ListenAddr, emulator: SocketAddr) -> String {
    let target = match addr {
        ListenAddr::Tcp(a) => a.to_string(),
        ListenAddr::Unix(p) => format!("-unix {}", p.display()),
    };
    format!(
        "antom-sidecar dev: gRPC on {addr}, Antom emulator on http://{emulator} (ephemeral keys)\n\n\
         Try it:\n  grpcurl -plaintext -d '{{\"reference_transaction_id\":\"tx-1\",\"payment_status\":\"PAYMENT_STATUS_SUCCESS\",\"payment_method_provider\":\"VISA\"}}' \\\n    \
         {target} antom.risk.v1.RiskService/SendPaymentResult\n\n\
         Faults: use a reference_transaction_id like emu-code-SYSTEM_ERROR-1, emu-flaky-2-1, emu-delay-3000-1, emu-badsig-1.\n\
         What the emulator accepted: curl http://{emulator}/__emulator/received\n"
    )
}
