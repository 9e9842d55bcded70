//! h2load (Debian's `nghttp2-client`) as the load generator: a run's command, its
//! summary, and the per-request latencies of its `--log-file` (h2load itself prints no
//! percentiles).

use std::{path::Path, process::Command, time::Duration};

use super::process::{Error, percentile};

/// One h2load run: `requests` in all over `clients` HTTP/2 connections, each with up to
/// `streams` in flight, at `rate` requests/s in all (`None`: as fast as they answer).
pub struct Load<'a> {
    /// Full URL of the one path requested.
    pub url: &'a str,
    /// The POST body, as a file.
    pub body: &'a Path,
    /// Extra request headers.
    pub headers: &'a [&'a str],
    pub requests: u64,
    pub clients: u64,
    pub streams: u64,
    pub rate: Option<f64>,
    /// `taskset -c` for h2load, if any.
    pub core: Option<usize>,
}

/// What a run measured.
#[derive(Debug, Default)]
pub struct Outcome {
    /// Requests answered with HTTP status 2xx.
    pub succeeded: u64,
    /// Requests that failed, errored or timed out, or answered other than 2xx.
    pub failed: u64,
    /// Wall time of the run, as h2load reports it.
    pub elapsed: Duration,
    /// Every request's latency (send to end of response), sorted.
    pub latencies: Vec<Duration>,
}

impl Outcome {
    /// Completed requests per second.
    pub fn rate(&self) -> f64 {
        self.succeeded as f64 / self.elapsed.as_secs_f64()
    }

    /// The latency at percentile `p` in (0, 1], in milliseconds.
    pub fn ms(&self, p: f64) -> f64 {
        percentile(&self.latencies, p).as_secs_f64() * 1e3
    }
}

impl Load<'_> {
    /// Runs h2load, its per-request log in `log`.
    pub fn run(&self, log: &Path) -> Result<Outcome, Error> {
        let mut cmd = match self.core {
            Some(core) => {
                let mut cmd = Command::new("taskset");
                cmd.args(["-c", &core.to_string(), "h2load"]);
                cmd
            }
            None => Command::new("h2load"),
        };
        cmd.args(["-n", &self.requests.to_string()]);
        cmd.args(["-c", &self.clients.to_string()]);
        cmd.args(["-m", &self.streams.to_string()]);
        if let Some(rate) = self.rate {
            cmd.arg(format!("--rps={}", rate / self.clients as f64));
        }
        for header in self.headers {
            cmd.args(["-H", header]);
        }
        // h2load appends to its log file.
        let _ = std::fs::remove_file(log);
        cmd.arg("-d").arg(self.body).arg("--log-file").arg(log);
        let output = cmd.arg(self.url).output()?;
        let text = String::from_utf8_lossy(&output.stdout);
        if !output.status.success() {
            let stderr = String::from_utf8_lossy(&output.stderr);
            return Err(format!("{cmd:?}: {}\n{text}{stderr}", output.status).into());
        }
        let mut outcome = summary(&text).ok_or_else(|| format!("h2load said:\n{text}"))?;
        let log = std::fs::read_to_string(log)?;
        for line in log.lines() {
            let mut columns = line.split('\t').skip(1);
            let status: u16 = columns.next().ok_or("short log line")?.parse()?;
            let micros: u64 = columns.next().ok_or("short log line")?.parse()?;
            if (200..300).contains(&status) {
                outcome.latencies.push(Duration::from_micros(micros));
            }
        }
        outcome.latencies.sort_unstable();
        Ok(outcome)
    }
}

/// The counts and time from h2load's summary: `finished in 10.00s, ...`,
/// `requests: N total, ...` and `status codes: A 2xx, ...`.
fn summary(text: &str) -> Option<Outcome> {
    let line = |prefix: &str| text.lines().find_map(|l| l.strip_prefix(prefix));
    let count = |line: &str, what: &str| -> Option<u64> {
        let words: Vec<&str> = line.split([',', ' ']).collect();
        let at = words.iter().position(|w| *w == what)?;
        words[at - 1].parse().ok()
    };
    let finished = line("finished in ")?.split(',').next()?;
    let elapsed = match finished.strip_suffix("ms") {
        Some(ms) => Duration::from_secs_f64(ms.parse::<f64>().ok()? / 1e3),
        None => Duration::from_secs_f64(finished.strip_suffix('s')?.parse().ok()?),
    };
    let total = count(line("requests: ")?, "total")?;
    let ok = count(line("status codes: ")?, "2xx")?;
    Some(Outcome {
        succeeded: ok,
        failed: total - ok,
        elapsed,
        latencies: Vec::new(),
    })
}
