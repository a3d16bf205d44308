//! The token endpoint, `POST /api/authorization/access_token`: ticket, refresh and server
//! (`grant_type=none`) grants, form-encoded or JSON ([`TokenEncoding`](crate::TokenEncoding)).

use reqwest::Method;
use serde::Serialize;

use crate::client::PaywayClient;
use crate::error::Error;
use crate::http;
use crate::parse;
use crate::secret::RefreshToken;
use crate::ticket::{Ticket, check_ticket};
use crate::token_encoding::TokenEncoding;
use crate::token_response::{TokenResponse, parse_token_response};
use crate::trace::{self, in_span};
use paywall_internal::http::ErrorBody;

/// The scope a ticket exchange asks for unless
/// [`ticket_scopes`](crate::PaywayClientBuilder::ticket_scopes) says otherwise:
/// `/external/me/w`.
///
/// Payway's docs require an identity token with this scope for `/me` and
/// `/me/active_products`, and the vendor's own plugin sends it with every ticket exchange.
/// It is not enough to [generate a ticket](PaywayClient::generate_ticket) with the
/// reader's token, which needs `/api/authorization/ticket` as well: ask for both with
/// [`ticket_scopes`](crate::PaywayClientBuilder::ticket_scopes).
pub const DEFAULT_TICKET_SCOPE: &str = "/external/me/w";

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

impl PaywayClient {
    /// Exchanges an authorization ticket for a token tied to the reader
    /// (`grant_type=ticket`), asking for the scope [`DEFAULT_TICKET_SCOPE`]
    /// (`/external/me/w`, which [`me`](Self::me) and
    /// [`active_products`](Self::active_products) require) or the
    /// [`ticket_scopes`](crate::PaywayClientBuilder::ticket_scopes) configured instead.
    ///
    /// This is the bare exchange: it does not guard against a ticket being used twice.
    /// When a reader returns from the shop, use
    /// [`login_with_ticket`](Self::login_with_ticket), which does.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidInput`] for an empty, over-long (> 4096 bytes), whitespace,
    /// control-character or invisible ticket (nothing is sent); [`Error::BadRequest`] (400) and [`Error::Unauthorized`]
    /// (401: invalid, expired or used ticket) with Payway's error body;
    /// [`Error::ClientCredentials`] when Payway refuses your client id or secret; any other
    /// status, transport or parse failure as the matching [`Error`].
    pub async fn exchange_ticket(&self, ticket: &Ticket) -> Result<TokenResponse, Error> {
        let ticket = ticket.expose_secret();
        check_ticket(ticket).map_err(|reason| Error::InvalidInput {
            what: "ticket",
            reason,
        })?;
        let call = self.token_request(Grant::Ticket(ticket));
        in_span("exchange_ticket", self.inner.environment, trace::ok, call).await
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
        let call = self.token_request(Grant::RefreshToken(refresh_token.expose_secret()));
        in_span("refresh_token", self.inner.environment, trace::ok, call).await
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
        let url = &inner.endpoints.access_token;
        let request = self.request(Method::POST, url);
        let request = match inner.token_encoding {
            TokenEncoding::Form => request.form(&body),
            TokenEncoding::Json => request.json(&body),
        };
        let secrets = [
            body.client_secret,
            ticket.or(refresh_token).unwrap_or_default(),
        ];
        let answer =
            http::call(http::Endpoint::Token, request, url, &secrets, http::success).await?;
        parse_token_response(answer.bytes())
            .map_err(|error| parse::answered(error, &answer, &secrets, ErrorBody::Withheld))
    }
}
