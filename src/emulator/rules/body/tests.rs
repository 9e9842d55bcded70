//! The body rules of each API, tried on bodies that pass and bodies that don't.

use super::*;
use serde_json::json;

use crate::antom::{APIS, Api, Decide, ReportRisk, SendPaymentResult, SendRefundResult};

#[test]
fn every_api_has_its_schema() {
    for api in APIS {
        assert!(schema(&api).is_some(), "no body schema for {}", api.name);
    }
}

fn refused(api: ApiSpec, bodies: &[&str]) {
    for body in bodies {
        let err = check_body(&api, body.as_bytes()).expect_err(body);
        assert_eq!(err.code, "PARAM_ILLEGAL", "{body}");
    }
}

#[test]
fn payment_result_rules() {
    let ok =
        r#"{"referenceTransactionId":"a","paymentStatus":"FAIL","paymentMethodProvider":"VISA"}"#;
    assert!(check_body(&SendPaymentResult::SPEC, ok.as_bytes()).is_ok());
    refused(
        SendPaymentResult::SPEC,
        &[
            "[]",
            r#"{"paymentStatus":"FAIL","paymentMethodProvider":"VISA"}"#,
            r#"{"referenceTransactionId":"a","paymentStatus":"DONE","paymentMethodProvider":"VISA"}"#,
            r#"{"referenceTransactionId":"a","paymentStatus":"FAIL"}"#,
            r#"{"referenceTransactionId":"a","paymentStatus":"FAIL","paymentMethodProvider":"VISA","x":"1"}"#,
            r#"{"referenceTransactionId":"a","paymentStatus":"FAIL","paymentMethodProvider":"VISA","cardVerificationResult":{"threeDSResult":{"eci":5}}}"#,
            r#"{"referenceTransactionId":null,"paymentStatus":"FAIL","paymentMethodProvider":"VISA"}"#,
            r#"{"referenceTransactionId":"","paymentStatus":"FAIL","paymentMethodProvider":"VISA"}"#,
        ],
    );
}

#[test]
fn refund_result_rules() {
    let ok = r#"{"referenceTransactionId":"t","referenceRefundId":"r","actualRefundAmount":{"currency":"USD","value":"1"},"refundRecords":[{},{"amount":{"currency":"JPY","value":"0"},"refundTime":"2026-11-28T21:45:00+00:00"}]}"#;
    assert!(check_body(&SendRefundResult::SPEC, ok.as_bytes()).is_ok());
    let with = |records: &str| {
        format!(
            r#"{{"referenceTransactionId":"t","referenceRefundId":"r","actualRefundAmount":{{"currency":"USD","value":"1"}},"refundRecords":{records}}}"#
        )
    };
    let too_many = with(&format!("[{}{{}}]", "{},".repeat(100)));
    let bodies = [
        r#"{"referenceTransactionId":"t","referenceRefundId":"r","actualRefundAmount":{"currency":"USD","value":"1"}}"#.to_owned(),
        r#"{"referenceTransactionId":"t","referenceRefundId":"r","actualRefundAmount":{"currency":"USD","value":1},"refundRecords":[]}"#.to_owned(),
        r#"{"referenceTransactionId":"t","referenceRefundId":"r","actualRefundAmount":{"currency":"USD"},"refundRecords":[]}"#.to_owned(),
        r#"{"referenceTransactionId":"t","actualRefundAmount":{"currency":"USD","value":"1"},"refundRecords":[]}"#.to_owned(),
        with(r#"{}"#),
        with(r#""[]""#),
        with(r#"["x"]"#),
        with(r#"[{"amount":{"value":"1"}}]"#),
        with(r#"[{"refundReason":7}]"#),
        with(r#"[{"typo":"x"}]"#),
        too_many,
    ];
    refused(
        SendRefundResult::SPEC,
        &bodies.each_ref().map(String::as_str),
    );
    assert!(check_body(&SendRefundResult::SPEC, with("[]").as_bytes()).is_ok());
}

#[test]
fn risk_report_rules() {
    let ok = r#"{"referenceTransactionId":"t","riskType":"FRAUD","riskOccurrenceTime":"2026-11-28T21:45:00+00:00"}"#;
    assert!(check_body(&ReportRisk::SPEC, ok.as_bytes()).is_ok());
    refused(
        ReportRisk::SPEC,
        &[
            r#"{"referenceTransactionId":"t"}"#,
            r#"{"riskOccurrenceTime":"2026-11-28T21:45:00+00:00"}"#,
            r#"{"referenceTransactionId":"t","riskType":"OTHER","riskOccurrenceTime":"x"}"#,
            r#"{"referenceTransactionId":"t","riskOccurrenceTime":1795902300}"#,
            r#"{"referenceTransactionId":"t","riskOccurrenceTime":{"seconds":"1"}}"#,
            r#"{"referenceTransactionId":"t","riskOccurrenceTime":"x","refundRecords":[]}"#,
        ],
    );
}

/// The least `decide` body Antom requires, with `change` applied.
fn decide(change: impl FnOnce(&mut Value)) -> String {
    let mut body = json!({
        "referenceTransactionId": "t",
        "authorizationPhase": "PRE_AUTHORIZATION",
        "orders": [{}],
        "buyer": {},
        "actualPaymentAmount": {"currency": "USD", "value": "1000"},
        "paymentDetails": [{}],
    });
    change(&mut body);
    body.to_string()
}

/// The least `decide` body without `field`.
fn without(field: &str) -> String {
    decide(|b| {
        if let Some(o) = b.as_object_mut() {
            o.remove(field);
        }
    })
}

#[test]
fn decide_rules() {
    let ok = |body: &str| {
        let checked = check_body(&Decide::SPEC, body.as_bytes());
        assert!(checked.is_ok(), "{body}: {checked:?}");
    };
    ok(&decide(|_| {}));
    ok(&decide(|b| {
        b["orders"] = Value::Array(vec![
            json!({
                "referenceOrderId": "o-1",
                "orderAmount": {"currency": "USD", "value": "1900"},
                "merchant": {"merchantAddress": {"region": "US"}, "merchantRegisterDate": TIME},
                "goods": [{"goodsQuantity": "2", "crossSell": {"goodsName": "x"}}],
                "lodging": {"guestNames": [{"firstName": "Ada"}], "checkInDate": TIME},
                "needDeclaration": "true",
            });
            10
        ]);
        b["paymentDetails"] = Value::Array(vec![
            json!({
                "amount": {"currency": "USD", "value": "1900"},
                "paymentMethod": {"paymentMethodMetaData": {"isCardOnFile": "true"}},
            });
            5
        ]);
        b["discountAmount"] = json!({"currency": "USD", "value": "100"});
        b["env"] = json!({"colorDepth": "24", "browserInfo": {"javaEnabled": "false"}});
        b["buyer"] = json!({"successfulOrderAmount": {"currency": "JPY", "value": "0"}});
    }));
    let bodies = [
        // The six required fields.
        without("referenceTransactionId"),
        without("authorizationPhase"),
        without("orders"),
        without("buyer"),
        without("actualPaymentAmount"),
        without("paymentDetails"),
        // Values, limits and shapes at the top.
        decide(|b| b["authorizationPhase"] = json!("DURING")),
        decide(|b| b["referenceTransactionId"] = json!("x".repeat(65))),
        decide(|b| b["orders"] = Value::Array(vec![json!({}); 11])),
        decide(|b| b["paymentDetails"] = Value::Array(vec![json!({}); 6])),
        // At least one order and one payment detail: an empty array is no order.
        decide(|b| b["orders"] = json!([])),
        decide(|b| b["paymentDetails"] = json!([])),
        decide(|b| b["paymentDetails"] = json!({})),
        decide(|b| b["orders"] = json!(["o"])),
        decide(|b| b["buyer"] = json!("ada")),
        decide(|b| b["typo"] = json!("x")),
        decide(|b| b["actualPaymentAmount"] = json!({"currency": "USD", "value": 1000})),
        decide(|b| b["discountAmount"] = json!({"currency": "USD"})),
        // Strings only, at any depth; amounts and times in their forms.
        decide(|b| b["buyer"] = json!({"isAccountVerified": true})),
        decide(|b| b["env"] = json!({"colorDepth": 24})),
        decide(|b| b["orders"] = json!([{"goods": [{"goodsQuantity": 2}]}])),
        decide(|b| b["orders"] = json!([{"lodging": {"guestNames": ["Ada"]}}])),
        decide(|b| b["orders"] = json!([{"merchant": {"merchantMCC": null}}])),
        decide(|b| b["orders"] = json!([{"orderAmount": {"currency": "usd", "value": "1"}}])),
        decide(|b| b["orders"] = json!([{"orderAmount": {"value": "1"}}])),
        decide(|b| {
            b["orders"] = json!([{"orderAmount": {"currency": "USD", "value": "1", "x": "1"}}])
        }),
        decide(|b| b["paymentDetails"] = json!([{"amount": {"currency": "USD", "value": "-1"}}])),
        decide(|b| b["buyer"] = json!({"buyerRegistrationTime": "2024-01-02"})),
        decide(|b| b["orders"] = json!([{"transit": {"legs": [{"departureTime": "1795902300"}]}}])),
    ];
    refused(Decide::SPEC, &bodies.each_ref().map(String::as_str));
    let body = decide(|b| b["orders"] = json!([{"goods": [{"goodsEndsOnTime": "x"}]}]));
    refused_naming(Decide::SPEC, &body, "orders[].goods[].goodsEndsOnTime");
    for field in ["orders", "paymentDetails"] {
        let body = decide(|b| b[field] = json!([]));
        let err = check_body(&Decide::SPEC, body.as_bytes()).expect_err(&body);
        assert!(
            err.message
                .starts_with(&format!("{field} holds 0 elements")),
            "{}",
            err.message
        );
    }
    let body = decide(|b| b["env"] = json!({"screenWidth": 1920}));
    refused_naming(Decide::SPEC, &body, "env.screenWidth");
}

/// A refund with `amount` as both amounts, and a record at `time`.
fn refund_with(currency: &str, value: &str, time: &str) -> String {
    let amount = json!({"currency": currency, "value": value});
    let record = json!({"amount": amount, "refundTime": time});
    json!({
        "referenceTransactionId": "t",
        "referenceRefundId": "r",
        "actualRefundAmount": amount,
        "refundRecords": [record],
    })
    .to_string()
}

/// A risk report at `time`.
fn report_at(time: &str) -> String {
    json!({"referenceTransactionId": "t", "riskOccurrenceTime": time}).to_string()
}

/// Checks that `body` to `api` is refused as PARAM_ILLEGAL naming `field`.
fn refused_naming(api: ApiSpec, body: &str, field: &str) {
    let err = check_body(&api, body.as_bytes()).expect_err(body);
    assert_eq!(err.code, "PARAM_ILLEGAL", "{body}");
    assert!(
        err.message.starts_with(&format!("{field} must be")),
        "{body}: {}",
        err.message
    );
}

const TIME: &str = "2026-11-28T21:45:00+00:00";

#[test]
fn amounts_are_digits_and_currencies_three_capitals() {
    for value in [
        "-5",
        "+5",
        "1.5",
        "1,5",
        "abc",
        " 1",
        "1e3",
        "١٢",
        "",
        "12345678901234567890",
    ] {
        let body = refund_with("USD", value, TIME);
        refused_naming(SendRefundResult::SPEC, &body, "actualRefundAmount.value");
    }
    for currency in ["usd", "EURO", "US", "U$D", "ÜSD", "", "Usd"] {
        let body = refund_with(currency, "1", TIME);
        refused_naming(SendRefundResult::SPEC, &body, "actualRefundAmount.currency");
    }
    // The same rules in each record.
    let record = |amount: Value| {
        json!({
            "referenceTransactionId": "t",
            "referenceRefundId": "r",
            "actualRefundAmount": {"currency": "USD", "value": "1"},
            "refundRecords": [{"amount": amount}],
        })
        .to_string()
    };
    let body = record(json!({"currency": "USD", "value": "-1"}));
    refused_naming(
        SendRefundResult::SPEC,
        &body,
        "refundRecords[].amount.value",
    );
    let body = record(json!({"currency": "usd", "value": "1"}));
    refused_naming(
        SendRefundResult::SPEC,
        &body,
        "refundRecords[].amount.currency",
    );
    for (currency, value) in [
        ("USD", "0"),
        ("JPY", "1500"),
        ("EUR", "007"),
        ("XXX", "9223372036854775807"),
        ("KWD", "1234567890123456789"),
    ] {
        let body = refund_with(currency, value, TIME);
        let checked = check_body(&SendRefundResult::SPEC, body.as_bytes());
        assert!(checked.is_ok(), "{body}: {checked:?}");
    }
}

#[test]
fn times_are_rfc_3339() {
    let bad = [
        "x",
        "",
        "1795902300",
        "2026-11-28",
        "2026-11-28T21:45:00",
        "2026-11-28 21:45:00+00:00",
        "2026-11-28t21:45:00Z",
        "2026-11-28T21:45:00z",
        "2026-11-28T21:45+00:00",
        "2026-11-28T21:45:00+0000",
        "2026-11-28T21:45:00+00",
        "2026-11-28T21:45:00+24:00",
        "2026-11-28T21:45:00+00:60",
        "2026-11-28T21:45:00.+00:00",
        "2026-11-28T21:45:00.5",
        "2026-11-28T21:45:00Z ",
        "2026-11-28T21:45:00+00:00Z",
        "26-11-28T21:45:00Z",
        "2026-1-28T21:45:00Z",
        "2026-13-28T21:45:00Z",
        "2026-00-28T21:45:00Z",
        "2026-11-00T21:45:00Z",
        "2026-11-31T21:45:00Z",
        "2026-02-29T21:45:00Z",
        "2026-11-28T24:00:00Z",
        "2026-11-28T21:60:00Z",
        "2026-11-28T21:45:61Z",
        "+2026-11-28T21:45:00Z",
        "2026-11-28T21:45:00+00:00\n",
        "２026-11-28T21:45:00Z",
    ];
    for time in bad {
        refused_naming(ReportRisk::SPEC, &report_at(time), "riskOccurrenceTime");
        let body = refund_with("USD", "1", time);
        refused_naming(SendRefundResult::SPEC, &body, "refundRecords[].refundTime");
    }
    let good = [
        TIME,
        "2026-11-28T21:45:00Z",
        "2026-11-28T21:45:00.5Z",
        "2026-11-28T21:45:00.000000001-05:30",
        "2026-11-28T21:45:00+14:00",
        "2024-02-29T12:00:00+00:00",
        "2000-02-29T00:00:00Z",
        "2016-12-31T23:59:60Z",
        "1970-01-01T00:00:00+00:00",
        "9999-12-31T23:59:59+00:00",
    ];
    for time in good {
        let checked = check_body(&ReportRisk::SPEC, report_at(time).as_bytes());
        assert!(checked.is_ok(), "{time}: {checked:?}");
        let body = refund_with("USD", "1", time);
        let checked = check_body(&SendRefundResult::SPEC, body.as_bytes());
        assert!(checked.is_ok(), "{time}: {checked:?}");
    }
}

#[test]
fn the_sidecars_own_times_pass() {
    use std::time::{Duration, UNIX_EPOCH};
    for seconds in [0, 951_782_400, 1_709_208_000, 1_795_902_300] {
        let time = crate::wire::iso8601_utc(UNIX_EPOCH + Duration::from_secs(seconds));
        assert!(Form::DateTime.accepts(&time), "{time}");
    }
}

#[test]
fn the_sidecars_decide_golden_bodies_pass() {
    for name in ["full", "minimal"] {
        let path = format!(
            "{}/tests/golden/decide/{name}.json",
            env!("CARGO_MANIFEST_DIR")
        );
        let body = std::fs::read_to_string(&path).expect("golden file");
        let checked = check_body(&Decide::SPEC, body.trim().as_bytes());
        assert!(checked.is_ok(), "{path}: {checked:?}");
    }
}
