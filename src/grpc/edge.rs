//! The gRPC edge layer, around every service: what tonic's generated code cannot do for
//! a call. It refuses oversized metadata and compressed messages with a status of their
//! own, holds the caller's deadline from the moment the headers arrive (reading the body
//! included), answers the calls still open when the shutdown grace ends, and gives
//! tonic's own bare errors (an undecodable or oversized message) `ErrorInfo`, and
//! observes every call ([`super::observe`]).

use std::{
    convert::Infallible,
    future::{Future, pending},
    pin::Pin,
    task::{Context, Poll},
};

use bytes::Bytes;
use hyper::{
    HeaderMap, Request, Response,
    body::{Body as _, Frame, Incoming, SizeHint},
};
use tokio::time::sleep_until;
use tokio_util::sync::{CancellationToken, WaitForCancellationFutureOwned};
use tonic::{Code, Status, body::Body};
use tracing::Instrument;

use super::{deadline::CallDeadline, observe::Observation};
use crate::metrics::Metrics;

/// Headers a call may carry at most, by HTTP/2's count (name + value + 32 per field);
/// the server's HTTP/2 limit is far above it, so that such a call gets a status of ours.
const MAX_METADATA_BYTES: usize = 64 * 1024;

/// Wraps the routes; see the module docs.
#[derive(Clone)]
pub(super) struct Edge<S> {
    inner: S,
    /// Cancelled when the shutdown grace ends.
    grace_over: CancellationToken,
    /// The services' limit on a decoded message, named when one is over it.
    max_message_bytes: usize,
    metrics: Metrics,
}

impl<S> Edge<S> {
    pub(super) fn new(
        inner: S,
        grace_over: CancellationToken,
        max_message_bytes: usize,
        metrics: Metrics,
    ) -> Self {
        Self {
            inner,
            grace_over,
            max_message_bytes,
            metrics,
        }
    }
}

/// Why the edge answered a call itself; [`super::status`] makes the `Status`.
#[derive(Debug, thiserror::Error)]
pub(super) enum EdgeError {
    /// The call's headers are over [`MAX_METADATA_BYTES`].
    #[error("the call's metadata is {size} bytes, over the limit of {limit}")]
    MetadataTooLarge { size: usize, limit: usize },
    /// A `grpc-encoding` other than identity.
    #[error("grpc-encoding {0:?} is not supported: send messages uncompressed (identity)")]
    UnsupportedEncoding(String),
    /// The deadline passed with the request body still arriving or the handler late.
    #[error("the deadline passed before the call completed")]
    DeadlinePassed,
    /// The shutdown grace ended with a stream still open (health's `Watch`, reflection).
    #[error("the sidecar shut down: connect again, to it or to another replica")]
    StreamCut,
    /// The shutdown grace ended with the call open.
    #[error(
        "the sidecar shut down before the call completed: Antom may already hold it, and \
         resending the same referenceTransactionId is safe"
    )]
    ShutdownOutcomeUnknown,
    /// tonic could not decode the request message (its words).
    #[error("the request message could not be decoded: {0}")]
    Malformed(String),
    /// The request message is over the limit (tonic's words, the limit).
    #[error("{0}")]
    MessageTooLarge(String, usize),
    /// No such service or method.
    #[error("{0}")]
    UnknownMethod(String),
    /// Any other status tonic or a stock service (health) answered bare.
    #[error("{1}")]
    Bare(Code, String),
}

impl EdgeError {
    /// The `ErrorInfo` reason the caller sees.
    pub(super) fn reason(&self) -> &'static str {
        match self {
            Self::MetadataTooLarge { .. } => "METADATA_TOO_LARGE",
            Self::UnsupportedEncoding(_) => "UNSUPPORTED_ENCODING",
            Self::DeadlinePassed => "DEADLINE_EXCEEDED",
            Self::StreamCut => "SHUTTING_DOWN",
            Self::ShutdownOutcomeUnknown => "SHUTDOWN_OUTCOME_UNKNOWN",
            Self::Malformed(_) => "MALFORMED_REQUEST",
            Self::MessageTooLarge(..) => "MESSAGE_TOO_LARGE",
            Self::UnknownMethod(_) => "UNKNOWN_METHOD",
            Self::Bare(..) => "REQUEST_FAILED",
        }
    }

    /// What a bare status from tonic or a stock service means.
    fn from_bare(status: &Status, max_message_bytes: usize) -> Self {
        let message = status.message().to_owned();
        match status.code() {
            // On a unary request path, tonic's INTERNAL is always a decoding failure:
            // a bad protobuf, a truncated frame, an empty body.
            Code::Internal => Self::Malformed(message),
            Code::OutOfRange => Self::MessageTooLarge(message, max_message_bytes),
            Code::Unimplemented => Self::UnknownMethod(message),
            code => Self::Bare(code, message),
        }
    }
}

impl<S> tower::Service<Request<Incoming>> for Edge<S>
where
    S: tower::Service<Request<Incoming>, Response = Response<Body>, Error = Infallible>
        + Clone
        + Send
        + 'static,
    S::Future: Send + 'static,
{
    type Response = Response<Body>;
    type Error = Infallible;
    type Future = Pin<Box<dyn Future<Output = Result<Response<Body>, Infallible>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut request: Request<Incoming>) -> Self::Future {
        let deadline = CallDeadline::from_headers(request.headers());
        let observation = Observation::start(
            &mut request,
            deadline.map(CallDeadline::answer_by),
            &self.metrics,
        );
        if let Err(refused) = admit(request.headers()) {
            let response = observation.watch(Status::from(refused).into_http());
            return Box::pin(async move { Ok(response) });
        }
        // The clone made ready by `poll_ready` serves this call.
        let ready = self.inner.clone();
        let call = std::mem::replace(&mut self.inner, ready)
            .call(request)
            .instrument(observation.span().clone());
        let (grace_over, max_message_bytes) = (self.grace_over.clone(), self.max_message_bytes);
        // Health checks and reflection cut at shutdown are not shed calls.
        let shed = match observation.is_risk_service() {
            true => self.metrics.clone(),
            false => Metrics::default(),
        };
        Box::pin(async move {
            let late = async {
                match deadline {
                    Some(d) => sleep_until(d.backstop()).await,
                    None => pending().await,
                }
            };
            let response = tokio::select! {
                biased;
                response = call => {
                    let Ok(response) = response;
                    let response = give_details(response, max_message_bytes);
                    response.map(|body| cut_at_grace_over(body, grace_over))
                }
                () = late => Status::from(EdgeError::DeadlinePassed).into_http(),
                () = grace_over.cancelled() => {
                    let cut = EdgeError::ShutdownOutcomeUnknown;
                    shed.call_shed(cut.reason());
                    Status::from(cut).into_http()
                }
            };
            if let Some(deadline) = deadline {
                // Where a deadline's time went: `RUST_LOG=antom_sidecar::grpc=trace`.
                deadline.trace_answer();
            }
            Ok(observation.watch(response))
        })
    }
}

/// Refuses what no handler should see: too much metadata, a compressed message.
fn admit(headers: &HeaderMap) -> Result<(), EdgeError> {
    // Counted as HTTP/2 counts a header list: name, value and 32 bytes per field.
    let size: usize = headers
        .iter()
        .map(|(name, value)| name.as_str().len() + value.len() + 32)
        .sum();
    if size > MAX_METADATA_BYTES {
        return Err(EdgeError::MetadataTooLarge {
            size,
            limit: MAX_METADATA_BYTES,
        });
    }
    match headers.get("grpc-encoding") {
        Some(encoding) if encoding != "identity" => Err(EdgeError::UnsupportedEncoding(
            String::from_utf8_lossy(encoding.as_bytes()).into_owned(),
        )),
        _ => Ok(()),
    }
}

/// A trailers-only answer without details is tonic's own (every status of ours carries
/// `ErrorInfo`): give it details, and the code that says whose fault it is.
fn give_details(response: Response<Body>, max_message_bytes: usize) -> Response<Body> {
    let headers = response.headers();
    if headers.contains_key("grpc-status-details-bin") {
        return response;
    }
    match Status::from_header_map(headers) {
        Some(status) if status.code() != Code::Ok => {
            Status::from(EdgeError::from_bare(&status, max_message_bytes)).into_http()
        }
        _ => response,
    }
}

/// A response body that, if the shutdown grace ends while it is still streaming, ends
/// with an `UNAVAILABLE` status in its trailers rather than a bare reset.
fn cut_at_grace_over(body: Body, grace_over: CancellationToken) -> Body {
    if body.is_end_stream() {
        return body;
    }
    Body::new(UntilGraceOver {
        inner: body,
        grace_over: Box::pin(grace_over.cancelled_owned()),
        ended: false,
    })
}

struct UntilGraceOver {
    inner: Body,
    grace_over: Pin<Box<WaitForCancellationFutureOwned>>,
    ended: bool,
}

impl hyper::body::Body for UntilGraceOver {
    type Data = Bytes;
    type Error = Status;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Status>>> {
        let this = &mut *self;
        if this.ended {
            return Poll::Ready(None);
        }
        if let ready @ Poll::Ready(_) = Pin::new(&mut this.inner).poll_frame(cx) {
            return ready;
        }
        if this.grace_over.as_mut().poll(cx).is_pending() {
            return Poll::Pending;
        }
        this.ended = true;
        let mut trailers = HeaderMap::new();
        // Only a status whose text is not valid in a header fails here: ours always is.
        let _ = Status::from(EdgeError::StreamCut).add_header(&mut trailers);
        Poll::Ready(Some(Ok(Frame::trailers(trailers))))
    }

    fn is_end_stream(&self) -> bool {
        self.ended || self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}
