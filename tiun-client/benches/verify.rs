//! `verify_session` against a local server vs. a bare `reqwest` PATCH to the same server, in the
//! same run: sequential and 64 concurrent. Prints `ours / bare` for both (target <= 1.10x).
//!
//! The server is a minimal keep-alive HTTP/1.1 responder (every request answered `200` with an
//! empty body), so the client side dominates the measurement.

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::Duration;

use criterion::Criterion;
use tiun_client::TiunClient;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::runtime::Runtime;
use tokio::task::JoinSet;

const KEY: &str = "bench-api-key";
const SESSION: &str = "3f2a9c4e-bench-session";
const CONCURRENCY: usize = 64;

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

async fn ours(tiun: &TiunClient) -> bool {
    tiun.verify_session(SESSION).await.unwrap().is_valid()
}

fn output_dir() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join("criterion-tiun-client")
}

/// The time per iteration criterion reports: the slope when it has one, else the mean.
fn estimate_ns(group: &str, id: &str) -> Option<f64> {
    let path = output_dir()
        .join(group)
        .join(id)
        .join("new")
        .join("estimates.json");
    let json: serde_json::Value = serde_json::from_slice(&std::fs::read(path).ok()?).ok()?;
    let slope = json["slope"]["point_estimate"].as_f64();
    slope.or_else(|| json["mean"]["point_estimate"].as_f64())
}

fn main() {
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
    let bare_url = format!("{base}live_api/s2s/v1/sessions/{SESSION}/status");
    assert!(runtime.block_on(ours(&tiun)));
    assert!(runtime.block_on(bare_patch(&bare, &bare_url)));

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
                .iter(|| async { black_box(ours(&tiun).await) })
        });
        group.finish();
    }
    {
        let mut group = criterion.benchmark_group("concurrent_64");
        group.bench_function("bare_reqwest", |b| {
            b.to_async(&runtime).iter(|| async {
                let mut calls = JoinSet::new();
                for _ in 0..CONCURRENCY {
                    let (bare, url) = (bare.clone(), bare_url.clone());
                    calls.spawn(async move { bare_patch(&bare, &url).await });
                }
                while let Some(ok) = calls.join_next().await {
                    assert!(ok.unwrap());
                }
            });
        });
        group.bench_function("tiun_client", |b| {
            b.to_async(&runtime).iter(|| async {
                let mut calls = JoinSet::new();
                for _ in 0..CONCURRENCY {
                    let tiun = tiun.clone();
                    calls.spawn(async move { ours(&tiun).await });
                }
                while let Some(ok) = calls.join_next().await {
                    assert!(ok.unwrap());
                }
            });
        });
        group.finish();
    }
    criterion.final_summary();

    println!();
    for group in ["sequential", "concurrent_64"] {
        match (
            estimate_ns(group, "tiun_client"),
            estimate_ns(group, "bare_reqwest"),
        ) {
            (Some(ours), Some(bare)) => println!(
                "{group}: tiun_client {:.1} us, bare reqwest {:.1} us, ratio ours/bare = {:.3}x (target <= 1.10x)",
                ours / 1e3,
                bare / 1e3,
                ours / bare
            ),
            _ => println!("{group}: no estimates (benchmarks filtered out or run in test mode)"),
        }
    }
}
