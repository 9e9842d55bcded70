//! Burst benchmark: the sidecar's open file descriptors and RSS before, during and after
//! a burst of concurrent calls, measured on the release binary run as its own process,
//! so that the numbers are the sidecar's alone.
//!
//! ```text
//! cargo build --release         # the binary under test (`cargo bench` builds it too)
//! cargo bench --bench burst     # 2000 calls, 10 s after-window: about 20 s in all
//! cargo bench --bench burst -- --calls 500 --connections 8 --idle-secs 130
//! ```
//!
//! The binary is `$ANTOM_SIDECAR_BIN`, else Cargo's own build of it next to this bench
//! (`target/release/antom-sidecar`). Two children are started on `127.0.0.1:0`, their
//! addresses read from their output: `antom-sidecar emulator` (fresh keys in a temporary
//! directory) and `antom-sidecar serve` pointed at it, each with only the environment
//! set here. Both are killed at the end, on panic too.
//!
//! 1. **Baseline**: one call per gRPC connection, then the sidecar's `VmRSS` and its
//!    count of `/proc/PID/fd` entries.
//! 2. **Burst**: `--calls` calls (default 2000) at once over `--connections` HTTP/2
//!    connections (default 16: hyper's server takes 200 streams per connection, so fewer
//!    would queue calls here). Each ID starts `emu-delay-1500-`, so the emulator holds
//!    every call 1.5 s and all are in flight together. RSS and fds are sampled every
//!    100 ms for their peak; outcomes are counted by gRPC code.
//! 3. **After**: once all have answered, samples at +1 s, +5 s, then every 10 s up to
//!    `--idle-secs` (default 10), and when fds first came back near the baseline.
//!
//! Over plain http:// each call in flight holds its own HTTP/1.1 connection upstream, so
//! peak fds ≈ calls in flight. Those connections then idle in reqwest's pool, which
//! drops them 20 s after their last use at the earliest and, as its reaper runs once a
//! period, up to 40 s after: fds (and the RSS they hold) come down in a window of
//! `--idle-secs 50`. RESOURCE_EXHAUSTED answers (a concurrency limit) are reported, not
//! failures; any other error makes the benchmark exit non-zero.

use std::{
    collections::BTreeMap,
    io::{BufRead, BufReader, Read},
    path::PathBuf,
    process::{Child, Command, ExitCode, Stdio},
    sync::mpsc::{self, Sender},
    time::{Duration, Instant},
};

use antom_sidecar::pb::{self, risk_service_client::RiskServiceClient};
use tokio::task::JoinSet;
use tonic::{Code, transport::Channel};

/// How long the emulator holds each burst call.
const DELAY_MS: u64 = 1500;
/// Sampling period during and after the burst.
const TICK: Duration = Duration::from_millis(100);
/// fds this close to the baseline count as back down.
const FD_SLACK: usize = 4;

type Error = Box<dyn std::error::Error>;
/// Takes an address from a line of a child's output.
type Find = fn(&str) -> Option<String>;

/// Kills and reaps the child when dropped, so that no run leaves a process behind.
struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// One reading of a process: resident memory and open descriptors.
#[derive(Clone, Copy)]
struct Sample {
    rss_kib: u64,
    fds: usize,
}

impl Sample {
    fn of(pid: u32) -> Result<Self, Error> {
        let gone = |e| format!("sidecar (pid {pid}) gone: {e}");
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).map_err(gone)?;
        let rss_kib = status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:")?.trim().strip_suffix("kB"))
            .and_then(|kib| kib.trim().parse().ok())
            .ok_or("no VmRSS in /proc/PID/status")?;
        let fds = std::fs::read_dir(format!("/proc/{pid}/fd"))
            .map_err(gone)?
            .count();
        Ok(Self { rss_kib, fds })
    }

    fn print(&self, label: &str) {
        let mib = self.rss_kib as f64 / 1024.0;
        println!("{label:<16} {mib:>9.1} {:>7}", self.fds);
    }
}

/// The flags.
struct Opts {
    calls: usize,
    conns: usize,
    idle: u64,
}

fn main() -> ExitCode {
    run().unwrap_or_else(|e| {
        eprintln!("burst: {e}");
        ExitCode::FAILURE
    })
}

/// Starts `cmd` and returns once `find` takes an address from a line of its output.
fn start(cmd: &mut Command, find: Find) -> Result<(Killed, String), Error> {
    let cmd = cmd.stdin(Stdio::null()).stdout(Stdio::piped());
    let mut child = Killed(cmd.stderr(Stdio::piped()).spawn()?);
    let (tx, rx) = mpsc::channel();
    drain(child.0.stdout.take(), false, find, tx.clone());
    drain(child.0.stderr.take(), true, find, tx);
    // Returns as soon as the child prints its address, or exits without doing so.
    let addr = rx.recv_timeout(Duration::from_secs(30));
    Ok((child, addr.map_err(|_| format!("no address from {cmd:?}"))?))
}

/// Reads `pipe` to its end on a thread, sending what `find` takes from a line and passing
/// other lines on to stderr if `forward` (the children's stderr: warnings only).
fn drain(pipe: Option<impl Read + Send + 'static>, forward: bool, find: Find, tx: Sender<String>) {
    let Some(pipe) = pipe else { return };
    std::thread::spawn(move || {
        for line in BufReader::new(pipe).lines().map_while(Result::ok) {
            match find(&line) {
                Some(addr) => drop(tx.send(addr)),
                None if forward => eprintln!("{line}"),
                None => {}
            }
        }
    });
}

fn run() -> Result<ExitCode, Error> {
    let mut o = Opts {
        calls: 2000,
        conns: 16,
        idle: 10,
    };
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let mut value = || args.next().ok_or(format!("{flag} needs a value"));
        match flag.as_str() {
            "--calls" => o.calls = value()?.parse()?,
            "--connections" => o.conns = value()?.parse::<usize>()?.max(1),
            "--idle-secs" => o.idle = value()?.parse::<u64>()?.max(1),
            "--bench" => {} // from `cargo bench`
            _ => return Err(format!("{flag}? (--calls, --connections, --idle-secs)").into()),
        }
    }
    let bin = std::env::var_os("ANTOM_SIDECAR_BIN").map(PathBuf::from);
    let bin = bin.unwrap_or_else(|| env!("CARGO_BIN_EXE_antom-sidecar").into());
    if !bin.is_file() {
        let hint = "run `cargo build --release` first, or set ANTOM_SIDECAR_BIN";
        return Err(format!("{} not found: {hint}", bin.display()).into());
    }
    let keys = tempfile::tempdir()?;
    let dir = keys.path().display().to_string();
    let mut emulator = Command::new(&bin);
    emulator.env_clear().env("RUST_LOG", "warn");
    emulator.args(["emulator", "--listen", "127.0.0.1:0", "--keys-dir", &dir]);
    let (_emulator, endpoint) = start(&mut emulator, |line| {
        line.strip_prefix("Antom emulator on ").map(str::to_owned)
    })?;
    let mut serve = Command::new(&bin);
    serve.env_clear().arg("serve");
    serve.env("ANTOM_ENDPOINT", endpoint);
    serve.env("ANTOM_CLIENT_ID", "SANDBOX_EMULATOR");
    let merchant_key = format!("{dir}/merchant_private_key.pem");
    serve.env("ANTOM_MERCHANT_PRIVATE_KEY_FILE", merchant_key);
    serve.env(
        "ANTOM_PUBLIC_KEY_FILE",
        format!("{dir}/antom_public_key.pem"),
    );
    serve.env("SIDECAR_LISTEN", "127.0.0.1:0");
    serve.env("SIDECAR_ADMIN_LISTEN", "127.0.0.1:0");
    serve.env("SIDECAR_LOG_FORMAT", "json");
    serve.env("RUST_LOG", "warn,antom_sidecar::commands::serve=info");
    let (sidecar, listen) = start(&mut serve, |line| {
        let log: serde_json::Value = serde_json::from_str(line).ok()?;
        let listen = log["listen"].as_str().map(str::to_owned);
        (log["message"] == "antom-sidecar serving").then_some(listen)?
    })?;
    let pid = sidecar.0.id();
    let (calls, conns) = (o.calls, o.conns);
    println!("burst: {calls} calls over {conns} connections, each held {DELAY_MS} ms upstream");
    println!("sidecar: {} (pid {pid})", bin.display());
    let rt = tokio::runtime::Runtime::new()?;
    rt.block_on(measure(pid, &format!("http://{listen}"), o))
}

async fn call(mut client: RiskServiceClient<Channel>, id: String) -> Result<(), tonic::Status> {
    let request = pb::SendPaymentResultRequest {
        reference_transaction_id: id,
        payment_status: pb::PaymentStatus::Success.into(),
        payment_method_provider: "VISA".into(),
        ..Default::default()
    };
    client.send_payment_result(request).await.map(drop)
}

async fn measure(pid: u32, url: &str, o: Opts) -> Result<ExitCode, Error> {
    let Opts { calls, conns, idle } = o;
    let mut clients = Vec::with_capacity(conns);
    for i in 0..conns {
        let client = RiskServiceClient::connect(url.to_owned()).await?;
        call(client.clone(), format!("burst-warm-{i}")).await?;
        clients.push(client);
    }
    let baseline = Sample::of(pid)?;

    let start = Instant::now();
    let mut tasks = JoinSet::new();
    for i in 0..calls {
        let id = format!("emu-delay-{DELAY_MS}-burst-{i}");
        tasks.spawn(call(clients[i % conns].clone(), id));
    }
    let (mut peak, mut outcomes) = (baseline, BTreeMap::<String, usize>::new());
    let mut tick = tokio::time::interval(TICK);
    while !tasks.is_empty() {
        tokio::select! {
            Some(done) = tasks.join_next() => {
                let outcome = match done {
                    Ok(Ok(())) => "OK".to_owned(),
                    Ok(Err(status)) => format!("{:?}", status.code()),
                    Err(e) => format!("task failed: {e}"),
                };
                *outcomes.entry(outcome).or_default() += 1;
            }
            _ = tick.tick() => {
                let s = Sample::of(pid)?;
                peak = Sample { rss_kib: peak.rss_kib.max(s.rss_kib), fds: peak.fds.max(s.fds) };
            }
        }
    }
    let burst = start.elapsed();

    println!("\n{:<16} {:>9} {:>7}", "", "RSS MiB", "fds");
    baseline.print("baseline");
    peak.print("peak (burst)");
    let marks = [1, 5].into_iter().chain((10..idle).step_by(10));
    let (mut last, mut back_at, start) = (baseline, None, Instant::now());
    for mark in marks.filter(|&m| m < idle).chain([idle]) {
        while start.elapsed() < Duration::from_secs(mark) {
            tick.tick().await;
            last = Sample::of(pid)?;
            if back_at.is_none() && last.fds <= baseline.fds + FD_SLACK {
                back_at = Some(start.elapsed());
            }
        }
        last.print(&format!("after +{mark} s"));
    }
    let rss_ratio = last.rss_kib as f64 / baseline.rss_kib as f64;
    let fds_ratio = last.fds as f64 / baseline.fds as f64;
    let label = "last/baseline";
    println!("{label:<16} {rss_ratio:>9.2} {fds_ratio:>7.2}");
    let back = back_at.map_or(format!("not within {idle} s"), |t| {
        format!("{:.1} s", t.as_secs_f64())
    });
    println!("fds back within {FD_SLACK} of baseline: {back} after the burst");
    print!("calls: {calls} answered in {:.2} s:", burst.as_secs_f64());
    let expected = ["OK".to_owned(), format!("{:?}", Code::ResourceExhausted)];
    let mut unexpected = 0;
    for (outcome, n) in &outcomes {
        print!(" {outcome} {n};");
        unexpected += if expected.contains(outcome) { 0 } else { *n };
    }
    println!("\nunexpected failures: {unexpected}");
    Ok(ExitCode::from(u8::from(unexpected > 0)))
}
