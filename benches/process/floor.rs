//! The floor: one RSA-2048 PKCS#1 v1.5 SHA-256 signature by the active backend, single
//! thread, timed in a child process pinned to the sidecar's core, with `openssl speed`
//! on the same core beside it.
//!
//! Measured back to back, and also paced at each fixed rate of the load: on an idle
//! (virtual) core a signature every 10 ms costs far more CPU than one in a tight loop
//! (caches and clocks gone cold), and a sidecar at 100 calls/s pays that too.

use std::{
    hint::black_box,
    process::{Command, ExitCode},
    time::{Duration, Instant},
};

use antom_sidecar::keys::GeneratedKeyPair;

use crate::common::{
    self,
    process::{Error, percentile},
};

/// One measurement of the floor, in µs.
#[derive(Debug)]
pub struct Floor {
    /// Mean time of a signature by the active backend.
    pub sign: f64,
    pub sign_p50: f64,
    pub sign_p99: f64,
    /// Mean time of a verification (of Antom's answer, in the sidecar).
    pub verify: f64,
    /// `openssl speed rsa2048`'s time per signature.
    pub openssl: f64,
    /// CPU per signature when paced at each rate (signatures/s).
    pub paced: Vec<(f64, f64)>,
}

/// Measures the floor on `core`, for 3 s (`quick`: 1 s) of signing back to back and as
/// much at each of `rates`.
pub fn measure(core: usize, quick: bool, rates: &[f64]) -> Result<Floor, Error> {
    let seconds = if quick { "1" } else { "3" };
    let child = |rate| run(core, seconds, rate);
    let [sign, sign_p50, sign_p99, verify] = child(None)?[..] else {
        return Err("--floor printed other than 4 figures".into());
    };
    let mut paced = Vec::new();
    for &rate in rates {
        paced.push((rate, child(Some(rate))?[0]));
    }
    let mut cmd = Command::new("taskset");
    cmd.args([
        "-c",
        &core.to_string(),
        "openssl",
        "speed",
        "-seconds",
        seconds,
        "rsa2048",
    ]);
    let text = String::from_utf8(cmd.output()?.stdout)?;
    // `rsa 2048 bits 0.000802s 0.000024s ...`: the first figure is a signature's time.
    let openssl = text
        .lines()
        .find_map(|l| {
            l.split_once(" bits ")
                .filter(|(rsa, _)| rsa.starts_with("rsa"))
        })
        .and_then(|(_, figures)| {
            figures
                .split_whitespace()
                .next()?
                .strip_suffix('s')?
                .parse::<f64>()
                .ok()
        })
        .ok_or_else(|| format!("{cmd:?} said {text:?}"))?;
    Ok(Floor {
        sign,
        sign_p50,
        sign_p99,
        verify,
        openssl: openssl * 1e6,
        paced,
    })
}

/// The figures of `--floor SECONDS [RATE]` run on `core`.
pub fn run(core: usize, seconds: &str, rate: Option<f64>) -> Result<Vec<f64>, Error> {
    let mut cmd = Command::new("taskset");
    cmd.args(["-c", &core.to_string()])
        .arg(std::env::current_exe()?);
    cmd.args(["--floor", seconds])
        .args(rate.map(|r| r.to_string()));
    let text = String::from_utf8(cmd.output()?.stdout)?;
    let figures = (text.strip_prefix("floor ")).ok_or_else(|| format!("{cmd:?} said {text:?}"))?;
    Ok(figures
        .split_whitespace()
        .map(str::parse)
        .collect::<Result<_, _>>()?)
}

/// `--floor SECONDS [RATE]`: signs a real request's content for that long, back to back
/// or RATE a second, then verifies for a quarter of it; prints `floor CPU P50 P99
/// VERIFY` in µs: CPU per signature (this thread's run time, from
/// `/proc/thread-self/schedstat`), the wall time of the median and p99 signature, and
/// CPU per verification.
pub fn child(args: &[String]) -> ExitCode {
    let seconds = args.first().and_then(|s| s.parse::<f64>().ok());
    let rate = args.get(1).map(|s| s.parse::<f64>());
    let (Some(seconds), None | Some(Ok(_))) = (seconds, &rate) else {
        eprintln!("--floor SECONDS [RATE]");
        return ExitCode::FAILURE;
    };
    let gap = rate
        .and_then(Result::ok)
        .map(|r| Duration::from_secs_f64(1.0 / r));
    let pair = GeneratedKeyPair::generate();
    let (key, public) = (pair.signing_key(), pair.verifying_key());
    let content = common::content_to_sign();
    let limit = Duration::from_secs_f64(seconds);
    let mut times = Vec::new();
    let (started, cpu) = (Instant::now(), run_time());
    while started.elapsed() < limit {
        let t = Instant::now();
        black_box(key.sign_raw(black_box(&content)));
        times.push(t.elapsed());
        if let Some(gap) = gap {
            // Paced from the start, as a load generator at a fixed rate.
            let next = started + gap * times.len() as u32;
            std::thread::sleep(next.saturating_duration_since(Instant::now()));
        }
    }
    let mean = (run_time() - cpu) / times.len() as f64;
    times.sort_unstable();
    let us = |p| percentile(&times, p).as_secs_f64() * 1e6;
    let signature = key.sign_raw(&content);
    let (mut verified, started, cpu) = (0u32, Instant::now(), run_time());
    while started.elapsed() < limit / 4 {
        verified += u32::from(public.verify_raw(black_box(&content), &signature));
    }
    let verify = (run_time() - cpu) / f64::from(verified.max(1));
    println!("floor {mean:.1} {:.1} {:.1} {verify:.1}", us(0.5), us(0.99));
    ExitCode::SUCCESS
}

/// This thread's time on a CPU so far, in µs (0 if unknown).
fn run_time() -> f64 {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").unwrap_or_default();
    let nanos = stat
        .split_whitespace()
        .next()
        .and_then(|n| n.parse::<f64>().ok());
    nanos.unwrap_or(0.0) / 1e3
}
