//! A bound TCP or Unix listener, and the connections it accepts.

use tokio::{
    io::{AsyncRead, AsyncWrite},
    net::{TcpListener, UnixListener},
};

use crate::config::ListenAddr;

/// A bound listener: bind first, then hand it over, so tests can use port 0.
#[derive(Debug)]
pub enum Listener {
    /// `127.0.0.1:50051` and the like.
    Tcp(TcpListener),
    /// `unix:/path/to/socket`.
    Unix(UnixListener),
}

/// A byte stream hyper can serve: TCP, Unix, or TLS over either.
pub(crate) trait Io: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> Io for T {}

/// An accepted connection.
pub(crate) type Connection = Box<dyn Io>;

impl Listener {
    /// Binds `addr`; a stale Unix socket file left by a previous run is replaced.
    pub async fn bind(addr: &ListenAddr) -> std::io::Result<Self> {
        match addr {
            ListenAddr::Tcp(addr) => TcpListener::bind(addr).await.map(Self::Tcp),
            ListenAddr::Unix(path) => {
                use std::os::unix::fs::FileTypeExt;
                if std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_socket()) {
                    std::fs::remove_file(path)?;
                }
                UnixListener::bind(path).map(Self::Unix)
            }
        }
    }

    /// The bound address, for logs and tests (port 0 resolved).
    pub fn local_addr(&self) -> std::io::Result<ListenAddr> {
        match self {
            Self::Tcp(l) => l.local_addr().map(ListenAddr::Tcp),
            Self::Unix(l) => Ok(ListenAddr::Unix(
                l.local_addr()?
                    .as_pathname()
                    .map(Into::into)
                    .unwrap_or_default(),
            )),
        }
    }

    pub(crate) async fn accept(&self) -> std::io::Result<Connection> {
        match self {
            Self::Tcp(l) => {
                let (stream, _) = l.accept().await?;
                // Small gRPC frames go out at once rather than waiting for Nagle.
                let _ = stream.set_nodelay(true);
                Ok(Box::new(stream))
            }
            Self::Unix(l) => Ok(Box::new(l.accept().await?.0)),
        }
    }

    /// Closes the listener; a Unix socket's file is removed.
    pub(crate) fn close(self) {
        if let Self::Unix(l) = &self
            && let Some(path) = l
                .local_addr()
                .ok()
                .and_then(|a| a.as_pathname().map(ToOwned::to_owned))
        {
            let _ = std::fs::remove_file(path);
        }
    }
}
