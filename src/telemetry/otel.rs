//! OpenTelemetry trace export over OTLP, on only when `OTEL_EXPORTER_OTLP_ENDPOINT` (or
//! `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`) is set; the other standard `OTEL_*` variables
//! (protocol, headers, timeout, sampler, service name, resource) apply as the SDK reads
//! them. Off, no tracer exists and a call pays one `OnceLock` read.

use std::{str::FromStr, sync::OnceLock};

use opentelemetry::{
    Context, KeyValue,
    trace::{
        Span as _, SpanContext, SpanId, SpanKind, Status, TraceContextExt, TraceFlags, TraceId,
        TraceState, Tracer as _, TracerProvider as _,
    },
};
use opentelemetry_sdk::{
    Resource,
    runtime::Tokio,
    trace::{
        SdkTracer, SdkTracerProvider, Span, span_processor_with_async_runtime::BatchSpanProcessor,
    },
};

use super::TraceContext;

static TRACER: OnceLock<SdkTracer> = OnceLock::new();

/// The installed exporter; [`Exporter::shutdown`] sends what is still buffered.
#[derive(Debug)]
pub struct Exporter(SdkTracerProvider);

/// Installs the exporter if the environment asks for one. Within a Tokio runtime: the
/// batch processor runs on it.
pub fn init() -> Result<Option<Exporter>, String> {
    let set = |name| std::env::var_os(name).is_some_and(|v| !v.is_empty());
    let disabled = std::env::var("OTEL_SDK_DISABLED").is_ok_and(|v| v.eq_ignore_ascii_case("true"));
    if disabled
        || !(set("OTEL_EXPORTER_OTLP_ENDPOINT") || set("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"))
    {
        return Ok(None);
    }
    let exporter = opentelemetry_otlp::SpanExporter::builder()
        .build()
        .map_err(|e| format!("OTLP exporter: {e}"))?;
    let mut resource = Resource::builder();
    let named =
        std::env::var("OTEL_RESOURCE_ATTRIBUTES").is_ok_and(|a| a.contains("service.name="));
    if !set("OTEL_SERVICE_NAME") && !named {
        resource = resource.with_service_name("antom-sidecar");
    }
    let provider = SdkTracerProvider::builder()
        .with_span_processor(BatchSpanProcessor::builder(exporter, Tokio).build())
        .with_resource(resource.build())
        .build();
    let _ = TRACER.set(provider.tracer("antom-sidecar"));
    Ok(Some(Exporter(provider)))
}

impl Exporter {
    /// Exports what is buffered and stops (off the runtime's threads: the SDK blocks).
    pub async fn shutdown(self) {
        let _ = tokio::task::spawn_blocking(move || self.0.shutdown()).await;
    }
}

/// A call's exported span.
pub struct RpcSpan(Span);

impl std::fmt::Debug for RpcSpan {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RpcSpan")
    }
}

/// Starts the server span of the call at `path`, a child of the caller's span, and
/// gives `trace` its IDs and sampling decision; `None` when nothing is exported.
pub fn start(path: &str, trace: &mut TraceContext) -> Option<RpcSpan> {
    let tracer = TRACER.get()?;
    let parent = match trace.parent_id {
        Some(parent_id) => {
            let state = trace.state.as_ref().and_then(|s| s.to_str().ok());
            let remote = SpanContext::new(
                TraceId::from_bytes(trace.trace_id),
                SpanId::from_bytes(parent_id),
                if trace.sampled {
                    TraceFlags::SAMPLED
                } else {
                    TraceFlags::default()
                },
                true,
                state
                    .and_then(|s| TraceState::from_str(s).ok())
                    .unwrap_or_default(),
            );
            Context::new().with_remote_span_context(remote)
        }
        None => Context::new(),
    };
    let name = path.strip_prefix('/').unwrap_or(path).to_owned();
    let span = tracer
        .span_builder(name)
        .with_kind(SpanKind::Server)
        .start_with_context(tracer, &parent);
    let ids = span.span_context();
    trace.trace_id = ids.trace_id().to_bytes();
    trace.span_id = ids.span_id().to_bytes();
    trace.sampled = ids.is_sampled();
    Some(RpcSpan(span))
}

impl RpcSpan {
    /// Ends the span with the call's attributes; an error status for the gRPC codes
    /// that OpenTelemetry's conventions count as server errors.
    pub fn end(mut self, attributes: Vec<KeyValue>, code: tonic::Code, message: &str) {
        use tonic::Code as C;
        self.0.set_attributes(attributes);
        let server_error = matches!(
            code,
            C::Unknown
                | C::DeadlineExceeded
                | C::Unimplemented
                | C::Internal
                | C::Unavailable
                | C::DataLoss
        );
        if server_error {
            self.0.set_status(Status::error(message.to_owned()));
        }
        self.0.end();
    }
}
