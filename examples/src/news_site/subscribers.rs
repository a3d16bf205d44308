//! What the site knows of Accesstype's subscribers: the plans each has active, as the newest
//! webhook re-read said (see `accesstype_webhooks`), and whose re-read is under way.
//!
//! One re-read per subscriber at a time. Webhooks can arrive twice, out of order, or be
//! replayed by whoever saw one signed call: an event for a subscriber whose read is under way
//! only asks for one more read after it, so that the last read starts after the last event
//! and has Accesstype's newest answer. A flood of one event is one read at a time, one after
//! the other while the flood lasts, not one task per call. Reads of one subscriber never
//! overlap, so an older answer never replaces a newer one.

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::sync::{Arc, Mutex, PoisonError};

use accesstype_jwt::SubscriberIdentity;

/// A subscriber identity as a key: provider and value.
type IdentityKey = (String, String);

/// The plans each subscriber has active, as Accesstype last said, by identity.
#[derive(Debug, Clone, Default)]
pub(crate) struct Subscribers(Arc<Mutex<Known>>);

#[derive(Debug, Default)]
struct Known {
    /// Each subscriber's plans.
    plans: HashMap<IdentityKey, Vec<String>>,
    /// The subscribers whose read is under way, and whether an event came in since it started.
    reading: HashMap<IdentityKey, bool>,
}

impl Subscribers {
    fn known(&self) -> std::sync::MutexGuard<'_, Known> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The active plans of the subscriber known by `identity`, once a webhook named them.
    pub(crate) fn plans(&self, identity: &SubscriberIdentity) -> Option<Vec<String>> {
        self.known().plans.get(&key(identity)).cloned()
    }

    /// An event about `identity` came in: `true` when the caller is to start its read, `false`
    /// when one is under way (it reads once more when it is done).
    pub(crate) fn event(&self, identity: &SubscriberIdentity) -> bool {
        match self.known().reading.entry(key(identity)) {
            Entry::Occupied(mut again) => {
                again.insert(true);
                false
            }
            Entry::Vacant(start) => {
                start.insert(false);
                true
            }
        }
    }

    /// The read of `identity` is done, with `plans` when it got an answer: `true` when an
    /// event came in meanwhile and the reader is to read again, `false` when it may stop.
    pub(crate) fn read_done(
        &self,
        identity: &SubscriberIdentity,
        plans: Option<Vec<String>>,
    ) -> bool {
        let key = key(identity);
        let mut known = self.known();
        if let Some(plans) = plans {
            known.plans.insert(key.clone(), plans);
        }
        match known.reading.entry(key) {
            Entry::Occupied(mut again) if *again.get() => {
                again.insert(false);
                true
            }
            Entry::Occupied(done) => {
                done.remove();
                false
            }
            Entry::Vacant(_) => false,
        }
    }

    /// The read of `identity` ended without [`read_done`](Self::read_done) (its task
    /// panicked or was cancelled): the next event starts a read again.
    pub(crate) fn read_abandoned(&self, identity: &SubscriberIdentity) {
        self.known().reading.remove(&key(identity));
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
    fn one_read_at_a_time_and_one_more_after_events_that_came_during_it() {
        let subscribers = Subscribers::default();
        let reader = identity("reader@example.com");
        let other = identity("other@example.com");
        // Created: a read starts. Cancelled, and the same call replayed a hundred times,
        // while it runs: no read starts, one more is asked for after it.
        assert!(subscribers.event(&reader));
        for _ in 0..100 {
            assert!(!subscribers.event(&reader));
        }
        // Another subscriber's event is not held up.
        assert!(subscribers.event(&other));
        let digital = vec!["Digital".to_owned()];
        assert!(subscribers.read_done(&reader, Some(digital.clone())));
        assert_eq!(subscribers.plans(&reader), Some(digital));
        // The read after the cancellation has the last word, and nothing is left to read.
        assert!(!subscribers.read_done(&reader, Some(Vec::new())));
        assert_eq!(subscribers.plans(&reader), Some(Vec::new()));
        // A read that got no answer keeps what the site knew; the next event starts a read.
        assert!(subscribers.event(&reader));
        assert!(!subscribers.read_done(&reader, None));
        assert_eq!(subscribers.plans(&reader), Some(Vec::new()));
        assert!(subscribers.event(&reader));
        assert_eq!(subscribers.plans(&other), None);
        // A read that never finished does not keep the subscriber from the next one.
        assert!(!subscribers.event(&reader));
        subscribers.read_abandoned(&reader);
        assert!(subscribers.event(&reader));
    }
}
