//! `antom-sidecar check`: validates the configuration and keys exactly as `serve` would,
//! prints what it found (never key material), and with `--call` makes one real call.

mod report;

use std::io::Write;

use super::{CommandError, serve};
use crate::{
    antom::{AntomClient, AntomError, AntomResult, Auth},
    call::Call,
    config::{Config, ConfigErrors, ListenAddr, ListenerTls},
    payment::PaymentResult,
    pb,
    server::raise_fd_limit,
};
use report::{Row, report, verification};

/// `check` flags: `serve`'s, read from the same flags and environment, and `--call`.
#[derive(clap::Args, Debug)]
// Not `Args`: the name of the group that `serve`'s flags form in here.
#[group(id = "check_args")]
pub struct Args {
    #[command(flatten)]
    serve: serve::Args,
    /// After a clean check, send one real signed SendPaymentResult (paymentStatus
    /// SUCCESS, paymentMethodProvider VISA) with this referenceTransactionId, and report
    /// Antom's verified answer. Antom takes it as a real payment result: use a test ID.
    #[arg(long, env = "CHECK_CALL", value_name = "REFERENCE_ID")]
    call: Option<String>,
}

/// Checks `args` as `serve` does (nothing listens) and prints the report; `Err` lists
/// every problem, or says why the call did not end in a verified SUCCESS.
pub async fn run(args: Args) -> Result<(), CommandError> {
    let mut problems = Vec::new();
    let payment = match args.call.as_deref().map(payment).transpose() {
        Ok(payment) => payment,
        Err(problem) => {
            problems.push(problem);
            None
        }
    };
    let sandbox = args.serve.sandbox.clone();
    let config = match Config::from_args(args.serve, raise_fd_limit()) {
        Ok(config) => config,
        Err(ConfigErrors(found)) => {
            problems.extend(found);
            return Err(ConfigErrors(problems).into());
        }
    };
    let settings = config.settings;
    let mut rows = report(&settings, &config.keys, &sandbox).unwrap_or_else(|e| {
        problems.push(e.to_string());
        Vec::new()
    });
    rows.push(("listener", listener(&config.listen, config.tls.as_ref())));
    let expect = Expect {
        url: settings.endpoint().to_string(),
        verification: verification(&settings),
        merchant: match settings.auth() {
            Auth::Signature { key, key_version } => {
                Some((key.fingerprint().to_owned(), key_version.clone()))
            }
            Auth::ApiKey(_) => None,
        },
    };
    // As `serve` builds it: a CA file without a certificate is refused here.
    let client = AntomClient::new(settings).map_err(|e| problems.push(e.to_string()));
    print(&rows);
    let (Ok(client), true) = (client, problems.is_empty()) else {
        return Err(ConfigErrors(problems).into());
    };
    print(&[("configuration", "no problems found".into())]);
    match payment {
        Some(payment) => call(&client, &payment, &expect).await,
        None => Ok(()),
    }
}

/// What the report of a call needs from the settings, which the client consumed.
struct Expect {
    url: String,
    /// What a SUCCESS's signature proves in this auth mode.
    verification: &'static str,
    /// The merchant key's fingerprint and version (none with an API key), for hints.
    merchant: Option<(String, String)>,
}

/// Sends `payment` once (with the configured retries) and reports Antom's answer.
async fn call(
    client: &AntomClient,
    payment: &PaymentResult,
    expect: &Expect,
) -> Result<(), CommandError> {
    let (id, url) = (&payment.reference_transaction_id, &expect.url);
    let what = format!("SendPaymentResult, reference ID {id}, to {url}");
    print(&[("call", what)]);
    match client.send_payment_result(payment, &Call::detached()).await {
        Ok(answer) => {
            print(&[
                ("answer", answer_text(&answer)),
                ("signature", expect.verification.into()),
            ]);
            Ok(())
        }
        Err(AntomError::Rejected(answer)) => {
            print(&[("answer", answer_text(&answer))]);
            let hint = hint(&answer.result_code, expect.merchant.as_ref());
            Err(format!("Antom refused the call: {}{hint}", answer_text(&answer)).into())
        }
        Err(e) => {
            let reason = e.reason().map(|r| format!(" [{r}]")).unwrap_or_default();
            Err(format!("the call failed{reason}: {e}").into())
        }
    }
}

/// The call's body, checked by the rules of the gRPC edge (1 to 64 characters, no
/// control characters).
fn payment(reference: &str) -> Result<PaymentResult, String> {
    let request = pb::SendPaymentResultRequest {
        reference_transaction_id: reference.into(),
        payment_status: pb::PaymentStatus::Success.into(),
        payment_method_provider: "VISA".into(),
        ..Default::default()
    };
    PaymentResult::try_from(request).map_err(|e| {
        let why: Vec<_> = e.violations.into_iter().map(|v| v.description).collect();
        format!("--call (CHECK_CALL): the reference ID {}", why.join("; "))
    })
}

fn answer_text(answer: &AntomResult) -> String {
    format!(
        "{} ({}): {}",
        answer.result_code, answer.result_status, answer.result_message
    )
}

/// What to look at, for the refusals that point at the configuration.
fn hint(code: &str, merchant: Option<&(String, String)>) -> String {
    let hint = match (code, merchant) {
        ("SIGNATURE_INVALID", Some((fingerprint, version))) => format!(
            "Antom could not verify the request: the public key uploaded to Antom for this \
             client ID as version {version} must be the one with fingerprint {fingerprint}"
        ),
        ("KEY_NOT_FOUND", Some((_, version))) => format!(
            "Antom has no key of version {version} for this client ID: check \
             ANTOM_KEY_VERSION against the Antom Dashboard"
        ),
        ("ACCESS_DENIED" | "INVALID_CLIENT" | "MERCHANT_NOT_REGISTERED", _) => {
            "check ANTOM_CLIENT_ID and the credentials against the Antom Dashboard (test and \
             live mode each have their own)"
                .into()
        }
        _ => return String::new(),
    };
    format!("\n  {hint}")
}

/// Where `serve` would listen, and with which TLS.
fn listener(listen: &ListenAddr, tls: Option<&ListenerTls>) -> String {
    let tls = match tls {
        None => "plaintext".to_owned(),
        Some(tls) => {
            let clients = match &tls.files.client_ca {
                Some(ca) => format!("mTLS: clients need a certificate from {}", ca.display()),
                None => "no client certificates".to_owned(),
            };
            format!("TLS with {}, {clients}", tls.files.cert.display())
        }
    };
    format!("gRPC on {listen}, {tls}")
}

/// Rows to stdout; not `println!`, which panics when stdout is closed.
fn print(rows: &[Row]) {
    let mut out = std::io::stdout().lock();
    for (label, value) in rows {
        let _ = writeln!(out, "{label:<14} {value}");
    }
}
