//! JSON that refuses what serde would quietly accept: a member name given twice, at any depth.
//! `serde_json::Value` keeps the last copy, so two readers of one document could disagree on
//! a claim or on `granted`; here the document is refused instead.

use std::borrow::Cow;
use std::collections::HashSet;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

/// The message of the error raised for a repeated member (no name: it may be personal data).
pub(crate) const REPEATED_MEMBER: &str = "a member name is repeated";

/// One JSON value as a claim reader needs it: scalars as they are, arrays and objects only
/// as "something else" (read in full, and refused if they repeat a member).
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Scalar<'de> {
    Null,
    Bool(bool),
    Unsigned(u64),
    Negative(i64),
    Float(f64),
    Text(Cow<'de, str>),
    Array,
    Object,
}

/// Reads any value as a [`Scalar`].
#[derive(Debug, Clone, Copy)]
pub(crate) struct AnyScalar;

impl<'de> DeserializeSeed<'de> for AnyScalar {
    type Value = Scalar<'de>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(ScalarVisitor)
    }
}

struct ScalarVisitor;

impl<'de> Visitor<'de> for ScalarVisitor {
    type Value = Scalar<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Scalar::Null)
    }
    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Scalar::Null)
    }
    fn visit_bool<E: de::Error>(self, value: bool) -> Result<Self::Value, E> {
        Ok(Scalar::Bool(value))
    }
    fn visit_u64<E: de::Error>(self, value: u64) -> Result<Self::Value, E> {
        Ok(Scalar::Unsigned(value))
    }
    fn visit_i64<E: de::Error>(self, value: i64) -> Result<Self::Value, E> {
        Ok(u64::try_from(value).map_or(Scalar::Negative(value), Scalar::Unsigned))
    }
    fn visit_f64<E: de::Error>(self, value: f64) -> Result<Self::Value, E> {
        Ok(Scalar::Float(value))
    }
    fn visit_borrowed_str<E: de::Error>(self, value: &'de str) -> Result<Self::Value, E> {
        Ok(Scalar::Text(Cow::Borrowed(value)))
    }
    fn visit_str<E: de::Error>(self, value: &str) -> Result<Self::Value, E> {
        Ok(Scalar::Text(Cow::Owned(value.to_owned())))
    }
    fn visit_string<E: de::Error>(self, value: String) -> Result<Self::Value, E> {
        Ok(Scalar::Text(Cow::Owned(value)))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        StrictVisitor.visit_seq(seq).map(|_| Scalar::Array)
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        StrictVisitor.visit_map(map).map(|_| Scalar::Object)
    }
}

/// Reads any value into a [`Value`], refusing a repeated member name at any depth.
#[derive(Debug, Clone, Copy)]
pub(crate) struct StrictValue;

impl<'de> DeserializeSeed<'de> for StrictValue {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(StrictVisitor)
    }
}

struct StrictVisitor;

impl<'de> Visitor<'de> for StrictVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_bool<E: de::Error>(self, value: bool) -> Result<Value, E> {
        Ok(Value::Bool(value))
    }
    fn visit_u64<E: de::Error>(self, value: u64) -> Result<Value, E> {
        Ok(Value::from(value))
    }
    fn visit_i64<E: de::Error>(self, value: i64) -> Result<Value, E> {
        Ok(Value::from(value))
    }
    fn visit_f64<E: de::Error>(self, value: f64) -> Result<Value, E> {
        // JSON text cannot hold a NaN or an infinity, so this is always a number.
        Ok(serde_json::Number::from_f64(value).map_or(Value::Null, Value::Number))
    }
    fn visit_str<E: de::Error>(self, value: &str) -> Result<Value, E> {
        Ok(Value::String(value.to_owned()))
    }
    fn visit_string<E: de::Error>(self, value: String) -> Result<Value, E> {
        Ok(Value::String(value))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(StrictValue)? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut members = Map::new();
        while let Some(name) = map.next_key::<String>()? {
            let value = map.next_value_seed(StrictValue)?;
            if members.insert(name, value).is_some() {
                return Err(de::Error::custom(REPEATED_MEMBER));
            }
        }
        Ok(Value::Object(members))
    }
}

/// A member name as read, borrowed from the input when it holds no escapes.
pub(crate) struct Name<'de>(pub(crate) Cow<'de, str>);

impl<'de> de::Deserialize<'de> for Name<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct NameVisitor;
        impl<'de> Visitor<'de> for NameVisitor {
            type Value = Name<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a member name")
            }
            fn visit_borrowed_str<E: de::Error>(self, value: &'de str) -> Result<Name<'de>, E> {
                Ok(Name(Cow::Borrowed(value)))
            }
            fn visit_str<E: de::Error>(self, value: &str) -> Result<Name<'de>, E> {
                Ok(Name(Cow::Owned(value.to_owned())))
            }
            fn visit_string<E: de::Error>(self, value: String) -> Result<Name<'de>, E> {
                Ok(Name(Cow::Owned(value)))
            }
        }
        deserializer.deserialize_str(NameVisitor)
    }
}

/// The member names of one object seen so far: a short list, a hash set once it grows, so
/// that a document of thousands of members costs no quadratic time.
#[derive(Default)]
pub(crate) struct SeenNames<'de> {
    few: Vec<Cow<'de, str>>,
    many: Option<HashSet<Cow<'de, str>>>,
}

impl<'de> SeenNames<'de> {
    const FEW: usize = 16;

    /// Records `name`; an error if it was seen before.
    pub(crate) fn insert<E: de::Error>(&mut self, name: Cow<'de, str>) -> Result<(), E> {
        let repeated = match &mut self.many {
            None if self.few.len() < Self::FEW => {
                let repeated = self.few.contains(&name);
                self.few.push(name);
                repeated
            }
            None => {
                let mut many: HashSet<Cow<'de, str>> = self.few.drain(..).collect();
                let repeated = !many.insert(name);
                self.many = Some(many);
                repeated
            }
            Some(many) => !many.insert(name),
        };
        if repeated {
            Err(E::custom(REPEATED_MEMBER))
        } else {
            Ok(())
        }
    }
}

/// Stores a known member's value in its slot; an error if the slot is already filled.
pub(crate) fn fill<'de, E: de::Error>(
    slot: &mut Option<Scalar<'de>>,
    value: Scalar<'de>,
) -> Result<(), E> {
    if slot.replace(value).is_some() {
        return Err(E::custom(REPEATED_MEMBER));
    }
    Ok(())
}

/// Reads one JSON object from `text` with `visitor`, refusing anything after it.
pub(crate) fn read_object<'de, V: Visitor<'de>>(
    text: &'de str,
    visitor: V,
) -> Result<V::Value, serde_json::Error> {
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let value = deserializer.deserialize_map(visitor)?;
    deserializer.end()?;
    Ok(value)
}

/// Reads one JSON value from `bytes` into a [`Value`], refusing repeated members at any
/// depth and anything after the value.
pub(crate) fn strict_value(bytes: &[u8]) -> Result<Value, serde_json::Error> {
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let value = StrictValue.deserialize(&mut deserializer)?;
    deserializer.end()?;
    Ok(value)
}

/// Whether a `serde_json` error is the refusal of a repeated member.
pub(crate) fn is_repeated_member(error: &serde_json::Error) -> bool {
    error.is_data() && error.to_string().starts_with(REPEATED_MEMBER)
}

/// Whether a `serde_json` error came from bad syntax (as opposed to a well-formed document
/// that was refused: a repeated member, a wrong type).
pub(crate) fn is_syntax(error: &serde_json::Error) -> bool {
    !error.is_data()
}

#[cfg(test)]
mod tests {
    use serde::de::DeserializeSeed;

    use super::{AnyScalar, Scalar, StrictValue};

    fn strict(text: &str) -> Result<serde_json::Value, serde_json::Error> {
        StrictValue.deserialize(&mut serde_json::Deserializer::from_str(text))
    }

    #[test]
    fn repeated_members_are_refused_at_any_depth() {
        for text in [
            r#"{"a":1,"a":1}"#,
            r#"{"a":{"b":1,"b":2}}"#,
            r#"[{"x":[{"y":1,"y":1}]}]"#,
            r#"{"a\u0062":1,"ab":2}"#,
        ] {
            assert!(strict(text).unwrap_err().is_data(), "{text}");
        }
        let wide = format!(
            "{{{}\"k7\":0}}",
            (0..100)
                .map(|i| format!("\"k{i}\":{i},"))
                .collect::<String>()
        );
        assert!(strict(&wide).is_err());
        let fine = strict(r#"{"a":{"b":1},"b":{"a":1},"c":[{"a":1},{"a":2}]}"#).unwrap();
        assert_eq!(fine["c"][1]["a"], 2);
    }

    #[test]
    fn scalars_are_classified_and_compounds_checked() {
        let read = |text: &str| {
            AnyScalar
                .deserialize(&mut serde_json::Deserializer::from_str(text))
                .map(|s| format!("{s:?}"))
        };
        assert_eq!(read("null").unwrap(), "Null");
        assert_eq!(read("0").unwrap(), format!("{:?}", Scalar::Unsigned(0)));
        assert_eq!(read("-0").unwrap(), "Float(-0.0)");
        assert_eq!(read("-3").unwrap(), "Negative(-3)");
        assert_eq!(read("2.5").unwrap(), "Float(2.5)");
        assert_eq!(read(r#""x""#).unwrap(), "Text(\"x\")");
        assert_eq!(read("[1]").unwrap(), "Array");
        assert!(read(r#"{"a":[{"b":1,"b":1}]}"#).unwrap_err().is_data());
    }
}
