//! The one shape of `Error::Parse` in the family: `ParseError`, with `ParseFault` as its
//! source (`paywall_internal::parse_error`), over the strict reader (a member name repeated
//! at any depth refused); an answer's status, media type and kept body are the shared
//! `Answer`'s. What this crate adds: the typed read of its answers.

use paywall_internal::http::{Answer, ErrorBody};
use paywall_internal::parse_error::{self, NOT_THE_DOCUMENTED_SHAPE, ParseError};
use paywall_internal::redact::Redaction;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::error::Error;

/// `body` (the `what`, `"account"`) read strictly, `unwrap` applied to its value, then read
/// as `T`; a mismatch never quotes `T`'s own message (it can hold a value of the body).
pub(crate) fn read<T: DeserializeOwned>(
    what: &'static str,
    body: &[u8],
    unwrap: impl FnOnce(Value) -> Value,
) -> Result<T, ParseError> {
    parse_error::read(what, body, |value| {
        serde_json::from_value(unwrap(value)).map_err(|_| NOT_THE_DOCUMENTED_SHAPE)
    })
}

/// `error`, when it is the `Error::Parse` of `answer`'s body, as [`Answer::parse_error`]
/// gives it: with the status and media type, every spelling of the request's `secrets` cut
/// out, and the text as `body` says (kept only for an answer that holds no secret of its
/// own: token, ticket and SSO2 answers do, and their text is never kept).
pub(crate) fn answered(error: Error, answer: &Answer, secrets: &[&str], body: ErrorBody) -> Error {
    match error {
        Error::Parse(error) => completed(error, answer, secrets, body),
        other => other,
    }
}

/// [`answered`] for a [`ParseError`] itself.
pub(crate) fn completed(
    error: ParseError,
    answer: &Answer,
    secrets: &[&str],
    body: ErrorBody,
) -> Error {
    Error::Parse(answer.complete(error, &Redaction::of(secrets), body))
}

#[cfg(test)]
mod tests {
    use paywall_internal::parse_error::ParseFault;
    use reqwest::StatusCode;

    use super::*;

    #[test]
    fn a_kept_answer_has_the_token_cut_from_its_text_and_its_media_type() {
        let answer = Answer {
            status: StatusCode::OK,
            content_type: Some("application/x-t0k".to_owned()),
            body: Some(br#"{"echo":"t0k"}"#.to_vec().into()),
        };
        let fault = ParseFault::Shape { reason: "no `id`" };
        let error = Error::Parse(ParseError::new("account", 14, fault));
        let Error::Parse(kept) = answered(error, &answer, &["t0k"], ErrorBody::Kept) else {
            panic!()
        };
        assert_eq!((kept.status(), kept.fault()), (Some(200), &fault));
        assert_eq!(kept.content_type(), Some("application/x-[redacted]"));
        assert_eq!(kept.expose_text(), Some(r#"{"echo":"[redacted]"}"#));
    }
}
