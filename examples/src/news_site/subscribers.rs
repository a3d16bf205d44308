//! What the site knows of Accesstype's subscribers: the plans each has active, as the newest
//! webhook re-read said (see `accesstype_webhooks`).
//!
//! Two webhooks about one subscriber (created, then cancelled a moment later) start two
//! re-reads, and a retried one can finish last. Each read is numbered when it starts, and a
//! subscriber's plans are only replaced by a read that started later than the one that said
//! them: the read that asked Accesstype last has its newest answer.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use accesstype_jwt::SubscriberIdentity;

/// A subscriber identity as a key: provider and value.
type IdentityKey = (String, String);

/// The plans each subscriber has active, as Accesstype last said, by identity.
#[derive(Debug, Clone, Default)]
pub(crate) struct Subscribers(Arc<Mutex<Known>>);

#[derive(Debug, Default)]
struct Known {
    /// The number of the read started last.
    reads: u64,
    /// Each subscriber's plans, with the number of the read that said them.
    plans: HashMap<IdentityKey, (Read, Vec<String>)>,
}

/// The number of one read of a subscriber's subscriptions, taken when it starts (none is 0).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Read(u64);

impl Subscribers {
    /// The active plans of the subscriber known by `identity`, once a webhook named them.
    pub(crate) fn plans(&self, identity: &SubscriberIdentity) -> Option<Vec<String>> {
        let known = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        known
            .plans
            .get(&key(identity))
            .map(|(_, plans)| plans.clone())
    }

    /// Numbers a read about to ask Accesstype: each is later than every one before.
    pub(crate) fn start_read(&self) -> Read {
        let mut known = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        known.reads += 1;
        Read(known.reads)
    }

    /// Keeps `plans`, as `read` found them, as the active plans of the subscriber known by
    /// `identity`, unless a read that started later already said them.
    pub(crate) fn set(&self, identity: &SubscriberIdentity, read: Read, plans: Vec<String>) {
        let mut known = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        let entry = known.plans.entry(key(identity)).or_default();
        if entry.0 < read {
            *entry = (read, plans);
        }
    }
}

fn key(identity: &SubscriberIdentity) -> IdentityKey {
    (identity.provider().to_owned(), identity.value().to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn identity(value: &str) -> SubscriberIdentity {
        SubscriberIdentity::email(value).unwrap()
    }

    #[test]
    fn a_read_that_started_earlier_never_replaces_a_later_one() {
        let subscribers = Subscribers::default();
        let reader = identity("reader@example.com");
        let (created, cancelled) = (subscribers.start_read(), subscribers.start_read());
        subscribers.set(&reader, cancelled, Vec::new());
        subscribers.set(&reader, created, vec!["Digital".to_owned()]);
        assert_eq!(subscribers.plans(&reader), Some(Vec::new()));

        let renewed = subscribers.start_read();
        subscribers.set(&reader, renewed, vec!["Digital".to_owned()]);
        assert_eq!(subscribers.plans(&reader), Some(vec!["Digital".to_owned()]));
        assert_eq!(subscribers.plans(&identity("other@example.com")), None);
    }
}
