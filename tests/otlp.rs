//! OTLP export on the real binary: with `OTEL_EXPORTER_OTLP_ENDPOINT` pointing at a
//! collector (a fake one here, over gRPC and over HTTP/protobuf, as the standard
//! `OTEL_EXPORTER_OTLP_PROTOCOL` chooses), each call is exported as one server span in
//! the caller's trace, with the call's attributes, and the request to Antom names that
//! span as its parent.

#![cfg(feature = "emulator")]

mod common;

use std::{convert::Infallible, net::SocketAddr, process::Stdio};

use common::*;
use http_body_util::BodyExt;
use opentelemetry_proto::tonic::{
    collector::trace::v1::{
        ExportTraceServiceRequest, ExportTraceServiceResponse,
        trace_service_server::{TraceService, TraceServiceServer},
    },
    common::v1::{AnyValue, any_value::Value},
    trace::v1::{Span, span::SpanKind},
};
use prost::Message;
use tokio::{net::TcpListener, sync::mpsc};
use tokio_stream::wrappers::TcpListenerStream;

const TRACE_ID: &str = "4bf92f3577b34da6a3ce929d0e0e4736";
const CALLER_SPAN: &str = "00f067aa0ba902b7";

type Exports = mpsc::UnboundedReceiver<ExportTraceServiceRequest>;

struct Collector(mpsc::UnboundedSender<ExportTraceServiceRequest>);

#[tonic::async_trait]
impl TraceService for Collector {
    async fn export(
        &self,
        request: tonic::Request<ExportTraceServiceRequest>,
    ) -> Result<tonic::Response<ExportTraceServiceResponse>, tonic::Status> {
        let _ = self.0.send(request.into_inner());
        Ok(tonic::Response::new(ExportTraceServiceResponse::default()))
    }
}

/// A collector speaking OTLP/gRPC.
async fn grpc_collector() -> (SocketAddr, Exports) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let (tx, rx) = mpsc::unbounded_channel();
    tokio::spawn(
        tonic::transport::Server::builder()
            .add_service(TraceServiceServer::new(Collector(tx)))
            .serve_with_incoming(TcpListenerStream::new(listener)),
    );
    (addr, rx)
}

/// A collector speaking OTLP/HTTP with protobuf bodies, on `/v1/traces`.
async fn http_collector() -> (SocketAddr, Exports) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let (tx, rx) = mpsc::unbounded_channel();
    tokio::spawn(async move {
        loop {
            let (stream, _) = listener.accept().await.expect("accept");
            let tx = tx.clone();
            let service =
                hyper::service::service_fn(move |req: hyper::Request<hyper::body::Incoming>| {
                    let tx = tx.clone();
                    async move {
                        assert_eq!(req.uri().path(), "/v1/traces");
                        let body = req.into_body().collect().await.expect("body").to_bytes();
                        let _ = tx.send(ExportTraceServiceRequest::decode(body).expect("protobuf"));
                        let reply = ExportTraceServiceResponse::default().encode_to_vec();
                        Ok::<_, Infallible>(hyper::Response::new(http_body_util::Full::new(
                            bytes::Bytes::from(reply),
                        )))
                    }
                });
            tokio::spawn(
                hyper::server::conn::http1::Builder::new()
                    .serve_connection(hyper_util::rt::TokioIo::new(stream), service),
            );
        }
    });
    (addr, rx)
}

fn attribute<'a>(span: &'a Span, key: &str) -> Option<&'a Value> {
    let value = span.attributes.iter().find(|a| a.key == key)?;
    value
        .value
        .as_ref()
        .and_then(|v: &AnyValue| v.value.as_ref())
}

async fn exported_call(protocol: &str, collector: SocketAddr, mut exports: Exports) {
    let endpoint = format!("http://{collector}");
    let env = [
        ("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint.as_str()),
        ("OTEL_EXPORTER_OTLP_PROTOCOL", protocol),
    ];
    let mut child = sidecar(&["dev", "--listen", "127.0.0.1:0"], &env)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("dev");
    let banner = wait_for_line(child.stdout.take().expect("stdout"), "gRPC on");
    let dev = Running(Some(child));
    let mut client = antom_sidecar::pb::risk_service_client::RiskServiceClient::connect(format!(
        "http://{}",
        address_after(&banner, "gRPC on ")
    ))
    .await
    .expect("connect");
    let mut call = tonic::Request::new(request("tx-exported"));
    let traceparent = format!("00-{TRACE_ID}-{CALLER_SPAN}-01");
    call.metadata_mut()
        .insert("traceparent", traceparent.parse().expect("ascii"));
    client.send_payment_result(call).await.expect("OK");
    let emulator = address_after(&banner, "emulator on http://");
    let (_, _, upstream) = http_get(&emulator, "/__emulator/requests", None).await;
    // Stopping the sidecar sends what its exporter still holds.
    terminate(dev).await;

    let spans: Vec<Span> = std::iter::from_fn(|| exports.try_recv().ok())
        .flat_map(|e| e.resource_spans)
        .flat_map(|r| r.scope_spans)
        .flat_map(|s| s.spans)
        .collect();
    let [span] = &spans[..] else {
        panic!("one span, got {spans:?}");
    };
    assert_eq!(span.name, "antom.risk.v1.RiskService/SendPaymentResult");
    assert_eq!(span.kind, SpanKind::Server as i32);
    assert_eq!(hex(&span.trace_id), TRACE_ID, "the caller's trace");
    assert_eq!(hex(&span.parent_span_id), CALLER_SPAN, "the caller's span");
    let text = |s: &str| Some(Value::StringValue(s.into()));
    assert_eq!(
        attribute(span, "antom.reference_transaction_id").cloned(),
        text("tx-exported")
    );
    assert_eq!(
        attribute(span, "antom.result_code").cloned(),
        text("SUCCESS")
    );
    assert_eq!(attribute(span, "antom.attempts"), Some(&Value::IntValue(1)));
    assert_eq!(
        attribute(span, "rpc.grpc.status_code"),
        Some(&Value::IntValue(0))
    );
    let upstream: serde_json::Value = serde_json::from_str(&upstream).expect("JSON");
    let sent = format!("00-{TRACE_ID}-{}-01", hex(&span.span_id));
    assert_eq!(
        upstream[0]["traceparent"],
        sent.as_str(),
        "Antom's parent is the exported span"
    );
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[tokio::test]
async fn spans_are_exported_over_otlp_grpc() {
    let (addr, exports) = grpc_collector().await;
    exported_call("grpc", addr, exports).await;
}

#[tokio::test]
async fn spans_are_exported_over_otlp_http_protobuf() {
    let (addr, exports) = http_collector().await;
    exported_call("http/protobuf", addr, exports).await;
}
