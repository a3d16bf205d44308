//! SSO2's two hot paths, each beside a baseline measured in the same run, in pairs:
//!
//! - a landing (`Sso2Client::landing`: query, return policy, HS256 verification, typed claims)
//!   against jsonwebtoken's HS256 `decode` of the same token plus the same return-URL check;
//! - opening the session cookie (`SessionCookieKey::open`) against the least any sealed
//!   cookie costs: base64url-decoding it and opening it with `chacha20poly1305`'s
//!   XChaCha20-Poly1305 alone.
//!
//! Every timed call of ours is followed by one timed baseline call, so both see the same
//! moment of a shared machine. It also prints the sealed cookie's size.
//!
//! ```text
//! cargo bench -p payway-client --bench sso2
//! ```

use std::cell::Cell;
use std::hint::black_box;
use std::time::{Duration, Instant};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chacha20poly1305::aead::{Aead as _, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use criterion::Criterion;
use hmac::{Hmac, KeyInit as _, Mac as _};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use payway_client::ReturnPolicy;
use payway_client::sso2::{SessionCookie, SessionCookieKey, Sso2Client};
use serde_json::{Value, json};
use sha2::Sha256;
use url::Url;

const SECRET: &str = "bench-sso2-client-secret-0123456789";
const COOKIE_KEY: &[u8] = b"bench-session-cookie-key-0123456789abcdef";
/// The AEAD key's derivation and the associated data, as the crate documents them.
const KEY_CONTEXT: &[u8] = b"payway-client sso2 session cookie v3 xchacha20poly1305 key\0";
const ASSOCIATED_DATA: &[u8] = b"payway-client sso2 session cookie v3";

/// Time spent by our calls and by the baseline call right after each of them.
#[derive(Default)]
struct Pairs {
    ours: Cell<Duration>,
    base: Cell<Duration>,
    count: Cell<u64>,
}

impl Pairs {
    fn add(&self, ours: Duration, base: Duration, iters: u64) {
        self.ours.set(self.ours.get() + ours);
        self.base.set(self.base.get() + base);
        self.count.set(self.count.get() + iters);
    }

    fn report(&self, what: &str, baseline: &str) {
        let count = self.count.get().max(1) as f64;
        let ours = self.ours.get().as_secs_f64() / count * 1e9;
        let base = self.base.get().as_secs_f64() / count * 1e9;
        println!(
            "{what}: {:.3}x {baseline} ({ours:.0} ns / {base:.0} ns, {} pairs)",
            ours / base,
            self.count.get()
        );
    }
}

/// Times `iters` pairs: `ours`, then `base`.
fn paired(pairs: &Pairs, iters: u64, ours: impl Fn(), base: impl Fn()) -> Duration {
    let (mut ours_time, mut base_time) = (Duration::ZERO, Duration::ZERO);
    for _ in 0..iters {
        let start = Instant::now();
        ours();
        ours_time += start.elapsed();
        let start = Instant::now();
        base();
        base_time += start.elapsed();
    }
    pairs.add(ours_time, base_time, iters);
    ours_time
}

fn main() {
    let sso2 = Sso2Client::builder()
        .base_url(Url::parse("https://sso.example.com/").unwrap())
        .client_id("bench-client")
        .client_secret(SECRET)
        .organisation_id("bench-org")
        .build()
        .unwrap();
    let policy = ReturnPolicy::allow_hosts(["news.example.com"]);
    let now = jsonwebtoken::get_current_timestamp();
    let claims = json!({"sid": "3f2b8c1e-4d5a-4e6f-9a7b-1c2d3e4f5a6b", "sts": "loggedin",
        "at": "tkt-0123456789abcdef", "iat": now, "nbf": now, "exp": now + 60});
    let token = jsonwebtoken::encode(
        &Header::new(Algorithm::HS256),
        &claims,
        &EncodingKey::from_secret(SECRET.as_bytes()),
    )
    .unwrap();
    let mut landing_url = Url::parse("https://news.example.com/sso2/landing").unwrap();
    landing_url
        .query_pairs_mut()
        .append_pair("t", &token)
        .append_pair("r", "https://news.example.com/articles/42");
    let mut validation = Validation::new(Algorithm::HS256);
    validation.required_spec_claims.clear();
    validation.validate_aud = false;
    let decoding = DecodingKey::from_secret(SECRET.as_bytes());

    let session = sso2.landing(&landing_url, &policy).unwrap().into_parts().0;
    let key = SessionCookieKey::new(COOKIE_KEY).unwrap();
    let cookie = SessionCookie::new(&session)
        .with_account("5f3c9a1e0d4b7a2c1e0f9d8b", ["premium", "weekend", "epaper"])
        .unwrap();
    let sealed = key.seal(&cookie).unwrap();
    let mut mac = Hmac::<Sha256>::new_from_slice(COOKIE_KEY).unwrap();
    mac.update(KEY_CONTEXT);
    let aead = XChaCha20Poly1305::new_from_slice(&mac.finalize().into_bytes()).unwrap();

    let landing_pairs = Pairs::default();
    let cookie_pairs = Pairs::default();
    let mut criterion = Criterion::default().configure_from_args();
    let mut group = criterion.benchmark_group("sso2");
    group.bench_function("landing", |b| {
        b.iter_custom(|iters| {
            paired(
                &landing_pairs,
                iters,
                || {
                    let _landing =
                        black_box(sso2.landing(black_box(&landing_url), &policy).unwrap());
                },
                || {
                    let url = black_box(&landing_url);
                    let mut t = None;
                    let mut r = None;
                    for (name, value) in url.query_pairs() {
                        match name.as_ref() {
                            "t" => t = Some(value),
                            "r" => r = Some(value),
                            _ => {}
                        }
                    }
                    black_box(policy.check(&r.unwrap()).unwrap());
                    let data = jsonwebtoken::decode::<Value>(
                        t.unwrap().as_bytes(),
                        &decoding,
                        &validation,
                    )
                    .unwrap();
                    black_box(data.claims["sid"].as_str().unwrap().to_owned());
                },
            )
        });
    });
    group.bench_function("cookie_open", |b| {
        b.iter_custom(|iters| {
            paired(
                &cookie_pairs,
                iters,
                || {
                    black_box(key.open(black_box(&sealed)).unwrap());
                },
                || {
                    let bytes = URL_SAFE_NO_PAD.decode(black_box(&sealed)).unwrap();
                    let (nonce, msg) = bytes.split_at(24);
                    let nonce = XNonce::try_from(nonce).unwrap();
                    let payload = Payload {
                        msg,
                        aad: ASSOCIATED_DATA,
                    };
                    black_box(aead.decrypt(&nonce, payload).unwrap());
                },
            )
        });
    });
    group.finish();
    criterion.final_summary();

    println!();
    landing_pairs.report(
        "landing / jsonwebtoken decode + the same return-url check",
        "the baseline",
    );
    cookie_pairs.report(
        "SessionCookieKey::open / base64url + XChaCha20-Poly1305 open alone",
        "the baseline",
    );
    println!(
        "sealed cookie: {} bytes (a GUID session id, a 24-character account id, 3 product codes); \
         Set-Cookie value {} bytes",
        sealed.len(),
        key.set_cookie(&cookie).unwrap().len()
    );
}
