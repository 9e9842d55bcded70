//! Antom's signing rule (spec §4): the content to sign, the `Signature` header, and the
//! RSA-2048 PKCS#1 v1.5 SHA-256 keys. aws-lc-rs by default; the pure-Rust `rsa` crate
//! with the `rsa-backend` feature. Both pass the same vectors.

use std::fmt;

use base64::{Engine, engine::general_purpose::STANDARD as BASE64};

#[cfg(not(feature = "rsa-backend"))]
mod aws_lc;
#[cfg(not(feature = "rsa-backend"))]
use aws_lc as backend;
#[cfg(feature = "rsa-backend")]
mod rust_crypto;
#[cfg(feature = "rsa-backend")]
use rust_crypto as backend;

/// The only algorithm Antom speaks, as named in the `Signature` header.
pub const ALGORITHM: &str = "RSA256";

/// Name of the crypto backend compiled in, for logs and `--version`-like output.
pub const BACKEND: &str = backend::NAME;

/// `POST /path\n<client-id>.<time>.<body>`: what is signed, for requests and responses.
pub fn content_to_sign(
    method: &str,
    path: &str,
    client_id: &str,
    time: &str,
    body: &[u8],
) -> Vec<u8> {
    let mut out = Vec::with_capacity(
        method.len() + path.len() + client_id.len() + time.len() + body.len() + 4,
    );
    out.extend_from_slice(method.as_bytes());
    out.push(b' ');
    out.extend_from_slice(path.as_bytes());
    out.push(b'\n');
    out.extend_from_slice(client_id.as_bytes());
    out.push(b'.');
    out.extend_from_slice(time.as_bytes());
    out.push(b'.');
    out.extend_from_slice(body);
    out
}

/// The `Signature` header value: `algorithm=RSA256,keyVersion=<v>,signature=<sig>`.
pub fn signature_header(key_version: &str, signature: &EncodedSignature) -> String {
    format!(
        "algorithm={ALGORITHM},keyVersion={key_version},signature={}",
        signature.0
    )
}

/// A signature as it travels: Base64, then form URL-encoded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EncodedSignature(pub String);

impl EncodedSignature {
    /// Base64-encodes then URL-encodes raw signature bytes.
    pub fn encode(raw: &[u8]) -> Self {
        let b64 = BASE64.encode(raw);
        let mut out = String::with_capacity(b64.len() + 16);
        for c in b64.chars() {
            match c {
                '+' => out.push_str("%2B"),
                '/' => out.push_str("%2F"),
                '=' => out.push_str("%3D"),
                c => out.push(c),
            }
        }
        Self(out)
    }

    /// The raw signature bytes, or `None` when the text is not URL-encoded Base64.
    pub fn decode(&self) -> Option<Vec<u8>> {
        let bytes = self.0.as_bytes();
        let mut b64 = Vec::with_capacity(bytes.len());
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'%' => {
                    let hex = bytes
                        .get(i + 1..i + 3)
                        .filter(|h| h.iter().all(u8::is_ascii_hexdigit))?;
                    b64.push(u8::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok()?);
                    i += 3;
                }
                // Form encoding turns spaces into '+'; a '+' here was never encoded.
                b'+' => return None,
                b => {
                    b64.push(b);
                    i += 1;
                }
            }
        }
        BASE64.decode(b64).ok()
    }
}

/// A parsed `Signature` header.
#[derive(Debug, PartialEq, Eq)]
pub struct SignatureHeader {
    /// `keyVersion`, when present.
    pub key_version: Option<String>,
    /// `signature`, still encoded.
    pub signature: EncodedSignature,
}

impl std::str::FromStr for SignatureHeader {
    type Err = &'static str;

    /// Parses `algorithm=RSA256,keyVersion=1,signature=...`; the docs show spaces after
    /// the commas and the SDKs send none, so both are accepted.
    fn from_str(value: &str) -> Result<Self, Self::Err> {
        let (mut algorithm, mut key_version, mut signature) = (None, None, None);
        for part in value.split(',') {
            let (k, v) = part
                .trim()
                .split_once('=')
                .ok_or("a part is not key=value")?;
            match k {
                "algorithm" => algorithm = Some(v),
                "keyVersion" => key_version = Some(v.to_owned()),
                "signature" => signature = Some(v.to_owned()),
                _ => {}
            }
        }
        match algorithm {
            Some(ALGORITHM) => {}
            Some(_) => return Err("algorithm is not RSA256"),
            None => return Err("algorithm is missing"),
        }
        let signature = signature
            .filter(|s| !s.is_empty())
            .ok_or("signature is missing")?;
        Ok(Self {
            key_version,
            signature: EncodedSignature(signature),
        })
    }
}

/// Why a key could not be used by the crypto backend.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct KeyRejected(pub String);

/// A public key's fingerprint: the SHA-256 of its X.509 `SubjectPublicKeyInfo` DER, first
/// 16 hex digits, lowercase (`openssl pkey -pubin -outform DER | sha256sum | cut -c1-16`).
/// The one format everywhere a key is named: `keygen`, `check`, `sidecar_key_info`, logs.
pub fn fingerprint(spki_der: &[u8]) -> String {
    use std::fmt::Write as _;
    let digest = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, spki_der);
    digest.as_ref()[..8]
        .iter()
        .fold(String::with_capacity(16), |mut hex, byte| {
            let _ = write!(hex, "{byte:02x}");
            hex
        })
}

/// The merchant's (or, in the emulator, Antom's) RSA private key.
pub struct SigningKey {
    key: backend::SigningKey,
    /// Of its public half.
    fingerprint: String,
}

impl SigningKey {
    /// Parses a PKCS#8 `PrivateKeyInfo` DER.
    pub fn from_pkcs8_der(der: &[u8]) -> Result<Self, KeyRejected> {
        backend::SigningKey::from_pkcs8_der(der).map(Self::new)
    }

    /// Parses a PKCS#1 `RSAPrivateKey` DER.
    pub fn from_pkcs1_der(der: &[u8]) -> Result<Self, KeyRejected> {
        backend::SigningKey::from_pkcs1_der(der).map(Self::new)
    }

    fn new(key: backend::SigningKey) -> Self {
        let fingerprint = fingerprint(&key.public_spki_der());
        Self { key, fingerprint }
    }

    /// The [`fingerprint`] of its public half: what Antom holds for this merchant.
    pub fn fingerprint(&self) -> &str {
        &self.fingerprint
    }

    /// Raw RSA PKCS#1 v1.5 SHA-256 signature over `message`.
    pub fn sign_raw(&self, message: &[u8]) -> Vec<u8> {
        self.key.sign(message)
    }

    /// Signs `message` and encodes the result for the `Signature` header.
    pub fn sign(&self, message: &[u8]) -> EncodedSignature {
        EncodedSignature::encode(&self.sign_raw(message))
    }
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SigningKey(public half {})", self.fingerprint)
    }
}

/// Antom's (or, in the emulator, the merchant's) RSA public key.
pub struct VerifyingKey {
    key: backend::VerifyingKey,
    fingerprint: String,
}

impl VerifyingKey {
    /// Parses an X.509 `SubjectPublicKeyInfo` DER.
    pub fn from_spki_der(der: &[u8]) -> Result<Self, KeyRejected> {
        let key = backend::VerifyingKey::from_spki_der(der)?;
        Ok(Self {
            key,
            fingerprint: fingerprint(der),
        })
    }

    /// Its [`fingerprint`].
    pub fn fingerprint(&self) -> &str {
        &self.fingerprint
    }

    /// Whether `signature` is a valid RSA PKCS#1 v1.5 SHA-256 signature of `message`.
    pub fn verify_raw(&self, message: &[u8], signature: &[u8]) -> bool {
        self.key.verify(message, signature)
    }

    /// Like [`Self::verify_raw`], for a signature as found in a `Signature` header.
    pub fn verify(&self, message: &[u8], signature: &EncodedSignature) -> bool {
        signature
            .decode()
            .is_some_and(|raw| self.verify_raw(message, &raw))
    }
}

impl fmt::Debug for VerifyingKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "VerifyingKey({})", self.fingerprint)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_encoding_is_form_style_and_round_trips() {
        let raw = [0xfb, 0xff, 0xbf, 0x00];
        let enc = EncodedSignature::encode(&raw);
        assert_eq!(enc.0, "%2B%2F%2B%2FAA%3D%3D");
        assert_eq!(enc.decode().as_deref(), Some(&raw[..]));
        assert_eq!(
            EncodedSignature("%2b%2f%2b%2fAA%3d%3d".into())
                .decode()
                .as_deref(),
            Some(&raw[..])
        );
        assert_eq!(EncodedSignature("%zz".into()).decode(), None);
        assert_eq!(EncodedSignature("a+b".into()).decode(), None);
        assert_eq!(EncodedSignature("%+1AA".into()).decode(), None);
    }

    #[test]
    fn header_round_trips_and_tolerates_spaces() {
        let sig = EncodedSignature("abc%3D".into());
        let h = signature_header("3", &sig);
        assert_eq!(h, "algorithm=RSA256,keyVersion=3,signature=abc%3D");
        let parsed: SignatureHeader = h.parse().expect("parses");
        assert_eq!(
            parsed,
            SignatureHeader {
                key_version: Some("3".into()),
                signature: sig.clone()
            }
        );
        let spaced: SignatureHeader = "algorithm=RSA256, keyVersion=3, signature=abc%3D"
            .parse()
            .expect("parses");
        assert_eq!(spaced.signature, sig);
    }

    #[test]
    fn header_rejects_other_algorithms_and_missing_parts() {
        for (header, reason) in [
            ("algorithm=RSA512,signature=x", "algorithm is not RSA256"),
            ("keyVersion=1,signature=x", "algorithm is missing"),
            ("algorithm=RSA256,keyVersion=1", "signature is missing"),
            ("garbage", "a part is not key=value"),
        ] {
            assert_eq!(header.parse::<SignatureHeader>(), Err(reason), "{header}");
        }
    }

    #[test]
    fn content_to_sign_has_the_documented_shape() {
        let c = content_to_sign("POST", "/a/b", "CID", "123", b"{}");
        assert_eq!(c, b"POST /a/b\nCID.123.{}");
    }
}
