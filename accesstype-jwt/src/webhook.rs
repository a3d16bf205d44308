//! Accesstype's outgoing webhooks: the payload it posts when a subscription changes, and a
//! constant-time check of the shared secret your endpoint should demand.
//!
//! Accesstype posts `{"event", "event_timestamp", "data": {"subscription": {...}}}` to the URL
//! configured under Settings > Outgoing webhooks, retries every hour on a non-`2xx` answer
//! (up to 24 times) and disables the webhook after repeated failures. It documents no
//! signature scheme: the payload is not signed. See [`WebhookSecret`] for how to keep forged
//! calls out.

use std::fmt;

use hmac::{KeyInit, Mac};
use secrecy::{ExposeSecret, SecretString};
use serde::de::{self, DeserializeSeed};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};
use sha2::Sha256;

use crate::builder::MIN_SECRET_BYTES;
use crate::error::{BuildError, Error};
use crate::grant::MAX_BODY_BYTES;
use crate::json::{self, StrictValue};

/// One webhook call of Accesstype: which event, when, and the subscription it is about.
///
/// Parse the request body with [`WebhookEvent::from_slice`]: at most
/// [`MAX_BODY_BYTES`](crate::MAX_BODY_BYTES), and, since the event changes what a reader may
/// read, a member given twice at any depth makes it unreadable. Events this version does not
/// know are kept as [`WebhookEventKind::Other`], with the same payload.
///
/// `Debug` shows the event and the timestamp, and only the member names of the subscription,
/// which holds personal data.
///
/// ```
/// use accesstype_jwt::{WebhookEvent, WebhookEventKind};
///
/// let body = br#"{
///   "event": "subscription.created",
///   "event_timestamp": "2019-06-16T14:04:39.836Z",
///   "data": {"subscription": {"id": 1421, "status": "active", "subscriber_id": 77}}
/// }"#;
/// let event = WebhookEvent::from_slice(body)?;
/// assert_eq!(event.event, WebhookEventKind::SubscriptionCreated);
/// assert_eq!(event.event_timestamp.as_deref(), Some("2019-06-16T14:04:39.836Z"));
/// let subscription = event.subscription().ok_or("no subscription")?;
/// assert_eq!(subscription.get("status").and_then(|s| s.as_str()), Some("active"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, PartialEq, Eq, Serialize)]
pub struct WebhookEvent {
    /// The event's name (`event`), e.g. `subscription.created`.
    pub event: WebhookEventKind,
    /// When the event occurred, as Accesstype wrote it (`event_timestamp`, an ISO 8601 UTC
    /// time such as `2019-06-16T14:04:39.836Z`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub event_timestamp: Option<String>,
    /// The resource the event is about (`data`): `subscription`, and anything else kept as
    /// sent.
    pub data: Map<String, Value>,
}

impl WebhookEvent {
    /// Parses a webhook request body of at most [`MAX_BODY_BYTES`].
    ///
    /// # Errors
    ///
    /// [`Error::BodyTooLarge`] for a larger body (not parsed); [`Error::Parse`] when it is
    /// not JSON, repeats a member at any depth, or is not an object with a string `event` and
    /// an object `data`. The error holds none of the body's text.
    pub fn from_slice(body: &[u8]) -> Result<Self, Error> {
        let parse_error = |reason| Error::Parse {
            what: "webhook",
            reason,
            len: body.len(),
        };
        if body.len() > MAX_BODY_BYTES {
            return Err(Error::BodyTooLarge {
                limit: MAX_BODY_BYTES,
            });
        }
        let value = json::strict_value(body).map_err(|error| {
            parse_error(if json::is_syntax(&error) {
                "not JSON"
            } else {
                json::REPEATED_MEMBER
            })
        })?;
        Self::from_value(value).map_err(|_| parse_error("not the documented webhook payload"))
    }

    fn from_value(value: Value) -> Result<Self, serde_json::Error> {
        #[derive(Deserialize)]
        struct Wire {
            event: String,
            #[serde(default)]
            event_timestamp: Option<String>,
            data: Map<String, Value>,
        }
        let wire = Wire::deserialize(value)?;
        Ok(Self {
            event: WebhookEventKind::from(wire.event),
            event_timestamp: wire.event_timestamp,
            data: wire.data,
        })
    }

    /// `data.subscription`, when it is an object.
    #[must_use]
    pub fn subscription(&self) -> Option<WebhookSubscription<'_>> {
        self.data
            .get("subscription")?
            .as_object()
            .map(WebhookSubscription)
    }
}

impl<'de> Deserialize<'de> for WebhookEvent {
    /// Reads the whole value first, refusing a repeated member at any depth, then its fields.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = StrictValue.deserialize(deserializer)?;
        Self::from_value(value).map_err(de::Error::custom)
    }
}

impl fmt::Debug for WebhookEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WebhookEvent")
            .field("event", &self.event)
            .field("event_timestamp", &self.event_timestamp)
            .field("data_members", &self.data.keys().collect::<Vec<_>>())
            .field("subscription", &self.subscription())
            .finish()
    }
}

/// The subscription object of a webhook (`data.subscription`), as Accesstype sent it.
///
/// Accesstype's webhook documentation does not list its members, so they are read by name
/// with [`get`](Self::get). `Debug` shows only the member names: the object holds personal
/// data.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct WebhookSubscription<'a>(&'a Map<String, Value>);

impl<'a> WebhookSubscription<'a> {
    /// A member by name.
    #[must_use]
    pub fn get(&self, name: &str) -> Option<&'a Value> {
        self.0.get(name)
    }

    /// Every member, as sent.
    #[must_use]
    pub fn members(&self) -> &'a Map<String, Value> {
        self.0
    }
}

impl fmt::Debug for WebhookSubscription<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("WebhookSubscription")
            .field(&self.0.keys().collect::<Vec<_>>())
            .finish()
    }
}

/// The name of a webhook event (`event`).
///
/// Accesstype's documentation names one event, `subscription.created`; its dashboard offers
/// others, whose names arrive as [`Other`](Self::Other), with the same payload shape, so that
/// no event is lost to a version of this crate that does not know it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(into = "String")]
#[non_exhaustive]
pub enum WebhookEventKind {
    /// `subscription.created`: a reader's subscription was created.
    SubscriptionCreated,
    /// An event this version does not know, kept as sent.
    Other(String),
}

impl WebhookEventKind {
    /// The wire name.
    #[must_use]
    pub fn as_str(&self) -> &str {
        match self {
            Self::SubscriptionCreated => "subscription.created",
            Self::Other(name) => name,
        }
    }
}

impl From<String> for WebhookEventKind {
    fn from(name: String) -> Self {
        match name.as_str() {
            "subscription.created" => Self::SubscriptionCreated,
            _ => Self::Other(name),
        }
    }
}

impl From<WebhookEventKind> for String {
    fn from(kind: WebhookEventKind) -> Self {
        match kind {
            WebhookEventKind::Other(name) => name,
            known => known.as_str().to_owned(),
        }
    }
}

impl fmt::Display for WebhookEventKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The shared secret that tells Accesstype's webhook calls from forged ones, compared in
/// constant time.
///
/// **Accesstype does not sign its webhooks.** Its dashboard takes an optional secret but
/// documents neither where it is sent nor any signature, so anyone who learns the endpoint's
/// URL can post a `subscription.created` for any reader. Until Accesstype documents a
/// scheme, put a long random secret where only Accesstype has it, and refuse every call
/// without it:
///
/// - **a secret path** (the usual choice, since the URL is all Accesstype's settings take):
///   configure `https://news.example.com/webhooks/accesstype/{secret}` and check the last
///   segment with [`matches`](Self::matches);
/// - **a shared-secret header**, when a proxy in front of your endpoint can add one.
///
/// Either way, answer `2xx` only once the event is stored, since Accesstype retries the
/// others; and treat the payload as a hint to refetch the subscription from Accesstype's
/// API rather than as the truth, if your threat model needs it.
///
/// ```
/// use accesstype_jwt::WebhookSecret;
///
/// let secret = WebhookSecret::new("c8f1e2d3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9")?;
/// assert!(secret.matches("c8f1e2d3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9"));
/// assert!(!secret.matches("c8f1e2d3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d8"));
/// assert!(!secret.matches(""));
/// assert_eq!(format!("{secret:?}"), "WebhookSecret([redacted])");
/// # Ok::<(), accesstype_jwt::BuildError>(())
/// ```
#[derive(Clone)]
pub struct WebhookSecret {
    secret: SecretString,
    /// The HMAC of the secret under a per-process key, compared with that of the candidate.
    tag: [u8; 32],
    key: [u8; 32],
}

impl WebhookSecret {
    /// A secret of at least [`MIN_SECRET_BYTES`] (32) bytes: generate it randomly, for
    /// instance 20 random bytes as 40 hex characters.
    ///
    /// # Errors
    ///
    /// [`BuildError::EmptySecret`] or [`BuildError::ShortSecret`]: a secret that could be
    /// guessed would let anyone post subscription events.
    pub fn new(secret: impl Into<SecretString>) -> Result<Self, BuildError> {
        let secret = secret.into();
        let len = secret.expose_secret().len();
        if len == 0 {
            return Err(BuildError::EmptySecret);
        }
        if len < MIN_SECRET_BYTES {
            return Err(BuildError::ShortSecret {
                len,
                min: MIN_SECRET_BYTES,
            });
        }
        let mut key = [0_u8; 32];
        // Without randomness the key is fixed; the comparison stays constant-time either way.
        let _ = getrandom::fill(&mut key);
        let tag = hmac_tag(&key, secret.expose_secret().as_bytes());
        Ok(Self { secret, tag, key })
    }

    /// Whether `candidate` (a path segment, a header value) is the secret. Both are hashed
    /// first and the hashes compared in constant time, so the time taken tells nothing about
    /// how much of a guess was right, nor the secret's length.
    #[must_use]
    pub fn matches(&self, candidate: &str) -> bool {
        let Ok(mut mac) = hmac::Hmac::<Sha256>::new_from_slice(&self.key) else {
            return false;
        };
        mac.update(candidate.as_bytes());
        mac.verify_slice(&self.tag).is_ok()
    }

    /// The secret, to build the URL you configure in Accesstype's dashboard. Keep it out of
    /// logs.
    #[must_use]
    pub fn expose_secret(&self) -> &str {
        self.secret.expose_secret()
    }
}

fn hmac_tag(key: &[u8; 32], message: &[u8]) -> [u8; 32] {
    let mut tag = [0_u8; 32];
    if let Ok(mut mac) = hmac::Hmac::<Sha256>::new_from_slice(key) {
        mac.update(message);
        tag.copy_from_slice(&mac.finalize().into_bytes());
    }
    tag
}

impl fmt::Debug for WebhookSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("WebhookSecret([redacted])")
    }
}
