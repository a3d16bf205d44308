//! What the targets share: checks written without the crate under test (a plain recursive
//! reader that refuses repeated member names, the HMAC recomputed with `hmac`, the segments
//! decoded with `base64`'s own engine), so that an invariant never trusts the code it checks.

use std::collections::HashSet;
use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, KeyInit, Mac};
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Value, json};
use sha2::Sha256;

pub use libfuzzer_sys::arbitrary;

/// The key every JWS target signs and verifies with.
pub const SECRET: &[u8] = b"fuzz-secret-fuzz-secret-fuzz-secret!";

/// serde_json's verdict on `bytes`, strictly: `Ok(value)` for one value whose objects never
/// repeat a name; `Err(Verdict::Refused)` for text that is not JSON or repeats a name;
/// `Err(Verdict::CannotJudge)` when serde_json stops at its own limits (nesting past 128
/// levels) before it can tell.
pub fn reference(bytes: &[u8]) -> Result<Value, Verdict> {
    match serde_json::from_slice::<NoRepeats>(bytes) {
        Ok(NoRepeats(value)) => Ok(value),
        Err(error) if error.to_string().contains("recursion limit") => Err(Verdict::CannotJudge),
        Err(_) => Err(Verdict::Refused),
    }
}

/// Why [`reference`] gave no value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Refused,
    CannotJudge,
}

/// A JSON value whose objects never repeat a member name.
struct NoRepeats(Value);

impl<'de> de::Deserialize<'de> for NoRepeats {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer
            .deserialize_any(NoRepeatsVisitor)
            .map(NoRepeats)
    }
}

struct NoRepeatsVisitor;

impl<'de> Visitor<'de> for NoRepeatsVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("JSON")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(json!(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(json!(v))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(json!(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(NoRepeats(item)) = seq.next_element()? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut seen = HashSet::new();
        let mut members = serde_json::Map::new();
        while let Some(name) = map.next_key::<String>()? {
            if !seen.insert(name.clone()) {
                return Err(de::Error::custom("repeated member name"));
            }
            let NoRepeats(value) = map.next_value()?;
            members.insert(name, value);
        }
        Ok(Value::Object(members))
    }
}

/// Whether `token` carries a valid HS256 signature under [`SECRET`], recomputed here, and
/// if so its claims segment decoded.
pub fn signed_claims(token: &str) -> Option<Vec<u8>> {
    let mut parts = token.split('.');
    let (Some(header), Some(payload), Some(signature), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return None;
    };
    let tag = URL_SAFE_NO_PAD.decode(signature).ok()?;
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(SECRET).ok()?;
    mac.update(header.as_bytes());
    mac.update(b".");
    mac.update(payload.as_bytes());
    mac.verify_slice(&tag).ok()?;
    URL_SAFE_NO_PAD.decode(payload).ok()
}

/// The header segment decoded and read by [`reference`], when it is a JSON object.
pub fn header_object(token: &str) -> Option<serde_json::Map<String, Value>> {
    let header = token.split('.').next()?;
    let bytes = URL_SAFE_NO_PAD.decode(header).ok()?;
    match reference(&bytes) {
        Ok(Value::Object(members)) => Some(members),
        _ => None,
    }
}
