//! Reading what SSO2 signs (a landing's `t`, a server call's answer) into an [`Sso2Session`]:
//! HS256 with the client secret, `exp` required, `nbf` and `iat` checked when present, all
//! within the leeway; `sid` and `sts` required and typed; `at`, `err`, `raa`, `frf` typed.

use serde_json::{Map, Value};

use super::jws::{self, MAX_TOKEN_BYTES};
use super::request_token::AUDIENCE;
use super::session::{Sso2Error, Sso2Session, Sso2Status};
use super::verify_error::TokenError;
use crate::error::Error;
use crate::ticket::{Ticket, check_ticket};
use crate::validate::is_identifier;
use paywall_internal::jws::{Hs256Key, TimeRefused};

/// The longest session id accepted, in bytes.
const MAX_SID_BYTES: usize = 256;

/// A verified SSO2 token: the session, and when the token stops being accepted.
pub(crate) struct Answer {
    pub(crate) session: Sso2Session,
    /// `exp` plus the leeway, in seconds since the epoch.
    pub(crate) accepted_until: u64,
}

/// Verifies an SSO2 token at `now` (seconds since the epoch) and reads the session it
/// describes.
pub(crate) fn read_answer(
    token: &str,
    key: &Hs256Key,
    leeway: u64,
    now: u64,
) -> Result<Answer, Error> {
    let claims = verify(token, key)?;
    let (session, exp) = session_from_claims(&claims, now, leeway).map_err(Error::Sso2Token)?;
    Ok(Answer {
        session,
        accepted_until: accepted_until(exp, leeway),
    })
}

/// The claims of a token no longer than [`MAX_TOKEN_BYTES`] that verifies under `key`.
pub(crate) fn verify(token: &str, key: &Hs256Key) -> Result<Map<String, Value>, Error> {
    if token.len() > MAX_TOKEN_BYTES {
        return Err(Error::TokenTooLarge {
            len: token.len(),
            limit: MAX_TOKEN_BYTES,
        });
    }
    jws::verify(token, key).map_err(Error::Sso2Token)
}

/// `exp` plus the leeway, in whole seconds since the epoch (rounded down).
pub(crate) fn accepted_until(exp: f64, leeway: u64) -> u64 {
    (exp.max(0.0) as u64).saturating_add(leeway)
}

/// The session the verified `claims` describe, checked at `now` (seconds since the epoch),
/// and its `exp`.
pub(crate) fn session_from_claims(
    claims: &Map<String, Value>,
    now: u64,
    leeway: u64,
) -> Result<(Sso2Session, f64), TokenError> {
    if addressed_to_sso2(claims.get("aud")) {
        return Err(TokenError::NotAnAnswer);
    }
    let exp = check_times(claims, now as f64, leeway as f64)?;
    let sid = required(
        claims,
        "sid",
        "a session id of 1 to 256 visible characters",
        |v| v.as_str().filter(|sid| is_sid(sid)).map(str::to_owned),
    )?;
    let status = required(claims, "sts", "`loggedin`, `anon` or `terminated`", |v| {
        v.as_str().and_then(Sso2Status::from_wire)
    })?;
    let ticket = optional(claims, "at", "a ticket", |v| {
        v.as_str()
            .filter(|at| check_ticket(at).is_ok())
            .map(Ticket::new)
    })?;
    let raa = optional(claims, "raa", "a whole number of attempts", |v| {
        v.as_u64().and_then(|n| u32::try_from(n).ok())
    })?;
    let frf = optional(claims, "frf", "a whole number of seconds", Value::as_u64)?;
    let error = optional(claims, "err", "a string", |v| {
        v.as_str().map(|code| Sso2Error::from_wire(code, raa, frf))
    })?;
    let session = Sso2Session {
        sid,
        status,
        ticket,
        error,
    };
    Ok((session, exp))
}

/// Claim `claim`, which must be there, as `read` reads it: [`TokenError::InvalidClaim`]
/// (saying it must be `expected`) when `read` refuses it, `null` included.
fn required<T>(
    claims: &Map<String, Value>,
    claim: &'static str,
    expected: &'static str,
    read: impl FnOnce(&Value) -> Option<T>,
) -> Result<T, TokenError> {
    let value = claims
        .get(claim)
        .ok_or(TokenError::MissingClaim { claim })?;
    read(value).ok_or(TokenError::InvalidClaim { claim, expected })
}

/// An optional claim, as [`required`] reads it: absent and `null` are the same.
pub(crate) fn optional<T>(
    claims: &Map<String, Value>,
    claim: &'static str,
    expected: &'static str,
    read: impl FnOnce(&Value) -> Option<T>,
) -> Result<Option<T>, TokenError> {
    claims
        .get(claim)
        .filter(|value| !value.is_null())
        .map(|value| read(value).ok_or(TokenError::InvalidClaim { claim, expected }))
        .transpose()
}

/// `true` when `aud` names SSO2: a request token of this client, not an answer.
fn addressed_to_sso2(aud: Option<&Value>) -> bool {
    match aud {
        Some(Value::String(aud)) => aud == AUDIENCE,
        Some(Value::Array(auds)) => auds.iter().any(|a| a.as_str() == Some(AUDIENCE)),
        _ => false,
    }
}

/// A session id: one word (no whitespace or control characters) of at most 256 bytes.
pub(crate) fn is_sid(sid: &str) -> bool {
    sid.len() <= MAX_SID_BYTES && is_identifier(sid)
}

/// `exp` required, `nbf` and `iat` when present; every one a number (`null` is not), checked
/// with the leeway by the family's rule ([`check_times`](paywall_internal::jws::check_times)).
/// `exp`, when they pass.
pub(crate) fn check_times(
    claims: &Map<String, Value>,
    now: f64,
    leeway: f64,
) -> Result<f64, TokenError> {
    let time = |claim: &'static str| {
        let expected = "a number of seconds since 1970";
        let invalid = TokenError::InvalidClaim { claim, expected };
        let read = |v: &Value| v.as_f64().ok_or(invalid);
        claims.get(claim).map(read).transpose()
    };
    let exp = time("exp")?.ok_or(TokenError::MissingClaim { claim: "exp" })?;
    let times = [Some(exp), time("nbf")?, time("iat")?];
    paywall_internal::jws::check_times(times, now, leeway).map_err(|refused| match refused {
        TimeRefused::Expired => TokenError::Expired,
        TimeRefused::NotYetValid => TokenError::NotYetValid,
        TimeRefused::IssuedInFuture => TokenError::IssuedInFuture,
    })?;
    Ok(exp)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    const NOW: u64 = 1_700_000_000;

    fn read(claims: Value) -> Result<Sso2Session, TokenError> {
        let Value::Object(map) = claims else {
            unreachable!()
        };
        session_from_claims(&map, NOW, 60).map(|(session, _)| session)
    }

    /// An anonymous session's claims, with `extra` added.
    fn anon(extra: Value) -> Value {
        let mut claims = json!({"sid": "s", "sts": "anon", "exp": NOW + 30});
        for (name, value) in extra.as_object().unwrap() {
            claims[name] = value.clone();
        }
        claims
    }

    #[test]
    fn a_login_answer_reads_fully() {
        let session = read(json!({"sid": "s1", "sts": "loggedin", "at": "tkt-1",
            "iat": NOW, "nbf": NOW, "exp": NOW + 30, "iss": "pw-sso", "aud": "cid-1"}))
        .unwrap();
        assert_eq!(session.sid(), "s1");
        assert_eq!(session.status(), Sso2Status::LoggedIn);
        assert_eq!(session.ticket().unwrap().expose_secret(), "tkt-1");
        assert!(session.error().is_none());
    }

    #[test]
    fn times_are_checked_with_the_leeway() {
        let base = |exp: u64| json!({"sid": "s", "sts": "anon", "exp": exp});
        // Refused from `exp` plus the leeway (60 s) on: accepted the second before.
        assert!(read(base(NOW - 59)).is_ok());
        assert_eq!(read(base(NOW - 60)).unwrap_err(), TokenError::Expired);
        let mut future = base(NOW + 300);
        future["nbf"] = json!(NOW + 61);
        assert_eq!(read(future.clone()).unwrap_err(), TokenError::NotYetValid);
        future["nbf"] = json!(NOW + 60);
        future["iat"] = json!(NOW + 61);
        assert_eq!(read(future).unwrap_err(), TokenError::IssuedInFuture);
        assert_eq!(
            read(json!({"sid": "s", "sts": "anon"})).unwrap_err(),
            TokenError::MissingClaim { claim: "exp" }
        );
        assert!(matches!(
            read(json!({"sid": "s", "sts": "anon", "exp": "9999999999"})).unwrap_err(),
            TokenError::InvalidClaim { claim: "exp", .. }
        ));
    }

    #[test]
    fn sid_and_sts_are_required_and_typed() {
        let exp = NOW + 30;
        for (claims, claim) in [
            (json!({"sts": "anon", "exp": exp}), "sid"),
            (json!({"sid": "s", "exp": exp}), "sts"),
        ] {
            assert_eq!(
                read(claims).unwrap_err(),
                TokenError::MissingClaim { claim }
            );
        }
        for (claims, claim) in [
            (anon(json!({"sid": 7})), "sid"),
            (anon(json!({"sid": ""})), "sid"),
            (anon(json!({"sid": "a b"})), "sid"),
            (anon(json!({"sts": "LoggedIn"})), "sts"),
            (anon(json!({"sts": "frozen"})), "sts"),
            (anon(json!({"sts": ["anon"]})), "sts"),
            (anon(json!({"at": 5})), "at"),
            (anon(json!({"at": "\u{200B}"})), "at"),
            (anon(json!({"raa": -1})), "raa"),
            (anon(json!({"raa": "3"})), "raa"),
            (anon(json!({"frf": 1.5})), "frf"),
            (anon(json!({"err": 1})), "err"),
        ] {
            assert!(
                matches!(read(claims.clone()).unwrap_err(), TokenError::InvalidClaim { claim: c, .. } if c == claim),
                "{claims}"
            );
        }
        // `null` is an absent optional claim.
        let session = read(anon(json!({"at": null, "err": null}))).unwrap();
        assert!(session.ticket().is_none() && session.error().is_none());
    }

    #[test]
    fn every_error_code_maps() {
        let long = "x".repeat(500);
        for (err, extra, expected) in [
            // Details are kept only for the codes that use them.
            (
                "session_not_found",
                json!({"raa": 3, "frf": 9}),
                Sso2Error::SessionNotFound,
            ),
            (
                "invalid_credentials",
                json!({"raa": 2}),
                Sso2Error::InvalidCredentials {
                    remaining_attempts: Some(2),
                },
            ),
            (
                "invalid_credentials",
                json!({}),
                Sso2Error::InvalidCredentials {
                    remaining_attempts: None,
                },
            ),
            (
                "account_frozen",
                json!({"frf": 900}),
                Sso2Error::AccountFrozen {
                    retry_after: Some(std::time::Duration::from_secs(900)),
                },
            ),
            ("account_not_active", json!({}), Sso2Error::AccountNotActive),
            (
                "too_many_sessions",
                json!({}),
                Sso2Error::Other("too_many_sessions".to_owned()),
            ),
            // Other codes are cleaned and cut.
            (
                "rate_limited\n<script>",
                json!({}),
                Sso2Error::Other("rate_limited??script?".to_owned()),
            ),
            (long.as_str(), json!({}), Sso2Error::Other("x".repeat(64))),
        ] {
            let mut claims = anon(extra);
            claims["err"] = json!(err);
            assert_eq!(read(claims).unwrap().error(), Some(&expected), "{err}");
        }
        let other = Sso2Error::Other("rate_limited??script?".to_owned());
        assert_eq!(other.code(), "rate_limited??script?");
    }

    #[test]
    fn our_own_request_tokens_are_not_answers() {
        for aud in [json!("pw-sso"), json!(["x", "pw-sso"])] {
            let claims = json!({"sid": "s", "sts": "loggedin", "exp": NOW + 5, "aud": aud});
            assert_eq!(read(claims).unwrap_err(), TokenError::NotAnAnswer);
        }
    }
}
