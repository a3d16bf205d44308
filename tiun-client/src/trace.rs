//! The `tracing` feature: one span per call, carrying the operation, the environment and the
//! outcome. Never the API key, never a session id, user id or token.

use std::future::Future;

use tracing::field::Empty;

use crate::error::Error;

/// Runs `call` inside a `tiun` span and records its outcome on the span.
pub(crate) async fn traced<T>(
    operation: &'static str,
    environment: &'static str,
    call: impl Future<Output = Result<T, Error>>,
    label: fn(&T) -> &'static str,
) -> Result<T, Error> {
    let span = tracing::info_span!("tiun", operation, environment, outcome = Empty);
    paywall_internal::http::traced(span, call, |result| match result {
        Ok(answer) => label(answer),
        Err(error) => error_label(error),
    })
    .await
}

fn error_label(error: &Error) -> &'static str {
    match error {
        Error::InvalidSessionId(_) | Error::InvalidUserId(_) | Error::InvalidUserToken(_) => {
            "error:invalid_input"
        }
        e if e.is_timeout() => "error:timeout",
        e if e.is_connect() => "error:connect",
        Error::BodyTooLarge { .. } => "error:body_too_large",
        Error::Parse { .. } => "error:parse",
        e if e.is_redirect() => "error:redirect",
        Error::UnexpectedStatus { .. } => "error:unexpected_status",
        _ => "error:transport",
    }
}
