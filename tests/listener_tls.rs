//! TLS and mTLS on the gRPC listener (`SIDECAR_TLS_*_FILE`), against the `serve`
//! process with a real TLS gRPC client (tonic over tokio-rustls, ALPN h2): a client that trusts the
//! CA is served, a plaintext one is not; with a client CA, only a client with a
//! certificate from it is served; a new certificate is put in force without a restart.

#![cfg(feature = "emulator")]

mod common;

use std::{path::Path, sync::Arc};

use antom_sidecar::{emulator::EmulatorHandle, pb::risk_service_client::RiskServiceClient};
use common::*;
use hyper_util::rt::TokioIo;
use rcgen::{BasicConstraints, CertificateParams, IsCa, Issuer, KeyPair};
use tokio_rustls::{
    TlsConnector,
    rustls::{
        ClientConfig, RootCertStore,
        pki_types::{CertificateDer, PrivateKeyDer, ServerName, pem::PemObject},
    },
};
use tonic::transport::{Channel, Uri};

/// A CA, and what it signs.
struct Ca {
    pem: String,
    issuer: Issuer<'static, KeyPair>,
}

impl Ca {
    fn new(name: &str) -> Self {
        let key = KeyPair::generate().expect("key");
        let mut params = CertificateParams::new(Vec::<String>::new()).expect("params");
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params
            .distinguished_name
            .push(rcgen::DnType::CommonName, name);
        let cert = params.self_signed(&key).expect("CA");
        Self {
            pem: cert.pem(),
            issuer: Issuer::new(params, key),
        }
    }

    /// A certificate for `names` and its private key, both PEM.
    fn issue(&self, names: &[&str]) -> (String, String) {
        let key = KeyPair::generate().expect("key");
        let names: Vec<String> = names.iter().map(|n| (*n).to_owned()).collect();
        let params = CertificateParams::new(names).expect("params");
        let cert = params.signed_by(&key, &self.issuer).expect("sign");
        (cert.pem(), key.serialize_pem())
    }
}

/// Writes `content` to `dir/name` in one step (a rename), as a Secret update would.
fn put(dir: &Path, name: &str, content: &str) -> String {
    let (tmp, path) = (dir.join(format!(".{name}.tmp")), dir.join(name));
    std::fs::write(&tmp, content).expect("write");
    std::fs::rename(&tmp, &path).expect("rename");
    path.to_str().expect("utf-8").to_owned()
}

/// `serve` with TLS from `dir` (`client_ca`: mTLS), against `emulator`.
fn serve(dir: &Path, emulator: &EmulatorHandle, client_ca: bool) -> Result<Serving, String> {
    let keys = keys();
    let merchant = put(dir, "merchant.pem", &keys.pairs.merchant.private_pem());
    let antom = put(dir, "antom.pem", &keys.pairs.antom.public_pem());
    let path = |name: &str| dir.join(name).to_str().expect("utf-8").to_owned();
    let (cert, key, ca) = (path("tls.crt"), path("tls.key"), path("client-ca.crt"));
    let endpoint = emulator.base_url();
    let mut env = vec![
        ("ANTOM_CLIENT_ID", CLIENT_ID),
        ("ANTOM_ENDPOINT", endpoint.as_str()),
        ("ANTOM_MERCHANT_PRIVATE_KEY_FILE", merchant.as_str()),
        ("ANTOM_PUBLIC_KEY_FILE", antom.as_str()),
        ("SIDECAR_TLS_CERT_FILE", cert.as_str()),
        ("SIDECAR_TLS_KEY_FILE", key.as_str()),
        ("SIDECAR_KEY_RELOAD_INTERVAL", "100ms"),
        ("SIDECAR_LISTEN", "127.0.0.1:0"),
        ("RUST_LOG", "info"),
    ];
    if client_ca {
        env.push(("SIDECAR_TLS_CLIENT_CA_FILE", ca.as_str()));
    }
    start_serve(&env)
}

/// One call over a new TLS connection to `localhost` that trusts `ca`, presenting
/// `identity` (certificate and key PEM).
async fn call(addr: &str, ca: &str, identity: Option<(&str, &str)>) -> Result<(), String> {
    let mut roots = RootCertStore::empty();
    for cert in CertificateDer::pem_slice_iter(ca.as_bytes()) {
        roots.add(cert.expect("CA PEM")).expect("CA");
    }
    let config = ClientConfig::builder().with_root_certificates(roots);
    let mut config = match identity {
        Some((cert, key)) => {
            let chain = CertificateDer::pem_slice_iter(cert.as_bytes())
                .collect::<Result<Vec<_>, _>>()
                .expect("certificate PEM");
            let key = PrivateKeyDer::from_pem_slice(key.as_bytes()).expect("key PEM");
            config.with_client_auth_cert(chain, key).expect("identity")
        }
        None => config.with_no_client_auth(),
    };
    config.alpn_protocols = vec![b"h2".to_vec()];
    let connector = TlsConnector::from(Arc::new(config));
    let addr = addr.to_owned();
    let tls = tower::service_fn(move |_: Uri| {
        let (connector, addr) = (connector.clone(), addr.clone());
        async move {
            let tcp = tokio::net::TcpStream::connect(addr).await?;
            let name = ServerName::try_from("localhost").expect("name");
            let stream = connector.connect(name, tcp).await?;
            Ok::<_, std::io::Error>(TokioIo::new(stream))
        }
    });
    let channel = Channel::from_static("https://localhost")
        .connect_with_connector(tls)
        .await
        .map_err(|e| format!("connect: {e:?}"))?;
    RiskServiceClient::new(channel)
        .send_payment_result(request("tls-1"))
        .await
        .map(drop)
        .map_err(|e| format!("call: {e:?}"))
}

#[tokio::test]
async fn tls_serves_clients_that_trust_its_ca_and_rotates_without_restart() {
    let emulator = start_emulator(emulator_config()).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let ca = Ca::new("listener CA");
    let (cert, key) = ca.issue(&["localhost"]);
    put(dir.path(), "tls.crt", &cert);
    put(dir.path(), "tls.key", &key);
    let serving = serve(dir.path(), &emulator, false).expect("serving");
    let addr = serving.addr();
    assert!(serving.ready.contains("tls=true"), "{}", serving.ready);

    call(&addr, &ca.pem, None)
        .await
        .expect("a TLS client is served");
    let plain = async {
        let mut client = RiskServiceClient::connect(format!("http://{addr}")).await?;
        client.send_payment_result(request("plain-1")).await?;
        Ok::<_, Box<dyn std::error::Error>>(())
    };
    assert!(plain.await.is_err(), "a plaintext client is not served");

    // A certificate from another CA, swapped in: new connections get it.
    let next = Ca::new("next listener CA");
    let (cert, key) = next.issue(&["localhost"]);
    put(dir.path(), "tls.key", &key);
    put(dir.path(), "tls.crt", &cert);
    let lines = serving.lines;
    let reloaded = tokio::task::spawn_blocking(move || wait_for(&lines, "in force"))
        .await
        .expect("join");
    assert!(reloaded.contains("TLS"), "{reloaded}");
    call(&addr, &next.pem, None)
        .await
        .expect("the new certificate");
    call(&addr, &ca.pem, None)
        .await
        .expect_err("the old CA no longer verifies the listener");
    terminate(serving.running).await;
}

#[tokio::test]
async fn mtls_serves_only_clients_with_a_certificate_from_its_client_ca() {
    let emulator = start_emulator(emulator_config()).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let (server_ca, client_ca, stranger) = (Ca::new("server"), Ca::new("clients"), Ca::new("x"));
    let (cert, key) = server_ca.issue(&["localhost"]);
    put(dir.path(), "tls.crt", &cert);
    put(dir.path(), "tls.key", &key);
    put(dir.path(), "client-ca.crt", &client_ca.pem);
    let serving = serve(dir.path(), &emulator, true).expect("serving");
    let addr = serving.addr();

    let (client_cert, client_key) = client_ca.issue(&["payments"]);
    call(&addr, &server_ca.pem, Some((&client_cert, &client_key)))
        .await
        .expect("a client with a certificate from the client CA");
    call(&addr, &server_ca.pem, None)
        .await
        .expect_err("a client without a certificate");
    let (other_cert, other_key) = stranger.issue(&["payments"]);
    call(&addr, &server_ca.pem, Some((&other_cert, &other_key)))
        .await
        .expect_err("a client with a certificate from another CA");
    terminate(serving.running).await;
}

#[tokio::test]
async fn bad_tls_files_are_refused_at_start_naming_each_setting() {
    let emulator = start_emulator(emulator_config()).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let ca = Ca::new("listener CA");
    let ((cert, _), (_, other_key)) = (ca.issue(&["localhost"]), ca.issue(&["localhost"]));
    put(dir.path(), "tls.crt", &cert);
    put(dir.path(), "tls.key", &other_key);
    let refused = serve(dir.path(), &emulator, false).err().expect("refused");
    assert!(
        refused.contains(
            "SIDECAR_TLS_CERT_FILE and SIDECAR_TLS_KEY_FILE do not make a usable identity"
        ),
        "{refused}"
    );
    put(dir.path(), "tls.crt", "not a certificate");
    put(dir.path(), "tls.key", &keys().pairs.merchant.public_pem());
    put(dir.path(), "client-ca.crt", "");
    let refused = serve(dir.path(), &emulator, true).err().expect("refused");
    for setting in [
        "SIDECAR_TLS_CERT_FILE",
        "SIDECAR_TLS_KEY_FILE",
        "SIDECAR_TLS_CLIENT_CA_FILE",
    ] {
        assert!(refused.contains(setting), "{setting} in {refused}");
    }
    assert!(!refused.contains("BEGIN"), "no key text: {refused}");
}
