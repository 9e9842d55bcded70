//! The gRPC edge: `antom.risk.v1.RiskService` with health (`grpc.health.v1`) and
//! reflection (v1 and v1alpha), converting protobuf ⇄ domain and honouring the
//! caller's deadline.

mod convert;
mod deadline;
mod edge;
mod service;
mod status;

use std::{future::Future, sync::Arc, time::Duration};

use hyper_util::service::TowerToHyperService;
use tonic::service::Routes;
use tonic_health::ServingStatus;

use edge::Edge;
pub use service::RiskApi;

use crate::{
    antom::AntomClient,
    pb::{self, risk_service_server::RiskServiceServer},
    server::{Connections, Drained, Limits, Listener},
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

/// Serves `RiskService`, health and reflection on `listener` until `shutdown` resolves,
/// then reports NOT_SERVING and lets in-flight calls finish for up to the grace period.
///
/// Connections are served with hyper directly, not with tonic's `transport::Server`: its
/// built-in `grpc-timeout` handling answers CANCELLED at the caller's deadline, racing
/// the DEADLINE_EXCEEDED that [`RiskApi`] returns. Here the handler alone owns deadlines.
pub async fn serve(
    listener: Listener,
    client: Arc<AntomClient>,
    options: Options,
    shutdown: impl Future<Output = ()>,
) -> Result<Drained, ServeError> {
    let (health, health_service) = tonic_health::server::health_reporter();
    // Keys and configuration are loaded before `serve` is called: serving from the start.
    health.set_serving::<RiskServiceServer<RiskApi>>().await;
    let reflection = || {
        tonic_reflection::server::Builder::configure()
            .register_encoded_file_descriptor_set(pb::FILE_DESCRIPTOR_SET)
            .register_encoded_file_descriptor_set(tonic_health::pb::FILE_DESCRIPTOR_SET)
    };
    let routes = Routes::new(health_service)
        .add_service(reflection().build_v1()?)
        .add_service(reflection().build_v1alpha()?)
        .add_service(
            RiskServiceServer::new(RiskApi::new(client))
                .max_decoding_message_size(options.max_message_bytes),
        );
    let shutdown = async {
        shutdown.await;
        health.set_not_serving::<RiskServiceServer<RiskApi>>().await;
        health
            .set_service_status("", ServingStatus::NotServing)
            .await;
    };
    let connections = Connections::grpc(options.limits);
    let edge = Edge::new(routes, connections.grace_over(), options.max_message_bytes);
    Ok(connections
        .serve_until(
            listener,
            TowerToHyperService::new(edge),
            shutdown,
            options.grace,
        )
        .await)
}
