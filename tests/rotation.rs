//! Key rotation without restart, against the `serve` process. The key files live in a
//! directory laid out as the kubelet lays out a Secret volume: each file a symlink into
//! `..data`, itself a symlink to a versioned directory, swapped in one `rename`. The
//! emulator accepts the merchant's old and new keys and records which one signed each
//! call, as Antom does while a merchant rotates.

#![cfg(feature = "emulator")]

mod common;

use std::{
    path::Path,
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
        mpsc,
    },
    time::Duration,
};

use antom_sidecar::{
    emulator::{EmulatorConfig, EmulatorHandle},
    pb::risk_service_client::RiskServiceClient,
};
use common::*;
use tonic::transport::Channel;

const PRIVATE: &str = "merchant_private_key.pem";
const ANTOM: &str = "antom_public_key.pem";
const VERSION: &str = "key_version";
/// Calls at once during the rotation.
const TASKS: usize = 4;

/// Publishes `files` as version `n` of the Secret in `dir`, as the kubelet does: a new
/// directory, a `..data_tmp` symlink to it renamed over `..data`, the old one removed.
fn publish(dir: &Path, n: u32, files: &[(&str, &[u8])]) {
    use std::os::unix::fs::{PermissionsExt, symlink};
    let version = format!("..2026_11_29_00_00_0{n}.{n}");
    std::fs::create_dir(dir.join(&version)).expect("version dir");
    for (name, content) in files {
        let path = dir.join(&version).join(name);
        std::fs::write(&path, content).expect("write");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o400)).expect("chmod");
    }
    let old = std::fs::read_link(dir.join("..data")).ok();
    symlink(&version, dir.join("..data_tmp")).expect("symlink");
    std::fs::rename(dir.join("..data_tmp"), dir.join("..data")).expect("swap ..data");
    for (name, _) in files {
        let _ = symlink(Path::new("..data").join(name), dir.join(name));
    }
    if let Some(old) = old {
        std::fs::remove_dir_all(dir.join(old)).expect("remove the old version");
    }
}

/// The files of a key set: the merchant's private key, Antom's key(s), the key version.
fn secret(private: &str, antom: &[String], version: &str) -> Vec<(&'static str, Vec<u8>)> {
    vec![
        (PRIVATE, private.as_bytes().to_vec()),
        (ANTOM, antom.concat().into_bytes()),
        (VERSION, format!("{version}\n").into_bytes()),
    ]
}

fn publish_set(dir: &Path, n: u32, set: &[(&'static str, Vec<u8>)]) {
    let files: Vec<(&str, &[u8])> = set.iter().map(|(n, c)| (*n, c.as_slice())).collect();
    publish(dir, n, &files);
}

/// An emulator that accepts the merchant's current key and `other`, its next one.
async fn emulator() -> EmulatorHandle {
    start_emulator(EmulatorConfig {
        merchant_public_keys: vec![
            keys().pairs.merchant.verifying_key(),
            keys().other.verifying_key(),
        ],
        ..emulator_config()
    })
    .await
}

/// `serve` reading its keys from the Secret directory `dir`, re-read every 100 ms.
fn serve(dir: &Path, emulator: &EmulatorHandle) -> Serving {
    let path = |name: &str| dir.join(name).to_str().expect("utf-8").to_owned();
    let endpoint = emulator.base_url();
    let (private, antom, version) = (path(PRIVATE), path(ANTOM), path(VERSION));
    start_serve(&[
        ("ANTOM_CLIENT_ID", CLIENT_ID),
        ("ANTOM_ENDPOINT", &endpoint),
        ("ANTOM_MERCHANT_PRIVATE_KEY_FILE", &private),
        ("ANTOM_PUBLIC_KEY_FILE", &antom),
        ("ANTOM_KEY_VERSION_FILE", &version),
        ("SIDECAR_KEY_RELOAD_INTERVAL", "100ms"),
        ("SIDECAR_LISTEN", "127.0.0.1:0"),
        ("RUST_LOG", "info"),
    ])
    .expect("serving")
}

/// Waits, off the runtime, for the child's next line containing `marker`.
async fn line(
    lines: mpsc::Receiver<String>,
    marker: &'static str,
) -> (mpsc::Receiver<String>, String) {
    tokio::task::spawn_blocking(move || {
        let line = wait_for(&lines, marker);
        (lines, line)
    })
    .await
    .expect("join")
}

/// Calls from `tasks` tasks at once until `stop`; every call must succeed.
fn load(
    channel: Channel,
    tasks: usize,
    stop: Arc<AtomicBool>,
) -> Vec<tokio::task::JoinHandle<u32>> {
    (0..tasks)
        .map(|t| {
            let (mut client, stop) = (RiskServiceClient::new(channel.clone()), stop.clone());
            tokio::spawn(async move {
                let mut n = 0;
                while !stop.load(Ordering::Relaxed) {
                    let id = format!("rot-{t}-{n}");
                    if let Err(e) = client.send_payment_result(request(&id)).await {
                        panic!("call {id} failed during the rotation: {e:?}");
                    }
                    n += 1;
                }
                n
            })
        })
        .collect()
}

fn metric(metrics: &str, series: &str) -> Option<f64> {
    metrics
        .lines()
        .find_map(|l| l.strip_prefix(series)?.trim().parse().ok())
}

#[tokio::test]
async fn a_swapped_secret_rotates_the_merchant_key_under_load_without_a_failed_call() {
    let emulator = emulator().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let antom = vec![keys().pairs.antom.public_pem()];
    let old = secret(&keys().pairs.merchant.private_pem(), &antom, "1");
    publish_set(dir.path(), 1, &old);
    let serving = serve(dir.path(), &emulator);
    let admin = address_after(&serving.ready, "admin=");
    let channel = Channel::from_shared(format!("http://{}", serving.addr()))
        .expect("uri")
        .connect()
        .await
        .expect("connect");
    let stop = Arc::new(AtomicBool::new(false));
    let tasks = load(channel, TASKS, stop.clone());
    requests(&emulator, 40).await;

    let new = secret(&keys().other.private_pem(), &antom, "2");
    publish_set(dir.path(), 2, &new);
    let (_lines, reloaded) = line(serving.lines, "the new set is in force").await;
    let after_reload = emulator.received().len();
    requests(&emulator, after_reload as u64 + 40).await;
    stop.store(true, Ordering::Relaxed);
    let mut calls = 0;
    for task in tasks {
        calls += task.await.expect("no call failed");
    }

    let (old_key, new_key) = (
        keys().pairs.merchant.verifying_key(),
        keys().other.verifying_key(),
    );
    assert!(reloaded.contains(new_key.fingerprint()), "{reloaded}");
    let signed: Vec<(String, String)> = (emulator.received().iter())
        .map(|r| {
            let caller = &r["caller"];
            let key = caller["merchantKey"].as_str().expect("signed").to_owned();
            (
                key,
                caller["keyVersion"].as_str().expect("version").to_owned(),
            )
        })
        .collect();
    assert_eq!(
        signed.len(),
        calls as usize,
        "every call reached the emulator once"
    );
    // Key and version rotate together; the old key signed only the calls before the
    // swap, and those in flight when the reload was logged (one per task at most).
    let (old, new) = ((old_key.fingerprint(), "1"), (new_key.fingerprint(), "2"));
    let last_old = (signed.iter()).rposition(|(key, _)| key == old.0);
    assert!(
        last_old.is_some_and(|i| i >= 39 && i < after_reload + TASKS),
        "{last_old:?} {after_reload}"
    );
    for (i, (key, version)) in signed.iter().enumerate() {
        let pair = (key.as_str(), version.as_str());
        assert!(pair == old || pair == new, "call {i}: {pair:?}");
    }

    let (_, _, metrics) = http_get(&admin, "/metrics", None).await;
    assert_eq!(
        metric(&metrics, r#"sidecar_key_reloads_total{result="success"}"#),
        Some(1.0)
    );
    assert_eq!(
        metric(&metrics, r#"sidecar_key_reloads_total{result="failure"}"#),
        Some(0.0)
    );
    let info =
        |role: &str, key: &str| format!(r#"sidecar_key_info{{role="{role}",fingerprint="{key}"}}"#);
    assert_eq!(
        metric(&metrics, &info("merchant", new_key.fingerprint())),
        Some(1.0)
    );
    assert_eq!(
        metric(&metrics, &info("merchant", old_key.fingerprint())),
        None,
        "{metrics}"
    );
    let antom_key = keys().pairs.antom.verifying_key();
    assert_eq!(
        metric(&metrics, &info("antom", antom_key.fingerprint())),
        Some(1.0)
    );
    terminate(serving.running).await;
}

/// Waits until the emulator has had `n` requests in all (no sleeps: it says when one
/// arrives).
async fn requests(emulator: &EmulatorHandle, n: u64) {
    let mut seen = emulator.watch_requests();
    let arrived = seen.wait_for(|log| log.total >= n);
    tokio::time::timeout(Duration::from_secs(30), arrived)
        .await
        .expect("within 30 s")
        .expect("the emulator runs");
}

#[tokio::test]
async fn a_bad_secret_keeps_the_keys_in_force_and_is_counted_without_failing_readiness() {
    let emulator = emulator().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let antom = vec![keys().pairs.antom.public_pem()];
    let merchant = keys().pairs.merchant.private_pem();
    publish_set(dir.path(), 1, &secret(&merchant, &antom, "1"));
    let serving = serve(dir.path(), &emulator);
    let (addr, admin) = (serving.addr(), address_after(&serving.ready, "admin="));
    let call = |id: &'static str| {
        let addr = addr.clone();
        async move {
            let mut client = RiskServiceClient::connect(format!("http://{addr}"))
                .await
                .expect("connect");
            client
                .send_payment_result(request(id))
                .await
                .expect("served with the keys in force");
        }
    };

    // Antom's key replaced by the merchant's own public key: the classic mistake.
    let own = vec![keys().pairs.merchant.public_pem()];
    publish_set(dir.path(), 2, &secret(&merchant, &own, "1"));
    let (lines, refused) = line(serving.lines, "the new set is refused").await;
    assert!(refused.contains("ANTOM_PUBLIC_KEY_FILE"), "{refused}");
    assert!(
        !refused.contains("BEGIN"),
        "no key text in the log: {refused}"
    );
    call("bad-secret-1").await;
    let (status, _, body) = http_get(&admin, "/readyz", None).await;
    assert_eq!(status, 200, "readiness holds: {body}");
    assert!(
        body.contains("key reload failed") && body.contains("ANTOM_PUBLIC_KEY_FILE"),
        "{body}"
    );
    let (_, _, metrics) = http_get(&admin, "/metrics", None).await;
    assert_eq!(
        metric(&metrics, r#"sidecar_key_reloads_total{result="failure"}"#),
        Some(1.0)
    );
    assert_eq!(
        metric(&metrics, r#"sidecar_key_reloads_total{result="success"}"#),
        Some(0.0)
    );

    // Undone (the files hold the keys in force again), then done again: refused again,
    // and counted again.
    publish_set(dir.path(), 3, &secret(&merchant, &antom, "1"));
    let started = std::time::Instant::now();
    while http_get(&admin, "/readyz", None).await.2 != "ready\n" {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "the warning clears"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    publish_set(dir.path(), 4, &secret(&merchant, &own, "1"));
    let (lines, _) = line(lines, "the new set is refused").await;
    let (_, _, metrics) = http_get(&admin, "/metrics", None).await;
    assert_eq!(
        metric(&metrics, r#"sidecar_key_reloads_total{result="failure"}"#),
        Some(2.0)
    );

    // Then a good one: Antom's current and next keys, as during Antom's rotation.
    let both = vec![keys().pairs.antom.public_pem(), keys().other.public_pem()];
    publish_set(dir.path(), 5, &secret(&merchant, &both, "1"));
    let (_lines, _) = line(lines, "the new set is in force").await;
    call("bad-secret-2").await;
    let (status, _, body) = http_get(&admin, "/readyz", None).await;
    assert_eq!((status, body.as_str()), (200, "ready\n"));
    let (_, _, metrics) = http_get(&admin, "/metrics", None).await;
    assert_eq!(
        metric(&metrics, r#"sidecar_key_reloads_total{result="failure"}"#),
        Some(2.0),
        "counted once each time"
    );
    assert_eq!(
        metric(&metrics, r#"sidecar_key_reloads_total{result="success"}"#),
        Some(1.0)
    );
    let info = format!(
        r#"sidecar_key_info{{role="antom",fingerprint="{}"}}"#,
        keys().other.verifying_key().fingerprint()
    );
    assert_eq!(metric(&metrics, &info), Some(1.0));
    terminate(serving.running).await;
}
