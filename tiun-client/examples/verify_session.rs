//! Check one tiun paywall session and say whether to serve the content.
//!
//! ```text
//! cargo run -p tiun-client --example verify_session                  # against a local stand-in
//! TIUN_API_KEY=... TIUN_ENVIRONMENT=sandbox \
//!   cargo run -p tiun-client --example verify_session -- <session-id>  # against tiun itself
//! ```

use httpmock::prelude::*;
use tiun_client::{SessionStatus, TiunClient};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let session_id = std::env::args().nth(1);

    // With real credentials, ask tiun; otherwise ask a local stand-in that knows one paid session.
    let stand_in;
    let (tiun, session_id) = if std::env::var_os(tiun_client::ENV_API_KEY).is_some() {
        let session_id = session_id.ok_or("pass the session id to check as the first argument")?;
        (TiunClient::from_env()?, session_id)
    } else {
        stand_in = MockServer::start_async().await;
        stand_in
            .mock_async(|when, then| {
                when.method(PATCH)
                    .path("/live_api/s2s/v1/sessions/paid-session/status");
                then.status(200);
            })
            .await;
        println!(
            "TIUN_API_KEY is not set: asking a local stand-in for tiun at {}",
            stand_in.base_url()
        );
        let tiun = TiunClient::builder()
            .base_url(stand_in.base_url().parse()?)
            .api_key("local-key")
            .build()?;
        (
            tiun,
            session_id.unwrap_or_else(|| "paid-session".to_owned()),
        )
    };

    match tiun.verify_session(&session_id).await {
        Ok(SessionStatus::Valid) => println!("valid: serve the content"),
        Ok(SessionStatus::Invalid { problem }) => {
            println!("invalid: show the paywall ({problem:?})")
        }
        Ok(SessionStatus::Unauthorized { .. }) => {
            println!("unauthorized: check TIUN_API_KEY and TIUN_ENVIRONMENT")
        }
        Ok(other) => println!("not valid ({other:?}): show the paywall"),
        Err(error) => println!("no answer ({error}): show the paywall"),
    }
    Ok(())
}
