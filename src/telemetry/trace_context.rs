//! W3C Trace Context: a call continues the caller's `traceparent` (and passes its
//! `tracestate` on), or starts a trace of its own. The request to Antom names as its
//! parent the call's own span when that span is exported, else the caller's span: a
//! sidecar that records nothing passes the context through, as OpenTelemetry's
//! non-recording spans do, rather than naming a parent no back end will ever see.

use std::fmt::{self, Write};

use aws_lc_rs::rand::{SecureRandom, SystemRandom};
use hyper::{HeaderMap, header::HeaderValue};

/// `traceparent` and `tracestate`, as header names.
pub const TRACEPARENT: &str = "traceparent";
/// See [`TRACEPARENT`].
pub const TRACESTATE: &str = "tracestate";

/// One call's place in a trace.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TraceContext {
    /// The trace, the caller's or a new one.
    pub trace_id: [u8; 16],
    /// The parent the request to Antom names: the call's exported span, else the
    /// caller's span, else (a new trace) a new ID.
    pub span_id: [u8; 8],
    /// The caller's span, if it sent one.
    pub parent_id: Option<[u8; 8]>,
    /// Whether the trace is sampled (`trace-flags` bit 0).
    pub sampled: bool,
    /// The caller's `tracestate`, passed on untouched.
    pub state: Option<HeaderValue>,
}

impl TraceContext {
    /// Continues the trace in `headers` if their `traceparent` is valid, else starts
    /// one (not sampled: nothing records it unless an exporter says otherwise).
    pub fn continue_from(headers: &HeaderMap) -> Self {
        match headers.get(TRACEPARENT).and_then(|v| parse(v.as_bytes())) {
            Some((trace_id, parent_id, flags)) => Self {
                trace_id,
                span_id: parent_id,
                parent_id: Some(parent_id),
                sampled: flags & 1 == 1,
                state: tracestate(headers),
            },
            None => {
                let (trace_id, span_id) = new_ids();
                Self {
                    trace_id,
                    span_id,
                    parent_id: None,
                    sampled: false,
                    state: None,
                }
            }
        }
    }

    /// The `traceparent` that names this call's span as the parent.
    pub fn traceparent(&self) -> HeaderValue {
        let mut s = String::with_capacity(55);
        let _ = write!(
            s,
            "00-{}-{}-{:02x}",
            Hex(&self.trace_id),
            Hex(&self.span_id),
            u8::from(self.sampled)
        );
        // Hex digits and dashes only: always a valid header value.
        HeaderValue::from_str(&s).unwrap_or(HeaderValue::from_static(""))
    }

    /// The trace ID in lowercase hex, as logs and tracing back ends show it.
    pub fn trace_id_hex(&self) -> impl fmt::Display + '_ {
        Hex(&self.trace_id)
    }
}

/// The caller's `tracestate`, its fields joined as the spec asks; dropped (as the spec
/// allows) when it is longer than 512 characters or has more than 32 members.
fn tracestate(headers: &HeaderMap) -> Option<HeaderValue> {
    let mut joined = Vec::new();
    for field in headers.get_all(TRACESTATE) {
        let field = field.as_bytes().trim_ascii();
        if field.is_empty() {
            continue;
        }
        if !joined.is_empty() {
            joined.push(b',');
        }
        joined.extend_from_slice(field);
    }
    let members = joined
        .split(|&b| b == b',')
        .filter(|m| !m.trim_ascii().is_empty())
        .count();
    if joined.is_empty() || joined.len() > 512 || members > 32 {
        return None;
    }
    HeaderValue::from_bytes(&joined).ok()
}

/// `version-traceid-parentid-flags`, version 00 (or a later one, read as 00 as the
/// spec asks); all-zero IDs are invalid.
fn parse(value: &[u8]) -> Option<([u8; 16], [u8; 8], u8)> {
    let text = std::str::from_utf8(value).ok()?.trim();
    let mut parts = text.split('-');
    let version = parts.next()?;
    let (trace, parent, flags) = (parts.next()?, parts.next()?, parts.next()?);
    let valid_version = version.len() == 2 && version != "ff" && is_lower_hex(version);
    if !valid_version || (version == "00" && parts.next().is_some()) {
        return None;
    }
    let trace_id: [u8; 16] = from_hex(trace)?;
    let parent_id: [u8; 8] = from_hex(parent)?;
    let [flags] = from_hex::<1>(flags)?;
    let nonzero = |b: &[u8]| b.iter().any(|&x| x != 0);
    (nonzero(&trace_id) && nonzero(&parent_id)).then_some((trace_id, parent_id, flags))
}

fn is_lower_hex(s: &str) -> bool {
    s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

fn from_hex<const N: usize>(s: &str) -> Option<[u8; N]> {
    if s.len() != 2 * N || !is_lower_hex(s) {
        return None;
    }
    let mut out = [0; N];
    for (i, byte) in out.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&s[2 * i..2 * i + 2], 16).ok()?;
    }
    Some(out)
}

/// A new trace ID and span ID, random from AWS-LC's generator (user space, no system
/// call), in one fill: it runs for every call that comes without a trace. All-zero IDs
/// are invalid, so neither is.
fn new_ids() -> ([u8; 16], [u8; 8]) {
    let mut bytes = [0; 24];
    // Only fails if the OS cannot seed the generator at all; the IDs stay valid then.
    let _ = SystemRandom::new().fill(&mut bytes);
    let (mut trace_id, mut span_id) = ([0; 16], [0; 8]);
    trace_id.copy_from_slice(&bytes[..16]);
    span_id.copy_from_slice(&bytes[16..]);
    if trace_id == [0; 16] {
        trace_id[15] = 1;
    }
    if span_id == [0; 8] {
        span_id[7] = 1;
    }
    (trace_id, span_id)
}

/// Lowercase hex, by table: it runs for every call's span.
struct Hex<'a>(&'a [u8]);

impl fmt::Display for Hex<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const DIGITS: &[u8; 16] = b"0123456789abcdef";
        let mut out = [0u8; 32];
        for (pair, b) in out.chunks_exact_mut(2).zip(self.0) {
            pair[0] = DIGITS[usize::from(b >> 4)];
            pair[1] = DIGITS[usize::from(b & 15)];
        }
        let len = 2 * self.0.len().min(16);
        // Hex digits only: always UTF-8.
        f.write_str(std::str::from_utf8(&out[..len]).unwrap_or_default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(traceparent: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(
            TRACEPARENT,
            HeaderValue::from_str(traceparent).expect("value"),
        );
        h.insert(TRACESTATE, HeaderValue::from_static("vendor=opaque"));
        h
    }

    #[test]
    fn passes_a_valid_traceparent_through() {
        let incoming = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        let ctx = TraceContext::continue_from(&headers(incoming));
        assert!(ctx.sampled);
        assert_eq!(ctx.state, Some(HeaderValue::from_static("vendor=opaque")));
        assert_eq!(
            ctx.traceparent(),
            incoming,
            "nothing exported: the caller's span"
        );
    }

    #[test]
    fn tracestate_fields_are_joined_and_oversized_ones_dropped() {
        let mut h = headers("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
        h.append(TRACESTATE, HeaderValue::from_static("congo=t61rcWkgMzE"));
        let joined = HeaderValue::from_static("vendor=opaque,congo=t61rcWkgMzE");
        assert_eq!(TraceContext::continue_from(&h).state, Some(joined));
        let long = HeaderValue::from_str(&format!("a={}", "x".repeat(600))).expect("ascii");
        h.insert(TRACESTATE, long);
        assert_eq!(TraceContext::continue_from(&h).state, None);
    }

    #[test]
    fn starts_a_trace_when_the_traceparent_is_invalid() {
        for bad in [
            "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
            "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
            "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra",
            "00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01",
        ] {
            let ctx = TraceContext::continue_from(&headers(bad));
            assert_eq!(ctx.parent_id, None, "{bad}");
            assert_eq!(
                ctx.state, None,
                "tracestate goes with an invalid traceparent"
            );
            assert_ne!(ctx.trace_id, [0; 16]);
        }
    }

    #[test]
    fn a_later_version_is_read_as_version_00() {
        let future = "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-what-comes";
        let ctx = TraceContext::continue_from(&headers(future));
        assert_eq!(
            ctx.trace_id_hex().to_string(),
            "4bf92f3577b34da6a3ce929d0e0e4736"
        );
    }
}
