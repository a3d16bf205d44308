//! Accesstype's outgoing webhooks (Settings > Outgoing webhooks): the payload it posts when a
//! subscription or a subscriber changes, `{"event", "event_timestamp", "data"}`, in both
//! shapes its documentation shows. Signed calls are checked in `webhook_signature`.

use std::fmt;
use std::time::SystemTime;

use paywall_internal::json::StrictValue;
use paywall_internal::parse_error::read;
use serde::de::{self, DeserializeSeed};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

use crate::error::Error;
use crate::grant::open_string_enum;
use crate::subscriber_identity::SubscriberIdentity;
use crate::subscription::{Subscription, identities_in};
use crate::timestamp::parse_rfc3339;

/// The largest webhook request body this crate reads, in bytes (1 MiB, axum's own default
/// is 2 MB). A webhook carries the whole subscription, its invoices included, which grows with
/// a long-lived subscriber; Accesstype disables a webhook whose calls keep failing, so the cap
/// is set far above any real payload rather than at the 64 KiB of an answer
/// ([`MAX_BODY_BYTES`](crate::MAX_BODY_BYTES)).
pub const MAX_WEBHOOK_BODY_BYTES: usize = 1024 * 1024;

/// One webhook call of Accesstype: which event, when, and what it is about.
///
/// Check a signed call with [`from_signed_slice`](Self::from_signed_slice) (the webhook has a
/// `Secret`); parse an unsigned one with [`from_slice`](Self::from_slice) behind a
/// [`WebhookSecret`](crate::WebhookSecret). Since the event changes what a reader may read, a
/// member given twice at any depth makes it unreadable. Events this version does not know
/// are kept as [`WebhookEventKind::Other`], with their payload; [`subscription`](Self::subscription)
/// reads both payload shapes.
///
/// `Debug` shows the event, the timestamp, the names of the members of `data` and the
/// subscription's own `Debug`, which leaves out personal data.
///
/// ```
/// use accesstype_jwt::{WebhookEvent, WebhookEventKind};
///
/// let body = br#"{
///   "event": "subscription.activated",
///   "event_timestamp": "2024-05-02T09:41:07.512Z",
///   "data": {
///     "id": 88213, "subscriber_id": 5567, "status": "active", "active": true,
///     "plan_name": "Monthly Digital", "group_name": "Digital",
///     "subscriber": {"id": 5567, "subscriber_identities": [{"provider": "email", "value": "asha@example.com"}]}
///   }
/// }"#;
/// let event = WebhookEvent::from_slice(body)?;
/// assert_eq!(event.kind(), &WebhookEventKind::SubscriptionActivated);
/// let subscription = event.subscription().ok_or("no subscription")?;
/// assert_eq!((subscription.id(), subscription.active()), (Some(88213), Some(true)));
/// assert_eq!(subscription.subscriber_identities()[0].value(), "asha@example.com");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct WebhookEvent {
    kind: WebhookEventKind,
    event_timestamp: Option<String>,
    data: Data,
}

/// `data`, in the shape it came in.
#[derive(Clone, PartialEq, Eq)]
enum Data {
    /// Today's documentation: `data` is the subscription.
    Subscription(Subscription),
    /// The older example: `data` as sent, and a copy of `data.subscription`.
    Wrapped {
        data: Map<String, Value>,
        subscription: Subscription,
    },
    /// No subscription: `subscriber.creation` (whose `data` is the subscriber), or an event
    /// about something else.
    Other(Map<String, Value>),
}

impl WebhookEvent {
    /// Parses a webhook request body of at most [`MAX_WEBHOOK_BODY_BYTES`], without a signature: for a
    /// webhook configured without a `Secret`, behind a [`WebhookSecret`](crate::WebhookSecret).
    /// A signed webhook is read with [`from_signed_slice`](Self::from_signed_slice).
    ///
    /// # Errors
    ///
    /// [`Error::BodyTooLarge`] for a larger body (not parsed); [`Error::Parse`] when it is
    /// not JSON, repeats a member at any depth, or is not an object with a string `event` and
    /// an object `data`. The error holds none of the body's text.
    pub fn from_slice(body: &[u8]) -> Result<Self, Error> {
        if body.len() > MAX_WEBHOOK_BODY_BYTES {
            return Err(Error::BodyTooLarge {
                limit: MAX_WEBHOOK_BODY_BYTES,
            });
        }
        read("webhook", body, |value| {
            Self::from_value(value).map_err(|_| "not the documented webhook payload")
        })
        .map_err(Error::Parse)
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
        let kind = WebhookEventKind::from(wire.event);
        let data = match wire.data.get("subscription") {
            Some(Value::Object(inner)) => Data::Wrapped {
                subscription: Subscription::from_members(inner.clone()),
                data: wire.data,
            },
            _ if kind.is_about_a_subscription() && !wire.data.is_empty() => {
                Data::Subscription(Subscription::from_members(wire.data))
            }
            _ => Data::Other(wire.data),
        };
        Ok(Self {
            kind,
            event_timestamp: wire.event_timestamp,
            data,
        })
    }

    /// The event (`event`), e.g. [`WebhookEventKind::SubscriptionRenewal`].
    #[must_use]
    pub fn kind(&self) -> &WebhookEventKind {
        &self.kind
    }

    /// When the event occurred, as Accesstype wrote it (`event_timestamp`, an ISO 8601 UTC
    /// time such as `2019-06-16T14:04:39.836Z`).
    #[must_use]
    pub fn event_timestamp(&self) -> Option<&str> {
        self.event_timestamp.as_deref()
    }

    /// [`event_timestamp`](Self::event_timestamp) as a time, when it is an RFC 3339 time
    /// after 1970.
    #[must_use]
    pub fn occurred_at(&self) -> Option<SystemTime> {
        parse_rfc3339(self.event_timestamp.as_deref()?)
    }

    /// `data` as sent: the subscription itself (today's documentation), an object holding it
    /// as `subscription` (the older example), or the subscriber (`subscriber.creation`).
    #[must_use]
    pub fn data(&self) -> &Map<String, Value> {
        match &self.data {
            Data::Subscription(subscription) => subscription.members(),
            Data::Wrapped { data, .. } | Data::Other(data) => data,
        }
    }

    /// The subscription the event is about: `data.subscription` when it is an object (the
    /// older example), otherwise `data` itself for a `subscription.*` event (today's
    /// documentation). `None` for `subscriber.creation`, other events, and an empty `data`.
    #[must_use]
    pub fn subscription(&self) -> Option<&Subscription> {
        match &self.data {
            Data::Subscription(subscription) | Data::Wrapped { subscription, .. } => {
                Some(subscription)
            }
            Data::Other(_) => None,
        }
    }

    /// The identities of the subscriber the event is about (`subscriber_identities`, each a
    /// `{provider, value}`): those of the subscription's `subscriber`, or of `data` itself for
    /// `subscriber.creation`. Entries that are not usable identities (see
    /// [`SubscriberIdentity::new`]) are left out.
    #[must_use]
    pub fn subscriber_identities(&self) -> Vec<SubscriberIdentity> {
        match (&self.data, &self.kind) {
            (Data::Other(data), WebhookEventKind::SubscriberCreation) => {
                identities_in(data.get("subscriber_identities"))
            }
            _ => self
                .subscription()
                .map(Subscription::subscriber_identities)
                .unwrap_or_default(),
        }
    }
}

impl Serialize for WebhookEvent {
    /// `{"event", "event_timestamp", "data"}`, `data` as it came.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("event", self.kind.as_str())?;
        if let Some(timestamp) = &self.event_timestamp {
            map.serialize_entry("event_timestamp", timestamp)?;
        }
        map.serialize_entry("data", self.data())?;
        map.end()
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
            .field("kind", &self.kind)
            .field("event_timestamp", &self.event_timestamp)
            .field("data_members", &self.data().keys().collect::<Vec<_>>())
            .field("subscription", &self.subscription())
            .finish()
    }
}

open_string_enum! {
    /// The name of a webhook event (`event`).
    ///
    /// The names Accesstype documents, and the older example's `subscription.created`; every
    /// other name arrives as [`Other`](Self::Other), with its payload, so that no event is lost
    /// to a version of this crate that does not know it.
    pub enum WebhookEventKind {
        /// `subscription.creation`: a subscription was created (it may wait for payment).
        SubscriptionCreation => "subscription.creation",
        /// `subscription.activated`: a subscription became active.
        SubscriptionActivated => "subscription.activated",
        /// `subscription.renewal`: a subscription was renewed.
        SubscriptionRenewal => "subscription.renewal",
        /// `subscription.cancellation`: a subscription was cancelled.
        SubscriptionCancellation => "subscription.cancellation",
        /// `subscription.expiry`: a subscription expired.
        SubscriptionExpiry => "subscription.expiry",
        /// `subscription.entered_grace_period`: a subscription's renewal is late, within its
        /// grace period.
        SubscriptionEnteredGracePeriod => "subscription.entered_grace_period",
        /// `subscription.expiry_reminder`: a subscription will expire soon.
        SubscriptionExpiryReminder => "subscription.expiry_reminder",
        /// `subscriber.creation`: a subscriber was created; `data` is the subscriber.
        SubscriberCreation => "subscriber.creation",
        /// `subscription.created`: the older example's name for a new subscription.
        SubscriptionCreated => "subscription.created",
    }
}

impl WebhookEventKind {
    /// Whether the name is `subscription.` and more: the events whose `data` is a
    /// subscription.
    #[must_use]
    pub fn is_about_a_subscription(&self) -> bool {
        self.as_str()
            .strip_prefix("subscription.")
            .is_some_and(|rest| !rest.is_empty())
    }
}

impl From<&str> for WebhookEventKind {
    fn from(name: &str) -> Self {
        Self::from(name.to_owned())
    }
}
