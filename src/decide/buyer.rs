//! The people and places of a decide request: the buyer, a person's name, a postal
//! address (shared by shipping, billing, merchants, stores, legs and hotels).

use serde::Serialize;

use crate::wire::{Amount, UtcTime};

/// `buyer`, at the top and in each order. Every field optional: `{}` when none is set.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Buyer {
    /// `referenceBuyerId` (max 64 characters).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reference_buyer_id: Option<String>,
    /// `buyerName`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub buyer_name: Option<UserName>,
    /// `buyerPhoneNo` (max 24 characters).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub buyer_phone_no: Option<String>,
    /// `buyerEmail` (max 64 characters).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub buyer_email: Option<String>,
    /// `buyerRegistrationTime`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub buyer_registration_time: Option<UtcTime>,
    /// `isAccountVerified`, sent as `"true"`/`"false"`.
    #[serde(
        serialize_with = "super::as_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub is_account_verified: Option<bool>,
    /// `successfulOrderCount`, sent as a decimal string.
    #[serde(
        serialize_with = "super::as_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub successful_order_count: Option<u64>,
    /// `buyerPhoneNoContryCode`: Antom's spelling (sic), the calling code of
    /// `buyerPhoneNo` (max 16 characters).
    #[serde(
        rename = "buyerPhoneNoContryCode",
        skip_serializing_if = "Option::is_none"
    )]
    pub buyer_phone_no_country_code: Option<String>,
    /// `successfulOrderAmount`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub successful_order_amount: Option<Amount>,
    /// `dateOfLastPaidPurchase`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date_of_last_paid_purchase: Option<UtcTime>,
    /// `dateOfFirstPaidPurchase`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date_of_first_paid_purchase: Option<UtcTime>,
}

/// A person's name: `buyerName`, `shippingName`, `cardholderName`, `passengerName`,
/// `guestNames[]`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UserName {
    /// `firstName` (max 32 characters).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    /// `middleName` (max 32 characters).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub middle_name: Option<String>,
    /// `lastName` (max 32 characters).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    /// `fullName` (max 128 characters).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub full_name: Option<String>,
}

/// A postal address: `shippingAddress`, `billingAddress`, `merchantAddress`,
/// `storeAddress`, `departureAddress`, `arrivalAddress`, `hotelAddress`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Address {
    /// `region`: ISO 3166-1 alpha-2, e.g. `US`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// `state` (max 8 characters).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    /// `city` (max 32 characters).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
    /// `address1` (max 256 characters): street, PO box, company.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address1: Option<String>,
    /// `address2` (max 256 characters): apartment, suite, building.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address2: Option<String>,
    /// `zipCode` (max 32 characters).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub zip_code: Option<String>,
    /// `label` (max 64 characters).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// `address3` (max 256 characters): after `label` on the wire, as the SDK writes it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address3: Option<String>,
}
