//! SSO2's server calls: `POST {sso}/{operation}` with `{"t": token}`, answered
//! `200 {"t": token}`, for a [`Reader`] and an SSO2 session id.

use reqwest::Method;
use reqwest::header::{ACCEPT, HeaderValue};
use secrecy::{ExposeSecret as _, SecretString};
use serde::{Deserialize, Serialize};

use super::answer::{is_sid, read_answer};
use super::client::Sso2Client;
use super::reader::Reader;
use super::request_token::{Operation, unix_now};
use super::session::{Sso2Session, Sso2Status};
use crate::error::Error;
use crate::http;
use crate::parse;
use crate::ticket::{Ticket, check_ticket};
use crate::trace::in_span;
use crate::validate::is_text;
use paywall_internal::http::{ErrorBody, append_segments};

/// The longest e-mail address sent, in bytes.
const MAX_EMAIL_BYTES: usize = 320;
/// The longest password sent, in bytes.
const MAX_PASSWORD_BYTES: usize = 1024;

/// SSO2's answer body.
#[derive(Deserialize)]
struct AnswerBody {
    t: String,
}

/// A request body, borrowing the token (no copy of it is left behind).
#[derive(Serialize)]
struct RequestBody<'a> {
    t: &'a str,
}

impl Sso2Client {
    /// Asks SSO2 for the state of session `sid` (`sessionstatus`), telling it the status this
    /// site last knew (`lks`). Call it when the session cookie
    /// [needs a refresh](super::SessionCookie::needs_refresh).
    ///
    /// A [`Terminated`](Sso2Status::Terminated) answer or an
    /// [`Sso2Error::SessionNotFound`](super::Sso2Error::SessionNotFound) (see
    /// [`Sso2Session::is_gone`]) means: clear the cookie and identify the reader again. A
    /// logged-in answer may carry a ticket for
    /// [`login_with_ticket`](crate::PaywayClient::login_with_ticket).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidInput`] for a malformed `sid` (nothing is sent); [`Error::Transport`],
    /// [`Error::BadRequest`], [`Error::Unauthorized`], [`Error::UnexpectedStatus`],
    /// [`Error::BodyTooLarge`], [`Error::Parse`] when the call failed; [`Error::Sso2Token`]
    /// when the answer's token does not verify (never an anonymous session).
    pub async fn session_status(
        &self,
        sid: &str,
        last_known: Sso2Status,
        reader: &Reader,
    ) -> Result<Sso2Session, Error> {
        let operation = Operation::SessionStatus { last_known };
        self.call("sso2_session_status", sid, reader, operation)
            .await
    }

    /// Logs session `sid` in with an e-mail address and password from your own login form
    /// (`authenticate`). A wrong password is an `Ok` session whose
    /// [`error`](Sso2Session::error) is
    /// [`InvalidCredentials`](super::Sso2Error::InvalidCredentials) (with the attempts left)
    /// or [`AccountFrozen`](super::Sso2Error::AccountFrozen).
    ///
    /// The password travels inside the signed request token (signed, not encrypted, as
    /// SSO2 specifies), over HTTPS; it is never logged or put in an error.
    ///
    /// # Errors
    ///
    /// As [`session_status`](Self::session_status); also [`Error::InvalidInput`] for an
    /// empty or over-long e-mail address or password.
    pub async fn authenticate(
        &self,
        sid: &str,
        email: &str,
        password: SecretString,
        reader: &Reader,
    ) -> Result<Sso2Session, Error> {
        let password = password.expose_secret();
        if !is_text(email, MAX_EMAIL_BYTES) {
            return Err(Error::InvalidInput {
                what: "e-mail address",
                reason: "it is empty, longer than 320 bytes, or has control characters",
            });
        }
        if password.is_empty() || password.len() > MAX_PASSWORD_BYTES {
            return Err(Error::InvalidInput {
                what: "password",
                reason: "it is empty or longer than 1024 bytes",
            });
        }
        let operation = Operation::Authenticate { email, password };
        self.call("sso2_authenticate", sid, reader, operation).await
    }

    /// Logs session `sid` in with an authorization ticket (`authenticatewithticket`), for
    /// example the one Tulo Shop sends a reader back with after a purchase, so the reader is
    /// logged in on every site of the organisation.
    ///
    /// # Errors
    ///
    /// As [`session_status`](Self::session_status); also [`Error::InvalidInput`] for text not
    /// shaped like a ticket (nothing is sent).
    pub async fn authenticate_with_ticket(
        &self,
        sid: &str,
        ticket: &Ticket,
        reader: &Reader,
    ) -> Result<Sso2Session, Error> {
        let ticket = ticket.expose_secret();
        check_ticket(ticket).map_err(|reason| Error::InvalidInput {
            what: "ticket",
            reason,
        })?;
        let operation = Operation::WithTicket { ticket };
        self.call("sso2_authenticate_with_ticket", sid, reader, operation)
            .await
    }

    /// Logs session `sid` out of SSO2 (`logout`): on every site of the organisation.
    ///
    /// # Errors
    ///
    /// As [`session_status`](Self::session_status).
    pub async fn logout(&self, sid: &str, reader: &Reader) -> Result<Sso2Session, Error> {
        self.call("sso2_logout", sid, reader, Operation::Logout)
            .await
    }

    /// Makes a server call in its span, named `span`; the span's outcome is the status SSO2
    /// answered.
    async fn call(
        &self,
        span: &'static str,
        sid: &str,
        reader: &Reader,
        operation: Operation<'_>,
    ) -> Result<Sso2Session, Error> {
        let label = |session: &Sso2Session| session.status().as_str();
        let sent = self.send(sid, reader, operation);
        in_span(span, self.inner.environment, label, sent).await
    }

    async fn send(
        &self,
        sid: &str,
        reader: &Reader,
        operation: Operation<'_>,
    ) -> Result<Sso2Session, Error> {
        if !is_sid(sid) {
            return Err(Error::InvalidInput {
                what: "sid",
                reason: "it is empty, longer than 256 bytes, or has whitespace or control characters",
            });
        }
        let inner = &self.inner;
        let now = unix_now().map_err(Error::Sso2Token)?;
        let token = self.signer().call(now, sid, reader, operation);
        let token = token.expose_secret();
        let url = &append_segments(&inner.base_url, &[operation.path()]);
        let request = inner
            .http
            .request(Method::POST, url)
            .header(ACCEPT, HeaderValue::from_static("application/json"))
            .json(&RequestBody { t: token });
        let secrets = [
            token,
            inner.client_secret.expose_secret(),
            sid,
            operation.secret().unwrap_or_default(),
        ];
        let answer = http::call(
            http::Endpoint::Resource,
            request,
            url,
            &secrets,
            http::success,
        )
        .await?;
        let body: AnswerBody = parse::read("sso2 answer", answer.bytes(), |value| value)
            .map_err(|error| parse::completed(error, &answer, &secrets, ErrorBody::Withheld))?;
        // The answer's times are checked when it arrived.
        let now = unix_now().map_err(Error::Sso2Token)?;
        let leeway = inner.leeway.as_secs();
        read_answer(&body.t, &inner.key, leeway, now).map(|answer| answer.session)
    }
}
