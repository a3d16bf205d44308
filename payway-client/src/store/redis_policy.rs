//! The `maxmemory-policy` check `RedisTicketStore` makes when it connects.

use std::collections::HashMap;

use redis::ErrorKind;
use redis::aio::ConnectionManager;

use super::ticket_store::StoreError;

/// The one policy under which Redis never evicts a key: a full Redis refuses writes.
const NO_EVICTION: &str = "noeviction";

/// Asks Redis for its `maxmemory-policy`: `Some(policy)`, or `None` when Redis refused to
/// say (`CONFIG` renamed, disabled or not allowed to this user, as on many managed Redis
/// services) or has no such setting. A Redis that cannot be reached is an `Err`.
pub(super) async fn read_policy(
    connection: &mut ConnectionManager,
) -> Result<Option<String>, StoreError> {
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
        ErrorKind::Server(redis::ServerErrorKind::ResponseError)
            | ErrorKind::Server(redis::ServerErrorKind::NoPerm)
            | ErrorKind::Extension
    )
}

/// Refuses a `policy` other than `noeviction` unless it is the one the caller allowed by name.
pub(super) fn check_policy(policy: Option<&str>, allowed: Option<&str>) -> Result<(), StoreError> {
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
