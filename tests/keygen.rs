//! `antom-sidecar keygen` as people run it: the three files with the right modes, a pair
//! that signs and verifies, the fingerprint printed, never an overwrite, and never key
//! material on the terminal.

#![cfg(feature = "emulator")]

mod common;

use std::{
    fs,
    os::unix::fs::PermissionsExt,
    path::{Path, PathBuf},
    process::Output,
};

use antom_sidecar::{
    keys::{KeySource, fingerprint, load_signing_key, load_verifying_key},
    signing::VerifyingKey,
};
use base64::{Engine, engine::general_purpose::STANDARD as BASE64};
use common::sidecar;

const PRIVATE: &str = "merchant_private_key.pem";
const PUBLIC: &str = "merchant_public_key.pem";
const DASHBOARD: &str = "merchant_public_key.txt";
const FILES: [&str; 3] = [PRIVATE, PUBLIC, DASHBOARD];

/// Runs `keygen --out out`.
fn keygen(out: &Path) -> Output {
    let out = out.to_str().expect("a UTF-8 temp path");
    sidecar(&["keygen", "--out", out], &[])
        .output()
        .expect("run keygen")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn mode(path: &Path) -> u32 {
    fs::metadata(path).expect("metadata").permissions().mode() & 0o777
}

/// The DER inside a PEM file with exactly this label and 64-character lines.
fn pem_der(pem: &str, label: &str) -> Vec<u8> {
    let body = pem
        .strip_prefix(&format!("-----BEGIN {label}-----\n"))
        .and_then(|rest| rest.strip_suffix(&format!("-----END {label}-----\n")))
        .unwrap_or_else(|| panic!("a {label} PEM block"));
    assert!(body.lines().all(|l| l.len() <= 64), "64-character lines");
    BASE64
        .decode(body.replace('\n', ""))
        .expect("PEM body is Base64")
}

fn source(name: &'static str, path: PathBuf) -> KeySource {
    KeySource::File { name, path }
}

/// Asserts that neither stream carries any piece of the private key's Base64.
fn assert_no_private_key(out: &Output, private_pem: &str) {
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    let body = private_pem.lines().filter(|l| !l.starts_with("-----"));
    for line in body.chain(std::iter::once("PRIVATE KEY")) {
        assert!(
            !stdout.contains(line) && !stderr.contains(line),
            "private key material on the terminal:\n{stdout}\n{stderr}"
        );
    }
}

/// The hex after "fingerprint: " in `stdout`.
fn printed_fingerprint(stdout: &str) -> String {
    let line = stdout
        .lines()
        .find(|l| l.contains("fingerprint: "))
        .unwrap_or_else(|| panic!("a fingerprint line in:\n{stdout}"));
    line.rsplit(' ').next().expect("a fingerprint").to_owned()
}

fn contents(dir: &Path) -> Vec<Vec<u8>> {
    FILES
        .iter()
        .map(|f| fs::read(dir.join(f)).expect("read"))
        .collect()
}

#[test]
fn writes_a_pair_that_signs_verifies_and_matches_its_fingerprint() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().join("new").join("keys");
    let out = keygen(&dir);
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{stdout}\n{}", text(&out.stderr));

    // The directory is created private; the private key is 0600.
    assert_eq!(mode(&dir), 0o700, "created directory");
    assert_eq!(mode(&dir.join(PRIVATE)), 0o600, "{PRIVATE}");

    // The private key is PKCS#8 PEM and loads as a signing key.
    let private_pem = fs::read_to_string(dir.join(PRIVATE)).expect("read");
    pem_der(&private_pem, "PRIVATE KEY");
    let signing = load_signing_key(&source(PRIVATE, dir.join(PRIVATE))).expect("signing key");

    // Both public files hold the same SPKI DER, and both verify the private key's signature.
    let spki = pem_der(
        &fs::read_to_string(dir.join(PUBLIC)).expect("read"),
        "PUBLIC KEY",
    );
    let line = fs::read_to_string(dir.join(DASHBOARD)).expect("read");
    let bare = line.strip_suffix('\n').expect("a trailing newline");
    assert!(
        !bare.contains(['\n', '\r', '-']),
        "one line of Base64: {line:?}"
    );
    assert_eq!(BASE64.decode(bare).expect("Base64"), spki);
    let message = b"keygen: a signature made with the private key";
    let signature = signing.sign_raw(message);
    for (name, file) in [(PUBLIC, PUBLIC), (DASHBOARD, DASHBOARD)] {
        let verifying = load_verifying_key(&source(name, dir.join(file))).expect(name);
        assert!(verifying.verify_raw(message, &signature), "{name} verifies");
        assert!(
            !verifying.verify_raw(b"another message", &signature),
            "{name}"
        );
    }
    let from_der = VerifyingKey::from_spki_der(&spki).expect("SPKI");
    assert!(from_der.verify_raw(message, &signature));

    // The fingerprint printed is the public key's, and the next steps are concrete.
    assert_eq!(printed_fingerprint(&stdout), fingerprint(&spki));
    let private_path = dir.join(PRIVATE).display().to_string();
    for expected in [
        dir.join(DASHBOARD).display().to_string(),
        "Developer > Key configuration".to_owned(),
        "kubectl -n payments create secret generic antom-credentials".to_owned(),
        "--from-literal=key_version=".to_owned(),
        format!("--from-file={PRIVATE}={private_path}"),
        "--from-file=antom_public_key.pem=antom_public_key.pem".to_owned(),
        format!("rm {private_path}"),
    ] {
        assert!(stdout.contains(&expected), "{expected:?} in:\n{stdout}");
    }
    assert_no_private_key(&out, &private_pem);
}

#[test]
fn a_second_run_refuses_names_every_file_and_changes_nothing() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path();
    assert!(keygen(dir).status.success());
    let before = contents(dir);

    let out = keygen(dir);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    let stderr = text(&out.stderr);
    for file in FILES {
        let path = dir.join(file).display().to_string();
        assert!(stderr.contains(&path), "{path} named in:\n{stderr}");
    }
    assert!(stderr.contains("refusing to overwrite"), "{stderr}");
    assert_eq!(
        contents(dir),
        before,
        "the first keys are left byte for byte"
    );
    assert_no_private_key(&out, &text(&before[0]));
}

#[test]
fn any_one_existing_file_refuses_before_anything_is_written() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path();
    let existing = dir.join(DASHBOARD);
    fs::write(&existing, "an older key\n").expect("write");

    let out = keygen(dir);
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(stderr.contains(&existing.display().to_string()), "{stderr}");
    assert!(!dir.join(PRIVATE).exists() && !dir.join(PUBLIC).exists());
    assert_eq!(
        fs::read_to_string(&existing).expect("read"),
        "an older key\n"
    );
}

#[test]
fn fingerprint_is_the_first_16_hex_digits_of_the_spki_sha256() {
    // `openssl pkey -pubin -outform DER | sha256sum` of the vectors' public key.
    let vectors: serde_json::Value =
        serde_json::from_str(include_str!("vectors/signing.json")).expect("vectors");
    let spki = BASE64
        .decode(vectors["public_key_spki_base64"].as_str().expect("a key"))
        .expect("Base64");
    assert_eq!(fingerprint(&spki), "1850b95870c3920d");
    assert_eq!(fingerprint(b""), "e3b0c44298fc1c14");
}
