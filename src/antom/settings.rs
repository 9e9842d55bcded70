//! What an [`super::AntomClient`] is built from, and the defaults that `serve`'s flags
//! show: written once, here.

use std::time::Duration;

use super::{Endpoint, RetryPolicy};
use crate::{
    secret::Secret,
    signing::{SigningKey, VerifyingKey},
};

/// Attempts per call in all, the first included.
pub const DEFAULT_MAX_ATTEMPTS: u32 = 3;
/// TCP + TLS connect timeout.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(3);
/// Calls in flight toward Antom at once; more are refused, never queued.
pub const DEFAULT_MAX_CONCURRENT_CALLS: usize = 256;
/// Timeout of one attempt.
pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

/// How requests prove who sent them.
#[derive(Debug)]
pub enum Auth {
    /// RSA signature with the merchant's private key (`Signature` header).
    Signature {
        /// The merchant's private key.
        key: SigningKey,
        /// `keyVersion` in the header: which of the merchant's keys this is.
        key_version: String,
    },
    /// `Authorization: Bearer <key>` instead of a signature.
    ApiKey(Secret),
}

impl Auth {
    /// Signing with `key`, announced as key version `1` (Antom's first key).
    pub fn signature(key: SigningKey) -> Self {
        Self::Signature {
            key,
            key_version: "1".into(),
        }
    }
}

/// Everything the client needs; made with [`Settings::builder`].
#[derive(Debug)]
pub struct Settings {
    pub(super) endpoint: Endpoint,
    pub(super) client_id: String,
    pub(super) auth: Auth,
    /// Verify Antom's responses: one key, or during Antom's rotation several (any
    /// verifying a response accepts it).
    pub(super) antom_public_keys: Vec<VerifyingKey>,
    pub(super) retry: RetryPolicy,
    pub(super) connect_timeout: Duration,
    /// One attempt, request sent to body read.
    pub(super) request_timeout: Duration,
    /// Trust roots (PEM) added to the system's.
    pub(super) extra_roots_pem: Option<Vec<u8>>,
    pub(super) max_concurrent_calls: usize,
}

impl Settings {
    /// Starts from what every client needs, with the default retry policy and timeouts
    /// and the system's trust roots.
    pub fn builder(
        endpoint: Endpoint,
        client_id: impl Into<String>,
        auth: Auth,
        antom_public_keys: Vec<VerifyingKey>,
    ) -> SettingsBuilder {
        SettingsBuilder(Self {
            endpoint,
            client_id: client_id.into(),
            auth,
            antom_public_keys,
            retry: RetryPolicy::default(),
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            request_timeout: DEFAULT_REQUEST_TIMEOUT,
            extra_roots_pem: None,
            max_concurrent_calls: DEFAULT_MAX_CONCURRENT_CALLS,
        })
    }

    /// Where requests go.
    pub fn endpoint(&self) -> &Endpoint {
        &self.endpoint
    }

    /// The merchant's client ID, sent as `Client-Id`.
    pub fn client_id(&self) -> &str {
        &self.client_id
    }

    /// How requests prove who sent them.
    pub fn auth(&self) -> &Auth {
        &self.auth
    }

    /// Antom's public keys that verify its responses (none in API-key mode without one).
    pub fn antom_public_keys(&self) -> &[VerifyingKey] {
        &self.antom_public_keys
    }
}

/// Builds [`Settings`]; every setter replaces a default.
#[derive(Debug)]
#[must_use]
pub struct SettingsBuilder(Settings);

impl SettingsBuilder {
    /// Another endpoint (a TLS test calls the emulator by name, say).
    pub fn endpoint(mut self, endpoint: Endpoint) -> Self {
        self.0.endpoint = endpoint;
        self
    }

    /// Signature or API key.
    pub fn auth(mut self, auth: Auth) -> Self {
        self.0.auth = auth;
        self
    }

    /// The retry policy.
    pub fn retry(mut self, retry: RetryPolicy) -> Self {
        self.0.retry = retry;
        self
    }

    /// Attempts per call in all, keeping the policy's delays.
    pub fn max_attempts(mut self, max_attempts: u32) -> Self {
        self.0.retry.max_attempts = max_attempts;
        self
    }

    /// TCP + TLS connect timeout.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.0.connect_timeout = timeout;
        self
    }

    /// Timeout of one attempt.
    pub fn request_timeout(mut self, timeout: Duration) -> Self {
        self.0.request_timeout = timeout;
        self
    }

    /// Extra trust roots (PEM), added to the system's.
    pub fn extra_roots_pem(mut self, pem: Option<Vec<u8>>) -> Self {
        self.0.extra_roots_pem = pem;
        self
    }

    /// Calls in flight toward Antom at once (and so connections to it, at most).
    pub fn max_concurrent_calls(mut self, limit: usize) -> Self {
        self.0.max_concurrent_calls = limit;
        self
    }

    /// Finishes the settings, for [`super::AntomClient::new`].
    pub fn build(self) -> Settings {
        self.0
    }
}
