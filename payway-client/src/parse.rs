//! The one shape of `Error::Parse` in the family: `ParseError`, with `ParseFault` as its
//! source (`paywall_internal::parse_error`), over the strict reader (a member name repeated
//! at any depth refused); an answer's status, media type and kept body are the shared
//! `Answer`'s. What this crate adds: the typed read of its answers.

use paywall_internal::http::Answer;
use paywall_internal::parse_error::{NOT_THE_DOCUMENTED_SHAPE, ParseFault, read_value};
use paywall_internal::redact::Redaction;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::error::Error;

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

/// `error`, when it is the `Error::Parse` of `answer`'s body, as [`Answer::parse_error`]
/// gives it: with the status and media type, and only with `keep` (an answer that holds no
/// secret) the text, every spelling of those secrets cut out. Token, ticket and SSO2 answers
/// hold secrets: their text is never kept.
pub(crate) fn answered(error: Error, answer: &Answer, keep: Option<&[&str]>) -> Error {
    match error {
        Error::Parse(error) => {
            let keep = keep.map(Redaction::of);
            Error::Parse(answer.parse_error(error.what(), *error.fault(), keep.as_ref()))
        }
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use paywall_internal::parse_error::ParseError;
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
        let Error::Parse(kept) = answered(error, &answer, Some(&["t0k"])) else {
            panic!()
        };
        assert_eq!((kept.status(), kept.fault()), (Some(200), &fault));
        assert_eq!(kept.content_type(), Some("application/x-[redacted]"));
        assert_eq!(kept.expose_text(), Some(r#"{"echo":"[redacted]"}"#));
    }
}
