//! The binary as people run it: configuration problems reported all at once with the
//! setting named, secrets never echoed, the commands of the build listed, and (with the
//! `emulator` feature) `emulator --keys-dir`, `serve` and `dev` answering real gRPC
//! calls, and SIGTERM ending them cleanly.

mod common;

use std::{path::Path, process::Output};

use common::*;

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Asserts that `serve` refused to start (exit 2) naming every `expected` problem;
/// returns stderr.
fn refused(out: &Output, expected: &[&str]) -> String {
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(out);
    for expected in expected {
        assert!(err.contains(expected), "{expected:?} in:\n{err}");
    }
    err
}

fn write(dir: &Path, name: &str, content: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, content).expect("write");
    path.display().to_string()
}

#[test]
fn every_configuration_problem_is_reported_at_once() {
    let out = sidecar(&["serve"], &[("ANTOM_REGION", "mars")])
        .output()
        .expect("run");
    refused(
        &out,
        &[
            "ANTOM_CLIENT_ID is required",
            "ANTOM_REGION: unknown region \"mars\"",
            "ANTOM_PUBLIC_KEY_FILE (or ANTOM_PUBLIC_KEY) is required",
            "no credentials",
        ],
    );
}

#[test]
fn key_mistakes_name_the_setting_and_never_echo_the_key() {
    let dir = tempfile::tempdir().expect("tempdir");
    let k = keys();
    let private_pem = k.pairs.merchant.private_pem();
    let private = write(dir.path(), "private.pem", &private_pem);
    let public = write(dir.path(), "public.pem", &k.pairs.merchant.public_pem());
    let garbage = write(dir.path(), "garbage.pem", "hello");
    let env = [
        ("ANTOM_CLIENT_ID", "SANDBOX_X"),
        ("ANTOM_ENDPOINT", "http://10.1.2.3:80"),
        ("ANTOM_PUBLIC_KEY_FILE", private.as_str()),
        ("ANTOM_MERCHANT_PRIVATE_KEY_FILE", public.as_str()),
        ("ANTOM_CA_FILE", garbage.as_str()),
        ("ANTOM_API_KEY", "isak_TEST_secret"),
    ];
    let out = sidecar(&["serve"], &env).output().expect("run");
    let err = refused(
        &out,
        &[
            "ANTOM_ENDPOINT: \"http://10.1.2.3:80\": only https:// is allowed",
            "ANTOM_PUBLIC_KEY_FILE holds a private key (PKCS#8), expected Antom's RSA public key",
            "set a merchant private key (RSA signing) or an API key, not both",
        ],
    );
    let key_line = private_pem.lines().nth(1).expect("a base64 line");
    assert!(
        !err.contains(key_line) && !err.contains("isak_TEST_secret"),
        "secrets leaked:\n{err}"
    );

    let env = [
        ("ANTOM_CLIENT_ID", "X"),
        ("ANTOM_REGION", "sea"),
        ("ANTOM_PUBLIC_KEY_FILE", public.as_str()),
        ("ANTOM_MERCHANT_PRIVATE_KEY", &*private_pem),
    ];
    let err = stderr(&sidecar(&["serve"], &env).output().expect("run"));
    assert!(
        err.contains(
            "ANTOM_PUBLIC_KEY_FILE holds the public half of the merchant's own private key"
        ),
        "{err}"
    );
    assert!(!err.contains(key_line), "{err}");

    let env = [
        ("ANTOM_CLIENT_ID", "X"),
        ("ANTOM_REGION", "sea"),
        ("ANTOM_PUBLIC_KEY_FILE", garbage.as_str()),
        ("ANTOM_MERCHANT_PRIVATE_KEY_FILE", public.as_str()),
    ];
    let err = stderr(&sidecar(&["serve"], &env).output().expect("run"));
    assert!(err.contains("ANTOM_PUBLIC_KEY_FILE holds no key"), "{err}");
    assert!(err.contains("ANTOM_MERCHANT_PRIVATE_KEY_FILE holds a public key (X.509 SubjectPublicKeyInfo), expected the merchant's RSA private key"), "{err}");
}

#[test]
fn help_lists_the_commands_of_this_build() {
    let out = sidecar(&["--help"], &[]).output().expect("run");
    let help = String::from_utf8_lossy(&out.stdout);
    let listed = |command: &str| {
        help.lines()
            .any(|l| l.trim_start().starts_with(&format!("{command} ")))
    };
    for command in ["serve", "check", "probe"] {
        assert!(listed(command), "{command} in:\n{help}");
    }
    // The production build (--no-default-features) carries none of the emulator.
    for command in ["emulator", "dev", "keygen"] {
        assert_eq!(
            listed(command),
            cfg!(feature = "emulator"),
            "{command} in:\n{help}"
        );
    }
}

#[test]
fn help_never_shows_secret_env_values() {
    let out = sidecar(
        &["serve", "--help"],
        &[
            ("ANTOM_API_KEY", "isak_TEST_secret"),
            ("ANTOM_MERCHANT_PRIVATE_KEY", "MIIsecret"),
        ],
    )
    .output()
    .expect("run");
    let help = String::from_utf8_lossy(&out.stdout);
    assert!(
        help.contains("ANTOM_API_KEY") && help.contains("ANTOM_MERCHANT_PRIVATE_KEY_FILE"),
        "{help}"
    );
    assert!(
        !help.contains("isak_TEST_secret") && !help.contains("MIIsecret"),
        "{help}"
    );
}

#[test]
fn an_empty_file_setting_joins_the_report() {
    let out = sidecar(
        &["serve"],
        &[
            ("ANTOM_PUBLIC_KEY_FILE", ""),
            ("ANTOM_CA_FILE", ""),
            ("SIDECAR_MAX_CONCURRENT_CALLS", "0"),
        ],
    )
    .output()
    .expect("run");
    refused(
        &out,
        &[
            "ANTOM_PUBLIC_KEY_FILE is set but empty",
            "ANTOM_CA_FILE is set but empty",
            "SIDECAR_MAX_CONCURRENT_CALLS must be a whole number from 1 to 1000000",
            "ANTOM_CLIENT_ID is required",
            "no credentials",
        ],
    );
}

/// The path `serve` chose, from its start-up line.
fn chosen_path(env: &[(&str, &str)]) -> String {
    let pem = keys().pairs.merchant.private_pem();
    let antom = keys().pairs.antom.public_pem();
    let mut all = vec![
        ("ANTOM_ENDPOINT", "http://127.0.0.1:9"),
        ("ANTOM_PUBLIC_KEY", antom.as_str()),
        ("SIDECAR_LISTEN", "127.0.0.1:0"),
        ("RUST_LOG", "info"),
    ];
    if !env.iter().any(|(k, _)| *k == "ANTOM_API_KEY") {
        all.push(("ANTOM_MERCHANT_PRIVATE_KEY", pem.as_str()));
    }
    all.extend_from_slice(env);
    let started = start_serve(&all).expect("serving");
    address_after(&started.ready, "endpoint=http://127.0.0.1:9")
}

#[tokio::test]
async fn the_sandbox_path_is_chosen_as_antoms_sdks_choose_it_unless_set() {
    let sandbox = "/ams/sandbox/api/v1/risk/payments/sendPaymentResult";
    let live = "/ams/api/v1/risk/payments/sendPaymentResult";
    for (env, expected) in [
        (
            vec![("ANTOM_CLIENT_ID", "SANDBOX_5YEZ2N2ZKX1Y04567")],
            sandbox,
        ),
        (vec![("ANTOM_CLIENT_ID", "2188120000000001")], live),
        (
            vec![
                ("ANTOM_CLIENT_ID", "SANDBOX_5YEZ2N2ZKX1Y04567"),
                ("ANTOM_SANDBOX", "false"),
            ],
            live,
        ),
        (
            vec![
                ("ANTOM_CLIENT_ID", "2188120000000001"),
                ("ANTOM_SANDBOX", "true"),
            ],
            sandbox,
        ),
        (
            vec![
                ("ANTOM_CLIENT_ID", "2188120000000001"),
                ("ANTOM_API_KEY", "isak_TEST_k1"),
            ],
            sandbox,
        ),
    ] {
        assert_eq!(chosen_path(&env), expected, "{env:?}");
    }
}

#[tokio::test]
async fn localhost_is_a_listen_address_and_the_probe_finds_it_there() {
    let pem = keys().pairs.merchant.private_pem();
    let antom = keys().pairs.antom.public_pem();
    let started = start_serve(&[
        ("ANTOM_CLIENT_ID", "SANDBOX_LOCALHOST"),
        ("ANTOM_ENDPOINT", "http://127.0.0.1:9"),
        ("ANTOM_MERCHANT_PRIVATE_KEY", pem.as_str()),
        ("ANTOM_PUBLIC_KEY", antom.as_str()),
        ("SIDECAR_LISTEN", "localhost:0"),
    ])
    .expect("serving on localhost:0");
    let addr = started.addr();
    let port = addr
        .strip_prefix("127.0.0.1:")
        .expect("loopback's IPv4 address");
    let probe = sidecar(&["probe", "--addr", &format!("localhost:{port}")], &[])
        .output()
        .expect("probe");
    assert!(probe.status.success(), "{}", stderr(&probe));
    let refused = sidecar(&["probe", "--addr", "localhost:http"], &[])
        .output()
        .expect("probe");
    assert!(
        stderr(&refused).contains("the port must be a number"),
        "{}",
        stderr(&refused)
    );
    terminate(started.running).await;
}

#[tokio::test]
async fn a_private_key_file_others_can_read_gives_a_warning() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().expect("tempdir");
    let antom = keys().pairs.antom.public_pem();
    for (mode, warned) in [(0o644, true), (0o600, false), (0o400, false)] {
        let key = write(
            dir.path(),
            &format!("key-{mode:o}.pem"),
            &keys().pairs.merchant.private_pem(),
        );
        std::fs::set_permissions(&key, std::fs::Permissions::from_mode(mode)).expect("chmod");
        let env = [
            ("ANTOM_CLIENT_ID", "SANDBOX_PERMS"),
            ("ANTOM_ENDPOINT", "http://127.0.0.1:9"),
            ("ANTOM_PUBLIC_KEY", antom.as_str()),
            ("ANTOM_MERCHANT_PRIVATE_KEY_FILE", key.as_str()),
            ("SIDECAR_LISTEN", "127.0.0.1:0"),
            ("RUST_LOG", "info"),
        ];
        let before = start_serve(&env).expect("serving").earlier;
        let warning = before.iter().find(|l| l.contains("WARN"));
        assert_eq!(warning.is_some(), warned, "{mode:o}: {before:?}");
        if let Some(warning) = warning {
            assert!(
                warning.contains("ANTOM_MERCHANT_PRIVATE_KEY_FILE"),
                "{warning}"
            );
            assert!(
                warning.contains(&key) && warning.contains("every user"),
                "{warning}"
            );
        }
    }
}

#[test]
fn an_api_key_of_another_shape_is_refused_and_not_echoed() {
    let env = [
        ("ANTOM_CLIENT_ID", "2188120000000001"),
        ("ANTOM_REGION", "sea"),
        ("ANTOM_API_KEY", "sk_live_51HxQ"),
    ];
    let out = sidecar(&["serve"], &env).output().expect("run");
    let err = refused(
        &out,
        &["ANTOM_API_KEY is not an Antom API key", "isak_TEST_"],
    );
    assert!(!err.contains("sk_live_51HxQ"), "{err}");
    // No ANTOM_PUBLIC_KEY is asked for with an API key, as in Antom's SDK.
    assert!(!err.contains("ANTOM_PUBLIC_KEY"), "{err}");
}

/// `emulator` and `dev` as child processes (the `emulator` feature).
#[cfg(feature = "emulator")]
mod emulator_and_dev {
    use std::process::{Command, Stdio};

    use antom_sidecar::pb::risk_service_client::RiskServiceClient;

    use super::*;

    #[tokio::test]
    async fn emulator_keys_dir_and_serve_work_together_over_https() {
        let dir = tempfile::tempdir().expect("tempdir");
        let keys_dir = dir.path().join("keys");
        let keys_dir = keys_dir.to_str().expect("utf-8");
        let mut emulator = sidecar(
            &[
                "emulator",
                "--listen",
                "127.0.0.1:0",
                "--keys-dir",
                keys_dir,
                "--tls",
            ],
            &[],
        )
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("emulator");
        let line = wait_for_line(emulator.stdout.take().expect("stdout"), "Antom emulator on");
        let emulator = Running(Some(emulator));
        let emulator_url = format!("https://{}", address_after(&line, "https://"));
        for f in [
            "merchant_private_key.pem",
            "merchant_public_key.pem",
            "antom_private_key.pem",
            "antom_public_key.pem",
        ] {
            assert!(Path::new(keys_dir).join(f).exists(), "{f}");
        }

        let env = [
            ("ANTOM_CLIENT_ID", "SANDBOX_CLI"),
            ("ANTOM_ENDPOINT", emulator_url.as_str()),
            ("ANTOM_CA_FILE", &format!("{keys_dir}/emulator_ca.pem")),
            (
                "ANTOM_MERCHANT_PRIVATE_KEY_FILE",
                &format!("{keys_dir}/merchant_private_key.pem"),
            ),
            (
                "ANTOM_PUBLIC_KEY_FILE",
                &format!("{keys_dir}/antom_public_key.pem"),
            ),
            ("SIDECAR_LISTEN", "127.0.0.1:0"),
            ("RUST_LOG", "info"),
        ];
        let started = start_serve(&env).expect("serving");
        let addr = started.addr();
        let serve = started.running;
        let mut client = RiskServiceClient::connect(format!("http://{addr}"))
            .await
            .expect("connect");
        let response = client
            .send_payment_result(request("tx-cli"))
            .await
            .expect("OK")
            .into_inner();
        assert_eq!(response.result_code, "SUCCESS");

        // The exec probe for Kubernetes: SERVING is exit 0; nobody listening is exit 1.
        let probe = |addr: &str| {
            sidecar(&["probe"], &[("SIDECAR_LISTEN", addr)])
                .output()
                .expect("probe")
        };
        let ok = probe(&addr);
        assert!(ok.status.success(), "{}", stderr(&ok));
        let closed = std::net::TcpListener::bind("127.0.0.1:0")
            .expect("bind")
            .local_addr()
            .expect("addr");
        let refused = probe(&closed.to_string());
        assert_eq!(refused.status.code(), Some(1));
        assert!(
            stderr(&refused).contains("cannot connect"),
            "{}",
            stderr(&refused)
        );
        terminate(serve).await;
        terminate(emulator).await;
    }

    /// Starts `dev` and returns it with its banner line ("... gRPC on ADDR, ...").
    fn start_dev(mut command: Command) -> (Running, String) {
        let mut dev = command
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("dev");
        let line = wait_for_line(dev.stdout.take().expect("stdout"), "gRPC on");
        (Running(Some(dev)), line)
    }

    #[tokio::test]
    async fn dev_mode_needs_no_credentials() {
        let (dev, line) = start_dev(sidecar(&["dev", "--listen", "127.0.0.1:0"], &[]));
        let addr = address_after(&line, "gRPC on ");
        let mut client = RiskServiceClient::connect(format!("http://{addr}"))
            .await
            .expect("connect");
        let response = client
            .send_payment_result(request("tx-dev"))
            .await
            .expect("OK")
            .into_inner();
        assert_eq!(response.result_code, "SUCCESS");
        let err = client
            .send_payment_result(request("emu-code-SYSTEM_ERROR-1"))
            .await
            .expect_err("fault");
        assert_eq!(err.code(), tonic::Code::Internal);

        // The banner's curl line: what the emulator accepted, over plain HTTP.
        let received = format!(
            "http://{}/__emulator/received",
            address_after(&line, "http://")
        );
        let text = reqwest::get(&received)
            .await
            .expect("GET")
            .text()
            .await
            .expect("body");
        let accepted: serde_json::Value = serde_json::from_str(&text).expect("JSON");
        assert_eq!(
            accepted[0]["body"]["referenceTransactionId"], "tx-dev",
            "{text}"
        );
        assert_eq!(
            accepted.as_array().map(Vec::len),
            Some(1),
            "faults are not accepted: {text}"
        );
        terminate(dev).await;
    }

    /// `dev` under a descriptor limit of 256 (soft and hard), as a shell's `ulimit -n` sets it.
    fn dev_with_fd_limit_256() -> Command {
        let mut cmd = Command::new("sh");
        cmd.env_clear().env("PATH", "/usr/bin:/bin").args([
            "-c",
            "ulimit -n 256 && exec \"$0\" dev --listen 127.0.0.1:0",
            BIN,
        ]);
        cmd
    }

    #[tokio::test]
    async fn idle_connections_cannot_starve_health_checks_of_descriptors() {
        let (dev, line) = start_dev(dev_with_fd_limit_256());
        let addr = address_after(&line, "gRPC on ");
        // More idle connections than the sidecar has descriptors; none sends a byte.
        let mut idle = Vec::new();
        for _ in 0..300 {
            idle.push(
                tokio::net::TcpStream::connect(&addr)
                    .await
                    .expect("the kernel accepts into the backlog"),
            );
        }
        let check = async {
            let channel = tonic::transport::Channel::from_shared(format!("http://{addr}"))
                .expect("uri")
                .connect()
                .await
                .expect("connect despite the idle ones");
            let status = tonic_health::pb::health_client::HealthClient::new(channel.clone())
                .check(tonic_health::pb::HealthCheckRequest::default())
                .await
                .expect("health answers")
                .into_inner()
                .status();
            let response = RiskServiceClient::new(channel)
                .send_payment_result(request("tx-under-pressure"))
                .await
                .expect("a call goes through");
            (status, response.into_inner().result_code)
        };
        let (status, code) = tokio::time::timeout(std::time::Duration::from_secs(10), check)
            .await
            .expect("answered within 10 s");
        assert_eq!(
            status,
            tonic_health::pb::health_check_response::ServingStatus::Serving
        );
        assert_eq!(code, "SUCCESS");
        drop(idle);
        terminate(dev).await;
    }
}
