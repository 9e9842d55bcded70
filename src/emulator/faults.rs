//! Fault directives, chosen by the `referenceTransactionId` prefix so that any client,
//! in any language, can trigger them; for `decide`, the decision too. Directives chain:
//! `emu-unsigned-emu-code-SYSTEM_ERROR-42`, `emu-flaky-1-emu-reject-7`.

use std::time::Duration;

use crate::antom::{ResultStatus, documented_status};

/// What to do to one request.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Faults {
    /// `emu-delay-<MS>-`: wait this long before answering.
    pub delay: Option<Duration>,
    /// `emu-drop-`: close the connection without answering.
    pub drop: bool,
    /// `emu-http-<NNN>-`: answer with this HTTP status.
    pub http_status: Option<u16>,
    /// `emu-garbage-`: a 200 whose body is not JSON.
    pub garbage: bool,
    /// `emu-flaky-<N>-`: the first N attempts of this ID (at each API) get
    /// UNKNOWN_EXCEPTION.
    pub flaky: Option<u32>,
    /// `emu-code-<RESULT_CODE>[-S|-F|-U]-`: that result, with its documented status
    /// (or the one given; unknown codes default to F).
    pub code: Option<(String, ResultStatus)>,
    /// `emu-unsigned-`: answer without signature headers.
    pub unsigned: bool,
    /// `emu-badsig-`: answer with a signature that does not verify.
    pub bad_signature: bool,
    /// `decide`'s answer to a SUCCESS: `ACCEPT` unless `emu-reject-` (`REJECT`),
    /// `emu-decision-<RAW>-` (`RAW` verbatim, to try values Antom may add) or
    /// `emu-nodecision-` (none at all, a malformed answer).
    pub decision: Option<String>,
    /// `emu-nodecision-`: a SUCCESS without a decision.
    pub no_decision: bool,
    /// `decide`'s `authenticationDecision`: none unless `emu-3d-` (`3D`, with ACCEPT)
    /// or `emu-authdecision-<RAW>-` (`RAW` verbatim).
    pub authentication_decision: Option<String>,
}

/// Splits `s` at the next `-` (or its end).
fn segment(s: &str) -> (&str, &str) {
    match s.split_once('-') {
        Some((head, tail)) => (head, tail),
        None => (s, ""),
    }
}

impl Faults {
    /// Reads the directives at the start of `id`; an ID without any gets no faults.
    pub fn parse(id: &str) -> Self {
        let mut f = Self::default();
        let mut rest = id;
        while let Some(r) = rest.strip_prefix("emu-") {
            let (name, r) = segment(r);
            rest = match name {
                "drop" => {
                    f.drop = true;
                    r
                }
                "garbage" => {
                    f.garbage = true;
                    r
                }
                "unsigned" => {
                    f.unsigned = true;
                    r
                }
                "badsig" => {
                    f.bad_signature = true;
                    r
                }
                "reject" => {
                    f.decision = Some("REJECT".into());
                    r
                }
                "nodecision" => {
                    f.no_decision = true;
                    r
                }
                "3d" => {
                    f.authentication_decision = Some("3D".into());
                    r
                }
                "decision" | "authdecision" => {
                    let (raw, r) = segment(r);
                    if raw.is_empty() {
                        break;
                    }
                    let value = Some(raw.to_owned());
                    match name {
                        "decision" => f.decision = value,
                        _ => f.authentication_decision = value,
                    }
                    r
                }
                "delay" | "http" | "flaky" => {
                    let (n, r) = segment(r);
                    let Ok(n) = n.parse::<u64>() else { break };
                    match name {
                        "delay" => f.delay = Some(Duration::from_millis(n)),
                        "http" => f.http_status = u16::try_from(n).ok(),
                        _ => f.flaky = u32::try_from(n).ok(),
                    }
                    r
                }
                "code" => {
                    let (code, r) = segment(r);
                    if code.is_empty() {
                        break;
                    }
                    let (status, r) = match segment(r) {
                        ("S", r) => (ResultStatus::Success, r),
                        ("F", r) => (ResultStatus::Fail, r),
                        ("U", r) => (ResultStatus::Unknown, r),
                        _ => (documented_status(code).unwrap_or(ResultStatus::Fail), r),
                    };
                    f.code = Some((code.to_owned(), status));
                    r
                }
                _ => break,
            };
        }
        f
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_ids_have_no_faults() {
        assert_eq!(Faults::parse("0656237919440001"), Faults::default());
        assert_eq!(Faults::parse("emulator-1"), Faults::default());
    }

    #[test]
    fn each_directive() {
        assert!(Faults::parse("emu-drop-1").drop);
        assert!(Faults::parse("emu-garbage").garbage);
        assert!(Faults::parse("emu-unsigned-x").unsigned);
        assert!(Faults::parse("emu-badsig-x").bad_signature);
        assert_eq!(
            Faults::parse("emu-delay-250-x").delay,
            Some(Duration::from_millis(250))
        );
        assert_eq!(Faults::parse("emu-http-503-x").http_status, Some(503));
        assert_eq!(Faults::parse("emu-flaky-2-x").flaky, Some(2));
        assert_eq!(
            Faults::parse("emu-code-SYSTEM_ERROR-x").code,
            Some(("SYSTEM_ERROR".into(), ResultStatus::Fail))
        );
        assert_eq!(
            Faults::parse("emu-code-UNKNOWN_EXCEPTION-1").code,
            Some(("UNKNOWN_EXCEPTION".into(), ResultStatus::Unknown))
        );
        assert_eq!(
            Faults::parse("emu-code-NEW_CODE-U-1").code,
            Some(("NEW_CODE".into(), ResultStatus::Unknown))
        );
        assert_eq!(
            Faults::parse("emu-code-SUCCESS").code,
            Some(("SUCCESS".into(), ResultStatus::Success))
        );
    }

    #[test]
    fn decisions() {
        assert_eq!(Faults::parse("tx-1").decision, None);
        assert_eq!(
            Faults::parse("emu-reject-1").decision.as_deref(),
            Some("REJECT")
        );
        let f = Faults::parse("emu-3d-1");
        assert_eq!(
            (f.decision, f.authentication_decision.as_deref()),
            (None, Some("3D"))
        );
        assert!(Faults::parse("emu-nodecision-1").no_decision);
        let f = Faults::parse("emu-decision-CHALLENGE-emu-authdecision-PASSKEY-1");
        assert_eq!(f.decision.as_deref(), Some("CHALLENGE"));
        assert_eq!(f.authentication_decision.as_deref(), Some("PASSKEY"));
        let f = Faults::parse("emu-flaky-1-emu-reject-emu-unsigned-x");
        assert_eq!((f.flaky, f.decision.as_deref()), (Some(1), Some("REJECT")));
        assert!(f.unsigned);
        assert_eq!(Faults::parse("emu-decision--x"), Faults::default());
    }

    #[test]
    fn directives_chain() {
        let f = Faults::parse("emu-unsigned-emu-code-ACCESS_DENIED-7");
        assert!(f.unsigned);
        assert_eq!(f.code, Some(("ACCESS_DENIED".into(), ResultStatus::Fail)));
        assert!(!Faults::parse("emu-delay-x-emu-drop").drop);
    }
}
