//! The user JWT's claims, read strictly: each member once, each of the type `sign` writes,
//! the registered time claims checked against the clock.

use std::time::{SystemTime, UNIX_EPOCH};

use paywall_internal::json::{self, Member, Members, Refusal, read_object};
use paywall_internal::jws::{self, TimeRefused};

use crate::email::is_valid_email;
use crate::jwt_error::JwtError;
use crate::phone::is_valid_phone_number;
use crate::user::{Provider, User, UserId};

/// How the time claims are checked against the clock, which is read only when a time claim
/// needs it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Clock {
    /// Allowed clock difference, in seconds.
    pub(crate) leeway: u64,
    /// Whether `exp` must be present.
    pub(crate) require_exp: bool,
}

/// The members of a payload that matter, in the order [`user_from_payload`] reads them.
const MEMBERS: [&str; 9] = [
    "email",
    "id",
    "login-phone-number",
    "provider",
    "name",
    "exp",
    "nbf",
    "iat",
    "aud",
];

/// Reads the user out of a signature-checked payload, holding the claims to what `sign`
/// would have produced and checking `aud`, `exp`, `nbf` and `iat`.
pub(crate) fn user_from_payload(payload: &[u8], clock: Clock) -> Result<User, JwtError> {
    let [email, id, phone, provider, name, exp, nbf, iat, aud] =
        read_object(payload, Members(MEMBERS)).map_err(|error| JwtError::Malformed {
            reason: match json::classify(&error) {
                Refusal::Syntax => "the payload is not JSON",
                _ => "the payload is not a JSON object without repeated members",
            },
        })?;
    if !matches!(aud, None | Some(Member::Null)) {
        return Err(JwtError::InvalidAudience);
    }
    check_times([exp, nbf, iat], clock)?;

    let email = text(email, "email", is_valid_email)?;
    let login_phone_number = text(phone, "login-phone-number", is_valid_phone_number)?;
    if email.is_none() && login_phone_number.is_none() {
        return Err(JwtError::MissingClaim {
            claim: "email or login-phone-number",
        });
    }
    let id = match id {
        None | Some(Member::Null) => return Err(JwtError::MissingClaim { claim: "id" }),
        Some(Member::Unsigned(number)) => UserId::Number(number),
        Some(Member::Text(text)) => UserId::Text(text.into_owned()),
        Some(_) => return Err(JwtError::InvalidClaim { claim: "id" }),
    };
    if !id.is_valid() {
        return Err(JwtError::InvalidClaim { claim: "id" });
    }
    let provider = match provider {
        None | Some(Member::Null) => Provider::default(),
        Some(Member::Text(name)) => {
            Provider::from_wire(&name).ok_or(JwtError::InvalidClaim { claim: "provider" })?
        }
        Some(_) => return Err(JwtError::InvalidClaim { claim: "provider" }),
    };
    let name = text(name, "name", |_| true)?;
    Ok(User {
        email,
        id,
        login_phone_number,
        provider,
        name,
    })
}

/// An optional string claim: absent or `null` is `None`; a string that passes `valid` is kept.
fn text(
    value: Option<Member<'_>>,
    claim: &'static str,
    valid: fn(&str) -> bool,
) -> Result<Option<String>, JwtError> {
    match value {
        None | Some(Member::Null) => Ok(None),
        Some(Member::Text(text)) if valid(&text) => Ok(Some(text.into_owned())),
        Some(_) => Err(JwtError::InvalidClaim { claim }),
    }
}

/// `exp`, `nbf` and `iat` by the family's rule ([`jws::check_times`]), with the leeway. Each,
/// when present, must be a whole number of seconds.
fn check_times([exp, nbf, iat]: [Option<Member<'_>>; 3], clock: Clock) -> Result<(), JwtError> {
    let exp = seconds(exp, "exp")?;
    let nbf = seconds(nbf, "nbf")?;
    let iat = seconds(iat, "iat")?;
    if exp.is_none() && clock.require_exp {
        return Err(JwtError::MissingClaim { claim: "exp" });
    }
    if exp.is_none() && nbf.is_none() && iat.is_none() {
        return Ok(());
    }
    // Whole seconds, as every claim here is (the family's rule reads them exactly).
    let seconds = |time: Option<u64>| time.map(|time| time as f64);
    let times = [seconds(exp), seconds(nbf), seconds(iat)];
    jws::check_times(times, unix_now()? as f64, clock.leeway as f64).map_err(
        |refused| match refused {
            TimeRefused::Expired => JwtError::Expired,
            TimeRefused::NotYetValid => JwtError::NotYetValid,
            TimeRefused::IssuedInFuture => JwtError::IssuedInFuture,
        },
    )
}

fn seconds(value: Option<Member<'_>>, claim: &'static str) -> Result<Option<u64>, JwtError> {
    match value {
        None | Some(Member::Null) => Ok(None),
        Some(Member::Unsigned(seconds)) => Ok(Some(seconds)),
        Some(_) => Err(JwtError::InvalidClaim { claim }),
    }
}

/// Seconds since the Unix epoch, or [`JwtError::SystemClock`] before 1970.
pub(crate) fn unix_now() -> Result<u64, JwtError> {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|elapsed| elapsed.as_secs())
        .map_err(|_| JwtError::SystemClock)
}
