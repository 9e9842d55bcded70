//! The gRPC edge: `antom.risk.v1.RiskService` with health (`grpc.health.v1`) and
//! reflection (v1 and v1alpha), converting protobuf ⇄ domain and honouring the
//! caller's deadline.

mod convert;
mod deadline;
mod service;
mod status;

use std::{future::Future, sync::Arc, time::Duration};

use hyper_util::service::TowerToHyperService;
use tonic::service::Routes;
use tonic_health::ServingStatus;

pub use service::RiskApi;

use crate::{
    antom::AntomClient,
    pb::{self, risk_service_server::RiskServiceServer},
    server::{Connections, Drained, Listener},
};

/// How long a shutdown waits for in-flight calls (`SIDECAR_SHUTDOWN_GRACE`).
pub const DEFAULT_SHUTDOWN_GRACE: Duration = Duration::from_secs(10);

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// Reflection could not load a descriptor set (a build problem).
    #[error("reflection: {0}")]
    Reflection(#[from] tonic_reflection::server::Error),
}

/// Serves `RiskService`, health and reflection on `listener` until `shutdown` resolves,
/// then reports NOT_SERVING and lets in-flight calls finish for up to `grace`.
///
/// Connections are served with hyper directly, not with tonic's `transport::Server`: its
/// built-in `grpc-timeout` handling answers CANCELLED at the caller's deadline, racing
/// the DEADLINE_EXCEEDED that [`RiskApi`] returns. Here the handler alone owns deadlines.
pub async fn serve(
    listener: Listener,
    client: Arc<AntomClient>,
    shutdown: impl Future<Output = ()>,
    grace: Duration,
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
        .add_service(RiskServiceServer::new(RiskApi::new(client)));
    let shutdown = async {
        shutdown.await;
        health.set_not_serving::<RiskServiceServer<RiskApi>>().await;
        health
            .set_service_status("", ServingStatus::NotServing)
            .await;
    };
    let service = TowerToHyperService::new(routes);
    Ok(Connections::grpc()
        .serve_until(listener, service, shutdown, grace)
        .await)
}
