//! `check`'s report: what the configuration holds, one row per fact, from the checked
//! settings and the sources of their keys. Key material never appears.

use crate::{
    antom::{Auth, Settings},
    config::{KeySources, is_test_api_key},
    keys::{self, KeySource},
};

/// A row: its label and what was found.
pub(super) type Row = (&'static str, String);

/// What was found, one row per fact.
pub(super) fn report(
    settings: &Settings,
    sources: &KeySources,
    sandbox_setting: &str,
) -> Result<Vec<Row>, keys::KeyError> {
    let sandbox = settings.endpoint().is_sandbox();
    let mut rows = vec![
        ("client ID", settings.client_id().to_owned()),
        ("endpoint", settings.endpoint().to_string()),
        ("path", path(sandbox, settings, sandbox_setting.trim())),
    ];
    match (settings.auth(), sources.private_key()) {
        (Auth::Signature { key, key_version }, Some(source)) => {
            let auth = format!(
                "RSA signature (SHA256withRSA), key version {key_version}, from {}",
                sources.auth_origin()
            );
            rows.push(("auth", auth));
            let format = keys::formats(source)?
                .into_iter()
                .next()
                .unwrap_or_default();
            let fingerprint = key.fingerprint();
            let line = format!(
                "{}: {format}, public half's fingerprint {fingerprint}",
                key_origin(source)
            );
            rows.push(("merchant key", line));
        }
        (Auth::ApiKey(key), _) => {
            let environment = match is_test_api_key(key.expose()) {
                true => "TEST",
                false => "PROD",
            };
            let prefix = key.expose().get(..10).unwrap_or_default();
            let from = sources.auth_origin();
            rows.push((
                "auth",
                format!(
                    "API key (Authorization: Bearer), a {environment} key ({prefix}...) from {from}"
                ),
            ));
        }
        (Auth::Signature { .. }, None) => {}
    }
    let antom = settings.antom_public_keys();
    match sources.antom() {
        Some(source) if !antom.is_empty() => {
            let formats = keys::formats(source)?;
            for (i, (key, format)) in antom.iter().zip(formats).enumerate() {
                let which = match antom.len() {
                    1 => String::new(),
                    n => format!(", key {} of {n}", i + 1),
                };
                let line = format!(
                    "{}: {format}{which}, fingerprint {}",
                    key_origin(source),
                    key.fingerprint()
                );
                rows.push(("antom key", line));
            }
        }
        _ => rows.push((
            "antom key",
            "none: answers accepted unsigned, as Antom's SDK does".into(),
        )),
    }
    Ok(rows)
}

/// Sandbox or production, and why.
fn path(sandbox: bool, settings: &Settings, setting: &str) -> String {
    let which = if sandbox { "sandbox" } else { "production" };
    let auto = setting.is_empty() || setting.eq_ignore_ascii_case("auto");
    let test_key = matches!(settings.auth(), Auth::ApiKey(k) if is_test_api_key(k.expose()));
    let why = match (auto, sandbox) {
        (false, _) => format!("ANTOM_SANDBOX={setting}"),
        (true, true) if settings.client_id().starts_with("SANDBOX_") => {
            "ANTOM_SANDBOX=auto: the client ID starts with SANDBOX_".into()
        }
        (true, true) if test_key => "ANTOM_SANDBOX=auto: the API key is a TEST key".into(),
        (true, _) => "ANTOM_SANDBOX=auto: neither a SANDBOX_ client ID nor a TEST API key".into(),
    };
    format!("{which} ({why})")
}

/// What a SUCCESS answer's signature proves, by auth mode.
pub(super) fn verification(settings: &Settings) -> &'static str {
    match (settings.auth(), settings.antom_public_keys().is_empty()) {
        (Auth::Signature { .. }, _) => "verified with Antom's public key",
        (Auth::ApiKey(_), false) => {
            "verified if signed (API-key mode accepts unsigned answers, as Antom's SDK does)"
        }
        (Auth::ApiKey(_), true) => "not checked (API-key mode without Antom's public key)",
    }
}

/// A key's setting, with its file's path if it names one.
fn key_origin(source: &KeySource) -> String {
    match source {
        KeySource::File { name, path } => format!("{name} ({})", path.display()),
        KeySource::Inline { name, .. } => (*name).to_owned(),
    }
}
