//! Validation while converting: every violation collected, each named by its proto path,
//! for the field kinds the requests share (text, enums, amounts, times). A field is named
//! by anything [`Display`]: its path is only written out for a violation.

use std::fmt::Display;

use crate::{
    pb,
    wire::{Amount, Currency, MinorUnits, UtcTime},
};

/// The most violations a rejection lists; past it, it says how many more there were. A
/// request with 100 bad refund records would otherwise carry a `BadRequest` larger than
/// some clients take in trailers (grpc-java's default: 8 KiB of metadata).
pub const MAX_VIOLATIONS: usize = 25;

/// One bad field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldViolation {
    /// Proto path, e.g. `card_verification_result.three_ds_result.eci`.
    pub field: String,
    /// What is wrong with it.
    pub description: String,
}

/// A request that breaks the API's rules; nothing was sent to Antom.
#[derive(Debug, thiserror::Error)]
#[error("invalid request: {}{}", .violations.iter().map(|v| format!("{}: {}", v.field, v.description)).collect::<Vec<_>>().join("; "), more(*.omitted))]
pub struct InvalidRequest {
    /// Every violation found, up to [`MAX_VIOLATIONS`].
    pub violations: Vec<FieldViolation>,
    /// How many more were found.
    pub omitted: usize,
}

fn more(omitted: usize) -> String {
    match omitted {
        0 => String::new(),
        n => format!("; and {n} more"),
    }
}

/// Collects violations while converting.
#[derive(Default)]
pub(super) struct Check {
    violations: Vec<FieldViolation>,
    omitted: usize,
}

impl Check {
    /// Records that `field` is bad; past [`MAX_VIOLATIONS`], only counts it.
    pub(super) fn violation(&mut self, field: impl Display, description: impl Into<String>) {
        if self.violations.len() == MAX_VIOLATIONS {
            self.omitted += 1;
            return;
        }
        self.violations.push(FieldViolation {
            field: field.to_string(),
            description: description.into(),
        });
    }

    /// The value built, if nothing was wrong; every violation otherwise. `build` gives
    /// `None` only where a violation was recorded (a required field missing, say).
    pub(super) fn finish<T>(self, build: impl FnOnce() -> Option<T>) -> Result<T, InvalidRequest> {
        match (self.violations.is_empty(), build()) {
            (true, Some(value)) => Ok(value),
            _ => Err(InvalidRequest {
                violations: self.violations,
                omitted: self.omitted,
            }),
        }
    }

    /// An optional text field: empty means absent.
    pub(super) fn text(
        &mut self,
        field: impl Display,
        value: String,
        max_chars: usize,
    ) -> Option<String> {
        if value.is_empty() {
            return None;
        }
        let chars = value.chars().count();
        if chars > max_chars {
            self.violation(
                &field,
                format!("must be at most {max_chars} characters, got {chars}"),
            );
        }
        if let Some(pos) = value.chars().position(char::is_control) {
            self.violation(
                field,
                format!(
                    "must not contain control characters (found one at character {})",
                    pos + 1
                ),
            );
        }
        Some(value)
    }

    /// A text field that must be set.
    pub(super) fn required_text(
        &mut self,
        field: impl Display,
        value: String,
        max_chars: usize,
    ) -> String {
        self.text(&field, value, max_chars).unwrap_or_else(|| {
            self.violation(field, "is required");
            String::new()
        })
    }

    /// An enum: `Ok(None)` for UNSPECIFIED, a violation for numbers the proto doesn't define.
    pub(super) fn enumeration<P, D>(
        &mut self,
        field: impl Display,
        raw: i32,
        map: impl Fn(P) -> Option<D>,
    ) -> Option<D>
    where
        P: TryFrom<i32>,
    {
        match P::try_from(raw) {
            Ok(p) => map(p),
            Err(_) => {
                self.violation(field, format!("{raw} is not a known value"));
                None
            }
        }
    }

    /// A message field that must be set: `None`, with a violation, when it is not.
    pub(super) fn required<T>(&mut self, field: impl Display, value: Option<T>) -> Option<T> {
        if value.is_none() {
            self.violation(field, "is required");
        }
        value
    }

    /// An amount: its currency in force, its value at least 0.
    pub(super) fn amount(&mut self, field: impl Display, amount: pb::Amount) -> Option<Amount> {
        let currency = (amount.currency.parse::<Currency>())
            .map_err(|e| self.violation(format_args!("{field}.currency"), e.to_string()))
            .ok();
        let value = MinorUnits::try_from(amount.value)
            .map_err(|e| self.violation(format_args!("{field}.value"), e.to_string()))
            .ok();
        Some(Amount {
            currency: currency?,
            value: value?,
        })
    }

    /// A time, each bad part (`seconds`, `nanos`) named; sub-second parts dropped.
    pub(super) fn time(
        &mut self,
        field: impl Display,
        time: prost_types::Timestamp,
    ) -> Option<UtcTime> {
        let errors = match UtcTime::from_unix(time.seconds, time.nanos) {
            Ok(time) => return Some(time),
            Err(errors) => errors,
        };
        for e in errors {
            self.violation(format_args!("{field}.{}", e.part()), e.to_string());
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn violations_past_the_limit_are_counted_not_listed() {
        let mut c = Check::default();
        for i in 0..MAX_VIOLATIONS + 3 {
            c.violation(format!("f{i}"), "bad");
        }
        let err = c.finish(|| Some(())).expect_err("invalid");
        assert_eq!((err.violations.len(), err.omitted), (MAX_VIOLATIONS, 3));
        assert!(err.to_string().ends_with("f24: bad; and 3 more"), "{err}");
    }

    #[test]
    fn an_amount_names_each_bad_part() {
        let mut c = Check::default();
        let bad = pb::Amount {
            currency: "usd".into(),
            value: -5,
        };
        assert_eq!(c.amount("actual_refund_amount", bad), None);
        let fields: Vec<_> = c.violations.iter().map(|v| v.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "actual_refund_amount.currency",
                "actual_refund_amount.value"
            ]
        );
        assert_eq!(c.violations[1].description, "must be at least 0, got -5");
    }
}
