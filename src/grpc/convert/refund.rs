//! `SendRefundResultRequest` → [`RefundResult`].

use super::{
    Check, InvalidRequest,
    fields::{Fields, Path},
};
use crate::{
    pb,
    refund::{MAX_REFUND_RECORDS, RefundRecord, RefundResult},
};

impl TryFrom<pb::SendRefundResultRequest> for RefundResult {
    type Error = InvalidRequest;

    fn try_from(req: pb::SendRefundResultRequest) -> Result<Self, Self::Error> {
        let mut c = Check::default();
        let reference_transaction_id =
            c.required_text("reference_transaction_id", req.reference_transaction_id, 64);
        let reference_refund_id =
            c.required_text("reference_refund_id", req.reference_refund_id, 64);
        let actual_refund_amount = c
            .required("actual_refund_amount", req.actual_refund_amount)
            .and_then(|a| c.amount("actual_refund_amount", a));
        let count = req.refund_records.len();
        let refund_records = if count > MAX_REFUND_RECORDS {
            // The records themselves are not checked: the request goes back as a whole.
            let limit = format!("must hold at most {MAX_REFUND_RECORDS} records, got {count}");
            c.violation("refund_records", limit);
            Vec::new()
        } else {
            let records = Path::Root.field("refund_records");
            (req.refund_records.into_iter().enumerate())
                .map(|(i, r)| record(Fields::new(&mut c, Path::Index(&records, i)), r))
                .collect()
        };
        c.finish(|| {
            Some(Self {
                reference_transaction_id,
                reference_refund_id,
                actual_refund_amount: actual_refund_amount?,
                refund_records,
            })
        })
    }
}

/// One record; every field optional, so one with nothing set is sent as `{}`.
fn record(mut f: Fields<'_>, r: pb::RefundRecord) -> RefundRecord {
    RefundRecord {
        reference_order_id: f.text("reference_order_id", r.reference_order_id, 64),
        reference_goods_id: f.text("reference_goods_id", r.reference_goods_id, 64),
        amount: f.amount("amount", r.amount),
        refund_reason: f.text("refund_reason", r.refund_reason, 256),
        refund_time: f.time("refund_time", r.refund_time),
    }
}
