//! The descriptor limit: raised to the hard limit at start-up, as servers commonly do,
//! and the connection cap derived from it.

use rustix::process::{Resource, Rlimit, getrlimit, setrlimit};

/// Descriptors kept free of client connections: files, the admin listener, logs.
const RESERVE: u64 = 32;

/// Raises the soft `RLIMIT_NOFILE` to the hard limit; returns the soft limit in force
/// (the old one, with a warning, if it cannot be raised).
pub fn raise_fd_limit() -> u64 {
    let limit = getrlimit(Resource::Nofile);
    if let (Some(current), Some(maximum)) = (limit.current, limit.maximum)
        && current < maximum
        && let Err(e) = setrlimit(
            Resource::Nofile,
            Rlimit {
                current: Some(maximum),
                maximum: Some(maximum),
            },
        )
    {
        tracing::warn!(error = %e, current, maximum, "cannot raise the descriptor limit");
    }
    current()
}

/// The soft descriptor limit (`u64::MAX` when unlimited).
pub(super) fn current() -> u64 {
    getrlimit(Resource::Nofile).current.unwrap_or(u64::MAX)
}

/// Client connections to allow under a soft limit of `fd_limit` descriptors, when up to
/// `upstream` connections to Antom may be open too (at most half the limit), less a
/// reserve; never fewer than 16.
pub fn default_max_connections(fd_limit: u64, upstream: usize) -> usize {
    let upstream = (upstream as u64).min(fd_limit / 2);
    let free = fd_limit.saturating_sub(upstream + RESERVE).max(16);
    usize::try_from(free).unwrap_or(usize::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cap_leaves_room_for_antom_and_a_reserve() {
        assert_eq!(default_max_connections(1024, 256), 1024 - 256 - 32);
        assert_eq!(default_max_connections(256, 256), 256 - 128 - 32);
        assert_eq!(default_max_connections(40, 256), 16);
        assert_eq!(default_max_connections(1 << 20, 256), (1 << 20) - 288);
    }
}
