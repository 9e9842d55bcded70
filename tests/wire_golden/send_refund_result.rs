//! `sendRefundResult`'s wire bytes: amounts at 0 and `i64::MAX`, currencies of 0, 2 and
//! 3 minor digits, a time with nanoseconds (dropped), unicode text, no records (`[]`),
//! and the requests refused before anything is sent.

use antom_sidecar::{pb, refund::RefundResult};
use prost_types::Timestamp;

fn amount(currency: &str, value: i64) -> Option<pb::Amount> {
    Some(pb::Amount {
        currency: currency.into(),
        value,
    })
}

fn request(records: Vec<pb::RefundRecord>) -> pb::SendRefundResultRequest {
    pb::SendRefundResultRequest {
        reference_transaction_id: "0656237919440001".into(),
        reference_refund_id: "refund_20261127_0001".into(),
        actual_refund_amount: amount("USD", 1500),
        refund_records: records,
    }
}

fn wire(request: pb::SendRefundResultRequest) -> Vec<u8> {
    RefundResult::try_from(request)
        .expect("valid request")
        .to_wire()
}

/// The proto paths of the violations, in order.
fn refused(request: pb::SendRefundResultRequest) -> Vec<(String, String)> {
    let err = RefundResult::try_from(request).expect_err("invalid request");
    (err.violations.into_iter())
        .map(|v| (v.field, v.description))
        .collect()
}

#[test]
fn no_records_is_an_empty_array() {
    crate::golden("send_refund_result/minimal.json", &wire(request(vec![])));
}

#[test]
fn every_field_amounts_at_the_edges_and_unicode() {
    let records = vec![
        pb::RefundRecord {
            reference_order_id: "order_0001".into(),
            reference_goods_id: "sku_42".into(),
            amount: amount("USD", 1000),
            refund_reason: "item damaged – beschädigt, 破损 😀, \"as seen\"".into(),
            // 2026-11-28T21:45:00.999999999Z: the nanoseconds are dropped, not rounded.
            refund_time: Some(Timestamp {
                seconds: 1_795_902_300,
                nanos: 999_999_999,
            }),
        },
        pb::RefundRecord {
            amount: amount("JPY", 0),
            ..Default::default()
        },
        pb::RefundRecord {
            amount: amount("BHD", 1),
            refund_time: Some(Timestamp::default()),
            ..Default::default()
        },
        pb::RefundRecord::default(),
    ];
    let full = pb::SendRefundResultRequest {
        reference_transaction_id: "tx-ü-中文-1".into(),
        actual_refund_amount: amount("BHD", i64::MAX),
        ..request(records)
    };
    crate::golden("send_refund_result/full.json", &wire(full));
}

#[test]
fn negative_amounts_and_unknown_currencies_are_named() {
    let mut bad = request(vec![pb::RefundRecord {
        amount: amount("usd", -1),
        ..Default::default()
    }]);
    bad.actual_refund_amount = amount("XYZ", i64::MIN);
    let v = refused(bad);
    let fields: Vec<&str> = v.iter().map(|(f, _)| f.as_str()).collect();
    assert_eq!(
        fields,
        [
            "actual_refund_amount.currency",
            "actual_refund_amount.value",
            "refund_records[0].amount.currency",
            "refund_records[0].amount.value",
        ]
    );
    assert_eq!(v[0].1, "\"XYZ\" is not an ISO 4217 currency code in force");
    assert_eq!(v[1].1, format!("must be at least 0, got {}", i64::MIN));
    assert!(v[2].1.contains("(codes are upper case)"), "{v:?}");
    assert_eq!(v[3].1, "must be at least 0, got -1");
}

#[test]
fn more_than_100_records_are_refused() {
    let hundred = vec![pb::RefundRecord::default(); 100];
    assert!(RefundResult::try_from(request(hundred.clone())).is_ok());
    let mut too_many = hundred;
    too_many.push(pb::RefundRecord::default());
    assert_eq!(
        refused(request(too_many)),
        [(
            "refund_records".to_owned(),
            "must hold at most 100 records, got 101".to_owned()
        )]
    );
}

#[test]
fn missing_required_fields_and_bad_times_are_named() {
    let bad = pb::SendRefundResultRequest {
        refund_records: vec![pb::RefundRecord {
            refund_time: Some(Timestamp {
                seconds: -1,
                nanos: 1_000_000_000,
            }),
            ..Default::default()
        }],
        ..Default::default()
    };
    let v = refused(bad);
    let fields: Vec<&str> = v.iter().map(|(f, _)| f.as_str()).collect();
    assert_eq!(
        fields,
        [
            "reference_transaction_id",
            "reference_refund_id",
            "actual_refund_amount",
            "refund_records[0].refund_time.seconds",
            "refund_records[0].refund_time.nanos",
        ]
    );
    assert!(v[..3].iter().all(|(_, d)| d == "is required"), "{v:?}");
}
