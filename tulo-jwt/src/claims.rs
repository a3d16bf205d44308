//! The claims of a genuine token: types, presence, times, issuer, audience, principal.

use std::borrow::Cow;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::{Map, Value};

use crate::error::Error;
use crate::json::{Field, JsonError, Kind, Member, Reader};
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

/// The token's claims as read, before any check; text borrowed from the payload.
#[derive(Default)]
struct RawClaims<'a> {
    iat: Field<f64>,
    nbf: Field<f64>,
    exp: Field<f64>,
    iss: Field<Cow<'a, str>>,
    /// Whether `aud` (a string or an array of strings) names the redirect URI.
    aud: Field<bool>,
    prn: Field<Cow<'a, str>>,
    /// Whether `session` is an object; its members are read into `session_members`.
    session: Field<()>,
    session_members: RawSession<'a>,
    other: Map<String, Value>,
}

/// The `session` object as read.
#[derive(Default)]
struct RawSession<'a> {
    active: Field<bool>,
    id: Field<Cow<'a, str>>,
    sid: Field<Cow<'a, str>>,
    contact_email: Field<Cow<'a, str>>,
    display_name: Field<Cow<'a, str>>,
    organisation: Field<Cow<'a, str>>,
    first_name: Field<Cow<'a, str>>,
    last_name: Field<Cow<'a, str>>,
    customer_number: Field<Cow<'a, str>>,
    mobile_number: Field<Cow<'a, str>>,
    alias: Field<Cow<'a, str>>,
    verified: Field<bool>,
    products: Field<Vec<Cow<'a, str>>>,
    other: Map<String, Value>,
}

fn read_claims<'a>(payload: &'a [u8], redirect_uri: &str) -> Result<RawClaims<'a>, Error> {
    let mut claims = RawClaims::default();
    let is_object = Reader::new(payload)
        .and_then(|reader| {
            reader.whole_object(|r, name| match name {
                "iat" => claims.iat.set(r.field(seconds)?),
                "nbf" => claims.nbf.set(r.field(seconds)?),
                "exp" => claims.exp.set(r.field(seconds)?),
                "iss" => claims.iss.set(r.field(string)?),
                "aud" => claims
                    .aud
                    .set(r.field(|r, kind| audience(r, kind, redirect_uri))?),
                "prn" => claims.prn.set(r.field(string)?),
                "session" => {
                    let members = &mut claims.session_members;
                    claims
                        .session
                        .set(r.field(|r, kind| session(r, kind, members))?)
                }
                _ => keep(r, name, &mut claims.other),
            })
        })
        .map_err(json_error)?;
    if !is_object {
        return Err(Error::MalformedToken {
            reason: "the claims are not a JSON object",
            source: None,
        });
    }
    Ok(claims)
}

/// Reads the `session` object into `s`, in place.
fn session<'a>(
    r: &mut Reader<'a>,
    kind: Kind,
    s: &mut RawSession<'a>,
) -> Result<Option<()>, JsonError> {
    if kind != Kind::Object {
        return Ok(None);
    }
    r.object(|r, name| match name {
        "active" => s.active.set(r.field(boolean)?),
        "id" => s.id.set(r.field(string)?),
        "sid" => s.sid.set(r.field(string)?),
        "contact_email" => s.contact_email.set(r.field(string)?),
        "display_name" => s.display_name.set(r.field(string)?),
        "organisation" => s.organisation.set(r.field(string)?),
        "first_name" => s.first_name.set(r.field(string)?),
        "last_name" => s.last_name.set(r.field(string)?),
        "customer_number" => s.customer_number.set(r.field(customer_number)?),
        "mobile_number" => s.mobile_number.set(r.field(string)?),
        "alias" => s.alias.set(r.field(string)?),
        "verified" => s.verified.set(r.field(boolean)?),
        "products" => s.products.set(r.field(strings)?),
        _ => keep(r, name, &mut s.other),
    })?;
    Ok(Some(()))
}

/// A member without an accessor, kept as a value for `Session::get` and `Session::claim`;
/// the map refuses a second member of the same name.
fn keep(
    r: &mut Reader<'_>,
    name: &str,
    other: &mut Map<String, Value>,
) -> Result<Member, JsonError> {
    let raw = r.skip_raw()?;
    let value = serde_json::from_str(raw).map_err(JsonError::Value)?;
    match other.insert(name.to_owned(), value) {
        Some(_) => Err(JsonError::Repeated),
        None => Ok(Member::Kept),
    }
}

/// A NumericDate (RFC 7519 §2): seconds since the epoch, integer or not.
fn seconds(r: &mut Reader<'_>, kind: Kind) -> Result<Option<f64>, JsonError> {
    if kind != Kind::Number {
        return Ok(None);
    }
    let value = number_value(r.number()?)?;
    if !value.is_finite() {
        return Err(JsonError::OutOfRange);
    }
    Ok(Some(value))
}

/// The value of a JSON number's text, correctly rounded. A whole number of up to 15 digits,
/// as Payway's times are, is exact in a double and read directly.
fn number_value(text: &str) -> Result<f64, JsonError> {
    let digits = text.strip_prefix('-').unwrap_or(text);
    if (1..=15).contains(&digits.len()) {
        let mut whole: u64 = 0;
        for digit in digits.bytes() {
            let value = digit.wrapping_sub(b'0');
            if value > 9 {
                return text.parse().map_err(|_| JsonError::Syntax);
            }
            whole = whole * 10 + u64::from(value);
        }
        // Below 2^53, so the conversion is exact.
        let value = whole as f64;
        return Ok(if digits.len() < text.len() {
            -value
        } else {
            value
        });
    }
    text.parse().map_err(|_| JsonError::Syntax)
}

fn string<'a>(r: &mut Reader<'a>, kind: Kind) -> Result<Option<Cow<'a, str>>, JsonError> {
    if kind != Kind::String {
        return Ok(None);
    }
    r.string().map(Some)
}

fn boolean(r: &mut Reader<'_>, kind: Kind) -> Result<Option<bool>, JsonError> {
    if kind != Kind::Bool {
        return Ok(None);
    }
    r.literal()
}

/// `session.customer_number`: a string, or an integer given in decimal.
fn customer_number<'a>(r: &mut Reader<'a>, kind: Kind) -> Result<Option<Cow<'a, str>>, JsonError> {
    match kind {
        Kind::String => r.string().map(Some),
        Kind::Number => {
            let text = r.number()?;
            let decimal = text
                .parse::<u64>()
                .map(|n| n.to_string())
                .or_else(|_| text.parse::<i64>().map(|n| n.to_string()));
            Ok(decimal.ok().map(Cow::Owned))
        }
        _ => Ok(None),
    }
}

/// An array of strings; one element of another type makes the whole array the wrong type.
fn strings<'a>(r: &mut Reader<'a>, kind: Kind) -> Result<Option<Vec<Cow<'a, str>>>, JsonError> {
    if kind != Kind::Array {
        return Ok(None);
    }
    let mut items = Vec::new();
    let mut all_strings = true;
    r.array(|r| {
        if r.peek()? == Kind::String {
            items.push(r.string()?);
        } else {
            all_strings = false;
            r.skip()?;
        }
        Ok(())
    })?;
    Ok(all_strings.then_some(items))
}

/// `aud`: one string or an array of strings (RFC 7519 §4.1.3); Payway sends one. Read as
/// whether it names `redirect_uri`.
fn audience(r: &mut Reader<'_>, kind: Kind, redirect_uri: &str) -> Result<Option<bool>, JsonError> {
    match kind {
        Kind::String => Ok(Some(r.string()? == redirect_uri)),
        Kind::Array => {
            let mut names_us = false;
            let mut all_strings = true;
            r.array(|r| {
                if r.peek()? == Kind::String {
                    names_us |= r.string()? == redirect_uri;
                } else {
                    all_strings = false;
                    r.skip()?;
                }
                Ok(())
            })?;
            Ok(all_strings.then_some(names_us))
        }
        _ => Ok(None),
    }
}

fn json_error(error: JsonError) -> Error {
    let reason = match error {
        JsonError::Repeated => "the claims repeat a member name",
        JsonError::OutOfRange => "a time claim is a number no double can hold",
        JsonError::Value(source) => {
            return Error::MalformedToken {
                reason: "a kept claim nests too deeply",
                source: Some(source),
            };
        }
        JsonError::Syntax => "the claims are not valid JSON",
    };
    Error::MalformedToken {
        reason,
        source: None,
    }
}

/// Reads and checks the claims of a token whose signature has been verified.
pub(crate) fn evaluate(payload: &[u8], policy: &Policy<'_>) -> Result<SessionState, Error> {
    let raw = read_claims(payload, policy.redirect_uri)?;

    // Every known claim is typed first, present or not, so a wrong type is always an error.
    let iat = checked(raw.iat, "iat", SECONDS)?;
    let nbf = checked(raw.nbf, "nbf", SECONDS)?;
    let exp = checked(raw.exp, "exp", SECONDS)?;
    let iss = checked(raw.iss, "iss", "a string")?;
    let names_us = checked(raw.aud, "aud", "a string or an array of strings")?;
    let prn = checked(raw.prn, "prn", "a string")?;
    required(checked(raw.session, "session", "an object")?, "session")?;
    let session = raw.session_members;
    let active = required(
        checked(session.active, "session.active", "a boolean")?,
        "session.active",
    )?;
    let account_id = checked(session.id, "session.id", "a string")?;
    if account_id.as_ref().is_some_and(|id| id.is_empty()) {
        return Err(invalid("session.id", "a non-empty string"));
    }
    let profile = RawProfile {
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
        )?,
        mobile_number: optional(session.mobile_number, "session.mobile_number", "a string")?,
        alias: optional(session.alias, "session.alias", "a string")?,
        verified: optional(session.verified, "session.verified", "a boolean")?,
        products: optional(session.products, "session.products", "an array of strings")?,
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
    match value {
        Some(value) => Ok(value),
        // Built only when it is the answer: an `Error` is costly to drop.
        None => Err(Error::MissingClaim { claim }),
    }
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

#[cfg(test)]
mod tests {
    use super::number_value;
    use proptest::prelude::*;

    #[test]
    fn numbers_read_as_the_standard_parser_reads_them() {
        for text in [
            "0",
            "-0",
            "7",
            "1795000000",
            "-1795000000",
            "999999999999999",
            "-999999999999999",
            "1000000000000000",
            "9007199254740993",
            "123456789012345678901234567890",
            "1.5",
            "-0.0",
            "1e3",
            "1E-7",
            "1795000000.25",
        ] {
            let ours = number_value(text).unwrap();
            let theirs: f64 = text.parse().unwrap();
            assert_eq!(ours.to_bits(), theirs.to_bits(), "{text}");
        }
    }

    proptest! {
        #[test]
        fn whole_numbers_read_exactly(n in any::<i64>(), digits in 1usize..=19) {
            let n = n % 10_i64.pow(u32::try_from(digits).unwrap() - 1).max(1);
            let text = n.to_string();
            let theirs: f64 = text.parse().unwrap();
            prop_assert_eq!(number_value(&text).unwrap().to_bits(), theirs.to_bits());
        }
    }
}
