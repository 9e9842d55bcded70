//! `antom-sidecar keygen --out DIR`: a new merchant RSA-2048 key pair, written as the three
//! files that onboarding with Antom needs, then its fingerprint and the next steps.
//! Never overwrites: when any of the three files exists, none is written. Key material
//! goes to the files only, never to the terminal.

use std::{
    fs::{self, DirBuilder, OpenOptions},
    io::{self, Write},
    os::unix::fs::{DirBuilderExt, OpenOptionsExt},
    path::{Path, PathBuf},
};

use base64::{Engine, engine::general_purpose::STANDARD as BASE64};
use zeroize::Zeroizing;

use crate::keys::{GeneratedKeyPair, fingerprint};

/// The private key, PKCS#8 PEM, mode 0600: what goes into the Kubernetes Secret.
pub const PRIVATE_KEY_FILE: &str = "merchant_private_key.pem";
/// The public key, SPKI PEM.
pub const PUBLIC_KEY_FILE: &str = "merchant_public_key.pem";
/// The public key as the one line of Base64 (SPKI DER) that the Antom Dashboard asks for.
pub const DASHBOARD_KEY_FILE: &str = "merchant_public_key.txt";

const FILES: [&str; 3] = [PRIVATE_KEY_FILE, PUBLIC_KEY_FILE, DASHBOARD_KEY_FILE];

/// The Secret that `k8s/sidecar/deployment.yaml` mounts, and its namespace.
const SECRET_NAME: &str = "antom-credentials";
const NAMESPACE: &str = "payments";

/// `keygen` flags.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Directory to write the key files into; created (mode 0700) if missing.
    #[arg(long, env = "KEYGEN_OUT", value_name = "DIR")]
    out: PathBuf,
}

/// Why no key pair was written.
#[derive(Debug, thiserror::Error)]
pub enum KeygenError {
    /// These files exist already; nothing was written.
    #[error(
        "refusing to overwrite {paths}: nothing was written; choose another --out, or move \
         the existing files away first",
        paths = list(.0)
    )]
    Exists(Vec<PathBuf>),
    /// Reading or writing this path failed.
    #[error("{path}: {1}", path = .0.display())]
    Io(PathBuf, io::Error),
}

/// Writes a new pair into `args.out` and prints its fingerprint and the next steps.
pub fn run(args: Args) -> Result<(), KeygenError> {
    let dir = args.out;
    refuse_existing(&dir)?;
    create_dir(&dir)?;
    let pair = GeneratedKeyPair::generate();
    write_files(&dir, &pair)?;
    let report = next_steps(&dir, &fingerprint(&pair.public_spki));
    // Not `println!`: the keys are written, and a closed stdout must not say otherwise.
    let _ = io::stdout().write_all(report.as_bytes());
    Ok(())
}

/// Fails, naming each one, when any of the three files is there (even a dangling
/// symlink), before anything is generated or written.
fn refuse_existing(dir: &Path) -> Result<(), KeygenError> {
    let mut existing = Vec::new();
    for path in FILES.map(|name| dir.join(name)) {
        match fs::symlink_metadata(&path) {
            Ok(_) => existing.push(path),
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(KeygenError::Io(path, e)),
        }
    }
    if existing.is_empty() {
        Ok(())
    } else {
        Err(KeygenError::Exists(existing))
    }
}

/// Creates `dir` (and any missing parents) with mode 0700; an existing one is left as is.
fn create_dir(dir: &Path) -> Result<(), KeygenError> {
    DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
        .map_err(|e| KeygenError::Io(dir.to_owned(), e))
}

/// Writes the three files, all or none: on a failure, the ones written are removed.
fn write_files(dir: &Path, pair: &GeneratedKeyPair) -> Result<(), KeygenError> {
    let files: [(&str, u32, Zeroizing<String>); 3] = [
        (PRIVATE_KEY_FILE, 0o600, pair.private_pem()),
        (PUBLIC_KEY_FILE, 0o644, pair.public_pem().into()),
        (
            DASHBOARD_KEY_FILE,
            0o644,
            dashboard_line(&pair.public_spki).into(),
        ),
    ];
    let mut written = Vec::with_capacity(files.len());
    for (name, mode, content) in &files {
        let path = dir.join(name);
        if let Err(e) = write_new(&path, *mode, content.as_bytes()) {
            for path in &written {
                let _ = fs::remove_file(path);
            }
            return Err(KeygenError::Io(path, e));
        }
        written.push(path);
    }
    Ok(())
}

/// Creates `path` with `mode` from the start (never a chmod once the key is in it),
/// refusing anything already there; removes it again if the write fails.
fn write_new(path: &Path, mode: u32, content: &[u8]) -> io::Result<()> {
    let mut file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(mode)
        .open(path)?;
    let written = file.write_all(content).and_then(|()| file.sync_all());
    if written.is_err() {
        let _ = fs::remove_file(path);
    }
    written
}

/// The public key as the Antom Dashboard takes it: Base64 of the SPKI DER, one line.
fn dashboard_line(spki_der: &[u8]) -> String {
    format!("{}\n", BASE64.encode(spki_der))
}

/// What was written, the fingerprint, and what to do next, with exact paths and commands.
fn next_steps(dir: &Path, fingerprint: &str) -> String {
    let file = |name: &str| shell_quote(&dir.join(name));
    let (private, dashboard) = (file(PRIVATE_KEY_FILE), file(DASHBOARD_KEY_FILE));
    format!(
        "Wrote a new RSA-2048 key pair to {dir}:\n  \
         {PRIVATE_KEY_FILE}  private key (PKCS#8 PEM, mode 0600): never share it\n  \
         {PUBLIC_KEY_FILE}   public key (SPKI PEM)\n  \
         {DASHBOARD_KEY_FILE}   public key as the one Base64 line the Antom Dashboard takes\n\n\
         Public key fingerprint: {fingerprint}\n\n\
         Next:\n\
         1. In the Antom Dashboard, Developer > Key configuration (test and live mode each\n   \
         have their own keys), upload your own public key: paste the line in\n   \
         {dashboard}\n   \
         and note the key version it shows.\n\
         2. On the same page, copy Antom's public key into antom_public_key.pem.\n\
         3. Create the Secret that k8s/sidecar/deployment.yaml mounts (the client ID goes\n   \
         in its ConfigMap; the key version here, so that it rotates with the key):\n   \
         kubectl -n {NAMESPACE} create secret generic {SECRET_NAME} \\\n     \
         --from-file={PRIVATE_KEY_FILE}={private} \\\n     \
         --from-file=antom_public_key.pem=antom_public_key.pem \\\n     \
         --from-literal=key_version=<the key version>\n   \
         (to replace an existing Secret, add `--dry-run=client -o yaml | kubectl apply -f -`)\n\
         4. Once the Secret exists, delete the local copy of the private key:\n   \
         rm {private}\n",
        dir = dir.display(),
    )
}

/// `path` as one shell word: as is when it is plain, else single-quoted.
fn shell_quote(path: &Path) -> String {
    let text = path.display().to_string();
    let plain = |c: char| c.is_ascii_alphanumeric() || "/._-+,:@%".contains(c);
    if !text.is_empty() && text.chars().all(plain) {
        text
    } else {
        format!("'{}'", text.replace('\'', r"'\''"))
    }
}

/// Paths for an error, comma-separated.
fn list(paths: &[PathBuf]) -> String {
    let paths: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
    paths.join(", ")
}
