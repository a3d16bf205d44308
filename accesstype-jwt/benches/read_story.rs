//! `AccesstypeClient::read_story` against `FakeAccesstype`, compared in the same run with the
//! bare two requests it makes, by hand: a reqwest GET of the access check and a reqwest POST
//! of the pingback, with the same client settings, the grant read leniently and sent back as
//! it came. (See `Bare` for exactly what the baseline does.)
//!
//! Every read is metered (the fake's meter is set out of reach), so both sides make both
//! requests each time. Prints `ratio ours/baseline`. Run with
//! `cargo bench -p accesstype-jwt --features test-util --bench read_story`.

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime};

use accesstype_jwt::ReaderId;
use accesstype_jwt::reqwest::{self, header};
use accesstype_jwt::test_util::FakeAccesstype;
use criterion::Criterion;
use tokio::runtime::Runtime;

const STORY: &str = "3f1c2a9e-story";

/// The two requests of a metered read, made with nothing but reqwest and serde_json, as a
/// handler written by hand would make them: the URLs written out for the story and reader at
/// hand (reqwest parses them), the answer read leniently just enough to see it is metered.
#[derive(Clone)]
struct Bare {
    http: reqwest::Client,
    base: String,
    account_key: String,
    api_key: header::HeaderValue,
}

impl Bare {
    fn new(fake: &FakeAccesstype) -> Self {
        Self {
            // The transport settings the crate's own client has: they are not its overhead.
            http: reqwest::Client::builder()
                .user_agent(concat!("accesstype-jwt/", env!("CARGO_PKG_VERSION")))
                .redirect(reqwest::redirect::Policy::none())
                .connect_timeout(Duration::from_secs(5))
                .timeout(Duration::from_secs(10))
                .build()
                .unwrap(),
            base: fake.base_url().as_str().trim_end_matches('/').to_owned(),
            account_key: fake.account_key().to_owned(),
            api_key: header::HeaderValue::from_str(fake.api_key()).unwrap(),
        }
    }

    fn url(&self, story: &str, reader: &ReaderId, endpoint: &str) -> String {
        format!(
            "{}/api/access/v1/stories/{story}/{endpoint}?key={}&readerId={}",
            self.base,
            self.account_key,
            reader.as_str()
        )
    }

    async fn read(&self, story: &str, reader: &ReaderId) -> bool {
        let grant = self
            .http
            .get(self.url(story, reader, "access"))
            .header("x-subauth", self.api_key.clone())
            .send()
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap();
        let decision: serde_json::Value = serde_json::from_slice(&grant).unwrap();
        if decision["grantReason"] != "METERING" {
            return decision["granted"] == true;
        }
        let counted = self
            .http
            .post(self.url(story, reader, "pingback"))
            .header("x-subauth", self.api_key.clone())
            .header(header::CONTENT_TYPE, "text/plain")
            .body(grant)
            .send()
            .await
            .unwrap();
        let success = counted.status().is_success();
        // Read to the end, as any client that keeps its connection for the next request does.
        black_box(counted.bytes().await.unwrap());
        success
    }
}

fn main() {
    let output = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("accesstype-jwt-criterion");
    let started = SystemTime::now();
    let mut criterion = Criterion::default()
        .configure_from_args()
        .output_directory(&output);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();

    let fake = runtime.block_on(FakeAccesstype::start());
    fake.set_free_stories(u32::MAX);
    let client = fake.client();
    let reader = ReaderId::generate().unwrap();
    let bare = Bare::new(&fake);
    // Both sides must make the metered read, or the comparison means nothing.
    runtime.block_on(async {
        assert!(
            client
                .read_story(STORY, &reader, None)
                .await
                .unwrap()
                .is_metered()
        );
        assert!(bare.read(STORY, &reader).await);
    });
    let before = fake.pingbacks();

    {
        let mut group = criterion.benchmark_group("read_story");
        // Each batch of reads runs as a task on the runtime's workers, as a server's handlers do.
        group.bench_function("accesstype_jwt", |b| {
            b.iter_custom(|iters| {
                let (client, reader) = (client.clone(), reader.clone());
                let batch = async move {
                    let start = Instant::now();
                    for _ in 0..iters {
                        let _ = black_box(client.read_story(STORY, &reader, None).await.unwrap());
                    }
                    start.elapsed()
                };
                runtime.block_on(runtime.spawn(batch)).unwrap()
            });
        });
        group.bench_function("bare_two_requests", |b| {
            b.iter_custom(|iters| {
                let (bare, reader) = (bare.clone(), reader.clone());
                let batch = async move {
                    let start = Instant::now();
                    for _ in 0..iters {
                        black_box(bare.read(STORY, &reader).await);
                    }
                    start.elapsed()
                };
                runtime.block_on(runtime.spawn(batch)).unwrap()
            });
        });
        group.finish();
    }
    criterion.final_summary();
    report(&output, started);

    if measuring() {
        // Each batch runs as a task on the runtime's workers, as a server's handlers do.
        let batch_of_reads = |client: accesstype_jwt::AccesstypeClient| {
            let reader = reader.clone();
            move || {
                let (client, reader) = (client.clone(), reader.clone());
                async move {
                    for _ in 0..READS {
                        let _ = black_box(client.read_story(STORY, &reader, None).await.unwrap());
                    }
                }
            }
        };
        let bare_batch = || {
            let (bare, reader) = (bare.clone(), reader.clone());
            async move {
                for _ in 0..READS {
                    black_box(bare.read(STORY, &reader).await);
                }
            }
        };
        let ours = batch_of_reads(client.clone());
        print_paired("read_story", &paired(&runtime, &ours, &bare_batch));
        // For scale: the same reads without coalescing (no task, no shared answer).
        let alone = batch_of_reads(fake.client_builder().coalesce(false).build().unwrap());
        print_paired(
            "read_story without coalescing",
            &paired(&runtime, &alone, &bare_batch),
        );
    }
    assert!(fake.pingbacks() > before, "the reads were counted");
}

/// Whether this is a measuring run (`cargo bench`), not `--test` or `--list`.
fn measuring() -> bool {
    std::env::args().any(|arg| arg == "--bench")
        && !std::env::args().any(|arg| arg == "--test" || arg == "--list")
}

/// Reads per timed round.
const READS: u32 = 20;

/// Alternating timed rounds of [`READS`] reads per side.
const ROUNDS: usize = 1_000;

/// What the alternating rounds showed, per read.
struct Paired {
    /// The fastest round of each side: noise on a shared machine only ever adds time.
    fastest: (Duration, Duration),
    /// The median of each round's own ratio, ours over the baseline round right after it:
    /// a round pair shares the machine's state of the moment, so drift between rounds (the
    /// fake's and the runtime's warm-up, another process) cancels out.
    median_ratio: f64,
}

/// Both sides in [`ROUNDS`] alternating rounds of [`READS`] reads.
fn paired<A, B, FA, FB>(runtime: &Runtime, ours: &A, baseline: &B) -> Paired
where
    A: Fn() -> FA,
    B: Fn() -> FB,
    FA: std::future::Future<Output = ()> + Send + 'static,
    FB: std::future::Future<Output = ()> + Send + 'static,
{
    let mut fastest = (Duration::MAX, Duration::MAX);
    let mut ratios = Vec::with_capacity(ROUNDS);
    for _ in 0..ROUNDS {
        let (a, b) = (time(runtime, ours()), time(runtime, baseline()));
        fastest = (fastest.0.min(a), fastest.1.min(b));
        ratios.push(a.as_secs_f64() / b.as_secs_f64());
    }
    ratios.sort_by(f64::total_cmp);
    Paired {
        fastest: (fastest.0 / READS, fastest.1 / READS),
        median_ratio: ratios[ROUNDS / 2],
    }
}

/// How long `round` takes as a task on the runtime's workers, as a server's handlers run.
fn time(runtime: &Runtime, round: impl Future<Output = ()> + Send + 'static) -> Duration {
    let start = Instant::now();
    runtime.block_on(runtime.spawn(round)).unwrap();
    start.elapsed()
}

fn print_paired(name: &str, paired: &Paired) {
    let (ours, baseline) = paired.fastest;
    println!(
        "{name}: median of {ROUNDS} paired rounds' ratios ours/baseline = {:.3}x \
         (target <= 1.05x); fastest rounds {:.1} µs vs {:.1} µs (bare two requests) = {:.2}x",
        paired.median_ratio,
        ours.as_secs_f64() * 1e6,
        baseline.as_secs_f64() * 1e6,
        ours.as_secs_f64() / baseline.as_secs_f64()
    );
}

/// Prints the ratio of the two mean estimates criterion wrote in this run.
fn report(output: &Path, started: SystemTime) {
    let mean = |id: &str| -> Option<f64> {
        let path = output
            .join("read_story")
            .join(id)
            .join("new")
            .join("estimates.json");
        if std::fs::metadata(&path).ok()?.modified().ok()? < started {
            return None;
        }
        let estimates: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(path).ok()?).ok()?;
        estimates["mean"]["point_estimate"].as_f64()
    };
    match (mean("accesstype_jwt"), mean("bare_two_requests")) {
        (Some(ours), Some(bare)) => println!(
            "read_story: {:.1} µs, bare two requests {:.1} µs, criterion means ratio \
             ours/baseline = {:.2}x (target <= 1.05x)",
            ours / 1000.0,
            bare / 1000.0,
            ours / bare
        ),
        _ => println!("read_story: no estimates written (not a measuring run)"),
    }
}
