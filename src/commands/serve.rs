//! `antom-sidecar serve`: the production sidecar, calling Antom for gRPC clients.

use std::{future::Future, path::PathBuf, sync::Arc};

use tracing::info;

use super::CommandError;
use crate::{
    antom::{AntomClient, DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_ATTEMPTS, DEFAULT_REQUEST_TIMEOUT},
    config::{Config, DEFAULT_LISTEN, format_duration},
    grpc::{self, DEFAULT_SHUTDOWN_GRACE},
    secret::Secret,
    server::Listener,
    signing,
};

/// `serve` flags. Values that need parsing stay text here and are checked by
/// [`Config::from_args`], so that one run reports every problem.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Where to listen: host:port, or unix:/path/to/socket.
    #[arg(long, env = "SIDECAR_LISTEN", default_value = DEFAULT_LISTEN)]
    pub listen: String,
    /// The merchant's client ID at Antom, sent as Client-Id (e.g. SANDBOX_5YEZ2N2ZKX1Y04567).
    #[arg(long, env = "ANTOM_CLIENT_ID")]
    pub client_id: Option<String>,
    /// Antom region: sea, na, us or de. Exclusive with --endpoint.
    #[arg(long, env = "ANTOM_REGION")]
    pub region: Option<String>,
    /// Antom base URL (scheme://host[:port]) instead of a region; http:// only to loopback.
    #[arg(long, env = "ANTOM_ENDPOINT")]
    pub endpoint: Option<String>,
    /// Call the sandbox path /ams/sandbox/api/... instead of /ams/api/... (never guessed
    /// from the client ID). true/false, 1/0, yes/no, on/off.
    #[arg(long, env = "ANTOM_SANDBOX", default_value = "false", num_args = 0..=1, default_missing_value = "true")]
    pub sandbox: String,
    /// The merchant's RSA private key, PKCS#8 or PKCS#1, PEM or bare Base64.
    #[arg(long, env = "ANTOM_MERCHANT_PRIVATE_KEY", hide_env_values = true)]
    pub merchant_private_key: Option<Secret>,
    /// File holding the merchant's private key (e.g. mounted from a Kubernetes Secret).
    #[arg(long, env = "ANTOM_MERCHANT_PRIVATE_KEY_FILE")]
    pub merchant_private_key_file: Option<PathBuf>,
    /// Antom's RSA public key (X.509 SubjectPublicKeyInfo), PEM or bare Base64.
    #[arg(long, env = "ANTOM_PUBLIC_KEY", hide_env_values = true)]
    pub antom_public_key: Option<Secret>,
    /// File holding Antom's public key.
    #[arg(long, env = "ANTOM_PUBLIC_KEY_FILE")]
    pub antom_public_key_file: Option<PathBuf>,
    /// keyVersion sent in the Signature header: which of the merchant's keys signs.
    #[arg(long, env = "ANTOM_KEY_VERSION", default_value = "1")]
    pub key_version: String,
    /// API key (Authorization: Bearer) instead of RSA request signing.
    #[arg(long, env = "ANTOM_API_KEY", hide_env_values = true)]
    pub api_key: Option<Secret>,
    /// File holding the API key.
    #[arg(long, env = "ANTOM_API_KEY_FILE")]
    pub api_key_file: Option<PathBuf>,
    /// PEM file of extra CA certificates to trust, besides the system's.
    #[arg(long, env = "ANTOM_CA_FILE")]
    pub ca_file: Option<PathBuf>,
    /// Attempts per call in all (U results and connection failures are retried).
    #[arg(long, env = "SIDECAR_MAX_ATTEMPTS", default_value_t = DEFAULT_MAX_ATTEMPTS.to_string())]
    pub max_attempts: String,
    /// TCP + TLS connect timeout, e.g. 3s or 500ms.
    #[arg(long, env = "SIDECAR_CONNECT_TIMEOUT", default_value_t = format_duration(DEFAULT_CONNECT_TIMEOUT))]
    pub connect_timeout: String,
    /// Timeout of one attempt; the caller's gRPC deadline also bounds the whole call.
    #[arg(long, env = "SIDECAR_REQUEST_TIMEOUT", default_value_t = format_duration(DEFAULT_REQUEST_TIMEOUT))]
    pub request_timeout: String,
    /// How long SIGTERM/SIGINT waits for in-flight calls.
    #[arg(long, env = "SIDECAR_SHUTDOWN_GRACE", default_value_t = format_duration(DEFAULT_SHUTDOWN_GRACE))]
    pub shutdown_grace: String,
}

/// Checks the configuration, loads the keys, and serves until `shutdown`.
pub async fn run(args: Args, shutdown: impl Future<Output = ()>) -> Result<(), CommandError> {
    let config = Config::from_args(args)?;
    let endpoint = config.settings.endpoint().to_string();
    let client = Arc::new(AntomClient::new(config.settings)?);
    let listener = Listener::bind(&config.listen)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", config.listen))?;
    let listen = listener.local_addr()?;
    info!(%listen, %endpoint, crypto = signing::BACKEND, "antom-sidecar serving");
    grpc::serve(listener, client, shutdown, config.shutdown_grace).await?;
    Ok(())
}
