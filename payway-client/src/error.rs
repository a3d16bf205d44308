//! The crate's errors: [`Error`] for calls, [`BuildError`] for configuration.

use std::sync::Arc;

use reqwest::StatusCode;

use crate::provider_error::ProviderError;
use crate::sso2::verify_error::{LandingError, SessionCookieError, TokenError};
use crate::store::StoreError;
use paywall_internal::parse_error::ParseError;

/// Why a call failed.
///
/// What Payway *answered* about a ticket at login is a [`TicketLogin`](crate::TicketLogin)
/// value; this type is for what went *wrong*: the network, an unexpected status, a body that
/// does not parse, bad input, the ticket store. Messages never contain a secret, a token or a
/// ticket.
///
/// `Clone`, and cheap to clone: the transport error sits in an `Arc`, so one failed request
/// can be handed to every caller that waited on it.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The request did not complete: connection refused, DNS, TLS, a timeout, or the
    /// connection dropped while the body was read.
    #[error("request to payway failed")]
    Transport(#[source] Arc<reqwest::Error>),

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

    /// The response body is larger than [`MAX_BODY_BYTES`](crate::MAX_BODY_BYTES).
    #[error("payway response body is larger than {limit} bytes")]
    BodyTooLarge {
        /// The cap, in bytes.
        limit: usize,
    },

    /// The response body is not the JSON this call expects (or repeats a member name): the
    /// family's one shape. Neither its `Display`, its `Debug` nor its `source()` chain holds
    /// body text; [`ParseError`] gives what was parsed, the status, the body's length and
    /// media type, and why ([`ParseFault`](crate::ParseFault), its source). Its text, through
    /// [`ParseError::expose_text`], only for answers that carry no secret (`/me`, active
    /// products), never for token, ticket and SSO2 answers.
    #[error("payway response is not a valid {}", .0.what())]
    Parse(#[source] ParseError),

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

    /// An SSO2 token (a landing's `t`, or the answer to a server call) did not verify: the
    /// reader gets no session from it. The source says which check failed.
    #[error("sso2 token refused")]
    Sso2Token(#[source] TokenError),

    /// The URL SSO2 sent the reader back with is not a landing this site accepts (no `t`,
    /// repeated parameters, or a return URL the policy refuses).
    #[error("sso2 landing refused")]
    Landing(#[source] LandingError),

    /// A session cookie did not open: edited, sealed with another key, expired, or
    /// repeated. Treat the reader as having no cookie.
    #[error("session cookie refused")]
    SessionCookie(#[source] SessionCookieError),

    /// A token or cookie value was longer than [`MAX_TOKEN_BYTES`](crate::MAX_TOKEN_BYTES)
    /// and was refused before any parsing.
    #[error("token is {len} bytes, more than the {limit} accepted")]
    TokenTooLarge {
        /// The value's length, in bytes.
        len: usize,
        /// The limit, in bytes.
        limit: usize,
    },

    /// The `Cookie` header (all of a request's `Cookie` headers together) was longer than
    /// [`MAX_COOKIE_HEADER_BYTES`](crate::MAX_COOKIE_HEADER_BYTES) and was not scanned.
    #[error("cookie header is {len} bytes, more than the {limit} scanned")]
    CookieHeaderTooLarge {
        /// The header's length, in bytes.
        len: usize,
        /// The limit, in bytes.
        limit: usize,
    },

    /// A key for [`SessionCookieKey::new`](crate::sso2::SessionCookieKey::new) is shorter
    /// than [`MIN_SECRET_BYTES`](crate::MIN_SECRET_BYTES).
    #[error("secret is {len} bytes long, shorter than the {min} required")]
    ShortSecret {
        /// The secret's length in bytes.
        len: usize,
        /// The shortest length accepted.
        min: usize,
    },
}

impl Error {
    /// The HTTP status Payway answered with, when there was an answer.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Self::Transport(e) => e.status(),
            Self::Redirect { status } => Some(*status),
            Self::ServerToken(inner) => inner.status(),
            Self::Parse(error) => error.http_status(),
            other => other.provider_error().map(ProviderError::status),
        }
    }

    paywall_internal::transport_predicates!("Payway", ServerToken);

    /// `true` when the ticket store failed.
    pub fn is_store(&self) -> bool {
        matches!(self, Self::Store(_))
    }

    /// `true` when an SSO2 token or a session cookie was genuine but out of date: identify
    /// the reader again (normal), rather than alert (a forgery).
    pub fn is_expired(&self) -> bool {
        matches!(
            self,
            Self::Sso2Token(TokenError::Expired) | Self::SessionCookie(SessionCookieError::Expired)
        )
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

/// Why [`PaywayClientBuilder::build`](crate::PaywayClientBuilder::build) or
/// [`PaywayClient::from_env`](crate::PaywayClient::from_env) refused the configuration.
#[derive(Debug, Clone, thiserror::Error)]
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
    /// The client secret is empty (or only whitespace).
    #[error("client secret is empty")]
    EmptyClientSecret,
    /// The client secret is shorter than
    /// [`MIN_CLIENT_SECRET_BYTES`](crate::MIN_CLIENT_SECRET_BYTES) and
    /// [`insecure_allow_short_secret`](crate::PaywayClientBuilder::insecure_allow_short_secret)
    /// was not called.
    #[error("client secret is {len} bytes long, shorter than the {min} required")]
    ShortSecret {
        /// The secret's length in bytes.
        len: usize,
        /// The shortest length accepted.
        min: usize,
    },
    /// No organisation id was given to the SSO2 client.
    #[error("organisation id is missing")]
    MissingOrganisationId,
    /// The organisation id is empty or contains whitespace or control characters.
    #[error("organisation id is empty or contains whitespace or control characters")]
    InvalidOrganisationId,
    /// The SSO2 leeway is larger than [`sso2::MAX_LEEWAY`](crate::sso2::MAX_LEEWAY).
    #[error("leeway of {leeway:?} is larger than the {max:?} allowed")]
    LeewayTooLarge {
        /// The leeway asked for.
        leeway: std::time::Duration,
        /// The largest leeway allowed.
        max: std::time::Duration,
    },
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
    /// [`connect_timeout`](crate::PaywayClientBuilder::connect_timeout) was set together with
    /// [`http_client`](crate::PaywayClientBuilder::http_client): the caller's client owns its
    /// connect timeout, so the setting could not take effect.
    #[error("connect_timeout cannot be set with a caller's http_client (set it on that client)")]
    ConnectTimeoutWithHttpClient,
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
    HttpClient(#[source] Arc<reqwest::Error>),
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
        /// Why the URL parser refused the value, for a base URL variable.
        #[source]
        source: Option<url::ParseError>,
    },
}

#[cfg(test)]
mod tests {
    use paywall_internal::parse_error::ParseFault;

    use super::*;

    #[test]
    fn a_parse_error_shows_length_and_content_type_only() {
        let body = br#"{"item":{"email":"ada@example.com","street":"Main Street 1"}}"#;
        let fault = ParseFault::Shape {
            reason: "not the documented shape",
        };
        let error = Error::Parse(
            ParseError::new("account", body.len(), fault)
                .answered(200, Some("application/json".to_owned()))
                .keep_body(body.to_vec()),
        );
        let mut shown = format!("{error} {error:?} {error:#?}");
        let mut source = std::error::Error::source(&error);
        while let Some(s) = source {
            shown.push_str(&format!(" {s} {s:?}"));
            source = s.source();
        }
        assert!(
            !shown.contains("ada@") && !shown.contains("Main Street"),
            "{shown}"
        );
        assert!(shown.contains("application/json") && shown.contains(&body.len().to_string()));
        let Error::Parse(kept) = &error else {
            unreachable!()
        };
        assert!(kept.expose_text().unwrap().contains("ada@example.com"));
        assert!(ParseError::new("account", 3, fault).expose_text().is_none());
    }
}
