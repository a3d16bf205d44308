//! Shared by the targets: whether a JSON text names a member twice in one object, told apart
//! by counting members as written against the members `serde_json` keeps.

use std::fmt;

use serde::de::{Deserialize, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

/// `None` when `text` is not JSON; otherwise whether an object in it, at any depth, names a
/// member twice.
pub fn repeats_a_member(text: &[u8]) -> Option<bool> {
    let kept_value = serde_json::from_slice::<Value>(text).ok()?;
    let written = serde_json::from_slice::<Written>(text).map_or(0, |w| w.0);
    Some(written > kept(&kept_value))
}

/// Members kept by `serde_json::Value` (repeated names count once), at every depth.
fn kept(value: &Value) -> usize {
    match value {
        Value::Object(members) => members.len() + members.values().map(kept).sum::<usize>(),
        Value::Array(items) => items.iter().map(kept).sum(),
        _ => 0,
    }
}

/// Members as written in the text (repeated names count each time), at every depth.
struct Written(usize);

impl<'de> Deserialize<'de> for Written {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(CountVisitor)
    }
}

struct CountVisitor;

impl<'de> Visitor<'de> for CountVisitor {
    type Value = Written;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("JSON")
    }

    fn visit_bool<E>(self, _: bool) -> Result<Written, E> {
        Ok(Written(0))
    }
    fn visit_i64<E>(self, _: i64) -> Result<Written, E> {
        Ok(Written(0))
    }
    fn visit_u64<E>(self, _: u64) -> Result<Written, E> {
        Ok(Written(0))
    }
    fn visit_f64<E>(self, _: f64) -> Result<Written, E> {
        Ok(Written(0))
    }
    fn visit_str<E>(self, _: &str) -> Result<Written, E> {
        Ok(Written(0))
    }
    fn visit_unit<E>(self) -> Result<Written, E> {
        Ok(Written(0))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Written, A::Error> {
        let mut count = 0;
        while let Some(Written(inner)) = seq.next_element()? {
            count += inner;
        }
        Ok(Written(count))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Written, A::Error> {
        let mut count = 0;
        while map.next_key::<IgnoredAny>()?.is_some() {
            let Written(inner) = map.next_value()?;
            count += 1 + inner;
        }
        Ok(Written(count))
    }
}
