//! Signing vectors made with Antom's official SDK (`tests/vectors/signing.json`),
//! reproduced byte for byte by whichever crypto backend
//! is compiled in. CI runs this file for both backends.

use antom_sidecar::{
    keys::{KeySource, load_signing_key, load_verifying_key},
    payment::{
        AuthenticationType, AuthorizationError, CardVerificationResult, InteractionMode,
        PaymentResult, PaymentStatus, ThreeDsResult,
    },
    secret::Secret,
    signing::{self, EncodedSignature},
};
use serde_json::Value;

fn vectors() -> Value {
    serde_json::from_str(include_str!("vectors/signing.json")).expect("vectors parse")
}

fn inline(name: &'static str, text: &str) -> KeySource {
    KeySource::Inline {
        name,
        text: Secret::new(text),
    }
}

fn field<'a>(v: &'a Value, name: &str) -> &'a str {
    v[name]
        .as_str()
        .unwrap_or_else(|| panic!("vector field {name}"))
}

#[test]
fn every_private_key_format_reproduces_every_vector() {
    let all = vectors();
    let formats = [
        "private_key_pkcs8_base64",
        "private_key_pkcs1_base64",
        "private_key_pkcs8_pem",
        "private_key_pkcs1_pem",
    ];
    for format in formats {
        let key = load_signing_key(&inline("ANTOM_MERCHANT_PRIVATE_KEY", field(&all, format)))
            .expect(format);
        for v in all["vectors"].as_array().expect("vectors") {
            let content = signing::content_to_sign(
                field(v, "method"),
                field(v, "path"),
                field(v, "client_id"),
                field(v, "time"),
                field(v, "body").as_bytes(),
            );
            assert_eq!(
                content,
                field(v, "content_to_sign").as_bytes(),
                "content to sign"
            );
            let signature = key.sign(&content);
            assert_eq!(
                signature.0,
                field(v, "signature_urlencoded"),
                "{format}, {} ({})",
                field(v, "path"),
                signing::BACKEND
            );
        }
    }
}

#[test]
fn public_key_verifies_vectors_and_rejects_tampering() {
    let all = vectors();
    for format in ["public_key_spki_base64", "public_key_spki_pem"] {
        let key =
            load_verifying_key(&inline("ANTOM_PUBLIC_KEY", field(&all, format))).expect(format);
        for v in all["vectors"].as_array().expect("vectors") {
            let content = field(v, "content_to_sign").as_bytes();
            let signature = EncodedSignature(field(v, "signature_urlencoded").to_owned());
            assert!(key.verify(content, &signature), "{format}");
            let mut tampered = content.to_vec();
            tampered.push(b' ');
            assert!(
                !key.verify(&tampered, &signature),
                "{format}: tampered content"
            );
        }
    }
}

/// The second vector's body is what the sidecar itself puts on the wire for the same
/// payment: the conversion and the signature line up end to end.
#[test]
fn wire_body_of_a_full_payment_matches_the_sdk_vector() {
    let all = vectors();
    let v = &all["vectors"][1];
    let payment = PaymentResult {
        reference_transaction_id: "tx-ü-中文-42".into(),
        payment_status: PaymentStatus::Fail,
        authorization_error: Some(AuthorizationError {
            error_code: Some("05".into()),
            error_message: Some("Do not honour".into()),
        }),
        payment_method_provider: "MASTERCARD".into(),
        card_verification_result: Some(CardVerificationResult {
            authentication_type: Some(AuthenticationType::ThreeD),
            authentication_method: None,
            cvv_result: Some("Y".into()),
            avs_result: Some("A".into()),
            authorization_code: Some("10000".into()),
            three_ds_result: Some(ThreeDsResult {
                version: Some("2.2.0".into()),
                interaction_mode: Some(InteractionMode::Challenge),
                eci: Some("05".into()),
                cavv: Some("AAABBBCCC=".into()),
            }),
        }),
    };
    assert_eq!(
        String::from_utf8(payment.to_wire()).expect("utf-8"),
        field(v, "body")
    );
}
