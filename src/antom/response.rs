//! Reads Antom's answer: HTTP status, the signature policy of the official SDKs since
//! 2026-09 (S must be signed and valid; unsigned allowed only for F/U; partial headers
//! and bad signatures rejected), and the `result` object.

use std::fmt;

use reqwest::{StatusCode, header::HeaderMap};
use serde::Deserialize;

use super::AntomError;
use crate::signing::{SignatureHeader, VerifyingKey, content_to_sign};

/// Antom's `resultStatus`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, serde::Serialize)]
pub enum ResultStatus {
    /// `S`: success.
    #[serde(rename = "S")]
    Success,
    /// `F`: failure.
    #[serde(rename = "F")]
    Fail,
    /// `U`: unknown; calling again may help.
    #[serde(rename = "U")]
    Unknown,
}

impl ResultStatus {
    /// The wire letter.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Success => "S",
            Self::Fail => "F",
            Self::Unknown => "U",
        }
    }
}

impl fmt::Display for ResultStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Antom's `result` object.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AntomResult {
    /// `resultCode`, e.g. `SUCCESS`, `PARAM_ILLEGAL`.
    pub result_code: String,
    /// `resultStatus`.
    pub result_status: ResultStatus,
    /// `resultMessage`.
    #[serde(default)]
    pub result_message: String,
}

#[derive(Deserialize)]
struct Body {
    result: AntomResult,
}

/// What the sidecar needs to check a response.
pub struct Expect<'a> {
    /// The path that was called.
    pub path: &'a str,
    /// Our client ID, used when the response has no `client-id` header.
    pub client_id: &'a str,
    /// Antom's public key.
    pub key: &'a VerifyingKey,
}

/// Checks and parses one HTTP response.
pub fn interpret(
    status: StatusCode,
    headers: &HeaderMap,
    body: &[u8],
    expect: &Expect<'_>,
) -> Result<AntomResult, AntomError> {
    if status != StatusCode::OK {
        return Err(AntomError::HttpStatus {
            status: status.as_u16(),
        });
    }
    let header = |name: &str| {
        headers.get(name).map(|v| {
            v.to_str().map_err(|_| AntomError::BadSignature {
                reason: "a signature header is not text",
            })
        })
    };
    let signed = match (
        header("signature").transpose()?,
        header("response-time").transpose()?,
    ) {
        (None, None) => false,
        (Some(_), None) | (None, Some(_)) => {
            return Err(AntomError::Unsigned {
                what: "only one of the signature and response-time headers is present",
            });
        }
        (Some(signature), Some(time)) => {
            let parsed: SignatureHeader = signature
                .parse()
                .map_err(|reason| AntomError::BadSignature { reason })?;
            let client_id = header("client-id").transpose()?.unwrap_or(expect.client_id);
            let content = content_to_sign("POST", expect.path, client_id, time, body);
            if !expect.key.verify(&content, &parsed.signature) {
                return Err(AntomError::BadSignature {
                    reason: "the signature does not verify with ANTOM_PUBLIC_KEY",
                });
            }
            true
        }
    };
    let result = serde_json::from_slice::<Body>(body)
        .map_err(|e| AntomError::Malformed {
            reason: e.to_string(),
        })?
        .result;
    if !signed && result.result_status == ResultStatus::Success {
        return Err(AntomError::Unsigned {
            what: "a success (S) response carries no signature",
        });
    }
    Ok(result)
}
