//! Key loading: every accepted format, and every mistake named with its setting.

use aws_lc_rs::signature::KeyPair as _;

use super::*;

fn inline(name: &'static str, text: &str) -> KeySource {
    KeySource::Inline {
        name,
        text: Secret::new(text),
    }
}

fn vector(field: &str) -> String {
    let v: serde_json::Value =
        serde_json::from_str(include_str!("../../tests/vectors/signing.json")).expect("vectors");
    v[field].as_str().expect("field").to_owned()
}

fn b64(der: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(der)
}

#[test]
fn private_keys_in_the_public_key_slot_are_named() {
    for field in ["private_key_pkcs8_base64", "private_key_pkcs1_pem"] {
        let err =
            load_verifying_key(&inline("ANTOM_PUBLIC_KEY_FILE", &vector(field))).expect_err(field);
        let msg = err.to_string();
        assert!(
            msg.starts_with("ANTOM_PUBLIC_KEY_FILE holds a private key"),
            "{msg}"
        );
    }
}

#[test]
fn public_keys_in_the_private_key_slot_are_named() {
    let err = load_signing_key(&inline(
        "ANTOM_MERCHANT_PRIVATE_KEY",
        &vector("public_key_spki_base64"),
    ))
    .expect_err("public");
    assert!(err.to_string().contains("holds a public key (X.509 SubjectPublicKeyInfo), expected the merchant's RSA private key"), "{err}");
}

#[test]
fn bare_pkcs1_public_keys_certificates_and_encrypted_keys_are_named() {
    let pair = aws_lc_rs::rsa::KeyPair::from_pkcs8(&GeneratedKeyPair::generate().private_pkcs8)
        .expect("key");
    let pkcs1_public = b64(pair.public_key().as_ref());
    let err =
        load_verifying_key(&inline("ANTOM_PUBLIC_KEY", &pkcs1_public)).expect_err("pkcs1 public");
    assert!(
        err.to_string().contains("a bare RSA public key (PKCS#1)"),
        "{err}"
    );

    let cert = rcgen::generate_simple_self_signed(vec!["localhost".into()]).expect("certificate");
    let err =
        load_verifying_key(&inline("ANTOM_PUBLIC_KEY", &cert.cert.pem())).expect_err("certificate");
    assert!(err.to_string().contains("holds a certificate"), "{err}");

    // EncryptedPrivateKeyInfo { AlgorithmIdentifier { PBES2 }, OCTET STRING }.
    let encrypted = [
        0x30, 0x11, 0x30, 0x0b, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x05, 0x0d,
        0x04, 0x02, 0, 0,
    ];
    let err = load_signing_key(&inline("ANTOM_MERCHANT_PRIVATE_KEY", &b64(&encrypted)))
        .expect_err("encrypted");
    assert!(
        err.to_string().contains("a password-protected private key"),
        "{err}"
    );
}

#[test]
fn unreadable_empty_and_junk_sources() {
    let missing = KeySource::File {
        name: "ANTOM_PUBLIC_KEY_FILE",
        path: "/nonexistent/antom.pem".into(),
    };
    let err = load_verifying_key(&missing)
        .expect_err("missing")
        .to_string();
    assert!(
        err.starts_with("ANTOM_PUBLIC_KEY_FILE: cannot read /nonexistent/antom.pem"),
        "{err}"
    );
    let err = load_verifying_key(&inline("ANTOM_PUBLIC_KEY", " \n"))
        .expect_err("empty")
        .to_string();
    assert_eq!(err, "ANTOM_PUBLIC_KEY is empty");
    let err = load_signing_key(&inline("ANTOM_MERCHANT_PRIVATE_KEY", "not a key"))
        .expect_err("junk")
        .to_string();
    assert!(
        err.starts_with("ANTOM_MERCHANT_PRIVATE_KEY holds no key"),
        "{err}"
    );
    // Valid Base64 of something that is not DER.
    let err = load_signing_key(&inline("ANTOM_MERCHANT_PRIVATE_KEY", "aGVsbG8gd29ybGQ="))
        .expect_err("not DER")
        .to_string();
    assert!(
        err.starts_with("ANTOM_MERCHANT_PRIVATE_KEY holds no key"),
        "{err}"
    );
}

#[test]
fn the_merchants_own_public_key_is_refused_as_antoms() {
    let merchant = load_signing_key(&inline(
        "ANTOM_MERCHANT_PRIVATE_KEY",
        &vector("private_key_pkcs1_base64"),
    ))
    .expect("private");
    let own = load_verifying_key(&inline("ANTOM_PUBLIC_KEY", &vector("public_key_spki_pem")))
        .expect("public");
    let err = check_not_own_key(&merchant, &own, "ANTOM_PUBLIC_KEY").expect_err("own key");
    assert!(
        err.to_string()
            .contains("public half of the merchant's own private key"),
        "{err}"
    );
    let other = GeneratedKeyPair::generate().verifying_key();
    check_not_own_key(&merchant, &other, "ANTOM_PUBLIC_KEY").expect("a different key is fine");
}

#[test]
fn debug_output_never_shows_key_material() {
    let text = vector("private_key_pkcs8_pem");
    let source = inline("ANTOM_MERCHANT_PRIVATE_KEY", &text);
    let key = load_signing_key(&source).expect("key");
    for debug in [format!("{source:?}"), format!("{key:?}")] {
        assert!(!debug.contains("MII"), "{debug}");
    }
}
