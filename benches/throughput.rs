//! Throughput benchmark of the sidecar, measured in one run and printed as a plain-text
//! report (`cargo bench --bench throughput`, or `-- --quick` for a short run).
//!
//! What is measured, and why:
//!
//! 1. **Crypto**: RSA-2048 PKCS#1 v1.5 SHA-256 signs/s and verifies/s of the compiled
//!    backend ([`antom_sidecar::signing::BACKEND`]) on one thread, over a realistic
//!    content to sign (a full payment's wire body behind the request line and headers).
//!    Every call costs two signs and two verifies (request and response), all in this
//!    process since the emulator runs here too, so these rates set a ceiling on the
//!    end-to-end rates; the report prints that ceiling.
//! 2. **Wire conversion**: [`PaymentResult::to_wire`] per second for a payment with
//!    every field set: the JSON the sidecar builds for each call.
//! 3. **End to end**: `SendPaymentResult` through a real tonic client → the sidecar
//!    ([`server::run`] on `127.0.0.1:0`) → the emulator ([`Emulator::run`] on
//!    `127.0.0.1:0`), at concurrency 1 and 32, each worker with its own clone of the
//!    client; calls/s and latency p50/p99. Each phase is bounded by time and by count,
//!    and split into rounds that alternate with the baseline's (see [`ROUNDS`]).
//! 4. **Baseline**: the same number of calls made straight to the emulator with
//!    [`AntomClient::send_payment_result`] (same signing, same verification, no gRPC
//!    hop) at the same concurrency, round by round. The ratio sidecar/direct shows what the gRPC hop
//!    (protobuf, HTTP/2, validation, one more task) costs.
//! 5. **Memory**: the peak RSS of the whole process (`VmHWM`), which includes the
//!    emulator's in-memory logs (the most recent 10,000 requests, accepted and all).
//!
//! Client, sidecar and emulator share one multi-thread tokio runtime (one worker per
//! available CPU) and therefore the same cores: absolute end-to-end rates understate a
//! sidecar whose upstream signs on other machines, while the sidecar/direct ratio is a
//! like-for-like comparison. Every call is one HTTP attempt (retries are off), so a
//! failure is reported instead of being hidden in the latency; any failure makes the
//! benchmark exit with an error.

use std::{
    hint::black_box,
    net::SocketAddr,
    process::ExitCode,
    sync::{
        Arc,
        atomic::{AtomicU64, Ordering},
    },
    time::{Duration, Instant, SystemTime, UNIX_EPOCH},
};

use antom_sidecar::{
    antom::{AntomClient, Auth, Endpoint, PAYMENT_RESULT_PATH, RetryPolicy, Settings},
    emulator::{Emulator, EmulatorConfig},
    keys::GeneratedKeyPair,
    payment::PaymentResult,
    pb::{self, risk_service_client::RiskServiceClient},
    server::{self, Listener},
    signing::{self, content_to_sign},
};
use tokio::{net::TcpListener, sync::oneshot, task::JoinHandle};
use tonic::transport::Channel;

/// `Client-Id` of the benchmark's merchant.
const CLIENT_ID: &str = "SANDBOX_5YBZ1A2Y2JAB04567";

/// Concurrency levels of the end-to-end phases.
const CONCURRENCY: [usize; 2] = [1, 32];

/// Rounds of (sidecar phase, direct phase) per concurrency level: alternating the two
/// paths spreads a noisy neighbour's load over both instead of skewing their ratio.
const ROUNDS: u32 = 3;

/// How long (and how many calls) each part of the benchmark runs.
struct Budget {
    /// Name of the mode, for the report.
    name: &'static str,
    /// Time spent signing, then the same verifying.
    crypto: Duration,
    /// Time spent converting to wire JSON.
    wire: Duration,
    /// Time limit of the sidecar calls at one concurrency (split over [`ROUNDS`]).
    e2e: Duration,
    /// Count limit of the sidecar calls at one concurrency (split over [`ROUNDS`]); each
    /// direct round then makes as many calls as the sidecar round before it.
    max_calls: u64,
}

const FULL: Budget = Budget {
    name: "full",
    crypto: Duration::from_secs(2),
    wire: Duration::from_secs(1),
    e2e: Duration::from_secs(3),
    max_calls: 50_000,
};

const QUICK: Budget = Budget {
    name: "quick",
    crypto: Duration::from_millis(500),
    wire: Duration::from_millis(250),
    e2e: Duration::from_secs(1),
    max_calls: 10_000,
};

fn main() -> ExitCode {
    // `cargo bench` passes `--bench`; `--quick` is ours; anything else is refused so
    // that a typo does not silently run the long mode.
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
    let quick_arg = if quick { " -- --quick" } else { "" };
    println!("antom-sidecar throughput report");
    println!("reproduce: cargo bench --bench throughput{features}{quick_arg}");
    println!(
        "mode: {} (crypto {:.2} s per operation, wire {:.2} s, end to end {:.2} s and at most \
         {} sidecar calls per concurrency)",
        budget.name,
        budget.crypto.as_secs_f64(),
        budget.wire.as_secs_f64(),
        budget.e2e.as_secs_f64(),
        budget.max_calls,
    );
    println!("crypto backend: {}", signing::BACKEND);
    println!(
        "CPUs available: {cpus}; tokio multi-thread runtime with {cpus} workers shared by \
         client, sidecar and emulator"
    );

    let merchant = GeneratedKeyPair::generate();
    let antom = GeneratedKeyPair::generate();
    let payment = PaymentResult::try_from(full_request("bench-c32-0000012345"))
        .expect("the benchmark's full request is valid");

    let crypto = bench_crypto(budget, &merchant, &payment);
    bench_wire(budget, &payment);

    let rss_before_servers = peak_rss_kib();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(cpus)
        .enable_all()
        .build()
        .expect("a tokio runtime starts");
    let failures = runtime.block_on(bench_end_to_end(budget, &merchant, &antom, &crypto, cpus));
    runtime.shutdown_timeout(Duration::from_secs(2));

    println!();
    println!("5. Memory");
    match (rss_before_servers, peak_rss_kib()) {
        (Some(before), Some(peak)) => {
            println!(
                "   peak RSS (VmHWM) of the process: {} ({peak} kB)",
                mib(peak)
            );
            println!(
                "   peak before the servers started (sections 1 and 2): {}; the difference is \
                 client, sidecar, emulator and the emulator's in-memory logs (the most \
                 recent 10,000 requests)",
                mib(before)
            );
        }
        _ => println!("   peak RSS: unavailable (no VmHWM in /proc/self/status)"),
    }
    println!();
    println!("total run time: {:.1} s", started.elapsed().as_secs_f64());
    if failures > 0 {
        eprintln!("{failures} call(s) failed: the end-to-end figures are not trustworthy");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}

/// A request with every field set, values shaped like real ones.
fn full_request(id: &str) -> pb::SendPaymentResultRequest {
    pb::SendPaymentResultRequest {
        reference_transaction_id: id.into(),
        payment_status: pb::PaymentStatus::Fail.into(),
        authorization_error: Some(pb::AuthorizationError {
            error_code: "05".into(),
            error_message: "Do not honour".into(),
        }),
        card_verification_result: Some(pb::CardVerificationResult {
            authentication_type: pb::AuthenticationType::AuthenticationType3d.into(),
            authentication_method: "OTP".into(),
            cvv_result: "Y".into(),
            avs_result: "A".into(),
            authorization_code: "10000".into(),
            three_ds_result: Some(pb::ThreeDsResult {
                three_ds_version: "2.2.0".into(),
                three_ds_interaction_mode: pb::ThreeDsInteractionMode::Challenged.into(),
                eci: "05".into(),
                cavv: "AAABBEg0VhI0VniQEjRWAAAAAAA=".into(),
            }),
        }),
        payment_method_provider: "MASTERCARD".into(),
    }
}

/// Operations done in a measured span.
struct Rate {
    ops: u64,
    elapsed: Duration,
}

impl Rate {
    fn per_sec(&self) -> f64 {
        self.ops as f64 / self.elapsed.as_secs_f64()
    }

    fn micros_per_op(&self) -> f64 {
        self.elapsed.as_secs_f64() * 1e6 / self.ops as f64
    }

    fn line(&self, name: &str) -> String {
        format!(
            "   {name:<8} {:>12.1} /s   {:>10.3} µs/op   ({} ops in {:.2} s)",
            self.per_sec(),
            self.micros_per_op(),
            self.ops,
            self.elapsed.as_secs_f64()
        )
    }
}

/// Runs `op` for at least `budget`, reading the clock every `batch` operations (so that
/// fast operations are not dominated by the clock).
fn run_for(budget: Duration, batch: u64, mut op: impl FnMut()) -> Rate {
    let start = Instant::now();
    let mut ops = 0;
    loop {
        for _ in 0..batch {
            op();
        }
        ops += batch;
        let elapsed = start.elapsed();
        if elapsed >= budget {
            return Rate { ops, elapsed };
        }
    }
}

/// Section 1: signs/s and verifies/s; returns both rates for the ceiling estimate.
fn bench_crypto(budget: &Budget, merchant: &GeneratedKeyPair, payment: &PaymentResult) -> Crypto {
    let key = merchant.signing_key();
    let public = merchant.verifying_key();
    let time = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_millis()
        .to_string();
    let content = content_to_sign(
        "POST",
        PAYMENT_RESULT_PATH,
        CLIENT_ID,
        &time,
        &payment.to_wire(),
    );
    let signature = key.sign_raw(&content);
    assert!(
        public.verify_raw(&content, &signature),
        "a fresh signature verifies with its own public key"
    );
    // Warm caches (and any lazy precomputation) outside the measurement.
    for _ in 0..5 {
        black_box(key.sign_raw(black_box(&content)));
        black_box(public.verify_raw(black_box(&content), black_box(&signature)));
    }

    println!();
    println!(
        "1. Crypto: RSA-2048 PKCS#1 v1.5 SHA-256, {}, one thread, {}-byte content to sign",
        signing::BACKEND,
        content.len()
    );
    let sign = run_for(budget.crypto, 1, || {
        black_box(key.sign_raw(black_box(&content)));
    });
    println!("{}", sign.line("sign"));
    let verify = run_for(budget.crypto, 1, || {
        let ok = public.verify_raw(black_box(&content), black_box(&signature));
        assert!(black_box(ok), "the signature keeps verifying");
    });
    println!("{}", verify.line("verify"));
    println!(
        "   ratio verify/sign: {:.1}",
        verify.per_sec() / sign.per_sec()
    );
    Crypto {
        sign_per_sec: sign.per_sec(),
        verify_per_sec: verify.per_sec(),
    }
}

/// The crypto rates measured in section 1.
struct Crypto {
    sign_per_sec: f64,
    verify_per_sec: f64,
}

impl Crypto {
    /// Calls/s the process could sustain if RSA were all it did: each call is signed by
    /// the sidecar, verified and answered signed by the emulator, verified by the sidecar.
    fn ceiling(&self, cpus: usize) -> f64 {
        let seconds_per_call = 2.0 / self.sign_per_sec + 2.0 / self.verify_per_sec;
        cpus as f64 / seconds_per_call
    }
}

/// Section 2: `to_wire` of a full payment.
fn bench_wire(budget: &Budget, payment: &PaymentResult) {
    let bytes = payment.to_wire().len();
    println!();
    println!("2. Wire conversion: PaymentResult::to_wire, every field set, {bytes} bytes of JSON");
    let wire = run_for(budget.wire, 1024, || {
        black_box(black_box(payment).to_wire());
    });
    println!("{}", wire.line("to_wire"));
}

/// A way to make one `SendPaymentResult` call; cloned once per worker.
#[derive(Clone)]
enum Caller {
    /// Through the sidecar over gRPC.
    Sidecar {
        client: RiskServiceClient<Channel>,
        template: Arc<pb::SendPaymentResultRequest>,
    },
    /// Straight to the emulator with the crate's Antom client.
    Direct {
        client: Arc<AntomClient>,
        template: Arc<PaymentResult>,
    },
}

impl Caller {
    /// One call with `id` as `reference_transaction_id`; `Err` says why it did not
    /// end in a verified SUCCESS.
    async fn call(&mut self, id: String) -> Result<(), String> {
        match self {
            Self::Sidecar { client, template } => {
                let mut request = (**template).clone();
                request.reference_transaction_id = id;
                let response = client
                    .send_payment_result(request)
                    .await
                    .map_err(|s| format!("gRPC {:?}: {}", s.code(), s.message()))?
                    .into_inner();
                if response.result_code == "SUCCESS" {
                    Ok(())
                } else {
                    Err(format!("result code {}", response.result_code))
                }
            }
            Self::Direct { client, template } => {
                let mut payment = (**template).clone();
                payment.reference_transaction_id = id;
                client
                    .send_payment_result(&payment, None)
                    .await
                    .map(drop)
                    .map_err(|e| e.to_string())
            }
        }
    }
}

/// What one phase did.
#[derive(Default)]
struct Phase {
    /// Successful calls.
    calls: u64,
    failures: u64,
    first_failure: Option<String>,
    elapsed: Duration,
    /// Latency of each successful call, sorted.
    latencies: Vec<Duration>,
}

impl Phase {
    fn per_sec(&self) -> f64 {
        self.calls as f64 / self.elapsed.as_secs_f64()
    }

    /// Adds the calls and time of another round of the same path.
    fn absorb(&mut self, other: Phase) {
        self.calls += other.calls;
        self.failures += other.failures;
        if self.first_failure.is_none() {
            self.first_failure = other.first_failure;
        }
        self.elapsed += other.elapsed;
        self.latencies.extend(other.latencies);
        self.latencies.sort_unstable();
    }

    /// Nearest-rank percentile, `p` in (0, 1].
    fn percentile(&self, p: f64) -> Option<Duration> {
        let n = self.latencies.len();
        if n == 0 {
            return None;
        }
        let rank = (p * n as f64).ceil() as usize;
        Some(self.latencies[rank.clamp(1, n) - 1])
    }

    fn row(&self, path: &str, concurrency: usize) -> String {
        let ms = |d: Option<Duration>| {
            d.map_or("-".to_owned(), |d| format!("{:.3}", d.as_secs_f64() * 1e3))
        };
        format!(
            "   {path:<8} {concurrency:>4} {:>8} {:>7.2} {:>10.1} {:>9} {:>9} {:>8}",
            self.calls,
            self.elapsed.as_secs_f64(),
            self.per_sec(),
            ms(self.percentile(0.50)),
            ms(self.percentile(0.99)),
            self.failures,
        )
    }
}

/// Runs calls on `concurrency` workers until `limit` has passed or `max_calls` calls
/// have started, whichever comes first. IDs are `bench-<label>-<n>`, unique per label.
async fn run_phase(
    caller: &Caller,
    label: &str,
    concurrency: usize,
    limit: Duration,
    max_calls: u64,
) -> Phase {
    #[derive(Default)]
    struct Worker {
        latencies: Vec<Duration>,
        failures: u64,
        first_failure: Option<String>,
    }

    let next = Arc::new(AtomicU64::new(0));
    let start = Instant::now();
    let end = start + limit;
    let workers: Vec<JoinHandle<Worker>> = (0..concurrency)
        .map(|_| {
            let mut caller = caller.clone();
            let next = next.clone();
            let label = label.to_owned();
            tokio::spawn(async move {
                let mut w = Worker::default();
                while Instant::now() < end {
                    let n = next.fetch_add(1, Ordering::Relaxed);
                    if n >= max_calls {
                        break;
                    }
                    let id = format!("bench-{label}-{n:010}");
                    let sent = Instant::now();
                    match caller.call(id).await {
                        Ok(()) => w.latencies.push(sent.elapsed()),
                        Err(e) => {
                            w.failures += 1;
                            w.first_failure.get_or_insert(e);
                        }
                    }
                }
                w
            })
        })
        .collect();
    let mut phase = Phase::default();
    for worker in workers {
        let w = worker.await.expect("a benchmark worker does not panic");
        phase.latencies.extend(w.latencies);
        phase.failures += w.failures;
        if phase.first_failure.is_none() {
            phase.first_failure = w.first_failure;
        }
    }
    phase.elapsed = start.elapsed();
    phase.calls = phase.latencies.len() as u64;
    phase.latencies.sort_unstable();
    phase
}

/// Opens the connections a phase at `concurrency` will use, outside the measurement.
async fn warm_up(caller: &Caller, label: &str, concurrency: usize) -> u64 {
    let warm = run_phase(
        caller,
        &format!("warm-{label}"),
        concurrency,
        Duration::from_secs(2),
        concurrency as u64 * 4,
    )
    .await;
    if let Some(e) = &warm.first_failure {
        println!(
            "   warm-up {label}: {} failure(s), first: {e}",
            warm.failures
        );
    }
    warm.failures
}

/// Sidecar settings pointed at the emulator, like a production configuration but with
/// a single attempt per call.
fn settings(
    emulator: SocketAddr,
    merchant: &GeneratedKeyPair,
    antom: &GeneratedKeyPair,
) -> Settings {
    Settings {
        endpoint: Endpoint::base_url(&format!("http://{emulator}"), false)
            .expect("a loopback http:// origin is a valid endpoint"),
        client_id: CLIENT_ID.into(),
        auth: Auth::Signature {
            key: merchant.signing_key(),
            key_version: "1".into(),
        },
        antom_public_key: antom.verifying_key(),
        retry: RetryPolicy {
            max_attempts: 1,
            ..RetryPolicy::default()
        },
        connect_timeout: Duration::from_secs(2),
        request_timeout: Duration::from_secs(10),
        extra_roots_pem: None,
    }
}

/// Sections 3 and 4; returns how many calls failed.
async fn bench_end_to_end(
    budget: &Budget,
    merchant: &GeneratedKeyPair,
    antom: &GeneratedKeyPair,
    crypto: &Crypto,
    cpus: usize,
) -> u64 {
    // The emulator, as Antom would be for this merchant.
    let emulator_listener = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind the emulator to 127.0.0.1:0");
    let emulator_addr = emulator_listener
        .local_addr()
        .expect("the emulator's listener has an address");
    let emulator = Emulator::new(EmulatorConfig {
        merchant_public_key: merchant.verifying_key(),
        antom_private_key: antom.signing_key(),
        api_key: None,
    });
    let (stop_emulator, emulator_stopped) = oneshot::channel::<()>();
    let emulator_task = tokio::spawn(emulator.clone().run(emulator_listener, async {
        let _ = emulator_stopped.await;
    }));

    // The sidecar, and a gRPC client connected to it.
    let sidecar_listener = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind the sidecar to 127.0.0.1:0");
    let sidecar_addr = sidecar_listener
        .local_addr()
        .expect("the sidecar's listener has an address");
    let sidecar_client = AntomClient::new(settings(emulator_addr, merchant, antom))
        .expect("the sidecar's Antom client builds");
    let (stop_sidecar, sidecar_stopped) = oneshot::channel::<()>();
    let sidecar_task = tokio::spawn(server::run(
        Listener::Tcp(sidecar_listener),
        Arc::new(sidecar_client),
        async {
            let _ = sidecar_stopped.await;
        },
        Duration::from_secs(1),
    ));
    let channel = Channel::from_shared(format!("http://{sidecar_addr}"))
        .expect("a socket address makes a valid URI")
        .connect()
        .await
        .expect("connect to the sidecar");

    let request = full_request("replaced-per-call");
    let sidecar = Caller::Sidecar {
        client: RiskServiceClient::new(channel),
        template: Arc::new(request.clone()),
    };
    let direct = Caller::Direct {
        client: Arc::new(
            AntomClient::new(settings(emulator_addr, merchant, antom))
                .expect("the direct Antom client builds"),
        ),
        template: Arc::new(
            PaymentResult::try_from(request).expect("the benchmark's full request is valid"),
        ),
    };

    println!();
    println!("3./4. End to end: SendPaymentResult, full payment, unique IDs, one attempt per call");
    println!(
        "   sidecar = tonic client -> sidecar (gRPC, 127.0.0.1) -> emulator (HTTP/1.1, 127.0.0.1)"
    );
    println!(
        "   direct  = AntomClient::send_payment_result -> emulator: the same number of calls, \
         no gRPC hop"
    );
    println!(
        "   {ROUNDS} alternating rounds per concurrency (sidecar, then direct with the same \
         count); secs = measured time summed over the rounds"
    );
    println!(
        "   {:<8} {:>4} {:>8} {:>7} {:>10} {:>9} {:>9} {:>8}",
        "path", "conc", "calls", "secs", "calls/s", "p50 ms", "p99 ms", "failures"
    );
    let mut failures = 0;
    let mut summary = Vec::new();
    for concurrency in CONCURRENCY {
        failures += warm_up(&sidecar, &format!("sidecar-c{concurrency}"), concurrency).await;
        failures += warm_up(&direct, &format!("direct-c{concurrency}"), concurrency).await;
        let mut via_sidecar = Phase::default();
        let mut direct_phase = Phase::default();
        let mut direct_cut_short = false;
        for round in 0..ROUNDS {
            let s = run_phase(
                &sidecar,
                &format!("sidecar-c{concurrency}-r{round}"),
                concurrency,
                budget.e2e / ROUNDS,
                budget.max_calls / u64::from(ROUNDS),
            )
            .await;
            // Same count; the time limit is only a safety net (direct should be faster).
            let target = s.calls;
            let d = run_phase(
                &direct,
                &format!("direct-c{concurrency}-r{round}"),
                concurrency,
                budget.e2e * 2 / ROUNDS,
                target,
            )
            .await;
            direct_cut_short |= d.calls + d.failures < target;
            via_sidecar.absorb(s);
            direct_phase.absorb(d);
        }
        println!("{}", via_sidecar.row("sidecar", concurrency));
        println!("{}", direct_phase.row("direct", concurrency));
        if direct_cut_short {
            println!(
                "   (direct stopped at its safety time limit before making as many calls as \
                 the sidecar)"
            );
        }
        for (path, phase) in [("sidecar", &via_sidecar), ("direct", &direct_phase)] {
            if let Some(e) = &phase.first_failure {
                println!(
                    "   {path} c{concurrency}: {} failure(s), first: {e}",
                    phase.failures
                );
            }
            failures += phase.failures;
        }
        summary.push((concurrency, via_sidecar, direct_phase));
    }

    println!();
    let ceiling = crypto.ceiling(cpus);
    println!(
        "   crypto ceiling: {ceiling:.1} calls/s (2 signs + 2 verifies per call on {cpus} CPU(s), \
         from section 1)"
    );
    for (concurrency, via_sidecar, direct_phase) in &summary {
        println!(
            "   concurrency {concurrency:>2}: ratio sidecar/direct calls/s = {:.3}   \
             ratio sidecar/crypto ceiling = {:.3}   ratio direct/crypto ceiling = {:.3}",
            via_sidecar.per_sec() / direct_phase.per_sec(),
            via_sidecar.per_sec() / ceiling,
            direct_phase.per_sec() / ceiling,
        );
        if let (Some(s), Some(d)) = (via_sidecar.percentile(0.5), direct_phase.percentile(0.5)) {
            let hop = s.as_secs_f64() - d.as_secs_f64();
            println!(
                "                   gRPC hop at p50 (sidecar p50 - direct p50) = {:+.3} ms",
                hop * 1e3
            );
        }
    }
    // A borrow rather than `received().len()`: a clone of the records would inflate
    // the peak RSS reported below.
    let arrived = emulator.watch_requests().borrow().total;
    println!("   emulator received {arrived} payment requests in all (warm-ups included)");

    // Shut down: clients first, so that the servers have no connection to drain.
    drop((sidecar, direct));
    let _ = stop_sidecar.send(());
    match tokio::time::timeout(Duration::from_secs(3), sidecar_task).await {
        Ok(Ok(Ok(()))) => {}
        Ok(Ok(Err(e))) => println!("   sidecar stopped with an error: {e}"),
        Ok(Err(e)) => println!("   sidecar task failed: {e}"),
        Err(_) => println!("   sidecar did not stop within 3 s"),
    }
    let _ = stop_emulator.send(());
    match tokio::time::timeout(Duration::from_secs(3), emulator_task).await {
        Ok(Ok(Ok(()))) => {}
        Ok(Ok(Err(e))) => println!("   emulator stopped with an error: {e}"),
        Ok(Err(e)) => println!("   emulator task failed: {e}"),
        Err(_) => println!("   emulator did not stop within 3 s"),
    }
    failures
}

/// Peak resident set size of this process in kB, from `VmHWM` in `/proc/self/status`.
fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))?
        .trim()
        .strip_suffix("kB")?
        .trim()
        .parse()
        .ok()
}

/// `kib` as MiB, one decimal.
fn mib(kib: u64) -> String {
    format!("{:.1} MiB", kib as f64 / 1024.0)
}
