//! Reads Antom's answer: HTTP status, the signature policy of the official SDKs since
//! 2026-09 in signature mode (S must be signed and valid; unsigned allowed only for F/U;
//! partial headers and bad signatures rejected), in API-key mode that of Antom's SDK
//! (unsigned accepted, signed verified when a key is set), and the `result` object.

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

/// The status Antom documents for a result code of this API (spec §3), `None` for a
/// code it does not list.
pub fn documented_status(code: &str) -> Option<ResultStatus> {
    DOCUMENTED.iter().find(|(c, _)| *c == code).map(|&(_, s)| s)
}

/// `code` itself if Antom documents it for this API, for labels that must stay bounded.
pub fn documented_code(code: &str) -> Option<&'static str> {
    DOCUMENTED.iter().find(|(c, _)| *c == code).map(|&(c, _)| c)
}

/// Every documented `(resultStatus, resultCode)` pair.
pub fn documented_results() -> impl Iterator<Item = (&'static str, &'static str)> {
    DOCUMENTED
        .iter()
        .map(|&(code, status)| (status.as_str(), code))
}

/// The result codes of `sendPaymentResult`, with the status Antom gives each.
const DOCUMENTED: [(&str, ResultStatus); 13] = [
    ("SUCCESS", ResultStatus::Success),
    ("REQUEST_TRAFFIC_EXCEED_LIMIT", ResultStatus::Unknown),
    ("UNKNOWN_EXCEPTION", ResultStatus::Unknown),
    ("ACCESS_DENIED", ResultStatus::Fail),
    ("INVALID_API", ResultStatus::Fail),
    ("INVALID_CONTRACT", ResultStatus::Fail),
    ("KEY_NOT_FOUND", ResultStatus::Fail),
    ("MERCHANT_KYB_NOT_QUALIFIED", ResultStatus::Fail),
    ("MERCHANT_NOT_REGISTERED", ResultStatus::Fail),
    ("NO_INTERFACE_DEF", ResultStatus::Fail),
    ("PARAM_ILLEGAL", ResultStatus::Fail),
    ("SIGNATURE_INVALID", ResultStatus::Fail),
    ("SYSTEM_ERROR", ResultStatus::Fail),
];

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
    /// Antom's public keys: a signed response verifies with one of them. None (API-key
    /// mode without `ANTOM_PUBLIC_KEY`): signatures are not checked.
    pub keys: &'a [VerifyingKey],
    /// Whether a success must be signed: in signature mode; not in API-key mode, where
    /// Antom's SDK accepts unsigned answers (TLS authenticates Antom).
    pub signed_success: bool,
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
    // API-key mode without ANTOM_PUBLIC_KEY: nothing to verify with, and Antom's SDK
    // accepts any answer; with a key, a fully signed answer is verified strictly.
    let lenient = !expect.signed_success;
    let headers = if lenient && expect.keys.is_empty() {
        (None, None)
    } else {
        (
            header("signature").transpose()?,
            header("response-time").transpose()?,
        )
    };
    let signed = match headers {
        (None, None) => false,
        (Some(_), None) | (None, Some(_)) if lenient => false,
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
            if !expect
                .keys
                .iter()
                .any(|k| k.verify(&content, &parsed.signature))
            {
                return Err(AntomError::BadSignature {
                    reason: "the signature does not verify with any key in ANTOM_PUBLIC_KEY(_FILE)",
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
    if !signed && expect.signed_success && result.result_status == ResultStatus::Success {
        return Err(AntomError::Unsigned {
            what: "a success (S) response carries no signature",
        });
    }
    Ok(result)
}

#[cfg(test)]
mod tests {
    use reqwest::header::HeaderValue;

    use super::*;
    use crate::{keys::GeneratedKeyPair, signing::signature_header};

    const PATH: &str = "/ams/api/v1/risk/payments/sendPaymentResult";
    const TIME: &str = "2026-11-27T08:15:30+00:00";

    fn body(status: &str) -> Vec<u8> {
        format!(
            r#"{{"result":{{"resultCode":"X","resultStatus":"{status}","resultMessage":"m"}}}}"#
        )
        .into_bytes()
    }

    fn signed(pair: &GeneratedKeyPair, body: &[u8]) -> HeaderMap {
        let sig = pair
            .signing_key()
            .sign(&content_to_sign("POST", PATH, "CID", TIME, body));
        headers(&[
            ("client-id", "CID"),
            ("response-time", TIME),
            ("signature", &signature_header("1", &sig)),
        ])
    }

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        pairs
            .iter()
            .map(|(k, v)| (*k, HeaderValue::from_str(v).expect("header")))
            .map(|(k, v)| (reqwest::header::HeaderName::from_static(k), v))
            .collect()
    }

    fn check(
        headers: &HeaderMap,
        body: &[u8],
        key: &VerifyingKey,
    ) -> Result<AntomResult, AntomError> {
        interpret(
            StatusCode::OK,
            headers,
            body,
            &Expect {
                path: PATH,
                client_id: "CID",
                keys: std::slice::from_ref(key),
                signed_success: true,
            },
        )
    }

    #[test]
    fn signature_policy() {
        let antom = GeneratedKeyPair::generate();
        let key = antom.verifying_key();
        for status in ["S", "F", "U"] {
            let b = body(status);
            assert!(
                check(&signed(&antom, &b), &b, &key).is_ok(),
                "signed {status}"
            );
        }
        // Unsigned: only F and U.
        assert!(matches!(
            check(&HeaderMap::new(), &body("S"), &key),
            Err(AntomError::Unsigned { .. })
        ));
        assert!(check(&HeaderMap::new(), &body("F"), &key).is_ok());
        assert!(check(&HeaderMap::new(), &body("U"), &key).is_ok());
        // One of the two headers only: rejected, whatever the status.
        for (name, value) in [
            ("signature", "algorithm=RSA256,keyVersion=1,signature=abc"),
            ("response-time", TIME),
        ] {
            let err = check(&headers(&[(name, value)]), &body("F"), &key).expect_err(name);
            assert!(matches!(err, AntomError::Unsigned { .. }), "{name}: {err}");
        }
        // Malformed, wrong algorithm, or not text.
        for value in ["garbage", "algorithm=RSA512,signature=abc"] {
            let h = headers(&[("signature", value), ("response-time", TIME)]);
            assert!(
                matches!(
                    check(&h, &body("F"), &key),
                    Err(AntomError::BadSignature { .. })
                ),
                "{value}"
            );
        }
        let mut h = headers(&[("response-time", TIME)]);
        h.insert(
            "signature",
            HeaderValue::from_bytes(b"\xff").expect("opaque bytes"),
        );
        assert!(matches!(
            check(&h, &body("F"), &key),
            Err(AntomError::BadSignature { .. })
        ));
    }

    #[test]
    fn signatures_bind_key_body_path_and_client_id() {
        let (antom, other) = (GeneratedKeyPair::generate(), GeneratedKeyPair::generate());
        let key = antom.verifying_key();
        let b = body("S");
        let err = check(&signed(&other, &b), &b, &key).expect_err("other key");
        assert!(matches!(err, AntomError::BadSignature { .. }));
        assert!(
            matches!(
                check(&signed(&antom, &b), &body("F"), &key),
                Err(AntomError::BadSignature { .. })
            ),
            "another body"
        );
        let wrong_path = interpret(
            StatusCode::OK,
            &signed(&antom, &b),
            &b,
            &Expect {
                path: "/other",
                client_id: "CID",
                keys: std::slice::from_ref(&key),
                signed_success: true,
            },
        );
        assert!(
            matches!(wrong_path, Err(AntomError::BadSignature { .. })),
            "another path"
        );
        // No client-id header: our own client ID is used in the content.
        let mut h = signed(&antom, &b);
        h.remove("client-id");
        assert!(check(&h, &b, &key).is_ok());
        let other_client = interpret(
            StatusCode::OK,
            &h,
            &b,
            &Expect {
                path: PATH,
                client_id: "OTHER",
                keys: std::slice::from_ref(&key),
                signed_success: true,
            },
        );
        assert!(
            matches!(other_client, Err(AntomError::BadSignature { .. })),
            "another client ID"
        );
    }

    #[test]
    fn api_key_mode_accepts_unsigned_answers_and_still_checks_signed_ones() {
        let (antom, other) = (GeneratedKeyPair::generate(), GeneratedKeyPair::generate());
        let key = antom.verifying_key();
        let api_key_mode = |h: &HeaderMap, b: &[u8], keys: &[VerifyingKey]| {
            let expect = Expect {
                path: PATH,
                client_id: "CID",
                keys,
                signed_success: false,
            };
            interpret(StatusCode::OK, h, b, &expect)
        };
        let b = body("S");
        assert!(api_key_mode(&HeaderMap::new(), &b, std::slice::from_ref(&key)).is_ok());
        assert!(api_key_mode(&signed(&antom, &b), &b, std::slice::from_ref(&key)).is_ok());
        let forged = api_key_mode(&signed(&other, &b), &b, std::slice::from_ref(&key));
        assert!(
            matches!(forged, Err(AntomError::BadSignature { .. })),
            "a key: strict"
        );
        // No ANTOM_PUBLIC_KEY: nothing to check a signature with, as in Antom's SDK.
        assert!(api_key_mode(&signed(&other, &b), &b, &[]).is_ok());
        // Half signed (a response-time, no signature): accepted as the SDK would.
        let mut half = signed(&antom, &b);
        half.remove("signature");
        assert!(api_key_mode(&half, &b, std::slice::from_ref(&key)).is_ok());
        // Signature mode: an unsigned success is still refused.
        let unsigned = check(&HeaderMap::new(), &b, &key);
        assert!(matches!(unsigned, Err(AntomError::Unsigned { .. })));
    }

    #[test]
    fn status_and_body_problems() {
        let antom = GeneratedKeyPair::generate();
        let key = antom.verifying_key();
        let err = interpret(
            StatusCode::BAD_GATEWAY,
            &HeaderMap::new(),
            b"",
            &Expect {
                path: PATH,
                client_id: "CID",
                keys: std::slice::from_ref(&key),
                signed_success: true,
            },
        );
        assert!(matches!(err, Err(AntomError::HttpStatus { status: 502 })));
        for b in [
            &b"not json"[..],
            br#"{"result":{"resultCode":"X"}}"#,
            br#"{"result":{"resultCode":"X","resultStatus":"Q"}}"#,
        ] {
            assert!(
                matches!(
                    check(&signed(&antom, b), b, &key),
                    Err(AntomError::Malformed { .. })
                ),
                "{}",
                String::from_utf8_lossy(b)
            );
        }
    }
}
