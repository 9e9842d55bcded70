//! The (secondary) merchant of an order (`merchant`): its store and its account's
//! changes.

use serde::Serialize;

use super::Address;
use crate::wire::UtcTime;

/// `merchant`. Every field optional: `{}` when none is set.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Merchant {
    /// `referenceMerchantId` (max 64 characters).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reference_merchant_id: Option<String>,
    /// `merchantMCC` (max 32 characters): upper-case MCC on the wire.
    #[serde(rename = "merchantMCC", skip_serializing_if = "Option::is_none")]
    pub merchant_mcc: Option<String>,
    /// `merchantName` (max 256 characters).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub merchant_name: Option<String>,
    /// `merchantDisplayName` (max 256 characters).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub merchant_display_name: Option<String>,
    /// `merchantAddress`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub merchant_address: Option<Address>,
    /// `merchantRegisterDate` (the Python SDK's name; Java's is another).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub merchant_register_date: Option<UtcTime>,
    /// `store`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub store: Option<Store>,
    /// `merchantType`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub merchant_type: Option<MerchantType>,
    /// `numberOfTrades`: orders in the past 12 months, sent as a decimal string.
    #[serde(
        serialize_with = "super::as_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub number_of_trades: Option<u64>,
    /// `accountLastModified`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account_last_modified: Option<AccountLastModified>,
    /// `merchantUrl` (max 2048 characters).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub merchant_url: Option<String>,
    /// `merchantCountryCode`: ISO 3166-1 alpha-2.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub merchant_country_code: Option<String>,
}

/// `store`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Store {
    /// `referenceStoreId` (max 64 characters).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reference_store_id: Option<String>,
    /// `storeName` (max 256 characters).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub store_name: Option<String>,
    /// `storeMCC` (max 32 characters).
    #[serde(rename = "storeMCC", skip_serializing_if = "Option::is_none")]
    pub store_mcc: Option<String>,
    /// `storeDisplayName` (max 256 characters).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub store_display_name: Option<String>,
    /// `storeTerminalId` (max 64 characters).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub store_terminal_id: Option<String>,
    /// `storeOperatorId` (max 64 characters).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub store_operator_id: Option<String>,
    /// `storeAddress`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub store_address: Option<Address>,
    /// `storePhoneNo` (max 32 characters).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub store_phone_no: Option<String>,
}

/// `accountLastModified`: when each part of the merchant's account last changed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AccountLastModified {
    /// `passwordChangeDate`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub password_change_date: Option<UtcTime>,
    /// `emailChangeDate`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email_change_date: Option<UtcTime>,
    /// `listingChangeDate`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub listing_change_date: Option<UtcTime>,
    /// `loginDate`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub login_date: Option<UtcTime>,
    /// `addressChangeDate`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address_change_date: Option<UtcTime>,
}

/// `merchantType`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum MerchantType {
    /// `INDIVIDUAL`.
    Individual,
    /// `ENTERPRISE`.
    Enterprise,
}
