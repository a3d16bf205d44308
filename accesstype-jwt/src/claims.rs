//! The user JWT's claims, read strictly: each member once, each of the type `sign` writes,
//! the registered time claims checked against the clock.

use std::fmt;

use serde::de::{MapAccess, Visitor};

use crate::email::is_valid_email;
use crate::error::Error;
use crate::json::{self, AnyScalar, Name, Scalar, SeenNames, read_object};
use crate::phone::is_valid_phone_number;
use crate::user::{Provider, User, UserId};

/// How the time claims are checked.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Clock {
    /// Seconds since the Unix epoch; read only when a time claim needs it.
    pub(crate) now: fn() -> Result<u64, Error>,
    /// Allowed clock difference, in seconds.
    pub(crate) leeway: u64,
    /// Whether `exp` must be present.
    pub(crate) require_exp: bool,
}

/// The members of a payload that matter, as read.
#[derive(Default)]
struct Raw<'de> {
    email: Option<Scalar<'de>>,
    id: Option<Scalar<'de>>,
    phone: Option<Scalar<'de>>,
    provider: Option<Scalar<'de>>,
    name: Option<Scalar<'de>>,
    exp: Option<Scalar<'de>>,
    nbf: Option<Scalar<'de>>,
    iat: Option<Scalar<'de>>,
    aud: Option<Scalar<'de>>,
}

struct RawVisitor;

impl<'de> Visitor<'de> for RawVisitor {
    type Value = Raw<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JWT claims object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Raw<'de>, A::Error> {
        let mut raw = Raw::default();
        let mut others = SeenNames::default();
        while let Some(Name(name)) = map.next_key()? {
            let value = map.next_value_seed(AnyScalar)?;
            let slot = match &*name {
                "email" => &mut raw.email,
                "id" => &mut raw.id,
                "login-phone-number" => &mut raw.phone,
                "provider" => &mut raw.provider,
                "name" => &mut raw.name,
                "exp" => &mut raw.exp,
                "nbf" => &mut raw.nbf,
                "iat" => &mut raw.iat,
                "aud" => &mut raw.aud,
                _ => {
                    others.insert(name)?;
                    continue;
                }
            };
            json::fill(slot, value)?;
        }
        Ok(raw)
    }
}

/// Reads the user out of a signature-checked payload, holding the claims to what `sign`
/// would have produced and checking `aud`, `exp`, `nbf` and `iat`.
pub(crate) fn user_from_payload(payload: &[u8], clock: Clock) -> Result<User, Error> {
    // JSON text is UTF-8 (RFC 8259): checked once here, not string by string by the parser.
    let payload = std::str::from_utf8(payload).map_err(|_| Error::Malformed {
        reason: "the payload is not UTF-8",
    })?;
    let raw = read_object(payload, RawVisitor).map_err(|error| Error::Malformed {
        reason: if json::is_syntax(&error) {
            "the payload is not JSON"
        } else {
            "the payload is not a JSON object without repeated members"
        },
    })?;
    if present(raw.aud.as_ref()) {
        return Err(Error::InvalidAudience);
    }
    check_times(&raw, clock)?;

    let email = match raw.email {
        None | Some(Scalar::Null) => None,
        Some(Scalar::Text(email)) if is_valid_email(&email) => Some(email.into_owned()),
        Some(_) => return Err(Error::InvalidClaim { claim: "email" }),
    };
    let login_phone_number = match raw.phone {
        None | Some(Scalar::Null) => None,
        Some(Scalar::Text(number)) if is_valid_phone_number(&number) => Some(number.into_owned()),
        Some(_) => {
            return Err(Error::InvalidClaim {
                claim: "login-phone-number",
            });
        }
    };
    if email.is_none() && login_phone_number.is_none() {
        return Err(Error::MissingClaim {
            claim: "email or login-phone-number",
        });
    }
    let id = match raw.id {
        None | Some(Scalar::Null) => return Err(Error::MissingClaim { claim: "id" }),
        Some(Scalar::Unsigned(number)) => UserId::Number(number),
        Some(Scalar::Text(text)) => UserId::Text(text.into_owned()),
        Some(_) => return Err(Error::InvalidClaim { claim: "id" }),
    };
    if !id.is_valid() {
        return Err(Error::InvalidClaim { claim: "id" });
    }
    let provider = match raw.provider {
        None | Some(Scalar::Null) => Provider::default(),
        Some(Scalar::Text(name)) => {
            Provider::from_wire(&name).ok_or(Error::InvalidClaim { claim: "provider" })?
        }
        Some(_) => return Err(Error::InvalidClaim { claim: "provider" }),
    };
    let name = match raw.name {
        None | Some(Scalar::Null) => None,
        Some(Scalar::Text(name)) => Some(name.into_owned()),
        Some(_) => return Err(Error::InvalidClaim { claim: "name" }),
    };
    Ok(User {
        email,
        id,
        login_phone_number,
        provider,
        name,
    })
}

fn present(value: Option<&Scalar<'_>>) -> bool {
    !matches!(value, None | Some(Scalar::Null))
}

/// `exp` and `nbf` with the leeway; `iat` not in the future beyond it. Each, when present,
/// must be a whole number of seconds.
fn check_times(raw: &Raw<'_>, clock: Clock) -> Result<(), Error> {
    let exp = seconds(raw.exp.as_ref(), "exp")?;
    let nbf = seconds(raw.nbf.as_ref(), "nbf")?;
    let iat = seconds(raw.iat.as_ref(), "iat")?;
    if exp.is_none() && clock.require_exp {
        return Err(Error::MissingClaim { claim: "exp" });
    }
    if exp.is_none() && nbf.is_none() && iat.is_none() {
        return Ok(());
    }
    let now = (clock.now)()?;
    if exp.is_some_and(|exp| exp.saturating_add(clock.leeway) < now) {
        return Err(Error::Expired);
    }
    let latest_start = now.saturating_add(clock.leeway);
    if nbf.is_some_and(|nbf| nbf > latest_start) {
        return Err(Error::NotYetValid);
    }
    if iat.is_some_and(|iat| iat > latest_start) {
        return Err(Error::IssuedInFuture);
    }
    Ok(())
}

fn seconds(value: Option<&Scalar<'_>>, claim: &'static str) -> Result<Option<u64>, Error> {
    match value {
        None | Some(Scalar::Null) => Ok(None),
        Some(Scalar::Unsigned(seconds)) => Ok(Some(*seconds)),
        Some(_) => Err(Error::InvalidClaim { claim }),
    }
}
