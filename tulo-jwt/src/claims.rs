//! The claims of a genuine token: types, presence, times, issuer, audience, principal.

use std::borrow::Cow;
use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use paywall_internal::json::{self, AnyMember, Member, Name, Refusal, StrictValue, skip_seq};
use serde_core::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

use crate::error::Error;
use crate::session::{Principal, Profile, Session, SessionState, Text};

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

/// The token's claims as read, before any check: each known claim as its JSON value (absent
/// is `None`), text borrowed from the payload.
#[derive(Default)]
struct RawClaims<'a> {
    iat: Option<Member<'a>>,
    nbf: Option<Member<'a>>,
    exp: Option<Member<'a>>,
    iss: Option<Member<'a>>,
    aud: Option<Member<'a>>,
    prn: Option<Member<'a>>,
    /// What `session` is; an object's members are read into `session_members`.
    session: Option<SessionKind>,
    session_members: RawSession<'a>,
    other: Map<String, Value>,
}

/// What the `session` claim is.
#[derive(Clone, Copy)]
enum SessionKind {
    Object,
    Null,
    WrongType,
}

/// The `session` object as read.
#[derive(Default)]
struct RawSession<'a> {
    active: Option<Member<'a>>,
    id: Option<Member<'a>>,
    sid: Option<Member<'a>>,
    contact_email: Option<Member<'a>>,
    display_name: Option<Member<'a>>,
    organisation: Option<Member<'a>>,
    first_name: Option<Member<'a>>,
    last_name: Option<Member<'a>>,
    customer_number: Option<Member<'a>>,
    mobile_number: Option<Member<'a>>,
    alias: Option<Member<'a>>,
    verified: Option<Member<'a>>,
    products: Option<Member<'a>>,
    other: Map<String, Value>,
}

/// Reads the claims: one JSON object without a repeated member name at any depth. Members
/// without an accessor are kept as values for `Session::get` and `Session::claim`.
fn read_claims(payload: &[u8]) -> Result<RawClaims<'_>, Error> {
    json::read_object(payload, ClaimsVisitor).map_err(|error| {
        let (reason, source) = match json::classify(&error) {
            Refusal::RepeatedMember => ("the claims repeat a member name", None),
            Refusal::NotAnObject => ("the claims are not a JSON object", None),
            // A syntax error, a number no double can hold, or a kept member nested past
            // serde_json's limit; serde_json's report quotes no text of the claims.
            Refusal::Syntax | Refusal::Shape => {
                ("the claims are not JSON this crate reads", Some(error))
            }
        };
        Error::MalformedToken { reason, source }
    })
}

struct ClaimsVisitor;

impl<'de> Visitor<'de> for ClaimsVisitor {
    type Value = RawClaims<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the claims object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawClaims<'de>, A::Error> {
        // Each known claim has a slot and every other one a map entry: a second member of
        // any name finds its place taken.
        let mut claims = RawClaims::default();
        while let Some(Name(name)) = map.next_key()? {
            let slot = match name.as_ref() {
                "iat" => &mut claims.iat,
                "nbf" => &mut claims.nbf,
                "exp" => &mut claims.exp,
                "iss" => &mut claims.iss,
                "aud" => &mut claims.aud,
                "prn" => &mut claims.prn,
                "session" => {
                    let members = &mut claims.session_members;
                    let kind = map.next_value_seed(SessionSeed(members))?;
                    if claims.session.replace(kind).is_some() {
                        return Err(repeated());
                    }
                    continue;
                }
                _ => {
                    keep(&mut claims.other, name, map.next_value_seed(StrictValue)?)?;
                    continue;
                }
            };
            fill(slot, map.next_value_seed(AnyMember)?)?;
        }
        Ok(claims)
    }
}

/// Stores a known member in its slot; a second member of that name is refused.
fn fill<'a, E: de::Error>(slot: &mut Option<Member<'a>>, value: Member<'a>) -> Result<(), E> {
    match slot.replace(value) {
        Some(_) => Err(repeated()),
        None => Ok(()),
    }
}

/// Keeps a member without an accessor; a second member of that name is refused.
fn keep<E: de::Error>(
    other: &mut Map<String, Value>,
    name: Cow<'_, str>,
    value: Value,
) -> Result<(), E> {
    match other.insert(name.into_owned(), value) {
        Some(_) => Err(repeated()),
        None => Ok(()),
    }
}

fn repeated<E: de::Error>() -> E {
    E::custom(json::REPEATED_MEMBER)
}

/// Reads the `session` claim; an object's members go into the given [`RawSession`].
struct SessionSeed<'a, 'de>(&'a mut RawSession<'de>);

impl<'de> DeserializeSeed<'de> for SessionSeed<'_, 'de> {
    type Value = SessionKind;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<SessionKind, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for SessionSeed<'_, 'de> {
    type Value = SessionKind;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the session object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let s = self.0;
        while let Some(Name(name)) = map.next_key()? {
            let slot = match name.as_ref() {
                "active" => &mut s.active,
                "id" => &mut s.id,
                "sid" => &mut s.sid,
                "contact_email" => &mut s.contact_email,
                "display_name" => &mut s.display_name,
                "organisation" => &mut s.organisation,
                "first_name" => &mut s.first_name,
                "last_name" => &mut s.last_name,
                "customer_number" => &mut s.customer_number,
                "mobile_number" => &mut s.mobile_number,
                "alias" => &mut s.alias,
                "verified" => &mut s.verified,
                "products" => &mut s.products,
                _ => {
                    keep(&mut s.other, name, map.next_value_seed(StrictValue)?)?;
                    continue;
                }
            };
            fill(slot, map.next_value_seed(AnyMember)?)?;
        }
        Ok(SessionKind::Object)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(SessionKind::Null)
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
        Ok(SessionKind::WrongType)
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
        Ok(SessionKind::WrongType)
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
        Ok(SessionKind::WrongType)
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
        Ok(SessionKind::WrongType)
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
        Ok(SessionKind::WrongType)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        skip_seq(seq).map(|()| SessionKind::WrongType)
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

/// A NumericDate (RFC 7519 §2): seconds since the epoch, integer or not.
fn seconds(member: Member<'_>) -> Option<f64> {
    member.as_f64()
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
fn customer_number(member: Member<'_>) -> Option<Cow<'_, str>> {
    match member {
        Member::Text(text) => Some(text),
        Member::Unsigned(n) => Some(Cow::Owned(n.to_string())),
        Member::Negative(n) => Some(Cow::Owned(n.to_string())),
        _ => None,
    }
}

/// An array of strings; one element of another type makes the whole array the wrong type.
fn strings(member: Member<'_>) -> Option<Vec<Cow<'_, str>>> {
    match member {
        Member::Texts(items) => Some(items),
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
    let raw = read_claims(payload)?;

    // Every known claim is typed first, present or not, so a wrong type is always an error.
    let iat = checked(raw.iat, "iat", SECONDS, seconds)?;
    let nbf = checked(raw.nbf, "nbf", SECONDS, seconds)?;
    let exp = checked(raw.exp, "exp", SECONDS, seconds)?;
    let iss = checked(raw.iss, "iss", "a string", text)?;
    let names_us = checked(raw.aud, "aud", "a string or an array of strings", |aud| {
        audience(aud, policy.redirect_uri)
    })?;
    let prn = checked(raw.prn, "prn", "a string", text)?;
    let session = match raw.session {
        Some(SessionKind::Object) => raw.session_members,
        Some(SessionKind::Null | SessionKind::WrongType) => {
            return Err(invalid("session", "an object"));
        }
        None => return Err(Error::MissingClaim { claim: "session" }),
    };
    let active = required(
        checked(session.active, "session.active", "a boolean", boolean)?,
        "session.active",
    )?;
    let account_id = checked(session.id, "session.id", "a string", text)?;
    if account_id.as_ref().is_some_and(|id| id.is_empty()) {
        return Err(invalid("session.id", "a non-empty string"));
    }
    let string = "a string";
    let profile = RawProfile {
        sid: optional(session.sid, "session.sid", string, text)?,
        email: optional(session.contact_email, "session.contact_email", string, text)?,
        display_name: optional(session.display_name, "session.display_name", string, text)?,
        organisation: optional(session.organisation, "session.organisation", string, text)?,
        first_name: optional(session.first_name, "session.first_name", string, text)?,
        last_name: optional(session.last_name, "session.last_name", string, text)?,
        customer_number: optional(
            session.customer_number,
            "session.customer_number",
            "a string or an integer",
            customer_number,
        )?,
        mobile_number: optional(session.mobile_number, "session.mobile_number", string, text)?,
        alias: optional(session.alias, "session.alias", string, text)?,
        verified: optional(session.verified, "session.verified", "a boolean", boolean)?,
        products: optional(
            session.products,
            "session.products",
            "an array of strings",
            strings,
        )?,
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
    let mut text = Text::with_capacity(account_id.len() + profile.text_len());
    let account_id = text.push(&account_id);
    let profile = profile.into_profile(&mut text, session.other);
    Ok(SessionState::Active(Session::new(
        text.finish(),
        account_id,
        principal,
        profile,
        raw.other,
        [
            to_time(iat, "iat")?,
            to_time(nbf, "nbf")?,
            to_time(exp, "exp")?,
        ],
    )))
}

/// The profile members, still borrowed from the payload.
struct RawProfile<'a> {
    sid: Option<Cow<'a, str>>,
    email: Option<Cow<'a, str>>,
    display_name: Option<Cow<'a, str>>,
    organisation: Option<Cow<'a, str>>,
    first_name: Option<Cow<'a, str>>,
    last_name: Option<Cow<'a, str>>,
    customer_number: Option<Cow<'a, str>>,
    mobile_number: Option<Cow<'a, str>>,
    alias: Option<Cow<'a, str>>,
    verified: Option<bool>,
    products: Option<Vec<Cow<'a, str>>>,
}

impl RawProfile<'_> {
    fn strings(&self) -> [&Option<Cow<'_, str>>; 9] {
        [
            &self.sid,
            &self.email,
            &self.display_name,
            &self.organisation,
            &self.first_name,
            &self.last_name,
            &self.customer_number,
            &self.mobile_number,
            &self.alias,
        ]
    }

    fn text_len(&self) -> usize {
        self.strings()
            .iter()
            .map(|text| text.as_ref().map_or(0, |text| text.len()))
            .sum()
    }

    fn into_profile(self, text: &mut Text, other: Map<String, Value>) -> Profile {
        Profile {
            sid: text.push_optional(self.sid.as_deref()),
            email: text.push_optional(self.email.as_deref()),
            display_name: text.push_optional(self.display_name.as_deref()),
            organisation: text.push_optional(self.organisation.as_deref()),
            first_name: text.push_optional(self.first_name.as_deref()),
            last_name: text.push_optional(self.last_name.as_deref()),
            customer_number: text.push_optional(self.customer_number.as_deref()),
            mobile_number: text.push_optional(self.mobile_number.as_deref()),
            alias: text.push_optional(self.alias.as_deref()),
            verified: self.verified,
            products: self
                .products
                .map(|items| items.into_iter().map(Cow::into_owned).collect())
                .unwrap_or_default(),
            other,
        }
    }
}

const SECONDS: &str = "a number of seconds";

/// A claim that must be present.
fn required<T>(value: Option<T>, claim: &'static str) -> Result<T, Error> {
    match value {
        Some(value) => Ok(value),
        // Built only when it is the answer: an `Error` is costly to drop.
        None => Err(Error::MissingClaim { claim }),
    }
}

fn check_times(
    iat: f64,
    nbf: Option<f64>,
    exp: Option<f64>,
    policy: &Policy<'_>,
) -> Result<(), Error> {
    let Policy { now, leeway, .. } = *policy;
    if iat > now + leeway {
        return Err(Error::IssuedInFuture);
    }
    // RFC 7519 §4.1.4: the token must not be accepted on or after `exp`.
    if exp.is_some_and(|exp| now >= exp + leeway) {
        return Err(Error::Expired);
    }
    // RFC 7519 §4.1.5: the token must not be accepted before `nbf`.
    if nbf.is_some_and(|nbf| now < nbf - leeway) {
        return Err(Error::NotYetValid);
    }
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
