//! [`PaywayClient::login_with_ticket`]: a reader back from the shop, logged in exactly once.

use crate::account::Account;
use crate::client::PaywayClient;
use crate::error::Error;
use crate::provider_error::ProviderError;
use crate::store::{Fingerprint, TicketStore};
use crate::ticket::{Ticket, check_ticket};
use crate::token::Grant;
use crate::token_response::TokenResponse;
use crate::trace::in_span;

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
    /// Payway refused the ticket (`400` or `401`), or the text is not a ticket at all
    /// (nothing was claimed or sent). The claim of a refused ticket is released, so that
    /// made-up tickets cannot fill the store; the same ticket tried again is sent to Payway
    /// again, whose own single-use check answers `401` again.
    Rejected {
        /// Why.
        reason: RejectReason,
    },
    /// The ticket was claimed before, by this or another app server (a reload, a double
    /// click, a replay). Payway was not asked.
    AlreadyUsed,
}

impl TicketLogin {
    /// The outcome in one word, for a span.
    pub(crate) fn label(&self) -> &'static str {
        match self {
            Self::LoggedIn { .. } => "logged_in",
            Self::Rejected {
                reason: RejectReason::NotATicket,
            } => "not_a_ticket",
            Self::Rejected { .. } => "rejected",
            Self::AlreadyUsed => "already_used",
        }
    }
}

/// Why a ticket was [`Rejected`](TicketLogin::Rejected).
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum RejectReason {
    /// The text is not shaped like a ticket (empty, longer than 4096 bytes, whitespace or
    /// control characters, or only invisible characters such as zero-width spaces). Neither
    /// the store nor Payway was asked.
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
    /// The claim is kept for the claim TTL when Payway accepted the ticket. It is released
    /// when Payway refused the ticket (`400`, `401`: [`TicketLogin::Rejected`]), so that a
    /// flood of made-up tickets holds no room in the store, which refuses new claims when
    /// full; a second try of a refused ticket reaches Payway, which answers `401` again. It
    /// is released too when the exchange failed without Payway answering with a token, so
    /// the reader can retry: no answer arrived (no connection, or a timeout or dropped
    /// connection before the response), or Payway answered without issuing a token (`3xx`,
    /// `429`, `5xx`, any other status, or a refusal of *your* client id or secret, which is
    /// an `Err`: configuration, not the ticket). A retry after a timeout is safe because
    /// Payway accepts a ticket once: if the lost request did consume it, the retry is
    /// answered `401` ([`TicketLogin::Rejected`]). The claim is kept (fail closed) once a
    /// response has started (its body broke off or did not parse, or `/me` failed), after a
    /// caller-supplied client followed a redirect (a `307` or `308` re-sends the ticket
    /// elsewhere), and when this future is cancelled after the claim.
    ///
    /// The ticket is never logged, formatted into an error, or stored: the store sees its
    /// fingerprint only.
    ///
    /// # Errors
    ///
    /// [`Error::Store`] when the store cannot answer or is full
    /// ([`StoreError::Full`](crate::StoreError::Full); the ticket is not exchanged);
    /// [`Error::ClientCredentials`], [`Error::Transport`], [`Error::UnexpectedStatus`] and
    /// friends when the exchange failed; any error of [`me`](Self::me) after a successful
    /// exchange (the claim is kept: Payway has consumed the ticket).
    pub async fn login_with_ticket<S>(
        &self,
        ticket: &Ticket,
        store: &S,
    ) -> Result<TicketLogin, Error>
    where
        S: TicketStore + ?Sized,
    {
        self.login(ticket, Some(store)).await
    }

    /// [`login_with_ticket`](Self::login_with_ticket) without a claim, for a ticket that SSO2
    /// answered this server directly (`sessionstatus`, `authenticatewithticket`): no browser
    /// ever held it, so a claim would guard nothing, while every refresh of a session would
    /// then depend on the store's health and room. Payway's own single use still stands.
    pub(crate) async fn login_with_server_ticket(
        &self,
        ticket: &Ticket,
    ) -> Result<TicketLogin, Error> {
        self.login::<dyn TicketStore>(ticket, None).await
    }

    /// A ticket login, claimed in `store` when there is one.
    async fn login<S>(&self, ticket: &Ticket, store: Option<&S>) -> Result<TicketLogin, Error>
    where
        S: TicketStore + ?Sized,
    {
        let ticket = ticket.expose_secret();
        let call = async {
            if check_ticket(ticket).is_err() {
                return Ok(TicketLogin::Rejected {
                    reason: RejectReason::NotATicket,
                });
            }
            let fingerprint = Fingerprint::of(ticket);
            if let Some(store) = store {
                let ttl = self.inner.claim_ttl;
                if !store.claim(&fingerprint, ttl).await.map_err(Error::Store)? {
                    return Ok(TicketLogin::AlreadyUsed);
                }
            }
            let exchanged = self.exchange(ticket).await;
            // A refused ticket: Payway's own single-use check answers any later try, and the
            // claim would only hold room that made-up tickets could fill. Once Payway has
            // accepted (and consumed) the ticket, the claim stays whatever happens.
            let keep_claim = match &exchanged {
                Ok(outcome) => outcome.is_ok(),
                Err(error) => ticket_may_be_consumed(error),
            };
            if let Some(store) = store.filter(|_| !keep_claim) {
                release(store, &fingerprint).await;
            }
            match exchanged? {
                Ok(token) => {
                    let account = self.me(&token.access_token).await?;
                    Ok(TicketLogin::LoggedIn {
                        account: Box::new(account),
                        token,
                    })
                }
                Err(reason) => Ok(TicketLogin::Rejected { reason }),
            }
        };
        let environment = self.inner.environment;
        in_span("login_with_ticket", environment, TicketLogin::label, call).await
    }

    /// The ticket exchange, with Payway's 400 and 401 about the ticket as an `Ok(Err(..))`.
    async fn exchange(&self, ticket: &str) -> Result<Result<TokenResponse, RejectReason>, Error> {
        match self.token_request(Grant::Ticket(ticket)).await {
            Ok(token) => Ok(Ok(token)),
            Err(Error::BadRequest(details)) => Ok(Err(RejectReason::Malformed(details))),
            Err(Error::Unauthorized(details)) => Ok(Err(RejectReason::Invalid(details))),
            Err(error) => Err(error),
        }
    }
}

/// `false` only when the exchange failed without Payway answering with a token (no answer
/// arrived, or the answer issued no token); the cases, and why a retry is safe, are in
/// [`PaywayClient::login_with_ticket`]'s docs.
fn ticket_may_be_consumed(error: &Error) -> bool {
    match error {
        Error::Transport(e) => e.is_body() || e.is_decode() || e.is_redirect(),
        Error::Redirect { .. } | Error::UnexpectedStatus(_) | Error::ClientCredentials(_) => false,
        _ => true,
    }
}

/// Releases a claim after a refused or failed exchange. If the store fails here, the claim
/// simply stays until it expires: the reader cannot retry that ticket, which is the safe
/// side.
async fn release<S: TicketStore + ?Sized>(store: &S, fingerprint: &Fingerprint) {
    if let Err(_error) = store.release(fingerprint).await {
        #[cfg(feature = "tracing")]
        tracing::warn!(error = %_error, "could not release a ticket claim; it stays until it expires");
    }
}
