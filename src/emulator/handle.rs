//! The emulator running in the background of a test, a benchmark or `dev` mode, and its
//! half of the key pairs that tie it to a client.

use std::{net::SocketAddr, ops::Deref};

use tokio::{net::TcpListener, sync::oneshot, task::JoinHandle};

use super::{Emulator, EmulatorConfig};
use crate::{antom::Endpoint, keys::KeyPairs, server::Listener};

impl KeyPairs {
    /// The emulator's half: signed requests only, no API key.
    pub fn emulator_config(&self) -> EmulatorConfig {
        EmulatorConfig {
            merchant_public_keys: vec![self.merchant.verifying_key()],
            antom_private_key: self.antom.signing_key(),
            api_key: None,
        }
    }
}

/// A running emulator; stopped when dropped, or drained with [`Self::shutdown`]. Derefs
/// to the [`Emulator`] for what it has received.
pub struct EmulatorHandle {
    addr: SocketAddr,
    emulator: Emulator,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl Emulator {
    /// Binds `addr` (port 0 for any free port) and serves in the background.
    pub async fn spawn(self, addr: SocketAddr) -> std::io::Result<EmulatorHandle> {
        let listener = TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(self.clone().run(Listener::Tcp(listener), async {
            let _ = stopped.await;
        }));
        Ok(EmulatorHandle {
            addr,
            emulator: self,
            stop: Some(stop),
            task: Some(task),
        })
    }
}

impl EmulatorHandle {
    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://` or `https://` and the bound address: what a client's endpoint is.
    pub fn base_url(&self) -> String {
        let scheme = if self.emulator.tls.is_some() {
            "https"
        } else {
            "http"
        };
        format!("{scheme}://{}", self.addr)
    }

    /// The endpoint of the emulator's production path (`/ams/api/...`).
    pub fn endpoint(&self) -> Endpoint {
        Endpoint::base_url(&self.base_url(), false).expect("a loopback origin is a valid endpoint")
    }

    /// Stops accepting and waits for open requests (up to the emulator's grace).
    pub async fn shutdown(mut self) {
        self.stop.take();
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Deref for EmulatorHandle {
    type Target = Emulator;

    fn deref(&self) -> &Emulator {
        &self.emulator
    }
}

impl Drop for EmulatorHandle {
    fn drop(&mut self) {
        // Dropping the sender resolves the emulator's shutdown future.
        self.stop.take();
    }
}
