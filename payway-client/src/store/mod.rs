//! The one-time-use guard: a [`TicketStore`] remembers which tickets were claimed, by
//! [`Fingerprint`](crate::Fingerprint).

mod claims;
mod fingerprint;
mod memory;
#[cfg(feature = "redis")]
mod redis;
mod ticket_store;

pub use fingerprint::{ClaimKind, Fingerprint};
pub use memory::MemoryTicketStore;
#[cfg(feature = "redis")]
pub use redis::{RedisTicketStore, RedisTicketStoreBuilder};
pub use ticket_store::{StoreError, TicketStore};
