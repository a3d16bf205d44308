//! Tokens, cookies and `Cookie` headers signed like Payway's, for the tests of applications
//! that use this crate.
//!
//! Enable the `test-util` feature in `[dev-dependencies]` only:
//!
//! ```toml
//! [dev-dependencies]
//! tulo-jwt = { version = "0.1", features = ["test-util"] }
//! ```
//!
//! [`FakeTulo`] plays Payway's part offline: the JS-API needs no server of Payway's to verify
//! against, only the client secret, so the fake is a signer rather than an HTTP server.
//!
//! ```
//! use std::time::SystemTime;
//! use tulo_jwt::test_util::FakeTulo;
//!
//! let tulo = FakeTulo::new(
//!     "test-secret-test-secret-test-secret",
//!     "https://news.example.com/forward",
//! );
//! let verifier = tulo.verifier()?;
//!
//! let mut claims = tulo.active_claims("554e2b9201c6a33e4c000036", SystemTime::now());
//! claims["session"]["products"] = serde_json::json!(["digital"]);
//! let header = tulo.cookie_header(&tulo.cookie(&claims), 12 * 1024);
//!
//! let state = verifier.verify_cookie_header(&header)?;
//! assert!(state.session().is_some_and(|s| s.has_product("digital")));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::collections::VecDeque;
use std::fmt;
use std::time::{SystemTime, UNIX_EPOCH};

use paywall_internal::jws::{self, Hs256Key};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use secrecy::{ExposeSecret, SecretString};
use serde_json::{Value, json};

use crate::claims::ISSUER;
use crate::cookie::COOKIE_NAME;
use crate::error::BuildError;
use crate::verifier::TuloVerifier;

/// The client id [`FakeTulo::verifier`] configures.
const CLIENT_ID: &str = "fake-tulo-client";

/// What JavaScript's `encodeURIComponent` escapes: everything but `A-Z a-z 0-9 - _ . ! ~ * ' ( )`.
const URI_COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'!')
    .remove(b'~')
    .remove(b'*')
    .remove(b'\'')
    .remove(b'(')
    .remove(b')');

/// How a page's script writes the `T_ID` value into `document.cookie`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum CookieEncoding {
    /// `encodeURIComponent(JSON.stringify(session))`: what the JS-API and most scripts
    /// write. Only RFC 6265 cookie characters, so every browser keeps it as is.
    #[default]
    UriComponent,
    /// `JSON.stringify(session)` as is. Browsers accept it in practice, but its `"` and `,`
    /// are not cookie characters (RFC 6265 §4.1.1), and a `;` in any string would cut it.
    RawJson,
}

/// Signs `T_ID` tokens and cookies the way Payway does, with a test secret.
///
/// It signs whatever claims it is given (expired, wrongly typed, ...), so tests can build
/// every case. Never use it outside tests: whoever holds the secret can mint any session.
pub struct FakeTulo {
    secret: SecretString,
    redirect_uri: String,
}

impl fmt::Debug for FakeTulo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FakeTulo")
            .field("client_secret", &"[redacted]")
            .field("redirect_uri", &self.redirect_uri)
            .finish()
    }
}

impl FakeTulo {
    /// A signer for the API user with this client secret and redirect URI.
    pub fn new(client_secret: impl Into<SecretString>, redirect_uri: impl Into<String>) -> Self {
        Self {
            secret: client_secret.into(),
            redirect_uri: redirect_uri.into(),
        }
    }

    /// A [`TuloVerifier`] for the same API user (client id `fake-tulo-client`), with the
    /// default settings: what the application under test would build from its configuration.
    ///
    /// # Errors
    ///
    /// As [`TuloVerifierBuilder::build`](crate::TuloVerifierBuilder::build): give the fake a
    /// secret of at least 32 bytes and an absolute `http(s)://` redirect URI.
    pub fn verifier(&self) -> Result<TuloVerifier, BuildError> {
        TuloVerifier::builder()
            .client_id(CLIENT_ID)
            .client_secret(self.secret.expose_secret())
            .redirect_uri(self.redirect_uri.as_str())
            .build()
    }

    /// The claims of an active session issued at `now`, in the shape Payway documents:
    /// `nbf = iat - 300`, `exp = iat + 300`, `iss`, `aud`, `prn` and `session.id` set to
    /// `account_id`, and the other values Payway's session carries by default (`sid`,
    /// `contact_email`, `display_name`), made up. Edit the returned value to add fields
    /// (`products` comes only when `Tulo.init` asks for it) or change these.
    #[must_use]
    pub fn active_claims(&self, account_id: &str, now: SystemTime) -> Value {
        let iat = unix_seconds(now);
        json!({
            "iat": iat,
            "nbf": iat.saturating_sub(300),
            "exp": iat.saturating_add(300),
            "iss": ISSUER,
            "aud": self.redirect_uri,
            "prn": account_id,
            "session": {
                "active": true,
                "id": account_id,
                "sid": "test-session-id",
                "contact_email": "reader@example.com",
                "display_name": "Test Reader",
            },
        })
    }

    /// The claims Payway sends when there is no session: only `iat` and
    /// `session.active = false`.
    #[must_use]
    pub fn inactive_claims(&self, now: SystemTime) -> Value {
        json!({ "iat": unix_seconds(now), "session": { "active": false } })
    }

    /// Signs `claims` as an HS256 compact JWS with Payway's header.
    #[must_use]
    pub fn sign(&self, claims: &Value) -> String {
        let claims = claims.to_string();
        let key = Hs256Key::new(self.secret.expose_secret().as_bytes());
        jws::sign(&key, jws::JWT_HEADER, claims.as_bytes())
    }

    /// A `T_ID` cookie value as the JS-API writes it: the claims as unsigned JSON plus their
    /// signed token in `signature`, URL-encoded ([`CookieEncoding::UriComponent`]).
    #[must_use]
    pub fn cookie(&self, claims: &Value) -> String {
        self.cookie_with(claims, CookieEncoding::UriComponent)
    }

    /// [`cookie`](Self::cookie) for an active session of `account_id` issued now.
    #[must_use]
    pub fn active_cookie(&self, account_id: &str) -> String {
        self.cookie(&self.active_claims(account_id, SystemTime::now()))
    }

    /// A `T_ID` cookie value in the given encoding: the value a test page's script writes
    /// with `document.cookie = "T_ID=" + value + "; path=/"`.
    #[must_use]
    pub fn cookie_with(&self, claims: &Value, encoding: CookieEncoding) -> String {
        let mut object = match claims {
            Value::Object(members) => members.clone(),
            _ => serde_json::Map::new(),
        };
        object.insert("signature".to_owned(), Value::String(self.sign(claims)));
        let json = Value::Object(object).to_string();
        match encoding {
            CookieEncoding::UriComponent => utf8_percent_encode(&json, URI_COMPONENT).to_string(),
            CookieEncoding::RawJson => json,
        }
    }

    /// A whole `Cookie` header value of `len` bytes, as a news site's readers send it: the
    /// `T_ID` cookie with the value `t_id`, among analytics, consent and advertising cookies.
    ///
    /// Sites with many such cookies send 8 to 16 KiB; use it to test that a reader with a
    /// valid `T_ID` is not locked out by the others. The header is exactly `len` bytes long,
    /// unless fewer than 5 bytes are left beside the `T_ID` pair: then it is that pair alone.
    #[must_use]
    pub fn cookie_header(&self, t_id: &str, len: usize) -> String {
        let mut random = Lcg(0x7461_6c6f_2d6a_7774);
        let t_id = format!("{COOKIE_NAME}={t_id}");
        let mut cookies = VecDeque::from([
            format!("_ga=GA1.1.{}.1700000000", random.digits(10)),
            format!(
                "_ga_Q8WZ4N2C6K=GS1.1.1700000000.5.1.1700000500.0.0.{}",
                random.digits(9)
            ),
            format!("_fbp=fb.1.1700000000000.{}", random.digits(10)),
            format!(
                "OptanonConsent=isGpcEnabled=0&datestamp=Mon+Nov+20+2023+10%3A00%3A00+GMT%2B0100&\
                 version=202310.1.0&browserGpcFlag=0&isIABGlobal=false&hosts=&consentId={}&\
                 interactionCount=1&landingPath=NotLandingPage&groups=C0001%3A1%2CC0002%3A1%2C\
                 C0003%3A1%2CC0004%3A1%2CV2STACK42%3A1&AwaitingReconsent=false",
                random.hex(32)
            ),
            t_id.clone(),
            format!("euconsent-v2=CP{}.YAAAAAAAAAAA", random.base64url(420)),
            format!(
                "__gads=ID={}:T=1700000000:RT=1700000500:S=ALNI_M{}",
                random.hex(16),
                random.base64url(30)
            ),
            format!(
                "__gpi=UID=00000{}:T=1700000000:RT=1700000500:S=ALNI_M{}",
                random.hex(11),
                random.base64url(30)
            ),
            format!("_hjSessionUser_1234567=eyJpZCI6I{}", random.base64url(120)),
            format!("T_SFT={}", random.base64url(64)),
            format!("_pcid=%7B%22browserId%22%3A%22{}%22%7D", random.hex(16)),
            "theme=dark".to_owned(),
        ]);
        // Too long: the cookies after the `T_ID` pair go first, then those before it.
        while cookies.len() > 1 && cookies.iter().map(|c| c.len() + 2).sum::<usize>() - 2 > len {
            if cookies.back() == Some(&t_id) {
                cookies.pop_front();
            } else {
                cookies.pop_back();
            }
        }
        let mut ends_with_t_id = cookies.back() == Some(&t_id);
        let mut header = Vec::from(cookies).join("; ");
        // Advertising sync cookies fill the rest; the last cookie's value takes up what is left.
        for filler in 0.. {
            if len.saturating_sub(header.len()) <= 200 {
                break;
            }
            header.push_str(&format!("; _ad_sync_{filler}={}", random.hex(160)));
            ends_with_t_id = false;
        }
        let rest = len.saturating_sub(header.len());
        if !ends_with_t_id {
            header.push_str(&random.hex(rest));
        } else if rest >= 5 {
            header.push_str("; x=");
            header.push_str(&random.hex(rest - 4));
        }
        header
    }
}

fn unix_seconds(time: SystemTime) -> u64 {
    time.duration_since(UNIX_EPOCH)
        .map_or(0, |since| since.as_secs())
}

/// A fixed pseudo-random sequence, so every header is the same from run to run.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }

    fn pick(&mut self, alphabet: &[u8], len: usize) -> String {
        (0..len)
            .map(|_| {
                let index = usize::try_from(self.next()).unwrap_or_default() % alphabet.len();
                char::from(alphabet.get(index).copied().unwrap_or(b'0'))
            })
            .collect()
    }

    fn digits(&mut self, len: usize) -> String {
        self.pick(b"0123456789", len)
    }

    fn hex(&mut self, len: usize) -> String {
        self.pick(b"0123456789abcdef", len)
    }

    fn base64url(&mut self, len: usize) -> String {
        self.pick(
            b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_",
            len,
        )
    }
}
