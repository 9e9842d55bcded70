//! Prometheus metrics: the families in the README's table, on `prometheus-client`, with
//! label values that are all `&'static str` from closed sets, so that no label can grow
//! without bound. A disabled [`Metrics`] (the admin listener off) records nothing and
//! costs one branch per call site.

mod exposition;
mod grpc_method;

use std::{
    sync::{Arc, PoisonError},
    time::Duration,
};

use crate::antom::{APIS, documented_results};
use prometheus_client::{
    encoding::EncodeLabelSet,
    metrics::{counter::Counter, family::Family, gauge::Gauge, histogram::Histogram},
    registry::Registry,
};

pub use exposition::Format;
pub use grpc_method::{GrpcMethod, code_label};

/// Latency buckets in seconds: Prometheus's default buckets, which go-grpc-prometheus
/// uses too, so that dashboards built for it read these alike.
const BUCKETS: [f64; 11] = [
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// The sidecar's metrics; cheap to clone. `Metrics::default()` is disabled.
#[derive(Clone, Debug, Default)]
pub struct Metrics(Option<Arc<Families>>);

#[derive(Debug)]
struct Families {
    registry: Registry,
    grpc_handled: Family<Handled, Counter>,
    grpc_handling: Family<GrpcMethod, Histogram>,
    antom_requests: Family<Answer, Counter>,
    antom_duration: Family<Api, Histogram>,
    antom_retries: Family<ApiReason, Counter>,
    verification_failures: Family<Reason, Counter>,
    inflight: Gauge,
    max_concurrent_calls: Gauge,
    shed_calls: Family<Reason, Counter>,
    shed_connections: Family<Reason, Counter>,
    key_reloads: Family<Outcome, Counter>,
    tls_reloads: Family<Outcome, Counter>,
    key_info: Family<KeyInfo, Gauge>,
    /// The label sets of `key_info` now, to remove those of keys rotated out.
    keys_in_force: std::sync::Mutex<Vec<KeyInfo>>,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct Outcome {
    result: &'static str,
}

/// The one label that is not from a closed set: a fingerprint, bounded by the keys in
/// force (a handful), whose series are replaced when the keys rotate.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct KeyInfo {
    role: &'static str,
    fingerprint: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct Handled {
    #[prometheus(flatten)]
    method: GrpcMethod,
    grpc_code: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct Api {
    api: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct Answer {
    api: &'static str,
    result_status: &'static str,
    result_code: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ApiReason {
    api: &'static str,
    reason: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct Reason {
    reason: &'static str,
}

impl Families {
    /// Creates the series that are known in advance at zero, as go-grpc-prometheus does,
    /// so that every family is there from the first scrape and `rate()` sees the
    /// first call of each kind.
    fn zero_series(&self) {
        for method in GrpcMethod::all() {
            let _ = self.grpc_handling.get_or_create(&method);
            for code in (0..=16).map(tonic::Code::from_i32) {
                let grpc_code = code_label(code);
                let _ = self
                    .grpc_handled
                    .get_or_create(&Handled { method, grpc_code });
            }
        }
        // The `api` label: each API's name (`sendPaymentResult`, ...).
        for api in APIS.map(|spec| spec.name) {
            let _ = self.antom_duration.get_or_create(&Api { api });
            let answers = documented_results().chain([("U", OTHER)]);
            for (result_status, result_code) in answers {
                let answer = Answer {
                    api,
                    result_status,
                    result_code,
                };
                let _ = self.antom_requests.get_or_create(&answer);
            }
            for reason in ["U_RESULT", "TRANSPORT", "HTTP_STATUS"] {
                let _ = self.antom_retries.get_or_create(&ApiReason { api, reason });
            }
        }
        for reason in ["RESPONSE_SIGNATURE_INVALID", "RESPONSE_UNSIGNED"] {
            let _ = self.verification_failures.get_or_create(&Reason { reason });
        }
        for reason in ["SIDECAR_OVERLOADED", "SHUTDOWN_OUTCOME_UNKNOWN"] {
            let _ = self.shed_calls.get_or_create(&Reason { reason });
        }
        for reason in ["max_connections", "evicted"] {
            let _ = self.shed_connections.get_or_create(&Reason { reason });
        }
        for result in [RELOAD_SUCCESS, RELOAD_FAILURE] {
            let _ = self.key_reloads.get_or_create(&Outcome { result });
            let _ = self.tls_reloads.get_or_create(&Outcome { result });
        }
    }
}

impl Metrics {
    /// Enabled metrics with `sidecar_build_info` set for `crypto_backend`.
    pub fn enabled(crypto_backend: &'static str) -> Self {
        let mut registry = Registry::default();
        let families = Families {
            grpc_handled: Family::default(),
            grpc_handling: Family::new_with_constructor(latency),
            antom_requests: Family::default(),
            antom_duration: Family::new_with_constructor(latency),
            antom_retries: Family::default(),
            verification_failures: Family::default(),
            inflight: Gauge::default(),
            max_concurrent_calls: Gauge::default(),
            shed_calls: Family::default(),
            shed_connections: Family::default(),
            key_reloads: Family::default(),
            tls_reloads: Family::default(),
            key_info: Family::default(),
            keys_in_force: std::sync::Mutex::default(),
            registry: Registry::default(),
        };
        let f = &families;
        registry.register(
            "grpc_server_handled",
            "RPCs completed on the server, by gRPC code",
            f.grpc_handled.clone(),
        );
        registry.register(
            "grpc_server_handling_seconds",
            "Time from an RPC's headers to its last byte",
            f.grpc_handling.clone(),
        );
        registry.register(
            "antom_requests",
            "HTTP attempts to Antom by result; an attempt without a verified answer is U/OTHER",
            f.antom_requests.clone(),
        );
        registry.register(
            "antom_request_duration_seconds",
            "One attempt to Antom, from sending to a verified answer",
            f.antom_duration.clone(),
        );
        registry.register(
            "antom_retries",
            "Attempts to Antom made again, by cause",
            f.antom_retries.clone(),
        );
        registry.register(
            "antom_response_verification_failures",
            "Antom responses whose signature did not verify or was missing",
            f.verification_failures.clone(),
        );
        registry.register(
            "sidecar_inflight_calls",
            "RiskService calls being handled",
            f.inflight.clone(),
        );
        registry.register(
            "sidecar_max_concurrent_calls",
            "The limit of calls in flight toward Antom (SIDECAR_MAX_CONCURRENT_CALLS)",
            f.max_concurrent_calls.clone(),
        );
        registry.register(
            "sidecar_shed_calls",
            "Calls refused or cut by the sidecar's limits, by ErrorInfo reason",
            f.shed_calls.clone(),
        );
        registry.register(
            "sidecar_shed_connections",
            "gRPC connections closed to stay within SIDECAR_MAX_CONNECTIONS",
            f.shed_connections.clone(),
        );
        registry.register(
            "sidecar_key_reloads",
            "Key sets read again after their files changed, by result (a failure keeps the keys in force)",
            f.key_reloads.clone(),
        );
        registry.register(
            "sidecar_tls_reloads",
            "The gRPC listener's TLS files read again after they changed, by result (a failure keeps the TLS set in force)",
            f.tls_reloads.clone(),
        );
        registry.register(
            "sidecar_key_info",
            "Always 1 for each key in force: role merchant (public half of the signing key) or antom; fingerprint: SHA-256 of the SPKI, first 16 hex digits",
            f.key_info.clone(),
        );
        let build_info = Family::<BuildInfo, Gauge>::default();
        build_info
            .get_or_create(&BuildInfo {
                version: env!("CARGO_PKG_VERSION"),
                crypto_backend,
            })
            .set(1);
        registry.register(
            "sidecar_build_info",
            "Always 1; the labels name the build",
            build_info,
        );
        families.zero_series();
        Self(Some(Arc::new(Families {
            registry,
            ..families
        })))
    }

    /// The exposition of every family, in `format`; empty when disabled.
    pub fn encode(&self, format: Format) -> String {
        self.0
            .as_ref()
            .map(|f| exposition::encode(&f.registry, format))
            .unwrap_or_default()
    }

    /// An RPC ended with `code` (go-grpc-prometheus spelling) after `elapsed`.
    pub fn rpc_handled(&self, method: GrpcMethod, code: tonic::Code, elapsed: Duration) {
        if let Some(f) = &self.0 {
            let code = code_label(code);
            f.grpc_handling
                .get_or_create(&method)
                .observe(elapsed.as_secs_f64());
            f.grpc_handled
                .get_or_create(&Handled {
                    method,
                    grpc_code: code,
                })
                .inc();
        }
    }

    /// A RiskService call started (`+1`) or ended (`-1`).
    pub fn inflight(&self, delta: i64) {
        if let Some(f) = &self.0 {
            f.inflight.inc_by(delta);
        }
    }

    /// The limit of calls in flight toward Antom.
    pub fn set_max_concurrent_calls(&self, limit: usize) {
        if let Some(f) = &self.0 {
            f.max_concurrent_calls
                .set(i64::try_from(limit).unwrap_or(i64::MAX));
        }
    }

    /// One attempt to Antom: its result (`None`: no verified answer) and duration.
    pub fn antom_attempt(
        &self,
        api: &'static str,
        result: Option<(&'static str, &'static str)>,
        elapsed: Duration,
    ) {
        if let Some(f) = &self.0 {
            let (result_status, result_code) = result.unwrap_or(("U", OTHER));
            f.antom_requests
                .get_or_create(&Answer {
                    api,
                    result_status,
                    result_code,
                })
                .inc();
            f.antom_duration
                .get_or_create(&Api { api })
                .observe(elapsed.as_secs_f64());
        }
    }

    /// An attempt to Antom is made again, for `reason` (`U_RESULT`, `TRANSPORT`, ...).
    pub fn antom_retry(&self, api: &'static str, reason: &'static str) {
        if let Some(f) = &self.0 {
            f.antom_retries
                .get_or_create(&ApiReason { api, reason })
                .inc();
        }
    }

    /// Antom's response failed verification, for the caller's `reason`.
    pub fn verification_failed(&self, reason: &'static str) {
        if let Some(f) = &self.0 {
            f.verification_failures
                .get_or_create(&Reason { reason })
                .inc();
        }
    }

    /// A call refused or cut by a limit, for the caller's `reason`.
    pub fn call_shed(&self, reason: &'static str) {
        if let Some(f) = &self.0 {
            f.shed_calls.get_or_create(&Reason { reason }).inc();
        }
    }

    /// A reload ended, of the keys (`what`: `key`) or of the listener's TLS (`TLS`):
    /// [`RELOAD_SUCCESS`] or [`RELOAD_FAILURE`].
    pub fn reloaded(&self, what: &'static str, result: &'static str) {
        if let Some(f) = &self.0 {
            let family = match what {
                crate::rotation::TLS => &f.tls_reloads,
                _ => &f.key_reloads,
            };
            family.get_or_create(&Outcome { result }).inc();
        }
    }

    /// The keys in force, as `(role, fingerprint)`: replaces the series of the previous
    /// keys, the new ones first, so that a scrape never sees none.
    pub fn set_keys(&self, keys: Vec<(&'static str, String)>) {
        if let Some(f) = &self.0 {
            let new: Vec<KeyInfo> = (keys.into_iter())
                .map(|(role, fingerprint)| KeyInfo { role, fingerprint })
                .collect();
            for key in &new {
                f.key_info.get_or_create(key).set(1);
            }
            let mut in_force = (f.keys_in_force.lock()).unwrap_or_else(PoisonError::into_inner);
            for old in in_force.iter().filter(|old| !new.contains(old)) {
                f.key_info.remove(old);
            }
            *in_force = new;
        }
    }

    /// A connection closed by the connection cap: `max_connections` (a new one refused)
    /// or `evicted` (an old one closed to make room).
    pub fn connection_shed(&self, reason: &'static str) {
        if let Some(f) = &self.0 {
            f.shed_connections.get_or_create(&Reason { reason }).inc();
        }
    }
}

fn latency() -> Histogram {
    Histogram::new(BUCKETS)
}

/// `result` of `sidecar_key_reloads_total`: the new keys are in force.
pub const RELOAD_SUCCESS: &str = "success";
/// `result` of `sidecar_key_reloads_total`: refused, the keys in force are kept.
pub const RELOAD_FAILURE: &str = "failure";

/// `result_code` for codes Antom does not document, and attempts without an answer.
pub const OTHER: &str = "OTHER";

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct BuildInfo {
    version: &'static str,
    crypto_backend: &'static str,
}
