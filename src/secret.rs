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

/// A `Debug` impl that prints each field as it is, or as `field => show` turns it (for
/// instance [`redact_nonempty`], [`redact_some`]), in the order given, under the type's
/// name (or `as "Name"`). `self` is destructured without `..`, so that a field added to
/// the type fails to compile here until it is printed or hidden. Doc comments on the
/// invocation go on the impl.
macro_rules! redacted_debug {
    (@impl [$(#[$attr:meta])*] $ty:path, $name:expr, $($field:ident $(=> $show:expr)?),* $(,)?) => {
        $(#[$attr])*
        impl ::std::fmt::Debug for $ty {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                let Self { $($field),* } = self;
                $($(let $field = &$show($field);)?)*
                f.debug_struct($name)
                    $(.field(stringify!($field), $field))*
                    .finish()
            }
        }
    };
    ($(#[$attr:meta])* $ty:ident { $($fields:tt)* }) => {
        $crate::secret::redacted_debug!(@impl [$(#[$attr])*] $ty, stringify!($ty), $($fields)*);
    };
    ($(#[$attr:meta])* $ty:path as $name:literal { $($fields:tt)* }) => {
        $crate::secret::redacted_debug!(@impl [$(#[$attr])*] $ty, $name, $($fields)*);
    };
}
pub(crate) use redacted_debug;

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
