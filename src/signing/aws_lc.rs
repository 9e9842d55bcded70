//! Signing backend on aws-lc-rs: constant-time, and the fastest RSA of the two backends
//! (`cargo bench --bench crypto` measures both).

use aws_lc_rs::{
    rand::SystemRandom,
    rsa::KeyPair,
    signature::{self, ParsedPublicKey},
};

use super::KeyRejected;

pub const NAME: &str = "aws-lc-rs";

pub struct SigningKey {
    key: KeyPair,
    rng: SystemRandom,
}

impl SigningKey {
    pub fn from_pkcs8_der(der: &[u8]) -> Result<Self, KeyRejected> {
        Self::new(KeyPair::from_pkcs8(der))
    }

    pub fn from_pkcs1_der(der: &[u8]) -> Result<Self, KeyRejected> {
        Self::new(KeyPair::from_der(der))
    }

    fn new(key: Result<KeyPair, aws_lc_rs::error::KeyRejected>) -> Result<Self, KeyRejected> {
        let key = key.map_err(|e| KeyRejected(format!("not a usable RSA key ({e})")))?;
        if key.public_modulus_len() < 256 {
            return Err(KeyRejected("RSA keys must be at least 2048 bits".into()));
        }
        Ok(Self {
            key,
            rng: SystemRandom::new(),
        })
    }

    pub fn public_spki_der(&self) -> Vec<u8> {
        use aws_lc_rs::{
            encoding::{AsDer, PublicKeyX509Der},
            signature::KeyPair as _,
        };
        let der: PublicKeyX509Der<'static> = (self.key.public_key().as_der())
            .expect("the public half of a loaded RSA key serializes");
        der.as_ref().to_vec()
    }

    pub fn sign(&self, message: &[u8]) -> Vec<u8> {
        let mut sig = vec![0; self.key.public_modulus_len()];
        // PKCS#1 v1.5 signing fails only on a buffer of the wrong size, set just above.
        self.key
            .sign(&signature::RSA_PKCS1_SHA256, &self.rng, message, &mut sig)
            .expect("RSA signing with a correctly sized buffer cannot fail");
        sig
    }
}

/// Parsed once, when loaded: verifying with an unparsed key would parse the SPKI DER
/// again on every response.
pub struct VerifyingKey(ParsedPublicKey);

impl VerifyingKey {
    pub fn from_spki_der(der: &[u8]) -> Result<Self, KeyRejected> {
        let parsed = aws_lc_rs::rsa::PublicEncryptingKey::from_der(der)
            .map_err(|_| KeyRejected("not a usable RSA public key".into()))?;
        if parsed.key_size_bits() < 2048 {
            return Err(KeyRejected("RSA keys must be at least 2048 bits".into()));
        }
        ParsedPublicKey::new(&signature::RSA_PKCS1_2048_8192_SHA256, der)
            .map(Self)
            .map_err(|e| KeyRejected(format!("not a usable RSA public key: {e}")))
    }

    pub fn verify(&self, message: &[u8], sig: &[u8]) -> bool {
        self.0.verify_sig(message, sig).is_ok()
    }
}
