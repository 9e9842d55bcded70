//! Why a call to Antom did not end in SUCCESS.

use super::AntomResult;

/// Why a call did not end in Antom's SUCCESS.
#[derive(Debug, thiserror::Error)]
pub enum AntomError {
    /// Antom answered with a result other than S.
    #[error("Antom answered {} ({}): {}", .0.result_code, .0.result_status, .0.result_message)]
    Rejected(AntomResult),
    /// No connection, or the connection broke.
    #[error("cannot reach Antom after {attempts} attempt(s): {cause}")]
    Unreachable {
        /// How many attempts were made, the first included.
        attempts: u32,
        /// What went wrong, in general terms (details are logged).
        cause: &'static str,
        /// The transport's whole error chain, for the log only.
        detail: String,
        /// No connection could be made (TCP or TLS): nothing reached Antom.
        nothing_sent: bool,
    },
    /// The caller's deadline, or every attempt's timeout, passed.
    #[error("no answer from Antom in time ({attempts} attempt(s)){}", last.as_deref().map(|l| format!("; the last attempt: {l}")).unwrap_or_default())]
    Timeout {
        /// How many attempts were made; 0 when the deadline left no time for one.
        attempts: u32,
        /// Why the last attempt failed, when the deadline cut retries short.
        last: Option<String>,
    },
    /// HTTP status other than 200.
    #[error("Antom answered HTTP {status}")]
    HttpStatus {
        /// The status code.
        status: u16,
    },
    /// A 200 whose body is not Antom's `{"result":{...}}`.
    #[error("Antom's response is malformed: {reason}")]
    Malformed {
        /// The parser's complaint.
        reason: String,
    },
    /// A signature that does not verify.
    #[error(
        "Antom's response signature is invalid: {reason}; the outcome of the call is unknown. \
         If every response fails this way, ANTOM_PUBLIC_KEY(_FILE) does not hold the key Antom \
         signs with: download Antom's current public key from the Antom Dashboard (while Antom \
         rotates its key, keep the old and the new one in the file)"
    )]
    BadSignature {
        /// Which check failed: the header's form, or the signature itself.
        reason: &'static str,
    },
    /// `SIDECAR_MAX_CONCURRENT_CALLS` calls are in flight already; nothing was sent.
    #[error(
        "the sidecar has {limit} calls in flight toward Antom, its limit: nothing was sent; \
         retry after a moment"
    )]
    Overloaded {
        /// The limit in force.
        limit: usize,
    },
    /// Signature headers missing where the policy requires them.
    #[error("Antom's response is not properly signed: {what}; the outcome of the call is unknown")]
    Unsigned {
        /// What is missing.
        what: &'static str,
    },
}

impl AntomError {
    /// Whether the request certainly did not reach Antom: no connection could be made,
    /// or the sidecar's limit refused it before sending.
    pub fn nothing_sent(&self) -> bool {
        matches!(
            self,
            Self::Unreachable {
                nothing_sent: true,
                ..
            } | Self::Overloaded { .. }
        )
    }

    /// The sidecar's `ErrorInfo` reason for this failure; `None` for [`Self::Rejected`],
    /// whose reason is Antom's result code.
    pub fn reason(&self) -> Option<&'static str> {
        Some(match self {
            Self::Rejected(_) => return None,
            Self::Unreachable { .. } => "UPSTREAM_UNAVAILABLE",
            Self::Timeout { .. } => "UPSTREAM_TIMEOUT",
            Self::HttpStatus { .. } => "UPSTREAM_HTTP_STATUS",
            Self::Malformed { .. } => "UPSTREAM_MALFORMED_RESPONSE",
            Self::BadSignature { .. } => "RESPONSE_SIGNATURE_INVALID",
            Self::Overloaded { .. } => "SIDECAR_OVERLOADED",
            Self::Unsigned { .. } => "RESPONSE_UNSIGNED",
        })
    }
}
