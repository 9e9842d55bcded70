//! The open connections, oldest first, so that at the connection cap one that can best
//! go makes room for a new client: a flood of silent or idle connections must not lock
//! out the clients that call (a health check, say).

use std::{collections::VecDeque, sync::Arc};

use tokio::task::AbortHandle;

use super::connection::ConnState;

#[derive(Default)]
pub(super) struct Registry(VecDeque<(AbortHandle, Arc<ConnState>)>);

impl Registry {
    /// Adds a connection; `live` is how many are open, to keep ended ones from piling up.
    pub(super) fn push(&mut self, task: AbortHandle, state: Arc<ConnState>, live: usize) {
        if self.0.len() > 2 * live + 64 {
            self.prune();
        }
        self.0.push_back((task, state));
    }

    fn prune(&mut self) {
        self.0.retain(|(task, _)| !task.is_finished());
    }

    /// Closes the oldest connection that has not spoken yet, else the oldest with no call
    /// open; whether there was one. A live call is never cut to make room.
    pub(super) fn evict(&mut self) -> bool {
        self.prune();
        let silent = |(_, s): &(AbortHandle, Arc<ConnState>)| !*s.greeted.borrow();
        let idle = |(_, s): &(AbortHandle, Arc<ConnState>)| *s.open_calls.borrow() == 0;
        let pick = (self.0.iter().position(silent)).or_else(|| self.0.iter().position(idle));
        match pick.and_then(|i| self.0.remove(i)) {
            Some((task, _)) => {
                task.abort();
                true
            }
            None => false,
        }
    }
}
