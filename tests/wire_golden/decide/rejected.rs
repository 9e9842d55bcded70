//! `decide` requests refused before anything is sent: missing required fields, too many
//! orders or payment details, unknown enum numbers, negative amounts, bad codes, caps;
//! each violation named by its proto path.

use antom_sidecar::{decide::Decide, pb};

use super::{goods, lodging, minimal, order, payment_detail, usd};

/// The proto paths of the violations, in order.
fn refused(request: pb::DecideRequest) -> Vec<(String, String)> {
    let err = Decide::try_from(request).expect_err("invalid request");
    (err.violations.into_iter())
        .map(|v| (v.field, v.description))
        .collect()
}

fn fields(violations: &[(String, String)]) -> Vec<&str> {
    violations.iter().map(|(f, _)| f.as_str()).collect()
}

#[test]
fn missing_required_fields_are_named() {
    let v = refused(pb::DecideRequest::default());
    assert_eq!(
        fields(&v),
        [
            "reference_transaction_id",
            "authorization_phase",
            "orders",
            "buyer",
            "actual_payment_amount",
            "payment_details",
        ]
    );
    assert_eq!(v[2].1, "is required (1 to 10 entries)");
    assert_eq!(v[5].1, "is required (1 to 5 entries)");
}

#[test]
fn ten_orders_and_five_payment_details_pass_one_more_does_not() {
    let most = pb::DecideRequest {
        orders: vec![pb::Order::default(); 10],
        payment_details: vec![pb::PaymentDetail::default(); 5],
        ..minimal()
    };
    assert!(Decide::try_from(most.clone()).is_ok());
    let too_many = pb::DecideRequest {
        orders: vec![pb::Order::default(); 11],
        payment_details: vec![pb::PaymentDetail::default(); 6],
        ..most
    };
    assert_eq!(
        refused(too_many),
        [
            (
                "orders".into(),
                "must hold at most 10 entries, got 11".into()
            ),
            (
                "payment_details".into(),
                "must hold at most 5 entries, got 6".into()
            ),
        ]
    );
}

#[test]
fn unknown_enum_numbers_negative_amounts_and_bad_nested_values_are_named() {
    let mut order = order();
    order.goods = vec![goods("0", None), goods("1", None)];
    order.goods[1].goods_unit_amount = Some(pb::Amount {
        currency: "usd".into(),
        value: -1,
    });
    order.goods[1].goods_quantity = -2;
    order.goods[0].cross_sell = Some(Box::new(goods("x", Some(goods("y", None)))));
    order.lodging = Some(pb::Lodging {
        ticket_delivery_method: 99,
        ..lodging()
    });
    let mut detail = payment_detail();
    if let Some(card) = detail
        .payment_method
        .as_mut()
        .and_then(|m| m.payment_method_meta_data.as_mut())
    {
        card.card_no = "4111-1111".into();
        card.expiry_month = "13".into();
        card.issuing_region = "us".into();
    }
    let bad = pb::DecideRequest {
        authorization_phase: 7,
        orders: vec![pb::Order::default(), pb::Order::default(), order],
        actual_payment_amount: usd(-5),
        payment_details: vec![detail],
        env: Some(pb::Env {
            color_depth: 7,
            time_zone_offset: Some(-841),
            ..pb::Env::default()
        }),
        ..minimal()
    };
    let v = refused(bad);
    let card = "payment_details[0].payment_method.payment_method_meta_data";
    assert_eq!(
        fields(&v),
        [
            "authorization_phase",
            "orders[2].goods[0].cross_sell.cross_sell",
            "orders[2].goods[1].goods_unit_amount.currency",
            "orders[2].goods[1].goods_unit_amount.value",
            "orders[2].goods[1].goods_quantity",
            "orders[2].lodging.ticket_delivery_method",
            "actual_payment_amount.value",
            &format!("{card}.card_no"),
            &format!("{card}.expiry_month"),
            &format!("{card}.issuing_region"),
            "env.color_depth",
            "env.time_zone_offset",
        ]
    );
    let descriptions: Vec<&str> = v.iter().map(|(_, d)| d.as_str()).collect();
    assert_eq!(descriptions[0], "7 is not a known value");
    assert_eq!(descriptions[4], "must be at least 1, got -2");
    assert_eq!(descriptions[5], "99 is not a known value");
    assert_eq!(descriptions[6], "must be at least 0, got -5");
    assert_eq!(descriptions[7], "must be 12 to 19 digits");
    assert_eq!(descriptions[11], "must be -840 to 720, got -841");
    // Card data is named, never repeated.
    assert!(!v.iter().any(|(_, d)| d.contains("4111")), "{v:?}");
}

#[test]
fn time_zone_offsets_of_real_browsers_pass_from_minus_840_to_720() {
    // Kiribati (UTC+14), Chatham summer (UTC+13:45), New Zealand summer (UTC+13), UTC-12.
    for m in [-840, -825, -780, -720, 0, 720] {
        let request = pb::DecideRequest {
            env: Some(pb::Env {
                time_zone_offset: Some(m),
                ..pb::Env::default()
            }),
            ..minimal()
        };
        let decide = Decide::try_from(request).unwrap_or_else(|e| panic!("{m}: {e:?}"));
        let env = decide.env.expect("env");
        assert_eq!(env.time_zone_offset, Some(m));
    }
    for m in [-841, 721, i32::MIN, i32::MAX] {
        let request = pb::DecideRequest {
            env: Some(pb::Env {
                time_zone_offset: Some(m),
                ..pb::Env::default()
            }),
            ..minimal()
        };
        let v = refused(request);
        assert_eq!(fields(&v), ["env.time_zone_offset"], "{m}");
        assert_eq!(v[0].1, format!("must be -840 to 720, got {m}"));
    }
}

#[test]
fn caps_count_characters_and_control_characters_are_refused() {
    let mut order = pb::Order {
        reference_order_id: "é".repeat(64),
        ..pb::Order::default()
    };
    order.goods = vec![pb::Goods {
        goods_name: "ü".repeat(257),
        goods_category: "a\nb".into(),
        ..pb::Goods::default()
    }];
    let bad = pb::DecideRequest {
        reference_transaction_id: "x".repeat(65),
        orders: vec![order],
        ..minimal()
    };
    assert_eq!(
        refused(bad),
        [
            (
                "reference_transaction_id".into(),
                "must be at most 64 characters, got 65".into()
            ),
            (
                "orders[0].goods[0].goods_name".into(),
                "must be at most 256 characters, got 257".into()
            ),
            (
                "orders[0].goods[0].goods_category".into(),
                "must not contain control characters (found one at character 2)".into()
            ),
        ]
    );
}
