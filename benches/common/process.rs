//! Child processes for the process-level benchmarks: started with their output in a
//! file, killed when dropped, and their CPU time and memory read from `/proc`.

use std::{
    fs::File,
    path::Path,
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

/// What the benchmarks' helpers return on failure.
pub type Error = Box<dyn std::error::Error>;

/// Kills and reaps the child when dropped, so that no run leaves a process behind.
pub struct Killed(pub Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

impl Killed {
    /// User + system CPU time in clock ticks (10 ms each, `USER_HZ` 100): fields 14 and
    /// 15 of `/proc/PID/stat`, counted from the state (field 3, after the name's `)`).
    pub fn cpu_ticks(&self) -> Result<u64, Error> {
        let stat = std::fs::read_to_string(format!("/proc/{}/stat", self.0.id()))?;
        let fields = stat.rsplit_once(')').ok_or("no ')' in /proc/PID/stat")?.1;
        let mut fields = fields.split_whitespace().skip(11);
        let mut next = || fields.next().ok_or("short /proc/PID/stat");
        Ok(next()?.parse::<u64>()? + next()?.parse::<u64>()?)
    }

    /// A memory figure of `/proc/PID/status` in KiB: `VmRSS` (now) or `VmHWM` (peak).
    pub fn memory_kib(&self, field: &str) -> Result<u64, Error> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.0.id()))?;
        let line = status
            .lines()
            .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'));
        let kib = line.ok_or_else(|| format!("no {field} in /proc/PID/status"))?;
        Ok(kib.trim().trim_end_matches(" kB").parse()?)
    }
}

/// Starts `cmd` with its output in `log`; returns once a line of it contains `marker`,
/// with that line. The log is read every millisecond, so that the wait also times the
/// start-up.
pub fn start(cmd: &mut Command, log: &Path, marker: &str) -> Result<(Killed, String), Error> {
    let out = File::create(log)?;
    let cmd = cmd.stdin(Stdio::null()).stdout(out.try_clone()?);
    let mut child = Killed(cmd.stderr(out).spawn()?);
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(30) {
        let text = std::fs::read_to_string(log)?;
        if let Some(line) = text.lines().find(|l| l.contains(marker)) {
            return Ok((child, line.to_owned()));
        }
        if let Some(status) = child.0.try_wait()? {
            return Err(format!("{cmd:?} exited ({status}):\n{text}").into());
        }
        std::thread::sleep(Duration::from_millis(1));
    }
    Err(format!("no {marker:?} from {cmd:?} in 30 s").into())
}

/// The value of `key=` in a log line's fields.
pub fn field<'a>(line: &'a str, key: &str) -> Option<&'a str> {
    line.split_whitespace()
        .find_map(|w| w.strip_prefix(key)?.strip_prefix('='))
}

/// Median of `values` (not empty).
pub fn median(values: &[f64]) -> f64 {
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    (v[(v.len() - 1) / 2] + v[v.len() / 2]) / 2.0
}

/// Nearest-rank percentile of sorted `values`, `p` in (0, 1].
pub fn percentile<T: Copy + Default>(values: &[T], p: f64) -> T {
    let rank = (p * values.len() as f64).ceil() as usize;
    values.get(rank.max(1) - 1).copied().unwrap_or_default()
}
