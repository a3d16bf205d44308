//! [`TokenResponse`]: what the token endpoint issued, read strictly.

use std::time::Duration;

use serde::Deserialize;

use crate::error::Error;
use crate::parse;
use crate::secret::{AccessToken, RefreshToken};

/// What the token endpoint issued.
///
/// `{:?}` shows `[redacted]` for both tokens.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct TokenResponse {
    /// The access token, sent as `Authorization: Bearer ...`.
    pub access_token: AccessToken,
    /// The token type as Payway wrote it (always `Bearer`, in any case: other types are
    /// refused).
    pub token_type: String,
    /// How long the access token lives from issue, when Payway said (`expires_in`).
    pub expires_in: Option<Duration>,
    /// A refresh token, when Payway issued one.
    pub refresh_token: Option<RefreshToken>,
    /// The granted scopes (space-separated), when Payway listed them.
    pub scope: Option<String>,
}

#[derive(Deserialize)]
struct RawTokenResponse {
    access_token: String,
    token_type: Option<String>,
    expires_in: Option<serde_json::Value>,
    refresh_token: Option<String>,
    scope: Option<serde_json::Value>,
}

/// Reads a token answer: strict JSON (a repeated member is refused), a non-empty bearer
/// token. The body holds tokens, so an error never keeps its text.
pub(crate) fn parse_token_response(body: &[u8]) -> Result<TokenResponse, Error> {
    const WHAT: &str = "token response";
    let invalid = |reason| Error::InvalidResponse { what: WHAT, reason };
    let raw: RawTokenResponse = parse::read(WHAT, body, |value| value).map_err(Error::Parse)?;
    if raw.access_token.is_empty() {
        return Err(invalid("access_token is empty"));
    }
    if !raw.access_token.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(invalid(
            "access_token has characters a bearer token cannot have",
        ));
    }
    let token_type = raw.token_type.unwrap_or_else(|| "Bearer".to_owned());
    if !token_type.eq_ignore_ascii_case("bearer") {
        return Err(invalid("token_type is not Bearer"));
    }
    Ok(TokenResponse {
        access_token: AccessToken::new(raw.access_token),
        token_type,
        expires_in: raw.expires_in.as_ref().and_then(seconds),
        refresh_token: raw
            .refresh_token
            .filter(|t| !t.is_empty())
            .map(RefreshToken::new),
        scope: raw.scope.as_ref().and_then(scope_text),
    })
}

/// `expires_in` as a duration: a number or a numeric string of seconds; anything else
/// (negative, garbage) counts as not given.
fn seconds(value: &serde_json::Value) -> Option<Duration> {
    let secs = match value {
        serde_json::Value::Number(n) => n
            .as_u64()
            .or_else(|| n.as_f64().filter(|f| *f >= 0.0).map(|f| f as u64))?,
        serde_json::Value::String(s) => s.trim().parse::<u64>().ok()?,
        _ => return None,
    };
    Some(Duration::from_secs(secs))
}

/// `scope` as Payway wrote it: a space-separated string, or a list of strings.
fn scope_text(value: &serde_json::Value) -> Option<String> {
    match value {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Array(items) => Some(
            items
                .iter()
                .filter_map(serde_json::Value::as_str)
                .collect::<Vec<_>>()
                .join(" "),
        ),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_documented_response() {
        let t = parse_token_response(
            br#"{"access_token":"at-1","token_type":"Bearer","expires_in":3600,"refresh_token":"rt-1","scope":"/external/me/w"}"#,
        )
        .unwrap();
        assert_eq!(t.access_token.expose_secret(), "at-1");
        assert_eq!(t.expires_in, Some(Duration::from_secs(3600)));
        assert_eq!(t.refresh_token.unwrap().expose_secret(), "rt-1");
        assert_eq!(t.scope.as_deref(), Some("/external/me/w"));
    }

    #[test]
    fn tolerates_loose_types_but_not_garbage() {
        let t = parse_token_response(
            br#"{"access_token":"a","expires_in":"7200","scope":["/a","/b"]}"#,
        )
        .unwrap();
        assert_eq!(t.expires_in, Some(Duration::from_secs(7200)));
        assert_eq!(t.token_type, "Bearer");
        assert_eq!(t.scope.as_deref(), Some("/a /b"));
        let t = parse_token_response(br#"{"access_token":"a","expires_in":-5,"refresh_token":""}"#)
            .unwrap();
        assert_eq!(t.expires_in, None);
        assert!(t.refresh_token.is_none());

        for bad in [
            &br#"{"access_token":""}"#[..],
            br#"{"access_token":"a b"}"#,
            br#"{"access_token":"a","token_type":"mac"}"#,
            br#"{"token_type":"Bearer"}"#,
            br#"[]"#,
            b"<html>",
            br#"{"access_token":"a","access_token":"b"}"#,
            br#"{"access_token":"a","token_type":"Bearer","token_type":"mac"}"#,
        ] {
            let err = parse_token_response(bad).unwrap_err();
            assert!(
                matches!(err, Error::Parse(_) | Error::InvalidResponse { .. }),
                "{err:?}"
            );
        }
    }
}
