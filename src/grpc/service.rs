//! `RiskService`'s handlers: validate, call Antom within the caller's deadline, answer.

use std::sync::Arc;

use tonic::{Request, Response, Status};
use tracing::{Span, debug, info, instrument};

use super::deadline::CallDeadline;
use crate::{
    antom::AntomClient,
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
    #[instrument(name = "SendPaymentResult", skip_all, fields(reference_transaction_id))]
    async fn send_payment_result(
        &self,
        request: Request<pb::SendPaymentResultRequest>,
    ) -> Result<Response<pb::SendPaymentResultResponse>, Status> {
        let deadline = request
            .extensions()
            .get::<CallDeadline>()
            .map(|d| d.answer_by());
        let payment = PaymentResult::try_from(request.into_inner())
            .inspect_err(|e| info!(error = %e, "invalid request"))?;
        Span::current().record(
            "reference_transaction_id",
            payment.reference_transaction_id.as_str(),
        );
        let result = self
            .client
            .send_payment_result(&payment, deadline)
            .await
            .inspect_err(|e| info!(error = %e, "call failed"))?;
        debug!(result_code = %result.result_code, "call succeeded");
        Ok(Response::new(result.into()))
    }
}
