//! The subcommands, one module each, every one the same shape: its clap `Args` and an
//! async `run` that takes them (and, for servers, a shutdown future).

pub mod dev;
pub mod emulator;
pub mod probe;
pub mod serve;

use std::{future::Future, sync::Arc};

use tokio::sync::oneshot;

use crate::{
    admin,
    antom::AntomClient,
    config::ListenAddr,
    grpc::{self, Health},
    metrics::Metrics,
    server::Listener,
    signing,
};

/// What a command's `run` fails with: printed on one line (or one per problem) by the CLI.
pub type CommandError = Box<dyn std::error::Error + Send + Sync>;

/// A sidecar's gRPC server and, beside it, its admin listener.
pub(crate) struct Sidecar {
    client: AntomClient,
    grpc: Listener,
    admin: Option<Listener>,
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
    /// A sidecar calling Antom with `client`, serving gRPC on `grpc` and, if there is
    /// one, the admin endpoints on `admin`.
    pub(crate) fn new(client: AntomClient, grpc: Listener, admin: Option<Listener>) -> Self {
        Self {
            client,
            grpc,
            admin,
        }
    }

    /// Where the admin listener listens, for the start-up line: an address or `off`.
    pub(crate) fn admin_addr(&self) -> String {
        match &self.admin {
            Some(l) => l
                .local_addr()
                .map_or_else(|e| e.to_string(), |a| a.to_string()),
            None => "off".into(),
        }
    }

    /// Serves until `shutdown`; the admin listener stays up through the drain, so that
    /// `/readyz` says 503 and `/metrics` can be scraped to the end. Metrics are recorded
    /// only when there is an admin listener to read them.
    pub(crate) async fn run(
        self,
        options: grpc::Options,
        shutdown: impl Future<Output = ()>,
    ) -> Result<(), CommandError> {
        let metrics = match self.admin {
            Some(_) => Metrics::enabled(signing::BACKEND),
            None => Metrics::default(),
        };
        let health = Health::default();
        let (stop_admin, admin_stopped) = oneshot::channel::<()>();
        let admin = self.admin.map(|listener| {
            let stopped = async {
                let _ = admin_stopped.await;
            };
            tokio::spawn(admin::serve(
                listener,
                metrics.clone(),
                health.clone(),
                stopped,
            ))
        });
        let client = Arc::new(self.client.with_metrics(metrics.clone()));
        let served = grpc::Server::new(client, options)
            .with_metrics(metrics)
            .with_health(health)
            .serve(self.grpc, shutdown)
            .await;
        let _ = stop_admin.send(());
        if let Some(admin) = admin {
            let _ = admin.await;
        }
        served?;
        Ok(())
    }
}
