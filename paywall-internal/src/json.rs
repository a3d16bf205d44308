//! Strict JSON on serde_json, for every document that decides access or identity (token
//! headers and claims, cookies, provider answers): a member name repeated in any object at
//! any depth, compared after unescaping, is refused. `serde_json::Value` and derived structs
//! keep the last one silently, so two readers of one document could disagree on who a reader
//! is.
//!
//! - [`check`] and [`from_slice_strict`] check a whole document without building it, at any
//!   depth and without recursion past [`MAX_RECURSION`] levels; [`value_from_slice`] builds a
//!   `Value` in the same pass.
//! - [`read_object`] with [`Members`] reads the members named, each once, and checks the rest;
//!   with [`KeptMembers`] it keeps the rest as `Value`s.
//! - For a caller's own visitor: [`read_members`] reads the members named into slots and
//!   hands over the rest, which [`keep`] keeps; [`Name`], [`SeenNames`], [`AnyMember`],
//!   [`NoRepeats`] (or [`skip_map`] and [`skip_seq`]) and [`StrictValue`] are the parts, for a
//!   reader of another shape.
//! - [`classify`] tells the refusals apart. Errors never quote the document: the refusals
//!   this module raises hold no text from it.

mod member;
mod names;
mod no_repeats;
mod strict_value;

use serde_core::de::{self, DeserializeOwned, DeserializeSeed, Deserializer as _, Visitor};
use serde_json::Value;
use serde_json::error::Category;

pub use member::{AnyMember, KeptMembers, Member, Members, ObjectOrNone, read_members};
pub use names::{Name, SeenNames};
pub use no_repeats::{MAX_RECURSION, NoRepeats, skip_map, skip_seq};
pub use strict_value::{StrictValue, keep};

/// The message of the error raised for a repeated member name (never the name itself: it
/// may be personal data).
pub const REPEATED_MEMBER: &str = "a member name is repeated";

/// The message of the error [`read_object`] raises for a text that is not an object.
pub const NOT_AN_OBJECT: &str = "the JSON text is not an object";

/// The start of the message of a syntax error found where serde_json's own error cannot be
/// passed on as it is (in a value checked apart, past [`MAX_RECURSION`]).
pub const NOT_JSON: &str = "not JSON";

/// Why serde_json refused a document, as this module reads its errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// Not JSON, cut short, nested past serde_json's limit, or a number no double holds.
    Syntax,
    /// An object names a member twice.
    RepeatedMember,
    /// [`read_object`] was given a text that is not an object.
    NotAnObject,
    /// Valid JSON without repeats, but not the shape the caller's type expects.
    Shape,
}

/// Which [`Refusal`] `error` is.
#[must_use]
pub fn classify(error: &serde_json::Error) -> Refusal {
    match error.classify() {
        Category::Data => {
            let message = error.to_string();
            if message.starts_with(REPEATED_MEMBER) {
                Refusal::RepeatedMember
            } else if message.starts_with(NOT_AN_OBJECT) {
                Refusal::NotAnObject
            } else if message.starts_with(NOT_JSON) {
                Refusal::Syntax
            } else {
                Refusal::Shape
            }
        }
        Category::Syntax | Category::Eof | Category::Io => Refusal::Syntax,
    }
}

/// Checks that `bytes` is one JSON value with no repeated member name at any depth, building
/// nothing.
///
/// # Errors
///
/// serde_json's error: see [`classify`].
pub fn check(bytes: &[u8]) -> Result<(), serde_json::Error> {
    whole(serde_json::Deserializer::from_slice(bytes), |d| {
        NoRepeats.deserialize(d)
    })
}

/// `serde_json::from_slice`, after [`check`]: a document that repeats a member name at any
/// depth is refused before `T` is built.
///
/// Two passes, neither of which builds a `Value`: about 0.75x the time of building a strict
/// `Value` and converting it, and 2.1x to 2.5x that of `from_slice` alone, for a typical
/// (0.8 KiB) and a large (61 KiB) answer alike (the `strict_json` benchmark).
///
/// # Errors
///
/// serde_json's error: see [`classify`]. A [`Refusal::Shape`] error comes from `T`'s own
/// `Deserialize` and may quote a value of the document: map it to a message of your own.
pub fn from_slice_strict<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, serde_json::Error> {
    check(bytes)?;
    serde_json::from_slice(bytes)
}

/// One JSON value read into a `Value`, refusing repeated member names at any depth, in one
/// pass. Nesting past serde_json's limit (128 levels) is refused, as it is for any `Value`.
///
/// # Errors
///
/// serde_json's error: see [`classify`].
pub fn value_from_slice(bytes: &[u8]) -> Result<Value, serde_json::Error> {
    whole(serde_json::Deserializer::from_slice(bytes), |d| {
        StrictValue.deserialize(d)
    })
}

/// Reads one JSON object from `bytes` with `visitor`'s `visit_map`, refusing anything after
/// it. A text that does not start with `{` (after whitespace) is refused with
/// [`NOT_AN_OBJECT`] before it is read, so the error never quotes it.
///
/// The visitor must itself refuse repeated names ([`SeenNames`]) and check what it skips
/// ([`NoRepeats`]).
///
/// # Errors
///
/// serde_json's error, or the visitor's: see [`classify`].
pub fn read_object<'de, V: Visitor<'de>>(
    bytes: &'de [u8],
    visitor: V,
) -> Result<V::Value, serde_json::Error> {
    let first = bytes
        .iter()
        .find(|byte| !matches!(byte, b' ' | b'\t' | b'\n' | b'\r'));
    if first != Some(&b'{') {
        return Err(de::Error::custom(NOT_AN_OBJECT));
    }
    // Checked as UTF-8 once, so that serde_json need not check each string; text that is not
    // UTF-8 is read as bytes, for serde_json's own report of where.
    match std::str::from_utf8(bytes) {
        Ok(text) => whole(serde_json::Deserializer::from_str(text), |d| {
            d.deserialize_map(visitor)
        }),
        Err(_) => whole(serde_json::Deserializer::from_slice(bytes), |d| {
            d.deserialize_map(visitor)
        }),
    }
}

/// What `read` reads from `deserializer`, which must be the whole text: anything after it is
/// refused.
fn whole<'de, R: serde_json::de::Read<'de>, T>(
    mut deserializer: serde_json::Deserializer<R>,
    read: impl FnOnce(&mut serde_json::Deserializer<R>) -> Result<T, serde_json::Error>,
) -> Result<T, serde_json::Error> {
    let value = read(&mut deserializer)?;
    deserializer.end()?;
    Ok(value)
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;
    use serde_json::{Value, json};

    use super::{
        Member, Members, Refusal, check, classify, from_slice_strict, read_object, value_from_slice,
    };

    #[test]
    fn check_refuses_repeats_and_bad_syntax_and_accepts_the_rest() {
        for text in [
            "{}",
            "[]",
            "1",
            r#""x""#,
            r#"{"a":{"a":{"a":[{"a":1}]}}}"#,
            " null ",
        ] {
            check(text.as_bytes()).unwrap();
        }
        for (text, refusal) in [
            (r#"{"a":1,"a":2}"#, Refusal::RepeatedMember),
            (r#"[{"a":1},{"b":{"c":1,"c":1}}]"#, Refusal::RepeatedMember),
            (r#"{"a":1"#, Refusal::Syntax),
            ("{} {}", Refusal::Syntax),
            ("", Refusal::Syntax),
            ("[1e400]", Refusal::Syntax),
            ("\"\u{1}\"", Refusal::Syntax),
            (r#"{"a":"\ud800"}"#, Refusal::Syntax),
        ] {
            let error = check(text.as_bytes()).unwrap_err();
            assert_eq!(classify(&error), refusal, "{text}");
        }
        assert_eq!(
            classify(&check(b"{\"a\":\"\xff\"}").unwrap_err()),
            Refusal::Syntax
        );
    }

    #[derive(Debug, Deserialize, PartialEq)]
    struct Answer {
        id: String,
        items: Vec<u32>,
    }

    #[test]
    fn from_slice_strict_is_from_slice_without_repeats() {
        let text = br#"{"id":"a","items":[1,2],"extra":{"x":null}}"#;
        assert_eq!(
            from_slice_strict::<Answer>(text).unwrap(),
            serde_json::from_slice::<Answer>(text).unwrap()
        );
        let repeated = br#"{"id":"a","items":[1],"extra":{"x":1,"x":2}}"#;
        // serde_json alone accepts it; the strict reader does not.
        assert!(serde_json::from_slice::<Answer>(repeated).is_ok());
        let error = from_slice_strict::<Answer>(repeated).unwrap_err();
        assert_eq!(classify(&error), Refusal::RepeatedMember);
        let error = from_slice_strict::<Answer>(br#"{"id":1,"items":[]}"#).unwrap_err();
        assert_eq!(classify(&error), Refusal::Shape);
        // Deep values a `T` skips are checked too.
        let deep = format!(
            r#"{{"id":"a","items":[],"x":{}{{"y":1,"y":2}}{}}}"#,
            "[".repeat(500),
            "]".repeat(500)
        );
        assert!(serde_json::from_slice::<Answer>(deep.as_bytes()).is_ok());
        assert_eq!(
            classify(&from_slice_strict::<Answer>(deep.as_bytes()).unwrap_err()),
            Refusal::RepeatedMember
        );
    }

    #[test]
    fn value_from_slice_builds_the_value() {
        assert_eq!(
            value_from_slice(br#" {"a":[1,{"b":null}]} "#).unwrap(),
            json!({"a": [1, {"b": null}]})
        );
        assert_eq!(
            classify(&value_from_slice(br#"{"a":1,"\u0061":1}"#).unwrap_err()),
            Refusal::RepeatedMember
        );
    }

    #[test]
    fn errors_never_quote_the_document() {
        for text in [
            &br#"{"email":"leak@example.com""#[..],
            br#"{"email":"leak@example.com","email":"x"}"#,
            br#"{"x":{"leak@example.com":1,"leak@example.com":2}}"#,
            b"leak@example.com",
            br#""leak@example.com""#,
        ] {
            let errors = [
                check(text).err(),
                value_from_slice(text).err(),
                read_object(text, Members(["alg"])).err(),
            ];
            for error in errors.into_iter().flatten() {
                let printed = format!("{error} {error:?}");
                assert!(!printed.contains("leak"), "{printed}");
            }
        }
    }

    #[test]
    fn read_object_hands_the_members_to_the_visitor() {
        let [alg] = read_object(br#"{"x":[{}],"alg":"HS256"}"#, Members(["alg"])).unwrap();
        assert_eq!(alg, Some(Member::Text("HS256".into())));
        for (text, refusal) in [
            (&br#"["alg"]"#[..], Refusal::NotAnObject),
            (b"", Refusal::NotAnObject),
            (b"  \"x\"", Refusal::NotAnObject),
            (br#"{"alg":1,"alg":2}"#, Refusal::RepeatedMember),
            (br#"{"x":{"y":1,"y":1}}"#, Refusal::RepeatedMember),
            (br#"{"alg":1} x"#, Refusal::Syntax),
            (br#"{"alg":1"#, Refusal::Syntax),
        ] {
            let error = read_object(text, Members(["alg"])).unwrap_err();
            assert_eq!(
                classify(&error),
                refusal,
                "{}",
                String::from_utf8_lossy(text)
            );
        }
        let _: Value = value_from_slice(b"{}").unwrap();
    }
}
