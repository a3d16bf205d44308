//! `verify_session` against a local server vs. a bare `reqwest` PATCH to the same server, in the
//! same run: sequential and 64 concurrent. Prints `ours / bare` for both (target <= 1.10x).
//!
//! The client is configured as by default, coalescing on. The 64 concurrent calls check 64
//! different session ids, so none of them shares a request: the ratio is the cost of the
//! machinery, not a saving (`benches/spike.rs` measures the saving).
//!
//! The server is a minimal keep-alive HTTP/1.1 responder (every request answered `200` with an
//! empty body), so the client side dominates the measurement.
//!
//! With `TIUN_BENCH_CALLS=ours:N` (or `bare:N`, or `uncoalesced:N` for a client built with
//! `.coalesce(false)`) it makes N sequential calls of one side on a
//! single thread and exits, for counting instructions with callgrind instead of timing:
//! `valgrind --tool=callgrind target/release/deps/verify-*`, at two values of N, gives the
//! instructions per call, independent of the machine's load.
//!
//! Criterion measures each side for several seconds, one after the other, so on a machine shared
//! with other work its two estimates can be taken under different loads. The ratio printed is
//! therefore measured on its own: short batches of both sides, alternating, many rounds, and the
//! median of the per-round ratios; a busy spell slows both sides of a round alike.

use std::future::Future;
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime};

use criterion::Criterion;
use tiun_client::TiunClient;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::runtime::Runtime;
use tokio::task::JoinSet;

const KEY: &str = "bench-api-key";
const SESSION: &str = "3f2a9c4e-bench-session";
const CONCURRENCY: usize = 64;
/// Rounds of the alternating ratio measurement (odd, for a plain median).
const ROUNDS: usize = 41;

/// Answers every request on every connection with an empty `200`.
async fn serve(listener: TcpListener) {
    while let Ok((stream, _)) = listener.accept().await {
        tokio::spawn(answer_all(stream));
    }
}

async fn answer_all(mut stream: TcpStream) {
    let mut buffer = Vec::with_capacity(1024);
    let mut chunk = [0_u8; 1024];
    loop {
        // Requests carry no body (content-length: 0): a request ends at the blank line.
        while let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            buffer.drain(..end + 4);
            if stream
                .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n")
                .await
                .is_err()
            {
                return;
            }
        }
        match stream.read(&mut chunk).await {
            Ok(0) | Err(_) => return,
            Ok(n) => buffer.extend_from_slice(&chunk[..n]),
        }
    }
}

async fn bare_patch(http: &reqwest::Client, url: &str) -> bool {
    let response = http
        .patch(url)
        .header("X-TIUN-API-KEY", KEY)
        .body(Vec::new())
        .send()
        .await
        .unwrap();
    response.status() == reqwest::StatusCode::OK
}

async fn ours(tiun: &TiunClient, session_id: &str) -> bool {
    tiun.verify_session(session_id).await.unwrap().is_valid()
}

/// The session id of the `i`th of the concurrent calls.
fn session(i: usize) -> String {
    format!("{SESSION}-{i}")
}

/// `CONCURRENCY` calls at once, each in its own task, as a server's request handlers make them.
async fn all_at_once<F: Future<Output = bool> + Send + 'static>(call: impl Fn(usize) -> F) {
    let mut calls = JoinSet::new();
    for i in 0..CONCURRENCY {
        calls.spawn(call(i));
    }
    while let Some(ok) = calls.join_next().await {
        assert!(ok.unwrap());
    }
}

/// The quartiles (first, median, third) over [`ROUNDS`] of `time(ours batch) / time(bare
/// batch)`, the two batches of a round run back to back, in alternating order.
fn alternating_ratio<O, B>(
    runtime: &Runtime,
    batch: usize,
    ours: impl Fn() -> O,
    bare: impl Fn() -> B,
) -> [f64; 3]
where
    O: Future<Output = ()>,
    B: Future<Output = ()>,
{
    let time = |run: &dyn Fn()| {
        let start = Instant::now();
        run();
        start.elapsed().as_secs_f64()
    };
    let ours_batch = || {
        runtime.block_on(async {
            for _ in 0..batch {
                ours().await;
            }
        })
    };
    let bare_batch = || {
        runtime.block_on(async {
            for _ in 0..batch {
                bare().await;
            }
        })
    };
    let mut ratios: Vec<f64> = (0..ROUNDS)
        .map(|round| {
            if round % 2 == 0 {
                let bare = time(&bare_batch);
                time(&ours_batch) / bare
            } else {
                let ours = time(&ours_batch);
                ours / time(&bare_batch)
            }
        })
        .collect();
    ratios.sort_by(f64::total_cmp);
    [
        ratios[ROUNDS / 4],
        ratios[ROUNDS / 2],
        ratios[3 * ROUNDS / 4],
    ]
}

fn output_dir() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join("criterion-tiun-client")
}

/// The time per iteration criterion reported in this run (`None` for a file left by an earlier
/// one): the slope when it has one, else the mean.
fn estimate_ns(group: &str, id: &str, run_started: SystemTime) -> Option<f64> {
    let path = output_dir()
        .join(group)
        .join(id)
        .join("new")
        .join("estimates.json");
    if std::fs::metadata(&path).ok()?.modified().ok()? < run_started {
        return None;
    }
    let json: serde_json::Value = serde_json::from_slice(&std::fs::read(path).ok()?).ok()?;
    let slope = json["slope"]["point_estimate"].as_f64();
    slope.or_else(|| json["mean"]["point_estimate"].as_f64())
}

/// `N` sequential calls of one side on a single-threaded runtime, server included.
fn count_calls(spec: &str) {
    let (side, calls) = spec
        .split_once(':')
        .expect("TIUN_BENCH_CALLS=ours:N or bare:N");
    let calls: usize = calls.parse().expect("a number of calls");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}/", listener.local_addr().unwrap());
        tokio::spawn(serve(listener));
        let tiun = TiunClient::builder()
            .base_url(base.parse().unwrap())
            .api_key(KEY)
            .coalesce(side != "uncoalesced")
            .build()
            .unwrap();
        let bare = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let url = format!("{base}live_api/s2s/v1/sessions/{SESSION}/status");
        for _ in 0..calls {
            let ok = match side {
                "ours" | "uncoalesced" => ours(&tiun, SESSION).await,
                _ => bare_patch(&bare, &url).await,
            };
            assert!(ok);
        }
    });
}

fn main() {
    if let Ok(spec) = std::env::var("TIUN_BENCH_CALLS") {
        count_calls(&spec);
        return;
    }
    let run_started = SystemTime::now();
    let runtime = Runtime::new().unwrap();
    let listener = runtime.block_on(TcpListener::bind("127.0.0.1:0")).unwrap();
    let address = listener.local_addr().unwrap();
    runtime.spawn(serve(listener));

    let base = format!("http://{address}/");
    let tiun = TiunClient::builder()
        .base_url(base.parse().unwrap())
        .api_key(KEY)
        .build()
        .unwrap();
    let bare = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(Duration::from_secs(5))
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    let url_of = |id: &str| format!("{base}live_api/s2s/v1/sessions/{id}/status");
    let bare_url = url_of(SESSION);
    let bare_urls: Vec<String> = (0..CONCURRENCY).map(|i| url_of(&session(i))).collect();
    let sessions: Vec<String> = (0..CONCURRENCY).map(session).collect();
    assert!(runtime.block_on(ours(&tiun, SESSION)));
    assert!(runtime.block_on(bare_patch(&bare, &bare_url)));
    let our_task = |i: usize| {
        let (tiun, id) = (tiun.clone(), sessions[i].clone());
        async move { ours(&tiun, &id).await }
    };
    let bare_task = |i: usize| {
        let (bare, url) = (bare.clone(), bare_urls[i].clone());
        async move { bare_patch(&bare, &url).await }
    };

    let mut criterion = Criterion::default()
        .output_directory(&output_dir())
        .warm_up_time(Duration::from_secs(2))
        .measurement_time(Duration::from_secs(6))
        .configure_from_args();

    {
        let mut group = criterion.benchmark_group("sequential");
        group.bench_function("bare_reqwest", |b| {
            b.to_async(&runtime)
                .iter(|| async { black_box(bare_patch(&bare, &bare_url).await) });
        });
        group.bench_function("tiun_client", |b| {
            b.to_async(&runtime)
                .iter(|| async { black_box(ours(&tiun, SESSION).await) })
        });
        group.finish();
    }
    {
        let mut group = criterion.benchmark_group("concurrent_64");
        group.bench_function("bare_reqwest", |b| {
            b.to_async(&runtime).iter(|| all_at_once(bare_task));
        });
        group.bench_function("tiun_client", |b| {
            b.to_async(&runtime).iter(|| all_at_once(our_task));
        });
        group.finish();
    }
    criterion.final_summary();

    // None in test mode (`cargo test --benches`) and for a group a filter left out.
    let estimates = |group| {
        Some((
            estimate_ns(group, "tiun_client", run_started)?,
            estimate_ns(group, "bare_reqwest", run_started)?,
        ))
    };
    println!();
    for (group, batch) in [("sequential", 200), ("concurrent_64", 10)] {
        let Some((ours_ns, bare_ns)) = estimates(group) else {
            println!("{group}: no estimates (benchmarks filtered out or run in test mode)");
            continue;
        };
        let [low, ratio, high] = if group == "sequential" {
            alternating_ratio(
                &runtime,
                batch,
                || async { assert!(ours(&tiun, SESSION).await) },
                || async { assert!(bare_patch(&bare, &bare_url).await) },
            )
        } else {
            alternating_ratio(
                &runtime,
                batch,
                || all_at_once(our_task),
                || all_at_once(bare_task),
            )
        };
        println!(
            "{group}: tiun_client {:.1} us, bare reqwest {:.1} us (criterion, {:.3}x); \
             ratio ours/bare = {ratio:.3}x (median of {ROUNDS} alternating rounds, \
             quartiles {low:.3}-{high:.3}; target <= 1.10x)",
            ours_ns / 1e3,
            bare_ns / 1e3,
            ours_ns / bare_ns,
        );
    }
}
