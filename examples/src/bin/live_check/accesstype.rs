//! Accesstype: the access check of a made-up story for a fresh reader, without a pingback
//! (a check alone moves no meter), and the subscriptions of a made-up subscriber.

use accesstype_jwt::{
    AccessGrant, AccesstypeClient, ENV_ACCOUNT_KEY, ENV_API_KEY, GrantReason, ReaderId,
    SubscriberIdentity, Subscription, WallType,
};

use crate::recorder::Recorder;
use crate::report::{CrateVerdict, Element, Report};
use crate::{crate_error, env_values, is_set, made_up, made_up_uuid};

const PROVIDER: &str = "accesstype";

const STORY_ACCESS: Element = Element {
    method: "GET",
    template: "/api/access/v1/stories/{storyId}/access",
    statuses: &[200],
    members: &["granted"],
};
/// A subscriber with none (or none active) has an empty list.
const SUBSCRIPTIONS: Element = Element {
    method: "GET",
    template: "/api/v1/subscribers/{provider}/{identity}/subscriptions.json",
    statuses: &[200],
    members: &["subscriptions"],
};

pub(crate) async fn run(report: &mut Report) {
    if !is_set(ENV_API_KEY) || !is_set(ENV_ACCOUNT_KEY) {
        report.skip(
            PROVIDER,
            "ACCESSTYPE_API_KEY and ACCESSTYPE_ACCOUNT_KEY are not both set",
        );
        return;
    }
    let story_id = made_up_uuid();
    // A `+` in the address, as readers' addresses have: it must arrive as one path segment.
    let email = format!("{}@example.com", made_up("live-check+", 8));
    let reader = match ReaderId::generate() {
        Ok(reader) => reader,
        Err(error) => return report.fail(PROVIDER, "reader id", &crate_error(&error)),
    };
    let mut withheld = env_values(&[ENV_API_KEY, ENV_ACCOUNT_KEY]);
    withheld.extend([story_id.clone(), reader.as_str().to_owned(), email.clone()]);
    let (accesstype, relay) = match connect(withheld).await {
        Ok(connected) => connected,
        Err(why) => return report.fail(PROVIDER, "configuration", &why),
    };

    let outcome = accesstype.check_access(&story_id, &reader, None).await;
    report.call(PROVIDER, &[&STORY_ACCESS], relay.take(), grant(outcome));

    let outcome = match SubscriberIdentity::email(email) {
        Ok(identity) => accesstype.subscriptions(&identity, true).await,
        Err(error) => Err(error),
    };
    report.call(
        PROVIDER,
        &[&SUBSCRIPTIONS],
        relay.take(),
        subscriptions(&outcome),
    );
}

/// The client as `from_env` configures it, sent through a relay to the same host.
async fn connect(withheld: Vec<String>) -> Result<(AccesstypeClient, Recorder), String> {
    let configured = AccesstypeClient::from_env().map_err(|e| crate_error(&e))?;
    let relay = Recorder::start(configured.base_url().clone(), withheld).await?;
    let accesstype = AccesstypeClient::builder_from_env()
        .and_then(|builder| builder.base_url(relay.base_url()).build())
        .map_err(|e| crate_error(&e))?;
    Ok((accesstype, relay))
}

fn grant(outcome: Result<AccessGrant, accesstype_jwt::Error>) -> CrateVerdict {
    match outcome {
        Ok(grant) => {
            let mut said = vec![format!("granted {}", grant.granted())];
            // An undocumented value is text the provider chose: named, not printed.
            if let Some(reason) = grant.grant_reason() {
                let shown = match reason {
                    GrantReason::Other(_) => "<undocumented>",
                    documented => documented.as_str(),
                };
                said.push(format!("grantReason {shown}"));
            }
            if let Some(wall) = grant.wall_type() {
                let shown = match wall {
                    WallType::Other(_) => "<undocumented>",
                    documented => documented.as_str(),
                };
                said.push(format!("wallType {shown}"));
            }
            Ok(format!("an access grant ({})", said.join(", ")))
        }
        Err(error) => Err(crate_error(&error)),
    }
}

fn subscriptions(outcome: &Result<Vec<Subscription>, accesstype_jwt::Error>) -> CrateVerdict {
    match outcome {
        Ok(list) if list.is_empty() => Ok("no subscriptions".to_owned()),
        Ok(list) => Err(format!(
            "{} subscriptions for a made-up subscriber",
            list.len()
        )),
        Err(error) => Err(crate_error(error)),
    }
}
