//! Bad input gets INVALID_ARGUMENT with a google.rpc.BadRequest naming every bad field
//! by its proto path, and nothing reaches Antom.

#![cfg(feature = "emulator")]

mod common;

use antom_sidecar::pb;
use common::*;
use tonic::Code;
use tonic_types::StatusExt;

async fn violations(
    sidecar: &mut RunningSidecar,
    req: pb::SendPaymentResultRequest,
) -> Vec<(String, String)> {
    let err = sidecar
        .client
        .send_payment_result(req)
        .await
        .expect_err("invalid");
    assert_eq!(err.code(), Code::InvalidArgument, "{err:?}");
    let bad = err.get_details_bad_request().expect("BadRequest");
    bad.field_violations
        .into_iter()
        .map(|v| (v.field, v.description))
        .collect()
}

fn fields(v: &[(String, String)]) -> Vec<&str> {
    v.iter().map(|(f, _)| f.as_str()).collect()
}

#[tokio::test]
async fn an_empty_request_names_every_required_field() {
    let (emulator, mut sidecar) = start().await;
    let v = violations(&mut sidecar, pb::SendPaymentResultRequest::default()).await;
    assert_eq!(
        fields(&v),
        [
            "reference_transaction_id",
            "payment_status",
            "payment_method_provider"
        ]
    );
    assert!(v.iter().all(|(_, d)| d.contains("required")), "{v:?}");
    assert!(emulator.received().is_empty());
}

#[tokio::test]
async fn lengths_count_characters_not_bytes() {
    let (emulator, mut sidecar) = start().await;
    // 64 two-byte characters (128 bytes): allowed.
    sidecar
        .client
        .send_payment_result(request(&"é".repeat(64)))
        .await
        .expect("64 characters fit");
    let v = violations(&mut sidecar, request(&"é".repeat(65))).await;
    assert_eq!(fields(&v), ["reference_transaction_id"]);
    assert!(v[0].1.contains("at most 64 characters, got 65"), "{v:?}");
    assert_eq!(emulator.received().len(), 1);
}

#[tokio::test]
async fn nested_fields_are_named_by_their_proto_path() {
    let (emulator, mut sidecar) = start().await;
    let mut req = request("tx-1");
    req.payment_status = 7;
    req.authorization_error = Some(pb::AuthorizationError {
        error_code: "x".repeat(65),
        error_message: String::new(),
    });
    req.card_verification_result = Some(pb::CardVerificationResult {
        authentication_type: 42,
        three_ds_result: Some(pb::ThreeDsResult {
            eci: "0\n5".into(),
            three_ds_interaction_mode: 9,
            ..Default::default()
        }),
        ..Default::default()
    });
    let v = violations(&mut sidecar, req).await;
    assert_eq!(
        fields(&v),
        [
            "payment_status",
            "authorization_error.error_code",
            "card_verification_result.authentication_type",
            "card_verification_result.three_ds_result.three_ds_interaction_mode",
            "card_verification_result.three_ds_result.eci",
        ]
    );
    assert!(v[0].1.contains("7 is not a known value"), "{v:?}");
    assert!(v[4].1.contains("control characters"), "{v:?}");
    assert!(emulator.received().is_empty());
}

#[tokio::test]
async fn empty_nested_messages_and_unset_enums_are_left_out_of_the_wire() {
    let (emulator, mut sidecar) = start().await;
    let mut req = request("tx-empty-nested");
    req.authorization_error = Some(pb::AuthorizationError::default());
    req.card_verification_result = Some(pb::CardVerificationResult {
        cvv_result: "N".into(),
        three_ds_result: Some(pb::ThreeDsResult::default()),
        ..Default::default()
    });
    sidecar.client.send_payment_result(req).await.expect("OK");
    let body = &emulator.received()[0]["body"];
    assert_eq!(
        body,
        &serde_json::json!({"referenceTransactionId": "tx-empty-nested", "paymentStatus": "SUCCESS", "paymentMethodProvider": "VISA", "cardVerificationResult": {"cvvResult": "N"}})
    );
}
