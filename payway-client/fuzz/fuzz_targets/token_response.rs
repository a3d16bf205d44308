//! `TokenResponse` parsing. Invariants: an accepted answer has a non-empty bearer token of
//! printable ASCII and a `Bearer` token type; no `{:?}` or error shows the token.

#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use serde_json::Value;

/// An error, its `{:?}` and its sources', as one text.
fn shown(error: &payway_client::Error) -> String {
    let mut shown = format!("{error} {error:?}");
    let mut source = std::error::Error::source(error);
    while let Some(s) = source {
        shown.push_str(&format!(" {s} {s:?}"));
        source = s.source();
    }
    shown
}

/// What the errors say whatever the token (each kind of refusal, for tokens that cannot be
/// pieces of it): a token that is a piece of this text (` access_token`) shows there without
/// leaking.
fn wording() -> &'static str {
    static WORDING: OnceLock<String> = OnceLock::new();
    WORDING.get_or_init(|| {
        let refused: [&[u8]; 6] = [
            br#"{"access_token":""}"#,
            br#"{"access_token":"\u0001"}"#,
            br#"{"access_token":"Zq9~Zq9~Zq9~","token_type":"mac"}"#,
            br#"{"access_token":"Zq9~","access_token":"Zq9~"}"#,
            br#"{"access_token":1}"#,
            br#"{"access_token""#,
        ];
        refused
            .iter()
            .filter_map(|input| payway_client::fuzzing::parse_token_response(input).err())
            .map(|error| shown(&error))
            .collect::<Vec<_>>()
            .join(" ")
    })
}

fuzz_target!(|data: &[u8]| {
    let lenient = serde_json::from_slice::<Value>(data).ok();
    let sent_token = lenient
        .as_ref()
        .and_then(|v| v.get("access_token"))
        .and_then(Value::as_str)
        .filter(|t| t.len() >= 12)
        .map(str::to_owned);
    match payway_client::fuzzing::parse_token_response(data) {
        Ok(token) => {
            assert!(
                lenient.is_some(),
                "strict JSON accepted what serde_json refuses"
            );
            let access = token.access_token.expose_secret();
            assert!(!access.is_empty());
            assert!(access.bytes().all(|b| b.is_ascii_graphic()));
            assert!(token.token_type.eq_ignore_ascii_case("bearer"));
            let shown = format!("{token:?}");
            // What `{:?}` may show: the field names and the public fields. A token that is a
            // piece of that text (`"access_token"`) shows there without leaking.
            let public = format!(
                "TokenResponse {{ access_token: AccessToken([redacted]), token_type: {:?}, \
                 expires_in: {:?}, refresh_token: Some(RefreshToken([redacted])) None, \
                 scope: {:?} }}",
                token.token_type, token.expires_in, token.scope
            );
            if access.len() >= 12 {
                assert!(
                    !shown.contains(access) || public.contains(access),
                    "the token shows in {shown}"
                );
            }
        }
        Err(error) => {
            let shown = shown(&error);
            if let Some(token) = sent_token.filter(|token| !wording().contains(token.as_str())) {
                assert!(
                    !shown.contains(&token),
                    "the error shows the token: {shown}"
                );
            }
        }
    }
});
