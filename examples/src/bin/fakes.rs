//! Every crate's fake provider on 127.0.0.1, with the environment that points the crates'
//! `from_env` constructors at them, until the process is stopped.
//!
//! ```text
//! cargo run -p paywall-examples --bin fakes > fakes.env &
//! # once fakes.env ends with "# fakes ready":
//! eval "$(grep '^export ' fakes.env)"
//! cargo run -p paywall-examples --bin live-check
//! ```
//!
//! It prints `export NAME='value'` lines for the base URLs and the fakes' own credentials
//! (test values that guard nothing), then `# fakes ready`, and keeps the fakes running until
//! it is killed. This is how `.ci/run` runs live-check, so that it is exercised on every run.

use accesstype_jwt::test_util::FakeAccesstype;
use payway_client::test_util::FakePayway;
use tiun_client::test_util::FakeTiun;

#[tokio::main]
async fn main() {
    let tiun = FakeTiun::start().await;
    let payway = FakePayway::start().await;
    let accesstype = FakeAccesstype::start().await;

    // Something known to each fake, so that what live-check asks about (ids it makes up) is
    // unknown among known data, as it is at the provider.
    tiun.paid_session("fakes-paid-session");
    tiun.add_user("fakes-user", None, &["daily-pass"]);
    payway.add_account("5f0c1e2d3b4a596877665544", ["premium"]);
    accesstype.subscribe("fakes-subscriber@example.com");

    let exports = [
        (tiun_client::ENV_BASE_URL, tiun.base_url().to_string()),
        (tiun_client::ENV_API_KEY, tiun.api_key().to_owned()),
        (payway_client::ENV_BASE_URL, payway.base_url().to_string()),
        (payway_client::ENV_CLIENT_ID, payway.client_id().to_owned()),
        (
            payway_client::ENV_CLIENT_SECRET,
            payway.client_secret().to_owned(),
        ),
        (
            payway_client::ENV_SSO_BASE_URL,
            payway.sso_base_url().to_string(),
        ),
        (
            payway_client::ENV_ORGANISATION_ID,
            payway.organisation_id().to_owned(),
        ),
        (
            accesstype_jwt::ENV_BASE_URL,
            accesstype.base_url().to_string(),
        ),
        (accesstype_jwt::ENV_API_KEY, accesstype.api_key().to_owned()),
        (
            accesstype_jwt::ENV_ACCOUNT_KEY,
            accesstype.account_key().to_owned(),
        ),
    ];
    for (name, value) in exports {
        println!("export {name}={}", shell_quoted(&value));
    }
    println!("# fakes ready");

    // Killed, not stopped: the fakes live exactly as long as the process.
    std::future::pending::<()>().await;
}

/// `value` in single quotes, for a POSIX shell.
fn shell_quoted(value: &str) -> String {
    format!("'{}'", value.replace('\'', r"'\''"))
}
