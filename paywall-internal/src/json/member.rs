//! [`AnyMember`]: one member's value as a reader of known members needs it.

use std::borrow::Cow;
use std::fmt;

use serde_core::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

use serde_json::{Map, Value};

use super::REPEATED_MEMBER;
use super::names::{Name, SeenNames};
use super::no_repeats::{NoRepeats, skip_map, skip_seq};
use super::strict_value::keep;

/// One JSON value, read as deep as a reader of known members needs: scalars as they are,
/// an array of strings as its strings, and any other array or object only as what it is
/// (walked in full, with repeated member names refused at any depth, but not built).
#[derive(Debug, Clone, PartialEq)]
pub enum Member<'de> {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number without fraction or exponent, from 0 to `u64::MAX`.
    Unsigned(u64),
    /// A negative number without fraction or exponent, down to `i64::MIN`.
    Negative(i64),
    /// Any other number (a fraction, an exponent, or an integer too large for 64 bits).
    Float(f64),
    /// A string, borrowed from the input unless it has escapes.
    Text(Cow<'de, str>),
    /// An array whose elements are all strings (an empty array too).
    Texts(Vec<Cow<'de, str>>),
    /// An array with an element that is not a string.
    Array,
    /// An object.
    Object,
}

impl Member<'_> {
    /// The number as a double, for a member of any numeric kind.
    #[must_use]
    pub fn as_f64(&self) -> Option<f64> {
        match *self {
            // Rounded to the nearest double, as a JSON reader reads it.
            Self::Unsigned(n) => Some(n as f64),
            Self::Negative(n) => Some(n as f64),
            Self::Float(n) => Some(n),
            _ => None,
        }
    }
}

/// Reads any value as a [`Member`].
#[derive(Debug, Clone, Copy, Default)]
pub struct AnyMember;

impl<'de> DeserializeSeed<'de> for AnyMember {
    type Value = Member<'de>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Member<'de>, D::Error> {
        deserializer.deserialize_any(MemberVisitor { element: false })
    }
}

/// Reads a value as a [`Member`]; as an array's `element`, an array in it is only walked.
struct MemberVisitor {
    element: bool,
}

impl<'de> DeserializeSeed<'de> for MemberVisitor {
    type Value = Member<'de>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Member<'de>, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for MemberVisitor {
    type Value = Member<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E: de::Error>(self, value: bool) -> Result<Member<'de>, E> {
        Ok(Member::Bool(value))
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<Member<'de>, E> {
        Ok(u64::try_from(value).map_or(Member::Negative(value), Member::Unsigned))
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<Member<'de>, E> {
        Ok(Member::Unsigned(value))
    }

    fn visit_f64<E: de::Error>(self, value: f64) -> Result<Member<'de>, E> {
        Ok(Member::Float(value))
    }

    fn visit_borrowed_str<E: de::Error>(self, value: &'de str) -> Result<Member<'de>, E> {
        Ok(Member::Text(Cow::Borrowed(value)))
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<Member<'de>, E> {
        Ok(Member::Text(Cow::Owned(value.to_owned())))
    }

    fn visit_string<E: de::Error>(self, value: String) -> Result<Member<'de>, E> {
        Ok(Member::Text(Cow::Owned(value)))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Member<'de>, E> {
        Ok(Member::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Member<'de>, A::Error> {
        if self.element {
            return skip_seq(seq).map(|()| Member::Array);
        }
        let mut texts = Vec::new();
        while let Some(element) = seq.next_element_seed(MemberVisitor { element: true })? {
            match element {
                Member::Text(text) => texts.push(text),
                // The rest is walked, not kept.
                _ => return skip_seq(seq).map(|()| Member::Array),
            }
        }
        Ok(Member::Texts(texts))
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Member<'de>, A::Error> {
        skip_map(map).map(|()| Member::Object)
    }
}

/// Reads one object's members named here, each as a [`Member`] (`None` when absent), and
/// checks every other member as [`NoRepeats`] does, without building it. A name the object
/// gives twice, named here or not, is refused with [`REPEATED_MEMBER`].
///
/// For [`read_object`](super::read_object): the members come back in the order named.
///
/// ```
/// use paywall_internal::json::{Member, Members, read_object};
///
/// let [alg, typ] = read_object(br#"{"typ":"JWT","x":[{}],"alg":"HS256"}"#, Members(["alg", "typ"]))?;
/// assert_eq!(alg, Some(Member::Text("HS256".into())));
/// assert_eq!(typ, Some(Member::Text("JWT".into())));
/// assert!(read_object(br#"{"x":1,"x":2}"#, Members(["alg"])).is_err());
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Members<'n, const N: usize>(pub [&'n str; N]);

impl<'de, const N: usize> Visitor<'de> for Members<'_, N> {
    type Value = [Option<Member<'de>>; N];

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        let mut others = SeenNames::default();
        read_members(map, &self.0, |name, map| {
            map.next_value_seed(NoRepeats)?;
            others.insert(name)
        })
    }
}

/// [`Members`], keeping every other member as a `Value` (see [`keep`]) rather than skipping it.
#[derive(Debug, Clone, Copy)]
pub struct KeptMembers<'n, const N: usize>(pub [&'n str; N]);

impl<'de, const N: usize> Visitor<'de> for KeptMembers<'_, N> {
    type Value = ([Option<Member<'de>>; N], Map<String, Value>);

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        let mut kept = Map::new();
        let known = read_members(map, &self.0, |name, map| keep(&mut kept, name, map))?;
        Ok((known, kept))
    }
}

/// Reads a value with `V` when it is an object; any other value is checked as [`NoRepeats`]
/// does and read as `None`. For a member that must be an object, whose other types the caller
/// refuses in its own words after reading the rest (the members of a token's `session`).
///
/// ```
/// use paywall_internal::json::{KeptMembers, ObjectOrNone};
/// use serde_core::de::DeserializeSeed;
///
/// let read = |text: &str| {
///     let mut json = serde_json::Deserializer::from_str(text);
///     ObjectOrNone(KeptMembers(["id"])).deserialize(&mut json).map(|object| object.is_some())
/// };
/// assert!(read(r#"{"id":"a","x":[1]}"#)?);
/// assert!(!read(r#"[{"a":1},"b",2.5,null]"#)?);
/// assert!(read(r#"[{"a":1,"a":2}]"#).is_err());
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Copy)]
pub struct ObjectOrNone<V>(pub V);

impl<'de, V: Visitor<'de>> DeserializeSeed<'de> for ObjectOrNone<V> {
    type Value = Option<V::Value>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de, V: Visitor<'de>> Visitor<'de> for ObjectOrNone<V> {
    type Value = Option<V::Value>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.expecting(f)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        self.0.visit_map(map).map(Some)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        skip_seq(seq).map(|()| None)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
        Ok(None)
    }
}

/// Reads the rest of an object: each member named in `names` into its slot as a [`Member`]
/// (`None` when absent), and each other one handed to `other` with its name, to read its
/// value and refuse a name given twice (as [`keep`] does). A name of `names` given twice is
/// refused with [`REPEATED_MEMBER`].
///
/// For a visitor's `visit_map`: [`Members`] is this with the rest skipped.
///
/// # Errors
///
/// A repeated member name, `other`'s error, or whatever the deserializer reports.
pub fn read_members<'de, A: MapAccess<'de>, const N: usize>(
    mut map: A,
    names: &[&str; N],
    mut other: impl FnMut(Cow<'de, str>, &mut A) -> Result<(), A::Error>,
) -> Result<[Option<Member<'de>>; N], A::Error> {
    let mut found = [const { None }; N];
    while let Some(Name(name)) = map.next_key()? {
        let slot = names
            .iter()
            .zip(&mut found)
            .find_map(|(known, slot)| (*known == name).then_some(slot));
        match slot {
            Some(slot) => {
                if slot.replace(map.next_value_seed(AnyMember)?).is_some() {
                    return Err(de::Error::custom(REPEATED_MEMBER));
                }
            }
            None => other(name, &mut map)?,
        }
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use std::borrow::Cow;

    use serde_core::de::DeserializeSeed;

    use serde_json::{Value, json};

    use super::{AnyMember, KeptMembers, Member, Members};
    use crate::json::{Refusal, classify, read_object};

    fn read(text: &str) -> Result<Member<'_>, serde_json::Error> {
        AnyMember.deserialize(&mut serde_json::Deserializer::from_str(text))
    }

    #[test]
    fn kinds() {
        assert_eq!(read("null").unwrap(), Member::Null);
        assert_eq!(read("true").unwrap(), Member::Bool(true));
        assert_eq!(read("0").unwrap(), Member::Unsigned(0));
        assert_eq!(
            read("18446744073709551615").unwrap(),
            Member::Unsigned(u64::MAX)
        );
        assert_eq!(read("-3").unwrap(), Member::Negative(-3));
        assert_eq!(read("2.5").unwrap(), Member::Float(2.5));
        assert_eq!(read("1e3").unwrap(), Member::Float(1000.0));
        assert_eq!(read(r#""x""#).unwrap(), Member::Text(Cow::Borrowed("x")));
        assert_eq!(read(r#""\u0078""#).unwrap(), Member::Text("x".into()));
        assert_eq!(read("[]").unwrap(), Member::Texts(Vec::new()));
        assert_eq!(
            read(r#"["a","b"]"#).unwrap(),
            Member::Texts(vec!["a".into(), "b".into()])
        );
        assert_eq!(read(r#"["a",1,"b"]"#).unwrap(), Member::Array);
        assert_eq!(read(r#"[{"a":1}]"#).unwrap(), Member::Array);
        assert_eq!(read(r#"{"a":[1]}"#).unwrap(), Member::Object);
        assert_eq!(read("-1").unwrap().as_f64(), Some(-1.0));
        assert_eq!(read(r#""1""#).unwrap().as_f64(), None);
    }

    #[test]
    fn what_is_walked_is_checked() {
        for text in [
            r#"{"a":1,"a":1}"#,
            r#"["a",{"b":1,"b":2}]"#,
            r#"[1,{"b":1,"b":2}]"#,
            r#"[[{"b":1,"b":2}]]"#,
        ] {
            assert_eq!(
                classify(&read(text).unwrap_err()),
                Refusal::RepeatedMember,
                "{text}"
            );
        }
        let deep = format!("[1,{}{}]", "[".repeat(3000), "]".repeat(3000));
        assert_eq!(read(&deep).unwrap(), Member::Array);
    }

    #[test]
    fn members_read_the_named_and_check_or_keep_the_rest() {
        let text = br#"{"b":[{"x":{}}],"a":"x","c":{"a":1}}"#;
        let [a, c, d] = read_object(text, Members(["a", "c", "d"])).unwrap();
        assert_eq!(a, Some(Member::Text("x".into())));
        assert_eq!(c, Some(Member::Object));
        assert_eq!(d, None);
        let ([a], kept) = read_object(text, KeptMembers(["a"])).unwrap();
        assert_eq!(a, Some(Member::Text("x".into())));
        assert_eq!(
            Value::Object(kept),
            json!({"b": [{"x": {}}], "c": {"a": 1}})
        );
        for text in [
            &br#"{"a":1,"a":1}"#[..],
            br#"{"b":1,"b":1}"#,
            br#"{"a":1,"\u0061":2}"#,
            br#"{"b":1,"\u0062":2}"#,
            br#"{"b":[{"x":1,"x":1}],"a":1}"#,
            br#"{"a":{"x":1,"x":1}}"#,
        ] {
            let error = read_object(text, Members(["a"])).unwrap_err();
            assert_eq!(classify(&error), Refusal::RepeatedMember);
            let error = read_object(text, KeptMembers(["a"])).unwrap_err();
            assert_eq!(classify(&error), Refusal::RepeatedMember);
        }
    }
}
