//! Check one tiun paywall session and say whether to serve the content.
//!
//! ```text
//! cargo run -p tiun-client --example verify_session                  # against a local fake tiun
//! TIUN_API_KEY=... TIUN_ENVIRONMENT=sandbox \
//!   cargo run -p tiun-client --example verify_session -- <session-id>  # against tiun itself
//! ```

use tiun_client::test_util::FakeTiun;
use tiun_client::{ENV_API_KEY, ENV_ENVIRONMENT, SessionStatus, TiunClient};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let session_id = std::env::args().nth(1);
    let configured = [ENV_API_KEY, ENV_ENVIRONMENT]
        .iter()
        .all(|name| std::env::var_os(name).is_some_and(|value| !value.is_empty()));

    // Ask tiun only with a key, an environment and a session id; otherwise a local fake tiun
    // that knows one paid session.
    let fake;
    let (tiun, session_id) = match session_id {
        Some(session_id) if configured => (TiunClient::from_env()?, session_id),
        session_id => {
            fake = FakeTiun::start().await;
            fake.paid_session("paid-session");
            println!(
                "asking a local fake tiun at {} (set {ENV_API_KEY} and {ENV_ENVIRONMENT}, and pass \
                 a session id, to ask tiun itself)",
                fake.base_url()
            );
            let session_id = session_id.unwrap_or_else(|| "paid-session".to_owned());
            (fake.client(), session_id)
        }
    };

    match tiun.verify_session(&session_id).await {
        Ok(SessionStatus::Valid) => println!("valid: serve the content"),
        Ok(SessionStatus::Invalid { problem }) => {
            let why = problem
                .as_ref()
                .and_then(|p| p.expose_detail())
                .unwrap_or_default();
            println!("invalid: show the paywall ({why})");
        }
        Ok(SessionStatus::Unauthorized { .. }) => {
            println!("unauthorized: check {ENV_API_KEY} and {ENV_ENVIRONMENT}")
        }
        Ok(other) => println!("not valid ({other:?}): show the paywall"),
        Err(error) => println!("no answer ({error}): show the paywall"),
    }
    Ok(())
}
