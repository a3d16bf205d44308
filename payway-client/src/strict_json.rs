//! Strict JSON for the answers that decide access or identity (`/me`, active products, token
//! and ticket answers): an object that repeats a member name, at any depth, is refused
//! (`serde_json` would keep the last one, so two readers could disagree on who a reader is).
//! The reading itself is the family's (`paywall_internal::json`); this module keeps the
//! crate's public error.
//!
//! Errors never carry text from the body: `serde_json`'s messages can quote values
//! (`invalid type: string "ada@example.com"`), so only the kind and the position are kept.

use std::fmt;

use paywall_internal::json::{Refusal, classify, value_from_slice};
use serde::de::DeserializeOwned;
use serde_json::Value;

/// Why a Payway answer did not parse. Its `Display` and `Debug` name the kind of problem and
/// where it is, never a value from the body.
#[derive(Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.describe())]
pub struct ParseError {
    kind: ParseErrorKind,
    line: usize,
    column: usize,
}

/// The kinds of [`ParseError`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ParseErrorKind {
    /// The body is not JSON (or ends too early).
    Syntax,
    /// An object repeats a member name.
    RepeatedMember,
    /// Valid JSON, but not the shape the call expects (a member missing or of another type).
    Shape,
}

impl ParseError {
    pub(crate) fn shape() -> Self {
        Self {
            kind: ParseErrorKind::Shape,
            line: 0,
            column: 0,
        }
    }

    fn from_serde(error: &serde_json::Error) -> Self {
        let kind = match classify(error) {
            Refusal::RepeatedMember => ParseErrorKind::RepeatedMember,
            Refusal::Shape | Refusal::NotAnObject => ParseErrorKind::Shape,
            Refusal::Syntax => ParseErrorKind::Syntax,
        };
        Self {
            kind,
            line: error.line(),
            column: error.column(),
        }
    }

    /// What kind of problem it is.
    pub fn kind(&self) -> ParseErrorKind {
        self.kind
    }

    /// `true` when an object repeats a member name.
    pub fn is_repeated_member(&self) -> bool {
        self.kind == ParseErrorKind::RepeatedMember
    }

    /// The line (from 1) where the problem is, when known (0 otherwise).
    pub fn line(&self) -> usize {
        self.line
    }

    /// The column (from 1) where the problem is, when known (0 otherwise).
    pub fn column(&self) -> usize {
        self.column
    }

    fn describe(&self) -> String {
        let what = match self.kind {
            ParseErrorKind::Syntax => "not valid JSON",
            ParseErrorKind::RepeatedMember => "a JSON object repeats a member name",
            ParseErrorKind::Shape => "JSON of an unexpected shape",
        };
        if self.line == 0 {
            what.to_owned()
        } else {
            format!("{what} (line {}, column {})", self.line, self.column)
        }
    }
}

impl fmt::Debug for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ParseError")
            .field("kind", &self.kind)
            .field("line", &self.line)
            .field("column", &self.column)
            .finish()
    }
}

/// Reads `body` as JSON, refusing repeated member names at any depth.
pub(crate) fn parse_value(body: &[u8]) -> Result<Value, ParseError> {
    value_from_slice(body).map_err(|e| ParseError::from_serde(&e))
}

/// Reads `value` (already strict) as `T`; a mismatch is a [`ParseErrorKind::Shape`] error.
pub(crate) fn from_value<T: DeserializeOwned>(value: Value) -> Result<T, ParseError> {
    serde_json::from_value(value).map_err(|_| ParseError::shape())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_parse_like_serde_json() {
        let text = br#"{"a":1,"b":[true,null,-2,1.5,"x"],"c":{"d":"e\u00e9"}}"#;
        let value = parse_value(text).unwrap();
        assert_eq!(value, serde_json::from_slice::<Value>(text).unwrap());
    }

    #[test]
    fn repeated_names_are_refused_at_every_depth() {
        for text in [
            r#"{"id":"a","id":"b"}"#,
            r#"{"item":{"id":"a","id":"a"}}"#,
            r#"{"l":[{"x":1,"x":2}]}"#,
            r#"{"a":1,"\u0061":2}"#,
        ] {
            let err = parse_value(text.as_bytes()).unwrap_err();
            assert!(err.is_repeated_member(), "{text}: {err:?}");
        }
    }

    #[test]
    fn errors_never_quote_the_body() {
        let err = parse_value(br#"{"email":"ada@example.com"#).unwrap_err();
        assert_eq!(err.kind(), ParseErrorKind::Syntax);
        let err =
            from_value::<Vec<String>>(serde_json::json!({"email": "ada@example.com"})).unwrap_err();
        assert_eq!(err.kind(), ParseErrorKind::Shape);
        for err in [
            parse_value(b"ada@example.com").unwrap_err(),
            parse_value(br#"{"ada@example.com":1,"ada@example.com":2}"#).unwrap_err(),
        ] {
            assert!(!format!("{err} {err:?}").contains("ada"), "{err}");
        }
    }
}
