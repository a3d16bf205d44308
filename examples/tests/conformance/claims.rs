//! A claim that guards a login (a shop ticket, an SSO2 landing) never quietly disappears
//! while it is live: a flood of other claims cannot make a used login usable again, a full
//! store refuses the new claim (the login fails closed), and made-up tickets hold no room.
//! Every store of the family that takes a login once is held to it: payway-client's
//! `MemoryTicketStore`, and its `RedisTicketStore` when `REDIS_URL` is set (the rows that need
//! a Redis configured for them start a private redis-server on loopback).

use std::io::{Read as _, Write as _};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use payway_client::test_util::FakePayway;
use payway_client::{
    ClaimKind, Fingerprint, MemoryTicketStore, RedisTicketStore, StoreError, Ticket, TicketLogin,
    TicketStore,
};

/// The room of a memory store under test, per kind.
const CAPACITY: usize = 64;
/// Claims in a flood: three times that room.
const FLOOD: usize = 200;
/// A ticket's claim TTL.
const TICKET_TTL: Duration = Duration::from_secs(600);
/// A landing's claim ends with its token, long before a ticket's: an evicting store would
/// drop it first.
const LANDING_TTL: Duration = Duration::from_secs(90);

/// The shared Redis, if any.
fn redis_url() -> Option<String> {
    std::env::var("REDIS_URL")
        .ok()
        .filter(|url| !url.is_empty())
}

/// A key prefix no other test or run uses.
fn unique_prefix(row: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!("conformance:{row}:{}:{nanos}:", std::process::id())
}

/// Every store that takes a login once, fresh, by name.
async fn guarding_stores(row: &str) -> Vec<(&'static str, Box<dyn TicketStore>)> {
    let mut stores: Vec<(&'static str, Box<dyn TicketStore>)> = vec![(
        "MemoryTicketStore",
        Box::new(MemoryTicketStore::with_capacity(CAPACITY)),
    )];
    match redis_url() {
        Some(url) => {
            let store = RedisTicketStore::connect(&url)
                .await
                .unwrap()
                .with_prefix(unique_prefix(row));
            stores.push(("RedisTicketStore", Box::new(store)));
        }
        None => eprintln!("note: REDIS_URL is not set: RedisTicketStore is left out of {row}"),
    }
    stores
}

/// Claims `count` made-up fingerprints of `kind`; the store's answers, which must be a
/// claim taken or a refusal for lack of room.
async fn flood(name: &str, store: &dyn TicketStore, kind: ClaimKind, count: usize) -> usize {
    let mut refused = 0;
    for i in 0..count {
        let text = format!("flood-{kind}-{i}");
        let fingerprint = match kind {
            ClaimKind::Landing => Fingerprint::of_landing(&text),
            ClaimKind::Checkout => Fingerprint::of_checkout(&text),
            _ => Fingerprint::of(&text),
        };
        match store.claim(&fingerprint, TICKET_TTL).await {
            Ok(taken) => assert!(taken, "{name}: flood claim {i} found taken"),
            Err(error) if error.is_full() => refused += 1,
            Err(error) => panic!("{name}: {error:?}"),
        }
    }
    refused
}

#[tokio::test]
async fn a_claim_is_never_evicted_while_live() {
    for (name, store) in guarding_stores("never-evicted").await {
        let landing = Fingerprint::of_landing("a-used-landing-token");
        let ticket = Fingerprint::of("a-used-ticket");
        assert!(store.claim(&landing, LANDING_TTL).await.unwrap(), "{name}");
        assert!(store.claim(&ticket, LANDING_TTL).await.unwrap(), "{name}");
        for kind in ClaimKind::ALL {
            flood(name, &*store, kind, FLOOD).await;
        }
        // Both were used: taking either again is refused (an error would refuse it too;
        // `Ok(true)` never).
        for used in [landing, ticket] {
            let again = store.claim(&used, LANDING_TTL).await;
            assert!(
                matches!(again, Ok(false)),
                "{name}: {used:?} taken again after a flood: {again:?}"
            );
        }
    }
}

#[tokio::test]
async fn a_full_store_refuses_a_new_claim_and_keeps_the_old_ones() {
    let store = MemoryTicketStore::with_capacity(CAPACITY);
    let name = "MemoryTicketStore";
    assert_eq!(flood(name, &store, ClaimKind::Ticket, CAPACITY).await, 0);
    let refused = store
        .claim(&Fingerprint::of("one-more"), TICKET_TTL)
        .await
        .unwrap_err();
    assert!(
        matches!(
            refused,
            StoreError::Full {
                capacity: CAPACITY,
                kind: ClaimKind::Ticket
            }
        ),
        "{refused:?}"
    );
    assert_eq!(store.len(), CAPACITY);
    // Another kind keeps its own room.
    assert_eq!(flood(name, &store, ClaimKind::Landing, CAPACITY).await, 0);

    if redis_url().is_none() {
        eprintln!("note: REDIS_URL is not set: RedisTicketStore is left out of this row");
        return;
    }
    // A Redis under `noeviction` whose memory is full refuses the claim with an error.
    let Some(redis) = PrivateRedis::start("noeviction") else {
        return;
    };
    let store = RedisTicketStore::connect(&redis.url()).await.unwrap();
    let held = Fingerprint::of_landing("held-before-full");
    assert!(store.claim(&held, LANDING_TTL).await.unwrap());
    redis.command(&["CONFIG", "SET", "maxmemory", "1"]);
    let refused = store
        .claim(&Fingerprint::of("after-full"), TICKET_TTL)
        .await;
    assert!(refused.is_err(), "{refused:?}");
    assert!(!matches!(store.claim(&held, LANDING_TTL).await, Ok(true)));
    redis.command(&["CONFIG", "SET", "maxmemory", "0"]);
    assert!(!store.claim(&held, LANDING_TTL).await.unwrap());
}

#[tokio::test]
async fn made_up_tickets_hold_no_claim() {
    let payway = FakePayway::start().await;
    payway.add_account("acc-1", ["premium"]);
    let client = payway.client();
    for (name, store) in guarding_stores("made-up-tickets").await {
        for i in 0..FLOOD {
            let made_up = format!("made-up-ticket-{name}-{i}");
            let login = client
                .login_with_ticket(&Ticket::new(made_up.clone()), &*store)
                .await
                .unwrap();
            assert!(
                matches!(login, TicketLogin::Rejected { .. }),
                "{name}: {login:?}"
            );
        }
        // Nothing was kept: every made-up ticket's fingerprint is free, and a reader's real
        // ticket logs in once.
        for i in [0, FLOOD / 2, FLOOD - 1] {
            let fingerprint = Fingerprint::of(&format!("made-up-ticket-{name}-{i}"));
            assert!(
                store.claim(&fingerprint, TICKET_TTL).await.unwrap(),
                "{name}"
            );
        }
        let ticket = Ticket::new(payway.issue_ticket("acc-1"));
        let login = client.login_with_ticket(&ticket, &*store).await.unwrap();
        assert!(
            matches!(login, TicketLogin::LoggedIn { .. }),
            "{name}: {login:?}"
        );
        let again = client.login_with_ticket(&ticket, &*store).await.unwrap();
        assert!(
            matches!(again, TicketLogin::AlreadyUsed),
            "{name}: {again:?}"
        );
    }
}

#[tokio::test]
async fn a_redis_that_may_evict_is_refused_unless_named() {
    if redis_url().is_none() {
        eprintln!("note: REDIS_URL is not set: the Redis eviction row is skipped");
        return;
    }
    for policy in ["allkeys-lru", "volatile-ttl"] {
        let Some(redis) = PrivateRedis::start(policy) else {
            return;
        };
        let refused = RedisTicketStore::connect(&redis.url()).await;
        assert!(
            matches!(&refused, Err(StoreError::EvictingPolicy { policy: p }) if p == policy),
            "{refused:?}"
        );
        let allowed = RedisTicketStore::builder()
            .allow_evicting_policy(policy)
            .connect(&redis.url())
            .await
            .unwrap();
        assert_eq!(allowed.maxmemory_policy(), Some(policy));
    }
}

/// A redis-server of this test's own on a free loopback port, stopped when dropped.
struct PrivateRedis {
    child: Child,
    port: u16,
}

impl PrivateRedis {
    /// `None` (with a note) when redis-server cannot be started, outside CI.
    fn start(policy: &str) -> Option<Self> {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        drop(listener);
        let spawned = Command::new("redis-server")
            .args(["--port", &port.to_string(), "--bind", "127.0.0.1"])
            .args(["--save", "", "--appendonly", "no"])
            .args(["--maxmemory-policy", policy])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn();
        let child = match spawned {
            Ok(child) => child,
            Err(e) if std::env::var_os("CI").is_none() => {
                eprintln!("note: cannot start redis-server ({e}): the row's Redis part is skipped");
                return None;
            }
            Err(e) => panic!("redis-server must be installed when CI is set: {e}"),
        };
        let redis = Self { child, port };
        for _ in 0..100 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return Some(redis);
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("redis-server did not start listening on port {port}");
    }

    fn url(&self) -> String {
        format!("redis://127.0.0.1:{}/", self.port)
    }

    /// Sends one command and expects `+OK`.
    fn command(&self, args: &[&str]) {
        let mut request = format!("*{}\r\n", args.len());
        for arg in args {
            request.push_str(&format!("${}\r\n{arg}\r\n", arg.len()));
        }
        let mut stream = std::net::TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        stream.write_all(request.as_bytes()).unwrap();
        let mut reply = [0; 5];
        stream.read_exact(&mut reply).unwrap();
        assert_eq!(&reply, b"+OK\r\n", "{args:?}");
    }
}

impl Drop for PrivateRedis {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
