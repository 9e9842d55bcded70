//! The serving state, one source for both readers: `grpc.health.v1` (tonic-health) and
//! the admin listener's `/readyz`, which asks the same health service, so the two agree
//! at all times.

use std::{
    collections::BTreeMap,
    sync::{Arc, Mutex, PoisonError},
};

use tonic::Request;
use tonic_health::{
    ServingStatus,
    pb::{
        HealthCheckRequest, health_check_response,
        health_server::{Health as _, HealthServer},
    },
    server::{HealthReporter, HealthService},
};

use crate::{grpc::RiskApi, pb::risk_service_server::RiskServiceServer};

/// The service whose status `/readyz` reports.
const SERVICE: &str = <RiskServiceServer<RiskApi> as tonic::server::NamedService>::NAME;

/// Shared serving state; cheap to clone.
#[derive(Clone, Debug)]
pub struct Health {
    reporter: HealthReporter,
    /// Why the service is not serving, for `/readyz`'s one line.
    why_not: Arc<Mutex<&'static str>>,
    /// Why the last reload of the keys or TLS failed, while those in force serve on:
    /// said by `/readyz` without making it fail (one bad Secret must not take every pod
    /// out).
    reload_warnings: Arc<Mutex<BTreeMap<&'static str, String>>>,
}

impl Default for Health {
    /// Not serving yet: `RiskService` is unknown to health until the server starts.
    fn default() -> Self {
        let reporter = HealthReporter::new();
        Self {
            reporter,
            why_not: Arc::new(Mutex::new("starting: the gRPC server is not serving yet")),
            reload_warnings: Arc::default(),
        }
    }
}

impl Health {
    /// `grpc.health.v1.Health`, reporting this state.
    pub(super) fn service(&self) -> HealthServer<HealthService> {
        HealthServer::new(HealthService::from_health_reporter(self.reporter.clone()))
    }

    /// SERVING. [`super::Server::serve`] says so as it starts; a caller that has bound
    /// the listener and loaded the keys may say so first, so that the admin listener
    /// never answers "starting" once the gRPC port accepts connections.
    pub async fn set_serving(&self) {
        self.reporter
            .set_service_status(SERVICE, ServingStatus::Serving)
            .await;
    }

    /// Draining: NOT_SERVING for `RiskService` and the server as a whole ("").
    pub(super) async fn set_draining(&self) {
        *self.why_not.lock().unwrap_or_else(PoisonError::into_inner) =
            "draining: the sidecar is shutting down";
        for service in [SERVICE, ""] {
            self.reporter
                .set_service_status(service, ServingStatus::NotServing)
                .await;
        }
    }

    /// Records why the last reload of `what` failed (`None`: what is on file is in
    /// force).
    pub fn set_reload_warning(&self, what: &'static str, warning: Option<String>) {
        let mut warnings = (self.reload_warnings.lock()).unwrap_or_else(PoisonError::into_inner);
        match warning {
            Some(warning) => warnings.insert(what, warning),
            None => warnings.remove(what),
        };
    }

    /// `Ok` if `grpc.health.v1` says `RiskService` is SERVING, with a warning about the
    /// keys if their last reload failed; else why not.
    pub async fn readiness(&self) -> Result<Option<String>, &'static str> {
        let health = HealthService::from_health_reporter(self.reporter.clone());
        let request = Request::new(HealthCheckRequest {
            service: SERVICE.to_owned(),
        });
        let serving = health
            .check(request)
            .await
            .is_ok_and(|r| r.get_ref().status() == health_check_response::ServingStatus::Serving);
        match serving {
            true => {
                let warnings =
                    (self.reload_warnings.lock()).unwrap_or_else(PoisonError::into_inner);
                let warnings: Vec<&str> = warnings.values().map(String::as_str).collect();
                Ok((!warnings.is_empty()).then(|| warnings.join("; ")))
            }
            false => Err(*self.why_not.lock().unwrap_or_else(PoisonError::into_inner)),
        }
    }
}
