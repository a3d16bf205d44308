//! [`RedisTicketStore`]: one-time ticket use across every app server sharing a Redis.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use redis::aio::{ConnectionManager, ConnectionManagerConfig};

use super::fingerprint::Fingerprint;
use super::ticket_store::{StoreError, TicketStore};

/// The key prefix of [`RedisTicketStore::connect`].
const DEFAULT_PREFIX: &str = "payway:claim:";

/// A [`TicketStore`] in Redis: fleet-wide one-time use.
///
/// Each claim is one atomic `SET {prefix}{kind}:{sha256-hex} 1 NX PX {ttl}`, the kind being
/// [`ClaimKind::as_str`](crate::ClaimKind::as_str) (`ticket`, `landing` or `checkout`): of
/// any number of app servers claiming one ticket at the same moment, Redis lets exactly one
/// through. Redis
/// unreachable, timing out or answering an error is an `Err`, and the ticket is not
/// exchanged: the login fails closed, never as "not used yet".
///
/// Only the SHA-256 of each ticket reaches Redis. The connection is a
/// [`ConnectionManager`]: multiplexed, cheap to clone, reconnecting on its own.
///
/// ```no_run
/// # #[tokio::main] async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use payway_client::RedisTicketStore;
///
/// let store = RedisTicketStore::connect("redis://127.0.0.1:6379/")
///     .await?
///     .with_prefix("news-site:payway-ticket:");
/// # Ok(()) }
/// ```
#[derive(Clone)]
#[cfg_attr(docsrs, doc(cfg(feature = "redis")))]
pub struct RedisTicketStore {
    connection: ConnectionManager,
    prefix: Arc<str>,
}

impl RedisTicketStore {
    /// Connects to the Redis at `url` (`redis://[:password@]host:port/db`, or `rediss://`
    /// when the redis crate's TLS features are on).
    ///
    /// The connection is made now, so a wrong URL or a Redis that is down is found at
    /// start-up. Each command times out after 2 s and a lost connection is retried once
    /// before a claim fails; use [`from_connection_manager`](Self::from_connection_manager)
    /// for other settings.
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        let client = redis::Client::open(url).map_err(StoreError::backend)?;
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(Duration::from_secs(2)))
            .set_response_timeout(Some(Duration::from_secs(2)))
            .set_number_of_retries(1)
            .set_max_delay(Duration::from_millis(200));
        let connection = ConnectionManager::new_with_config(client, config)
            .await
            .map_err(StoreError::backend)?;
        Ok(Self::from_connection_manager(connection))
    }

    /// Uses a connection you configured yourself.
    pub fn from_connection_manager(connection: ConnectionManager) -> Self {
        Self {
            connection,
            prefix: Arc::from(DEFAULT_PREFIX),
        }
    }

    /// Sets the key prefix (default `payway:claim:`), e.g. to keep two sites apart in one
    /// Redis. Every app server guarding the same tickets must use the same prefix.
    pub fn with_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.prefix = Arc::from(prefix.into());
        self
    }

    /// The key prefix.
    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    fn key(&self, fingerprint: &Fingerprint) -> String {
        let kind = fingerprint.kind().as_str();
        let mut key = String::with_capacity(self.prefix.len() + kind.len() + 65);
        key.push_str(&self.prefix);
        key.push_str(kind);
        key.push(':');
        key.push_str(&fingerprint.to_hex());
        key
    }
}

impl fmt::Debug for RedisTicketStore {
    // The connection's own Debug may show the URL, and with it a password.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisTicketStore")
            .field("prefix", &self.prefix)
            .finish_non_exhaustive()
    }
}

#[async_trait::async_trait]
impl TicketStore for RedisTicketStore {
    async fn claim(&self, fingerprint: &Fingerprint, ttl: Duration) -> Result<bool, StoreError> {
        let ttl_ms = u64::try_from(ttl.as_millis()).unwrap_or(u64::MAX).max(1);
        let mut connection = self.connection.clone();
        let answer: Option<String> = redis::cmd("SET")
            .arg(self.key(fingerprint))
            .arg(1)
            .arg("NX")
            .arg("PX")
            .arg(ttl_ms)
            .query_async(&mut connection)
            .await
            .map_err(StoreError::backend)?;
        match answer.as_deref() {
            Some("OK") => Ok(true),
            None => Ok(false),
            Some(_) => Err(StoreError::backend(UnexpectedReply)),
        }
    }

    async fn release(&self, fingerprint: &Fingerprint) -> Result<(), StoreError> {
        let mut connection = self.connection.clone();
        let _removed: i64 = redis::cmd("DEL")
            .arg(self.key(fingerprint))
            .query_async(&mut connection)
            .await
            .map_err(StoreError::backend)?;
        Ok(())
    }
}

/// Redis answered `SET ... NX` with something other than `OK` or nil.
#[derive(Debug, thiserror::Error)]
#[error("redis answered SET NX with an unexpected reply")]
struct UnexpectedReply;
