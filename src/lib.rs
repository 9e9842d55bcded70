//! antom-sidecar: a gRPC sidecar for Antom's risk API. Services call
//! `antom.risk.v1.RiskService` over localhost with typed protobuf; the sidecar
//! validates, converts to Antom's string-typed JSON, signs, calls Antom, verifies the
//! signed answer and maps it to a gRPC status.
//!
//! # Layout
//! - [`cli`]: command line and env (`serve`, `emulator`, `dev`), the binary's entry.
//! - [`config`]: turns the command line into a checked configuration, every problem at once.
//! - [`telemetry`]: tracing setup (text or JSON).
//! - [`server`]: `run(listener, client, shutdown, grace)`: gRPC, health, reflection, drain.
//! - [`grpc`]: the `RiskService` edge: protobuf ⇄ domain, validation, error → status.
//! - [`payment`]: the domain request and its exact wire JSON.
//! - [`antom`]: the Antom HTTP client: endpoint, signing, retries, response checks.
//! - [`signing`]: Antom's content-to-sign rule and the RSA backends (aws-lc-rs or `rsa`).
//! - [`keys`]: loading keys from env or files (PEM or Base64), with errors that name them.
//! - [`secret`]: a redacted, zeroized string for secrets.
//! - [`emulator`]: an Antom stand-in (HTTP server) with fault injection, for dev and tests.
//! - [`dev`]: `antom-sidecar dev`: emulator plus sidecar, no credentials.
//! - [`probe`]: `antom-sidecar probe`: a health check for Kubernetes exec probes.
//! - [`pb`]: the generated protobuf code and descriptor set.

pub mod antom;
pub mod cli;
pub mod config;
pub mod dev;
pub mod emulator;
pub mod grpc;
pub mod keys;
pub mod payment;
pub mod probe;
pub mod secret;
pub mod server;
pub mod signing;
pub mod telemetry;

/// Generated protobuf and gRPC code for `antom.risk.v1`.
#[allow(missing_docs, clippy::all)]
pub mod pb {
    tonic::include_proto!("antom.risk.v1");

    /// Encoded `FileDescriptorSet` of `proto/`, served by reflection.
    pub const FILE_DESCRIPTOR_SET: &[u8] =
        tonic::include_file_descriptor_set!("antom_risk_v1_descriptor");
}
