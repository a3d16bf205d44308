//! The [`SignedWebhook`] extractor: a webhook call of Accesstype whose `X-AT-Signature`
//! matches its raw body.

use std::sync::Arc;

use axum_core::extract::{FromRef, FromRequest, Request};
use bytes::Bytes;
use http::header::CONTENT_LENGTH;
use http::{HeaderMap, StatusCode};
use http_body_util::{BodyExt, LengthLimitError, Limited};

use crate::error::Error;
use crate::webhook::{MAX_WEBHOOK_BODY_BYTES, WebhookEvent};
use crate::webhook_signature::{WEBHOOK_SIGNATURE_HEADER, WebhookSigningKey};

/// A webhook call of Accesstype, signed with the webhook's `Secret`: the extractor reads the
/// raw body (at most [`MAX_WEBHOOK_BODY_BYTES`](crate::MAX_WEBHOOK_BODY_BYTES)), checks its `X-AT-Signature`
/// with the [`WebhookSigningKey`] it takes from the router's state through [`FromRef`], and
/// only then parses it ([`WebhookEvent::from_signed_slice`]).
///
/// It reads the body, so it is the last argument of the handler. A call without a matching
/// signature never reaches the handler: see [`WebhookRejection`] for the answers.
///
/// The signature covers the body only, and Accesstype retries a refused call for a day, so
/// calls arrive late and out of order: never let an event overwrite what one of the same
/// subscription that [occurred](WebhookEvent::occurred_at) later stored.
///
/// ```
/// use accesstype_jwt::axum::SignedWebhook;
/// use accesstype_jwt::{WebhookEventKind, WebhookSigningKey};
/// use axum::http::StatusCode;
/// use axum::{Router, routing::post};
///
/// async fn accesstype_webhook(SignedWebhook(event): SignedWebhook) -> StatusCode {
///     if let Some(subscription) = event.subscription() {
///         // Store what changed (or re-read the subscriber's subscriptions), then answer 2xx.
///         let _ = (event.kind(), subscription.id(), subscription.active());
///     }
///     StatusCode::NO_CONTENT
/// }
///
/// let key = WebhookSigningKey::new("4d1f0c2b9a8e7d6c5b4a39281f0e2d3c4b5a69788f9e0d1c")?;
/// let app: Router = Router::new()
///     .route("/webhooks/accesstype", post(accesstype_webhook))
///     .with_state(key);
/// # Ok::<(), accesstype_jwt::BuildError>(())
/// ```
#[derive(Debug, Clone)]
pub struct SignedWebhook(pub WebhookEvent);

impl<S> FromRequest<S> for SignedWebhook
where
    WebhookSigningKey: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = WebhookRejection;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let (parts, body) = request.into_parts();
        // An unsigned or ambiguously signed call is refused before its body is read.
        let signature = signature(&parts.headers)?;
        let too_large = || {
            WebhookRejection::refused(Error::BodyTooLarge {
                limit: MAX_WEBHOOK_BODY_BYTES,
            })
        };
        let announced = parts
            .headers
            .get(CONTENT_LENGTH)
            .and_then(|value| value.to_str().ok()?.parse::<u64>().ok());
        if announced.is_some_and(|len| len > MAX_WEBHOOK_BODY_BYTES as u64) {
            return Err(too_large());
        }
        let body: Bytes = match Limited::new(body, MAX_WEBHOOK_BODY_BYTES).collect().await {
            Ok(collected) => collected.to_bytes(),
            Err(error) if error.is::<LengthLimitError>() => return Err(too_large()),
            Err(error) => {
                return Err(WebhookRejection {
                    why: Why::Unreadable(Arc::from(error)),
                });
            }
        };
        let key = WebhookSigningKey::from_ref(state);
        WebhookEvent::from_signed_slice(&body, Some(signature), &key)
            .map(SignedWebhook)
            .map_err(WebhookRejection::refused)
    }
}

/// The one `X-AT-Signature` of the request: none is an unsigned call; more than one, or one
/// that is not visible ASCII, is a bad signature.
fn signature(headers: &HeaderMap) -> Result<&str, WebhookRejection> {
    let mut values = headers.get_all(WEBHOOK_SIGNATURE_HEADER).iter();
    let Some(first) = values.next() else {
        return Err(WebhookRejection::refused(Error::MissingWebhookSignature));
    };
    if values.next().is_some() {
        return Err(WebhookRejection::refused(Error::BadWebhookSignature));
    }
    first
        .to_str()
        .map_err(|_| WebhookRejection::refused(Error::BadWebhookSignature))
}

/// Why a [`SignedWebhook`] was refused. As a response it answers with a small JSON body,
/// `{"error": code, "message": sentence}`, and a status that says which:
///
/// | case | status | `error` |
/// | --- | --- | --- |
/// | no `X-AT-Signature` | `401` | `webhook_unsigned` |
/// | a signature that does not match the body (or more than one) | `401` | `webhook_signature_mismatch` |
/// | a body over [`MAX_WEBHOOK_BODY_BYTES`](crate::MAX_WEBHOOK_BODY_BYTES) | `413` | `webhook_too_large` |
/// | a body that broke off | `400` | `webhook_unreadable` |
/// | a signed body that is not the documented payload | `400` | `webhook_invalid` |
///
/// Accesstype retries a call that did not get a `2xx` every hour, up to 24 times, and
/// e-mails the account's admins, so a wrong secret on your side is noticed. Neither the body
/// nor the error holds the header's value or the request's text.
#[derive(Debug, Clone)]
pub struct WebhookRejection {
    why: Why,
}

#[derive(Debug, Clone)]
enum Why {
    /// What [`WebhookEvent::from_signed_slice`] refused, or the body cap.
    Refused(Error),
    /// The body could not be read; shared, so that the rejection clones.
    Unreadable(Arc<dyn std::error::Error + Send + Sync>),
}

impl WebhookRejection {
    fn refused(error: Error) -> Self {
        Self {
            why: Why::Refused(error),
        }
    }

    /// `401`, `413` or `400`, as the table above says.
    #[must_use]
    pub fn status(&self) -> StatusCode {
        self.code_and_status().1
    }

    /// `webhook_unsigned`, `webhook_signature_mismatch`, `webhook_too_large`,
    /// `webhook_unreadable` or `webhook_invalid`.
    #[must_use]
    pub fn code(&self) -> &'static str {
        self.code_and_status().0
    }

    /// Each case's code and status, side by side, so that neither is chosen by the other.
    fn code_and_status(&self) -> (&'static str, StatusCode) {
        match &self.why {
            Why::Refused(Error::MissingWebhookSignature) => {
                ("webhook_unsigned", StatusCode::UNAUTHORIZED)
            }
            Why::Refused(Error::BadWebhookSignature) => {
                ("webhook_signature_mismatch", StatusCode::UNAUTHORIZED)
            }
            Why::Refused(Error::BodyTooLarge { .. }) => {
                ("webhook_too_large", StatusCode::PAYLOAD_TOO_LARGE)
            }
            Why::Unreadable(_) => ("webhook_unreadable", StatusCode::BAD_REQUEST),
            Why::Refused(_) => ("webhook_invalid", StatusCode::BAD_REQUEST),
        }
    }

    /// One sentence: the `message` of the JSON body.
    #[must_use]
    pub fn message(&self) -> &'static str {
        match self.code() {
            "webhook_unsigned" => "The webhook call has no X-AT-Signature header.",
            "webhook_signature_mismatch" => "The webhook call's X-AT-Signature does not match.",
            "webhook_too_large" => "The webhook call's body is too large.",
            "webhook_unreadable" => "The webhook call's body could not be read.",
            _ => "The webhook call's body is not an Accesstype webhook.",
        }
    }

    /// What [`WebhookEvent::from_signed_slice`] refused, or [`Error::BodyTooLarge`]; `None`
    /// when the body could not be read.
    #[must_use]
    pub fn error(&self) -> Option<&Error> {
        match &self.why {
            Why::Refused(error) => Some(error),
            Why::Unreadable(_) => None,
        }
    }
}

paywall_internal::rejection_traits!(WebhookRejection, |this| Some(match &this.why {
    Why::Refused(error) => error as &(dyn std::error::Error + 'static),
    Why::Unreadable(error) => &**error,
}));
