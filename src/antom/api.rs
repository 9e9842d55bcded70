//! Each Antom API as a small description, not a copy of the client loop: its name, its
//! paths, its request and response types, and whether a resend is safe.

use serde::Serialize;

use super::{AntomError, AntomResult, DecideAnswer};
use crate::{payment::PaymentResult, refund::RefundResult, risk_report::RiskReport};

/// What the client needs to know of an API, as data.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ApiSpec {
    /// Antom's name of the API, e.g. `sendPaymentResult`: the `api` label of the
    /// metrics, and the logs' name of it.
    pub name: &'static str,
    /// The production path, e.g. `/ams/api/v1/risk/payments/sendPaymentResult`; the
    /// path called is also the one signed.
    pub path: &'static str,
    /// The same under the sandbox prefix that Antom's SDKs use (`/ams/sandbox/api/...`).
    pub sandbox_path: &'static str,
    /// Whether sending the request again is harmless once it may have reached Antom.
    /// A notification is (it tells the same fact again); an API that is not is tried
    /// again only when nothing can have reached Antom (see
    /// [`super::may_retry`]).
    pub retry_safe: bool,
}

/// An Antom API: its description, and the types that go in and come out.
pub trait Api {
    /// Name, paths and retry safety.
    const SPEC: ApiSpec;
    /// The domain request: its JSON is the body sent, exactly (see [`crate::wire`]).
    type Request: Serialize + Sync;
    /// What a verified SUCCESS answer becomes.
    type Response: FromAnswer;
}

/// Builds an API's response from Antom's verified SUCCESS answer: its `result`, and the
/// whole body for the APIs whose answer holds more.
pub trait FromAnswer: Sized {
    /// The response, or [`AntomError::Malformed`] when the body lacks what it needs.
    fn from_answer(result: AntomResult, body: &[u8]) -> Result<Self, AntomError>;
}

/// The notification APIs answer with `result` alone.
impl FromAnswer for AntomResult {
    fn from_answer(result: AntomResult, _body: &[u8]) -> Result<Self, AntomError> {
        Ok(result)
    }
}

/// Path of `sendPaymentResult`.
pub const PAYMENT_RESULT_PATH: &str = "/ams/api/v1/risk/payments/sendPaymentResult";
/// The same under the sandbox prefix.
pub const SANDBOX_PAYMENT_RESULT_PATH: &str = "/ams/sandbox/api/v1/risk/payments/sendPaymentResult";

/// `sendPaymentResult`: a payment's final result.
#[derive(Debug)]
pub enum SendPaymentResult {}

impl Api for SendPaymentResult {
    const SPEC: ApiSpec = ApiSpec {
        name: "sendPaymentResult",
        path: PAYMENT_RESULT_PATH,
        sandbox_path: SANDBOX_PAYMENT_RESULT_PATH,
        retry_safe: true,
    };
    type Request = PaymentResult;
    type Response = AntomResult;
}

/// `sendRefundResult`: a refund's final result.
#[derive(Debug)]
pub enum SendRefundResult {}

impl Api for SendRefundResult {
    const SPEC: ApiSpec = ApiSpec {
        name: "sendRefundResult",
        path: "/ams/api/v1/risk/payments/sendRefundResult",
        sandbox_path: "/ams/sandbox/api/v1/risk/payments/sendRefundResult",
        retry_safe: true,
    };
    type Request = RefundResult;
    type Response = AntomResult;
}

/// `reportRisk`: a risk case on a payment.
#[derive(Debug)]
pub enum ReportRisk {}

impl Api for ReportRisk {
    const SPEC: ApiSpec = ApiSpec {
        name: "reportRisk",
        path: "/ams/api/v1/risk/payments/reportRisk",
        sandbox_path: "/ams/sandbox/api/v1/risk/payments/reportRisk",
        retry_safe: true,
    };
    type Request = RiskReport;
    type Response = AntomResult;
}

/// `decide`: a real-time risk decision on a card payment. A query, not a notification:
/// Antom documents no idempotency key for it, so a resend that reaches Antom may be
/// evaluated (and counted by velocity checks) as a new attempt. Not retry-safe: the
/// client retries it only when no connection could be made; the caller gets every other
/// failure at once, with `RetryInfo` when a resend may help, and chooses.
#[derive(Debug)]
pub enum Decide {}

impl Api for Decide {
    const SPEC: ApiSpec = ApiSpec {
        name: "decide",
        path: "/ams/api/v1/risk/payments/decide",
        sandbox_path: "/ams/sandbox/api/v1/risk/payments/decide",
        retry_safe: false,
    };
    type Request = crate::decide::Decide;
    type Response = DecideAnswer;
}

/// Every API the sidecar calls: for the metrics' series known in advance and the
/// emulator's routes.
pub const APIS: [ApiSpec; 4] = [
    SendPaymentResult::SPEC,
    SendRefundResult::SPEC,
    ReportRisk::SPEC,
    Decide::SPEC,
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_sandbox_path_is_its_production_path_under_the_sandbox_prefix() {
        for api in APIS {
            let tail = api
                .path
                .strip_prefix("/ams/api/")
                .expect("production prefix");
            assert_eq!(api.sandbox_path, format!("/ams/sandbox/api/{tail}"));
            assert!(api.path.ends_with(&format!("/{}", api.name)), "{api:?}");
        }
    }
}
