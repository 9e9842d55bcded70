//! An Antom stand-in: a real HTTP server that serves every API the sidecar calls (each on
//! its production and sandbox path), verifies request signatures with the merchant's
//! public key, enforces each API's body rules, answers signed with its own key, records
//! what it accepted (`GET /__emulator/received`), and injects faults chosen by
//! `referenceTransactionId` prefix (see [`Faults`]), `decide`'s decision too.

mod faults;
mod handle;
mod keys_dir;
mod rules;
mod signatures;
mod tls;

use std::{
    collections::HashMap,
    future::Future,
    sync::{Arc, Mutex},
    time::{Duration, SystemTime},
};

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::{
    Method, Request, Response, StatusCode, body::Incoming, header::CONTENT_TYPE,
    service::service_fn,
};
use serde_json::{Value, json};
use tracing::info;

/// Antom's `response-time` format; here for the callers that used it from the emulator.
pub use crate::wire::iso8601_utc;
pub use faults::Faults;
pub use handle::EmulatorHandle;
pub use keys_dir::{KeysDir, KeysDirError};
pub use tls::{TlsError, TlsIdentity};

use crate::{
    antom::{APIS, Api, ApiSpec, Decide, ResultStatus},
    secret::Secret,
    server::{Connections, Limits, Listener, TlsCell},
    signing::{SigningKey, VerifyingKey, content_to_sign, signature_header},
};

/// Path that lists accepted requests as a JSON array.
pub const RECEIVED_PATH: &str = "/__emulator/received";
/// Path that lists every API request that arrived, accepted or not.
pub const REQUESTS_PATH: &str = "/__emulator/requests";

/// The emulator's keys and credentials.
#[derive(Debug)]
pub struct EmulatorConfig {
    /// Verify request signatures: the merchant's key, or during the merchant's rotation
    /// its old and new keys (any one verifying accepts; the record names which).
    pub merchant_public_keys: Vec<VerifyingKey>,
    /// Signs responses, as Antom does with its own key.
    pub antom_private_key: SigningKey,
    /// Accepted `Authorization: Bearer` key, if API-key mode is to work.
    pub api_key: Option<Secret>,
}

/// The emulator; clones share state.
#[derive(Clone, Debug)]
pub struct Emulator {
    inner: Arc<Inner>,
    /// Serves HTTPS when set.
    tls: Option<TlsIdentity>,
}

#[derive(Debug)]
struct Inner {
    config: EmulatorConfig,
    received: Mutex<Log>,
    /// Attempts seen by `emu-flaky-`, by API and `referenceTransactionId`.
    attempts: Mutex<HashMap<String, u32>>,
    /// Every API request that arrived, accepted or not (`GET /__emulator/requests`);
    /// a watch channel so that tests can wait for one instead of sleeping.
    requests: tokio::sync::watch::Sender<Log>,
    signatures: signatures::Signatures,
}

/// The most recent [`Log::LIMIT`] entries of a log, and how many there were in all: a
/// long-running `dev` session must not grow without bound.
#[derive(Debug, Default)]
pub struct Log {
    /// Entries ever pushed.
    pub total: u64,
    /// The most recent entries, oldest first.
    pub entries: std::collections::VecDeque<Value>,
}

impl Log {
    /// Entries kept.
    pub const LIMIT: usize = 10_000;

    fn push(&mut self, entry: Value) {
        if self.entries.len() == Self::LIMIT {
            self.entries.pop_front();
        }
        self.entries.push_back(entry);
        self.total += 1;
    }
}

/// Returned by the service to make hyper close the connection without answering.
#[derive(Debug, thiserror::Error)]
#[error("connection dropped on purpose (emu-drop)")]
struct DropConnection;

type HttpResponse = Response<Full<Bytes>>;

impl Emulator {
    /// An emulator with nothing received yet.
    pub fn new(config: EmulatorConfig) -> Self {
        let inner = Inner {
            config,
            received: Mutex::default(),
            attempts: Mutex::default(),
            requests: tokio::sync::watch::Sender::new(Log::default()),
            signatures: Default::default(),
        };
        Self {
            inner: Arc::new(inner),
            tls: None,
        }
    }

    /// Serves HTTPS with `identity` instead of plain HTTP.
    pub fn with_tls(mut self, identity: &TlsIdentity) -> Self {
        self.tls = Some(identity.clone());
        self
    }

    /// Accepted requests so far, as served by `GET /__emulator/received`.
    pub fn received(&self) -> Vec<Value> {
        let log = self
            .inner
            .received
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        log.entries.iter().cloned().collect()
    }

    /// Every API request so far, accepted or not, as served by
    /// `GET /__emulator/requests`: ID, client ID, request time, signature (never an API key).
    pub fn requests(&self) -> Vec<Value> {
        self.inner
            .requests
            .borrow()
            .entries
            .iter()
            .cloned()
            .collect()
    }

    /// Watches [`Self::requests`]; a request is logged on arrival, before any delay fault.
    pub fn watch_requests(&self) -> tokio::sync::watch::Receiver<Log> {
        self.inner.requests.subscribe()
    }

    /// Serves HTTP/1.1 and HTTP/2 (HTTPS too, see [`Self::with_tls`]) on `listener`
    /// until `shutdown`, then gives open requests (a delay fault's, say) a few seconds.
    pub async fn run(self, listener: Listener, shutdown: impl Future<Output = ()>) {
        let mut connections = Connections::http("emulator", Limits::default());
        if let Some(tls) = &self.tls {
            connections = connections.with_tls(Some(TlsCell::new(tls.acceptor.clone())));
        }
        let service = service_fn(move |req| {
            let this = self.clone();
            async move { this.handle(req).await }
        });
        connections
            .serve_until(listener, service, shutdown, Duration::from_secs(5))
            .await;
    }

    async fn handle(&self, req: Request<Incoming>) -> Result<HttpResponse, DropConnection> {
        let path = req.uri().path().to_owned();
        let api = api_at(&path);
        match (req.method(), path.as_str(), api) {
            (&Method::GET, RECEIVED_PATH, _) => Ok(json_response(
                StatusCode::OK,
                Value::Array(self.received()).to_string().into(),
            )),
            (&Method::GET, REQUESTS_PATH, _) => Ok(json_response(
                StatusCode::OK,
                Value::Array(self.requests()).to_string().into(),
            )),
            (&Method::POST, _, Some(api)) => self.api_call(req, &api, &path).await,
            (&Method::POST, _, None) => {
                let client_id = rules::header(req.headers(), "client-id")
                    .unwrap_or_default()
                    .to_owned();
                Ok(self.answer(
                    &path,
                    &client_id,
                    ("NO_INTERFACE_DEF", ResultStatus::Fail, "API is not defined"),
                    &Faults::default(),
                ))
            }
            _ => Ok(text_response(StatusCode::NOT_FOUND, "not found")),
        }
    }

    /// A request to `api` at `path`: logged, faults applied, checked, answered.
    async fn api_call(
        &self,
        req: Request<Incoming>,
        api: &ApiSpec,
        path: &str,
    ) -> Result<HttpResponse, DropConnection> {
        let (parts, body) = req.into_parts();
        let client_id = rules::header(&parts.headers, "client-id")
            .unwrap_or_default()
            .to_owned();
        let Ok(body) = Limited::new(body, 1 << 20)
            .collect()
            .await
            .map(|b| b.to_bytes())
        else {
            return Ok(self.answer(
                path,
                &client_id,
                (
                    "PARAM_ILLEGAL",
                    ResultStatus::Fail,
                    "body unreadable or over 1 MiB",
                ),
                &Faults::default(),
            ));
        };
        let id = serde_json::from_slice::<Value>(&body)
            .ok()
            .and_then(|v| v["referenceTransactionId"].as_str().map(str::to_owned))
            .unwrap_or_default();
        let mut faults = Faults::parse(&id);
        // API-key mode: Antom's SDK does not verify answers, which suggests Antom does
        // not sign them; the emulator answers such calls unsigned.
        faults.unsigned |= rules::header(&parts.headers, "authorization").is_some();
        // Logged before any check, so cut to size: the log holds up to 10,000 entries.
        let cut = |s: &str| s.chars().take(1024).collect::<String>();
        let header = |name| rules::header(&parts.headers, name).map(cut);
        let auth = match (header("authorization"), header("signature")) {
            (Some(_), _) => Value::from("api-key"),
            (None, Some(signature)) => Value::from(signature),
            (None, None) => Value::Null,
        };
        let entry = json!({
            "referenceTransactionId": cut(&id),
            "clientId": cut(&client_id),
            "requestTime": header("request-time"),
            "signature": auth,
            "traceparent": header("traceparent"),
            "tracestate": header("tracestate"),
        });
        self.inner.requests.send_modify(|log| log.push(entry));
        if let Some(delay) = faults.delay {
            tokio::time::sleep(delay).await;
        }
        if faults.drop {
            return Err(DropConnection);
        }
        if let Some(status) = faults.http_status {
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            return Ok(text_response(status, "emulated HTTP failure"));
        }
        if faults.garbage {
            return Ok(text_response(
                StatusCode::OK,
                "<html>this is not Antom's JSON</html>",
            ));
        }
        let config = &self.inner.config;
        let api_key = config.api_key.as_ref().map(Secret::expose);
        let checked = rules::authenticate(
            &parts.headers,
            path,
            &body,
            &config.merchant_public_keys,
            api_key,
        )
        .and_then(|caller| rules::check_body(api, &body).map(|parsed| (caller, parsed)));
        let (caller, parsed) = match checked {
            Ok(ok) => ok,
            Err(refusal) => {
                info!(code = refusal.code, message = %refusal.message, "emulator refused a request");
                return Ok(self.answer(
                    path,
                    &client_id,
                    (refusal.code, ResultStatus::Fail, &refusal.message),
                    &faults,
                ));
            }
        };
        if let Some(n) = faults.flaky {
            let mut attempts = self
                .inner
                .attempts
                .lock()
                .unwrap_or_else(|e| e.into_inner());
            if attempts.len() >= Log::LIMIT {
                attempts.clear();
            }
            let seen = attempts.entry(format!("{} {id}", api.name)).or_default();
            *seen += 1;
            if *seen <= n {
                let message = format!("emulated flaky failure {seen} of {n}");
                return Ok(self.answer(
                    path,
                    &client_id,
                    ("UNKNOWN_EXCEPTION", ResultStatus::Unknown, &message),
                    &faults,
                ));
            }
        }
        let result = match &faults.code {
            Some((code, status)) => (code.as_str(), *status, "emulated result"),
            None => {
                let record = json!({"path": path, "caller": caller, "body": parsed});
                self.inner
                    .received
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .push(record);
                ("SUCCESS", ResultStatus::Success, "success")
            }
        };
        let mut body = result_body(result);
        // A decide answered S carries its decision, even under `emu-code-…-S`.
        if api.name == Decide::SPEC.name && result.1 == ResultStatus::Success {
            add_decision(&mut body, &faults);
        }
        Ok(self.respond(path, &client_id, body, &faults))
    }

    /// Antom's answer: `{"result":{...}}`, signed unless a fault says otherwise.
    fn answer(
        &self,
        path: &str,
        client_id: &str,
        result: (&str, ResultStatus, &str),
        faults: &Faults,
    ) -> HttpResponse {
        self.respond(path, client_id, result_body(result), faults)
    }

    /// `body` as Antom's answer, signed unless a fault says otherwise.
    fn respond(
        &self,
        path: &str,
        client_id: &str,
        body: AnswerBody<'_>,
        faults: &Faults,
    ) -> HttpResponse {
        let body = Bytes::from(serde_json::to_vec(&body).unwrap_or_default());
        let mut response = json_response(StatusCode::OK, body.clone());
        if faults.unsigned {
            return response;
        }
        let time = iso8601_utc(SystemTime::now());
        let mut content = content_to_sign("POST", path, client_id, &time, &body);
        if faults.bad_signature {
            content.extend_from_slice(b" tampered");
        }
        let key = &self.inner.config.antom_private_key;
        let signature = (self.inner.signatures)
            .get_or_sign(&time, content, |c| signature_header("1", &key.sign(c)));
        let headers = response.headers_mut();
        for (name, value) in [
            ("client-id", client_id),
            ("response-time", &time),
            ("signature", &signature),
        ] {
            if let Ok(value) = value.parse() {
                headers.insert(name, value);
            }
        }
        response
    }
}

/// Antom's answer, its keys in Antom's order: `result`, then `decide`'s decision.
#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct AnswerBody<'a> {
    result: Value,
    #[serde(skip_serializing_if = "Option::is_none")]
    decision: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    authentication_decision: Option<&'a str>,
}

/// `{"result":{...}}`.
fn result_body((code, status, message): (&str, ResultStatus, &str)) -> AnswerBody<'static> {
    let result =
        json!({"resultCode": code, "resultStatus": status.as_str(), "resultMessage": message});
    AnswerBody {
        result,
        decision: None,
        authentication_decision: None,
    }
}

/// `decide`'s decision after `result`, as `faults` choose: `ACCEPT` by default.
fn add_decision<'a>(body: &mut AnswerBody<'a>, faults: &'a Faults) {
    if !faults.no_decision {
        body.decision = Some(faults.decision.as_deref().unwrap_or("ACCEPT"));
    }
    body.authentication_decision = faults.authentication_decision.as_deref();
}

fn json_response(status: StatusCode, body: Bytes) -> HttpResponse {
    let mut response = Response::new(Full::new(body));
    *response.status_mut() = status;
    response.headers_mut().insert(
        CONTENT_TYPE,
        hyper::header::HeaderValue::from_static("application/json; charset=UTF-8"),
    );
    response
}

fn text_response(status: StatusCode, text: &'static str) -> HttpResponse {
    let mut response = Response::new(Full::new(Bytes::from_static(text.as_bytes())));
    *response.status_mut() = status;
    response
}

/// The API served at `path`, production or sandbox.
fn api_at(path: &str) -> Option<ApiSpec> {
    APIS.into_iter()
        .find(|api| api.path == path || api.sandbox_path == path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decides_answer_is_the_result_then_the_decision() {
        let answer = |id: &str| {
            let faults = Faults::parse(id);
            let mut body = result_body(("SUCCESS", ResultStatus::Success, "success"));
            add_decision(&mut body, &faults);
            serde_json::to_string(&body).expect("JSON")
        };
        let result =
            r#""result":{"resultCode":"SUCCESS","resultMessage":"success","resultStatus":"S"}"#;
        assert_eq!(
            answer("tx-1"),
            format!(r#"{{{result},"decision":"ACCEPT"}}"#)
        );
        assert_eq!(
            answer("emu-3d-1"),
            format!(r#"{{{result},"decision":"ACCEPT","authenticationDecision":"3D"}}"#)
        );
        assert_eq!(
            answer("emu-reject-1"),
            format!(r#"{{{result},"decision":"REJECT"}}"#)
        );
        assert_eq!(answer("emu-nodecision-1"), format!("{{{result}}}"));
    }
}
