//! [`TicketReturn`]: the return from Tulo Shop as an extractor.

use std::ops::Deref;

use axum_core::extract::{FromRef, FromRequestParts, OptionalFromRequestParts};
use axum_core::response::{IntoResponse, Response};
use http::StatusCode;
use http::request::Parts;

use super::rejection::json_rejection;
use crate::callback::{CallbackError, ReturnPolicy, TicketCallback};

/// A reader back from Tulo Shop: the ticket, and a return URL the [`ReturnPolicy`] allows.
///
/// Derefs to [`TicketCallback`]. As `Option<TicketReturn>`, a request without a `ticket`
/// parameter is `None` (the same page can serve readers with and without one); anything
/// else that is wrong is still a [`TicketReturnRejection`].
#[derive(Debug, Clone)]
pub struct TicketReturn(pub TicketCallback);

impl TicketReturn {
    /// The callback, by value.
    pub fn into_inner(self) -> TicketCallback {
        self.0
    }
}

impl Deref for TicketReturn {
    type Target = TicketCallback;

    fn deref(&self) -> &TicketCallback {
        &self.0
    }
}

fn extract(parts: &Parts, policy: &ReturnPolicy) -> Result<TicketCallback, CallbackError> {
    TicketCallback::from_query(parts.uri.query().unwrap_or_default(), policy)
}

impl<S> FromRequestParts<S> for TicketReturn
where
    ReturnPolicy: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = TicketReturnRejection;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let policy = ReturnPolicy::from_ref(state);
        extract(parts, &policy)
            .map(TicketReturn)
            .map_err(TicketReturnRejection)
    }
}

impl<S> OptionalFromRequestParts<S> for TicketReturn
where
    ReturnPolicy: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = TicketReturnRejection;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &S,
    ) -> Result<Option<Self>, Self::Rejection> {
        let policy = ReturnPolicy::from_ref(state);
        match extract(parts, &policy) {
            Ok(callback) => Ok(Some(TicketReturn(callback))),
            Err(CallbackError::MissingTicket) => Ok(None),
            Err(error) => Err(TicketReturnRejection(error)),
        }
    }
}

/// Why a request is not a return from the shop: answered `400 Bad Request` with
/// `Content-Type: application/json` and `{"error": "<code>", "message": "<sentence>"}`.
///
/// The body never holds the ticket or the refused return URL. Map it to your own page with
/// [`status`](Self::status), [`code`](Self::code), [`message`](Self::message) and
/// [`reason`](Self::reason). `Display` prints the message;
/// [`source`](std::error::Error::source) is the [`CallbackError`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TicketReturnRejection(CallbackError);

impl TicketReturnRejection {
    /// Always `400 Bad Request`.
    pub fn status(&self) -> StatusCode {
        StatusCode::BAD_REQUEST
    }

    /// The snake_case code of the JSON body: `missing_ticket`, `duplicate_parameter`,
    /// `malformed_ticket`, `query_too_long` or `return_url_refused`.
    pub fn code(&self) -> &'static str {
        match self.0 {
            CallbackError::MissingTicket => "missing_ticket",
            CallbackError::Duplicate => "duplicate_parameter",
            CallbackError::MalformedTicket => "malformed_ticket",
            CallbackError::QueryTooLong => "query_too_long",
            CallbackError::ReturnUrlRefused => "return_url_refused",
        }
    }

    /// What [`TicketCallback`] refused.
    pub fn reason(&self) -> &CallbackError {
        &self.0
    }

    /// One sentence for the reader: the `message` of the JSON body.
    #[must_use]
    pub fn message(&self) -> &'static str {
        match self.0 {
            CallbackError::MissingTicket => "The address has no login ticket.",
            CallbackError::Duplicate => "The address repeats the ticket or the return address.",
            CallbackError::MalformedTicket => "The login ticket is not valid.",
            CallbackError::QueryTooLong => "The address is too long.",
            CallbackError::ReturnUrlRefused => "The return address is not allowed.",
        }
    }
}

impl std::fmt::Display for TicketReturnRejection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.message())
    }
}

impl std::error::Error for TicketReturnRejection {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.0)
    }
}

impl IntoResponse for TicketReturnRejection {
    fn into_response(self) -> Response {
        json_rejection(self.status(), self.code(), self.message())
    }
}
