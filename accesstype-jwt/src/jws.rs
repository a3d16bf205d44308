//! HS256 compact JWS, implemented here (RFC 7515 and RFC 7518 section 3.2): a strict split into
//! three parts, strict unpadded base64url, a header whose `alg` is exactly `HS256` and which
//! names no critical extension, and an HMAC-SHA256 compared in constant time.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{KeyInit, Mac};
use serde::de::{self, MapAccess, Visitor};
use sha2::Sha256;

use crate::error::Error;
use crate::json::{self, AnyScalar, Name, Scalar, SeenNames, read_object};

/// The header segment of every token this crate signs: `{"typ":"JWT","alg":"HS256"}`,
/// base64url-encoded, as `jsonwebtoken` writes it.
pub(crate) const HEADER_SEGMENT: &str = "eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9";

/// `{"alg":"HS256","typ":"JWT"}`, the header the JavaScript libraries write.
const JS_HEADER_SEGMENT: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9";

/// An HMAC-SHA256 signature in unpadded base64url is always 43 characters.
const SIGNATURE_CHARS: usize = 43;

/// The longest `alg` an error repeats: enough for every registered name.
const MAX_SHOWN_ALG_LEN: usize = 16;

/// The HS256 key, with the HMAC's key schedule done once: each call clones the keyed state.
#[derive(Clone)]
pub(crate) struct Hs256Key {
    keyed: hmac::Hmac<Sha256>,
}

impl Hs256Key {
    /// A key from the secret's bytes; `None` only if the HMAC refused the length, which it
    /// never does for SHA-256.
    pub(crate) fn new(secret: &[u8]) -> Option<Self> {
        hmac::Hmac::<Sha256>::new_from_slice(secret)
            .ok()
            .map(|keyed| Self { keyed })
    }

    /// Appends `.` and the base64url signature of `signing_input` (which `token` holds).
    pub(crate) fn sign_into(&self, token: &mut String) {
        let mut mac = self.keyed.clone();
        mac.update(token.as_bytes());
        let tag = mac.finalize().into_bytes();
        token.push('.');
        URL_SAFE_NO_PAD.encode_string(tag, token);
    }

    /// The HMAC-SHA256 of `message` under this key.
    pub(crate) fn tag(&self, message: &[u8]) -> [u8; 32] {
        let mut mac = self.keyed.clone();
        mac.update(message);
        mac.finalize().into_bytes().into()
    }

    /// Whether `tag` is the HMAC-SHA256 of `message` under this key, compared in constant
    /// time (`verify_slice`).
    pub(crate) fn verifies(&self, message: &[u8], tag: &[u8]) -> bool {
        let mut mac = self.keyed.clone();
        mac.update(message);
        mac.verify_slice(tag).is_ok()
    }

    /// Checks a token's structure, header and signature, then hands the decoded payload to
    /// `read`.
    ///
    /// Nothing of the payload is read before the signature checks out. A payload of the
    /// usual size is decoded on the stack.
    pub(crate) fn verify<T>(
        &self,
        token: &str,
        read: impl FnOnce(&[u8]) -> Result<T, Error>,
    ) -> Result<T, Error> {
        let (signing_input, signature) = token
            .rsplit_once('.')
            .ok_or(malformed("not three dot-separated parts"))?;
        let (header, payload) = signing_input
            .split_once('.')
            .ok_or(malformed("not three dot-separated parts"))?;
        if payload.contains('.') {
            return Err(malformed("more than three dot-separated parts"));
        }
        if header.is_empty() || payload.is_empty() {
            return Err(malformed("an empty header or payload part"));
        }
        check_header(header)?;
        if signature.len() != SIGNATURE_CHARS {
            return Err(Error::BadSignature);
        }
        let mut tag = [0_u8; 32];
        match URL_SAFE_NO_PAD.decode_slice(signature, &mut tag) {
            Ok(32) => {}
            _ => return Err(Error::BadSignature),
        }
        let mut mac = self.keyed.clone();
        mac.update(signing_input.as_bytes());
        mac.verify_slice(&tag).map_err(|_| Error::BadSignature)?;

        const NOT_BASE64: &str = "the payload is not unpadded base64url";
        let mut small = [0_u8; SMALL_PAYLOAD];
        if payload.len() / 4 * 3 + 2 <= SMALL_PAYLOAD {
            let len = URL_SAFE_NO_PAD
                .decode_slice(payload, &mut small)
                .map_err(|_| malformed(NOT_BASE64))?;
            read(small.get(..len).unwrap_or_default())
        } else {
            let bytes = URL_SAFE_NO_PAD
                .decode(payload)
                .map_err(|_| malformed(NOT_BASE64))?;
            read(&bytes)
        }
    }
}

/// Payloads whose decoded form fits in this many bytes are decoded on the stack.
const SMALL_PAYLOAD: usize = 384;

impl fmt::Debug for Hs256Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Hs256Key([redacted])")
    }
}

fn malformed(reason: &'static str) -> Error {
    Error::Malformed { reason }
}

/// Checks the header segment: strict base64url of a JSON object with no repeated member,
/// `alg` exactly `HS256`, no `crit`. The two headers libraries actually write are known by
/// heart.
fn check_header(segment: &str) -> Result<(), Error> {
    if segment == HEADER_SEGMENT || segment == JS_HEADER_SEGMENT {
        return Ok(());
    }
    let bytes = URL_SAFE_NO_PAD
        .decode(segment)
        .map_err(|_| malformed("the header is not unpadded base64url"))?;
    let text = std::str::from_utf8(&bytes).map_err(|_| malformed("the header is not UTF-8"))?;
    let header = read_object(text, HeaderVisitor)
        .map_err(|_| malformed("the header is not a JSON object without repeated members"))?;
    if header.crit {
        // RFC 7515 section 4.1.11: a verifier must refuse extensions it does not implement,
        // and this one implements none.
        return Err(malformed("the header lists critical extensions"));
    }
    match header.alg {
        Some(Scalar::Text(alg)) if alg == "HS256" => Ok(()),
        Some(Scalar::Text(alg)) => Err(Error::WrongAlgorithm {
            found: printable(&alg),
        }),
        _ => Err(Error::WrongAlgorithm { found: None }),
    }
}

/// A copy of an untrusted `alg` that is safe to show in a log line, or `None`.
fn printable(alg: &str) -> Option<String> {
    let shown =
        (1..=MAX_SHOWN_ALG_LEN).contains(&alg.len()) && alg.bytes().all(|b| b.is_ascii_graphic());
    shown.then(|| alg.to_owned())
}

/// What the header check needs.
struct Header<'de> {
    alg: Option<Scalar<'de>>,
    crit: bool,
}

struct HeaderVisitor;

impl<'de> Visitor<'de> for HeaderVisitor {
    type Value = Header<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JOSE header object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut header = Header {
            alg: None,
            crit: false,
        };
        let mut others = SeenNames::default();
        while let Some(Name(name)) = map.next_key()? {
            let value = map.next_value_seed(AnyScalar)?;
            match &*name {
                "alg" => json::fill(&mut header.alg, value)?,
                "crit" if header.crit => return Err(de::Error::custom(json::REPEATED_MEMBER)),
                "crit" => header.crit = true,
                _ => others.insert(name)?,
            }
        }
        Ok(header)
    }
}
