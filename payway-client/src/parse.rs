//! The one shape of `Error::Parse` in the family: `ParseError`, with `ParseFault` as its
//! source (`paywall_internal::parse_error`), over the strict reader (a member name repeated
//! at any depth refused). What this crate adds: the wrapping of its answers.

use paywall_internal::parse_error::{NOT_THE_DOCUMENTED_SHAPE, ParseError, ParseFault, read_value};
use paywall_internal::redact::Redaction;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::error::Error;
use crate::http::Received;

/// `body` read strictly, `unwrap` applied to its value, then read as `T`; a mismatch never
/// quotes `T`'s own message (it can hold a value of the body).
pub(crate) fn read<T: DeserializeOwned>(
    body: &[u8],
    unwrap: impl FnOnce(Value) -> Value,
) -> Result<T, ParseFault> {
    read_value(body, |value| {
        serde_json::from_value(unwrap(value)).map_err(|_| NOT_THE_DOCUMENTED_SHAPE)
    })
}

/// The `Error::Parse` of a `what` of `body`: its length, never its text (token, ticket and
/// SSO2 answers hold secrets).
pub(crate) fn withheld(what: &'static str, body: &[u8], fault: ParseFault) -> Error {
    Error::Parse(ParseError::new(what, body.len(), fault))
}

/// `error` with the status and media type of the answer it came from.
pub(crate) fn answered(error: Error, received: &Received) -> Error {
    match error {
        Error::Parse(parse) => {
            Error::Parse(parse.answered(received.status.as_u16(), received.content_type.clone()))
        }
        other => other,
    }
}

/// `error` of an answer that holds no secret, with its status, its media type and its text
/// (every spelling of `secrets` cut out), for [`ParseError::expose_text`].
pub(crate) fn kept(error: ParseError, received: &Received, secrets: &[&str]) -> Error {
    let text = Redaction::of(secrets).bytes(&received.bytes).into_owned();
    Error::Parse(
        error
            .answered(received.status.as_u16(), received.content_type.clone())
            .keep_body(text),
    )
}
