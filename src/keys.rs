//! Loads keys in one place: the merchant's private key (PKCS#8 or PKCS#1) and Antom's
//! public key (SPKI), each PEM or bare Base64, each from a file or an env var. Errors
//! name the setting and what it holds; key bytes never reach an error or a log.

mod der;
mod generate;
mod text;

use std::path::PathBuf;

pub use der::DerKind;
pub use generate::{GeneratedKeyPair, KeyPairs};
pub use text::encode_pem;
use zeroize::Zeroizing;

pub use crate::signing::fingerprint;
use crate::{
    secret::Secret,
    signing::{SigningKey, VerifyingKey},
};

/// Where a key comes from, named after the setting that supplied it.
#[derive(Clone, Debug)]
pub enum KeySource {
    /// Key text given directly (an env var or a flag).
    Inline {
        /// The setting's name, e.g. `ANTOM_PUBLIC_KEY`.
        name: &'static str,
        /// The key text.
        text: Secret,
    },
    /// A file holding the key text, e.g. mounted from a Kubernetes Secret.
    File {
        /// The setting's name, e.g. `ANTOM_PUBLIC_KEY_FILE`.
        name: &'static str,
        /// The file's path.
        path: PathBuf,
    },
}

impl KeySource {
    /// The setting's name, for errors.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Inline { name, .. } | Self::File { name, .. } => name,
        }
    }

    fn der(&self) -> Result<(DerKind, Zeroizing<Vec<u8>>), KeyError> {
        let name = self.name();
        let text = self.text()?;
        let der = text::decode(&text).ok_or(KeyProblem::NotKeyText.of(name))?;
        let kind = der::classify(&der).ok_or(KeyProblem::NotKeyText.of(name))?;
        Ok((kind, der))
    }

    fn text(&self) -> Result<Zeroizing<String>, KeyError> {
        let name = self.name();
        let text = match self {
            Self::Inline { text, .. } => Zeroizing::new(text.expose().to_owned()),
            Self::File { path, .. } => Zeroizing::new(
                std::fs::read_to_string(path)
                    .map_err(|e| KeyProblem::Unreadable(path.clone(), e).of(name))?,
            ),
        };
        if text.trim().is_empty() {
            return Err(KeyProblem::Empty.of(name));
        }
        Ok(text)
    }
}

/// A key that cannot be used, in words that say which setting to fix.
#[derive(Debug, thiserror::Error)]
#[error("{setting}{problem}")]
pub struct KeyError {
    /// The setting that supplied the key, e.g. `ANTOM_PUBLIC_KEY_FILE`.
    pub setting: &'static str,
    /// What is wrong with what it holds.
    pub problem: KeyProblem,
}

/// What is wrong with a key; displayed after the setting's name.
#[derive(Debug, thiserror::Error)]
pub enum KeyProblem {
    /// The file could not be read.
    #[error(": cannot read {path}: {1}", path = .0.display())]
    Unreadable(PathBuf, std::io::Error),
    /// Nothing but whitespace.
    #[error(" is empty")]
    Empty,
    /// Neither PEM nor Base64 of a DER key structure.
    #[error(" holds no key: expected PEM or one line of Base64 of a DER key")]
    NotKeyText,
    /// A key of the wrong kind (found, expected), e.g. a private key where Antom's public
    /// key belongs.
    #[error(" holds {found}, expected {1}", found = .0.describe())]
    WrongKind(DerKind, &'static str),
    /// The right container, but the crypto backend refused the key (its reason, never
    /// key bytes).
    #[error(": {0}")]
    Rejected(String),
    /// Antom's public key is the merchant's own public key.
    #[error(
        " holds the public half of the merchant's own private key, not Antom's public \
         key: download Antom's public key from the Antom Dashboard and configure that instead"
    )]
    OwnPublicKey,
    /// A problem of one key among several in the source (1-based).
    #[error(": key {index} of {count}{problem}")]
    OneOf {
        /// Which key, from 1.
        index: usize,
        /// How many keys the source holds.
        count: usize,
        /// What is wrong with it.
        problem: Box<KeyProblem>,
    },
}

impl KeyProblem {
    /// The problem of key `index` (from 1) of `count` in one source; itself when the
    /// source holds one key.
    pub fn of_key(self, index: usize, count: usize) -> Self {
        match count {
            1 => self,
            _ => Self::OneOf {
                index,
                count,
                problem: Box::new(self),
            },
        }
    }

    fn of(self, setting: &'static str) -> KeyError {
        KeyError {
            setting,
            problem: self,
        }
    }
}

const PRIVATE_EXPECTED: &str = "the merchant's RSA private key (PKCS#8 or PKCS#1)";
const PUBLIC_EXPECTED: &str = "Antom's RSA public key (X.509 SubjectPublicKeyInfo)";

/// Loads a private key (the merchant's; in the emulator, Antom's).
pub fn load_signing_key(source: &KeySource) -> Result<SigningKey, KeyError> {
    let name = source.name();
    let (kind, der) = source.der()?;
    let key = match kind {
        DerKind::PrivatePkcs8 => SigningKey::from_pkcs8_der(&der),
        DerKind::PrivatePkcs1 => SigningKey::from_pkcs1_der(&der),
        found => {
            return Err(KeyProblem::WrongKind(found, PRIVATE_EXPECTED).of(name));
        }
    };
    key.map_err(|e| KeyProblem::Rejected(e.0).of(name))
}

/// Loads a public key (Antom's; in the emulator, the merchant's).
pub fn load_verifying_key(source: &KeySource) -> Result<VerifyingKey, KeyError> {
    let name = source.name();
    match source.der()? {
        (DerKind::PublicSpki, der) => {
            VerifyingKey::from_spki_der(&der).map_err(|e| KeyProblem::Rejected(e.0).of(name))
        }
        (found, _) => Err(KeyProblem::WrongKind(found, PUBLIC_EXPECTED).of(name)),
    }
}

/// Loads every public key in the source: Antom's, or during Antom's rotation its old
/// and new keys, one PEM block each (a response is accepted when any of them verifies
/// it). Each block must be a public key.
pub fn load_verifying_keys(source: &KeySource) -> Result<Vec<VerifyingKey>, KeyError> {
    let name = source.name();
    let blocks = text::decode_all(&source.text()?).ok_or(KeyProblem::NotKeyText.of(name))?;
    let count = blocks.len();
    (blocks.iter().enumerate())
        .map(|(i, der)| {
            let key = match der::classify(der) {
                Some(DerKind::PublicSpki) => {
                    VerifyingKey::from_spki_der(der).map_err(|e| KeyProblem::Rejected(e.0))
                }
                Some(found) => Err(KeyProblem::WrongKind(found, PUBLIC_EXPECTED)),
                None => Err(KeyProblem::NotKeyText),
            };
            key.map_err(|problem| problem.of_key(i + 1, count).of(name))
        })
        .collect()
}

/// Refuses Antom's public key when it verifies the merchant's own signatures: the most
/// common configuration mistake, which otherwise shows up as every response failing.
pub fn check_not_own_key(
    merchant: &SigningKey,
    antom: &VerifyingKey,
    antom_name: &'static str,
) -> Result<(), KeyError> {
    let probe = b"antom-sidecar: is this the merchant's own public key?";
    if antom.verify_raw(probe, &merchant.sign_raw(probe)) {
        return Err(KeyProblem::OwnPublicKey.of(antom_name));
    }
    Ok(())
}

/// How each key in `source` is written, in order: its container and its encoding, e.g.
/// `PKCS#8 PEM` or `X.509 SPKI Base64` (for `check`'s report; never key material).
pub fn formats(source: &KeySource) -> Result<Vec<String>, KeyError> {
    let name = source.name();
    let text = source.text()?;
    let encoding = if text.contains("-----BEGIN ") {
        "PEM"
    } else {
        "Base64"
    };
    // As the loaders read it: every block (Antom's keys), or the first (a private key).
    let blocks = text::decode_all(&text)
        .or_else(|| text::decode(&text).map(|der| vec![der]))
        .ok_or(KeyProblem::NotKeyText.of(name))?;
    let container = |der: &[u8]| match der::classify(der) {
        Some(DerKind::PrivatePkcs8) => "PKCS#8",
        Some(DerKind::PrivatePkcs1) => "PKCS#1",
        Some(DerKind::EncryptedPrivate) => "encrypted PKCS#8",
        Some(DerKind::PublicSpki) => "X.509 SPKI",
        Some(DerKind::PublicPkcs1) => "PKCS#1 public",
        Some(DerKind::Certificate) => "X.509 certificate",
        None => "unknown",
    };
    Ok(blocks
        .iter()
        .map(|der| format!("{} {encoding}", container(der)))
        .collect())
}

#[cfg(test)]
mod tests;
