//! Optional `tracing` spans: one `payway` span per call with the `operation`, the
//! `environment` and, once the call ends, its `outcome`; never a ticket, token, secret or
//! session id (the family's `traced`). Without the `tracing` feature these compile to the
//! bare future.

use std::future::Future;

use crate::environment::Environment;
use crate::error::Error;

/// The outcome of a call whose answer needs no other word.
pub(crate) fn ok<T>(_answer: &T) -> &'static str {
    "ok"
}

#[cfg(feature = "tracing")]
paywall_internal::traced_fn!("payway", Error, error_label);

/// Runs `call` inside a `payway` span and records its outcome (`label` of the answer, or the
/// kind of error) on the span (feature `tracing`; without it, `call` as is).
pub(crate) async fn in_span<T>(
    operation: &'static str,
    environment: Option<Environment>,
    label: fn(&T) -> &'static str,
    call: impl Future<Output = Result<T, Error>>,
) -> Result<T, Error> {
    #[cfg(feature = "tracing")]
    let call = traced(
        operation,
        environment.map_or("custom", Environment::as_str),
        call,
        label,
    );
    #[cfg(not(feature = "tracing"))]
    let _ = (operation, environment, label);
    call.await
}

/// What went wrong, in one word: never a value from the request or the answer.
#[cfg(feature = "tracing")]
fn error_label(error: &Error) -> &'static str {
    match error {
        Error::InvalidInput { .. } => "error:invalid_input",
        Error::Store(_) => "error:store",
        Error::ClientCredentials(_) => "error:client_credentials",
        e if e.is_timeout() => "error:timeout",
        e if e.is_connect() => "error:connect",
        e if e.is_redirect() => "error:redirect",
        Error::BadRequest(_) => "error:bad_request",
        Error::Unauthorized(_) => "error:unauthorized",
        Error::UnexpectedStatus(_) => "error:unexpected_status",
        Error::BodyTooLarge { .. } => "error:body_too_large",
        Error::Parse(_) | Error::InvalidResponse { .. } => "error:parse",
        Error::Sso2Token(_) | Error::TokenTooLarge { .. } => "error:sso2_token",
        Error::ServerToken(inner) => error_label(inner),
        Error::Landing(_) => "error:landing",
        Error::SessionCookie(_) => "error:session_cookie",
        _ => "error:transport",
    }
}
