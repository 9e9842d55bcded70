//! The one accept-and-drain loop, shared by the gRPC listener and the emulator:
//! [`Connections::serve_until`] accepts on a TCP or Unix [`Listener`] within
//! [`Limits`], serves each connection with hyper, and on shutdown stops accepting, lets
//! open calls finish for a grace period, then ends what is left.

mod connection;
mod fd_limit;
mod listener;
mod registry;
mod tls;

use std::{future::Future, io, time::Duration};

use hyper::{Request, Response, body::Incoming};
use hyper_util::{
    rt::{TokioExecutor, TokioTimer},
    server::conn::auto,
};
use tokio::{sync::watch, task::JoinSet};
use tokio_util::sync::CancellationToken;
use tracing::{debug, info, warn};

use crate::metrics::Metrics;

use connection::ConnState;
pub use fd_limit::{default_max_connections, raise_fd_limit};
pub use listener::Listener;
use registry::Registry;
pub use tls::{CERT_SETTING, CLIENT_CA_SETTING, KEY_SETTING, TlsCell, TlsFiles};

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Bounds on connections, so that no client can starve the server of descriptors.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// TLS and the client's first bytes (the HTTP/2 preface) must arrive within this.
    pub handshake_timeout: Duration,
    /// A connection with no open call for this long is closed (HTTP/2: with a GOAWAY).
    pub idle_timeout: Duration,
    /// Connections open at once; beyond it, new ones are accepted and closed at once.
    pub max_connections: usize,
}

impl Limits {
    /// `SIDECAR_HANDSHAKE_TIMEOUT`'s default.
    pub const DEFAULT_HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);
    /// `SIDECAR_IDLE_TIMEOUT`'s default.
    pub const DEFAULT_IDLE_TIMEOUT: Duration = Duration::from_secs(300);
}

impl Default for Limits {
    /// The defaults, with the connection cap derived from the descriptor limit.
    fn default() -> Self {
        Self {
            handshake_timeout: Self::DEFAULT_HANDSHAKE_TIMEOUT,
            idle_timeout: Self::DEFAULT_IDLE_TIMEOUT,
            max_connections: default_max_connections(fd_limit::current(), 0),
        }
    }
}

/// How accepted connections are served: which HTTP versions, whether over TLS, within
/// which limits.
#[derive(Clone)]
pub struct Connections {
    /// Names the server in logs (`gRPC`, `emulator`).
    name: &'static str,
    builder: auto::Builder<TokioExecutor>,
    tls: Option<TlsCell>,
    limits: Limits,
    grace_over: CancellationToken,
    /// Counts connections shed at the cap.
    metrics: Metrics,
}

/// How a drain ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Drained {
    /// Every connection closed within the grace period.
    Complete,
    /// The grace period ran out with this many connections still open.
    GraceExpired(usize),
}

/// HTTP/2's own limit on a call's headers (grpc-go's default is 16 MiB).
const MAX_HEADER_LIST_BYTES: u32 = 1024 * 1024;

impl Connections {
    /// gRPC: HTTP/2 only, with keepalive pings that close connections whose peer vanished.
    pub fn grpc(limits: Limits) -> Self {
        let mut builder = auto::Builder::new(TokioExecutor::new()).http2_only();
        builder
            .http2()
            .timer(TokioTimer::new())
            .keep_alive_interval(Some(Duration::from_secs(30)))
            // Far above the metadata limit: between the two, the gRPC edge answers the
            // one call with a status, where HTTP/2 would reset it bare (431) or, for a
            // header block of more than 1.25 x (limit / frame size) frames, close the
            // whole connection.
            .max_header_list_size(MAX_HEADER_LIST_BYTES);
        Self::new("gRPC", builder, limits)
    }

    /// Plain HTTP: HTTP/1.1 and HTTP/2, as Antom's API (and so the emulator) speaks.
    pub fn http(name: &'static str, limits: Limits) -> Self {
        let mut builder = auto::Builder::new(TokioExecutor::new());
        builder.http2().timer(TokioTimer::new());
        Self::new(name, builder, limits)
    }

    fn new(name: &'static str, builder: auto::Builder<TokioExecutor>, limits: Limits) -> Self {
        Self {
            name,
            builder,
            tls: None,
            limits,
            grace_over: CancellationToken::new(),
            metrics: Metrics::default(),
        }
    }

    /// Counts the connections shed at the cap in `metrics`.
    pub fn with_metrics(mut self, metrics: Metrics) -> Self {
        self.metrics = metrics;
        self
    }

    /// Serves every connection over TLS, handshaking first with the acceptor in `tls`
    /// at the time it is accepted.
    pub fn with_tls(mut self, tls: Option<TlsCell>) -> Self {
        self.tls = tls;
        self
    }

    /// Cancelled when the grace period ends with calls still open: a service races its
    /// calls against it, to answer them before their connections close.
    pub fn grace_over(&self) -> CancellationToken {
        self.grace_over.clone()
    }

    /// Serves `service` on `listener` until `shutdown` resolves. Then the listener is
    /// closed (new clients are refused at once rather than left waiting out the drain),
    /// open connections are asked to finish (HTTP/2 GOAWAY), and when `grace` runs out,
    /// [`Self::grace_over`] is cancelled and what is still open is closed.
    pub async fn serve_until(
        &self,
        listener: Listener,
        service: impl HttpService,
        shutdown: impl Future<Output = ()>,
        grace: Duration,
    ) -> Drained {
        let (drain, draining) = watch::channel(false);
        let mut connections = JoinSet::new();
        let mut backoff = Backoff::default();
        let mut registry = Registry::default();
        tokio::pin!(shutdown);
        loop {
            let accepted = tokio::select! {
                () = &mut shutdown => break,
                accepted = listener.accept() => accepted,
            };
            // Ended connections must not count against the cap.
            while connections.try_join_next().is_some() {}
            let at_cap = connections.len() >= self.limits.max_connections;
            match accepted {
                Ok(_) if at_cap && !registry.evict() => {
                    // Every connection has a call open: this one is dropped at once, and
                    // the calls go on.
                    self.metrics.connection_shed("max_connections");
                    debug!(
                        server = self.name,
                        max = self.limits.max_connections,
                        "connection limit reached: closing a new connection"
                    );
                }
                Ok(io) => {
                    if at_cap {
                        self.metrics.connection_shed("evicted");
                    }
                    backoff = Backoff::default();
                    let tls = self.tls.as_ref().map(TlsCell::current);
                    let (name, builder) = (self.name, self.builder.clone());
                    let state = ConnState::new();
                    let serve = connection::serve(
                        builder,
                        tls,
                        io,
                        service.clone(),
                        self.limits,
                        draining.clone(),
                        state.clone(),
                    );
                    let task = connections.spawn(async move {
                        match serve.await {
                            Ok(ended) => debug!(server = name, ?ended, "connection ended"),
                            Err(e) => debug!(server = name, error = %e, "connection failed"),
                        }
                    });
                    registry.push(task, state, connections.len());
                }
                Err(e) if is_per_connection(&e) => {}
                Err(e) => {
                    // Out of descriptors or memory: the pending connection stays queued and
                    // accept would fail again at once. Wait, but only until a connection
                    // ends (freeing a descriptor) or the backoff passes.
                    if backoff.first() {
                        warn!(server = self.name, error = %e, open = connections.len(), "accept failing: backing off");
                    }
                    tokio::select! {
                        () = &mut shutdown => break,
                        () = tokio::time::sleep(backoff.next()) => {}
                        Some(_) = connections.join_next() => {}
                    }
                }
            }
        }
        listener.close();
        info!(server = self.name, open = connections.len(), "draining");
        drain.send_replace(true);
        if tokio::time::timeout(grace, all_closed(&mut connections))
            .await
            .is_ok()
        {
            return Drained::Complete;
        }
        let open = connections.len();
        warn!(
            server = self.name,
            grace_ms = grace.as_millis() as u64,
            open,
            "grace period over: answering the calls still open, then closing"
        );
        self.grace_over.cancel();
        // The calls answer at once; this only lets their last frames go out.
        let flush = Duration::from_millis(500);
        let _ = tokio::time::timeout(flush, all_closed(&mut connections)).await;
        connections.shutdown().await;
        Drained::GraceExpired(open)
    }
}

/// Resolves once every connection has ended (cancel-safe: none is lost if dropped).
async fn all_closed(connections: &mut JoinSet<()>) {
    while connections.join_next().await.is_some() {}
}

/// Errors that concern only the connection being accepted: try the next one.
fn is_per_connection(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::ConnectionAborted
            | io::ErrorKind::ConnectionReset
            | io::ErrorKind::Interrupted
            | io::ErrorKind::WouldBlock
    )
}

/// Exponential backoff for a failing accept: 5 ms doubling to 1 s.
struct Backoff(Duration);

impl Default for Backoff {
    fn default() -> Self {
        Self(Duration::from_millis(5))
    }
}

impl Backoff {
    fn first(&self) -> bool {
        self.0 == Self::default().0
    }

    fn next(&mut self) -> Duration {
        let delay = self.0;
        self.0 = (self.0 * 2).min(Duration::from_secs(1));
        delay
    }
}

/// What [`Connections`] serves: a hyper service of HTTP requests, cloned per connection.
pub trait HttpService:
    hyper::service::Service<
        Request<Incoming>,
        Response = Response<Self::Body>,
        Error: Into<BoxError>,
        Future: Send + 'static,
    > + Clone
    + Send
    + Sync
    + 'static
{
    /// The response body.
    type Body: hyper::body::Body<Data: Send, Error: Into<BoxError>> + Send + Unpin + 'static;
}

impl<S, B> HttpService for S
where
    S: hyper::service::Service<Request<Incoming>, Response = Response<B>>
        + Clone
        + Send
        + Sync
        + 'static,
    S::Future: Send + 'static,
    S::Error: Into<BoxError>,
    B: hyper::body::Body<Data: Send, Error: Into<BoxError>> + Send + Unpin + 'static,
{
    type Body = B;
}

/// Resolves on SIGTERM (Kubernetes) or SIGINT (Ctrl-C).
pub async fn shutdown_signal() {
    use tokio::signal::unix::{SignalKind, signal};
    let mut term = match signal(SignalKind::terminate()) {
        Ok(s) => s,
        Err(e) => {
            warn!(error = %e, "cannot listen for SIGTERM; only Ctrl-C will stop the server");
            let _ = tokio::signal::ctrl_c().await;
            return;
        }
    };
    tokio::select! {
        _ = term.recv() => info!("SIGTERM received"),
        _ = tokio::signal::ctrl_c() => info!("SIGINT received"),
    }
}
