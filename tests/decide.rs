//! Decide end to end: gRPC client → sidecar → emulator (which checks the signature and
//! decide's body rules like Antom) → signed answer → typed DecideResponse or gRPC status.
//! Decide is a query, not safe to resend: the sidecar retries it only when no connection
//! could be made, and hands back every other failure at once, with RetryInfo when a
//! resend may help.

#![cfg(feature = "emulator")]

mod common;

use std::{sync::Arc, time::Duration};

use antom_sidecar::{
    antom::{AntomClient, DEFAULT_MAX_ATTEMPTS, Endpoint, SettingsBuilder},
    grpc,
    metrics::{Format, Metrics},
    pb::{self, risk_service_client::RiskServiceClient},
    server::Listener,
};
use common::*;
use serde_json::json;
use tonic::{Code, transport::Channel};
use tonic_types::StatusExt;

const DECIDE_PATH: &str = "/ams/api/v1/risk/payments/decide";
const SANDBOX_DECIDE_PATH: &str = "/ams/sandbox/api/v1/risk/payments/decide";

/// The least Antom requires: the six top-level fields, an empty order, buyer and
/// payment detail.
fn decide(id: &str) -> pb::DecideRequest {
    pb::DecideRequest {
        reference_transaction_id: id.into(),
        authorization_phase: pb::AuthorizationPhase::PreAuthorization.into(),
        orders: vec![pb::Order::default()],
        buyer: Some(pb::Buyer::default()),
        actual_payment_amount: Some(pb::Amount {
            currency: "USD".into(),
            value: 1000,
        }),
        payment_details: vec![pb::PaymentDetail::default()],
        ..Default::default()
    }
}

#[tokio::test]
async fn a_decide_reaches_antom_signed_and_as_strings() {
    let (emulator, mut sidecar) = start().await;
    let response = (sidecar.client.decide(decide("tx-decide-1")).await)
        .expect("OK")
        .into_inner();
    assert_eq!(response.result_code, "SUCCESS");
    assert_eq!(response.result_status(), pb::ResultStatus::Success);
    assert_eq!(response.result_message, "success");
    let received = emulator.received();
    assert_eq!(received.len(), 1);
    assert_eq!(received[0]["path"], DECIDE_PATH);
    assert_eq!(received[0]["caller"]["auth"], "signature");
    assert_eq!(
        received[0]["body"],
        json!({
            "referenceTransactionId": "tx-decide-1",
            "authorizationPhase": "PRE_AUTHORIZATION",
            "orders": [{}],
            "buyer": {},
            "actualPaymentAmount": {"currency": "USD", "value": "1000"},
            "paymentDetails": [{}]
        })
    );
}

#[tokio::test]
async fn the_sandbox_switch_selects_decides_sandbox_path() {
    let emulator = start_emulator(emulator_config()).await;
    let sandbox = Endpoint::base_url(&emulator.base_url(), true).expect("endpoint");
    let mut sidecar = start_sidecar(settings(emulator.addr()).endpoint(sandbox)).await;
    let response = (sidecar.client.decide(decide("tx-sandbox")).await).expect("OK");
    assert_eq!(response.into_inner().decision(), pb::Decision::Accept);
    assert_eq!(emulator.received()[0]["path"], SANDBOX_DECIDE_PATH);
}

#[tokio::test]
async fn each_decision_arrives_typed_and_raw() {
    use pb::{AuthenticationDecision as A, Decision as D};
    let (_emulator, mut sidecar) = start().await;
    for (id, decision, raw, authentication, authentication_raw) in [
        ("tx-plain-1", D::Accept, "ACCEPT", A::Unspecified, ""),
        ("emu-reject-1", D::Reject, "REJECT", A::Unspecified, ""),
        (
            "emu-3d-1",
            D::Accept,
            "ACCEPT",
            A::AuthenticationDecision3d,
            "3D",
        ),
        (
            "emu-reject-emu-authdecision-NON_3D-1",
            D::Reject,
            "REJECT",
            A::Non3d,
            "NON_3D",
        ),
        // Values Antom may add later: never an error, the raw string alongside.
        (
            "emu-decision-CHALLENGE-1",
            D::UnknownValue,
            "CHALLENGE",
            A::Unspecified,
            "",
        ),
        (
            "emu-decision-accept-emu-authdecision-PASSKEY-1",
            D::UnknownValue,
            "accept",
            A::UnknownValue,
            "PASSKEY",
        ),
        // Chained with a fault: answered late, still decided.
        (
            "emu-delay-50-emu-reject-2",
            D::Reject,
            "REJECT",
            A::Unspecified,
            "",
        ),
        // `emu-code-SUCCESS` answers with a decision too.
        (
            "emu-code-SUCCESS-emu-3d-1",
            D::Accept,
            "ACCEPT",
            A::AuthenticationDecision3d,
            "3D",
        ),
    ] {
        let response = (sidecar.client.decide(decide(id)).await)
            .unwrap_or_else(|e| panic!("{id}: {e:?}"))
            .into_inner();
        assert_eq!(response.result_status(), pb::ResultStatus::Success, "{id}");
        assert_eq!(response.decision(), decision, "{id}");
        assert_eq!(response.decision_raw, raw, "{id}");
        assert_eq!(response.authentication_decision(), authentication, "{id}");
        assert_eq!(
            response.authentication_decision_raw, authentication_raw,
            "{id}"
        );
    }
}

#[tokio::test]
async fn a_success_without_a_decision_is_a_malformed_answer() {
    let (emulator, mut sidecar) = start_default_attempts(|s| s).await;
    let id = "emu-nodecision-1";
    let err = sidecar.client.decide(decide(id)).await.expect_err(id);
    assert_eq!(err.code(), Code::Unknown, "{err:?}");
    assert_eq!(
        error_info(&err),
        ("antom-sidecar".into(), "UPSTREAM_MALFORMED_RESPONSE".into())
    );
    assert!(err.get_details_retry_info().is_none());
    assert_eq!(tries(&emulator, id), 1);
}

#[tokio::test]
async fn antom_result_codes_map_as_for_the_other_methods() {
    let (emulator, mut sidecar) = start_default_attempts(|s| s).await;
    for (id, code, reason, retry) in [
        (
            "emu-code-ACCESS_DENIED-1",
            Code::PermissionDenied,
            "ACCESS_DENIED",
            false,
        ),
        (
            "emu-code-PARAM_ILLEGAL-1",
            Code::InvalidArgument,
            "PARAM_ILLEGAL",
            false,
        ),
        (
            "emu-code-REQUEST_TRAFFIC_EXCEED_LIMIT-1",
            Code::ResourceExhausted,
            "REQUEST_TRAFFIC_EXCEED_LIMIT",
            true,
        ),
        (
            "emu-code-UNKNOWN_EXCEPTION-1",
            Code::Unavailable,
            "UNKNOWN_EXCEPTION",
            true,
        ),
    ] {
        let err = sidecar.client.decide(decide(id)).await.expect_err(id);
        assert_eq!(err.code(), code, "{id}: {err:?}");
        assert_eq!(
            error_info(&err),
            ("antom.com".into(), reason.into()),
            "{id}"
        );
        assert_eq!(err.get_details_retry_info().is_some(), retry, "{id}");
        // Not resent by the sidecar, even when a resend may help.
        assert_eq!(tries(&emulator, id), 1, "{id}");
    }
}

#[tokio::test]
async fn what_may_have_reached_antom_is_not_resent_but_carries_retry_info() {
    // A short request timeout, for the delay fault below.
    let (emulator, mut sidecar) =
        start_default_attempts(|s| s.request_timeout(Duration::from_millis(300))).await;
    for (id, code, domain, reason) in [
        // A U result: resent, it would be evaluated again.
        (
            "emu-flaky-1-d",
            Code::Unavailable,
            "antom.com",
            "UNKNOWN_EXCEPTION",
        ),
        (
            "emu-http-503-d",
            Code::Unavailable,
            "antom-sidecar",
            "UPSTREAM_HTTP_STATUS",
        ),
        // The connection closed after the request was sent.
        (
            "emu-drop-d",
            Code::Unavailable,
            "antom-sidecar",
            "UPSTREAM_UNAVAILABLE",
        ),
        // No answer in time.
        (
            "emu-delay-2000-d",
            Code::DeadlineExceeded,
            "antom-sidecar",
            "UPSTREAM_TIMEOUT",
        ),
    ] {
        let err = sidecar.client.decide(decide(id)).await.expect_err(id);
        assert_eq!(err.code(), code, "{id}: {err:?}");
        assert_eq!(error_info(&err), (domain.into(), reason.into()), "{id}");
        // Another attempt may help: the caller may resend, within its budget.
        assert!(err.get_details_retry_info().is_some(), "{id}");
        assert_eq!(tries(&emulator, id), 1, "{id}: exactly one attempt");
    }
    // The same flaky ID at a notification is retried, and succeeds: the difference is
    // the API's, not the fault's.
    let id = "emu-flaky-1-n";
    let refund = pb::SendRefundResultRequest {
        reference_transaction_id: id.into(),
        reference_refund_id: "refund-1".into(),
        actual_refund_amount: Some(pb::Amount {
            currency: "USD".into(),
            value: 1,
        }),
        refund_records: vec![],
    };
    (sidecar.client.send_refund_result(refund).await).expect("retried, then OK");
    assert_eq!(tries(&emulator, id), 2);
    // Nothing was accepted but that refund.
    assert_eq!(emulator.received().len(), 1);
}

#[tokio::test]
async fn an_unreachable_antom_is_retried_since_nothing_was_sent() {
    let closed = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = closed.local_addr().expect("addr");
    drop(closed);
    let metrics = Metrics::enabled("test");
    let (mut client, _server) = serve_with_metrics(
        default_attempts(addr).connect_timeout(Duration::from_secs(1)),
        &metrics,
    )
    .await;
    let err = client
        .decide(decide("tx-refused"))
        .await
        .expect_err("refused");
    assert_eq!(err.code(), Code::Unavailable, "{err:?}");
    let info = err.get_details_error_info().expect("ErrorInfo");
    assert_eq!(info.reason, "UPSTREAM_UNAVAILABLE");
    assert_eq!(
        info.metadata.get("attempts").map(String::as_str),
        Some(DEFAULT_MAX_ATTEMPTS.to_string().as_str())
    );
    assert!(err.get_details_retry_info().is_some());
    let text = metrics.encode(Format::Text);
    let retries = value(
        &text,
        "antom_retries_total",
        &[r#"api="decide""#, r#"reason="TRANSPORT""#],
    );
    assert_eq!(retries, (DEFAULT_MAX_ATTEMPTS - 1).to_string());
}

#[tokio::test]
async fn an_invalid_request_never_reaches_antom() {
    let (emulator, mut sidecar) = start().await;
    let mut bad = decide("tx-bad");
    bad.orders.clear();
    bad.payment_details = vec![pb::PaymentDetail::default(); 6];
    let err = sidecar.client.decide(bad).await.expect_err("invalid");
    assert_eq!(err.code(), Code::InvalidArgument, "{err:?}");
    assert_eq!(error_info(&err).1, "INVALID_REQUEST");
    assert!(emulator.requests().is_empty());
}

/// A sidecar toward `settings`, served with `metrics`; a client to it, and the server's task.
async fn serve_with_metrics(
    settings: SettingsBuilder,
    metrics: &Metrics,
) -> (RiskServiceClient<Channel>, tokio::task::JoinHandle<()>) {
    let client = AntomClient::new(settings.build())
        .expect("client")
        .with_metrics(metrics.clone());
    let tcp = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = tcp.local_addr().expect("address");
    let server =
        grpc::Server::new(Arc::new(client), grpc::Options::default()).with_metrics(metrics.clone());
    let task = tokio::spawn(async move {
        let _ = server
            .serve(Listener::Tcp(tcp), std::future::pending())
            .await;
    });
    let client = RiskServiceClient::connect(format!("http://{addr}"))
        .await
        .expect("connect");
    (client, task)
}

/// The value of the one series of `name` in `text` with all of `labels`.
fn value(text: &str, name: &str, labels: &[&str]) -> String {
    let line = (text.lines())
        .find(|l| {
            l.strip_prefix(name)
                .is_some_and(|rest| rest.starts_with('{'))
                && labels.iter().all(|label| l.contains(label))
        })
        .unwrap_or_else(|| panic!("no {name} with {labels:?} in\n{text}"));
    line.rsplit(' ').next().unwrap_or_default().to_owned()
}

#[tokio::test]
async fn metrics_name_decide() {
    let emulator = start_emulator(emulator_config()).await;
    let metrics = Metrics::enabled("test");
    let (mut client, _server) =
        serve_with_metrics(default_attempts(emulator.addr()), &metrics).await;
    client.decide(decide("tx-m")).await.expect("OK");
    client
        .decide(decide("emu-flaky-1-m"))
        .await
        .expect_err("U, not retried");
    let text = metrics.encode(Format::Text);
    let api = r#"api="decide""#;
    let success = [api, r#"result_code="SUCCESS""#];
    assert_eq!(value(&text, "antom_requests_total", &success), "1");
    let u = [api, r#"result_code="UNKNOWN_EXCEPTION""#];
    assert_eq!(value(&text, "antom_requests_total", &u), "1");
    let retries = [api, r#"reason="U_RESULT""#];
    assert_eq!(value(&text, "antom_retries_total", &retries), "0");
    assert_eq!(
        value(&text, "antom_request_duration_seconds_count", &[api]),
        "2"
    );
    let method = r#"grpc_method="Decide""#;
    for (code, n) in [
        (r#"grpc_code="OK""#, "1"),
        (r#"grpc_code="Unavailable""#, "1"),
    ] {
        assert_eq!(
            value(&text, "grpc_server_handled_total", &[method, code]),
            n,
            "{code}"
        );
    }
}
