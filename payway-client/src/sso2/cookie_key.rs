//! [`SessionCookieKey`]: seals a [`SessionCookie`] with an HMAC-SHA256 tag and opens it
//! again, refusing every edited, truncated, re-signed or expired value; with a rotation path.

use std::fmt;

use super::hs256::{Hs256Key, TAG_BYTES};
use super::jws::{self, MAX_TOKEN_BYTES};
use super::request_token::unix_now;
use super::session_cookie::SessionCookie;
use super::verify_error::SessionCookieError;
use crate::credentials::MIN_SECRET_BYTES;
use crate::error::Error;

/// The largest whole `Cookie` header scanned for the session cookie, in bytes (64 KiB).
pub const MAX_COOKIE_HEADER_BYTES: usize = 64 * 1024;

/// The session cookie's default name. The `__Host-` prefix makes browsers refuse it unless it
/// is `Secure`, has `Path=/` and no `Domain`: a sibling subdomain cannot plant one.
/// Browsers accept `Secure` cookies from `http://localhost` and `http://127.0.0.1` too.
pub const COOKIE_NAME: &str = "__Host-payway-sso2";

/// Binds every tag to this use, should the site reuse its key elsewhere.
const CONTEXT: &[u8] = b"payway-client sso2 session cookie v1\0";

/// The length of a tag in unpadded base64url.
const TAG_TEXT_LEN: usize = 43;

/// The site's own key for its SSO2 session cookies (at least 32 bytes of secret), and the
/// cookie's name.
///
/// - [`seal`](Self::seal) gives the cookie's value: the cookie in a compact binary form,
///   base64url, then an HMAC-SHA256 tag over it. Readable with effort, never editable.
/// - [`open`](Self::open) refuses every value this key did not seal, and expired ones.
/// - Rotation: `SessionCookieKey::new(new)?.with_previous(old)?` opens values sealed by
///   either key and seals with the new one; drop the old key once every cookie sealed with
///   it has expired ([`DEFAULT_COOKIE_LIFETIME`](super::DEFAULT_COOKIE_LIFETIME)).
///
/// `{:?}` prints the cookie name and how many previous keys there are, never a key.
///
/// ```
/// use payway_client::sso2::SessionCookieKey;
///
/// let key = SessionCookieKey::new(b"32-bytes-or-more-of-site-secret!")?;
/// assert!(SessionCookieKey::new(b"too short").is_err());
/// assert_eq!(key.cookie_name(), "__Host-payway-sso2");
/// # Ok::<(), payway_client::Error>(())
/// ```
#[derive(Clone)]
pub struct SessionCookieKey {
    current: Hs256Key,
    previous: Vec<Hs256Key>,
    cookie_name: String,
}

/// The key for `secret`, at least [`MIN_SECRET_BYTES`] long.
fn key(secret: &[u8]) -> Result<Hs256Key, Error> {
    let short = Error::ShortSecret {
        len: secret.len(),
        min: MIN_SECRET_BYTES,
    };
    if secret.len() < MIN_SECRET_BYTES {
        return Err(short);
    }
    // HMAC takes keys of any length; this never refuses one.
    Hs256Key::new(secret).ok_or(short)
}

impl SessionCookieKey {
    /// A key from the site's secret (keep it in your secret store; share it between app
    /// servers).
    ///
    /// # Errors
    ///
    /// [`Error::ShortSecret`] for fewer than [`MIN_SECRET_BYTES`](crate::MIN_SECRET_BYTES) bytes.
    pub fn new(secret: &[u8]) -> Result<Self, Error> {
        Ok(Self {
            current: key(secret)?,
            previous: Vec::new(),
            cookie_name: COOKIE_NAME.to_owned(),
        })
    }

    /// Also opens values sealed with `previous_secret` (the key being retired); sealing keeps
    /// using the new key. Call it once per retired key.
    ///
    /// # Errors
    ///
    /// [`Error::ShortSecret`] for fewer than [`MIN_SECRET_BYTES`](crate::MIN_SECRET_BYTES) bytes.
    pub fn with_previous(mut self, previous_secret: &[u8]) -> Result<Self, Error> {
        self.previous.push(key(previous_secret)?);
        Ok(self)
    }

    /// Uses another cookie name than [`COOKIE_NAME`] (for example without the `__Host-`
    /// prefix, when the cookie must be shared with subdomains).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidInput`] for a name that is empty or not an HTTP token.
    pub fn with_cookie_name(mut self, name: &str) -> Result<Self, Error> {
        let separator = |b: u8| b"()<>@,;:\\\"/[]?={}".contains(&b);
        if name.is_empty() || !name.bytes().all(|b| b.is_ascii_graphic() && !separator(b)) {
            return Err(Error::InvalidInput {
                what: "cookie name",
                reason: "it is empty or not an HTTP token",
            });
        }
        name.clone_into(&mut self.cookie_name);
        Ok(self)
    }

    /// The session cookie's name.
    pub fn cookie_name(&self) -> &str {
        &self.cookie_name
    }

    /// The cookie's value: `{base64url(cookie)}.{base64url(tag)}`, at most about 3.4 KiB (for
    /// the largest cookie), usually under 200 bytes. The same cookie always seals to the same
    /// value.
    pub fn seal(&self, cookie: &SessionCookie) -> String {
        let mut value = jws::encode(&cookie.encode());
        let tag = self.current.sign(&[CONTEXT, value.as_bytes()]);
        value.push('.');
        value.push_str(&jws::encode(&tag));
        value
    }

    /// Opens a value [`seal`](Self::seal) produced, with this key or a previous one.
    ///
    /// # Errors
    ///
    /// [`Error::TokenTooLarge`] over [`MAX_TOKEN_BYTES`](crate::MAX_TOKEN_BYTES);
    /// [`Error::SessionCookie`] with [`SessionCookieError::Malformed`] (not a sealed value,
    /// truncated), [`BadTag`](SessionCookieError::BadTag) (edited, or sealed with another
    /// key) or [`Expired`](SessionCookieError::Expired). Treat the reader as having no
    /// cookie.
    pub fn open(&self, value: &str) -> Result<SessionCookie, Error> {
        if value.len() > MAX_TOKEN_BYTES {
            return Err(Error::TokenTooLarge {
                len: value.len(),
                limit: MAX_TOKEN_BYTES,
            });
        }
        let refused = |why| Error::SessionCookie(why);
        let (payload, tag) = value
            .split_once('.')
            .ok_or(refused(SessionCookieError::Malformed))?;
        if payload.is_empty() || tag.len() != TAG_TEXT_LEN {
            return Err(refused(SessionCookieError::Malformed));
        }
        let tag = jws::decode(tag)
            .filter(|tag| tag.len() == TAG_BYTES)
            .ok_or(refused(SessionCookieError::Malformed))?;
        let signed = [CONTEXT, payload.as_bytes()];
        let genuine = std::iter::once(&self.current)
            .chain(&self.previous)
            .any(|key| key.verify(&signed, &tag));
        if !genuine {
            return Err(refused(SessionCookieError::BadTag));
        }
        let cookie = jws::decode(payload)
            .and_then(|bytes| SessionCookie::decode(&bytes))
            .ok_or(refused(SessionCookieError::Malformed))?;
        let now = unix_now().map_err(Error::Sso2Token)?;
        if cookie.is_expired_at(now) {
            return Err(refused(SessionCookieError::Expired));
        }
        Ok(cookie)
    }

    /// Finds the session cookie in a request's `Cookie` header and opens it; `Ok(None)` when
    /// there is none.
    ///
    /// The header is read as bytes: other cookies may hold anything (`city=Umeå` in
    /// Latin-1, as some sites set it), only the session cookie's value must be text. Pass
    /// `HeaderValue::as_bytes()` rather than `to_str()`, which fails on such a header. A
    /// request split over several `Cookie` headers (HTTP/2) goes to
    /// [`open_cookie_headers`](Self::open_cookie_headers).
    ///
    /// # Errors
    ///
    /// [`Error::CookieHeaderTooLarge`] over [`MAX_COOKIE_HEADER_BYTES`];
    /// [`SessionCookieError::Duplicate`] when the cookie appears more than once (none of them
    /// is trusted); [`SessionCookieError::Malformed`] when its value is not UTF-8; any error
    /// of [`open`](Self::open).
    pub fn open_cookie_header(
        &self,
        header: impl AsRef<[u8]>,
    ) -> Result<Option<SessionCookie>, Error> {
        self.open_cookie_headers([header.as_ref()])
    }

    /// Like [`open_cookie_header`](Self::open_cookie_header), for every `Cookie` header of a
    /// request (HTTP/2 may send one per cookie): the session cookie must appear once in all
    /// of them together, which are scanned up to [`MAX_COOKIE_HEADER_BYTES`] in all.
    ///
    /// ```
    /// use payway_client::sso2::SessionCookieKey;
    ///
    /// let key = SessionCookieKey::new(b"32-bytes-or-more-of-site-secret!")?;
    /// // Another cookie in Latin-1 does not hide the session cookie (here: none).
    /// let headers: [&[u8]; 2] = [b"city=Ume\xe5", b"theme=dark"];
    /// assert!(key.open_cookie_headers(headers)?.is_none());
    /// # Ok::<(), payway_client::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// As [`open_cookie_header`](Self::open_cookie_header).
    pub fn open_cookie_headers<'a, I>(&self, headers: I) -> Result<Option<SessionCookie>, Error>
    where
        I: IntoIterator<Item = &'a [u8]>,
    {
        find_value(&self.cookie_name, headers)?
            .map(|value| self.open(value))
            .transpose()
    }

    /// A `Set-Cookie` header value that stores `cookie`:
    /// `{name}={sealed}; Path=/; Max-Age={seconds left}; HttpOnly; Secure; SameSite=Lax`.
    ///
    /// `HttpOnly` keeps it from page scripts, `Secure` off plain HTTP (browsers treat
    /// `localhost` and `127.0.0.1` as secure), `SameSite=Lax` lets it travel on the
    /// top-level navigation back from SSO2 but not on cross-site requests.
    pub fn set_cookie(&self, cookie: &SessionCookie) -> String {
        format!(
            "{}={}; Path=/; Max-Age={}; HttpOnly; Secure; SameSite=Lax",
            self.cookie_name,
            self.seal(cookie),
            cookie.remaining_secs()
        )
    }

    /// A `Set-Cookie` header value that removes the session cookie (after a logout, or when
    /// SSO2 says the session is gone).
    pub fn clear_cookie(&self) -> String {
        format!(
            "{}=; Path=/; Max-Age=0; HttpOnly; Secure; SameSite=Lax",
            self.cookie_name
        )
    }
}

/// The value of cookie `name` in `headers` (each one `Cookie` header's bytes): at most one in
/// all of them together, which are scanned up to [`MAX_COOKIE_HEADER_BYTES`] in all. Only the
/// value found must be UTF-8.
fn find_value<'a, I>(name: &str, headers: I) -> Result<Option<&'a str>, Error>
where
    I: IntoIterator<Item = &'a [u8]>,
{
    let mut scanned = 0_usize;
    let mut found = None;
    for header in headers {
        scanned = scanned.saturating_add(header.len());
        if scanned > MAX_COOKIE_HEADER_BYTES {
            return Err(Error::CookieHeaderTooLarge {
                len: scanned,
                limit: MAX_COOKIE_HEADER_BYTES,
            });
        }
        for pair in header.split(|byte| *byte == b';') {
            let Some(at) = pair.iter().position(|byte| *byte == b'=') else {
                continue;
            };
            let (pair_name, value) = pair.split_at(at);
            if pair_name.trim_ascii() != name.as_bytes() {
                continue;
            }
            let value = value.get(1..).unwrap_or_default().trim_ascii();
            if found.replace(value).is_some() {
                return Err(Error::SessionCookie(SessionCookieError::Duplicate));
            }
        }
    }
    found
        .map(|value| {
            std::str::from_utf8(value)
                .map_err(|_| Error::SessionCookie(SessionCookieError::Malformed))
        })
        .transpose()
}

impl fmt::Debug for SessionCookieKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SessionCookieKey")
            .field("key", &"[redacted]")
            .field("previous_keys", &self.previous.len())
            .field("cookie_name", &self.cookie_name)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sso2::session::{Sso2Session, Sso2Status};

    const SECRET: &[u8] = b"site-cookie-secret-0123456789abcdef";

    fn cookie() -> SessionCookie {
        let session = Sso2Session {
            sid: "sid-1".to_owned(),
            status: Sso2Status::LoggedIn,
            ticket: None,
            error: None,
        };
        SessionCookie::new(&session)
            .with_account("acc-1", ["premium"])
            .unwrap()
    }

    #[test]
    fn sealing_is_deterministic_and_opens() {
        let key = SessionCookieKey::new(SECRET).unwrap();
        // One cookie, sealed twice: two cookies built a second apart would differ.
        let cookie = cookie();
        let sealed = key.seal(&cookie);
        assert_eq!(sealed, key.seal(&cookie));
        assert_eq!(key.open(&sealed).unwrap(), cookie);
        assert!(sealed.len() < 140, "{sealed}");
        assert!(
            sealed
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
        );
    }

    #[test]
    fn the_cookie_header_is_scanned_exactly() {
        let key = SessionCookieKey::new(SECRET).unwrap();
        let cookie = cookie();
        let sealed = key.seal(&cookie);
        let header = format!("a=1; __Host-payway-sso2={sealed}; b=2");
        assert_eq!(key.open_cookie_header(&header).unwrap(), Some(cookie));
        assert_eq!(key.open_cookie_header("a=1; payway-sso2=x").unwrap(), None);
        assert_eq!(key.open_cookie_header("__Host-payway-sso2").unwrap(), None);
        let twice = format!("__Host-payway-sso2={sealed}; __Host-payway-sso2={sealed}");
        assert!(matches!(
            key.open_cookie_header(&twice),
            Err(Error::SessionCookie(SessionCookieError::Duplicate))
        ));
        let huge = format!("x={}", "a".repeat(MAX_COOKIE_HEADER_BYTES));
        assert!(matches!(
            key.open_cookie_header(&huge),
            Err(Error::CookieHeaderTooLarge { .. })
        ));
    }

    #[test]
    fn other_cookies_may_hold_any_bytes() {
        let key = SessionCookieKey::new(SECRET).unwrap();
        let cookie = cookie();
        let sealed = key.seal(&cookie);
        // HTTP/1.1: every cookie in one header, one of them Latin-1.
        let mut header = b"city=Ume\xe5; __Host-payway-sso2=".to_vec();
        header.extend_from_slice(sealed.as_bytes());
        header.extend_from_slice(b"; junk=\xff\xfe");
        assert_eq!(
            key.open_cookie_header(&header).unwrap(),
            Some(cookie.clone())
        );
        // Several headers: the cookie once in all of them together.
        let pair = format!("__Host-payway-sso2={sealed}");
        let headers: [&[u8]; 3] = [b"a=\xe5", pair.as_bytes(), b"b=2"];
        assert_eq!(key.open_cookie_headers(headers).unwrap(), Some(cookie));
        let twice: [&[u8]; 2] = [pair.as_bytes(), pair.as_bytes()];
        assert!(matches!(
            key.open_cookie_headers(twice),
            Err(Error::SessionCookie(SessionCookieError::Duplicate))
        ));
        // Only the session cookie's own value must be text.
        assert!(matches!(
            key.open_cookie_header(b"__Host-payway-sso2=\xe5"),
            Err(Error::SessionCookie(SessionCookieError::Malformed))
        ));
        // The bound holds for all the headers together.
        let half = vec![b'a'; MAX_COOKIE_HEADER_BYTES / 2 + 1];
        let split: [&[u8]; 2] = [&half, &half];
        assert!(matches!(
            key.open_cookie_headers(split),
            Err(Error::CookieHeaderTooLarge { .. })
        ));
    }

    #[test]
    fn set_and_clear_cookie_headers() {
        let key = SessionCookieKey::new(SECRET).unwrap();
        let set = key.set_cookie(&cookie());
        assert!(set.starts_with("__Host-payway-sso2="));
        assert!(set.ends_with("; HttpOnly; Secure; SameSite=Lax"), "{set}");
        assert!(set.contains("; Path=/; Max-Age=86"), "{set}");
        assert_eq!(
            key.clear_cookie(),
            "__Host-payway-sso2=; Path=/; Max-Age=0; HttpOnly; Secure; SameSite=Lax"
        );
        let renamed = key.with_cookie_name("sso").unwrap();
        assert!(renamed.set_cookie(&cookie()).starts_with("sso="));
        for bad in ["", "a b", "a;b", "a=b", "é"] {
            assert!(
                SessionCookieKey::new(SECRET)
                    .unwrap()
                    .with_cookie_name(bad)
                    .is_err(),
                "{bad}"
            );
        }
    }

    #[test]
    fn debug_never_shows_a_key() {
        let key = SessionCookieKey::new(SECRET)
            .unwrap()
            .with_previous(b"old-site-cookie-secret-0123456789abcdef")
            .unwrap();
        let shown = format!("{key:?}");
        assert!(!shown.contains("secret"), "{shown}");
        assert!(shown.contains("previous_keys: 1"));
    }
}
