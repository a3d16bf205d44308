//! [`StrictValue`]: a `serde_json::Value`, refusing a repeated member name at any depth.

use std::borrow::Cow;
use std::fmt;

use serde_core::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};

use super::REPEATED_MEMBER;
use super::names::Name;

/// Reads one value into a [`Value`], refusing a repeated member name at any depth
/// (`serde_json::Value` alone keeps the last one). Values nested deeper than serde_json's
/// limit (128 levels) are refused, as serde_json refuses them.
#[derive(Debug, Clone, Copy, Default)]
pub struct StrictValue;

impl<'de> DeserializeSeed<'de> for StrictValue {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for StrictValue {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E: de::Error>(self, value: bool) -> Result<Value, E> {
        Ok(Value::Bool(value))
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<Value, E> {
        Ok(Value::from(value))
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<Value, E> {
        Ok(Value::from(value))
    }

    fn visit_f64<E: de::Error>(self, value: f64) -> Result<Value, E> {
        // JSON text holds no NaN or infinity, so this is always a number.
        Ok(Number::from_f64(value).map_or(Value::Null, Value::Number))
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<Value, E> {
        Ok(Value::String(value.to_owned()))
    }

    fn visit_string<E: de::Error>(self, value: String) -> Result<Value, E> {
        Ok(Value::String(value))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(64));
        while let Some(item) = seq.next_element_seed(StrictValue)? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut members = Map::new();
        while let Some(Name(name)) = map.next_key()? {
            keep(&mut members, name, &mut map)?;
        }
        Ok(Value::Object(members))
    }
}

/// Keeps a member [`read_members`](super::read_members) hands over: its value, read as [`StrictValue`], goes into
/// `kept` under `name`; a name `kept` holds already is refused with [`REPEATED_MEMBER`].
///
/// # Errors
///
/// A repeated member name at any depth, or whatever the deserializer reports.
pub fn keep<'de, A: MapAccess<'de>>(
    kept: &mut Map<String, Value>,
    name: Cow<'de, str>,
    map: &mut A,
) -> Result<(), A::Error> {
    let value = map.next_value_seed(StrictValue)?;
    if kept.insert(name.into_owned(), value).is_some() {
        return Err(de::Error::custom(REPEATED_MEMBER));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use serde_core::de::DeserializeSeed;
    use serde_json::Value;

    use super::StrictValue;
    use crate::json::{Refusal, classify};

    fn strict(text: &str) -> Result<Value, serde_json::Error> {
        StrictValue.deserialize(&mut serde_json::Deserializer::from_str(text))
    }

    #[test]
    fn builds_what_serde_json_builds() {
        for text in [
            r#"{"a":[1,-2,3.5,"x\u00e9",null,true,{"b":{}}],"c":""}"#,
            "7",
            "-0",
            "[]",
            r#"{"a":{"b":1},"b":{"a":1}}"#,
        ] {
            assert_eq!(
                strict(text).unwrap(),
                serde_json::from_str::<Value>(text).unwrap()
            );
        }
    }

    #[test]
    fn refuses_repeats_at_every_depth() {
        for text in [
            r#"{"id":"a","id":"b"}"#,
            r#"{"x":{"id":1,"id":1}}"#,
            r#"[{"a":1},{"b":[{"c":1,"c":2}]}]"#,
            r#"{"a":1,"\u0061":2}"#,
        ] {
            assert_eq!(
                classify(&strict(text).unwrap_err()),
                Refusal::RepeatedMember,
                "{text}"
            );
        }
    }

    #[test]
    fn nesting_past_serde_jsons_limit_is_an_error_not_a_crash() {
        let deep = format!("{}{}", "[".repeat(5000), "]".repeat(5000));
        assert_eq!(classify(&strict(&deep).unwrap_err()), Refusal::Syntax);
    }
}
