//! Protobuf ⇄ domain, one module per message family. Requests become domain types,
//! validated before the network: required fields, lengths in characters, enum values,
//! no control characters, currencies, amounts and times, every violation reported and
//! named by its proto path ([`check`]). Antom's result becomes each response.

mod check;
mod decide;
mod decide_response;
mod fields;
mod payment;
mod refund;
mod risk_report;

use check::Check;
pub use check::InvalidRequest;

use crate::{
    antom::{AntomResult, ResultStatus},
    pb,
};

/// The responses that are Antom's `result` alone, each built from it.
macro_rules! from_result {
    ($($response:ty),+) => {$(
        impl From<AntomResult> for $response {
            fn from(r: AntomResult) -> Self {
                Self {
                    result_status: result_status(r.result_status).into(),
                    result_code: r.result_code,
                    result_message: r.result_message,
                }
            }
        }
    )+};
}

from_result!(
    pb::SendPaymentResultResponse,
    pb::SendRefundResultResponse,
    pb::ReportRiskResponse
);

fn result_status(status: ResultStatus) -> pb::ResultStatus {
    match status {
        ResultStatus::Success => pb::ResultStatus::Success,
        ResultStatus::Fail => pb::ResultStatus::Fail,
        ResultStatus::Unknown => pb::ResultStatus::Unknown,
    }
}
