//! `ReportRiskRequest` → [`RiskReport`].

use super::{Check, InvalidRequest};
use crate::{
    pb,
    risk_report::{RiskReport, RiskType},
};

impl TryFrom<pb::ReportRiskRequest> for RiskReport {
    type Error = InvalidRequest;

    fn try_from(req: pb::ReportRiskRequest) -> Result<Self, Self::Error> {
        let mut c = Check::default();
        let reference_transaction_id =
            c.required_text("reference_transaction_id", req.reference_transaction_id, 64);
        let report_reason = c.text("report_reason", req.report_reason, 2048);
        let risk_type = c.enumeration("risk_type", req.risk_type, |t| match t {
            pb::RiskType::Unspecified => None,
            pb::RiskType::Suspicious => Some(RiskType::Suspicious),
            pb::RiskType::Chargeback => Some(RiskType::Chargeback),
            pb::RiskType::Fraud => Some(RiskType::Fraud),
        });
        let risk_occurrence_time = c
            .required("risk_occurrence_time", req.risk_occurrence_time)
            .and_then(|t| c.time("risk_occurrence_time", t));
        c.finish(|| {
            Some(Self {
                reference_transaction_id,
                report_reason,
                risk_type,
                risk_occurrence_time: risk_occurrence_time?,
            })
        })
    }
}
