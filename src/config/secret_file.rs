//! A start-up warning for a secret file that others can read: a private key readable by
//! every user of the machine, or by a group the sidecar is not in. A Kubernetes Secret
//! mounted `0400`, or `0440` with the pod's `fsGroup` (a group of the process), passes.

use std::{os::unix::fs::MetadataExt, path::Path};

use tracing::warn;

/// Warns, naming `setting` and the file, when `path` is readable beyond the process.
pub(super) fn warn_if_exposed(setting: &str, path: &Path) {
    // Unreadable files are reported where they are read.
    let Some(meta) = std::fs::metadata(path).ok().filter(|m| m.is_file()) else {
        return;
    };
    let mut own = rustix::process::getgroups().unwrap_or_default();
    own.push(rustix::process::getegid());
    let own: Vec<u32> = own.iter().map(|g| g.as_raw()).collect();
    if let Some(who) = exposure(meta.mode(), meta.gid(), &own) {
        let mode = format!("{:04o}", meta.mode() & 0o7777);
        warn!(setting, file = %path.display(), mode, "the key file is readable by {who}: make it 0400 or 0600 (or 0440 with the pod's fsGroup)");
    }
}

/// Who besides the process can read a file of `mode` owned by group `gid`.
fn exposure(mode: u32, gid: u32, own_groups: &[u32]) -> Option<&'static str> {
    if mode & 0o004 != 0 {
        Some("every user")
    } else if mode & 0o040 != 0 && !own_groups.contains(&gid) {
        Some("a group the sidecar is not in")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_as_kubernetes_mounts_them_pass() {
        for (mode, gid) in [(0o400, 5), (0o600, 5), (0o440, 2000), (0o640, 2000)] {
            assert_eq!(exposure(mode, gid, &[0, 2000]), None, "{mode:o}");
        }
    }

    #[test]
    fn readable_by_others_warns() {
        assert_eq!(exposure(0o644, 0, &[0]), Some("every user"));
        assert_eq!(exposure(0o444, 2000, &[2000]), Some("every user"));
        assert_eq!(
            exposure(0o440, 7, &[0, 2000]),
            Some("a group the sidecar is not in")
        );
    }
}
