//! An amount of money: a currency and a count of its minor units, sent as
//! `{"currency":"USD","value":"1000"}`, the count a decimal string.

use serde::{Serialize, Serializer, ser::SerializeStruct};

use super::Currency;

/// An amount of money.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Amount {
    /// `currency`: its ISO 4217 code.
    pub currency: Currency,
    /// `value`: how many of the currency's minor units.
    pub value: MinorUnits,
}

/// A count of a currency's minor units, at least 0: cents for USD, yen for JPY, fils
/// for BHD. The count is sent as it is: the minor unit only says what it counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct MinorUnits(u64);

/// Why a value is refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum AmountError {
    /// Below zero.
    #[error("must be at least 0, got {0}")]
    Negative(i64),
}

impl MinorUnits {
    /// The count.
    pub fn get(self) -> u64 {
        self.0
    }
}

impl TryFrom<i64> for MinorUnits {
    type Error = AmountError;

    fn try_from(value: i64) -> Result<Self, Self::Error> {
        u64::try_from(value)
            .map(Self)
            .map_err(|_| AmountError::Negative(value))
    }
}

impl Serialize for Amount {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut amount = serializer.serialize_struct("Amount", 2)?;
        amount.serialize_field("currency", self.currency.code())?;
        amount.serialize_field("value", &self.value.0.to_string())?;
        amount.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wire(currency: &str, value: i64) -> String {
        let amount = Amount {
            currency: currency.parse().expect("currency"),
            value: value.try_into().expect("value"),
        };
        serde_json::to_string(&amount).expect("JSON")
    }

    #[test]
    fn the_value_is_a_decimal_string_of_minor_units() {
        assert_eq!(wire("USD", 1000), r#"{"currency":"USD","value":"1000"}"#);
        assert_eq!(wire("JPY", 0), r#"{"currency":"JPY","value":"0"}"#);
        assert_eq!(
            wire("BHD", i64::MAX),
            r#"{"currency":"BHD","value":"9223372036854775807"}"#
        );
    }

    #[test]
    fn negative_values_are_refused() {
        assert_eq!(
            MinorUnits::try_from(-1).map_err(|e| e.to_string()),
            Err("must be at least 0, got -1".to_owned())
        );
        assert!(MinorUnits::try_from(i64::MIN).is_err());
    }
}
