//! The keys a client signs and verifies with, swapped whole when they rotate. A call
//! takes the set in force when it starts and keeps it for all its attempts, so that a
//! rotation never mixes two sets within one call, nor fails one.

use std::sync::{Arc, PoisonError, RwLock};

use reqwest::header::HeaderValue;
use zeroize::Zeroizing;

use super::{Auth, ClientBuildError};
use crate::signing::{SigningKey, VerifyingKey};

/// One key set, made ready for requests.
#[derive(Debug)]
pub(super) struct Keys {
    pub(super) auth: RequestAuth,
    /// Verify Antom's responses: one key, or during Antom's rotation several (any
    /// verifying a response accepts it).
    pub(super) antom_public_keys: Vec<VerifyingKey>,
}

/// [`Auth`] made ready for requests: the bearer header is built once, marked sensitive.
#[derive(Debug)]
pub(super) enum RequestAuth {
    Sign {
        key: SigningKey,
        key_version: String,
    },
    Bearer(HeaderValue),
}

impl Keys {
    pub(super) fn new(
        auth: Auth,
        antom_public_keys: Vec<VerifyingKey>,
    ) -> Result<Self, ClientBuildError> {
        let auth = match auth {
            Auth::ApiKey(key) => {
                let bearer = Zeroizing::new(format!("Bearer {}", key.expose()));
                let mut value = HeaderValue::from_str(&bearer).map_err(|_| {
                    ClientBuildError("the API key holds characters not allowed in a header".into())
                })?;
                value.set_sensitive(true);
                RequestAuth::Bearer(value)
            }
            Auth::Signature { key, key_version } => RequestAuth::Sign { key, key_version },
        };
        Ok(Self {
            auth,
            antom_public_keys,
        })
    }

    /// Each key's role and fingerprint: `merchant` (the public half of the signing key)
    /// and `antom` (each of Antom's public keys).
    pub(super) fn fingerprints(&self) -> Vec<(&'static str, String)> {
        let merchant = match &self.auth {
            RequestAuth::Sign { key, .. } => Some(("merchant", key.fingerprint().to_owned())),
            RequestAuth::Bearer(_) => None,
        };
        let antom = (self.antom_public_keys.iter()).map(|k| ("antom", k.fingerprint().to_owned()));
        merchant.into_iter().chain(antom).collect()
    }
}

/// The key set in force. A lock held only to clone or replace an `Arc`: never across
/// signing or I/O.
#[derive(Debug)]
pub(super) struct KeyCell(RwLock<Arc<Keys>>);

impl KeyCell {
    pub(super) fn new(keys: Keys) -> Self {
        Self(RwLock::new(Arc::new(keys)))
    }

    /// The set in force now.
    pub(super) fn current(&self) -> Arc<Keys> {
        self.0
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Puts `keys` in force for calls that start from now on.
    pub(super) fn replace(&self, keys: Keys) {
        *self.0.write().unwrap_or_else(PoisonError::into_inner) = Arc::new(keys);
    }
}
