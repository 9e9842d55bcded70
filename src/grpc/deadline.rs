//! The caller's deadline, read from `grpc-timeout` when the call's headers arrive, so
//! that reading the request body counts against it too.

use std::time::Duration;

use hyper::HeaderMap;
use tokio::time::Instant;

/// When the caller stops waiting, as it stood when the headers arrived; carried to the
/// handler in the request's extensions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct CallDeadline {
    received: Instant,
    deadline: Instant,
    margin: Duration,
}

impl CallDeadline {
    /// The deadline of a call with these headers, received now, if it has one.
    pub(super) fn from_headers(headers: &HeaderMap) -> Option<Self> {
        let timeout = parse_grpc_timeout(headers.get("grpc-timeout")?.to_str().ok()?)?;
        Some(Self::after(timeout))
    }

    fn after(timeout: Duration) -> Self {
        let received = Instant::now();
        Self {
            received,
            deadline: received + timeout,
            margin: margin(timeout),
        }
    }

    /// When the handler gives up on Antom: [`margin`] before the deadline. Clients
    /// enforce deadlines too (tonic's answers CANCELLED):
    /// finishing a little early lets the caller get our DEADLINE_EXCEEDED, with its
    /// details, rather than its own timer's verdict.
    pub(super) fn answer_by(self) -> Instant {
        self.deadline - self.margin
    }

    /// Logs (at trace level) when the answer left, against the handler's target and the
    /// deadline: how late the timer fired, and how much of the margin was left.
    pub(super) fn trace_answer(self) {
        if !tracing::enabled!(tracing::Level::TRACE) {
            return;
        }
        let now = Instant::now();
        let ms = |d: Duration| d.as_secs_f64() * 1e3;
        tracing::trace!(
            since_headers_ms = ms(now - self.received),
            after_target_ms = ms(now.saturating_duration_since(self.answer_by())),
            before_deadline_ms = ms(self.deadline.saturating_duration_since(now)),
            "answered a call with a deadline"
        );
    }

    /// The edge's backstop, for a body still arriving or a handler late: half the margin
    /// before the deadline, after the handler's own time.
    pub(super) fn backstop(self) -> Instant {
        self.deadline - self.margin / 2
    }
}

/// How long before the caller's deadline the handler answers: 10% of the timeout, at
/// least 25 ms and at most 100 ms, and never more than a quarter of it. Measured (BENCHMARKS.md,
/// "Deadlines"): under CPU contention the timer fires up to ~17 ms late, and the
/// caller's clock started before our headers arrived; 10 ms was not enough at 100 ms.
fn margin(timeout: Duration) -> Duration {
    (timeout / 10)
        .clamp(Duration::from_millis(25), Duration::from_millis(100))
        .min(timeout / 4)
}

/// Parses a `grpc-timeout` value: up to 8 digits and a unit (H, M, S, m, u, n).
fn parse_grpc_timeout(value: &str) -> Option<Duration> {
    let (digits, unit) = value.split_at_checked(value.len().checked_sub(1)?)?;
    // ASCII digits only, as the gRPC spec says: `u64::from_str` would take a `+`.
    if digits.is_empty() || digits.len() > 8 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n: u64 = digits.parse().ok()?;
    Some(match unit {
        "H" => Duration::from_secs(n * 3600),
        "M" => Duration::from_secs(n * 60),
        "S" => Duration::from_secs(n),
        "m" => Duration::from_millis(n),
        "u" => Duration::from_micros(n),
        "n" => Duration::from_nanos(n),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grpc_timeout_units() {
        assert_eq!(parse_grpc_timeout("100m"), Some(Duration::from_millis(100)));
        assert_eq!(parse_grpc_timeout("2S"), Some(Duration::from_secs(2)));
        assert_eq!(parse_grpc_timeout("1H"), Some(Duration::from_secs(3600)));
        assert_eq!(parse_grpc_timeout("5000u"), Some(Duration::from_millis(5)));
        assert_eq!(parse_grpc_timeout("123456789S"), None);
        assert_eq!(parse_grpc_timeout("m"), None);
        assert_eq!(parse_grpc_timeout("10x"), None);
        assert_eq!(parse_grpc_timeout("+1n"), None);
        assert_eq!(parse_grpc_timeout(""), None);
    }

    #[test]
    fn the_handler_answers_before_the_backstop_and_both_before_the_deadline() {
        let d = CallDeadline::after(Duration::from_secs(2));
        assert_eq!(d.deadline - d.answer_by(), Duration::from_millis(100));
        assert_eq!(d.deadline - d.backstop(), Duration::from_millis(50));
        let d = CallDeadline::after(Duration::from_millis(500));
        assert_eq!(d.deadline - d.answer_by(), Duration::from_millis(50));
        let d = CallDeadline::after(Duration::from_millis(100));
        assert_eq!(d.deadline - d.answer_by(), Duration::from_millis(25));
        let d = CallDeadline::after(Duration::from_millis(40));
        assert_eq!(d.deadline - d.answer_by(), Duration::from_millis(10));
    }
}
