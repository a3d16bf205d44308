//! The tiun section: is this paywall session paid for?

use httpmock::prelude::*;
use tiun_client::{Environment, SessionStatus, TiunClient};

use crate::DemoResult;
use crate::narrate::{denied, detail, granted, section, step};

const DEMO_KEY: &str = "demo-sandbox-key";

/// Runs the tiun section: against tiun's sandbox when `TIUN_API_KEY` and `TIUN_SESSION_ID` are
/// set, otherwise against an embedded stand-in.
pub(crate) async fn run() -> DemoResult {
    section(
        "tiun: time-based micro-payments",
        "The reader's browser gets a session id from tiun's paywall snippet; before serving the \
         article, the backend asks tiun whether that session is paid for.",
    );
    if std::env::var_os("TIUN_API_KEY").is_some() {
        return check_real_session().await;
    }

    let fake_tiun = MockServer::start_async().await;
    fake_tiun
        .mock_async(|when, then| {
            when.method(PATCH)
                .path("/live_api/s2s/v1/sessions/sess-paid-42/status")
                .header("x-tiun-api-key", DEMO_KEY);
            then.status(200);
        })
        .await;
    fake_tiun
        .mock_async(|when, then| {
            when.method(PATCH).path("/live_api/s2s/v1/sessions/sess-expired-7/status").header("x-tiun-api-key", DEMO_KEY);
            then.status(404).header("content-type", "application/problem+json").body(
                r#"{"title":"Not Found","status":404,"detail":"The session has ended or the reader has no funds left."}"#,
            );
        })
        .await;
    fake_tiun
        .mock_async(|when, then| {
            when.method(PATCH).header_missing("x-tiun-api-key");
            then.status(401);
        })
        .await;
    fake_tiun
        .mock_async(|when, then| {
            when.method(PATCH)
                .header("x-tiun-api-key", "a-key-from-the-wrong-environment");
            then.status(401)
                .body(r#"{"title":"Unauthorized","detail":"Invalid API key"}"#);
        })
        .await;
    // Where `../../admin` would land if it were pasted into the path unencoded.
    let climbed_out = fake_tiun
        .mock_async(|when, then| {
            when.path("/live_api/s2s/admin/status");
            then.status(200);
        })
        .await;
    step("Start a stand-in for tiun on this machine (no network, no credentials needed).");
    detail("stand-in tiun", fake_tiun.base_url());

    step("Build the client once, at start-up, with the API key from the tiun dashboard.");
    let tiun = TiunClient::builder()
        .base_url(fake_tiun.base_url().parse()?)
        .api_key(DEMO_KEY)
        .build()?;
    detail("client", format!("{tiun:?}"));
    detail(
        "note",
        "the key shows as [redacted]: it never appears in logs or errors",
    );

    step("A reader whose session is paid for asks for an article (session id `sess-paid-42`).");
    explain(tiun.verify_session("sess-paid-42").await?);

    step("A reader whose session has run out asks for an article (session id `sess-expired-7`).");
    explain(tiun.verify_session("sess-expired-7").await?);

    step("The site was deployed with a key from the wrong environment.");
    let misconfigured = TiunClient::builder()
        .base_url(fake_tiun.base_url().parse()?)
        .api_key("a-key-from-the-wrong-environment")
        .build()?;
    explain(misconfigured.verify_session("sess-paid-42").await?);

    step("Someone sends a forged session id that tries to reach another path: `../../admin`.");
    explain(tiun.verify_session("../../admin").await?);
    detail(
        "why",
        "the id was sent as one encoded path segment (..%2F..%2Fadmin), which tiun does not know",
    );
    detail(
        "requests that climbed out to /live_api/s2s/admin/status",
        climbed_out.calls_async().await,
    );

    step("Someone sends a session id with a line break, trying to inject a header.");
    match tiun.verify_session("sess\r\nX-Evil: 1").await {
        Ok(status) => explain(status),
        Err(error) => {
            denied(&format!("refused before any request was sent: {error}"));
            if let Some(reason) = std::error::Error::source(&error) {
                detail("reason", reason);
            }
        }
    }
    Ok(())
}

/// Prints what the backend does with tiun's answer.
fn explain(status: SessionStatus) {
    match status {
        SessionStatus::Valid => {
            granted("tiun answered 200 (Valid): the session is paid for, serve the article")
        }
        SessionStatus::Invalid { problem } => {
            denied("tiun answered 404 (Invalid): show the paywall");
            if let Some(detail_text) = problem.and_then(|p| p.detail) {
                detail("tiun says", detail_text);
            }
        }
        SessionStatus::Unauthorized { .. } => {
            denied(
                "tiun answered 401 (Unauthorized): the API key is wrong; show the paywall and alert ops",
            );
        }
        other => denied(&format!("tiun answered {other:?}: show the paywall")),
    }
}

/// Checks `TIUN_SESSION_ID` with the credentials from the environment.
async fn check_real_session() -> DemoResult {
    let Ok(session_id) = std::env::var("TIUN_SESSION_ID") else {
        return Err(
            "TIUN_API_KEY is set: also set TIUN_SESSION_ID to the session id to check".into(),
        );
    };
    let environment: Environment = match std::env::var("TIUN_ENVIRONMENT") {
        Ok(name) => name.parse()?,
        Err(_) => Environment::Sandbox,
    };
    let tiun = TiunClient::builder()
        .environment(environment)
        .api_key(std::env::var("TIUN_API_KEY")?)
        .build()?;
    step(&format!(
        "Ask tiun's {environment} environment about the session in TIUN_SESSION_ID."
    ));
    match tiun.verify_session(&session_id).await {
        Ok(status) => explain(status),
        Err(error) => denied(&format!("no usable answer ({error}): show the paywall")),
    }
    Ok(())
}
