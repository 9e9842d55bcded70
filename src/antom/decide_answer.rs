//! `decide`'s answer: Antom's `result` plus its `decision` and `authenticationDecision`,
//! each a known value or, for a value Antom adds later, the raw string (never an error;
//! a value that is not a JSON string arrives as its JSON text).

use serde::Deserialize;
use serde_json::Value;

use super::{AntomError, AntomResult, FromAnswer};

/// The longest raw value kept: Antom's values are short words; anything longer is cut
/// (and, being no known value, is [`Decision::Unknown`]).
pub const MAX_RAW_CHARS: usize = 64;

/// An enum of Antom's known string values plus `Unknown`, with `raw` (the value as Antom
/// sent it) and `from_json` (never an error: an unknown or non-string value is `Unknown`).
macro_rules! antom_values {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident = $wire:literal,)+ }) => {
        $(#[$doc])*
        #[derive(Clone, Debug, PartialEq, Eq)]
        pub enum $name {
            $($(#[$vdoc])* $variant,)+
            /// A value this version does not know, as received (cut to `MAX_RAW_CHARS`);
            /// a value that is not a JSON string (e.g. `3`, `true`), as its JSON text.
            Unknown(String),
        }

        impl $name {
            /// The value exactly as Antom sent it (cut to `MAX_RAW_CHARS`).
            pub fn raw(&self) -> &str {
                match self {
                    $(Self::$variant => $wire,)+
                    Self::Unknown(raw) => raw,
                }
            }

            /// The value of a JSON field; `None` when absent, null or "".
            fn from_json(value: Option<Value>) -> Option<Self> {
                Some(match value? {
                    Value::Null => return None,
                    Value::String(s) if s.is_empty() => return None,
                    $(Value::String(s) if s == $wire => Self::$variant,)+
                    Value::String(other) => Self::Unknown(cut(&other)),
                    other => Self::Unknown(cut(&other.to_string())),
                })
            }
        }
    };
}

antom_values! {
    /// Antom's `decision`.
    Decision {
        /// `ACCEPT`: accept the payment.
        Accept = "ACCEPT",
        /// `REJECT`: reject it.
        Reject = "REJECT",
    }
}

antom_values! {
    /// Antom's `authenticationDecision`: its advice on 3D Secure.
    AuthenticationDecision {
        /// `3D`: authenticate the payment with 3D Secure.
        ThreeD = "3D",
        /// `NON_3D`: no 3D Secure authentication advised.
        Non3D = "NON_3D",
    }
}

/// Antom's verified SUCCESS answer to `decide`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DecideAnswer {
    /// `result`.
    pub result: AntomResult,
    /// `decision`: always there in a SUCCESS (an answer without one is malformed, since
    /// an OK without a decision would be ambiguous to act on).
    pub decision: Decision,
    /// `authenticationDecision`, when Antom sent one (not with every decision).
    pub authentication_decision: Option<AuthenticationDecision>,
}

/// The part of the body beyond `result`, each value as any JSON (a value that is not a
/// string is `Unknown`, never an error).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Body {
    #[serde(default)]
    decision: Option<Value>,
    #[serde(default)]
    authentication_decision: Option<Value>,
}

impl FromAnswer for DecideAnswer {
    fn from_answer(result: AntomResult, body: &[u8]) -> Result<Self, AntomError> {
        let malformed = |reason: String| AntomError::Malformed { reason };
        let body: Body =
            serde_json::from_slice(body).map_err(|e| malformed(format!("decide's answer: {e}")))?;
        let decision = Decision::from_json(body.decision)
            .ok_or_else(|| malformed("a SUCCESS without a decision".into()))?;
        let authentication_decision =
            AuthenticationDecision::from_json(body.authentication_decision);
        Ok(Self {
            result,
            decision,
            authentication_decision,
        })
    }
}

/// `raw`, cut to `MAX_RAW_CHARS` characters.
fn cut(raw: &str) -> String {
    raw.chars().take(MAX_RAW_CHARS).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::antom::ResultStatus;

    fn success() -> AntomResult {
        AntomResult {
            result_code: "SUCCESS".into(),
            result_status: ResultStatus::Success,
            result_message: "success".into(),
        }
    }

    fn parse(body: &str) -> Result<DecideAnswer, AntomError> {
        DecideAnswer::from_answer(success(), body.as_bytes())
    }

    const RESULT: &str =
        r#""result":{"resultCode":"SUCCESS","resultStatus":"S","resultMessage":"success"}"#;

    #[test]
    fn known_values() {
        let answer = parse(&format!(
            r#"{{{RESULT},"decision":"ACCEPT","authenticationDecision":"3D"}}"#
        ))
        .expect("valid");
        assert_eq!(answer.result, success());
        assert_eq!(answer.decision, Decision::Accept);
        assert_eq!(
            answer.authentication_decision,
            Some(AuthenticationDecision::ThreeD)
        );
        let answer = parse(&format!(
            r#"{{{RESULT},"decision":"REJECT","authenticationDecision":"NON_3D"}}"#
        ))
        .expect("valid");
        assert_eq!(answer.decision, Decision::Reject);
        assert_eq!(
            answer.authentication_decision,
            Some(AuthenticationDecision::Non3D)
        );
        // No authentication decision: none (null and "" alike).
        for auth in [
            "",
            r#","authenticationDecision":null"#,
            r#","authenticationDecision":"""#,
        ] {
            let answer = parse(&format!(r#"{{{RESULT},"decision":"ACCEPT"{auth}}}"#)).expect(auth);
            assert_eq!(answer.authentication_decision, None, "{auth}");
        }
    }

    #[test]
    fn values_added_later_arrive_raw_never_as_errors() {
        let answer = parse(&format!(
            r#"{{{RESULT},"decision":"CHALLENGE","authenticationDecision":"PASSKEY","more":{{"x":1}}}}"#
        ))
        .expect("an unknown value is no error");
        assert_eq!(answer.decision, Decision::Unknown("CHALLENGE".into()));
        assert_eq!(answer.decision.raw(), "CHALLENGE");
        assert_eq!(
            answer.authentication_decision,
            Some(AuthenticationDecision::Unknown("PASSKEY".into()))
        );
        // Compared exactly: another case is another value.
        let answer = parse(&format!(r#"{{{RESULT},"decision":"accept"}}"#)).expect("valid");
        assert_eq!(answer.decision, Decision::Unknown("accept".into()));
        // A long value is cut to 64 characters.
        let long = "Ä".repeat(100);
        let answer = parse(&format!(r#"{{{RESULT},"decision":"{long}"}}"#)).expect("valid");
        assert_eq!(answer.decision.raw(), "Ä".repeat(64));
    }

    #[test]
    fn non_string_values_arrive_as_their_json_text_never_as_errors() {
        for (value, raw) in [
            ("3", "3"),
            ("true", "true"),
            ("1.5", "1.5"),
            (r#"{"value":"ACCEPT"}"#, r#"{"value":"ACCEPT"}"#),
            (r#"[ "3D" ]"#, r#"["3D"]"#),
        ] {
            let answer = parse(&format!(
                r#"{{{RESULT},"decision":{value},"authenticationDecision":{value}}}"#
            ))
            .expect(value);
            assert_eq!(answer.decision, Decision::Unknown(raw.into()), "{value}");
            assert_eq!(
                answer.authentication_decision,
                Some(AuthenticationDecision::Unknown(raw.into())),
                "{value}"
            );
        }
        // A long one is cut to 64 characters too.
        let long = format!("[{}]", ["1"; 100].join(","));
        let answer = parse(&format!(
            r#"{{{RESULT},"decision":"ACCEPT","authenticationDecision":{long}}}"#
        ))
        .expect("valid");
        let raw = answer.authentication_decision.expect("present");
        assert_eq!(raw.raw(), &long[..64]);
    }

    #[test]
    fn a_success_without_a_decision_is_malformed() {
        for tail in [
            "",
            r#","decision":null"#,
            r#","decision":"""#,
            r#","authenticationDecision":"3D""#,
        ] {
            let err = parse(&format!("{{{RESULT}{tail}}}")).expect_err(tail);
            assert!(matches!(err, AntomError::Malformed { .. }), "{tail}: {err}");
            assert_eq!(err.reason(), Some("UPSTREAM_MALFORMED_RESPONSE"));
        }
        // A body that is no JSON object is malformed too.
        for body in ["", "[]", "null", "{"] {
            let err = parse(body).expect_err(body);
            assert!(matches!(err, AntomError::Malformed { .. }), "{body}: {err}");
        }
    }
}
