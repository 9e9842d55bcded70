//! The Antom client: one pooled HTTPS client, and one call path for every API (see
//! [`Api`]): request signing (or API key), retries with backoff within the caller's
//! deadline, response verification, metrics by API. Here the client's construction and
//! keys; the call path itself in `call`.

mod api;
mod call;
mod decide_answer;
mod endpoint;
mod error;
mod key_cell;
mod response;
mod retry;
mod settings;

use std::time::Duration;

use key_cell::{KeyCell, Keys};
use tokio::sync::Semaphore;

pub use api::{
    APIS, Api, ApiSpec, Decide, FromAnswer, PAYMENT_RESULT_PATH, ReportRisk,
    SANDBOX_PAYMENT_RESULT_PATH, SendPaymentResult, SendRefundResult,
};
pub use decide_answer::{AuthenticationDecision, DecideAnswer, Decision};
pub use endpoint::{Endpoint, EndpointError, Region};
pub use error::AntomError;
pub use response::{
    AntomResult, ResultStatus, documented_code, documented_results, documented_status,
};
pub use retry::{RetryPolicy, is_retryable, may_retry};
pub use settings::{
    Auth, DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_ATTEMPTS, DEFAULT_MAX_CONCURRENT_CALLS,
    DEFAULT_REQUEST_TIMEOUT, Settings, SettingsBuilder,
};

use crate::{metrics::Metrics, signing::VerifyingKey};

/// `User-Agent` of every request.
pub const USER_AGENT_VALUE: &str = concat!("antom-sidecar/", env!("CARGO_PKG_VERSION"));

/// Why [`AntomClient::new`] failed.
#[derive(Debug, thiserror::Error)]
#[error("cannot build the HTTPS client: {0}")]
pub struct ClientBuildError(String);

/// A client for Antom's risk API; cheap to share behind an `Arc`.
#[derive(Debug)]
pub struct AntomClient {
    http: reqwest::Client,
    endpoint: Endpoint,
    client_id: String,
    /// The merchant's credentials and Antom's public keys, swapped whole on rotation.
    keys: KeyCell,
    retry: RetryPolicy,
    request_timeout: Duration,
    /// One permit per call in flight, so that neither calls nor connections to Antom
    /// grow without bound.
    in_flight: Semaphore,
    max_concurrent_calls: usize,
    metrics: Metrics,
}

impl AntomClient {
    /// Builds the pooled HTTP client.
    pub fn new(settings: Settings) -> Result<Self, ClientBuildError> {
        let mut builder = reqwest::Client::builder()
            .user_agent(USER_AGENT_VALUE)
            .connect_timeout(settings.connect_timeout)
            // Connections idle 20 s are closed (reqwest checks once a period, so within
            // 40 s): after a burst over HTTP/1.1, descriptors come back soon.
            .pool_idle_timeout(Duration::from_secs(20))
            .pool_max_idle_per_host(settings.max_concurrent_calls)
            .tcp_keepalive(Duration::from_secs(30))
            // A redirect would send the signed request elsewhere, around the loopback-only
            // rule for http://; Antom does not redirect API calls.
            .redirect(reqwest::redirect::Policy::none());
        if let Some(pem) = &settings.extra_roots_pem {
            let certs = reqwest::Certificate::from_pem_bundle(pem)
                .map_err(|e| ClientBuildError(e.to_string()))?;
            if certs.is_empty() {
                return Err(ClientBuildError(
                    "ANTOM_CA_FILE holds no PEM certificate".into(),
                ));
            }
            for cert in certs {
                builder = builder.add_root_certificate(cert);
            }
        }
        let http = builder
            .build()
            .map_err(|e| ClientBuildError(e.to_string()))?;
        let keys = Keys::new(settings.auth, settings.antom_public_keys)?;
        Ok(Self {
            http,
            endpoint: settings.endpoint,
            client_id: settings.client_id,
            keys: KeyCell::new(keys),
            retry: settings.retry,
            request_timeout: settings.request_timeout,
            in_flight: Semaphore::new(settings.max_concurrent_calls),
            max_concurrent_calls: settings.max_concurrent_calls,
            metrics: Metrics::default(),
        })
    }

    /// Records attempts, retries, verification failures and refusals in `metrics`.
    pub fn with_metrics(mut self, metrics: Metrics) -> Self {
        metrics.set_max_concurrent_calls(self.max_concurrent_calls);
        self.metrics = metrics;
        self
    }

    /// Puts a new key set in force, for the calls that start from now on; calls in
    /// flight finish with the set they started with. The set must be checked whole
    /// before (as `serve` checks its keys at start-up).
    pub fn replace_keys(
        &self,
        auth: Auth,
        antom_public_keys: Vec<VerifyingKey>,
    ) -> Result<(), ClientBuildError> {
        self.keys.replace(Keys::new(auth, antom_public_keys)?);
        Ok(())
    }

    /// The keys in force, each as its role and fingerprint: `merchant` (the public half
    /// of the signing key; none with an API key) and `antom` (each of Antom's keys).
    pub fn key_fingerprints(&self) -> Vec<(&'static str, String)> {
        self.keys.current().fingerprints()
    }

    /// The same on one line, `role:fingerprint` each, for logs.
    pub fn keys_line(&self) -> String {
        let keys: Vec<String> = (self.key_fingerprints().into_iter())
            .map(|(role, fingerprint)| format!("{role}:{fingerprint}"))
            .collect();
        keys.join(" ")
    }
}

/// An error and its sources on one line: a top-level message alone (reqwest's "error
/// sending request", tonic's "transport error") says nothing useful.
pub(crate) fn error_chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        out.push_str(": ");
        out.push_str(&s.to_string());
        source = s.source();
    }
    out
}
