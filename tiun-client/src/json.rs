//! Strict JSON: a body is read into a `serde_json::Value`, but an object that names a member
//! twice is refused at any depth (`serde_json` would keep the last one, so two readers of the
//! same answer could disagree on who the user is).

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::error::Category;
use serde_json::{Map, Number, Value};

/// Why a body could not be parsed. Never holds any of the body's text (see
/// [`ResponseBody::expose_text`](crate::ResponseBody::expose_text) for that).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ParseError {
    /// The body is not JSON.
    #[error("the body is not JSON (line {line}, column {column})")]
    Syntax {
        /// The line where parsing stopped (1-based).
        line: usize,
        /// The column where parsing stopped (1-based).
        column: usize,
    },
    /// An object names the same member twice, which this crate refuses in answers that decide
    /// access or identity (two readers of the body could disagree on its value).
    #[error("a JSON member name is repeated (line {line}, column {column})")]
    RepeatedMember {
        /// The line of the repetition (1-based).
        line: usize,
        /// The column of the repetition (1-based).
        column: usize,
    },
    /// The JSON is not the shape the endpoint documents.
    #[error("the JSON is not the documented shape: {reason}")]
    Shape {
        /// What is wrong, naming members but never quoting values.
        reason: &'static str,
    },
}

/// Parses a whole body, refusing repeated member names. The error never quotes the body.
pub(crate) fn parse_strict(bytes: &[u8]) -> Result<Value, ParseError> {
    match serde_json::from_slice::<Strict>(bytes) {
        Ok(Strict(value)) => Ok(value),
        Err(error) => {
            let (line, column) = (error.line(), error.column());
            // `Strict` accepts every JSON value, so a data error can only be its own refusal.
            Err(match error.classify() {
                Category::Data => ParseError::RepeatedMember { line, column },
                Category::Syntax | Category::Eof | Category::Io => {
                    ParseError::Syntax { line, column }
                }
            })
        }
    }
}

/// A JSON value read without accepting repeated member names.
struct Strict(Value);

impl<'de> Deserialize<'de> for Strict {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(StrictVisitor).map(Strict)
    }
}

struct StrictVisitor;

impl<'de> Visitor<'de> for StrictVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
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

    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        // JSON has no NaN or infinity, so `from_f64` always succeeds here.
        Ok(Number::from_f64(v).map_or(Value::Null, Value::Number))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
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
        while let Some(name) = map.next_key::<String>()? {
            let Strict(value) = map.next_value()?;
            if members.insert(name, value).is_some() {
                // A fixed message: the repeated name came from the body.
                return Err(de::Error::custom("repeated member name"));
            }
        }
        Ok(Value::Object(members))
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn reads_what_serde_json_reads() {
        let text = br#"{"a":[1,-2,3.5,"x",null,true,{"b":{}}],"c":"\u00e9"}"#;
        assert_eq!(
            parse_strict(text).unwrap(),
            serde_json::from_slice::<Value>(text).unwrap()
        );
        assert_eq!(parse_strict(b" 7 ").unwrap(), json!(7));
    }

    #[test]
    fn refuses_repeated_members_at_any_depth() {
        for text in [
            r#"{"id":"a","id":"b"}"#,
            r#"{"x":{"id":1,"id":1}}"#,
            r#"[{"a":1},{"b":[{"c":1,"c":2}]}]"#,
            r#"{"a":1,"\u0061":2}"#,
        ] {
            assert!(
                matches!(
                    parse_strict(text.as_bytes()),
                    Err(ParseError::RepeatedMember { .. })
                ),
                "{text}"
            );
        }
        assert!(parse_strict(br#"{"a":{"id":1},"b":{"id":1}}"#).is_ok());
    }

    #[test]
    fn errors_never_quote_the_body() {
        for text in [
            &br#"{"email":"leak@example.com""#[..],
            br#"{"email":"leak@example.com","email":"x"}"#,
            b"leak@example.com",
            br#"{"email":"leak@example.com"} trailing"#,
        ] {
            let error = parse_strict(text).unwrap_err();
            let printed = format!("{error} {error:?}");
            assert!(!printed.contains("leak"), "{printed}");
            assert!(!printed.contains("email"), "{printed}");
        }
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let deep = "[".repeat(100_000);
        assert!(matches!(
            parse_strict(deep.as_bytes()),
            Err(ParseError::Syntax { .. })
        ));
    }
}
