//! The `tracing` feature: one span per client call, with the operation, the environment and
//! the outcome. Never the API key, the account key, a user JWT, a reader id or a story id.

use std::future::Future;

use paywall_internal::http;
use tracing::field::Empty;

use crate::error::Error;
use crate::grant::AccessGrant;

/// Runs `call` inside an `accesstype` span and records its outcome on the span.
pub(crate) async fn traced<T>(
    operation: &'static str,
    environment: &'static str,
    call: impl Future<Output = Result<T, Error>>,
    label: fn(&T) -> &'static str,
) -> Result<T, Error> {
    let span = tracing::info_span!("accesstype", operation, environment, outcome = Empty);
    let parent = span.clone();
    http::traced(span, call, |result| match result {
        Ok(answer) => label(answer),
        Err(error) => {
            if matches!(error.status().map(|s| s.as_u16()), Some(401 | 403)) {
                // Every read fails the same way until the configuration is fixed.
                tracing::error!(
                    parent: &parent,
                    "accesstype refused the request: check the api key and the account key"
                );
            }
            error_label(error)
        }
    })
    .await
}

/// What a grant says, in one word.
pub(crate) fn grant_label(grant: &AccessGrant) -> &'static str {
    match (grant.granted(), grant.is_metered()) {
        (true, true) => "granted:metered",
        (true, false) => "granted",
        (false, _) => "denied",
    }
}

/// A metered story served although its pingback failed (the insecure opt-out).
pub(crate) fn served_without_pingback(error: &Error) {
    tracing::warn!(
        reason = error_label(error),
        "served a metered story whose pingback failed; the read was not counted"
    );
}

fn error_label(error: &Error) -> &'static str {
    match error {
        Error::PingbackFailed(_) => "error:pingback",
        Error::InvalidStoryId
        | Error::TokenTooLarge { .. }
        | Error::InvalidSubscriberIdentity { .. } => "error:invalid_input",
        e if e.is_timeout() => "error:timeout",
        e if e.is_connect() => "error:connect",
        e if e.is_redirect() => "error:redirect",
        Error::UnexpectedStatus { .. } => "error:unexpected_status",
        Error::BodyTooLarge { .. } => "error:body_too_large",
        Error::Parse(_) => "error:parse",
        _ => "error:transport",
    }
}
