//! One call's record, passed from the gRPC edge through the handler to the Antom client:
//! going in, its deadline and its place in a trace; coming out, what happened, for the
//! access log and the trace span. Knows nothing of protobuf.

use std::sync::{Mutex, PoisonError};

use tokio::time::Instant;

use crate::telemetry::TraceContext;

/// A call in progress.
#[derive(Debug)]
pub struct Call {
    /// When the answer is due, if the caller set a deadline.
    pub deadline: Option<Instant>,
    /// The trace the call belongs to; sent on to Antom.
    pub trace: TraceContext,
    notes: Mutex<Notes>,
}

/// What the handler and the Antom client found out.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Notes {
    /// The request's `referenceTransactionId`, once it was read.
    pub reference_transaction_id: Option<String>,
    /// HTTP attempts made to Antom.
    pub attempts: u32,
    /// Antom's `resultCode` of the last answer.
    pub result_code: Option<String>,
}

impl Call {
    /// A call due by `deadline`, in `trace`.
    pub fn new(deadline: Option<Instant>, trace: TraceContext) -> Self {
        Self {
            deadline,
            trace,
            notes: Mutex::default(),
        }
    }

    /// A call with no deadline, starting a trace of its own (a direct use of the client).
    pub fn detached() -> Self {
        Self::new(None, TraceContext::continue_from(&Default::default()))
    }

    /// Adds to the notes.
    pub fn note(&self, f: impl FnOnce(&mut Notes)) {
        f(&mut self.notes.lock().unwrap_or_else(PoisonError::into_inner));
    }

    /// The notes so far.
    pub fn notes(&self) -> Notes {
        self.notes
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}
