//! Key rotation without restart. The key files (`*_FILE`) are read every interval and
//! compared, by digest, with what the keys in force were loaded from. Reading each path
//! anew follows a Kubernetes Secret's `..data` symlink, which the kubelet swaps in one
//! step and which watchers of the files themselves miss; a plain edit is seen too.
//!
//! A change is loaded whole, by the rules `serve` starts with, then put in force at once:
//! calls in flight finish with the set they started with. A set that fails keeps the
//! keys in force, is logged (naming the file, never the key), counted, and said by
//! `/readyz`, which stays 200: one bad Secret must not take every pod out of service.

use std::{future::Future, sync::Arc, time::Duration};

use tracing::{info, warn};

use crate::{
    antom::AntomClient,
    config::{FileDigests, KeySources},
    grpc::Health,
    metrics::{Metrics, RELOAD_FAILURE, RELOAD_SUCCESS},
};

/// How long a change must hold before it is read: a writer that is not atomic (an
/// editor, `cp`) is given time to finish.
const SETTLE: Duration = Duration::from_millis(100);

/// Watches the key files of a client; see the module's documentation.
pub(crate) struct KeyWatch {
    pub(crate) sources: Arc<KeySources>,
    /// What the files held when the keys in force were loaded.
    pub(crate) in_force: FileDigests,
    pub(crate) client: Arc<AntomClient>,
    pub(crate) metrics: Metrics,
    pub(crate) health: Health,
}

/// What one look at the files found.
enum Change {
    /// Nothing new: the files hold the keys in force, or the set already refused.
    None,
    /// The files changed while being read: look again at the next tick.
    Unsettled,
    /// A new set, now in force.
    Loaded(FileDigests),
    /// A new set that was refused (and said why).
    Refused(FileDigests),
}

impl KeyWatch {
    /// Looks at the files every `interval` until `shutdown`.
    pub(crate) async fn run(mut self, interval: Duration, shutdown: impl Future<Output = ()>) {
        let files: Vec<String> = (self.sources.files().iter())
            .map(|(name, path)| format!("{name}={}", path.display()))
            .collect();
        if files.is_empty() {
            return;
        }
        info!(files = %files.join(" "), interval = ?interval, "watching the key files for rotation");
        let mut refused: Option<FileDigests> = None;
        let mut ticks = tokio::time::interval(interval);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        tokio::pin!(shutdown);
        loop {
            tokio::select! {
                _ = ticks.tick() => {}
                () = &mut shutdown => return,
            }
            match self.look(refused.as_ref()).await {
                Change::None | Change::Unsettled => {}
                Change::Loaded(files) => {
                    self.in_force = files;
                    refused = None;
                }
                Change::Refused(files) => refused = Some(files),
            }
        }
    }

    /// Reads the files and, if they changed and hold still, loads and swaps them in.
    async fn look(&self, refused: Option<&FileDigests>) -> Change {
        let now = self.blocking(|s| s.digests()).await;
        if now == self.in_force {
            // Back to the keys in force (a bad update undone): nothing to warn about.
            self.health.set_key_warning(None);
            return Change::None;
        }
        if refused == Some(&now) {
            return Change::None;
        }
        tokio::time::sleep(SETTLE).await;
        let (loaded, after) = self.blocking(|s| (s.load(), s.digests())).await;
        match loaded {
            Ok(set) if set.files == now && after == now => {
                if let Err(e) = self.client.replace_keys(set.auth, set.antom_public_keys) {
                    return self.refuse(now, vec![e.to_string()]);
                }
                let keys = self.client.key_fingerprints();
                let fingerprints: Vec<String> =
                    keys.iter().map(|(role, f)| format!("{role}:{f}")).collect();
                info!(keys = %fingerprints.join(" "), "key files changed: the new keys are in force");
                self.metrics.key_reload(RELOAD_SUCCESS);
                self.metrics.set_keys(keys);
                self.health.set_key_warning(None);
                Change::Loaded(now)
            }
            Err(problems) if after == now => self.refuse(now, problems),
            _ => Change::Unsettled,
        }
    }

    fn refuse(&self, files: FileDigests, problems: Vec<String>) -> Change {
        let why = problems.join("; ");
        warn!(problems = %why, "key files changed, but the new keys are refused: the keys in force are kept");
        self.metrics.key_reload(RELOAD_FAILURE);
        self.health.set_key_warning(Some(format!(
            "the last key reload failed, the keys in force are kept: {why}"
        )));
        Change::Refused(files)
    }

    /// Runs `f` on the sources off the async threads: it reads files and parses keys.
    async fn blocking<T: Send + 'static>(
        &self,
        f: impl FnOnce(&KeySources) -> T + Send + 'static,
    ) -> T {
        let sources = self.sources.clone();
        match tokio::task::spawn_blocking(move || f(&sources)).await {
            Ok(value) => value,
            Err(e) => std::panic::resume_unwind(e.into_panic()),
        }
    }
}
