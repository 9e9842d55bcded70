//! Inputs shared by the benchmarks: a payment with every field set, and the content a
//! request for it signs; and ([`process`]) child processes measured from `/proc`.

// Used by the benchmarks that run the sidecar as a process (`overhead`, `process`).
#[allow(dead_code)]
pub mod h2load;
#[allow(dead_code)]
pub mod process;

use std::time::{SystemTime, UNIX_EPOCH};

use antom_sidecar::{antom::PAYMENT_RESULT_PATH, payment::PaymentResult, pb, signing};

/// `Client-Id` of the benchmarks' merchant.
pub const CLIENT_ID: &str = "SANDBOX_5YBZ1A2Y2JAB04567";

/// A request with every field set, values shaped like real ones.
pub fn full_request(id: &str) -> pb::SendPaymentResultRequest {
    pb::SendPaymentResultRequest {
        reference_transaction_id: id.into(),
        payment_status: pb::PaymentStatus::Fail.into(),
        authorization_error: Some(pb::AuthorizationError {
            error_code: "05".into(),
            error_message: "Do not honour".into(),
        }),
        card_verification_result: Some(pb::CardVerificationResult {
            authentication_type: pb::AuthenticationType::AuthenticationType3d.into(),
            authentication_method: "OTP".into(),
            cvv_result: "Y".into(),
            avs_result: "A".into(),
            authorization_code: "10000".into(),
            three_ds_result: Some(pb::ThreeDsResult {
                three_ds_version: "2.2.0".into(),
                three_ds_interaction_mode: pb::ThreeDsInteractionMode::Challenged.into(),
                eci: "05".into(),
                cavv: "AAABBEg0VhI0VniQEjRWAAAAAAA=".into(),
            }),
        }),
        payment_method_provider: "MASTERCARD".into(),
    }
}

/// [`full_request`] as the domain payment the sidecar converts it to.
pub fn full_payment() -> PaymentResult {
    PaymentResult::try_from(full_request("bench-c32-0000012345"))
        .expect("the benchmark's full request is valid")
}

/// What a request for [`full_payment`] signs: request line, client ID, a millisecond
/// time and the wire body.
pub fn content_to_sign() -> Vec<u8> {
    let time = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_millis()
        .to_string();
    signing::content_to_sign(
        "POST",
        PAYMENT_RESULT_PATH,
        CLIENT_ID,
        &time,
        &full_payment().to_wire(),
    )
}
