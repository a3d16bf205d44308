//! The `tracing` feature: one span per client call, with the operation, the environment and
//! the outcome. Never the API key, the account key, a user JWT, a reader id or a story id.

use crate::error::Error;
use crate::grant::AccessGrant;

paywall_internal::traced_fn!("accesstype", Error, failed);

/// The outcome of a failed call; a refused key is also logged (in the call's span), since
/// every read fails the same way until the configuration is fixed.
fn failed(error: &Error) -> &'static str {
    if matches!(error.status().map(|s| s.as_u16()), Some(401 | 403)) {
        tracing::error!("accesstype refused the request: check the api key and the account key");
    }
    error_label(error)
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
        Error::InvalidInput { .. } | Error::TokenTooLarge { .. } => "error:invalid_input",
        e if e.is_timeout() => "error:timeout",
        e if e.is_connect() => "error:connect",
        e if e.is_redirect() => "error:redirect",
        Error::UnexpectedStatus { .. } => "error:unexpected_status",
        Error::BodyTooLarge { .. } => "error:body_too_large",
        Error::Parse(_) => "error:parse",
        _ => "error:transport",
    }
}
