//! Values of the command line that need parsing: listen addresses and durations.

use std::{fmt, net::SocketAddr, path::PathBuf, str::FromStr, time::Duration};

/// `IP:PORT`, `localhost:PORT` or `unix:/path`.
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
            // `localhost` is loopback's IPv4 address, 127.0.0.1 (a client that resolves
            // it to ::1 first falls back to it).
            None => match s.strip_prefix("localhost:").map(str::parse::<u16>) {
                Some(Ok(port)) => Ok(Self::Tcp(SocketAddr::from(([127, 0, 0, 1], port)))),
                Some(Err(_)) => Err(format!("{s:?}: the port must be a number from 0 to 65535")),
                None => s.parse().map(Self::Tcp).map_err(|_| {
                    format!(
                        "{s:?} is not an address to listen on: give IP:PORT (127.0.0.1:50051, \
                         [::1]:50051, 0.0.0.0:50051 for every interface), localhost:PORT, or \
                         unix:/path"
                    )
                }),
            },
        }
    }
}

/// `SIDECAR_ADMIN_LISTEN`: an address like [`ListenAddr`], or `off`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AdminListen(pub Option<ListenAddr>);

impl FromStr for AdminListen {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim() {
            "off" => Ok(Self(None)),
            addr => addr
                .parse()
                .map(|a| Self(Some(a)))
                .map_err(|e| format!("{e}, or off")),
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

/// `500ms`, `3s`, `2m`: more than zero, at most a day.
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    let s = s.trim();
    let invalid =
        || format!("{s:?} is not a duration like 500ms, 3s or 2m (more than zero, at most a day)");
    let split = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let (n, unit) = s.split_at(split);
    let n: u64 = n.parse().map_err(|_| invalid())?;
    let d = match unit {
        "ms" => Duration::from_millis(n),
        "s" => Duration::from_secs(n),
        "m" => Duration::from_secs(n.checked_mul(60).ok_or_else(invalid)?),
        _ => return Err(invalid()),
    };
    if d.is_zero() || d > Duration::from_secs(86_400) {
        return Err(invalid());
    }
    Ok(d)
}

/// A duration as [`parse_duration`] reads it: `500ms`, `3s`, `2m`.
pub fn format_duration(d: Duration) -> String {
    match (d.subsec_millis(), d.as_secs()) {
        (0, s) if s % 60 == 0 && s > 0 => format!("{}m", s / 60),
        (0, s) => format!("{s}s"),
        _ => format!("{}ms", d.as_millis()),
    }
}

/// `true`/`false`, `1`/`0`, `yes`/`no`, `on`/`off`.
pub fn parse_bool(s: &str) -> Result<bool, String> {
    match s.trim().to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" | "on" => Ok(true),
        "false" | "0" | "no" | "off" | "" => Ok(false),
        _ => Err(format!("{s:?} is not true/false, 1/0, yes/no or on/off")),
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
        assert!(parse_duration("0s").is_err());
        assert!(parse_duration("307445734561825861m").is_err());
        assert!(parse_duration("2d").is_err());
        assert_eq!(parse_bool("Yes"), Ok(true));
        assert_eq!(parse_bool("off"), Ok(false));
        assert!(parse_bool("maybe").is_err());
        for text in ["500ms", "3s", "2m", "90s", "1500ms"] {
            assert_eq!(
                parse_duration(text).map(format_duration).as_deref(),
                Ok(text)
            );
        }
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
