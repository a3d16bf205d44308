//! [`PaywayClient::login_with_ticket`]: a reader back from the shop, logged in exactly once.

use crate::account::Account;
use crate::client::PaywayClient;
use crate::error::{Error, ProviderError};
use crate::http;
use crate::store::{Fingerprint, TicketStore};
use crate::token::{Grant, TokenResponse, parse_token_response};
use crate::trace::{in_span, outcome};

/// What became of a ticket login. Anything but [`LoggedIn`](Self::LoggedIn) means: do not
/// log the reader in.
#[derive(Debug, Clone)]
#[non_exhaustive]
#[must_use = "only `TicketLogin::LoggedIn` may log the reader in"]
pub enum TicketLogin {
    /// Payway accepted the ticket: the reader's account and token.
    LoggedIn {
        /// The account from `/me`.
        account: Box<Account>,
        /// The token the ticket was exchanged for (with its refresh token, if any).
        token: TokenResponse,
    },
    /// Payway refused the ticket, or it is not a ticket at all. The claim is kept: the same
    /// ticket will be [`AlreadyUsed`](Self::AlreadyUsed) next time.
    Rejected {
        /// Why.
        reason: RejectReason,
    },
    /// The ticket was claimed before, by this or another app server (a reload, a double
    /// click, a replay). Payway was not asked.
    AlreadyUsed,
}

/// Why a ticket was [`Rejected`](TicketLogin::Rejected).
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum RejectReason {
    /// The text is not shaped like a ticket (empty, longer than 4096 bytes, whitespace or
    /// control characters). Neither the store nor Payway was asked.
    NotATicket,
    /// Payway answered `400`: the ticket is malformed.
    Malformed(ProviderError),
    /// Payway answered `401`: the ticket is invalid, expired or already used.
    Invalid(ProviderError),
}

impl PaywayClient {
    /// Logs a reader in with the ticket they brought back from Tulo Shop, at most once.
    ///
    /// 1. Claims the ticket's SHA-256 [`Fingerprint`] in `store` for the
    ///    [`claim TTL`](crate::PaywayClientBuilder::claim_ttl). Already claimed:
    ///    [`TicketLogin::AlreadyUsed`], and Payway is not asked.
    /// 2. Exchanges the ticket for a token (`grant_type=ticket`).
    /// 3. Reads the account with `/me`.
    ///
    /// The claim is kept when Payway accepted the ticket or refused it (400, 401), and
    /// released when the exchange failed without consuming it, so the reader can retry: no
    /// connection, a timeout before an answer, `429`, `5xx`, or Payway refusing *your*
    /// client id or secret (an `Err`: that is configuration, not the ticket). A claim
    /// interrupted by cancelling this future stays until it expires (fail closed).
    ///
    /// The ticket is never logged, formatted into an error, or stored: the store sees its
    /// fingerprint only.
    ///
    /// # Errors
    ///
    /// [`Error::Store`] when the store cannot answer (the ticket is not exchanged);
    /// [`Error::ClientCredentials`], [`Error::Transport`], [`Error::UnexpectedStatus`] and
    /// friends when the exchange failed; any error of [`me`](Self::me) after a successful
    /// exchange (the claim is kept: Payway has consumed the ticket).
    pub async fn login_with_ticket<S>(&self, ticket: &str, store: &S) -> Result<TicketLogin, Error>
    where
        S: TicketStore + ?Sized,
    {
        if crate::ticket::check_ticket(ticket).is_err() {
            outcome("not_a_ticket");
            return Ok(TicketLogin::Rejected {
                reason: RejectReason::NotATicket,
            });
        }
        in_span("login_with_ticket", self.login_claimed(ticket, store)).await
    }

    async fn login_claimed<S>(&self, ticket: &str, store: &S) -> Result<TicketLogin, Error>
    where
        S: TicketStore + ?Sized,
    {
        let fingerprint = Fingerprint::of(ticket);
        if !store
            .claim(&fingerprint, self.inner.claim_ttl)
            .await
            .map_err(Error::Store)?
        {
            outcome("already_used");
            return Ok(TicketLogin::AlreadyUsed);
        }

        let response = match self.send_token_request(Grant::Ticket(ticket)).await {
            Ok(response) => response,
            Err(error) => {
                // No answer (or a redirect, never followed): the ticket was not consumed.
                release(store, &fingerprint).await;
                outcome("exchange_failed");
                return Err(error);
            }
        };
        let status = response.status();
        if !status.is_success() {
            let error = http::error_from_response(http::Endpoint::Token, response).await;
            return match error {
                Error::BadRequest(details) => {
                    outcome("rejected");
                    Ok(TicketLogin::Rejected {
                        reason: RejectReason::Malformed(details),
                    })
                }
                Error::Unauthorized(details) => {
                    outcome("rejected");
                    Ok(TicketLogin::Rejected {
                        reason: RejectReason::Invalid(details),
                    })
                }
                other => {
                    release(store, &fingerprint).await;
                    outcome("exchange_failed");
                    Err(other)
                }
            };
        }
        // From here Payway has accepted (and consumed) the ticket: the claim stays.
        let body = http::read_body(response).await?;
        let token = parse_token_response(&body)?;
        let account = self.me(&token.access_token).await?;
        outcome("logged_in");
        Ok(TicketLogin::LoggedIn {
            account: Box::new(account),
            token,
        })
    }
}

/// Releases a claim after a failed exchange. If the store fails here, the claim simply
/// stays until it expires: the reader cannot retry that ticket, which is the safe side.
async fn release<S: TicketStore + ?Sized>(store: &S, fingerprint: &Fingerprint) {
    if let Err(_error) = store.release(fingerprint).await {
        #[cfg(feature = "tracing")]
        tracing::warn!(error = %_error, "could not release a ticket claim; it stays until it expires");
    }
}
