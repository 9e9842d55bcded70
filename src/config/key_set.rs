//! The key settings, loaded whole by one set of rules: at start-up, by `check`, and
//! again whenever their files change (rotation without restart). A set that breaks any
//! rule (a key that does not load, Antom's key that is the merchant's own, an API key of
//! the wrong shape) is refused whole, with every problem named by its setting.

use std::path::Path;

use super::{Problems, Source, read, secret_file};
use crate::{
    antom::Auth,
    keys::{self, KeySource},
    secret::Secret,
    signing::VerifyingKey,
};

/// Where the keys come from; [`KeySources::load`] reads them.
#[derive(Debug)]
pub struct KeySources {
    auth: AuthSource,
    /// Antom's public key(s); `None` only in API-key mode.
    antom: Option<KeySource>,
    /// With `ANTOM_SANDBOX=auto` and an API key, whether the path chosen at start-up is
    /// the sandbox's: a reloaded key must be of the same environment (a TEST key for the
    /// sandbox), as the path is not changed without a restart.
    api_key_sandbox: Option<bool>,
}

/// The merchant's credentials' sources.
#[derive(Debug)]
pub(super) enum AuthSource {
    /// The private key, and the key version announced with it.
    Signature {
        private: KeySource,
        version: Source<String>,
    },
    /// An API key.
    ApiKey(Source<Secret>),
}

/// A key set, loaded and checked whole.
#[derive(Debug)]
pub struct KeySet {
    /// The merchant's credentials.
    pub auth: Auth,
    /// Antom's public keys (none in API-key mode without one).
    pub antom_public_keys: Vec<VerifyingKey>,
}

impl KeySources {
    pub(super) fn new(auth: AuthSource, antom: Option<KeySource>) -> Self {
        Self {
            auth,
            antom,
            api_key_sandbox: None,
        }
    }

    /// Pins the environment that an API key chose (`ANTOM_SANDBOX=auto`).
    pub(super) fn pin_api_key_environment(&mut self, sandbox: bool) {
        self.api_key_sandbox = Some(sandbox);
    }

    /// Reads and checks every key, reporting every problem at once.
    pub fn load(&self) -> Result<KeySet, Vec<String>> {
        let mut p = Problems::default();
        let auth = match &self.auth {
            AuthSource::Signature { private, version } => {
                if let KeySource::File { name, path } = private {
                    secret_file::warn_if_exposed(name, path);
                }
                let key = p.check(keys::load_signing_key(private));
                let version = p.check(key_version(version));
                key.zip(version)
                    .map(|(key, key_version)| Auth::Signature { key, key_version })
            }
            AuthSource::ApiKey(source) => p.check(api_key(source)).map(Auth::ApiKey),
        };
        let antom = match &self.antom {
            Some(source) => p.check(keys::load_verifying_keys(source)),
            None => Some(Vec::new()),
        };
        if let (Some(Auth::Signature { key, .. }), Some(antom), Some(source)) =
            (&auth, &antom, &self.antom)
        {
            let count = antom.len();
            for (i, antom) in antom.iter().enumerate() {
                p.check(
                    keys::check_not_own_key(key, antom, source.name()).map_err(|e| {
                        keys::KeyError {
                            setting: e.setting,
                            problem: e.problem.of_key(i + 1, count),
                        }
                    }),
                );
            }
        }
        if let (Some(Auth::ApiKey(key)), Some(sandbox)) = (&auth, self.api_key_sandbox)
            && is_test_api_key(key.expose()) != sandbox
        {
            let (now, then) = match sandbox {
                true => ("a PROD key", "the sandbox path (a TEST key chose it)"),
                false => ("a TEST key", "the production path (a PROD key chose it)"),
            };
            p.0.push(format!(
                "{}: the new key is {now}, and the sidecar calls {then}: restart it to change environments",
                self.auth_origin()
            ));
        }
        match (auth, antom) {
            (Some(auth), Some(antom_public_keys)) if p.0.is_empty() => Ok(KeySet {
                auth,
                antom_public_keys,
            }),
            _ => Err(p.0),
        }
    }

    /// The files that hold keys (and the key version), each with its setting: what a
    /// rotation changes.
    pub fn files(&self) -> Vec<(&'static str, &Path)> {
        let mut files: Vec<_> = self.antom.iter().filter_map(key_file).collect();
        match &self.auth {
            AuthSource::Signature { private, version } => {
                files.extend(key_file(private));
                files.extend(source_file(version));
            }
            AuthSource::ApiKey(source) => files.extend(source_file(source)),
        }
        files
    }

    /// The merchant's private key's source (none with an API key).
    pub fn private_key(&self) -> Option<&KeySource> {
        match &self.auth {
            AuthSource::Signature { private, .. } => Some(private),
            AuthSource::ApiKey(_) => None,
        }
    }

    /// Antom's public keys' source (none in API-key mode without one).
    pub fn antom(&self) -> Option<&KeySource> {
        self.antom.as_ref()
    }

    /// The setting that gave the key version (or, with an API key, the key), with its
    /// file's path if it names one: `ANTOM_KEY_VERSION_FILE (/path)`.
    pub fn auth_origin(&self) -> String {
        let (name, path) = match &self.auth {
            AuthSource::Signature { version, .. } => origin(version),
            AuthSource::ApiKey(key) => origin(key),
        };
        match path {
            Some(path) => format!("{name} ({})", path.display()),
            None => name.to_owned(),
        }
    }
}

fn origin<T>(source: &Source<T>) -> (&'static str, Option<&Path>) {
    match source {
        Source::Inline(name, _) => (name, None),
        Source::File(name, path) => (name, Some(path)),
    }
}

fn key_file(source: &KeySource) -> Option<(&'static str, &Path)> {
    match source {
        KeySource::File { name, path } => Some((name, path.as_path())),
        KeySource::Inline { .. } => None,
    }
}

fn source_file<T>(source: &Source<T>) -> Option<(&'static str, &Path)> {
    match origin(source) {
        (name, Some(path)) => Some((name, path)),
        (_, None) => None,
    }
}

/// A file's text, or why it cannot be read.
fn text(name: &str, path: &Path) -> Result<String, String> {
    String::from_utf8(read(name, path)?).map_err(|_| format!("{name}: the file is not UTF-8 text"))
}

/// `keyVersion`: letters and digits, given inline (`ANTOM_KEY_VERSION`, default `1`) or
/// as a file (`ANTOM_KEY_VERSION_FILE`), so that it can rotate with the key.
fn key_version(source: &Source<String>) -> Result<String, String> {
    let (name, version) = match source {
        Source::Inline(name, version) => (*name, version.trim().to_owned()),
        Source::File(name, path) => (*name, text(name, path)?.trim().to_owned()),
    };
    if version.is_empty() {
        return Err(format!("{name} is empty: give the key version, e.g. 1"));
    }
    if !version.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(format!("{name} must be letters and digits, e.g. 1"));
    }
    Ok(version)
}

/// An API key of Antom's test environment: `isak_TEST_...` or `irak_TEST_...`.
pub(crate) fn is_test_api_key(key: &str) -> bool {
    matches!(key.get(..5), Some("isak_" | "irak_")) && key[5..].starts_with("TEST_")
}

/// The API key, of the shape that Antom's SDK checks.
fn api_key(source: &Source<Secret>) -> Result<Secret, String> {
    let (name, key) = match source {
        Source::Inline(name, key) => (*name, key.clone()),
        Source::File(name, path) => {
            secret_file::warn_if_exposed(name, path);
            (*name, Secret::new(text(name, path)?))
        }
    };
    let trimmed = key.expose().trim();
    if trimmed.is_empty() || !trimmed.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(format!("{name} must be one token of printable ASCII"));
    }
    // The shape Antom's SDK checks: isak_ or irak_, then TEST_ or PROD_.
    let shaped = matches!(trimmed.get(..5), Some("isak_" | "irak_"))
        && matches!(trimmed.get(5..10), Some("TEST_" | "PROD_"));
    if !shaped {
        return Err(format!(
            "{name} is not an Antom API key: expected isak_ or irak_, then TEST_ or PROD_ \
             (e.g. isak_TEST_...)"
        ));
    }
    Ok(Secret::new(trimmed))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_api_keys_are_known_by_their_shape() {
        for key in ["isak_TEST_abc", "irak_TEST_x"] {
            assert!(is_test_api_key(key), "{key}");
        }
        for key in ["isak_PROD_abc", "TEST_isak_", "isak_", "", "ísak_TEST_"] {
            assert!(!is_test_api_key(key), "{key}");
        }
    }
}
