//! HTTPS to Antom: the emulator serves TLS with a generated CA; the sidecar trusts it
//! only through `ANTOM_CA_FILE` (here, `extra_roots_pem`), never by switching checks off.

#![cfg(feature = "emulator")]

mod common;

use antom_sidecar::{
    antom::Endpoint,
    emulator::{Emulator, EmulatorHandle, TlsIdentity},
};
use common::*;
use tonic::Code;
use tonic_types::StatusExt;

async fn tls_emulator() -> (EmulatorHandle, TlsIdentity) {
    let identity = TlsIdentity::generate().expect("certificates");
    let emulator = Emulator::new(emulator_config())
        .with_tls(&identity)
        .spawn(([127, 0, 0, 1], 0).into())
        .await
        .expect("start the emulator");
    (emulator, identity)
}

/// The emulator's HTTPS endpoint, under the host name `host`.
fn https(emulator: &EmulatorHandle, host: &str) -> Endpoint {
    let url = format!("https://{host}:{}", emulator.addr().port());
    Endpoint::base_url(&url, false).expect("endpoint")
}

#[tokio::test]
async fn https_with_the_emulators_ca_succeeds() {
    let (emulator, identity) = tls_emulator().await;
    for host in ["localhost", "127.0.0.1"] {
        let s = settings(emulator.addr())
            .endpoint(https(&emulator, host))
            .extra_roots_pem(Some(identity.ca_pem.clone().into_bytes()));
        let mut sidecar = start_sidecar(s).await;
        let response = sidecar
            .client
            .send_payment_result(request(&format!("tx-tls-{host}")))
            .await
            .expect("OK over TLS");
        assert_eq!(response.into_inner().result_code, "SUCCESS", "{host}");
    }
}

#[tokio::test]
async fn an_untrusted_certificate_is_refused() {
    let (emulator, _identity) = tls_emulator().await;
    let s = settings(emulator.addr())
        .endpoint(https(&emulator, "localhost"))
        .max_attempts(1);
    let mut sidecar = start_sidecar(s).await;
    let err = sidecar.fail("tx-untrusted").await;
    assert_eq!(err.code(), Code::Unavailable);
    assert_eq!(
        err.get_details_error_info().expect("ErrorInfo").reason,
        "UPSTREAM_UNAVAILABLE"
    );
    assert!(
        err.message().to_lowercase().contains("certificate"),
        "{}",
        err.message()
    );
}
