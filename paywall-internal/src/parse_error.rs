//! [`ParseError`]: the one shape of every crate's `Error::Parse` (each crate wraps it and
//! re-exports it), a provider's answer (or any document) that is not the JSON it should be;
//! and [`ParseFault`], why, as its `source()`.

use std::fmt;
use std::sync::Arc;

use serde_json::Value;

use crate::json::{Refusal, classify, value_from_slice};

/// An answer (or another document) that did not parse: what it was, its status, its length
/// and media type, and why ([`fault`](Self::fault), also its `source()`).
///
/// Its `Display`, `Debug` and `source()` chain never hold any of the body's text (a body can
/// carry personal data, and a provider can echo a secret). Only when the crate asks for it
/// ([`keep_body`](Self::keep_body)) is the body kept, read through
/// [`expose_text`](Self::expose_text) or [`expose_bytes`](Self::expose_bytes), with every
/// spelling of the request's secrets already replaced by `[redacted]`; it may still hold
/// personal data, so keep it out of logs.
///
/// Cheap to clone: everything sits behind one `Arc`, so an error handed to several callers of
/// one request costs a reference count each.
#[derive(Clone)]
pub struct ParseError(Arc<Details>);

#[derive(Clone)]
struct Details {
    what: &'static str,
    status: Option<u16>,
    len: usize,
    content_type: Option<String>,
    kept: Option<Box<[u8]>>,
    fault: ParseFault,
}

/// Why a document did not parse. Names members and positions, never a value of the document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ParseFault {
    /// The document is not JSON (or is cut short, or nested too deep).
    Syntax {
        /// The line where reading stopped (1-based).
        line: usize,
        /// The column where reading stopped (1-based).
        column: usize,
    },
    /// An object names the same member twice, which the family refuses in every document
    /// that decides access or identity (two readers of it could disagree on its value).
    RepeatedMember {
        /// The line of the repetition (1-based).
        line: usize,
        /// The column of the repetition (1-based).
        column: usize,
    },
    /// Valid JSON, but not the shape the document should have.
    Shape {
        /// What is wrong, naming members but never quoting values.
        reason: &'static str,
    },
}

/// The reason of a [`ParseFault::Shape`] read from a typed reader's error, whose own message
/// may quote a value of the document.
pub const NOT_THE_DOCUMENTED_SHAPE: &str = "not the documented shape";

impl ParseFault {
    /// The fault of a strict read (the family's `json`), keeping the kind and the position
    /// only: serde_json's messages can quote values of the document.
    #[doc(hidden)]
    #[must_use]
    pub fn from_json(error: &serde_json::Error) -> Self {
        let (line, column) = (error.line(), error.column());
        match classify(error) {
            Refusal::Syntax => Self::Syntax { line, column },
            Refusal::RepeatedMember => Self::RepeatedMember { line, column },
            Refusal::NotAnObject => Self::Shape {
                reason: crate::json::NOT_AN_OBJECT,
            },
            Refusal::Shape => Self::Shape {
                reason: NOT_THE_DOCUMENTED_SHAPE,
            },
        }
    }

    /// Whether an object names a member twice.
    #[must_use]
    pub fn is_repeated_member(&self) -> bool {
        matches!(self, Self::RepeatedMember { .. })
    }
}

impl fmt::Display for ParseFault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Syntax { line, column } => {
                write!(f, "the body is not JSON (line {line}, column {column})")
            }
            Self::RepeatedMember { line, column } => write!(
                f,
                "a JSON member name is repeated (line {line}, column {column})"
            ),
            Self::Shape { reason } => write!(f, "the JSON is not the documented shape: {reason}"),
        }
    }
}

impl std::error::Error for ParseFault {}

/// `bytes` read strictly (no member repeated at any depth) into a `Value`, then by `read`,
/// whose `Err` is the reason of a [`ParseFault::Shape`].
///
/// # Errors
///
/// The [`ParseFault`] of the first problem found.
pub fn read_value<T>(
    bytes: &[u8],
    read: impl FnOnce(Value) -> Result<T, &'static str>,
) -> Result<T, ParseFault> {
    let value = value_from_slice(bytes).map_err(|error| ParseFault::from_json(&error))?;
    read(value).map_err(|reason| ParseFault::Shape { reason })
}

/// [`read_value`], its fault made the [`ParseError`] of `what` (`"access grant"`), with
/// `bytes`' length: the one strict read of a document a crate types itself.
///
/// # Errors
///
/// The [`ParseError`] of the first problem found.
pub fn read<T>(
    what: &'static str,
    bytes: &[u8],
    read: impl FnOnce(Value) -> Result<T, &'static str>,
) -> Result<T, ParseError> {
    read_value(bytes, read).map_err(|fault| ParseError::new(what, bytes.len(), fault))
}

impl ParseError {
    /// `what` (`"user verification answer"`, `"webhook body"`) of `len` bytes did not parse,
    /// for `fault`.
    #[doc(hidden)]
    #[must_use]
    pub fn new(what: &'static str, len: usize, fault: ParseFault) -> Self {
        Self(Arc::new(Details {
            what,
            status: None,
            len,
            content_type: None,
            kept: None,
            fault,
        }))
    }

    /// The same error, for an answer with `status` and the checked media type of its
    /// `Content-Type` (the family's `http::media_type`).
    #[doc(hidden)]
    #[must_use]
    pub fn answered(mut self, status: u16, content_type: Option<String>) -> Self {
        let details = Arc::make_mut(&mut self.0);
        details.status = Some(status);
        details.content_type = content_type;
        self
    }

    /// The same error, keeping `bytes` for [`expose_bytes`](Self::expose_bytes): the body
    /// with every secret of the request already cut out (the family's `redact`).
    #[doc(hidden)]
    #[must_use]
    pub fn keep_body(mut self, bytes: Vec<u8>) -> Self {
        Arc::make_mut(&mut self.0).kept = Some(bytes.into_boxed_slice());
        self
    }

    /// What did not parse, in a few words (`"user verification answer"`).
    #[must_use]
    pub fn what(&self) -> &'static str {
        self.0.what
    }

    /// The HTTP status of the answer, when the document was one.
    #[must_use]
    pub fn status(&self) -> Option<u16> {
        self.0.status
    }

    /// [`status`](Self::status) as reqwest's `StatusCode`: what each crate's
    /// `Error::status()` gives for its `Error::Parse`.
    #[cfg(feature = "http")]
    #[doc(hidden)]
    #[must_use]
    pub fn http_status(&self) -> Option<reqwest::StatusCode> {
        self.0
            .status
            .and_then(|status| reqwest::StatusCode::from_u16(status).ok())
    }

    /// The body's length in bytes, as received.
    #[must_use]
    pub fn len(&self) -> usize {
        self.0.len
    }

    /// Whether the body was empty.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.0.len == 0
    }

    /// The media type of the answer's `Content-Type`, without parameters
    /// (`application/json`), when it sent a well-formed one.
    #[must_use]
    pub fn content_type(&self) -> Option<&str> {
        self.0.content_type.as_deref()
    }

    /// Why it did not parse (also its [`source`](std::error::Error::source)).
    #[must_use]
    pub fn fault(&self) -> &ParseFault {
        &self.0.fault
    }

    /// The body's bytes, when they were kept: as received, except that every spelling of the
    /// request's secrets is replaced by `[redacted]`. They may hold personal data: keep them
    /// out of logs.
    #[must_use]
    pub fn expose_bytes(&self) -> Option<&[u8]> {
        self.0.kept.as_deref()
    }

    /// The body as text (as [`expose_bytes`](Self::expose_bytes)), when it was kept and is
    /// UTF-8. It may hold personal data: keep it out of logs.
    #[must_use]
    pub fn expose_text(&self) -> Option<&str> {
        std::str::from_utf8(self.expose_bytes()?).ok()
    }
}

impl fmt::Display for ParseError {
    /// `the user info answer could not be parsed (status 200, 42 bytes, application/json)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let details = &self.0;
        write!(f, "the {} could not be parsed (", details.what)?;
        if let Some(status) = details.status {
            write!(f, "status {status}, ")?;
        }
        let content_type = details.content_type.as_deref().unwrap_or("no content type");
        write!(f, "{} bytes, {content_type})", details.len)
    }
}

impl fmt::Debug for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let details = &self.0;
        f.debug_struct("ParseError")
            .field("what", &details.what)
            .field("status", &details.status)
            .field("len", &details.len)
            .field("content_type", &details.content_type)
            .field("body_kept", &details.kept.is_some())
            .field("fault", &details.fault)
            .finish()
    }
}

impl std::error::Error for ParseError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.0.fault)
    }
}

#[cfg(test)]
mod tests {
    use std::error::Error as _;

    use serde::Deserialize;
    use serde_json::json;

    use super::*;

    /// Display and Debug of the error and of every source.
    fn printed(error: &ParseError) -> String {
        let mut text = format!("{error} {error:?} {error:#?}");
        let mut source = error.source();
        while let Some(cause) = source {
            text.push_str(&format!(" | {cause} {cause:?}"));
            source = cause.source();
        }
        text
    }

    #[test]
    fn faults_name_the_kind_and_place_never_a_value() {
        let read = |text: &str| read_value(text.as_bytes(), Ok);
        assert!(matches!(
            read(r#"{"a":"leak@example.com","a":1}"#),
            Err(ParseFault::RepeatedMember { line: 1, .. })
        ));
        assert!(matches!(
            read(r#"{"email":"leak@example.com""#),
            Err(ParseFault::Syntax { .. })
        ));
        assert!(
            read(r#"{"a":1,"\u0061":2}"#)
                .unwrap_err()
                .is_repeated_member()
        );
        assert_eq!(read(" 7 "), Ok(json!(7)));
        let refused = read_value(br#"{"a":1}"#, |_| Err::<(), _>("`b` is missing"));
        assert_eq!(
            refused,
            Err(ParseFault::Shape {
                reason: "`b` is missing"
            })
        );
        for text in [
            &br#"{"email":"leak@example.com","email":"x"}"#[..],
            b"leak@example.com",
            br#"{"x":{"leak@example.com":1,"leak@example.com":2}}"#,
        ] {
            let fault = read_value(text, Ok).unwrap_err();
            assert!(!format!("{fault} {fault:?}").contains("leak"), "{fault}");
        }
    }

    #[test]
    fn a_document_read_names_what_it_was_and_its_length() {
        let body = br#"{"a":1,"a":2}"#;
        let error = read("access grant", body, Ok).unwrap_err();
        assert_eq!((error.what(), error.len()), ("access grant", body.len()));
        assert!(error.fault().is_repeated_member());
        assert_eq!(error.status(), None);
        let shape = read("webhook", b"[]", |_| Err::<(), _>("not an event")).unwrap_err();
        assert_eq!(
            (shape.what(), shape.len(), *shape.fault()),
            (
                "webhook",
                2,
                ParseFault::Shape {
                    reason: "not an event"
                }
            )
        );
        assert_eq!(read("webhook", b" 7 ", Ok).ok(), Some(json!(7)));
    }

    #[derive(Debug, Deserialize)]
    struct User {
        id: u64,
    }

    /// A typed read, as the crates make it.
    fn read_typed<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Result<T, ParseFault> {
        crate::json::from_slice_strict(bytes).map_err(|error| ParseFault::from_json(&error))
    }

    #[test]
    fn a_typed_read_never_passes_on_the_readers_message() {
        // serde's own message would be `invalid type: string "leak@example.com"`.
        let fault = read_typed::<User>(br#"{"id":"leak@example.com"}"#).unwrap_err();
        assert_eq!(
            fault,
            ParseFault::Shape {
                reason: NOT_THE_DOCUMENTED_SHAPE
            }
        );
        assert!(
            read_typed::<User>(br#"{"id":1,"x":{"y":1,"y":2}}"#)
                .unwrap_err()
                .is_repeated_member()
        );
        assert_eq!(read_typed::<User>(br#"{"id":7}"#).unwrap().id, 7);
        assert!(matches!(
            ParseFault::from_json(
                &crate::json::read_object(b"[1]", serde::de::IgnoredAny).unwrap_err()
            ),
            ParseFault::Shape { .. }
        ));
    }

    #[test]
    fn the_error_shows_length_and_content_type_and_keeps_the_body_only_on_request() {
        let body = br#"{"userId":"","email":"leak@example.com"}"#;
        let fault = ParseFault::Shape {
            reason: "`userId` is empty",
        };
        let error = ParseError::new("user info answer", body.len(), fault)
            .answered(200, Some("application/json".to_owned()));
        assert_eq!(
            error.to_string(),
            format!(
                "the user info answer could not be parsed (status 200, {} bytes, application/json)",
                body.len()
            )
        );
        assert_eq!(error.expose_bytes(), None);
        let kept = error.clone().keep_body(body.to_vec());
        assert_eq!(kept.expose_bytes(), Some(&body[..]));
        assert_eq!(kept.expose_text(), Some(std::str::from_utf8(body).unwrap()));
        assert_eq!(error.expose_bytes(), None, "a clone is its own error");
        for error in [&error, &kept] {
            let text = printed(error);
            assert!(!text.contains("leak"), "{text}");
            assert!(text.contains("`userId` is empty"), "{text}");
            assert_eq!(error.status(), Some(200));
            #[cfg(feature = "http")]
            assert_eq!(error.http_status(), Some(reqwest::StatusCode::OK));
            assert_eq!(error.len(), body.len());
            assert_eq!(error.content_type(), Some("application/json"));
            assert_eq!(error.what(), "user info answer");
        }
        let offline = ParseError::new("webhook body", 0, fault);
        assert_eq!(
            offline.to_string(),
            "the webhook body could not be parsed (0 bytes, no content type)"
        );
        assert!(offline.is_empty() && offline.status().is_none());
        assert!(offline.expose_text().is_none());
        let not_utf8 = offline.keep_body(vec![0xff]);
        assert_eq!(not_utf8.expose_bytes(), Some(&[0xff][..]));
        assert_eq!(not_utf8.expose_text(), None);
    }
}
