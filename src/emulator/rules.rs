//! What the emulator demands of a request, as Antom does: the headers, a valid
//! signature (or API key), and a body whose every non-array value is a string.

use hyper::HeaderMap;
use serde_json::{Map, Value};

use crate::signing::{SignatureHeader, VerifyingKey, content_to_sign};

/// A refusal: Antom's result code and message.
#[derive(Debug, PartialEq, Eq)]
pub struct Refusal {
    /// `resultCode`.
    pub code: &'static str,
    /// `resultMessage`.
    pub message: String,
}

fn refuse(code: &'static str, message: impl Into<String>) -> Refusal {
    Refusal {
        code,
        message: message.into(),
    }
}

/// How the request authenticated itself.
#[derive(Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Caller {
    /// `Client-Id`.
    pub client_id: String,
    /// `Request-Time`.
    pub request_time: String,
    /// `keyVersion` of the signature, or `None` in API-key mode.
    pub key_version: Option<String>,
    /// `signature` or `api-key`.
    pub auth: &'static str,
    /// The fingerprint of the merchant key that verified the signature.
    pub merchant_key: Option<String>,
}

/// A header as text, if present, text and not empty.
pub fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .filter(|v| !v.is_empty())
}

/// Checks `Client-Id`, `Request-Time` and the signature or API key.
pub fn authenticate(
    headers: &HeaderMap,
    path: &str,
    body: &[u8],
    merchant_keys: &[VerifyingKey],
    api_key: Option<&str>,
) -> Result<Caller, Refusal> {
    let header = |name| header(headers, name);
    let client_id = header("client-id")
        .ok_or_else(|| refuse("PARAM_ILLEGAL", "header Client-Id is missing"))?;
    let request_time = header("request-time")
        .ok_or_else(|| refuse("PARAM_ILLEGAL", "header Request-Time is missing"))?;
    let millis = request_time.bytes().all(|b| b.is_ascii_digit());
    let iso = request_time.len() >= 20 && request_time.as_bytes()[10] == b'T';
    if !millis && !iso {
        return Err(refuse(
            "PARAM_ILLEGAL",
            "header Request-Time is neither epoch milliseconds nor ISO 8601",
        ));
    }
    let caller = |key_version, auth, merchant_key| Caller {
        client_id: client_id.to_owned(),
        request_time: request_time.to_owned(),
        key_version,
        auth,
        merchant_key,
    };
    if let Some(bearer) = header("authorization").and_then(|v| v.strip_prefix("Bearer ")) {
        return match api_key {
            Some(expected) if expected == bearer => Ok(caller(None, "api-key", None)),
            _ => Err(refuse("ACCESS_DENIED", "the API key is not valid")),
        };
    }
    let signature: SignatureHeader = header("signature")
        .ok_or_else(|| refuse("PARAM_ILLEGAL", "header Signature is missing"))?
        .parse()
        .map_err(|e| {
            refuse(
                "PARAM_ILLEGAL",
                format!("header Signature is malformed: {e}"),
            )
        })?;
    let content = content_to_sign("POST", path, client_id, request_time, body);
    let Some(key) = (merchant_keys.iter()).find(|k| k.verify(&content, &signature.signature))
    else {
        return Err(refuse(
            "SIGNATURE_INVALID",
            "the signature does not verify with the merchant's public key",
        ));
    };
    let fingerprint = Some(key.fingerprint().to_owned());
    Ok(caller(signature.key_version, "signature", fingerprint))
}

/// Fields each object may hold; the emulator refuses unknown ones to catch typos.
fn allowed(object: &str) -> &'static [&'static str] {
    match object {
        "" => &[
            "referenceTransactionId",
            "paymentStatus",
            "authorizationError",
            "cardVerificationResult",
            "paymentMethodProvider",
        ],
        "authorizationError" => &["errorCode", "errorMessage"],
        "cardVerificationResult" => &[
            "authenticationType",
            "authenticationMethod",
            "cvvResult",
            "avsResult",
            "authorizationCode",
            "threeDSResult",
        ],
        "cardVerificationResult.threeDSResult" => {
            &["threeDSVersion", "threeDSInteractionMode", "eci", "cavv"]
        }
        _ => &[],
    }
}

/// Checks the body of `sendPaymentResult` and returns it parsed.
pub fn check_body(body: &[u8]) -> Result<Map<String, Value>, Refusal> {
    let Ok(Value::Object(root)) = serde_json::from_slice::<Value>(body) else {
        return Err(refuse("PARAM_ILLEGAL", "the body is not a JSON object"));
    };
    check_object("", &root)?;
    let text = |name: &str| root.get(name).and_then(Value::as_str);
    match text("referenceTransactionId") {
        None => return Err(refuse("PARAM_ILLEGAL", "referenceTransactionId is missing")),
        Some(id) if id.is_empty() || id.chars().count() > 64 => {
            return Err(refuse(
                "PARAM_ILLEGAL",
                "referenceTransactionId must be 1 to 64 characters",
            ));
        }
        Some(_) => {}
    }
    if !matches!(text("paymentStatus"), Some("SUCCESS" | "FAIL")) {
        return Err(refuse(
            "PARAM_ILLEGAL",
            "paymentStatus must be SUCCESS or FAIL",
        ));
    }
    if text("paymentMethodProvider").is_none_or(str::is_empty) {
        return Err(refuse("PARAM_ILLEGAL", "paymentMethodProvider is missing"));
    }
    Ok(root)
}

fn check_object(path: &str, object: &Map<String, Value>) -> Result<(), Refusal> {
    for (name, value) in object {
        let field = if path.is_empty() {
            name.clone()
        } else {
            format!("{path}.{name}")
        };
        if !allowed(path).contains(&name.as_str()) {
            return Err(refuse("PARAM_ILLEGAL", format!("unknown field {field}")));
        }
        match value {
            Value::String(_) => {}
            Value::Object(inner) => check_object(&field, inner)?,
            other => {
                return Err(refuse(
                    "PARAM_ILLEGAL",
                    format!("{field} must be a JSON string, got {other}"),
                ));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn body_rules() {
        let ok = br#"{"referenceTransactionId":"a","paymentStatus":"FAIL","paymentMethodProvider":"VISA"}"#;
        assert!(check_body(ok).is_ok());
        let cases: [&[u8]; 7] = [
            b"[]",
            br#"{"paymentStatus":"FAIL","paymentMethodProvider":"VISA"}"#,
            br#"{"referenceTransactionId":"a","paymentStatus":"DONE","paymentMethodProvider":"VISA"}"#,
            br#"{"referenceTransactionId":"a","paymentStatus":"FAIL"}"#,
            br#"{"referenceTransactionId":"a","paymentStatus":"FAIL","paymentMethodProvider":"VISA","x":"1"}"#,
            br#"{"referenceTransactionId":"a","paymentStatus":"FAIL","paymentMethodProvider":"VISA","cardVerificationResult":{"threeDSResult":{"eci":5}}}"#,
            br#"{"referenceTransactionId":null,"paymentStatus":"FAIL","paymentMethodProvider":"VISA"}"#,
        ];
        for body in cases {
            let err = check_body(body).expect_err(std::str::from_utf8(body).unwrap_or_default());
            assert_eq!(err.code, "PARAM_ILLEGAL");
        }
    }
}
