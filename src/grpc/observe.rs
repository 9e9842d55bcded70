//! Every call observed at the edge, from its headers to its last byte: the [`Call`]
//! record the handler fills in, its span (exported when OTLP is on), the gRPC metrics,
//! and one access-log line when it ends (`info` for RiskService, `debug` for health
//! checks and reflection), which names the call's `trace_id` itself. The tracing span
//! that gives every other line of the call its `trace_id` is a `debug` span: at the
//! default `info` the few lines a call writes name it themselves, and the hot path does
//! not pay for a span per call.

use std::{
    pin::Pin,
    sync::Arc,
    task::{Context, Poll},
    time::Instant,
};

use bytes::Bytes;
use hyper::{
    HeaderMap, Request,
    body::{Frame, SizeHint},
};
use opentelemetry::KeyValue;
use tonic::{Code, Status, body::Body};
use tracing::{Span, field::Empty};

use crate::{
    call::Call,
    metrics::{GrpcMethod, Metrics, code_label},
    telemetry::{
        ACCESS_LOG, TraceContext,
        otel::{self, RpcSpan},
    },
};

/// One call under observation; ended by [`Self::finish`] or, if it is dropped first
/// (the client went away before the answer was sent), as CANCELLED.
pub(super) struct Observation {
    method: GrpcMethod,
    started: Instant,
    call: Arc<Call>,
    span: Span,
    exported: Option<RpcSpan>,
    metrics: Metrics,
    finished: bool,
}

impl Observation {
    /// Starts observing `request`, due by `deadline`; puts its [`Call`] in the request's
    /// extensions for the handler.
    pub(super) fn start<B>(
        request: &mut Request<B>,
        deadline: Option<tokio::time::Instant>,
        metrics: &Metrics,
    ) -> Self {
        let path = request.uri().path();
        let method = GrpcMethod::from_path(path);
        let mut trace = TraceContext::continue_from(request.headers());
        // Health checks and reflection are not worth a trace of their own.
        let exported = match method.is_risk_service() {
            true => otel::start(path, &mut trace),
            false => None,
        };
        let span = tracing::debug_span!(
            "call",
            trace_id = %trace.trace_id_hex(),
            reference_transaction_id = Empty
        );
        let call = Arc::new(Call::new(deadline, trace));
        request.extensions_mut().insert(call.clone());
        if method.is_risk_service() {
            metrics.inflight(1);
        }
        Self {
            method,
            started: Instant::now(),
            call,
            span,
            exported,
            metrics: metrics.clone(),
            finished: false,
        }
    }

    /// Whether the call is a `RiskService` call (not health, not reflection).
    pub(super) fn is_risk_service(&self) -> bool {
        self.method.is_risk_service()
    }

    /// The span the call runs in.
    pub(super) fn span(&self) -> &Span {
        &self.span
    }

    /// The call ended with `code` and `message`.
    pub(super) fn finish(mut self, code: Code, message: &str) {
        self.record(code, message);
    }

    fn record(&mut self, code: Code, message: &str) {
        if std::mem::replace(&mut self.finished, true) {
            return;
        }
        let elapsed = self.started.elapsed();
        let method = self.method;
        self.metrics.rpc_handled(method, code, elapsed);
        if method.is_risk_service() {
            self.metrics.inflight(-1);
        }
        let notes = self.call.notes();
        macro_rules! access_log {
            ($level:ident) => {
                tracing::$level!(
                    target: ACCESS_LOG,
                    // Its own fields name the call: not again in a span's context.
                    parent: None,
                    trace_id = %self.call.trace.trace_id_hex(),
                    reference_transaction_id = notes.reference_transaction_id.as_deref(),
                    method = %format_args!("{}/{}", method.grpc_service, method.grpc_method),
                    grpc_code = code_label(code),
                    result_code = notes.result_code.as_deref(),
                    attempts = notes.attempts,
                    // A number, to a tenth of a millisecond.
                    duration_ms = (elapsed.as_secs_f64() * 10_000.0).round() / 10.0,
                    error = (code != Code::Ok).then_some(message),
                    "call"
                )
            };
        }
        if method.is_risk_service() {
            access_log!(info);
        } else {
            access_log!(debug);
        }
        if let Some(exported) = self.exported.take() {
            let mut attributes = vec![
                KeyValue::new("rpc.system", "grpc"),
                KeyValue::new("rpc.service", method.grpc_service),
                KeyValue::new("rpc.method", method.grpc_method),
                KeyValue::new("rpc.grpc.status_code", code as i64),
            ];
            if notes.attempts > 0 {
                attributes.push(KeyValue::new("antom.attempts", i64::from(notes.attempts)));
            }
            if let Some(id) = notes.reference_transaction_id {
                attributes.push(KeyValue::new("antom.reference_transaction_id", id));
            }
            if let Some(result_code) = notes.result_code {
                attributes.push(KeyValue::new("antom.result_code", result_code));
            }
            exported.end(attributes, code, message);
        }
    }

    /// `response`'s body, observed until its status: at once for a trailers-only
    /// answer, else once the trailers have gone out (or the body is dropped before).
    pub(super) fn watch(self, response: hyper::Response<Body>) -> hyper::Response<Body> {
        if let Some(status) = Status::from_header_map(response.headers()) {
            self.finish(status.code(), status.message());
            return response;
        }
        response.map(|inner| {
            Body::new(Observed {
                inner,
                observation: Some(self),
                status: None,
            })
        })
    }
}

impl Drop for Observation {
    fn drop(&mut self) {
        self.record(
            Code::Cancelled,
            "the client went away before the call ended",
        );
    }
}

/// A response body that finishes its call's observation once its status has gone out:
/// the status is noted as the trailers pass and the call finished when hyper lets go of
/// the body, so that the access-log line is not written ahead of the trailers.
struct Observed {
    inner: Body,
    observation: Option<Observation>,
    status: Option<(Code, String)>,
}

impl Drop for Observed {
    fn drop(&mut self) {
        if let (Some(observation), Some((code, message))) =
            (self.observation.take(), self.status.take())
        {
            observation.finish(code, &message);
        }
    }
}

impl hyper::body::Body for Observed {
    type Data = Bytes;
    type Error = Status;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Status>>> {
        let polled = Pin::new(&mut self.inner).poll_frame(cx);
        let status = match &polled {
            Poll::Ready(Some(Ok(frame))) => frame.trailers_ref().map(status_in),
            Poll::Ready(Some(Err(status))) => Some((status.code(), status.message().to_owned())),
            Poll::Ready(None) => {
                Some((Code::Unknown, "the response ended without a status".into()))
            }
            Poll::Pending => None,
        };
        if status.is_some() && self.status.is_none() {
            self.status = status;
        }
        polled
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

fn status_in(trailers: &HeaderMap) -> (Code, String) {
    match Status::from_header_map(trailers) {
        Some(status) => (status.code(), status.message().to_owned()),
        None => (Code::Unknown, "trailers without grpc-status".to_owned()),
    }
}
