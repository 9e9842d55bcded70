//! `decide`'s answer: Antom's `result` plus its `decision` and `authenticationDecision`,
//! each a known value or, for a value Antom adds later, the raw string (never an error).

use serde::Deserialize;

use super::{AntomError, AntomResult, FromAnswer};

/// The longest raw value kept: Antom's values are short words; anything longer is cut
/// (and, being no known value, is [`Decision::Unknown`]).
pub const MAX_RAW_CHARS: usize = 64;

/// Antom's `decision`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Decision {
    /// `ACCEPT`: accept the payment.
    Accept,
    /// `REJECT`: reject it.
    Reject,
    /// A value this version does not know, as received (cut to `MAX_RAW_CHARS`).
    Unknown(String),
}

impl Decision {
    /// The value exactly as Antom sent it (cut to `MAX_RAW_CHARS`).
    pub fn raw(&self) -> &str {
        match self {
            Self::Accept => "ACCEPT",
            Self::Reject => "REJECT",
            Self::Unknown(raw) => raw,
        }
    }

    fn parse(raw: &str) -> Self {
        match raw {
            "ACCEPT" => Self::Accept,
            "REJECT" => Self::Reject,
            other => Self::Unknown(cut(other)),
        }
    }
}

/// Antom's `authenticationDecision`: its advice on 3D Secure.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AuthenticationDecision {
    /// `3D`: authenticate the payment with 3D Secure.
    ThreeD,
    /// `NON_3D`: no 3D Secure authentication advised.
    Non3D,
    /// A value this version does not know, as received (cut to `MAX_RAW_CHARS`).
    Unknown(String),
}

impl AuthenticationDecision {
    /// The value exactly as Antom sent it (cut to `MAX_RAW_CHARS`).
    pub fn raw(&self) -> &str {
        match self {
            Self::ThreeD => "3D",
            Self::Non3D => "NON_3D",
            Self::Unknown(raw) => raw,
        }
    }

    fn parse(raw: &str) -> Self {
        match raw {
            "3D" => Self::ThreeD,
            "NON_3D" => Self::Non3D,
            other => Self::Unknown(cut(other)),
        }
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

/// The part of the body beyond `result`. A value that is not a string (or null) fails
/// to parse: a malformed answer.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Body {
    #[serde(default)]
    decision: Option<String>,
    #[serde(default)]
    authentication_decision: Option<String>,
}

impl FromAnswer for DecideAnswer {
    fn from_answer(result: AntomResult, body: &[u8]) -> Result<Self, AntomError> {
        let malformed = |reason: String| AntomError::Malformed { reason };
        let body: Body =
            serde_json::from_slice(body).map_err(|e| malformed(format!("decide's answer: {e}")))?;
        let decision = match body.decision.as_deref() {
            None | Some("") => return Err(malformed("a SUCCESS without a decision".into())),
            Some(raw) => Decision::parse(raw),
        };
        let authentication_decision = (body.authentication_decision.as_deref())
            .filter(|raw| !raw.is_empty())
            .map(AuthenticationDecision::parse);
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
    fn a_success_without_a_string_decision_is_malformed() {
        for tail in [
            "",
            r#","decision":null"#,
            r#","decision":"""#,
            r#","decision":1"#,
            r#","decision":{"value":"ACCEPT"}"#,
            r#","decision":"ACCEPT","authenticationDecision":3"#,
        ] {
            let err = parse(&format!("{{{RESULT}{tail}}}")).expect_err(tail);
            assert!(matches!(err, AntomError::Malformed { .. }), "{tail}: {err}");
            assert_eq!(err.reason(), Some("UPSTREAM_MALFORMED_RESPONSE"));
        }
    }
}
