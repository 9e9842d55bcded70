//! The emulator's answer signatures, kept for the second they are valid in: under a
//! benchmark's load the answers are alike (same path, client, time and body), and
//! signing each anew would make the emulator, not the sidecar, the bottleneck. A cached
//! signature is the one a fresh signing would give (PKCS#1 v1.5 is deterministic).

use std::{collections::HashMap, sync::Mutex};

/// Contents signed in one second, at most this many (then the cache starts over).
const LIMIT: usize = 1024;

/// Signatures by content signed, for one `Response-Time` (second) at a time.
#[derive(Debug, Default)]
pub struct Signatures(Mutex<Entries>);

#[derive(Debug, Default)]
struct Entries {
    time: String,
    by_content: HashMap<Vec<u8>, String>,
}

impl Signatures {
    /// The signature of `content` at `time`, made by `sign` if not yet known.
    pub fn get_or_sign(
        &self,
        time: &str,
        content: Vec<u8>,
        sign: impl FnOnce(&[u8]) -> String,
    ) -> String {
        let mut entries = self.0.lock().unwrap_or_else(|e| e.into_inner());
        if entries.time != time || entries.by_content.len() >= LIMIT {
            entries.time = time.to_owned();
            entries.by_content.clear();
        }
        if let Some(signature) = entries.by_content.get(&content) {
            return signature.clone();
        }
        // Signed under the lock: the emulator's answers are not what is measured, and
        // a second caller with the same content then finds it signed.
        let signature = sign(&content);
        entries.by_content.insert(content, signature.clone());
        signature
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signs_each_content_once_per_second() {
        let cache = Signatures::default();
        let mut signed = 0;
        let mut sign = |c: &[u8]| {
            signed += 1;
            format!("sig-{}", c.len())
        };
        assert_eq!(cache.get_or_sign("t1", b"ab".to_vec(), &mut sign), "sig-2");
        assert_eq!(cache.get_or_sign("t1", b"ab".to_vec(), &mut sign), "sig-2");
        assert_eq!(cache.get_or_sign("t1", b"abc".to_vec(), &mut sign), "sig-3");
        assert_eq!(cache.get_or_sign("t2", b"ab".to_vec(), &mut sign), "sig-2");
        assert_eq!(signed, 3, "a new second signs again");
    }
}
