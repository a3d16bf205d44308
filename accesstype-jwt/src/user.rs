//! The reader the JWT speaks for: [`User`], its [`UserId`] and its [`Provider`].

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::Error;

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
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct User {
    /// The reader's e-mail address. Required.
    ///
    /// [`AccesstypeSigner::sign`](crate::AccesstypeSigner::sign) refuses an address that is
    /// not `local@domain.tld`: one `@`, a local part of at most 64 bytes made of letters,
    /// digits, ``!#$%&'*+/=?^_`{|}~-`` and dots (not first, last or doubled), and a domain of at
    /// least two dot-separated labels of letters, digits and inner hyphens. Non-ASCII letters
    /// (internationalised addresses) are accepted; whitespace and control characters are not.
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
    fn is_valid(&self) -> bool {
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

/// Whether `email` is `local@domain.tld` as [`User::email`] describes.
pub(crate) fn is_valid_email(email: &str) -> bool {
    if email.len() > 254 {
        return false;
    }
    let Some((local, domain)) = email.split_once('@') else {
        return false;
    };
    is_valid_local_part(local) && is_valid_email_domain(domain)
}

fn is_valid_local_part(local: &str) -> bool {
    const ATEXT_SYMBOLS: &[u8] = b"!#$%&'*+/=?^_`{|}~-";
    local.len() <= 64
        // No empty dot-separated part: no leading, trailing or doubled dot, and not empty.
        && local.split('.').all(|part| {
            !part.is_empty()
                && if part.is_ascii() {
                    part.bytes()
                        .all(|b| b.is_ascii_alphanumeric() || ATEXT_SYMBOLS.contains(&b))
                } else {
                    // Internationalised: ASCII as above, any other visible character.
                    part.chars().all(|c| {
                        c.is_ascii_alphanumeric()
                            || u8::try_from(c).is_ok_and(|b| ATEXT_SYMBOLS.contains(&b))
                            || (!c.is_ascii() && !c.is_whitespace() && !c.is_control())
                    })
                }
        })
}

fn is_valid_email_domain(domain: &str) -> bool {
    domain.len() <= 253
        // With every label non-empty, one dot means at least two labels.
        && domain.contains('.')
        && domain.split('.').all(is_valid_domain_label)
}

/// 1 to 63 letters, digits and inner hyphens; non-ASCII letters and digits allowed.
fn is_valid_domain_label(label: &str) -> bool {
    !label.is_empty()
        && label.len() <= 63
        && !label.starts_with('-')
        && !label.ends_with('-')
        && if label.is_ascii() {
            label
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        } else {
            label.chars().all(|c| c.is_alphanumeric() || c == '-')
        }
}

#[cfg(test)]
mod tests {
    use super::is_valid_email;

    #[test]
    fn accepts_ordinary_and_international_addresses() {
        for ok in [
            "john@example.com",
            "john.doe+news@mail.example.co.uk",
            "o'brien@example.ie",
            "jörg@bücher.de",
            "jörg+news@bücher-verlag.de",
            "a@b.co",
            "x_y-z@sub-domain.example",
        ] {
            assert!(is_valid_email(ok), "{ok} should be accepted");
        }
    }

    #[test]
    fn refuses_malformed_addresses() {
        let too_long_local = format!("{}@example.com", "a".repeat(65));
        let too_long = format!("a@{}.com", "b".repeat(250));
        for bad in [
            "",
            "@",
            "john",
            "john@",
            "@example.com",
            "john@example",
            "john@@example.com",
            "jo@hn@example.com",
            " john@example.com",
            "john@example.com ",
            "jo hn@example.com",
            "john@exa mple.com",
            "john\n@example.com",
            "john@example.com\r\n",
            ".john@example.com",
            "john.@example.com",
            "jo..hn@example.com",
            "john@.example.com",
            "john@example..com",
            "john@example.com.",
            "john@-example.com",
            "john@example-.com",
            "john@exa_mple.com",
            "john@[127.0.0.1]",
            "\"john\"@example.com",
            "john\u{0}@example.com",
            "jö rg@example.com",
            "jö\u{2003}rg@example.com",
            "jö\u{85}rg@example.com",
            "jörg..x@example.com",
            "jörg@bü_cher.de",
            "jörg@bücher.de-",
            "jörg@-bücher.de",
            too_long_local.as_str(),
            too_long.as_str(),
        ] {
            assert!(!is_valid_email(bad), "{bad:?} should be refused");
        }
    }
}
