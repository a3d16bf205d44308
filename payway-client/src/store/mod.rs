//! The one-time-use guard: a [`TicketStore`] remembers which tickets were claimed.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use sha2::{Digest, Sha256};

mod memory;
#[cfg(feature = "redis")]
mod redis;

pub use memory::MemoryTicketStore;
#[cfg(feature = "redis")]
pub use redis::RedisTicketStore;

/// The SHA-256 of a ticket: what a [`TicketStore`] keeps instead of the ticket itself.
///
/// `{:?}` shows the first 8 hex digits only.
///
/// ```
/// use payway_client::Fingerprint;
///
/// let a = Fingerprint::of("ticket-1");
/// assert_eq!(a, Fingerprint::of("ticket-1"));
/// assert_ne!(a, Fingerprint::of("ticket-2"));
/// assert_eq!(a.to_hex().len(), 64);
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Fingerprint([u8; 32]);

impl Fingerprint {
    /// The fingerprint of `ticket`.
    pub fn of(ticket: &str) -> Self {
        Self(Sha256::digest(ticket.as_bytes()).into())
    }

    /// The 32 digest bytes.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// The digest as 64 lowercase hex digits (what `RedisTicketStore` puts in its keys).
    pub fn to_hex(&self) -> String {
        use fmt::Write as _;
        let mut out = String::with_capacity(64);
        for byte in self.0 {
            // Writing to a String cannot fail.
            let _ = write!(out, "{byte:02x}");
        }
        out
    }
}

impl fmt::Debug for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let hex = self.to_hex();
        write!(f, "Fingerprint({}…)", hex.get(..8).unwrap_or_default())
    }
}

/// Why a [`TicketStore`] could not answer. Every such failure denies the login: a ticket is
/// never exchanged without a successful claim.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// A [`MemoryTicketStore`] holds its capacity of unexpired claims.
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
/// [`MemoryTicketStore`] serves one process; `RedisTicketStore` (feature `redis`) serves a
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprint_is_sha256() {
        // SHA-256("abc"), FIPS 180-2 appendix B.1.
        assert_eq!(
            Fingerprint::of("abc").to_hex(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(
            format!("{:?}", Fingerprint::of("abc")),
            "Fingerprint(ba7816bf…)"
        );
    }
}
