//! A string that must never be printed (API keys and inline key material), and how a
//! hand-written `Debug` hides a sensitive field.

use std::{fmt, str::FromStr};

use zeroize::Zeroizing;

/// What a hand-written `Debug` shows in place of a sensitive field that is set (card
/// data, an identity document's number): one spelling for every such place.
pub(crate) const REDACTED: &str = "<redacted>";

/// A proto3 string field as a hand-written `Debug` shows it: unset (empty) as itself,
/// set as [`REDACTED`].
pub(crate) fn redact_nonempty(value: &str) -> &str {
    if value.is_empty() { value } else { REDACTED }
}

/// An optional domain field as a hand-written `Debug` shows it: `None` when unset,
/// `Some(`[`REDACTED`]`)` when set, whatever the value.
pub(crate) fn redact_some<T>(value: &Option<T>) -> Option<&'static str> {
    value.as_ref().map(|_| REDACTED)
}

/// Secret text, zeroized on drop, redacted in `Debug`.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(Zeroizing<String>);

impl Secret {
    /// Wraps `value`.
    pub fn new(value: impl Into<String>) -> Self {
        Self(Zeroizing::new(value.into()))
    }

    /// The secret text itself; keep the borrow short and never log it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret([redacted])")
    }
}

impl FromStr for Secret {
    type Err = std::convert::Infallible;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(Self::new(s))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_value() {
        let s = Secret::new("isak_TEST_abc");
        assert_eq!(format!("{s:?}"), "Secret([redacted])");
        assert_eq!(s.expose(), "isak_TEST_abc");
    }

    #[test]
    fn redaction_keeps_unset_values_unset() {
        assert_eq!(redact_nonempty(""), "");
        assert_eq!(redact_nonempty("4111"), REDACTED);
        assert_eq!(redact_some::<String>(&None), None);
        assert_eq!(redact_some(&Some(String::new())), Some(REDACTED));
    }
}
