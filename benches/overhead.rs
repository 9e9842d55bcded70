//! Observability overhead: what the Prometheus metrics and the access log together cost
//! in throughput, on the release binary run as separate processes.
//!
//! ```text
//! cargo bench --bench overhead              # 6 rounds of 3 s per configuration and concurrency: ~80 s
//! cargo bench --bench overhead -- --quick   # 2 rounds of 1 s: ~12 s
//! ```
//!
//! The binary is `$ANTOM_SIDECAR_BIN`, else Cargo's build of it. One `antom-sidecar
//! emulator` (fresh keys in a temporary directory, `RUST_LOG=warn`) serves two `serve`
//! children, each with only the environment set here:
//! - **ON**, the defaults: `RUST_LOG` unset (`info`: an access-log line per call, text
//!   format) and metrics recorded for the admin listener (on `127.0.0.1:0`);
//! - **OFF**: `SIDECAR_ADMIN_LISTEN=off` (nothing recorded) and `RUST_LOG=warn`, plus
//!   `antom_sidecar::commands::serve=info` for the start-up line that gives the address
//!   (a target directive: no callsite that runs per call is enabled by it).
//!
//! Each child's stdout and stderr go to a file in the temporary directory, as to a log
//! collector: ON pays for formatting and writing every line, and no thread here reads
//! them during the load. Both sidecars start up front and stay up, the idle one waiting
//! on its sockets: no start-up or cold connection falls in a round, and ON's `/metrics`
//! at the end covers every call sent to it.
//!
//! A tonic client makes `SendPaymentResult` calls (every field set, unique IDs) for a
//! fixed time per round, at concurrency 32 over 4 HTTP/2 connections, then 1 over one.
//! After a warm-up of each, rounds alternate ON, OFF, ON, OFF..., so that a noisy
//! neighbour weighs on both. Reported per configuration: calls/s of each round and their
//! median, p50/p99 latency over its rounds, the sidecar's CPU time per call (user +
//! system, `/proc/PID/stat`); then ON ÷ OFF of the medians, of each ON round and the OFF
//! round after it, and of CPU per call; and the cost in one line, in CPU per call and
//! in throughput (the median of the round pairs). CPU per call is the steadier figure on
//! a busy machine: a neighbour slows a round down, but barely changes what a call costs.
//!
//! Checks, any failing exits non-zero: every call answers SUCCESS; ON's
//! `grpc_server_handled_total{grpc_method="SendPaymentResult",grpc_code="OK"}` and its
//! access lines both equal the calls sent to it; OFF's log has no access line.

#[allow(dead_code)] // `full_request` and the process helpers are used here
mod common;

use std::{
    path::PathBuf,
    process::{Command, ExitCode},
    time::{Duration, Instant},
};

use antom_sidecar::pb::risk_service_client::RiskServiceClient;
use tokio::task::JoinSet;
use tonic::transport::Channel;

use common::process::{Error, Killed, median, percentile, start};

/// HTTP/2 connections to each sidecar; concurrency 1 uses the first.
const CONNECTIONS: usize = 4;
const CONCURRENCY: [usize; 2] = [32, 1];
/// Name, `SIDECAR_ADMIN_LISTEN` and `RUST_LOG` (unset: `info`) of each configuration.
const CONFIGS: [(&str, &str, Option<&str>); 2] = [
    ("ON", "127.0.0.1:0", None),
    (
        "OFF",
        "off",
        Some("warn,antom_sidecar::commands::serve=info"),
    ),
];
/// The access log's target, as the text format prints it.
const ACCESS: &str = " antom_sidecar::access: ";

/// A `serve` child, this client's connections to it, and what they measured.
struct Sidecar {
    name: &'static str,
    child: Killed,
    log: PathBuf,
    admin: String,
    clients: Vec<RiskServiceClient<Channel>>,
    /// Calls sent to it, warm-ups included.
    sent: u64,
    /// At the current concurrency: calls/s of each round, latencies, CPU ticks.
    rates: Vec<f64>,
    latencies: Vec<Duration>,
    ticks: u64,
}

fn main() -> ExitCode {
    run().unwrap_or_else(|e| {
        eprintln!("overhead: {e}");
        ExitCode::FAILURE
    })
}

fn run() -> Result<ExitCode, Error> {
    let mut quick = false;
    for arg in std::env::args().skip(1) {
        match arg.as_str() {
            "--quick" => quick = true,
            "--bench" => {} // from `cargo bench`
            other => return Err(format!("{other}? (the only option is --quick)").into()),
        }
    }
    let (rounds, round) = if quick { (2, 1.0) } else { (6, 3.0) };
    let bin = std::env::var_os("ANTOM_SIDECAR_BIN").map(PathBuf::from);
    let bin = bin.unwrap_or_else(|| env!("CARGO_BIN_EXE_antom-sidecar").into());
    let dir = tempfile::tempdir()?;
    let mut emulator = Command::new(&bin);
    emulator.env_clear().env("RUST_LOG", "warn").arg("emulator");
    emulator.args(["--listen", "127.0.0.1:0", "--keys-dir"]);
    emulator.arg(dir.path());
    let marker = "Antom emulator on ";
    let (_emulator, line) = start(&mut emulator, &dir.path().join("emulator.log"), marker)?;
    let endpoint = line.trim_start_matches(marker);
    println!("antom-sidecar observability overhead: metrics + access log (ON) vs neither (OFF)");
    let how = if quick { " -- --quick" } else { "" };
    println!("reproduce: cargo bench --bench overhead{how}");
    let (shown, round) = (bin.display(), Duration::from_secs_f64(round));
    println!("sidecar: {shown}, {rounds} rounds of {round:?} each");
    tokio::runtime::Runtime::new()?.block_on(async {
        let mut sidecars = Vec::new();
        for (name, admin, rust_log) in CONFIGS {
            let mut serve = Command::new(&bin);
            serve.env_clear().arg("serve");
            serve.env("ANTOM_ENDPOINT", endpoint);
            serve.env("ANTOM_CLIENT_ID", "SANDBOX_EMULATOR");
            let merchant_key = dir.path().join("merchant_private_key.pem");
            serve.env("ANTOM_MERCHANT_PRIVATE_KEY_FILE", merchant_key);
            let antom_key = dir.path().join("antom_public_key.pem");
            serve.env("ANTOM_PUBLIC_KEY_FILE", antom_key);
            serve.env("SIDECAR_LISTEN", "127.0.0.1:0");
            serve.env("SIDECAR_ADMIN_LISTEN", admin);
            serve.envs(rust_log.map(|filter| ("RUST_LOG", filter)));
            let log = dir.path().join(format!("{name}.log"));
            let (child, line) = start(&mut serve, &log, "antom-sidecar serving")?;
            let field = |key| common::process::field(&line, key);
            let (Some(listen), Some(admin)) = (field("listen"), field("admin")) else {
                return Err(format!("no listen= or admin= in {line:?}").into());
            };
            let mut clients = Vec::new();
            for _ in 0..CONNECTIONS {
                let channel = Channel::from_shared(format!("http://{listen}"))?;
                clients.push(RiskServiceClient::new(channel.connect().await?));
            }
            let (admin, sent, rates, latencies, ticks) = (admin.into(), 0, vec![], vec![], 0);
            let s = Sidecar {
                name,
                child,
                log,
                admin,
                clients,
                sent,
                rates,
                latencies,
                ticks,
            };
            sidecars.push(s);
        }
        for concurrency in CONCURRENCY {
            measure(&mut sidecars, concurrency, rounds, round).await?;
        }
        check(&sidecars).await
    })
}

/// The rounds at one `concurrency`, and their report.
async fn measure(
    sidecars: &mut [Sidecar],
    concurrency: usize,
    rounds: usize,
    round: Duration,
) -> Result<(), Error> {
    let conns = concurrency.min(CONNECTIONS);
    println!("\nconcurrency {concurrency} over {conns} HTTP/2 connection(s)");
    for s in sidecars.iter_mut() {
        load(s, concurrency, round.min(Duration::from_secs(1)), "warm").await?;
        (s.rates, s.latencies, s.ticks) = (vec![], vec![], 0);
    }
    for r in 0..rounds {
        for s in sidecars.iter_mut() {
            let ticks = s.child.cpu_ticks()?;
            let (calls, elapsed) = load(s, concurrency, round, &format!("r{r}")).await?;
            s.ticks += s.child.cpu_ticks()? - ticks;
            s.rates.push(calls as f64 / elapsed.as_secs_f64());
        }
    }
    println!("  config  median calls/s  p50 ms  p99 ms  CPU µs/call  calls/s per round");
    let mut cpu = vec![];
    for s in sidecars.iter_mut() {
        s.latencies.sort_unstable();
        let ms = |p| percentile(&s.latencies, p).as_secs_f64() * 1e3;
        let (p50, p99, median) = (ms(0.5), ms(0.99), median(&s.rates));
        // Ticks are 10 ms (USER_HZ 100).
        cpu.push(s.ticks as f64 * 1e4 / s.latencies.len() as f64);
        let rates: Vec<_> = s.rates.iter().map(|r| format!("{r:.0}")).collect();
        let (name, cpu, rates) = (s.name, cpu[cpu.len() - 1], rates.join(" "));
        println!("  {name:<6} {median:>15.1} {p50:>7.2} {p99:>7.2} {cpu:>12.0}  {rates}");
    }
    let (on, off) = (&sidecars[0].rates, &sidecars[1].rates);
    let ratio = median(on) / median(off);
    let pairs: Vec<f64> = on.iter().zip(off).map(|(on, off)| on / off).collect();
    let pair = |pick: fn(f64, f64) -> f64| pairs.iter().copied().reduce(pick).unwrap_or(f64::NAN);
    let (low, high, mid) = (pair(f64::min), pair(f64::max), median(&pairs));
    println!(
        "  ON/OFF calls/s: medians {ratio:.3}; round pairs {mid:.3} (median), {low:.3} to {high:.3}"
    );
    println!("  ON/OFF CPU per call: {:.3}", cpu[0] / cpu[1]);
    // CPU per call first: a neighbour slows a round down, but barely changes what a call
    // costs; throughput as the median of the round pairs, each pair run back to back.
    let (cpu_cost, cost) = ((cpu[0] / cpu[1] - 1.0) * 100.0, (1.0 - mid) * 100.0);
    println!(
        "  observability costs {cpu_cost:.1}% CPU per call, {cost:.1}% of throughput (round pairs) at concurrency {concurrency}"
    );
    Ok(())
}

/// Calls `s` from `concurrency` workers until `limit` has passed, keeping each call's
/// latency (all must answer SUCCESS); the calls and the time taken.
async fn load(
    s: &mut Sidecar,
    concurrency: usize,
    limit: Duration,
    tag: &str,
) -> Result<(usize, Duration), Error> {
    let start = Instant::now();
    let mut workers = JoinSet::new();
    for w in 0..concurrency {
        let mut client = s.clients[w % CONNECTIONS].clone();
        let prefix = format!("overhead-{}-c{concurrency}-{tag}-w{w}", s.name);
        workers.spawn(async move {
            let mut latencies = Vec::new();
            while start.elapsed() < limit {
                let (sent, id) = (Instant::now(), format!("{prefix}-{}", latencies.len()));
                let answer = client.send_payment_result(common::full_request(&id)).await;
                let answer =
                    answer.map_err(|e| format!("{id}: {:?}: {}", e.code(), e.message()))?;
                match answer.into_inner().result_code.as_str() {
                    "SUCCESS" => latencies.push(sent.elapsed()),
                    other => return Err(format!("{id}: result code {other}")),
                }
            }
            Ok(latencies)
        });
    }
    let mut calls = 0;
    while let Some(done) = workers.join_next().await {
        let latencies = done??;
        calls += latencies.len();
        s.latencies.extend(latencies);
    }
    s.sent += calls as u64;
    Ok((calls, start.elapsed()))
}

/// The honesty checks; the exit code.
async fn check(sidecars: &[Sidecar]) -> Result<ExitCode, Error> {
    tokio::time::sleep(Duration::from_millis(200)).await;
    let mut ok = true;
    println!();
    for s in sidecars {
        let log = std::fs::read_to_string(&s.log)?;
        let access = log.lines().filter(|l| l.contains(ACCESS)).count() as u64;
        let (counted, want) = if s.admin == "off" {
            ("no /metrics (off)".to_owned(), 0)
        } else {
            let text = reqwest::get(format!("http://{}/metrics", s.admin)).await?;
            let text = text.error_for_status()?.text().await?;
            let labels = ["grpc_method=\"SendPaymentResult\"", "grpc_code=\"OK\""];
            let handled = text
                .lines()
                .filter(|l| l.starts_with("grpc_server_handled_total{"));
            let handled = handled.filter(|l| labels.iter().all(|label| l.contains(label)));
            let handled = handled.filter_map(|l| l.rsplit(' ').next()?.parse::<f64>().ok());
            let handled = handled.sum::<f64>() as u64;
            ok &= handled == s.sent;
            (format!("{handled} OK in /metrics"), s.sent)
        };
        ok &= access == want;
        println!(
            "{}: {} calls sent, {counted}, {access} access lines",
            s.name, s.sent
        );
    }
    println!("checks: {}", if ok { "passed" } else { "FAILED" });
    Ok(if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
