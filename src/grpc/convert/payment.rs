//! `SendPaymentResultRequest` → [`PaymentResult`].

use super::{Check, InvalidRequest};
use crate::{
    payment::{
        AuthenticationType, AuthorizationError, CardVerificationResult, InteractionMode,
        PaymentResult, PaymentStatus, ThreeDsResult,
    },
    pb,
};

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
        c.finish(|| {
            Some(Self {
                reference_transaction_id,
                payment_status: payment_status?,
                authorization_error,
                payment_method_provider,
                card_verification_result,
            })
        })
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
