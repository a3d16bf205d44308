//! [`SessionCookieKey`]: seals a [`SessionCookie`] with an AEAD (XChaCha20-Poly1305:
//! encrypted and authenticated) and opens it again, refusing every edited, truncated,
//! foreign or expired value; with a rotation path.

use std::fmt;
use std::sync::Arc;

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};

use super::client::Sso2Client;
use super::jws::{self, MAX_TOKEN_BYTES};
use super::request_token::unix_now;
use super::session_cookie::SessionCookie;
use super::verify_error::SessionCookieError;
use crate::credentials::MIN_SECRET_BYTES;
use crate::error::Error;
use paywall_internal::cookie::{CookieError, find_in_headers};
use paywall_internal::jws::Hs256Key;

pub use crate::login_state::MAX_COOKIE_HEADER_BYTES;

/// The session cookie's default name. The `__Host-` prefix makes browsers refuse it unless it
/// is `Secure`, has `Path=/` and no `Domain`: a sibling subdomain cannot plant one.
/// Browsers accept `Secure` cookies from `http://localhost` and `http://127.0.0.1` too.
pub const COOKIE_NAME: &str = "__Host-payway-sso2";

/// Derives the AEAD key from the site's secret, for this use only (HMAC-SHA256 as a PRF).
const KEY_CONTEXT: &[u8] = b"payway-client sso2 session cookie v3 xchacha20poly1305 key\0";
/// Derives the key that binds a checkout to its session, for that use only.
const STATE_KEY_CONTEXT: &[u8] = b"payway-client checkout state v1 hmac-sha256 key\0";

/// Authenticated with every sealed cookie (associated data), so that a value sealed for
/// another use of the same key never opens here; a bound key adds its SSO2 client's
/// identity ([`SessionCookieKey::bound_to`]).
const ASSOCIATED_DATA: &[u8] = b"payway-client sso2 session cookie v3";

/// The random nonce of each sealed value, in bytes.
const NONCE_BYTES: usize = 24;
/// Poly1305's tag, in bytes.
const AEAD_TAG_BYTES: usize = 16;

/// The site's own key for its SSO2 session cookies (at least 32 bytes of secret), and the
/// cookie's name.
///
/// - [`seal`](Self::seal) gives the cookie's value: the cookie in a compact binary form,
///   encrypted and authenticated with XChaCha20-Poly1305 under a key derived from your
///   secret, with a random 24-byte nonce, in base64url. A reader can neither read it (the
///   account id, the product codes and the SSO2 session id are encrypted) nor change it.
/// - [`open`](Self::open) refuses every value this key did not seal, and expired ones.
/// - Rotation: `SessionCookieKey::new(new)?.with_previous(old)?` opens values sealed by
///   either key and seals with the new one; drop the old key once every cookie sealed with
///   it has expired ([`DEFAULT_COOKIE_LIFETIME`](super::DEFAULT_COOKIE_LIFETIME)).
/// - [`bound_to`](Self::bound_to) an [`Sso2Client`] (as [`from_env`](Self::from_env) does),
///   it opens only what it sealed for that client's SSO2 base URL, client id and organisation.
///
/// # One secret per site and environment
///
/// A key opens every value sealed with its secret. Were stage and production to share one,
/// a reader could carry a cookie from stage, where products are bought with test cards, to
/// production, and read there as a subscriber until the flow next asked SSO2. Give each
/// environment and each site its own secret, and bind the key to its SSO2 client, which
/// refuses such a cookie even when the secrets are the same.
///
/// Clone it freely: the keys sit behind an `Arc`, so a clone (an extractor's `FromRef` on
/// every request) copies no key.
///
/// `{:?}` prints the cookie name, how many previous keys there are and whether the key is
/// bound, never a key.
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
    inner: Arc<Keys>,
}

#[derive(Clone)]
struct Keys {
    current: SealKey,
    previous: Vec<SealKey>,
    cookie_name: String,
    /// [`ASSOCIATED_DATA`], and the SSO2 client of a bound key.
    associated_data: Vec<u8>,
}

/// The keys derived from one secret: the AEAD key that seals cookies, and the HMAC key that
/// binds a checkout to its session ([`checkout_state`](super::checkout_state)).
#[derive(Clone)]
pub(crate) struct SealKey {
    aead: XChaCha20Poly1305,
    state: Hs256Key,
}

/// The key for `secret`, at least [`MIN_SECRET_BYTES`] long; `None` for a shorter one.
pub(crate) fn key(secret: &[u8]) -> Option<SealKey> {
    // The family's secret rule (no short key here: the site chooses this secret).
    let prf = paywall_internal::jws::secret_key(secret, false).ok()?;
    // HMAC-SHA256 gives 32 bytes: XChaCha20's key size.
    let aead = XChaCha20Poly1305::new(&prf.sign(&[KEY_CONTEXT]).into());
    let state = Hs256Key::new(&prf.sign(&[STATE_KEY_CONTEXT]));
    Some(SealKey { aead, state })
}

/// The key for `secret`, or [`Error::ShortSecret`].
fn key_or_short(secret: &[u8]) -> Result<SealKey, Error> {
    key(secret).ok_or(Error::ShortSecret {
        len: secret.len(),
        min: MIN_SECRET_BYTES,
    })
}

impl SessionCookieKey {
    /// A key from the site's secret (keep it in your secret store; share it between app
    /// servers).
    ///
    /// # Errors
    ///
    /// [`Error::ShortSecret`] for fewer than [`MIN_SECRET_BYTES`](crate::MIN_SECRET_BYTES) bytes.
    pub fn new(secret: &[u8]) -> Result<Self, Error> {
        Ok(Self::from_keys(key_or_short(secret)?, None))
    }

    /// The key that seals with `current` and also opens what `previous` sealed.
    pub(crate) fn from_keys(current: SealKey, previous: Option<SealKey>) -> Self {
        Self {
            inner: Arc::new(Keys {
                current,
                previous: Vec::from_iter(previous),
                cookie_name: COOKIE_NAME.to_owned(),
                associated_data: ASSOCIATED_DATA.to_vec(),
            }),
        }
    }

    /// Binds the key to `sso2`: every value it seals from now on carries the client's SSO2
    /// base URL (as [`Sso2Client::base_url`] gives it), client id and organisation id,
    /// authenticated, and it opens only values that carry the same (sealed by a key bound to
    /// the same client, with this secret or a previous one). A cookie sealed for another
    /// environment, another SSO2 client or another organisation is refused as if edited,
    /// even under the same secret. Binding again replaces the binding. Every app server of a
    /// site must bind to the same base URL, byte for byte (the environment's, or the same
    /// `PAYWAY_SSO_BASE_URL`).
    ///
    /// Bind the key before you give it to [`Sso2Flow::new`](super::Sso2Flow::new), and open
    /// cookies with the flow's [`key`](super::Sso2Flow::key) (the `axum` feature's
    /// `Sso2Cookie` through `FromRef`).
    ///
    /// **Switching an existing site to a bound key** logs every live cookie out once: a
    /// cookie sealed unbound does not open under a bound key, and the other way round, for
    /// previous keys too. Its reader is sent through SSO2 once more, which knows them and
    /// lands them at once, without a password. Switch every app server together: while some
    /// bind and some do not, a reader sent to the other kind goes through SSO2 again.
    ///
    /// ```
    /// use payway_client::sso2::{SessionCookieKey, Sso2Client};
    ///
    /// let stage = Sso2Client::builder()
    ///     .environment(payway_client::Environment::Stage)
    ///     .client_id("news-site")
    ///     .client_secret("the SSO2 client secret, 32 bytes or more")
    ///     .organisation_id("news")
    ///     .build()?;
    /// let key = SessionCookieKey::new(b"32-bytes-or-more-of-site-secret!")?.bound_to(&stage);
    /// assert!(format!("{key:?}").contains("bound: true"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn bound_to(self, sso2: &Sso2Client) -> Self {
        self.bound(sso2.base_url(), sso2.client_id(), sso2.organisation_id())
    }

    /// [`bound_to`](Self::bound_to) a client with this base URL, client id and organisation
    /// id (what `from_env` reads, without building the client).
    pub(crate) fn bound(
        mut self,
        base_url: &url::Url,
        client_id: &str,
        organisation_id: &str,
    ) -> Self {
        let mut associated_data = ASSOCIATED_DATA.to_vec();
        for part in [base_url.as_str(), client_id, organisation_id] {
            associated_data.extend_from_slice(&(part.len() as u64).to_be_bytes());
            associated_data.extend_from_slice(part.as_bytes());
        }
        Arc::make_mut(&mut self.inner).associated_data = associated_data;
        self
    }

    /// Also opens values sealed with `previous_secret` (the key being retired); sealing keeps
    /// using the new key. Call it once per retired key.
    ///
    /// # Errors
    ///
    /// [`Error::ShortSecret`] for fewer than [`MIN_SECRET_BYTES`](crate::MIN_SECRET_BYTES) bytes.
    pub fn with_previous(mut self, previous_secret: &[u8]) -> Result<Self, Error> {
        let previous = key_or_short(previous_secret)?;
        Arc::make_mut(&mut self.inner).previous.push(previous);
        Ok(self)
    }

    /// Uses another cookie name than [`COOKIE_NAME`], which must start with `__Host-` as it
    /// does (`__Host-news-sso2`).
    ///
    /// The prefix is what keeps a sibling subdomain (a blog or a campaign site on
    /// `*.news.example.com`) from planting a cookie of the same name for the whole domain.
    /// Without it, such a cookie would sit beside the reader's own, every request would carry
    /// the name twice, no session would open, and every page would send the reader to SSO2
    /// and back again, without end.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidInput`] for a name without the `__Host-` prefix, one that starts with
    /// [`STATE_COOKIE_PREFIX`](crate::STATE_COOKIE_PREFIX), or one that is not an HTTP token.
    pub fn with_cookie_name(mut self, name: &str) -> Result<Self, Error> {
        let separator = |b: u8| b"()<>@,;:\\\"/[]?={}".contains(&b);
        let refused = |reason| {
            let what = "cookie name";
            Err(Error::InvalidInput { what, reason })
        };
        if !name.starts_with("__Host-") {
            return refused("it does not start with `__Host-`");
        }
        // Login state cookies are cleared by name when a browser holds too many.
        if name.starts_with(crate::STATE_COOKIE_PREFIX) {
            return refused("it is a login state cookie's name");
        }
        if !name.bytes().all(|b| b.is_ascii_graphic() && !separator(b)) {
            return refused("it is not an HTTP token");
        }
        name.clone_into(&mut Arc::make_mut(&mut self.inner).cookie_name);
        Ok(self)
    }

    /// The session cookie's name.
    pub fn cookie_name(&self) -> &str {
        &self.inner.cookie_name
    }

    /// The key that binds a new checkout to its session.
    pub(crate) fn state_key(&self) -> &Hs256Key {
        &self.inner.current.state
    }

    /// The keys a checkout's binding is checked with: the current one first, then the
    /// previous ones (a checkout started before a rotation still returns).
    pub(crate) fn state_keys(&self) -> impl Iterator<Item = &Hs256Key> {
        std::iter::once(&self.inner.current)
            .chain(&self.inner.previous)
            .map(|key| &key.state)
    }

    /// The cookie's value: a random nonce and the encrypted, authenticated cookie, in
    /// unpadded base64url; at most about 3.4 KiB (for the largest cookie), usually under
    /// 200 bytes. Sealing the same cookie twice gives two different values.
    ///
    /// # Errors
    ///
    /// [`Error::SessionCookie`] with [`SessionCookieError::RandomUnavailable`] when the
    /// system's random number generator fails (no cookie is sealed without a fresh nonce).
    pub fn seal(&self, cookie: &SessionCookie) -> Result<String, Error> {
        let mut nonce = [0_u8; NONCE_BYTES];
        getrandom::fill(&mut nonce)
            .map_err(|_| Error::SessionCookie(SessionCookieError::RandomUnavailable))?;
        let payload = Payload {
            msg: &cookie.encode(),
            aad: &self.inner.associated_data,
        };
        let sealed = self
            .inner
            .current
            .aead
            .encrypt(&XNonce::from(nonce), payload)
            .map_err(|_| Error::SessionCookie(SessionCookieError::Malformed))?;
        Ok(jws::encode([&nonce[..], &sealed].concat()))
    }

    /// Opens a value [`seal`](Self::seal) produced, with this key or a previous one.
    ///
    /// # Errors
    ///
    /// [`Error::TokenTooLarge`] over [`MAX_TOKEN_BYTES`](crate::MAX_TOKEN_BYTES);
    /// [`Error::SessionCookie`] with [`SessionCookieError::Malformed`] (not a sealed value,
    /// truncated, or the signed-only form of earlier versions),
    /// [`BadTag`](SessionCookieError::BadTag) (edited, sealed with another key, or for
    /// another SSO2 client: [`bound_to`](Self::bound_to)) or
    /// [`Expired`](SessionCookieError::Expired). Treat the reader as having no cookie.
    pub fn open(&self, value: &str) -> Result<SessionCookie, Error> {
        if value.len() > MAX_TOKEN_BYTES {
            return Err(Error::TokenTooLarge {
                len: value.len(),
                limit: MAX_TOKEN_BYTES,
            });
        }
        let refused = |why| Error::SessionCookie(why);
        let bytes = jws::decode(value)
            .filter(|bytes| bytes.len() > NONCE_BYTES + AEAD_TAG_BYTES)
            .ok_or(refused(SessionCookieError::Malformed))?;
        let (nonce, sealed) = bytes.split_at(NONCE_BYTES);
        let nonce = XNonce::try_from(nonce).map_err(|_| refused(SessionCookieError::Malformed))?;
        let payload = || Payload {
            msg: sealed,
            aad: &self.inner.associated_data,
        };
        let plain = std::iter::once(&self.inner.current)
            .chain(&self.inner.previous)
            .find_map(|key| key.aead.decrypt(&nonce, payload()).ok())
            .ok_or(refused(SessionCookieError::BadTag))?;
        let cookie = SessionCookie::decode(&plain).ok_or(refused(SessionCookieError::Malformed))?;
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
        let value = find_in_headers(&self.inner.cookie_name, headers).map_err(|why| match why {
            CookieError::HeaderTooLarge { len, limit } => {
                Error::CookieHeaderTooLarge { len, limit }
            }
            CookieError::Duplicate => Error::SessionCookie(SessionCookieError::Duplicate),
        })?;
        let Some(value) = value else {
            return Ok(None);
        };
        let value = std::str::from_utf8(value)
            .map_err(|_| Error::SessionCookie(SessionCookieError::Malformed))?;
        self.open(value).map(Some)
    }

    /// A `Set-Cookie` header value that stores `cookie`:
    /// `{name}={sealed}; Path=/; Max-Age={seconds left}; HttpOnly; Secure; SameSite=Lax`.
    ///
    /// `HttpOnly` keeps it from page scripts, `Secure` off plain HTTP (browsers treat
    /// `localhost` and `127.0.0.1` as secure), `SameSite=Lax` lets it travel on the
    /// top-level navigation back from SSO2 but not on cross-site requests.
    ///
    /// # Errors
    ///
    /// As [`seal`](Self::seal).
    pub fn set_cookie(&self, cookie: &SessionCookie) -> Result<String, Error> {
        Ok(format!(
            "{}={}; Path=/; Max-Age={}; HttpOnly; Secure; SameSite=Lax",
            self.inner.cookie_name,
            self.seal(cookie)?,
            cookie.remaining_secs()
        ))
    }

    /// A `Set-Cookie` header value that removes the session cookie (after a logout, or when
    /// SSO2 says the session is gone).
    pub fn clear_cookie(&self) -> String {
        format!(
            "{}=; Path=/; Max-Age=0; HttpOnly; Secure; SameSite=Lax",
            self.inner.cookie_name
        )
    }
}

impl fmt::Debug for SessionCookieKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SessionCookieKey")
            .field("key", &"[redacted]")
            .field("previous_keys", &self.inner.previous.len())
            .field("cookie_name", &self.inner.cookie_name)
            .field("bound", &(self.inner.associated_data != ASSOCIATED_DATA))
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sso2::session::{Sso2Session, Sso2Status};
    use SessionCookieError::{BadTag, Duplicate, Malformed};

    const SECRET: &[u8] = b"site-cookie-secret-0123456789abcdef";

    /// The session cookie error `result` failed with, if it did.
    fn refusal<T>(result: Result<T, Error>) -> Option<SessionCookieError> {
        match result {
            Err(Error::SessionCookie(why)) => Some(why),
            _ => None,
        }
    }

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

    fn key() -> SessionCookieKey {
        SessionCookieKey::new(SECRET).unwrap()
    }

    #[test]
    fn sealing_is_randomised_and_opens() {
        let key = key();
        let cookie = cookie();
        let sealed = key.seal(&cookie).unwrap();
        assert_ne!(sealed, key.seal(&cookie).unwrap());
        assert_eq!(key.open(&sealed).unwrap(), cookie);
        assert_eq!(key.open(&key.seal(&cookie).unwrap()).unwrap(), cookie);
        assert!(sealed.len() < 180, "{sealed}");
        assert!(
            sealed
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-_".contains(&b))
        );
        // The plaintext is nowhere in the value or in its decoding.
        let bytes = jws::decode(&sealed).unwrap();
        for clear in [&b"sid-1"[..], b"acc-1", b"premium"] {
            assert!(!bytes.windows(clear.len()).any(|w| w == clear));
        }
    }

    #[test]
    fn edits_truncations_and_other_keys_are_refused() {
        let key = key();
        // One cookie throughout: a second `cookie()` made after a clock second has turned
        // would carry another time and not compare equal.
        let cookie = cookie();
        let sealed = key.seal(&cookie).unwrap();
        let bytes = jws::decode(&sealed).unwrap();
        for at in [0, NONCE_BYTES, bytes.len() - 1] {
            let mut edited = bytes.clone();
            edited[at] ^= 1;
            assert_eq!(refusal(key.open(&jws::encode(&edited))), Some(BadTag));
        }
        for cut in [1, NONCE_BYTES + AEAD_TAG_BYTES, bytes.len() - 1] {
            assert!(key.open(&jws::encode(&bytes[..cut])).is_err(), "{cut}");
        }
        let other = SessionCookieKey::new(b"another-site-secret-0123456789abcdef").unwrap();
        assert_eq!(refusal(other.open(&sealed)), Some(BadTag));
        // Rotation: the new key opens the old key's values, and seals with itself.
        let rotated = other.with_previous(SECRET).unwrap();
        assert_eq!(rotated.open(&sealed).unwrap(), cookie);
        assert!(key.open(&rotated.seal(&cookie).unwrap()).is_err());
    }

    #[test]
    fn the_signed_only_form_of_earlier_versions_is_refused() {
        // As versions before sealing wrote it: base64url of the binary form, a dot, and an
        // HMAC-SHA256 tag under the secret over a context and that text.
        let payload = jws::encode(cookie().encode());
        let tag = Hs256Key::new(SECRET).sign(&[
            b"payway-client sso2 session cookie v1\0",
            payload.as_bytes(),
        ]);
        let signed = format!("{payload}.{}", jws::encode(tag));
        let key = key();
        assert_eq!(refusal(key.open(&signed)), Some(Malformed));
        // Without the dot it is not a sealed value either.
        assert!(key.open(&payload).is_err());
    }

    #[test]
    fn the_cookie_headers_are_scanned_exactly_as_bytes() {
        let key = key();
        let cookie = cookie();
        let sealed = key.seal(&cookie).unwrap();
        let header = format!("a=1; __Host-payway-sso2={sealed}; b=2");
        assert_eq!(
            key.open_cookie_header(&header).unwrap(),
            Some(cookie.clone())
        );
        assert_eq!(key.open_cookie_header("a=1; payway-sso2=x").unwrap(), None);
        assert_eq!(key.open_cookie_header("__Host-payway-sso2").unwrap(), None);
        let twice = format!("__Host-payway-sso2={sealed}; __Host-payway-sso2={sealed}");
        assert_eq!(refusal(key.open_cookie_header(&twice)), Some(Duplicate));
        let huge = format!("x={}", "a".repeat(MAX_COOKIE_HEADER_BYTES));
        assert!(matches!(
            key.open_cookie_header(&huge),
            Err(Error::CookieHeaderTooLarge { .. })
        ));
        // Other cookies may hold any bytes. HTTP/1.1: every cookie in one header, one of them
        // Latin-1.
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
        assert_eq!(refusal(key.open_cookie_headers(twice)), Some(Duplicate));
        // Only the session cookie's own value must be text.
        assert_eq!(
            refusal(key.open_cookie_header(b"__Host-payway-sso2=\xe5")),
            Some(Malformed)
        );
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
        let key = key();
        let set = key.set_cookie(&cookie()).unwrap();
        assert!(set.starts_with("__Host-payway-sso2="));
        assert!(set.ends_with("; HttpOnly; Secure; SameSite=Lax"), "{set}");
        assert!(set.contains("; Path=/; Max-Age=86"), "{set}");
        assert_eq!(
            key.clear_cookie(),
            "__Host-payway-sso2=; Path=/; Max-Age=0; HttpOnly; Secure; SameSite=Lax"
        );
        let renamed = key.clone().with_cookie_name("__Host-sso").unwrap();
        assert!(
            renamed
                .set_cookie(&cookie())
                .unwrap()
                .starts_with("__Host-sso=")
        );
        for bad in [
            "",
            "sso",
            "__host-sso",
            "__Secure-sso",
            "__Host-a b",
            "__Host-a;b",
            "__Host-a=b",
            "__Host-é",
            "__Host-pw-state-AAAAAAAAAAAAAAAA",
        ] {
            assert!(key.clone().with_cookie_name(bad).is_err(), "{bad}");
        }
    }

    fn sso2(base_url: &str, client_id: &str) -> Sso2Client {
        Sso2Client::builder()
            .base_url(url::Url::parse(base_url).unwrap())
            .client_id(client_id)
            .client_secret("sso2-client-secret-0123456789abcdef")
            .organisation_id("org")
            .build()
            .unwrap()
    }

    #[test]
    fn a_bound_key_opens_only_what_it_sealed_for_its_client() {
        let stage = sso2("https://sso-stage.example.com/", "site");
        let bound = key().bound_to(&stage);
        let cookie = cookie();
        let sealed = bound.seal(&cookie).unwrap();
        assert_eq!(bound.open(&sealed).unwrap(), cookie);
        // Binding again to the same client changes nothing.
        assert_eq!(
            bound.clone().bound_to(&stage).open(&sealed).unwrap(),
            cookie
        );
        let others = [
            key(),
            key().bound_to(&sso2("https://sso.example.com/", "site")),
            key().bound_to(&sso2("https://sso-stage.example.com/", "other-site")),
        ];
        for other in &others {
            assert_eq!(refusal(other.open(&sealed)), Some(BadTag));
            assert_eq!(
                refusal(bound.open(&other.seal(&cookie).unwrap())),
                Some(BadTag)
            );
        }
        // Rotation keeps the binding for the previous key too.
        let rotated = SessionCookieKey::new(b"next-site-cookie-secret-0123456789abcdef")
            .unwrap()
            .with_previous(SECRET)
            .unwrap()
            .bound_to(&stage);
        assert_eq!(rotated.open(&sealed).unwrap(), cookie);
        let next = super::key(b"next-site-cookie-secret-0123456789abcdef").unwrap();
        let from_keys = SessionCookieKey::from_keys(next, super::key(SECRET));
        assert_eq!(from_keys.bound_to(&stage).open(&sealed).unwrap(), cookie);
        assert!(super::key(b"short").is_none());
        assert!(format!("{bound:?}").contains("bound: true"));
        assert!(format!("{:?}", key()).contains("bound: false"));
    }

    #[test]
    fn debug_never_shows_a_key() {
        let key = key()
            .with_previous(b"old-site-cookie-secret-0123456789abcdef")
            .unwrap();
        let shown = format!("{key:?}");
        assert!(!shown.contains("secret"), "{shown}");
        assert!(shown.contains("previous_keys: 1"));
    }
}
