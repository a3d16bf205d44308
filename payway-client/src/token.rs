//! The token endpoint, `POST /api/authorization/access_token`: ticket, refresh and server
//! (`grant_type=none`) grants, form-encoded or JSON.

use std::time::Duration;

use reqwest::Method;
use serde::{Deserialize, Serialize};

use crate::client::PaywayClient;
use crate::config::TokenEncoding;
use crate::error::Error;
use crate::http;
use crate::secret::{AccessToken, RefreshToken};
use crate::trace::in_span;

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

/// The grant a token request asks for.
#[derive(Clone, Copy)]
pub(crate) enum Grant<'a> {
    Ticket(&'a str),
    RefreshToken(&'a str),
    /// A server-to-server token, no user: `grant_type=none`.
    ServerToServer {
        scope: Option<&'a str>,
    },
}

/// The body of a token request; serialised as a form or as JSON.
#[derive(Serialize)]
struct TokenRequestBody<'a> {
    grant_type: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    ticket: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    refresh_token: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    scope: Option<&'a str>,
    client_id: &'a str,
    client_secret: &'a str,
}

#[derive(Deserialize)]
struct RawTokenResponse {
    access_token: String,
    #[serde(default)]
    token_type: Option<String>,
    #[serde(default)]
    expires_in: Option<serde_json::Value>,
    #[serde(default)]
    refresh_token: Option<String>,
    #[serde(default)]
    scope: Option<serde_json::Value>,
}

impl PaywayClient {
    /// Exchanges an authorization ticket for a token tied to the reader
    /// (`grant_type=ticket`).
    ///
    /// This is the bare exchange: it does not guard against a ticket being used twice.
    /// When a reader returns from the shop, use
    /// [`login_with_ticket`](Self::login_with_ticket), which does.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidInput`] for an empty, over-long (> 4096 bytes) or control-character
    /// ticket (nothing is sent); [`Error::BadRequest`] (400) and [`Error::Unauthorized`]
    /// (401: invalid, expired or used ticket) with Payway's error body;
    /// [`Error::ClientCredentials`] when Payway refuses your client id or secret; any other
    /// status, transport or parse failure as the matching [`Error`].
    pub async fn exchange_ticket(&self, ticket: &str) -> Result<TokenResponse, Error> {
        crate::ticket::check_ticket(ticket).map_err(|reason| Error::InvalidInput {
            what: "ticket",
            reason,
        })?;
        in_span("exchange_ticket", self.token_request(Grant::Ticket(ticket))).await
    }

    /// Trades a refresh token for a new access token (`grant_type=refresh_token`).
    ///
    /// # Errors
    ///
    /// As [`exchange_ticket`](Self::exchange_ticket): a 401 means the refresh token is no
    /// longer valid and the reader must log in again.
    pub async fn refresh_token(
        &self,
        refresh_token: &RefreshToken,
    ) -> Result<TokenResponse, Error> {
        if refresh_token.expose_secret().is_empty() {
            return Err(Error::InvalidInput {
                what: "refresh token",
                reason: "it is empty",
            });
        }
        let grant = Grant::RefreshToken(refresh_token.expose_secret());
        in_span("refresh_token", self.token_request(grant)).await
    }

    /// Sends a token request and reads the answer.
    pub(crate) async fn token_request(&self, grant: Grant<'_>) -> Result<TokenResponse, Error> {
        let inner = &self.inner;
        let (grant_type, ticket, refresh_token, scope) = match grant {
            Grant::Ticket(ticket) => ("ticket", Some(ticket), None, inner.ticket_scope.as_deref()),
            Grant::RefreshToken(token) => ("refresh_token", None, Some(token), None),
            Grant::ServerToServer { scope } => ("none", None, None, scope),
        };
        let body = TokenRequestBody {
            grant_type,
            ticket,
            refresh_token,
            scope,
            client_id: &inner.client_id,
            client_secret: inner.client_secret.expose_secret(),
        };
        let request = self.request(Method::POST, &inner.endpoints.access_token);
        let request = match inner.token_encoding {
            TokenEncoding::Form => request.form(&body),
            TokenEncoding::Json => request.json(&body),
        };
        let request = request.build().map_err(Error::Transport)?;
        let response = http::send(&inner.http, request).await?;
        if !response.status().is_success() {
            let secrets = [
                body.client_secret,
                ticket.or(refresh_token).unwrap_or_default(),
            ];
            return Err(http::error_from_response(http::Endpoint::Token, response, &secrets).await);
        }
        // The body holds tokens: it is never kept in an error.
        parse_token_response(&http::read_body(response).await?)
    }
}

fn parse_token_response(body: &[u8]) -> Result<TokenResponse, Error> {
    const WHAT: &str = "token response";
    let invalid = |reason| Error::InvalidResponse { what: WHAT, reason };
    let raw: RawTokenResponse = serde_json::from_slice(body).map_err(|source| Error::Parse {
        what: WHAT,
        source,
        body: None,
    })?;
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
        ] {
            let err = parse_token_response(bad).unwrap_err();
            assert!(
                matches!(
                    err,
                    Error::Parse { body: None, .. } | Error::InvalidResponse { .. }
                ),
                "{err:?}"
            );
        }
    }
}
