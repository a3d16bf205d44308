//! `verify_token`, `verify_cookie` (URL-encoded as the JS-API writes it, and as raw JSON, which
//! needs no percent-decoding) and `verify_cookie_header` on a realistic active session, against
//! two baselines measured in the same run:
//!
//! - `jsonwebtoken::decode` with equivalent validation (HS256 only, `iss`, `aud`, `exp` and
//!   `nbf` required and checked with a 30 s leeway, a prebuilt key and `Validation`) into a
//!   struct of the same claims, plus the two checks it lacks (`iat`, `prn == session.id`);
//! - the bare HMAC-SHA256 of the token's signing input with a prebuilt key, through the same
//!   RustCrypto `hmac` + `sha2` the crate uses: the floor.
//!
//! Criterion measures each contender; then the contenders run again in many short
//! interleaved rounds, and each ratio printed at the end is the median of the rounds'
//! ratios, so a change of machine load between contenders does not skew it.

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use criterion::Criterion;
use hmac::{Hmac, KeyInit, Mac};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::Deserialize;
use serde_json::{Value, json};
use sha2::Sha256;
use tulo_jwt::TuloVerifier;

const SECRET: &str = "94b3edb3f5931123489729613b6f5f07e0ff2c109c62627fe594de289b3a6d73";
const REDIRECT_URI: &str = "https://news.example.com/forward";
const GROUP: &str = "tulo_jwt";
const ROUNDS: usize = 3;
/// Interleaved rounds for the ratios, and calls of each contender per round.
const PAIRED_ROUNDS: usize = 41;
const PAIRED_CALLS: u32 = 2_000;

/// The claims of the vendor's documented session, every field the JS-API can return.
fn claims(iat: u64) -> Value {
    json!({
        "iat": iat,
        "nbf": iat - 300,
        "exp": iat + 300,
        "iss": "Tulo",
        "aud": REDIRECT_URI,
        "prn": "554e2b9201c6a33e4c000036",
        "session": {
            "active": true,
            "verified": true,
            "sid": "9CfygGMZLpL7ygXArR0ucJ-oelEQlJXq_r6_JEgtTOCPwDSZQEmiNm3fST_6Vxs6jYd5YzmvQ6HiXDfdwBjNboxplMtHNGC9yNsWTYbJyKY=,f5JkF_mYkAdZrmJom4jVGA==",
            "id": "554e2b9201c6a33e4c000036",
            "contact_email": "mange.rosenquist+5@gmail.com",
            "display_name": "Magnus Rosenquist",
            "has_offers": false,
            "organisation": "adeprimo",
            "products": ["adeprimo_digital"],
            "first_name": "Magnus",
            "last_name": "Rosenquist",
            "customer_number": "10042",
            "mobile_number": "0767715817"
        }
    })
}

/// The same claims as a typed struct, as a jsonwebtoken user would decode them.
#[derive(Deserialize)]
#[allow(dead_code)]
struct Claims {
    iat: u64,
    nbf: u64,
    exp: u64,
    iss: String,
    aud: String,
    prn: String,
    session: SessionClaims,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct SessionClaims {
    active: bool,
    id: String,
    sid: Option<String>,
    contact_email: Option<String>,
    display_name: Option<String>,
    organisation: Option<String>,
    first_name: Option<String>,
    last_name: Option<String>,
    customer_number: Option<String>,
    mobile_number: Option<String>,
    alias: Option<String>,
    verified: Option<bool>,
    #[serde(default)]
    products: Vec<String>,
}

fn baseline_validation() -> Validation {
    let mut validation = Validation::new(Algorithm::HS256);
    validation.leeway = 30;
    validation.validate_nbf = true;
    validation.set_issuer(&["Tulo"]);
    validation.set_audience(&[REDIRECT_URI]);
    validation.set_required_spec_claims(&["exp", "nbf", "iss", "aud"]);
    validation
}

fn jsonwebtoken_decode(token: &str, key: &DecodingKey, validation: &Validation) -> bool {
    let Ok(data) = jsonwebtoken::decode::<Claims>(token, key, validation) else {
        return false;
    };
    let now = jsonwebtoken::get_current_timestamp();
    let claims = data.claims;
    claims.session.active && claims.iat <= now + 30 && claims.prn == claims.session.id
}

fn output_dir() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join("criterion-tulo-jwt")
}

fn mean_ns(round: usize, id: &str) -> Option<f64> {
    let path = output_dir()
        .join(format!("{GROUP}_round_{round}"))
        .join(id)
        .join("new")
        .join("estimates.json");
    let json: Value = serde_json::from_slice(&std::fs::read(path).ok()?).ok()?;
    json["mean"]["point_estimate"].as_f64()
}

fn main() {
    let _ = jsonwebtoken::crypto::aws_lc::DEFAULT_PROVIDER.install_default();
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let claims = claims(now);
    let mut header = Header::new(Algorithm::HS256);
    header.typ = Some("JWT".to_owned());
    let token = jsonwebtoken::encode(
        &header,
        &claims,
        &EncodingKey::from_secret(SECRET.as_bytes()),
    )
    .unwrap();
    let mut cookie_object = claims.as_object().unwrap().clone();
    cookie_object.insert("signature".to_owned(), Value::String(token.clone()));
    let raw_cookie = Value::Object(cookie_object).to_string();
    let cookie: String = raw_cookie
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.".contains(&b) {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();

    let verifier = TuloVerifier::builder()
        .client_id("52753620400e063f79000001")
        .client_secret(SECRET)
        .redirect_uri(REDIRECT_URI)
        .build()
        .unwrap();
    let decoding_key = DecodingKey::from_secret(SECRET.as_bytes());
    let validation = baseline_validation();
    let hmac_key = <Hmac<Sha256> as KeyInit>::new_from_slice(SECRET.as_bytes()).unwrap();
    let signing_input = token.rsplit_once('.').unwrap().0.to_owned();
    let header = news_site_header(&cookie, 12 * 1024);

    // Every contender must accept the token, or the comparison means nothing.
    assert!(verifier.verify_token(&token).unwrap().is_active());
    assert!(verifier.verify_cookie(&cookie).unwrap().is_active());
    assert!(verifier.verify_cookie(&raw_cookie).unwrap().is_active());
    assert!(verifier.verify_cookie_header(&header).unwrap().is_active());
    assert!(jsonwebtoken_decode(&token, &decoding_key, &validation));

    let mut criterion = Criterion::default()
        .output_directory(&output_dir())
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .configure_from_args();
    for round in 0..ROUNDS {
        let mut group = criterion.benchmark_group(format!("{GROUP}_round_{round}"));
        group.bench_function("hmac_sha256", |b| {
            b.iter(|| {
                let mut mac = hmac_key.clone();
                mac.update(black_box(signing_input.as_bytes()));
                mac.finalize()
            });
        });
        group.bench_function("jsonwebtoken_decode", |b| {
            b.iter(|| jsonwebtoken_decode(black_box(&token), &decoding_key, &validation));
        });
        group.bench_function("verify_token", |b| {
            b.iter(|| {
                verifier
                    .verify_token(black_box(&token))
                    .map(|state| state.is_active())
            });
        });
        group.bench_function("verify_cookie", |b| {
            b.iter(|| {
                verifier
                    .verify_cookie(black_box(&cookie))
                    .map(|state| state.is_active())
            });
        });
        group.bench_function("verify_cookie_raw_json", |b| {
            b.iter(|| {
                verifier
                    .verify_cookie(black_box(&raw_cookie))
                    .map(|state| state.is_active())
            });
        });
        group.bench_function("verify_cookie_header_12k", |b| {
            b.iter(|| {
                verifier
                    .verify_cookie_header(black_box(&header))
                    .map(|state| state.is_active())
            });
        });
        group.finish();
    }
    criterion.final_summary();

    println!();
    println!(
        "token {} bytes, cookie {} bytes ({} as raw JSON), cookie header {} bytes",
        token.len(),
        cookie.len(),
        raw_cookie.len(),
        header.len()
    );
    // The same contenders, interleaved: round after round, each one for a short while.
    let contenders: [(&str, &dyn Fn()); 6] = [
        ("hmac_sha256", &|| {
            let mut mac = hmac_key.clone();
            mac.update(black_box(signing_input.as_bytes()));
            black_box(mac.finalize());
        }),
        ("jsonwebtoken_decode", &|| {
            black_box(jsonwebtoken_decode(
                black_box(&token),
                &decoding_key,
                &validation,
            ));
        }),
        ("verify_token", &|| {
            black_box(verifier.verify_token(black_box(&token)).is_ok());
        }),
        ("verify_cookie", &|| {
            black_box(verifier.verify_cookie(black_box(&cookie)).is_ok());
        }),
        ("verify_cookie_raw_json", &|| {
            black_box(verifier.verify_cookie(black_box(&raw_cookie)).is_ok());
        }),
        ("verify_cookie_header_12k", &|| {
            black_box(verifier.verify_cookie_header(black_box(&header)).is_ok());
        }),
    ];
    let mut times: Vec<Vec<f64>> = vec![Vec::new(); contenders.len()];
    for _ in 0..PAIRED_ROUNDS {
        for ((_, run), times) in contenders.iter().zip(&mut times) {
            let start = Instant::now();
            for _ in 0..PAIRED_CALLS {
                run();
            }
            times.push(start.elapsed().as_nanos() as f64 / f64::from(PAIRED_CALLS));
        }
    }
    let index = |name: &str| contenders.iter().position(|(id, _)| *id == name).unwrap();
    let median = |mut values: Vec<f64>| {
        values.sort_by(f64::total_cmp);
        values[values.len() / 2]
    };
    println!("interleaved, median of {PAIRED_ROUNDS} rounds:");
    for ((name, _), times) in contenders.iter().zip(&times) {
        println!("  {name}: {:.2} us", median(times.clone()) / 1e3);
    }
    let pairs = [
        ("verify_token", "jsonwebtoken_decode", " (target <= 0.6x)"),
        ("verify_token", "hmac_sha256", ""),
        ("verify_cookie", "verify_token", " (target <= 2x)"),
        ("verify_cookie_raw_json", "verify_token", ""),
        ("verify_cookie_header_12k", "verify_cookie", ""),
        ("verify_cookie", "jsonwebtoken_decode", ""),
    ];
    for (ours, baseline, target) in pairs {
        let (a, b) = (&times[index(ours)], &times[index(baseline)]);
        let ratio = median(a.iter().zip(b).map(|(a, b)| a / b).collect());
        let criterion: Vec<String> = (0..ROUNDS)
            .filter_map(|round| Some(mean_ns(round, ours)? / mean_ns(round, baseline)?))
            .map(|ratio| format!("{ratio:.2}"))
            .collect();
        println!(
            "{ours} / {baseline} = {ratio:.2}x{target} (criterion rounds: {})",
            criterion.join(", ")
        );
    }
}

/// A `Cookie` header of `len` bytes with the `T_ID` among analytics and advertising cookies.
fn news_site_header(t_id: &str, len: usize) -> String {
    let mut header = format!(
        "_ga=GA1.1.1234567890.1700000000; _fbp=fb.1.1700000000000.1234567890; T_ID={t_id}; \
         euconsent-v2=CPzAbcdEFGHIJKLMNOPQRSTUVWXYZ.YAAAAAAAAAAA; theme=dark"
    );
    let mut n = 0;
    while header.len() + 200 < len {
        header.push_str(&format!("; _ad_sync_{n}={}", "0123456789abcdef".repeat(10)));
        n += 1;
    }
    while header.len() < len {
        header.push('f');
    }
    header
}
