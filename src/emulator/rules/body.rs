//! Each API's body rules, as Antom applies them: a JSON object whose every value is a
//! string, except the arrays and objects the API defines; no unknown field (to catch
//! typos); the required fields present; the enumerated ones within their values; amounts,
//! currencies and times in their forms; arrays within their lengths. The first problem
//! found is refused as `PARAM_ILLEGAL`, its message naming the field.

use serde_json::{Map, Value};

use super::{Refusal, refuse};
use crate::antom::{Api, ApiSpec, ReportRisk, SendPaymentResult, SendRefundResult};

/// What one API's body must be. Paths name objects: `""` the body, `a.b` a nested
/// object, `refundRecords[]` the elements of an array.
struct Schema {
    /// The fields each object may hold.
    objects: &'static [(&'static str, &'static [&'static str])],
    /// The fields of each object that must be there, as a non-empty string, an object
    /// or an array (checked where the object is there).
    required: &'static [(&'static str, &'static str)],
    /// The fields that are arrays of objects, with the most elements each may hold.
    arrays: &'static [(&'static str, usize)],
    /// The fields that take one of a few values.
    values: &'static [(&'static str, &'static [&'static str])],
    /// The fields with a length limit, in characters.
    max_chars: &'static [(&'static str, usize)],
    /// The fields with a form of their own.
    forms: &'static [(&'static str, Form)],
}

/// The form of a string field, as Antom checks it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Form {
    /// An amount's `value` in minor units: `^[0-9]+$`, at most 19 digits (no sign, no
    /// decimal point).
    MinorUnits,
    /// An amount's `currency`: three upper-case ASCII letters.
    Currency,
    /// An RFC 3339 date and time with its offset: `YYYY-MM-DDTHH:MM:SS`, an optional
    /// fraction, then `Z` or `±HH:MM` (upper-case `T` and `Z` only).
    DateTime,
}

impl Form {
    fn accepts(self, text: &str) -> bool {
        match self {
            Self::MinorUnits => {
                (1..=19).contains(&text.len()) && text.bytes().all(|b| b.is_ascii_digit())
            }
            Self::Currency => text.len() == 3 && text.bytes().all(|b| b.is_ascii_uppercase()),
            Self::DateTime => is_rfc3339(text),
        }
    }

    /// What the field must be, for a refusal's message.
    fn expected(self) -> &'static str {
        match self {
            Self::MinorUnits => {
                "a whole number of minor units, 1 to 19 digits (no sign, no decimal point)"
            }
            Self::Currency => "an ISO 4217 code, 3 upper-case letters",
            Self::DateTime => "an RFC 3339 time, e.g. 2026-11-28T21:45:00+00:00",
        }
    }
}

/// `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`, each part within its range (a leap
/// second allowed, the day within its month).
fn is_rfc3339(text: &str) -> bool {
    let b = text.as_bytes();
    // The digits at `range` as a number, if they are all there and all digits.
    let number = |range: std::ops::Range<usize>| -> Option<u32> {
        let digits = b.get(range)?;
        (digits.iter().all(u8::is_ascii_digit))
            .then(|| (digits.iter()).fold(0, |n, d| n * 10 + u32::from(d - b'0')))
    };
    let at = |i: usize, c: u8| b.get(i) == Some(&c);
    if !(at(4, b'-') && at(7, b'-') && at(10, b'T') && at(13, b':') && at(16, b':')) {
        return false;
    }
    let (Some(year), Some(month), Some(day), Some(hour), Some(minute), Some(second)) = (
        number(0..4),
        number(5..7),
        number(8..10),
        number(11..13),
        number(14..16),
        number(17..19),
    ) else {
        return false;
    };
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    if !(1..=days).contains(&day) || hour > 23 || minute > 59 || second > 60 {
        return false;
    }
    // The offset, after the fraction if any.
    let mut i = 19;
    if at(i, b'.') {
        let digits = b[i + 1..].iter().take_while(|d| d.is_ascii_digit()).count();
        if digits == 0 {
            return false;
        }
        i += 1 + digits;
    }
    match &b[i..] {
        [b'Z'] => true,
        [b'+' | b'-', _, _, b':', _, _] => {
            number(i + 1..i + 3).is_some_and(|h| h <= 23)
                && number(i + 4..i + 6).is_some_and(|m| m <= 59)
        }
        _ => false,
    }
}

const AMOUNT: &[&str] = &["currency", "value"];

const PAYMENT_RESULT: Schema = Schema {
    objects: &[
        (
            "",
            &[
                "referenceTransactionId",
                "paymentStatus",
                "authorizationError",
                "cardVerificationResult",
                "paymentMethodProvider",
            ],
        ),
        ("authorizationError", &["errorCode", "errorMessage"]),
        (
            "cardVerificationResult",
            &[
                "authenticationType",
                "authenticationMethod",
                "cvvResult",
                "avsResult",
                "authorizationCode",
                "threeDSResult",
            ],
        ),
        (
            "cardVerificationResult.threeDSResult",
            &["threeDSVersion", "threeDSInteractionMode", "eci", "cavv"],
        ),
    ],
    required: &[
        ("", "referenceTransactionId"),
        ("", "paymentStatus"),
        ("", "paymentMethodProvider"),
    ],
    arrays: &[],
    values: &[("paymentStatus", &["SUCCESS", "FAIL"])],
    max_chars: &[("referenceTransactionId", 64)],
    forms: &[],
};

const REFUND_RESULT: Schema = Schema {
    objects: &[
        (
            "",
            &[
                "referenceTransactionId",
                "referenceRefundId",
                "actualRefundAmount",
                "refundRecords",
            ],
        ),
        ("actualRefundAmount", AMOUNT),
        (
            "refundRecords[]",
            &[
                "referenceOrderId",
                "referenceGoodsId",
                "amount",
                "refundReason",
                "refundTime",
            ],
        ),
        ("refundRecords[].amount", AMOUNT),
    ],
    required: &[
        ("", "referenceTransactionId"),
        ("", "referenceRefundId"),
        ("", "actualRefundAmount"),
        ("", "refundRecords"),
        ("actualRefundAmount", "currency"),
        ("actualRefundAmount", "value"),
        ("refundRecords[].amount", "currency"),
        ("refundRecords[].amount", "value"),
    ],
    arrays: &[("refundRecords", 100)],
    values: &[],
    max_chars: &[("referenceTransactionId", 64), ("referenceRefundId", 64)],
    forms: &[
        ("actualRefundAmount.currency", Form::Currency),
        ("actualRefundAmount.value", Form::MinorUnits),
        ("refundRecords[].amount.currency", Form::Currency),
        ("refundRecords[].amount.value", Form::MinorUnits),
        ("refundRecords[].refundTime", Form::DateTime),
    ],
};

const RISK_REPORT: Schema = Schema {
    objects: &[(
        "",
        &[
            "referenceTransactionId",
            "reportReason",
            "riskType",
            "riskOccurrenceTime",
        ],
    )],
    required: &[("", "referenceTransactionId"), ("", "riskOccurrenceTime")],
    arrays: &[],
    values: &[("riskType", &["SUSPICIOUS", "CHARGEBACK", "FRAUD"])],
    max_chars: &[("referenceTransactionId", 64), ("reportReason", 2048)],
    forms: &[("riskOccurrenceTime", Form::DateTime)],
};

fn schema(api: &ApiSpec) -> Option<&'static Schema> {
    match api.name {
        n if n == SendPaymentResult::SPEC.name => Some(&PAYMENT_RESULT),
        n if n == SendRefundResult::SPEC.name => Some(&REFUND_RESULT),
        n if n == ReportRisk::SPEC.name => Some(&RISK_REPORT),
        _ => None,
    }
}

/// Checks the body of a request to `api` and returns it parsed.
pub fn check_body(api: &ApiSpec, body: &[u8]) -> Result<Map<String, Value>, Refusal> {
    let Some(schema) = schema(api) else {
        return Err(refuse("NO_INTERFACE_DEF", "API is not defined"));
    };
    let Ok(Value::Object(root)) = serde_json::from_slice::<Value>(body) else {
        return Err(refuse("PARAM_ILLEGAL", "the body is not a JSON object"));
    };
    check_object(schema, "", &root)?;
    Ok(root)
}

/// Checks `object`, at `path`, and what it holds.
fn check_object(schema: &Schema, path: &str, object: &Map<String, Value>) -> Result<(), Refusal> {
    let allowed = (schema.objects.iter())
        .find(|(p, _)| *p == path)
        .map_or(&[][..], |&(_, fields)| fields);
    for (name, value) in object {
        let field = join(path, name);
        if !allowed.contains(&name.as_str()) {
            return Err(refuse("PARAM_ILLEGAL", format!("unknown field {field}")));
        }
        let max_items = (schema.arrays.iter()).find(|(f, _)| *f == field);
        let is_object = schema.objects.iter().any(|(p, _)| *p == field);
        match (value, max_items) {
            (Value::Array(items), Some(&(_, max))) => {
                if items.len() > max {
                    let why = format!("{field} holds {} elements, at most {max}", items.len());
                    return Err(refuse("PARAM_ILLEGAL", why));
                }
                for item in items {
                    let Value::Object(item) = item else {
                        let why = format!("{field} must hold JSON objects, got {}", kind(item));
                        return Err(refuse("PARAM_ILLEGAL", why));
                    };
                    check_object(schema, &format!("{field}[]"), item)?;
                }
            }
            (Value::Object(inner), None) if is_object => check_object(schema, &field, inner)?,
            (Value::String(text), None) if !is_object => check_text(schema, &field, text)?,
            (other, _) => {
                let expected = match (max_items, is_object) {
                    (Some(_), _) => "a JSON array",
                    (None, true) => "a JSON object",
                    (None, false) => "a JSON string",
                };
                let why = format!("{field} must be {expected}, got {}", kind(other));
                return Err(refuse("PARAM_ILLEGAL", why));
            }
        }
    }
    for (_, name) in schema.required.iter().filter(|(p, _)| *p == path) {
        let present = match object.get(*name) {
            Some(Value::String(text)) => !text.is_empty(),
            Some(Value::Object(_) | Value::Array(_)) => true,
            _ => false,
        };
        if !present {
            let why = format!("{} is missing", join(path, name));
            return Err(refuse("PARAM_ILLEGAL", why));
        }
    }
    Ok(())
}

/// The path of `name` in the object at `path`.
fn join(path: &str, name: &str) -> String {
    match path {
        "" => name.to_owned(),
        _ => format!("{path}.{name}"),
    }
}

/// What a JSON value is, for a refusal's message (the value itself may be large).
fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// A string's length and, for an enumerated field or one with a form, its value.
fn check_text(schema: &Schema, field: &str, text: &str) -> Result<(), Refusal> {
    if let Some(&(_, max)) = schema.max_chars.iter().find(|(f, _)| *f == field)
        && text.chars().count() > max
    {
        let why = format!("{field} must be at most {max} characters");
        return Err(refuse("PARAM_ILLEGAL", why));
    }
    if let Some((_, values)) = schema.values.iter().find(|(f, _)| *f == field)
        && !values.contains(&text)
    {
        let why = format!("{field} must be one of {}", values.join(", "));
        return Err(refuse("PARAM_ILLEGAL", why));
    }
    if let Some(&(_, form)) = schema.forms.iter().find(|(f, _)| *f == field)
        && !form.accepts(text)
    {
        let why = format!("{field} must be {}", form.expected());
        return Err(refuse("PARAM_ILLEGAL", why));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    use crate::antom::APIS;

    #[test]
    fn every_api_has_its_schema() {
        for api in APIS {
            assert!(schema(&api).is_some(), "no body schema for {}", api.name);
        }
    }

    fn refused(api: ApiSpec, bodies: &[&str]) {
        for body in bodies {
            let err = check_body(&api, body.as_bytes()).expect_err(body);
            assert_eq!(err.code, "PARAM_ILLEGAL", "{body}");
        }
    }

    #[test]
    fn payment_result_rules() {
        let ok = r#"{"referenceTransactionId":"a","paymentStatus":"FAIL","paymentMethodProvider":"VISA"}"#;
        assert!(check_body(&SendPaymentResult::SPEC, ok.as_bytes()).is_ok());
        refused(
            SendPaymentResult::SPEC,
            &[
                "[]",
                r#"{"paymentStatus":"FAIL","paymentMethodProvider":"VISA"}"#,
                r#"{"referenceTransactionId":"a","paymentStatus":"DONE","paymentMethodProvider":"VISA"}"#,
                r#"{"referenceTransactionId":"a","paymentStatus":"FAIL"}"#,
                r#"{"referenceTransactionId":"a","paymentStatus":"FAIL","paymentMethodProvider":"VISA","x":"1"}"#,
                r#"{"referenceTransactionId":"a","paymentStatus":"FAIL","paymentMethodProvider":"VISA","cardVerificationResult":{"threeDSResult":{"eci":5}}}"#,
                r#"{"referenceTransactionId":null,"paymentStatus":"FAIL","paymentMethodProvider":"VISA"}"#,
                r#"{"referenceTransactionId":"","paymentStatus":"FAIL","paymentMethodProvider":"VISA"}"#,
            ],
        );
    }

    #[test]
    fn refund_result_rules() {
        let ok = r#"{"referenceTransactionId":"t","referenceRefundId":"r","actualRefundAmount":{"currency":"USD","value":"1"},"refundRecords":[{},{"amount":{"currency":"JPY","value":"0"},"refundTime":"2026-11-28T21:45:00+00:00"}]}"#;
        assert!(check_body(&SendRefundResult::SPEC, ok.as_bytes()).is_ok());
        let with = |records: &str| {
            format!(
                r#"{{"referenceTransactionId":"t","referenceRefundId":"r","actualRefundAmount":{{"currency":"USD","value":"1"}},"refundRecords":{records}}}"#
            )
        };
        let too_many = with(&format!("[{}{{}}]", "{},".repeat(100)));
        let bodies = [
            r#"{"referenceTransactionId":"t","referenceRefundId":"r","actualRefundAmount":{"currency":"USD","value":"1"}}"#.to_owned(),
            r#"{"referenceTransactionId":"t","referenceRefundId":"r","actualRefundAmount":{"currency":"USD","value":1},"refundRecords":[]}"#.to_owned(),
            r#"{"referenceTransactionId":"t","referenceRefundId":"r","actualRefundAmount":{"currency":"USD"},"refundRecords":[]}"#.to_owned(),
            r#"{"referenceTransactionId":"t","actualRefundAmount":{"currency":"USD","value":"1"},"refundRecords":[]}"#.to_owned(),
            with(r#"{}"#),
            with(r#""[]""#),
            with(r#"["x"]"#),
            with(r#"[{"amount":{"value":"1"}}]"#),
            with(r#"[{"refundReason":7}]"#),
            with(r#"[{"typo":"x"}]"#),
            too_many,
        ];
        refused(
            SendRefundResult::SPEC,
            &bodies.each_ref().map(String::as_str),
        );
        assert!(check_body(&SendRefundResult::SPEC, with("[]").as_bytes()).is_ok());
    }

    #[test]
    fn risk_report_rules() {
        let ok = r#"{"referenceTransactionId":"t","riskType":"FRAUD","riskOccurrenceTime":"2026-11-28T21:45:00+00:00"}"#;
        assert!(check_body(&ReportRisk::SPEC, ok.as_bytes()).is_ok());
        refused(
            ReportRisk::SPEC,
            &[
                r#"{"referenceTransactionId":"t"}"#,
                r#"{"riskOccurrenceTime":"2026-11-28T21:45:00+00:00"}"#,
                r#"{"referenceTransactionId":"t","riskType":"OTHER","riskOccurrenceTime":"x"}"#,
                r#"{"referenceTransactionId":"t","riskOccurrenceTime":1795902300}"#,
                r#"{"referenceTransactionId":"t","riskOccurrenceTime":{"seconds":"1"}}"#,
                r#"{"referenceTransactionId":"t","riskOccurrenceTime":"x","refundRecords":[]}"#,
            ],
        );
    }

    /// A refund with `amount` as both amounts, and a record at `time`.
    fn refund_with(currency: &str, value: &str, time: &str) -> String {
        let amount = json!({"currency": currency, "value": value});
        let record = json!({"amount": amount, "refundTime": time});
        json!({
            "referenceTransactionId": "t",
            "referenceRefundId": "r",
            "actualRefundAmount": amount,
            "refundRecords": [record],
        })
        .to_string()
    }

    /// A risk report at `time`.
    fn report_at(time: &str) -> String {
        json!({"referenceTransactionId": "t", "riskOccurrenceTime": time}).to_string()
    }

    /// Checks that `body` to `api` is refused as PARAM_ILLEGAL naming `field`.
    fn refused_naming(api: ApiSpec, body: &str, field: &str) {
        let err = check_body(&api, body.as_bytes()).expect_err(body);
        assert_eq!(err.code, "PARAM_ILLEGAL", "{body}");
        assert!(
            err.message.starts_with(&format!("{field} must be")),
            "{body}: {}",
            err.message
        );
    }

    const TIME: &str = "2026-11-28T21:45:00+00:00";

    #[test]
    fn amounts_are_digits_and_currencies_three_capitals() {
        for value in [
            "-5",
            "+5",
            "1.5",
            "1,5",
            "abc",
            " 1",
            "1e3",
            "١٢",
            "",
            "12345678901234567890",
        ] {
            let body = refund_with("USD", value, TIME);
            refused_naming(SendRefundResult::SPEC, &body, "actualRefundAmount.value");
        }
        for currency in ["usd", "EURO", "US", "U$D", "ÜSD", "", "Usd"] {
            let body = refund_with(currency, "1", TIME);
            refused_naming(SendRefundResult::SPEC, &body, "actualRefundAmount.currency");
        }
        // The same rules in each record.
        let record = |amount: Value| {
            json!({
                "referenceTransactionId": "t",
                "referenceRefundId": "r",
                "actualRefundAmount": {"currency": "USD", "value": "1"},
                "refundRecords": [{"amount": amount}],
            })
            .to_string()
        };
        let body = record(json!({"currency": "USD", "value": "-1"}));
        refused_naming(
            SendRefundResult::SPEC,
            &body,
            "refundRecords[].amount.value",
        );
        let body = record(json!({"currency": "usd", "value": "1"}));
        refused_naming(
            SendRefundResult::SPEC,
            &body,
            "refundRecords[].amount.currency",
        );
        for (currency, value) in [
            ("USD", "0"),
            ("JPY", "1500"),
            ("EUR", "007"),
            ("XXX", "9223372036854775807"),
            ("KWD", "1234567890123456789"),
        ] {
            let body = refund_with(currency, value, TIME);
            let checked = check_body(&SendRefundResult::SPEC, body.as_bytes());
            assert!(checked.is_ok(), "{body}: {checked:?}");
        }
    }

    #[test]
    fn times_are_rfc_3339() {
        let bad = [
            "x",
            "",
            "1795902300",
            "2026-11-28",
            "2026-11-28T21:45:00",
            "2026-11-28 21:45:00+00:00",
            "2026-11-28t21:45:00Z",
            "2026-11-28T21:45:00z",
            "2026-11-28T21:45+00:00",
            "2026-11-28T21:45:00+0000",
            "2026-11-28T21:45:00+00",
            "2026-11-28T21:45:00+24:00",
            "2026-11-28T21:45:00+00:60",
            "2026-11-28T21:45:00.+00:00",
            "2026-11-28T21:45:00.5",
            "2026-11-28T21:45:00Z ",
            "2026-11-28T21:45:00+00:00Z",
            "26-11-28T21:45:00Z",
            "2026-1-28T21:45:00Z",
            "2026-13-28T21:45:00Z",
            "2026-00-28T21:45:00Z",
            "2026-11-00T21:45:00Z",
            "2026-11-31T21:45:00Z",
            "2026-02-29T21:45:00Z",
            "2026-11-28T24:00:00Z",
            "2026-11-28T21:60:00Z",
            "2026-11-28T21:45:61Z",
            "+2026-11-28T21:45:00Z",
            "2026-11-28T21:45:00+00:00\n",
            "２026-11-28T21:45:00Z",
        ];
        for time in bad {
            refused_naming(ReportRisk::SPEC, &report_at(time), "riskOccurrenceTime");
            let body = refund_with("USD", "1", time);
            refused_naming(SendRefundResult::SPEC, &body, "refundRecords[].refundTime");
        }
        let good = [
            TIME,
            "2026-11-28T21:45:00Z",
            "2026-11-28T21:45:00.5Z",
            "2026-11-28T21:45:00.000000001-05:30",
            "2026-11-28T21:45:00+14:00",
            "2024-02-29T12:00:00+00:00",
            "2000-02-29T00:00:00Z",
            "2016-12-31T23:59:60Z",
            "1970-01-01T00:00:00+00:00",
            "9999-12-31T23:59:59+00:00",
        ];
        for time in good {
            let checked = check_body(&ReportRisk::SPEC, report_at(time).as_bytes());
            assert!(checked.is_ok(), "{time}: {checked:?}");
            let body = refund_with("USD", "1", time);
            let checked = check_body(&SendRefundResult::SPEC, body.as_bytes());
            assert!(checked.is_ok(), "{time}: {checked:?}");
        }
    }

    #[test]
    fn the_sidecars_own_times_pass() {
        use std::time::{Duration, UNIX_EPOCH};
        for seconds in [0, 951_782_400, 1_709_208_000, 1_795_902_300] {
            let time = crate::wire::iso8601_utc(UNIX_EPOCH + Duration::from_secs(seconds));
            assert!(Form::DateTime.accepts(&time), "{time}");
        }
    }
}
