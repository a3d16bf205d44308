//! `AccesstypeSigner::sign` against a bare `jsonwebtoken::encode` of the same claims with a
//! prebuilt key and header, in the same run; then `verify` against a bare `decode`, with the
//! bare HMAC of the signing input for scale.
//!
//! Prints `ratio ours/baseline` for each pair. Run with `cargo bench -p accesstype-jwt`.

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime};

use accesstype_jwt::{AccesstypeSigner, User};
use criterion::Criterion;
use hmac::{KeyInit, Mac};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};

const SECRET: &str = "benchmark-secret-of-at-least-32-bytes!";

fn main() {
    let output = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("accesstype-jwt-criterion");
    let started = SystemTime::now();
    let mut criterion = Criterion::default()
        .configure_from_args()
        .output_directory(&output);

    let _ = jsonwebtoken::crypto::aws_lc::DEFAULT_PROVIDER.install_default();
    let signer = AccesstypeSigner::builder().secret(SECRET).build().unwrap();
    let user = User::new("john@example.com", 42).name("John");
    let header = Header::new(Algorithm::HS256);
    let encoding_key = EncodingKey::from_secret(SECRET.as_bytes());
    let decoding_key = DecodingKey::from_secret(SECRET.as_bytes());
    let mut validation = Validation::new(Algorithm::HS256);
    validation.required_spec_claims.clear();
    validation.validate_nbf = true;

    // Both sides must produce the very same token, or the comparison means nothing.
    let ours = signer.sign(&user).unwrap();
    let baseline = jsonwebtoken::encode(&header, &user, &encoding_key).unwrap();
    assert_eq!(ours, baseline);

    {
        let mut group = criterion.benchmark_group("sign");
        group.bench_function("accesstype_jwt", |b| {
            b.iter(|| signer.sign(black_box(&user)).unwrap());
        });
        group.bench_function("jsonwebtoken_encode", |b| {
            b.iter(|| jsonwebtoken::encode(&header, black_box(&user), &encoding_key).unwrap());
        });
        group.finish();
    }
    {
        let keyed = hmac::Hmac::<sha2::Sha256>::new_from_slice(SECRET.as_bytes()).unwrap();
        let (signing_input, _) = ours.rsplit_once('.').unwrap();
        // For scale: the HMAC-SHA256 of the token's signing input alone, with the key
        // schedule done, which is the floor of any HS256 verification.
        let mut group = criterion.benchmark_group("hmac");
        group.bench_function("bare_hmac", |b| {
            b.iter(|| {
                let mut mac = keyed.clone();
                mac.update(black_box(signing_input).as_bytes());
                mac.finalize()
            });
        });
        group.finish();
    }
    {
        let mut group = criterion.benchmark_group("verify");
        group.bench_function("accesstype_jwt", |b| {
            b.iter(|| signer.verify(black_box(&ours)).unwrap());
        });
        group.bench_function("jsonwebtoken_decode", |b| {
            b.iter(|| {
                jsonwebtoken::decode::<User>(black_box(&ours), &decoding_key, &validation).unwrap()
            });
        });
        group.finish();
    }
    criterion.final_summary();

    report(
        &output,
        started,
        "sign",
        "accesstype_jwt",
        "jsonwebtoken_encode",
        0.93,
    );
    report(
        &output,
        started,
        "verify",
        "accesstype_jwt",
        "jsonwebtoken_decode",
        0.60,
    );

    if let (Some(verify_ns), Some(hmac_ns)) = (
        mean_ns(&output, started, "verify", "accesstype_jwt"),
        mean_ns(&output, started, "hmac", "bare_hmac"),
    ) {
        println!(
            "verify: {verify_ns:.0} ns, bare HMAC of its signing input {hmac_ns:.0} ns, ratio {:.2}x",
            verify_ns / hmac_ns
        );
    }

    // A second view that load on a shared machine cannot bias: both calls timed in
    // alternation, the fastest round of each kept (noise only ever adds time).
    if measuring() {
        print_paired(
            "sign",
            paired_fastest(
                || signer.sign(black_box(&user)).map(drop),
                || jsonwebtoken::encode(&header, black_box(&user), &encoding_key).map(drop),
            ),
        );
        let keyed = hmac::Hmac::<sha2::Sha256>::new_from_slice(SECRET.as_bytes()).unwrap();
        let (signing_input, _) = ours.rsplit_once('.').unwrap();
        print_paired(
            "verify vs its bare HMAC",
            paired_fastest(
                || signer.verify(black_box(&ours)).map(drop),
                || {
                    let mut mac = keyed.clone();
                    mac.update(black_box(signing_input).as_bytes());
                    black_box(mac.finalize());
                    Ok::<(), ()>(())
                },
            ),
        );
        print_paired(
            "verify",
            paired_fastest(
                || signer.verify(black_box(&ours)).map(drop),
                || {
                    jsonwebtoken::decode::<User>(black_box(&ours), &decoding_key, &validation)
                        .map(drop)
                },
            ),
        );
    }
}

/// Whether this is a measuring run (`cargo bench`), not `--test` or `--list`.
fn measuring() -> bool {
    std::env::args().any(|arg| arg == "--bench")
        && !std::env::args().any(|arg| arg == "--test" || arg == "--list")
}

/// Times `ours` and `baseline` in 2,000 alternating rounds of 100 calls each and returns the
/// fastest round of each, per call. Rounds are short so that many of them run without being
/// interrupted on a busy machine; noise only ever adds time, so the fastest rounds compare the
/// two calls' own cost.
fn paired_fastest<A, B, E1, E2>(mut ours: A, mut baseline: B) -> (Duration, Duration)
where
    A: FnMut() -> Result<(), E1>,
    B: FnMut() -> Result<(), E2>,
    E1: std::fmt::Debug,
    E2: std::fmt::Debug,
{
    const CALLS: u32 = 100;
    let mut fastest = [Duration::MAX; 2];
    for _ in 0..2_000 {
        let start = Instant::now();
        for _ in 0..CALLS {
            ours().unwrap();
        }
        fastest[0] = fastest[0].min(start.elapsed());
        let start = Instant::now();
        for _ in 0..CALLS {
            baseline().unwrap();
        }
        fastest[1] = fastest[1].min(start.elapsed());
    }
    (fastest[0] / CALLS, fastest[1] / CALLS)
}

/// Prints a paired comparison.
fn print_paired(name: &str, (ours, baseline): (Duration, Duration)) {
    println!(
        "{name}: paired fastest rounds {} ns vs {} ns, ratio ours/baseline = {:.2}x",
        ours.as_nanos(),
        baseline.as_nanos(),
        ours.as_secs_f64() / baseline.as_secs_f64()
    );
}

/// Prints the ratio of the two mean estimates criterion wrote for `group`.
fn report(
    output: &Path,
    started: SystemTime,
    group: &str,
    ours: &str,
    baseline: &str,
    target: f64,
) {
    let mean = |id| mean_ns(output, started, group, id);
    match (mean(ours), mean(baseline)) {
        (Some(ours_ns), Some(baseline_ns)) => println!(
            "{group}: {ours} {ours_ns:.0} ns, {baseline} {baseline_ns:.0} ns, \
             ratio ours/baseline = {:.2}x (target <= {target:.2}x)",
            ours_ns / baseline_ns
        ),
        // `--test` and `--list` runs measure nothing.
        _ => println!("{group}: no estimates written (not a measuring run)"),
    }
}

/// The mean from `estimates.json`, if this run wrote it (older files are ignored).
fn mean_ns(output: &Path, started: SystemTime, group: &str, id: &str) -> Option<f64> {
    let path = output
        .join(group)
        .join(id)
        .join("new")
        .join("estimates.json");
    if std::fs::metadata(&path).ok()?.modified().ok()? < started {
        return None;
    }
    let text = std::fs::read_to_string(path).ok()?;
    let estimates: serde_json::Value = serde_json::from_str(&text).ok()?;
    estimates["mean"]["point_estimate"].as_f64()
}
