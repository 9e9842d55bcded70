//! What every Antom request body shares: compact JSON with camelCase names, every value
//! a string (arrays stay arrays), absent fields left out and never `null`; and the value
//! types that several bodies hold, each with its wire form: amounts, currencies, times.

mod amount;
mod currency;
mod time;

use serde::Serialize;

pub use amount::{Amount, AmountError, MinorUnits};
pub use currency::{Currency, CurrencyError};
pub use time::{MAX_SECONDS, TimeError, UtcTime, iso8601_utc};

/// The exact bytes of `body` sent to Antom (and signed).
pub fn to_json(body: &impl Serialize) -> Vec<u8> {
    // The bodies are structs of strings, arrays and structs: serde_json fails only on
    // maps with keys that are not strings, or on a Serialize impl that fails, and these
    // have neither.
    serde_json::to_vec(body).expect("a body of strings always serializes")
}
