//! The Antom client: one pooled HTTPS client, request signing (or API key), retries
//! with backoff within the caller's deadline, and response verification.

mod endpoint;
mod error;
mod key_cell;
mod response;
mod retry;
mod settings;

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use key_cell::{KeyCell, Keys, RequestAuth};
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, HeaderValue};
use tokio::{sync::Semaphore, time::Instant};
use tracing::{debug, warn};

pub use endpoint::{
    Endpoint, EndpointError, PAYMENT_RESULT_PATH, Region, SANDBOX_PAYMENT_RESULT_PATH,
};
pub use error::AntomError;
pub use response::{
    AntomResult, ResultStatus, documented_code, documented_results, documented_status,
};
pub use retry::{RetryPolicy, is_retryable};
pub use settings::{
    Auth, DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_ATTEMPTS, DEFAULT_MAX_CONCURRENT_CALLS,
    DEFAULT_REQUEST_TIMEOUT, Settings, SettingsBuilder,
};

use crate::{
    call::Call,
    metrics::{Metrics, OTHER, SEND_PAYMENT_RESULT},
    payment::PaymentResult,
    signing::{VerifyingKey, content_to_sign, signature_header},
    telemetry::{TRACEPARENT, TRACESTATE, TraceContext},
};

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

    /// Sends `payment` to `sendPaymentResult`, retrying what [`is_retryable`] allows
    /// until the call's deadline, in the call's trace; notes the attempts and the result
    /// code in `call`. `Ok` only for a SUCCESS, signed and verified in signature mode
    /// (see [`response::interpret`] for API-key mode). Refused at once, with
    /// nothing sent, when the client's limit of calls in flight is reached.
    pub async fn send_payment_result(
        &self,
        payment: &PaymentResult,
        call: &Call,
    ) -> Result<AntomResult, AntomError> {
        let Ok(_permit) = self.in_flight.try_acquire() else {
            let refused = AntomError::Overloaded {
                limit: self.max_concurrent_calls,
            };
            self.metrics.call_shed(refused.reason().unwrap_or_default());
            return Err(refused);
        };
        let body = Bytes::from(payment.to_wire());
        // One key set for every attempt, even if the keys rotate meanwhile.
        let keys = self.keys.current();
        let (retry, deadline) = (self.retry, call.deadline);
        let mut attempt = 0;
        // The last retryable failure, named when the deadline ends the call.
        let mut previous: Option<AntomError> = None;
        let timeout = |attempts, previous: Option<&AntomError>| AntomError::Timeout {
            attempts,
            last: previous.map(describe),
        };
        loop {
            attempt += 1;
            let budget = match deadline {
                Some(d) => d
                    .saturating_duration_since(Instant::now())
                    .min(self.request_timeout),
                None => self.request_timeout,
            };
            if budget.is_zero() {
                return Err(timeout(attempt - 1, previous.as_ref()));
            }
            if let Some(previous) = &previous {
                // Counted as it happens: a call dropped during the backoff retries nothing.
                self.metrics
                    .antom_retry(SEND_PAYMENT_RESULT, retry::cause(previous));
            }
            call.note(|n| n.attempts = attempt);
            let outcome = match tokio::time::timeout(budget, self.attempt(&body, &keys, call)).await
            {
                Ok(outcome) => outcome,
                Err(_) => Err(timeout(attempt, previous.as_ref())),
            };
            let mut failure = match outcome {
                Ok(r) if r.result_status == ResultStatus::Success => return Ok(r),
                Ok(r) => AntomError::Rejected(r),
                Err(AntomError::Timeout { .. })
                    if deadline.is_some_and(|d| Instant::now() >= d) =>
                {
                    return Err(timeout(attempt, previous.as_ref()));
                }
                Err(e) => e,
            };
            if let AntomError::Unreachable { attempts, .. } = &mut failure {
                *attempts = attempt;
            }
            // One line per failed attempt, with the transport's whole story if any.
            let trace_id = call.trace.trace_id_hex();
            let detail = match &failure {
                AntomError::Unreachable { detail, .. } => detail.as_str(),
                _ => "",
            };
            if !is_retryable(&failure) || attempt >= retry.max_attempts {
                if !detail.is_empty() {
                    warn!(%trace_id, attempt, error = %detail, "Antom call failed: {failure}");
                }
                return Err(failure);
            }
            let delay = retry.delay(attempt);
            if deadline.is_some_and(|d| Instant::now() + delay >= d) {
                // The deadline cuts the retries short: that is a deadline hit.
                return Err(timeout(attempt, Some(&failure)));
            }
            warn!(%trace_id, attempt, delay_ms = delay.as_millis() as u64, cause = %failure, error = %detail, "retrying Antom call");
            tokio::time::sleep(delay).await;
            previous = Some(failure);
        }
    }

    /// Records one attempt's outcome in the metrics and the call's notes.
    fn observe(&self, outcome: &Result<AntomResult, AntomError>, elapsed: Duration, call: &Call) {
        let answer = match outcome {
            Ok(r) | Err(AntomError::Rejected(r)) => Some(r),
            Err(_) => None,
        };
        if let Some(r) = answer {
            call.note(|n| n.result_code = Some(r.result_code.clone()));
        }
        if let Err(e @ (AntomError::BadSignature { .. } | AntomError::Unsigned { .. })) = outcome {
            self.metrics
                .verification_failed(e.reason().unwrap_or_default());
        }
        let labels = answer.map(|r| {
            let code = documented_code(&r.result_code).unwrap_or(OTHER);
            (r.result_status.as_str(), code)
        });
        self.metrics
            .antom_attempt(SEND_PAYMENT_RESULT, labels, elapsed);
    }

    /// One signed request and its checked response, recorded in the metrics and the
    /// call's notes. Timed from sending: one cut short (by a timeout, or because the
    /// call was dropped) counts as an attempt without an answer.
    async fn attempt(
        &self,
        body: &Bytes,
        keys: &Keys,
        call: &Call,
    ) -> Result<AntomResult, AntomError> {
        let request = self.signed_request(body, keys, &call.trace);
        let timer = AttemptTimer {
            metrics: &self.metrics,
            started: Instant::now(),
            stopped: false,
        };
        let outcome = self.exchange(request, keys, &call.trace).await;
        self.observe(&outcome, timer.stop(), call);
        outcome
    }

    /// The request, signed anew each time, so that every attempt carries a fresh
    /// `Request-Time`.
    fn signed_request(
        &self,
        body: &Bytes,
        keys: &Keys,
        trace: &TraceContext,
    ) -> reqwest::RequestBuilder {
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
            .header("Request-Time", &time)
            .header(TRACEPARENT, trace.traceparent());
        if let Some(state) = &trace.state {
            request = request.header(TRACESTATE, state.clone());
        }
        request = match &keys.auth {
            RequestAuth::Sign { key, key_version } => {
                let content =
                    content_to_sign("POST", self.endpoint.path(), &self.client_id, &time, body);
                let signature = signature_header(key_version, &key.sign(&content));
                // Base64 and `=`: always a valid header value. Sensitive: left out of
                // HTTP/2's header compression table and printed as "Sensitive" by the
                // HTTP libraries' trace logs.
                let mut value = HeaderValue::from_str(&signature)
                    .unwrap_or_else(|_| HeaderValue::from_static(""));
                value.set_sensitive(true);
                request.header("Signature", value)
            }
            RequestAuth::Bearer(value) => request.header(AUTHORIZATION, value.clone()),
        };
        request.body(body.clone())
    }

    /// Sends `request` and checks the response.
    async fn exchange(
        &self,
        request: reqwest::RequestBuilder,
        keys: &Keys,
        trace: &TraceContext,
    ) -> Result<AntomResult, AntomError> {
        let transport = |e: reqwest::Error| {
            let detail = error_chain(&e);
            let trace_id = trace.trace_id_hex();
            debug!(%trace_id, error = %detail, "Antom request failed");
            AntomError::Unreachable {
                attempts: 1,
                cause: transport_cause(&e),
                detail,
            }
        };
        let mut response = request.send().await.map_err(transport)?;
        let status = response.status();
        if status != reqwest::StatusCode::OK {
            // Judged by its status alone: a proxy's large error page is still a 502.
            return Err(AntomError::HttpStatus {
                status: status.as_u16(),
            });
        }
        let headers = std::mem::take(response.headers_mut());
        let mut bytes = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(transport)? {
            if bytes.len() + chunk.len() > MAX_RESPONSE_BYTES {
                let reason = format!("the body is over {} KiB", MAX_RESPONSE_BYTES / 1024);
                return Err(AntomError::Malformed { reason });
            }
            bytes.extend_from_slice(&chunk);
        }
        let expect = response::Expect {
            path: self.endpoint.path(),
            client_id: &self.client_id,
            keys: &keys.antom_public_keys,
            signed_success: matches!(keys.auth, RequestAuth::Sign { .. }),
        };
        response::interpret(status, &headers, &bytes, &expect)
    }
}

/// Records an attempt that ends without an outcome (dropped) as one without an answer.
struct AttemptTimer<'a> {
    metrics: &'a Metrics,
    started: Instant,
    stopped: bool,
}

impl AttemptTimer<'_> {
    /// The attempt's time; the caller records its outcome.
    fn stop(mut self) -> Duration {
        self.stopped = true;
        self.started.elapsed()
    }
}

impl Drop for AttemptTimer<'_> {
    fn drop(&mut self) {
        if !self.stopped {
            let elapsed = self.started.elapsed();
            self.metrics
                .antom_attempt(SEND_PAYMENT_RESULT, None, elapsed);
        }
    }
}

/// Antom's answers are a few hundred bytes; anything far larger is not Antom's.
const MAX_RESPONSE_BYTES: usize = 64 * 1024;

/// A failure in a few words, for the message of a later timeout (no nesting).
fn describe(e: &AntomError) -> String {
    match e {
        AntomError::Timeout { .. } => "no answer within the request timeout".into(),
        other => other.to_string(),
    }
}

/// What the caller is told about a transport failure; the full chain goes to the log.
fn transport_cause(e: &reqwest::Error) -> &'static str {
    let chain = error_chain(e).to_ascii_lowercase();
    if chain.contains("certificate") || chain.contains("tls") || chain.contains("handshake") {
        "TLS handshake failed (is the server's certificate trusted? see ANTOM_CA_FILE)"
    } else if e.is_connect() {
        "cannot connect"
    } else {
        "the connection closed before an answer"
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
