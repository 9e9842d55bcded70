//! Signing backend on the pure-Rust `rsa` 0.10 and `sha2` crates (`rsa-backend` feature),
//! for builds that cannot link AWS-LC.

use rsa::{
    PrivateKey, PublicKey,
    pkcs1::DecodeRsaPrivateKey,
    pkcs1v15,
    pkcs8::{DecodePrivateKey, DecodePublicKey},
    signature::{SignatureEncoding, Signer, Verifier},
    traits::PublicKeyParts,
};
use sha2::Sha256;

use super::KeyRejected;

pub const NAME: &str = "rsa (pure Rust)";

/// Boxed: the key with its precomputed values is large, and moves around in enums.
pub struct SigningKey(Box<pkcs1v15::SigningKey<Sha256>>);

impl SigningKey {
    pub fn from_pkcs8_der(der: &[u8]) -> Result<Self, KeyRejected> {
        Self::new(PrivateKey::from_pkcs8_der(der).map_err(|e| e.to_string()))
    }

    pub fn from_pkcs1_der(der: &[u8]) -> Result<Self, KeyRejected> {
        Self::new(PrivateKey::from_pkcs1_der(der).map_err(|e| e.to_string()))
    }

    fn new(key: Result<PrivateKey, String>) -> Result<Self, KeyRejected> {
        let key = key.map_err(|e| KeyRejected(format!("not a usable RSA key ({e})")))?;
        if key.size() < 256 {
            return Err(KeyRejected("RSA keys must be at least 2048 bits".into()));
        }
        Ok(Self(Box::new(pkcs1v15::SigningKey::new(key))))
    }

    pub fn public_spki_der(&self) -> Vec<u8> {
        use rsa::pkcs8::EncodePublicKey as _;
        let private: &PrivateKey = (*self.0).as_ref();
        (private.to_public_key().to_public_key_der())
            .expect("the public half of a loaded RSA key serializes")
            .into_vec()
    }

    pub fn sign(&self, message: &[u8]) -> Vec<u8> {
        self.0.sign(message).to_vec()
    }
}

pub struct VerifyingKey(pkcs1v15::VerifyingKey<Sha256>);

impl VerifyingKey {
    pub fn from_spki_der(der: &[u8]) -> Result<Self, KeyRejected> {
        let key = PublicKey::from_public_key_der(der)
            .map_err(|e| KeyRejected(format!("not a usable RSA public key ({e})")))?;
        if key.size() < 256 {
            return Err(KeyRejected("RSA keys must be at least 2048 bits".into()));
        }
        Ok(Self(pkcs1v15::VerifyingKey::new(key)))
    }

    pub fn verify(&self, message: &[u8], sig: &[u8]) -> bool {
        pkcs1v15::Signature::try_from(sig).is_ok_and(|sig| self.0.verify(message, &sig).is_ok())
    }
}
