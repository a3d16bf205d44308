//! The crate's errors: [`Error`] for calls, [`BuildError`] for configuration, and
//! [`ProviderError`], what Payway said when it refused a request.

use std::fmt;
use std::sync::Arc;

use reqwest::StatusCode;

use crate::store::StoreError;

/// Why a call failed.
///
/// What Payway *answered* about a ticket at login is a [`TicketLogin`](crate::TicketLogin)
/// value; this type is for what went *wrong*: the network, an unexpected status, a body that
/// does not parse, bad input, the ticket store. Messages never contain a secret, a token or a
/// ticket.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The request did not complete: connection refused, DNS, TLS, a timeout, or the
    /// connection dropped while the body was read.
    #[error("request to payway failed")]
    Transport(#[source] reqwest::Error),

    /// Payway answered `400 Bad Request`: the request (or the ticket in it) is malformed.
    #[error("payway refused the request as malformed (400)")]
    BadRequest(ProviderError),

    /// Payway answered `401 Unauthorized`: the ticket, refresh token or access token is
    /// invalid, expired or already used.
    #[error("payway refused the ticket or token (401)")]
    Unauthorized(ProviderError),

    /// Payway refused this client's id or secret (`invalid_client`): a configuration
    /// problem, not a problem with the reader's ticket.
    #[error("payway refused the client id or client secret ({})", .0.status())]
    ClientCredentials(ProviderError),

    /// Payway answered with a status this call does not expect (`403`, `404`, `429`, `5xx`...).
    #[error("payway answered with unexpected status {}", .0.status())]
    UnexpectedStatus(ProviderError),

    /// Payway answered with a redirect. Redirects are never followed: credentials must not
    /// travel to another host.
    #[error("payway answered with a redirect ({status}), which is never followed")]
    Redirect {
        /// The `3xx` status.
        status: StatusCode,
    },

    /// A caller-supplied `reqwest::Client` followed a redirect (the response came from
    /// another URL than the request went to). Build that client with
    /// `reqwest::redirect::Policy::none()`.
    #[error("the http client followed a redirect; build it with redirect::Policy::none()")]
    RedirectFollowed,

    /// The response body is larger than [`MAX_RESPONSE_BYTES`](crate::MAX_RESPONSE_BYTES).
    #[error("payway response body is larger than {limit} bytes")]
    BodyTooLarge {
        /// The cap, in bytes.
        limit: usize,
    },

    /// The response body is not the JSON this call expects.
    #[error("payway response is not a valid {what}")]
    Parse {
        /// What was expected, e.g. `"token response"`.
        what: &'static str,
        /// The parser's error.
        #[source]
        source: serde_json::Error,
        /// The body as received, kept for responses that carry no secret (`/me`,
        /// active products); `None` for token and ticket responses.
        body: Option<String>,
    },

    /// The response parsed but is not usable (an empty access token or ticket, for example).
    #[error("payway response is not a valid {what}: {reason}")]
    InvalidResponse {
        /// What was expected.
        what: &'static str,
        /// What is wrong with it.
        reason: &'static str,
    },

    /// An argument was refused before any request was sent.
    #[error("invalid {what}: {reason}")]
    InvalidInput {
        /// Which argument.
        what: &'static str,
        /// What is wrong with it.
        reason: &'static str,
    },

    /// The ticket store failed; the ticket was not exchanged.
    #[error("ticket store failed")]
    Store(#[source] StoreError),

    /// A server token request failed. Callers waiting on the same request share this error.
    #[error("server token request failed")]
    ServerToken(#[source] Arc<Error>),
}

impl Error {
    /// The HTTP status Payway answered with, when there was an answer.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Self::Transport(e) => e.status(),
            Self::BadRequest(p)
            | Self::Unauthorized(p)
            | Self::ClientCredentials(p)
            | Self::UnexpectedStatus(p) => Some(p.status()),
            Self::Redirect { status } => Some(*status),
            Self::ServerToken(inner) => inner.status(),
            _ => None,
        }
    }

    /// `true` when the request or the response body timed out.
    pub fn is_timeout(&self) -> bool {
        match self {
            Self::Transport(e) => e.is_timeout(),
            Self::ServerToken(inner) => inner.is_timeout(),
            _ => false,
        }
    }

    /// `true` when no connection to Payway could be made.
    pub fn is_connect(&self) -> bool {
        match self {
            Self::Transport(e) => e.is_connect(),
            Self::ServerToken(inner) => inner.is_connect(),
            _ => false,
        }
    }

    /// `true` for a redirect answer or a redirect a custom client followed.
    pub fn is_redirect(&self) -> bool {
        match self {
            Self::Redirect { .. } | Self::RedirectFollowed => true,
            Self::ServerToken(inner) => inner.is_redirect(),
            _ => false,
        }
    }

    /// `true` when the ticket store failed.
    pub fn is_store(&self) -> bool {
        matches!(self, Self::Store(_))
    }

    /// What Payway said, when it refused the request with a status.
    pub fn provider_error(&self) -> Option<&ProviderError> {
        match self {
            Self::BadRequest(p)
            | Self::Unauthorized(p)
            | Self::ClientCredentials(p)
            | Self::UnexpectedStatus(p) => Some(p),
            Self::ServerToken(inner) => inner.provider_error(),
            _ => None,
        }
    }
}

/// The shortest request secret cut out of an error body that echoes it.
const MIN_HIDDEN_LEN: usize = 8;

/// What Payway said when it refused a request: the status and the parsed error body.
///
/// Payway's token endpoint answers OAuth-style (`error`, `error_description`); its REST API
/// answers `{code, field, message}`. Every field is optional; [`body`](Self::body) keeps the
/// raw text (at most [`MAX_RESPONSE_BYTES`](crate::MAX_RESPONSE_BYTES)). `{:?}` shows the
/// parsed fields and the body's length, not the body.
#[derive(Clone, PartialEq, Eq)]
pub struct ProviderError(Box<ProviderDetails>);

#[derive(Clone, PartialEq, Eq)]
struct ProviderDetails {
    status: StatusCode,
    error: Option<String>,
    error_description: Option<String>,
    code: Option<String>,
    field: Option<String>,
    message: Option<String>,
    body: String,
}

impl ProviderError {
    /// Parses an error body, cutting every one of `secrets` (what the request carried) out
    /// of the text and the fields, should Payway echo one back. Values shorter than
    /// [`MIN_HIDDEN_LEN`] are left alone: cutting them would garble ordinary words, and no
    /// real ticket, token or secret is that short.
    pub(crate) fn from_body(status: StatusCode, body: &[u8], secrets: &[&str]) -> Self {
        // Each secret as sent, and as it reads inside a JSON string.
        let forms: Vec<String> = secrets
            .iter()
            .filter(|s| s.len() >= MIN_HIDDEN_LEN)
            .flat_map(|s| {
                let quoted = serde_json::Value::from(*s).to_string();
                let escaped = quoted.get(1..quoted.len() - 1).unwrap_or(s).to_owned();
                [(*s).to_owned(), escaped]
            })
            .collect();
        let hide = |mut text: String| {
            for form in &forms {
                if text.contains(form.as_str()) {
                    text = text.replace(form.as_str(), "[redacted]");
                }
            }
            text
        };
        let text = hide(String::from_utf8_lossy(body).into_owned());
        let json = serde_json::from_slice::<serde_json::Value>(body).ok();
        let object = json.as_ref().and_then(serde_json::Value::as_object);
        let text_of = |name: &str| -> Option<String> {
            match object?.get(name)? {
                serde_json::Value::String(s) => Some(hide(s.clone())),
                serde_json::Value::Null => None,
                other => Some(hide(other.to_string())),
            }
        };
        Self(Box::new(ProviderDetails {
            status,
            error: text_of("error"),
            error_description: text_of("error_description"),
            code: text_of("code"),
            field: text_of("field"),
            message: text_of("message"),
            body: text,
        }))
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.0.status
    }

    /// The OAuth `error` code, e.g. `invalid_grant`, `invalid_client`.
    pub fn error(&self) -> Option<&str> {
        self.0.error.as_deref()
    }

    /// The OAuth `error_description`.
    pub fn error_description(&self) -> Option<&str> {
        self.0.error_description.as_deref()
    }

    /// The REST API's `code`, e.g. `invalid_parameter`, `not_found`.
    pub fn code(&self) -> Option<&str> {
        self.0.code.as_deref()
    }

    /// The REST API's `field`: which parameter was refused.
    pub fn field(&self) -> Option<&str> {
        self.0.field.as_deref()
    }

    /// The REST API's `message`.
    pub fn message(&self) -> Option<&str> {
        self.0.message.as_deref()
    }

    /// The raw body as received (lossy UTF-8, at most 64 KiB).
    pub fn body(&self) -> &str {
        &self.0.body
    }

    /// `true` when the answer says this *client's* credentials are wrong rather than the
    /// ticket or token: `error` is `invalid_client` or `unauthorized_client`, or the
    /// description speaks of the client and not of a ticket, token or grant.
    ///
    /// Only the token endpoint authenticates the client, so only its answers become
    /// [`Error::ClientCredentials`]; elsewhere "client" names a parameter (the shop's client
    /// id in a ticket request).
    pub fn is_client_credentials_error(&self) -> bool {
        if matches!(
            self.0.error.as_deref(),
            Some("invalid_client" | "unauthorized_client")
        ) {
            return true;
        }
        let text = [&self.0.error_description, &self.0.message]
            .into_iter()
            .flatten()
            .map(|s| s.to_ascii_lowercase())
            .collect::<Vec<_>>()
            .join(" ");
        let names_client = text.contains("client");
        let names_grant = ["ticket", "token", "grant"]
            .iter()
            .any(|w| text.contains(w));
        names_client && !names_grant
    }
}

impl fmt::Debug for ProviderError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ProviderError")
            .field("status", &self.0.status)
            .field("error", &self.0.error)
            .field("error_description", &self.0.error_description)
            .field("code", &self.0.code)
            .field("field", &self.0.field)
            .field("message", &self.0.message)
            .field("body_len", &self.0.body.len())
            .finish()
    }
}

/// Why [`PaywayClientBuilder::build`](crate::PaywayClientBuilder::build) or
/// [`PaywayClient::from_env`](crate::PaywayClient::from_env) refused the configuration.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BuildError {
    /// No client id was given.
    #[error("client id is missing")]
    MissingClientId,
    /// The client id is empty or contains whitespace or control characters.
    #[error("client id is empty or contains whitespace or control characters")]
    InvalidClientId,
    /// No client secret was given.
    #[error("client secret is missing")]
    MissingClientSecret,
    /// The client secret is empty.
    #[error("client secret is empty")]
    EmptyClientSecret,
    /// Neither an environment nor a base URL was given.
    #[error("neither an environment nor a base url was given")]
    MissingEnvironment,
    /// The base URL uses plain `http` to a host that is not loopback.
    #[error("base url must use https (plain http is allowed only for loopback hosts)")]
    InsecureBaseUrl,
    /// The base URL cannot serve as an API root.
    #[error("base url is not usable: {reason}")]
    InvalidBaseUrl {
        /// What is wrong with it.
        reason: &'static str,
    },
    /// A duration that must be positive is zero.
    #[error("{what} must be greater than zero")]
    ZeroDuration {
        /// Which setting.
        what: &'static str,
    },
    /// The claim TTL is not longer than the request timeout: a claim could expire while
    /// the exchange it guards is still running.
    #[error("claim ttl must be longer than the request timeout")]
    ClaimTtlTooShort,
    /// A scope is empty or contains whitespace or control characters.
    #[error("a scope is empty or contains whitespace or control characters")]
    InvalidScope,
    /// The HTTP client could not be built (TLS backend initialisation).
    #[error("http client could not be built")]
    HttpClient(#[source] reqwest::Error),
    /// A required environment variable is not set.
    #[error("environment variable {name} is not set")]
    MissingEnvVar {
        /// The variable's name.
        name: &'static str,
    },
    /// An environment variable is set but not valid (its value is not shown: it may be
    /// a secret).
    #[error("environment variable {name} is not valid: {reason}")]
    InvalidEnvVar {
        /// The variable's name.
        name: &'static str,
        /// What is wrong with it.
        reason: &'static str,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn provider_error_reads_both_error_shapes() {
        let oauth = ProviderError::from_body(
            StatusCode::UNAUTHORIZED,
            br#"{"error":"invalid_grant","error_description":"ticket expired"}"#,
            &[],
        );
        assert_eq!(oauth.error(), Some("invalid_grant"));
        assert_eq!(oauth.error_description(), Some("ticket expired"));
        assert!(!oauth.is_client_credentials_error());

        let rest = ProviderError::from_body(
            StatusCode::BAD_REQUEST,
            br#"{"code":"invalid_parameter","field":"clientId","message":"unknown","x":1}"#,
            &[],
        );
        assert_eq!(rest.code(), Some("invalid_parameter"));
        assert_eq!(rest.field(), Some("clientId"));
        assert_eq!(rest.message(), Some("unknown"));

        let garbage = ProviderError::from_body(StatusCode::BAD_GATEWAY, b"<html>oops</html>", &[]);
        assert_eq!(garbage.error(), None);
        assert_eq!(garbage.body(), "<html>oops</html>");
        assert!(!format!("{garbage:?}").contains("oops"));
    }

    #[test]
    fn echoed_secrets_are_cut_out() {
        let echo = ProviderError::from_body(
            StatusCode::UNAUTHORIZED,
            br#"{"error_description":"ticket tkt-9\"q-0123 is used","message":{"s":"cs-1-0123"}}"#,
            &["tkt-9\"q-0123", "cs-1-0123", "", "is"],
        );
        assert_eq!(echo.error_description(), Some("ticket [redacted] is used"));
        assert_eq!(echo.message(), Some(r#"{"s":"[redacted]"}"#));
        assert!(!echo.body().contains("cs-1") && !echo.body().contains("tkt-9"));
        assert!(!format!("{echo:?}").contains("tkt-9"));
    }

    #[test]
    fn client_credential_errors_are_recognised() {
        let cases = [
            (r#"{"error":"invalid_client"}"#, true),
            (
                r#"{"error_description":"Invalid client credentials"}"#,
                true,
            ),
            (r#"{"error_description":"Invalid ticket"}"#, false),
            (
                r#"{"error_description":"Invalid ticket, client_id, or client_secret"}"#,
                false,
            ),
            (r#"{}"#, false),
        ];
        for (body, expected) in cases {
            let e = ProviderError::from_body(StatusCode::UNAUTHORIZED, body.as_bytes(), &[]);
            assert_eq!(e.is_client_credentials_error(), expected, "{body}");
        }
    }
}
