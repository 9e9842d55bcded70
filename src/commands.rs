//! The subcommands, one module each, every one the same shape: its clap `Args` and an
//! async `run` that takes them (and, for servers, a shutdown future).

pub mod check;
pub mod dev;
pub mod emulator;
pub mod keygen;
pub mod probe;
pub mod serve;

use std::{future::Future, sync::Arc, time::Duration};

use tokio::sync::oneshot;

use crate::{
    admin,
    antom::AntomClient,
    config::{FileDigests, KeySources, ListenAddr},
    grpc::{self, Health},
    metrics::Metrics,
    rotation::KeyWatch,
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
    rotation: Option<Rotation>,
}

/// Where the keys came from, to put a rotation of their files in force.
struct Rotation {
    sources: KeySources,
    in_force: FileDigests,
    interval: Duration,
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
            rotation: None,
        }
    }

    /// Reads the key files from `sources` every `interval` (`None`: never) and puts a
    /// new key set in force when they change.
    pub(crate) fn watch_keys(
        mut self,
        sources: KeySources,
        in_force: FileDigests,
        interval: Option<Duration>,
    ) -> Self {
        self.rotation = interval.map(|interval| Rotation {
            sources,
            in_force,
            interval,
        });
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
        let (stop_watching, stopped) = oneshot::channel::<()>();
        let watching = self.rotation.map(|r| {
            let watch = KeyWatch {
                sources: Arc::new(r.sources),
                in_force: r.in_force,
                client: client.clone(),
                metrics: self.metrics.clone(),
                health: self.health.clone(),
            };
            tokio::spawn(watch.run(r.interval, async {
                let _ = stopped.await;
            }))
        });
        let served = grpc::Server::new(client, options)
            .with_metrics(self.metrics)
            .with_health(self.health)
            .serve(self.grpc, shutdown)
            .await;
        let _ = stop_watching.send(());
        if let Some(watching) = watching {
            let _ = watching.await;
        }
        if let Some(admin) = self.admin {
            let _ = admin.stop.send(());
            let _ = admin.task.await;
        }
        served?;
        Ok(())
    }
}
