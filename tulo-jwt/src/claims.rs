//! The claims of a genuine token: types, presence, times, issuer, audience, principal.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::de::MapAccess;
use serde_json::{Map, Value};

use crate::error::Error;
use crate::json::{self, Field, JsonError, Kind, Seconds, Strings};
use crate::session::{Profile, Session, SessionState};

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

/// The token's claims as read, before any check.
#[derive(Default)]
struct RawClaims {
    iat: Field<Seconds>,
    nbf: Field<Seconds>,
    exp: Field<Seconds>,
    iss: Field<String>,
    aud: Field<Audience>,
    prn: Field<String>,
    session: Field<Box<RawSession>>,
    other: Map<String, Value>,
}

impl<'de> Kind<'de> for RawClaims {
    fn from_map<A: MapAccess<'de>>(mut map: A) -> Result<Option<Self>, A::Error> {
        let mut claims = RawClaims::default();
        let other = &mut claims.other;
        json::read_members(&mut map, other, |name, map| {
            match name {
                "iat" => claims.iat.set(map.next_value()?, "iat")?,
                "nbf" => claims.nbf.set(map.next_value()?, "nbf")?,
                "exp" => claims.exp.set(map.next_value()?, "exp")?,
                "iss" => claims.iss.set(map.next_value()?, "iss")?,
                "aud" => claims.aud.set(map.next_value()?, "aud")?,
                "prn" => claims.prn.set(map.next_value()?, "prn")?,
                "session" => claims.session.set(map.next_value()?, "session")?,
                _ => return Ok(false),
            }
            Ok(true)
        })?;
        Ok(Some(claims))
    }
}

/// The `session` object as read.
#[derive(Default)]
struct RawSession {
    active: Field<bool>,
    id: Field<String>,
    sid: Field<String>,
    contact_email: Field<String>,
    display_name: Field<String>,
    organisation: Field<String>,
    first_name: Field<String>,
    last_name: Field<String>,
    customer_number: Field<CustomerNumber>,
    mobile_number: Field<String>,
    alias: Field<String>,
    verified: Field<bool>,
    products: Field<Strings>,
    other: Map<String, Value>,
}

impl<'de> Kind<'de> for RawSession {
    fn from_map<A: MapAccess<'de>>(mut map: A) -> Result<Option<Self>, A::Error> {
        let mut s = RawSession::default();
        let other = &mut s.other;
        json::read_members(&mut map, other, |name, map| {
            match name {
                "active" => s.active.set(map.next_value()?, "active")?,
                "id" => s.id.set(map.next_value()?, "id")?,
                "sid" => s.sid.set(map.next_value()?, "sid")?,
                "contact_email" => s.contact_email.set(map.next_value()?, "contact_email")?,
                "display_name" => s.display_name.set(map.next_value()?, "display_name")?,
                "organisation" => s.organisation.set(map.next_value()?, "organisation")?,
                "first_name" => s.first_name.set(map.next_value()?, "first_name")?,
                "last_name" => s.last_name.set(map.next_value()?, "last_name")?,
                "customer_number" => s
                    .customer_number
                    .set(map.next_value()?, "customer_number")?,
                "mobile_number" => s.mobile_number.set(map.next_value()?, "mobile_number")?,
                "alias" => s.alias.set(map.next_value()?, "alias")?,
                "verified" => s.verified.set(map.next_value()?, "verified")?,
                "products" => s.products.set(map.next_value()?, "products")?,
                _ => return Ok(false),
            }
            Ok(true)
        })?;
        Ok(Some(s))
    }
}

/// `aud`: one string or an array of strings (RFC 7519 §4.1.3); Payway sends one.
struct Audience(Vec<String>);

impl<'de> Kind<'de> for Audience {
    fn from_str(v: &str) -> Option<Self> {
        Some(Audience(vec![v.to_owned()]))
    }
    fn from_seq<A: serde::de::SeqAccess<'de>>(seq: A) -> Result<Option<Self>, A::Error> {
        Ok(Strings::from_seq(seq)?.map(|Strings(items)| Audience(items)))
    }
}

/// `session.customer_number`: a string, or an integer given in decimal.
struct CustomerNumber(String);

impl Kind<'_> for CustomerNumber {
    fn from_str(v: &str) -> Option<Self> {
        Some(CustomerNumber(v.to_owned()))
    }
    fn from_u64(v: u64) -> Option<Self> {
        Some(CustomerNumber(v.to_string()))
    }
    fn from_i64(v: i64) -> Option<Self> {
        Some(CustomerNumber(v.to_string()))
    }
}

/// Reads and checks the claims of a token whose signature has been verified.
pub(crate) fn evaluate(payload: &[u8], policy: &Policy<'_>) -> Result<SessionState, Error> {
    let raw: RawClaims = json::parse_object(payload).map_err(|error| match error {
        JsonError::Syntax(source) => Error::MalformedToken {
            reason: "the claims are not valid JSON, or repeat a name",
            source: Some(source),
        },
        JsonError::NotAnObject => Error::MalformedToken {
            reason: "the claims are not a JSON object",
            source: None,
        },
    })?;

    // Every known claim is typed first, present or not, so a wrong type is always an error.
    let iat = checked(raw.iat, "iat", SECONDS)?;
    let nbf = checked(raw.nbf, "nbf", SECONDS)?;
    let exp = checked(raw.exp, "exp", SECONDS)?;
    let iss = checked(raw.iss, "iss", "a string")?;
    let aud = checked(raw.aud, "aud", "a string or an array of strings")?;
    let prn = checked(raw.prn, "prn", "a string")?;
    let session = required(checked(raw.session, "session", "an object")?, "session")?;
    let active = required(
        checked(session.active, "session.active", "a boolean")?,
        "session.active",
    )?;
    let account_id = checked(session.id, "session.id", "a string")?;
    if account_id.as_ref().is_some_and(String::is_empty) {
        return Err(invalid("session.id", "a non-empty string"));
    }
    let profile = Profile {
        sid: optional(session.sid, "session.sid", "a string")?,
        email: optional(session.contact_email, "session.contact_email", "a string")?,
        display_name: optional(session.display_name, "session.display_name", "a string")?,
        organisation: optional(session.organisation, "session.organisation", "a string")?,
        first_name: optional(session.first_name, "session.first_name", "a string")?,
        last_name: optional(session.last_name, "session.last_name", "a string")?,
        customer_number: optional(
            session.customer_number,
            "session.customer_number",
            "a string or an integer",
        )?
        .map(|CustomerNumber(number)| number),
        mobile_number: optional(session.mobile_number, "session.mobile_number", "a string")?,
        alias: optional(session.alias, "session.alias", "a string")?,
        verified: optional(session.verified, "session.verified", "a boolean")?,
        products: optional(session.products, "session.products", "an array of strings")?
            .map(|Strings(products)| products)
            .unwrap_or_default(),
        other: session.other,
    };

    let iat = required(iat, "iat")?;
    // An active session must carry every claim that ties it to a time, to Payway, to this
    // site and to an account; an inactive one carries only `iat`.
    let identity = if active {
        let exp = required(exp, "exp")?;
        let nbf = required(nbf, "nbf")?;
        required(iss.as_ref(), "iss")?;
        required(aud.as_ref(), "aud")?;
        let prn = required(prn, "prn")?;
        Some((exp, nbf, prn, required(account_id, "session.id")?))
    } else {
        None
    };

    check_times(iat, nbf, exp, policy)?;
    if iss.is_some_and(|iss| iss != ISSUER) {
        return Err(Error::WrongIssuer);
    }
    if aud.is_some_and(|Audience(aud)| !aud.iter().any(|aud| aud == policy.redirect_uri)) {
        return Err(Error::WrongAudience);
    }

    let Some((exp, nbf, prn, account_id)) = identity else {
        // A genuine statement from Payway that there is no session: no identity is exposed.
        return Ok(SessionState::Inactive);
    };
    if prn != account_id {
        return Err(Error::PrincipalMismatch);
    }
    Ok(SessionState::Active(Session::new(
        account_id,
        profile,
        raw.other,
        to_time(iat, "iat")?,
        to_time(nbf, "nbf")?,
        to_time(exp, "exp")?,
    )))
}

const SECONDS: &str = "a number of seconds";

/// A claim that decides access: absent is `None`; `null` or another type is an error.
fn checked<T>(
    field: Field<T>,
    claim: &'static str,
    expected: &'static str,
) -> Result<Option<T>, Error> {
    match field {
        Field::Absent => Ok(None),
        Field::Value(value) => Ok(Some(value)),
        Field::Null | Field::WrongType => Err(invalid(claim, expected)),
    }
}

/// A claim that must be present.
fn required<T>(value: Option<T>, claim: &'static str) -> Result<T, Error> {
    value.ok_or(Error::MissingClaim { claim })
}

/// A profile member: absent or `null` is `None`; another type is an error.
fn optional<T>(
    field: Field<T>,
    claim: &'static str,
    expected: &'static str,
) -> Result<Option<T>, Error> {
    match field {
        Field::Absent | Field::Null => Ok(None),
        Field::Value(value) => Ok(Some(value)),
        Field::WrongType => Err(invalid(claim, expected)),
    }
}

fn check_times(
    iat: Seconds,
    nbf: Option<Seconds>,
    exp: Option<Seconds>,
    policy: &Policy<'_>,
) -> Result<(), Error> {
    let Policy { now, leeway, .. } = *policy;
    if iat.0 > now + leeway {
        return Err(Error::IssuedInFuture);
    }
    // RFC 7519 §4.1.4: the token must not be accepted on or after `exp`.
    if exp.is_some_and(|exp| now >= exp.0 + leeway) {
        return Err(Error::Expired);
    }
    // RFC 7519 §4.1.5: the token must not be accepted before `nbf`.
    if nbf.is_some_and(|nbf| now < nbf.0 - leeway) {
        return Err(Error::NotYetValid);
    }
    if policy
        .max_age
        .is_some_and(|max_age| now - iat.0 > max_age + leeway)
    {
        return Err(Error::TooOld);
    }
    Ok(())
}

/// Seconds since the epoch as a [`SystemTime`]; an unrepresentable time is a wrong value.
fn to_time(Seconds(seconds): Seconds, claim: &'static str) -> Result<SystemTime, Error> {
    let time = if seconds >= 0.0 {
        Duration::try_from_secs_f64(seconds)
            .ok()
            .and_then(|since| UNIX_EPOCH.checked_add(since))
    } else {
        Duration::try_from_secs_f64(-seconds)
            .ok()
            .and_then(|before| UNIX_EPOCH.checked_sub(before))
    };
    time.ok_or_else(|| invalid(claim, "a representable time"))
}

fn invalid(claim: &'static str, expected: &'static str) -> Error {
    Error::InvalidClaim { claim, expected }
}
