//! The reader the JWT speaks for: [`User`], its [`UserId`] and its [`Provider`].

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::email::is_valid_email;
use crate::error::Error;

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
/// Serialises to exactly the documented payload, in the documented order:
///
/// ```
/// use accesstype_jwt::User;
///
/// let user = User::new("john@example.com", 42).name("John");
/// assert_eq!(
///     serde_json::to_string(&user).unwrap(),
///     r#"{"email":"john@example.com","id":42,"provider":"quintype","name":"John"}"#,
/// );
/// ```
///
/// `Debug` masks the e-mail address and the name, which are personal data:
///
/// ```
/// use accesstype_jwt::User;
///
/// let user = User::new("john@example.com", 42).name("John");
/// assert_eq!(
///     format!("{user:?}"),
///     r#"User { email: "[redacted]", id: Number(42), provider: Quintype, name: Some("[redacted]") }"#,
/// );
/// ```
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct User {
    /// The reader's e-mail address. Required.
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
    pub email: String,
    /// The reader's unique id in your system. Required.
    pub id: UserId,
    /// The system the id belongs to. Optional on the wire, defaults to [`Provider::Quintype`].
    #[serde(default)]
    pub provider: Provider,
    /// The reader's name. Optional; left out of the payload when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

impl User {
    /// A user with the given e-mail address and id, provider [`Provider::Quintype`] and no
    /// name.
    ///
    /// Nothing is checked here; [`AccesstypeSigner::sign`](crate::AccesstypeSigner::sign)
    /// refuses a malformed e-mail address or id.
    pub fn new(email: impl Into<String>, id: impl Into<UserId>) -> Self {
        Self {
            email: email.into(),
            id: id.into(),
            provider: Provider::default(),
            name: None,
        }
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

    /// Checks what [`AccesstypeSigner::sign`](crate::AccesstypeSigner::sign) checks: a
    /// well-formed e-mail address and id.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidEmail`] or [`Error::InvalidUserId`].
    pub fn validate(&self) -> Result<(), Error> {
        if !is_valid_email(&self.email) {
            return Err(Error::InvalidEmail);
        }
        if !self.id.is_valid() {
            return Err(Error::InvalidUserId);
        }
        Ok(())
    }
}

impl fmt::Debug for User {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("User")
            .field("email", &"[redacted]")
            .field("id", &self.id)
            .field("provider", &self.provider)
            .field("name", &self.name.as_ref().map(|_| "[redacted]"))
            .finish()
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
            Self::Text(text) => {
                !text.is_empty()
                    && text.len() <= MAX_USER_ID_BYTES
                    && !text.chars().any(char::is_control)
            }
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
}

impl Provider {
    /// The wire name: `quintype` or `wordpress`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Quintype => "quintype",
            Self::Wordpress => "wordpress",
        }
    }
}

impl fmt::Display for Provider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
