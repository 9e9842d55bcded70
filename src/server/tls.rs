//! TLS on a listener: the acceptor new connections handshake with, swapped whole when its
//! files change (a connection keeps the configuration it was accepted with), and its
//! loading from PEM files: a certificate chain, its private key, and optionally the CAs
//! that client certificates must chain to (mTLS).

use std::{
    path::{Path, PathBuf},
    sync::{Arc, PoisonError, RwLock},
};

use tokio_rustls::{
    TlsAcceptor,
    rustls::{
        RootCertStore, ServerConfig,
        pki_types::{CertificateDer, PrivateKeyDer, pem::PemObject},
        server::WebPkiClientVerifier,
    },
};
use zeroize::Zeroizing;

/// The acceptor in force; cheap to clone, shared with whatever reloads it.
#[derive(Clone)]
pub struct TlsCell(Arc<RwLock<TlsAcceptor>>);

impl TlsCell {
    /// A cell holding `acceptor`.
    pub fn new(acceptor: TlsAcceptor) -> Self {
        Self(Arc::new(RwLock::new(acceptor)))
    }

    /// The acceptor for a connection accepted now.
    pub fn current(&self) -> TlsAcceptor {
        self.0
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Accepts new connections with `acceptor` from now on.
    pub fn replace(&self, acceptor: TlsAcceptor) {
        *self.0.write().unwrap_or_else(PoisonError::into_inner) = acceptor;
    }
}

impl std::fmt::Debug for TlsCell {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TlsCell { .. }")
    }
}

/// The files of a listener's TLS, each with the setting that named it.
#[derive(Debug)]
pub struct TlsFiles {
    /// The certificate chain, leaf first (`SIDECAR_TLS_CERT_FILE`).
    pub cert: PathBuf,
    /// Its private key (`SIDECAR_TLS_KEY_FILE`).
    pub key: PathBuf,
    /// CAs that client certificates must chain to; set, a client without one is refused
    /// (`SIDECAR_TLS_CLIENT_CA_FILE`).
    pub client_ca: Option<PathBuf>,
}

/// The settings' names, in errors and logs.
pub const CERT_SETTING: &str = "SIDECAR_TLS_CERT_FILE";
/// See [`CERT_SETTING`].
pub const KEY_SETTING: &str = "SIDECAR_TLS_KEY_FILE";
/// See [`CERT_SETTING`].
pub const CLIENT_CA_SETTING: &str = "SIDECAR_TLS_CLIENT_CA_FILE";

impl TlsFiles {
    /// Each file with its setting.
    pub fn files(&self) -> Vec<(&'static str, &Path)> {
        let mut files = vec![(CERT_SETTING, &*self.cert), (KEY_SETTING, &*self.key)];
        files.extend(self.client_ca.as_deref().map(|ca| (CLIENT_CA_SETTING, ca)));
        files
    }

    /// Reads the files and builds an acceptor for gRPC (ALPN `h2`), TLS 1.2 and 1.3;
    /// every problem, each naming its setting (never key bytes).
    pub fn load(&self) -> Result<TlsAcceptor, Vec<String>> {
        let mut problems = Vec::new();
        let chain = keep(&mut problems, certificates(CERT_SETTING, &self.cert));
        let key = keep(&mut problems, private_key(&self.key));
        let verifier = match &self.client_ca {
            Some(ca) => keep(&mut problems, client_verifier(ca).map(Some)),
            None => Some(None),
        };
        let (Some(chain), Some(key), Some(verifier)) = (chain, key, verifier) else {
            return Err(problems);
        };
        let builder = ServerConfig::builder();
        let builder = match verifier {
            Some(verifier) => builder.with_client_cert_verifier(verifier),
            None => builder.with_no_client_auth(),
        };
        let mut config = builder.with_single_cert(chain, key).map_err(|e| {
            vec![format!(
                "{CERT_SETTING} and {KEY_SETTING} do not make a usable identity (does the key match the certificate?): {e}"
            )]
        })?;
        config.alpn_protocols = vec![b"h2".to_vec()];
        Ok(TlsAcceptor::from(Arc::new(config)))
    }
}

fn keep<T>(problems: &mut Vec<String>, result: Result<T, String>) -> Option<T> {
    result.map_err(|e| problems.push(e)).ok()
}

/// Verifies client certificates against the CAs in `path`.
fn client_verifier(
    path: &Path,
) -> Result<Arc<dyn tokio_rustls::rustls::server::danger::ClientCertVerifier>, String> {
    let mut roots = RootCertStore::empty();
    let (_, ignored) = roots.add_parsable_certificates(certificates(CLIENT_CA_SETTING, path)?);
    if roots.is_empty() || ignored > 0 {
        return Err(format!(
            "{CLIENT_CA_SETTING}: not every certificate in {} is a usable CA certificate",
            path.display()
        ));
    }
    WebPkiClientVerifier::builder(Arc::new(roots))
        .build()
        .map_err(|e| format!("{CLIENT_CA_SETTING}: {e}"))
}

/// Every certificate in a PEM file: at least one.
fn certificates(setting: &str, path: &Path) -> Result<Vec<CertificateDer<'static>>, String> {
    let pem = std::fs::read(path)
        .map_err(|e| format!("{setting}: cannot read {}: {e}", path.display()))?;
    let certs = CertificateDer::pem_slice_iter(&pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| format!("{setting}: {} is not PEM: {e}", path.display()))?;
    if certs.is_empty() {
        return Err(format!(
            "{setting}: {} holds no CERTIFICATE block",
            path.display()
        ));
    }
    Ok(certs)
}

/// The private key in a PEM file (PKCS#8, PKCS#1 or SEC1).
fn private_key(path: &Path) -> Result<PrivateKeyDer<'static>, String> {
    let pem = Zeroizing::new(
        std::fs::read(path)
            .map_err(|e| format!("{KEY_SETTING}: cannot read {}: {e}", path.display()))?,
    );
    PrivateKeyDer::from_pem_slice(&pem).map_err(|_| {
        format!(
            "{KEY_SETTING}: {} holds no PEM private key (PKCS#8, PKCS#1 or SEC1)",
            path.display()
        )
    })
}
