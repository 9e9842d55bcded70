//! SendPaymentResult end to end: gRPC client → sidecar → emulator (a real HTTP server
//! that verifies signatures and body rules like Antom) → signed answer → gRPC status.

#![cfg(feature = "emulator")]

mod common;

use std::time::Duration;

use antom_sidecar::pb;
use common::*;
use serde_json::json;
use tonic::Code;
use tonic_types::StatusExt;

#[tokio::test]
async fn full_request_reaches_antom_signed_and_as_strings() {
    let (emulator, mut sidecar) = start().await;
    let request = pb::SendPaymentResultRequest {
        reference_transaction_id: "tx-ü-中文-42".into(),
        payment_status: pb::PaymentStatus::Fail.into(),
        authorization_error: Some(pb::AuthorizationError {
            error_code: "05".into(),
            error_message: "Do not honour".into(),
        }),
        card_verification_result: Some(pb::CardVerificationResult {
            authentication_type: pb::AuthenticationType::AuthenticationType3d.into(),
            authentication_method: String::new(),
            cvv_result: "Y".into(),
            avs_result: "A".into(),
            authorization_code: "10000".into(),
            three_ds_result: Some(pb::ThreeDsResult {
                three_ds_version: "2.2.0".into(),
                three_ds_interaction_mode: pb::ThreeDsInteractionMode::Challenged.into(),
                eci: "05".into(),
                cavv: "AAABBBCCC=".into(),
            }),
        }),
        payment_method_provider: "MASTERCARD".into(),
    };
    let response = sidecar
        .client
        .send_payment_result(request)
        .await
        .expect("OK")
        .into_inner();
    assert_eq!(response.result_code, "SUCCESS");
    assert_eq!(response.result_status(), pb::ResultStatus::Success);

    let received = emulator.received();
    assert_eq!(received.len(), 1);
    assert_eq!(
        received[0]["body"],
        json!({
            "referenceTransactionId": "tx-ü-中文-42",
            "paymentStatus": "FAIL",
            "authorizationError": {"errorCode": "05", "errorMessage": "Do not honour"},
            "paymentMethodProvider": "MASTERCARD",
            "cardVerificationResult": {
                "authenticationType": "3D", "cvvResult": "Y", "avsResult": "A", "authorizationCode": "10000",
                "threeDSResult": {"threeDSVersion": "2.2.0", "threeDSInteractionMode": "CHALLENGED", "eci": "05", "cavv": "AAABBBCCC="}
            }
        })
    );
    assert_eq!(received[0]["caller"]["clientId"], CLIENT_ID);
    assert_eq!(received[0]["caller"]["keyVersion"], "1");
    assert_eq!(received[0]["caller"]["auth"], "signature");
    let time = received[0]["caller"]["requestTime"]
        .as_str()
        .expect("request time");
    assert!(
        time.len() == 13 && time.bytes().all(|b| b.is_ascii_digit()),
        "epoch millis, got {time}"
    );
}

#[tokio::test]
async fn every_documented_result_code_maps_to_its_grpc_code() {
    let (_emulator, mut sidecar) = start().await;
    let table = [
        ("ACCESS_DENIED", "F", Code::PermissionDenied),
        ("MERCHANT_KYB_NOT_QUALIFIED", "F", Code::PermissionDenied),
        ("INVALID_API", "F", Code::Unimplemented),
        ("NO_INTERFACE_DEF", "F", Code::Unimplemented),
        ("INVALID_CONTRACT", "F", Code::FailedPrecondition),
        ("MERCHANT_NOT_REGISTERED", "F", Code::FailedPrecondition),
        ("KEY_NOT_FOUND", "F", Code::Unauthenticated),
        ("SIGNATURE_INVALID", "F", Code::Unauthenticated),
        ("PARAM_ILLEGAL", "F", Code::InvalidArgument),
        ("REQUEST_TRAFFIC_EXCEED_LIMIT", "U", Code::ResourceExhausted),
        ("SYSTEM_ERROR", "F", Code::Internal),
        ("UNKNOWN_EXCEPTION", "U", Code::Unavailable),
        ("BRAND_NEW_CODE-U", "U", Code::Unavailable),
        ("BRAND_NEW_CODE-F", "F", Code::Unknown),
        ("SUCCESS-F", "F", Code::Unknown),
        ("SUCCESS-U", "U", Code::Unavailable),
    ];
    for (directive, status, code) in table {
        let result_code = directive.split('-').next().expect("code");
        let err = sidecar.fail(&format!("emu-code-{directive}-1")).await;
        assert_eq!(err.code(), code, "{directive}: {err:?}");
        let info = err.get_details_error_info().expect("ErrorInfo");
        assert_eq!(info.reason, result_code);
        assert_eq!(info.domain, "antom.com");
        assert_eq!(info.metadata["resultStatus"], status);
        assert_eq!(info.metadata["resultMessage"], "emulated result");
        assert_eq!(
            err.get_details_retry_info().is_some(),
            status == "U",
            "{directive}: RetryInfo only for U"
        );
    }
}

#[tokio::test]
async fn u_results_are_retried_re_signed_and_f_results_never() {
    let (emulator, mut sidecar) = start().await;
    let attempts = |id: &str| -> Vec<serde_json::Value> {
        emulator
            .requests()
            .into_iter()
            .filter(|r| r["referenceTransactionId"] == id)
            .collect()
    };
    // Flaky for 2 attempts, 3 allowed: the third attempt succeeds.
    sidecar
        .client
        .send_payment_result(request("emu-flaky-2-a"))
        .await
        .expect("third attempt succeeds");
    let tries = attempts("emu-flaky-2-a");
    assert_eq!(tries.len(), 3);
    // Each attempt is signed anew, with its own Request-Time.
    let times: std::collections::HashSet<_> =
        tries.iter().map(|t| t["requestTime"].to_string()).collect();
    let signatures: std::collections::HashSet<_> =
        tries.iter().map(|t| t["signature"].to_string()).collect();
    assert_eq!((times.len(), signatures.len()), (3, 3), "{tries:?}");
    assert_eq!(emulator.received().len(), 1);

    // Flaky for 5 attempts: 3 attempts are not enough; U is reported with RetryInfo.
    let err = sidecar.fail("emu-flaky-5-b").await;
    assert_eq!(err.code(), Code::Unavailable);
    assert_eq!(
        err.get_details_error_info().expect("ErrorInfo").reason,
        "UNKNOWN_EXCEPTION"
    );
    assert!(err.get_details_retry_info().is_some());
    assert_eq!(attempts("emu-flaky-5-b").len(), 3);

    // F results, SYSTEM_ERROR whatever its status, are sent once.
    for id in [
        "emu-code-SYSTEM_ERROR-c",
        "emu-code-SYSTEM_ERROR-U-d",
        "emu-code-ACCESS_DENIED-e",
    ] {
        sidecar.fail(id).await;
        assert_eq!(attempts(id).len(), 1, "{id}");
    }
    // A U result followed by SYSTEM_ERROR: two attempts, then stop.
    let id = "emu-flaky-1-emu-code-SYSTEM_ERROR-f";
    let err = sidecar.fail(id).await;
    assert_eq!(err.code(), Code::Internal);
    assert_eq!(attempts(id).len(), 2);
}

#[tokio::test]
async fn http_failures_and_malformed_bodies_are_the_sidecars_own_errors() {
    let (_emulator, mut sidecar) = start().await;
    let cases = [
        (
            "emu-http-503-1",
            Code::Unavailable,
            "UPSTREAM_HTTP_STATUS",
            true,
        ),
        (
            "emu-http-404-1",
            Code::Internal,
            "UPSTREAM_HTTP_STATUS",
            false,
        ),
        (
            "emu-garbage-1",
            Code::Unknown,
            "UPSTREAM_MALFORMED_RESPONSE",
            false,
        ),
        ("emu-unsigned-1", Code::Internal, "RESPONSE_UNSIGNED", false),
        (
            "emu-badsig-1",
            Code::Internal,
            "RESPONSE_SIGNATURE_INVALID",
            false,
        ),
        (
            "emu-badsig-emu-code-ACCESS_DENIED-1",
            Code::Internal,
            "RESPONSE_SIGNATURE_INVALID",
            false,
        ),
        (
            "emu-drop-1",
            Code::Unavailable,
            "UPSTREAM_UNAVAILABLE",
            true,
        ),
    ];
    for (id, code, reason, retry) in cases {
        let err = sidecar.fail(id).await;
        assert_eq!(err.code(), code, "{id}: {err:?}");
        let info = err.get_details_error_info().expect("ErrorInfo");
        assert_eq!(
            (info.domain.as_str(), info.reason.as_str()),
            ("antom-sidecar", reason),
            "{id}"
        );
        assert_eq!(err.get_details_retry_info().is_some(), retry, "{id}");
    }
    let err = sidecar.fail("emu-http-503-2").await;
    assert_eq!(
        err.get_details_error_info().expect("ErrorInfo").metadata["httpStatus"],
        "503"
    );
    let err = sidecar.fail("emu-badsig-2").await;
    assert!(
        err.message()
            .contains("download Antom's current public key"),
        "say what to do: {}",
        err.message()
    );
}

#[tokio::test]
async fn unsigned_f_and_u_results_are_accepted_as_antom_results() {
    let (_emulator, mut sidecar) = start().await;
    let err = sidecar.fail("emu-unsigned-emu-code-ACCESS_DENIED-1").await;
    assert_eq!(err.code(), Code::PermissionDenied);
    assert_eq!(
        err.get_details_error_info().expect("ErrorInfo").domain,
        "antom.com"
    );
    let err = sidecar
        .fail("emu-unsigned-emu-code-UNKNOWN_EXCEPTION-1")
        .await;
    assert_eq!(err.code(), Code::Unavailable);
    assert_eq!(
        err.get_details_error_info().expect("ErrorInfo").reason,
        "UNKNOWN_EXCEPTION"
    );
}

#[tokio::test]
async fn callers_deadline_returns_deadline_exceeded_not_cancelled() {
    let (_emulator, mut sidecar) = start().await;
    let (err, took) = sidecar
        .fail_within("emu-delay-3000-1", Duration::from_millis(300))
        .await;
    assert_eq!(err.code(), Code::DeadlineExceeded, "{err:?}");
    assert_eq!(
        error_info(&err),
        ("antom-sidecar".into(), "UPSTREAM_TIMEOUT".into())
    );
    // Bounds loose enough for a loaded machine (the timing includes connecting), tight
    // enough to tell "at the deadline" from "too early" and "after the 3 s delay".
    assert!(
        took >= Duration::from_millis(200) && took < Duration::from_millis(1500),
        "gave up at the deadline: {took:?}"
    );

    // Retries stop at the deadline too: flaky forever (100 ms per answer), 3 attempts
    // would need 300 ms, the deadline is 250 ms.
    let (err, took) = sidecar
        .fail_within("emu-flaky-100-emu-delay-100-2", Duration::from_millis(250))
        .await;
    assert_eq!(err.code(), Code::DeadlineExceeded, "{err:?}");
    assert!(
        err.message()
            .contains("the last attempt: Antom answered UNKNOWN_EXCEPTION"),
        "{}",
        err.message()
    );
    assert!(
        took >= Duration::from_millis(150) && took < Duration::from_secs(1),
        "{took:?}"
    );
}

#[tokio::test]
async fn tiny_deadlines_still_get_deadline_exceeded() {
    let (_emulator, mut sidecar) = start().await;
    for ms in 1..=30 {
        let (err, _) = sidecar
            .fail_within(
                &format!("emu-delay-2000-tiny-{ms}"),
                Duration::from_millis(ms),
            )
            .await;
        assert_eq!(err.code(), Code::DeadlineExceeded, "{ms} ms: {err:?}");
    }
}

#[tokio::test]
async fn unreachable_antom_is_unavailable_after_retries() {
    let closed = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = closed.local_addr().expect("addr");
    drop(closed);
    let mut sidecar = start_sidecar(settings(addr)).await;
    let err = sidecar.fail("tx-1").await;
    assert_eq!(err.code(), Code::Unavailable);
    let info = err.get_details_error_info().expect("ErrorInfo");
    assert_eq!(info.reason, "UPSTREAM_UNAVAILABLE");
    assert_eq!(info.metadata["attempts"], "3");
}

#[tokio::test]
async fn sandbox_switch_calls_the_sandbox_path() {
    let emulator = start_emulator(emulator_config()).await;
    let sandbox =
        antom_sidecar::antom::Endpoint::base_url(&emulator.base_url(), true).expect("endpoint");
    let mut sidecar = start_sidecar(settings(emulator.addr()).endpoint(sandbox)).await;
    sidecar
        .client
        .send_payment_result(request("tx-sandbox"))
        .await
        .expect("OK");
    assert_eq!(
        emulator.received()[0]["path"],
        "/ams/sandbox/api/v1/risk/payments/sendPaymentResult"
    );
}
