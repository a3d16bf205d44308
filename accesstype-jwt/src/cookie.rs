//! The `at-meter` cookie: where it is stored ([`ReaderCookie`], [`CookieDomain`]) and the
//! `Set-Cookie` value that stores it.

use std::fmt;
use std::str::FromStr;
use std::time::{Duration, SystemTime};

use crate::error::Error;
use crate::host_name::is_ldh_name;
use crate::timestamp::http_date;

/// The cookie Accesstype's browser script reads the reader id from: `at-meter`.
pub const READER_ID_COOKIE: &str = "at-meter";

/// How long the `at-meter` cookie is kept: 400 days, the longest lifetime browsers honour
/// (RFC 6265bis caps `Expires` and `Max-Age` there; a later date is cut to it anyway). A
/// reader who returns within that time keeps their id; the endpoint can renew it on every
/// visit to keep it alive longer.
pub const READER_ID_COOKIE_LIFETIME: Duration = Duration::from_secs(400 * 24 * 60 * 60);

/// Where the `at-meter` cookie is stored: for the host that answers only (the default and the
/// safer choice for a site on one host), or for a domain and all its subdomains.
///
/// Build it once from your configuration; [`ReaderId::set_cookie`](crate::ReaderId::set_cookie)
/// then writes the `Set-Cookie` value on every request without failing.
///
/// ```
/// use accesstype_jwt::{CookieDomain, ReaderCookie, ReaderId};
///
/// let reader = ReaderId::parse("0123456789abcdef0123456789abcdef")?;
///
/// // One host (`news.example.com` only, or `127.0.0.1` on a laptop): no `Domain` attribute.
/// let host_only = reader.set_cookie(&ReaderCookie::host_only());
/// assert!(host_only.starts_with("at-meter=0123456789abcdef0123456789abcdef; Path=/; Expires="));
///
/// // A site spread over subdomains (`www.` and `amp.`): the registrable domain.
/// let shared = ReaderCookie::for_domain(CookieDomain::new("example.com")?);
/// assert!(reader.set_cookie(&shared).contains("; Domain=example.com; "));
/// # Ok::<(), accesstype_jwt::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct ReaderCookie {
    domain: Option<CookieDomain>,
    lax: bool,
}

impl ReaderCookie {
    /// A host-only cookie: no `Domain` attribute, so the browser sends it back to the host
    /// that set it and to no other. The safer default for a site on one host, and what a site
    /// served from an IP address (a demo on `http://127.0.0.1`) needs.
    #[must_use]
    pub fn host_only() -> Self {
        Self::default()
    }

    /// A cookie for `domain` and all its subdomains (`Domain={domain}`), as in Accesstype's
    /// sample code. Every subdomain can then read and overwrite it.
    #[must_use]
    pub fn for_domain(domain: CookieDomain) -> Self {
        Self {
            domain: Some(domain),
            lax: false,
        }
    }

    /// `SameSite=Lax` instead of Accesstype's `SameSite=None`: the browser then sends the id
    /// with requests from your own site and with links followed to it, but not with what
    /// another site's page loads from yours, so such a page (an `<img>` of each of your
    /// story URLs) cannot spend the reader's metered stories. Accesstype's script reads the
    /// cookie either way, on your pages. Keep `None` only when your stories are metered
    /// inside another site's frame (an AMP viewer).
    #[must_use]
    pub fn same_site_lax(mut self) -> Self {
        self.lax = true;
        self
    }

    /// The domain, when the cookie is not host-only.
    #[must_use]
    pub fn domain(&self) -> Option<&CookieDomain> {
        self.domain.as_ref()
    }

    /// `at-meter={id}; Path=/[; Domain={domain}]; Expires={date}; SameSite={None|Lax}; Secure`.
    pub(crate) fn set_cookie_value(&self, id: &str, expires: SystemTime) -> String {
        let date = http_date(expires);
        let same_site = if self.lax { "Lax" } else { "None" };
        let domain = match &self.domain {
            Some(domain) => format!("; Domain={}", domain.as_str()),
            None => String::new(),
        };
        format!(
            "{READER_ID_COOKIE}={id}; Path=/{domain}; Expires={date}; SameSite={same_site}; Secure"
        )
    }
}

impl From<CookieDomain> for ReaderCookie {
    fn from(domain: CookieDomain) -> Self {
        Self::for_domain(domain)
    }
}

/// The domain the `at-meter` cookie is set for: your site's registrable domain or host name,
/// checked once.
///
/// Accepts only a canonical host name, as it will appear in `Domain=`: two or more labels of
/// lowercase ASCII letters, digits and inner hyphens (1 to 63 bytes each, 253 in all), `xn--`
/// labels that are valid punycode (write internationalised names in that form), and a
/// top-level label that is not all digits. Refuses single labels (`com`, `localhost`), IP
/// addresses and IP-like strings (`127.0.0.1`, `1.2.3`), upper case, a leading or trailing
/// dot, a port, a path, whitespace, `;`, `,` and everything else that could change the
/// `Set-Cookie` header or name a host other than the one written. For a site on one host or
/// on an IP address, use [`ReaderCookie::host_only`] instead.
///
/// ```
/// use accesstype_jwt::CookieDomain;
///
/// assert_eq!(CookieDomain::new("news.example.com")?.as_str(), "news.example.com");
/// assert!(CookieDomain::new("News.Example.com").is_err()); // write it in lower case
/// assert!(CookieDomain::new("example.com; HttpOnly").is_err());
/// assert!(CookieDomain::new("localhost").is_err());
/// assert!(CookieDomain::new("1.2.3").is_err());
/// # Ok::<(), accesstype_jwt::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CookieDomain(String);

impl CookieDomain {
    /// Checks a cookie domain.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidInput`] (`cookie domain`) for anything that is not a canonical lowercase host
    /// name of two or more labels.
    pub fn new(domain: &str) -> Result<Self, Error> {
        let canonical = domain.len() <= 253
            && is_ldh_name(domain)
            && !domain.bytes().any(|b| b.is_ascii_uppercase())
            // The host parser decodes `xn--` labels; a name it changes is not canonical.
            && matches!(url::Host::parse(domain), Ok(url::Host::Domain(parsed)) if parsed == domain);
        if canonical {
            Ok(Self(domain.to_owned()))
        } else {
            Err(Error::InvalidInput {
                what: "cookie domain",
                reason: "it is not a canonical lowercase host name of two or more labels",
            })
        }
    }

    /// The domain, as written in `Domain=`.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
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
