//! ISO 4217 currency codes in force, each with its minor unit: the table that amounts
//! are checked against.

use std::{fmt, str::FromStr};

/// An ISO 4217 currency in force, e.g. `USD`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Currency {
    code: &'static str,
    minor_digits: u8,
}

/// Why a currency code is refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum CurrencyError {
    /// No code at all.
    #[error("is required (an ISO 4217 code, e.g. USD)")]
    Missing,
    /// Not three characters.
    #[error("must be 3 upper-case letters (an ISO 4217 code, e.g. USD), got {0} characters")]
    Length(usize),
    /// Three characters, but no code in force.
    #[error("{0:?} is not an ISO 4217 currency code in force{hint}", hint = case_hint(.0))]
    Unknown(String),
}

fn case_hint(code: &str) -> &'static str {
    match Currency::from_str(&code.to_ascii_uppercase()) {
        Ok(_) => " (codes are upper case)",
        Err(_) => "",
    }
}

impl Currency {
    /// The code, e.g. `USD`.
    pub fn code(self) -> &'static str {
        self.code
    }

    /// Digits of the minor unit: 0 for JPY, 2 for USD, 3 for BHD. An amount's value
    /// counts these units.
    pub fn minor_digits(self) -> u8 {
        self.minor_digits
    }
}

impl FromStr for Currency {
    type Err = CurrencyError;

    fn from_str(code: &str) -> Result<Self, Self::Err> {
        match code.chars().count() {
            0 => return Err(CurrencyError::Missing),
            3 => {}
            n => return Err(CurrencyError::Length(n)),
        }
        CURRENCIES
            .binary_search_by(|(c, _)| (*c).cmp(code))
            .map(|i| {
                let (code, minor_digits) = CURRENCIES[i];
                Self { code, minor_digits }
            })
            .map_err(|_| CurrencyError::Unknown(code.to_owned()))
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code)
    }
}

/// ISO 4217 List One (maintained by SIX for ISO), the codes in force in 2025 with their
/// minor units, sorted: the codes checked against Debian's iso-codes 4.15
/// (`/usr/share/iso-codes/json/iso_4217.json`), which lags behind: XCG (Caribbean
/// guilder, from 2025-03-31) and ZWG (Zimbabwe Gold, 2024) added; HRK (2023), ANG
/// (2025), CUC, SLL and ZWL, since withdrawn, left out. Codes whose minor unit ISO gives
/// as "N.A." are left out too, for they are no money a payment is made in: precious
/// metals (XAU, XAG, XPD, XPT), bond-market units (XBA to XBD), XDR, XSU, XUA, and the
/// codes for testing (XTS) and no currency (XXX). BGN is still listed (Bulgaria adopted
/// the euro on 2026-01-01; List One drops a code after its transition).
#[rustfmt::skip]
const CURRENCIES: [(&str, u8); 165] = [
    ("AED", 2), ("AFN", 2), ("ALL", 2), ("AMD", 2), ("AOA", 2), ("ARS", 2), ("AUD", 2),
    ("AWG", 2), ("AZN", 2), ("BAM", 2), ("BBD", 2), ("BDT", 2), ("BGN", 2), ("BHD", 3),
    ("BIF", 0), ("BMD", 2), ("BND", 2), ("BOB", 2), ("BOV", 2), ("BRL", 2), ("BSD", 2),
    ("BTN", 2), ("BWP", 2), ("BYN", 2), ("BZD", 2), ("CAD", 2), ("CDF", 2), ("CHE", 2),
    ("CHF", 2), ("CHW", 2), ("CLF", 4), ("CLP", 0), ("CNY", 2), ("COP", 2), ("COU", 2),
    ("CRC", 2), ("CUP", 2), ("CVE", 2), ("CZK", 2), ("DJF", 0), ("DKK", 2), ("DOP", 2),
    ("DZD", 2), ("EGP", 2), ("ERN", 2), ("ETB", 2), ("EUR", 2), ("FJD", 2), ("FKP", 2),
    ("GBP", 2), ("GEL", 2), ("GHS", 2), ("GIP", 2), ("GMD", 2), ("GNF", 0), ("GTQ", 2),
    ("GYD", 2), ("HKD", 2), ("HNL", 2), ("HTG", 2), ("HUF", 2), ("IDR", 2), ("ILS", 2),
    ("INR", 2), ("IQD", 3), ("IRR", 2), ("ISK", 0), ("JMD", 2), ("JOD", 3), ("JPY", 0),
    ("KES", 2), ("KGS", 2), ("KHR", 2), ("KMF", 0), ("KPW", 2), ("KRW", 0), ("KWD", 3),
    ("KYD", 2), ("KZT", 2), ("LAK", 2), ("LBP", 2), ("LKR", 2), ("LRD", 2), ("LSL", 2),
    ("LYD", 3), ("MAD", 2), ("MDL", 2), ("MGA", 2), ("MKD", 2), ("MMK", 2), ("MNT", 2),
    ("MOP", 2), ("MRU", 2), ("MUR", 2), ("MVR", 2), ("MWK", 2), ("MXN", 2), ("MXV", 2),
    ("MYR", 2), ("MZN", 2), ("NAD", 2), ("NGN", 2), ("NIO", 2), ("NOK", 2), ("NPR", 2),
    ("NZD", 2), ("OMR", 3), ("PAB", 2), ("PEN", 2), ("PGK", 2), ("PHP", 2), ("PKR", 2),
    ("PLN", 2), ("PYG", 0), ("QAR", 2), ("RON", 2), ("RSD", 2), ("RUB", 2), ("RWF", 0),
    ("SAR", 2), ("SBD", 2), ("SCR", 2), ("SDG", 2), ("SEK", 2), ("SGD", 2), ("SHP", 2),
    ("SLE", 2), ("SOS", 2), ("SRD", 2), ("SSP", 2), ("STN", 2), ("SVC", 2), ("SYP", 2),
    ("SZL", 2), ("THB", 2), ("TJS", 2), ("TMT", 2), ("TND", 3), ("TOP", 2), ("TRY", 2),
    ("TTD", 2), ("TWD", 2), ("TZS", 2), ("UAH", 2), ("UGX", 0), ("USD", 2), ("USN", 2),
    ("UYI", 0), ("UYU", 2), ("UYW", 4), ("UZS", 2), ("VED", 2), ("VES", 2), ("VND", 0),
    ("VUV", 0), ("WST", 2), ("XAF", 0), ("XCD", 2), ("XCG", 2), ("XOF", 0), ("XPF", 0),
    ("YER", 2), ("ZAR", 2), ("ZMW", 2), ("ZWG", 2),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_sorted_unique_and_upper_case() {
        assert!(CURRENCIES.windows(2).all(|w| w[0].0 < w[1].0));
        for (code, digits) in CURRENCIES {
            assert!(code.len() == 3 && code.bytes().all(|b| b.is_ascii_uppercase()));
            assert!(digits <= 4, "{code}");
        }
    }

    #[test]
    fn minor_digits_of_known_currencies() {
        let digits = |c: &str| c.parse::<Currency>().map(Currency::minor_digits);
        assert_eq!(digits("JPY"), Ok(0));
        assert_eq!(digits("USD"), Ok(2));
        assert_eq!(digits("BHD"), Ok(3));
        assert_eq!(digits("CLF"), Ok(4));
    }

    #[test]
    fn unknown_codes_are_refused_with_a_reason() {
        let err = |c: &str| c.parse::<Currency>().expect_err(c).to_string();
        assert_eq!(err(""), "is required (an ISO 4217 code, e.g. USD)");
        assert!(err("US").contains("got 2 characters"));
        assert!(err("ÜSDX").contains("got 4 characters"));
        assert_eq!(
            err("ABC"),
            "\"ABC\" is not an ISO 4217 currency code in force"
        );
        assert!(err("usd").ends_with("(codes are upper case)"));
        for gone in ["HRK", "XAU", "XTS", "XXX", "ZWL"] {
            assert!(gone.parse::<Currency>().is_err(), "{gone}");
        }
    }
}
