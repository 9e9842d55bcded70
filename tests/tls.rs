//! HTTPS to Antom: the emulator serves TLS with a generated CA; the sidecar trusts it
//! only through `ANTOM_CA_FILE` (here, `extra_roots_pem`), never by switching checks off.

mod common;

use antom_sidecar::{
    antom::Endpoint,
    emulator::{Emulator, TlsIdentity},
};
use common::*;
use tokio::net::TcpListener;
use tonic::Code;
use tonic_types::StatusExt;

async fn tls_emulator() -> (
    std::net::SocketAddr,
    TlsIdentity,
    tokio::sync::oneshot::Sender<()>,
) {
    let identity = TlsIdentity::generate().expect("certificates");
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let emulator = Emulator::new(emulator_config()).with_tls(&identity);
    tokio::spawn(emulator.run(listener, async {
        let _ = stopped.await;
    }));
    (addr, identity, stop)
}

#[tokio::test]
async fn https_with_the_emulators_ca_succeeds() {
    let (addr, identity, _stop) = tls_emulator().await;
    for host in ["localhost", "127.0.0.1"] {
        let mut s = settings(addr);
        s.endpoint = Endpoint::base_url(&format!("https://{host}:{}", addr.port()), false)
            .expect("endpoint");
        s.extra_roots_pem = Some(identity.ca_pem.clone().into_bytes());
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
    let (addr, _identity, _stop) = tls_emulator().await;
    let mut s = settings(addr);
    s.endpoint =
        Endpoint::base_url(&format!("https://localhost:{}", addr.port()), false).expect("endpoint");
    s.retry.max_attempts = 1;
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
