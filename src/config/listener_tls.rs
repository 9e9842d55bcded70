//! The gRPC listener's TLS settings (`SIDECAR_TLS_*_FILE`): which files, loaded as
//! `serve` starts, and what they held, so that a change to them is put in force later.

use super::path;
use crate::{
    rotation::{FileDigests, digests},
    server::{CERT_SETTING, CLIENT_CA_SETTING, KEY_SETTING, TlsCell, TlsFiles},
};

/// TLS on the gRPC listener, loaded.
#[derive(Debug)]
pub struct ListenerTls {
    /// Its files, to read again when they change.
    pub files: TlsFiles,
    /// The acceptor in force.
    pub cell: TlsCell,
    /// What the files held when it was loaded.
    pub loaded: FileDigests,
}

/// `None` without a certificate: plaintext. Every problem, each naming its setting.
pub(super) fn listener_tls(
    cert: Option<String>,
    key: Option<String>,
    client_ca: Option<String>,
) -> Result<Option<ListenerTls>, Vec<String>> {
    let files = match (cert, key) {
        (None, None) if client_ca.is_some() => {
            return Err(vec![format!(
                "{CLIENT_CA_SETTING} asks for client certificates, which needs TLS: set {CERT_SETTING} and {KEY_SETTING} too"
            )]);
        }
        (None, None) => return Ok(None),
        (Some(cert), Some(key)) => {
            let mut problems = Vec::new();
            let mut path = |name, value| path(name, value).map_err(|e| problems.push(e)).ok();
            let (cert, key) = (path(CERT_SETTING, cert), path(KEY_SETTING, key));
            let client_ca = client_ca.map(|ca| path(CLIENT_CA_SETTING, ca));
            match (cert, key, client_ca) {
                (Some(cert), Some(key), None) => TlsFiles {
                    cert,
                    key,
                    client_ca: None,
                },
                (Some(cert), Some(key), Some(Some(ca))) => TlsFiles {
                    cert,
                    key,
                    client_ca: Some(ca),
                },
                _ => return Err(problems),
            }
        }
        _ => {
            return Err(vec![format!(
                "set both {CERT_SETTING} and {KEY_SETTING}, or neither"
            )]);
        }
    };
    let loaded = digests(&files.files());
    let cell = TlsCell::new(files.load()?);
    Ok(Some(ListenerTls {
        files,
        cell,
        loaded,
    }))
}
