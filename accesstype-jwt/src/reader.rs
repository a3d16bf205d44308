//! Reader ids for metering: the `at-meter` cookie that Accesstype's browser script reads, and
//! the reader-id endpoint that sets it.

use std::fmt;
use std::str::FromStr;
use std::time::{Duration, SystemTime};

use serde::{Deserialize, Serialize};

use crate::Error;
use crate::http_date::http_date;

/// The cookie Accesstype's browser script reads the reader id from: `at-meter`.
pub const READER_ID_COOKIE: &str = "at-meter";

/// How long [`ReaderId::set_cookie`] keeps the cookie: 400 days, the longest lifetime browsers
/// honour (RFC 6265bis caps `Expires` and `Max-Age` there; a later date is cut to it anyway).
/// A reader who returns within that time keeps their id; the endpoint can renew it on every
/// visit to keep it alive longer.
pub const READER_ID_COOKIE_LIFETIME: Duration = Duration::from_secs(400 * 24 * 60 * 60);

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
/// use accesstype_jwt::{CookieDomain, ReaderId};
///
/// // In the reader-id endpoint: keep the reader's id, or give them one.
/// let cookie_header = "theme=dark; at-meter=0123456789abcdef0123456789abcdef";
/// let reader = match ReaderId::from_cookie_header(cookie_header) {
///     Some(known) => known,
///     None => ReaderId::generate()?,
/// };
/// assert_eq!(reader.as_str(), "0123456789abcdef0123456789abcdef");
///
/// // For a new reader, answer with this `Set-Cookie` header.
/// let domain = CookieDomain::new("news.example.com")?;
/// let set_cookie = ReaderId::generate()?.set_cookie(&domain);
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
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let mut bytes = [0_u8; 16];
        getrandom::fill(&mut bytes).map_err(Error::Random)?;
        let mut hex = String::with_capacity(32);
        for byte in bytes {
            for nibble in [byte >> 4, byte & 0x0f] {
                hex.push(char::from(
                    HEX.get(usize::from(nibble)).copied().unwrap_or(b'0'),
                ));
            }
        }
        Ok(Self(hex))
    }

    /// A reader id from elsewhere: a device id, a value your app stored.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidReaderId`] unless `value` is [`MIN_LEN`](Self::MIN_LEN) to
    /// [`MAX_LEN`](Self::MAX_LEN) ASCII letters, digits, `-` or `_`.
    pub fn parse(value: &str) -> Result<Self, Error> {
        let well_formed = (Self::MIN_LEN..=Self::MAX_LEN).contains(&value.len())
            && value
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if well_formed {
            Ok(Self(value.to_owned()))
        } else {
            Err(Error::InvalidReaderId)
        }
    }

    /// The id, as sent to Accesstype (`readerId`) and stored in the cookie.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Finds the `at-meter` cookie in a `Cookie` request header and returns its id.
    ///
    /// Cookie pairs are split on `;`, names compared exactly (`at-meter`), surrounding spaces
    /// and a pair of double quotes around the value removed. The first `at-meter` whose value
    /// is a well-formed id (see [`parse`](Self::parse)) wins; malformed ones are skipped.
    /// `None` when there is none, so the endpoint issues a new id. When a request carries
    /// several `Cookie` headers, join them with `"; "` first.
    #[must_use]
    pub fn from_cookie_header(header: &str) -> Option<Self> {
        header
            .split(';')
            .filter_map(|pair| {
                let (name, value) = pair.split_once('=')?;
                (name.trim_matches(is_cookie_space) == READER_ID_COOKIE)
                    .then(|| value.trim_matches(is_cookie_space))
            })
            .map(|value| {
                value
                    .strip_prefix('"')
                    .and_then(|inner| inner.strip_suffix('"'))
                    .unwrap_or(value)
            })
            .find_map(|value| Self::parse(value).ok())
    }

    /// The `Set-Cookie` header value that stores this id for
    /// [`READER_ID_COOKIE_LIFETIME`] from now:
    ///
    /// `at-meter={id}; Path=/; Domain={domain}; Expires={HTTP date}; SameSite=None; Secure`
    ///
    /// `SameSite=None; Secure` lets Accesstype's script use it from any page; there is no
    /// `HttpOnly` because that script reads the cookie in the browser.
    ///
    /// The domain is a [`CookieDomain`] rather than a `&str`: it is checked once, when you
    /// build it from your configuration at start-up, so this per-request call cannot fail and
    /// no value can smuggle extra attributes (`; HttpOnly`, a second cookie) into the header.
    /// Accesstype's sample code takes the domain from the request's `Origin` header; use
    /// your own configured host instead, which a request cannot choose.
    #[must_use]
    pub fn set_cookie(&self, domain: &CookieDomain) -> String {
        let expires = SystemTime::now()
            .checked_add(READER_ID_COOKIE_LIFETIME)
            .unwrap_or(SystemTime::UNIX_EPOCH);
        self.set_cookie_expiring(domain, expires)
    }

    /// Like [`set_cookie`](Self::set_cookie) with your own expiry time, formatted as an HTTP
    /// date (`Wed, 21 Oct 2015 07:28:00 GMT`). Times before 1970 are written as the epoch
    /// (an expired cookie); times after year 9999 as its last second.
    #[must_use]
    pub fn set_cookie_expiring(&self, domain: &CookieDomain, expires: SystemTime) -> String {
        format!(
            "{READER_ID_COOKIE}={}; Path=/; Domain={}; Expires={}; SameSite=None; Secure",
            self.0,
            domain.as_str(),
            http_date(expires)
        )
    }
}

fn is_cookie_space(c: char) -> bool {
    c == ' ' || c == '\t'
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

/// The domain the `at-meter` cookie is set for: your site's host name, checked once.
///
/// Accepts a DNS host name (internationalised names are converted to their `xn--` form,
/// letters lowercased, one leading `.` dropped as RFC 6265 does) or an IPv4 address. Refuses
/// anything with a port, a path, whitespace, `;`, `,` or other characters that could change
/// the `Set-Cookie` header, and IPv6 addresses.
///
/// ```
/// use accesstype_jwt::CookieDomain;
///
/// assert_eq!(CookieDomain::new("News.Example.com")?.as_str(), "news.example.com");
/// assert!(CookieDomain::new("example.com; HttpOnly").is_err());
/// assert!(CookieDomain::new("example.com:8080").is_err());
/// # Ok::<(), accesstype_jwt::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CookieDomain(String);

impl CookieDomain {
    /// Checks and normalises a cookie domain.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidCookieDomain`] for anything that is not a host name or IPv4 address.
    pub fn new(domain: &str) -> Result<Self, Error> {
        let domain = domain.strip_prefix('.').unwrap_or(domain);
        // Only what a host name can hold; this also keeps out the percent-escapes and
        // delimiters the URL host parser would otherwise decode or tolerate.
        let plausible = !domain.is_empty()
            && domain.len() <= 253
            && domain
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.' || !c.is_ascii());
        if !plausible {
            return Err(Error::InvalidCookieDomain);
        }
        match url::Host::parse(domain) {
            Ok(url::Host::Domain(ascii)) if is_ldh_host(&ascii) => Ok(Self(ascii)),
            Ok(url::Host::Ipv4(address)) => Ok(Self(address.to_string())),
            _ => Err(Error::InvalidCookieDomain),
        }
    }

    /// The normalised domain, as written in `Domain=`.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Letters, digits and inner hyphens in dot-separated labels of 1 to 63 bytes.
fn is_ldh_host(host: &str) -> bool {
    host.len() <= 253
        && host.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        })
}

impl fmt::Display for CookieDomain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for CookieDomain {
    type Err = Error;

    fn from_str(domain: &str) -> Result<Self, Self::Err> {
        Self::new(domain)
    }
}

impl TryFrom<&str> for CookieDomain {
    type Error = Error;

    fn try_from(domain: &str) -> Result<Self, Self::Error> {
        Self::new(domain)
    }
}
