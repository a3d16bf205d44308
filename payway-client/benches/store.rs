//! `MemoryTicketStore` claims per second, beside the store it replaced, in the same run.
//!
//! The baseline is a private copy of the former algorithm (one hash table of claims; a sweep
//! of the whole table after as many new claims as half of it holds; a full table evicting
//! the eighth of its capacity closest to expiring). Three workloads, each in a steady state
//! where claims expire as fast as they arrive (short TTLs, so the tables hold tens of
//! thousands of live claims, as a busy site does with minutes-long TTLs):
//!
//! - `landing`: SSO2 landing claims, whose TTLs end with their token's `exp` (a landing
//!   arrives a moment after its token was issued, so the TTLs differ by a little: here by up
//!   to 1/60 of the TTL, as a second of latency on a 60-second token);
//! - `landing_spread`: the worst case for the new store: landing TTLs spread over a factor of
//!   two in random order, so every other claim expires before one made earlier;
//! - `ticket_login`: claims of accepted tickets, one TTL, kept;
//! - `refused_ticket`: a claim released at once (a ticket Payway refused; the new store
//!   releases it, the old one kept it, so the baseline here is its plain claim).
//!
//! Fingerprints are computed before timing. Measured in pairs: each timed batch of our claims
//! is followed by a timed batch of the baseline's, so both see the same moment of a shared
//! machine. It then prints claims per second of each and their ratio, and the resident
//! memory per claim of each at 1 million claims (each measured in a fresh child process).
//!
//! ```text
//! cargo bench -p payway-client --bench store
//! ```

use std::cell::Cell;
use std::collections::HashMap;
use std::future::Future;
use std::hint::black_box;
use std::pin::pin;
use std::sync::{Mutex, PoisonError};
use std::task::{Context, Poll, Waker};
use std::time::{Duration, Instant};

use criterion::Criterion;
use payway_client::{Fingerprint, MemoryTicketStore, StoreError, TicketStore};

/// How many claims each timed batch makes, per store.
const BATCH: usize = 256;
/// Distinct fingerprints cycled through: enough that one comes round again long after its
/// claim expired.
const POOL: usize = 1 << 20;
/// The environment variable under which a child process measures one store's memory.
const MEMORY_CHILD: &str = "PAYWAY_STORE_BENCH_MEMORY";

/// The former `MemoryTicketStore`, copied as it was, for the comparison only.
mod evicting {
    use super::*;

    const MIN_SWEEP_GAP: usize = 1_024;
    const EVICT_SHARE: usize = 8;

    pub(crate) struct EvictingStore {
        capacity: usize,
        origin: Instant,
        state: Mutex<State>,
    }

    #[derive(Default)]
    struct State {
        /// By digest: the former store's key was the 32 digest bytes alone.
        claims: HashMap<[u8; 32], u64>,
        since_sweep: usize,
    }

    impl EvictingStore {
        pub(crate) fn with_capacity(capacity: usize) -> Self {
            Self {
                capacity: capacity.max(1),
                origin: Instant::now(),
                state: Mutex::new(State::default()),
            }
        }

        pub(crate) fn len(&self) -> usize {
            self.state
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .claims
                .len()
        }

        fn now_ms(&self) -> u64 {
            u64::try_from(self.origin.elapsed().as_millis()).unwrap_or(u64::MAX)
        }

        fn claim_now(&self, fingerprint: &Fingerprint, ttl: Duration) -> bool {
            let now = self.now_ms();
            let ttl_ms = u64::try_from(ttl.as_millis()).unwrap_or(u64::MAX).max(1);
            let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
            let digest = *fingerprint.as_bytes();
            match state.claims.get(&digest) {
                Some(&expires) if expires > now => return false,
                Some(_) => {}
                None if state.claims.len() >= self.capacity => state.make_room(now, self.capacity),
                None => {}
            }
            state.claims.insert(digest, now.saturating_add(ttl_ms));
            state.since_sweep += 1;
            if state.since_sweep >= (state.claims.len() / 2).max(MIN_SWEEP_GAP) {
                state.sweep(now);
            }
            true
        }
    }

    impl State {
        fn sweep(&mut self, now: u64) {
            self.claims.retain(|_, expires| *expires > now);
            self.since_sweep = 0;
        }

        fn make_room(&mut self, now: u64, capacity: usize) {
            self.sweep(now);
            if self.claims.len() < capacity {
                return;
            }
            let evict = (capacity / EVICT_SHARE).clamp(1, self.claims.len());
            let mut expiries: Vec<u64> = self.claims.values().copied().collect();
            let (earlier, threshold, _) = expiries.select_nth_unstable(evict - 1);
            let threshold = *threshold;
            let below = earlier.iter().filter(|e| **e < threshold).count();
            let mut at_threshold = evict - below;
            self.claims.retain(|_, expires| {
                if *expires < threshold {
                    false
                } else if *expires == threshold && at_threshold > 0 {
                    at_threshold -= 1;
                    false
                } else {
                    true
                }
            });
        }
    }

    #[async_trait::async_trait]
    impl TicketStore for EvictingStore {
        async fn claim(
            &self,
            fingerprint: &Fingerprint,
            ttl: Duration,
        ) -> Result<bool, StoreError> {
            Ok(self.claim_now(fingerprint, ttl))
        }

        async fn release(&self, fingerprint: &Fingerprint) -> Result<(), StoreError> {
            self.state
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .claims
                .remove(fingerprint.as_bytes());
            Ok(())
        }
    }
}

use evicting::EvictingStore;

/// Runs a future that never waits (both stores answer at once) to its end.
fn now<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    let mut context = Context::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(output) = future.as_mut().poll(&mut context) {
            return output;
        }
    }
}

/// What one workload does per claim.
#[derive(Clone, Copy)]
enum Workload {
    Landing,
    LandingSpread,
    TicketLogin,
    RefusedTicket,
}

impl Workload {
    fn name(self) -> &'static str {
        match self {
            Self::Landing => "landing",
            Self::LandingSpread => "landing_spread",
            Self::TicketLogin => "ticket_login",
            Self::RefusedTicket => "refused_ticket",
        }
    }

    fn fingerprints(self) -> Vec<Fingerprint> {
        (0..POOL)
            .map(|i| match self {
                Self::Landing | Self::LandingSpread => {
                    Fingerprint::of_landing(&format!("landing-token-{i}"))
                }
                Self::TicketLogin | Self::RefusedTicket => Fingerprint::of(&format!("ticket-{i}")),
            })
            .collect()
    }

    /// The claim's TTL: 20 ms for tickets; for landings 20 ms less up to 1/60 of it, or
    /// (spread) 10 to 20 ms, in a pseudo-random order.
    fn ttl(self, i: usize) -> Duration {
        let mut x = (i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        x ^= x >> 29;
        match self {
            Self::Landing => Duration::from_micros(20_000 - x % 333),
            Self::LandingSpread => Duration::from_micros(10_000 + x % 10_000),
            Self::TicketLogin | Self::RefusedTicket => Duration::from_millis(20),
        }
    }
}

/// One workload's stores, fingerprints and the time each store spent.
struct Bench {
    workload: Workload,
    fingerprints: Vec<Fingerprint>,
    next: Cell<usize>,
    ours: MemoryTicketStore,
    theirs: EvictingStore,
    ours_time: Cell<Duration>,
    theirs_time: Cell<Duration>,
    claims: Cell<u64>,
}

impl Bench {
    fn new(workload: Workload) -> Self {
        Self {
            workload,
            fingerprints: workload.fingerprints(),
            next: Cell::new(0),
            ours: MemoryTicketStore::with_capacity(1_000_000),
            theirs: EvictingStore::with_capacity(1_000_000),
            ours_time: Cell::new(Duration::ZERO),
            theirs_time: Cell::new(Duration::ZERO),
            claims: Cell::new(0),
        }
    }

    /// `BATCH` claims on `store`, from fingerprint `start`; the time they took.
    fn batch<S: TicketStore>(&self, store: &S, start: usize, release: bool) -> Duration {
        let begin = Instant::now();
        for i in start..start + BATCH {
            let fingerprint = &self.fingerprints[i % POOL];
            let taken = now(store.claim(fingerprint, self.workload.ttl(i))).unwrap();
            if release {
                now(store.release(fingerprint)).unwrap();
            }
            black_box(taken);
        }
        begin.elapsed()
    }

    /// Enough batches for `iters` claims on each store, in pairs; the time of ours.
    fn paired(&self, iters: u64) -> Duration {
        let batches = (iters as usize).div_ceil(BATCH).max(1);
        let (mut ours, mut theirs) = (Duration::ZERO, Duration::ZERO);
        let release = matches!(self.workload, Workload::RefusedTicket);
        for _ in 0..batches {
            let start = self.next.get();
            self.next.set(start + BATCH);
            ours += self.batch(&self.ours, start, release);
            // The former store kept a refused ticket's claim.
            theirs += self.batch(&self.theirs, start, false);
        }
        self.ours_time.set(self.ours_time.get() + ours);
        self.theirs_time.set(self.theirs_time.get() + theirs);
        self.claims
            .set(self.claims.get() + (batches * BATCH) as u64);
        ours.mul_f64(iters as f64 / (batches * BATCH) as f64)
    }

    fn report(&self) {
        let claims = self.claims.get() as f64;
        let ours = claims / self.ours_time.get().as_secs_f64();
        let theirs = claims / self.theirs_time.get().as_secs_f64();
        println!(
            "{}: {:.2} M claims/s, former store {:.2} M claims/s: {:.3}x ({} paired claims; \
             held at the end: {} and {})",
            self.workload.name(),
            ours / 1e6,
            theirs / 1e6,
            ours / theirs,
            self.claims.get(),
            self.ours.len(),
            self.theirs.len(),
        );
    }
}

/// The resident set size of this process, in bytes (`VmRSS` in `/proc/self/status`).
fn rss_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

/// In a child process: fills one store with 1 million claims and prints its RSS growth per
/// claim.
fn measure_memory(which: &str) {
    const ENTRIES: usize = 1_000_000;
    let fingerprints: Vec<Fingerprint> = (0..ENTRIES)
        .map(|i| Fingerprint::of(&format!("ticket-{i}")))
        .collect();
    let ttl = Duration::from_secs(3600);
    let before = rss_bytes().unwrap_or(0);
    let (held, after) = if which == "new" {
        let store = MemoryTicketStore::with_capacity(ENTRIES);
        for fingerprint in &fingerprints {
            assert!(now(store.claim(fingerprint, ttl)).unwrap());
        }
        (store.len(), rss_bytes().unwrap_or(0))
    } else {
        let store = EvictingStore::with_capacity(ENTRIES);
        for fingerprint in &fingerprints {
            assert!(now(store.claim(fingerprint, ttl)).unwrap());
        }
        (store.len(), rss_bytes().unwrap_or(0))
    };
    assert_eq!(held, ENTRIES);
    println!(
        "{:.0}",
        after.saturating_sub(before) as f64 / ENTRIES as f64
    );
}

/// Bytes per claim of one store at 1 million claims, from a child process.
fn memory_per_claim(which: &str) -> Option<String> {
    let exe = std::env::current_exe().ok()?;
    let output = std::process::Command::new(exe)
        .env(MEMORY_CHILD, which)
        .output()
        .ok()?;
    let text = String::from_utf8(output.stdout).ok()?;
    Some(text.trim().to_owned())
}

fn main() {
    if let Ok(which) = std::env::var(MEMORY_CHILD) {
        measure_memory(&which);
        return;
    }
    let benches: Vec<Bench> = [
        Workload::Landing,
        Workload::LandingSpread,
        Workload::TicketLogin,
        Workload::RefusedTicket,
    ]
    .into_iter()
    .map(Bench::new)
    .collect();

    let mut criterion = Criterion::default()
        .sample_size(30)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .configure_from_args();
    {
        let mut group = criterion.benchmark_group("store");
        for bench in &benches {
            group.bench_function(bench.workload.name(), |b| {
                b.iter_custom(|iters| bench.paired(iters));
            });
        }
        group.finish();
    }
    criterion.final_summary();

    println!();
    for bench in &benches {
        bench.report();
    }
    let new = memory_per_claim("new").unwrap_or_else(|| "?".to_owned());
    let old = memory_per_claim("old").unwrap_or_else(|| "?".to_owned());
    println!(
        "memory at 1 000 000 ticket claims (VmRSS growth, each in a fresh process): \
         {new} bytes per claim, former store {old} bytes per claim"
    );
}
