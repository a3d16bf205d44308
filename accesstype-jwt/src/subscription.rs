//! [`Subscription`]: a reader's subscription as Accesstype sends it, in a webhook and in the
//! answer of `GET /api/v1/subscribers/{provider}/{identity}/subscriptions.json`.

use std::fmt;
use std::time::SystemTime;

use paywall_internal::json::StrictValue;
use serde::de::{self, DeserializeSeed};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};

use crate::subscriber_identity::SubscriberIdentity;
use crate::timestamp::parse_rfc3339;

/// A reader's subscription, as Accesstype sends it: the `data` of a `subscription.*` webhook
/// (or its `data.subscription`), and each item of
/// [`AccesstypeClient::subscriptions`](crate::AccesstypeClient::subscriptions).
///
/// The members a backend acts on have typed accessors; every member, typed or not, stays
/// readable with [`get`](Self::get). An accessor gives `None` when the member is absent, `null`
/// or of another type.
///
/// `Debug` shows the typed members (id, status, `active`, plan, group, times, assets) and the
/// names of the others, never the subscriber's identities (only their providers), e-mail
/// addresses, names or payment details.
///
/// ```
/// use accesstype_jwt::Subscription;
///
/// let subscription: Subscription = serde_json::from_str(r#"{
///   "id": 88213, "subscriber_id": 5567, "subscription_plan_id": 412,
///   "status": "active", "active": true,
///   "plan_name": "Monthly Digital", "group_name": "Digital",
///   "start_timestamp": "2024-05-02T09:41:07.512Z", "end_timestamp": "2024-06-02T09:41:07.512Z",
///   "assets": [{"title": "All stories", "type": "site", "metadata": {"access_level": 1000}}],
///   "preferred_identity": {"provider": "email", "value": "asha@example.com"},
///   "subscriber": {"id": 5567, "subscriber_identities": [{"provider": "email", "value": "asha@example.com"}]}
/// }"#)?;
/// assert_eq!(subscription.plan_name(), Some("Monthly Digital"));
/// assert_eq!(subscription.assets().next().and_then(|asset| asset.access_level()), Some(1000));
/// assert!(subscription.ends_at() > subscription.starts_at());
/// assert!(!format!("{subscription:?}").contains("asha@example.com"));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Subscription {
    members: Map<String, Value>,
}

impl Subscription {
    pub(crate) fn from_members(members: Map<String, Value>) -> Self {
        Self { members }
    }

    /// The members, to change (the fake's subscriptions change status).
    #[cfg(feature = "test-util")]
    pub(crate) fn members_mut(&mut self) -> &mut Map<String, Value> {
        &mut self.members
    }

    /// `id`: the subscription's id at Accesstype.
    #[must_use]
    pub fn id(&self) -> Option<u64> {
        self.members.get("id")?.as_u64()
    }

    /// `subscriber_id`: the id of the subscriber it belongs to.
    #[must_use]
    pub fn subscriber_id(&self) -> Option<u64> {
        self.members.get("subscriber_id")?.as_u64()
    }

    /// `subscription_plan_id`: the plan it was bought on.
    #[must_use]
    pub fn subscription_plan_id(&self) -> Option<u64> {
        self.members.get("subscription_plan_id")?.as_u64()
    }

    /// `status`, as Accesstype wrote it (`active`, `expired`, `cancelled`, `pending`, ...;
    /// the documentation does not list them all).
    #[must_use]
    pub fn status(&self) -> Option<&str> {
        self.text("status")
    }

    /// `active`: whether the subscription gives access now, as Accesstype decided it. `None`
    /// when it is absent: treat that as not active.
    #[must_use]
    pub fn active(&self) -> Option<bool> {
        self.members.get("active")?.as_bool()
    }

    /// `plan_name`: the name of the plan, e.g. `Monthly Digital`.
    #[must_use]
    pub fn plan_name(&self) -> Option<&str> {
        self.text("plan_name")
    }

    /// `group_name`: the name of the plan's subscription group.
    #[must_use]
    pub fn group_name(&self) -> Option<&str> {
        self.text("group_name")
    }

    /// `start_timestamp`, as sent (ISO 8601, e.g. `2024-05-02T09:41:07.512Z`).
    #[must_use]
    pub fn start_timestamp(&self) -> Option<&str> {
        self.text("start_timestamp")
    }

    /// `end_timestamp`, as sent.
    #[must_use]
    pub fn end_timestamp(&self) -> Option<&str> {
        self.text("end_timestamp")
    }

    /// [`start_timestamp`](Self::start_timestamp) as a time, when it is an RFC 3339 time after
    /// 1970.
    #[must_use]
    pub fn starts_at(&self) -> Option<SystemTime> {
        parse_rfc3339(self.start_timestamp()?)
    }

    /// [`end_timestamp`](Self::end_timestamp) as a time, when it is an RFC 3339 time after
    /// 1970.
    #[must_use]
    pub fn ends_at(&self) -> Option<SystemTime> {
        parse_rfc3339(self.end_timestamp()?)
    }

    /// `assets`: what the subscription gives access to, each with its `type` and
    /// `metadata.access_level`. Entries that are not objects are skipped.
    pub fn assets(&self) -> impl Iterator<Item = SubscriptionAsset<'_>> + '_ {
        items(self.members.get("assets"))
            .filter_map(Value::as_object)
            .map(SubscriptionAsset)
    }

    /// The subscriber's identities: `subscriber.subscriber_identities`, each a
    /// `{provider, value}`. Entries that are not usable identities (see
    /// [`SubscriberIdentity::new`]) are left out.
    #[must_use]
    pub fn subscriber_identities(&self) -> Vec<SubscriberIdentity> {
        identities_in(self.identity_list())
    }

    /// `preferred_identity`: the identity Accesstype contacts the subscriber by, when it is a
    /// usable one.
    #[must_use]
    pub fn preferred_identity(&self) -> Option<SubscriberIdentity> {
        identity_from(self.members.get("preferred_identity")?)
    }

    /// A member by name, typed or not (`invoices`, `duration_unit`, `payment_amount`, ...).
    #[must_use]
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.members.get(name)
    }

    /// Every member, as sent.
    #[must_use]
    pub fn members(&self) -> &Map<String, Value> {
        &self.members
    }

    fn text(&self, name: &str) -> Option<&str> {
        self.members.get(name)?.as_str()
    }

    /// `subscriber.subscriber_identities`, as sent.
    fn identity_list(&self) -> Option<&Value> {
        self.members.get("subscriber")?.get("subscriber_identities")
    }
}

impl<'de> Deserialize<'de> for Subscription {
    /// Reads one JSON object, refusing a repeated member at any depth.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        match StrictValue.deserialize(deserializer)? {
            Value::Object(members) => Ok(Self { members }),
            _ => Err(de::Error::custom("a subscription is not an object")),
        }
    }
}

impl fmt::Debug for Subscription {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Of the identities, only their providers.
        fn provider(identity: &Value) -> Option<&str> {
            identity.get("provider")?.as_str()
        }
        let providers: Vec<_> = items(self.identity_list()).filter_map(provider).collect();
        let preferred = self.members.get("preferred_identity").and_then(provider);
        f.debug_struct("Subscription")
            .field("id", &self.id())
            .field("status", &self.status())
            .field("active", &self.active())
            .field("plan_name", &self.plan_name())
            .field("group_name", &self.group_name())
            .field("start_timestamp", &self.start_timestamp())
            .field("end_timestamp", &self.end_timestamp())
            .field("assets", &self.assets().collect::<Vec<_>>())
            .field("identity_providers", &providers)
            .field("preferred_identity_provider", &preferred)
            .field("members", &self.members.keys().collect::<Vec<_>>())
            .finish()
    }
}

/// One of a subscription's `assets`: what it gives access to.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct SubscriptionAsset<'a>(&'a Map<String, Value>);

impl<'a> SubscriptionAsset<'a> {
    /// `type`: the kind of asset, e.g. `site`.
    #[must_use]
    pub fn asset_type(&self) -> Option<&'a str> {
        self.0.get("type")?.as_str()
    }

    /// `title`: the asset's name, e.g. `All stories`.
    #[must_use]
    pub fn title(&self) -> Option<&'a str> {
        self.0.get("title")?.as_str()
    }

    /// `metadata.access_level`: the highest story `access-level` the asset opens, a whole
    /// number (also when sent as a string of digits).
    #[must_use]
    pub fn access_level(&self) -> Option<i64> {
        match self.0.get("metadata")?.get("access_level")? {
            Value::Number(number) => number.as_i64(),
            Value::String(text) => text.parse().ok(),
            _ => None,
        }
    }

    /// A member by name, as sent.
    #[must_use]
    pub fn get(&self, name: &str) -> Option<&'a Value> {
        self.0.get(name)
    }
}

impl fmt::Debug for SubscriptionAsset<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SubscriptionAsset")
            .field("asset_type", &self.asset_type())
            .field("title", &self.title())
            .field("access_level", &self.access_level())
            .finish()
    }
}

/// The items of `list`, when it is an array.
fn items(list: Option<&Value>) -> impl Iterator<Item = &Value> {
    list.and_then(Value::as_array).into_iter().flatten()
}

/// The usable identities of a `subscriber_identities` array.
pub(crate) fn identities_in(list: Option<&Value>) -> Vec<SubscriberIdentity> {
    items(list).filter_map(identity_from).collect()
}

/// `{provider, value}` as an identity, when both are strings that make a usable one.
fn identity_from(entry: &Value) -> Option<SubscriberIdentity> {
    let provider = entry.get("provider")?.as_str()?;
    let value = entry.get("value")?.as_str()?;
    SubscriberIdentity::new(provider, value).ok()
}
