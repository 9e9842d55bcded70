//! The risk decision Antom is asked for (`decide`), as domain types that know nothing of
//! protobuf, and its wire form (see [`crate::wire`]): key order as Antom's Python SDK
//! writes it, numbers and booleans as strings (`"3"`, `"true"`), absent fields left out.

mod buyer;
mod env;
mod merchant;
mod order;
mod payment_detail;
mod travel;

use std::fmt::Display;

use serde::{Serialize, Serializer};

pub use buyer::{Address, Buyer, UserName};
pub use env::{BrowserInfo, Env, OsType, TerminalType};
pub use merchant::{AccountLastModified, Merchant, MerchantType, Store};
pub use order::{
    Declaration, DeclarationBizScene, DeliveryEstimate, DeliveryEstimateInfo, DeliveryEstimateUnit,
    DeliveryMethodType, Goods, Order, Shipping,
};
pub use payment_detail::{FundingType, PaymentDetail, PaymentMethod, PaymentMethodMetaData};
pub use travel::{
    AncillaryData, AncillaryService, ClassType, Gaming, Leg, Lodging, Passenger, PassengerIdType,
    TicketDeliveryMethod, Transit, TransitType,
};

use crate::wire::{self, Amount};

/// The most orders one request may carry (Antom's limit).
pub const MAX_ORDERS: usize = 10;
/// The most payment details one request may carry (Antom's limit).
pub const MAX_PAYMENT_DETAILS: usize = 5;
/// The most goods per order (the sidecar's limit).
pub const MAX_GOODS: usize = 100;
/// The most legs per trip (the sidecar's limit).
pub const MAX_LEGS: usize = 10;
/// The most entries of the other lists: passengers, guest names, ancillary services
/// (the sidecar's limit).
pub const MAX_PEOPLE_OR_SERVICES: usize = 100;

/// Body of `decide`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Decide {
    /// The merchant's ID of the transaction (max 64 characters).
    pub reference_transaction_id: String,
    /// Before or after the card authorization.
    pub authorization_phase: AuthorizationPhase,
    /// 1 to [`MAX_ORDERS`].
    pub orders: Vec<Order>,
    /// Required by Antom; sent as `{}` when nothing is known of the buyer.
    pub buyer: Buyer,
    /// What the buyer pays, after the discount.
    pub actual_payment_amount: Amount,
    /// 1 to [`MAX_PAYMENT_DETAILS`]: an array on the wire (one of the SDKs sends an
    /// object; Antom's docs and the other SDKs an array).
    pub payment_details: Vec<PaymentDetail>,
    /// `discountAmount`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub discount_amount: Option<Amount>,
    /// `env`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub env: Option<Env>,
}

impl Decide {
    /// The exact bytes sent to Antom (and signed).
    pub fn to_wire(&self) -> Vec<u8> {
        wire::to_json(self)
    }
}

/// `authorizationPhase`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum AuthorizationPhase {
    /// `PRE_AUTHORIZATION`: before the card payment is authorized.
    PreAuthorization,
    /// `POST_AUTHORIZATION`: after it.
    PostAuthorization,
}

/// Writes a number or a boolean as Antom takes every value: a JSON string (`"3"`,
/// `"true"`). For `Option` fields that are skipped when `None`.
pub(crate) fn as_string<T: Display, S: Serializer>(
    value: &Option<T>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match value {
        Some(value) => serializer.collect_str(value),
        None => serializer.serialize_none(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_booleans_go_out_as_strings() {
        let buyer = Buyer {
            is_account_verified: Some(false),
            successful_order_count: Some(0),
            ..Buyer::default()
        };
        let env = Env {
            time_zone_offset: Some(-120),
            ..Env::default()
        };
        assert_eq!(
            String::from_utf8_lossy(&wire::to_json(&buyer)),
            r#"{"isAccountVerified":"false","successfulOrderCount":"0"}"#
        );
        assert_eq!(
            String::from_utf8_lossy(&wire::to_json(&env)),
            r#"{"timeZoneOffset":"-120"}"#
        );
    }
}
