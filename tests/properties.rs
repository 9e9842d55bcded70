//! Property tests (proptest), bounded so that CI stays fast (about 2,500 cases, a few
//! seconds): 512 cases for each in-process property, 64 to 256 for those that cross a
//! loopback socket, whose servers are started once and shared by every case.
//! `PROPTEST_CASES=N` runs N cases of every property instead, for a deeper look.
//!
//! - Arbitrary requests (unicode, control characters, strings far over the limits, enum
//!   numbers the proto does not define, nested messages present or not) never panic in
//!   validation or conversion, and validation names exactly the fields that the proto's
//!   documented rules say are bad.
//! - Every request that passes validation produces JSON that the emulator accepts, and the
//!   emulator receives exactly that JSON.
//! - Arbitrary HTTP status, headers and body as Antom's response never panic, and are
//!   always an error unless validly signed with Antom's key.
//! - The `Signature` header parser never panics and round-trips what the sidecar writes;
//!   arbitrary `grpc-timeout` values always get a gRPC status from the real sidecar.

mod common;

use std::{
    collections::BTreeSet,
    convert::Infallible,
    net::SocketAddr,
    ops::RangeInclusive,
    sync::{Arc, LazyLock, Mutex, PoisonError},
    time::Duration,
};

use antom_sidecar::{
    antom::{
        AntomClient, AntomError, AntomResult, Endpoint, PAYMENT_RESULT_PATH, ResultStatus,
        RetryPolicy, SANDBOX_PAYMENT_RESULT_PATH,
    },
    emulator::EmulatorHandle,
    payment::PaymentResult,
    pb,
    signing::{
        ALGORITHM, EncodedSignature, SignatureHeader, SigningKey, content_to_sign, signature_header,
    },
};
use bytes::{BufMut, Bytes, BytesMut};
use common::{CLIENT_ID, RunningSidecar};
use http_body_util::{BodyExt, Full};
use hyper::{
    StatusCode,
    header::{HeaderName, HeaderValue},
};
use hyper_util::{
    client::legacy::{Client, connect::HttpConnector},
    rt::{TokioExecutor, TokioIo},
};
use proptest::{prelude::*, sample::Index, test_runner::TestCaseError};
use serde_json::{Map, Value, json};
use tonic::Code;
use tonic_types::StatusExt;

/// Cases of the in-process properties: cheap, so many.
const CASES: u32 = 512;
/// Cases of the properties that cross a socket (and sign with RSA) per case.
const NET_CASES: u32 = 64;
/// `MAX_RESPONSE_BYTES` in src/antom.rs (private): the largest body read from Antom.
const MAX_RESPONSE_BYTES: usize = 64 * 1024;

fn config(cases: u32) -> ProptestConfig {
    let default = ProptestConfig::default();
    ProptestConfig {
        cases: if std::env::var_os("PROPTEST_CASES").is_some() {
            default.cases
        } else {
            cases
        },
        // Nothing written next to the sources; a failure prints its minimal input.
        failure_persistence: None,
        // Shrinking a networked failure is bounded too.
        max_shrink_iters: 1024,
        ..default
    }
}

/// One runtime for every networked case: servers started once keep running between
/// cases (a multi-thread runtime drives them while no test blocks on it).
fn runtime() -> &'static tokio::runtime::Runtime {
    static RUNTIME: LazyLock<tokio::runtime::Runtime> = LazyLock::new(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("tokio runtime")
    });
    &RUNTIME
}

fn fail(message: impl Into<String>) -> TestCaseError {
    TestCaseError::fail(message.into())
}

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
            .block_on(f.client.send_payment_result(&payment, None))
            .map_err(|e| fail(format!("the emulator refused {sent}: {e}")))?;
        prop_assert_eq!(result.result_code, "SUCCESS");
        let received = f.emulator.received();
        prop_assert_eq!(received.len(), before + 1);
        prop_assert_eq!(&received[before]["body"], &sent);
    }
}

// ---------------------------------------------------------------------------------------
// Arbitrary responses from "Antom": a canned-response server on loopback.

/// One HTTP response, as the canned server sends it.
#[derive(Clone, Debug, Default)]
struct Canned {
    status: u16,
    headers: Vec<(HeaderName, HeaderValue)>,
    body: Bytes,
}

struct ResponseFixture {
    canned: Arc<Mutex<Canned>>,
    client: AntomClient,
    antom: SigningKey,
    other: SigningKey,
    payment: PaymentResult,
}

/// Serves whatever `canned` holds to every request, over HTTP/1.1.
async fn serve_canned(canned: Arc<Mutex<Canned>>) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind the canned server");
    let addr = listener.local_addr().expect("canned server address");
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let canned = canned.clone();
            let service = hyper::service::service_fn(
                move |request: hyper::Request<hyper::body::Incoming>| {
                    let canned = canned.clone();
                    async move {
                        let _ = request.into_body().collect().await;
                        let c = canned
                            .lock()
                            .unwrap_or_else(PoisonError::into_inner)
                            .clone();
                        let mut response = hyper::Response::new(Full::new(c.body));
                        *response.status_mut() =
                            StatusCode::from_u16(c.status).expect("a generated status is valid");
                        for (name, value) in c.headers {
                            response.headers_mut().append(name, value);
                        }
                        Ok::<_, Infallible>(response)
                    }
                },
            );
            tokio::spawn(async move {
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    addr
}

fn response_fixture() -> &'static ResponseFixture {
    static FIXTURE: LazyLock<ResponseFixture> = LazyLock::new(|| {
        let canned = Arc::new(Mutex::new(Canned::default()));
        let addr = runtime().block_on(serve_canned(canned.clone()));
        let endpoint = Endpoint::base_url(&format!("http://{addr}"), false).expect("endpoint");
        let keys = common::keys();
        let settings = keys
            .pairs
            .client_settings(endpoint, CLIENT_ID)
            // A retry too, quickly: the same answer comes back.
            .retry(RetryPolicy {
                max_attempts: 2,
                base_delay: Duration::from_millis(1),
                max_delay: Duration::from_millis(1),
            })
            .request_timeout(Duration::from_secs(5));
        let payment = PaymentResult::try_from(common::request("prop-response")).expect("valid");
        ResponseFixture {
            canned,
            client: AntomClient::new(settings.build()).expect("client"),
            antom: keys.pairs.antom.signing_key(),
            other: keys.other.signing_key(),
            payment,
        }
    });
    &FIXTURE
}

/// How a signed response is laid out.
#[derive(Clone, Debug)]
struct Layout {
    /// The `client-id` header; without it, the client's own ID is what was signed.
    client_id: Option<String>,
    /// `response-time`.
    time: String,
    /// `keyVersion`, when the header has one.
    key_version: Option<String>,
    /// The order of the parts `algorithm`, `keyVersion` and `signature`.
    order: Vec<usize>,
    /// `,` (the SDKs) or `, ` (the docs).
    separator: &'static str,
}

/// One way to break a signed response.
#[derive(Clone, Debug)]
enum Breakage {
    OtherKey,
    OtherPath,
    OtherClientId,
    OtherTime,
    OtherBody,
    NoSignatureHeader,
    NoTimeHeader,
    FlippedSignature(Index),
    ClientIdNotText,
    SignatureNotText,
    OtherAlgorithm,
    EmptySignature,
}

#[derive(Clone, Debug)]
enum Signing {
    /// No `signature`, `response-time` or `client-id` header.
    Unsigned,
    /// Signed with Antom's key, as Antom does.
    Valid(Layout),
    /// Signed, then broken one way.
    Broken(Layout, Breakage),
    /// The signature headers, any of them, with any values.
    Arbitrary(Vec<(&'static str, Vec<u8>)>),
}

#[derive(Clone, Debug)]
struct ResponseCase {
    status: u16,
    body: Vec<u8>,
    signing: Signing,
    /// Headers that play no part in the checks.
    extra: Vec<(String, Vec<u8>)>,
}

/// Bytes that a header value may hold: visible ASCII, space, tab and obs-text.
fn header_value_bytes(len: RangeInclusive<usize>) -> impl Strategy<Value = Vec<u8>> {
    let byte = prop_oneof![
        6 => 0x20u8..=0x7e,
        1 => Just(b'\t'),
        2 => 0x80u8..=0xff,
    ];
    prop::collection::vec(byte, len)
}

/// Header text that HTTP/1.1 carries unchanged (no leading or trailing whitespace).
fn header_text(len: RangeInclusive<usize>) -> impl Strategy<Value = String> {
    prop::collection::vec(proptest::char::range('!', '~'), len).prop_map(String::from_iter)
}

fn layout() -> impl Strategy<Value = Layout> {
    (
        proptest::option::of(prop_oneof![Just(CLIENT_ID.to_owned()), header_text(0..=24)]),
        prop_oneof![
            Just("2026-11-27T08:15:30+00:00".to_owned()),
            "[0-9]{13}",
            header_text(0..=32),
        ],
        proptest::option::of("[A-Za-z0-9]{0,4}"),
        Just(vec![0, 1, 2]).prop_shuffle(),
        prop::sample::select(vec![",", ", "]),
    )
        .prop_map(|(client_id, time, key_version, order, separator)| Layout {
            client_id,
            time,
            key_version,
            order,
            separator,
        })
}

fn breakage() -> impl Strategy<Value = Breakage> {
    prop_oneof![
        Just(Breakage::OtherKey),
        Just(Breakage::OtherPath),
        Just(Breakage::OtherClientId),
        Just(Breakage::OtherTime),
        Just(Breakage::OtherBody),
        Just(Breakage::NoSignatureHeader),
        Just(Breakage::NoTimeHeader),
        any::<Index>().prop_map(Breakage::FlippedSignature),
        Just(Breakage::ClientIdNotText),
        Just(Breakage::SignatureNotText),
        Just(Breakage::OtherAlgorithm),
        Just(Breakage::EmptySignature),
    ]
}

fn arbitrary_signature_headers() -> impl Strategy<Value = Vec<(&'static str, Vec<u8>)>> {
    let name = prop::sample::select(vec!["signature", "response-time", "client-id"]);
    let value = prop_oneof![
        2 => header_value_bytes(0..=64),
        2 => "[A-Za-z0-9%]{0,400}".prop_map(|s| {
            format!("algorithm=RSA256,keyVersion=1,signature={s}").into_bytes()
        }),
    ];
    prop::collection::vec((name, value), 1..=4)
}

fn signing() -> impl Strategy<Value = Signing> {
    prop_oneof![
        2 => Just(Signing::Unsigned),
        5 => layout().prop_map(Signing::Valid),
        3 => (layout(), breakage()).prop_map(|(l, b)| Signing::Broken(l, b)),
        2 => arbitrary_signature_headers().prop_map(Signing::Arbitrary),
    ]
}

/// JSON values for one of Antom's text fields: mostly well-known values, sometimes any
/// text, or not text at all.
fn json_text(known: &'static [&'static str]) -> impl Strategy<Value = Value> {
    prop_oneof![
        12 => prop::sample::select(known).prop_map(Value::from),
        2 => any::<String>().prop_map(Value::from),
        1 => Just(Value::Null),
        1 => any::<i64>().prop_map(Value::from),
        1 => Just(json!({"nested": "object"})),
    ]
}

const RESULT_CODES: &[&str] = &[
    "SUCCESS",
    "PARAM_ILLEGAL",
    "UNKNOWN_EXCEPTION",
    "SYSTEM_ERROR",
    "NEW_CODE",
];

/// Antom's JSON as Antom writes it: `{"result":{...}}`, the message optional.
fn well_formed_antom_json() -> impl Strategy<Value = Vec<u8>> {
    (
        prop_oneof![4 => prop::sample::select(RESULT_CODES), 1 => Just("")].prop_map(str::to_owned),
        prop_oneof![2 => Just("S"), 1 => Just("F"), 1 => Just("U")],
        proptest::option::of(prop_oneof![Just("success".to_owned()), any::<String>()]),
    )
        .prop_map(|(code, status, message)| {
            let mut result = json!({"resultCode": code, "resultStatus": status});
            if let Some(message) = message {
                result["resultMessage"] = Value::from(message);
            }
            json!({ "result": result }).to_string().into_bytes()
        })
}

/// Antom-like JSON: the `result` object, its fields each present or not, right or wrong.
fn antom_json() -> impl Strategy<Value = Vec<u8>> {
    let status = prop_oneof![
        9 => json_text(&["S", "F", "U"]),
        1 => json_text(&["s", "SUCCESS", ""]),
    ];
    let messy = (
        proptest::option::weighted(0.9, json_text(RESULT_CODES)),
        proptest::option::weighted(0.9, status),
        proptest::option::of(json_text(&["success", ""])),
        any::<bool>(),
        prop_oneof![6 => Just(0u8), 1 => 1..=4u8],
    )
        .prop_map(|(code, status, message, extra, shape)| {
            let mut result = Map::new();
            for (name, value) in [
                ("resultCode", code),
                ("resultStatus", status),
                ("resultMessage", message),
            ] {
                if let Some(value) = value {
                    result.insert(name.to_owned(), value);
                }
            }
            if extra {
                result.insert("extra".to_owned(), json!([1, "two"]));
            }
            let result = Value::Object(result);
            let body = match shape {
                0 => json!({ "result": result }),
                1 => result,
                2 => json!({ "results": result }),
                3 => json!([{ "result": result }]),
                _ => json!({ "result": result, "more": true }),
            };
            body.to_string().into_bytes()
        });
    prop_oneof![1 => well_formed_antom_json(), 1 => messy]
}

fn response_body() -> impl Strategy<Value = Vec<u8>> {
    let at_the_limit = (antom_json(), 0..=1usize).prop_map(|(mut body, over)| {
        // Trailing whitespace keeps the JSON valid; the size alone decides.
        body.resize(MAX_RESPONSE_BYTES + over, b' ');
        body
    });
    prop_oneof![
        8 => antom_json(),
        3 => prop::collection::vec(any::<u8>(), 0..=256),
        1 => at_the_limit,
    ]
}

fn extra_headers() -> impl Strategy<Value = Vec<(String, Vec<u8>)>> {
    let name = prop_oneof![
        prop::sample::select(vec![
            "content-type".to_owned(),
            "date".to_owned(),
            "server".to_owned(),
            "cache-control".to_owned(),
            "set-cookie".to_owned(),
        ]),
        "x-[a-z0-9-]{0,12}",
    ];
    prop::collection::vec((name, header_value_bytes(0..=48)), 0..=3)
}

fn response_case() -> impl Strategy<Value = ResponseCase> {
    let status = prop_oneof![
        8 => Just(200u16),
        1 => prop::sample::select(vec![201u16, 204, 301, 304, 400, 401, 429, 500, 502, 503]),
        1 => 200u16..=999,
    ];
    (status, response_body(), signing(), extra_headers()).prop_map(
        |(status, body, signing, extra)| ResponseCase {
            status,
            body,
            signing,
            extra,
        },
    )
}

fn header(name: &str, value: &[u8]) -> (HeaderName, HeaderValue) {
    (
        HeaderName::from_bytes(name.as_bytes()).expect("a generated header name is valid"),
        HeaderValue::from_bytes(value).expect("a generated header value is valid"),
    )
}

/// Changes one character of an encoded signature so that it can no longer decode to the
/// same bytes (`A`, or `B` where there was an `A` or an `a`).
fn flip(signature: &str, at: &Index) -> String {
    let mut chars: Vec<char> = signature.chars().collect();
    let i = at.index(chars.len());
    chars[i] = if chars[i].eq_ignore_ascii_case(&'a') {
        'B'
    } else {
        'A'
    };
    String::from_iter(chars)
}

/// The signature headers of a signed response, broken as `breakage` says.
fn signed_headers(
    f: &ResponseFixture,
    body: &[u8],
    layout: &Layout,
    breakage: Option<&Breakage>,
) -> Vec<(HeaderName, HeaderValue)> {
    let client_id = layout.client_id.as_deref().unwrap_or(CLIENT_ID);
    let (mut key, mut path) = (&f.antom, PAYMENT_RESULT_PATH);
    let (mut signed_client_id, mut signed_time) = (client_id.to_owned(), layout.time.clone());
    let mut signed_body = body.to_vec();
    match breakage {
        Some(Breakage::OtherKey) => key = &f.other,
        Some(Breakage::OtherPath) => path = SANDBOX_PAYMENT_RESULT_PATH,
        Some(Breakage::OtherClientId) => signed_client_id.push('x'),
        Some(Breakage::OtherTime) => signed_time.push('0'),
        Some(Breakage::OtherBody) => signed_body.push(b' '),
        _ => {}
    }
    let content = content_to_sign("POST", path, &signed_client_id, &signed_time, &signed_body);
    let mut signature = key.sign(&content).0;
    match breakage {
        Some(Breakage::FlippedSignature(at)) => signature = flip(&signature, at),
        Some(Breakage::EmptySignature) => signature.clear(),
        _ => {}
    }
    let algorithm = match breakage {
        Some(Breakage::OtherAlgorithm) => "RSA512",
        _ => ALGORITHM,
    };
    let parts = [
        Some(format!("algorithm={algorithm}")),
        layout
            .key_version
            .as_ref()
            .map(|v| format!("keyVersion={v}")),
        Some(format!("signature={signature}")),
    ];
    let value = layout
        .order
        .iter()
        .filter_map(|&i| parts[i].clone())
        .collect::<Vec<_>>()
        .join(layout.separator);
    let mut headers = Vec::new();
    match (breakage, &layout.client_id) {
        (Some(Breakage::ClientIdNotText), _) => headers.push(header("client-id", b"\xffCID")),
        (_, Some(id)) => headers.push(header("client-id", id.as_bytes())),
        (_, None) => {}
    }
    if !matches!(breakage, Some(Breakage::NoTimeHeader)) {
        headers.push(header("response-time", layout.time.as_bytes()));
    }
    match breakage {
        Some(Breakage::NoSignatureHeader) => {}
        Some(Breakage::SignatureNotText) => {
            let mut bytes = value.into_bytes();
            bytes.push(0xff);
            headers.push(header("signature", &bytes));
        }
        _ => headers.push(header("signature", value.as_bytes())),
    }
    headers
}

/// What the client must make of a response.
#[derive(Debug)]
enum Expected {
    /// `Ok` with this result: a 200, validly signed, S.
    Success(AntomResult),
    /// Antom's F or U result, as an error.
    Rejected(AntomResult),
    /// Not a 200.
    HttpStatus(u16),
    /// Not Antom's JSON, or too large.
    Malformed,
    /// Unsigned S, one signature header only, or a signature that does not verify.
    SignatureProblem,
    /// Some error, which one depending on the arbitrary headers.
    SomeError,
}

#[derive(serde::Deserialize)]
struct AntomBody {
    result: AntomResult,
}

fn expected(case: &ResponseCase) -> Expected {
    // A status other than 200 is judged by itself, whatever the body (a proxy's large
    // error page is still a 502); a 200's body over the limit is not Antom's.
    if case.status != 200 {
        return Expected::HttpStatus(case.status);
    }
    if case.body.len() > MAX_RESPONSE_BYTES {
        return Expected::Malformed;
    }
    let signed = match &case.signing {
        Signing::Arbitrary(_) => return Expected::SomeError,
        Signing::Broken(..) => return Expected::SignatureProblem,
        Signing::Unsigned => false,
        Signing::Valid(_) => true,
    };
    match serde_json::from_slice::<AntomBody>(&case.body) {
        Err(_) => Expected::Malformed,
        Ok(AntomBody { result }) => match (result.result_status, signed) {
            (ResultStatus::Success, true) => Expected::Success(result),
            (ResultStatus::Success, false) => Expected::SignatureProblem,
            _ => Expected::Rejected(result),
        },
    }
}

proptest! {
    #![proptest_config(config(4 * NET_CASES))]

    /// Any status, headers and body as Antom's answer: no panic (in the client or in the
    /// status the caller would get), and `Ok` only for a validly signed S.
    #[test]
    fn arbitrary_responses_are_errors_unless_validly_signed(case in response_case()) {
        let f = response_fixture();
        let mut headers = match &case.signing {
            Signing::Unsigned => Vec::new(),
            Signing::Valid(layout) => signed_headers(f, &case.body, layout, None),
            Signing::Broken(layout, breakage) => {
                signed_headers(f, &case.body, layout, Some(breakage))
            }
            Signing::Arbitrary(pairs) => pairs.iter().map(|(n, v)| header(n, v)).collect(),
        };
        headers.extend(case.extra.iter().map(|(n, v)| header(n, v)));
        *f.canned.lock().unwrap_or_else(PoisonError::into_inner) = Canned {
            status: case.status,
            headers,
            body: Bytes::from(case.body.clone()),
        };
        let outcome = runtime().block_on(f.client.send_payment_result(&f.payment, None));
        if outcome.is_ok() {
            prop_assert!(matches!(case.signing, Signing::Valid(_)), "Ok, yet not validly signed");
        }
        let expected = expected(&case);
        match (&expected, &outcome) {
            (Expected::Success(want), Ok(got)) => prop_assert_eq!(want, got),
            (Expected::Rejected(want), Err(AntomError::Rejected(got))) => {
                prop_assert_eq!(want, got);
            }
            (Expected::HttpStatus(want), Err(AntomError::HttpStatus { status })) => {
                prop_assert_eq!(want, status);
            }
            (Expected::Malformed, Err(AntomError::Malformed { .. }))
            | (
                Expected::SignatureProblem,
                Err(AntomError::BadSignature { .. } | AntomError::Unsigned { .. }),
            )
            | (Expected::SomeError, Err(_)) => {}
            _ => return Err(fail(format!("expected {expected:?}, got {outcome:?}"))),
        }
        // What the caller would get: a status (or response) that can be written.
        match outcome {
            Ok(result) => {
                let _ = pb::SendPaymentResultResponse::from(result);
            }
            Err(err) => {
                let status = tonic::Status::from(err);
                prop_assert!(status.code() != Code::Ok);
                prop_assert!(status.get_details_error_info().is_some(), "ErrorInfo");
                let _ = status.into_http::<tonic::body::Body>();
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// The `Signature` header parser, and encoded signatures.

/// One `key=value` part, with the keys that matter most of the time.
fn signature_part() -> impl Strategy<Value = String> {
    let key = prop_oneof![
        3 => prop::sample::select(vec!["algorithm", "keyVersion", "signature"])
            .prop_map(str::to_owned),
        1 => "[ A-Za-z]{0,10}",
    ];
    let value = prop_oneof![
        3 => Just(ALGORITHM.to_owned()),
        3 => "[ -~]{0,20}",
        1 => any::<String>(),
    ];
    (key, prop::sample::select(vec!["=", "", "=="]), value)
        .prop_map(|(k, eq, v)| format!("{k}{eq}{v}"))
}

fn signature_header_text() -> impl Strategy<Value = String> {
    prop_oneof![
        1 => any::<String>(),
        1 => "[ -~]{0,64}",
        3 => (
            prop::collection::vec(signature_part(), 0..=5),
            prop::sample::select(vec![",", ", ", " , ", ",,"]),
        )
            .prop_map(|(parts, separator)| parts.join(separator)),
    ]
}

fn encoded_signature_text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[A-Za-z0-9+/=%]{0,64}",
        "(%[0-9A-Fa-f]{0,2}|[A-Za-z0-9])*",
        any::<String>()
    ]
}

proptest! {
    #![proptest_config(config(CASES))]

    /// The parser never panics; what it accepts names RSA256 and a signature, and
    /// decoding or verifying that signature never panics and never verifies.
    #[test]
    fn the_signature_header_parser_never_panics(text in signature_header_text()) {
        if let Ok(parsed) = text.parse::<SignatureHeader>() {
            prop_assert!(!parsed.signature.0.is_empty());
            prop_assert!(text.contains("algorithm=RSA256"), "{parsed:?}");
            let _ = parsed.signature.decode();
            let key = common::keys().pairs.antom.verifying_key();
            prop_assert!(!key.verify(text.as_bytes(), &parsed.signature));
        }
    }

    /// What the sidecar and the emulator write, they read back, in any part order and
    /// with either separator.
    #[test]
    fn signature_headers_round_trip(
        raw in prop::collection::vec(any::<u8>(), 1..=300),
        key_version in "[!-+\\--~]{0,8}",
        spaced in any::<bool>(),
    ) {
        let signature = EncodedSignature::encode(&raw);
        prop_assert_eq!(signature.decode(), Some(raw));
        let mut text = signature_header(&key_version, &signature);
        if spaced {
            text = text.replace(',', ", ");
        }
        let parsed = text.parse::<SignatureHeader>().map_err(|e| fail(format!("{text}: {e}")))?;
        prop_assert_eq!(parsed, SignatureHeader { key_version: Some(key_version), signature });
    }

    /// Decoding any text never panics, and what decodes re-encodes canonically.
    #[test]
    fn decoding_any_signature_never_panics(text in encoded_signature_text()) {
        if let Some(raw) = EncodedSignature(text).decode() {
            prop_assert_eq!(EncodedSignature::encode(&raw).decode(), Some(raw));
        }
    }
}

// ---------------------------------------------------------------------------------------
// `grpc-timeout` through the real sidecar (its parser is private).

const METHOD: &str = "/antom.risk.v1.RiskService/SendPaymentResult";

struct SidecarFixture {
    _emulator: EmulatorHandle,
    sidecar: RunningSidecar,
    http: Client<HttpConnector, Full<Bytes>>,
    /// One valid request, framed for gRPC.
    frame: Bytes,
}

fn sidecar_fixture() -> &'static SidecarFixture {
    static FIXTURE: LazyLock<SidecarFixture> = LazyLock::new(|| {
        runtime().block_on(async {
            let (emulator, sidecar) = common::start().await;
            let mut connector = HttpConnector::new();
            connector.set_nodelay(true);
            // Plain HTTP/2, no gRPC library: nothing enforces or tidies the header.
            let http = Client::builder(TokioExecutor::new())
                .http2_only(true)
                .build(connector);
            let message = prost::Message::encode_to_vec(&common::request("prop-grpc-timeout"));
            let mut frame = BytesMut::new();
            frame.put_u8(0);
            frame.put_u32(u32::try_from(message.len()).expect("small"));
            frame.put_slice(&message);
            SidecarFixture {
                _emulator: emulator,
                sidecar,
                http,
                frame: frame.freeze(),
            }
        })
    });
    &FIXTURE
}

/// Sends the valid request with this `grpc-timeout` and reads the status.
async fn call_with_timeout(
    f: &SidecarFixture,
    timeout: HeaderValue,
) -> Result<tonic::Status, String> {
    let request = hyper::Request::post(format!("http://{}{METHOD}", f.sidecar.addr))
        .header("content-type", "application/grpc")
        .header("te", "trailers")
        .header("grpc-timeout", timeout)
        .body(Full::new(f.frame.clone()))
        .map_err(|e| format!("request: {e}"))?;
    let response = f
        .http
        .request(request)
        .await
        .map_err(|e| format!("no response: {e}"))?;
    let (parts, body) = response.into_parts();
    let body = body.collect().await.map_err(|e| format!("body cut: {e}"))?;
    tonic::Status::from_header_map(&parts.headers)
        .or_else(|| body.trailers().and_then(tonic::Status::from_header_map))
        .ok_or_else(|| "no grpc-status".to_owned())
}

/// The timeout that the gRPC spec reads in `value`: 1 to 8 ASCII digits and a unit.
fn spec_timeout(value: &[u8]) -> Option<Duration> {
    let (unit, digits) = value.split_last()?;
    if digits.is_empty() || digits.len() > 8 || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let n: u64 = std::str::from_utf8(digits).ok()?.parse().ok()?;
    Some(match unit {
        b'H' => Duration::from_secs(n * 3600),
        b'M' => Duration::from_secs(n * 60),
        b'S' => Duration::from_secs(n),
        b'm' => Duration::from_millis(n),
        b'u' => Duration::from_micros(n),
        b'n' => Duration::from_nanos(n),
        _ => return None,
    })
}

fn grpc_timeout_value() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        4 => ("[0-9]{1,8}", prop::sample::select(vec!['H', 'M', 'S', 'm', 'u', 'n']))
            .prop_map(|(digits, unit)| format!("{digits}{unit}").into_bytes()),
        1 => prop::sample::select(vec!["0n", "99999999H", "00000000m", "1n", "10m", "100000000S"])
            .prop_map(|s| s.as_bytes().to_vec()),
        3 => "[-+ ]?[0-9]{0,10}[HMSmunhsx ]?".prop_map(String::into_bytes),
        1 => "[ -~]{0,16}".prop_map(String::into_bytes),
        1 => header_value_bytes(0..=16),
    ]
}

proptest! {
    #![proptest_config(config(NET_CASES))]

    /// Any `grpc-timeout` gets an answer with a gRPC status, never a dropped connection
    /// or stream: OK, or DEADLINE_EXCEEDED with `ErrorInfo`; OK for a long deadline,
    /// DEADLINE_EXCEEDED for one too short for any call to Antom.
    #[test]
    fn any_grpc_timeout_gets_a_status(value in grpc_timeout_value()) {
        let f = sidecar_fixture();
        let header = HeaderValue::from_bytes(&value).expect("a generated header value is valid");
        let status = runtime()
            .block_on(call_with_timeout(f, header))
            .map_err(|e| fail(format!("grpc-timeout {:?}: {e}", String::from_utf8_lossy(&value))))?;
        let code = status.code();
        prop_assert!(matches!(code, Code::Ok | Code::DeadlineExceeded), "{status:?}");
        if code != Code::Ok {
            prop_assert!(status.get_details_error_info().is_some(), "ErrorInfo: {status:?}");
        }
        match spec_timeout(&value) {
            Some(t) if t >= Duration::from_secs(30) => prop_assert_eq!(code, Code::Ok),
            // Shorter than any call to Antom (two RSA signatures and two checks) can be.
            Some(t) if t <= Duration::from_micros(100) => {
                prop_assert_eq!(code, Code::DeadlineExceeded);
            }
            _ => {}
        }
    }
}
