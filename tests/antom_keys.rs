//! Antom's key during its rotation: `ANTOM_PUBLIC_KEY_FILE` may hold several public keys
//! (one PEM block each), and a response is accepted when any of them verifies it, so a
//! new Antom key can be added before Antom switches to it. Every block is checked as a
//! single key is: a private key, or the merchant's own public key, is refused at start-up.

mod common;

use std::path::Path;

use common::*;

/// Starts `serve` against `emulator` with Antom's key file holding `antom_pems`; the
/// start-up line, or what it printed when it refused to start.
fn serve(dir: &Path, emulator: &str, antom_pems: &[String]) -> (Running, Result<String, String>) {
    let merchant = dir.join("merchant_private_key.pem");
    std::fs::write(&merchant, keys().pairs.merchant.private_pem().as_bytes()).expect("write");
    let antom = dir.join("antom_public_key.pem");
    std::fs::write(&antom, antom_pems.concat()).expect("write");
    let endpoint = format!("http://{emulator}");
    let env = [
        ("ANTOM_CLIENT_ID", CLIENT_ID),
        ("ANTOM_ENDPOINT", endpoint.as_str()),
        (
            "ANTOM_MERCHANT_PRIVATE_KEY_FILE",
            merchant.to_str().expect("utf-8"),
        ),
        ("ANTOM_PUBLIC_KEY_FILE", antom.to_str().expect("utf-8")),
        ("SIDECAR_LISTEN", "127.0.0.1:0"),
        ("RUST_LOG", "info"),
    ];
    match start_serve(&env) {
        Ok(started) => {
            let addr = started.addr();
            (started.running, Ok(addr))
        }
        Err(printed) => (Running(None), Err(printed)),
    }
}

#[tokio::test]
async fn every_block_is_checked_like_a_single_key() {
    let dir = tempfile::tempdir().expect("tempdir");
    let antom = keys().pairs.antom.public_pem();
    let private = keys().other.private_pem().to_string();
    let own = keys().pairs.merchant.public_pem();
    for (pems, expected) in [
        ([antom.clone(), private], "holds a private key"),
        ([antom, own], "the merchant's own private key"),
    ] {
        let (_serve, refused) = serve(dir.path(), "127.0.0.1:9", &pems);
        let printed = refused.expect_err("refused at start-up");
        assert!(printed.contains("ANTOM_PUBLIC_KEY_FILE"), "{printed}");
        assert!(printed.contains(expected), "{expected} in {printed}");
        assert!(
            !printed.contains("PRIVATE KEY-----"),
            "no key text: {printed}"
        );
    }
}

/// Calls through `serve` to the emulator (the `emulator` feature).
#[cfg(feature = "emulator")]
mod against_the_emulator {
    use tonic::Code;

    use super::*;

    async fn call(addr: &str, id: &str) -> Result<(), tonic::Status> {
        let mut client = antom_sidecar::pb::risk_service_client::RiskServiceClient::connect(
            format!("http://{addr}"),
        )
        .await
        .expect("connect");
        client.send_payment_result(request(id)).await.map(drop)
    }

    #[tokio::test]
    async fn a_response_verifying_with_any_of_antoms_keys_is_accepted() {
        let emulator = start_emulator(emulator_config()).await;
        let dir = tempfile::tempdir().expect("tempdir");
        let (antom, next) = (keys().pairs.antom.public_pem(), keys().other.public_pem());
        for pems in [[antom.clone(), next.clone()], [next.clone(), antom.clone()]] {
            let (_serve, addr) = serve(dir.path(), &emulator.addr().to_string(), &pems);
            call(&addr.expect("serving"), "tx-two-keys")
                .await
                .expect("verified");
        }
        // Antom's new key alone: its current key's signatures do not verify.
        let (_serve, addr) = serve(dir.path(), &emulator.addr().to_string(), &[next]);
        let err = call(&addr.expect("serving"), "tx-new-key-only")
            .await
            .expect_err("refused");
        assert_eq!(err.code(), Code::Internal);
        assert_eq!(error_info(&err).1, "RESPONSE_SIGNATURE_INVALID");
    }
}
