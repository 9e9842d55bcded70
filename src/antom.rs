//! The Antom client: one pooled HTTPS client, request signing (or API key), retries
//! with backoff within the caller's deadline, and response verification.

mod endpoint;
mod response;
mod retry;

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, HeaderValue};
use tokio::time::Instant;
use tracing::{debug, warn};

pub use endpoint::{
    Endpoint, EndpointError, PAYMENT_RESULT_PATH, Region, SANDBOX_PAYMENT_RESULT_PATH,
};
pub use response::{AntomResult, ResultStatus};
pub use retry::RetryPolicy;

use crate::{
    payment::PaymentResult,
    secret::Secret,
    signing::{SigningKey, VerifyingKey, content_to_sign, signature_header},
};

/// `User-Agent` of every request.
pub const USER_AGENT_VALUE: &str = concat!("antom-sidecar/", env!("CARGO_PKG_VERSION"));

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

/// Everything the client needs; built by `config`, or by tests directly.
#[derive(Debug)]
pub struct Settings {
    /// Where to send.
    pub endpoint: Endpoint,
    /// `Client-Id`.
    pub client_id: String,
    /// Signature or API key.
    pub auth: Auth,
    /// Antom's public key, to verify responses.
    pub antom_public_key: VerifyingKey,
    /// Retry policy.
    pub retry: RetryPolicy,
    /// TCP + TLS connect timeout.
    pub connect_timeout: Duration,
    /// Timeout of one attempt (request sent to body read).
    pub request_timeout: Duration,
    /// Extra trust roots (PEM), added to the system's.
    pub extra_roots_pem: Option<Vec<u8>>,
}

/// Why a call did not end in Antom's SUCCESS.
#[derive(Debug, thiserror::Error)]
pub enum AntomError {
    /// Antom answered with a result other than S.
    #[error("Antom answered {} ({}): {}", .0.result_code, .0.result_status, .0.result_message)]
    Rejected(AntomResult),
    /// No connection, or the connection broke.
    #[error("cannot reach Antom after {attempts} attempt(s): {cause}")]
    Unreachable {
        /// Attempts made.
        attempts: u32,
        /// The last transport error.
        cause: String,
    },
    /// The caller's deadline, or every attempt's timeout, passed.
    #[error("no answer from Antom in time ({attempts} attempt(s))")]
    Timeout {
        /// Attempts made.
        attempts: u32,
    },
    /// HTTP status other than 200.
    #[error("Antom answered HTTP {status}")]
    HttpStatus {
        /// The status code.
        status: u16,
    },
    /// A 200 whose body is not Antom's `{"result":{...}}`.
    #[error("Antom's response is malformed: {reason}")]
    Malformed {
        /// The parser's complaint.
        reason: String,
    },
    /// A signature that does not verify.
    #[error(
        "Antom's response signature is invalid: {reason}; the outcome of the call is unknown. \
         If every response fails this way, ANTOM_PUBLIC_KEY is probably not Antom's public key \
         (a common mistake is to configure the merchant's own public key)"
    )]
    BadSignature {
        /// What failed.
        reason: &'static str,
    },
    /// Signature headers missing where the policy requires them.
    #[error("Antom's response is not properly signed: {what}; the outcome of the call is unknown")]
    Unsigned {
        /// What is missing.
        what: &'static str,
    },
}

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
    auth: RequestAuth,
    antom_public_key: VerifyingKey,
    retry: RetryPolicy,
    request_timeout: Duration,
}

/// [`Auth`] made ready for requests: the bearer header is built once, marked sensitive.
#[derive(Debug)]
enum RequestAuth {
    Sign {
        key: SigningKey,
        key_version: String,
    },
    Bearer(HeaderValue),
}

enum Failure {
    /// No answer: worth another attempt.
    Transport(String),
    /// An answer that ends the call.
    Final(AntomError),
}

impl AntomClient {
    /// Builds the pooled HTTP client.
    pub fn new(settings: Settings) -> Result<Self, ClientBuildError> {
        let mut builder = reqwest::Client::builder()
            .user_agent(USER_AGENT_VALUE)
            .connect_timeout(settings.connect_timeout)
            .pool_idle_timeout(Duration::from_secs(60))
            .tcp_keepalive(Duration::from_secs(30))
            .https_only(false);
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
        let auth = match settings.auth {
            Auth::ApiKey(key) => {
                let mut value = HeaderValue::from_str(&format!("Bearer {}", key.expose()))
                    .map_err(|_| {
                        ClientBuildError(
                            "the API key holds characters not allowed in a header".into(),
                        )
                    })?;
                value.set_sensitive(true);
                RequestAuth::Bearer(value)
            }
            Auth::Signature { key, key_version } => RequestAuth::Sign { key, key_version },
        };
        Ok(Self {
            http,
            endpoint: settings.endpoint,
            client_id: settings.client_id,
            auth,
            antom_public_key: settings.antom_public_key,
            retry: settings.retry,
            request_timeout: settings.request_timeout,
        })
    }

    /// The endpoint requests go to.
    pub fn endpoint(&self) -> &Endpoint {
        &self.endpoint
    }

    /// Sends `payment` to `sendPaymentResult`, retrying U results and connection
    /// failures until `deadline`. `Ok` only for a signed, verified SUCCESS.
    pub async fn send_payment_result(
        &self,
        payment: &PaymentResult,
        deadline: Option<Instant>,
    ) -> Result<AntomResult, AntomError> {
        let body = Bytes::from(payment.to_wire());
        let retry = self.retry;
        let mut attempt = 0;
        loop {
            attempt += 1;
            let budget = match deadline {
                Some(d) => d
                    .saturating_duration_since(Instant::now())
                    .min(self.request_timeout),
                None => self.request_timeout,
            };
            if budget.is_zero() {
                return Err(AntomError::Timeout {
                    attempts: attempt - 1,
                });
            }
            let last = match tokio::time::timeout(budget, self.attempt(&body)).await {
                Ok(Ok(r)) if r.result_status == ResultStatus::Success => return Ok(r),
                Ok(Ok(r)) if r.result_status == ResultStatus::Unknown => AntomError::Rejected(r),
                Ok(Ok(r)) => return Err(AntomError::Rejected(r)),
                Ok(Err(Failure::Final(e))) => return Err(e),
                Ok(Err(Failure::Transport(cause))) => AntomError::Unreachable {
                    attempts: attempt,
                    cause,
                },
                Err(_) if deadline.is_some_and(|d| Instant::now() >= d) => {
                    return Err(AntomError::Timeout { attempts: attempt });
                }
                Err(_) => AntomError::Timeout { attempts: attempt },
            };
            if attempt >= retry.max_attempts {
                return Err(last);
            }
            let delay = retry.delay(attempt);
            if deadline.is_some_and(|d| Instant::now() + delay >= d) {
                debug!(attempt, "no time left for another attempt");
                return Err(last);
            }
            warn!(attempt, delay_ms = delay.as_millis() as u64, cause = %last, "retrying Antom call");
            tokio::time::sleep(delay).await;
        }
    }

    /// One signed request and its checked response. Signed anew each time, so every
    /// attempt carries a fresh `Request-Time`.
    async fn attempt(&self, body: &Bytes) -> Result<AntomResult, Failure> {
        let time = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default()
            .as_millis()
            .to_string();
        let mut request = self
            .http
            .post(self.endpoint.url().clone())
            .header(CONTENT_TYPE, "application/json; charset=UTF-8")
            .header("Client-Id", &self.client_id)
            .header("Request-Time", &time);
        request = match &self.auth {
            RequestAuth::Sign { key, key_version } => {
                let content =
                    content_to_sign("POST", self.endpoint.path(), &self.client_id, &time, body);
                request.header(
                    "Signature",
                    signature_header(key_version, &key.sign(&content)),
                )
            }
            RequestAuth::Bearer(value) => request.header(AUTHORIZATION, value.clone()),
        };
        let transport = |e: reqwest::Error| Failure::Transport(error_chain(&e));
        let response = request.body(body.clone()).send().await.map_err(transport)?;
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response.bytes().await.map_err(transport)?;
        let expect = response::Expect {
            path: self.endpoint.path(),
            client_id: &self.client_id,
            key: &self.antom_public_key,
        };
        response::interpret(status, &headers, &bytes, &expect).map_err(Failure::Final)
    }
}

/// An error and its sources on one line: reqwest's top-level message alone ("error
/// sending request") says nothing useful.
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        out.push_str(": ");
        out.push_str(&s.to_string());
        source = s.source();
    }
    out
}
