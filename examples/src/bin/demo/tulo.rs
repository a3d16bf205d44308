//! The tulo section: is this reader logged in to Payway? Checked offline from the `T_ID` cookie.

use std::time::{SystemTime, UNIX_EPOCH};

use jsonwebtoken::{EncodingKey, Header};
use serde_json::{Value, json};
use tulo_jwt::{Environment, SessionState, TuloVerifier};

use crate::DemoResult;
use crate::narrate::{denied, detail, granted, section, step};

/// Stands in for the client secret Payway delivers with the API user.
const DEMO_SECRET: &str = "demo-client-secret-0123456789abcdef0123456789abcdef";
const CLIENT_ID: &str = "52753620400e063f79000001";
const REDIRECT_URI: &str = "https://news.example.com/forward";
const ACCOUNT_ID: &str = "554e2b9201c6a33e4c000036";

/// Runs the tulo section against tokens it signs itself, as Payway would.
pub(crate) async fn run() -> DemoResult {
    section(
        "tulo: Payway JS-API session cookie",
        "Payway's script on the page writes the reader's session into a cookie named T_ID, with \
         a copy signed with the site's client secret. The backend checks that signature and \
         every claim, without calling Payway, before it serves a logged-in page.",
    );

    step("Build the verifier once, at start-up, with the API user's credentials from Payway.");
    let verifier = TuloVerifier::builder()
        .client_id(CLIENT_ID)
        .client_secret(DEMO_SECRET)
        .redirect_uri(REDIRECT_URI)
        .build()?;
    detail("verifier", format!("{verifier:?}"));
    detail(
        "note",
        "the secret shows as [redacted]; the redirect URI is what every token must be addressed to",
    );
    detail(
        "stand-in for Payway",
        "this demo signs each token itself with the same secret, as Payway's backend would",
    );
    detail(
        "script for the page",
        Environment::Production.js_api_script_url(),
    );

    let now = SystemTime::now().duration_since(UNIX_EPOCH)?.as_secs();
    // What Payway signs for a logged-in reader: valid five minutes either side of `iat`.
    let active = json!({
        "iat": now, "nbf": now - 300, "exp": now + 300,
        "iss": "Tulo", "aud": REDIRECT_URI, "prn": ACCOUNT_ID,
        "session": {
            "active": true, "id": ACCOUNT_ID, "sid": "demo-session-id",
            "contact_email": "reader@example.com", "display_name": "A Reader",
            "products": ["digital_plus"]
        }
    });
    // What Payway signs when it finds no session: only `iat` and `active: false`.
    let inactive = json!({ "iat": now, "session": { "active": false } });

    step("A logged-in subscriber opens an article; the browser sends the T_ID cookie.");
    let header = format!("_ga=GA1.2.3; T_ID={}", cookie(&active, &sign(&active)?));
    detail(
        "Cookie header (shortened)",
        format!("{}...", header.get(..70).unwrap_or(&header)),
    );
    explain(verifier.verify_cookie_header(&header));

    step("A reader who is not logged in opens the article; Payway signed \"no session\".");
    explain(verifier.verify_cookie(&cookie(&inactive, &sign(&inactive)?)));

    step(
        "That reader edits the cookie: its readable JSON now says \"active, account 554e...\", \
         but the signed token inside is still Payway's \"no session\".",
    );
    explain(verifier.verify_cookie(&cookie(&active, &sign(&inactive)?)));

    step(
        "The reader goes further: pastes the logged-in claims into the token itself and keeps \
         Payway's signature.",
    );
    let genuine = sign(&inactive)?;
    let (header_part, _) = genuine.split_once('.').ok_or("not a JWT")?;
    let (_, signature) = genuine.rsplit_once('.').ok_or("not a JWT")?;
    let active_token = sign(&active)?;
    let (_, rest) = active_token.split_once('.').ok_or("not a JWT")?;
    let (claims_part, _) = rest.split_once('.').ok_or("not a JWT")?;
    let forged = format!("{header_part}.{claims_part}.{signature}");
    explain(verifier.verify_cookie(&cookie(&active, &forged)));

    step("Or drops the signature and declares the algorithm \"none\".");
    let unsigned = format!("eyJhbGciOiJub25lIn0.{claims_part}.");
    explain(verifier.verify_cookie(&cookie(&active, &unsigned)));

    step("A subscriber comes back after lunch with a cookie the page did not refresh.");
    let mut stale = active.clone();
    stale["iat"] = json!(now - 3600);
    stale["nbf"] = json!(now - 3900);
    stale["exp"] = json!(now - 3300);
    explain(verifier.verify_cookie(&cookie(&stale, &sign(&stale)?)));

    step("A first-time visitor: the browser has no T_ID cookie yet.");
    explain(verifier.verify_cookie_header("_ga=GA1.2.3; theme=dark"));
    Ok(())
}

/// Signs claims as Payway does: HS256 with the client secret.
fn sign(claims: &Value) -> Result<String, jsonwebtoken::errors::Error> {
    let key = EncodingKey::from_secret(DEMO_SECRET.as_bytes());
    jsonwebtoken::encode(&Header::default(), claims, &key)
}

/// The T_ID cookie value the JS-API writes: readable session JSON plus the signed token.
fn cookie(readable: &Value, token: &str) -> String {
    let mut value = readable.clone();
    value["signature"] = json!(token);
    value.to_string()
}

fn explain(outcome: Result<SessionState, tulo_jwt::Error>) {
    match outcome {
        Ok(SessionState::Active(session)) => {
            granted(&format!(
                "logged in as account {}, products {:?}",
                session.account_id(),
                session.products()
            ));
            detail(
                "signed e-mail",
                session.email().unwrap_or("(not requested)"),
            );
        }
        Ok(_) => denied("Payway's signed answer: no session. Show the login button."),
        Err(error) if error.is_missing_cookie() => {
            denied(&format!(
                "{error}: treat as anonymous until the script has run"
            ));
        }
        Err(error) if error.is_expired() => {
            denied(&format!(
                "{error}: genuine but stale; the page's script refreshes it"
            ));
        }
        Err(error) => denied(&format!("refused: {error}")),
    }
}
