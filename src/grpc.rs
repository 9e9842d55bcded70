//! The gRPC edge: `antom.risk.v1.RiskService` with health (`grpc.health.v1`) and
//! reflection (v1 and v1alpha), converting protobuf ⇄ domain and honouring the
//! caller's deadline.

mod convert;
mod deadline;
mod edge;
mod health;
mod observe;
mod service;
mod status;

use std::{future::Future, sync::Arc, time::Duration};

use hyper_util::service::TowerToHyperService;
use tonic::service::Routes;

use edge::Edge;
pub use health::Health;
pub use service::RiskApi;

use crate::{
    antom::AntomClient,
    metrics::Metrics,
    pb::{self, risk_service_server::RiskServiceServer},
    server::{Connections, Drained, Limits, Listener, TlsCell},
};

/// How the gRPC server runs: its drain, its connections, its messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Options {
    /// How long a shutdown waits for in-flight calls.
    pub grace: Duration,
    /// Bounds on connections.
    pub limits: Limits,
    /// The largest request message accepted, in bytes.
    pub max_message_bytes: usize,
}

impl Options {
    /// `SIDECAR_SHUTDOWN_GRACE`'s default.
    pub const DEFAULT_GRACE: Duration = Duration::from_secs(10);
    /// `SIDECAR_MAX_MESSAGE_BYTES`'s default: 4 MiB, as in grpc-go and grpc-java.
    pub const DEFAULT_MAX_MESSAGE_BYTES: usize = 4 * 1024 * 1024;
}

impl Default for Options {
    fn default() -> Self {
        Self {
            grace: Self::DEFAULT_GRACE,
            limits: Limits::default(),
            max_message_bytes: Self::DEFAULT_MAX_MESSAGE_BYTES,
        }
    }
}

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// Reflection could not load a descriptor set (a build problem).
    #[error("reflection: {0}")]
    Reflection(#[from] tonic_reflection::server::Error),
}

/// Serves `RiskService`, health and reflection on `listener` until `shutdown`, without
/// metrics: [`Server::serve`] with the defaults.
pub async fn serve(
    listener: Listener,
    client: Arc<AntomClient>,
    options: Options,
    shutdown: impl Future<Output = ()>,
) -> Result<Drained, ServeError> {
    Server::new(client, options).serve(listener, shutdown).await
}

/// The gRPC server, with what it reports to: metrics, and health shared with `/readyz`.
#[derive(Debug)]
pub struct Server {
    client: Arc<AntomClient>,
    options: Options,
    metrics: Metrics,
    health: Health,
    tls: Option<TlsCell>,
}

impl Server {
    /// A server calling Antom with `client`; no metrics, health of its own.
    pub fn new(client: Arc<AntomClient>, options: Options) -> Self {
        Self {
            client,
            options,
            metrics: Metrics::default(),
            health: Health::default(),
            tls: None,
        }
    }

    /// Records calls and connections in `metrics`.
    pub fn with_metrics(mut self, metrics: Metrics) -> Self {
        self.metrics = metrics;
        self
    }

    /// Reports its serving state to `health` (shared with the admin listener's `/readyz`).
    pub fn with_health(mut self, health: Health) -> Self {
        self.health = health;
        self
    }

    /// Serves every connection over TLS, with the acceptor in `tls` (`None`: plaintext).
    pub fn with_tls(mut self, tls: Option<TlsCell>) -> Self {
        self.tls = tls;
        self
    }

    /// Serves `RiskService`, health and reflection on `listener` until `shutdown`
    /// resolves, then reports NOT_SERVING and lets in-flight calls finish for up to the
    /// grace period.
    ///
    /// Connections are served with hyper directly, not with tonic's `transport::Server`:
    /// its built-in `grpc-timeout` handling answers CANCELLED at the caller's deadline,
    /// racing the DEADLINE_EXCEEDED that [`RiskApi`] returns. Here the handler alone owns
    /// deadlines.
    pub async fn serve(
        self,
        listener: Listener,
        shutdown: impl Future<Output = ()>,
    ) -> Result<Drained, ServeError> {
        let Self {
            client,
            options,
            metrics,
            health,
            tls,
        } = self;
        let reflection = || {
            tonic_reflection::server::Builder::configure()
                .register_encoded_file_descriptor_set(pb::FILE_DESCRIPTOR_SET)
                .register_encoded_file_descriptor_set(tonic_health::pb::FILE_DESCRIPTOR_SET)
        };
        let routes = Routes::new(health.service())
            .add_service(reflection().build_v1()?)
            .add_service(reflection().build_v1alpha()?)
            .add_service(
                RiskServiceServer::new(RiskApi::new(client))
                    .max_decoding_message_size(options.max_message_bytes),
            );
        // Keys and configuration are loaded before a server is built: serving from the start.
        health.set_serving().await;
        let shutdown = async {
            shutdown.await;
            health.set_draining().await;
        };
        let connections = Connections::grpc(options.limits)
            .with_metrics(metrics.clone())
            .with_tls(tls);
        let edge = Edge::new(
            routes,
            connections.grace_over(),
            options.max_message_bytes,
            metrics,
        );
        Ok(connections
            .serve_until(
                listener,
                TowerToHyperService::new(edge),
                shutdown,
                options.grace,
            )
            .await)
    }
}
