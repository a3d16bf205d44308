//! The claims of a genuine token: types, presence, times, issuer, audience, principal.

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use paywall_internal::json::{self, KeptMembers, Member, ObjectOrNone, Refusal};
use paywall_internal::jws::{self, TimeRefused};
use serde_core::de::{self, MapAccess, Visitor};
use serde_json::{Map, Value};

use crate::error::Error;
use crate::session::{Principal, Profile, Session, SessionState};

/// The issuer Payway signs into every token (`iss`).
pub const ISSUER: &str = "Tulo";

/// What the claims are checked against.
pub(crate) struct Policy<'a> {
    pub(crate) redirect_uri: &'a str,
    pub(crate) leeway: f64,
    pub(crate) max_age: Option<f64>,
    /// Seconds since the unix epoch.
    pub(crate) now: f64,
}

/// The top-level claims this crate checks, besides `session`.
const CLAIMS: [&str; 6] = ["iat", "nbf", "exp", "iss", "aud", "prn"];

/// The members of the `session` object that have an accessor.
const SESSION_MEMBERS: [&str; 13] = [
    "active",
    "id",
    "sid",
    "contact_email",
    "display_name",
    "organisation",
    "first_name",
    "last_name",
    "customer_number",
    "mobile_number",
    "alias",
    "verified",
    "products",
];

/// An object's known members as read, before any check (absent is `None`, text borrowed from
/// the payload), and every other member kept as a value for `Session::get` and
/// `Session::claim`.
type Object<'de, const N: usize> = ([Option<Member<'de>>; N], Map<String, Value>);

/// The claims as read, and the `session` claim's: `None` when absent, `Some(None)` when it is
/// not an object.
type RawClaims<'de> = (
    Object<'de, { CLAIMS.len() }>,
    Option<Option<Object<'de, { SESSION_MEMBERS.len() }>>>,
);

/// Reads the claims: one JSON object without a repeated member name at any depth.
fn read_claims(payload: &[u8]) -> Result<RawClaims<'_>, Error> {
    json::read_object(payload, ClaimsVisitor).map_err(|error| {
        let (reason, source) = match json::classify(&error) {
            Refusal::RepeatedMember => ("the claims repeat a member name", None),
            Refusal::NotAnObject => ("the claims are not a JSON object", None),
            // A syntax error, a number no double can hold, or a kept member nested past
            // serde_json's limit; serde_json's report quotes no text of the claims.
            Refusal::Syntax | Refusal::Shape => (
                "the claims are not JSON this crate reads",
                Some(Arc::new(error)),
            ),
        };
        Error::MalformedToken { reason, source }
    })
}

/// Reads the top-level claims, and `session` in the same pass.
struct ClaimsVisitor;

impl<'de> Visitor<'de> for ClaimsVisitor {
    type Value = RawClaims<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the claims object")
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        let mut other = Map::new();
        let mut session = None;
        let known = json::read_members(map, &CLAIMS, |name, map| {
            if name != "session" {
                json::keep(&mut other, name, map)
            } else if session
                .replace(map.next_value_seed(ObjectOrNone(KeptMembers(SESSION_MEMBERS)))?)
                .is_some()
            {
                Err(de::Error::custom(json::REPEATED_MEMBER))
            } else {
                Ok(())
            }
        })?;
        Ok(((known, other), session))
    }
}

/// A claim that decides access: absent is `None`; `null` or another type is an error.
fn checked<'a, T>(
    member: Option<Member<'a>>,
    claim: &'static str,
    expected: &'static str,
    read: impl FnOnce(Member<'a>) -> Option<T>,
) -> Result<Option<T>, Error> {
    match member {
        None => Ok(None),
        Some(member) => read(member)
            .map(Some)
            .ok_or_else(|| invalid(claim, expected)),
    }
}

/// A profile member: absent or `null` is `None`; another type is an error.
fn optional<'a, T>(
    member: Option<Member<'a>>,
    claim: &'static str,
    expected: &'static str,
    read: impl FnOnce(Member<'a>) -> Option<T>,
) -> Result<Option<T>, Error> {
    match member {
        Some(Member::Null) => Ok(None),
        member => checked(member, claim, expected, read),
    }
}

/// An optional string member of the profile.
fn optional_text(member: Option<Member<'_>>, claim: &'static str) -> Result<Option<String>, Error> {
    optional(member, claim, "a string", |member| {
        text(member).map(Cow::into_owned)
    })
}

fn text(member: Member<'_>) -> Option<Cow<'_, str>> {
    match member {
        Member::Text(text) => Some(text),
        _ => None,
    }
}

fn boolean(member: Member<'_>) -> Option<bool> {
    match member {
        Member::Bool(value) => Some(value),
        _ => None,
    }
}

/// `session.customer_number`: a string, or an integer given in decimal.
fn customer_number(member: Member<'_>) -> Option<String> {
    match member {
        Member::Text(text) => Some(text.into_owned()),
        Member::Unsigned(n) => Some(n.to_string()),
        Member::Negative(n) => Some(n.to_string()),
        _ => None,
    }
}

/// An array of strings; one element of another type makes the whole array the wrong type.
fn strings(member: Member<'_>) -> Option<Vec<String>> {
    match member {
        Member::Texts(items) => Some(items.into_iter().map(Cow::into_owned).collect()),
        _ => None,
    }
}

/// `aud`: one string or an array of strings (RFC 7519 §4.1.3); Payway sends one. Read as
/// whether it names `redirect_uri`.
fn audience(member: Member<'_>, redirect_uri: &str) -> Option<bool> {
    match member {
        Member::Text(aud) => Some(aud == redirect_uri),
        Member::Texts(items) => Some(items.iter().any(|aud| aud == redirect_uri)),
        _ => None,
    }
}

/// Reads and checks the claims of a token whose signature has been verified.
pub(crate) fn evaluate(payload: &[u8], policy: &Policy<'_>) -> Result<SessionState, Error> {
    let (([iat, nbf, exp, iss, aud, prn], other_claims), session) = read_claims(payload)?;

    // Every known claim is typed first, present or not, so a wrong type is always an error.
    let iat = checked(iat, "iat", SECONDS, |t| t.as_f64())?;
    let nbf = checked(nbf, "nbf", SECONDS, |t| t.as_f64())?;
    let exp = checked(exp, "exp", SECONDS, |t| t.as_f64())?;
    let iss = checked(iss, "iss", "a string", text)?;
    let names_us = checked(aud, "aud", "a string or an array of strings", |aud| {
        audience(aud, policy.redirect_uri)
    })?;
    let prn = checked(prn, "prn", "a string", text)?;
    let (session, other_session) = match session {
        Some(Some(session)) => session,
        Some(None) => return Err(invalid("session", "an object")),
        None => return Err(Error::MissingClaim { claim: "session" }),
    };
    let [
        active,
        id,
        sid,
        email,
        display_name,
        organisation,
        first_name,
        last_name,
        customer,
        mobile_number,
        alias,
        verified,
        products,
    ] = session;
    let active = required(
        checked(active, "session.active", "a boolean", boolean)?,
        "session.active",
    )?;
    let account_id = checked(id, "session.id", "a string", text)?;
    if account_id.as_ref().is_some_and(|id| id.is_empty()) {
        return Err(invalid("session.id", "a non-empty string"));
    }
    let profile = Profile {
        sid: optional_text(sid, "session.sid")?,
        email: optional_text(email, "session.contact_email")?,
        display_name: optional_text(display_name, "session.display_name")?,
        organisation: optional_text(organisation, "session.organisation")?,
        first_name: optional_text(first_name, "session.first_name")?,
        last_name: optional_text(last_name, "session.last_name")?,
        customer_number: optional(
            customer,
            "session.customer_number",
            "a string or an integer",
            customer_number,
        )?,
        mobile_number: optional_text(mobile_number, "session.mobile_number")?,
        alias: optional_text(alias, "session.alias")?,
        verified: optional(verified, "session.verified", "a boolean", boolean)?,
        products: optional(products, "session.products", "an array of strings", strings)?
            .unwrap_or_default(),
        other: other_session,
    };

    let iat = required(iat, "iat")?;
    // An active session must carry every claim that ties it to a time, to Payway, to this
    // site and to an account; an inactive one carries only `iat`.
    let identity = if active {
        let exp = required(exp, "exp")?;
        let nbf = required(nbf, "nbf")?;
        required(iss.as_ref(), "iss")?;
        required(names_us, "aud")?;
        let prn = required(prn, "prn")?;
        Some((exp, nbf, prn, required(account_id, "session.id")?))
    } else {
        None
    };

    check_times(iat, nbf, exp, policy)?;
    if iss.is_some_and(|iss| iss != ISSUER) {
        return Err(Error::WrongIssuer);
    }
    if names_us == Some(false) {
        return Err(Error::WrongAudience);
    }

    let Some((exp, nbf, prn, account_id)) = identity else {
        // A genuine statement from Payway that there is no session: no identity is exposed.
        return Ok(SessionState::Inactive);
    };
    // Payway's claims table calls `prn` the session's e-mail, its session example carries
    // the account id: both are signed, so either is accepted, and nothing else.
    let principal = if prn == account_id {
        Principal::AccountId
    } else if profile.email.as_ref().is_some_and(|email| *email == prn) {
        Principal::Email
    } else {
        return Err(Error::PrincipalMismatch);
    };
    Ok(SessionState::Active(Session {
        account_id: account_id.into_owned(),
        principal,
        profile: Box::new(profile),
        claims: other_claims,
        issued_at: to_time(iat, "iat")?,
        not_before: to_time(nbf, "nbf")?,
        expires_at: to_time(exp, "exp")?,
    }))
}

/// A NumericDate (RFC 7519 §2): seconds since the epoch, integer or not.
const SECONDS: &str = "a number of seconds";

/// A claim that must be present.
fn required<T>(value: Option<T>, claim: &'static str) -> Result<T, Error> {
    value.ok_or(Error::MissingClaim { claim })
}

/// The family's time rule ([`jws::check_times`]), then `max_age` counted from `iat`.
fn check_times(
    iat: f64,
    nbf: Option<f64>,
    exp: Option<f64>,
    policy: &Policy<'_>,
) -> Result<(), Error> {
    let Policy { now, leeway, .. } = *policy;
    jws::check_times([exp, nbf, Some(iat)], now, leeway).map_err(|refused| match refused {
        TimeRefused::Expired => Error::Expired,
        TimeRefused::NotYetValid => Error::NotYetValid,
        TimeRefused::IssuedInFuture => Error::IssuedInFuture,
    })?;
    if policy
        .max_age
        .is_some_and(|max_age| now - iat > max_age + leeway)
    {
        return Err(Error::TooOld);
    }
    Ok(())
}

/// Seconds since the epoch as a [`SystemTime`]; an unrepresentable time is a wrong value.
fn to_time(seconds: f64, claim: &'static str) -> Result<SystemTime, Error> {
    let offset = Duration::try_from_secs_f64(seconds.abs()).ok();
    let time = if seconds >= 0.0 {
        offset.and_then(|since| UNIX_EPOCH.checked_add(since))
    } else {
        offset.and_then(|before| UNIX_EPOCH.checked_sub(before))
    };
    time.ok_or_else(|| invalid(claim, "a representable time"))
}

fn invalid(claim: &'static str, expected: &'static str) -> Error {
    Error::InvalidClaim { claim, expected }
}
