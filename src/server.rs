//! The one accept-and-drain loop, shared by the gRPC listener and the emulator:
//! [`Connections::serve_until`] accepts on a TCP or Unix [`Listener`], serves each
//! connection with hyper, and on shutdown stops accepting, lets open calls finish for a
//! grace period, then closes what is left.

mod listener;

use std::{future::Future, time::Duration};

use hyper::{Request, Response, body::Incoming};
use hyper_util::{
    rt::{TokioExecutor, TokioIo, TokioTimer},
    server::{conn::auto, graceful::GracefulShutdown},
};
use tokio::task::JoinSet;
use tokio_rustls::TlsAcceptor;
use tracing::{debug, info, warn};

use listener::Connection;
pub use listener::Listener;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// How accepted connections are served: which HTTP versions, and whether over TLS.
#[derive(Clone)]
pub struct Connections {
    /// Names the server in logs (`gRPC`, `emulator`).
    name: &'static str,
    builder: auto::Builder<TokioExecutor>,
    tls: Option<TlsAcceptor>,
}

/// How a drain ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Drained {
    /// Every connection closed within the grace period.
    Complete,
    /// The grace period ran out; this many connections were closed with calls open.
    GraceExpired(usize),
}

impl Connections {
    /// gRPC: HTTP/2 only, with keepalive pings that close connections whose peer vanished.
    pub fn grpc() -> Self {
        let mut builder = auto::Builder::new(TokioExecutor::new()).http2_only();
        builder
            .http2()
            .timer(TokioTimer::new())
            .keep_alive_interval(Some(Duration::from_secs(30)));
        Self {
            name: "gRPC",
            builder,
            tls: None,
        }
    }

    /// Plain HTTP: HTTP/1.1 and HTTP/2, as Antom's API (and so the emulator) speaks.
    pub fn http(name: &'static str) -> Self {
        let mut builder = auto::Builder::new(TokioExecutor::new());
        builder.http2().timer(TokioTimer::new());
        Self {
            name,
            builder,
            tls: None,
        }
    }

    /// Serves every connection over TLS, handshaking with `acceptor` first.
    pub fn with_tls(mut self, acceptor: TlsAcceptor) -> Self {
        self.tls = Some(acceptor);
        self
    }

    /// Serves `service` on `listener` until `shutdown` resolves. Then the listener is
    /// closed (new clients are refused at once rather than left waiting out the drain),
    /// open connections are asked to finish (HTTP/2 GOAWAY), and whatever is still open
    /// after `grace` is closed.
    pub async fn serve_until(
        &self,
        listener: Listener,
        service: impl HttpService,
        shutdown: impl Future<Output = ()>,
        grace: Duration,
    ) -> Drained {
        let graceful = GracefulShutdown::new();
        let mut connections = JoinSet::new();
        tokio::pin!(shutdown);
        loop {
            let accepted = tokio::select! {
                () = &mut shutdown => break,
                accepted = listener.accept() => accepted,
            };
            match accepted {
                Ok(connection) => {
                    let serve = self.serve_connection(connection, service.clone(), &graceful);
                    connections.spawn(serve);
                }
                Err(e) => {
                    // Out of file descriptors and the like: pass, don't die.
                    warn!(server = self.name, error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            }
            while connections.try_join_next().is_some() {}
        }
        listener.close();
        info!(server = self.name, open = connections.len(), "draining");
        if tokio::time::timeout(grace, graceful.shutdown())
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
            "grace period over: closing connections with calls still open"
        );
        connections.shutdown().await;
        Drained::GraceExpired(open)
    }

    /// One connection, from the TLS handshake (if any) to its end.
    fn serve_connection(
        &self,
        connection: Connection,
        service: impl HttpService,
        graceful: &GracefulShutdown,
    ) -> impl Future<Output = ()> + Send + 'static {
        let (name, builder, tls) = (self.name, self.builder.clone(), self.tls.clone());
        let watcher = graceful.watcher();
        async move {
            let io = match tls {
                None => Ok(connection),
                Some(tls) => tls
                    .accept(connection)
                    .await
                    .map(|io| Box::new(io) as Connection),
            };
            let result = match io {
                Ok(io) => {
                    let connection = builder.serve_connection(TokioIo::new(io), service);
                    watcher.watch(connection.into_owned()).await
                }
                Err(e) => Err(e.into()),
            };
            if let Err(e) = result {
                debug!(server = name, error = %e, "connection ended");
            }
        }
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
    + 'static
{
    /// The response body.
    type Body: hyper::body::Body<Data: Send, Error: Into<BoxError>> + Send + 'static;
}

impl<S, B> HttpService for S
where
    S: hyper::service::Service<Request<Incoming>, Response = Response<B>> + Clone + Send + 'static,
    S::Future: Send + 'static,
    S::Error: Into<BoxError>,
    B: hyper::body::Body<Data: Send, Error: Into<BoxError>> + Send + 'static,
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
