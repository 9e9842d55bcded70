//! Unit tests of the configuration checks: problems reported together, each naming its
//! setting.

use clap::Parser;

use super::*;

#[derive(Parser)]
struct Cli {
    #[command(flatten)]
    serve: serve::Args,
}

fn args(argv: &[&str]) -> serve::Args {
    Cli::try_parse_from(std::iter::once("serve").chain(argv.iter().copied()))
        .expect("parses")
        .serve
}

fn problems(argv: &[&str]) -> Vec<String> {
    Config::from_args(args(argv), 1024).expect_err("problems").0
}

#[test]
fn unparsable_values_are_reported_together() {
    let p = problems(&[
        "--listen",
        "nowhere",
        "--max-attempts",
        "0",
        "--connect-timeout",
        "3",
        "--request-timeout",
        "0s",
        "--shutdown-grace",
        "soon",
        "--sandbox",
        "maybe",
    ]);
    let joined = p.join("\n");
    for expected in [
        "SIDECAR_LISTEN",
        "SIDECAR_MAX_ATTEMPTS",
        "SIDECAR_CONNECT_TIMEOUT",
        "SIDECAR_REQUEST_TIMEOUT",
        "SIDECAR_SHUTDOWN_GRACE",
        "ANTOM_SANDBOX",
        "ANTOM_CLIENT_ID is required",
    ] {
        assert!(joined.contains(expected), "{expected} in:\n{joined}");
    }
}

#[test]
fn the_key_version_comes_inline_or_from_a_file_not_both() {
    let p = problems(&["--key-version", "2", "--key-version-file", "/v"]);
    assert!(
        p.iter()
            .any(|p| p == "set ANTOM_KEY_VERSION or ANTOM_KEY_VERSION_FILE, not both"),
        "{p:?}"
    );
    let p = problems(&["--key-reload-interval", "soon"]).join("\n");
    assert!(p.contains("SIDECAR_KEY_RELOAD_INTERVAL"), "{p}");
}

#[test]
fn sandbox_accepts_the_usual_spellings() {
    for (value, expected) in [
        ("true", true),
        ("1", true),
        ("yes", true),
        ("on", true),
        ("false", false),
        ("0", false),
        ("no", false),
    ] {
        assert_eq!(
            sandbox_setting(&args(&["--sandbox", value]).sandbox),
            Ok(Some(expected)),
            "{value}"
        );
    }
    assert_eq!(
        sandbox_setting(&args(&["--sandbox"]).sandbox),
        Ok(Some(true))
    );
    assert_eq!(
        sandbox_setting(&args(&[]).sandbox),
        Ok(None),
        "auto by default"
    );
}
