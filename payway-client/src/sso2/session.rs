//! What SSO2 says about a reader's session: [`Sso2Session`], its [`Sso2Status`] and the
//! [`Sso2Error`] it may carry.

use std::fmt;
use std::time::Duration;

use crate::ticket::Ticket;

/// The longest `err` code kept as [`Sso2Error::Other`], in characters.
const MAX_OTHER_CODE: usize = 64;

/// A reader's SSO2 session, as a verified SSO2 token says it is (from a landing or from
/// a server call).
///
/// An answer whose token does not verify is an `Err`, never an anonymous session.
/// `{:?}` prints the status and the error, never the session id or the ticket.
#[derive(Clone)]
#[must_use = "the session says whether the reader is logged in"]
pub struct Sso2Session {
    pub(crate) sid: String,
    pub(crate) status: Sso2Status,
    pub(crate) ticket: Option<Ticket>,
    pub(crate) error: Option<Sso2Error>,
}

impl Sso2Session {
    /// The SSO2 session id (`sid`): what every server call names. Confidential: keep it out
    /// of logs and URLs.
    pub fn sid(&self) -> &str {
        &self.sid
    }

    /// Whether the reader is logged in, anonymous, or their session was ended elsewhere.
    pub fn status(&self) -> Sso2Status {
        self.status
    }

    /// The authorization ticket SSO2 issued with a login (`at`): exchange it with
    /// [`PaywayClient::login_with_ticket`](crate::PaywayClient::login_with_ticket), which
    /// uses it at most once, for the reader's account and token.
    pub fn ticket(&self) -> Option<&Ticket> {
        self.ticket.as_ref()
    }

    /// What SSO2 refused, if anything (`err`).
    pub fn error(&self) -> Option<&Sso2Error> {
        self.error.as_ref()
    }

    /// `true` when SSO2 no longer knows the session, or it was ended elsewhere: clear the
    /// session cookie and identify the reader again.
    pub fn is_gone(&self) -> bool {
        self.status == Sso2Status::Terminated || self.error == Some(Sso2Error::SessionNotFound)
    }
}

impl fmt::Debug for Sso2Session {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sso2Session")
            .field("sid", &"[redacted]")
            .field("status", &self.status)
            .field("ticket", &self.ticket)
            .field("error", &self.error)
            .finish()
    }
}

/// The state of a reader's SSO2 session (`sts`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Sso2Status {
    /// `loggedin`: the reader is logged in to SSO2.
    LoggedIn,
    /// `anon`: the reader has an SSO2 session but is not logged in.
    Anonymous,
    /// `terminated`: the session was ended elsewhere (a logout on another site).
    Terminated,
}

impl Sso2Status {
    /// The wire value: `loggedin`, `anon` or `terminated` (what `sts` and `lks` carry).
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::LoggedIn => "loggedin",
            Self::Anonymous => "anon",
            Self::Terminated => "terminated",
        }
    }

    /// Reads a wire value; `None` for any other text (such an answer is refused).
    pub fn from_wire(value: &str) -> Option<Self> {
        [Self::LoggedIn, Self::Anonymous, Self::Terminated]
            .into_iter()
            .find(|status| status.as_str() == value)
    }
}

impl fmt::Display for Sso2Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What SSO2 refused (`err`): a typed answer, not a failure of the call.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Sso2Error {
    /// `session_not_found`: SSO2 does not know the session id. Identify the reader again.
    #[error("sso2 does not know the session")]
    SessionNotFound,
    /// `invalid_credentials`: the e-mail or password is wrong.
    #[error("the e-mail address or password is wrong")]
    InvalidCredentials {
        /// How many attempts are left before the account is frozen (`raa`), when SSO2 said.
        remaining_attempts: Option<u32>,
    },
    /// `account_frozen`: too many failed attempts.
    #[error("the account is frozen after too many attempts")]
    AccountFrozen {
        /// How long the account stays frozen (`frf`, in seconds), when SSO2 said.
        retry_after: Option<Duration>,
    },
    /// `account_not_active`: the account exists but may not log in.
    #[error("the account is not active")]
    AccountNotActive,
    /// Any other code, as SSO2 wrote it (at most 64 characters of `A-Z a-z 0-9 _ - .`;
    /// others become `?`).
    #[error("sso2 refused: {0}")]
    Other(String),
}

impl Sso2Error {
    /// The error for an `err` code, with `raa` and `frf` when the code uses them.
    pub(crate) fn from_wire(code: &str, raa: Option<u32>, frf: Option<u64>) -> Self {
        match code {
            "session_not_found" => Self::SessionNotFound,
            "invalid_credentials" => Self::InvalidCredentials {
                remaining_attempts: raa,
            },
            "account_frozen" => Self::AccountFrozen {
                retry_after: frf.map(Duration::from_secs),
            },
            "account_not_active" => Self::AccountNotActive,
            other => {
                let kept = |c: char| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.');
                let clean = |c| if kept(c) { c } else { '?' };
                Self::Other(other.chars().take(MAX_OTHER_CODE).map(clean).collect())
            }
        }
    }

    /// The wire code: `session_not_found`, `invalid_credentials`, `account_frozen`,
    /// `account_not_active`, or the [`Other`](Self::Other) code.
    pub fn code(&self) -> &str {
        match self {
            Self::SessionNotFound => "session_not_found",
            Self::InvalidCredentials { .. } => "invalid_credentials",
            Self::AccountFrozen { .. } => "account_frozen",
            Self::AccountNotActive => "account_not_active",
            Self::Other(code) => code,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_round_trip_and_unknown_ones_are_none() {
        for status in [
            Sso2Status::LoggedIn,
            Sso2Status::Anonymous,
            Sso2Status::Terminated,
        ] {
            assert_eq!(Sso2Status::from_wire(status.as_str()), Some(status));
        }
        for unknown in ["", "LoggedIn", "anonymous", "logged_in", "frozen", "anon "] {
            assert_eq!(Sso2Status::from_wire(unknown), None, "{unknown}");
        }
    }

    #[test]
    fn debug_hides_the_sid_and_the_ticket() {
        let session = Sso2Session {
            sid: "sid-secret-1".to_owned(),
            status: Sso2Status::LoggedIn,
            ticket: Some(Ticket::new("tkt-secret-1")),
            error: None,
        };
        let shown = format!("{session:?} {session:#?}");
        assert!(!shown.contains("sid-secret") && !shown.contains("tkt-secret"));
        assert!(shown.contains("LoggedIn"));
    }
}
