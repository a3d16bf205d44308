//! What the three targets share: the verifier under test, a signer, fuzzer-chosen claims, and
//! checks written without the crate (the signature recomputed with `hmac`, the cookie read
//! with serde_json by paywall-internal's fuzz oracle), so that an invariant never trusts the
//! code it checks.

use std::borrow::Cow;
use std::sync::OnceLock;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, KeyInit, Mac};
use libfuzzer_sys::arbitrary::{Arbitrary, Result, Unstructured};
use serde_json::{Value, json};
use sha2::Sha256;
use tulo_jwt::test_util::FakeTulo;
use tulo_jwt::{Session, SessionState, TuloVerifier};

pub use libfuzzer_sys::arbitrary;
pub use paywall_internal_fuzz::Verdict;
use paywall_internal_fuzz::reference;

/// The verifier's client secret; the seed corpus is signed with it.
pub const SECRET: &str = "fuzz-secret-fuzz-secret-fuzz-secret!";
pub const REDIRECT_URI: &str = "https://news.example.com/forward";
/// The time every check runs at: 2024-01-01T00:00:00Z, the seed tokens' `iat`.
pub const NOW: u64 = 1_704_067_200;

pub fn now() -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(NOW)
}

pub fn verifier() -> &'static TuloVerifier {
    static VERIFIER: OnceLock<TuloVerifier> = OnceLock::new();
    VERIFIER.get_or_init(|| tulo().verifier().expect("the fuzz configuration is valid"))
}

pub fn tulo() -> &'static FakeTulo {
    static TULO: OnceLock<FakeTulo> = OnceLock::new();
    TULO.get_or_init(|| FakeTulo::new(SECRET, REDIRECT_URI))
}

/// Whether `token` carries a valid HS256 signature under [`SECRET`], recomputed here.
pub fn signed_by_secret(token: &str) -> bool {
    let Some((signing_input, signature)) = token.rsplit_once('.') else {
        return false;
    };
    let Ok(tag) = URL_SAFE_NO_PAD.decode(signature) else {
        return false;
    };
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(SECRET.as_bytes()).unwrap();
    mac.update(signing_input.as_bytes());
    mac.verify_slice(&tag).is_ok()
}

/// The JSON text of a `T_ID` value (trimmed, unquoted, URL-decoded once), or `None` when it
/// is neither JSON nor URL-encoded JSON.
pub fn cookie_json(value: &str) -> Option<Cow<'_, str>> {
    let value = value.trim_matches([' ', '\t']);
    let value = value
        .strip_prefix('"')
        .and_then(|inner| inner.strip_suffix('"'))
        .unwrap_or(value);
    if value.starts_with('{') {
        return Some(Cow::Borrowed(value));
    }
    if value
        .get(..3)
        .is_some_and(|start| start.eq_ignore_ascii_case("%7B"))
    {
        let bytes: Vec<u8> = percent_encoding::percent_decode_str(value).collect();
        return String::from_utf8(bytes).ok().map(Cow::Owned);
    }
    None
}

/// The `signature` of a cookie's JSON text, as [`reference`] reads it: `Ok(signature)` for an
/// object without repeated names at any depth whose `signature` is a string; otherwise the
/// reference's verdict.
pub fn strict_signature(json: &str) -> std::result::Result<String, Verdict> {
    match reference(json.as_bytes())? {
        Value::Object(members) => match members.get("signature") {
            Some(Value::String(token)) => Ok(token.clone()),
            _ => Err(Verdict::Refused),
        },
        _ => Err(Verdict::Refused),
    }
}

/// Claims chosen by the fuzzer, in the shape Payway signs, valid at [`NOW`].
#[derive(Debug)]
pub struct Chosen {
    pub account_id: String,
    pub email: Option<String>,
    pub prn_is_email: bool,
    pub products: Vec<String>,
    pub iat: u64,
    pub extra: Option<(String, String)>,
}

/// Session members with an accessor, which an extra member must not shadow.
const KNOWN: [&str; 13] = [
    "active",
    "id",
    "sid",
    "contact_email",
    "display_name",
    "organisation",
    "first_name",
    "last_name",
    "customer_number",
    "mobile_number",
    "alias",
    "verified",
    "products",
];

impl Chosen {
    pub fn arbitrary(u: &mut Unstructured<'_>) -> Result<Self> {
        let mut account_id = String::arbitrary(u)?;
        if account_id.is_empty() {
            account_id.push('a');
        }
        // Anywhere from 250 s ago to 25 s ahead: every time check passes at `NOW`.
        let iat = NOW - 250 + u64::from(u.int_in_range(0..=275u16)?);
        let extra = Option::<(String, String)>::arbitrary(u)?
            .filter(|(name, _)| !KNOWN.contains(&name.as_str()));
        Ok(Self {
            account_id,
            email: Option::arbitrary(u)?,
            prn_is_email: bool::arbitrary(u)?,
            products: Vec::arbitrary(u)?,
            iat,
            extra,
        })
    }

    pub fn claims(&self) -> Value {
        let mut claims =
            tulo().active_claims(&self.account_id, UNIX_EPOCH + Duration::from_secs(self.iat));
        let session = &mut claims["session"];
        match &self.email {
            Some(email) => {
                session["contact_email"] = json!(email);
                if self.prn_is_email {
                    claims["prn"] = json!(email);
                }
            }
            // The fake's made-up default is taken out: this session has none.
            None => {
                if let Some(session) = session.as_object_mut() {
                    session.remove("contact_email");
                }
            }
        }
        claims["session"]["products"] = json!(self.products);
        if let Some((name, value)) = &self.extra {
            claims["session"][name] = json!(value);
        }
        claims
    }

    /// Asserts that `state` is exactly the session these claims describe.
    pub fn assert_verified_as(&self, state: &Outcome) {
        let session: &Session = match state {
            Ok(SessionState::Active(session)) => session,
            other => panic!("{self:?} signed, verified as {other:?}"),
        };
        assert_eq!(session.account_id(), self.account_id);
        assert_eq!(session.email(), self.email.as_deref());
        let principal = match (&self.email, self.prn_is_email) {
            (Some(email), true) => email,
            _ => &self.account_id,
        };
        assert_eq!(session.principal(), principal);
        assert_eq!(session.products(), self.products);
        assert_eq!(
            session.issued_at(),
            UNIX_EPOCH + Duration::from_secs(self.iat)
        );
        assert_eq!(
            session.expires_at(),
            UNIX_EPOCH + Duration::from_secs(self.iat + 300)
        );
        if let Some((name, value)) = &self.extra {
            assert_eq!(session.get(name), Some(&json!(value)));
        }
        assert_eq!(session.sid(), Some("test-session-id"));
    }
}

/// What every verification returns.
pub type Outcome = std::result::Result<SessionState, tulo_jwt::Error>;

/// Any JSON value, a few levels deep, for the cookie's unsigned members.
pub fn arbitrary_json(u: &mut Unstructured<'_>, depth: u8) -> Result<Value> {
    let choice = if depth == 0 {
        u.int_in_range(0..=3)?
    } else {
        u.int_in_range(0..=5)?
    };
    Ok(match choice {
        0 => Value::Null,
        1 => Value::Bool(bool::arbitrary(u)?),
        2 => json!(i64::arbitrary(u)?),
        3 => Value::String(String::arbitrary(u)?),
        4 => Value::Array(
            (0..u.int_in_range(0..=3)?)
                .map(|_| arbitrary_json(u, depth - 1))
                .collect::<Result<_>>()?,
        ),
        _ => {
            let mut members = serde_json::Map::new();
            for _ in 0..u.int_in_range(0..=3)? {
                members.insert(String::arbitrary(u)?, arbitrary_json(u, depth - 1)?);
            }
            Value::Object(members)
        }
    })
}
