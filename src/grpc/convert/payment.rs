//! `SendPaymentResultRequest` → [`PaymentResult`].

use super::{
    Check, InvalidRequest,
    fields::{Fields, Path, from_pb},
};
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
        let authorization_error = Fields::new(&mut c, Path::Root)
            .nested(
                "authorization_error",
                req.authorization_error,
                authorization_error,
            )
            .filter(|e| *e != AuthorizationError::default());
        let payment_method_provider =
            c.required_text("payment_method_provider", req.payment_method_provider, 64);
        let card_verification_result = Fields::new(&mut c, Path::Root)
            .nested(
                "card_verification_result",
                req.card_verification_result,
                card_verification,
            )
            .and_then(pruned);
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

/// Empty parts are left out here, as before Decide reused the message.
fn pruned(v: CardVerificationResult) -> Option<CardVerificationResult> {
    let v = CardVerificationResult {
        three_ds_result: v.three_ds_result.filter(|t| *t != ThreeDsResult::default()),
        ..v
    };
    (v != CardVerificationResult::default()).then_some(v)
}

/// `AuthorizationError`, every part set kept (the request leaves out one with none set).
fn authorization_error(mut f: Fields<'_>, e: pb::AuthorizationError) -> AuthorizationError {
    AuthorizationError {
        error_code: f.text("error_code", e.error_code, 64),
        error_message: f.text("error_message", e.error_message, 256),
    }
}

/// `CardVerificationResult`, at its path in any request; every part set is kept.
pub(super) fn card_verification(
    mut f: Fields<'_>,
    v: pb::CardVerificationResult,
) -> CardVerificationResult {
    CardVerificationResult {
        authentication_type: f.choice("authentication_type", v.authentication_type),
        authentication_method: f.text("authentication_method", v.authentication_method, 64),
        cvv_result: f.text("cvv_result", v.cvv_result, 16),
        avs_result: f.text("avs_result", v.avs_result, 16),
        authorization_code: f.text("authorization_code", v.authorization_code, 64),
        three_ds_result: f.nested("three_ds_result", v.three_ds_result, three_ds),
    }
}

fn three_ds(mut f: Fields<'_>, t: pb::ThreeDsResult) -> ThreeDsResult {
    ThreeDsResult {
        version: f.text("three_ds_version", t.three_ds_version, 16),
        interaction_mode: f.choice("three_ds_interaction_mode", t.three_ds_interaction_mode),
        eci: f.text("eci", t.eci, 8),
        cavv: f.text("cavv", t.cavv, 128),
    }
}

from_pb! {
    AuthenticationType => AuthenticationType {
        AuthenticationType3d => ThreeD,
        Non3d => NonThreeD,
    }
    ThreeDsInteractionMode => InteractionMode {
        Frictionless => Frictionless,
        Challenge => Challenge,
        Challenged => Challenged,
    }
}
