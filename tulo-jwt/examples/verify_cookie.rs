//! Verifies a `T_ID` cookie and prints what it proves.
//!
//! ```text
//! cargo run -p tulo-jwt --example verify_cookie
//! ```
//!
//! With `TULO_CLIENT_ID`, `TULO_CLIENT_SECRET`, `TULO_REDIRECT_URI` and `T_ID` (a cookie value
//! copied from your browser's developer tools) set, it checks that real cookie. Without them it
//! plays Payway itself: it signs an active and an inactive session with a demo secret, and
//! tampers with one, so it runs anywhere without network or credentials.

use std::time::{SystemTime, UNIX_EPOCH};

use jsonwebtoken::{EncodingKey, Header};
use serde_json::json;
use tulo_jwt::{SessionState, TuloVerifier};

const DEMO_SECRET: &str = "demo-secret-of-at-least-thirty-two-bytes";
const DEMO_REDIRECT_URI: &str = "https://news.example.com/forward";

fn main() -> Result<(), Box<dyn std::error::Error>> {
    if let Ok(cookie) = std::env::var("T_ID") {
        let verifier = TuloVerifier::from_env()?;
        println!("checking the T_ID cookie from the environment with {verifier:?}");
        report(&verifier, "your cookie", &cookie);
        return Ok(());
    }

    let verifier = TuloVerifier::builder()
        .client_id("demo-client")
        .client_secret(DEMO_SECRET)
        .redirect_uri(DEMO_REDIRECT_URI)
        .build()?;
    let now = SystemTime::now().duration_since(UNIX_EPOCH)?.as_secs();

    let active = json!({
        "iat": now, "nbf": now - 300, "exp": now + 300,
        "iss": "Tulo", "aud": DEMO_REDIRECT_URI, "prn": "554e2b9201c6a33e4c000036",
        "session": {
            "active": true, "id": "554e2b9201c6a33e4c000036", "sid": "demo-sid",
            "contact_email": "reader@example.com", "display_name": "A Reader",
            "products": ["digital"]
        }
    });
    let inactive = json!({ "iat": now, "session": { "active": false } });

    let active_cookie = cookie(&active)?;
    report(&verifier, "active session", &active_cookie);
    report(&verifier, "no session", &cookie(&inactive)?);

    // The reader edits the cookie: an inactive session's token with the claims of an active
    // one spliced in, the original signature kept.
    let inactive_token = sign(&inactive)?;
    let active_token = sign(&active)?;
    let (header, rest) = active_token.split_once('.').ok_or("not a JWT")?;
    let (active_payload, _) = rest.split_once('.').ok_or("not a JWT")?;
    let (_, inactive_signature) = inactive_token.rsplit_once('.').ok_or("not a JWT")?;
    let forged = format!(r#"{{"signature":"{header}.{active_payload}.{inactive_signature}"}}"#);
    report(&verifier, "forged cookie", &forged);
    Ok(())
}

/// The cookie value the JS-API writes: the session JSON plus its signed token.
fn cookie(claims: &serde_json::Value) -> Result<String, Box<dyn std::error::Error>> {
    let mut value = claims.clone();
    value["signature"] = json!(sign(claims)?);
    Ok(value.to_string())
}

fn sign(claims: &serde_json::Value) -> Result<String, jsonwebtoken::errors::Error> {
    let key = EncodingKey::from_secret(DEMO_SECRET.as_bytes());
    jsonwebtoken::encode(&Header::default(), claims, &key)
}

fn report(verifier: &TuloVerifier, label: &str, cookie: &str) {
    match verifier.verify_cookie(cookie) {
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
