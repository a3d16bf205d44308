//! `RedisTicketStore` against a real Redis (`REDIS_URL`; required when `CI` is set), whose
//! `maxmemory-policy` must be `noeviction` (redis-server's default). The policy checks run
//! against private redis-servers each test starts, so no test changes the shared one.

use std::process::Stdio;
use std::sync::Arc;
use std::time::Duration;

use httpmock::prelude::*;
use payway_client::Ticket;
use payway_client::{Fingerprint, RedisTicketStore, StoreError, TicketLogin, TicketStore};
use tokio::process::{Child, Command};
use tokio::task::JoinSet;

use crate::support::{client, mock_exchange, mock_me};

const TTL: Duration = Duration::from_secs(60);

/// The shared Redis, or `None` (with a note) outside CI when `REDIS_URL` is unset.
fn redis_url() -> Option<String> {
    match std::env::var("REDIS_URL") {
        Ok(url) if !url.is_empty() => Some(url),
        _ if std::env::var_os("CI").is_some() => {
            panic!("REDIS_URL must point at a running redis-server when CI is set")
        }
        _ => {
            eprintln!(
                "skipped: REDIS_URL is not set (start redis-server on loopback and export it)"
            );
            None
        }
    }
}

/// A key prefix no other test (or run) uses.
fn unique_prefix(test: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!("payway-it:{test}:{}:{nanos}:", std::process::id())
}

#[tokio::test]
async fn claims_are_one_atomic_set_nx_px_of_the_fingerprint() {
    let Some(url) = redis_url() else { return };
    let prefix = unique_prefix("set-nx");
    let store = RedisTicketStore::connect(&url)
        .await
        .unwrap()
        .with_prefix(&prefix);
    assert_eq!(store.prefix(), prefix);
    // The connection (and the URL, which may hold a password) stays out of `{:?}`.
    assert!(!format!("{store:?}").contains("127.0.0.1"));
    let fp = Fingerprint::of("redis-ticket-1");
    assert!(store.claim(&fp, TTL).await.unwrap());
    assert!(!store.claim(&fp, TTL).await.unwrap());

    // What is in Redis: the kind and the fingerprint under the prefix, value 1, with a TTL;
    // never the ticket.
    let mut raw = redis::Client::open(url.as_str())
        .unwrap()
        .get_multiplexed_async_connection()
        .await
        .unwrap();
    let key = format!("{prefix}ticket:{}", fp.to_hex());
    let value: Option<String> = redis::cmd("GET")
        .arg(&key)
        .query_async(&mut raw)
        .await
        .unwrap();
    assert_eq!(value.as_deref(), Some("1"));
    let pttl: i64 = redis::cmd("PTTL")
        .arg(&key)
        .query_async(&mut raw)
        .await
        .unwrap();
    assert!(pttl > 0 && pttl <= 60_000, "{pttl}");
    let keys: Vec<String> = redis::cmd("KEYS")
        .arg(format!("{prefix}*"))
        .query_async(&mut raw)
        .await
        .unwrap();
    assert_eq!(keys, vec![key.clone()]);
    assert!(!keys.iter().any(|k| k.contains("redis-ticket-1")));

    store.release(&fp).await.unwrap();
    let exists: i64 = redis::cmd("EXISTS")
        .arg(&key)
        .query_async(&mut raw)
        .await
        .unwrap();
    assert_eq!(exists, 0);
    assert!(store.claim(&fp, TTL).await.unwrap());
    store.release(&fp).await.unwrap();

    // Each kind has its own keys: a landing with the same digest is another claim.
    let landing = Fingerprint::of_landing("redis-landing-1");
    assert!(store.claim(&landing, TTL).await.unwrap());
    assert!(!store.claim(&landing, TTL).await.unwrap());
    let landing_key = format!("{prefix}landing:{}", landing.to_hex());
    let exists: i64 = redis::cmd("EXISTS")
        .arg(&landing_key)
        .query_async(&mut raw)
        .await
        .unwrap();
    assert_eq!(exists, 1);
    store.release(&landing).await.unwrap();

    // Claims expire in Redis.
    let short = Fingerprint::of("redis-ticket-short");
    assert!(store.claim(&short, Duration::from_millis(5)).await.unwrap());
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert!(store.claim(&short, TTL).await.unwrap());
    store.release(&short).await.unwrap();
}

#[tokio::test]
async fn two_app_servers_racing_100_logins_of_one_ticket_log_in_once() {
    let Some(url) = redis_url() else { return };
    let server = MockServer::start_async().await;
    let exchange = mock_exchange(&server, "fleet-ticket", "fleet-access").await;
    let me = mock_me(&server, "fleet-access").await;
    let prefix = unique_prefix("fleet");
    // Two app servers: each its own client and its own connection to the shared Redis.
    let app_a = (
        client(&server),
        Arc::new(
            RedisTicketStore::connect(&url)
                .await
                .unwrap()
                .with_prefix(&prefix),
        ),
    );
    let app_b = (
        client(&server),
        Arc::new(
            RedisTicketStore::connect(&url)
                .await
                .unwrap()
                .with_prefix(&prefix),
        ),
    );
    let mut logins = JoinSet::new();
    for i in 0..100 {
        let (payway, store) = if i % 2 == 0 { &app_a } else { &app_b };
        let (payway, store) = (payway.clone(), Arc::clone(store));
        logins.spawn(async move {
            payway
                .login_with_ticket(&Ticket::new("fleet-ticket"), &*store)
                .await
                .unwrap()
        });
    }
    let outcomes = logins.join_all().await;
    let logged_in = outcomes
        .iter()
        .filter(|o| matches!(o, TicketLogin::LoggedIn { .. }))
        .count();
    let already_used = outcomes
        .iter()
        .filter(|o| matches!(o, TicketLogin::AlreadyUsed))
        .count();
    assert_eq!((logged_in, already_used), (1, 99));
    exchange.assert_calls_async(1).await;
    me.assert_calls_async(1).await;
}

#[tokio::test]
async fn an_unreachable_redis_is_an_error_at_connect() {
    // Not run against the shared server: a port where nothing listens.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let err = RedisTicketStore::connect(&format!("redis://127.0.0.1:{port}/"))
        .await
        .unwrap_err();
    assert!(
        matches!(err, payway_client::StoreError::Backend(_)),
        "{err:?}"
    );
    assert!(RedisTicketStore::connect("not a url").await.is_err());
}

/// Starts a private redis-server on a free loopback port; `None` outside CI when the binary
/// is missing.
async fn private_redis() -> Option<(Child, String)> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let spawned = Command::new("redis-server")
        .args([
            "--port",
            &port.to_string(),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn();
    let child = match spawned {
        Ok(child) => child,
        Err(e) if std::env::var_os("CI").is_none() => {
            eprintln!("skipped: cannot start redis-server ({e})");
            return None;
        }
        Err(e) => panic!("redis-server must be installed when CI is set: {e}"),
    };
    let url = format!("redis://127.0.0.1:{port}/");
    for _ in 0..100 {
        if tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_ok()
        {
            return Some((child, url));
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("redis-server did not start listening on port {port}");
}

#[tokio::test]
async fn redis_stopped_mid_run_fails_closed() {
    let Some((mut redis_server, url)) = private_redis().await else {
        return;
    };
    let server = MockServer::start_async().await;
    let before = mock_exchange(&server, "before-stop", "before-access").await;
    mock_me(&server, "before-access").await;
    let after = mock_exchange(&server, "after-stop", "after-access").await;
    let payway = client(&server);
    let store = RedisTicketStore::connect(&url).await.unwrap();

    let login = payway
        .login_with_ticket(&Ticket::new("before-stop"), &store)
        .await
        .unwrap();
    assert!(matches!(login, TicketLogin::LoggedIn { .. }), "{login:?}");
    before.assert_calls_async(1).await;

    redis_server.kill().await.unwrap();
    redis_server.wait().await.unwrap();

    for _ in 0..3 {
        let err = payway
            .login_with_ticket(&Ticket::new("after-stop"), &store)
            .await
            .unwrap_err();
        assert!(err.is_store(), "{err:?}");
        assert!(
            store
                .claim(&Fingerprint::of("after-stop"), TTL)
                .await
                .is_err()
        );
    }
    // The ticket never reached Payway.
    after.assert_calls_async(0).await;
}

/// Sets the private server's `maxmemory-policy`.
async fn set_policy(url: &str, policy: &str) {
    let mut raw = redis::Client::open(url)
        .unwrap()
        .get_multiplexed_async_connection()
        .await
        .unwrap();
    let () = redis::cmd("CONFIG")
        .arg("SET")
        .arg("maxmemory-policy")
        .arg(policy)
        .query_async(&mut raw)
        .await
        .unwrap();
}

fn refused_policy(result: Result<RedisTicketStore, StoreError>) -> String {
    match result {
        Err(StoreError::EvictingPolicy { policy }) => policy,
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn an_evicting_policy_is_refused_unless_allowed_by_its_name() {
    let Some((_redis_server, url)) = private_redis().await else {
        return;
    };
    // redis-server's default: accepted, and reported.
    let store = RedisTicketStore::connect(&url).await.unwrap();
    assert_eq!(store.maxmemory_policy(), Some("noeviction"));

    set_policy(&url, "allkeys-lru").await;
    let refused = refused_policy(RedisTicketStore::connect(&url).await);
    assert_eq!(refused, "allkeys-lru");
    let err = RedisTicketStore::connect(&url).await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "redis maxmemory-policy allkeys-lru may evict live claims"
    );
    // Allowed by its exact name: accepted, and the claims work.
    let allowed = RedisTicketStore::builder()
        .allow_evicting_policy("allkeys-lru")
        .prefix("evicting-but-allowed:")
        .connect(&url)
        .await
        .unwrap();
    assert_eq!(allowed.maxmemory_policy(), Some("allkeys-lru"));
    assert_eq!(allowed.prefix(), "evicting-but-allowed:");
    assert!(allowed.claim(&Fingerprint::of("t"), TTL).await.unwrap());
    // Another name is not an opt-in for this policy.
    for other in ["volatile-ttl", "allkeys-lfu", "ALLKEYS-LRU", ""] {
        let refused = refused_policy(
            RedisTicketStore::builder()
                .allow_evicting_policy(other)
                .connect(&url)
                .await,
        );
        assert_eq!(refused, "allkeys-lru", "allowed {other:?}");
    }

    set_policy(&url, "volatile-ttl").await;
    assert_eq!(
        refused_policy(RedisTicketStore::connect(&url).await),
        "volatile-ttl"
    );
    // The opt-in names one policy: a server switched to another is refused at connect.
    assert_eq!(
        refused_policy(
            RedisTicketStore::builder()
                .allow_evicting_policy("allkeys-lru")
                .connect(&url)
                .await
        ),
        "volatile-ttl"
    );
    // A connection configured by the caller is checked too.
    let manager = redis::aio::ConnectionManager::new(redis::Client::open(url.as_str()).unwrap())
        .await
        .unwrap();
    assert_eq!(
        refused_policy(RedisTicketStore::from_connection_manager(manager.clone()).await),
        "volatile-ttl"
    );
    let allowed = RedisTicketStore::builder()
        .allow_evicting_policy("volatile-ttl")
        .connect_with(manager)
        .await
        .unwrap();
    assert_eq!(allowed.maxmemory_policy(), Some("volatile-ttl"));

    set_policy(&url, "noeviction").await;
    assert!(RedisTicketStore::connect(&url).await.is_ok());
}

#[tokio::test]
async fn a_redis_that_does_not_allow_config_get_is_accepted() {
    let Some((_redis_server, url)) = private_redis().await else {
        return;
    };
    set_policy(&url, "allkeys-lru").await;
    // A user without CONFIG, as on managed Redis services: the policy cannot be read.
    let mut raw = redis::Client::open(url.as_str())
        .unwrap()
        .get_multiplexed_async_connection()
        .await
        .unwrap();
    let () = redis::cmd("ACL")
        .arg("SETUSER")
        .arg("app")
        .arg("on")
        .arg(">app-password")
        .arg("~*")
        .arg("+@all")
        .arg("-config")
        .query_async(&mut raw)
        .await
        .unwrap();
    let limited = url.replace("redis://", "redis://app:app-password@");
    let store = RedisTicketStore::connect(&limited).await.unwrap();
    assert_eq!(store.maxmemory_policy(), None);
    let fp = Fingerprint::of("t");
    assert!(store.claim(&fp, TTL).await.unwrap());
    assert!(!store.claim(&fp, TTL).await.unwrap());
    // The password stays out of `{:?}`.
    assert!(!format!("{store:?}").contains("app-password"));
}
