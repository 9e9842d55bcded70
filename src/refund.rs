//! The refund result Antom is told about (`sendRefundResult`), as domain types that know
//! nothing of protobuf, and its wire form (see [`crate::wire`]). Field order follows
//! Antom's SDK.

use serde::Serialize;

use crate::wire::{self, Amount, UtcTime};

/// The most records one request may carry (Antom's limit).
pub const MAX_REFUND_RECORDS: usize = 100;

/// Body of `sendRefundResult`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RefundResult {
    /// The merchant's ID of the refunded transaction (max 64 characters).
    pub reference_transaction_id: String,
    /// The merchant's ID of this refund (max 64 characters).
    pub reference_refund_id: String,
    /// The total refunded on the transaction.
    pub actual_refund_amount: Amount,
    /// Up to [`MAX_REFUND_RECORDS`]; always sent, `[]` when empty, since Antom marks
    /// the key required.
    pub refund_records: Vec<RefundRecord>,
}

impl RefundResult {
    /// The exact bytes sent to Antom (and signed).
    pub fn to_wire(&self) -> Vec<u8> {
        wire::to_json(self)
    }
}

/// `refundRecords[]`: one refund, e.g. of one item. Antom publishes no required field.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RefundRecord {
    /// `referenceOrderId`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reference_order_id: Option<String>,
    /// `referenceGoodsId`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reference_goods_id: Option<String>,
    /// `amount`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub amount: Option<Amount>,
    /// `refundReason`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refund_reason: Option<String>,
    /// `refundTime`: when the refund reached its final state.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refund_time: Option<UtcTime>,
}
