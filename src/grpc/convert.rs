//! Protobuf ⇄ domain. Requests become a [`PaymentResult`], validated before the network:
//! required fields, lengths in characters, enum values, no control characters, every
//! violation reported and named by its proto path. Antom's result becomes the response.

use crate::{
    antom::{AntomResult, ResultStatus},
    payment::{
        AuthenticationType, AuthorizationError, CardVerificationResult, InteractionMode,
        PaymentResult, PaymentStatus, ThreeDsResult,
    },
    pb,
};

/// One bad field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldViolation {
    /// Proto path, e.g. `card_verification_result.three_ds_result.eci`.
    pub field: String,
    /// What is wrong with it.
    pub description: String,
}

/// A request that breaks the API's rules; nothing was sent to Antom.
#[derive(Debug, thiserror::Error)]
#[error("invalid request: {}", .violations.iter().map(|v| format!("{}: {}", v.field, v.description)).collect::<Vec<_>>().join("; "))]
pub struct InvalidRequest {
    /// Every violation found.
    pub violations: Vec<FieldViolation>,
}

/// Collects violations while converting.
#[derive(Default)]
struct Check {
    violations: Vec<FieldViolation>,
}

impl Check {
    fn violation(&mut self, field: &str, description: impl Into<String>) {
        self.violations.push(FieldViolation {
            field: field.to_owned(),
            description: description.into(),
        });
    }

    /// An optional text field: empty means absent.
    fn text(&mut self, field: &str, value: String, max_chars: usize) -> Option<String> {
        if value.is_empty() {
            return None;
        }
        let chars = value.chars().count();
        if chars > max_chars {
            self.violation(
                field,
                format!("must be at most {max_chars} characters, got {chars}"),
            );
        }
        if let Some(pos) = value.chars().position(char::is_control) {
            self.violation(
                field,
                format!(
                    "must not contain control characters (found one at character {})",
                    pos + 1
                ),
            );
        }
        Some(value)
    }

    fn required_text(&mut self, field: &str, value: String, max_chars: usize) -> String {
        self.text(field, value, max_chars).unwrap_or_else(|| {
            self.violation(field, "is required");
            String::new()
        })
    }

    /// An enum: `Ok(None)` for UNSPECIFIED, a violation for numbers the proto doesn't define.
    fn enumeration<P, D>(
        &mut self,
        field: &str,
        raw: i32,
        map: impl Fn(P) -> Option<D>,
    ) -> Option<D>
    where
        P: TryFrom<i32>,
    {
        match P::try_from(raw) {
            Ok(p) => map(p),
            Err(_) => {
                self.violation(field, format!("{raw} is not a known value"));
                None
            }
        }
    }
}

impl TryFrom<pb::SendPaymentResultRequest> for PaymentResult {
    type Error = InvalidRequest;

    fn try_from(req: pb::SendPaymentResultRequest) -> Result<Self, Self::Error> {
        let mut c = Check::default();
        let reference_transaction_id =
            c.required_text("reference_transaction_id", req.reference_transaction_id, 64);
        let payment_status = c.enumeration("payment_status", req.payment_status, |s| match s {
            pb::PaymentStatus::Unspecified => None,
            pb::PaymentStatus::Success => Some(PaymentStatus::Success),
            pb::PaymentStatus::Fail => Some(PaymentStatus::Fail),
        });
        if payment_status.is_none() && pb::PaymentStatus::try_from(req.payment_status).is_ok() {
            c.violation(
                "payment_status",
                "is required (PAYMENT_STATUS_SUCCESS or PAYMENT_STATUS_FAIL)",
            );
        }
        let authorization_error = req.authorization_error.and_then(|e| {
            let e = AuthorizationError {
                error_code: c.text("authorization_error.error_code", e.error_code, 64),
                error_message: c.text("authorization_error.error_message", e.error_message, 256),
            };
            (e != AuthorizationError::default()).then_some(e)
        });
        let payment_method_provider =
            c.required_text("payment_method_provider", req.payment_method_provider, 64);
        let card_verification_result = req
            .card_verification_result
            .and_then(|v| card_verification(&mut c, v));
        match (c.violations.is_empty(), payment_status) {
            (true, Some(payment_status)) => Ok(Self {
                reference_transaction_id,
                payment_status,
                authorization_error,
                payment_method_provider,
                card_verification_result,
            }),
            _ => Err(InvalidRequest {
                violations: c.violations,
            }),
        }
    }
}

fn card_verification(
    c: &mut Check,
    v: pb::CardVerificationResult,
) -> Option<CardVerificationResult> {
    const P: &str = "card_verification_result";
    let v = CardVerificationResult {
        authentication_type: c.enumeration(
            &format!("{P}.authentication_type"),
            v.authentication_type,
            |t| match t {
                pb::AuthenticationType::Unspecified => None,
                pb::AuthenticationType::AuthenticationType3d => Some(AuthenticationType::ThreeD),
                pb::AuthenticationType::Non3d => Some(AuthenticationType::NonThreeD),
            },
        ),
        authentication_method: c.text(
            &format!("{P}.authentication_method"),
            v.authentication_method,
            64,
        ),
        cvv_result: c.text(&format!("{P}.cvv_result"), v.cvv_result, 16),
        avs_result: c.text(&format!("{P}.avs_result"), v.avs_result, 16),
        authorization_code: c.text(&format!("{P}.authorization_code"), v.authorization_code, 64),
        three_ds_result: v.three_ds_result.and_then(|t| three_ds(c, t)),
    };
    (v != CardVerificationResult::default()).then_some(v)
}

fn three_ds(c: &mut Check, t: pb::ThreeDsResult) -> Option<ThreeDsResult> {
    const P: &str = "card_verification_result.three_ds_result";
    let t = ThreeDsResult {
        version: c.text(&format!("{P}.three_ds_version"), t.three_ds_version, 16),
        interaction_mode: c.enumeration(
            &format!("{P}.three_ds_interaction_mode"),
            t.three_ds_interaction_mode,
            |m| match m {
                pb::ThreeDsInteractionMode::Unspecified => None,
                pb::ThreeDsInteractionMode::Frictionless => Some(InteractionMode::Frictionless),
                pb::ThreeDsInteractionMode::Challenge => Some(InteractionMode::Challenge),
                pb::ThreeDsInteractionMode::Challenged => Some(InteractionMode::Challenged),
            },
        ),
        eci: c.text(&format!("{P}.eci"), t.eci, 8),
        cavv: c.text(&format!("{P}.cavv"), t.cavv, 128),
    };
    (t != ThreeDsResult::default()).then_some(t)
}

impl From<AntomResult> for pb::SendPaymentResultResponse {
    fn from(r: AntomResult) -> Self {
        let status = match r.result_status {
            ResultStatus::Success => pb::ResultStatus::Success,
            ResultStatus::Fail => pb::ResultStatus::Fail,
            ResultStatus::Unknown => pb::ResultStatus::Unknown,
        };
        Self {
            result_code: r.result_code,
            result_status: status.into(),
            result_message: r.result_message,
        }
    }
}
