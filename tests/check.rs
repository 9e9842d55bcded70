//! `antom-sidecar check` as people run it: a good configuration reported with each key's
//! format and fingerprint, every key mistake the loader detects named by its setting
//! (all at once, exit 1), and `--call` against the emulator: a verified SUCCESS, or
//! exactly what failed. Never key material on the terminal.

mod common;

use std::{
    os::unix::fs::PermissionsExt,
    path::Path,
    process::{Command, Output},
};

use antom_sidecar::keys::fingerprint;
use base64::{Engine, engine::general_purpose::STANDARD as BASE64};
use common::*;

/// A 1024-bit RSA public key: too short for Antom, and for the sidecar.
const SHORT_PUBLIC_KEY: &str = "-----BEGIN PUBLIC KEY-----
MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQC0vqvEzHoSo5X3cqwqWnlNuUm1
CC5S3eznJ5iD5Nk4UQiBnm85L9agnOGXdRoZy+FQ4q1R+YIxo5gS6xqIUN0dbham
iE/fWzt7gIiw4wXpUC0+rWGMZWYCJgkZpqbNpl5gfoVCCiwVkj2eVqtDOGCeEUi/
WMnre3Mtmjg5Zoaj9wIDAQAB
-----END PUBLIC KEY-----
";

/// Settings to change from a good configuration: a value, or `None` to unset.
type Changes<'a> = Vec<(&'a str, Option<&'a str>)>;

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Writes `content` to `dir/name` with `mode`; its path.
fn write(dir: &Path, name: &str, content: &str, mode: u32) -> String {
    let path = dir.join(name);
    std::fs::write(&path, content).expect("write");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).expect("chmod");
    path.to_str().expect("a UTF-8 temp path").to_owned()
}

/// A test directory with the merchant's private key (mode 0600) and Antom's public key.
struct Keys {
    dir: tempfile::TempDir,
    merchant: String,
    antom: String,
}

impl Keys {
    fn new() -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        let pairs = &keys().pairs;
        let merchant = write(
            dir.path(),
            "merchant.pem",
            &pairs.merchant.private_pem(),
            0o600,
        );
        let antom = write(dir.path(), "antom.pem", &pairs.antom.public_pem(), 0o644);
        Self {
            dir,
            merchant,
            antom,
        }
    }

    fn write(&self, name: &str, content: &str) -> String {
        write(self.dir.path(), name, content, 0o600)
    }

    /// A good configuration calling `endpoint`, then `changes` (`None`: unset).
    fn env<'a>(
        &'a self,
        endpoint: &'a str,
        changes: &[(&'a str, Option<&'a str>)],
    ) -> Vec<(&'a str, &'a str)> {
        let mut env = vec![
            ("ANTOM_CLIENT_ID", CLIENT_ID),
            ("ANTOM_ENDPOINT", endpoint),
            ("ANTOM_MERCHANT_PRIVATE_KEY_FILE", self.merchant.as_str()),
            ("ANTOM_PUBLIC_KEY_FILE", self.antom.as_str()),
        ];
        for &(name, value) in changes {
            env.retain(|(n, _)| *n != name);
            env.extend(value.map(|v| (name, v)));
        }
        env
    }
}

fn check(args: &[&str], env: &[(&str, &str)]) -> Command {
    let argv: Vec<&str> = std::iter::once("check")
        .chain(args.iter().copied())
        .collect();
    sidecar(&argv, env)
}

/// Asserts that no line of any private key's Base64, nor the API key, was printed.
fn assert_no_secrets(out: &Output) {
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    let pems = [
        keys().pairs.merchant.private_pem(),
        keys().other.private_pem(),
    ];
    let secrets = pems
        .iter()
        .flat_map(|pem| {
            pem.lines()
                .filter(|l| !l.starts_with("-----"))
                .map(str::to_owned)
        })
        .chain([
            "PRIVATE KEY".into(),
            "isak_TEST_emu".into(),
            "sk_live".into(),
        ]);
    for secret in secrets {
        assert!(
            !stdout.contains(&secret) && !stderr.contains(&secret),
            "a secret on the terminal:\n{stdout}\n{stderr}"
        );
    }
}

/// Asserts exit 1 naming every `expected` problem (or failure of the call); stderr.
fn refused(out: &Output, expected: &[&str]) -> String {
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert_eq!(out.status.code(), Some(1), "{stdout}\n{stderr}");
    for expected in expected {
        assert!(stderr.contains(expected), "{expected:?} in:\n{stderr}");
    }
    // "No problems" only when what failed is the call.
    let call_failed = stdout.contains("\ncall ");
    assert!(
        call_failed || !stdout.contains("no problems found"),
        "{stdout}"
    );
    assert_no_secrets(out);
    stderr
}

/// Asserts exit 0 with every `expected` line in stdout; stdout.
fn passed(out: &Output, expected: &[&str]) -> String {
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert!(out.status.success(), "{stdout}\n{stderr}");
    for expected in expected {
        assert!(stdout.contains(expected), "{expected:?} in:\n{stdout}");
    }
    assert_no_secrets(out);
    stdout
}

#[test]
fn a_good_configuration_is_reported_with_each_keys_fingerprint() {
    let k = Keys::new();
    let env = k.env(
        "http://127.0.0.1:9",
        &[
            ("ANTOM_CLIENT_ID", Some("SANDBOX_5YEZ2N2ZKX1Y04567")),
            ("ANTOM_KEY_VERSION", Some("2")),
        ],
    );
    let pairs = &keys().pairs;
    let out = check(&[], &env).output().expect("run");
    passed(
        &out,
        &[
            "client ID      SANDBOX_5YEZ2N2ZKX1Y04567\n",
            "endpoint       http://127.0.0.1:9/ams/sandbox/api/v1/risk/payments/sendPaymentResult\n",
            "path           sandbox (ANTOM_SANDBOX=auto: the client ID starts with SANDBOX_)\n",
            "auth           RSA signature (SHA256withRSA), key version 2, from ANTOM_KEY_VERSION\n",
            &format!(
                "merchant key   ANTOM_MERCHANT_PRIVATE_KEY_FILE ({}): PKCS#8 PEM, public half's fingerprint {}\n",
                k.merchant,
                fingerprint(&pairs.merchant.public_spki)
            ),
            &format!(
                "antom key      ANTOM_PUBLIC_KEY_FILE ({}): X.509 SPKI PEM, fingerprint {}\n",
                k.antom,
                fingerprint(&pairs.antom.public_spki)
            ),
            "listener       gRPC on 127.0.0.1:50051, plaintext\n",
            "configuration  no problems found\n",
        ],
    );
}

#[test]
fn other_formats_a_version_file_and_antoms_two_keys_are_each_described() {
    let vectors: serde_json::Value =
        serde_json::from_str(include_str!("vectors/signing.json")).expect("vectors");
    let field = |name: &str| vectors[name].as_str().expect(name).to_owned();
    let spki = BASE64
        .decode(field("public_key_spki_base64"))
        .expect("Base64");
    let k = Keys::new();
    let (antom, next) = (keys().pairs.antom.public_pem(), keys().other.public_pem());
    let both = k.write("antom_both.pem", &format!("{antom}{next}"));
    let version = k.write("version", "7\n");
    let pkcs1 = field("private_key_pkcs1_base64");
    let env = k.env(
        "http://127.0.0.1:9",
        &[
            ("ANTOM_CLIENT_ID", Some("2188120000000001")),
            ("ANTOM_MERCHANT_PRIVATE_KEY_FILE", None),
            ("ANTOM_MERCHANT_PRIVATE_KEY", Some(&pkcs1)),
            ("ANTOM_PUBLIC_KEY_FILE", Some(&both)),
            ("ANTOM_KEY_VERSION_FILE", Some(&version)),
        ],
    );
    let out = check(&[], &env).output().expect("run");
    let stdout = passed(
        &out,
        &[
            "endpoint       http://127.0.0.1:9/ams/api/v1/risk/payments/sendPaymentResult\n",
            "path           production (ANTOM_SANDBOX=auto: neither a SANDBOX_ client ID nor a TEST API key)\n",
            &format!("key version 7, from ANTOM_KEY_VERSION_FILE ({version})\n"),
            &format!(
                "merchant key   ANTOM_MERCHANT_PRIVATE_KEY: PKCS#1 Base64, public half's fingerprint {}\n",
                fingerprint(&spki)
            ),
            &format!(
                "antom key      ANTOM_PUBLIC_KEY_FILE ({both}): X.509 SPKI PEM, key 1 of 2, fingerprint {}\n",
                fingerprint(&keys().pairs.antom.public_spki)
            ),
            &format!(
                "antom key      ANTOM_PUBLIC_KEY_FILE ({both}): X.509 SPKI PEM, key 2 of 2, fingerprint {}\n",
                fingerprint(&keys().other.public_spki)
            ),
        ],
    );
    assert!(
        !stdout.contains(pkcs1.get(..40).expect("a key")),
        "{stdout}"
    );
}

#[test]
fn every_key_mistake_is_named_by_its_setting() {
    let k = Keys::new();
    let pairs = &keys().pairs;
    let own = k.write("own.pem", &pairs.merchant.public_pem());
    let private = pairs.merchant.private_pem();
    let private_as_antom = k.write("private_as_antom.pem", &keys().other.private_pem());
    let empty = k.write("empty.pem", " \n");
    let junk = k.write("junk.pem", "hello, not a key\n");
    let cert = rcgen::generate_simple_self_signed(vec!["localhost".into()]).expect("certificate");
    let cert = k.write("cert.pem", &cert.cert.pem());
    // EncryptedPrivateKeyInfo { AlgorithmIdentifier { PBES2 }, OCTET STRING }.
    let encrypted = [
        0x30, 0x11, 0x30, 0x0b, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x05, 0x0d,
        0x04, 0x02, 0, 0,
    ];
    let encrypted = k.write("encrypted.pem", &BASE64.encode(encrypted));
    let short = k.write("short.pem", SHORT_PUBLIC_KEY);
    let antom_and_private = k.write(
        "antom_and_private.pem",
        &format!(
            "{}{}",
            pairs.antom.public_pem(),
            *keys().other.private_pem()
        ),
    );
    let version = k.write("version", "v 2\n");
    let long_id = "x".repeat(65);
    let m = "ANTOM_MERCHANT_PRIVATE_KEY_FILE";
    let a = "ANTOM_PUBLIC_KEY_FILE";
    let cases: Vec<(&str, Changes, &str)> = vec![
        (
            "missing file",
            vec![(m, Some("/nonexistent/merchant.pem"))],
            "ANTOM_MERCHANT_PRIVATE_KEY_FILE: cannot read /nonexistent/merchant.pem",
        ),
        (
            "empty file",
            vec![(a, Some(&empty))],
            "ANTOM_PUBLIC_KEY_FILE is empty",
        ),
        (
            "empty path",
            vec![(a, Some(""))],
            "ANTOM_PUBLIC_KEY_FILE is set but empty",
        ),
        (
            "not key text",
            vec![(m, Some(&junk))],
            "ANTOM_MERCHANT_PRIVATE_KEY_FILE holds no key",
        ),
        (
            "public as private",
            vec![(m, Some(&own))],
            "ANTOM_MERCHANT_PRIVATE_KEY_FILE holds a public key (X.509 SubjectPublicKeyInfo), expected the merchant's RSA private key",
        ),
        (
            "private as public",
            vec![(a, Some(&private_as_antom))],
            "ANTOM_PUBLIC_KEY_FILE holds a private key (PKCS#8), expected Antom's RSA public key",
        ),
        (
            "a private key among Antom's",
            vec![(a, Some(&antom_and_private))],
            "ANTOM_PUBLIC_KEY_FILE: key 2 of 2 holds a private key (PKCS#8)",
        ),
        (
            "certificate",
            vec![(a, Some(&cert))],
            "ANTOM_PUBLIC_KEY_FILE holds a certificate",
        ),
        (
            "password-protected",
            vec![(m, Some(&encrypted))],
            "ANTOM_MERCHANT_PRIVATE_KEY_FILE holds a password-protected private key",
        ),
        (
            "own public key",
            vec![(a, Some(&own))],
            "ANTOM_PUBLIC_KEY_FILE holds the public half of the merchant's own private key",
        ),
        (
            "inline and file",
            vec![("ANTOM_MERCHANT_PRIVATE_KEY", Some(&private))],
            "set ANTOM_MERCHANT_PRIVATE_KEY or ANTOM_MERCHANT_PRIVATE_KEY_FILE, not both",
        ),
        (
            "no Antom key",
            vec![(a, None)],
            "ANTOM_PUBLIC_KEY_FILE (or ANTOM_PUBLIC_KEY) is required with RSA signing",
        ),
        (
            "no credentials",
            vec![(m, None)],
            "no credentials: set ANTOM_MERCHANT_PRIVATE_KEY_FILE",
        ),
        (
            "key and API key",
            vec![("ANTOM_API_KEY", Some("isak_TEST_emulator"))],
            "set a merchant private key (RSA signing) or an API key, not both",
        ),
        (
            "bad key version",
            vec![("ANTOM_KEY_VERSION", Some("1.0"))],
            "ANTOM_KEY_VERSION must be letters and digits",
        ),
        (
            "bad key version file",
            vec![("ANTOM_KEY_VERSION_FILE", Some(&version))],
            "ANTOM_KEY_VERSION_FILE must be letters and digits",
        ),
        (
            "API key shape",
            vec![
                (m, None),
                (a, None),
                ("ANTOM_API_KEY", Some("sk_live_51HxQ")),
            ],
            "ANTOM_API_KEY is not an Antom API key",
        ),
    ];
    for (case, changes, expected) in cases {
        let out = check(&[], &k.env("http://127.0.0.1:9", &changes))
            .output()
            .expect("run");
        let stderr = refused(&out, &[expected]);
        assert!(stderr.contains("problem(s):\n"), "{case}:\n{stderr}");
    }
    // A 1024-bit key: aws-lc-rs refuses to parse it at all, the `rsa` backend names
    // its size.
    let out = check(&[], &k.env("http://127.0.0.1:9", &[(a, Some(&short))]))
        .output()
        .expect("run");
    let stderr = refused(&out, &["ANTOM_PUBLIC_KEY_FILE: "]);
    assert!(
        stderr.contains("not a usable RSA public key") || stderr.contains("at least 2048 bits"),
        "{stderr}"
    );
    // The reference ID of --call is checked as the gRPC edge checks it.
    let out = check(&["--call", &long_id], &k.env("http://127.0.0.1:9", &[]))
        .output()
        .expect("run");
    refused(
        &out,
        &["--call (CHECK_CALL): the reference ID must be at most 64 characters, got 65"],
    );
}

#[test]
fn several_mistakes_are_listed_at_once() {
    let k = Keys::new();
    let cert = rcgen::generate_simple_self_signed(vec!["localhost".into()]).expect("certificate");
    let cert = k.write("cert.pem", &cert.cert.pem());
    let changes = [
        ("ANTOM_CLIENT_ID", None),
        ("ANTOM_ENDPOINT", Some("http://10.1.2.3")),
        (
            "ANTOM_MERCHANT_PRIVATE_KEY_FILE",
            Some("/nonexistent/merchant.pem"),
        ),
        ("ANTOM_PUBLIC_KEY_FILE", Some(cert.as_str())),
        ("ANTOM_KEY_VERSION", Some("1.0")),
    ];
    let out = check(&["--call", ""], &k.env("", &changes))
        .output()
        .expect("run");
    let stderr = refused(
        &out,
        &[
            "the configuration has 6 problem(s)",
            "--call (CHECK_CALL): the reference ID is required",
            "ANTOM_CLIENT_ID is required",
            "ANTOM_ENDPOINT: \"http://10.1.2.3\": only https:// is allowed",
            "ANTOM_MERCHANT_PRIVATE_KEY_FILE: cannot read /nonexistent/merchant.pem",
            "ANTOM_PUBLIC_KEY_FILE holds a certificate",
            "ANTOM_KEY_VERSION must be letters and digits",
        ],
    );
    assert_eq!(
        stderr.lines().filter(|l| l.starts_with("  - ")).count(),
        6,
        "{stderr}"
    );
    assert!(text(&out.stdout).is_empty(), "nothing found to report");
}

#[test]
fn help_says_what_the_exit_status_means() {
    let out = check(&["--help"], &[]).output().expect("run");
    let help = text(&out.stdout);
    for expected in [
        "--call <REFERENCE_ID>",
        "CHECK_CALL",
        "ANTOM_PUBLIC_KEY_FILE",
        "Exit status: 0 when",
    ] {
        assert!(help.contains(expected), "{expected:?} in:\n{help}");
    }
}

/// `check --call` against the emulator (the `emulator` feature).
#[cfg(feature = "emulator")]
mod against_the_emulator {
    use antom_sidecar::emulator::EmulatorHandle;

    use super::*;

    /// Runs `command` off the runtime thread, which serves the emulator meanwhile.
    async fn output(mut command: Command) -> Output {
        tokio::task::spawn_blocking(move || command.output().expect("run check"))
            .await
            .expect("join")
    }

    /// `check --call reference` against `emulator`, with `changes` to the good keys.
    async fn call(
        k: &Keys,
        emulator: &EmulatorHandle,
        reference: &str,
        changes: &[(&str, Option<&str>)],
    ) -> Output {
        let endpoint = emulator.base_url();
        let env = k.env(&endpoint, changes);
        output(check(&["--call", reference], &env)).await
    }

    #[tokio::test]
    async fn a_call_is_verified_and_every_failure_is_named() {
        let emulator = start_emulator(emulator_config()).await;
        let k = Keys::new();
        let out = call(&k, &emulator, "check-ok-1", &[]).await;
        passed(
            &out,
            &[
                "configuration  no problems found\n",
                &format!(
                    "call           SendPaymentResult, reference ID check-ok-1, to {}/ams/sandbox/api/v1/risk/payments/sendPaymentResult\n",
                    emulator.base_url()
                ),
                "answer         SUCCESS (S): success\n",
                "signature      verified with Antom's public key\n",
            ],
        );
        let received = emulator.received();
        assert_eq!(received.len(), 1, "{received:?}");
        assert_eq!(received[0]["body"]["referenceTransactionId"], "check-ok-1");

        // Antom's refusal, signed: its code and message, and what to look at.
        let out = call(&k, &emulator, "emu-code-KEY_NOT_FOUND-1", &[]).await;
        refused(
            &out,
            &[
                "antom-sidecar: Antom refused the call: KEY_NOT_FOUND (F)",
                "Antom has no key of version 1 for this client ID",
            ],
        );
        assert!(text(&out.stdout).contains("answer         KEY_NOT_FOUND (F)"));

        // A merchant key that Antom does not hold: Antom's SIGNATURE_INVALID, and the
        // fingerprint of the key that must be uploaded.
        let unknown = k.write("unknown.pem", &keys().other.private_pem());
        let changes = [("ANTOM_MERCHANT_PRIVATE_KEY_FILE", Some(unknown.as_str()))];
        let out = call(&k, &emulator, "check-unknown-key", &changes).await;
        refused(
            &out,
            &[
                "Antom refused the call: SIGNATURE_INVALID (F): the signature does not verify with the merchant's public key",
                &format!(
                    "must be the one with fingerprint {}",
                    fingerprint(&keys().other.public_spki)
                ),
            ],
        );

        // Not Antom's public key: its answer does not verify.
        let wrong = k.write("wrong_antom.pem", &keys().other.public_pem());
        let changes = [("ANTOM_PUBLIC_KEY_FILE", Some(wrong.as_str()))];
        let out = call(&k, &emulator, "check-wrong-antom-key", &changes).await;
        refused(
            &out,
            &[
                "the call failed [RESPONSE_SIGNATURE_INVALID]: Antom's response signature is invalid",
            ],
        );

        // An answer that is not Antom's, and nobody listening.
        let out = call(
            &k,
            &emulator,
            "emu-http-404-x",
            &[("SIDECAR_MAX_ATTEMPTS", Some("1"))],
        )
        .await;
        refused(
            &out,
            &["the call failed [UPSTREAM_HTTP_STATUS]: Antom answered HTTP 404"],
        );
        let closed = std::net::TcpListener::bind("127.0.0.1:0")
            .expect("bind")
            .local_addr()
            .expect("addr");
        let closed = format!("http://{closed}");
        let env = k.env(&closed, &[("SIDECAR_MAX_ATTEMPTS", Some("1"))]);
        let out = output(check(&["--call", "check-closed"], &env)).await;
        refused(
            &out,
            &["the call failed [UPSTREAM_UNAVAILABLE]: cannot reach Antom after 1 attempt(s)"],
        );
    }

    #[tokio::test]
    async fn api_key_mode_is_reported_without_the_key() {
        let emulator = start_emulator(emulator_config()).await;
        let k = Keys::new();
        let api_key = [
            ("ANTOM_CLIENT_ID", Some("2188120000000001")),
            ("ANTOM_MERCHANT_PRIVATE_KEY_FILE", None),
            ("ANTOM_PUBLIC_KEY_FILE", None),
            ("ANTOM_API_KEY", Some("isak_TEST_emulator")),
        ];
        let out = call(&k, &emulator, "check-api-key", &api_key).await;
        passed(
            &out,
            &[
                "path           sandbox (ANTOM_SANDBOX=auto: the API key is a TEST key)\n",
                "auth           API key (Authorization: Bearer), a TEST key (isak_TEST_...) from ANTOM_API_KEY\n",
                "antom key      none: answers accepted unsigned, as Antom's SDK does\n",
                "answer         SUCCESS (S): success\n",
                "signature      not checked (API-key mode without Antom's public key)\n",
            ],
        );
        assert!(!text(&out.stdout).contains("merchant key"));

        let wrong = k.write("api_key", "isak_TEST_emulatorX\n");
        let changes = [
            ("ANTOM_API_KEY", None),
            ("ANTOM_API_KEY_FILE", Some(wrong.as_str())),
        ];
        let out = call(
            &k,
            &emulator,
            "check-wrong-api-key",
            &[&api_key[..], &changes].concat(),
        )
        .await;
        let stderr = refused(
            &out,
            &[
                "Antom refused the call: ACCESS_DENIED (F)",
                "check ANTOM_CLIENT_ID",
            ],
        );
        assert!(
            text(&out.stdout).contains(&format!(
                "a TEST key (isak_TEST_...) from ANTOM_API_KEY_FILE ({wrong})"
            )),
            "{stderr}"
        );
    }
}
