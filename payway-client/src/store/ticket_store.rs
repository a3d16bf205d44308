//! [`TicketStore`]: the one-time-use guard's interface, and [`StoreError`].

use std::sync::Arc;
use std::time::Duration;

use super::fingerprint::Fingerprint;

/// Why a [`TicketStore`] could not answer. Every such failure denies the login: a ticket is
/// never exchanged without a successful claim.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// A store of yours holds as many unexpired claims as it can. Never returned by
    /// [`MemoryTicketStore`](crate::MemoryTicketStore), which evicts instead: a store that
    /// refuses claims when full lets a flood of made-up tickets deny every login.
    #[error("ticket store is full ({capacity} unexpired claims)")]
    Full {
        /// The store's capacity.
        capacity: usize,
    },
    /// The backend (Redis, a database, ...) failed or could not be reached.
    #[error("ticket store backend failed")]
    Backend(#[source] Box<dyn std::error::Error + Send + Sync + 'static>),
}

impl StoreError {
    /// Wraps a backend's error; for implementations of [`TicketStore`].
    pub fn backend(error: impl std::error::Error + Send + Sync + 'static) -> Self {
        Self::Backend(Box::new(error))
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
/// when the exchange failed without consuming the ticket (so the reader can retry).
///
/// Implementations must make `claim` atomic: of any number of concurrent claims of one
/// fingerprint, across every process that shares the store, exactly one returns `Ok(true)`
/// until the claim expires or is released. An implementation that cannot tell must return
/// `Err`, never `Ok(true)`.
///
/// [`MemoryTicketStore`](crate::MemoryTicketStore) serves one process; `RedisTicketStore` (feature `redis`) serves a
/// fleet of app servers.
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
