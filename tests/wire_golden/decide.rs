//! `decide`'s wire bytes against what Antom's Python SDK 1.7.1 writes for the same data
//! (`tests/golden/decide/`, copied from the SDK's output, not from this code): one order
//! carrying every field, and the least Antom requires; set but empty messages as `{}`.
//! The requests refused before anything is sent are in [`rejected`].

mod rejected;

use antom_sidecar::{decide::Decide, pb};
use prost_types::Timestamp;

fn usd(value: i64) -> Option<pb::Amount> {
    Some(pb::Amount {
        currency: "USD".into(),
        value,
    })
}

fn at(rfc3339: &str) -> Option<Timestamp> {
    Some(rfc3339.parse().expect("a valid RFC 3339 time"))
}

/// The SDK script's address: the same but for the first line, label and third line.
fn address(tag: &str) -> Option<pb::Address> {
    Some(pb::Address {
        region: "US".into(),
        state: "CA".into(),
        city: "San Jose".into(),
        address1: format!("{tag} 1 Main St"),
        address2: "Suite 200".into(),
        zip_code: "95131".into(),
        label: format!("{tag} label"),
        address3: format!("{tag} line 3"),
    })
}

fn name(first: &str, middle: &str, last: &str, full: &str) -> pb::UserName {
    pb::UserName {
        first_name: first.into(),
        middle_name: middle.into(),
        last_name: last.into(),
        full_name: full.into(),
    }
}

fn ada() -> pb::UserName {
    name("Ada", "K", "Lovelace", "Ada K Lovelace")
}

fn buyer(id: &str) -> pb::Buyer {
    pb::Buyer {
        reference_buyer_id: id.into(),
        buyer_name: Some(ada()),
        buyer_phone_no: "+14155550100".into(),
        buyer_email: "ada@example.com".into(),
        buyer_registration_time: at("2024-01-02T03:04:05Z"),
        is_account_verified: Some(true),
        successful_order_count: Some(42),
        buyer_phone_no_country_code: "1".into(),
        successful_order_amount: usd(123_450),
        date_of_last_paid_purchase: at("2026-10-01T10:00:00Z"),
        date_of_first_paid_purchase: at("2024-02-01T10:00:00Z"),
    }
}

fn env(tag: &str) -> pb::Env {
    pb::Env {
        terminal_type: pb::TerminalType::Web.into(),
        os_type: pb::OsType::Android.into(),
        user_agent: format!("Mozilla/5.0 ({tag})"),
        device_token_id: format!("devtok-{tag}"),
        client_ip: "203.0.113.7".into(),
        cookie_id: format!("cookie-{tag}"),
        extend_info: r#"{"k":"v"}"#.into(),
        store_terminal_id: "term-1".into(),
        store_terminal_request_time: at("2026-11-28T21:44:59Z"),
        browser_info: Some(pb::BrowserInfo {
            accept_header: "text/html".into(),
            java_enabled: Some(false),
            java_script_enabled: Some(true),
            language: "en-US".into(),
            user_agent: "Mozilla/5.0 (browser)".into(),
        }),
        color_depth: 24,
        screen_height: 1080,
        screen_width: 1920,
        time_zone_offset: Some(-120),
        device_brand: "Pixel".into(),
        device_model: "Pixel 9".into(),
        device_language: "en-US".into(),
        device_id: format!("device-{tag}"),
        os_version: "15".into(),
    }
}

fn goods(tag: &str, cross_sell: Option<pb::Goods>) -> pb::Goods {
    pb::Goods {
        reference_goods_id: format!("sku-{tag}"),
        goods_name: format!("Goods {tag}"),
        goods_category: "Digital Goods/Digital Vouchers".into(),
        goods_brand: "Brand".into(),
        goods_unit_amount: usd(1000),
        goods_quantity: 2,
        goods_sku_name: "Blue, L".into(),
        goods_url: format!("https://shop.example.com/p/{tag}"),
        delivery_method_type: pb::DeliveryMethodType::Physical.into(),
        goods_image_url: format!("https://shop.example.com/i/{tag}.png"),
        price_id: format!("price-{tag}"),
        goods_discount_amount: usd(100),
        goods_ends_on_time: at("2027-01-01T00:00:00Z"),
        cross_sell: cross_sell.map(Box::new),
    }
}

fn merchant() -> pb::Merchant {
    pb::Merchant {
        reference_merchant_id: "sub-merchant-1".into(),
        merchant_mcc: "5411".into(),
        merchant_name: "Sub Merchant Ltd".into(),
        merchant_display_name: "Sub Merchant".into(),
        merchant_address: address("merchant"),
        merchant_register_date: at("2020-05-06T07:08:09Z"),
        store: Some(pb::Store {
            reference_store_id: "store-1".into(),
            store_name: "Store One".into(),
            store_mcc: "5411".into(),
            store_display_name: "Store 1".into(),
            store_terminal_id: "term-1".into(),
            store_operator_id: "op-1".into(),
            store_address: address("store"),
            store_phone_no: "+14155550101".into(),
        }),
        merchant_type: pb::MerchantType::Enterprise.into(),
        number_of_trades: Some(1000),
        account_last_modified: Some(pb::AccountLastModified {
            password_change_date: at("2026-01-01T00:00:00Z"),
            email_change_date: at("2026-02-01T00:00:00Z"),
            listing_change_date: at("2026-03-01T00:00:00Z"),
            login_date: at("2026-11-28T20:00:00Z"),
            address_change_date: at("2026-04-01T00:00:00Z"),
        }),
        merchant_url: "https://sub.example.com".into(),
        merchant_country_code: "US".into(),
    }
}

fn shipping() -> pb::Shipping {
    let days = |value| pb::DeliveryEstimateInfo {
        unit: pb::DeliveryEstimateUnit::Day.into(),
        value: Some(value),
    };
    pb::Shipping {
        shipping_name: Some(name("Grace", "B", "Hopper", "Grace B Hopper")),
        shipping_address: address("shipping"),
        shipping_carrier: "FedEx".into(),
        shipping_phone_no: "+14155550102".into(),
        ship_to_email: "grace@example.com".into(),
        shipping_fee_id: "fee-1".into(),
        shipping_fee: usd(500),
        shipping_description: "2-day".into(),
        delivery_estimate: Some(pb::DeliveryEstimate {
            minimum: Some(days(1)),
            maximum: Some(days(3)),
        }),
        shipping_number: "1Z999".into(),
        notes: "Leave at door".into(),
        tracking_url: "https://track.example.com/1Z999".into(),
    }
}

fn transit() -> pb::Transit {
    pb::Transit {
        transit_type: pb::TransitType::Flight.into(),
        legs: vec![pb::Leg {
            departure_time: at("2026-12-01T08:00:00Z"),
            arrival_time: at("2026-12-01T11:00:00Z"),
            departure_address: address("dep"),
            arrival_address: address("arr"),
            carrier_name: "Example Air".into(),
            carrier_no: "EA".into(),
            class_type: pb::ClassType::Firstlevel.into(),
            departure_airport_code: "SFO".into(),
            arrival_airport_code: "JFK".into(),
            fare_basis: "Y26".into(),
            coupon_number: "1".into(),
            flight_number: "EA100".into(),
            passenger_name_record: "ABC123".into(),
            ticket_delivery_method: pb::TicketDeliveryMethod::Email.into(),
            ticket_delivery_recipient: "ada@example.com".into(),
        }],
        passengers: vec![pb::Passenger {
            passenger_name: Some(name("Ada", "", "Lovelace", "")),
            passenger_email: "ada@example.com".into(),
            passenger_phone_no: "+14155550100".into(),
            passenger_id: "X1234567".into(),
            passenger_id_type: pb::PassengerIdType::Passport.into(),
            passenger_code: "ADT".into(),
        }],
        agent_code: "AG1".into(),
        agent_name: "Agent One".into(),
        ticket_number: "0161234567890".into(),
        ticket_issuer_code: "016".into(),
        restricted_ticket_indicator: "1".into(),
        ancillary_data: Some(pb::AncillaryData {
            services: vec![pb::AncillaryService {
                category_code: "BG".into(),
                sub_category_code: "0GO".into(),
            }],
            connected_ticket_number: "0161234567891".into(),
        }),
    }
}

fn lodging() -> pb::Lodging {
    pb::Lodging {
        hotel_name: "Hotel One".into(),
        hotel_address: address("hotel"),
        check_in_date: at("2026-12-01T15:00:00Z"),
        check_out_date: at("2026-12-03T11:00:00Z"),
        number_of_nights: 2,
        number_of_rooms: 1,
        guest_names: vec![name("Ada", "", "Lovelace", "")],
        room_class: "Deluxe suite".into(),
        ticket_delivery_method: pb::TicketDeliveryMethod::PickUp.into(),
        ticket_delivery_recipient: "Ada Lovelace".into(),
    }
}

fn order() -> pb::Order {
    pb::Order {
        reference_order_id: "order-0001".into(),
        order_description: "Every field".into(),
        order_amount: usd(1900),
        order_discount_amount: usd(100),
        sub_total_order_amount: usd(2000),
        merchant: Some(merchant()),
        goods: vec![goods("1", Some(goods("x", None)))],
        shipping: Some(shipping()),
        buyer: Some(buyer("buyer-order")),
        env: Some(env("order")),
        extend_info: r#"{"order":"x"}"#.into(),
        transit: Some(transit()),
        lodging: Some(lodging()),
        gaming: Some(pb::Gaming {
            game_name: "Game One".into(),
            topped_up_user: "player-1".into(),
            topped_up_email: "player@example.com".into(),
            topped_up_phone_no: "+14155550103".into(),
        }),
        need_declaration: Some(true),
        declaration: Some(pb::Declaration {
            declaration_biz_scene: pb::DeclarationBizSceneType::Airline.into(),
            declaration_beneficiary_id: "benef-1".into(),
        }),
        order_type: "ONLINE".into(),
        payment_amount: usd(1900),
    }
}

fn payment_detail() -> pb::PaymentDetail {
    let card = pb::PaymentMethodMetaData {
        card_no: "4111111111111111".into(),
        card_bin: "411111".into(),
        last_four_digits: "1111".into(),
        expiry_year: "29".into(),
        expiry_month: "12".into(),
        billing_address: address("billing"),
        is_card_on_file: Some(true),
        cardholder_name: Some(ada()),
        payer_email: "ada@example.com".into(),
        funding: pb::FundingType::Credit.into(),
        is_3ds_authentication: Some(false),
        card_brand: "VISA".into(),
        card_issuer: "Example Bank".into(),
        issuing_region: "US".into(),
        card_verification_result: Some(pb::CardVerificationResult {
            authentication_type: pb::AuthenticationType::AuthenticationType3d.into(),
            authentication_method: "challenge".into(),
            cvv_result: "Y".into(),
            avs_result: "Y".into(),
            authorization_code: "10000".into(),
            three_ds_result: Some(pb::ThreeDsResult {
                three_ds_version: "2.2.0".into(),
                three_ds_interaction_mode: pb::ThreeDsInteractionMode::Challenged.into(),
                eci: "05".into(),
                cavv: "AAABBEg0VhI0VniQEjRWAAAAAAA=".into(),
            }),
        }),
        cpf: "02987654320".into(),
    };
    pb::PaymentDetail {
        amount: usd(1900),
        payment_method: Some(pb::PaymentMethod {
            payment_method_type: "CARD".into(),
            payment_method_id: "card-token-1".into(),
            funding: pb::FundingType::Credit.into(),
            customer_id: "customer-1".into(),
            extend_info: r#"{"pm":"x"}"#.into(),
            require_issuer_authentication: Some(false),
            payment_method_meta_data: Some(card),
        }),
    }
}

fn minimal() -> pb::DecideRequest {
    pb::DecideRequest {
        reference_transaction_id: "txn-min-0001".into(),
        authorization_phase: pb::AuthorizationPhase::PreAuthorization.into(),
        orders: vec![pb::Order::default()],
        buyer: Some(pb::Buyer::default()),
        actual_payment_amount: usd(1000),
        payment_details: vec![pb::PaymentDetail::default()],
        ..Default::default()
    }
}

fn wire(request: pb::DecideRequest) -> Vec<u8> {
    Decide::try_from(request).expect("valid request").to_wire()
}

#[test]
fn one_order_carrying_every_field_matches_the_sdk() {
    let full = pb::DecideRequest {
        reference_transaction_id: "txn-full-0001".into(),
        authorization_phase: pb::AuthorizationPhase::PostAuthorization.into(),
        orders: vec![order()],
        buyer: Some(buyer("buyer-top")),
        actual_payment_amount: usd(1900),
        payment_details: vec![payment_detail()],
        discount_amount: usd(100),
        env: Some(env("top")),
    };
    crate::golden("decide/full.json", &wire(full));
}

#[test]
fn the_least_antom_requires_matches_the_sdk() {
    crate::golden("decide/minimal.json", &wire(minimal()));
}

#[test]
fn set_but_empty_nested_messages_are_sent_as_empty_objects() {
    let request = pb::DecideRequest {
        orders: vec![pb::Order {
            shipping: Some(pb::Shipping::default()),
            goods: vec![pb::Goods {
                cross_sell: Some(Box::default()),
                ..pb::Goods::default()
            }],
            ..pb::Order::default()
        }],
        payment_details: vec![pb::PaymentDetail {
            payment_method: Some(pb::PaymentMethod {
                payment_method_meta_data: Some(pb::PaymentMethodMetaData {
                    card_verification_result: Some(pb::CardVerificationResult::default()),
                    ..pb::PaymentMethodMetaData::default()
                }),
                ..pb::PaymentMethod::default()
            }),
            ..pb::PaymentDetail::default()
        }],
        ..minimal()
    };
    let wire = String::from_utf8(wire(request)).expect("UTF-8");
    assert!(
        wire.contains(r#""orders":[{"goods":[{"crossSell":{}}],"shipping":{}}]"#),
        "{wire}"
    );
    assert!(
        wire.contains(r#"{"paymentMethodMetaData":{"cardVerificationResult":{}}}"#),
        "{wire}"
    );
}
