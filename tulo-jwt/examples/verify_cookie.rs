//! Verifies `T_ID` cookies and prints what each proves.
//!
//! ```text
//! cargo run -p tulo-jwt --features test-util --example verify_cookie
//! ```
//!
//! With `TULO_CLIENT_ID`, `TULO_CLIENT_SECRET`, `TULO_REDIRECT_URI` and `T_ID` (a cookie value
//! copied from your browser's developer tools) all set, it checks that real cookie. Otherwise
//! `FakeTulo` plays Payway: it signs an active and an inactive session with a demo secret,
//! puts one in a 12 KiB `Cookie` header, and tampers with another, so the example runs
//! anywhere without network or credentials.

use std::time::SystemTime;

use tulo_jwt::test_util::FakeTulo;
use tulo_jwt::{ENV_CLIENT_ID, ENV_CLIENT_SECRET, ENV_REDIRECT_URI, SessionState, TuloVerifier};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let real = [ENV_CLIENT_ID, ENV_CLIENT_SECRET, ENV_REDIRECT_URI, "T_ID"]
        .iter()
        .all(|name| std::env::var(name).is_ok_and(|value| !value.is_empty()));
    if real {
        let verifier = TuloVerifier::from_env()?;
        println!("checking the T_ID cookie from the environment with {verifier:?}");
        report(
            "your cookie",
            verifier.verify_cookie(&std::env::var("T_ID")?),
        );
        return Ok(());
    }

    let tulo = FakeTulo::new(
        "demo-secret-of-at-least-thirty-two-bytes",
        "https://news.example.com/forward",
    );
    let verifier = tulo.verifier()?;
    let now = SystemTime::now();

    let mut active = tulo.active_claims("554e2b9201c6a33e4c000036", now);
    active["session"]["contact_email"] = "reader@example.com".into();
    active["session"]["products"] = serde_json::json!(["digital"]);
    let header = tulo.cookie_header(&tulo.cookie(&active), 12 * 1024);
    report(
        "active session, in a 12 KiB Cookie header",
        verifier.verify_cookie_header(&header),
    );

    let inactive = tulo.inactive_claims(now);
    report(
        "no session",
        verifier.verify_cookie(&tulo.cookie(&inactive)),
    );

    // The reader edits the cookie: the claims of an active session spliced into the token
    // of an inactive one, whose signature is kept.
    let inactive_token = tulo.sign(&inactive);
    let active_token = tulo.sign(&active);
    let (header_part, rest) = active_token.split_once('.').ok_or("not a JWT")?;
    let (active_claims, _) = rest.split_once('.').ok_or("not a JWT")?;
    let (_, inactive_signature) = inactive_token.rsplit_once('.').ok_or("not a JWT")?;
    let forged = format!(r#"{{"signature":"{header_part}.{active_claims}.{inactive_signature}"}}"#);
    report("forged cookie", verifier.verify_cookie(&forged));
    Ok(())
}

fn report(label: &str, outcome: Result<SessionState, tulo_jwt::Error>) {
    match outcome {
        Ok(SessionState::Active(session)) => {
            let left = session
                .expires_at()
                .duration_since(SystemTime::now())
                .unwrap_or_default();
            println!(
                "{label}: logged in as account {} (products {:?}); token valid for {} more seconds",
                session.account_id(),
                session.products(),
                left.as_secs()
            );
        }
        Ok(_) => println!("{label}: Payway says there is no session"),
        Err(error) => println!("{label}: refused ({error})"),
    }
}
