//! `antom-sidecar serve`: the production sidecar, calling Antom for gRPC clients.

use std::future::Future;

use tracing::info;

use super::{CommandError, Files, Sidecar, bind_admin};
use crate::{
    admin::DEFAULT_ADMIN_LISTEN,
    antom::{
        AntomClient, DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_ATTEMPTS, DEFAULT_MAX_CONCURRENT_CALLS,
        DEFAULT_REQUEST_TIMEOUT,
    },
    config::{Config, DEFAULT_LISTEN, format_duration},
    grpc::Options,
    secret::Secret,
    server::{Limits, Listener, raise_fd_limit},
    signing,
};

/// `serve` flags. Values that need parsing stay text here and are checked by
/// [`Config::from_args`], so that one run reports every problem.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Where to listen: host:port, or unix:/path/to/socket.
    #[arg(long, env = "SIDECAR_LISTEN", default_value = DEFAULT_LISTEN)]
    pub listen: String,
    /// Where the admin HTTP listener serves /metrics, /livez and /readyz: host:port,
    /// unix:/path, or off (then no metrics are recorded either).
    #[arg(long, env = "SIDECAR_ADMIN_LISTEN", default_value = DEFAULT_ADMIN_LISTEN)]
    pub admin_listen: String,
    /// The merchant's client ID at Antom, sent as Client-Id (e.g. SANDBOX_5YEZ2N2ZKX1Y04567).
    #[arg(long, env = "ANTOM_CLIENT_ID")]
    pub client_id: Option<String>,
    /// Antom region: sea, na, us or de. Exclusive with --endpoint.
    #[arg(long, env = "ANTOM_REGION")]
    pub region: Option<String>,
    /// Antom base URL (scheme://host[:port]) instead of a region; http:// only to loopback.
    #[arg(long, env = "ANTOM_ENDPOINT")]
    pub endpoint: Option<String>,
    /// Call the sandbox path /ams/sandbox/api/... instead of /ams/api/...: auto (as
    /// Antom's SDKs: when the client ID starts with SANDBOX_ or the API key is a TEST
    /// key), or true/false (1/0, yes/no, on/off) to override.
    #[arg(long, env = "ANTOM_SANDBOX", default_value = "auto", num_args = 0..=1, default_missing_value = "true")]
    pub sandbox: String,
    /// The merchant's RSA private key, PKCS#8 or PKCS#1, PEM or bare Base64.
    // A PEM value starts with "-": taken as the value, never echoed as an unknown flag.
    #[arg(
        long,
        env = "ANTOM_MERCHANT_PRIVATE_KEY",
        hide_env_values = true,
        allow_hyphen_values = true
    )]
    pub merchant_private_key: Option<Secret>,
    /// File holding the merchant's private key (e.g. mounted from a Kubernetes Secret).
    #[arg(long, env = "ANTOM_MERCHANT_PRIVATE_KEY_FILE")]
    pub merchant_private_key_file: Option<String>,
    /// Antom's RSA public key (X.509 SubjectPublicKeyInfo), PEM or bare Base64; several
    /// PEM blocks during Antom's rotation. Required with RSA signing, optional with an
    /// API key.
    // A PEM value starts with "-": taken as the value, never echoed as an unknown flag.
    #[arg(
        long,
        env = "ANTOM_PUBLIC_KEY",
        hide_env_values = true,
        allow_hyphen_values = true
    )]
    pub antom_public_key: Option<Secret>,
    /// File holding Antom's public key.
    #[arg(long, env = "ANTOM_PUBLIC_KEY_FILE")]
    pub antom_public_key_file: Option<String>,
    /// keyVersion sent in the Signature header: which of the merchant's keys signs
    /// [default: 1].
    #[arg(long, env = "ANTOM_KEY_VERSION")]
    pub key_version: Option<String>,
    /// File holding the keyVersion, so that it rotates with the key file.
    #[arg(long, env = "ANTOM_KEY_VERSION_FILE")]
    pub key_version_file: Option<String>,
    /// PEM certificate chain for TLS on the gRPC listener (plaintext without it).
    #[arg(long, env = "SIDECAR_TLS_CERT_FILE")]
    pub tls_cert_file: Option<String>,
    /// PEM private key of that certificate.
    #[arg(long, env = "SIDECAR_TLS_KEY_FILE")]
    pub tls_key_file: Option<String>,
    /// PEM CA certificates that clients must present a certificate from (mTLS).
    #[arg(long, env = "SIDECAR_TLS_CLIENT_CA_FILE")]
    pub tls_client_ca_file: Option<String>,
    /// How often the key and TLS files (*_FILE) are read for a rotation; off: never.
    #[arg(long, env = "SIDECAR_KEY_RELOAD_INTERVAL", default_value = "1s")]
    pub key_reload_interval: String,
    /// API key (Authorization: Bearer) instead of RSA request signing.
    // A PEM value starts with "-": taken as the value, never echoed as an unknown flag.
    #[arg(
        long,
        env = "ANTOM_API_KEY",
        hide_env_values = true,
        allow_hyphen_values = true
    )]
    pub api_key: Option<Secret>,
    /// File holding the API key.
    #[arg(long, env = "ANTOM_API_KEY_FILE")]
    pub api_key_file: Option<String>,
    /// PEM file of extra CA certificates to trust, besides the system's.
    #[arg(long, env = "ANTOM_CA_FILE")]
    pub ca_file: Option<String>,
    /// Attempts per call in all (U results and connection failures are retried).
    #[arg(long, env = "SIDECAR_MAX_ATTEMPTS", default_value_t = DEFAULT_MAX_ATTEMPTS.to_string())]
    pub max_attempts: String,
    /// TCP + TLS connect timeout, e.g. 3s or 500ms.
    #[arg(long, env = "SIDECAR_CONNECT_TIMEOUT", default_value_t = format_duration(DEFAULT_CONNECT_TIMEOUT))]
    pub connect_timeout: String,
    /// Timeout of one attempt; the caller's gRPC deadline also bounds the whole call.
    #[arg(long, env = "SIDECAR_REQUEST_TIMEOUT", default_value_t = format_duration(DEFAULT_REQUEST_TIMEOUT))]
    pub request_timeout: String,
    /// How long SIGTERM/SIGINT waits for in-flight calls; those still open then are
    /// answered UNAVAILABLE (SHUTDOWN_OUTCOME_UNKNOWN).
    #[arg(long, env = "SIDECAR_SHUTDOWN_GRACE", default_value_t = format_duration(Options::DEFAULT_GRACE))]
    pub shutdown_grace: String,
    /// Calls in flight toward Antom at once (and so connections to it); more are answered
    /// RESOURCE_EXHAUSTED (SIDECAR_OVERLOADED) at once, never queued.
    #[arg(long, env = "SIDECAR_MAX_CONCURRENT_CALLS", default_value_t = DEFAULT_MAX_CONCURRENT_CALLS.to_string())]
    pub max_concurrent_calls: String,
    /// gRPC connections open at once; more are accepted and closed. Default: the
    /// descriptor limit (raised to its hard limit at start-up) less a reserve for
    /// connections to Antom and files.
    #[arg(long, env = "SIDECAR_MAX_CONNECTIONS")]
    pub max_connections: Option<String>,
    /// A new connection must complete its HTTP/2 handshake within this.
    #[arg(long, env = "SIDECAR_HANDSHAKE_TIMEOUT", default_value_t = format_duration(Limits::DEFAULT_HANDSHAKE_TIMEOUT))]
    pub handshake_timeout: String,
    /// A connection with no call open for this long is closed with a GOAWAY.
    #[arg(long, env = "SIDECAR_IDLE_TIMEOUT", default_value_t = format_duration(Limits::DEFAULT_IDLE_TIMEOUT))]
    pub idle_timeout: String,
    /// The largest request message accepted, in bytes; larger ones are answered
    /// RESOURCE_EXHAUSTED (MESSAGE_TOO_LARGE).
    #[arg(long, env = "SIDECAR_MAX_MESSAGE_BYTES", default_value_t = Options::DEFAULT_MAX_MESSAGE_BYTES.to_string())]
    pub max_message_bytes: String,
}

/// Raises the descriptor limit, checks the configuration, loads the keys, and serves
/// until `shutdown`.
pub async fn run(args: Args, shutdown: impl Future<Output = ()>) -> Result<(), CommandError> {
    let fd_limit = raise_fd_limit();
    let config = Config::from_args(args, fd_limit)?;
    let endpoint = config.settings.endpoint().to_string();
    let client = AntomClient::new(config.settings)?;
    let keys = client.keys_line();
    let listener = Listener::bind(&config.listen)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", config.listen))?;
    let listen = listener.local_addr()?;
    let admin = bind_admin(config.admin.as_ref()).await?;
    let tls = config.tls.is_some();
    let sidecar = Sidecar::start(client, listener, admin)
        .await
        .with_files(Files {
            keys: config.keys,
            key_files: config.key_files,
            tls: config.tls,
            interval: config.key_reload_interval,
        });
    let limits = config.options.limits;
    info!(%listen, admin = %sidecar.admin_addr(), %endpoint, %keys, tls, crypto = signing::BACKEND, fd_limit, max_connections = limits.max_connections, "antom-sidecar serving");
    sidecar.run(config.options, shutdown).await
}
