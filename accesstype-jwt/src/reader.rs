//! Reader ids for metering: one per browser or device, read back from the `at-meter` cookie.

use std::fmt;
use std::str::FromStr;
use std::time::SystemTime;

use paywall_internal::cookie::{self, CookieError};
use serde::{Deserialize, Serialize};

use crate::cookie::{READER_ID_COOKIE, READER_ID_COOKIE_LIFETIME, ReaderCookie};
use crate::error::Error;

/// The largest `Cookie` header scanned for the `at-meter` cookie, in bytes (64 KiB, all
/// `Cookie` headers of a request together). News sites with many ad and analytics cookies
/// send 8 to 16 KiB; a larger header is refused with [`Error::CookieHeaderTooLarge`].
pub const MAX_COOKIE_HEADER_BYTES: usize = cookie::MAX_COOKIE_HEADER_BYTES;

/// A reader id: one per browser or device, so Accesstype can meter anonymous and logged-in
/// readers.
///
/// [`generate`](Self::generate) makes one from 16 random bytes (32 lowercase hex characters).
/// Ids from elsewhere (a mobile device id, a cookie set by another implementation) are
/// accepted by [`parse`](Self::parse) when they are [`MIN_LEN`](Self::MIN_LEN) to
/// [`MAX_LEN`](Self::MAX_LEN) ASCII letters, digits, `-` or `_`: enough for hex strings and
/// UUIDs, nothing that could break a cookie, a header or a URL.
///
/// `Debug` shows only the first eight characters, so that logs do not collect whole ids.
///
/// ```
/// use accesstype_jwt::{ReaderCookie, ReaderId};
///
/// // In the reader-id endpoint: keep the reader's id, or give them one.
/// let cookie_header = "theme=dark; at-meter=0123456789abcdef0123456789abcdef";
/// let reader = match ReaderId::from_cookie_header(cookie_header) {
///     Ok(Some(known)) => known,
///     Ok(None) | Err(_) => ReaderId::generate()?,
/// };
/// assert_eq!(reader.as_str(), "0123456789abcdef0123456789abcdef");
///
/// // For a new reader, answer with this `Set-Cookie` header.
/// let set_cookie = ReaderId::generate()?.set_cookie(&ReaderCookie::host_only());
/// assert!(set_cookie.starts_with("at-meter="));
/// assert!(set_cookie.ends_with("; SameSite=None; Secure"));
/// # Ok::<(), accesstype_jwt::Error>(())
/// ```
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ReaderId(String);

impl ReaderId {
    /// The shortest reader id accepted, in characters.
    pub const MIN_LEN: usize = 16;

    /// The longest reader id accepted, in characters.
    pub const MAX_LEN: usize = 128;

    /// A new reader id: 16 bytes from the operating system's random number generator, as 32
    /// lowercase hex characters.
    ///
    /// # Errors
    ///
    /// [`Error::Random`] if the operating system's generator fails.
    pub fn generate() -> Result<Self, Error> {
        let mut bytes = [0_u8; 16];
        getrandom::fill(&mut bytes).map_err(Error::Random)?;
        Ok(Self(
            bytes.iter().map(|byte| format!("{byte:02x}")).collect(),
        ))
    }

    /// A reader id from elsewhere: a device id, a value your app stored.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidInput`] (`reader id`) unless `value` is [`MIN_LEN`](Self::MIN_LEN) to
    /// [`MAX_LEN`](Self::MAX_LEN) ASCII letters, digits, `-` or `_`.
    pub fn parse(value: &str) -> Result<Self, Error> {
        Self::well_formed(value).ok_or(Error::InvalidInput {
            what: "reader id",
            reason: "it is not 16 to 128 ASCII letters, digits, `-` or `_`",
        })
    }

    fn well_formed(value: &str) -> Option<Self> {
        let well_formed = (Self::MIN_LEN..=Self::MAX_LEN).contains(&value.len())
            && value
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        well_formed.then(|| Self(value.to_owned()))
    }

    /// The id, as sent to Accesstype (`readerId`) and stored in the cookie.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Finds the `at-meter` cookie in a `Cookie` request header and returns its id.
    ///
    /// Cookie pairs are split on `;`, names compared exactly (`at-meter`), surrounding spaces
    /// and a pair of double quotes around the value removed. `Ok(None)` when there is no
    /// `at-meter` cookie, or when its value is not a well-formed id (see
    /// [`parse`](Self::parse)): give the reader a new one. When a request carries several
    /// `Cookie` headers (HTTP/2 splits them), join them with `"; "` first, or use the `axum`
    /// feature's `accesstype_jwt::axum::Reader`, which reads them all.
    ///
    /// # Errors
    ///
    /// [`Error::DuplicateCookie`] when the header holds more than one `at-meter` cookie:
    /// browsers send one per matching domain and path, so a second one may have been planted
    /// by a sibling subdomain, and no id is taken from an ambiguous header.
    /// [`Error::CookieHeaderTooLarge`] for a header over [`MAX_COOKIE_HEADER_BYTES`]. Either
    /// way, treat the reader as new.
    pub fn from_cookie_header(header: &str) -> Result<Option<Self>, Error> {
        Self::from_cookie_headers([header.as_bytes()])
    }

    /// Like [`from_cookie_header`](Self::from_cookie_header) over several `Cookie` header
    /// values, as raw bytes: one request's headers, in order.
    pub(crate) fn from_cookie_headers<'a>(
        headers: impl IntoIterator<Item = &'a [u8]>,
    ) -> Result<Option<Self>, Error> {
        let found =
            cookie::find_in_headers(READER_ID_COOKIE, headers).map_err(|error| match error {
                CookieError::HeaderTooLarge { len, limit } => {
                    Error::CookieHeaderTooLarge { len, limit }
                }
                CookieError::Duplicate => Error::DuplicateCookie,
            })?;
        let value = found.and_then(|value| std::str::from_utf8(value).ok());
        Ok(value.and_then(|value| Self::well_formed(cookie::unquote(value))))
    }

    /// The `Set-Cookie` header value that stores this id for [`READER_ID_COOKIE_LIFETIME`]
    /// from now:
    ///
    /// `at-meter={id}; Path=/[; Domain={domain}]; Expires={HTTP date}; SameSite=None; Secure`
    ///
    /// `SameSite=None` is Accesstype's sample's (see [`ReaderCookie::same_site_lax`] for what
    /// it risks); there is no `HttpOnly` because Accesstype's script reads the cookie in the
    /// browser. The [`ReaderCookie`] was checked when you built it, so this call cannot fail
    /// and no value can smuggle extra attributes (`; HttpOnly`, a second cookie) into the
    /// header. Accesstype's sample code takes the domain from the request's `Origin` header;
    /// use your own configured host instead, which a request cannot choose.
    #[must_use]
    pub fn set_cookie(&self, cookie: &ReaderCookie) -> String {
        let expires = SystemTime::now()
            .checked_add(READER_ID_COOKIE_LIFETIME)
            .unwrap_or(SystemTime::UNIX_EPOCH);
        self.set_cookie_expiring(cookie, expires)
    }

    /// Like [`set_cookie`](Self::set_cookie) with your own expiry time, formatted as an HTTP
    /// date (`Wed, 21 Oct 2015 07:28:00 GMT`). Times before 1970 are written as the epoch
    /// (an expired cookie); times after year 9999 as its last second.
    #[must_use]
    pub fn set_cookie_expiring(&self, cookie: &ReaderCookie, expires: SystemTime) -> String {
        cookie.set_cookie_value(&self.0, expires)
    }
}

impl fmt::Debug for ReaderId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let shown = self.0.get(..8).unwrap_or_default();
        write!(f, "ReaderId(\"{shown}…\")")
    }
}

impl FromStr for ReaderId {
    type Err = Error;

    fn from_str(value: &str) -> Result<Self, Self::Err> {
        Self::parse(value)
    }
}

impl TryFrom<String> for ReaderId {
    type Error = Error;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl TryFrom<&str> for ReaderId {
    type Error = Error;

    fn try_from(value: &str) -> Result<Self, Self::Error> {
        Self::parse(value)
    }
}

impl From<ReaderId> for String {
    fn from(id: ReaderId) -> Self {
        id.0
    }
}

impl AsRef<str> for ReaderId {
    fn as_ref(&self) -> &str {
        &self.0
    }
}
