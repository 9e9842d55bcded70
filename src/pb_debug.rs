//! Hand-written `Debug` for generated messages that carry card data, a card's
//! verification and authorization results, or an identity document's number: build.rs
//! skips prost's derived one, which would print every field in full.

use std::{fmt, marker::PhantomData};

use crate::{
    pb,
    secret::{redact_nonempty, redacted_debug},
};

/// An enum field by its name, as prost's derived `Debug` shows one (a number it does not
/// know, as the number).
struct Named<E>(i32, PhantomData<E>);

fn named<E>(value: &i32) -> Named<E> {
    Named(*value, PhantomData)
}

impl<E: TryFrom<i32> + fmt::Debug> fmt::Debug for Named<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match E::try_from(self.0) {
            Ok(known) => known.fmt(f),
            Err(_) => self.0.fmt(f),
        }
    }
}

// Each `Debug` below destructures the message whole (see [`redacted_debug`]), so that a
// field added to the proto fails to compile here until it is printed or hidden.

redacted_debug!(
    /// Hides `card_no`, `expiry_year`, `expiry_month` and `cpf`; prints the rest.
    pb::PaymentMethodMetaData as "PaymentMethodMetaData" {
        card_no => redact_nonempty,
        card_bin,
        last_four_digits,
        expiry_year => redact_nonempty,
        expiry_month => redact_nonempty,
        billing_address,
        is_card_on_file,
        cardholder_name,
        payer_email,
        funding => named::<pb::FundingType>,
        is_3ds_authentication,
        card_brand,
        card_issuer,
        issuing_region,
        card_verification_result,
        cpf => redact_nonempty,
    }
);

redacted_debug!(
    /// Hides `passenger_id` (a passport or ID card number); prints the rest.
    pb::Passenger as "Passenger" {
        passenger_name,
        passenger_email,
        passenger_phone_no,
        passenger_id => redact_nonempty,
        passenger_id_type => named::<pb::PassengerIdType>,
        passenger_code,
    }
);

redacted_debug!(
    /// Hides `error_message`; prints `error_code`.
    pb::AuthorizationError as "AuthorizationError" {
        error_code,
        error_message => redact_nonempty,
    }
);

redacted_debug!(
    /// Hides `cvv_result` and `authorization_code`; prints the rest.
    pb::CardVerificationResult as "CardVerificationResult" {
        authentication_type => named::<pb::AuthenticationType>,
        authentication_method,
        cvv_result => redact_nonempty,
        avs_result,
        authorization_code => redact_nonempty,
        three_ds_result,
    }
);

redacted_debug!(
    /// Hides `eci` and `cavv`; prints the rest.
    pb::ThreeDsResult as "ThreeDsResult" {
        three_ds_version,
        three_ds_interaction_mode => named::<pb::ThreeDsInteractionMode>,
        eci => redact_nonempty,
        cavv => redact_nonempty,
    }
);

#[cfg(test)]
mod tests {
    #[test]
    fn debug_hides_the_passenger_id() {
        let passenger = crate::pb::Passenger {
            passenger_id: "X1234567".into(),
            passenger_code: "ADT".into(),
            passenger_id_type: crate::pb::PassengerIdType::Passport as i32,
            ..Default::default()
        };
        let shown = format!("{passenger:?}");
        assert!(!shown.contains("X1234567"), "{shown}");
        assert!(
            shown.contains("<redacted>") && shown.contains("ADT"),
            "{shown}"
        );
        // The document's type by name, as the other enums print.
        assert!(shown.contains("passenger_id_type: Passport"), "{shown}");
    }

    use super::*;

    #[test]
    fn debug_hides_the_card_number_expiry_and_cpf_and_prints_the_rest() {
        let card = pb::PaymentMethodMetaData {
            card_no: "4111111111111111".into(),
            card_bin: "411111".into(),
            last_four_digits: "1111".into(),
            expiry_year: "29".into(),
            expiry_month: "07".into(),
            is_card_on_file: Some(true),
            payer_email: "payer@example.com".into(),
            funding: pb::FundingType::Credit as i32,
            card_brand: "VISA".into(),
            issuing_region: "BR".into(),
            cpf: "02987654320".into(),
            ..Default::default()
        };
        let debug = format!("{card:?}");
        for secret in ["4111111111111111", "\"29\"", "\"07\"", "02987654320"] {
            assert!(!debug.contains(secret), "{secret} in {debug}");
        }
        for shown in [
            "card_no: \"<redacted>\"",
            "cpf: \"<redacted>\"",
            "card_bin: \"411111\"",
            "last_four_digits: \"1111\"",
            "is_card_on_file: Some(true)",
            "payer@example.com",
            "funding: Credit",
            "\"VISA\"",
            "\"BR\"",
        ] {
            assert!(debug.contains(shown), "{shown} not in {debug}");
        }
        // Nested in a request, still hidden.
        let detail = pb::PaymentDetail {
            payment_method: Some(pb::PaymentMethod {
                payment_method_meta_data: Some(card),
                ..Default::default()
            }),
            ..Default::default()
        };
        let debug = format!(
            "{:?}",
            pb::DecideRequest {
                payment_details: vec![detail],
                ..Default::default()
            }
        );
        assert!(!debug.contains("4111111111111111"), "{debug}");
        assert!(!debug.contains("02987654320"), "{debug}");
        // Unset secrets show as unset; an unknown funding number as the number.
        let debug = format!(
            "{:?}",
            pb::PaymentMethodMetaData {
                funding: 99,
                ..Default::default()
            }
        );
        assert!(debug.contains("card_no: \"\""), "{debug}");
        assert!(debug.contains("funding: 99"), "{debug}");
    }

    #[test]
    fn debug_hides_cavv_eci_cvv_result_authorization_code_and_error_message() {
        let request = pb::SendPaymentResultRequest {
            reference_transaction_id: "tx-debug-1".into(),
            payment_status: pb::PaymentStatus::Fail.into(),
            authorization_error: Some(pb::AuthorizationError {
                error_code: "05".into(),
                error_message: "Do not honour card 4111".into(),
            }),
            card_verification_result: Some(pb::CardVerificationResult {
                authentication_type: pb::AuthenticationType::AuthenticationType3d.into(),
                authentication_method: "OTP".into(),
                cvv_result: "CVV-Yq7".into(),
                avs_result: "AVS-Zq7".into(),
                authorization_code: "AUTH-10000".into(),
                three_ds_result: Some(pb::ThreeDsResult {
                    three_ds_version: "2.2.0".into(),
                    three_ds_interaction_mode: pb::ThreeDsInteractionMode::Challenged.into(),
                    eci: "ECI-05".into(),
                    cavv: "AAABBBCCC=".into(),
                }),
            }),
            payment_method_provider: "VISA".into(),
        };
        let secrets = [
            "Do not honour",
            "CVV-Yq7",
            "AUTH-10000",
            "ECI-05",
            "AAABBBCCC=",
        ];
        let shown = [
            "error_code: \"05\"",
            "error_message: \"<redacted>\"",
            "authentication_type: AuthenticationType3d",
            "authentication_method: \"OTP\"",
            "cvv_result: \"<redacted>\"",
            "avs_result: \"AVS-Zq7\"",
            "authorization_code: \"<redacted>\"",
            "three_ds_version: \"2.2.0\"",
            "three_ds_interaction_mode: Challenged",
            "eci: \"<redacted>\"",
            "cavv: \"<redacted>\"",
            "\"tx-debug-1\"",
        ];
        let debug = format!("{request:?}");
        for secret in secrets {
            assert!(!debug.contains(secret), "{secret} in {debug}");
        }
        for shown in shown {
            assert!(debug.contains(shown), "{shown} not in {debug}");
        }
        // Decide carries the same verification result inside the card data.
        let card = pb::PaymentMethodMetaData {
            card_verification_result: request.card_verification_result.clone(),
            ..Default::default()
        };
        let debug = format!("{card:?}");
        for secret in &secrets[1..] {
            assert!(!debug.contains(secret), "{secret} in {debug}");
        }
        assert!(debug.contains("avs_result: \"AVS-Zq7\""), "{debug}");
        // Unset secrets show as unset; unknown enum numbers as the numbers.
        let debug = format!(
            "{:?}",
            pb::CardVerificationResult {
                authentication_type: 7,
                three_ds_result: Some(pb::ThreeDsResult {
                    three_ds_interaction_mode: 9,
                    ..Default::default()
                }),
                ..Default::default()
            }
        );
        for shown in [
            "authentication_type: 7",
            "cvv_result: \"\"",
            "authorization_code: \"\"",
            "three_ds_interaction_mode: 9",
            "eci: \"\"",
            "cavv: \"\"",
        ] {
            assert!(debug.contains(shown), "{shown} not in {debug}");
        }
        let debug = format!("{:?}", pb::AuthorizationError::default());
        assert!(debug.contains("error_message: \"\""), "{debug}");
    }
}
