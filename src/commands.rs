//! The subcommands, one module each, every one the same shape: its clap `Args` and an
//! async `run` that takes them (and, for servers, a shutdown future).

pub mod check;
#[cfg(feature = "emulator")]
pub mod dev;
#[cfg(feature = "emulator")]
pub mod emulator;
#[cfg(feature = "emulator")]
pub mod keygen;
pub mod probe;
pub mod serve;

use std::{future::Future, sync::Arc, time::Duration};

use tokio::{sync::oneshot, task::JoinSet};
use tokio_util::sync::CancellationToken;

use crate::{
    admin,
    antom::AntomClient,
    config::{KeySources, ListenAddr, ListenerTls},
    grpc::{self, Health},
    metrics::Metrics,
    rotation::{FileDigests, KeyReload, TlsReload, Watch},
    server::Listener,
    signing,
};

/// What a command's `run` fails with: printed on one line (or one per problem) by the CLI.
pub type CommandError = Box<dyn std::error::Error + Send + Sync>;

/// A sidecar's gRPC server and, beside it, its admin listener (already serving).
pub(crate) struct Sidecar {
    client: AntomClient,
    grpc: Listener,
    metrics: Metrics,
    health: Health,
    admin: Option<Admin>,
    files: Option<Files>,
}

/// What `serve` read from files, to read again when they change.
pub(crate) struct Files {
    /// Where the keys came from.
    pub(crate) keys: KeySources,
    /// What their files held when they were loaded.
    pub(crate) key_files: FileDigests,
    /// The gRPC listener's TLS, if any.
    pub(crate) tls: Option<ListenerTls>,
    /// How often they are read; `None`: never.
    pub(crate) interval: Option<Duration>,
}

/// The admin listener's task, its address, and how to stop it.
struct Admin {
    addr: String,
    stop: oneshot::Sender<()>,
    task: tokio::task::JoinHandle<()>,
}

/// Binds the admin listener at `addr` (`None`: off).
pub(crate) async fn bind_admin(
    addr: Option<&ListenAddr>,
) -> Result<Option<Listener>, CommandError> {
    let Some(addr) = addr else {
        return Ok(None);
    };
    let listener = Listener::bind(addr)
        .await
        .map_err(|e| format!("cannot listen on {addr} (SIDECAR_ADMIN_LISTEN): {e}"))?;
    Ok(Some(listener))
}

impl Sidecar {
    /// A sidecar calling Antom with `client`, to serve gRPC on `grpc`; the admin
    /// endpoints are served on `admin` from now on, and report SERVING: the listener is
    /// bound and the keys are loaded. Metrics are recorded only when there is an admin
    /// listener to read them.
    pub(crate) async fn start(
        client: AntomClient,
        grpc: Listener,
        admin: Option<Listener>,
    ) -> Self {
        let metrics = match admin {
            Some(_) => Metrics::enabled(signing::BACKEND),
            None => Metrics::default(),
        };
        let health = Health::default();
        health.set_serving().await;
        let admin = admin.map(|listener| {
            let addr = listener
                .local_addr()
                .map_or_else(|e| e.to_string(), |a| a.to_string());
            let (stop, stopped) = oneshot::channel::<()>();
            let stopped = async {
                let _ = stopped.await;
            };
            let served = admin::serve(listener, metrics.clone(), health.clone(), stopped);
            let task = tokio::spawn(served);
            Admin { addr, stop, task }
        });
        Self {
            client,
            grpc,
            metrics,
            health,
            admin,
            files: None,
        }
    }

    /// Serves TLS as `files` says, and puts a change to the key or TLS files in force.
    pub(crate) fn with_files(mut self, files: Files) -> Self {
        self.files = Some(files);
        self
    }

    /// Where the admin listener listens, for the start-up line: an address or `off`.
    pub(crate) fn admin_addr(&self) -> &str {
        self.admin.as_ref().map_or("off", |a| &a.addr)
    }

    /// Serves until `shutdown`; the admin listener stays up through the drain, so that
    /// `/readyz` says 503 and `/metrics` can be scraped to the end.
    pub(crate) async fn run(
        self,
        options: grpc::Options,
        shutdown: impl Future<Output = ()>,
    ) -> Result<(), CommandError> {
        let client = Arc::new(self.client.with_metrics(self.metrics.clone()));
        self.metrics.set_keys(client.key_fingerprints());
        let tls = (self.files.as_ref())
            .and_then(|f| f.tls.as_ref())
            .map(|tls| tls.cell.clone());
        let stop_watching = CancellationToken::new();
        let mut watching = JoinSet::new();
        if let Some(Files {
            keys,
            key_files,
            tls,
            interval: Some(interval),
        }) = self.files
        {
            let (metrics, health) = (&self.metrics, &self.health);
            let stop = || stop_watching.clone().cancelled_owned();
            let keys = KeyReload {
                sources: keys,
                client: client.clone(),
                metrics: self.metrics.clone(),
            };
            watching.spawn(Watch::new(keys, key_files, metrics, health).run(interval, stop()));
            if let Some(tls) = tls {
                let tls_reload = TlsReload {
                    files: tls.files,
                    cell: tls.cell,
                };
                let watch = Watch::new(tls_reload, tls.loaded, metrics, health);
                watching.spawn(watch.run(interval, stop()));
            }
        }
        let served = grpc::Server::new(client, options)
            .with_metrics(self.metrics)
            .with_health(self.health)
            .with_tls(tls)
            .serve(self.grpc, shutdown)
            .await;
        stop_watching.cancel();
        watching.join_all().await;
        if let Some(admin) = self.admin {
            let _ = admin.stop.send(());
            let _ = admin.task.await;
        }
        served?;
        Ok(())
    }
}
