//! The tulo section: is this reader logged in to Payway? Checked offline from the `T_ID` cookie.
//!
//! It always runs against `FakeTulo`, which signs cookies as Payway does. When every variable
//! the crate reads (`TULO_CLIENT_ID`, `TULO_CLIENT_SECRET`, `TULO_REDIRECT_URI`) is set, it
//! also builds the real verifier, and checks a real cookie copied into `T_ID`, if given.

use std::time::{Duration, SystemTime};

use serde_json::json;
use tulo_jwt::test_util::FakeTulo;
use tulo_jwt::{
    ENV_CLIENT_ID, ENV_CLIENT_SECRET, ENV_REDIRECT_URI, Environment, SessionState, TuloVerifier,
};

use crate::DemoResult;
use crate::narrate::{denied, detail, granted, section, step};

/// Stands in for the client secret Payway delivers with the API user.
const DEMO_SECRET: &str = "demo-client-secret-0123456789abcdef0123456789abcdef";
const REDIRECT_URI: &str = "https://news.example.com/forward";
const ACCOUNT_ID: &str = "554e2b9201c6a33e4c000036";

/// Runs the tulo section against cookies `FakeTulo` signs, then against the real
/// configuration when the environment holds all of it.
pub(crate) async fn run() -> DemoResult {
    section(
        "tulo: Payway JS-API session cookie",
        "Payway's script on the page writes the reader's session into a cookie named T_ID, with \
         a copy signed with the site's client secret. The backend checks that signature and \
         every claim, without calling Payway, before it serves a logged-in page.",
    );

    step("Build the verifier once, at start-up, with the API user's credentials from Payway.");
    let tulo = FakeTulo::new(DEMO_SECRET, REDIRECT_URI);
    let verifier = tulo.verifier()?;
    detail("verifier", format!("{verifier:?}"));
    detail(
        "note",
        "the secret shows as [redacted]; the redirect URI is what every token must be addressed to",
    );
    detail(
        "stand-in for Payway",
        "FakeTulo (tulo-jwt's test-util feature) signs each cookie with the same secret, as \
         Payway's backend would",
    );
    detail(
        "script for the page",
        Environment::Production.js_api_script_url(),
    );

    let now = SystemTime::now();
    let mut active = tulo.active_claims(ACCOUNT_ID, now);
    active["session"]["contact_email"] = json!("reader@example.com");
    active["session"]["display_name"] = json!("A Reader");
    active["session"]["products"] = json!(["digital_plus"]);
    let inactive = tulo.inactive_claims(now);

    step(
        "A logged-in subscriber opens an article; the browser sends the T_ID cookie among \
         12 KiB of analytics, consent and advertising cookies.",
    );
    let header = tulo.cookie_header(&tulo.cookie(&active), 12 * 1024);
    detail("Cookie header", format!("{} bytes", header.len()));
    explain(verifier.verify_cookie_header(&header));

    step("Payway's claims table names the e-mail as the principal (prn); that is accepted too.");
    let mut by_email = active.clone();
    by_email["prn"] = json!("reader@example.com");
    if let Ok(SessionState::Active(session)) = verifier.verify_cookie(&tulo.cookie(&by_email)) {
        detail("principal", "the account's e-mail (not printed)");
        detail("account id", session.account_id());
    } else {
        denied("a token whose prn is the e-mail was refused");
    }

    step("A reader who is not logged in opens the article; Payway signed \"no session\".");
    explain(verifier.verify_cookie(&tulo.cookie(&inactive)));

    step(
        "That reader edits the cookie: its readable JSON now says \"active, account 554e...\", \
         but the signed token inside is still Payway's \"no session\".",
    );
    let mut edited = active.clone();
    edited["signature"] = json!(tulo.sign(&inactive));
    explain(verifier.verify_cookie(&edited.to_string()));

    step(
        "The reader goes further: pastes the logged-in claims into the token itself and keeps \
         Payway's signature.",
    );
    let genuine = tulo.sign(&inactive);
    let (header_part, _) = genuine.split_once('.').ok_or("not a JWT")?;
    let (_, signature) = genuine.rsplit_once('.').ok_or("not a JWT")?;
    let active_token = tulo.sign(&active);
    let (_, rest) = active_token.split_once('.').ok_or("not a JWT")?;
    let (claims_part, _) = rest.split_once('.').ok_or("not a JWT")?;
    let forged = json!({ "signature": format!("{header_part}.{claims_part}.{signature}") });
    explain(verifier.verify_cookie(&forged.to_string()));

    step("Or drops the signature and declares the algorithm \"none\".");
    let unsigned = json!({ "signature": format!("eyJhbGciOiJub25lIn0.{claims_part}.") });
    explain(verifier.verify_cookie(&unsigned.to_string()));

    step("Or sends a second T_ID cookie, as a sibling subdomain could plant one.");
    let twice = format!("{header}; T_ID={}", tulo.cookie(&active));
    explain(verifier.verify_cookie_header(&twice));

    step("A subscriber comes back after lunch with a cookie the page did not refresh.");
    let stale = tulo.active_claims(ACCOUNT_ID, now - Duration::from_secs(3600));
    explain(verifier.verify_cookie(&tulo.cookie(&stale)));

    step("A first-time visitor: the browser has no T_ID cookie yet.");
    explain(verifier.verify_cookie_header("_ga=GA1.2.3; theme=dark"));

    real_configuration();
    Ok(())
}

/// Uses the real configuration only when every variable the crate reads is set.
fn real_configuration() {
    step("The real configuration, from the environment.");
    let missing: Vec<&str> = [ENV_CLIENT_ID, ENV_CLIENT_SECRET, ENV_REDIRECT_URI]
        .into_iter()
        // Set but not Unicode is not "missing": `from_env` below says what is wrong with it.
        .filter(|name| matches!(paywall_examples::non_empty_setting(name), Ok(None)))
        .collect();
    if !missing.is_empty() {
        detail(
            "skipped",
            format!(
                "{} not set; the section above ran on FakeTulo alone",
                missing.join(", ")
            ),
        );
        return;
    }
    let verifier = match TuloVerifier::from_env() {
        Ok(verifier) => verifier,
        Err(error) => {
            denied(&format!("the configuration is refused: {error}"));
            return;
        }
    };
    detail("verifier", format!("{verifier:?}"));
    match paywall_examples::non_empty_setting("T_ID") {
        Ok(Some(cookie)) => explain(verifier.verify_cookie(&cookie)),
        Err(error) => denied(&error),
        _ => detail(
            "cookie",
            "set T_ID to a T_ID value copied from your browser to check it against Payway's signature",
        ),
    }
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
                if session.email().is_some() {
                    "present (not printed)"
                } else {
                    "(not requested)"
                },
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
