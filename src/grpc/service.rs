//! `RiskService`'s handlers: validate, call Antom within the caller's deadline, answer.
//! One body serves every RPC ([`RiskApi::handle`]); each handler names its Antom API.

use std::sync::Arc;

use tonic::{Request, Response, Status};
use tracing::{Span, debug};

use super::convert::InvalidRequest;
use crate::{
    antom::{AntomClient, Api, Decide, ReportRisk, SendPaymentResult, SendRefundResult},
    call::Call,
    pb::{self, risk_service_server::RiskService},
};

/// The `RiskService` implementation.
#[derive(Clone, Debug)]
pub struct RiskApi {
    client: Arc<AntomClient>,
}

impl RiskApi {
    /// Serves calls with `client`.
    pub fn new(client: Arc<AntomClient>) -> Self {
        Self { client }
    }

    /// One RPC: `request` validated into API `A`'s domain request, sent, and Antom's
    /// verified answer returned as the RPC's response `R`.
    async fn handle<A, P, R>(&self, request: Request<P>) -> Result<Response<R>, Status>
    where
        A: Api,
        P: Referenced,
        A::Request: TryFrom<P, Error = InvalidRequest>,
        R: From<A::Response>,
    {
        // The edge puts the call's record in; a call served some other way gets its own.
        let call = request
            .extensions()
            .get::<Arc<Call>>()
            .cloned()
            .unwrap_or_else(|| Arc::new(Call::detached()));
        // Named in the logs before validation too, when it is short and printable.
        let id = request.get_ref().reference_transaction_id();
        if id.len() <= 64 && !id.chars().any(char::is_control) {
            Span::current().record("reference_transaction_id", id);
            call.note(|n| n.reference_transaction_id = Some(id.to_owned()));
        }
        // The access log line says how the call ended; these say why, at debug.
        let domain = A::Request::try_from(request.into_inner())
            .inspect_err(|e| debug!(error = %e, "invalid request"))?;
        let result = self
            .client
            .call::<A>(&domain, &call)
            .await
            .inspect_err(|e| debug!(error = %e, "call failed"))?;
        Ok(Response::new(result.into()))
    }
}

/// A request that names its transaction, as every `RiskService` request does.
trait Referenced {
    /// `reference_transaction_id`, as the caller sent it.
    fn reference_transaction_id(&self) -> &str;
}

macro_rules! referenced {
    ($($request:ty),+) => {$(
        impl Referenced for $request {
            fn reference_transaction_id(&self) -> &str {
                &self.reference_transaction_id
            }
        }
    )+};
}

referenced!(
    pb::SendPaymentResultRequest,
    pb::SendRefundResultRequest,
    pb::ReportRiskRequest,
    pb::DecideRequest
);

#[tonic::async_trait]
impl RiskService for RiskApi {
    async fn send_payment_result(
        &self,
        request: Request<pb::SendPaymentResultRequest>,
    ) -> Result<Response<pb::SendPaymentResultResponse>, Status> {
        self.handle::<SendPaymentResult, _, _>(request).await
    }

    async fn send_refund_result(
        &self,
        request: Request<pb::SendRefundResultRequest>,
    ) -> Result<Response<pb::SendRefundResultResponse>, Status> {
        self.handle::<SendRefundResult, _, _>(request).await
    }

    async fn report_risk(
        &self,
        request: Request<pb::ReportRiskRequest>,
    ) -> Result<Response<pb::ReportRiskResponse>, Status> {
        self.handle::<ReportRisk, _, _>(request).await
    }

    async fn decide(
        &self,
        request: Request<pb::DecideRequest>,
    ) -> Result<Response<pb::DecideResponse>, Status> {
        self.handle::<Decide, _, _>(request).await
    }
}
