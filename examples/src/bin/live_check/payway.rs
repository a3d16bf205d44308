//! Tulo Payway: a server-to-server token (read scope only) and the active products of a
//! made-up account. Nothing that writes: no ticket is generated, no token exchanged.

use payway_client::{
    ACCOUNT_READ_SCOPE, AccountProducts, ENV_CLIENT_ID, ENV_CLIENT_SECRET, PaywayClient,
};

use crate::recorder::Recorder;
use crate::report::{CrateVerdict, Element, Report};
use crate::{crate_error, env_values, is_set, made_up_hex};

const PROVIDER: &str = "payway";

const ACCESS_TOKEN: Element = Element {
    method: "POST",
    template: "/api/authorization/access_token",
    statuses: &[200],
    members: &["access_token", "expires_in"],
};
/// An unknown account is `404` with the resource error body, `code` `not_found`.
const ACCOUNT_ACTIVE_PRODUCTS: Element = Element {
    method: "GET",
    template: "/external/api/v1/accounts/active_products",
    statuses: &[404],
    members: &["code"],
};

pub(crate) async fn run(report: &mut Report) {
    if !is_set(ENV_CLIENT_ID) || !is_set(ENV_CLIENT_SECRET) {
        report.skip(
            PROVIDER,
            "PAYWAY_CLIENT_ID and PAYWAY_CLIENT_SECRET are not both set",
        );
        return;
    }
    let account_id = made_up_hex(12);
    let mut withheld = env_values(&[ENV_CLIENT_ID, ENV_CLIENT_SECRET]);
    withheld.push(account_id.clone());
    let (payway, relay) = match connect(withheld).await {
        Ok(connected) => connected,
        Err(why) => return report.fail(PROVIDER, "configuration", &why),
    };

    // The scope the accounts call needs (reading, nothing more): that call then finds the
    // token in the crate's cache.
    let outcome = payway.server_token(&[ACCOUNT_READ_SCOPE]).await;
    let verdict = match outcome {
        Ok(_) => Ok("a server token (kept in the crate's cache, never printed)".to_owned()),
        Err(error) => Err(crate_error(&error)),
    };
    report.call(PROVIDER, &[&ACCESS_TOKEN], relay.take(), verdict);

    let outcome = payway.account_active_products(&account_id, true).await;
    report.call(
        PROVIDER,
        &[&ACCESS_TOKEN, &ACCOUNT_ACTIVE_PRODUCTS],
        relay.take(),
        products(outcome),
    );
}

/// The client as `from_env` configures it, sent through a relay to the same host.
async fn connect(withheld: Vec<String>) -> Result<(PaywayClient, Recorder), String> {
    let configured = PaywayClient::from_env().map_err(|e| crate_error(&e))?;
    let relay = Recorder::start(configured.base_url().clone(), withheld).await?;
    let payway = PaywayClient::builder_from_env()
        .and_then(|builder| builder.base_url(relay.base_url()).build())
        .map_err(|e| crate_error(&e))?;
    Ok((payway, relay))
}

fn products(outcome: Result<AccountProducts, payway_client::Error>) -> CrateVerdict {
    match outcome {
        Ok(AccountProducts::UnknownAccount) => Ok("UnknownAccount".to_owned()),
        Ok(AccountProducts::Found(_)) => Err("Found for a made-up account".to_owned()),
        Ok(_) => Err("an outcome this check does not know".to_owned()),
        Err(error) => Err(crate_error(&error)),
    }
}
