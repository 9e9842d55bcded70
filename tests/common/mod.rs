//! Test harness: a real emulator and a real sidecar, each on `127.0.0.1:0`, and a real
//! tonic client. No sleeps: listeners are bound before anything connects. The emulator's
//! part (`emulator.rs`) needs the `emulator` feature; the rest serves the tests that run
//! without it too.

#![allow(dead_code)]

#[cfg(feature = "emulator")]
mod emulator;
mod process;
pub mod props;

#[cfg(feature = "emulator")]
#[allow(unused_imports)]
pub use emulator::*;
#[allow(unused_imports)]
pub use process::*;

use std::{net::SocketAddr, sync::Arc, sync::OnceLock, time::Duration};

use antom_sidecar::{
    antom::{AntomClient, DEFAULT_MAX_ATTEMPTS, Endpoint, RetryPolicy, SettingsBuilder},
    grpc,
    keys::{GeneratedKeyPair, KeyPairs},
    pb::{self, risk_service_client::RiskServiceClient},
    server::{Drained, Listener},
};
use tokio::{net::TcpListener, sync::oneshot};
use tonic::transport::Channel;

/// Key pairs shared by the tests of one binary: generating RSA keys costs time.
pub struct TestKeys {
    /// The merchant's and Antom's pairs, tied together as in production.
    pub pairs: KeyPairs,
    /// A third pair, for keys that must not verify.
    pub other: GeneratedKeyPair,
}

pub fn keys() -> &'static TestKeys {
    static KEYS: OnceLock<TestKeys> = OnceLock::new();
    KEYS.get_or_init(|| TestKeys {
        pairs: KeyPairs::generate(),
        other: GeneratedKeyPair::generate(),
    })
}

pub const CLIENT_ID: &str = "SANDBOX_TEST_CLIENT";

/// Sidecar settings pointed at `http://{antom}` (an emulator's address, say), signing
/// with the merchant key.
pub fn settings(antom: SocketAddr) -> SettingsBuilder {
    let endpoint = Endpoint::base_url(&format!("http://{antom}"), false).expect("endpoint");
    keys()
        .pairs
        .client_settings(endpoint, CLIENT_ID)
        // Fast retries keep the tests quick; the policy is the same.
        .retry(RetryPolicy {
            max_attempts: 3,
            base_delay: Duration::from_millis(10),
            max_delay: Duration::from_millis(50),
        })
        .request_timeout(Duration::from_secs(5))
}

/// [`settings`] with the default number of attempts (and the same fast retries), so that
/// attempts counted by a test follow the default: "not retried" means one attempt where
/// the default would make several.
pub fn default_attempts(antom: SocketAddr) -> SettingsBuilder {
    settings(antom).retry(RetryPolicy {
        max_attempts: DEFAULT_MAX_ATTEMPTS,
        base_delay: Duration::from_millis(10),
        max_delay: Duration::from_millis(50),
    })
}

/// The sidecar's stub over plain hyper, with no gRPC library between.
type RawClient = RiskServiceClient<
    hyper_util::client::legacy::Client<
        hyper_util::client::legacy::connect::HttpConnector,
        tonic::body::Body,
    >,
>;

/// A running sidecar and a client connected to it.
pub struct RunningSidecar {
    pub addr: SocketAddr,
    pub client: RiskServiceClient<Channel>,
    pub channel: Channel,
    pub stop: Option<oneshot::Sender<()>>,
    pub done: tokio::task::JoinHandle<Result<Drained, grpc::ServeError>>,
}

/// Options with `grace` and the defaults otherwise.
pub fn grace(grace: Duration) -> grpc::Options {
    grpc::Options {
        grace,
        ..grpc::Options::default()
    }
}

/// Runs `grpc::serve` on `listener` with `options`; drop or fire the sender to stop it.
pub fn spawn_server(
    listener: Listener,
    settings: SettingsBuilder,
    options: grpc::Options,
) -> (
    oneshot::Sender<()>,
    tokio::task::JoinHandle<Result<Drained, grpc::ServeError>>,
) {
    let client = Arc::new(AntomClient::new(settings.build()).expect("client"));
    let (stop, stopped) = oneshot::channel::<()>();
    let shutdown = async {
        let _ = stopped.await;
    };
    (
        stop,
        tokio::spawn(grpc::serve(listener, client, options, shutdown)),
    )
}

pub async fn start_sidecar(settings: SettingsBuilder) -> RunningSidecar {
    start_sidecar_with(settings, grace(Duration::from_secs(5))).await
}

pub async fn start_sidecar_with(
    settings: SettingsBuilder,
    options: grpc::Options,
) -> RunningSidecar {
    let tcp = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind sidecar");
    let addr = tcp.local_addr().expect("sidecar address");
    let (stop, done) = spawn_server(Listener::Tcp(tcp), settings, options);
    let channel = Channel::from_shared(format!("http://{addr}"))
        .expect("uri")
        .connect()
        .await
        .expect("connect");
    RunningSidecar {
        addr,
        client: RiskServiceClient::new(channel.clone()),
        channel,
        stop: Some(stop),
        done,
    }
}

impl RunningSidecar {
    /// Calls SendPaymentResult with [`request`]`(id)`, expecting an error.
    pub async fn fail(&mut self, id: &str) -> tonic::Status {
        self.client
            .send_payment_result(request(id))
            .await
            .expect_err(id)
    }

    /// A new client of the sidecar without a timer of its own (plain hyper under the
    /// generated stub), for calls with a deadline: tonic's `Channel` enforces
    /// `grpc-timeout` locally and answers CANCELLED by itself, which would hide the
    /// server's own answer to the deadline.
    pub fn raw_client(&self) -> RawClient {
        let mut connector = hyper_util::client::legacy::connect::HttpConnector::new();
        // Without it, Nagle's algorithm holds the request back tens of milliseconds.
        connector.set_nodelay(true);
        let http =
            hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
                .http2_only(true)
                .build::<_, tonic::body::Body>(connector);
        let origin = format!("http://{}", self.addr).parse().expect("origin");
        RiskServiceClient::with_origin(http, origin)
    }

    /// Like [`Self::fail`], with a deadline; also returns how long the call took. Sent
    /// by [`Self::raw_client`], so the server's answer to the deadline is seen.
    pub async fn fail_within(&mut self, id: &str, deadline: Duration) -> (tonic::Status, Duration) {
        let mut client = self.raw_client();
        let mut req = tonic::Request::new(request(id));
        req.set_timeout(deadline);
        let started = std::time::Instant::now();
        let err = client.send_payment_result(req).await.expect_err(id);
        (err, started.elapsed())
    }
}

/// `ErrorInfo`'s domain and reason.
pub fn error_info(status: &tonic::Status) -> (String, String) {
    use tonic_types::StatusExt;
    let info = status.get_details_error_info().expect("ErrorInfo");
    (info.domain, info.reason)
}

/// A minimal valid request.
pub fn request(id: &str) -> pb::SendPaymentResultRequest {
    pb::SendPaymentResultRequest {
        reference_transaction_id: id.into(),
        payment_status: pb::PaymentStatus::Success.into(),
        payment_method_provider: "VISA".into(),
        ..Default::default()
    }
}

/// `GET path` over HTTP/1.0 on a fresh connection: status, content type and body.
pub async fn http_get(addr: &str, path: &str, accept: Option<&str>) -> (u16, String, String) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
    let accept = accept
        .map(|a| format!("Accept: {a}\r\n"))
        .unwrap_or_default();
    let request = format!("GET {path} HTTP/1.0\r\nHost: {addr}\r\n{accept}\r\n");
    stream.write_all(request.as_bytes()).await.expect("send");
    let mut response = String::new();
    stream.read_to_string(&mut response).await.expect("read");
    let (head, body) = response.split_once("\r\n\r\n").expect("a response");
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .expect("status");
    let content_type = head
        .lines()
        .find_map(|l| {
            l.to_ascii_lowercase()
                .strip_prefix("content-type: ")
                .map(str::to_owned)
        })
        .unwrap_or_default();
    (status, content_type, body.to_owned())
}
