//! antom-sidecar: a gRPC sidecar for Antom's risk API. Services call
//! `antom.risk.v1.RiskService` over localhost with typed protobuf; the sidecar
//! validates, converts to Antom's string-typed JSON, signs, calls Antom, verifies the
//! signed answer and maps it to a gRPC status.
//!
//! # Layout
//! - [`cli`]: parses the command line and dispatches to a command.
//! - [`commands`]: one module per subcommand (`serve`, `check`, `emulator`, `dev`,
//!   `probe`, `keygen`), each its `Args` and its `run`; `emulator`, `dev` and `keygen`
//!   only with the `emulator` feature.
//! - `config`: turns `serve`'s flags into a checked configuration, every problem at once.
//! - [`telemetry`]: logs (text or JSON), W3C trace context, OTLP export.
//! - [`metrics`]: the Prometheus metrics and their exposition.
//! - [`admin`]: the admin HTTP listener: `/metrics`, `/livez`, `/readyz`.
//! - [`server`]: the one accept-and-drain loop, for the gRPC, admin and emulator listeners.
//! - [`grpc`]: the `RiskService` edge: health, reflection, protobuf ⇄ domain,
//!   validation, error → status, and each call observed (span, metrics, access log).
//! - [`call`]: one call's record (deadline, trace, what happened), edge to Antom client.
//! - [`payment`], [`refund`], [`risk_report`]: the domain requests, one per Antom API
//!   (`sendPaymentResult`, `sendRefundResult`, `reportRisk`), and their exact wire JSON.
//! - [`decide`]: the request of Antom's `decide` (a real-time risk decision): orders,
//!   goods, shipping, buyer, environment, merchant, travel and card data, one file per
//!   group, and its exact wire JSON.
//! - [`wire`]: what the requests share on the wire: compact JSON of strings, amounts and
//!   ISO 4217 currencies, times (RFC 3339 to the second).
//! - [`antom`]: the Antom HTTP client: each API as a description ([`antom::Api`]) and one
//!   call path for all (settings, endpoint, signing, retries, response checks).
//! - [`signing`]: Antom's content-to-sign rule and the RSA backends (aws-lc-rs or `rsa`).
//! - `rotation`: key rotation without restart: the key files watched, swapped in whole.
//! - [`keys`]: loading keys from env or files (PEM or Base64), with errors that name them;
//!   generating fresh pairs (for `keygen`, the emulator, `dev` and tests).
//! - [`secret`]: a redacted, zeroized string for secrets.
//! - `emulator`: an Antom stand-in (HTTP server) with fault injection, for dev and tests.
//!   Only with the `emulator` feature (on by default, for `cargo run -- dev` and
//!   `cargo test`); the production build, `--no-default-features`, leaves it out, and
//!   with it the `emulator`, `dev` and `keygen` commands and rcgen.
//! - [`pb`]: the generated protobuf code and descriptor set; `pb_debug`, the `Debug` of
//!   the generated messages that carry card data (card number, expiry, CPF hidden).

pub mod admin;
pub mod antom;
pub mod call;
pub mod cli;
pub mod commands;
pub(crate) mod config;
pub mod decide;
#[cfg(feature = "emulator")]
pub mod emulator;
pub mod grpc;
pub mod keys;
pub mod metrics;
pub mod payment;
mod pb_debug;
pub mod refund;
pub mod risk_report;
pub(crate) mod rotation;
pub mod secret;
pub mod server;
pub mod signing;
pub mod telemetry;
pub mod wire;

pub use config::ListenAddr;

/// Generated protobuf and gRPC code for `antom.risk.v1`.
#[allow(missing_docs, clippy::all)]
pub mod pb {
    tonic::include_proto!("antom.risk.v1");

    /// Encoded `FileDescriptorSet` of `proto/`, served by reflection.
    pub const FILE_DESCRIPTOR_SET: &[u8] =
        tonic::include_file_descriptor_set!("antom_risk_v1_descriptor");
}
