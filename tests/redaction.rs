//! Redaction, proven: full calls at `RUST_LOG=trace`, in both log formats, leave in the
//! process's output (stdout and stderr, read as one stream) no key material, no request
//! or response signature, no API key, none of the card values `cavv`,
//! `authorizationCode`, `eci`, `cvvResult` and `errorMessage` (SendPaymentResult's, and
//! Decide's own), and none of Decide's card number, expiry, CPF and passenger's document
//! number. `serve` calls an emulator over HTTPS (HTTP/2, as Antom), given the merchant's
//! key as PEM or bare Base64, by env var or flag, or an API key; `dev` runs the emulator
//! in the same process (plain HTTP/1.1) with keys nobody else knows. Known secrets are
//! searched verbatim (a two-digit expiry as its field's value); anything else key- or
//! signature-like is caught as a run of 64 or more Base64 or URL-encoded characters (key
//! lines are 64, RSA-2048 signatures 344). Controls show that the searched values are the
//! ones that really travelled, and that the search finds them where they are.

#![cfg(feature = "emulator")]

mod common;

use std::{
    sync::mpsc::Receiver,
    time::{Duration, SystemTime},
};

use antom_sidecar::{
    antom::{Api, Decide, PAYMENT_RESULT_PATH, ResultStatus},
    emulator::{Emulator, TlsIdentity, iso8601_utc},
    pb::{self, risk_service_client::RiskServiceClient},
    signing::content_to_sign,
};
use common::*;
use serde_json::{Value, json};

/// Card values, each distinctive: (wire name, value).
const CARD: [(&str, &str); 5] = [
    ("cavv", "CAVV-r3dact-Q7x"),
    ("authorizationCode", "AUTHZ-r3dact-Q7x"),
    ("eci", "E-r3dQ7"),
    ("cvvResult", "CVV-r3dQ7x"),
    ("errorMessage", "ERRMSG r3dact Q7x"),
];
/// Decide's card and identity values, each distinctive and none a part of another or of
/// [`CARD`]'s, so that each control proves its own call: (wire name, value).
const DECIDE_CARD: [(&str, &str); 7] = [
    ("cardNo", "4929137051823307"),
    ("cpf", "39053344705"),
    ("passengerId", "PASSPORT-r3dact-K4z"),
    ("cavv", "CAVV-d3cide-K4z"),
    ("authorizationCode", "AUTHZ-d3cide-K4z"),
    ("eci", "E-d3cK4"),
    ("cvvResult", "CVV-d3cK4z"),
];
/// Decide's expiry: two digits each, too short to search for alone, so searched as the
/// value of its field (wire or Rust spelling, past quotes, escapes, `:`, `=`, `Some(`):
/// (the field's names, value).
const EXPIRY: [([&str; 2], &str); 2] = [
    (["expiryYear", "expiry_year"], "37"),
    (["expiryMonth", "expiry_month"], "11"),
];
/// What [`emulator_config`] accepts as `Authorization: Bearer`.
const API_KEY: &str = "isak_TEST_emulator";

/// What must not be printed: (what it is, its value).
type Secrets = Vec<(String, String)>;

fn card_request(id: &str) -> pb::SendPaymentResultRequest {
    pb::SendPaymentResultRequest {
        payment_status: pb::PaymentStatus::Fail.into(),
        authorization_error: Some(pb::AuthorizationError {
            error_code: "DO_NOT_HONOR".into(),
            error_message: CARD[4].1.into(),
        }),
        card_verification_result: Some(pb::CardVerificationResult {
            cvv_result: CARD[3].1.into(),
            authorization_code: CARD[1].1.into(),
            three_ds_result: Some(pb::ThreeDsResult {
                eci: CARD[2].1.into(),
                cavv: CARD[0].1.into(),
                ..Default::default()
            }),
            ..Default::default()
        }),
        ..request(id)
    }
}

/// Decide with every card value and a passenger's document number set.
fn decide_request(id: &str) -> pb::DecideRequest {
    let value = |i: usize| DECIDE_CARD[i].1.to_string();
    let passenger = pb::Passenger {
        passenger_id: value(2),
        passenger_id_type: pb::PassengerIdType::Passport.into(),
        ..Default::default()
    };
    let card = pb::PaymentMethodMetaData {
        card_no: value(0),
        last_four_digits: "3307".into(),
        expiry_year: EXPIRY[0].1.into(),
        expiry_month: EXPIRY[1].1.into(),
        cpf: value(1),
        card_verification_result: Some(pb::CardVerificationResult {
            cvv_result: value(6),
            authorization_code: value(4),
            three_ds_result: Some(pb::ThreeDsResult {
                eci: value(5),
                cavv: value(3),
                ..Default::default()
            }),
            ..Default::default()
        }),
        ..Default::default()
    };
    pb::DecideRequest {
        reference_transaction_id: id.into(),
        authorization_phase: pb::AuthorizationPhase::PostAuthorization.into(),
        orders: vec![pb::Order {
            transit: Some(pb::Transit {
                passengers: vec![passenger],
                ..Default::default()
            }),
            ..Default::default()
        }],
        buyer: Some(pb::Buyer::default()),
        actual_payment_amount: Some(pb::Amount {
            currency: "USD".into(),
            value: 1000,
        }),
        payment_details: vec![pb::PaymentDetail {
            payment_method: Some(pb::PaymentMethod {
                payment_method_type: "CARD".into(),
                payment_method_meta_data: Some(card),
                ..Default::default()
            }),
            ..Default::default()
        }],
        ..Default::default()
    }
}

/// Whether `output` shows `value` as the value of a field named one of `names`.
fn shows_as(output: &str, names: &[&str], value: &str) -> bool {
    let after_name = |rest: &str| {
        let rest = rest.trim_start_matches(['"', '\\', ':', '=', ' ']);
        let rest = rest.strip_prefix("Some(").unwrap_or(rest);
        rest.trim_start_matches(['"', '\\']).starts_with(value)
    };
    (names.iter()).any(|name| {
        (output.match_indices(name)).any(|(i, _)| after_name(&output[i + name.len()..]))
    })
}

/// What `output` gives away: known secrets found verbatim (named, never shown), Decide's
/// [`EXPIRY`] as its fields' values, and runs of 64+ Base64/URL-encoded characters (by
/// line and length).
fn leaks(output: &str, secrets: &Secrets) -> Vec<String> {
    let verbatim = secrets.iter().filter(|(_, v)| output.contains(v.as_str()));
    let mut found: Vec<String> = verbatim.map(|(what, _)| what.clone()).collect();
    found.dedup();
    let expiry = EXPIRY
        .iter()
        .filter(|(names, v)| shows_as(output, names, v));
    found.extend(expiry.map(|([name, _], _)| format!("decide's {name}")));
    let base64ish = |c: char| c.is_ascii_alphanumeric() || "+/=%".contains(c);
    for (n, line) in output.lines().enumerate() {
        for run in line.split(|c| !base64ish(c)).filter(|r| r.len() >= 64) {
            found.push(format!("line {}: {} Base64 characters", n + 1, run.len()));
        }
    }
    found
}

/// The binary, its stdout and stderr on one pipe as a log collector reads them, and every
/// line read so far.
struct Process(Running, Receiver<String>, Vec<String>);

impl Process {
    /// Starts it and reads up to the line holding `marker`, which it returns. A process
    /// that ends first fails the test, naming the `secrets` it printed.
    fn start(
        args: &[&str],
        env: &[(&str, &str)],
        marker: &str,
        secrets: &Secrets,
    ) -> (Self, String) {
        let (reader, writer) = std::io::pipe().expect("pipe");
        let child = sidecar(args, env)
            .stdout(writer.try_clone().expect("pipe"))
            .stderr(writer)
            .spawn()
            .expect("spawn");
        // The command, and with it our copies of the writing end, is gone: EOF comes
        // when the child exits.
        let (running, lines, mut log) = (Running(Some(child)), read_lines(reader), vec![]);
        loop {
            match lines.recv_timeout(Duration::from_secs(30)) {
                Ok(line) if line.contains(marker) => {
                    log.push(line.clone());
                    return (Self(running, lines, log), line);
                }
                Ok(line) => log.push(line),
                Err(e) => panic!(
                    "no {marker:?} ({e}); printed {:#?}",
                    leaks(&log.join("\n"), secrets)
                ),
            }
        }
    }

    /// Stops it with SIGTERM; everything it printed.
    async fn stop(self) -> String {
        let Self(running, lines, mut log) = self;
        terminate(running).await;
        log.extend(lines.iter());
        log.join("\n")
    }
}

/// The ID of the Decide sent along with payment result `id` (neither contains the other).
fn decide_id(id: &str) -> String {
    id.replacen("tx-", "tx-decide-", 1)
}

/// Two calls with every card field set, a payment result `id` and a Decide
/// ([`decide_id`]), both answered SUCCESS; the seconds they spanned.
async fn call(addr: &str, id: &str) -> std::ops::RangeInclusive<u64> {
    let now = || SystemTime::UNIX_EPOCH.elapsed().map_or(0, |d| d.as_secs());
    let started = now();
    let mut client = RiskServiceClient::connect(format!("http://{addr}"))
        .await
        .expect("connect");
    let response = client
        .send_payment_result(card_request(id))
        .await
        .expect(id);
    assert_eq!(response.into_inner().result_code, "SUCCESS");
    let decide_id = decide_id(id);
    let response = (client.decide(decide_request(&decide_id)).await).expect(&decide_id);
    assert_eq!(response.into_inner().decision(), pb::Decision::Accept);
    started..=now()
}

/// `output` is a trace-level log of both calls of `id`, and gives nothing away.
fn assert_clean(run: &str, id: &str, output: &str, secrets: &Secrets) {
    for id in [id.to_string(), decide_id(id)] {
        assert!(
            output.contains("TRACE") && output.contains(&id),
            "{run}: no {id}"
        );
    }
    let found = leaks(output, secrets);
    assert!(found.is_empty(), "{run} printed {found:#?}");
}

/// The secrets that travelled (card values of both calls, request signatures), with the
/// control that they are real: the emulator's record of what it received holds each, and
/// the search finds each there, verbatim (Decide's [`EXPIRY`] as its fields' values)
/// and, for a signature, as a Base64 run.
fn sent(requests: &[Value], received: &[Value]) -> Secrets {
    assert_eq!(requests.len(), 2, "both requests reached the emulator");
    let card = CARD.map(|(n, v)| (format!("card {n}"), v.to_string()));
    let decide = DECIDE_CARD.map(|(n, v)| (format!("decide's {n}"), v.to_string()));
    let mut secrets: Secrets = card.into_iter().chain(decide).collect();
    let values = secrets.len();
    for request in requests {
        let signature = request["signature"].as_str();
        if let Some((_, signature)) = signature.and_then(|s| s.split_once("signature=")) {
            let id = &request["referenceTransactionId"];
            secrets.push((format!("the signature of {id}"), signature.into()));
        }
    }
    let found = leaks(
        &format!("{} {}", Value::from(requests), Value::from(received)),
        &secrets,
    );
    let signatures = secrets.len() - values;
    let expiry = EXPIRY.map(|([name, _], _)| format!("decide's {name}"));
    let all = (secrets.iter().map(|(what, _)| what).chain(&expiry)).all(|w| found.contains(w));
    assert!(
        all && found.len() == secrets.len() + expiry.len() + signatures,
        "control: {found:?}"
    );
    secrets
}

/// One call through `serve`, credentials given as `auth` says.
async fn serve(format: &str, auth: &str) {
    let tls = TlsIdentity::generate().expect("TLS identity");
    let emulator = Emulator::new(emulator_config()).with_tls(&tls);
    let emulator = emulator
        .spawn(([127, 0, 0, 1], 0).into())
        .await
        .expect("emulator");
    let dir = tempfile::tempdir().expect("tempdir");
    let ca = dir.path().join("ca.pem");
    std::fs::write(&ca, &tls.ca_pem).expect("CA file");
    let pem = keys().pairs.merchant.private_pem();
    let key_lines: Vec<&str> = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    let bare = key_lines.concat();
    let line = |l: &&str| ("a line of the merchant's PEM key".into(), (*l).into());
    let mut secrets: Secrets = key_lines
        .iter()
        .filter(|l| l.len() >= 16)
        .map(line)
        .collect();
    secrets.push(("the merchant's key as bare Base64".into(), bare.clone()));
    secrets.push(("the API key".into(), API_KEY.into()));
    let runs = leaks(&pem, &Secrets::new()).len();
    assert!(
        runs >= key_lines.len() - 1,
        "control: the key's lines are Base64 runs"
    );

    let (endpoint, antom_public) = (emulator.base_url(), keys().pairs.antom.public_pem());
    let mut env = vec![
        ("RUST_LOG", "trace"),
        ("ANTOM_CLIENT_ID", CLIENT_ID),
        ("ANTOM_ENDPOINT", endpoint.as_str()),
        ("ANTOM_CA_FILE", ca.to_str().expect("UTF-8")),
        ("ANTOM_PUBLIC_KEY", antom_public.as_str()),
        ("SIDECAR_LISTEN", "127.0.0.1:0"),
    ];
    let mut args = vec!["--log-format", format, "serve"];
    match auth {
        "PEM key in env" => env.push(("ANTOM_MERCHANT_PRIVATE_KEY", pem.as_str())),
        "PEM key as flag" => args.extend(["--merchant-private-key", pem.as_str()]),
        "Base64 key in env" => env.push(("ANTOM_MERCHANT_PRIVATE_KEY", bare.as_str())),
        _ => env.push(("ANTOM_API_KEY", API_KEY)),
    }
    let run = format!("serve, {format} log, {auth}");
    let (process, line) = Process::start(&args, &env, "antom-sidecar serving", &secrets);
    // `listen=ADDR endpoint=...` or `"listen":"ADDR","endpoint":...`: the first loopback address.
    let addr = line
        .split(['=', '"', ' '])
        .find(|w| w.starts_with("127.0.0.1:"))
        .expect("address");
    let id = format!("tx-redaction-{format}-{}", auth.replace(' ', "-"));
    let seconds = call(addr, &id).await;
    let output = process.stop().await;

    secrets.extend(sent(&emulator.requests(), &emulator.received()));
    // The responses' signatures: PKCS#1 v1.5 is deterministic, so each is recomputed with
    // Antom's key for each second the calls spanned (Response-Time has whole seconds).
    // (Checked by hand: with the response's headers logged, this search finds
    // SendPaymentResult's; Decide's equals the emulator's Signature header.)
    let status = ResultStatus::Success.as_str();
    let result =
        json!({"resultCode": "SUCCESS", "resultStatus": status, "resultMessage": "success"});
    let answers = [
        (PAYMENT_RESULT_PATH, json!({ "result": result }).to_string()),
        (
            Decide::SPEC.path,
            format!(r#"{{"result":{result},"decision":"ACCEPT"}}"#),
        ),
    ];
    for (path, answer) in answers {
        for t in seconds.clone() {
            let t = iso8601_utc(SystemTime::UNIX_EPOCH + Duration::from_secs(t));
            let signed = content_to_sign("POST", path, CLIENT_ID, &t, answer.as_bytes());
            let signature = keys().pairs.antom.signing_key().sign(&signed).0;
            secrets.push((format!("the signature of the answer to {path}"), signature));
        }
    }
    assert_clean(&run, &id, &output, &secrets);
}

#[tokio::test]
async fn serve_signing_with_a_pem_or_bare_base64_key_or_with_an_api_key_prints_no_secret() {
    for format in ["text", "json"] {
        for auth in ["PEM key in env", "Base64 key in env", "API key"] {
            serve(format, auth).await;
        }
    }
}

/// Fails before the sidecar starts until `--merchant-private-key` takes a value that
/// begins with `-----BEGIN`: clap's "unexpected argument" error quotes the whole key.
#[tokio::test]
async fn serve_given_the_key_as_a_flag_prints_no_secret() {
    for format in ["text", "json"] {
        serve(format, "PEM key as flag").await;
    }
}

#[tokio::test]
async fn dev_mode_prints_no_secret_of_either_side() {
    for format in ["text", "json"] {
        let args = ["--log-format", format, "dev", "--listen", "127.0.0.1:0"];
        let env = [("RUST_LOG", "trace")];
        let (process, line) = Process::start(&args, &env, "gRPC on", &Secrets::new());
        let id = format!("tx-redaction-dev-{format}");
        call(&address_after(&line, "gRPC on "), &id).await;
        let emulator = address_after(&line, "http://");
        let get = async |path: &str| {
            let response = reqwest::get(format!("http://{emulator}{path}"))
                .await
                .expect(path);
            serde_json::from_str::<Vec<Value>>(&response.text().await.expect(path)).expect(path)
        };
        let secrets = sent(
            &get("/__emulator/requests").await,
            &get("/__emulator/received").await,
        );
        // Both key pairs and the response's signature are the process's own: the generic
        // search stands for them.
        let output = process.stop().await;
        assert_clean(&format!("dev {format}"), &id, &output, &secrets);
    }
}
