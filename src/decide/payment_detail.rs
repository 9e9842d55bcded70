//! How a decided transaction is paid (`paymentDetails[]`): the amount, the payment
//! method and its card data. The card data's `Debug` hides the card number, the expiry
//! and the CPF, so that no log line can carry them.

use serde::Serialize;

use super::{Address, UserName};
use crate::{
    payment::CardVerificationResult,
    secret::{redact_some, redacted_debug},
    wire::Amount,
};

/// `paymentDetails[]`. Every field optional: `{}` when none is set.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PaymentDetail {
    /// `amount`: paid this way.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub amount: Option<Amount>,
    /// `paymentMethod`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payment_method: Option<PaymentMethod>,
}

/// `paymentMethod`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PaymentMethod {
    /// `paymentMethodType` (max 64 characters), e.g. `CARD`: Antom's list is long and
    /// grows, so a string.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payment_method_type: Option<String>,
    /// `paymentMethodId` (max 128 characters), e.g. a card token.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payment_method_id: Option<String>,
    /// `funding`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub funding: Option<FundingType>,
    /// `customerId` (max 64 characters).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub customer_id: Option<String>,
    /// `extendInfo` (max 2048 characters), sent as given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub extend_info: Option<String>,
    /// `requireIssuerAuthentication`, sent as `"true"`/`"false"`.
    #[serde(
        serialize_with = "super::as_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub require_issuer_authentication: Option<bool>,
    /// `paymentMethodMetaData`: the card (a free-form dict in Antom's Python SDK; these
    /// are the keys of its Java SDK's decide model).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payment_method_meta_data: Option<PaymentMethodMetaData>,
}

/// `paymentMethodMetaData`: card details.
#[derive(Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PaymentMethodMetaData {
    /// `cardNo`: 12 to 19 digits (card data).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub card_no: Option<String>,
    /// `cardBin`: 6 or 8 digits.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub card_bin: Option<String>,
    /// `lastFourDigits`: 4 digits.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_four_digits: Option<String>,
    /// `expiryYear`: the year's last 2 digits (card data).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expiry_year: Option<String>,
    /// `expiryMonth`: `01` to `12` (card data).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expiry_month: Option<String>,
    /// `billingAddress`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub billing_address: Option<Address>,
    /// `isCardOnFile`, sent as `"true"`/`"false"`.
    #[serde(
        serialize_with = "super::as_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub is_card_on_file: Option<bool>,
    /// `cardholderName`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cardholder_name: Option<UserName>,
    /// `payerEmail` (max 64 characters).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payer_email: Option<String>,
    /// `funding`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub funding: Option<FundingType>,
    /// `is3DSAuthentication`, sent as `"true"`/`"false"`.
    #[serde(
        rename = "is3DSAuthentication",
        serialize_with = "super::as_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub is_3ds_authentication: Option<bool>,
    /// `cardBrand` (max 64 characters), e.g. `VISA`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub card_brand: Option<String>,
    /// `cardIssuer` (max 256 characters).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub card_issuer: Option<String>,
    /// `issuingRegion`: ISO 3166-1 alpha-2.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub issuing_region: Option<String>,
    /// `cardVerificationResult`: the keys `sendPaymentResult` uses.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub card_verification_result: Option<CardVerificationResult>,
    /// `cpf` (max 32 characters): the Brazilian taxpayer ID (personal data).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cpf: Option<String>,
}

redacted_debug!(
    /// Hides `card_no`, `expiry_year`, `expiry_month` and `cpf`; prints the rest. `self`
    /// is destructured whole, so that a new field fails to compile here until it is
    /// handled.
    PaymentMethodMetaData {
        card_no => redact_some,
        card_bin,
        last_four_digits,
        expiry_year => redact_some,
        expiry_month => redact_some,
        billing_address,
        is_card_on_file,
        cardholder_name,
        payer_email,
        funding,
        is_3ds_authentication,
        card_brand,
        card_issuer,
        issuing_region,
        card_verification_result,
        cpf => redact_some,
    }
);

/// `funding`: the source of a card's funds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum FundingType {
    /// `CREDIT`.
    Credit,
    /// `DEBIT`.
    Debit,
    /// `PREPAID`.
    Prepaid,
    /// `CHARGE`.
    Charge,
    /// `DEFERRED_DEBIT`.
    DeferredDebit,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_hides_the_card_number_expiry_and_cpf() {
        let card = PaymentMethodMetaData {
            card_no: Some("4111111111111111".into()),
            expiry_year: Some("29".into()),
            expiry_month: Some("12".into()),
            cpf: Some("02987654320".into()),
            last_four_digits: Some("1111".into()),
            ..Default::default()
        };
        let debug = format!("{card:?}");
        for secret in ["4111111111111111", "\"29\"", "\"12\"", "02987654320"] {
            assert!(!debug.contains(secret), "{debug}");
        }
        assert!(debug.contains("\"1111\""), "{debug}");
    }
}
