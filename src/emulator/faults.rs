//! Fault directives, chosen by the `referenceTransactionId` prefix so that any client,
//! in any language, can trigger them. Directives chain: `emu-unsigned-emu-code-SYSTEM_ERROR-42`.

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
    fn directives_chain() {
        let f = Faults::parse("emu-unsigned-emu-code-ACCESS_DENIED-7");
        assert!(f.unsigned);
        assert_eq!(f.code, Some(("ACCESS_DENIED".into(), ResultStatus::Fail)));
        assert!(!Faults::parse("emu-delay-x-emu-drop").drop);
    }
}
