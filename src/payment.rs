//! The payment result Antom is told about (`sendPaymentResult`), as a domain type that
//! knows nothing of protobuf, and its wire form (see [`crate::wire`]). Field order
//! follows Antom's SDK samples.

use serde::Serialize;

use crate::secret::{redact_some, redacted_debug};

/// Body of `sendPaymentResult`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PaymentResult {
    /// The merchant's ID of the transaction (max 64 characters).
    pub reference_transaction_id: String,
    /// Final state of the payment.
    pub payment_status: PaymentStatus,
    /// Why the authorization failed, when it did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub authorization_error: Option<AuthorizationError>,
    /// The payment method provider, e.g. `VISA`.
    pub payment_method_provider: String,
    /// Card verification result.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub card_verification_result: Option<CardVerificationResult>,
}

impl PaymentResult {
    /// The exact bytes sent to Antom (and signed).
    pub fn to_wire(&self) -> Vec<u8> {
        crate::wire::to_json(self)
    }
}

/// `paymentStatus`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum PaymentStatus {
    /// `SUCCESS`.
    #[serde(rename = "SUCCESS")]
    Success,
    /// `FAIL`.
    #[serde(rename = "FAIL")]
    Fail,
}

/// `authorizationError`.
#[derive(Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AuthorizationError {
    /// `errorCode`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_code: Option<String>,
    /// `errorMessage`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_message: Option<String>,
}

// Each `Debug` below destructures `self` whole (see [`redacted_debug`]), so that a new
// field fails to compile here until it is printed or hidden.

redacted_debug!(
    /// Hides `error_message`; prints `error_code`.
    AuthorizationError {
        error_code,
        error_message => redact_some,
    }
);

/// `cardVerificationResult`.
#[derive(Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CardVerificationResult {
    /// `authenticationType`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub authentication_type: Option<AuthenticationType>,
    /// `authenticationMethod`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub authentication_method: Option<String>,
    /// `cvvResult`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cvv_result: Option<String>,
    /// `avsResult`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub avs_result: Option<String>,
    /// `authorizationCode`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub authorization_code: Option<String>,
    /// `threeDSResult`.
    #[serde(rename = "threeDSResult", skip_serializing_if = "Option::is_none")]
    pub three_ds_result: Option<ThreeDsResult>,
}

redacted_debug!(
    /// Hides `cvv_result` and `authorization_code`.
    CardVerificationResult {
        authentication_type,
        authentication_method,
        cvv_result => redact_some,
        avs_result,
        authorization_code => redact_some,
        three_ds_result,
    }
);

/// `authenticationType`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum AuthenticationType {
    /// `3D`.
    #[serde(rename = "3D")]
    ThreeD,
    /// `NON_3D`.
    #[serde(rename = "NON_3D")]
    NonThreeD,
}

/// `threeDSResult`.
#[derive(Clone, Default, PartialEq, Eq, Serialize)]
pub struct ThreeDsResult {
    /// `threeDSVersion`.
    #[serde(rename = "threeDSVersion", skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// `threeDSInteractionMode`.
    #[serde(
        rename = "threeDSInteractionMode",
        skip_serializing_if = "Option::is_none"
    )]
    pub interaction_mode: Option<InteractionMode>,
    /// `eci`: a string, `05` keeps its zero.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub eci: Option<String>,
    /// `cavv`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cavv: Option<String>,
}

redacted_debug!(
    /// Hides `eci` and `cavv`.
    ThreeDsResult {
        version,
        interaction_mode,
        eci => redact_some,
        cavv => redact_some,
    }
);

/// `threeDSInteractionMode`; both spellings of "challenged" are in use at Antom.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum InteractionMode {
    /// `FRICTIONLESS`.
    Frictionless,
    /// `CHALLENGE` (Java SDK).
    Challenge,
    /// `CHALLENGED` (docs sample).
    Challenged,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_hides_cavv_eci_cvv_result_authorization_code_and_error_message() {
        let result = PaymentResult {
            reference_transaction_id: "tx-debug-1".into(),
            payment_status: PaymentStatus::Fail,
            authorization_error: Some(AuthorizationError {
                error_code: Some("05".into()),
                error_message: Some("Do not honour card 4111".into()),
            }),
            payment_method_provider: "VISA".into(),
            card_verification_result: Some(CardVerificationResult {
                authentication_type: Some(AuthenticationType::ThreeD),
                authentication_method: Some("OTP".into()),
                cvv_result: Some("CVV-Yq7".into()),
                avs_result: Some("AVS-Zq7".into()),
                authorization_code: Some("AUTH-10000".into()),
                three_ds_result: Some(ThreeDsResult {
                    version: Some("2.2.0".into()),
                    interaction_mode: Some(InteractionMode::Challenged),
                    eci: Some("ECI-05".into()),
                    cavv: Some("AAABBBCCC=".into()),
                }),
            }),
        };
        let debug = format!("{result:?}");
        for secret in [
            "Do not honour",
            "CVV-Yq7",
            "AUTH-10000",
            "ECI-05",
            "AAABBBCCC=",
        ] {
            assert!(!debug.contains(secret), "{secret} in {debug}");
        }
        for shown in [
            "error_code: Some(\"05\")",
            "error_message: Some(\"<redacted>\")",
            "authentication_type: Some(ThreeD)",
            "authentication_method: Some(\"OTP\")",
            "cvv_result: Some(\"<redacted>\")",
            "avs_result: Some(\"AVS-Zq7\")",
            "authorization_code: Some(\"<redacted>\")",
            "version: Some(\"2.2.0\")",
            "interaction_mode: Some(Challenged)",
            "eci: Some(\"<redacted>\")",
            "cavv: Some(\"<redacted>\")",
            "\"tx-debug-1\"",
            "\"VISA\"",
        ] {
            assert!(debug.contains(shown), "{shown} not in {debug}");
        }
        // The wire form, which Antom needs, still carries every value.
        let wire = String::from_utf8(result.to_wire()).expect("UTF-8");
        assert!(
            wire.contains("AAABBBCCC=") && wire.contains("CVV-Yq7"),
            "{wire}"
        );
        let unset = format!("{:?}", CardVerificationResult::default());
        assert!(unset.contains("cvv_result: None"), "{unset}");
    }
}
