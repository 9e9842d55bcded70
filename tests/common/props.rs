//! Shared set-up of the property tests (`tests/properties_*.rs`): case counts, the
//! proptest configuration, one runtime for networked cases.

use std::{ops::RangeInclusive, sync::LazyLock};

use proptest::{prelude::*, test_runner::TestCaseError};

/// Cases of the in-process properties: cheap, so many.
pub const CASES: u32 = 512;
/// Cases of the properties that cross a socket (and sign with RSA) per case.
pub const NET_CASES: u32 = 64;
/// `MAX_RESPONSE_BYTES` in src/antom/call.rs (private): the largest body read from Antom.
pub const MAX_RESPONSE_BYTES: usize = 64 * 1024;

pub fn config(cases: u32) -> ProptestConfig {
    let default = ProptestConfig::default();
    ProptestConfig {
        cases: if std::env::var_os("PROPTEST_CASES").is_some() {
            default.cases
        } else {
            cases
        },
        // Nothing written next to the sources; a failure prints its minimal input.
        failure_persistence: None,
        // Shrinking a networked failure is bounded too.
        max_shrink_iters: 1024,
        ..default
    }
}

/// One runtime for every networked case: servers started once keep running between
/// cases (a multi-thread runtime drives them while no test blocks on it).
pub fn runtime() -> &'static tokio::runtime::Runtime {
    static RUNTIME: LazyLock<tokio::runtime::Runtime> = LazyLock::new(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("tokio runtime")
    });
    &RUNTIME
}

pub fn fail(message: impl Into<String>) -> TestCaseError {
    TestCaseError::fail(message.into())
}

/// Bytes that a header value may hold: visible ASCII, space, tab and obs-text.
pub fn header_value_bytes(len: RangeInclusive<usize>) -> impl Strategy<Value = Vec<u8>> {
    let byte = prop_oneof![
        6 => 0x20u8..=0x7e,
        1 => Just(b'\t'),
        2 => 0x80u8..=0xff,
    ];
    prop::collection::vec(byte, len)
}
