//! The one place where errors become gRPC statuses, with `google.rpc` details:
//! `ErrorInfo` always, `RetryInfo` when calling again may help (whether or not the
//! sidecar resends that API itself), `BadRequest` for invalid input. The README's error
//! table mirrors this file.

use std::{collections::HashMap, time::Duration};

use tonic::{Code, Status, metadata::MetadataValue};
use tonic_types::{ErrorDetails, StatusExt};

use super::{convert::InvalidRequest, edge::EdgeError};
use crate::antom::{AntomError, AntomResult, ResultStatus, is_retryable};

/// `ErrorInfo.domain` when Antom produced the result.
pub const ANTOM_DOMAIN: &str = "antom.com";
/// `ErrorInfo.domain` when the sidecar itself failed.
pub const SIDECAR_DOMAIN: &str = "antom-sidecar";
/// The delay suggested in `RetryInfo`.
pub const RETRY_DELAY: Duration = Duration::from_secs(1);

/// gRPC code for an Antom result: known codes by name, unknown ones by status.
pub fn code_for(result: &AntomResult) -> Code {
    match result.result_code.as_str() {
        "SUCCESS" if result.result_status == ResultStatus::Success => Code::Ok,
        "ACCESS_DENIED" | "MERCHANT_KYB_NOT_QUALIFIED" => Code::PermissionDenied,
        "INVALID_API" | "NO_INTERFACE_DEF" => Code::Unimplemented,
        "INVALID_CONTRACT" | "MERCHANT_NOT_REGISTERED" => Code::FailedPrecondition,
        "KEY_NOT_FOUND" | "SIGNATURE_INVALID" => Code::Unauthenticated,
        "PARAM_ILLEGAL" => Code::InvalidArgument,
        "REQUEST_TRAFFIC_EXCEED_LIMIT" => Code::ResourceExhausted,
        "SYSTEM_ERROR" => Code::Internal,
        "UNKNOWN_EXCEPTION" => Code::Unavailable,
        _ => match result.result_status {
            ResultStatus::Unknown => Code::Unavailable,
            ResultStatus::Fail | ResultStatus::Success => Code::Unknown,
        },
    }
}

impl From<AntomError> for Status {
    fn from(err: AntomError) -> Self {
        let mut message = err.to_string();
        if let AntomError::Rejected(result) = &err
            && let Some(hint) = hint(&result.result_code)
        {
            message = format!("{message} ({hint})");
        }
        let mut details = ErrorDetails::new();
        let reason = err.reason().unwrap_or_default();
        let (code, metadata) = match &err {
            AntomError::Rejected(result) => {
                let metadata = HashMap::from([
                    (
                        "resultStatus".to_owned(),
                        result.result_status.as_str().to_owned(),
                    ),
                    ("resultMessage".to_owned(), result.result_message.clone()),
                ]);
                details.set_error_info(&result.result_code, ANTOM_DOMAIN, metadata);
                (code_for(result), vec![])
            }
            AntomError::Overloaded { limit } => (
                Code::ResourceExhausted,
                vec![("maxConcurrentCalls", limit.to_string())],
            ),
            AntomError::Unreachable { attempts, .. } => {
                (Code::Unavailable, vec![("attempts", attempts.to_string())])
            }
            AntomError::Timeout { attempts, .. } => (
                Code::DeadlineExceeded,
                vec![("attempts", attempts.to_string())],
            ),
            AntomError::HttpStatus { status } => {
                let code = if is_retryable(&err) {
                    Code::Unavailable
                } else {
                    Code::Internal
                };
                (code, vec![("httpStatus", status.to_string())])
            }
            AntomError::Malformed { .. } => (Code::Unknown, vec![]),
            AntomError::BadSignature { .. } | AntomError::Unsigned { .. } => {
                (Code::Internal, vec![])
            }
        };
        if !matches!(err, AntomError::Rejected(_)) {
            sidecar_info(&mut details, reason, &metadata);
        }
        // Present exactly when another attempt may help: for an API safe to resend,
        // exactly when the retry loop would have tried again; for one that is not
        // (`decide`), also after a timeout, a U result or an HTTP 429/5xx, which the
        // sidecar does not resend itself (the request may have been evaluated) but the
        // caller may, within its own budget. One rule for every API: `is_retryable`,
        // not `may_retry`.
        if is_retryable(&err) {
            details.set_retry_info(Some(RETRY_DELAY));
        }
        Status::with_error_details(code, message, details)
    }
}

/// What to check for the result codes that usually mean a configuration mistake.
fn hint(result_code: &str) -> Option<&'static str> {
    match result_code {
        "SIGNATURE_INVALID" => Some(
            "Antom could not verify the request signature: does ANTOM_MERCHANT_PRIVATE_KEY match \
             the public key uploaded to Antom, and ANTOM_KEY_VERSION its version?",
        ),
        "KEY_NOT_FOUND" => Some(
            "upload the merchant's public key in the Antom Dashboard, or check ANTOM_CLIENT_ID",
        ),
        "INVALID_API" | "NO_INTERFACE_DEF" => {
            Some("check ANTOM_REGION / ANTOM_ENDPOINT and ANTOM_SANDBOX")
        }
        _ => None,
    }
}

fn sidecar_info(details: &mut ErrorDetails, reason: &str, metadata: &[(&str, String)]) {
    let metadata: HashMap<String, String> = metadata
        .iter()
        .map(|(k, v)| ((*k).to_owned(), v.clone()))
        .collect();
    details.set_error_info(reason, SIDECAR_DOMAIN, metadata);
}

impl From<InvalidRequest> for Status {
    fn from(err: InvalidRequest) -> Self {
        let message = err.to_string();
        let mut details = ErrorDetails::new();
        for v in err.violations {
            details.add_bad_request_violation(v.field, v.description);
        }
        details.set_error_info("INVALID_REQUEST", SIDECAR_DOMAIN, HashMap::new());
        Status::with_error_details(Code::InvalidArgument, message, details)
    }
}

impl From<EdgeError> for Status {
    fn from(err: EdgeError) -> Self {
        use EdgeError as E;
        let (code, metadata, retry) = match &err {
            E::MetadataTooLarge { size, limit } => (
                Code::ResourceExhausted,
                vec![
                    ("sizeBytes", size.to_string()),
                    ("limitBytes", limit.to_string()),
                ],
                false,
            ),
            E::UnsupportedEncoding(encoding) => (
                Code::Unimplemented,
                vec![
                    ("encoding", encoding.clone()),
                    ("supported", "identity".into()),
                ],
                false,
            ),
            E::MessageTooLarge(_, limit) => (
                Code::ResourceExhausted,
                vec![("limitBytes", limit.to_string())],
                false,
            ),
            E::DeadlinePassed => (Code::DeadlineExceeded, vec![], false),
            E::StreamCut | E::ShutdownOutcomeUnknown => (Code::Unavailable, vec![], true),
            E::Malformed(_) => (Code::InvalidArgument, vec![], false),
            E::UnknownMethod(_) => (Code::Unimplemented, vec![], false),
            E::Bare(code, _) => (*code, vec![], false),
        };
        let reason = err.reason();
        let mut details = ErrorDetails::new();
        sidecar_info(&mut details, reason, &metadata);
        if retry {
            details.set_retry_info(Some(RETRY_DELAY));
        }
        let mut status = Status::with_error_details(code, err.to_string(), details);
        if matches!(err, E::UnsupportedEncoding(_)) {
            // What grpc-go and grpc-java send with this status: the encodings we accept.
            let identity = MetadataValue::from_static("identity");
            status
                .metadata_mut()
                .insert("grpc-accept-encoding", identity);
        }
        status
    }
}
