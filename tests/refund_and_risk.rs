//! SendRefundResult and ReportRisk end to end: gRPC client → sidecar → emulator (which
//! checks signatures and each API's body rules like Antom) → signed answer → gRPC
//! status; the same faults, validation and metrics as SendPaymentResult, on one pipeline.

#![cfg(feature = "emulator")]

mod common;

use std::{sync::Arc, time::Duration};

use antom_sidecar::{
    antom::{
        AntomClient, AntomError, AntomResult, Api, ApiSpec, DEFAULT_MAX_ATTEMPTS, Endpoint,
        SendPaymentResult,
    },
    call::Call,
    emulator::EmulatorHandle,
    grpc,
    metrics::{Format, Metrics},
    payment::PaymentResult,
    pb::{self, risk_service_client::RiskServiceClient},
    server::Listener,
};
use common::*;
use prost_types::Timestamp;
use serde_json::json;
use tonic::{Code, transport::Channel};
use tonic_types::StatusExt;

const REFUND_PATH: &str = "/ams/api/v1/risk/payments/sendRefundResult";
const REPORT_PATH: &str = "/ams/api/v1/risk/payments/reportRisk";

fn refund(id: &str) -> pb::SendRefundResultRequest {
    pb::SendRefundResultRequest {
        reference_transaction_id: id.into(),
        reference_refund_id: "refund-1".into(),
        actual_refund_amount: Some(pb::Amount {
            currency: "USD".into(),
            value: 1500,
        }),
        refund_records: vec![],
    }
}

fn report(id: &str) -> pb::ReportRiskRequest {
    pb::ReportRiskRequest {
        reference_transaction_id: id.into(),
        report_reason: String::new(),
        risk_type: pb::RiskType::Fraud.into(),
        risk_occurrence_time: Some(Timestamp {
            seconds: 1_795_902_300,
            nanos: 500_000_000,
        }),
    }
}

/// Calls SendRefundResult and ReportRisk with `id`, each giving its status.
async fn both(
    client: &mut RiskServiceClient<Channel>,
    id: &str,
) -> [Result<pb::ResultStatus, tonic::Status>; 2] {
    let refunded = client.send_refund_result(refund(id)).await;
    let reported = client.report_risk(report(id)).await;
    [
        refunded.map(|r| r.into_inner().result_status()),
        reported.map(|r| r.into_inner().result_status()),
    ]
}

/// Like [`both`], with a deadline, each giving its error and how long it took.
///
/// Sent by [`RunningSidecar::raw_client`], as `RunningSidecar::fail_within` does, so the
/// server's answer to the deadline is seen.
async fn both_within(
    sidecar: &RunningSidecar,
    id: &str,
    deadline: Duration,
) -> [(tonic::Status, Duration); 2] {
    let mut client = sidecar.raw_client();
    let mut refunded = tonic::Request::new(refund(id));
    refunded.set_timeout(deadline);
    let started = std::time::Instant::now();
    let err = client.send_refund_result(refunded).await.expect_err(id);
    let refunded = (err, started.elapsed());
    let mut reported = tonic::Request::new(report(id));
    reported.set_timeout(deadline);
    let started = std::time::Instant::now();
    let err = client.report_risk(reported).await.expect_err(id);
    [refunded, (err, started.elapsed())]
}

#[tokio::test]
async fn a_refund_reaches_antom_signed_and_as_strings() {
    let (emulator, mut sidecar) = start().await;
    let mut request = refund("tx-ü-1");
    request.refund_records = vec![
        pb::RefundRecord {
            reference_order_id: "order-1".into(),
            amount: Some(pb::Amount {
                currency: "JPY".into(),
                value: 0,
            }),
            refund_reason: "破损 😀".into(),
            refund_time: Some(Timestamp {
                seconds: 1_795_902_300,
                nanos: 1,
            }),
            ..Default::default()
        },
        pb::RefundRecord::default(),
    ];
    let response = (sidecar.client.send_refund_result(request).await)
        .expect("OK")
        .into_inner();
    assert_eq!(response.result_code, "SUCCESS");
    assert_eq!(response.result_status(), pb::ResultStatus::Success);
    let received = emulator.received();
    assert_eq!(received.len(), 1);
    assert_eq!(received[0]["path"], REFUND_PATH);
    assert_eq!(received[0]["caller"]["auth"], "signature");
    assert_eq!(
        received[0]["body"],
        json!({
            "referenceTransactionId": "tx-ü-1",
            "referenceRefundId": "refund-1",
            "actualRefundAmount": {"currency": "USD", "value": "1500"},
            "refundRecords": [
                {"referenceOrderId": "order-1", "amount": {"currency": "JPY", "value": "0"},
                 "refundReason": "破损 😀", "refundTime": "2026-11-28T21:45:00+00:00"},
                {}
            ]
        })
    );
}

#[tokio::test]
async fn a_risk_report_reaches_antom_signed_and_as_strings() {
    let (emulator, mut sidecar) = start().await;
    let mut request = report("tx-report-1");
    request.report_reason = "blocklisted buyer".into();
    let response = (sidecar.client.report_risk(request).await)
        .expect("OK")
        .into_inner();
    assert_eq!(response.result_status(), pb::ResultStatus::Success);
    let received = emulator.received();
    assert_eq!(received[0]["path"], REPORT_PATH);
    assert_eq!(
        received[0]["body"],
        json!({
            "referenceTransactionId": "tx-report-1",
            "reportReason": "blocklisted buyer",
            "riskType": "FRAUD",
            "riskOccurrenceTime": "2026-11-28T21:45:00+00:00"
        })
    );
}

#[tokio::test]
async fn the_sandbox_switch_selects_each_apis_sandbox_path() {
    let emulator = start_emulator(emulator_config()).await;
    let sandbox = Endpoint::base_url(&emulator.base_url(), true).expect("endpoint");
    let mut sidecar = start_sidecar(settings(emulator.addr()).endpoint(sandbox)).await;
    for status in both(&mut sidecar.client, "tx-sandbox").await {
        assert_eq!(status.expect("OK"), pb::ResultStatus::Success);
    }
    let paths: Vec<_> = (emulator.received().iter())
        .map(|r| r["path"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(
        paths,
        [
            "/ams/sandbox/api/v1/risk/payments/sendRefundResult",
            "/ams/sandbox/api/v1/risk/payments/reportRisk"
        ]
    );
}

#[tokio::test]
async fn fault_prefixes_work_on_each_api() {
    let (emulator, mut sidecar) = start_default_attempts(|s| s).await;
    // A documented F code: its gRPC code and Antom's ErrorInfo, sent once.
    for err in both(&mut sidecar.client, "emu-code-ACCESS_DENIED-1").await {
        let err = err.expect_err("F");
        assert_eq!(err.code(), Code::PermissionDenied, "{err:?}");
        let info = err.get_details_error_info().expect("ErrorInfo");
        assert_eq!(
            (info.domain.as_str(), info.reason.as_str()),
            ("antom.com", "ACCESS_DENIED")
        );
        assert!(err.get_details_retry_info().is_none());
    }
    assert_eq!(tries(&emulator, "emu-code-ACCESS_DENIED-1"), 2);
    // U twice, then SUCCESS: retried, each API on its own count.
    for status in both(&mut sidecar.client, "emu-flaky-2-x").await {
        assert_eq!(status.expect("third attempt"), pb::ResultStatus::Success);
    }
    assert_eq!(tries(&emulator, "emu-flaky-2-x"), 6);
    // The sidecar's own failures, with RetryInfo exactly when retrying may help, and
    // retried (each API on its own) exactly then too.
    for (id, code, reason, retry) in [
        (
            "emu-http-503-1",
            Code::Unavailable,
            "UPSTREAM_HTTP_STATUS",
            true,
        ),
        (
            "emu-badsig-1",
            Code::Internal,
            "RESPONSE_SIGNATURE_INVALID",
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
            "emu-drop-1",
            Code::Unavailable,
            "UPSTREAM_UNAVAILABLE",
            true,
        ),
    ] {
        for err in both(&mut sidecar.client, id).await {
            let err = err.expect_err(id);
            assert_eq!(err.code(), code, "{id}: {err:?}");
            assert_eq!(error_info(&err), ("antom-sidecar".into(), reason.into()));
            assert_eq!(err.get_details_retry_info().is_some(), retry, "{id}");
        }
        let attempts = if retry { DEFAULT_MAX_ATTEMPTS } else { 1 };
        assert_eq!(tries(&emulator, id), 2 * attempts as usize, "{id}");
    }
    // A short delay: answered late, still a SUCCESS.
    for status in both(&mut sidecar.client, "emu-delay-50-1").await {
        assert_eq!(status.expect("late but OK"), pb::ResultStatus::Success);
    }
    // Accepted: the flaky pair, the pairs answered with a bad signature and unsigned,
    // and the late pair.
    let accepted: Vec<_> = (emulator.received().iter())
        .map(|r| r["path"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(accepted, [REFUND_PATH, REPORT_PATH].repeat(4));
    // A delay past the caller's deadline: DEADLINE_EXCEEDED at the deadline, one
    // attempt each (bounds loose enough for a loaded machine, as in
    // send_payment_result.rs).
    let id = "emu-delay-3000-2";
    for (err, took) in both_within(&sidecar, id, Duration::from_millis(200)).await {
        assert_eq!(err.code(), Code::DeadlineExceeded, "{err:?}");
        assert_eq!(
            error_info(&err),
            ("antom-sidecar".into(), "UPSTREAM_TIMEOUT".into())
        );
        assert!(
            took >= Duration::from_millis(100) && took < Duration::from_millis(1500),
            "gave up at the deadline: {took:?}"
        );
    }
    assert_eq!(tries(&emulator, id), 2);
}

#[tokio::test]
async fn invalid_requests_name_each_field_and_nothing_reaches_antom() {
    let (emulator, mut sidecar) = start().await;
    let fields = |err: tonic::Status| {
        assert_eq!(err.code(), Code::InvalidArgument, "{err:?}");
        assert_eq!(error_info(&err).1, "INVALID_REQUEST");
        let bad = err.get_details_bad_request().expect("BadRequest");
        (bad.field_violations.into_iter())
            .map(|v| v.field)
            .collect::<Vec<_>>()
    };
    let mut bad = refund("tx-bad");
    bad.actual_refund_amount = Some(pb::Amount {
        currency: "EURO".into(),
        value: -100,
    });
    bad.refund_records = vec![pb::RefundRecord::default(); 101];
    let err = sidecar
        .client
        .send_refund_result(bad)
        .await
        .expect_err("invalid");
    assert_eq!(
        fields(err),
        [
            "actual_refund_amount.currency",
            "actual_refund_amount.value",
            "refund_records"
        ]
    );
    let mut bad = report("");
    bad.risk_occurrence_time = None;
    let err = sidecar.client.report_risk(bad).await.expect_err("invalid");
    assert_eq!(
        fields(err),
        ["reference_transaction_id", "risk_occurrence_time"]
    );
    assert!(emulator.requests().is_empty());
}

/// An emulator, and a sidecar served with metrics, in this process.
async fn start_with_metrics() -> (EmulatorHandle, RiskServiceClient<Channel>, Metrics) {
    let emulator = start_emulator(emulator_config()).await;
    let metrics = Metrics::enabled("test");
    let client = AntomClient::new(settings(emulator.addr()).build())
        .expect("client")
        .with_metrics(metrics.clone());
    let tcp = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = tcp.local_addr().expect("address");
    let server =
        grpc::Server::new(Arc::new(client), grpc::Options::default()).with_metrics(metrics.clone());
    tokio::spawn(server.serve(Listener::Tcp(tcp), std::future::pending()));
    let client = RiskServiceClient::connect(format!("http://{addr}"))
        .await
        .expect("connect");
    (emulator, client, metrics)
}

#[tokio::test]
async fn metrics_name_each_api_and_each_method() {
    let (_emulator, mut client, metrics) = start_with_metrics().await;
    client
        .send_payment_result(request("tx-m"))
        .await
        .expect("OK");
    for status in both(&mut client, "emu-flaky-1-m").await {
        status.expect("OK");
    }
    let text = metrics.encode(Format::Text);
    // The value of the one series of `name` with all of `labels`.
    let value = |name: &str, labels: &[&str]| {
        let line = (text.lines())
            .find(|l| {
                l.strip_prefix(name)
                    .is_some_and(|rest| rest.starts_with('{'))
                    && labels.iter().all(|label| l.contains(label))
            })
            .unwrap_or_else(|| panic!("no {name} with {labels:?} in\n{text}"));
        line.rsplit(' ').next().unwrap_or_default().to_owned()
    };
    for (api, retried) in [
        ("sendPaymentResult", false),
        ("sendRefundResult", true),
        ("reportRisk", true),
    ] {
        let api_label = format!(r#"api="{api}""#);
        let api = api_label.as_str();
        let n = |yes: bool| if yes { "1" } else { "0" };
        let success = [api, r#"result_code="SUCCESS""#];
        assert_eq!(value("antom_requests_total", &success), "1", "{api}");
        let u = [api, r#"result_code="UNKNOWN_EXCEPTION""#];
        assert_eq!(value("antom_requests_total", &u), n(retried), "{api}");
        let retries = [api, r#"reason="U_RESULT""#];
        assert_eq!(value("antom_retries_total", &retries), n(retried), "{api}");
        let attempts = if retried { "2" } else { "1" };
        let duration = value("antom_request_duration_seconds_count", &[api]);
        assert_eq!(duration, attempts, "{api}");
    }
    for method in ["SendPaymentResult", "SendRefundResult", "ReportRisk"] {
        let method_label = format!(r#"grpc_method="{method}""#);
        let labels = [method_label.as_str(), r#"grpc_code="OK""#];
        assert_eq!(value("grpc_server_handled_total", &labels), "1", "{method}");
    }
}

/// sendPaymentResult's path and body, as an API that is not safe to resend: the retry
/// rule that `Decide` will follow.
enum NotRetrySafe {}

impl Api for NotRetrySafe {
    const SPEC: ApiSpec = ApiSpec {
        name: "notRetrySafe",
        retry_safe: false,
        ..<SendPaymentResult as Api>::SPEC
    };
    type Request = PaymentResult;
    type Response = AntomResult;
}

#[tokio::test]
async fn an_api_not_safe_to_resend_is_retried_only_when_nothing_was_sent() {
    let emulator = start_emulator(emulator_config()).await;
    let client = AntomClient::new(settings(emulator.addr()).build()).expect("client");
    let payment = |id: &str| PaymentResult::try_from(request(id)).expect("valid");
    // A U result may have been acted on: not resent.
    let call = Call::detached();
    let err = (client
        .call::<NotRetrySafe>(&payment("emu-flaky-1-once"), &call)
        .await)
        .expect_err("U");
    assert!(matches!(err, AntomError::Rejected(_)), "{err:?}");
    assert_eq!(call.notes().attempts, 1);
    // The same answer to a retry-safe API is retried.
    let call = Call::detached();
    (client
        .call::<SendPaymentResult>(&payment("emu-flaky-1-again"), &call)
        .await)
        .expect("the second attempt succeeds");
    assert_eq!(call.notes().attempts, 2);
    // No connection at all: nothing was sent, so even this API is retried.
    let closed = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = closed.local_addr().expect("addr");
    drop(closed);
    let client = AntomClient::new(
        default_attempts(addr)
            .connect_timeout(Duration::from_secs(1))
            .build(),
    )
    .expect("client");
    let call = Call::detached();
    let err = (client
        .call::<NotRetrySafe>(&payment("tx-refused"), &call)
        .await)
        .expect_err("unreachable");
    assert!(err.nothing_sent(), "{err:?}");
    assert_eq!(call.notes().attempts, DEFAULT_MAX_ATTEMPTS);
}
