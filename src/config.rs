//! `serve` configuration: one clap struct with env fallbacks, checked as a whole so that
//! every problem is reported at once, before anything listens.

use std::{
    fmt,
    net::SocketAddr,
    path::{Path, PathBuf},
    str::FromStr,
    time::Duration,
};

use clap::Args;

use crate::{
    antom::{Auth, Endpoint, Region, RetryPolicy, Settings},
    keys::{self, KeySource},
    secret::Secret,
};

/// `serve`: call Antom for gRPC clients.
#[derive(Args, Debug)]
pub struct ServeArgs {
    /// Where to listen: host:port, or unix:/path/to/socket.
    #[arg(long, env = "SIDECAR_LISTEN", default_value = "127.0.0.1:50051")]
    pub listen: ListenAddr,
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
    /// from the client ID).
    #[arg(long, env = "ANTOM_SANDBOX")]
    pub sandbox: bool,
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
    #[arg(long, env = "SIDECAR_MAX_ATTEMPTS", default_value_t = 3)]
    pub max_attempts: u32,
    /// TCP + TLS connect timeout, e.g. 3s or 500ms.
    #[arg(long, env = "SIDECAR_CONNECT_TIMEOUT", default_value = "3s", value_parser = parse_duration)]
    pub connect_timeout: Duration,
    /// Timeout of one attempt; the caller's gRPC deadline also bounds the whole call.
    #[arg(long, env = "SIDECAR_REQUEST_TIMEOUT", default_value = "10s", value_parser = parse_duration)]
    pub request_timeout: Duration,
    /// How long SIGTERM/SIGINT waits for in-flight calls.
    #[arg(long, env = "SIDECAR_SHUTDOWN_GRACE", default_value = "10s", value_parser = parse_duration)]
    pub shutdown_grace: Duration,
}

/// A checked configuration, keys loaded.
#[derive(Debug)]
pub struct Config {
    /// Where to listen.
    pub listen: ListenAddr,
    /// The Antom client's settings.
    pub settings: Settings,
    /// Drain period on shutdown.
    pub shutdown_grace: Duration,
}

/// Every problem found in the configuration.
#[derive(Debug)]
pub struct ConfigErrors(pub Vec<String>);

impl fmt::Display for ConfigErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "the configuration has {} problem(s):", self.0.len())?;
        for p in &self.0 {
            writeln!(f, "  - {p}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ConfigErrors {}

/// Records problems and keeps going.
#[derive(Default)]
struct Problems(Vec<String>);

impl Problems {
    fn check<T, E: fmt::Display>(&mut self, r: Result<T, E>) -> Option<T> {
        r.map_err(|e| self.0.push(e.to_string())).ok()
    }

    /// The source of a value that may come inline or from a file, not both.
    fn one_of<T>(
        &mut self,
        inline: (&'static str, Option<T>),
        file: (&'static str, Option<PathBuf>),
    ) -> Option<Source<T>> {
        match (inline.1, file.1) {
            (Some(_), Some(_)) => {
                self.0
                    .push(format!("set {} or {}, not both", inline.0, file.0));
                None
            }
            (Some(v), None) => Some(Source::Inline(inline.0, v)),
            (None, Some(p)) => Some(Source::File(file.0, p)),
            (None, None) => None,
        }
    }
}

enum Source<T> {
    Inline(&'static str, T),
    File(&'static str, PathBuf),
}

fn key_source(source: Source<Secret>) -> KeySource {
    match source {
        Source::Inline(name, text) => KeySource::Inline { name, text },
        Source::File(name, path) => KeySource::File { name, path },
    }
}

impl Config {
    /// Checks `args`, loads keys, and reports every problem at once.
    pub fn from_args(args: ServeArgs) -> Result<Self, ConfigErrors> {
        let mut p = Problems::default();
        let client_id = match args.client_id.as_deref().map(str::trim) {
            Some(id) if !id.is_empty() && id.bytes().all(|b| b.is_ascii_graphic()) => {
                Some(id.to_owned())
            }
            Some(_) => p.check(Err(
                "ANTOM_CLIENT_ID must be printable ASCII without spaces",
            )),
            None => p.check(Err("ANTOM_CLIENT_ID is required")),
        };
        let endpoint = match (args.region, args.endpoint) {
            (Some(_), Some(_)) => p.check(Err::<Endpoint, _>(
                "set ANTOM_REGION or ANTOM_ENDPOINT, not both",
            )),
            (Some(region), None) => p
                .check(
                    region
                        .parse::<Region>()
                        .map_err(|e| format!("ANTOM_REGION: {e}")),
                )
                .map(|r| Endpoint::region(r, args.sandbox)),
            (None, Some(url)) => p.check(
                Endpoint::base_url(&url, args.sandbox).map_err(|e| format!("ANTOM_ENDPOINT: {e}")),
            ),
            (None, None) => p.check(Err("set ANTOM_REGION (sea, na, us, de) or ANTOM_ENDPOINT")),
        };
        let antom_public_key = match p.one_of(("ANTOM_PUBLIC_KEY", args.antom_public_key), ("ANTOM_PUBLIC_KEY_FILE", args.antom_public_key_file)) {
            Some(source) => {
                let source = key_source(source);
                p.check(keys::load_verifying_key(&source)).map(|k| (k, source.name()))
            }
            None => p.check(Err("ANTOM_PUBLIC_KEY_FILE (or ANTOM_PUBLIC_KEY) is required: Antom's public key verifies its responses")),
        };
        let private = p.one_of(
            ("ANTOM_MERCHANT_PRIVATE_KEY", args.merchant_private_key),
            (
                "ANTOM_MERCHANT_PRIVATE_KEY_FILE",
                args.merchant_private_key_file,
            ),
        );
        let api_key = p.one_of(
            ("ANTOM_API_KEY", args.api_key),
            ("ANTOM_API_KEY_FILE", args.api_key_file),
        );
        let auth = match (private, api_key) {
            (Some(_), Some(_)) => p.check(Err("set a merchant private key (RSA signing) or an API key, not both")),
            (Some(source), None) => {
                let key = p.check(keys::load_signing_key(&key_source(source)));
                let version = &args.key_version;
                if version.is_empty() || !version.bytes().all(|b| b.is_ascii_alphanumeric()) {
                    p.0.push("ANTOM_KEY_VERSION must be letters and digits, e.g. 1".into());
                }
                key.map(|key| Auth::Signature { key, key_version: args.key_version.clone() })
            }
            (None, Some(source)) => p.check(api_key_text(source)).map(Auth::ApiKey),
            (None, None) => p.check(Err(
                "no credentials: set ANTOM_MERCHANT_PRIVATE_KEY_FILE (or ANTOM_MERCHANT_PRIVATE_KEY), or ANTOM_API_KEY(_FILE)",
            )),
        };
        if let (Some(Auth::Signature { key, .. }), Some((antom, name))) = (&auth, &antom_public_key)
        {
            p.check(keys::check_not_own_key(key, antom, name));
        }
        let extra_roots_pem = args
            .ca_file
            .and_then(|path| p.check(read("ANTOM_CA_FILE", &path)));
        if args.max_attempts == 0 {
            p.0.push("SIDECAR_MAX_ATTEMPTS must be at least 1".into());
        }
        match (client_id, endpoint, auth, antom_public_key, p.0.is_empty()) {
            (Some(client_id), Some(endpoint), Some(auth), Some((antom_public_key, _)), true) => {
                Ok(Self {
                    listen: args.listen,
                    settings: Settings {
                        endpoint,
                        client_id,
                        auth,
                        antom_public_key,
                        retry: RetryPolicy {
                            max_attempts: args.max_attempts,
                            ..RetryPolicy::default()
                        },
                        connect_timeout: args.connect_timeout,
                        request_timeout: args.request_timeout,
                        extra_roots_pem,
                    },
                    shutdown_grace: args.shutdown_grace,
                })
            }
            _ => Err(ConfigErrors(p.0)),
        }
    }
}

fn api_key_text(source: Source<Secret>) -> Result<Secret, String> {
    let (name, key) = match source {
        Source::Inline(name, key) => (name, key),
        Source::File(name, path) => {
            let text = String::from_utf8(read(name, &path)?)
                .map_err(|_| format!("{name}: the file is not UTF-8 text"))?;
            (name, Secret::new(text))
        }
    };
    let trimmed = key.expose().trim();
    if trimmed.is_empty() || !trimmed.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(format!("{name} must be one token of printable ASCII"));
    }
    Ok(Secret::new(trimmed))
}

fn read(name: &str, path: &Path) -> Result<Vec<u8>, String> {
    std::fs::read(path).map_err(|e| format!("{name}: cannot read {}: {e}", path.display()))
}

/// `host:port` or `unix:/path`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ListenAddr {
    /// A TCP address.
    Tcp(SocketAddr),
    /// A Unix socket path.
    Unix(PathBuf),
}

impl FromStr for ListenAddr {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.strip_prefix("unix:") {
            Some(path) if !path.is_empty() => Ok(Self::Unix(path.into())),
            Some(_) => Err("unix: needs a path, e.g. unix:/run/antom/sidecar.sock".into()),
            None => s.parse().map(Self::Tcp).map_err(|_| {
                format!("{s:?} is neither host:port (e.g. 127.0.0.1:50051) nor unix:/path")
            }),
        }
    }
}

impl fmt::Display for ListenAddr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Tcp(addr) => addr.fmt(f),
            Self::Unix(path) => write!(f, "unix:{}", path.display()),
        }
    }
}

/// `500ms`, `3s`, `2m`.
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    let s = s.trim();
    let split = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let (n, unit) = s.split_at(split);
    let n: u64 = n
        .parse()
        .map_err(|_| format!("{s:?} is not a duration like 500ms, 3s or 2m"))?;
    match unit {
        "ms" => Ok(Duration::from_millis(n)),
        "s" => Ok(Duration::from_secs(n)),
        "m" => Ok(Duration::from_secs(n * 60)),
        _ => Err(format!("{s:?} is not a duration like 500ms, 3s or 2m")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_and_listen_addresses() {
        assert_eq!(parse_duration("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(parse_duration("3s"), Ok(Duration::from_secs(3)));
        assert_eq!(parse_duration("2m"), Ok(Duration::from_secs(120)));
        assert!(parse_duration("3").is_err());
        assert!(parse_duration("s").is_err());
        assert_eq!(
            "unix:/tmp/s.sock".parse(),
            Ok(ListenAddr::Unix("/tmp/s.sock".into()))
        );
        assert_eq!(
            "127.0.0.1:1".parse(),
            Ok(ListenAddr::Tcp(([127, 0, 0, 1], 1).into()))
        );
        assert!("localhost".parse::<ListenAddr>().is_err());
    }
}
