//! Property tests of requests (proptest, bounded; `PROPTEST_CASES=N` runs deeper):
//! arbitrary requests (unicode, control characters, strings far over the limits, enum
//! numbers the proto does not define, nested messages present or not) never panic in
//! validation or conversion, and validation names exactly the fields that the proto's
//! documented rules say are bad; every request that passes validation produces JSON that
//! the emulator accepts, and the emulator receives exactly that JSON.

mod common;

use std::{collections::BTreeSet, ops::RangeInclusive};

use antom_sidecar::{payment::PaymentResult, pb};
use common::props::*;
use proptest::{prelude::*, sample::Index};
use serde_json::{Map, Value};
use tonic::Code;
use tonic_types::StatusExt;

// ---------------------------------------------------------------------------------------
// Strategies: text, enums, requests.

/// A character that validation must refuse: C0, DEL or C1 (`char::is_control`).
fn control_char() -> impl Strategy<Value = char> {
    prop_oneof![
        proptest::char::range('\0', '\x1f'),
        Just('\x7f'),
        proptest::char::range('\u{80}', '\u{9f}'),
    ]
}

/// A character that validation must accept, biased towards what breaks naive code:
/// multi-byte UTF-8, JSON's special characters, invisible and non-BMP characters.
fn allowed_char() -> impl Strategy<Value = char> {
    prop_oneof![
        4 => proptest::char::range('a', 'z'),
        1 => proptest::char::range('0', '9'),
        3 => prop::sample::select(vec![
            ' ', '"', '\\', '/', '-', 'é', 'ß', '漢', '😀', '\u{200b}', '\u{feff}', '\u{2028}',
            '\u{fffd}', '\u{10ffff}',
        ]),
        2 => any::<char>().prop_filter("not a control character", |c| !c.is_control()),
    ]
}

/// Text of allowed characters, `len` characters long.
fn allowed_text(len: RangeInclusive<usize>) -> impl Strategy<Value = String> {
    prop::collection::vec(allowed_char(), len).prop_map(String::from_iter)
}

/// Any text for a field limited to `max` characters: empty, short, around the limit
/// (counted in characters, the bytes being more), far over it, with control characters,
/// or any characters at all.
fn text(max: usize) -> BoxedStrategy<String> {
    let with_control =
        (allowed_text(0..=max), control_char(), any::<Index>()).prop_map(|(text, control, at)| {
            let mut chars: Vec<char> = text.chars().collect();
            chars.insert(at.index(chars.len() + 1), control);
            String::from_iter(chars)
        });
    // Thousands of characters, cheaply: a short run repeated.
    let far_over = (allowed_text(1..=4), max + 1..=max + 3000)
        .prop_map(|(run, chars)| run.chars().cycle().take(chars).collect::<String>());
    prop_oneof![
        3 => Just(String::new()),
        4 => allowed_text(1..=max.min(12)),
        3 => allowed_text(max - 1..=max + 1),
        1 => far_over,
        2 => with_control,
        2 => prop::collection::vec(any::<char>(), 0..=max + 4).prop_map(String::from_iter),
    ]
    .boxed()
}

/// Text that validation must accept for a field limited to `max` characters; empty
/// (meaning absent) only when `optional`.
fn valid_text(max: usize, optional: bool) -> BoxedStrategy<String> {
    let present = prop_oneof![
        3 => allowed_text(1..=max.min(12)),
        1 => allowed_text(1..=max),
        2 => allowed_text(max..=max),
    ];
    if optional {
        prop_oneof![1 => Just(String::new()), 3 => present].boxed()
    } else {
        present.boxed()
    }
}

/// An enum field's number: mostly the defined values `0..=defined` and just past them,
/// sometimes any `i32` at all.
fn enum_value(defined: i32) -> impl Strategy<Value = i32> {
    prop_oneof![
        8 => 0..=defined + 1,
        1 => prop::sample::select(vec![-1, i32::MIN, i32::MAX]),
        1 => any::<i32>(),
    ]
}

fn request_with(
    text: impl Fn(usize, bool) -> BoxedStrategy<String>,
    payment_status: BoxedStrategy<i32>,
    enum_value: impl Fn(i32) -> BoxedStrategy<i32>,
) -> impl Strategy<Value = pb::SendPaymentResultRequest> {
    let authorization_error =
        (text(64, true), text(256, true)).prop_map(|(code, message)| pb::AuthorizationError {
            error_code: code,
            error_message: message,
        });
    let three_ds = (
        text(16, true),
        enum_value(3),
        text(8, true),
        text(128, true),
    )
        .prop_map(|(version, mode, eci, cavv)| pb::ThreeDsResult {
            three_ds_version: version,
            three_ds_interaction_mode: mode,
            eci,
            cavv,
        });
    let card = (
        enum_value(2),
        text(64, true),
        text(16, true),
        text(16, true),
        text(64, true),
        proptest::option::of(three_ds),
    )
        .prop_map(
            |(kind, method, cvv, avs, code, three_ds)| pb::CardVerificationResult {
                authentication_type: kind,
                authentication_method: method,
                cvv_result: cvv,
                avs_result: avs,
                authorization_code: code,
                three_ds_result: three_ds,
            },
        );
    (
        text(64, false),
        payment_status,
        proptest::option::of(authorization_error),
        proptest::option::of(card),
        text(64, false),
    )
        .prop_map(
            |(id, status, error, card, provider)| pb::SendPaymentResultRequest {
                reference_transaction_id: id,
                payment_status: status,
                authorization_error: error,
                card_verification_result: card,
                payment_method_provider: provider,
            },
        )
}

/// Any request at all.
fn request() -> impl Strategy<Value = pb::SendPaymentResultRequest> {
    let anything = request_with(
        |max, _| text(max),
        enum_value(2).boxed(),
        |defined| enum_value(defined).boxed(),
    );
    // Each field valid four times in five: single violations, each rule on its own.
    let mostly_valid = request_with(
        |max, optional| prop_oneof![4 => valid_text(max, optional), 1 => text(max)].boxed(),
        prop_oneof![4 => 1..=2, 1 => enum_value(2)].boxed(),
        |defined| prop_oneof![4 => 0..=defined, 1 => enum_value(defined)].boxed(),
    );
    prop_oneof![1 => valid_request(), 2 => mostly_valid, 2 => anything]
}

/// A request that the proto's rules allow, as varied as those rules permit.
fn valid_request() -> impl Strategy<Value = pb::SendPaymentResultRequest> {
    request_with(valid_text, (1..=2).boxed(), |defined| (0..=defined).boxed())
}

// ---------------------------------------------------------------------------------------
// The documented rules (proto/antom/risk/v1/risk.proto), written out independently.

/// The proto paths of the fields that the documented rules refuse: text over its limit
/// in characters or holding a control character, a required text empty, an enum number
/// the proto does not define, or an UNSPECIFIED payment status.
fn predicted_violations(req: &pb::SendPaymentResultRequest) -> BTreeSet<String> {
    // (proto path, value, max characters, required)
    let mut texts: Vec<(String, &str, usize, bool)> = vec![
        (
            "reference_transaction_id".into(),
            &req.reference_transaction_id,
            64,
            true,
        ),
        (
            "payment_method_provider".into(),
            &req.payment_method_provider,
            64,
            true,
        ),
    ];
    // (proto path, value, the numbers allowed)
    let mut enums: Vec<(String, i32, RangeInclusive<i32>)> =
        vec![("payment_status".into(), req.payment_status, 1..=2)];
    if let Some(e) = &req.authorization_error {
        let p = "authorization_error";
        texts.extend([
            (format!("{p}.error_code"), e.error_code.as_str(), 64, false),
            (format!("{p}.error_message"), &e.error_message, 256, false),
        ]);
    }
    if let Some(v) = &req.card_verification_result {
        let p = "card_verification_result";
        enums.push((
            format!("{p}.authentication_type"),
            v.authentication_type,
            0..=2,
        ));
        texts.extend([
            (
                format!("{p}.authentication_method"),
                v.authentication_method.as_str(),
                64,
                false,
            ),
            (format!("{p}.cvv_result"), &v.cvv_result, 16, false),
            (format!("{p}.avs_result"), &v.avs_result, 16, false),
            (
                format!("{p}.authorization_code"),
                &v.authorization_code,
                64,
                false,
            ),
        ]);
        if let Some(t) = &v.three_ds_result {
            let p = format!("{p}.three_ds_result");
            let mode = t.three_ds_interaction_mode;
            enums.push((format!("{p}.three_ds_interaction_mode"), mode, 0..=3));
            texts.extend([
                (
                    format!("{p}.three_ds_version"),
                    t.three_ds_version.as_str(),
                    16,
                    false,
                ),
                (format!("{p}.eci"), &t.eci, 8, false),
                (format!("{p}.cavv"), &t.cavv, 128, false),
            ]);
        }
    }
    let mut bad = BTreeSet::new();
    for (field, value, max, required) in texts {
        let broken = if value.is_empty() {
            required
        } else {
            value.chars().count() > max || value.chars().any(char::is_control)
        };
        if broken {
            bad.insert(field);
        }
    }
    for (field, value, allowed) in enums {
        if !allowed.contains(&value) {
            bad.insert(field);
        }
    }
    bad
}

/// Inserts `value` under `name` unless it is empty (empty means absent).
fn put(object: &mut Map<String, Value>, name: &str, value: &str) {
    if !value.is_empty() {
        object.insert(name.to_owned(), Value::from(value));
    }
}

/// Inserts `object` under `name` unless it is empty (an empty object is left out).
fn put_object(parent: &mut Map<String, Value>, name: &str, object: Map<String, Value>) {
    if !object.is_empty() {
        parent.insert(name.to_owned(), Value::Object(object));
    }
}

/// The wire JSON that the proto's comments describe for a valid request.
fn expected_wire(req: &pb::SendPaymentResultRequest) -> Value {
    let mut root = Map::new();
    put(
        &mut root,
        "referenceTransactionId",
        &req.reference_transaction_id,
    );
    let status = if req.payment_status == 1 {
        "SUCCESS"
    } else {
        "FAIL"
    };
    put(&mut root, "paymentStatus", status);
    if let Some(e) = &req.authorization_error {
        let mut error = Map::new();
        put(&mut error, "errorCode", &e.error_code);
        put(&mut error, "errorMessage", &e.error_message);
        put_object(&mut root, "authorizationError", error);
    }
    put(
        &mut root,
        "paymentMethodProvider",
        &req.payment_method_provider,
    );
    if let Some(v) = &req.card_verification_result {
        let mut card = Map::new();
        let kind = ["", "3D", "NON_3D"][usize::try_from(v.authentication_type).unwrap_or(0)];
        put(&mut card, "authenticationType", kind);
        put(&mut card, "authenticationMethod", &v.authentication_method);
        put(&mut card, "cvvResult", &v.cvv_result);
        put(&mut card, "avsResult", &v.avs_result);
        put(&mut card, "authorizationCode", &v.authorization_code);
        if let Some(t) = &v.three_ds_result {
            let mut three_ds = Map::new();
            put(&mut three_ds, "threeDSVersion", &t.three_ds_version);
            let modes = ["", "FRICTIONLESS", "CHALLENGE", "CHALLENGED"];
            let mode = modes[usize::try_from(t.three_ds_interaction_mode).unwrap_or(0)];
            put(&mut three_ds, "threeDSInteractionMode", mode);
            put(&mut three_ds, "eci", &t.eci);
            put(&mut three_ds, "cavv", &t.cavv);
            put_object(&mut card, "threeDSResult", three_ds);
        }
        put_object(&mut root, "cardVerificationResult", card);
    }
    Value::Object(root)
}

proptest! {
    #![proptest_config(config(CASES))]

    /// Validation and conversion never panic; they refuse exactly the fields the rules
    /// name, and what they accept becomes exactly the documented JSON.
    #[test]
    fn validation_follows_the_documented_rules_and_never_panics(req in request()) {
        let predicted = predicted_violations(&req);
        let expected = predicted.is_empty().then(|| expected_wire(&req));
        match PaymentResult::try_from(req) {
            Ok(payment) => {
                prop_assert!(predicted.is_empty(), "accepted, yet {predicted:?} are bad");
                let wire: Value = serde_json::from_slice(&payment.to_wire())
                    .map_err(|e| fail(format!("the wire form is not JSON: {e}")))?;
                prop_assert_eq!(Some(wire), expected);
            }
            Err(err) => {
                let reported: BTreeSet<String> =
                    err.violations.iter().map(|v| v.field.clone()).collect();
                prop_assert_eq!(&reported, &predicted);
                prop_assert!(err.violations.iter().all(|v| !v.description.is_empty()));
                // As the gRPC edge answers it: a status whose headers can be written.
                let status = tonic::Status::from(err);
                prop_assert_eq!(status.code(), Code::InvalidArgument);
                let bad = status.get_details_bad_request().map(|b| b.field_violations.len());
                prop_assert!(bad.is_some_and(|n| n > 0), "BadRequest details");
                let _ = status.into_http::<tonic::body::Body>();
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// Valid requests against the emulator.

/// Needs the emulator (the `emulator` feature).
#[cfg(feature = "emulator")]
mod against_the_emulator {
    use std::sync::LazyLock;

    use antom_sidecar::{antom::AntomClient, call::Call, emulator::EmulatorHandle};

    use super::*;

    struct EmulatorFixture {
        emulator: EmulatorHandle,
        client: AntomClient,
    }

    fn emulator_fixture() -> &'static EmulatorFixture {
        static FIXTURE: LazyLock<EmulatorFixture> = LazyLock::new(|| {
            runtime().block_on(async {
                let emulator = common::start_emulator(common::emulator_config()).await;
                let client =
                    AntomClient::new(common::settings(emulator.addr()).build()).expect("client");
                EmulatorFixture { emulator, client }
            })
        });
        &FIXTURE
    }

    proptest! {
        #![proptest_config(config(NET_CASES))]

        /// Whatever passes validation, the emulator (Antom's body rules: known fields only,
        /// every value a string, the required ones present) accepts, and records as sent.
        #[test]
        fn every_valid_request_is_accepted_by_the_emulator(mut req in valid_request()) {
            // `emu-...` asks the emulator for faults; same length, no directive.
            if req.reference_transaction_id.starts_with("emu-") {
                req.reference_transaction_id.replace_range(..1, "E");
            }
            let payment = PaymentResult::try_from(req)
                .map_err(|e| fail(format!("a valid request was refused: {e}")))?;
            let sent: Value = serde_json::from_slice(&payment.to_wire())
                .map_err(|e| fail(format!("the wire form is not JSON: {e}")))?;
            let f = emulator_fixture();
            let before = f.emulator.received().len();
            let result = runtime()
                .block_on(f.client.send_payment_result(&payment, &Call::detached()))
                .map_err(|e| fail(format!("the emulator refused {sent}: {e}")))?;
            prop_assert_eq!(result.result_code, "SUCCESS");
            let received = f.emulator.received();
            prop_assert_eq!(received.len(), before + 1);
            prop_assert_eq!(&received[before]["body"], &sent);
        }
    }
}
