//! The risk case Antom is told about (`reportRisk`), as a domain type that knows nothing
//! of protobuf, and its wire form (see [`crate::wire`]). Field order follows Antom's SDK.

use serde::Serialize;

use crate::wire::{self, UtcTime};

/// Body of `reportRisk`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RiskReport {
    /// The merchant's ID of the transaction (max 64 characters).
    pub reference_transaction_id: String,
    /// Why it is reported (max 2048 characters).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub report_reason: Option<String>,
    /// The kind of risk.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub risk_type: Option<RiskType>,
    /// When the risk event happened.
    pub risk_occurrence_time: UtcTime,
}

impl RiskReport {
    /// The exact bytes sent to Antom (and signed).
    pub fn to_wire(&self) -> Vec<u8> {
        wire::to_json(self)
    }
}

/// `riskType`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum RiskType {
    /// `SUSPICIOUS`: the merchant deems the transaction risky.
    Suspicious,
    /// `CHARGEBACK`: the buyer forced a refund.
    Chargeback,
    /// `FRAUD`: card fraud.
    Fraud,
}
