//! Integration tests of accesstype-jwt, one module per concept.

mod axum;
mod claims;
mod client_builder;
mod client_requests;
mod client_transport;
mod environment;
mod fake;
mod fake_webhooks;
mod grant;
mod payloads;
mod properties;
mod reader;
mod redaction;
mod search;
mod signed_webhook;
mod signer;
mod story;
mod story_gate;
mod subscriptions;
mod taxonomy;
mod tracing_spans;
mod webhook;
mod webhook_signature;
mod wire;

use accesstype_jwt::{AccesstypeClient, AccesstypeClientBuilder, AccesstypeSigner, ReaderId};
use httpmock::MockServer;
use jsonwebtoken::{Algorithm, EncodingKey};

/// A 38-byte secret, long enough for the default policy.
pub const SECRET: &str = "accesstype-test-secret-0123456789abcde";

/// A signer with [`SECRET`] and no lifetime.
pub fn signer() -> AccesstypeSigner {
    AccesstypeSigner::builder().secret(SECRET).build().unwrap()
}

/// Unpadded base64url, as JWTs use it.
pub fn b64url(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0_u32, |n, (i, b)| n | u32::from(*b) << (16 - 8 * i));
        for i in 0..=chunk.len() {
            out.push(char::from(ALPHABET[(n >> (18 - 6 * i) & 63) as usize]));
        }
    }
    out
}

/// Decodes unpadded base64url; panics on anything else.
pub fn b64url_decode(text: &str) -> Vec<u8> {
    let value = |c: u8| match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'-' => 62,
        b'_' => 63,
        _ => panic!("not base64url: {c}"),
    };
    let mut out = Vec::new();
    for chunk in text.as_bytes().chunks(4) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0_u32, |n, (i, c)| n | u32::from(value(*c)) << (18 - 6 * i));
        for i in 0..chunk.len() - 1 {
            out.push((n >> (16 - 8 * i)) as u8);
        }
    }
    out
}

/// Decodes `%XX` escapes (and nothing else, unlike form decoding); panics on bad input.
pub fn percent_decode(segment: &str) -> String {
    let bytes = segment.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            out.push(u8::from_str_radix(&segment[i + 1..i + 3], 16).unwrap());
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

/// A JWT with exactly these header and payload bytes, signed with `secret` and `alg` by
/// jsonwebtoken's low-level signer (not by the crate under test).
pub fn craft(header: &str, payload: &str, secret: &[u8], alg: Algorithm) -> String {
    let _ = jsonwebtoken::crypto::aws_lc::DEFAULT_PROVIDER.install_default();
    let message = format!(
        "{}.{}",
        b64url(header.as_bytes()),
        b64url(payload.as_bytes())
    );
    let signature =
        jsonwebtoken::crypto::sign(message.as_bytes(), &EncodingKey::from_secret(secret), alg)
            .unwrap();
    format!("{message}.{signature}")
}

/// The HS256 header jsonwebtoken writes.
pub const HS256_HEADER: &str = r#"{"typ":"JWT","alg":"HS256"}"#;

/// The API key test clients send as `X-SUBAUTH`.
pub const API_KEY: &str = "at_api_9f8e7d6c5b4a3921";

/// The account key test clients send as `key`.
pub const ACCOUNT_KEY: &str = "acct-7f3e";

/// A reader id for the tests.
pub const READER: &str = "0123456789abcdef0123456789abcdef";

/// [`READER`] as a [`ReaderId`].
pub fn reader() -> ReaderId {
    ReaderId::parse(READER).unwrap()
}

/// A client builder aimed at `server` with the test keys.
pub fn client_builder(server: &MockServer) -> AccesstypeClientBuilder {
    AccesstypeClient::builder()
        .base_url(server.base_url().parse().unwrap())
        .account_key(ACCOUNT_KEY)
        .api_key(API_KEY)
}

/// A client aimed at `server` with the test keys.
pub fn client(server: &MockServer) -> AccesstypeClient {
    client_builder(server).build().unwrap()
}

/// The path of a story endpoint for an already encoded story id.
pub fn story_path(encoded_story_id: &str, endpoint: &str) -> String {
    format!("/api/access/v1/stories/{encoded_story_id}/{endpoint}")
}

/// Everything a user could print of `error`: `Display` and `Debug`, down the source chain.
pub fn everything_printed(error: &dyn std::error::Error) -> String {
    let mut text = format!("{error} {error:?}");
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(&format!(" | {cause} {cause:?}"));
        source = cause.source();
    }
    text
}

/// Seconds since the Unix epoch.
pub fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

#[test]
fn base64url_helpers_round_trip() {
    for text in ["", "a", "ab", "abc", "abcd", "{\"email\":\"j\"}"] {
        assert_eq!(b64url_decode(&b64url(text.as_bytes())), text.as_bytes());
    }
    // RFC 7515 appendix A.1's header, as a known answer.
    assert_eq!(
        b64url(b"{\"typ\":\"JWT\",\r\n \"alg\":\"HS256\"}"),
        "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9"
    );
}

/// The `X-AT-Signature` of `body` under `secret` as Accesstype's sample computes it: the
/// HMAC-SHA256 in lowercase hex, by aws-lc (not by the crate under test).
pub fn at_signature_hex(secret: &str, body: &[u8]) -> String {
    hmac_sha256(secret, body)
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// The same HMAC in padded standard base64, as Accesstype's prose describes it.
pub fn at_signature_base64(secret: &str, body: &[u8]) -> String {
    let text = b64url(&hmac_sha256(secret, body))
        .replace('-', "+")
        .replace('_', "/");
    let padding = (4 - text.len() % 4) % 4;
    format!("{text}{}", "=".repeat(padding))
}

fn hmac_sha256(secret: &str, body: &[u8]) -> Vec<u8> {
    use aws_lc_rs::hmac;
    let key = hmac::Key::new(hmac::HMAC_SHA256, secret.as_bytes());
    hmac::sign(&key, body).as_ref().to_vec()
}

#[test]
fn the_independent_hmac_gives_rfc_4231_answers() {
    // RFC 4231 test case 2: key "Jefe".
    assert_eq!(
        at_signature_hex("Jefe", b"what do ya want for nothing?"),
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
    );
    assert_eq!(
        at_signature_base64("Jefe", b"what do ya want for nothing?"),
        "W9zBRr9gdU5qBCQmCJV1x1oAPwidJzmDnexYuWTsOEM="
    );
}
