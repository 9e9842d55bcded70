//! The payment result Antom is told about (`sendPaymentResult`), as a domain type that
//! knows nothing of protobuf, and its wire form (see [`crate::wire`]). Field order
//! follows Antom's SDK samples.

use serde::Serialize;

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
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AuthorizationError {
    /// `errorCode`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_code: Option<String>,
    /// `errorMessage`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_message: Option<String>,
}

/// `cardVerificationResult`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
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
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
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
