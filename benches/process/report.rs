//! What a run measured, printed as Markdown tables (pasted as is into `BENCHMARKS.md`),
//! the latency plot drawn by gnuplot, and the optional perf profile.

use std::{
    collections::BTreeMap,
    io::Write as _,
    path::{Path, PathBuf},
    process::{Command, Stdio},
    time::Duration,
};

use antom_sidecar::{emulator::iso8601_utc, signing};

use super::{Cores, Options, floor::Floor};
use crate::common::{
    h2load::Outcome,
    process::{Error, Killed, median},
};

/// Everything a run reports.
pub struct Report {
    date: String,
    machine: String,
    placement: String,
    binary: String,
    quick: bool,
    svg: PathBuf,
    pub floors: Vec<Floor>,
    pub startup: Duration,
    pub rss_idle_kib: u64,
    pub rss_peak_kib: u64,
    /// Unthrottled rounds: the floor just before, the outcome and CPU µs per call.
    pub rounds: Vec<(f64, Outcome, f64)>,
    /// Offered rate, outcome, CPU µs per call.
    pub fixed: Vec<(f64, Outcome, f64)>,
    /// Offered rate, via the sidecar, straight to the emulator.
    pub sweep: Vec<(f64, Outcome, Outcome)>,
    /// The emulator's `resultStatus` for the direct request.
    pub direct_answer: String,
    pub handled_not_ok: u64,
    pub profile: Option<String>,
}

impl Report {
    pub fn new(bin: &Path, cores: &Cores, options: &Options) -> Result<Self, Error> {
        let cpuinfo = std::fs::read_to_string("/proc/cpuinfo")?;
        let model = cpuinfo
            .lines()
            .find_map(|l| l.strip_prefix("model name")?.split_once(':'));
        let cpus = cpuinfo
            .lines()
            .filter(|l| l.starts_with("processor"))
            .count();
        let model = model.map_or("unknown CPU", |(_, m)| m.trim());
        let size = std::fs::metadata(bin)?.len() as f64 / (1 << 20) as f64;
        Ok(Self {
            date: iso8601_utc(std::time::SystemTime::now())[..10].to_owned(),
            machine: format!("{model}, {cpus} CPUs"),
            placement: format!(
                "h2load on CPU {}, emulator on CPU {}, sidecar on CPU {}",
                cores.load, cores.emulator, cores.sidecar
            ),
            binary: format!("{} ({size:.1} MiB, {})", bin.display(), signing::BACKEND),
            quick: options.quick,
            svg: options.svg.clone(),
            floors: Vec::new(),
            startup: Duration::ZERO,
            rss_idle_kib: 0,
            rss_peak_kib: 0,
            rounds: Vec::new(),
            fixed: Vec::new(),
            sweep: Vec::new(),
            direct_answer: String::new(),
            handled_not_ok: 0,
            profile: None,
        })
    }

    /// The floor the ratios divide by: the mean of the measurements before and after.
    fn floor(&self) -> f64 {
        self.floors.iter().map(|f| f.sign).sum::<f64>() / self.floors.len() as f64
    }

    /// The floor paced at `rate`: the mean of the measurements before and after.
    fn paced_floor(&self, rate: f64) -> f64 {
        let paced = (self.floors.iter().flat_map(|f| &f.paced)).filter(|(r, _)| *r == rate);
        let (sum, n) = paced.fold((0.0, 0), |(sum, n), (_, cpu)| (sum + cpu, n + 1));
        sum / f64::from(n)
    }

    /// Prints the report, draws the plot; whether every check passed.
    pub fn print_and_plot(self) -> Result<bool, Error> {
        let quick = if self.quick { " -- --quick" } else { "" };
        println!("### {} · `cargo bench --bench process{quick}`\n", self.date);
        println!("- machine: {}; {}", self.machine, self.placement);
        println!("- binary: {}\n", self.binary);
        println!(
            "| floor, µs | sign (CPU) | sign p50 | sign p99 | verify (CPU) | `openssl speed` sign | paced sign (CPU) |"
        );
        println!("|---|---|---|---|---|---|---|");
        for (f, when) in self
            .floors
            .iter()
            .zip(["before the load", "after the load"])
        {
            let Floor {
                sign,
                sign_p50,
                sign_p99,
                verify,
                openssl,
                ..
            } = f;
            let paced: Vec<_> = (f.paced.iter())
                .map(|(rate, cpu)| format!("{cpu:.0} at {rate:.0}/s"))
                .collect();
            let paced = paced.join(", ");
            println!(
                "| {when} | {sign:.0} | {sign_p50:.0} | {sign_p99:.0} | {verify:.1} | {openssl:.0} | {paced} |"
            );
        }
        let floor = self.floor();
        let floor_p99 = self.floors.iter().map(|f| f.sign_p99).fold(0.0, f64::max);
        println!("\nThe fixed rates below divide by {floor:.0} µs, the mean of both.\n");
        println!("| unthrottled round | floor just before, µs | calls/s | CPU µs/call | × floor |");
        println!("|---|---|---|---|---|");
        let mut ratios = Vec::new();
        for (i, (floor, o, cpu)) in self.rounds.iter().enumerate() {
            ratios.push(cpu / floor);
            let ratio = cpu / floor;
            println!(
                "| {} | {floor:.0} | {:.0} | {cpu:.0} | {ratio:.2} |",
                i + 1,
                o.rate()
            );
        }
        if ratios.is_empty() {
            return Err("no unthrottled round".into());
        }
        let rates: Vec<f64> = self.rounds.iter().map(|(_, o, _)| o.rate()).collect();
        let max = median(&rates);
        println!("\n| measure | value |\n|---|---|");
        let (idle, peak) = (mib(self.rss_idle_kib), mib(self.rss_peak_kib));
        println!(
            "| **CPU per call ÷ floor, unthrottled (median of rounds)** | **{:.2}×** |",
            median(&ratios)
        );
        println!("| calls/s on one sidecar core (median of rounds) | {max:.0} |");
        println!(
            "| start to SERVING | {:.1} ms |",
            self.startup.as_secs_f64() * 1e3
        );
        println!("| RSS idle · peak | {idle:.1} MiB · {peak:.1} MiB |");
        println!(
            "\n| offered calls/s | achieved | p50 ms | p90 ms | p99 ms | CPU µs/call | × floor | × paced floor |"
        );
        println!("|---|---|---|---|---|---|---|---|");
        for (rate, o, cpu) in &self.fixed {
            let (ratio, paced) = (cpu / floor, cpu / self.paced_floor(*rate));
            println!(
                "| {rate:.0} | {:.0} | {:.2} | {:.2} | {:.2} | {cpu:.0} | {ratio:.2} | {paced:.2} |",
                o.rate(),
                o.ms(0.5),
                o.ms(0.9),
                o.ms(0.99)
            );
        }
        if let Some((_, at_500, _)) = self.fixed.iter().find(|(rate, ..)| *rate == 500.0) {
            let p99 = at_500.ms(0.99) * 1e3;
            println!(
                "\np99 at 500/s is {:.2} ms: {:.1}× the floor's own p99 ({floor_p99:.0} µs).",
                p99 / 1e3,
                p99 / floor_p99
            );
        }
        println!(
            "\n| offered calls/s | sidecar: achieved | p50 ms | p99 ms | direct: achieved | p50 ms | p99 ms |"
        );
        println!("|---|---|---|---|---|---|---|");
        for (rate, s, d) in &self.sweep {
            println!(
                "| {rate:.0} | {:.0} | {:.2} | {:.2} | {:.0} | {:.2} | {:.2} |",
                s.rate(),
                s.ms(0.5),
                s.ms(0.99),
                d.rate(),
                d.ms(0.5),
                d.ms(0.99)
            );
        }
        if let Some(profile) = &self.profile {
            println!("\n{profile}");
        }
        self.plot(max)?;
        println!("\nplot: {}", self.svg.display());

        let outcomes = (self.fixed.iter().map(|(_, o, _)| o))
            .chain(self.sweep.iter().flat_map(|(_, s, d)| [s, d]))
            .chain(self.rounds.iter().map(|(_, o, _)| o));
        let failed: u64 = outcomes.map(|o| o.failed).sum();
        let checks = [
            (
                failed == 0,
                format!("h2load: {failed} requests without HTTP 200"),
            ),
            (
                self.handled_not_ok == 0,
                format!("sidecar: {} calls not OK", self.handled_not_ok),
            ),
            (
                self.direct_answer == "S",
                format!("direct call answered {:?}", self.direct_answer),
            ),
        ];
        let mut ok = true;
        for (passed, what) in checks {
            println!("check {}: {what}", if passed { "passed" } else { "FAILED" });
            ok &= passed;
        }
        Ok(ok)
    }

    /// p50 and p99 against the offered rate, sidecar and direct, as SVG.
    fn plot(&self, max: f64) -> Result<(), Error> {
        let mut script = String::from("$data << EOD\n");
        for (rate, s, d) in &self.sweep {
            let row = [s.ms(0.5), s.ms(0.99), d.ms(0.5), d.ms(0.99)].map(|v| format!("{v:.3}"));
            script.push_str(&format!("{rate:.0} {}\n", row.join(" ")));
        }
        script.push_str(&format!(
            "EOD
set terminal svg size 900,540 dynamic font 'sans,13' background '#ffffff'
set output '{svg}'
set title \"SendPaymentResult latency against offered rate · {date} · {machine}\" font 'sans,12'
set xlabel 'offered calls/s (h2load, fixed rate)'
set ylabel 'latency, ms (log scale)'
set logscale y
set grid
set key top left
set arrow from {max:.0}, graph 0 to {max:.0}, graph 1 nohead dashtype 2 linecolor rgb '#888888'
set label 'sidecar unthrottled: {max:.0}/s' at {max:.0}, graph 0.95 right offset -0.5,0 textcolor rgb '#555555'
plot $data using 1:2 with linespoints lw 2 pt 7 title 'via sidecar p50', \\
     $data using 1:3 with linespoints lw 2 pt 5 title 'via sidecar p99', \\
     $data using 1:4 with linespoints lw 2 pt 6 dashtype 3 title 'direct to emulator p50', \\
     $data using 1:5 with linespoints lw 2 pt 4 dashtype 3 title 'direct to emulator p99'
",
            svg = self.svg.display(),
            date = self.date,
            machine = self.machine,
        ));
        let mut gnuplot = Command::new("gnuplot").stdin(Stdio::piped()).spawn()?;
        gnuplot
            .stdin
            .take()
            .ok_or("no stdin")?
            .write_all(script.as_bytes())?;
        let status = gnuplot.wait()?;
        if !status.success() {
            return Err(format!("gnuplot: {status}").into());
        }
        Ok(())
    }
}

fn mib(kib: u64) -> f64 {
    kib as f64 / 1024.0
}

/// Records the sidecar with `perf record` (on `core`) during `load`; the summary: self
/// time by part, then the top symbols.
pub fn profile(
    sidecar: &Killed,
    core: usize,
    dir: &Path,
    load: impl FnOnce() -> Result<(), Error>,
) -> Result<String, Error> {
    let data = dir.join("perf.data");
    let mut perf = Command::new("taskset");
    perf.args([
        "-c",
        &core.to_string(),
        "perf",
        "record",
        "-F",
        "1999",
        "-o",
    ]);
    perf.arg(&data).args(["-p", &sidecar.0.id().to_string()]);
    let perf = Killed(perf.stdout(Stdio::null()).stderr(Stdio::null()).spawn()?);
    // perf needs a moment to attach; this is a profile, not a measurement.
    std::thread::sleep(Duration::from_millis(500));
    load()?;
    Command::new("kill")
        .args(["-INT", &perf.0.id().to_string()])
        .status()?;
    let mut perf = perf;
    perf.0.wait()?;
    let mut cmd = Command::new("perf");
    cmd.arg("report").arg("-i").arg(&data);
    cmd.args([
        "--stdio",
        "--no-children",
        "--sort",
        "dso,sym",
        "-g",
        "none",
        "--percent-limit",
        "0",
    ]);
    let text = String::from_utf8_lossy(&cmd.output()?.stdout).into_owned();
    let mut parts: BTreeMap<&str, f64> = BTreeMap::new();
    let mut top = Vec::new();
    let mut samples = "";
    for line in text.lines() {
        if let Some(count) = line.strip_prefix("# Samples: ") {
            samples = count.split_whitespace().next().unwrap_or("");
        }
        let mut words = line.split_whitespace();
        let (Some(percent), Some(dso), Some(_)) = (words.next(), words.next(), words.next()) else {
            continue;
        };
        let Some(Ok(percent)) = percent.strip_suffix('%').map(str::parse::<f64>) else {
            continue;
        };
        let symbol = words.collect::<Vec<_>>().join(" ");
        *parts.entry(part(dso, &symbol)).or_default() += percent;
        if top.len() < 25 {
            top.push(format!(
                "| {percent:.1}% | {} |",
                symbol.replace('|', "\\|")
            ));
        }
    }
    let mut parts: Vec<_> = parts.into_iter().collect();
    parts.sort_by(|a, b| b.1.total_cmp(&a.1));
    let mut out = format!(
        "Profile (`perf record -F 1999`, {samples} samples, self time):\n\n| part | share |\n|---|---|\n"
    );
    for (part, share) in parts {
        out.push_str(&format!("| {part} | {share:.1}% |\n"));
    }
    out.push_str("\n| self | top symbols |\n|---|---|\n");
    out.push_str(&top.join("\n"));
    Ok(out)
}

/// The part of the sidecar a sampled symbol belongs to.
fn part(dso: &str, symbol: &str) -> &'static str {
    let has = |needles: &[&str]| needles.iter().any(|n| symbol.contains(n));
    if dso.contains("kernel") {
        "kernel (sockets, scheduling)"
    } else if has(&[
        "bn_", "BN_", "rsa", "RSA", "mont", "mulx", "sqrx", "sqr8x", "mul4x", "sha256", "SHA256",
    ]) {
        "RSA sign + verify, SHA-256 (aws-lc)"
    } else if has(&["aws_lc", "aws-lc"]) {
        "aws-lc, other"
    } else if has(&[
        "malloc", "free", "realloc", "calloc", "memcpy", "memmove", "memset", "rjem", "je_",
        "sdallocx",
    ]) {
        "allocator, memcpy"
    } else if has(&["tokio"]) {
        "tokio"
    } else if has(&["hyper", "h2::"]) {
        "hyper, h2"
    } else if has(&["tonic", "prost"]) {
        "tonic, prost"
    } else if has(&["reqwest"]) {
        "reqwest"
    } else if has(&["serde"]) {
        "serde_json"
    } else if has(&["tracing"]) {
        "tracing"
    } else if has(&["prometheus"]) {
        "prometheus-client"
    } else if has(&["antom_sidecar"]) {
        "antom-sidecar's own code"
    } else if has(&[
        "http::",
        "bytes::",
        "url::",
        "idna",
        "httparse",
        "percent_encoding",
    ]) {
        "http, bytes, url types"
    } else if has(&["core::", "alloc::", "std::"]) {
        "Rust core, alloc, std"
    } else if dso.contains("libc") {
        "libc, other"
    } else {
        "other"
    }
}
