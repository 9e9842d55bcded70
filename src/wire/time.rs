//! Times on the wire: RFC 3339 to the second, in UTC written `+00:00`
//! (`2026-11-28T21:45:00+00:00`), as Antom's samples write offsets and as its SDKs
//! write `Request-Time`.

use std::{
    fmt,
    time::{SystemTime, UNIX_EPOCH},
};

use serde::{Serialize, Serializer};

/// A moment to the second, from 1970-01-01T00:00:00Z to 9999-12-31T23:59:59Z: four-digit
/// years, as RFC 3339 writes them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct UtcTime(u64);

/// Why a time is refused, by the part of a `google.protobuf.Timestamp` it is in.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum TimeError {
    /// Seconds outside the years 1970 to 9999.
    #[error(
        "must be from 0 (1970-01-01T00:00:00Z) to {MAX_SECONDS} (9999-12-31T23:59:59Z), got {0}"
    )]
    Seconds(i64),
    /// Nanoseconds outside what a `Timestamp` allows.
    #[error("must be from 0 to 999999999, got {0}")]
    Nanos(i32),
}

impl TimeError {
    /// The part it is in: `seconds` or `nanos`.
    pub fn part(&self) -> &'static str {
        match self {
            Self::Seconds(_) => "seconds",
            Self::Nanos(_) => "nanos",
        }
    }
}

/// 9999-12-31T23:59:59Z in seconds since the Unix epoch.
pub const MAX_SECONDS: i64 = 253_402_300_799;

impl UtcTime {
    /// A time from seconds and nanoseconds since the Unix epoch, as a
    /// `google.protobuf.Timestamp` holds it, with every problem found. The nanoseconds
    /// are checked, then dropped: Antom takes seconds.
    pub fn from_unix(seconds: i64, nanos: i32) -> Result<Self, Vec<TimeError>> {
        let mut problems = Vec::new();
        if !(0..=MAX_SECONDS).contains(&seconds) {
            problems.push(TimeError::Seconds(seconds));
        }
        if !(0..=999_999_999).contains(&nanos) {
            problems.push(TimeError::Nanos(nanos));
        }
        match (u64::try_from(seconds), problems.is_empty()) {
            (Ok(seconds), true) => Ok(Self(seconds)),
            _ => Err(problems),
        }
    }

    /// `t`, to the second; kept within the years 1970 to 9999.
    pub fn from_system_time(t: SystemTime) -> Self {
        let seconds = t.duration_since(UNIX_EPOCH).unwrap_or_default().as_secs();
        Self(seconds.min(MAX_SECONDS.unsigned_abs()))
    }
}

impl fmt::Display for UtcTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (days, rem) = (self.0 / 86_400, self.0 % 86_400);
        // Howard Hinnant's civil_from_days, for days since 1970-01-01 (never negative).
        let z = days + 719_468;
        let (era, doe) = (z / 146_097, z % 146_097);
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = doy - (153 * mp + 2) / 5 + 1;
        let month = if mp < 10 { mp + 3 } else { mp - 9 };
        let year = yoe + era * 400 + u64::from(month <= 2);
        write!(
            f,
            "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}+00:00",
            rem / 3600,
            rem % 3600 / 60,
            rem % 60
        )
    }
}

impl Serialize for UtcTime {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// `2026-11-27T08:15:30+00:00`: `t` in Antom's format (the emulator's `response-time`).
pub fn iso8601_utc(t: SystemTime) -> String {
    UtcTime::from_system_time(t).to_string()
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    fn at(seconds: i64) -> String {
        UtcTime::from_unix(seconds, 0)
            .expect("in range")
            .to_string()
    }

    #[test]
    fn dates_and_times() {
        assert_eq!(at(0), "1970-01-01T00:00:00+00:00");
        assert_eq!(at(1_685_599_933), "2023-06-01T06:12:13+00:00");
        assert_eq!(at(1_709_208_000), "2024-02-29T12:00:00+00:00");
        assert_eq!(at(951_782_400), "2000-02-29T00:00:00+00:00");
        assert_eq!(at(MAX_SECONDS), "9999-12-31T23:59:59+00:00");
        assert_eq!(
            iso8601_utc(UNIX_EPOCH + Duration::from_secs(1_795_902_300)),
            "2026-11-28T21:45:00+00:00"
        );
    }

    #[test]
    fn nanoseconds_are_dropped_not_rounded() {
        let t = UtcTime::from_unix(1_795_902_300, 999_999_999).expect("valid");
        assert_eq!(t.to_string(), "2026-11-28T21:45:00+00:00");
    }

    #[test]
    fn out_of_range_parts_are_each_named() {
        let parts = |s, n| {
            let errors = UtcTime::from_unix(s, n).expect_err("invalid");
            errors.iter().map(TimeError::part).collect::<Vec<_>>()
        };
        assert_eq!(parts(-1, 0), ["seconds"]);
        assert_eq!(parts(MAX_SECONDS + 1, 0), ["seconds"]);
        assert_eq!(parts(0, -1), ["nanos"]);
        assert_eq!(parts(i64::MIN, 1_000_000_000), ["seconds", "nanos"]);
    }

    #[test]
    fn system_times_stay_in_range() {
        let far = UNIX_EPOCH + Duration::from_secs(400_000_000_000);
        assert_eq!(iso8601_utc(far), "9999-12-31T23:59:59+00:00");
    }
}
