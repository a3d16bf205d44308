//! Tulo Payway SSO2: the status of a made-up session (read-only: nothing logs in or out).

use std::net::{IpAddr, Ipv4Addr};

use payway_client::sso2::{Reader, Sso2Client, Sso2Error, Sso2Session, Sso2Status};
use payway_client::{ENV_CLIENT_ID, ENV_CLIENT_SECRET, ENV_ORGANISATION_ID};

use crate::recorder::Recorder;
use crate::report::{CrateVerdict, Element, Report};
use crate::{crate_error, env_values, is_set, made_up_hex};

const PROVIDER: &str = "sso2";

/// Every server call is answered `200 {"t": token}`; what SSO2 says is inside the token.
const SESSION_STATUS: Element = Element {
    method: "POST",
    template: "/sessionstatus",
    statuses: &[200],
    members: &["t"],
};

pub(crate) async fn run(report: &mut Report) {
    if !is_set(ENV_CLIENT_ID) || !is_set(ENV_CLIENT_SECRET) || !is_set(ENV_ORGANISATION_ID) {
        report.skip(
            PROVIDER,
            "PAYWAY_CLIENT_ID, PAYWAY_CLIENT_SECRET and PAYWAY_ORGANISATION_ID are not all set",
        );
        return;
    }
    let sid = made_up_hex(16);
    let mut withheld = env_values(&[ENV_CLIENT_ID, ENV_CLIENT_SECRET, ENV_ORGANISATION_ID]);
    withheld.push(sid.clone());
    let (sso2, relay) = match connect(withheld).await {
        Ok(connected) => connected,
        Err(why) => return report.fail(PROVIDER, "configuration", &why),
    };
    // A reader from the documentation address range (RFC 5737), named for what it is.
    let reader = Reader::new(
        IpAddr::V4(Ipv4Addr::new(192, 0, 2, 10)),
        "paywall-examples live-check",
    );
    let outcome = sso2
        .session_status(&sid, Sso2Status::Anonymous, &reader)
        .await;
    report.call(PROVIDER, &[&SESSION_STATUS], relay.take(), status(outcome));
}

/// The client as `from_env` configures it, sent through a relay to the same host.
async fn connect(withheld: Vec<String>) -> Result<(Sso2Client, Recorder), String> {
    let configured = Sso2Client::from_env().map_err(|e| crate_error(&e))?;
    let relay = Recorder::start(configured.base_url().clone(), withheld).await?;
    let sso2 = Sso2Client::builder_from_env()
        .and_then(|builder| builder.base_url(relay.base_url()).build())
        .map_err(|e| crate_error(&e))?;
    Ok((sso2, relay))
}

fn status(outcome: Result<Sso2Session, payway_client::Error>) -> CrateVerdict {
    match outcome {
        Ok(session) if session.error() == Some(&Sso2Error::SessionNotFound) => Ok(format!(
            "a verified answer token: sts {}, err session_not_found",
            session.status()
        )),
        Ok(session) => Err(format!(
            "a verified answer token, but sts {} and err {} for a made-up session \
             (expected err session_not_found)",
            session.status(),
            session.error().map_or("absent", Sso2Error::code)
        )),
        Err(error) => Err(crate_error(&error)),
    }
}
