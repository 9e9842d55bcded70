//! Property tests of the parsers (proptest, bounded; `PROPTEST_CASES=N` runs deeper): the
//! `Signature` header parser never panics and round-trips what the sidecar writes;
//! arbitrary `grpc-timeout` values always get a gRPC status from the real sidecar.

mod common;

use antom_sidecar::signing::{ALGORITHM, EncodedSignature, SignatureHeader, signature_header};
use common::props::*;
use proptest::prelude::*;

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

/// Needs a sidecar whose calls succeed: the emulator (the `emulator` feature).
#[cfg(feature = "emulator")]
mod grpc_timeout {
    use std::{sync::LazyLock, time::Duration};

    use antom_sidecar::emulator::EmulatorHandle;
    use bytes::{BufMut, Bytes, BytesMut};
    use http_body_util::{BodyExt, Full};
    use hyper::header::HeaderValue;
    use hyper_util::{
        client::legacy::{Client, connect::HttpConnector},
        rt::TokioExecutor,
    };
    use tonic::Code;
    use tonic_types::StatusExt;

    use super::{common::RunningSidecar, *};

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
}
