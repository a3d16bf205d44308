//! The reader the JWT speaks for: [`User`], its [`UserId`] and its [`Provider`].

use std::fmt;

use paywall_internal::segment::check_input;
use serde::de::{self, Deserializer};
use serde::{Deserialize, Serialize, Serializer};

use crate::email::is_valid_email;
use crate::jwt_error::JwtError;
use crate::phone::is_valid_phone_number;

/// The largest integer a JavaScript number holds exactly (`Number.MAX_SAFE_INTEGER`).
///
/// Accesstype's servers read the token with JavaScript; a larger numeric id would be rounded
/// there and name another user, so [`AccesstypeSigner::sign`](crate::AccesstypeSigner::sign)
/// refuses it. Send such an id as a string.
pub const MAX_SAFE_INTEGER: u64 = (1 << 53) - 1;

/// The longest string user id that is signed, in bytes.
pub const MAX_USER_ID_BYTES: usize = 256;

/// The logged-in reader, as Accesstype's user JWT describes them.
///
/// Accesstype's current documentation makes `id` required and `email` and
/// `login-phone-number` optional; a user must have at least one of the two, so that Accesstype
/// knows them by one. [`User::new`] builds a user known by e-mail address (the older
/// documentation's only kind), [`User::with_phone_number`] one who logs in with a phone
/// number.
///
/// Serialises to exactly the documented members, in this order, each optional one left out
/// when absent: `email`, `id`, `login-phone-number`, `provider`, `name`. An e-mail user's
/// payload is the one the older documentation shows:
///
/// ```
/// use accesstype_jwt::User;
///
/// let user = User::new("john@example.com", 42).name("John");
/// assert_eq!(
///     serde_json::to_string(&user).unwrap(),
///     r#"{"email":"john@example.com","id":42,"provider":"quintype","name":"John"}"#,
/// );
///
/// let caller = User::with_phone_number("+919999999999", "u-7");
/// assert_eq!(
///     serde_json::to_string(&caller).unwrap(),
///     r#"{"id":"u-7","login-phone-number":"+919999999999","provider":"quintype"}"#,
/// );
/// ```
///
/// `Debug` masks the e-mail address, the phone number and the name, which are personal data:
///
/// ```
/// use accesstype_jwt::User;
///
/// let user = User::new("john@example.com", 42).name("John");
/// assert_eq!(
///     format!("{user:?}"),
///     r#"User { email: Some("[redacted]"), id: Number(42), login_phone_number: None, provider: Quintype, name: Some("[redacted]") }"#,
/// );
/// ```
///
/// Deserialising requires `id` and at least one of `email` and `login-phone-number`; it does
/// not check their form, which [`validate`](Self::validate) does.
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(remote = "Self")]
pub struct User {
    /// The reader's e-mail address (`email`). Optional when a
    /// [`login_phone_number`](Self::login_phone_number) is given.
    ///
    /// [`AccesstypeSigner::sign`](crate::AccesstypeSigner::sign) refuses an address that is
    /// not `local@domain.tld`: one `@`, at most 254 bytes, a local part of at most 64 bytes
    /// made of letters, digits, ``!#$%&'*+/=?^_`{|}~-`` and dots (not first, last or doubled),
    /// and a domain of at least two labels whose IDNA form (A-labels) is letters, digits and
    /// inner hyphens, with `xn--` labels that decode and a top-level label that is not all
    /// digits. Internationalised addresses (`jörg@bücher.de`) are accepted when their domain
    /// is written as IDNA maps it (up to case), so a full-width or decomposed spelling of
    /// another domain is not. Whitespace, control characters and invisible or
    /// bidirectional-control characters (zero-width space, byte order mark, soft hyphen,
    /// right-to-left override, ...) are refused anywhere: the address is the reader's
    /// identity at Accesstype, and two addresses that look alike must not both pass.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// The reader's unique id in your system (`id`). Required.
    pub id: UserId,
    /// The phone number the reader logs in with (`login-phone-number`), with its country
    /// code. Optional when an [`email`](Self::email) is given.
    ///
    /// [`AccesstypeSigner::sign`](crate::AccesstypeSigner::sign) wants it in E.164 form:
    /// `+` and 7 to 15 digits, the first not `0` (`+919999999999`), with no spaces, dashes or
    /// brackets, so that one number has one spelling.
    #[serde(rename = "login-phone-number", skip_serializing_if = "Option::is_none")]
    pub login_phone_number: Option<String>,
    /// The system the id belongs to. Optional on the wire, defaults to [`Provider::Quintype`].
    #[serde(default)]
    pub provider: Provider,
    /// The reader's name. Optional; left out of the payload when absent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

impl User {
    /// A user known by e-mail address, with the given id, provider [`Provider::Quintype`] and
    /// no phone number or name.
    ///
    /// Nothing is checked here; [`AccesstypeSigner::sign`](crate::AccesstypeSigner::sign)
    /// refuses a malformed e-mail address or id.
    pub fn new(email: impl Into<String>, id: impl Into<UserId>) -> Self {
        Self {
            email: Some(email.into()),
            id: id.into(),
            login_phone_number: None,
            provider: Provider::default(),
            name: None,
        }
    }

    /// A user who logs in with a phone number (`login-phone-number`, E.164 such as
    /// `+919999999999`), with the given id, provider [`Provider::Quintype`] and no e-mail
    /// address or name.
    ///
    /// Nothing is checked here; [`AccesstypeSigner::sign`](crate::AccesstypeSigner::sign)
    /// refuses a number that is not E.164, or a malformed id.
    pub fn with_phone_number(login_phone_number: impl Into<String>, id: impl Into<UserId>) -> Self {
        Self {
            email: None,
            id: id.into(),
            login_phone_number: Some(login_phone_number.into()),
            provider: Provider::default(),
            name: None,
        }
    }

    /// Sets the reader's e-mail address, for a user built with
    /// [`with_phone_number`](Self::with_phone_number) who has one too.
    #[must_use]
    pub fn email(mut self, email: impl Into<String>) -> Self {
        self.email = Some(email.into());
        self
    }

    /// Sets the phone number the reader logs in with (E.164), for a user built with
    /// [`new`](Self::new) who has one too.
    #[must_use]
    pub fn login_phone_number(mut self, login_phone_number: impl Into<String>) -> Self {
        self.login_phone_number = Some(login_phone_number.into());
        self
    }

    /// Sets the system the id belongs to.
    #[must_use]
    pub fn provider(mut self, provider: Provider) -> Self {
        self.provider = provider;
        self
    }

    /// Sets the reader's name.
    #[must_use]
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// Checks what [`AccesstypeSigner::sign`](crate::AccesstypeSigner::sign) checks: an
    /// e-mail address or a phone number (or both), each well-formed, and a well-formed id.
    ///
    /// # Errors
    ///
    /// [`JwtError::NoEmailOrPhoneNumber`], or [`JwtError::InvalidInput`] naming the
    /// `e-mail address`, the `phone number` or the `user id`.
    pub fn validate(&self) -> Result<(), JwtError> {
        if self.email.is_none() && self.login_phone_number.is_none() {
            return Err(JwtError::NoEmailOrPhoneNumber);
        }
        let email = self.email.as_deref();
        let number = self.login_phone_number.as_deref();
        let (what, reason) = if email.is_some_and(|email| !is_valid_email(email)) {
            ("e-mail address", "it is empty or malformed")
        } else if number.is_some_and(|number| !is_valid_phone_number(number)) {
            ("phone number", "it is not E.164, `+` and 7 to 15 digits")
        } else if !self.id.is_valid() {
            let reason = "it is empty, too long, holds control characters or is not a safe integer";
            ("user id", reason)
        } else {
            return Ok(());
        };
        Err(JwtError::InvalidInput { what, reason })
    }
}

impl fmt::Debug for User {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let masked = |field: &Option<String>| field.as_ref().map(|_| "[redacted]");
        f.debug_struct("User")
            .field("email", &masked(&self.email))
            .field("id", &self.id)
            .field("login_phone_number", &masked(&self.login_phone_number))
            .field("provider", &self.provider)
            .field("name", &masked(&self.name))
            .finish()
    }
}

impl<'de> Deserialize<'de> for User {
    /// The documented members (serde's derive, which `remote = "Self"` makes an inherent
    /// function); `id` and one of `email` and `login-phone-number` required.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let user = Self::deserialize(deserializer)?;
        if user.email.is_none() && user.login_phone_number.is_none() {
            return Err(de::Error::custom(
                "a user needs `email` or `login-phone-number`",
            ));
        }
        Ok(user)
    }
}

impl Serialize for User {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        Self::serialize(self, serializer)
    }
}

/// A user id: a number or a string, sent on the wire exactly as given.
///
/// `UserId::from(42)` serialises as `42`; `UserId::from("42")` as `"42"`. Integer literals
/// are taken as `u64`; convert other integer types with `u64::from` or `u64::try_from`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(untagged)]
pub enum UserId {
    /// A numeric id, sent as a JSON number. At most [`MAX_SAFE_INTEGER`] is signed.
    Number(u64),
    /// A string id, sent as a JSON string. Non-empty, at most [`MAX_USER_ID_BYTES`] bytes, no
    /// control characters.
    Text(String),
}

impl UserId {
    /// Whether [`AccesstypeSigner::sign`](crate::AccesstypeSigner::sign) accepts this id.
    pub(crate) fn is_valid(&self) -> bool {
        match self {
            Self::Number(n) => *n <= MAX_SAFE_INTEGER,
            Self::Text(text) => check_input(text, MAX_USER_ID_BYTES).is_ok(),
        }
    }
}

impl fmt::Display for UserId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Number(n) => write!(f, "{n}"),
            Self::Text(text) => f.write_str(text),
        }
    }
}

impl From<u64> for UserId {
    fn from(id: u64) -> Self {
        Self::Number(id)
    }
}

impl From<&str> for UserId {
    fn from(id: &str) -> Self {
        Self::Text(id.to_owned())
    }
}

impl From<String> for UserId {
    fn from(id: String) -> Self {
        Self::Text(id)
    }
}

impl From<&String> for UserId {
    fn from(id: &String) -> Self {
        Self::Text(id.clone())
    }
}

/// The external system the user id belongs to; lowercase on the wire.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum Provider {
    /// `quintype`, the default.
    #[default]
    Quintype,
    /// `wordpress`.
    Wordpress,
    /// `supertokens`.
    Supertokens,
}

impl Provider {
    /// The wire name: `quintype`, `wordpress` or `supertokens`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Quintype => "quintype",
            Self::Wordpress => "wordpress",
            Self::Supertokens => "supertokens",
        }
    }

    /// The provider a wire name names, exactly as written (lowercase).
    pub(crate) fn from_wire(name: &str) -> Option<Self> {
        [Self::Quintype, Self::Wordpress, Self::Supertokens]
            .into_iter()
            .find(|provider| provider.as_str() == name)
    }
}

impl fmt::Display for Provider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
