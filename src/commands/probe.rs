//! `antom-sidecar probe`: asks a running sidecar's `grpc.health.v1` whether it serves,
//! for Kubernetes exec probes (the kubelet's own gRPC probe dials the pod IP, which a
//! sidecar listening on 127.0.0.1 rightly does not answer).

use std::time::Duration;

use tonic::transport::{Channel, Endpoint};
use tonic_health::pb::{
    HealthCheckRequest, health_check_response::ServingStatus, health_client::HealthClient,
};

use crate::{
    antom::error_chain,
    config::{DEFAULT_LISTEN, ListenAddr, parse_duration},
};

/// `probe` flags.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The sidecar's address: host:port, or unix:/path/to/socket.
    #[arg(long, env = "SIDECAR_LISTEN", default_value = DEFAULT_LISTEN)]
    pub addr: ListenAddr,
    /// The service to ask about; empty for the server as a whole.
    #[arg(long, default_value = "antom.risk.v1.RiskService")]
    pub service: String,
    /// Give up after this long, e.g. 2s.
    #[arg(long, default_value = "2s", value_parser = parse_duration)]
    pub timeout: Duration,
}

/// Why the probe failed.
#[derive(Debug, thiserror::Error)]
pub enum ProbeError {
    /// No connection to the address probed.
    #[error(
        "cannot connect to {0}: {1} (is the sidecar running, and listening there? \
         --addr or SIDECAR_LISTEN names the address)"
    )]
    Connect(ListenAddr, String),
    /// The server does not know the service asked about.
    #[error(
        "the sidecar at {0} knows no service {1:?}: ask about antom.risk.v1.RiskService, \
         or \"\" for the server as a whole"
    )]
    UnknownService(ListenAddr, String),
    /// The health call failed otherwise.
    #[error("the health check failed with {code:?}: {message}", code = .0.code(), message = .0.message())]
    Check(tonic::Status),
    /// The service asked about answered, but not SERVING.
    #[error("{0:?} is {1:?}: the sidecar is starting or draining (its log says which)")]
    NotServing(String, ServingStatus),
    /// No answer in time.
    #[error("no answer from {0} within {1:?} (--timeout)")]
    Timeout(ListenAddr, Duration),
}

/// Checks health once.
pub async fn run(args: Args) -> Result<(), ProbeError> {
    let check = async {
        let channel = connect(&args.addr)
            .await
            .map_err(|e| ProbeError::Connect(args.addr.clone(), error_chain(&e)))?;
        let request = HealthCheckRequest {
            service: args.service.clone(),
        };
        let status = match HealthClient::new(channel).check(request).await {
            Ok(response) => response.into_inner().status(),
            Err(e) if e.code() == tonic::Code::NotFound => {
                return Err(ProbeError::UnknownService(
                    args.addr.clone(),
                    args.service.clone(),
                ));
            }
            Err(e) => return Err(ProbeError::Check(e)),
        };
        match status {
            ServingStatus::Serving => Ok(()),
            status => Err(ProbeError::NotServing(args.service.clone(), status)),
        }
    };
    tokio::time::timeout(args.timeout, check)
        .await
        .unwrap_or(Err(ProbeError::Timeout(args.addr.clone(), args.timeout)))
}

/// A gRPC channel to a sidecar at `addr`, over TCP or a Unix socket.
pub async fn connect(addr: &ListenAddr) -> Result<Channel, tonic::transport::Error> {
    match addr {
        ListenAddr::Tcp(addr) => {
            Endpoint::from_shared(format!("http://{addr}"))?
                .connect()
                .await
        }
        ListenAddr::Unix(path) => {
            let path = path.clone();
            // The URI is a placeholder: the connector below decides where to connect.
            Endpoint::from_static("http://localhost")
                .connect_with_connector(tower::service_fn(move |_| {
                    let path = path.clone();
                    async move {
                        Ok::<_, std::io::Error>(hyper_util::rt::TokioIo::new(
                            tokio::net::UnixStream::connect(path).await?,
                        ))
                    }
                }))
                .await
        }
    }
}
