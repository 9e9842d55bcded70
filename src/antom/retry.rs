//! Exponential backoff with jitter between attempts.

use std::time::Duration;

/// How often and how patiently to retry U results and connection failures.
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
