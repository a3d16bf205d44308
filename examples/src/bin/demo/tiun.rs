//! The tiun section: is this paywall session paid for? And who is this tiun user?

use std::time::Duration;

use tiun_client::test_util::FakeTiun;
use tiun_client::{
    ENV_API_KEY, ENV_ENVIRONMENT, SessionStatus, TiunClient, UserLookup, UserVerification,
};

use crate::DemoResult;
use crate::narrate::{denied, detail, granted, section, step};

/// The variable naming a real session to check (the demo's own; the crate needs only the key
/// and the environment).
const ENV_SESSION_ID: &str = "TIUN_SESSION_ID";

/// Runs the tiun section against a local fake tiun, always; then against tiun itself when
/// `TIUN_API_KEY`, `TIUN_ENVIRONMENT` and `TIUN_SESSION_ID` are all set.
pub(crate) async fn run() -> DemoResult {
    section(
        "tiun: time-based micro-payments",
        "The reader's browser gets a session id from tiun's paywall snippet; before serving the \
         article, the backend asks tiun whether that session is paid for.",
    );
    let fake = FakeTiun::start().await;
    step("Start a fake tiun on this machine (no network, no credentials needed).");
    detail("fake tiun", fake.base_url());

    step("Build the client once, at start-up, with the API key from the tiun dashboard.");
    let tiun = TiunClient::builder()
        .base_url(fake.base_url())
        .api_key(fake.api_key())
        .build()?;
    detail("client", format!("{tiun:?}"));
    detail(
        "note",
        "the key shows as [redacted]: it never appears in logs or errors",
    );

    sessions(&fake, &tiun).await?;
    spike(&fake, &tiun).await?;
    users(&fake, &tiun).await?;
    real_tiun().await;
    Ok(())
}

/// The session check: paid, ended, wrong key, hostile ids.
async fn sessions(fake: &FakeTiun, tiun: &TiunClient) -> DemoResult {
    fake.paid_session("sess-paid-42");
    step("A reader whose session is paid for asks for an article (session id `sess-paid-42`).");
    explain(tiun.verify_session("sess-paid-42").await?);

    fake.paid_session("sess-expired-7");
    fake.end_session("sess-expired-7");
    step("A reader whose session has ended asks for an article (session id `sess-expired-7`).");
    explain(tiun.verify_session("sess-expired-7").await?);

    step("The site was deployed with a key from the wrong environment.");
    let misconfigured = TiunClient::builder()
        .base_url(fake.base_url())
        .api_key("a-key-from-the-wrong-environment")
        .build()?;
    explain(misconfigured.verify_session("sess-paid-42").await?);

    step("Someone sends a forged session id that tries to reach another path: `../../admin`.");
    explain(tiun.verify_session("../../admin").await?);
    detail(
        "why",
        "the id was sent as one encoded path segment (..%2F..%2Fadmin): tiun saw the id \
         `../../admin`, a session it does not know, and no other path",
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

/// A traffic spike: many checks of one session at once share one request.
async fn spike(fake: &FakeTiun, tiun: &TiunClient) -> DemoResult {
    step("A popular article opens in 100 tabs of one reader at once; tiun takes 50 ms to answer.");
    fake.delay(Duration::from_millis(50));
    let before = fake.checks();
    let mut checks = tokio::task::JoinSet::new();
    for _ in 0..100 {
        let tiun = tiun.clone();
        checks.spawn(async move { tiun.verify_session("sess-paid-42").await });
    }
    let mut served = 0;
    for outcome in checks.join_all().await {
        served += usize::from(outcome?.is_valid());
    }
    fake.delay(Duration::ZERO);
    granted(&format!("{served} of 100 checks answered Valid"));
    detail(
        "requests tiun received",
        format!(
            "{} (concurrent checks of one session share one request)",
            fake.checks() - before
        ),
    );
    Ok(())
}

/// Beyond the session check: a user verification token, and a user lookup.
async fn users(fake: &FakeTiun, tiun: &TiunClient) -> DemoResult {
    fake.add_user("reader-7", Some("reader@example.com"), &["day-pass"]);
    let token = fake.user_token("reader-7");
    step("tiun's browser SDK hands the page a user verification token; the backend checks it.");
    match tiun.verify_user(&token).await? {
        UserVerification::Authenticated(user) => {
            granted(&format!(
                "authenticated: tiun user {} with {} product(s)",
                user.user_id,
                user.product_access.len()
            ));
            detail(
                "the user, as logs would show it",
                format!("{user:?} (the e-mail is masked)"),
            );
        }
        other => denied(&format!("not authenticated: {other:?}")),
    }

    step("Someone posts a made-up verification token.");
    match tiun.verify_user("made-up-token").await? {
        UserVerification::Authenticated(_) => granted("authenticated (unexpected)"),
        _ => denied("tiun answered isAuthenticated: false: treat the visitor as anonymous"),
    }

    step("The backend looks up what tiun knows about user `reader-7`, then about `nobody`.");
    for user_id in ["reader-7", "nobody"] {
        match tiun.user_info(user_id).await? {
            UserLookup::Found(user) => detail(
                "found",
                format!("{}, product access {:?}", user.user_id, user.product_access),
            ),
            UserLookup::NotFound { .. } => detail("not found", user_id),
            other => detail("answer", format!("{other:?}")),
        }
    }
    detail(
        "note",
        "a lookup is not an authentication check: use verify_user for who is logged in",
    );
    Ok(())
}

/// Checks `TIUN_SESSION_ID` at tiun itself when every variable is set; says what is missing
/// otherwise. Never fails the demo: a wrong setting is reported, not fatal.
async fn real_tiun() {
    let variables = [ENV_API_KEY, ENV_ENVIRONMENT, ENV_SESSION_ID];
    let missing: Vec<&str> = variables
        .iter()
        .copied()
        .filter(|name| matches!(paywall_examples::non_empty_setting(name), Ok(None)))
        .collect();
    if missing.len() == variables.len() {
        return;
    }
    step("Ask tiun itself about the session in TIUN_SESSION_ID.");
    if !missing.is_empty() {
        detail(
            "skipped",
            format!(
                "set {} too (all of {})",
                missing.join(", "),
                variables.join(", ")
            ),
        );
        return;
    }
    let tiun = match TiunClient::from_env() {
        Ok(tiun) => tiun,
        Err(error) => {
            denied(&format!("the configuration cannot work: {error}"));
            return;
        }
    };
    let session_id = match paywall_examples::setting(ENV_SESSION_ID) {
        Ok(session_id) => session_id.unwrap_or_default(),
        Err(error) => {
            denied(&error);
            return;
        }
    };
    match tiun.verify_session(&session_id).await {
        Ok(status) => explain(status),
        Err(error) => denied(&format!("no usable answer ({error}): show the paywall")),
    }
}

/// Prints what the backend does with tiun's answer.
fn explain(status: SessionStatus) {
    match status {
        SessionStatus::Valid => {
            granted("tiun answered 200 (Valid): the session is paid for, serve the article")
        }
        SessionStatus::Invalid { problem } => {
            denied("tiun answered 404 (Invalid): show the paywall");
            // What tiun wrote, with anything secret cut out; shown here on purpose.
            if let Some(detail_text) = problem.as_ref().and_then(|p| p.expose_detail()) {
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
