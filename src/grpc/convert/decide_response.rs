//! `decide`'s answer as `DecideResponse`: each decision as its enum and its raw string,
//! a value this version does not know as `*_UNKNOWN_VALUE` with the string alongside.

use super::result_status;
use crate::{
    antom::{AuthenticationDecision, DecideAnswer, Decision},
    pb,
};

impl From<DecideAnswer> for pb::DecideResponse {
    fn from(answer: DecideAnswer) -> Self {
        let (authentication_decision, authentication_decision_raw) =
            match &answer.authentication_decision {
                None => (pb::AuthenticationDecision::Unspecified, String::new()),
                Some(a) => (authentication_decision(a), a.raw().to_owned()),
            };
        let result = answer.result;
        Self {
            result_code: result.result_code,
            result_status: result_status(result.result_status).into(),
            result_message: result.result_message,
            decision: decision(&answer.decision).into(),
            decision_raw: answer.decision.raw().to_owned(),
            authentication_decision: authentication_decision.into(),
            authentication_decision_raw,
        }
    }
}

fn decision(decision: &Decision) -> pb::Decision {
    match decision {
        Decision::Accept => pb::Decision::Accept,
        Decision::Reject => pb::Decision::Reject,
        Decision::Unknown(_) => pb::Decision::UnknownValue,
    }
}

fn authentication_decision(decision: &AuthenticationDecision) -> pb::AuthenticationDecision {
    match decision {
        AuthenticationDecision::ThreeD => pb::AuthenticationDecision::AuthenticationDecision3d,
        AuthenticationDecision::Non3D => pb::AuthenticationDecision::Non3d,
        AuthenticationDecision::Unknown(_) => pb::AuthenticationDecision::UnknownValue,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::antom::{AntomResult, ResultStatus};

    fn answer(decision: Decision, auth: Option<AuthenticationDecision>) -> pb::DecideResponse {
        DecideAnswer {
            result: AntomResult {
                result_code: "SUCCESS".into(),
                result_status: ResultStatus::Success,
                result_message: "success".into(),
            },
            decision,
            authentication_decision: auth,
        }
        .into()
    }

    #[test]
    fn known_values_carry_their_raw_string_too() {
        let r = answer(Decision::Accept, Some(AuthenticationDecision::ThreeD));
        assert_eq!(r.result_code, "SUCCESS");
        assert_eq!(r.result_status(), pb::ResultStatus::Success);
        assert_eq!(r.result_message, "success");
        assert_eq!(r.decision(), pb::Decision::Accept);
        assert_eq!(r.decision_raw, "ACCEPT");
        assert_eq!(
            r.authentication_decision(),
            pb::AuthenticationDecision::AuthenticationDecision3d
        );
        assert_eq!(r.authentication_decision_raw, "3D");
        let r = answer(Decision::Reject, Some(AuthenticationDecision::Non3D));
        assert_eq!(r.decision(), pb::Decision::Reject);
        assert_eq!(r.decision_raw, "REJECT");
        assert_eq!(
            r.authentication_decision(),
            pb::AuthenticationDecision::Non3d
        );
        assert_eq!(r.authentication_decision_raw, "NON_3D");
    }

    #[test]
    fn unknown_and_absent_values() {
        let r = answer(
            Decision::Unknown("CHALLENGE".into()),
            Some(AuthenticationDecision::Unknown("PASSKEY".into())),
        );
        assert_eq!(r.decision(), pb::Decision::UnknownValue);
        assert_eq!(r.decision_raw, "CHALLENGE");
        assert_eq!(
            r.authentication_decision(),
            pb::AuthenticationDecision::UnknownValue
        );
        assert_eq!(r.authentication_decision_raw, "PASSKEY");
        let r = answer(Decision::Accept, None);
        assert_eq!(
            r.authentication_decision(),
            pb::AuthenticationDecision::Unspecified
        );
        assert_eq!(r.authentication_decision_raw, "");
    }
}
