//! Hostile and careless clients, over real sockets: what a malformed, oversized,
//! compressed or slow call gets back (always a status with `ErrorInfo`, never a dropped
//! connection), and the limits on connections and calls.

#![cfg(feature = "emulator")]

mod common;

use std::time::{Duration, Instant};

use antom_sidecar::{grpc, pb::risk_service_client::RiskServiceClient, server::Limits};
use bytes::{BufMut, Bytes, BytesMut};
use common::*;
use http_body_util::{BodyExt, Full, combinators::BoxBody};
use hyper_util::{client::legacy::Client, rt::TokioExecutor};
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpStream,
};
use tonic::{Code, Status, transport::Channel};
use tonic_health::pb::{
    HealthCheckRequest, health_check_response::ServingStatus, health_client::HealthClient,
};
use tonic_types::StatusExt;

const METHOD: &str = "/antom.risk.v1.RiskService/SendPaymentResult";

/// A gRPC message frame: compressed flag, declared length, then `payload`.
fn frame(compressed: bool, declared: usize, payload: &[u8]) -> Bytes {
    let mut b = BytesMut::new();
    b.put_u8(u8::from(compressed));
    b.put_u32(u32::try_from(declared).expect("small"));
    b.put_slice(payload);
    b.freeze()
}

/// Sends one gRPC request with exactly these headers and body bytes, over a plain
/// HTTP/2 client (no gRPC library to tidy anything up), and reads the status.
async fn raw_call(
    sidecar: &RunningSidecar,
    path: &str,
    headers: &[(&str, &str)],
    body: BoxBody<Bytes, std::convert::Infallible>,
) -> Status {
    let client = Client::builder(TokioExecutor::new())
        .http2_only(true)
        .build_http();
    let mut request = hyper::Request::post(format!("http://{}{path}", sidecar.addr))
        .header("content-type", "application/grpc")
        .header("te", "trailers");
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = client
        .request(request.body(body).expect("request"))
        .await
        .expect("an HTTP response, not a reset");
    let (parts, body) = response.into_parts();
    let trailers = body.collect().await.expect("body").trailers().cloned();
    Status::from_header_map(&parts.headers)
        .or_else(|| trailers.as_ref().and_then(Status::from_header_map))
        .expect("a grpc-status")
}

fn full(bytes: Bytes) -> BoxBody<Bytes, std::convert::Infallible> {
    Full::new(bytes).boxed()
}

/// Asserts the code and the sidecar's `ErrorInfo` reason; returns the metadata.
fn expect(status: &Status, code: Code, reason: &str) -> std::collections::HashMap<String, String> {
    assert_eq!(status.code(), code, "{status:?}");
    let info = status.get_details_error_info().expect("ErrorInfo");
    assert_eq!(
        (info.domain.as_str(), info.reason.as_str()),
        ("antom-sidecar", reason)
    );
    info.metadata
}

#[tokio::test]
async fn undecodable_messages_are_invalid_argument_and_never_reach_antom() {
    let (emulator, sidecar) = start().await;
    let cases: [(&str, Bytes); 5] = [
        ("invalid UTF-8", frame(false, 4, &[0x0a, 0x02, 0xff, 0xfe])),
        ("wrong wire type", frame(false, 2, &[0x08, 0x01])),
        (
            "truncated message",
            frame(false, 4, &[0x0a, 0x05, b'a', b'b']),
        ),
        ("truncated frame", frame(false, 10, &[0x0a, 0x01, b'a'])),
        ("empty body", Bytes::new()),
    ];
    for (case, body) in cases {
        let status = raw_call(&sidecar, METHOD, &[], full(body)).await;
        expect(&status, Code::InvalidArgument, "MALFORMED_REQUEST");
        assert!(!status.message().is_empty(), "{case}: says what is wrong");
    }
    assert!(emulator.requests().is_empty());
}

#[tokio::test]
async fn a_message_over_the_limit_is_resource_exhausted_naming_the_limit() {
    let emulator = start_emulator(emulator_config()).await;
    let options = grpc::Options {
        max_message_bytes: 1024,
        ..grpc::Options::default()
    };
    let sidecar = start_sidecar_with(settings(emulator.addr()), options).await;
    let payload = vec![0u8; 2048];
    let status = raw_call(&sidecar, METHOD, &[], full(frame(false, 2048, &payload))).await;
    let metadata = expect(&status, Code::ResourceExhausted, "MESSAGE_TOO_LARGE");
    assert_eq!(metadata["limitBytes"], "1024");
}

#[tokio::test]
async fn a_compressed_message_is_unimplemented_naming_what_is_supported() {
    let (_emulator, sidecar) = start().await;
    let body = full(frame(true, 3, b"xyz"));
    let status = raw_call(&sidecar, METHOD, &[("grpc-encoding", "gzip")], body).await;
    let metadata = expect(&status, Code::Unimplemented, "UNSUPPORTED_ENCODING");
    assert_eq!(metadata["supported"], "identity");
    assert_eq!(
        status
            .metadata()
            .get("grpc-accept-encoding")
            .expect("header"),
        "identity"
    );
}

#[tokio::test]
async fn an_unknown_method_is_unimplemented_with_error_info() {
    let (_emulator, sidecar) = start().await;
    let body = full(frame(false, 0, &[]));
    let status = raw_call(&sidecar, "/antom.risk.v1.RiskService/Nope", &[], body).await;
    expect(&status, Code::Unimplemented, "UNKNOWN_METHOD");
}

#[tokio::test]
async fn oversized_metadata_fails_only_that_call() {
    let (emulator, mut sidecar) = start().await;
    let with_metadata = |kib: usize| {
        let mut req = tonic::Request::new(request("tx-metadata"));
        for i in 0..kib {
            let name = format!("x-pad-{i}");
            let name = tonic::metadata::MetadataKey::from_bytes(name.as_bytes()).expect("name");
            req.metadata_mut()
                .insert(name, "v".repeat(1024).parse().expect("value"));
        }
        req
    };
    for kib in [100, 400] {
        // Another call on the same connection is in flight throughout.
        let other = in_flight(&sidecar, &emulator, &format!("emu-delay-200-{kib}")).await;
        let err = sidecar
            .client
            .send_payment_result(with_metadata(kib))
            .await
            .expect_err("over 64 KiB");
        let metadata = expect(&err, Code::ResourceExhausted, "METADATA_TOO_LARGE");
        assert_eq!(metadata["limitBytes"], "65536", "{kib} KiB");
        let other = other.await.expect("join");
        assert_eq!(
            other
                .expect("the other call goes on")
                .into_inner()
                .result_code,
            "SUCCESS",
            "{kib} KiB"
        );
    }
    sidecar
        .client
        .send_payment_result(with_metadata(50))
        .await
        .expect("50 KiB of metadata is within the limit");
}

#[tokio::test]
async fn the_deadline_covers_a_request_body_that_never_finishes() {
    let (emulator, sidecar) = start().await;
    let (mut sender, body) = http_body_util::channel::Channel::<Bytes>::new(1);
    // The prefix promises 100 bytes; two arrive, then nothing.
    sender
        .send_data(frame(false, 100, &[0x0a, 0x62]))
        .await
        .expect("send");
    let started = Instant::now();
    let status = raw_call(&sidecar, METHOD, &[("grpc-timeout", "500m")], body.boxed()).await;
    let took = started.elapsed();
    expect(&status, Code::DeadlineExceeded, "DEADLINE_EXCEEDED");
    // By the deadline (500 ms after the headers), with slack for a loaded machine.
    assert!(took < Duration::from_secs(2), "answered in {took:?}");
    assert!(emulator.requests().is_empty());
    drop(sender);
}

#[tokio::test]
async fn calls_over_the_limit_are_refused_at_once_and_health_still_answers() {
    let emulator = start_emulator(emulator_config()).await;
    let mut sidecar = start_sidecar(settings(emulator.addr()).max_concurrent_calls(1)).await;
    let first = in_flight(&sidecar, &emulator, "emu-delay-1000-first").await;
    let started = Instant::now();
    let err = sidecar.fail("tx-second").await;
    assert!(started.elapsed() < Duration::from_millis(500), "not queued");
    let metadata = expect(&err, Code::ResourceExhausted, "SIDECAR_OVERLOADED");
    assert_eq!(metadata["maxConcurrentCalls"], "1");
    assert!(err.get_details_retry_info().is_some());
    let health = HealthClient::new(sidecar.channel.clone())
        .check(HealthCheckRequest::default())
        .await
        .expect("health answers while calls are shed");
    assert_eq!(health.into_inner().status(), ServingStatus::Serving);
    first.await.expect("join").expect("the first call succeeds");
    sidecar
        .client
        .send_payment_result(request("tx-third"))
        .await
        .expect("a permit is free again");
}

#[tokio::test]
async fn calls_still_open_when_the_grace_ends_are_told_the_outcome_is_unknown() {
    let (emulator, sidecar) = start_with(grace(Duration::from_millis(300))).await;
    let call = in_flight(&sidecar, &emulator, "emu-delay-10000-cut").await;
    sidecar.stop.expect("stop").send(()).expect("stop");
    let err = call.await.expect("join").expect_err("cut by the shutdown");
    expect(&err, Code::Unavailable, "SHUTDOWN_OUTCOME_UNKNOWN");
    assert!(
        err.message()
            .contains("resending the same referenceTransactionId is safe"),
        "{}",
        err.message()
    );
    assert!(sidecar.done.await.expect("join").is_ok());
}

/// Options with connection limits small enough to test.
fn limits(handshake_ms: u64, idle_ms: u64, max_connections: usize) -> grpc::Options {
    grpc::Options {
        limits: Limits {
            handshake_timeout: Duration::from_millis(handshake_ms),
            idle_timeout: Duration::from_millis(idle_ms),
            max_connections,
        },
        ..grpc::Options::default()
    }
}

/// Reads until the server closes the connection (or 5 s pass); the bytes it sent.
async fn read_until_closed(stream: &mut TcpStream) -> Vec<u8> {
    let mut bytes = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut bytes));
    match read.await {
        Ok(_) => bytes,
        Err(_) => panic!("the server kept the connection open"),
    }
}

const PREFACE: &[u8] = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\x00\x00\x00\x04\x00\x00\x00\x00\x00";

/// Frame types in a byte stream of HTTP/2 frames.
fn frame_types(mut bytes: &[u8]) -> Vec<u8> {
    let mut types = Vec::new();
    while bytes.len() >= 9 {
        let len = usize::from(bytes[0]) << 16 | usize::from(bytes[1]) << 8 | usize::from(bytes[2]);
        types.push(bytes[3]);
        bytes = &bytes[(9 + len).min(bytes.len())..];
    }
    types
}

#[tokio::test]
async fn a_connection_that_never_speaks_http2_is_closed_after_the_handshake_timeout() {
    let (_emulator, sidecar) = start_with(limits(200, 60_000, 100)).await;
    let started = Instant::now();
    let mut silent = TcpStream::connect(sidecar.addr).await.expect("connect");
    read_until_closed(&mut silent).await;
    assert!(started.elapsed() >= Duration::from_millis(200));
}

#[tokio::test]
async fn an_idle_connection_gets_a_goaway() {
    // A peer that never acknowledges the GOAWAY is dropped a second later.
    let (_emulator, sidecar) = start_with(limits(10_000, 300, 100)).await;
    let mut idle = TcpStream::connect(sidecar.addr).await.expect("connect");
    idle.write_all(PREFACE).await.expect("preface");
    let started = Instant::now();
    let types = frame_types(&read_until_closed(&mut idle).await);
    assert!(types.contains(&0x7), "a GOAWAY among {types:?}");
    assert!(started.elapsed() >= Duration::from_millis(300));
}

#[tokio::test]
async fn at_the_connection_cap_silent_connections_give_way_and_busy_ones_stay() {
    let (emulator, sidecar) = start_with(limits(10_000, 60_000, 2)).await;
    let first = sidecar.client.clone();
    first
        .clone()
        .send_payment_result(request("tx-first"))
        .await
        .expect("first");
    // A connection that never speaks, then a second client: the silent one makes room.
    let mut silent = TcpStream::connect(sidecar.addr).await.expect("connect");
    let second = Channel::from_shared(format!("http://{}", sidecar.addr))
        .expect("uri")
        .connect()
        .await
        .expect("connect");
    let second = RiskServiceClient::new(second);
    second
        .clone()
        .send_payment_result(request("tx-second"))
        .await
        .expect("second");
    read_until_closed(&mut silent).await;
    // Both connections with a call open: a third is closed before any HTTP/2 byte, and
    // neither call is cut.
    let calls = [
        in_flight_on(first, &emulator, "emu-delay-500-first").await,
        in_flight_on(second, &emulator, "emu-delay-500-second").await,
    ];
    let mut third = TcpStream::connect(sidecar.addr).await.expect("connect");
    assert!(read_until_closed(&mut third).await.is_empty());
    for call in calls {
        call.await
            .expect("join")
            .expect("the busy connections' calls finish");
    }
}

#[tokio::test]
async fn a_stream_open_when_the_grace_ends_gets_a_status() {
    use tonic_reflection::pb::v1::{
        ServerReflectionRequest, server_reflection_client::ServerReflectionClient,
        server_reflection_request::MessageRequest,
    };
    let (_emulator, sidecar) = start_with(grace(Duration::from_millis(300))).await;
    // A reflection stream whose client never ends its side (health's Watch would end
    // at the drain's start).
    let list = ServerReflectionRequest {
        host: String::new(),
        message_request: Some(MessageRequest::ListServices(String::new())),
    };
    let requests =
        tokio_stream::StreamExt::chain(tokio_stream::iter([list]), tokio_stream::pending());
    let mut stream = ServerReflectionClient::new(sidecar.channel.clone())
        .server_reflection_info(requests)
        .await
        .expect("reflection")
        .into_inner();
    stream.message().await.expect("an answer").expect("a list");
    sidecar.stop.expect("stop").send(()).expect("stop");
    let err = match stream.message().await {
        Ok(other) => panic!("the stream went on or ended without a status: {other:?}"),
        Err(status) => status,
    };
    expect(&err, Code::Unavailable, "SHUTTING_DOWN");
    assert_eq!(
        sidecar.done.await.expect("join").expect("served"),
        antom_sidecar::server::Drained::GraceExpired(1)
    );
}

#[tokio::test]
async fn one_retry_rule_for_the_retry_loop_and_retry_info() {
    let (emulator, mut sidecar) = start().await;
    // (id, attempts made, RetryInfo): RetryInfo exactly when the sidecar retried.
    for (id, attempts, retry) in [
        ("emu-code-ACCESS_DENIED-U-1", 1, false),
        ("emu-code-SYSTEM_ERROR-U-1", 1, false),
        ("emu-code-BRAND_NEW-U-1", 3, true),
        ("emu-http-503-1", 3, true),
        ("emu-http-429-1", 3, true),
        ("emu-http-404-1", 1, false),
    ] {
        let err = sidecar.fail(id).await;
        assert_eq!(tries(&emulator, id), attempts, "{id}");
        assert_eq!(err.get_details_retry_info().is_some(), retry, "{id}");
    }
    // A documented F code marked U keeps its code's meaning.
    let err = sidecar.fail("emu-code-ACCESS_DENIED-U-2").await;
    assert_eq!(err.code(), Code::PermissionDenied);
}
