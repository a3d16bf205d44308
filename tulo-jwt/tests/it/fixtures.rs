//! The fixture generator: claims in the shapes Payway documents, signed independently of
//! the crate under test.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};
use tulo_jwt::TuloVerifier;

/// The client id of the vendor's documented example.
pub(crate) const CLIENT_ID: &str = "52753620400e063f79000001";
/// The client secret of the vendor's documented example (64 characters, used as text).
pub(crate) const SECRET: &str = "94b3edb3f5931123489729613b6f5f07e0ff2c109c62627fe594de289b3a6d73";
/// Another API user's secret.
pub(crate) const OTHER_SECRET: &str =
    "0000000000000000000000000000000000000000000000000000000000000000";
pub(crate) const REDIRECT_URI: &str = "https://news.example.com/forward";
/// The account id of the vendor's documented session example.
pub(crate) const ACCOUNT_ID: &str = "554e2b9201c6a33e4c000036";
pub(crate) const SID: &str = "9CfygGMZLpL7ygXArR0ucJ-oelEQlJXq_r6_JEgtTOCPwDSZQEmiNm3fST_6Vxs6jYd5YzmvQ6HiXDfdwBjNboxplMtHNGC9yNsWTYbJyKY=,f5JkF_mYkAdZrmJom4jVGA==";

/// A fixed "now" for the time checks: 2024-01-01T00:00:00Z.
pub(crate) const NOW: u64 = 1_704_067_200;

pub(crate) fn at(seconds: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(seconds)
}

pub(crate) fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

pub(crate) fn verifier() -> TuloVerifier {
    TuloVerifier::builder()
        .client_id(CLIENT_ID)
        .client_secret(SECRET)
        .redirect_uri(REDIRECT_URI)
        .build()
        .unwrap()
}

/// An active session issued at `iat`, in the documented shape: `nbf = iat - 300`,
/// `exp = iat + 300`, `prn` = `session.id` = the account id, every documented session field.
pub(crate) fn active_claims(iat: u64) -> Value {
    json!({
        "iat": iat,
        "nbf": iat - 300,
        "exp": iat + 300,
        "iss": "Tulo",
        "aud": REDIRECT_URI,
        "prn": ACCOUNT_ID,
        "session": {
            "active": true,
            "verified": true,
            "sid": SID,
            "id": ACCOUNT_ID,
            "contact_email": "mange.rosenquist+5@gmail.com",
            "display_name": "Magnus Rosenquist",
            "has_offers": false,
            "organisation": "adeprimo",
            "products": ["adeprimo_digital"],
            "first_name": "Magnus",
            "last_name": "Rosenquist",
            "mobile_number": "0767715817",
            "customer_number": "10042",
            "alias": "mange"
        }
    })
}

/// What Payway signs when there is no session.
pub(crate) fn inactive_claims(iat: u64) -> Value {
    json!({ "iat": iat, "session": { "active": false } })
}

/// Signs with jsonwebtoken, HS256 and the test secret.
pub(crate) fn sign(claims: &Value) -> String {
    sign_with(claims, Algorithm::HS256, SECRET)
}

pub(crate) fn sign_with(claims: &Value, alg: Algorithm, secret: &str) -> String {
    let _ = jsonwebtoken::crypto::aws_lc::DEFAULT_PROVIDER.install_default();
    let mut header = Header::new(alg);
    header.typ = Some("JWT".to_owned());
    jsonwebtoken::encode(
        &header,
        claims,
        &EncodingKey::from_secret(secret.as_bytes()),
    )
    .unwrap()
}

/// A token with any header JSON, HMAC-SHA256-signed with `secret` over the exact segments.
pub(crate) fn sign_raw(header_json: &str, payload_json: &str, secret: &str) -> String {
    let message = format!(
        "{}.{}",
        b64(header_json.as_bytes()),
        b64(payload_json.as_bytes())
    );
    sign_text(&message, secret)
}

/// `message` (the text of `header.payload`, however spelled) with its HS256 signature.
pub(crate) fn sign_text(message: &str, secret: &str) -> String {
    let _ = jsonwebtoken::crypto::aws_lc::DEFAULT_PROVIDER.install_default();
    let signature = jsonwebtoken::crypto::sign(
        message.as_bytes(),
        &EncodingKey::from_secret(secret.as_bytes()),
        Algorithm::HS256,
    )
    .unwrap();
    format!("{message}.{signature}")
}

/// The same base64url text with the last character's unused low bits set: the same bytes,
/// spelled a second, non-canonical way. `None` when the last character has no unused bits.
pub(crate) fn respell(segment: &str) -> Option<String> {
    const ALPHABET: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let unused_bits = match segment.len() % 4 {
        2 => 0b1111,
        3 => 0b11,
        _ => return None,
    };
    let (head, last) = segment.split_at(segment.len() - 1);
    let index = ALPHABET.find(last).unwrap();
    let sibling = ALPHABET.chars().nth(index | unused_bits).unwrap();
    Some(format!("{head}{sibling}"))
}

/// Unpadded base64url, written out here so the tests do not rely on the crate's own.
pub(crate) fn b64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        let chars = chunk.len() + 1;
        for i in 0..chars {
            out.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 0x3F) as usize]));
        }
    }
    out
}

/// The cookie value the JS-API writes: the claims (unsigned) plus `signature`, raw JSON.
pub(crate) fn raw_cookie(unsigned: &Value, token: &str) -> String {
    let mut object = unsigned.as_object().unwrap().clone();
    object.insert("signature".to_owned(), Value::String(token.to_owned()));
    Value::Object(object).to_string()
}

/// The same cookie value, URL-encoded as `encodeURIComponent` would.
pub(crate) fn encoded_cookie(unsigned: &Value, token: &str) -> String {
    percent_encode(&raw_cookie(unsigned, token))
}

pub(crate) fn percent_encode(text: &str) -> String {
    let mut out = String::new();
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-_.!~*'()".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// A `Cookie` header of exactly `len` bytes as news sites' readers send it: analytics,
/// consent and advertising cookies around `T_ID=<t_id>`. Written here, not with the crate's
/// `FakeTulo`, so these tests need no feature.
pub(crate) fn news_site_header(t_id: &str, len: usize) -> String {
    let mut header = [
        "_ga=GA1.1.1234567890.1700000000",
        "_fbp=fb.1.1700000000000.1234567890",
        "OptanonConsent=isGpcEnabled=0&datestamp=Mon+Nov+20+2023&version=202310.1.0&groups=C0001%3A1%2CC0002%3A1",
    ]
    .join("; ");
    header.push_str("; T_ID=");
    header.push_str(t_id);
    header.push_str("; euconsent-v2=CPzAbcdEFGHIJKLMNOPQRSTUVWXYZ.YAAAAAAAAAAA; theme=dark");
    let mut n = 0;
    while header.len() + 20 < len {
        let room = len - header.len() - 14;
        header.push_str(&format!("; _ad_sync_{}=", n % 10));
        header.push_str(&"0123456789abcdef".repeat(12)[..room.min(180)]);
        n += 1;
    }
    while header.len() < len {
        header.push('f');
    }
    header
}
