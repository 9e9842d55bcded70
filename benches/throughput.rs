//! End-to-end load benchmark of the sidecar, measured in one run and printed as a
//! plain-text report (`cargo bench --bench throughput`, or `-- --quick` for a short run).
//! Micro-benchmarks of signing and wire conversion are in `benches/crypto.rs`.
//!
//! 1. **Crypto ceiling**: signs/s and verifies/s of the compiled backend over a realistic
//!    content to sign, each timed for half a second. Every call costs two signs and two
//!    verifies, all in this process (the emulator runs here too), so these rates bound
//!    the end-to-end rates; the report compares both paths with that ceiling.
//! 2. **End to end**: `SendPaymentResult` through a real tonic client → the sidecar
//!    ([`grpc::serve`] on `127.0.0.1:0`) → the emulator (on `127.0.0.1:0`), at
//!    concurrency 1 and 32; calls/s and latency p50/p99. The baseline makes as many calls
//!    straight to the emulator with [`AntomClient::send_payment_result`] (same signing and
//!    verification, no gRPC hop); the two paths alternate in [`ROUNDS`] rounds, so the
//!    sidecar/direct ratio shows what the gRPC hop costs.
//! 3. **Memory**: peak RSS of the process (`VmHWM`), emulator's in-memory logs included.
//!
//! Client, sidecar and emulator share one tokio runtime (a worker per CPU) and so the
//! same cores. Every call is one HTTP attempt (no retries), so a failure is reported
//! rather than hidden in the latency, and any failure makes the benchmark exit non-zero.

mod common;

use std::{
    hint::black_box,
    process::ExitCode,
    sync::{
        Arc,
        atomic::{AtomicU64, Ordering},
    },
    time::{Duration, Instant},
};

use antom_sidecar::{
    antom::AntomClient,
    call::Call,
    emulator::Emulator,
    grpc,
    keys::KeyPairs,
    payment::PaymentResult,
    pb::risk_service_client::RiskServiceClient,
    server::{Drained, Listener},
    signing,
};
use tokio::{net::TcpListener, sync::oneshot};
use tonic::transport::Channel;

/// Concurrency levels of the end-to-end phases.
const CONCURRENCY: [usize; 2] = [1, 32];

/// Rounds of (sidecar phase, direct phase) per concurrency level: alternating the two
/// paths spreads a noisy neighbour's load over both instead of skewing their ratio.
const ROUNDS: u32 = 3;

/// Time spent signing, then the same verifying, to measure the crypto ceiling.
const CRYPTO_TIME: Duration = Duration::from_millis(500);

/// Time limit of a warm-up (4 calls per worker, outside the measurement).
const WARM_UP: Duration = Duration::from_secs(2);

/// How long the sidecar may drain at the end.
const SIDECAR_GRACE: Duration = Duration::from_secs(1);

/// How long (and how many calls) the end-to-end phases run.
struct Budget {
    /// Name of the mode, for the report.
    name: &'static str,
    /// Time limit of the sidecar calls at one concurrency (split over [`ROUNDS`]).
    e2e: Duration,
    /// Count limit of the sidecar calls at one concurrency (split over [`ROUNDS`]); each
    /// direct round then makes as many calls as the sidecar round before it.
    max_calls: u64,
}

const FULL: Budget = Budget {
    name: "full",
    e2e: Duration::from_secs(3),
    max_calls: 50_000,
};

const QUICK: Budget = Budget {
    name: "quick",
    e2e: Duration::from_secs(1),
    max_calls: 10_000,
};

fn main() -> ExitCode {
    // `cargo bench` passes `--bench`; anything but `--quick` is refused, so that a typo
    // does not silently run the long mode.
    let mut quick = false;
    for arg in std::env::args().skip(1) {
        match arg.as_str() {
            "--quick" => quick = true,
            "--bench" => {}
            other => {
                eprintln!("unknown argument {other:?}: the only option is --quick");
                return ExitCode::FAILURE;
            }
        }
    }
    let budget = if quick { &QUICK } else { &FULL };
    let started = Instant::now();
    let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());
    let features = if cfg!(feature = "rsa-backend") {
        " --features rsa-backend"
    } else {
        ""
    };
    println!("antom-sidecar throughput report");
    println!(
        "reproduce: cargo bench --bench throughput{features}{}",
        if quick { " -- --quick" } else { "" }
    );
    println!(
        "mode: {} ({:.1} s and at most {} sidecar calls per concurrency); crypto backend: {}",
        budget.name,
        budget.e2e.as_secs_f64(),
        budget.max_calls,
        signing::BACKEND
    );
    println!("CPUs: {cpus}, one tokio worker each, shared by client, sidecar and emulator");

    let keys = KeyPairs::generate();
    let ceiling = crypto_ceiling(&keys, cpus);
    let rss_before_servers = peak_rss_kib();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(cpus)
        .enable_all()
        .build()
        .expect("a tokio runtime starts");
    let failures = runtime.block_on(end_to_end(budget, &keys, ceiling));
    runtime.shutdown_timeout(Duration::from_secs(2));

    println!("\n3. Memory");
    match (rss_before_servers, peak_rss_kib()) {
        (Some(before), Some(peak)) => println!(
            "   peak RSS (VmHWM): {} ({peak} kB); {} before the servers started, the rest is \
             client, sidecar, emulator and the emulator's logs (last 10,000 requests)",
            mib(peak),
            mib(before)
        ),
        _ => println!("   peak RSS: unavailable (no VmHWM in /proc/self/status)"),
    }
    println!("\ntotal run time: {:.1} s", started.elapsed().as_secs_f64());
    if failures > 0 {
        eprintln!("{failures} call(s) failed: the end-to-end figures are not trustworthy");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}

/// Section 1: calls/s the process could sustain if RSA were all it did (the sidecar
/// signs, the emulator verifies and signs its answer, the sidecar verifies).
fn crypto_ceiling(keys: &KeyPairs, cpus: usize) -> f64 {
    let (key, public) = (keys.merchant.signing_key(), keys.merchant.verifying_key());
    let content = common::content_to_sign();
    let signature = key.sign_raw(&content);
    let sign = per_sec(|| drop(black_box(key.sign_raw(black_box(&content)))));
    let verify = per_sec(|| {
        let ok = public.verify_raw(black_box(&content), black_box(&signature));
        assert!(ok, "the signature verifies");
    });
    let ceiling = cpus as f64 / (2.0 / sign + 2.0 / verify);
    println!(
        "\n1. Crypto ceiling ({} bytes to sign, one thread)",
        content.len()
    );
    println!("   sign {sign:.0}/s, verify {verify:.0}/s");
    println!("   ceiling: {ceiling:.0} calls/s (2 signs + 2 verifies per call on {cpus} CPUs)");
    ceiling
}

/// Runs `op` for [`CRYPTO_TIME`]; operations per second.
fn per_sec(mut op: impl FnMut()) -> f64 {
    let start = Instant::now();
    let mut ops = 0u32;
    while start.elapsed() < CRYPTO_TIME {
        op();
        ops += 1;
    }
    f64::from(ops) / start.elapsed().as_secs_f64()
}

/// A way to make one `SendPaymentResult` call; cloned once per worker.
#[derive(Clone)]
enum Caller {
    /// Through the sidecar over gRPC.
    Sidecar(RiskServiceClient<Channel>),
    /// Straight to the emulator with the crate's Antom client.
    Direct(Arc<AntomClient>, PaymentResult),
}

impl Caller {
    fn name(&self) -> &'static str {
        match self {
            Self::Sidecar(..) => "sidecar",
            Self::Direct(..) => "direct",
        }
    }

    /// One call of the full payment with `id` as `reference_transaction_id`; `Err` says
    /// why it did not end in a verified SUCCESS.
    async fn call(&mut self, id: String) -> Result<(), String> {
        match self {
            Self::Sidecar(client) => {
                let response = client
                    .send_payment_result(common::full_request(&id))
                    .await
                    .map_err(|s| format!("gRPC {:?}: {}", s.code(), s.message()))?;
                match response.into_inner().result_code.as_str() {
                    "SUCCESS" => Ok(()),
                    other => Err(format!("result code {other}")),
                }
            }
            Self::Direct(client, template) => {
                let payment = PaymentResult {
                    reference_transaction_id: id,
                    ..template.clone()
                };
                let result = client
                    .send_payment_result(&payment, &Call::detached())
                    .await;
                result.map(drop).map_err(|e| e.to_string())
            }
        }
    }
}

/// What one phase, one worker or several rounds did.
#[derive(Default)]
struct Phase {
    failures: u64,
    first_failure: Option<String>,
    elapsed: Duration,
    /// Latency of each successful call, sorted once merged.
    latencies: Vec<Duration>,
}

impl Phase {
    /// Successful calls per second.
    fn per_sec(&self) -> f64 {
        self.latencies.len() as f64 / self.elapsed.as_secs_f64()
    }

    /// Adds the calls and time of another worker or round of the same path.
    fn absorb(&mut self, other: Phase) {
        self.failures += other.failures;
        self.first_failure = self.first_failure.take().or(other.first_failure);
        self.elapsed += other.elapsed;
        self.latencies.extend(other.latencies);
        self.latencies.sort_unstable();
    }

    /// Prints the first failure, if any, under `what`; returns the number of failures.
    fn report_failures(&self, what: &str) -> u64 {
        if let Some(e) = &self.first_failure {
            println!("   {what}: {} failure(s), first: {e}", self.failures);
        }
        self.failures
    }

    /// Nearest-rank percentile, `p` in (0, 1].
    fn percentile(&self, p: f64) -> Option<Duration> {
        let n = self.latencies.len();
        let rank = (p * n as f64).ceil() as usize;
        (n > 0).then(|| self.latencies[rank.clamp(1, n) - 1])
    }

    fn row(&self, path: &str, concurrency: usize) -> String {
        let ms = |p| {
            let d = self.percentile(p);
            d.map_or("-".into(), |d| format!("{:.3}", d.as_secs_f64() * 1e3))
        };
        format!(
            "   {path:<8} {concurrency:>4} {:>8} {:>7.2} {:>10.1} {:>9} {:>9} {:>8}",
            self.latencies.len(),
            self.elapsed.as_secs_f64(),
            self.per_sec(),
            ms(0.50),
            ms(0.99),
            self.failures,
        )
    }
}

/// Runs calls on `concurrency` workers until `limit` has passed or `max_calls` calls
/// have started, whichever comes first. IDs are `bench-<path>-<tag>-<n>`.
async fn run_phase(
    caller: &Caller,
    tag: &str,
    concurrency: usize,
    limit: Duration,
    max_calls: u64,
) -> Phase {
    let next = Arc::new(AtomicU64::new(0));
    let start = Instant::now();
    let prefix = format!("bench-{}-{tag}", caller.name());
    let workers: Vec<_> = (0..concurrency)
        .map(|_| {
            let (mut caller, next, prefix) = (caller.clone(), next.clone(), prefix.clone());
            tokio::spawn(async move {
                let mut worker = Phase::default();
                while start.elapsed() < limit {
                    let n = next.fetch_add(1, Ordering::Relaxed);
                    if n >= max_calls {
                        break;
                    }
                    let sent = Instant::now();
                    match caller.call(format!("{prefix}-{n:010}")).await {
                        Ok(()) => worker.latencies.push(sent.elapsed()),
                        Err(e) => {
                            worker.failures += 1;
                            worker.first_failure.get_or_insert(e);
                        }
                    }
                }
                worker
            })
        })
        .collect();
    let mut phase = Phase::default();
    for worker in workers {
        phase.absorb(worker.await.expect("a benchmark worker does not panic"));
    }
    phase.elapsed = start.elapsed();
    phase
}

/// Section 2; returns how many calls failed, warm-ups included.
async fn end_to_end(budget: &Budget, keys: &KeyPairs, ceiling: f64) -> u64 {
    let emulator = Emulator::new(keys.emulator_config())
        .spawn(([127, 0, 0, 1], 0).into())
        .await
        .expect("the emulator binds 127.0.0.1:0");
    let client = || {
        let settings = keys.client_settings(emulator.endpoint(), common::CLIENT_ID);
        let client = AntomClient::new(settings.max_attempts(1).build());
        Arc::new(client.expect("the Antom client builds"))
    };
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let sidecar_url = format!("http://{}", listener.local_addr().expect("an address"));
    let (stop_sidecar, stopped) = oneshot::channel::<()>();
    let stopped = async move { stopped.await.unwrap_or_default() };
    let options = grpc::Options {
        grace: SIDECAR_GRACE,
        ..grpc::Options::default()
    };
    let serve = grpc::serve(Listener::Tcp(listener), client(), options, stopped);
    let sidecar_task = tokio::spawn(serve);
    let channel = Channel::from_shared(sidecar_url).expect("a valid URI");
    let channel = channel.connect().await.expect("connect to the sidecar");
    let sidecar = Caller::Sidecar(RiskServiceClient::new(channel));
    let direct = Caller::Direct(client(), common::full_payment());

    println!("\n2. End to end: SendPaymentResult, full payment, unique IDs, one attempt per call");
    println!("   sidecar = tonic client -> sidecar (gRPC) -> emulator (HTTP/1.1), on 127.0.0.1");
    println!("   direct  = AntomClient::send_payment_result -> emulator, as many calls");
    println!("   {ROUNDS} alternating rounds per concurrency; secs = the rounds' time summed");
    println!(
        "   {:<8} {:>4} {:>8} {:>7} {:>10} {:>9} {:>9} {:>8}",
        "path", "conc", "calls", "secs", "calls/s", "p50 ms", "p99 ms", "failures"
    );
    let mut failures = 0;
    let mut summary = Vec::new();
    for concurrency in CONCURRENCY {
        // Warm-up: opens the connections this concurrency uses, outside the measurement.
        for caller in [&sidecar, &direct] {
            let (tag, warm_calls) = (format!("warm-c{concurrency}"), concurrency as u64 * 4);
            let warm = run_phase(caller, &tag, concurrency, WARM_UP, warm_calls).await;
            failures += warm.report_failures(&format!("{} {tag}", caller.name()));
        }
        let (mut via_sidecar, mut via_direct) = (Phase::default(), Phase::default());
        let mut direct_cut_short = false;
        for round in 0..ROUNDS {
            let tag = format!("c{concurrency}-r{round}");
            let (limit, count) = (budget.e2e / ROUNDS, budget.max_calls / u64::from(ROUNDS));
            let s = run_phase(&sidecar, &tag, concurrency, limit, count).await;
            // The same count; the (doubled) time limit is only a safety net.
            let target = s.latencies.len() as u64;
            let d = run_phase(&direct, &tag, concurrency, limit * 2, target).await;
            direct_cut_short |= d.latencies.len() as u64 + d.failures < target;
            via_sidecar.absorb(s);
            via_direct.absorb(d);
        }
        println!("{}", via_sidecar.row("sidecar", concurrency));
        println!("{}", via_direct.row("direct", concurrency));
        if direct_cut_short {
            println!("   (direct hit its safety time limit before matching the sidecar's count)");
        }
        failures += via_sidecar.report_failures(&format!("sidecar c{concurrency}"));
        failures += via_direct.report_failures(&format!("direct c{concurrency}"));
        summary.push((concurrency, via_sidecar, via_direct));
    }

    println!();
    for (concurrency, s, d) in &summary {
        println!(
            "   concurrency {concurrency:>2}: sidecar/direct calls/s = {:.3}   sidecar/ceiling \
             = {:.3}   direct/ceiling = {:.3}",
            s.per_sec() / d.per_sec(),
            s.per_sec() / ceiling,
            d.per_sec() / ceiling,
        );
        if let (Some(s), Some(d)) = (s.percentile(0.5), d.percentile(0.5)) {
            let hop = (s.as_secs_f64() - d.as_secs_f64()) * 1e3;
            println!("                   gRPC hop at p50 (sidecar - direct) = {hop:+.3} ms");
        }
    }
    // A borrow, not `received().len()`: a copy of the logs would inflate the peak RSS.
    let arrived = emulator.watch_requests().borrow().total;
    println!("   the emulator received {arrived} payment requests (warm-ups included)");

    // Clients first, so that the servers have no connection to drain.
    drop((sidecar, direct));
    let _ = stop_sidecar.send(());
    match tokio::time::timeout(SIDECAR_GRACE * 3, sidecar_task).await {
        Ok(Ok(Ok(Drained::Complete))) => {}
        Ok(Ok(Ok(drained))) => println!("   sidecar drain: {drained:?}"),
        Ok(Ok(Err(e))) => println!("   sidecar stopped with an error: {e}"),
        Ok(Err(e)) => println!("   sidecar task failed: {e}"),
        Err(_) => println!("   sidecar did not stop in time"),
    }
    emulator.shutdown().await;
    failures
}

/// Peak resident set size of this process in kB, from `VmHWM` in `/proc/self/status`.
fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find_map(|l| l.strip_prefix("VmHWM:"))?;
    line.trim().strip_suffix("kB")?.trim().parse().ok()
}

/// `kib` as MiB, one decimal.
fn mib(kib: u64) -> String {
    format!("{:.1} MiB", kib as f64 / 1024.0)
}
