//! `antom-sidecar emulator`: the Antom stand-in alone, with keys in a directory that a
//! `serve` sidecar can be pointed at.

use std::{future::Future, io::Write, net::SocketAddr, path::PathBuf};

use tracing::info;

use super::CommandError;
use crate::{
    emulator::{Emulator, EmulatorConfig, KeysDir, TlsIdentity},
    secret::Secret,
    server::Listener,
};

/// `emulator` flags.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Address to listen on.
    #[arg(long, env = "EMULATOR_LISTEN", default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// Directory of the four PEM key files; created with fresh keys if empty.
    #[arg(long, env = "EMULATOR_KEYS_DIR", default_value = "emulator-keys")]
    keys_dir: PathBuf,
    /// Accept this API key (Authorization: Bearer) besides signed requests.
    #[arg(
        long,
        env = "EMULATOR_API_KEY",
        hide_env_values = true,
        allow_hyphen_values = true
    )]
    api_key: Option<Secret>,
    /// Serve HTTPS with a freshly generated CA, written to <keys-dir>/emulator_ca.pem
    /// (for the sidecar's ANTOM_CA_FILE).
    #[arg(long, env = "EMULATOR_TLS")]
    tls: bool,
}

/// Loads or creates the keys, prints how to point a sidecar here, serves until `shutdown`.
pub async fn run(args: Args, shutdown: impl Future<Output = ()>) -> Result<(), CommandError> {
    let keys = KeysDir::load_or_create(&args.keys_dir)?;
    let dir = args.keys_dir.display();
    let mut emulator = Emulator::new(EmulatorConfig {
        merchant_public_keys: keys.merchant_public_keys,
        antom_private_key: keys.antom_private_key,
        api_key: args.api_key,
    });
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
    // This very binary (`cargo run` leaves none on PATH), on ports apart from `dev`'s.
    let exe = std::env::current_exe()
        .map_or_else(|_| "antom-sidecar".into(), |p| p.display().to_string());
    // Not `println!`: a closed stdout must not take the emulator down.
    let _ = writeln!(
        std::io::stdout(),
        "Antom emulator on {scheme}://{addr}\n\nPoint a sidecar at it:\n  \
         ANTOM_ENDPOINT={scheme}://{addr}{ca_env} ANTOM_CLIENT_ID=SANDBOX_EMULATOR \\\n  \
         ANTOM_MERCHANT_PRIVATE_KEY_FILE={dir}/merchant_private_key.pem ANTOM_PUBLIC_KEY_FILE={dir}/antom_public_key.pem \\\n  \
         SIDECAR_LISTEN=127.0.0.1:50052 SIDECAR_ADMIN_LISTEN=127.0.0.1:9465 \\\n  \
         {exe} serve\n"
    );
    emulator.run(Listener::Tcp(listener), shutdown).await;
    Ok(())
}
