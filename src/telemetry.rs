//! Logs and traces. Logs: initialised once, `RUST_LOG` filter (default `info`), text for
//! people or JSON for clusters, on stderr so stdout stays for what the user asked for;
//! a call's lines carry its `trace_id`. Traces: W3C Trace Context continued from the
//! caller to Antom ([`TraceContext`]), and exported over OTLP when configured ([`otel`]).

pub mod otel;
mod trace_context;

use std::io::IsTerminal;

use clap::ValueEnum;
use tracing_subscriber::{EnvFilter, fmt};

pub use trace_context::{TRACEPARENT, TRACESTATE, TraceContext};

/// Log line format.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// Human-readable lines.
    #[default]
    Text,
    /// One JSON object per line.
    Json,
}

/// The target of the access log: one line per call, at `info` for RiskService calls.
pub const ACCESS_LOG: &str = "antom_sidecar::access";

/// Installs the global subscriber; later calls are ignored.
pub fn init(format: LogFormat) {
    let mut filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    // rustls's certificate verifier logs an ERROR for each refused certificate, which the
    // sidecar's own line for the attempt already carries: off unless asked for.
    let rust_log = std::env::var("RUST_LOG").unwrap_or_default();
    if !rust_log.contains("rustls_platform_verifier")
        && let Ok(quiet) = "rustls_platform_verifier=off".parse()
    {
        filter = filter.add_directive(quiet);
    }
    let ansi = std::io::stderr().is_terminal();
    let builder = fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(ansi);
    let _ = match format {
        LogFormat::Text => builder.try_init(),
        // The current span (a call's, with its trace_id) once; not the list of spans
        // too, which would repeat it on every line.
        LogFormat::Json => builder
            .json()
            .flatten_event(true)
            .with_span_list(false)
            .try_init(),
    };
}
