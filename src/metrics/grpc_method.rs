//! The `grpc_type`, `grpc_service` and `grpc_method` labels of an RPC, from its path,
//! among the methods this server has: any other path is `unknown`, so that a client
//! calling made-up methods cannot add series.

use prometheus_client::encoding::EncodeLabelSet;

/// An RPC's method labels, as go-grpc-prometheus names them.
#[derive(Clone, Copy, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct GrpcMethod {
    /// `unary`, `server_stream` or `bidi_stream`.
    pub grpc_type: &'static str,
    /// The fully qualified service, e.g. `antom.risk.v1.RiskService`.
    pub grpc_service: &'static str,
    /// The method, e.g. `SendPaymentResult`.
    pub grpc_method: &'static str,
}

/// `(type, service, method)` of every method served.
const METHODS: [(&str, &str, &str); 8] = [
    ("unary", "antom.risk.v1.RiskService", "SendPaymentResult"),
    ("unary", "antom.risk.v1.RiskService", "SendRefundResult"),
    ("unary", "antom.risk.v1.RiskService", "ReportRisk"),
    ("unary", "antom.risk.v1.RiskService", "Decide"),
    ("unary", "grpc.health.v1.Health", "Check"),
    ("server_stream", "grpc.health.v1.Health", "Watch"),
    (
        "bidi_stream",
        "grpc.reflection.v1.ServerReflection",
        "ServerReflectionInfo",
    ),
    (
        "bidi_stream",
        "grpc.reflection.v1alpha.ServerReflection",
        "ServerReflectionInfo",
    ),
];

impl GrpcMethod {
    /// The labels of the method at `path` (`/service/method`).
    pub fn from_path(path: &str) -> Self {
        let (service, method) = path
            .strip_prefix('/')
            .and_then(|p| p.split_once('/'))
            .unwrap_or_default();
        METHODS
            .iter()
            .find(|(_, s, m)| *s == service && *m == method)
            .map_or(Self::UNKNOWN, |&(grpc_type, grpc_service, grpc_method)| {
                Self {
                    grpc_type,
                    grpc_service,
                    grpc_method,
                }
            })
    }

    /// Every method served.
    pub fn all() -> impl Iterator<Item = Self> {
        METHODS
            .iter()
            .map(|&(grpc_type, grpc_service, grpc_method)| Self {
                grpc_type,
                grpc_service,
                grpc_method,
            })
    }

    /// Whether this is a `RiskService` method: the calls that the access log lists at
    /// `info` and `sidecar_inflight_calls` counts (health checks are not news).
    pub fn is_risk_service(&self) -> bool {
        self.grpc_service == "antom.risk.v1.RiskService"
    }

    const UNKNOWN: Self = Self {
        grpc_type: "unary",
        grpc_service: "unknown",
        grpc_method: "unknown",
    };
}

/// A gRPC code as go-grpc-prometheus (Go's `codes.Code.String()`) spells it.
pub fn code_label(code: tonic::Code) -> &'static str {
    use tonic::Code as C;
    match code {
        C::Ok => "OK",
        C::Cancelled => "Canceled",
        C::Unknown => "Unknown",
        C::InvalidArgument => "InvalidArgument",
        C::DeadlineExceeded => "DeadlineExceeded",
        C::NotFound => "NotFound",
        C::AlreadyExists => "AlreadyExists",
        C::PermissionDenied => "PermissionDenied",
        C::ResourceExhausted => "ResourceExhausted",
        C::FailedPrecondition => "FailedPrecondition",
        C::Aborted => "Aborted",
        C::OutOfRange => "OutOfRange",
        C::Unimplemented => "Unimplemented",
        C::Internal => "Internal",
        C::Unavailable => "Unavailable",
        C::DataLoss => "DataLoss",
        C::Unauthenticated => "Unauthenticated",
    }
}

#[cfg(test)]
mod tests {
    use prost::Message;
    use prost_types::FileDescriptorSet;

    use super::*;

    #[test]
    fn every_risk_service_method_has_its_labels() {
        let set = FileDescriptorSet::decode(crate::pb::FILE_DESCRIPTOR_SET).expect("descriptors");
        for file in &set.file {
            for service in &file.service {
                let name = format!("{}.{}", file.package(), service.name());
                for method in &service.method {
                    let labels = GrpcMethod::from_path(&format!("/{name}/{}", method.name()));
                    assert_eq!(labels.grpc_service, name);
                    assert_eq!(labels.grpc_method, method.name());
                }
            }
        }
    }

    #[test]
    fn made_up_methods_share_one_series() {
        let made_up = GrpcMethod::from_path("/antom.risk.v1.RiskService/Nope");
        assert_eq!(made_up, GrpcMethod::from_path("/x.Y/Z"));
        assert_eq!(made_up.grpc_service, "unknown");
    }
}
