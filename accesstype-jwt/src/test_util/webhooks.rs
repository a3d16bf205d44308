//! [`FakeWebhook`]: a webhook call the fake signs as Accesstype does, to post to the
//! application under test.

use std::fmt;
use std::sync::Arc;
use std::time::SystemTime;

use reqwest::StatusCode;
use reqwest::header::CONTENT_TYPE;
use serde_json::{Value, json};
use url::Url;

use crate::error::Error;
use crate::timestamp::format_rfc3339;
use crate::webhook::WebhookEventKind;
use crate::webhook_signature::{WEBHOOK_SIGNATURE_HEADER, WebhookSigningKey};

/// One webhook call, signed by the fake: the body, and its `X-AT-Signature` (the HMAC-SHA256
/// of the body under the fake's webhook secret, in lowercase hex, as Accesstype sends it).
///
/// Get one from [`FakeAccesstype::webhook`](crate::test_util::FakeAccesstype::webhook) and
/// [`post`](Self::post) it to your application, or hand [`body`](Self::body) and
/// [`signature`](Self::signature) to your handler directly.
#[derive(Clone)]
pub struct FakeWebhook {
    kind: WebhookEventKind,
    body: Vec<u8>,
    signature: String,
}

impl FakeWebhook {
    /// The call of `kind` with `data` as its payload's `data`, signed with `key`.
    pub(crate) fn new(key: &WebhookSigningKey, kind: WebhookEventKind, data: Value) -> Self {
        let payload = json!({
            "event": kind.as_str(),
            "event_timestamp": format_rfc3339(SystemTime::now()),
            "data": data,
        });
        let body = payload.to_string().into_bytes();
        let signature = key.signature(&body);
        Self {
            kind,
            body,
            signature,
        }
    }

    /// The event it carries.
    #[must_use]
    pub fn kind(&self) -> &WebhookEventKind {
        &self.kind
    }

    /// The request body, as it is signed.
    #[must_use]
    pub fn body(&self) -> &[u8] {
        &self.body
    }

    /// The `X-AT-Signature` value: the body's HMAC-SHA256 in lowercase hex.
    #[must_use]
    pub fn signature(&self) -> &str {
        &self.signature
    }

    /// Posts the call to `url` as Accesstype does: `POST`, `Content-Type: application/json`,
    /// `X-AT-Signature`, the body. Redirects are not followed. Gives the status your
    /// application answered.
    ///
    /// # Errors
    ///
    /// [`Error::Transport`] when no answer came.
    pub async fn post(&self, url: &Url) -> Result<StatusCode, Error> {
        let transport = |error: reqwest::Error| Error::Transport(Arc::new(error.without_url()));
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(transport)?;
        let response = http
            .post(url.clone())
            .header(CONTENT_TYPE, "application/json")
            .header(WEBHOOK_SIGNATURE_HEADER, &self.signature)
            .body(self.body.clone())
            .send()
            .await
            .map_err(transport)?;
        Ok(response.status())
    }
}

impl fmt::Debug for FakeWebhook {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FakeWebhook")
            .field("kind", &self.kind)
            .field("body_len", &self.body.len())
            .finish_non_exhaustive()
    }
}
