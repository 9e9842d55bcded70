//! What the emulator demands of a request, as Antom does: the headers, a valid
//! signature (or API key), and a body that follows its API's rules ([`body`]).

mod body;

use hyper::HeaderMap;

pub use body::check_body;

use crate::signing::{SignatureHeader, VerifyingKey, content_to_sign};

/// A refusal: Antom's result code and message.
#[derive(Debug, PartialEq, Eq)]
pub struct Refusal {
    /// `resultCode`.
    pub code: &'static str,
    /// `resultMessage`.
    pub message: String,
}

pub(super) fn refuse(code: &'static str, message: impl Into<String>) -> Refusal {
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
