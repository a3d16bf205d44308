//! tiun: the session check, the user verification and the user lookup, each for something
//! made up (read-only: nothing is paid for, no session is opened).

use tiun_client::{
    ENV_API_KEY, ENV_PROVIDER_ID, SessionStatus, TiunClient, UserLookup, UserVerification,
};

use crate::recorder::Recorder;
use crate::report::{CrateVerdict, Element, Report};
use crate::{crate_error, env_values, is_set, made_up};

const PROVIDER: &str = "tiun";

/// Every field of tiun's problem details is nullable, so no member is required.
const SESSION_STATUS: Element = Element {
    method: "PATCH",
    template: "/live_api/s2s/v1/sessions/{sessionId}/status",
    statuses: &[404],
    members: &[],
};
const LEGACY_SESSION_STATUS: Element = Element {
    method: "PATCH",
    template: "/live_api/v1/providers/{providerId}/sessions/{sessionId}/status",
    statuses: &[404],
    members: &[],
};
const USER_VERIFICATION: Element = Element {
    method: "POST",
    template: "/live_api/s2s/v1/users/verification",
    statuses: &[200],
    members: &["isAuthenticated"],
};
const USER_INFO: Element = Element {
    method: "GET",
    template: "/live_api/s2s/v1/users/{userId}/info",
    statuses: &[404],
    members: &[],
};

pub(crate) async fn run(report: &mut Report) {
    if !is_set(ENV_API_KEY) {
        report.skip(PROVIDER, "TIUN_API_KEY is not set");
        return;
    }
    let session_id = made_up("live-check-session-", 16);
    let user_token = made_up("live-check-token-", 16);
    let user_id = made_up("live-check-user-", 8);
    let mut withheld = env_values(&[ENV_API_KEY, ENV_PROVIDER_ID]);
    withheld.extend([session_id.clone(), user_token.clone(), user_id.clone()]);
    let (tiun, relay) = match connect(withheld).await {
        Ok(connected) => connected,
        Err(why) => return report.fail(PROVIDER, "configuration", &why),
    };
    let session_check = if is_set(ENV_PROVIDER_ID) {
        &LEGACY_SESSION_STATUS
    } else {
        &SESSION_STATUS
    };

    let outcome = tiun.verify_session(&session_id).await;
    report.call(PROVIDER, &[session_check], relay.take(), session(outcome));

    let outcome = tiun.verify_user(&user_token).await;
    report.call(
        PROVIDER,
        &[&USER_VERIFICATION],
        relay.take(),
        verification(outcome),
    );

    let outcome = tiun.user_info(&user_id).await;
    report.call(PROVIDER, &[&USER_INFO], relay.take(), lookup(outcome));
}

/// The client as `from_env` configures it, sent through a relay to the same host.
async fn connect(withheld: Vec<String>) -> Result<(TiunClient, Recorder), String> {
    let configured = TiunClient::from_env().map_err(|e| crate_error(&e))?;
    let relay = Recorder::start(configured.base_url().clone(), withheld).await?;
    let tiun = TiunClient::builder_from_env()
        .and_then(|builder| builder.base_url(relay.base_url()).build())
        .map_err(|e| crate_error(&e))?;
    Ok((tiun, relay))
}

fn session(outcome: Result<SessionStatus, tiun_client::Error>) -> CrateVerdict {
    match outcome {
        Ok(SessionStatus::Invalid { problem: Some(_) }) => {
            Ok("Invalid, with problem details".to_owned())
        }
        Ok(SessionStatus::Invalid { problem: None }) => {
            Err("Invalid, but no problem details could be read".to_owned())
        }
        Ok(SessionStatus::Valid) => Err("Valid for a made-up session".to_owned()),
        Ok(SessionStatus::Unauthorized { .. }) => {
            Err("Unauthorized: tiun refused the API key".to_owned())
        }
        Ok(_) => Err("an outcome this check does not know".to_owned()),
        Err(error) => Err(crate_error(&error)),
    }
}

fn verification(outcome: Result<UserVerification, tiun_client::Error>) -> CrateVerdict {
    match outcome {
        Ok(UserVerification::NotAuthenticated) => Ok("NotAuthenticated".to_owned()),
        Ok(UserVerification::Authenticated(_)) => {
            Err("Authenticated for a made-up token".to_owned())
        }
        Ok(UserVerification::Unauthorized { .. }) => {
            Err("Unauthorized: tiun refused the API key".to_owned())
        }
        Ok(_) => Err("an outcome this check does not know".to_owned()),
        Err(error) => Err(crate_error(&error)),
    }
}

fn lookup(outcome: Result<UserLookup, tiun_client::Error>) -> CrateVerdict {
    match outcome {
        Ok(UserLookup::NotFound { problem: Some(_) }) => {
            Ok("NotFound, with problem details".to_owned())
        }
        Ok(UserLookup::NotFound { problem: None }) => {
            Err("NotFound, but no problem details could be read".to_owned())
        }
        Ok(UserLookup::Found(_)) => Err("Found for a made-up user id".to_owned()),
        Ok(UserLookup::Unauthorized { .. }) => {
            Err("Unauthorized: tiun refused the API key".to_owned())
        }
        Ok(_) => Err("an outcome this check does not know".to_owned()),
        Err(error) => Err(crate_error(&error)),
    }
}
