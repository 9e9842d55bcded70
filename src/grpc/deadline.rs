//! The caller's deadline, read from `grpc-timeout` when the call's headers arrive, so
//! that reading the request body counts against it too.

use std::time::Duration;

use hyper::HeaderMap;
use tokio::time::Instant;

/// When the caller stops waiting, as it stood when the headers arrived; carried to the
/// handler in the request's extensions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct CallDeadline {
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
        Self {
            deadline: Instant::now() + timeout,
            margin: (timeout / 10).clamp(Duration::from_millis(10), Duration::from_millis(100)),
        }
    }

    /// When the handler gives up on Antom: a margin before the deadline, 10% of the
    /// timeout, 10 to 100 ms. Clients enforce deadlines too (tonic's answers CANCELLED):
    /// finishing a little early lets the caller get our DEADLINE_EXCEEDED, with its
    /// details, rather than its own timer's verdict.
    pub(super) fn answer_by(self) -> Instant {
        self.deadline - self.margin
    }

    /// The edge's backstop, for a body still arriving or a handler late: half the margin
    /// before the deadline, after the handler's own time.
    pub(super) fn backstop(self) -> Instant {
        self.deadline - self.margin / 2
    }
}

/// Parses a `grpc-timeout` value: up to 8 digits and a unit (H, M, S, m, u, n).
fn parse_grpc_timeout(value: &str) -> Option<Duration> {
    let (digits, unit) = value.split_at_checked(value.len().checked_sub(1)?)?;
    if digits.is_empty() || digits.len() > 8 {
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
        assert_eq!(parse_grpc_timeout(""), None);
    }

    #[test]
    fn the_handler_answers_before_the_backstop_and_both_before_the_deadline() {
        let d = CallDeadline::after(Duration::from_secs(2));
        assert_eq!(d.deadline - d.answer_by(), Duration::from_millis(100));
        assert_eq!(d.deadline - d.backstop(), Duration::from_millis(50));
        let d = CallDeadline::after(Duration::from_millis(500));
        assert_eq!(d.deadline - d.answer_by(), Duration::from_millis(50));
        let d = CallDeadline::after(Duration::from_millis(50));
        assert_eq!(d.deadline - d.answer_by(), Duration::from_millis(10));
    }
}
