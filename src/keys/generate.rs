//! Fresh RSA-2048 key pairs, for `keygen`, the emulator, `dev` and the tests. Not behind
//! the `emulator` feature: tests that need keys but no emulator run without it, and
//! nothing in a production binary calls these, so the linker leaves them out.

use zeroize::Zeroizing;

use super::encode_pem;
use crate::{
    antom::{Auth, Endpoint, Settings, SettingsBuilder},
    signing::{SigningKey, VerifyingKey},
};

/// A freshly generated RSA-2048 key pair as DER (PKCS#8 private, SPKI public).
pub struct GeneratedKeyPair {
    /// PKCS#8 `PrivateKeyInfo`.
    pub private_pkcs8: Zeroizing<Vec<u8>>,
    /// X.509 `SubjectPublicKeyInfo`.
    pub public_spki: Vec<u8>,
}

impl GeneratedKeyPair {
    /// Generates a new RSA-2048 pair (with aws-lc-rs, whichever signing backend is in use).
    pub fn generate() -> Self {
        use aws_lc_rs::encoding::{AsDer, Pkcs8V1Der, PublicKeyX509Der};
        use aws_lc_rs::signature::KeyPair as _;
        let pair = aws_lc_rs::rsa::KeyPair::generate(aws_lc_rs::rsa::KeySize::Rsa2048)
            .expect("RSA-2048 key generation does not fail on a working system");
        let private: Pkcs8V1Der<'static> = pair.as_der().expect("a generated key serializes");
        let public: PublicKeyX509Der<'static> =
            pair.public_key().as_der().expect("a public key serializes");
        Self {
            private_pkcs8: Zeroizing::new(private.as_ref().to_vec()),
            public_spki: public.as_ref().to_vec(),
        }
    }

    /// The signing half.
    pub fn signing_key(&self) -> SigningKey {
        SigningKey::from_pkcs8_der(&self.private_pkcs8).expect("a generated key loads")
    }

    /// The verifying half.
    pub fn verifying_key(&self) -> VerifyingKey {
        VerifyingKey::from_spki_der(&self.public_spki).expect("a generated key loads")
    }

    /// The private key as PEM (`PRIVATE KEY`).
    pub fn private_pem(&self) -> Zeroizing<String> {
        Zeroizing::new(encode_pem("PRIVATE KEY", &self.private_pkcs8))
    }

    /// The public key as PEM (`PUBLIC KEY`).
    pub fn public_pem(&self) -> String {
        encode_pem("PUBLIC KEY", &self.public_spki)
    }
}

/// A merchant key pair and an Antom key pair made on the spot: the emulator holds the
/// merchant's public half and Antom's private half (`emulator_config`, with the
/// `emulator` feature), the client the other two.
pub struct KeyPairs {
    /// The merchant's pair: the client signs, the emulator verifies.
    pub merchant: GeneratedKeyPair,
    /// Antom's pair: the emulator signs, the client verifies.
    pub antom: GeneratedKeyPair,
}

impl KeyPairs {
    /// Two fresh RSA-2048 pairs.
    pub fn generate() -> Self {
        Self {
            merchant: GeneratedKeyPair::generate(),
            antom: GeneratedKeyPair::generate(),
        }
    }

    /// The client's half: settings that sign as the merchant and call `endpoint`.
    pub fn client_settings(
        &self,
        endpoint: Endpoint,
        client_id: impl Into<String>,
    ) -> SettingsBuilder {
        Settings::builder(
            endpoint,
            client_id,
            Auth::signature(self.merchant.signing_key()),
            vec![self.antom.verifying_key()],
        )
    }
}
