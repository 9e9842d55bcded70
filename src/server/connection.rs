//! One connection, from accept to close: the handshake deadline (TLS, then the client's
//! first bytes), the idle timeout (a GOAWAY once no call has been open for a while, as
//! grpc-go's `MaxConnectionIdle`), and the drain.

use std::{
    io,
    pin::{Pin, pin},
    sync::Arc,
    task::{Context, Poll},
    time::Duration,
};

use hyper::{Request, Response, body::Incoming};
use hyper_util::{
    rt::{TokioExecutor, TokioIo},
    server::conn::auto,
};
use tokio::{
    io::{AsyncRead, AsyncWrite, ReadBuf},
    sync::watch,
    time::{Instant, sleep_until, timeout_at},
};
use tokio_rustls::TlsAcceptor;

use super::{BoxError, HttpService, Limits, listener::Connection};

/// How a connection ended, for the log.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Ended {
    /// The peer closed it, or it finished after a GOAWAY.
    Closed,
    /// TLS or the client's first bytes did not arrive within the handshake timeout.
    HandshakeTimeout,
    /// Closed after the idle timeout.
    Idle,
}

/// What the accept loop can see of a connection, to choose one to close at the cap.
#[derive(Debug)]
pub(super) struct ConnState {
    /// True once the client has sent its first 24 bytes (the HTTP/2 preface) or a request.
    pub(super) greeted: watch::Sender<bool>,
    /// Calls open: from a request's arrival until its response body is dropped.
    pub(super) open_calls: watch::Sender<usize>,
}

impl ConnState {
    pub(super) fn new() -> Arc<Self> {
        Arc::new(Self {
            greeted: watch::Sender::new(false),
            open_calls: watch::Sender::new(0),
        })
    }
}

/// After our GOAWAY (idle or drain), how long a peer with no call open may take to close.
const CLOSE_AFTER_GOAWAY: Duration = Duration::from_secs(1);

/// Serves `io` until it closes; `drain` turning true starts a graceful close.
pub(super) async fn serve(
    builder: auto::Builder<TokioExecutor>,
    tls: Option<TlsAcceptor>,
    io: Connection,
    service: impl HttpService,
    limits: Limits,
    mut drain: watch::Receiver<bool>,
    state: Arc<ConnState>,
) -> Result<Ended, BoxError> {
    let handshake_deadline = Instant::now() + limits.handshake_timeout;
    let io = match tls {
        None => io,
        Some(tls) => tokio::select! {
            accepted = timeout_at(handshake_deadline, tls.accept(io)) => match accepted {
                Ok(io) => Box::new(io?),
                Err(_) => return Ok(Ended::HandshakeTimeout),
            },
            _ = drain.wait_for(|d| *d) => return Ok(Ended::Closed),
        },
    };
    let (mut greeted, open_calls) = (state.greeted.subscribe(), state.open_calls.subscribe());
    let io = FirstBytes {
        inner: io,
        remaining: 24,
        state: state.clone(),
    };
    let service = Tracked {
        inner: service,
        state,
    };
    let mut conn = pin!(builder.serve_connection(TokioIo::new(io), service));
    let mut idle = pin!(idle_for(open_calls.clone(), limits.idle_timeout));
    // After our GOAWAY, a peer that does not close is dropped once no call has been open
    // on it for a while: not the moment its last call ends, when hyper may still be
    // writing that call's last frames. (Polled only once a GOAWAY is sent.)
    let mut hard_stop = pin!(idle_for(open_calls.clone(), CLOSE_AFTER_GOAWAY));
    let mut ending: Option<Ended> = None;
    loop {
        tokio::select! {
            result = conn.as_mut() => {
                result?;
                return Ok(ending.unwrap_or(Ended::Closed));
            }
            () = sleep_until(handshake_deadline), if !*greeted.borrow() => {
                return Ok(Ended::HandshakeTimeout);
            }
            _ = greeted.changed(), if !*greeted.borrow() => {}
            () = &mut idle, if ending.is_none() => {
                conn.as_mut().graceful_shutdown();
                ending = Some(Ended::Idle);
            }
            _ = drain.wait_for(|d| *d), if ending.is_none() => {
                if !*greeted.borrow() {
                    // Nothing to finish: hyper would wait for the preface before closing.
                    return Ok(Ended::Closed);
                }
                conn.as_mut().graceful_shutdown();
                ending = Some(Ended::Closed);
            }
            () = &mut hard_stop, if ending.is_some() => {
                return Ok(ending.unwrap_or(Ended::Closed));
            }
        }
    }
}

/// Resolves once no call has been open for `idle`.
async fn idle_for(mut active: watch::Receiver<usize>, idle: Duration) {
    loop {
        let _ = active.wait_for(|n| *n == 0).await;
        tokio::select! {
            () = tokio::time::sleep(idle) => return,
            _ = active.wait_for(|n| *n > 0) => {}
        }
    }
}

/// Counts a connection's open calls: from the request's arrival until its response body
/// is dropped (sent or abandoned). A request also counts as the client's greeting.
#[derive(Clone)]
struct Tracked<S> {
    inner: S,
    state: Arc<ConnState>,
}

struct Open(Arc<ConnState>);

impl Open {
    fn new(state: Arc<ConnState>) -> Self {
        state
            .greeted
            .send_if_modified(|g| !std::mem::replace(g, true));
        state.open_calls.send_modify(|n| *n += 1);
        Self(state)
    }
}

impl Drop for Open {
    fn drop(&mut self) {
        self.0.open_calls.send_modify(|n| *n -= 1);
    }
}

/// A response body that holds its call open until it is dropped; otherwise the body
/// itself (its size too: an HTTP/1.1 answer keeps its Content-Length).
struct TrackedBody<B> {
    inner: B,
    _open: Open,
}

impl<B: hyper::body::Body + Unpin> hyper::body::Body for TrackedBody<B> {
    type Data = B::Data;
    type Error = B::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<hyper::body::Frame<B::Data>, B::Error>>> {
        Pin::new(&mut self.inner).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> hyper::body::SizeHint {
        self.inner.size_hint()
    }
}

impl<S: HttpService> hyper::service::Service<Request<Incoming>> for Tracked<S> {
    type Response = Response<TrackedBody<S::Body>>;
    type Error = S::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, S::Error>> + Send>>;

    fn call(&self, request: Request<Incoming>) -> Self::Future {
        let open = Open::new(self.state.clone());
        let response = self.inner.call(request);
        Box::pin(async move {
            let response = response.await?;
            Ok(response.map(|inner| TrackedBody { inner, _open: open }))
        })
    }
}

/// Passes bytes through, noting when the client has sent its first 24: the HTTP/2
/// preface, or an HTTP/1.1 request line. Until then the handshake timer runs.
struct FirstBytes {
    inner: Connection,
    remaining: usize,
    state: Arc<ConnState>,
}

impl AsyncRead for FirstBytes {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let before = buf.filled().len();
        let polled = Pin::new(&mut this.inner).poll_read(cx, buf);
        if this.remaining > 0 && matches!(polled, Poll::Ready(Ok(()))) {
            let read = buf.filled().len() - before;
            this.remaining = this.remaining.saturating_sub(read);
            if this.remaining == 0 {
                this.state.greeted.send_replace(true);
            }
        }
        polled
    }
}

impl AsyncWrite for FirstBytes {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().inner).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_shutdown(cx)
    }
}
