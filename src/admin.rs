//! The admin HTTP listener (`SIDECAR_ADMIN_LISTEN`, default `127.0.0.1:9464`), apart from
//! the gRPC port so that a mesh or a NetworkPolicy can treat the two differently:
//! - `/metrics`: Prometheus metrics (OpenMetrics when asked for, else text 0.0.4);
//! - `/livez`: 200 while the process runs;
//! - `/readyz`: 200, or 503 with a one-line reason, as `grpc.health.v1` says; a failed
//!   key reload is said on the 200's line, and does not make it a 503.

use std::{convert::Infallible, future::Future, time::Duration};

use bytes::Bytes;
use http_body_util::Full;
use hyper::{
    Method, Request, Response, StatusCode,
    body::Incoming,
    header::{ACCEPT, CONTENT_TYPE, HeaderValue},
    service::service_fn,
};

use crate::{
    grpc::Health,
    metrics::{Format, Metrics},
    server::{Connections, Limits, Listener},
};

/// `SIDECAR_ADMIN_LISTEN`'s default: Prometheus's port for exporters like this one.
pub const DEFAULT_ADMIN_LISTEN: &str = "127.0.0.1:9464";

/// Serves the admin endpoints on `listener` until `shutdown`.
pub async fn serve(
    listener: Listener,
    metrics: Metrics,
    health: Health,
    shutdown: impl Future<Output = ()>,
) {
    let service = service_fn(move |request| {
        let (metrics, health) = (metrics.clone(), health.clone());
        async move { Ok::<_, Infallible>(answer(&request, &metrics, &health).await) }
    });
    // A few scrapers and probes: a small cap, so that a flood here cannot take the
    // descriptors that gRPC clients need.
    let limits = Limits {
        max_connections: 64,
        ..Limits::default()
    };
    Connections::http("admin", limits)
        .serve_until(listener, service, shutdown, Duration::from_secs(1))
        .await;
}

async fn answer(
    request: &Request<Incoming>,
    metrics: &Metrics,
    health: &Health,
) -> Response<Full<Bytes>> {
    if !matches!(*request.method(), Method::GET | Method::HEAD) {
        return text(StatusCode::METHOD_NOT_ALLOWED, "GET only\n".into());
    }
    match request.uri().path() {
        "/metrics" => {
            let accept = request.headers().get(ACCEPT).and_then(|v| v.to_str().ok());
            let format = Format::from_accept(accept);
            let mut response = text(StatusCode::OK, metrics.encode(format));
            response.headers_mut().insert(
                CONTENT_TYPE,
                HeaderValue::from_static(format.content_type()),
            );
            response
        }
        "/livez" => text(StatusCode::OK, "alive\n".into()),
        "/readyz" => match health.readiness().await {
            Ok(None) => text(StatusCode::OK, "ready\n".into()),
            Ok(Some(warning)) => text(StatusCode::OK, format!("ready; {warning}\n")),
            Err(why) => text(
                StatusCode::SERVICE_UNAVAILABLE,
                format!("not ready: {why}\n"),
            ),
        },
        _ => text(
            StatusCode::NOT_FOUND,
            "not found: try /metrics, /livez or /readyz\n".into(),
        ),
    }
}

fn text(status: StatusCode, body: String) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from(body)));
    *response.status_mut() = status;
    response.headers_mut().insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    response
}
