//! Property tests of Antom's responses (proptest, bounded; `PROPTEST_CASES=N` runs
//! deeper): arbitrary HTTP status, headers and body as Antom's answer never panic, and are
//! always an error unless validly signed with Antom's key.

mod common;

use std::{
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
    call::Call,
    payment::PaymentResult,
    pb,
    signing::{ALGORITHM, SigningKey, content_to_sign},
};
use bytes::Bytes;
use common::CLIENT_ID;
use common::props::*;
use http_body_util::{BodyExt, Full};
use hyper::{
    StatusCode,
    header::{HeaderName, HeaderValue},
};
use hyper_util::rt::TokioIo;
use proptest::{prelude::*, sample::Index};
use serde_json::{Map, Value, json};
use tonic::Code;
use tonic_types::StatusExt;

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
        let outcome = runtime().block_on(f.client.send_payment_result(&f.payment, &Call::detached()));
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
