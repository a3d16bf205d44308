//! The `tracing` feature: one `tiun` span per call, carrying the operation, the environment and
//! the outcome (the family's `traced`). Never the API key, never a session id, user id or
//! token.

use crate::error::Error;

paywall_internal::traced_fn!("tiun", Error, error_label);

fn error_label(error: &Error) -> &'static str {
    match error {
        Error::InvalidInput { .. } => "error:invalid_input",
        e if e.is_timeout() => "error:timeout",
        e if e.is_connect() => "error:connect",
        Error::BodyTooLarge { .. } => "error:body_too_large",
        Error::Parse { .. } => "error:parse",
        e if e.is_redirect() => "error:redirect",
        Error::UnexpectedStatus { .. } => "error:unexpected_status",
        _ => "error:transport",
    }
}
