//! The server around the service: health, reflection (v1 and v1alpha), Unix sockets and
//! draining in-flight calls on shutdown.

#![cfg(feature = "emulator")]

mod common;

use std::time::Duration;

use antom_sidecar::{ListenAddr, pb::risk_service_client::RiskServiceClient, server::Listener};
use common::*;
use tokio_stream::StreamExt;
use tonic_health::pb::{
    HealthCheckRequest, health_check_response::ServingStatus, health_client::HealthClient,
};
use tonic_reflection::pb::{v1, v1alpha};

#[tokio::test]
async fn health_reports_serving_for_the_server_and_the_service() {
    let (_emulator, sidecar) = start().await;
    let mut health = HealthClient::new(sidecar.channel.clone());
    for service in ["", "antom.risk.v1.RiskService"] {
        let status = health
            .check(HealthCheckRequest {
                service: service.into(),
            })
            .await
            .expect("check")
            .into_inner()
            .status();
        assert_eq!(status, ServingStatus::Serving, "{service:?}");
    }
}

#[tokio::test]
async fn reflection_v1_and_v1alpha_list_the_services() {
    let (_emulator, sidecar) = start().await;
    let mut client =
        v1::server_reflection_client::ServerReflectionClient::new(sidecar.channel.clone());
    let req = v1::ServerReflectionRequest {
        host: String::new(),
        message_request: Some(v1::server_reflection_request::MessageRequest::ListServices(
            String::new(),
        )),
    };
    let mut stream = client
        .server_reflection_info(tokio_stream::iter([req]))
        .await
        .expect("v1")
        .into_inner();
    let Some(v1::server_reflection_response::MessageResponse::ListServicesResponse(list)) = stream
        .next()
        .await
        .expect("answer")
        .expect("ok")
        .message_response
    else {
        panic!("not a service list");
    };
    let mut names: Vec<_> = list.service.into_iter().map(|s| s.name).collect();
    names.sort();
    // What `grpcurl list` prints (it asks v1 first), as the README shows it.
    assert_eq!(
        names,
        [
            "antom.risk.v1.RiskService",
            "grpc.health.v1.Health",
            "grpc.reflection.v1.ServerReflection"
        ]
    );

    let mut client =
        v1alpha::server_reflection_client::ServerReflectionClient::new(sidecar.channel.clone());
    let req = v1alpha::ServerReflectionRequest {
        host: String::new(),
        message_request: Some(
            v1alpha::server_reflection_request::MessageRequest::FileContainingSymbol(
                "antom.risk.v1.RiskService".into(),
            ),
        ),
    };
    let mut stream = client
        .server_reflection_info(tokio_stream::iter([req]))
        .await
        .expect("v1alpha")
        .into_inner();
    let answer = stream
        .next()
        .await
        .expect("answer")
        .expect("ok")
        .message_response;
    assert!(
        matches!(
            answer,
            Some(v1alpha::server_reflection_response::MessageResponse::FileDescriptorResponse(_))
        ),
        "{answer:?}"
    );
}

#[tokio::test]
async fn serves_on_a_unix_socket() {
    let emulator = start_emulator(emulator_config()).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let addr = ListenAddr::Unix(dir.path().join("sidecar.sock"));
    let listener = Listener::bind(&addr).await.expect("bind");
    let (stop, done) = spawn_server(
        listener,
        settings(emulator.addr()),
        grace(Duration::from_secs(1)),
    );
    let channel = antom_sidecar::commands::probe::connect(&addr)
        .await
        .expect("connect");
    RiskServiceClient::new(channel)
        .send_payment_result(request("tx-unix"))
        .await
        .expect("OK over a Unix socket");
    let probe = antom_sidecar::commands::probe::Args {
        addr: addr.clone(),
        service: "antom.risk.v1.RiskService".into(),
        timeout: Duration::from_secs(2),
    };
    antom_sidecar::commands::probe::run(probe)
        .await
        .expect("the probe works over a Unix socket");
    stop.send(()).expect("stop");
    done.await.expect("join").expect("clean shutdown");
}

#[tokio::test]
async fn shutdown_lets_in_flight_calls_finish() {
    let (emulator, mut sidecar) = start().await;
    let call = in_flight(&sidecar, &emulator, "emu-delay-500-drain").await;
    sidecar.stop.take().expect("stop").send(()).expect("stop");
    let response = call
        .await
        .expect("join")
        .expect("the in-flight call completes");
    assert_eq!(response.into_inner().result_code, "SUCCESS");
    sidecar.done.await.expect("join").expect("clean shutdown");
}

#[tokio::test]
async fn the_grace_period_bounds_the_drain_and_new_connections_are_refused() {
    let (emulator, sidecar) = start_with(grace(Duration::from_millis(300))).await;
    let call = in_flight(&sidecar, &emulator, "emu-delay-10000-grace").await;
    let (addr, stop, done) = (sidecar.addr, sidecar.stop.expect("stop"), sidecar.done);

    let started = std::time::Instant::now();
    stop.send(()).expect("stop");
    done.await.expect("join").expect("run ends");
    let took = started.elapsed();
    assert!(
        took >= Duration::from_millis(300) && took < Duration::from_secs(3),
        "the drain lasted {took:?}"
    );
    assert!(
        call.await.expect("join").is_err(),
        "the call still in flight was dropped"
    );
    assert!(
        tokio::net::TcpStream::connect(addr).await.is_err(),
        "the listener is closed"
    );
}
