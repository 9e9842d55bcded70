//! When to try again, and how long to wait first: one rule, used by the retry loop and
//! by the `RetryInfo` the caller gets.

use std::time::Duration;

use super::{AntomError, ApiSpec, ResultStatus, documented_status};

/// Whether another attempt may help and is safe. `sendPaymentResult` is a notification
/// keyed by `referenceTransactionId`, so a resend is harmless; it may help when Antom said
/// U, did not answer, or answered HTTP 429 or 5xx. A U result whose code Antom documents
/// as F (`ACCESS_DENIED`, `SYSTEM_ERROR`, ...) is not retried: the code names a problem
/// that another attempt meets again, and Antom says never to retry `SYSTEM_ERROR`.
pub fn is_retryable(error: &AntomError) -> bool {
    match error {
        AntomError::Rejected(r) => {
            r.result_status == ResultStatus::Unknown
                && documented_status(&r.result_code) != Some(ResultStatus::Fail)
        }
        AntomError::Unreachable { .. }
        | AntomError::Timeout { .. }
        | AntomError::Overloaded { .. } => true,
        AntomError::HttpStatus { status } => *status == 429 || *status >= 500,
        AntomError::Malformed { .. }
        | AntomError::BadSignature { .. }
        | AntomError::Unsigned { .. } => false,
    }
}

/// Whether the loop tries `api` again after `error`: when [`is_retryable`] allows it,
/// and for an API that is not [`ApiSpec::retry_safe`] only when nothing can have
/// reached Antom (no connection could be made), since a resend could act twice.
pub fn may_retry(api: &ApiSpec, error: &AntomError) -> bool {
    is_retryable(error) && (api.retry_safe || error.nothing_sent())
}

/// Why a retryable failure is retried, for the `antom_retries_total` metric: a U result,
/// no answer (`TRANSPORT`), or an HTTP 429/5xx.
pub fn cause(error: &AntomError) -> &'static str {
    match error {
        AntomError::Rejected(_) => "U_RESULT",
        AntomError::HttpStatus { .. } => "HTTP_STATUS",
        _ => "TRANSPORT",
    }
}

/// How often and how patiently to retry what [`is_retryable`] allows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included (1 = never retry).
    pub max_attempts: u32,
    /// Delay before the second attempt, doubled after each one.
    pub base_delay: Duration,
    /// Cap on one delay.
    pub max_delay: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: super::DEFAULT_MAX_ATTEMPTS,
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_secs(2),
        }
    }
}

impl RetryPolicy {
    /// Delay after failed attempt number `attempt` (1-based): half the exponential step
    /// plus a random share of the other half, so that sidecars don't retry in lockstep.
    pub fn delay(&self, attempt: u32) -> Duration {
        let step = self
            .base_delay
            .saturating_mul(1u32 << attempt.saturating_sub(1).min(16))
            .min(self.max_delay);
        let mut bytes = [0u8; 4];
        // On an RNG failure, no jitter: still a correct delay.
        let _ = aws_lc_rs::rand::fill(&mut bytes);
        let share = f64::from(u32::from_le_bytes(bytes)) / f64::from(u32::MAX);
        step / 2 + (step / 2).mul_f64(share)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::antom::{AntomResult, Api, SendPaymentResult};

    #[test]
    fn an_api_that_is_not_retry_safe_is_retried_only_when_nothing_was_sent() {
        let safe = SendPaymentResult::SPEC;
        let unsafe_api = ApiSpec {
            name: "test",
            retry_safe: false,
            ..safe
        };
        let unreachable = |nothing_sent| AntomError::Unreachable {
            attempts: 1,
            cause: "",
            detail: String::new(),
            nothing_sent,
        };
        let u = AntomError::Rejected(AntomResult {
            result_code: "UNKNOWN_EXCEPTION".into(),
            result_status: ResultStatus::Unknown,
            result_message: String::new(),
        });
        let timeout = AntomError::Timeout {
            attempts: 1,
            last: None,
        };
        let http = AntomError::HttpStatus { status: 503 };
        // (error, retried when safe, retried when not)
        let cases = [
            (unreachable(true), true, true),
            (unreachable(false), true, false),
            (u, true, false),
            (timeout, true, false),
            (http, true, false),
            (AntomError::HttpStatus { status: 400 }, false, false),
        ];
        for (error, when_safe, when_not) in cases {
            assert_eq!(may_retry(&safe, &error), when_safe, "{error:?}");
            assert_eq!(may_retry(&unsafe_api, &error), when_not, "{error:?}");
        }
    }

    #[test]
    fn delays_grow_and_stay_capped() {
        let p = RetryPolicy {
            max_attempts: 10,
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_millis(500),
        };
        for _ in 0..50 {
            let d1 = p.delay(1);
            assert!(
                (Duration::from_millis(50)..=Duration::from_millis(100)).contains(&d1),
                "{d1:?}"
            );
            let d3 = p.delay(3);
            assert!(
                (Duration::from_millis(200)..=Duration::from_millis(400)).contains(&d3),
                "{d3:?}"
            );
            assert!(p.delay(30) <= Duration::from_millis(500));
        }
    }
}
