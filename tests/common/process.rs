//! The `antom-sidecar` binary as a child process: started with exactly the environment
//! given, read for the line that says it is ready, stopped with SIGTERM.

use std::{
    io::{BufRead, BufReader},
    process::{Child, Command, ExitStatus},
    sync::mpsc,
    time::Duration,
};

pub const BIN: &str = env!("CARGO_BIN_EXE_antom-sidecar");

/// The binary with `args` and only `env`, plus an admin listener on a free port (so
/// that tests running at once do not contend for port 9464) unless `env` names one.
pub fn sidecar(args: &[&str], env: &[(&str, &str)]) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.env_clear()
        .args(args)
        .env("SIDECAR_ADMIN_LISTEN", "127.0.0.1:0")
        .envs(env.iter().copied());
    cmd
}

/// Every line of `stream`, as it comes; a thread keeps draining the pipe, even once
/// nobody listens, so the child never writes into a full one.
pub fn read_lines(stream: impl std::io::Read + Send + 'static) -> mpsc::Receiver<String> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stream).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    rx
}

/// The next line containing `marker`; the process must print it within 30 s, however
/// many other lines it prints meanwhile.
pub fn wait_for(lines: &mpsc::Receiver<String>, marker: &str) -> String {
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    loop {
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        match lines.recv_timeout(left) {
            Ok(line) if line.contains(marker) => return line,
            Ok(_) => {}
            Err(e) => panic!("no line with {marker:?} within 30 s: {e}"),
        }
    }
}

/// Reads the child's output until a line containing `marker` and returns that line.
pub fn wait_for_line(stream: impl std::io::Read + Send + 'static, marker: &str) -> String {
    wait_for(&read_lines(stream), marker)
}

/// A child process killed when the test ends, even by a panic.
pub struct Running(pub Option<Child>);

impl Drop for Running {
    fn drop(&mut self) {
        if let Some(child) = &mut self.0 {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// Sends SIGTERM and waits for a clean exit, off the runtime thread so that open gRPC
/// connections keep being served (the server drains them).
pub async fn terminate(running: Running) {
    let (status, _) = sigterm(running).await;
    assert!(
        status.success(),
        "SIGTERM ends the process cleanly: {status:?}"
    );
}

/// The address in "... on http://127.0.0.1:1234 ..." or "gRPC on 127.0.0.1:1234,".
pub fn address_after(line: &str, prefix: &str) -> String {
    let rest = &line[line.find(prefix).expect(prefix) + prefix.len()..];
    rest.split(|c: char| c.is_whitespace() || c == ',')
        .next()
        .expect("address")
        .to_owned()
}

/// Sends SIGTERM and returns the exit status and how long the process took to exit.
pub async fn sigterm(mut running: Running) -> (ExitStatus, std::time::Duration) {
    let mut child = running.0.take().expect("running");
    tokio::task::spawn_blocking(move || {
        let sent = std::time::Instant::now();
        Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .status()
            .expect("kill");
        (child.wait().expect("wait"), sent.elapsed())
    })
    .await
    .expect("join")
}

/// A `serve` child that said it serves: its stderr lines from then on, what it printed
/// before, and the start-up line (its address: `listen=`).
pub struct Serving {
    pub running: Running,
    pub lines: mpsc::Receiver<String>,
    pub earlier: Vec<String>,
    pub ready: String,
}

impl Serving {
    /// The gRPC address from the start-up line.
    pub fn addr(&self) -> String {
        address_after(&self.ready, "listen=")
    }
}

/// Starts `serve` with only `env` and reads its stderr until "antom-sidecar serving";
/// `Err` with what it printed if it stopped first (or was silent 30 s).
pub fn start_serve(env: &[(&str, &str)]) -> Result<Serving, String> {
    let mut child = sidecar(&["serve"], env)
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("serve");
    let lines = read_lines(child.stderr.take().expect("stderr"));
    let running = Running(Some(child));
    let mut earlier = Vec::new();
    while let Ok(line) = lines.recv_timeout(Duration::from_secs(30)) {
        if line.contains("antom-sidecar serving") {
            return Ok(Serving {
                running,
                lines,
                earlier,
                ready: line,
            });
        }
        earlier.push(line);
    }
    Err(earlier.join("\n"))
}
