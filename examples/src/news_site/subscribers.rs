//! What the site knows of Accesstype's subscribers: the plans each has active, as the last
//! webhook's re-read said (see `accesstype_webhooks`).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use accesstype_jwt::SubscriberIdentity;

/// A subscriber identity as a key: provider and value.
type IdentityKey = (String, String);

/// The plans each subscriber has active, as Accesstype last said, by identity.
#[derive(Debug, Clone, Default)]
pub(crate) struct Subscribers(Arc<Mutex<HashMap<IdentityKey, Vec<String>>>>);

impl Subscribers {
    /// The active plans of the subscriber known by `identity`, once a webhook named them.
    pub(crate) fn plans(&self, identity: &SubscriberIdentity) -> Option<Vec<String>> {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&key(identity))
            .cloned()
    }

    /// Keeps `plans` as the active plans of the subscriber known by `identity`.
    pub(crate) fn set(&self, identity: &SubscriberIdentity, plans: Vec<String>) {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(key(identity), plans);
    }
}

fn key(identity: &SubscriberIdentity) -> IdentityKey {
    (identity.provider().to_owned(), identity.value().to_owned())
}
