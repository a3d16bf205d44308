//! The tokens this client sends SSO2: HS256 with the client secret, claims `cid`, `iss` (the
//! organisation id), `aud: "pw-sso"`, `iat`, `nbf`, `exp`; `exp = iat + 60` for identify,
//! `exp = iat + 10` for server calls, which add `sid`, `ipa`, `uas` and their own claims.

use std::time::{SystemTime, UNIX_EPOCH};

use secrecy::SecretString;
use secrecy::zeroize::Zeroize as _;
use serde::Serialize;

use super::jws;
use super::reader::Reader;
use super::session::Sso2Status;
use super::verify_error::TokenError;
use paywall_internal::jws::Hs256Key;

/// The audience of every token this client sends: SSO2 itself.
pub(crate) const AUDIENCE: &str = "pw-sso";
/// How long an identify token lives, in seconds.
pub(crate) const IDENTIFY_LIFETIME: u64 = 60;
/// How long a server call's token lives, in seconds.
pub(crate) const CALL_LIFETIME: u64 = 10;

/// Seconds since the Unix epoch, now.
pub(crate) fn unix_now() -> Result<u64, TokenError> {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .map_err(|_| TokenError::ClockBeforeUnixEpoch)
}

/// A server call and what it adds to the token.
#[derive(Clone, Copy)]
pub(crate) enum Operation<'a> {
    /// `sessionstatus`, with `lks`.
    SessionStatus { last_known: Sso2Status },
    /// `authenticate`, with `usr` and `pwd`.
    Authenticate { email: &'a str, password: &'a str },
    /// `authenticatewithticket`, with `at`.
    WithTicket { ticket: &'a str },
    /// `logout`.
    Logout,
}

impl<'a> Operation<'a> {
    /// The path segment SSO2 takes it at, under the base URL.
    pub(crate) fn path(self) -> &'static str {
        match self {
            Self::SessionStatus { .. } => "sessionstatus",
            Self::Authenticate { .. } => "authenticate",
            Self::WithTicket { .. } => "authenticatewithticket",
            Self::Logout => "logout",
        }
    }

    /// What the token carries that must never print: the password or the ticket.
    pub(crate) fn secret(self) -> Option<&'a str> {
        match self {
            Self::Authenticate { password, .. } => Some(password),
            Self::WithTicket { ticket } => Some(ticket),
            Self::SessionStatus { .. } | Self::Logout => None,
        }
    }
}

/// Every claim a token of this client may carry; absent ones are left out.
#[derive(Serialize, Default)]
struct Claims<'a> {
    cid: &'a str,
    iss: &'a str,
    aud: &'static str,
    iat: u64,
    nbf: u64,
    exp: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    sid: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    ipa: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    uas: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    lks: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    usr: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pwd: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    at: Option<&'a str>,
}

/// Who signs: the client id, the organisation id and the client secret as a key.
pub(crate) struct Signer<'a> {
    pub(crate) client_id: &'a str,
    pub(crate) organisation_id: &'a str,
    pub(crate) key: &'a Hs256Key,
}

impl Signer<'_> {
    fn claims(&self, now: u64, lifetime: u64) -> Claims<'_> {
        Claims {
            cid: self.client_id,
            iss: self.organisation_id,
            aud: AUDIENCE,
            iat: now,
            nbf: now,
            exp: now + lifetime,
            ..Claims::default()
        }
    }

    /// The token of an identify redirect, issued at `now`.
    pub(crate) fn identify(&self, now: u64) -> String {
        self.sign(&self.claims(now, IDENTIFY_LIFETIME))
    }

    /// The token of a server call for session `sid` and `reader`, issued at `now`. It may
    /// carry a password or a ticket (base64url is not encryption), so it is a secret: zeroed
    /// on drop, never printed.
    pub(crate) fn call(
        &self,
        now: u64,
        sid: &str,
        reader: &Reader,
        operation: Operation<'_>,
    ) -> SecretString {
        let mut claims = self.claims(now, CALL_LIFETIME);
        claims.sid = Some(sid);
        claims.ipa = Some(reader.ip().to_string());
        claims.uas = Some(reader.user_agent());
        match operation {
            Operation::SessionStatus { last_known } => claims.lks = Some(last_known.as_str()),
            Operation::Authenticate { email, password } => {
                claims.usr = Some(email);
                claims.pwd = Some(password);
            }
            Operation::WithTicket { ticket } => claims.at = Some(ticket),
            Operation::Logout => {}
        }
        SecretString::from(self.sign(&claims))
    }

    fn sign(&self, claims: &Claims<'_>) -> String {
        // A struct of strings and numbers always serialises.
        let mut json = serde_json::to_vec(claims).unwrap_or_default();
        let token = jws::sign(&json, self.key);
        json.zeroize();
        token
    }
}

#[cfg(test)]
mod tests {
    use secrecy::ExposeSecret as _;

    use super::*;

    fn signer(key: &Hs256Key) -> Signer<'_> {
        Signer {
            client_id: "cid-1",
            organisation_id: "org-1",
            key,
        }
    }

    #[test]
    fn operations_are_posted_under_the_base_path() {
        let last_known = Sso2Status::Anonymous;
        for (base, operation, expected) in [
            (
                "https://proxy.example/sso/",
                Operation::Logout,
                "https://proxy.example/sso/logout",
            ),
            (
                "https://sso.worldoftulo.com",
                Operation::WithTicket { ticket: "t" },
                "https://sso.worldoftulo.com/authenticatewithticket",
            ),
            (
                "https://sso.worldoftulo.com",
                Operation::SessionStatus { last_known },
                "https://sso.worldoftulo.com/sessionstatus",
            ),
        ] {
            let base = url::Url::parse(base).unwrap();
            let url = paywall_internal::http::append_segments(&base, &[operation.path()]);
            assert_eq!(url.as_str(), expected);
        }
    }

    #[test]
    fn identify_tokens_carry_exactly_the_identify_claims() {
        let key = Hs256Key::new(b"sso2-test-secret-0123456789");
        let token = signer(&key).identify(1_700_000_000);
        let claims = jws::verify(&token, &key).unwrap();
        let json = serde_json::Value::Object(claims);
        assert_eq!(
            json,
            serde_json::json!({"cid": "cid-1", "iss": "org-1", "aud": "pw-sso",
                "iat": 1_700_000_000, "nbf": 1_700_000_000, "exp": 1_700_000_060})
        );
    }

    #[test]
    fn call_tokens_add_their_operation_and_never_print() {
        let key = Hs256Key::new(b"sso2-test-secret-0123456789");
        let reader = Reader::new("203.0.113.9".parse().unwrap(), "Mozilla/5.0 \"quoted\"");
        let operation = Operation::Authenticate {
            email: "ada@example.com",
            password: "pw-secret-1",
        };
        let token = signer(&key).call(100, "sid-1", &reader, operation);
        let shown = format!("{token:?}");
        assert!(shown.contains("REDACTED"), "{shown}");
        assert!(!shown.contains(token.expose_secret()), "{shown}");
        let claims = jws::verify(token.expose_secret(), &key).unwrap();
        assert_eq!(claims["exp"], 110);
        assert_eq!(claims["uas"], "Mozilla/5.0 \"quoted\"");
        assert_eq!(claims["pwd"], "pw-secret-1");
        assert_eq!(claims.len(), 11);
    }
}
