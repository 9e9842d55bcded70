//! The gRPC server: `RiskService`, health (`grpc.health.v1`) and reflection (v1 and
//! v1alpha) on a TCP or Unix listener, drained on shutdown within a grace period.

use std::{future::Future, sync::Arc, time::Duration};

use hyper_util::{
    rt::{TokioExecutor, TokioIo, TokioTimer},
    server::{
        conn::auto,
        graceful::{GracefulShutdown, Watcher},
    },
    service::TowerToHyperService,
};
use tokio::{
    io::{AsyncRead, AsyncWrite},
    net::{TcpListener, TcpStream, UnixListener, UnixStream},
    task::JoinSet,
};
use tonic::service::Routes;
use tonic_health::ServingStatus;
use tracing::{debug, info, warn};

use crate::{
    antom::AntomClient,
    config::ListenAddr,
    grpc::RiskApi,
    pb::{self, risk_service_server::RiskServiceServer},
};

/// A bound listener: bind first, then hand it over, so tests can use port 0.
#[derive(Debug)]
pub enum Listener {
    /// `127.0.0.1:50051` and the like.
    Tcp(TcpListener),
    /// `unix:/path/to/socket`.
    Unix(UnixListener),
}

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// Reflection could not load a descriptor set (a build problem).
    #[error("reflection: {0}")]
    Reflection(#[from] tonic_reflection::server::Error),
}

/// Serves until `shutdown` resolves, then lets in-flight calls finish for up to `grace`.
///
/// Connections are served with hyper directly, not with tonic's `transport::Server`: its
/// built-in `grpc-timeout` handling answers CANCELLED at the caller's deadline, racing
/// the DEADLINE_EXCEEDED that [`RiskApi`] returns. Here the handler alone owns deadlines.
pub async fn run(
    listener: Listener,
    client: Arc<AntomClient>,
    shutdown: impl Future<Output = ()>,
    grace: Duration,
) -> Result<(), ServeError> {
    let (health, health_service) = tonic_health::server::health_reporter();
    // Keys and configuration are loaded before `run` is called: serving from the start.
    health.set_serving::<RiskServiceServer<RiskApi>>().await;
    let reflection = || {
        tonic_reflection::server::Builder::configure()
            .register_encoded_file_descriptor_set(pb::FILE_DESCRIPTOR_SET)
            .register_encoded_file_descriptor_set(tonic_health::pb::FILE_DESCRIPTOR_SET)
    };
    let routes = Routes::new(health_service)
        .add_service(reflection().build_v1()?)
        .add_service(reflection().build_v1alpha()?)
        .add_service(RiskServiceServer::new(RiskApi::new(client)));
    let service = TowerToHyperService::new(routes);
    // gRPC is HTTP/2 only; keepalive pings close connections whose peer vanished.
    let mut builder = auto::Builder::new(TokioExecutor::new()).http2_only();
    builder
        .http2()
        .timer(TokioTimer::new())
        .keep_alive_interval(Some(Duration::from_secs(30)));
    let graceful = GracefulShutdown::new();
    let mut connections = JoinSet::new();
    tokio::pin!(shutdown);
    loop {
        let accepted = tokio::select! {
            () = &mut shutdown => break,
            accepted = listener.accept() => accepted,
        };
        let (builder, service, watcher) = (builder.clone(), service.clone(), graceful.watcher());
        match accepted {
            Ok(Connection::Tcp(stream)) => {
                let _ = stream.set_nodelay(true);
                connections.spawn(serve_connection(builder, stream, service, watcher));
            }
            Ok(Connection::Unix(stream)) => {
                connections.spawn(serve_connection(builder, stream, service, watcher));
            }
            Err(e) => {
                // Out of file descriptors and the like: pass, don't die.
                warn!(error = %e, "accept failed");
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }
        while connections.try_join_next().is_some() {}
    }
    // Stop listening first: a client connecting now is refused at once rather than left
    // waiting out the drain.
    listener.close();
    info!("shutting down: draining in-flight calls");
    health.set_not_serving::<RiskServiceServer<RiskApi>>().await;
    health
        .set_service_status("", ServingStatus::NotServing)
        .await;
    if tokio::time::timeout(grace, graceful.shutdown())
        .await
        .is_err()
    {
        warn!(
            grace_ms = grace.as_millis() as u64,
            "grace period over: dropping calls still in flight"
        );
        connections.abort_all();
    }
    Ok(())
}

async fn serve_connection<IO, S>(
    builder: auto::Builder<TokioExecutor>,
    io: IO,
    service: S,
    watcher: Watcher,
) where
    IO: AsyncRead + AsyncWrite + Unpin + Send + 'static,
    S: hyper::service::Service<
            hyper::Request<hyper::body::Incoming>,
            Response = hyper::Response<tonic::body::Body>,
        > + Clone
        + Send
        + 'static,
    S::Future: Send + 'static,
    S::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    if let Err(e) = watcher
        .watch(
            builder
                .serve_connection(TokioIo::new(io), service)
                .into_owned(),
        )
        .await
    {
        debug!(error = %e, "gRPC connection ended");
    }
}

/// An accepted connection.
enum Connection {
    Tcp(TcpStream),
    Unix(UnixStream),
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

impl Listener {
    /// Binds `addr`; a stale Unix socket file left by a previous run is replaced.
    pub async fn bind(addr: &ListenAddr) -> std::io::Result<Self> {
        match addr {
            ListenAddr::Tcp(addr) => TcpListener::bind(addr).await.map(Self::Tcp),
            ListenAddr::Unix(path) => {
                use std::os::unix::fs::FileTypeExt;
                if std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_socket()) {
                    std::fs::remove_file(path)?;
                }
                UnixListener::bind(path).map(Self::Unix)
            }
        }
    }

    /// Closes the listener; a Unix socket's file is removed.
    fn close(self) {
        if let Self::Unix(l) = &self
            && let Some(path) = l
                .local_addr()
                .ok()
                .and_then(|a| a.as_pathname().map(ToOwned::to_owned))
        {
            let _ = std::fs::remove_file(path);
        }
    }

    async fn accept(&self) -> std::io::Result<Connection> {
        match self {
            Self::Tcp(l) => l.accept().await.map(|(s, _)| Connection::Tcp(s)),
            Self::Unix(l) => l.accept().await.map(|(s, _)| Connection::Unix(s)),
        }
    }

    /// The bound address, for logs and tests (port 0 resolved).
    pub fn local_addr(&self) -> std::io::Result<ListenAddr> {
        match self {
            Self::Tcp(l) => l.local_addr().map(ListenAddr::Tcp),
            Self::Unix(l) => Ok(ListenAddr::Unix(
                l.local_addr()?
                    .as_pathname()
                    .map(Into::into)
                    .unwrap_or_default(),
            )),
        }
    }
}
