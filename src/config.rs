//! `serve` configuration: its flags ([`serve::Args`]) checked as a whole so that every
//! problem is reported at once, each naming its setting, before anything listens.

mod key_set;
mod listener_tls;
mod secret_file;
mod values;

use std::{
    fmt,
    path::{Path, PathBuf},
    time::Duration,
};

pub use key_set::{KeySet, KeySources};
pub use listener_tls::ListenerTls;
pub use values::{AdminListen, ListenAddr, format_duration, parse_bool, parse_duration};

use crate::{
    antom::{Auth, Endpoint, Region, Settings},
    commands::serve,
    grpc,
    keys::{self, KeySource},
    rotation::{FileDigests, digests},
    secret::Secret,
    server::{Limits, default_max_connections},
};
use key_set::AuthSource;
pub(crate) use key_set::is_test_api_key;

/// The key version's source when none is set, as `check` names it.
const DEFAULT_KEY_VERSION: &str = "ANTOM_KEY_VERSION's default";

/// Where `serve`, `dev` and `probe` listen or connect by default.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:50051";

/// A checked configuration, keys loaded.
#[derive(Debug)]
pub struct Config {
    /// Where to listen.
    pub listen: ListenAddr,
    /// Where the admin listener listens; `None`: off.
    pub admin: Option<ListenAddr>,
    /// The Antom client's settings.
    pub settings: Settings,
    /// Where the keys in `settings` came from, to load them again when they change.
    pub keys: KeySources,
    /// What their files held when they were loaded.
    pub key_files: FileDigests,
    /// TLS on the gRPC listener; `None`: plaintext.
    pub tls: Option<ListenerTls>,
    /// How often the key files are read for a rotation; `None`: never.
    pub key_reload_interval: Option<Duration>,
    /// The gRPC server's drain and limits.
    pub options: grpc::Options,
}

/// Every problem found in the configuration, one per line.
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

/// Collects problems and keeps going.
#[derive(Default)]
struct Problems(Vec<String>);

impl Problems {
    fn check<T>(&mut self, r: Result<T, impl fmt::Display>) -> Option<T> {
        r.map_err(|e| self.0.push(e.to_string())).ok()
    }
}

/// A value given inline (env var or flag) or as a file.
#[derive(Debug)]
enum Source<T> {
    Inline(&'static str, T),
    File(&'static str, PathBuf),
}

/// The source of a value that may come inline or from a file, not both.
fn exclusive<T>(
    inline: (&'static str, Option<T>),
    file: (&'static str, Option<String>),
) -> Result<Option<Source<T>>, String> {
    let path = file.1.map(|p| path(file.0, p)).transpose()?;
    match (inline.1, path) {
        (Some(_), Some(_)) => Err(format!("set {} or {}, not both", inline.0, file.0)),
        (Some(v), None) => Ok(Some(Source::Inline(inline.0, v))),
        (None, Some(p)) => Ok(Some(Source::File(file.0, p))),
        (None, None) => Ok(None),
    }
}

/// A file setting's path: an empty value (`ANTOM_PUBLIC_KEY_FILE=`) is a mistake to
/// report, not an absent setting.
fn path(name: &str, value: String) -> Result<PathBuf, String> {
    if value.trim().is_empty() {
        return Err(format!("{name} is set but empty: give a path, or unset it"));
    }
    Ok(value.into())
}

fn key_source(source: Source<Secret>) -> KeySource {
    match source {
        Source::Inline(name, text) => KeySource::Inline { name, text },
        Source::File(name, path) => KeySource::File { name, path },
    }
}

impl Config {
    /// Checks `args`, loads keys, and reports every problem at once. `fd_limit` is the
    /// descriptor limit in force, which sets the default connection cap.
    pub fn from_args(args: serve::Args, fd_limit: u64) -> Result<Self, ConfigErrors> {
        let mut p = Problems::default();
        let listen = p.check(
            args.listen
                .parse::<ListenAddr>()
                .map_err(|e| format!("SIDECAR_LISTEN: {e}")),
        );
        let admin = p
            .check(
                (args.admin_listen.parse::<AdminListen>())
                    .map_err(|e| format!("SIDECAR_ADMIN_LISTEN: {e}")),
            )
            .and_then(|a| a.0);
        let client_id = p.check(client_id(args.client_id.as_deref()));
        let sandbox = p.check(sandbox_setting(&args.sandbox));
        let antom = p.check(exclusive(
            ("ANTOM_PUBLIC_KEY", args.antom_public_key),
            ("ANTOM_PUBLIC_KEY_FILE", args.antom_public_key_file),
        ));
        let private = p.check(exclusive(
            ("ANTOM_MERCHANT_PRIVATE_KEY", args.merchant_private_key),
            (
                "ANTOM_MERCHANT_PRIVATE_KEY_FILE",
                args.merchant_private_key_file,
            ),
        ));
        let version = p.check(exclusive(
            ("ANTOM_KEY_VERSION", args.key_version),
            ("ANTOM_KEY_VERSION_FILE", args.key_version_file),
        ));
        let api_key = p.check(exclusive(
            ("ANTOM_API_KEY", args.api_key),
            ("ANTOM_API_KEY_FILE", args.api_key_file),
        ));
        let api_key_mode = matches!(api_key, Some(Some(_)));
        let auth = match (private, api_key) {
            (Some(Some(_)), Some(Some(_))) => p.check(Err("set a merchant private key (RSA signing) or an API key, not both")),
            (Some(Some(private)), _) => {
                let private = key_source(private);
                match version {
                    Some(version) => Some(AuthSource::Signature {
                        private,
                        version: version.unwrap_or(Source::Inline(DEFAULT_KEY_VERSION, "1".into())),
                    }),
                    // The version is refused: the key is still checked on its own.
                    None => {
                        p.check(keys::load_signing_key(&private));
                        None
                    }
                }
            }
            (_, Some(Some(source))) => Some(AuthSource::ApiKey(source)),
            (Some(None), Some(None)) => p.check(Err("no credentials: set ANTOM_MERCHANT_PRIVATE_KEY_FILE (or ANTOM_MERCHANT_PRIVATE_KEY), or ANTOM_API_KEY(_FILE)")),
            // A setting given twice: already reported.
            _ => None,
        };
        // Required to sign; optional with an API key, as in Antom's SDK (then answers
        // that are signed are verified, and unsigned ones accepted).
        if matches!(antom, Some(None)) && !api_key_mode {
            p.check(Err::<(), _>("ANTOM_PUBLIC_KEY_FILE (or ANTOM_PUBLIC_KEY) is required with RSA signing: Antom's public key verifies its responses"));
        }
        let antom = antom.map(|source| source.map(key_source));
        let mut key_sources = match (auth, antom) {
            (Some(auth), Some(antom)) => Some(KeySources::new(auth, antom)),
            // No credentials to load with: Antom's key is still checked on its own.
            (None, Some(Some(antom))) => {
                p.check(keys::load_verifying_keys(&antom));
                None
            }
            _ => None,
        };
        // What the files hold, read before the keys: a change while loading is seen later.
        let key_files = key_sources.as_ref().map(|s| digests(&s.files()));
        let key_set = key_sources
            .as_ref()
            .and_then(|sources| sources.load().map_err(|e| p.0.extend(e)).ok());
        let tls = listener_tls::listener_tls(
            args.tls_cert_file,
            args.tls_key_file,
            args.tls_client_ca_file,
        )
        .map_err(|e| p.0.extend(e))
        .ok();
        // As Antom's SDKs choose it, unless set: a sandbox client ID or a TEST API key.
        let test_key = match &key_set {
            Some(KeySet {
                auth: Auth::ApiKey(k),
                ..
            }) => Some(is_test_api_key(k.expose())),
            _ => None,
        };
        let sandbox = sandbox.map(|set| {
            set.unwrap_or_else(|| {
                if let (Some(test_key), Some(sources)) = (test_key, &mut key_sources) {
                    sources.pin_api_key_environment(test_key);
                }
                test_key == Some(true)
                    || client_id
                        .as_deref()
                        .is_some_and(|id| id.starts_with("SANDBOX_"))
            })
        });
        let endpoint = p.check(endpoint(
            args.region,
            args.endpoint,
            sandbox.unwrap_or_default(),
        ));
        let extra_roots_pem = args.ca_file.and_then(|value| {
            let path = p.check(path("ANTOM_CA_FILE", value))?;
            p.check(read("ANTOM_CA_FILE", &path))
        });
        let number = |name: &str, value: &str, max: usize| {
            count(value, max).map_err(|e| format!("{name} must be {e}, got {value:?}"))
        };
        let duration =
            |name: &str, value: &str| parse_duration(value).map_err(|e| format!("{name}: {e}"));
        let max_attempts = p.check(number("SIDECAR_MAX_ATTEMPTS", &args.max_attempts, 100));
        let max_calls = p.check(number(
            "SIDECAR_MAX_CONCURRENT_CALLS",
            &args.max_concurrent_calls,
            1_000_000,
        ));
        let max_connections = match &args.max_connections {
            Some(value) => p.check(number("SIDECAR_MAX_CONNECTIONS", value, 10_000_000)),
            None => max_calls.map(|calls| default_max_connections(fd_limit, calls)),
        };
        let max_message_bytes = p.check(number(
            "SIDECAR_MAX_MESSAGE_BYTES",
            &args.max_message_bytes,
            1 << 30,
        ));
        let connect_timeout = p.check(duration("SIDECAR_CONNECT_TIMEOUT", &args.connect_timeout));
        let request_timeout = p.check(duration("SIDECAR_REQUEST_TIMEOUT", &args.request_timeout));
        let grace = p.check(duration("SIDECAR_SHUTDOWN_GRACE", &args.shutdown_grace));
        let handshake_timeout = p.check(duration(
            "SIDECAR_HANDSHAKE_TIMEOUT",
            &args.handshake_timeout,
        ));
        let idle_timeout = p.check(duration("SIDECAR_IDLE_TIMEOUT", &args.idle_timeout));
        let key_reload_interval = match args.key_reload_interval.trim() {
            "off" => Some(None),
            value => p.check(duration("SIDECAR_KEY_RELOAD_INTERVAL", value).map(Some)),
        };
        // At most 100: a u32.
        let max_attempts = max_attempts.map(|n| u32::try_from(n).unwrap_or(u32::MAX));
        let (
            Some(listen),
            Some(client_id),
            Some(endpoint),
            Some(key_set),
            Some(keys),
            Some(key_files),
            Some(tls),
            Some(max_attempts),
            Some(max_calls),
            Some(connect_timeout),
            Some(request_timeout),
            Some(options),
            Some(key_reload_interval),
            true,
        ) = (
            listen,
            client_id,
            endpoint,
            key_set,
            key_sources,
            key_files,
            tls,
            max_attempts,
            max_calls,
            connect_timeout,
            request_timeout,
            options(
                grace,
                handshake_timeout,
                idle_timeout,
                max_connections,
                max_message_bytes,
            ),
            key_reload_interval,
            p.0.is_empty(),
        )
        else {
            return Err(ConfigErrors(p.0));
        };
        let settings =
            Settings::builder(endpoint, client_id, key_set.auth, key_set.antom_public_keys)
                .max_attempts(max_attempts)
                .max_concurrent_calls(max_calls)
                .connect_timeout(connect_timeout)
                .request_timeout(request_timeout)
                .extra_roots_pem(extra_roots_pem)
                .build();
        Ok(Self {
            listen,
            admin,
            settings,
            keys,
            key_files,
            tls,
            key_reload_interval,
            options,
        })
    }
}

/// The server's options, once each is known good.
fn options(
    grace: Option<Duration>,
    handshake_timeout: Option<Duration>,
    idle_timeout: Option<Duration>,
    max_connections: Option<usize>,
    max_message_bytes: Option<usize>,
) -> Option<grpc::Options> {
    Some(grpc::Options {
        grace: grace?,
        limits: Limits {
            handshake_timeout: handshake_timeout?,
            idle_timeout: idle_timeout?,
            max_connections: max_connections?,
        },
        max_message_bytes: max_message_bytes?,
    })
}

/// A whole number from 1 to `max`.
fn count(value: &str, max: usize) -> Result<usize, String> {
    match value.trim().parse::<usize>() {
        Ok(n) if (1..=max).contains(&n) => Ok(n),
        _ => Err(format!("a whole number from 1 to {max}")),
    }
}

fn client_id(value: Option<&str>) -> Result<String, &'static str> {
    match value.map(str::trim) {
        Some(id) if !id.is_empty() && id.bytes().all(|b| b.is_ascii_graphic()) => Ok(id.to_owned()),
        Some(_) => Err("ANTOM_CLIENT_ID must be printable ASCII without spaces"),
        None => Err("ANTOM_CLIENT_ID is required"),
    }
}

fn endpoint(
    region: Option<String>,
    url: Option<String>,
    sandbox: bool,
) -> Result<Endpoint, String> {
    match (region, url) {
        (Some(_), Some(_)) => Err("set ANTOM_REGION or ANTOM_ENDPOINT, not both".into()),
        (Some(region), None) => region
            .parse::<Region>()
            .map(|r| Endpoint::region(r, sandbox))
            .map_err(|e| format!("ANTOM_REGION: {e}")),
        (None, Some(url)) => {
            Endpoint::base_url(&url, sandbox).map_err(|e| format!("ANTOM_ENDPOINT: {e}"))
        }
        (None, None) => Err("set ANTOM_REGION (sea, na, us, de) or ANTOM_ENDPOINT".into()),
    }
}

/// `ANTOM_SANDBOX`: `auto` (`None`: decided from the client ID and API key), or a boolean.
fn sandbox_setting(value: &str) -> Result<Option<bool>, String> {
    match value.trim() {
        // Empty as unset: the default.
        v if v.is_empty() || v.eq_ignore_ascii_case("auto") => Ok(None),
        other => parse_bool(other)
            .map(Some)
            .map_err(|e| format!("ANTOM_SANDBOX: {e}, or auto")),
    }
}

fn read(name: &str, path: &Path) -> Result<Vec<u8>, String> {
    std::fs::read(path).map_err(|e| format!("{name}: cannot read {}: {e}", path.display()))
}

#[cfg(test)]
mod tests;
