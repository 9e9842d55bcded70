//! `--keys-dir DIR`: the four PEM files that tie a `serve` sidecar to an emulator.
//! Read when present, created when the directory holds none of them.

use std::{
    fs,
    path::{Path, PathBuf},
};

use crate::{
    keys::{GeneratedKeyPair, KeyError, KeySource, load_signing_key, load_verifying_keys},
    signing::{SigningKey, VerifyingKey},
};

/// File names inside the keys directory.
pub const FILES: [&str; 4] = [
    "merchant_private_key.pem",
    "merchant_public_key.pem",
    "antom_private_key.pem",
    "antom_public_key.pem",
];

/// The keys the emulator itself uses.
#[derive(Debug)]
pub struct KeysDir {
    /// Verify requests: one PEM block each in `merchant_public_key.pem` (the merchant's
    /// old and new keys during its rotation).
    pub merchant_public_keys: Vec<VerifyingKey>,
    /// Signs responses.
    pub antom_private_key: SigningKey,
    /// Whether the files were created just now.
    pub created: bool,
}

/// Why the directory could not be used.
#[derive(Debug, thiserror::Error)]
pub enum KeysDirError {
    /// Reading or writing this path failed.
    #[error("{path}: {1}", path = .0.display())]
    Io(PathBuf, std::io::Error),
    /// Some files in this directory exist and others don't: refuse to overwrite half a set.
    #[error("{dir} holds only some of {FILES:?}: remove them all to start afresh, or restore the missing ones", dir = .0.display())]
    Partial(PathBuf),
    /// A file holds something unusable.
    #[error(transparent)]
    Key(#[from] KeyError),
}

impl KeysDir {
    /// Loads the keys in `dir`, creating a fresh set if there is none.
    pub fn load_or_create(dir: &Path) -> Result<Self, KeysDirError> {
        let io = |path: &Path| {
            let path = path.to_owned();
            move |source| KeysDirError::Io(path, source)
        };
        let present = FILES.iter().filter(|f| dir.join(f).exists()).count();
        let created = present == 0;
        if created {
            fs::create_dir_all(dir).map_err(io(dir))?;
            let (merchant, antom) = (GeneratedKeyPair::generate(), GeneratedKeyPair::generate());
            let contents = [
                merchant.private_pem(),
                merchant.public_pem().into(),
                antom.private_pem(),
                antom.public_pem().into(),
            ];
            for (file, content) in FILES.iter().zip(contents) {
                let path = dir.join(file);
                write_private(&path, content.as_bytes()).map_err(io(&path))?;
            }
        } else if present < FILES.len() {
            return Err(KeysDirError::Partial(dir.to_owned()));
        }
        let source = |name, file: &str| KeySource::File {
            name,
            path: dir.join(file),
        };
        Ok(Self {
            merchant_public_keys: load_verifying_keys(&source(
                "merchant_public_key.pem",
                FILES[1],
            ))?,
            antom_private_key: load_signing_key(&source("antom_private_key.pem", FILES[2]))?,
            created,
        })
    }
}

/// Writes a file readable by its owner only: two of the four hold private keys.
fn write_private(path: &Path, content: &[u8]) -> std::io::Result<()> {
    use std::{io::Write, os::unix::fs::OpenOptionsExt};
    let mut file = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    file.write_all(content)
}
