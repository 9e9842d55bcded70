//! Authentication both ways: API-key mode, and response signatures checked with the
//! configured Antom public key.

#![cfg(feature = "emulator")]

mod common;

use antom_sidecar::{antom::Auth, emulator::EmulatorConfig, secret::Secret};
use common::*;
use tonic::Code;
use tonic_types::StatusExt;

#[tokio::test]
async fn api_key_mode_sends_a_bearer_token_and_no_signature() {
    let emulator = start_emulator(emulator_config()).await;
    let s = settings(emulator.addr()).auth(Auth::ApiKey(Secret::new("isak_TEST_emulator")));
    let mut sidecar = start_sidecar(s).await;
    sidecar
        .client
        .send_payment_result(request("tx-api-key"))
        .await
        .expect("OK");
    let caller = &emulator.received()[0]["caller"];
    assert_eq!(caller["auth"], "api-key");
    assert_eq!(caller["keyVersion"], serde_json::Value::Null);
}

#[tokio::test]
async fn api_key_mode_needs_no_antom_public_key_as_in_antoms_sdk() {
    let emulator = start_emulator(emulator_config()).await;
    let endpoint =
        antom_sidecar::antom::Endpoint::base_url(&format!("http://{}", emulator.addr()), false)
            .expect("endpoint");
    let api_key = Auth::ApiKey(Secret::new("isak_TEST_emulator"));
    let s = antom_sidecar::antom::Settings::builder(endpoint, CLIENT_ID, api_key, vec![]);
    let mut sidecar = start_sidecar(s).await;
    let response = sidecar
        .client
        .send_payment_result(request("tx-api-key-no-public-key"))
        .await
        .expect("the unsigned answer is accepted")
        .into_inner();
    assert_eq!(response.result_code, "SUCCESS");
}

#[tokio::test]
async fn a_wrong_api_key_is_refused_by_antom() {
    let emulator = start_emulator(emulator_config()).await;
    let s = settings(emulator.addr()).auth(Auth::ApiKey(Secret::new("isak_TEST_wrong")));
    let mut sidecar = start_sidecar(s).await;
    let err = sidecar.fail("tx-1").await;
    assert_eq!(err.code(), Code::PermissionDenied);
    assert!(
        !err.message().contains("isak_TEST_wrong"),
        "the key never appears in errors"
    );
}

#[tokio::test]
async fn a_request_signed_with_another_key_gets_signature_invalid() {
    let k = keys();
    let emulator = start_emulator(EmulatorConfig {
        merchant_public_keys: vec![k.other.verifying_key()],
        ..emulator_config()
    })
    .await;
    let mut sidecar = start_sidecar(settings(emulator.addr())).await;
    let err = sidecar.fail("tx-1").await;
    assert_eq!(err.code(), Code::Unauthenticated);
    assert!(
        err.message()
            .contains("does ANTOM_MERCHANT_PRIVATE_KEY match"),
        "{}",
        err.message()
    );
    assert_eq!(
        err.get_details_error_info().expect("ErrorInfo").reason,
        "SIGNATURE_INVALID"
    );
}

#[tokio::test]
async fn responses_signed_by_someone_else_are_rejected() {
    let k = keys();
    let emulator = start_emulator(EmulatorConfig {
        antom_private_key: k.other.signing_key(),
        ..emulator_config()
    })
    .await;
    let mut sidecar = start_sidecar(settings(emulator.addr())).await;
    let err = sidecar.fail("tx-1").await;
    assert_eq!(err.code(), Code::Internal);
    let info = err.get_details_error_info().expect("ErrorInfo");
    assert_eq!(
        (info.domain.as_str(), info.reason.as_str()),
        ("antom-sidecar", "RESPONSE_SIGNATURE_INVALID")
    );
    // Antom did accept it: the caller is told the outcome is unknown.
    assert_eq!(emulator.received().len(), 1);
    assert!(
        err.message().contains("outcome of the call is unknown"),
        "{}",
        err.message()
    );
}
