//! The gRPC edge: `antom.risk.v1.RiskService`, converting protobuf ⇄ domain and
//! honouring the caller's deadline.

mod convert;
mod status;

use std::{sync::Arc, time::Duration};

use tokio::time::Instant;
use tonic::{Request, Response, Status, metadata::MetadataMap};
use tracing::{Span, debug, info, instrument};

pub use convert::{FieldViolation, InvalidRequest};
pub use status::{ANTOM_DOMAIN, RETRY_DELAY, SIDECAR_DOMAIN, code_for};

use crate::{
    antom::{AntomClient, AntomResult, ResultStatus},
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
        let deadline = deadline(request.metadata());
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

impl From<AntomResult> for pb::SendPaymentResultResponse {
    fn from(r: AntomResult) -> Self {
        let status = match r.result_status {
            ResultStatus::Success => pb::ResultStatus::Success,
            ResultStatus::Fail => pb::ResultStatus::Fail,
            ResultStatus::Unknown => pb::ResultStatus::Unknown,
        };
        Self {
            result_code: r.result_code,
            result_status: status.into(),
            result_message: r.result_message,
        }
    }
}

/// The caller's deadline from `grpc-timeout`, brought forward by a margin. The server
/// (see `server::run`) leaves deadlines to this handler alone, but clients enforce them
/// too (tonic's client answers CANCELLED): finishing a little early lets the caller get
/// our DEADLINE_EXCEEDED, with its details, rather than its own timer's verdict.
fn deadline(metadata: &MetadataMap) -> Option<Instant> {
    let timeout = parse_grpc_timeout(metadata.get("grpc-timeout")?.to_str().ok()?)?;
    let margin = (timeout / 10).clamp(Duration::from_millis(10), Duration::from_millis(100));
    Some(Instant::now() + timeout.saturating_sub(margin))
}

/// Parses a `grpc-timeout` value: up to 8 digits and a unit (H, M, S, m, u, n).
fn parse_grpc_timeout(value: &str) -> Option<Duration> {
    let (digits, unit) = value.split_at_checked(value.len().checked_sub(1)?)?;
    if digits.is_empty() || digits.len() > 8 {
        return None;
    }
    let n: u64 = digits.parse().ok()?;
    Some(match unit {
        "H" => Duration::from_secs(n * 3600),
        "M" => Duration::from_secs(n * 60),
        "S" => Duration::from_secs(n),
        "m" => Duration::from_millis(n),
        "u" => Duration::from_micros(n),
        "n" => Duration::from_nanos(n),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grpc_timeout_units() {
        assert_eq!(parse_grpc_timeout("100m"), Some(Duration::from_millis(100)));
        assert_eq!(parse_grpc_timeout("2S"), Some(Duration::from_secs(2)));
        assert_eq!(parse_grpc_timeout("1H"), Some(Duration::from_secs(3600)));
        assert_eq!(parse_grpc_timeout("5000u"), Some(Duration::from_millis(5)));
        assert_eq!(parse_grpc_timeout("123456789S"), None);
        assert_eq!(parse_grpc_timeout("m"), None);
        assert_eq!(parse_grpc_timeout("10x"), None);
        assert_eq!(parse_grpc_timeout(""), None);
    }
}
