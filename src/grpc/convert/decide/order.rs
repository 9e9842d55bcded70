//! `Order`, `Goods` (with one level of `cross_sell`), `Shipping`, its delivery estimate,
//! and `Declaration`.

use super::{
    Fields, buyer, env, from_pb,
    merchant::merchant,
    travel::{gaming, lodging, transit},
};
use crate::{
    decide::{
        Declaration, DeclarationBizScene, DeliveryEstimate, DeliveryEstimateInfo,
        DeliveryEstimateUnit, DeliveryMethodType, Goods, MAX_GOODS, Order, Shipping,
    },
    pb,
};

pub(super) fn order(mut f: Fields<'_>, o: pb::Order) -> Order {
    Order {
        reference_order_id: f.text("reference_order_id", o.reference_order_id, 64),
        order_description: f.text("order_description", o.order_description, 256),
        order_amount: f.amount("order_amount", o.order_amount),
        order_discount_amount: f.amount("order_discount_amount", o.order_discount_amount),
        sub_total_order_amount: f.amount("sub_total_order_amount", o.sub_total_order_amount),
        merchant: f.nested("merchant", o.merchant, merchant),
        goods: f.list("goods", o.goods, MAX_GOODS, goods),
        shipping: f.nested("shipping", o.shipping, shipping),
        buyer: f.nested("buyer", o.buyer, buyer::buyer),
        env: f.nested("env", o.env, env::env),
        extend_info: f.text("extend_info", o.extend_info, 2048),
        transit: f.nested("transit", o.transit, transit),
        lodging: f.nested("lodging", o.lodging, lodging),
        gaming: f.nested("gaming", o.gaming, gaming),
        need_declaration: o.need_declaration,
        declaration: f.nested("declaration", o.declaration, declaration),
        order_type: f.text("order_type", o.order_type, 64),
        payment_amount: f.amount("payment_amount", o.payment_amount),
    }
}

fn goods(mut f: Fields<'_>, g: pb::Goods) -> Goods {
    Goods {
        reference_goods_id: f.text("reference_goods_id", g.reference_goods_id, 64),
        goods_name: f.text("goods_name", g.goods_name, 256),
        goods_category: f.text("goods_category", g.goods_category, 64),
        goods_brand: f.text("goods_brand", g.goods_brand, 128),
        goods_unit_amount: f.amount("goods_unit_amount", g.goods_unit_amount),
        goods_quantity: f.count(
            "goods_quantity",
            (g.goods_quantity != 0).then_some(g.goods_quantity),
            1,
        ),
        goods_sku_name: f.text("goods_sku_name", g.goods_sku_name, 256),
        goods_url: f.text("goods_url", g.goods_url, 2048),
        delivery_method_type: f.choice("delivery_method_type", g.delivery_method_type),
        goods_image_url: f.text("goods_image_url", g.goods_image_url, 2048),
        price_id: f.text("price_id", g.price_id, 64),
        goods_discount_amount: f.amount("goods_discount_amount", g.goods_discount_amount),
        goods_ends_on_time: f.time("goods_ends_on_time", g.goods_ends_on_time),
        cross_sell: f.nested("cross_sell", g.cross_sell, |mut f, cross_sell| {
            let mut cross_sell = *cross_sell;
            // One level: the sidecar's rule, so that a request cannot nest without end.
            if cross_sell.cross_sell.take().is_some() {
                f.violation(
                    "cross_sell",
                    "must not be set (one level of cross-sell only)",
                );
            }
            Box::new(goods(f, cross_sell))
        }),
    }
}

fn shipping(mut f: Fields<'_>, s: pb::Shipping) -> Shipping {
    Shipping {
        shipping_name: f.nested("shipping_name", s.shipping_name, buyer::user_name),
        shipping_address: f.nested("shipping_address", s.shipping_address, buyer::address),
        shipping_carrier: f.text("shipping_carrier", s.shipping_carrier, 128),
        shipping_phone_no: f.text("shipping_phone_no", s.shipping_phone_no, 16),
        ship_to_email: f.text("ship_to_email", s.ship_to_email, 64),
        shipping_fee_id: f.text("shipping_fee_id", s.shipping_fee_id, 64),
        shipping_fee: f.amount("shipping_fee", s.shipping_fee),
        shipping_description: f.text("shipping_description", s.shipping_description, 64),
        delivery_estimate: f.nested("delivery_estimate", s.delivery_estimate, |mut f, d| {
            DeliveryEstimate {
                minimum: f.nested("minimum", d.minimum, estimate),
                maximum: f.nested("maximum", d.maximum, estimate),
            }
        }),
        shipping_number: f.text("shipping_number", s.shipping_number, 64),
        notes: f.text("notes", s.notes, 256),
        tracking_url: f.text("tracking_url", s.tracking_url, 2048),
    }
}

fn estimate(mut f: Fields<'_>, e: pb::DeliveryEstimateInfo) -> DeliveryEstimateInfo {
    DeliveryEstimateInfo {
        unit: f.choice("unit", e.unit),
        value: f.count("value", e.value, 0),
    }
}

fn declaration(mut f: Fields<'_>, d: pb::Declaration) -> Declaration {
    Declaration {
        declaration_biz_scene: f.choice("declaration_biz_scene", d.declaration_biz_scene),
        declaration_beneficiary_id: f.text(
            "declaration_beneficiary_id",
            d.declaration_beneficiary_id,
            64,
        ),
    }
}

from_pb! {
    DeliveryMethodType => DeliveryMethodType {
        Physical => Physical,
        Digital => Digital,
    }
    DeliveryEstimateUnit => DeliveryEstimateUnit {
        Year => Year,
        Month => Month,
        Day => Day,
        Hour => Hour,
        Minute => Minute,
        Second => Second,
    }
    DeclarationBizSceneType => DeclarationBizScene {
        Airline => Airline,
        Hotel => Hotel,
    }
}
