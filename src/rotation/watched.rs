//! The two things reloaded: the Antom client's keys, and the gRPC listener's TLS.

use std::{path::Path, sync::Arc};

use super::{KEY, Reload, TLS};
use crate::{
    antom::AntomClient,
    config::{KeySet, KeySources},
    metrics::Metrics,
    server::{TlsCell, TlsFiles},
};
use tokio_rustls::TlsAcceptor;

/// The keys: loaded by start-up's rules, swapped into the client, named in the metrics.
pub(crate) struct KeyReload {
    pub(crate) sources: KeySources,
    pub(crate) client: Arc<AntomClient>,
    pub(crate) metrics: Metrics,
}

impl Reload for KeyReload {
    const WHAT: &'static str = KEY;
    type Set = KeySet;

    fn files(&self) -> Vec<(&'static str, &Path)> {
        self.sources.files()
    }

    fn load(&self) -> Result<KeySet, Vec<String>> {
        self.sources.load()
    }

    fn apply(&self, set: KeySet) -> Result<String, String> {
        (self.client)
            .replace_keys(set.auth, set.antom_public_keys)
            .map_err(|e| e.to_string())?;
        self.metrics.set_keys(self.client.key_fingerprints());
        Ok(self.client.keys_line())
    }
}

/// The gRPC listener's certificate, key and client CAs: new connections handshake with
/// the new set, open ones keep theirs.
pub(crate) struct TlsReload {
    pub(crate) files: TlsFiles,
    pub(crate) cell: TlsCell,
}

impl Reload for TlsReload {
    const WHAT: &'static str = TLS;
    type Set = TlsAcceptor;

    fn files(&self) -> Vec<(&'static str, &Path)> {
        self.files.files()
    }

    fn load(&self) -> Result<TlsAcceptor, Vec<String>> {
        self.files.load()
    }

    fn apply(&self, acceptor: TlsAcceptor) -> Result<String, String> {
        self.cell.replace(acceptor);
        Ok(format!("{}", self.files.cert.display()))
    }
}
