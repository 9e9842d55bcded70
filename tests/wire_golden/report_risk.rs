//! `reportRisk`'s wire bytes: each risk type, a time with nanoseconds (dropped) at the
//! edge of the range, unicode text, optional fields left out; and the requests refused
//! before anything is sent.

use antom_sidecar::{pb, risk_report::RiskReport};
use prost_types::Timestamp;

fn request(risk_type: pb::RiskType) -> pb::ReportRiskRequest {
    pb::ReportRiskRequest {
        reference_transaction_id: "0656237919440001".into(),
        report_reason: String::new(),
        risk_type: risk_type.into(),
        risk_occurrence_time: Some(Timestamp {
            seconds: 1_795_902_300,
            nanos: 0,
        }),
    }
}

fn wire(request: pb::ReportRiskRequest) -> Vec<u8> {
    RiskReport::try_from(request)
        .expect("valid request")
        .to_wire()
}

#[test]
fn optional_fields_are_left_out() {
    let minimal = wire(request(pb::RiskType::Unspecified));
    crate::golden("report_risk/minimal.json", &minimal);
}

#[test]
fn every_field_with_unicode_and_the_last_second_of_9999() {
    let full = pb::ReportRiskRequest {
        report_reason: "Kunde gesperrt – Betrug 欺诈 😀".into(),
        risk_occurrence_time: Some(Timestamp {
            seconds: 253_402_300_799,
            nanos: 123_456_789,
        }),
        ..request(pb::RiskType::Chargeback)
    };
    crate::golden("report_risk/full.json", &wire(full));
}

#[test]
fn each_risk_type_has_its_wire_value() {
    for (risk_type, value) in [
        (pb::RiskType::Suspicious, "SUSPICIOUS"),
        (pb::RiskType::Chargeback, "CHARGEBACK"),
        (pb::RiskType::Fraud, "FRAUD"),
    ] {
        let body: serde_json::Value =
            serde_json::from_slice(&wire(request(risk_type))).expect("JSON");
        assert_eq!(body["riskType"], value);
    }
}

#[test]
fn bad_fields_are_each_named() {
    let bad = pb::ReportRiskRequest {
        reference_transaction_id: "x".repeat(65),
        report_reason: "a\u{7}".into(),
        risk_type: 9,
        risk_occurrence_time: Some(Timestamp {
            seconds: 253_402_300_800,
            nanos: -1,
        }),
    };
    let err = RiskReport::try_from(bad).expect_err("invalid");
    let fields: Vec<&str> = err.violations.iter().map(|v| v.field.as_str()).collect();
    assert_eq!(
        fields,
        [
            "reference_transaction_id",
            "report_reason",
            "risk_type",
            "risk_occurrence_time.seconds",
            "risk_occurrence_time.nanos",
        ]
    );
    let missing = RiskReport::try_from(pb::ReportRiskRequest::default()).expect_err("invalid");
    let fields: Vec<&str> = (missing.violations.iter())
        .map(|v| v.field.as_str())
        .collect();
    assert_eq!(fields, ["reference_transaction_id", "risk_occurrence_time"]);
}
