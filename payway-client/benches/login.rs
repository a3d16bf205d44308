//! `login_with_ticket` against a local fake Payway (`FakePayway`), with the memory store and with Redis,
//! measured beside the two bare requests it makes (token exchange + `/me` with plain
//! reqwest) in the same run; and the memory one `MemoryTicketStore` entry takes at
//! 1 million entries.
//!
//! ```text
//! REDIS_URL=redis://127.0.0.1:6379/ cargo bench -p payway-client --features redis,test-util --bench login
//! ```
//!
//! Without `REDIS_URL` (or without the `redis` feature) the Redis part is skipped with a note.
//!
//! Measured in pairs: every timed login is followed, on the same connection pool, by the two
//! bare requests and then one bare `claim` on the same store, each timed, so that both sides
//! see the same moment of a shared, busy machine. Printed per store: login / bare requests
//! (the whole overhead), the store's claim (the part of it that is the store: for Redis, a
//! round trip no client can skip), and (login - claim) / bare requests (the client's own
//! overhead). Criterion's separate-run means (from its `estimates.json`) are printed too.

use std::cell::Cell;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use criterion::Criterion;
use payway_client::test_util::FakePayway;
use payway_client::{
    Fingerprint, MemoryTicketStore, PaywayClient, Ticket, TicketLogin, TicketStore,
};
use serde_json::Value;
use url::Url;

const GROUP: &str = "login";
const BARE: &str = "bare_requests";
const MEMORY: &str = "memory_store";
#[cfg(feature = "redis")]
const REDIS: &str = "redis_store";
const ACCOUNT: &str = "acc-1";

fn output_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/criterion/payway-client")
}

/// Mean time of one benchmark, in nanoseconds, from criterion's estimates.
fn mean_ns(id: &str) -> Option<f64> {
    let path = output_dir().join(GROUP).join(id).join("new/estimates.json");
    let estimates: Value = serde_json::from_slice(&std::fs::read(path).ok()?).ok()?;
    estimates["mean"]["point_estimate"].as_f64()
}

/// Time spent in our logins and in the baseline timed right after each of them.
#[derive(Default)]
struct Pairs {
    ours: Cell<Duration>,
    bare: Cell<Duration>,
    claim: Cell<Duration>,
    count: Cell<u64>,
}

impl Pairs {
    fn report(&self, id: &str) {
        let count = self.count.get().max(1) as f64;
        let micros = |d: &Cell<Duration>| d.get().as_secs_f64() / count * 1e6;
        let (ours, bare, claim) = (micros(&self.ours), micros(&self.bare), micros(&self.claim));
        println!("{id}, {} paired logins:", self.count.get());
        println!(
            "  ratio login_with_ticket/bare requests = {:.3}x (login {ours:.1} µs, bare requests \
             {bare:.1} µs, overhead {:+.1} µs)",
            ours / bare,
            ours - bare
        );
        println!(
            "  the store's part: one claim = {claim:.1} µs ({:.1}% of a login)",
            claim / ours * 100.0
        );
        println!(
            "  ratio (login - claim)/bare requests = {:.3}x (target <= 1.05x): the client's own overhead",
            (ours - claim) / bare
        );
        if let (Some(ours_ns), Some(bare_ns)) = (mean_ns(id), mean_ns(BARE)) {
            println!(
                "  criterion means, separate runs: login {:.1} µs, bare requests {:.1} µs = {:.3}x",
                ours_ns / 1e3,
                bare_ns / 1e3,
                ours_ns / bare_ns
            );
        }
    }
}

/// The resident set size of this process, in bytes (`VmRSS` in `/proc/self/status`).
fn rss_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

/// Fills a `MemoryTicketStore` with 1 million claims; the RSS growth per entry, as text.
fn memory_per_entry(runtime: &tokio::runtime::Runtime) -> String {
    const ENTRIES: u32 = 1_000_000;
    let fingerprints: Vec<Fingerprint> = (0..ENTRIES)
        .map(|i| Fingerprint::of(&format!("ticket-{i}")))
        .collect();
    let before = rss_bytes();
    let store = MemoryTicketStore::with_capacity(ENTRIES as usize);
    runtime.block_on(async {
        for fingerprint in &fingerprints {
            assert!(
                store
                    .claim(fingerprint, Duration::from_secs(3600))
                    .await
                    .unwrap()
            );
        }
    });
    let after = rss_bytes();
    assert_eq!(store.len(), ENTRIES as usize);
    drop(store);
    match (before, after) {
        (Some(before), Some(after)) => format!(
            "MemoryTicketStore at {ENTRIES} entries: RSS +{:.1} MiB = {:.0} bytes per entry \
             (VmRSS from /proc/self/status, before and after filling)",
            (after.saturating_sub(before)) as f64 / (1024.0 * 1024.0),
            after.saturating_sub(before) as f64 / f64::from(ENTRIES)
        ),
        _ => "MemoryTicketStore memory: /proc/self/status is not readable here".to_owned(),
    }
}

/// The two requests of a login, with plain reqwest: what any client must do at least.
async fn bare_login(http: &reqwest::Client, fake: &FakePayway, base: &Url, ticket: &str) {
    let token: Value = http
        .post(base.join("api/authorization/access_token").unwrap())
        .header("accept", "application/json")
        .form(&[
            ("grant_type", "ticket"),
            ("ticket", ticket),
            ("client_id", fake.client_id()),
            ("client_secret", fake.client_secret()),
            // What the crate sends by default: `/me` answers 403 to a token without it.
            ("scope", "/external/me/w"),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let access_token = token["access_token"].as_str().unwrap();
    let account = http
        .get(base.join("external/api/v1/me").unwrap())
        .header("accept", "application/json")
        .bearer_auth(access_token)
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert!(!account.is_empty());
}

async fn our_login<S: TicketStore + ?Sized>(payway: &PaywayClient, store: &S, ticket: &Ticket) {
    let login = payway.login_with_ticket(ticket, store).await.unwrap();
    assert!(matches!(login, TicketLogin::LoggedIn { .. }), "{login:?}");
}

/// Everything a benchmark needs, borrowed by each timed routine.
struct Setup {
    http: reqwest::Client,
    base: Url,
    fake: FakePayway,
    payway: PaywayClient,
    tickets: Cell<u64>,
}

impl Setup {
    /// Every login needs a fresh ticket, issued by the fake (untimed).
    fn next_ticket(&self) -> String {
        self.tickets.set(self.tickets.get() + 1);
        self.fake.issue_ticket(ACCOUNT)
    }

    /// `iters` logins through `store`, each followed by its baseline (the bare requests and
    /// one bare claim on `store`); returns the time of our logins (for criterion) and adds
    /// every side to `pairs`.
    async fn paired<S: TicketStore + ?Sized>(
        &self,
        store: &S,
        pairs: &Pairs,
        iters: u64,
    ) -> Duration {
        let mut ours = Duration::ZERO;
        let mut bare = Duration::ZERO;
        let mut claim = Duration::ZERO;
        for _ in 0..iters {
            let ticket = Ticket::new(self.next_ticket());
            let start = Instant::now();
            our_login(&self.payway, store, &ticket).await;
            ours += start.elapsed();

            let ticket = self.next_ticket();
            let start = Instant::now();
            bare_login(&self.http, &self.fake, &self.base, &ticket).await;
            bare += start.elapsed();

            let fingerprint = Fingerprint::of(&self.next_ticket());
            let start = Instant::now();
            assert!(
                store
                    .claim(&fingerprint, Duration::from_secs(60))
                    .await
                    .unwrap()
            );
            claim += start.elapsed();
        }
        pairs.ours.set(pairs.ours.get() + ours);
        pairs.bare.set(pairs.bare.get() + bare);
        pairs.claim.set(pairs.claim.get() + claim);
        pairs.count.set(pairs.count.get() + iters);
        ours
    }
}

#[cfg(feature = "redis")]
fn redis_store(runtime: &tokio::runtime::Runtime) -> Option<payway_client::RedisTicketStore> {
    let Ok(url) = std::env::var("REDIS_URL") else {
        println!("note: REDIS_URL is not set: the Redis benchmark is skipped");
        return None;
    };
    let prefix = format!("payway-bench:{}:", std::process::id());
    let store = runtime
        .block_on(payway_client::RedisTicketStore::connect(&url))
        .unwrap();
    Some(store.with_prefix(prefix))
}

fn main() {
    // One thread for the client side (the mock server runs on its own threads): fewer
    // cross-thread wake-ups, less noise on a small machine.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    // First, in a process that has not yet allocated and freed much to reuse.
    let memory_figure = memory_per_entry(&runtime);
    let fake = runtime.block_on(FakePayway::start());
    fake.add_account(ACCOUNT, ["premium"]);
    let base = fake.base_url();
    // One connection pool for both sides, configured as the crate configures its own.
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(Duration::from_secs(5))
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    let payway = fake
        .client_builder()
        .http_client(http.clone())
        .claim_ttl(Duration::from_secs(60))
        .build()
        .unwrap();
    let setup = Setup {
        http,
        base,
        fake,
        payway,
        tickets: Cell::new(0),
    };
    let memory = MemoryTicketStore::with_capacity(10_000_000);
    let memory_pairs = Pairs::default();
    #[cfg(feature = "redis")]
    let redis = redis_store(&runtime);
    #[cfg(feature = "redis")]
    let redis_pairs = Pairs::default();
    #[cfg(not(feature = "redis"))]
    println!("note: built without the `redis` feature: the Redis benchmark is skipped");

    let mut criterion = Criterion::default()
        .output_directory(&output_dir())
        .sample_size(60)
        .warm_up_time(Duration::from_secs(2))
        .measurement_time(Duration::from_secs(10))
        .configure_from_args();
    {
        let mut group = criterion.benchmark_group(GROUP);
        group.bench_function(BARE, |b| {
            b.to_async(&runtime).iter(|| async {
                let ticket = setup.next_ticket();
                bare_login(&setup.http, &setup.fake, &setup.base, &ticket).await;
            });
        });
        group.bench_function(MEMORY, |b| {
            b.to_async(&runtime)
                .iter_custom(|iters| setup.paired(&memory, &memory_pairs, iters));
        });
        #[cfg(feature = "redis")]
        if let Some(redis) = &redis {
            group.bench_function(REDIS, |b| {
                b.to_async(&runtime)
                    .iter_custom(|iters| setup.paired(redis, &redis_pairs, iters));
            });
        }
        group.finish();
    }
    criterion.final_summary();

    println!();
    memory_pairs.report(MEMORY);
    #[cfg(feature = "redis")]
    if redis.is_some() {
        redis_pairs.report(REDIS);
    }
    println!("{memory_figure}");
}
