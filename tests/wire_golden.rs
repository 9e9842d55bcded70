//! Golden files of the exact bytes sent to Antom for typed requests, one set per API:
//! compact JSON, camelCase names, every value a string (arrays stay arrays), text as
//! UTF-8 (not `\u`-escaped), absent fields left out, never `null`. Regenerate after an
//! intended change with `UPDATE_GOLDEN=1 cargo test --test wire_golden`.

mod wire_golden {
    mod decide;
    mod report_risk;
    mod send_refund_result;
}

use antom_sidecar::{payment::PaymentResult, pb};

fn check(name: &str, request: pb::SendPaymentResultRequest) {
    let wire = PaymentResult::try_from(request)
        .expect("valid request")
        .to_wire();
    golden(name, &wire);
}

/// Compares `wire` with `tests/golden/<name>` (or writes it, with `UPDATE_GOLDEN`).
fn golden(name: &str, wire: &[u8]) {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(name);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, wire).expect("write golden file");
    }
    let golden = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert_eq!(
        String::from_utf8_lossy(wire),
        String::from_utf8_lossy(&golden),
        "{name}"
    );
}

#[test]
fn minimal_request() {
    check(
        "minimal.json",
        pb::SendPaymentResultRequest {
            reference_transaction_id: "0656237919440001".into(),
            payment_status: pb::PaymentStatus::Success.into(),
            payment_method_provider: "VISA".into(),
            ..Default::default()
        },
    );
}

#[test]
fn full_request_with_every_field() {
    check(
        "full.json",
        pb::SendPaymentResultRequest {
            reference_transaction_id: "tx-\"quoted\"-ü-中文".into(),
            payment_status: pb::PaymentStatus::Fail.into(),
            authorization_error: Some(pb::AuthorizationError {
                error_code: "05".into(),
                error_message: "Do not honour / retry".into(),
            }),
            card_verification_result: Some(pb::CardVerificationResult {
                authentication_type: pb::AuthenticationType::Non3d.into(),
                authentication_method: "PASSKEY".into(),
                cvv_result: "Y".into(),
                avs_result: "0".into(),
                authorization_code: "10000".into(),
                three_ds_result: Some(pb::ThreeDsResult {
                    three_ds_version: "2.2.0".into(),
                    three_ds_interaction_mode: pb::ThreeDsInteractionMode::Frictionless.into(),
                    eci: "05".into(),
                    cavv: "AAABBBCCC=".into(),
                }),
            }),
            payment_method_provider: "MASTERCARD".into(),
        },
    );
}

#[test]
fn partly_filled_nested_messages() {
    check(
        "partial_nested.json",
        pb::SendPaymentResultRequest {
            reference_transaction_id: "tx-2".into(),
            payment_status: pb::PaymentStatus::Success.into(),
            authorization_error: Some(pb::AuthorizationError::default()),
            card_verification_result: Some(pb::CardVerificationResult {
                three_ds_result: Some(pb::ThreeDsResult {
                    eci: "07".into(),
                    ..Default::default()
                }),
                ..Default::default()
            }),
            payment_method_provider: "VISA".into(),
        },
    );
}
