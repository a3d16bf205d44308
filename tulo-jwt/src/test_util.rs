//! Tokens and cookies signed like Payway's, for the tests of applications that use this crate.
//!
//! Enable the `test-util` feature in `[dev-dependencies]` only:
//!
//! ```toml
//! [dev-dependencies]
//! tulo-jwt = { version = "0.1", features = ["test-util"] }
//! ```
//!
//! ```
//! use std::time::SystemTime;
//! use tulo_jwt::{test_util::FakeTulo, SessionState, TuloVerifier};
//!
//! let secret = "test-secret-test-secret-test-secret";
//! let redirect_uri = "https://news.example.com/forward";
//! let tulo = FakeTulo::new(secret, redirect_uri);
//! let verifier = TuloVerifier::builder()
//!     .client_id("test-client")
//!     .client_secret(secret)
//!     .redirect_uri(redirect_uri)
//!     .build()?;
//!
//! let mut claims = tulo.active_claims("554e2b9201c6a33e4c000036", SystemTime::now());
//! claims["session"]["products"] = serde_json::json!(["digital"]);
//! let cookie = tulo.cookie(&claims);
//!
//! let state = verifier.verify_cookie(&cookie)?;
//! assert!(state.session().is_some_and(|s| s.has_product("digital")));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::fmt;
use std::time::{SystemTime, UNIX_EPOCH};

use aws_lc_rs::hmac;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use secrecy::{ExposeSecret, SecretString};
use serde_json::{Value, json};

use crate::claims::ISSUER;

/// The JOSE header Payway's tokens carry.
const HEADER: &[u8] = br#"{"typ":"JWT","alg":"HS256"}"#;

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

/// Signs `T_ID` tokens and cookies the way Payway does, with a test secret.
///
/// It signs whatever claims it is given (expired, wrongly typed, ...), so tests can build
/// every case. Never use it outside tests: whoever holds the secret can mint any session.
pub struct FakeTulo {
    key: hmac::Key,
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
        let secret: SecretString = client_secret.into();
        Self {
            key: hmac::Key::new(hmac::HMAC_SHA256, secret.expose_secret().as_bytes()),
            redirect_uri: redirect_uri.into(),
        }
    }

    /// The claims of an active session issued at `now`, in the shape Payway documents:
    /// `nbf = iat - 300`, `exp = iat + 300`, `iss`, `aud`, `prn` and `session.id` set to
    /// `account_id`, and a test `sid`. Edit the returned value to add fields.
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
        let mut token = URL_SAFE_NO_PAD.encode(HEADER);
        token.push('.');
        URL_SAFE_NO_PAD.encode_string(claims.to_string(), &mut token);
        let tag = hmac::sign(&self.key, token.as_bytes());
        token.push('.');
        URL_SAFE_NO_PAD.encode_string(tag, &mut token);
        token
    }

    /// A `T_ID` cookie value as the JS-API writes it: the claims as unsigned JSON plus their
    /// signed token in `signature`, URL-encoded as JavaScript's `encodeURIComponent` does.
    #[must_use]
    pub fn cookie(&self, claims: &Value) -> String {
        let mut object = match claims {
            Value::Object(members) => members.clone(),
            _ => serde_json::Map::new(),
        };
        object.insert("signature".to_owned(), Value::String(self.sign(claims)));
        let json = Value::Object(object).to_string();
        utf8_percent_encode(&json, URI_COMPONENT).to_string()
    }
}

fn unix_seconds(time: SystemTime) -> u64 {
    time.duration_since(UNIX_EPOCH)
        .map_or(0, |since| since.as_secs())
}
