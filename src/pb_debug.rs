//! Hand-written `Debug` for generated messages that carry card data or an identity
//! document's number: build.rs skips prost's derived one, which would print every field
//! in full.

use std::fmt;

use crate::{pb, secret::REDACTED};

/// `value` unless it is set, then [`REDACTED`]; an unset (empty) one shows as `""`.
fn hidden(value: &str) -> &str {
    if value.is_empty() { value } else { REDACTED }
}

/// `funding` by its name, as prost's derived `Debug` shows an enum (a number it does not
/// know, as the number).
struct Funding(i32);

impl fmt::Debug for Funding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match pb::FundingType::try_from(self.0) {
            Ok(funding) => funding.fmt(f),
            Err(_) => self.0.fmt(f),
        }
    }
}

/// Hides `card_no`, `expiry_year`, `expiry_month` and `cpf`; prints the rest.
impl fmt::Debug for pb::PaymentMethodMetaData {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PaymentMethodMetaData")
            .field("card_no", &hidden(&self.card_no))
            .field("card_bin", &self.card_bin)
            .field("last_four_digits", &self.last_four_digits)
            .field("expiry_year", &hidden(&self.expiry_year))
            .field("expiry_month", &hidden(&self.expiry_month))
            .field("billing_address", &self.billing_address)
            .field("is_card_on_file", &self.is_card_on_file)
            .field("cardholder_name", &self.cardholder_name)
            .field("payer_email", &self.payer_email)
            .field("funding", &Funding(self.funding))
            .field("is_3ds_authentication", &self.is_3ds_authentication)
            .field("card_brand", &self.card_brand)
            .field("card_issuer", &self.card_issuer)
            .field("issuing_region", &self.issuing_region)
            .field("card_verification_result", &self.card_verification_result)
            .field("cpf", &hidden(&self.cpf))
            .finish()
    }
}

/// Hides `passenger_id` (a passport or ID card number); prints the rest.
impl fmt::Debug for pb::Passenger {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Passenger")
            .field("passenger_name", &self.passenger_name)
            .field("passenger_email", &self.passenger_email)
            .field("passenger_phone_no", &self.passenger_phone_no)
            .field("passenger_id", &hidden(&self.passenger_id))
            .field("passenger_id_type", &self.passenger_id_type)
            .field("passenger_code", &self.passenger_code)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn debug_hides_the_passenger_id() {
        let passenger = crate::pb::Passenger {
            passenger_id: "X1234567".into(),
            passenger_code: "ADT".into(),
            ..Default::default()
        };
        let shown = format!("{passenger:?}");
        assert!(!shown.contains("X1234567"), "{shown}");
        assert!(
            shown.contains("<redacted>") && shown.contains("ADT"),
            "{shown}"
        );
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
}
