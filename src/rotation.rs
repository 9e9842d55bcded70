//! Reloading without restart: the key files, and the gRPC listener's TLS files. They
//! are read every interval and compared, by digest, with what is in force. Reading each
//! path anew follows a Kubernetes Secret's `..data` symlink, which the kubelet swaps in
//! one step and which watchers of the files themselves miss; a plain edit is seen too.
//!
//! A change is loaded whole, by the rules of start-up, then put in force at once: calls
//! in flight finish with what they started with. A set that fails keeps what is in force,
//! is logged (naming the file, never key bytes), counted, and said by `/readyz`, which
//! stays 200: one bad Secret must not take every pod out of service.

mod watched;

use std::{future::Future, path::Path, sync::Arc, time::Duration};

use tracing::{info, warn};
use zeroize::Zeroizing;

pub(crate) use watched::{KeyReload, TlsReload};

use crate::{
    grpc::Health,
    metrics::{Metrics, RELOAD_FAILURE, RELOAD_SUCCESS},
};

/// [`Reload::WHAT`] of the keys.
pub(crate) const KEY: &str = "key";
/// [`Reload::WHAT`] of the gRPC listener's TLS.
pub(crate) const TLS: &str = "TLS";

/// Files that load into one thing, put in force as a whole.
pub(crate) trait Reload: Send + Sync + 'static {
    /// What it is, in logs, on `/readyz` and in the metrics: [`KEY`] or [`TLS`].
    const WHAT: &'static str;
    /// What the files load into.
    type Set: Send + 'static;
    /// Each file, with the setting that named it.
    fn files(&self) -> Vec<(&'static str, &Path)>;
    /// Reads and checks the files whole: every problem, each naming its setting.
    fn load(&self) -> Result<Self::Set, Vec<String>>;
    /// Puts `set` in force; what is in force now, for the log.
    fn apply(&self, set: Self::Set) -> Result<String, String>;
}

/// What files hold, one SHA-256 per file (`None`: unreadable): enough to tell that they
/// changed, without keeping key bytes around.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileDigests(Vec<Option<[u8; 32]>>);

/// What `files` hold now; each path is opened anew.
pub(crate) fn digests(files: &[(&'static str, &Path)]) -> FileDigests {
    let digest = |path: &Path| {
        let bytes = Zeroizing::new(std::fs::read(path).ok()?);
        let digest = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, &bytes);
        digest.as_ref().try_into().ok()
    };
    FileDigests(files.iter().map(|(_, path)| digest(path)).collect())
}

/// How long a change must hold before it is read: a writer that is not atomic (an
/// editor, `cp`) is given time to finish.
const SETTLE: Duration = Duration::from_millis(100);

/// Watches the files of one [`Reload`].
pub(crate) struct Watch<R> {
    reload: Arc<R>,
    /// What the files held when what is in force was loaded.
    in_force: FileDigests,
    metrics: Metrics,
    health: Health,
}

/// What one look at the files found.
enum Change {
    /// The files hold what is in force (again, if a bad update was undone).
    InForce,
    /// Nothing new: the files hold a set already refused.
    None,
    /// The files changed while being read: look again at the next tick.
    Unsettled,
    /// A new set, now in force.
    Loaded(FileDigests),
    /// A new set that was refused (and said why).
    Refused(FileDigests),
}

impl<R: Reload> Watch<R> {
    /// Watches `reload`'s files, which held `in_force` when what is in force was loaded;
    /// counts in `metrics`, warns through `health`.
    pub(crate) fn new(
        reload: R,
        in_force: FileDigests,
        metrics: &Metrics,
        health: &Health,
    ) -> Self {
        Self {
            reload: Arc::new(reload),
            in_force,
            metrics: metrics.clone(),
            health: health.clone(),
        }
    }

    /// Looks at the files every `interval` until `shutdown`.
    pub(crate) async fn run(mut self, interval: Duration, shutdown: impl Future<Output = ()>) {
        let files = self.files();
        if files.is_empty() {
            return;
        }
        info!(what = R::WHAT, %files, ?interval, "watching files for changes");
        let mut refused: Option<FileDigests> = None;
        let mut ticks = tokio::time::interval(interval);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        tokio::pin!(shutdown);
        loop {
            tokio::select! {
                _ = ticks.tick() => {}
                () = &mut shutdown => return,
            }
            // Raced with the shutdown too: a read that blocks (a hung mount) must not
            // hold up the exit.
            let change = tokio::select! {
                change = self.look(refused.as_ref()) => change,
                () = &mut shutdown => return,
            };
            match change {
                Change::None | Change::Unsettled => {}
                // A set refused before counts again if it comes back after this.
                Change::InForce => refused = None,
                Change::Loaded(files) => {
                    self.in_force = files;
                    refused = None;
                }
                Change::Refused(files) => refused = Some(files),
            }
        }
    }

    /// Reads the files and, if they changed and hold still, loads and applies them.
    async fn look(&self, refused: Option<&FileDigests>) -> Change {
        let now = self.blocking(|r| digests(&r.files())).await;
        if now == self.in_force {
            // Back to what is in force (a bad update undone): nothing to warn about.
            self.health.set_reload_warning(R::WHAT, None);
            return Change::InForce;
        }
        if refused == Some(&now) {
            return Change::None;
        }
        tokio::time::sleep(SETTLE).await;
        let (loaded, after) = self.blocking(|r| (r.load(), digests(&r.files()))).await;
        if after != now {
            return Change::Unsettled;
        }
        match loaded.and_then(|set| self.reload.apply(set).map_err(|e| vec![e])) {
            // Counted and told to /readyz before the log line, so that whoever reads the
            // line finds them up to date.
            Ok(in_force) => {
                self.metrics.reloaded(R::WHAT, RELOAD_SUCCESS);
                self.health.set_reload_warning(R::WHAT, None);
                info!(what = R::WHAT, %in_force, "files changed: the new set is in force");
                Change::Loaded(now)
            }
            Err(problems) => {
                let why = problems.join("; ");
                self.metrics.reloaded(R::WHAT, RELOAD_FAILURE);
                let what = R::WHAT;
                let warning = format!(
                    "the last {what} reload failed, the {what} set in force is kept: {why}"
                );
                self.health.set_reload_warning(R::WHAT, Some(warning));
                let files = self.files();
                warn!(what = R::WHAT, %files, problems = %why, "files changed, but the new set is refused: the one in force is kept");
                Change::Refused(now)
            }
        }
    }

    /// Each file as `SETTING=path`, for the log.
    fn files(&self) -> String {
        let files: Vec<String> = (self.reload.files().iter())
            .map(|(name, path)| format!("{name}={}", path.display()))
            .collect();
        files.join(" ")
    }

    /// Runs `f` off the async threads: it reads files and parses keys.
    async fn blocking<T: Send + 'static>(&self, f: impl FnOnce(&R) -> T + Send + 'static) -> T {
        let reload = self.reload.clone();
        match tokio::task::spawn_blocking(move || f(&reload)).await {
            Ok(value) => value,
            Err(e) => std::panic::resume_unwind(e.into_panic()),
        }
    }
}
