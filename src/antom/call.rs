//! One call to Antom, for every API: the retry loop within the caller's deadline, each
//! attempt's signed request (or API key), the exchange and the response's checks, and
//! what each attempt records in the metrics and the call's notes.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, HeaderValue};
use tokio::time::Instant;
use tracing::{debug, warn};

use super::{
    AntomClient, AntomError, AntomResult, Api, ApiSpec, FromAnswer, ResultStatus,
    SendPaymentResult, documented_code, error_chain,
    key_cell::{Keys, RequestAuth},
    may_retry, response, retry,
};
use crate::{
    call::Call,
    metrics::{Metrics, OTHER},
    payment::PaymentResult,
    signing::{content_to_sign, signature_header},
    telemetry::{TRACEPARENT, TRACESTATE, TraceContext},
    wire,
};

impl AntomClient {
    /// Sends `request` to API `A`, retrying what [`may_retry`] allows until the call's
    /// deadline, in the call's trace; notes the attempts and the result code in `call`.
    /// `Ok` only for a SUCCESS, signed and verified in signature mode (see
    /// [`response::interpret`] for API-key mode). Refused at once, with nothing sent,
    /// when the client's limit of calls in flight is reached.
    pub async fn call<A: Api>(
        &self,
        request: &A::Request,
        call: &Call,
    ) -> Result<A::Response, AntomError> {
        let body = Bytes::from(wire::to_json(request));
        let answer = self.send(A::SPEC, body, call).await?;
        A::Response::from_answer(answer.result, &answer.body)
    }

    /// [`Self::call`] of `sendPaymentResult`.
    pub async fn send_payment_result(
        &self,
        payment: &PaymentResult,
        call: &Call,
    ) -> Result<AntomResult, AntomError> {
        self.call::<SendPaymentResult>(payment, call).await
    }

    /// The one loop behind [`Self::call`], for every API: `body` to `api`, attempt after
    /// attempt, until a SUCCESS, a failure not to retry, or the deadline.
    async fn send(&self, api: ApiSpec, body: Bytes, call: &Call) -> Result<Answer, AntomError> {
        let Ok(_permit) = self.in_flight.try_acquire() else {
            let refused = AntomError::Overloaded {
                limit: self.max_concurrent_calls,
            };
            self.metrics.call_shed(refused.reason().unwrap_or_default());
            return Err(refused);
        };
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
                self.metrics.antom_retry(api.name, retry::cause(previous));
            }
            // Each attempt's code is its own: none until it answers (one cut short by a
            // timeout or a cancelled call never does).
            call.note(|n| {
                n.attempts = attempt;
                n.result_code = None;
            });
            let attempted = self.attempt(&api, &body, &keys, call);
            let outcome = match tokio::time::timeout(budget, attempted).await {
                Ok(outcome) => outcome,
                Err(_) => Err(timeout(attempt, previous.as_ref())),
            };
            let mut failure = match outcome {
                Ok(a) if a.result.result_status == ResultStatus::Success => return Ok(a),
                Ok(a) => AntomError::Rejected(a.result),
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
                AntomError::Unreachable { detail, .. } if !detail.is_empty() => {
                    Some(detail.as_str())
                }
                _ => None,
            };
            if !may_retry(&api, &failure) || attempt >= retry.max_attempts {
                if let Some(detail) = detail {
                    warn!(%trace_id, api = api.name, attempt, error = %detail, "Antom call failed: {failure}");
                }
                return Err(failure);
            }
            let delay = retry.delay(attempt);
            if deadline.is_some_and(|d| Instant::now() + delay >= d) {
                // The deadline cuts the retries short: that is a deadline hit.
                return Err(timeout(attempt, Some(&failure)));
            }
            warn!(%trace_id, api = api.name, attempt, delay_ms = delay.as_millis() as u64, cause = %failure, error = detail, "retrying Antom call");
            tokio::time::sleep(delay).await;
            previous = Some(failure);
        }
    }

    /// Records one attempt's outcome at `api` in the metrics and the call's notes.
    fn observe(
        &self,
        api: &ApiSpec,
        outcome: &Result<Answer, AntomError>,
        elapsed: Duration,
        call: &Call,
    ) {
        let answer = match outcome {
            Ok(Answer { result: r, .. }) | Err(AntomError::Rejected(r)) => Some(r),
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
        self.metrics.antom_attempt(api.name, labels, elapsed);
    }

    /// One signed request to `api` and its checked response, recorded in the metrics
    /// and the call's notes. Timed from sending: one cut short (by a timeout, or because
    /// the call was dropped) counts as an attempt without an answer.
    async fn attempt(
        &self,
        api: &ApiSpec,
        body: &Bytes,
        keys: &Keys,
        call: &Call,
    ) -> Result<Answer, AntomError> {
        let request = self.signed_request(api, body, keys, &call.trace);
        let timer = AttemptTimer {
            metrics: &self.metrics,
            api: api.name,
            started: Instant::now(),
            stopped: false,
        };
        let path = self.endpoint.path(api);
        let outcome = self.exchange(path, request, keys, &call.trace).await;
        self.observe(api, &outcome, timer.stop(), call);
        outcome
    }

    /// The request to `api`, signed anew each time, so that every attempt carries a
    /// fresh `Request-Time`.
    fn signed_request(
        &self,
        api: &ApiSpec,
        body: &Bytes,
        keys: &Keys,
        trace: &TraceContext,
    ) -> reqwest::RequestBuilder {
        let time = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default()
            .as_millis()
            .to_string();
        let path = self.endpoint.path(api);
        let mut request = self
            .http
            .post(self.endpoint.url(api))
            .header(CONTENT_TYPE, "application/json; charset=UTF-8")
            .header("Client-Id", &self.client_id)
            .header("Request-Time", &time)
            .header(TRACEPARENT, trace.traceparent());
        if let Some(state) = &trace.state {
            request = request.header(TRACESTATE, state.clone());
        }
        request = match &keys.auth {
            RequestAuth::Sign { key, key_version } => {
                let content = content_to_sign("POST", path, &self.client_id, &time, body);
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

    /// Sends `request` (to `path`) and checks the response.
    async fn exchange(
        &self,
        path: &str,
        request: reqwest::RequestBuilder,
        keys: &Keys,
        trace: &TraceContext,
    ) -> Result<Answer, AntomError> {
        let transport = |e: reqwest::Error| {
            let detail = error_chain(&e);
            let trace_id = trace.trace_id_hex();
            debug!(%trace_id, error = %detail, "Antom request failed");
            AntomError::Unreachable {
                attempts: 1,
                cause: transport_cause(&e),
                detail,
                nothing_sent: e.is_connect(),
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
            path,
            client_id: &self.client_id,
            keys: &keys.antom_public_keys,
            signed_success: matches!(keys.auth, RequestAuth::Sign { .. }),
        };
        let result = response::interpret(status, &headers, &bytes, &expect)?;
        Ok(Answer {
            result,
            body: bytes,
        })
    }
}

/// Antom's verified answer: its `result`, and the whole body for [`FromAnswer`].
struct Answer {
    result: AntomResult,
    body: Vec<u8>,
}

/// Records an attempt that ends without an outcome (dropped) as one without an answer.
struct AttemptTimer<'a> {
    metrics: &'a Metrics,
    api: &'static str,
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
            self.metrics.antom_attempt(self.api, None, elapsed);
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
