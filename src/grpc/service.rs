//! `RiskService`'s handlers: validate, call Antom within the caller's deadline, answer.

use std::sync::Arc;

use tonic::{Request, Response, Status};
use tracing::{Span, debug};

use crate::{
    antom::AntomClient,
    call::Call,
    payment::PaymentResult,
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
}

#[tonic::async_trait]
impl RiskService for RiskApi {
    async fn send_payment_result(
        &self,
        request: Request<pb::SendPaymentResultRequest>,
    ) -> Result<Response<pb::SendPaymentResultResponse>, Status> {
        // The edge puts the call's record in; a call served some other way gets its own.
        let call = request
            .extensions()
            .get::<Arc<Call>>()
            .cloned()
            .unwrap_or_else(|| Arc::new(Call::detached()));
        // Named in the logs before validation too, when it is short and printable.
        let id = &request.get_ref().reference_transaction_id;
        if id.len() <= 64 && !id.chars().any(char::is_control) {
            Span::current().record("reference_transaction_id", id.as_str());
            call.note(|n| n.reference_transaction_id = Some(id.clone()));
        }
        // The access log line says how the call ended; these say why, at debug.
        let payment = PaymentResult::try_from(request.into_inner())
            .inspect_err(|e| debug!(error = %e, "invalid request"))?;
        let result = self
            .client
            .send_payment_result(&payment, &call)
            .await
            .inspect_err(|e| debug!(error = %e, "call failed"))?;
        Ok(Response::new(result.into()))
    }
}
