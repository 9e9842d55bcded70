//! Observability on the real binary (`dev`: sidecar and emulator, real sockets): the
//! scraped `/metrics` holds exactly the counts of a known sequence of calls, as a
//! Prometheus parser reads them; `/readyz` agrees with `grpc.health.v1` through a drain;
//! each call logs one access line carrying its trace ID; and the caller's `traceparent`
//! reaches Antom in the same trace.

#![cfg(feature = "emulator")]

mod common;

use std::{collections::BTreeMap, process::Stdio, sync::mpsc::Receiver};

use antom_sidecar::pb::risk_service_client::RiskServiceClient;
use common::*;
use tonic::{Code, transport::Channel};
use tonic_health::pb::{
    HealthCheckRequest, health_check_response::ServingStatus, health_client::HealthClient,
};

/// A `dev` process with its admin listener on a free port, and its log lines.
struct Dev {
    running: Running,
    grpc: String,
    admin: String,
    logs: Receiver<String>,
}

fn dev(extra_env: &[(&str, &str)]) -> Dev {
    let args = [
        "dev",
        "--listen",
        "127.0.0.1:0",
        "--admin-listen",
        "127.0.0.1:0",
    ];
    let mut child = sidecar(&args, extra_env)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("dev");
    let logs = read_lines(child.stderr.take().expect("stderr"));
    let banner = wait_for_line(child.stdout.take().expect("stdout"), "gRPC on");
    Dev {
        running: Running(Some(child)),
        grpc: address_after(&banner, "gRPC on "),
        admin: address_after(&banner, "admin on "),
        logs,
    }
}

impl Dev {
    async fn client(&self) -> RiskServiceClient<Channel> {
        RiskServiceClient::connect(format!("http://{}", self.grpc))
            .await
            .expect("connect")
    }
}

/// Every sample that is not zero, as `name{label="value",...}` (labels sorted) → value;
/// histograms by their `_count`.
fn nonzero(exposition: &str) -> BTreeMap<String, f64> {
    let lines = exposition.lines().map(|l| Ok(l.to_owned()));
    let scrape = prometheus_parse::Scrape::parse(lines).expect("a Prometheus exposition");
    let mut out = BTreeMap::new();
    for sample in scrape.samples {
        let value = match sample.value {
            prometheus_parse::Value::Counter(v)
            | prometheus_parse::Value::Gauge(v)
            | prometheus_parse::Value::Untyped(v) => v,
            // Buckets: their total is the `_count` sample, compared instead.
            _ => continue,
        };
        let mut labels: Vec<_> = sample.labels.iter().collect();
        labels.sort();
        let labels: Vec<String> = labels.iter().map(|(k, v)| format!("{k}={v:?}")).collect();
        if value != 0.0 && !sample.metric.ends_with("_sum") {
            out.insert(format!("{}{{{}}}", sample.metric, labels.join(",")), value);
        }
    }
    out
}

const RISK: &str =
    r#"grpc_method="SendPaymentResult",grpc_service="antom.risk.v1.RiskService",grpc_type="unary""#;

#[tokio::test]
async fn metrics_hold_exactly_the_calls_made() {
    let dev = dev(&[]);
    let mut client = dev.client().await;
    for id in ["ok-1", "ok-2", "emu-flaky-1-retried"] {
        client.send_payment_result(request(id)).await.expect(id);
    }
    let denied = client
        .send_payment_result(request("emu-code-ACCESS_DENIED-1"))
        .await
        .expect_err("F");
    assert_eq!(denied.code(), Code::PermissionDenied);
    let invalid = client
        .send_payment_result(request(""))
        .await
        .expect_err("invalid");
    assert_eq!(invalid.code(), Code::InvalidArgument);

    let (status, content_type, body) = http_get(&dev.admin, "/metrics", None).await;
    assert_eq!(status, 200);
    assert_eq!(content_type, "text/plain; version=0.0.4; charset=utf-8");
    let api = r#"api="sendPaymentResult""#;
    let version = env!("CARGO_PKG_VERSION");
    let expected: BTreeMap<String, f64> = [
        (
            format!(r#"grpc_server_handled_total{{grpc_code="OK",{RISK}}}"#),
            3.0,
        ),
        (
            format!(r#"grpc_server_handled_total{{grpc_code="PermissionDenied",{RISK}}}"#),
            1.0,
        ),
        (
            format!(r#"grpc_server_handled_total{{grpc_code="InvalidArgument",{RISK}}}"#),
            1.0,
        ),
        (format!("grpc_server_handling_seconds_count{{{RISK}}}"), 5.0),
        (
            format!(r#"antom_requests_total{{{api},result_code="SUCCESS",result_status="S"}}"#),
            3.0,
        ),
        (
            format!(
                r#"antom_requests_total{{{api},result_code="ACCESS_DENIED",result_status="F"}}"#
            ),
            1.0,
        ),
        (
            format!(
                r#"antom_requests_total{{{api},result_code="UNKNOWN_EXCEPTION",result_status="U"}}"#
            ),
            1.0,
        ),
        (
            format!("antom_request_duration_seconds_count{{{api}}}"),
            5.0,
        ),
        (
            format!(r#"antom_retries_total{{{api},reason="U_RESULT"}}"#),
            1.0,
        ),
        ("sidecar_max_concurrent_calls{}".to_owned(), 256.0),
        (
            format!(r#"sidecar_build_info{{crypto_backend="aws-lc-rs",version="{version}"}}"#),
            1.0,
        ),
    ]
    .into_iter()
    .collect();
    let mut found = nonzero(&body);
    // The keys in force: dev mode's own, one merchant key and one of Antom's.
    let keys: Vec<String> = found
        .keys()
        .filter(|series| series.starts_with("sidecar_key_info{"))
        .cloned()
        .collect();
    let roles: Vec<bool> = ["merchant", "antom"]
        .iter()
        .map(|role| (keys.iter()).any(|k| k.contains(&format!(r#"role="{role}""#))))
        .collect();
    assert_eq!((keys.len(), roles), (2, vec![true, true]), "{keys:?}");
    found.retain(|series, _| !series.starts_with("sidecar_key_info{"));
    assert_eq!(found, expected, "exposition:\n{body}");
    // Series known in advance are there at zero from the start.
    assert!(body.contains(r#"sidecar_shed_calls_total{reason="SIDECAR_OVERLOADED"} 0"#));

    // OpenMetrics for the scrapers that ask for it, ending as the format requires.
    let accept = "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5";
    let (_, content_type, body) = http_get(&dev.admin, "/metrics", Some(accept)).await;
    assert!(content_type.starts_with("application/openmetrics-text; version=1.0.0"));
    assert!(body.ends_with("# EOF\n"));
    assert!(body.contains("# TYPE antom_requests counter\n"));
}

#[tokio::test]
async fn readyz_agrees_with_grpc_health_through_a_drain() {
    let dev = dev(&[]);
    assert_eq!(http_get(&dev.admin, "/readyz", None).await.0, 200);
    assert_eq!(http_get(&dev.admin, "/livez", None).await.0, 200);
    let channel = Channel::from_shared(format!("http://{}", dev.grpc))
        .expect("uri")
        .connect()
        .await
        .expect("connect");
    let mut health = HealthClient::new(channel.clone());
    let watch = HealthCheckRequest {
        service: "antom.risk.v1.RiskService".into(),
    };
    let mut statuses = health.watch(watch).await.expect("watch").into_inner();
    let first = statuses.message().await.expect("status").expect("one");
    assert_eq!(first.status(), ServingStatus::Serving);
    // A call the emulator holds keeps the drain going while we look.
    let mut client = RiskServiceClient::new(channel);
    let held = tokio::spawn(async move {
        client
            .send_payment_result(request("emu-delay-1500-held"))
            .await
    });
    let Running(Some(child)) = &dev.running else {
        unreachable!()
    };
    let pid = child.id().to_string();
    std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .expect("kill");
    let next = statuses.message().await.expect("status").expect("one");
    assert_eq!(next.status(), ServingStatus::NotServing);
    // Then the watch ends (status OK), so that it does not hold the drain open.
    assert!(statuses.message().await.expect("OK").is_none());
    // Once health says NOT_SERVING, /readyz says so too.
    let (status, _, body) = http_get(&dev.admin, "/readyz", None).await;
    assert_eq!(
        (status, body.as_str()),
        (503, "not ready: draining: the sidecar is shutting down\n")
    );
    assert_eq!(http_get(&dev.admin, "/livez", None).await.0, 200);
    held.await
        .expect("join")
        .expect("the held call completes during the drain");
    // Nothing else holds the drain: it ends before the grace runs out.
    let (mut running, logs) = (dev.running, dev.logs);
    let mut child = running.0.take().expect("running");
    let exit = tokio::task::spawn_blocking(move || child.wait())
        .await
        .expect("join")
        .expect("wait");
    assert!(exit.success(), "{exit}");
    let late: Vec<String> = logs
        .iter()
        .filter(|l| l.contains("grace period over"))
        .collect();
    assert!(late.is_empty(), "{late:?}");
}

#[tokio::test]
async fn each_call_logs_one_access_line_with_its_trace_id() {
    for format in ["text", "json"] {
        let dev = dev(&[("SIDECAR_LOG_FORMAT", format)]);
        let mut client = dev.client().await;
        let trace_id = "4bf92f3577b34da6a3ce929d0e0e4736";
        let mut call = tonic::Request::new(request("tx-access"));
        let traceparent = format!("00-{trace_id}-00f067aa0ba902b7-01");
        call.metadata_mut()
            .insert("traceparent", traceparent.parse().expect("ascii"));
        client.send_payment_result(call).await.expect("OK");
        client
            .send_payment_result(request(""))
            .await
            .expect_err("invalid");
        let ok = wait_for(&dev.logs, "antom_sidecar::access");
        let failed = wait_for(&dev.logs, "antom_sidecar::access");
        // A call's other lines name its trace too: here, the warning before a retry.
        let retried_trace = "0af7651916cd43dd8448eb211c80319c";
        let mut call = tonic::Request::new(request("emu-flaky-1-logged"));
        let traceparent = format!("00-{retried_trace}-b7ad6b7169203331-01");
        call.metadata_mut()
            .insert("traceparent", traceparent.parse().expect("ascii"));
        client.send_payment_result(call).await.expect("OK");
        let retrying = wait_for(&dev.logs, "retrying Antom call");
        assert!(retrying.contains(retried_trace), "{retrying}");
        // A U result has no transport story: no empty `error` field.
        assert!(!retrying.contains("error"), "{retrying}");
        wait_for(&dev.logs, "antom_sidecar::access");
        // The result code is the last attempt's: a U, then a success that fails its
        // signature check, ends with no code, not the first attempt's.
        client
            .send_payment_result(request("emu-flaky-1-emu-unsigned-stale"))
            .await
            .expect_err("an unsigned success is refused");
        let unsigned = wait_for(&dev.logs, "antom_sidecar::access");
        let two = if format == "text" {
            "attempts=2"
        } else {
            r#""attempts":2"#
        };
        assert!(unsigned.contains(two), "{unsigned}");
        assert!(!unsigned.contains("result_code"), "{unsigned}");
        // Nor when the deadline cuts the second attempt short, before any answer: each
        // attempt takes 500 ms, the call has 800.
        let mut call = tonic::Request::new(request("emu-flaky-1-emu-delay-500-cut"));
        call.set_timeout(std::time::Duration::from_millis(800));
        let cut = client.send_payment_result(call).await.expect_err("cut");
        assert_eq!(cut.code(), Code::DeadlineExceeded, "{cut:?}");
        let cut = wait_for(&dev.logs, "antom_sidecar::access");
        assert!(cut.contains(two), "{cut}");
        assert!(!cut.contains("result_code"), "{cut}");
        match format {
            "text" => {
                for part in [
                    trace_id,
                    "reference_transaction_id=\"tx-access\"",
                    "method=antom.risk.v1.RiskService/SendPaymentResult",
                    "grpc_code=\"OK\"",
                    "result_code=\"SUCCESS\"",
                    "attempts=1",
                    "duration_ms=",
                ] {
                    assert!(ok.contains(part), "{part} in {ok}");
                }
                assert!(failed.contains("grpc_code=\"InvalidArgument\""), "{failed}");
                assert!(failed.contains("attempts=0"), "{failed}");
            }
            _ => {
                let ok: serde_json::Value = serde_json::from_str(&ok).expect("JSON");
                assert_eq!(ok["trace_id"], trace_id);
                assert_eq!(ok["reference_transaction_id"], "tx-access");
                assert_eq!(ok["grpc_code"], "OK");
                assert_eq!(ok["result_code"], "SUCCESS");
                assert_eq!(ok["attempts"], 1);
                assert!(ok["duration_ms"].is_f64(), "a number: {ok}");
                assert!(ok.get("spans").is_none(), "no list of spans: {ok}");
                let failed: serde_json::Value = serde_json::from_str(&failed).expect("JSON");
                assert_eq!(failed["grpc_code"], "InvalidArgument");
                assert!(failed["error"].as_str().is_some_and(|e| !e.is_empty()));
            }
        }
    }
}

#[tokio::test]
async fn the_callers_trace_reaches_antom() {
    let (emulator, mut sidecar) = start().await;
    let trace_id = "0af7651916cd43dd8448eb211c80319c";
    let mut call = tonic::Request::new(request("tx-traced"));
    let traceparent = format!("00-{trace_id}-b7ad6b7169203331-01");
    call.metadata_mut()
        .insert("traceparent", traceparent.parse().expect("ascii"));
    call.metadata_mut()
        .insert("tracestate", "congo=t61rcWkgMzE".parse().expect("ascii"));
    sidecar.client.send_payment_result(call).await.expect("OK");
    sidecar
        .client
        .send_payment_result(request("tx-untraced"))
        .await
        .expect("OK");
    let requests = emulator.requests();
    let upstream = |i: usize| {
        requests[i]["traceparent"]
            .as_str()
            .expect("traceparent")
            .to_owned()
    };
    let traced = upstream(0);
    let parts: Vec<&str> = traced.split('-').collect();
    assert_eq!(parts[..2], ["00", trace_id]);
    // Nothing exported here: the sidecar passes the caller's span on (tests/otlp.rs
    // checks that an exported span becomes the parent instead).
    assert_eq!(parts[2], "b7ad6b7169203331");
    assert_eq!(parts[3], "01", "the sampling decision is kept");
    assert_eq!(
        requests[0]["tracestate"], "congo=t61rcWkgMzE",
        "tracestate is passed on"
    );
    // A call without a trace starts one.
    let untraced = upstream(1);
    assert_eq!(untraced.len(), 55);
    assert!(!untraced.contains(trace_id));
}

#[tokio::test]
async fn a_call_the_client_abandons_counts_as_canceled() {
    let dev = dev(&[(
        "RUST_LOG",
        "debug,h2=debug,hyper=debug,antom_sidecar::server=info",
    )]);
    let mut client = dev.client().await;
    // No grpc-timeout: the client just goes away (RST_STREAM) while Antom holds the call.
    let abandoned = tokio::time::timeout(
        std::time::Duration::from_millis(300),
        client.send_payment_result(request("emu-delay-3000-abandoned")),
    )
    .await;
    assert!(abandoned.is_err(), "the call was still open");
    let canceled = format!(r#"grpc_server_handled_total{{grpc_code="Canceled",{RISK}}}"#);
    // The reset reaches the server a moment later: look until it has counted it.
    let mut seen = BTreeMap::new();
    for _ in 0..250 {
        seen = nonzero(&http_get(&dev.admin, "/metrics", None).await.2);
        if seen.contains_key(&canceled) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert_eq!(seen.get(&canceled), Some(&1.0), "{seen:#?}");
    assert_eq!(
        seen.get("sidecar_inflight_calls{}"),
        None,
        "back to 0: {seen:#?}"
    );
}
