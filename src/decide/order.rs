//! One order of a decide request (`orders[]`): its amounts, goods, shipping and
//! declaration; its merchant, buyer, environment and travel parts live in sibling
//! modules.

use serde::Serialize;

use super::{Address, Buyer, Env, Gaming, Lodging, Merchant, Transit, UserName};
use crate::wire::{Amount, UtcTime};

/// `orders[]`. Every field optional: `{}` when none is set.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Order {
    /// `referenceOrderId` (max 64 characters).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reference_order_id: Option<String>,
    /// `orderDescription` (max 256 characters).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub order_description: Option<String>,
    /// `orderAmount`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub order_amount: Option<Amount>,
    /// `orderDiscountAmount`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub order_discount_amount: Option<Amount>,
    /// `subTotalOrderAmount`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sub_total_order_amount: Option<Amount>,
    /// `merchant`: the secondary merchant selling the order.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub merchant: Option<Merchant>,
    /// `goods`: up to [`super::MAX_GOODS`], left out when empty.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub goods: Vec<Goods>,
    /// `shipping`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shipping: Option<Shipping>,
    /// `buyer`: the order's own buyer, when it differs per order.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub buyer: Option<Buyer>,
    /// `env`: the order's own environment.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub env: Option<Env>,
    /// `extendInfo` (max 2048 characters), sent as given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub extend_info: Option<String>,
    /// `transit`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transit: Option<Transit>,
    /// `lodging`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lodging: Option<Lodging>,
    /// `gaming`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gaming: Option<Gaming>,
    /// `needDeclaration`, sent as `"true"`/`"false"`.
    #[serde(
        serialize_with = "super::as_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub need_declaration: Option<bool>,
    /// `declaration`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub declaration: Option<Declaration>,
    /// `orderType` (max 64 characters; Antom publishes no list).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub order_type: Option<String>,
    /// `paymentAmount`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payment_amount: Option<Amount>,
}

/// `goods[]`, and `crossSell` (one level deep).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Goods {
    /// `referenceGoodsId` (max 64 characters).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reference_goods_id: Option<String>,
    /// `goodsName` (max 256 characters).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub goods_name: Option<String>,
    /// `goodsCategory` (max 64 characters), parent first, slash-separated.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub goods_category: Option<String>,
    /// `goodsBrand` (max 128 characters).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub goods_brand: Option<String>,
    /// `goodsUnitAmount`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub goods_unit_amount: Option<Amount>,
    /// `goodsQuantity`, at least 1, sent as a decimal string.
    #[serde(
        serialize_with = "super::as_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub goods_quantity: Option<u64>,
    /// `goodsSkuName` (max 256 characters).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub goods_sku_name: Option<String>,
    /// `goodsUrl` (max 2048 characters).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub goods_url: Option<String>,
    /// `deliveryMethodType`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delivery_method_type: Option<DeliveryMethodType>,
    /// `goodsImageUrl` (max 2048 characters).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub goods_image_url: Option<String>,
    /// `priceId` (max 64 characters).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub price_id: Option<String>,
    /// `goodsDiscountAmount`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub goods_discount_amount: Option<Amount>,
    /// `goodsEndsOnTime`: the latest end of a service item.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub goods_ends_on_time: Option<UtcTime>,
    /// `crossSell`: an item sold with this one; its own `cross_sell` is always `None`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cross_sell: Option<Box<Goods>>,
}

/// `shipping`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Shipping {
    /// `shippingName`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shipping_name: Option<UserName>,
    /// `shippingAddress`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shipping_address: Option<Address>,
    /// `shippingCarrier` (max 128 characters).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shipping_carrier: Option<String>,
    /// `shippingPhoneNo` (max 16 characters).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shipping_phone_no: Option<String>,
    /// `shipToEmail` (max 64 characters).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ship_to_email: Option<String>,
    /// `shippingFeeId` (max 64 characters).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shipping_fee_id: Option<String>,
    /// `shippingFee`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shipping_fee: Option<Amount>,
    /// `shippingDescription` (max 64 characters).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shipping_description: Option<String>,
    /// `deliveryEstimate`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delivery_estimate: Option<DeliveryEstimate>,
    /// `shippingNumber` (max 64 characters): the tracking number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shipping_number: Option<String>,
    /// `notes` (max 256 characters).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
    /// `trackingUrl` (max 2048 characters).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tracking_url: Option<String>,
}

/// `deliveryEstimate`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct DeliveryEstimate {
    /// `minimum`: the shortest estimate.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub minimum: Option<DeliveryEstimateInfo>,
    /// `maximum`: the longest estimate.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub maximum: Option<DeliveryEstimateInfo>,
}

/// `minimum`, `maximum`: one bound of a delivery estimate.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct DeliveryEstimateInfo {
    /// `unit`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unit: Option<DeliveryEstimateUnit>,
    /// `value`, sent as a decimal string.
    #[serde(
        serialize_with = "super::as_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub value: Option<u64>,
}

/// `declaration`: OTA settlement only.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Declaration {
    /// `declarationBizScene`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub declaration_biz_scene: Option<DeclarationBizScene>,
    /// `declarationBeneficiaryId` (max 64 characters).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub declaration_beneficiary_id: Option<String>,
}

/// `deliveryMethodType`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum DeliveryMethodType {
    /// `PHYSICAL`.
    Physical,
    /// `DIGITAL`.
    Digital,
}

/// `unit` of a delivery estimate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum DeliveryEstimateUnit {
    /// `YEAR`.
    Year,
    /// `MONTH`.
    Month,
    /// `DAY`.
    Day,
    /// `HOUR`.
    Hour,
    /// `MINUTE`.
    Minute,
    /// `SECOND`.
    Second,
}

/// `declarationBizScene`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum DeclarationBizScene {
    /// `AIRLINE`.
    Airline,
    /// `HOTEL`.
    Hotel,
}
