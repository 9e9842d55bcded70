//! The sidecar measured as an operator sees it: `antom-sidecar emulator` and
//! `antom-sidecar serve` as separate processes of the release binary, each pinned to a
//! core, driven over HTTP/2 with gRPC framing by h2load.
//!
//! ```text
//! apt-get install nghttp2-client gnuplot-nox   # h2load and gnuplot; linux-perf for --profile
//! cargo bench --bench process                   # ~4 minutes
//! cargo bench --bench process -- --quick        # ~1 minute, fewer calls per step
//! cargo bench --bench process -- --profile      # and a perf profile of the sidecar
//! ```
//!
//! Cores: the sidecar alone on the second allowed CPU; h2load on the first; the emulator
//! on a third if there is one, else beside h2load. The sidecar runs with the defaults
//! (metrics recorded, an access-log line per call written to a file).
//!
//! In one run it reports:
//! - **the floor**: one RSA-2048 PKCS#1 v1.5 SHA-256 signature by the active backend,
//!   single thread, on the sidecar's core, before and after the load (this binary run
//!   again with `--floor`), and `openssl speed rsa2048` beside it;
//! - **start-up**: from spawning `serve` to its health check answering SERVING, and the
//!   RSS then;
//! - **the most calls/s on one sidecar core** (h2load unthrottled), and the sidecar's CPU
//!   per call there (user + system from `/proc/PID/stat`, over calls counted by its own
//!   `grpc_server_handled_total`) and its ratio to the floor, in 3 rounds (quick: 2),
//!   each after a floor of its own;
//! - **fixed rates** of 100, 500 and 1000 calls/s: p50, p90 and p99 from h2load's
//!   `--log-file`, and CPU per call;
//! - **a sweep** of offered rates up to past saturation, for the sidecar and for the same
//!   signed request sent straight to the emulator ("direct"), drawn by gnuplot as p50 and
//!   p99 against the offered rate (`--svg PATH`, default `benches/process-latency.svg`);
//! - peak RSS and the binary's size.
//!
//! The emulator signs each distinct answer once per second (its answers are alike), so
//! that it costs one RSA verification per call, not a signature, and is not the bottleneck.
//!
//! Checks, any failing exits non-zero: h2load saw only HTTP 200s; every call the sidecar
//! handled was gRPC OK (its `/metrics`); a direct call answers SUCCESS.

#[allow(dead_code)] // each benchmark uses part of `common`
#[path = "../common/mod.rs"]
mod common;
mod floor;
mod report;

use std::{
    path::{Path, PathBuf},
    process::{Command, ExitCode},
    time::{Duration, Instant, SystemTime},
};

use antom_sidecar::{
    antom::SANDBOX_PAYMENT_RESULT_PATH, keys::KeyPairs, payment::PaymentResult, signing,
};
use common::{
    h2load::{Load, Outcome},
    process::{Error, Killed, field, start},
};
use prost::Message;

const CLIENT_ID: &str = "SANDBOX_EMULATOR";
/// h2load's connections and streams per connection when unthrottled.
const MAX_CLIENTS: u64 = 4;
const MAX_STREAMS: u64 = 32;
const FIXED_RATES: [f64; 3] = [100.0, 500.0, 1000.0];

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().is_some_and(|a| a == "--floor") {
        return floor::child(&args[1..]);
    }
    match run(&args) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("process: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Options of a run.
struct Options {
    quick: bool,
    profile: bool,
    svg: PathBuf,
}

/// Where each process runs.
struct Cores {
    load: usize,
    emulator: usize,
    sidecar: usize,
}

fn run(args: &[String]) -> Result<bool, Error> {
    let mut options = Options {
        quick: false,
        profile: false,
        svg: Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/process-latency.svg"),
    };
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--quick" => options.quick = true,
            "--profile" => options.profile = true,
            "--svg" => options.svg = args.next().ok_or("--svg PATH")?.into(),
            "--bench" => {} // from `cargo bench`
            other => return Err(format!("{other}? (--quick, --profile, --svg PATH)").into()),
        }
    }
    let tools = ["h2load", "taskset", "gnuplot", "openssl"];
    for tool in tools.iter().chain(options.profile.then_some(&"perf")) {
        if Command::new("sh")
            .args(["-c", &format!("command -v {tool}")])
            .output()?
            .stdout
            .is_empty()
        {
            return Err(format!("{tool} not found: apt-get install nghttp2-client gnuplot-nox openssl util-linux linux-perf").into());
        }
    }
    let cores = cores()?;
    let bin = std::env::var_os("ANTOM_SIDECAR_BIN").map(PathBuf::from);
    let bin = bin.unwrap_or_else(|| env!("CARGO_BIN_EXE_antom-sidecar").into());
    let mut r = report::Report::new(&bin, &cores, &options)?;
    r.floors
        .push(floor::measure(cores.sidecar, options.quick, &FIXED_RATES)?);

    let dir = tempfile::tempdir()?;
    let pairs = KeyPairs::generate();
    let write = |name: &str, text: &str| std::fs::write(dir.path().join(name), text);
    write("merchant_private_key.pem", &pairs.merchant.private_pem())?;
    write("merchant_public_key.pem", &pairs.merchant.public_pem())?;
    write("antom_private_key.pem", &pairs.antom.private_pem())?;
    write("antom_public_key.pem", &pairs.antom.public_pem())?;

    let mut emulator = pinned(cores.emulator, &bin);
    emulator.env_clear().env("RUST_LOG", "warn").arg("emulator");
    emulator
        .args(["--listen", "127.0.0.1:0", "--keys-dir"])
        .arg(dir.path());
    let marker = "Antom emulator on ";
    let (_emulator, line) = start(&mut emulator, &dir.path().join("emulator.log"), marker)?;
    let endpoint = line[line.find(marker).unwrap_or(0) + marker.len()..]
        .trim()
        .to_owned();

    let mut serve = pinned(cores.sidecar, &bin);
    serve.env_clear().arg("serve");
    serve
        .env("ANTOM_ENDPOINT", &endpoint)
        .env("ANTOM_CLIENT_ID", CLIENT_ID);
    let key = |name: &str| dir.path().join(name);
    serve.env(
        "ANTOM_MERCHANT_PRIVATE_KEY_FILE",
        key("merchant_private_key.pem"),
    );
    serve.env("ANTOM_PUBLIC_KEY_FILE", key("antom_public_key.pem"));
    serve
        .env("SIDECAR_LISTEN", "127.0.0.1:0")
        .env("SIDECAR_ADMIN_LISTEN", "127.0.0.1:0");
    let spawned = Instant::now();
    let (sidecar, line) = start(
        &mut serve,
        &dir.path().join("serve.log"),
        "antom-sidecar serving",
    )?;
    let (Some(listen), Some(admin)) = (field(&line, "listen"), field(&line, "admin")) else {
        return Err(format!("no listen= or admin= in {line:?}").into());
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(serving(listen))?;
    r.startup = spawned.elapsed();
    r.rss_idle_kib = sidecar.memory_kib("VmRSS")?;

    let sidecar_url = format!("http://{listen}/antom.risk.v1.RiskService/SendPaymentResult");
    let grpc_body = dir.path().join("grpc.bin");
    let request = common::full_request("process-bench");
    let mut framed = vec![0u8];
    framed.extend_from_slice(&(request.encoded_len() as u32).to_be_bytes());
    framed.extend_from_slice(&request.encode_to_vec());
    std::fs::write(&grpc_body, framed)?;
    let grpc_headers = ["content-type: application/grpc", "te: trailers"];
    let via_sidecar = |requests, rate, clients, streams| Load {
        url: &sidecar_url,
        body: &grpc_body,
        headers: &grpc_headers,
        requests,
        clients,
        streams,
        rate,
        core: Some(cores.load),
    };
    let metrics = Metrics {
        admin: admin.to_owned(),
        runtime: &runtime,
    };
    let h2log = dir.path().join("h2load.log");

    // Warm-up, which also sizes each unthrottled round to about 4 s (quick: 2 s). Each
    // round is preceded by the floor on the same core, so that a ratio compares
    // neighbours in time on a machine whose speed drifts.
    let warm = via_sidecar(1000, None, MAX_CLIENTS, MAX_STREAMS).run(&h2log)?;
    let (rounds, seconds) = if options.quick { (2, 2.0) } else { (3, 4.0) };
    let requests = (warm.rate() * seconds) as u64;
    for _ in 0..rounds {
        let floor = floor::run(cores.sidecar, "1", None)?[0];
        let (outcome, cpu) = measured(&sidecar, &metrics, || {
            via_sidecar(requests, None, MAX_CLIENTS, MAX_STREAMS).run(&h2log)
        })?;
        r.rounds.push((floor, outcome, cpu));
    }
    let max_rate = common::process::median(
        &r.rounds
            .iter()
            .map(|(_, o, _)| o.rate())
            .collect::<Vec<_>>(),
    );
    for rate in FIXED_RATES {
        let requests = (rate * seconds * 2.0) as u64;
        let outcome = measured(&sidecar, &metrics, || {
            via_sidecar(requests, Some(rate), clients_for(rate), 16).run(&h2log)
        })?;
        r.fixed.push((rate, outcome.0, outcome.1));
    }

    // The same request, signed once, straight to the emulator.
    let direct_body = dir.path().join("direct.json");
    let payment = PaymentResult::try_from(request).map_err(|e| format!("{e:?}"))?;
    let wire = payment.to_wire();
    std::fs::write(&direct_body, &wire)?;
    let time = SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)?
        .as_millis()
        .to_string();
    let path = SANDBOX_PAYMENT_RESULT_PATH;
    let content = signing::content_to_sign("POST", path, CLIENT_ID, &time, &wire);
    let signature = signing::signature_header("1", &pairs.merchant.signing_key().sign(&content));
    let direct_headers = [
        "content-type: application/json; charset=UTF-8".to_owned(),
        format!("client-id: {CLIENT_ID}"),
        format!("request-time: {time}"),
        format!("signature: {signature}"),
    ];
    let direct_headers: Vec<&str> = direct_headers.iter().map(String::as_str).collect();
    let direct_url = format!("{endpoint}{path}");
    r.direct_answer = runtime.block_on(direct_answer(&direct_url, &direct_headers, &wire))?;
    let direct = |requests, rate, clients| Load {
        url: &direct_url,
        body: &direct_body,
        headers: &direct_headers,
        requests,
        clients,
        streams: 16,
        rate,
        core: Some(cores.load),
    };

    // The sweep: offered rates from a tenth of the maximum to past it.
    let step_seconds = if options.quick { 1.0 } else { 3.0 };
    for tenth in 1..=12 {
        let rate = (max_rate * tenth as f64 / 10.0 / 10.0).round().max(1.0) * 10.0;
        let requests = (rate * step_seconds) as u64;
        let clients = clients_for(rate);
        let s = measured(&sidecar, &metrics, || {
            via_sidecar(requests, Some(rate), clients, 16).run(&h2log)
        })?
        .0;
        let d = direct(requests, Some(rate), clients).run(&h2log)?;
        r.sweep.push((rate, s, d));
    }
    if options.profile {
        let requests = (max_rate * seconds) as u64;
        r.profile = Some(report::profile(&sidecar, cores.load, dir.path(), || {
            via_sidecar(requests, None, MAX_CLIENTS, MAX_STREAMS)
                .run(&h2log)
                .map(drop)
        })?);
    }
    r.rss_peak_kib = sidecar.memory_kib("VmHWM")?;
    r.handled_not_ok = metrics.handled(false)?;
    r.floors
        .push(floor::measure(cores.sidecar, options.quick, &FIXED_RATES)?);
    r.print_and_plot()
}

/// The outcome of `load` and the sidecar's CPU µs per call it handled meanwhile.
fn measured(
    sidecar: &Killed,
    metrics: &Metrics,
    load: impl FnOnce() -> Result<Outcome, Error>,
) -> Result<(Outcome, f64), Error> {
    let (calls, ticks) = (metrics.handled(true)?, sidecar.cpu_ticks()?);
    let outcome = load()?;
    let ticks = sidecar.cpu_ticks()? - ticks;
    let calls = metrics.handled(true)? - calls;
    // Ticks are 10 ms (USER_HZ 100).
    Ok((outcome, ticks as f64 * 1e4 / calls.max(1) as f64))
}

/// h2load connections for a fixed `rate`: one per 100 calls/s, 1 to 10.
fn clients_for(rate: f64) -> u64 {
    ((rate / 100.0).ceil() as u64).clamp(1, 10)
}

/// The sidecar's `/metrics`, read between runs.
struct Metrics<'a> {
    admin: String,
    runtime: &'a tokio::runtime::Runtime,
}

impl Metrics<'_> {
    /// `SendPaymentResult` calls handled so far, with code OK (`ok`) or any other code.
    fn handled(&self, ok: bool) -> Result<u64, Error> {
        let url = format!("http://{}/metrics", self.admin);
        let text = self
            .runtime
            .block_on(async { reqwest::get(url).await?.error_for_status()?.text().await })?;
        let calls = text
            .lines()
            .filter(|l| l.starts_with("grpc_server_handled_total{"))
            .filter(|l| l.contains("grpc_method=\"SendPaymentResult\""))
            .filter(|l| l.contains("grpc_code=\"OK\"") == ok)
            .filter_map(|l| l.rsplit(' ').next()?.parse::<f64>().ok());
        Ok(calls.sum::<f64>() as u64)
    }
}

/// Waits until the sidecar's health check answers SERVING.
async fn serving(listen: &str) -> Result<(), Error> {
    use tonic_health::pb::{
        HealthCheckRequest, health_check_response::ServingStatus, health_client::HealthClient,
    };
    let channel = tonic::transport::Channel::from_shared(format!("http://{listen}"))?;
    let mut health = HealthClient::new(channel.connect().await?);
    loop {
        let answer = health
            .check(HealthCheckRequest::default())
            .await?
            .into_inner();
        if answer.status() == ServingStatus::Serving {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
}

/// The emulator's `resultStatus` for one direct request.
async fn direct_answer(url: &str, headers: &[&str], body: &[u8]) -> Result<String, Error> {
    let mut request = reqwest::Client::new().post(url).body(body.to_vec());
    for header in headers {
        let (name, value) = header.split_once(": ").ok_or("header without ': '")?;
        request = request.header(name, value);
    }
    let answer = request.send().await?.bytes().await?;
    let answer: serde_json::Value = serde_json::from_slice(&answer)?;
    Ok(answer["result"]["resultStatus"]
        .as_str()
        .unwrap_or("none")
        .to_owned())
}

/// `program` under `taskset -c core`.
fn pinned(core: usize, program: &Path) -> Command {
    let mut cmd = Command::new("taskset");
    cmd.args(["-c", &core.to_string()]).arg(program);
    cmd
}

/// The CPUs this process may run on (`Cpus_allowed_list`), laid out as [`Cores`].
fn cores() -> Result<Cores, Error> {
    let status = std::fs::read_to_string("/proc/self/status")?;
    let list = status
        .lines()
        .find_map(|l| l.strip_prefix("Cpus_allowed_list:"));
    let mut cpus = Vec::new();
    for range in list.ok_or("no Cpus_allowed_list")?.trim().split(',') {
        let (low, high) = range.split_once('-').unwrap_or((range, range));
        cpus.extend(low.parse::<usize>()?..=high.parse::<usize>()?);
    }
    let at = |i: usize| cpus[i.min(cpus.len() - 1)];
    let emulator = if cpus.len() >= 3 { at(2) } else { at(0) };
    Ok(Cores {
        load: at(0),
        emulator,
        sidecar: at(1),
    })
}
