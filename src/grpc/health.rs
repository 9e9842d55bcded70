//! The serving state, one source for both readers: `grpc.health.v1` (tonic-health) and
//! the admin listener's `/readyz`, which asks the same health service, so the two agree
//! at all times. A `Watch` stream ends once the drain starts, after saying NOT_SERVING,
//! so that a client's health watch (grpc-go's client-side health checking keeps one open
//! per connection) does not hold the drain open until the grace runs out.

use std::{
    collections::BTreeMap,
    pin::Pin,
    sync::{Arc, Mutex, PoisonError},
    task::{Context, Poll},
};

use tokio_util::sync::{CancellationToken, WaitForCancellationFutureOwned};
use tonic::{Request, Response, Status, codegen::tokio_stream::Stream};
use tonic_health::{
    ServingStatus,
    pb::{
        HealthCheckRequest, HealthCheckResponse, health_check_response,
        health_server::{self, Health as _, HealthServer},
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
    /// Cancelled when the drain starts: ends the `Watch` streams.
    draining: CancellationToken,
}

impl Default for Health {
    /// Not serving yet: `RiskService` is unknown to health until the server starts.
    fn default() -> Self {
        let reporter = HealthReporter::new();
        Self {
            reporter,
            why_not: Arc::new(Mutex::new("starting: the gRPC server is not serving yet")),
            reload_warnings: Arc::default(),
            draining: CancellationToken::new(),
        }
    }
}

impl Health {
    /// `grpc.health.v1.Health`, reporting this state.
    pub(super) fn service(&self) -> HealthServer<DrainingHealth> {
        HealthServer::new(DrainingHealth {
            inner: HealthService::from_health_reporter(self.reporter.clone()),
            draining: self.draining.clone(),
        })
    }

    /// SERVING. [`super::Server::serve`] says so as it starts; a caller that has bound
    /// the listener and loaded the keys may say so first, so that the admin listener
    /// never answers "starting" once the gRPC port accepts connections.
    pub async fn set_serving(&self) {
        self.reporter
            .set_service_status(SERVICE, ServingStatus::Serving)
            .await;
    }

    /// Draining: NOT_SERVING for `RiskService` and the server as a whole (""), and the
    /// end of every `Watch` stream.
    pub(super) async fn set_draining(&self) {
        *self.why_not.lock().unwrap_or_else(PoisonError::into_inner) =
            "draining: the sidecar is shutting down";
        for service in [SERVICE, ""] {
            self.reporter
                .set_service_status(service, ServingStatus::NotServing)
                .await;
        }
        self.draining.cancel();
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

/// tonic-health's service, but its `Watch` streams end when the drain starts.
pub(super) struct DrainingHealth {
    inner: HealthService,
    draining: CancellationToken,
}

#[tonic::async_trait]
impl health_server::Health for DrainingHealth {
    async fn check(
        &self,
        request: Request<HealthCheckRequest>,
    ) -> Result<Response<HealthCheckResponse>, Status> {
        self.inner.check(request).await
    }

    type WatchStream = UntilDrain<<HealthService as health_server::Health>::WatchStream>;

    async fn watch(
        &self,
        request: Request<HealthCheckRequest>,
    ) -> Result<Response<Self::WatchStream>, Status> {
        let statuses = self.inner.watch(request).await?.into_inner();
        Ok(Response::new(UntilDrain {
            statuses,
            drained: Some(Box::pin(self.draining.clone().cancelled_owned())),
            said_not_serving: false,
        }))
    }
}

/// A `Watch` stream's statuses until the drain starts, then NOT_SERVING (unless it was
/// the last status sent) and its end (status OK: the health protocol asks clients to
/// watch again, elsewhere).
pub(super) struct UntilDrain<S> {
    statuses: S,
    /// `None` once the drain has been said.
    drained: Option<Pin<Box<WaitForCancellationFutureOwned>>>,
    /// Whether the last status sent was NOT_SERVING.
    said_not_serving: bool,
}

impl<S> Stream for UntilDrain<S>
where
    S: Stream<Item = Result<HealthCheckResponse, Status>> + Unpin,
{
    type Item = Result<HealthCheckResponse, Status>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        const NOT_SERVING: health_check_response::ServingStatus =
            health_check_response::ServingStatus::NotServing;
        let Some(drained) = &mut self.drained else {
            return Poll::Ready(None);
        };
        if drained.as_mut().poll(cx).is_ready() {
            self.drained = None;
            let last = HealthCheckResponse {
                status: NOT_SERVING.into(),
            };
            return Poll::Ready((!self.said_not_serving).then_some(Ok(last)));
        }
        let next = Pin::new(&mut self.statuses).poll_next(cx);
        if let Poll::Ready(Some(Ok(status))) = &next {
            self.said_not_serving = status.status() == NOT_SERVING;
        }
        next
    }
}
