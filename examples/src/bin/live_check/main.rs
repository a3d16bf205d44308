//! live-check: the crates' read-only calls against the providers named in the environment,
//! one line per request, to confirm that each answer has the shape the crate is built for.
//!
//! ```text
//! cargo run -p paywall-examples --bin live-check
//! ```
//!
//! For each provider whose credentials are set (the variables of CONTRIBUTING.md: `TIUN_*`,
//! `PAYWAY_*`, `ACCESSTYPE_*`), it builds the crate's client with `from_env` and asks about
//! things it makes up on the spot, so nothing is bought, opened, metered or written:
//!
//! - tiun: a session check, a user verification and a user lookup;
//! - Payway: a server token with the read scope, the active products of an account;
//! - SSO2 (with `PAYWAY_ORGANISATION_ID`): the status of a session;
//! - Accesstype: the access check of a story (no pingback), the subscriptions of a subscriber.
//!
//! Each line says what was sent (method and path template, the query's parameter names),
//! what came back (status, media type, member names) and whether it matches: `OK`,
//! `MISMATCH` with what differed, `FAILED` when nothing came back. No value is printed: not
//! a key, a token, an id, nor any value of an answer. The exit code is non-zero on any
//! mismatch or failure; providers without credentials are skipped, one line each. Paste the
//! output into a bug report as it is.

mod accesstype;
mod payway;
mod recorder;
mod report;
mod shape;
mod sso2;
mod tiun;

use std::error::Error;
use std::process::ExitCode;

use report::Report;

#[tokio::main]
async fn main() -> ExitCode {
    let mut report = Report::default();
    tiun::run(&mut report).await;
    payway::run(&mut report).await;
    sso2::run(&mut report).await;
    accesstype::run(&mut report).await;
    println!("--        tulo       no request to check: T_ID cookies are verified offline");
    println!("{}", report.summary());
    report.exit_code()
}

/// Whether an environment variable is set and not empty (the crates' own rule).
fn is_set(name: &str) -> bool {
    env_value(name).is_some()
}

/// The values of `names` that are set, so that no printed member name can hold one.
fn env_values(names: &[&str]) -> Vec<String> {
    names.iter().filter_map(|name| env_value(name)).collect()
}

/// An environment variable's value, `None` when it is not set or empty. One that is set but
/// is not Unicode ends the run with an error that names it: no crate can use it, and a value
/// that cannot be read cannot be kept out of the output either.
fn env_value(name: &str) -> Option<String> {
    paywall_examples::non_empty_setting(name).unwrap_or_else(|error| {
        eprintln!("{error}");
        std::process::exit(1);
    })
}

/// An error as the crate words it, with its causes. The crates keep secrets and body text
/// out of every error's text; a transport error's text names the URL, so it is cut there.
fn crate_error(error: &(dyn Error + 'static)) -> String {
    use payway_client::reqwest;
    use std::sync::Arc;
    let mut text = error.to_string();
    let mut cause = error.source();
    while let Some(current) = cause {
        let transport = current.downcast_ref::<reqwest::Error>().or_else(|| {
            current
                .downcast_ref::<Arc<reqwest::Error>>()
                .map(AsRef::as_ref)
        });
        if let Some(transport) = transport {
            let kind = if transport.is_timeout() {
                "timed out"
            } else if transport.is_connect() {
                "could not connect"
            } else {
                "transport error"
            };
            text.push_str(&format!(" ({kind})"));
            break;
        }
        text.push_str(": ");
        text.push_str(&current.to_string());
        cause = current.source();
    }
    text
}

/// `bytes` random bytes as lowercase hex: an id no provider has issued.
fn made_up_hex(bytes: usize) -> String {
    let mut random = vec![0_u8; bytes];
    // Without the system's randomness the ids are still made up, only predictable.
    let _ = getrandom::fill(&mut random);
    random.iter().map(|b| format!("{b:02x}")).collect()
}

/// A made-up id with a prefix that says where it came from.
fn made_up(prefix: &str, bytes: usize) -> String {
    format!("{prefix}{}", made_up_hex(bytes))
}

/// A made-up id shaped like Quintype's story ids (a UUID).
fn made_up_uuid() -> String {
    let hex = made_up_hex(16);
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

#[cfg(test)]
mod tests {
    /// Run by `a_variable_that_is_not_unicode_ends_the_run` in a child process, with the
    /// variable set; on its own, with nothing set, it passes.
    #[test]
    fn reads_the_garbled_variable() {
        let _ = super::env_values(&["LIVE_CHECK_GARBLED"]);
    }

    #[cfg(unix)]
    #[test]
    fn a_variable_that_is_not_unicode_ends_the_run() {
        use std::os::unix::ffi::OsStrExt;
        let garbled = std::ffi::OsStr::from_bytes(b"secret-\xff");
        let child = std::process::Command::new(std::env::current_exe().unwrap())
            .args([
                "--exact",
                "tests::reads_the_garbled_variable",
                "--nocapture",
            ])
            .env("LIVE_CHECK_GARBLED", garbled)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&child.stderr);
        assert_eq!(child.status.code(), Some(1), "{stderr}");
        assert!(stderr.contains("LIVE_CHECK_GARBLED is set but is not valid Unicode"));
        assert!(!stderr.contains("secret-"), "{stderr}");
    }
}
