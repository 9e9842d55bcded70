//! Draining under load, against the `serve` process: SIGTERM in the middle of many
//! calls loses none and answers each (an OK reached Antom exactly once; anything else
//! says whether to retry), new connections are refused at once, and the process exits 0
//! within its grace; a grace that ends with calls open answers each of them.

#![cfg(feature = "emulator")]

mod common;

use std::{
    collections::HashMap,
    sync::mpsc,
    time::{Duration, Instant},
};

use antom_sidecar::{emulator::EmulatorHandle, pb::risk_service_client::RiskServiceClient};
use common::*;
use tonic::{Code, transport::Channel};
use tonic_types::StatusExt;

/// A `serve` process pointed at `emulator`, its stderr lines, and its address.
struct Serve {
    running: Running,
    lines: mpsc::Receiver<String>,
    addr: String,
    _keys: tempfile::TempDir,
}

fn serve_against(emulator: &EmulatorHandle, grace: &str) -> Serve {
    let keys = tempfile::tempdir().expect("tempdir");
    let private = keys.path().join("merchant_private_key.pem");
    let public = keys.path().join("antom_public_key.pem");
    std::fs::write(&private, keys_pem().0).expect("write");
    std::fs::write(&public, keys_pem().1).expect("write");
    let env = [
        ("ANTOM_CLIENT_ID", CLIENT_ID),
        ("ANTOM_ENDPOINT", &emulator.base_url()),
        (
            "ANTOM_MERCHANT_PRIVATE_KEY_FILE",
            private.to_str().expect("utf-8"),
        ),
        ("ANTOM_PUBLIC_KEY_FILE", public.to_str().expect("utf-8")),
        ("SIDECAR_LISTEN", "127.0.0.1:0"),
        ("SIDECAR_SHUTDOWN_GRACE", grace),
        ("RUST_LOG", "info"),
    ];
    let started = common::start_serve(&env).expect("serving");
    Serve {
        addr: started.addr(),
        running: started.running,
        lines: started.lines,
        _keys: keys,
    }
}

/// The merchant's private key and Antom's public key, as PEM.
fn keys_pem() -> (String, String) {
    let pairs = &keys().pairs;
    (
        pairs.merchant.private_pem().to_string(),
        pairs.antom.public_pem(),
    )
}

async fn channel(addr: &str) -> RiskServiceClient<Channel> {
    let channel = Channel::from_shared(format!("http://{addr}"))
        .expect("uri")
        .connect()
        .await
        .expect("connect");
    RiskServiceClient::new(channel)
}

/// Returns once the emulator has received `n` requests in all.
async fn received(emulator: &EmulatorHandle, n: u64) {
    let mut watch = emulator.watch_requests();
    let arrived = watch.wait_for(|log| log.total >= n);
    tokio::time::timeout(Duration::from_secs(10), arrived)
        .await
        .expect("the emulator receives the calls")
        .expect("emulator alive");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_under_load_loses_nothing_and_refuses_new_connections() {
    let emulator = start_emulator(emulator_config()).await;
    let serve = serve_against(&emulator, "5s");
    let mut clients = Vec::new();
    for _ in 0..4 {
        clients.push(channel(&serve.addr).await);
    }
    // 80 calls, one in four held 800 ms by the emulator; then 40 more during the drain.
    let ids: Vec<String> = (0..120)
        .map(|i| match i % 4 {
            0 => format!("emu-delay-800-drain-{i}"),
            _ => format!("drain-{i}"),
        })
        .collect();
    let call = |i: usize| {
        let mut client = clients[i % clients.len()].clone();
        let id = ids[i].clone();
        tokio::spawn(async move { (id.clone(), client.send_payment_result(request(&id)).await) })
    };
    let mut calls: Vec<_> = (0..80).map(call).collect();
    received(&emulator, 80).await;
    let stopping = tokio::spawn(sigterm(serve.running));
    calls.extend((80..120).map(call));
    wait_for(&serve.lines, "draining");
    let started = Instant::now();
    let refused = tokio::net::TcpStream::connect(&serve.addr).await;
    assert!(
        refused.is_err(),
        "a new connection after SIGTERM is refused"
    );
    assert!(started.elapsed() < Duration::from_secs(1), "at once");

    let mut outcomes: HashMap<Code, usize> = HashMap::new();
    let mut ok = Vec::new();
    for call in calls {
        let (id, result) = call.await.expect("join");
        match result {
            Ok(_) => ok.push(id),
            Err(status) if status.get_details_error_info().is_some() => {
                *outcomes.entry(status.code()).or_default() += 1;
            }
            Err(status) => {
                // Failed in the client's own transport (a stream after the GOAWAY, a
                // request queued as the connection closed): the sidecar never took the
                // call, Antom never saw it, and a retry is safe. Clients name this
                // differently (grpc-go UNAVAILABLE, tonic INTERNAL or CANCELLED).
                let transport = std::error::Error::source(&status)
                    .is_some_and(|e| e.is::<tonic::transport::Error>());
                assert!(transport, "{id}: {status:?}");
                let seen = emulator.requests();
                assert!(
                    !seen
                        .iter()
                        .any(|r| r["referenceTransactionId"] == id.as_str()),
                    "{id} reached Antom yet failed without details"
                );
                *outcomes.entry(status.code()).or_default() += 1;
            }
        }
    }
    assert!(
        ok.len() >= 80,
        "every call in flight at SIGTERM finished: {outcomes:?}"
    );
    let received = emulator.received();
    for id in &ok {
        let times = received
            .iter()
            .filter(|r| r["body"]["referenceTransactionId"] == id.as_str())
            .count();
        assert_eq!(times, 1, "{id} reached Antom exactly once");
    }
    let (status, took) = stopping.await.expect("join");
    assert!(status.success(), "{status:?}");
    assert!(
        took < Duration::from_secs(5),
        "exited within its grace: {took:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_grace_that_ends_with_calls_open_answers_each_of_them() {
    let emulator = start_emulator(emulator_config()).await;
    let serve = serve_against(&emulator, "300ms");
    let client = channel(&serve.addr).await;
    let calls: Vec<_> = (0..10)
        .map(|i| {
            let mut client = client.clone();
            tokio::spawn(async move {
                client
                    .send_payment_result(request(&format!("emu-delay-10000-cut-{i}")))
                    .await
            })
        })
        .collect();
    received(&emulator, 10).await;
    let (status, took) = sigterm(serve.running).await;
    assert!(status.success(), "{status:?}");
    assert!(took < Duration::from_secs(3), "{took:?}");
    for call in calls {
        let err = call.await.expect("join").expect_err("cut by the grace");
        assert_eq!(err.code(), Code::Unavailable, "{err:?}");
        let info = err.get_details_error_info().expect("ErrorInfo");
        assert_eq!(info.reason, "SHUTDOWN_OUTCOME_UNKNOWN");
    }
}
