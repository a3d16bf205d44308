//! A traffic spike: 10,000 session checks from 256 concurrent tasks over 50 session ids,
//! against a local tiun (`FakeTiun`) that takes 20 ms per answer, with coalescing (the
//! default) and without, in the same run.
//!
//! Criterion times one whole spike of each kind. The figures that matter are counted around
//! it, in rounds that alternate the two kinds: requests tiun received, against the bound of
//! one per session id per 20 ms window (`50 × ⌈elapsed / 20 ms⌉`), and the p50 and p99 latency
//! of a check as its caller sees it.

use std::hint::black_box;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use criterion::Criterion;
use tiun_client::TiunClient;
use tiun_client::test_util::FakeTiun;
use tokio::runtime::Runtime;
use tokio::task::JoinSet;

const CHECKS: usize = 10_000;
const TASKS: usize = 256;
const SESSIONS: usize = 50;
const ANSWER_TIME: Duration = Duration::from_millis(20);
/// Rounds of each kind for the counted figures (one when run as a test, without `--bench`).
const ROUNDS: usize = 3;

/// What one spike measured.
struct Spike {
    requests: usize,
    elapsed: Duration,
    latencies: Vec<Duration>,
}

impl Spike {
    /// At most one request per session id per `ANSWER_TIME` window.
    fn bound(&self) -> usize {
        let windows = self.elapsed.as_nanos().div_ceil(ANSWER_TIME.as_nanos());
        SESSIONS * usize::try_from(windows).unwrap()
    }

    fn percentile(&self, p: usize) -> Duration {
        let mut sorted = self.latencies.clone();
        sorted.sort();
        sorted[(sorted.len() * p / 100).min(sorted.len() - 1)]
    }
}

/// The session id task `task` checks at its `n`th check: spread over all ids, in a different
/// order per task.
fn session_of(task: usize, n: usize) -> String {
    format!("spike-session-{}", (task * 7 + n * 13) % SESSIONS)
}

/// Runs one spike against `fake` through `tiun`.
async fn spike(fake: &FakeTiun, tiun: &TiunClient) -> Spike {
    let before = fake.checks();
    let started = Instant::now();
    let mut tasks = JoinSet::new();
    for task in 0..TASKS {
        let tiun = tiun.clone();
        // The first `CHECKS % TASKS` tasks make one check more, for `CHECKS` in all.
        let checks = CHECKS / TASKS + usize::from(task < CHECKS % TASKS);
        tasks.spawn(async move {
            let mut latencies = Vec::with_capacity(checks);
            for n in 0..checks {
                let id = session_of(task, n);
                let start = Instant::now();
                let status = tiun.verify_session(&id).await.unwrap();
                latencies.push(start.elapsed());
                assert!(status.is_valid());
            }
            latencies
        });
    }
    let latencies: Vec<Duration> = tasks.join_all().await.into_iter().flatten().collect();
    assert_eq!(latencies.len(), CHECKS);
    Spike {
        requests: fake.checks() - before,
        elapsed: started.elapsed(),
        latencies,
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn main() {
    let runtime = Runtime::new().unwrap();
    let fake = Arc::new(runtime.block_on(FakeTiun::start()));
    for i in 0..SESSIONS {
        fake.paid_session(format!("spike-session-{i}"));
    }
    fake.delay(ANSWER_TIME);
    let coalescing = fake.client();
    let separate = fake.client_builder().coalesce(false).build().unwrap();

    let mut criterion = Criterion::default()
        .output_directory(&Path::new(env!("CARGO_TARGET_TMPDIR")).join("criterion-tiun-spike"))
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(10))
        .configure_from_args();
    {
        let mut group = criterion.benchmark_group("spike_10k_checks");
        group.bench_function("without_coalescing", |b| {
            b.to_async(&runtime)
                .iter(|| async { black_box(spike(&fake, &separate).await.requests) });
        });
        group.bench_function("coalescing", |b| {
            b.to_async(&runtime)
                .iter(|| async { black_box(spike(&fake, &coalescing).await.requests) });
        });
        group.finish();
    }
    criterion.final_summary();

    println!();
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    println!("load average before the counted rounds: {}", load.trim());
    let rounds = if std::env::args().any(|a| a == "--bench") {
        ROUNDS
    } else {
        1
    };
    for round in 0..rounds {
        // Alternate which kind goes first, so a busy spell does not always hit the same one.
        let kinds = if round % 2 == 0 {
            [("coalescing", &coalescing), ("without", &separate)]
        } else {
            [("without", &separate), ("coalescing", &coalescing)]
        };
        for (name, tiun) in kinds {
            let figures = runtime.block_on(spike(&fake, tiun));
            println!(
                "round {round} {name:>10}: {:>5} requests to tiun (bound {:>5}), {:>6.0} ms for \
                 {CHECKS} checks, latency p50 {:.1} ms, p99 {:.1} ms",
                figures.requests,
                figures.bound(),
                ms(figures.elapsed),
                ms(figures.percentile(50)),
                ms(figures.percentile(99)),
            );
            if name == "coalescing" {
                assert!(
                    figures.requests <= figures.bound(),
                    "coalescing must keep to one request per session per window"
                );
            }
        }
    }
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    println!("load average after: {}", load.trim());
}
