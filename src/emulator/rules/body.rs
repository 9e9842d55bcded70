//! Each API's body rules, as Antom applies them: a JSON object whose every value is a
//! string, except the arrays and objects the API defines; no unknown field (to catch
//! typos); the required fields present; the enumerated ones within their values; amounts,
//! currencies and times in their forms; arrays within their lengths. `decide`'s nested
//! objects (some 200 fields) are checked loosely ([`Loose`]). The first problem found is
//! refused as `PARAM_ILLEGAL`, its message naming the field.

use std::ops::RangeInclusive;

use serde_json::{Map, Value};

use super::{Refusal, refuse};
use crate::antom::ApiSpec;
use schemas::{AMOUNT, schema};

mod schemas;

/// What one API's body must be. Paths name objects: `""` the body, `a.b` a nested
/// object, `refundRecords[]` the elements of an array.
struct Schema {
    /// The fields each object may hold.
    objects: &'static [(&'static str, &'static [&'static str])],
    /// The fields of each object that must be there, as a non-empty string, an object
    /// or an array (checked where the object is there).
    required: &'static [(&'static str, &'static str)],
    /// The fields that are arrays of objects, with the fewest and most elements each may
    /// hold (`orders` and `paymentDetails` at least one, `refundRecords` maybe none).
    arrays: &'static [(&'static str, RangeInclusive<usize>)],
    /// The fields that take one of a few values.
    values: &'static [(&'static str, &'static [&'static str])],
    /// The fields with a length limit, in characters.
    max_chars: &'static [(&'static str, usize)],
    /// The fields with a form of their own.
    forms: &'static [(&'static str, Form)],
    /// The objects checked loosely, if any.
    loose: Option<&'static Loose>,
}

/// Objects checked loosely: by field name rather than by path, with no list of fields.
/// Every value in them a string, an object or an array of objects, at any depth; the
/// amounts and times (known by their names) in their forms.
struct Loose {
    /// The objects, by path (`buyer`, `orders[]`), checked so with all they hold.
    paths: &'static [&'static str],
    /// The names of the fields that are amounts (`{"currency":..,"value":..}`).
    amounts: &'static [&'static str],
    /// The names of the fields that are times.
    times: &'static [&'static str],
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
    if let Some(loose) = schema.loose
        && loose.paths.contains(&path)
    {
        return check_loose(loose, path, object);
    }
    let allowed = (schema.objects.iter())
        .find(|(p, _)| *p == path)
        .map_or(&[][..], |&(_, fields)| fields);
    for (name, value) in object {
        let field = join(path, name);
        if !allowed.contains(&name.as_str()) {
            return Err(refuse("PARAM_ILLEGAL", format!("unknown field {field}")));
        }
        let max_items = (schema.arrays.iter()).find(|(f, _)| *f == field);
        let is_object = schema.objects.iter().any(|(p, _)| *p == field)
            || schema
                .loose
                .is_some_and(|l| l.paths.contains(&field.as_str()));
        match (value, max_items) {
            (Value::Array(items), Some((_, counts))) => {
                if !counts.contains(&items.len()) {
                    let (n, least, most) = (items.len(), counts.start(), counts.end());
                    let why = format!("{field} holds {n} elements, {least} to {most} allowed");
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

/// Checks `object`, at `path`, loosely (see [`Loose`]).
fn check_loose(loose: &Loose, path: &str, object: &Map<String, Value>) -> Result<(), Refusal> {
    for (name, value) in object {
        let field = join(path, name);
        match value {
            Value::String(text) => {
                if loose.times.contains(&name.as_str()) && !Form::DateTime.accepts(text) {
                    let why = format!("{field} must be {}", Form::DateTime.expected());
                    return Err(refuse("PARAM_ILLEGAL", why));
                }
            }
            Value::Object(inner) if loose.amounts.contains(&name.as_str()) => {
                check_amount(&field, inner)?;
            }
            Value::Object(inner) => check_loose(loose, &field, inner)?,
            Value::Array(items) => {
                for item in items {
                    let Value::Object(item) = item else {
                        let why = format!("{field} must hold JSON objects, got {}", kind(item));
                        return Err(refuse("PARAM_ILLEGAL", why));
                    };
                    check_loose(loose, &format!("{field}[]"), item)?;
                }
            }
            other => {
                let why = format!(
                    "{field} must be a JSON string, object or array, got {}",
                    kind(other)
                );
                return Err(refuse("PARAM_ILLEGAL", why));
            }
        }
    }
    Ok(())
}

/// An amount at `field`: a currency and a value, each in its form, nothing else.
fn check_amount(field: &str, amount: &Map<String, Value>) -> Result<(), Refusal> {
    if let Some(name) = amount.keys().find(|k| !AMOUNT.contains(&k.as_str())) {
        let why = format!("unknown field {field}.{name}");
        return Err(refuse("PARAM_ILLEGAL", why));
    }
    for (name, form) in [("currency", Form::Currency), ("value", Form::MinorUnits)] {
        let part = format!("{field}.{name}");
        match amount.get(name) {
            None => return Err(refuse("PARAM_ILLEGAL", format!("{part} is missing"))),
            Some(Value::String(text)) if form.accepts(text) => {}
            Some(Value::String(_)) => {
                let why = format!("{part} must be {}", form.expected());
                return Err(refuse("PARAM_ILLEGAL", why));
            }
            Some(other) => {
                let why = format!("{part} must be a JSON string, got {}", kind(other));
                return Err(refuse("PARAM_ILLEGAL", why));
            }
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
mod tests;
