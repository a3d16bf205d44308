//! [`TicketStore`]: the one-time-use guard's interface, and [`StoreError`].

use std::sync::Arc;
use std::time::Duration;

use super::fingerprint::{ClaimKind, Fingerprint};

/// Why a [`TicketStore`] could not answer. Every such failure denies the login: a ticket is
/// never exchanged without a successful claim.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The store holds as many unexpired claims of this kind as it can, and refuses a new one
    /// rather than drop a live one: the login fails closed (show your login error page; the
    /// reader can try again once claims expire). A store that made room by dropping live
    /// claims would let a flood of requests un-claim a landing or ticket already used, and
    /// replay it. Returned by [`MemoryTicketStore`](crate::MemoryTicketStore) when a kind is
    /// full; rate-limit your callback routes so that a flood never gets there.
    #[error("ticket store is full ({capacity} unexpired {kind} claims)")]
    Full {
        /// The store's capacity for this kind.
        capacity: usize,
        /// The kind of the refused claim.
        kind: ClaimKind,
    },
    /// `RedisTicketStore` (feature `redis`) found a `maxmemory-policy` that lets Redis evict
    /// keys, and with them live claims, when its memory is full; the caller did not opt in
    /// to that policy by name. Set `noeviction` (a full Redis then refuses new claims: the
    /// login fails closed), or opt in with `allow_evicting_policy`.
    #[error("redis maxmemory-policy {policy} may evict live claims")]
    EvictingPolicy {
        /// The policy Redis reported, e.g. `allkeys-lru`.
        policy: String,
    },
    /// The backend (Redis, a database, ...) failed or could not be reached.
    #[error("ticket store backend failed")]
    Backend(#[source] Arc<dyn std::error::Error + Send + Sync + 'static>),
}

impl StoreError {
    /// Wraps a backend's error; for implementations of [`TicketStore`].
    pub fn backend(error: impl std::error::Error + Send + Sync + 'static) -> Self {
        Self::Backend(Arc::new(error))
    }

    /// `true` for [`StoreError::Full`].
    pub fn is_full(&self) -> bool {
        matches!(self, Self::Full { .. })
    }
}

/// Remembers claimed tickets so that each is exchanged at most once.
///
/// [`PaywayClient::login_with_ticket`](crate::PaywayClient::login_with_ticket) calls
/// [`claim`](Self::claim) before it sends a ticket to Payway, and [`release`](Self::release)
/// when Payway refused the ticket or the exchange failed without consuming it (so made-up
/// tickets hold no claim, and the reader can retry). The SSO2 flow claims each landing the
/// same way ([`Fingerprint::of_landing`]).
///
/// Implementations must make `claim` atomic: of any number of concurrent claims of one
/// fingerprint, across every process that shares the store, exactly one returns `Ok(true)`
/// until the claim expires or is released. An implementation that cannot tell must return
/// `Err`, never `Ok(true)`. And a live claim must never quietly disappear: a store without
/// room refuses the new claim ([`StoreError::Full`]) rather than evict an unexpired one,
/// which would let a flood of claims make a used ticket or landing usable again. Keep the
/// kinds ([`Fingerprint::kind`]) apart, so that one kind cannot fill the room of another.
///
/// [`MemoryTicketStore`](crate::MemoryTicketStore) serves one process; `RedisTicketStore`
/// (feature `redis`) serves a fleet of app servers.
#[async_trait::async_trait]
pub trait TicketStore: Send + Sync {
    /// Claims `fingerprint` for `ttl`: `Ok(true)` if it was free (the caller may exchange
    /// the ticket), `Ok(false)` if it is already claimed.
    async fn claim(&self, fingerprint: &Fingerprint, ttl: Duration) -> Result<bool, StoreError>;

    /// Releases a claim so the ticket can be tried again.
    async fn release(&self, fingerprint: &Fingerprint) -> Result<(), StoreError>;
}

#[async_trait::async_trait]
impl<T: TicketStore + ?Sized> TicketStore for Arc<T> {
    async fn claim(&self, fingerprint: &Fingerprint, ttl: Duration) -> Result<bool, StoreError> {
        (**self).claim(fingerprint, ttl).await
    }

    async fn release(&self, fingerprint: &Fingerprint) -> Result<(), StoreError> {
        (**self).release(fingerprint).await
    }
}

#[async_trait::async_trait]
impl<T: TicketStore + ?Sized> TicketStore for Box<T> {
    async fn claim(&self, fingerprint: &Fingerprint, ttl: Duration) -> Result<bool, StoreError> {
        (**self).claim(fingerprint, ttl).await
    }

    async fn release(&self, fingerprint: &Fingerprint) -> Result<(), StoreError> {
        (**self).release(fingerprint).await
    }
}
