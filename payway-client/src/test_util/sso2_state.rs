//! What the fake SSO2 remembers: readers' sessions and the logins it accepts.

use std::collections::HashMap;

/// How many wrong passwords freeze a login.
pub(crate) const MAX_ATTEMPTS: u32 = 3;
/// How long a frozen login stays frozen, in seconds (`frf`).
pub(crate) const FROZEN_SECS: u64 = 300;

/// One reader's SSO2 session.
#[derive(Default)]
pub(crate) struct FakeSession {
    /// The account logged in, if any.
    pub(crate) account_id: Option<String>,
    /// Ended: a logout, here or "on another site". Status calls answer `terminated`.
    pub(crate) ended: bool,
}

/// An e-mail and password the fake accepts, for an account.
pub(crate) struct FakeLogin {
    pub(crate) password: String,
    pub(crate) account_id: String,
    pub(crate) active: bool,
    pub(crate) failures: u32,
}

/// Everything the fake SSO2 remembers.
#[derive(Default)]
pub(crate) struct Sso2State {
    pub(crate) sessions: HashMap<String, FakeSession>,
    /// By lower-cased e-mail address.
    pub(crate) logins: HashMap<String, FakeLogin>,
    /// Where identify sends readers back to, as Payway configures it per client.
    pub(crate) landing_url: Option<url::Url>,
    /// How many server calls arrived, accepted or not.
    pub(crate) calls: usize,
    /// Why each refused request token was refused, in order.
    pub(crate) refusals: Vec<String>,
    /// How many of the next answers that would carry a ticket carry none.
    pub(crate) withheld_tickets: usize,
    /// The paywall secret: the HS256 key of the paywall's checkout tokens (a setting apart
    /// from the API client secret).
    pub(crate) paywall_secret: String,
}
