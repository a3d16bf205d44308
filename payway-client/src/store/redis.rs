//! [`RedisTicketStore`]: one-time ticket use across every app server sharing a Redis, and
//! [`RedisTicketStoreBuilder`].

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use redis::{ErrorKind, ServerErrorKind};

use super::fingerprint::Fingerprint;
use super::ticket_store::{StoreError, TicketStore};

/// The default key prefix.
const DEFAULT_PREFIX: &str = "payway:claim:";
/// The one policy under which Redis never evicts a key: a full Redis refuses writes.
const NO_EVICTION: &str = "noeviction";

/// A [`TicketStore`] in Redis: fleet-wide one-time use.
///
/// Each claim is one atomic `SET {prefix}{kind}:{sha256-hex} 1 NX PX {ttl}`, the kind being
/// [`ClaimKind::as_str`](crate::ClaimKind::as_str) (`ticket`, `landing` or `checkout`): of
/// any number of app servers claiming one ticket at the same moment, Redis lets exactly one
/// through. Redis unreachable, timing out or answering an error is an `Err`, and the ticket
/// is not exchanged: the login fails closed, never as "not used yet".
///
/// **Eviction.** A claim must not disappear while it is live: Redis evicting a claim under
/// memory pressure would let a used ticket or landing URL be taken again (a replay, up to
/// account takeover). Whether Redis may evict is its `maxmemory-policy`, so the store reads
/// it with `CONFIG GET maxmemory-policy` when it connects, and refuses
/// ([`StoreError::EvictingPolicy`]) any policy but `noeviction`: the `allkeys-*` policies
/// evict any key, the `volatile-*` ones any key with a TTL, which every claim has. Under
/// `noeviction` a Redis whose memory is full answers the claim with an error, and the login
/// fails closed. If your Redis is shared and must evict, give the claims a Redis of their
/// own, or accept the risk by naming the policy
/// ([`RedisTicketStoreBuilder::allow_evicting_policy`]). Where `CONFIG GET` is not allowed
/// (renamed or disabled, or an ACL without `+config`, as on many managed services), the
/// store cannot tell, connects, and [`maxmemory_policy`](Self::maxmemory_policy) is `None`:
/// check that service's eviction setting yourself. The policy is read once, at connect.
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
///     .with_prefix("news-site:payway-claim:");
///
/// // A Redis that must evict, with that risk accepted by name:
/// let shared = RedisTicketStore::builder()
///     .allow_evicting_policy("volatile-ttl")
///     .connect("redis://cache.internal:6379/")
///     .await?;
/// # Ok(()) }
/// ```
#[derive(Clone)]
#[cfg_attr(docsrs, doc(cfg(feature = "redis")))]
pub struct RedisTicketStore {
    connection: ConnectionManager,
    prefix: Arc<str>,
    policy: Option<Arc<str>>,
}

/// Connects a [`RedisTicketStore`] with a key prefix and, if you must, an evicting
/// `maxmemory-policy` you accept by name. From [`RedisTicketStore::builder`].
#[derive(Debug, Clone, Default)]
#[cfg_attr(docsrs, doc(cfg(feature = "redis")))]
pub struct RedisTicketStoreBuilder {
    prefix: Option<String>,
    allowed_policy: Option<String>,
}

impl RedisTicketStoreBuilder {
    /// Sets the key prefix (default `payway:claim:`); see [`RedisTicketStore::with_prefix`].
    pub fn prefix(mut self, prefix: impl Into<String>) -> Self {
        self.prefix = Some(prefix.into());
        self
    }

    /// Accepts a Redis whose `maxmemory-policy` is exactly `policy` (e.g. `volatile-ttl`),
    /// although it may evict live claims when Redis runs out of memory: a used ticket or
    /// landing whose claim was evicted can be taken again. Any other evicting policy is
    /// still refused, so a later change of the server's policy is noticed at the next
    /// connect.
    pub fn allow_evicting_policy(mut self, policy: impl Into<String>) -> Self {
        self.allowed_policy = Some(policy.into());
        self
    }

    /// Connects to the Redis at `url` (`redis://[:password@]host:port/db`, or `rediss://`
    /// when the redis crate's TLS features are on) and checks its `maxmemory-policy`.
    ///
    /// The connection is made now, so a wrong URL or a Redis that is down is found at
    /// start-up. Each command times out after 2 s and a lost connection is retried once
    /// before a claim fails; use [`connect_with`](Self::connect_with) for other settings.
    ///
    /// # Errors
    ///
    /// [`StoreError::Backend`] when Redis cannot be reached; [`StoreError::EvictingPolicy`]
    /// when its policy may evict and was not allowed by name.
    pub async fn connect(self, url: &str) -> Result<RedisTicketStore, StoreError> {
        let client = redis::Client::open(url).map_err(StoreError::backend)?;
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(Duration::from_secs(2)))
            .set_response_timeout(Some(Duration::from_secs(2)))
            .set_number_of_retries(1)
            .set_max_delay(Duration::from_millis(200));
        let connection = ConnectionManager::new_with_config(client, config)
            .await
            .map_err(StoreError::backend)?;
        self.connect_with(connection).await
    }

    /// Uses a connection you configured yourself, and checks the `maxmemory-policy`
    /// through it.
    ///
    /// # Errors
    ///
    /// As [`connect`](Self::connect).
    pub async fn connect_with(
        self,
        mut connection: ConnectionManager,
    ) -> Result<RedisTicketStore, StoreError> {
        let policy = read_policy(&mut connection).await?;
        check_policy(policy.as_deref(), self.allowed_policy.as_deref())?;
        Ok(RedisTicketStore {
            connection,
            prefix: Arc::from(self.prefix.as_deref().unwrap_or(DEFAULT_PREFIX)),
            policy: policy.map(Arc::from),
        })
    }
}

impl RedisTicketStore {
    /// Connects to the Redis at `url` with the default settings of
    /// [`RedisTicketStoreBuilder::connect`]: prefix `payway:claim:`, and an evicting
    /// `maxmemory-policy` refused.
    ///
    /// # Errors
    ///
    /// [`StoreError::Backend`] when Redis cannot be reached; [`StoreError::EvictingPolicy`]
    /// when its `maxmemory-policy` may evict live claims.
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        Self::builder().connect(url).await
    }

    /// A builder: a prefix, or an evicting policy accepted by name.
    pub fn builder() -> RedisTicketStoreBuilder {
        RedisTicketStoreBuilder::default()
    }

    /// Uses a connection you configured yourself; checks the `maxmemory-policy` as
    /// [`connect`](Self::connect) does.
    ///
    /// # Errors
    ///
    /// As [`connect`](Self::connect).
    pub async fn from_connection_manager(
        connection: ConnectionManager,
    ) -> Result<Self, StoreError> {
        Self::builder().connect_with(connection).await
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

    /// The `maxmemory-policy` Redis reported at connect (`noeviction`, or the evicting policy
    /// allowed by name), or `None` when `CONFIG GET` was not allowed.
    pub fn maxmemory_policy(&self) -> Option<&str> {
        self.policy.as_deref()
    }

    fn key(&self, fingerprint: &Fingerprint) -> String {
        let (kind, hex) = (fingerprint.kind(), fingerprint.to_hex());
        format!("{}{kind}:{hex}", self.prefix)
    }
}

impl fmt::Debug for RedisTicketStore {
    // The connection's own Debug may show the URL, and with it a password.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisTicketStore")
            .field("prefix", &self.prefix)
            .field("maxmemory_policy", &self.policy)
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

/// Asks Redis for its `maxmemory-policy`: `Some(policy)`, or `None` when Redis refused to
/// say (`CONFIG` renamed, disabled or not allowed to this user, as on many managed Redis
/// services) or has no such setting. A Redis that cannot be reached is an `Err`.
async fn read_policy(connection: &mut ConnectionManager) -> Result<Option<String>, StoreError> {
    let answer: Result<HashMap<String, String>, redis::RedisError> = redis::cmd("CONFIG")
        .arg("GET")
        .arg("maxmemory-policy")
        .query_async(connection)
        .await;
    match answer {
        Ok(mut settings) => Ok(settings.remove("maxmemory-policy")),
        Err(error) if is_refusal(&error) => Ok(None),
        Err(error) => Err(StoreError::backend(error)),
    }
}

/// `true` for an error reply that says `CONFIG GET` is not allowed: an unknown command
/// (renamed or disabled), `NOPERM` (an ACL without `+config`), or another `ERR` a Redis
/// service answers in its place.
fn is_refusal(error: &redis::RedisError) -> bool {
    matches!(
        error.kind(),
        ErrorKind::Server(ServerErrorKind::ResponseError | ServerErrorKind::NoPerm)
            | ErrorKind::Extension
    )
}

/// Refuses a `policy` other than `noeviction` unless it is the one the caller allowed by name.
fn check_policy(policy: Option<&str>, allowed: Option<&str>) -> Result<(), StoreError> {
    match policy {
        None | Some(NO_EVICTION) => Ok(()),
        Some(policy) if allowed == Some(policy) => Ok(()),
        Some(policy) => Err(StoreError::EvictingPolicy {
            policy: policy.to_owned(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_noeviction_or_the_policy_allowed_by_name_passes() {
        assert!(check_policy(None, None).is_ok());
        assert!(check_policy(Some("noeviction"), None).is_ok());
        assert!(check_policy(Some("noeviction"), Some("allkeys-lru")).is_ok());
        for policy in [
            "allkeys-lru",
            "allkeys-lfu",
            "allkeys-random",
            "volatile-lru",
            "volatile-lfu",
            "volatile-random",
            "volatile-ttl",
        ] {
            let err = check_policy(Some(policy), None).unwrap_err();
            assert!(
                matches!(&err, StoreError::EvictingPolicy { policy: p } if p == policy),
                "{err:?}"
            );
            assert!(check_policy(Some(policy), Some(policy)).is_ok());
            assert!(check_policy(Some(policy), Some("volatile-lfu-other")).is_err());
        }
        assert!(check_policy(Some("volatile-ttl"), Some("VOLATILE-TTL")).is_err());
        assert!(check_policy(Some("volatile-ttl"), Some("volatile-lru")).is_err());
    }
}
