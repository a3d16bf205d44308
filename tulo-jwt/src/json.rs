//! JSON reading that refuses what serde would quietly accept, in one pass and without
//! building values that are thrown away.
//!
//! - A repeated member name is an error (`serde_json::Value` would keep the last one), so two
//!   readers of the same token can never disagree on a claim.
//! - A member of the wrong JSON type is recorded as [`Field::WrongType`], never skipped and
//!   never a silent default; the caller decides which error it is.
//! - Only a JSON object is read where an object is expected (a derived struct would also
//!   take an array).

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};

/// Why a JSON text was refused.
#[derive(Debug)]
pub(crate) enum JsonError {
    /// Not JSON, or JSON with a repeated member name.
    Syntax(serde_json::Error),
    /// Valid JSON, but not an object.
    NotAnObject,
}

/// Reads a whole JSON text that must be an object of kind `T`.
pub(crate) fn parse_object<'de, T: Kind<'de>>(bytes: &'de [u8]) -> Result<T, JsonError> {
    match serde_json::from_slice::<Field<T>>(bytes) {
        Ok(Field::Value(value)) => Ok(value),
        Ok(_) => Err(JsonError::NotAnObject),
        Err(error) => Err(JsonError::Syntax(error)),
    }
}

/// One member as read: absent, `null`, a value of the expected kind, or anything else.
#[derive(Debug, Default, Clone, PartialEq)]
pub(crate) enum Field<T> {
    #[default]
    Absent,
    Null,
    Value(T),
    WrongType,
}

impl<T> Field<T> {
    /// Stores a member read from an object, refusing a second member of the same name.
    pub(crate) fn set<E: de::Error>(
        &mut self,
        value: Field<T>,
        name: &'static str,
    ) -> Result<(), E> {
        if !matches!(self, Field::Absent) {
            return Err(E::duplicate_field(name));
        }
        *self = value;
        Ok(())
    }
}

/// What a [`Field`] accepts. Each method returns `None` for a JSON type the kind does not
/// accept; the defaults accept nothing (and consume arrays and objects whole).
pub(crate) trait Kind<'de>: Sized {
    fn from_bool(_: bool) -> Option<Self> {
        None
    }
    fn from_u64(_: u64) -> Option<Self> {
        None
    }
    fn from_i64(_: i64) -> Option<Self> {
        None
    }
    fn from_f64(_: f64) -> Option<Self> {
        None
    }
    fn from_str(_: &str) -> Option<Self> {
        None
    }
    fn from_seq<A: SeqAccess<'de>>(mut seq: A) -> Result<Option<Self>, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(None)
    }
    fn from_map<A: MapAccess<'de>>(mut map: A) -> Result<Option<Self>, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(None)
    }
}

impl<'de, T: Kind<'de>> de::Deserialize<'de> for Field<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(FieldVisitor(PhantomData))
    }
}

struct FieldVisitor<T>(PhantomData<fn() -> T>);

fn field<T>(value: Option<T>) -> Field<T> {
    value.map_or(Field::WrongType, Field::Value)
}

impl<'de, T: Kind<'de>> Visitor<'de> for FieldVisitor<T> {
    type Value = Field<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Field<T>, E> {
        Ok(field(T::from_bool(v)))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Field<T>, E> {
        Ok(field(T::from_u64(v)))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Field<T>, E> {
        Ok(field(T::from_i64(v)))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Field<T>, E> {
        Ok(field(T::from_f64(v)))
    }

    fn visit_str<E>(self, v: &str) -> Result<Field<T>, E> {
        Ok(field(T::from_str(v)))
    }

    fn visit_unit<E>(self) -> Result<Field<T>, E> {
        Ok(Field::Null)
    }

    fn visit_none<E>(self) -> Result<Field<T>, E> {
        Ok(Field::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Field<T>, A::Error> {
        T::from_seq(seq).map(field)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Field<T>, A::Error> {
        T::from_map(map).map(field)
    }
}

/// Boxed, so that a large kind moves as a pointer while it is read.
impl<'de, T: Kind<'de>> Kind<'de> for Box<T> {
    fn from_map<A: MapAccess<'de>>(map: A) -> Result<Option<Self>, A::Error> {
        Ok(T::from_map(map)?.map(Box::new))
    }
}

impl Kind<'_> for bool {
    fn from_bool(v: bool) -> Option<Self> {
        Some(v)
    }
}

impl Kind<'_> for String {
    fn from_str(v: &str) -> Option<Self> {
        Some(v.to_owned())
    }
}

/// A NumericDate (RFC 7519 §2): seconds since the epoch, integer or not.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Seconds(pub(crate) f64);

impl Kind<'_> for Seconds {
    fn from_u64(v: u64) -> Option<Self> {
        Some(Seconds(v as f64))
    }
    fn from_i64(v: i64) -> Option<Self> {
        Some(Seconds(v as f64))
    }
    fn from_f64(v: f64) -> Option<Self> {
        v.is_finite().then_some(Seconds(v))
    }
}

/// An array of strings; one element of another type makes the whole array the wrong type.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Strings(pub(crate) Vec<String>);

impl<'de> Kind<'de> for Strings {
    fn from_seq<A: SeqAccess<'de>>(mut seq: A) -> Result<Option<Self>, A::Error> {
        let mut items = Vec::new();
        let mut all_strings = true;
        while let Some(item) = seq.next_element::<Field<String>>()? {
            match item {
                Field::Value(text) => items.push(text),
                _ => all_strings = false,
            }
        }
        Ok(all_strings.then_some(Strings(items)))
    }
}

/// Reads the members of an object one by one: known names into their [`Field`], the rest
/// into `other` (refusing repeats there too).
pub(crate) fn read_members<'de, A: MapAccess<'de>>(
    map: &mut A,
    other: &mut Map<String, Value>,
    mut known: impl FnMut(&str, &mut A) -> Result<bool, A::Error>,
) -> Result<(), A::Error> {
    while let Some(Text(name)) = map.next_key::<Text<'de>>()? {
        if known(&name, map)? {
            continue;
        }
        let name = name.into_owned();
        if other.contains_key(&name) {
            return Err(de::Error::custom("an object repeats a member name"));
        }
        let Strict(value) = map.next_value()?;
        other.insert(name, value);
    }
    Ok(())
}

/// Any JSON value whose objects never repeat a member name.
pub(crate) struct Strict(pub(crate) Value);

impl<'de> de::Deserialize<'de> for Strict {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(StrictVisitor).map(Strict)
    }
}

struct StrictVisitor;

impl<'de> Visitor<'de> for StrictVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        Number::from_f64(v)
            .map(Value::Number)
            .ok_or_else(|| E::custom("number is not finite"))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(Strict(item)) = seq.next_element()? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut members = Map::new();
        read_members(&mut map, &mut members, |_, _| Ok(false))?;
        Ok(Value::Object(members))
    }
}

/// A JSON string, borrowed from the input when it has no escapes.
pub(crate) struct Text<'a>(pub(crate) Cow<'a, str>);

impl<'de> de::Deserialize<'de> for Text<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(TextVisitor)
    }
}

struct TextVisitor;

impl<'de> Visitor<'de> for TextVisitor {
    type Value = Text<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Text<'de>, E> {
        Ok(Text(Cow::Borrowed(v)))
    }

    fn visit_str<E>(self, v: &str) -> Result<Text<'de>, E> {
        Ok(Text(Cow::Owned(v.to_owned())))
    }

    fn visit_string<E>(self, v: String) -> Result<Text<'de>, E> {
        Ok(Text(Cow::Owned(v)))
    }
}

/// Any object, members kept; used where only the shape matters.
#[cfg(test)]
#[derive(Debug, PartialEq)]
struct AnyObject(Map<String, Value>);

#[cfg(test)]
impl<'de> Kind<'de> for AnyObject {
    fn from_map<A: MapAccess<'de>>(mut map: A) -> Result<Option<Self>, A::Error> {
        let mut members = Map::new();
        read_members(&mut map, &mut members, |_, _| Ok(false))?;
        Ok(Some(AnyObject(members)))
    }
}

#[cfg(test)]
mod tests {
    use super::{AnyObject, Field, JsonError, Seconds, Strings, parse_object};
    use serde_json::json;

    fn field<T: for<'de> super::Kind<'de>>(text: &str) -> Field<T> {
        serde_json::from_str(text).unwrap()
    }

    #[test]
    fn objects_parse_like_serde_json() {
        let text = br#"{"a":1,"b":[true,null,-2,1.5,"x"],"c":{"d":"e\u00e9"}}"#;
        let AnyObject(map) = parse_object(text).unwrap();
        let expected = json!({"a":1,"b":[true,null,-2,1.5,"x"],"c":{"d":"e\u{e9}"}});
        assert_eq!(serde_json::Value::Object(map), expected);
    }

    #[test]
    fn repeated_names_are_refused_at_every_depth() {
        for text in [
            r#"{"a":1,"a":1}"#,
            r#"{"s":{"active":false,"active":true}}"#,
            r#"{"l":[{"x":1,"x":2}]}"#,
        ] {
            assert!(
                matches!(
                    parse_object::<AnyObject>(text.as_bytes()),
                    Err(JsonError::Syntax(_))
                ),
                "{text}"
            );
        }
    }

    #[test]
    fn non_objects_are_refused() {
        for text in ["[]", "[{}]", "1", "-1", "1.5", "\"x\"", "null", "true"] {
            assert!(
                matches!(
                    parse_object::<AnyObject>(text.as_bytes()),
                    Err(JsonError::NotAnObject)
                ),
                "{text}"
            );
        }
        for text in ["{} {}", "{", "", "{\"a\":1,}"] {
            assert!(
                matches!(
                    parse_object::<AnyObject>(text.as_bytes()),
                    Err(JsonError::Syntax(_))
                ),
                "{text}"
            );
        }
    }

    #[test]
    fn fields_record_the_wrong_type_and_consume_it() {
        assert_eq!(field::<bool>("true"), Field::Value(true));
        assert_eq!(field::<bool>("null"), Field::Null);
        for text in ["1", "\"true\"", "[true]", "{\"a\":true}"] {
            assert_eq!(field::<bool>(text), Field::WrongType, "{text}");
        }
        assert_eq!(field::<Seconds>("12"), Field::Value(Seconds(12.0)));
        assert_eq!(field::<Seconds>("-12"), Field::Value(Seconds(-12.0)));
        assert_eq!(field::<Seconds>("1.5"), Field::Value(Seconds(1.5)));
        assert_eq!(field::<Seconds>("\"12\""), Field::WrongType);
        assert_eq!(
            field::<Strings>(r#"["a","b"]"#),
            Field::Value(Strings(vec!["a".into(), "b".into()]))
        );
        for text in [r#"["a",1]"#, r#"["a",null]"#, r#"[["a"]]"#, r#""a""#] {
            assert_eq!(field::<Strings>(text), Field::WrongType, "{text}");
        }
    }
}
