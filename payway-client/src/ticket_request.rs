//! Generating a ticket, `POST /api/authorization/ticket`.

use reqwest::Method;
use reqwest::header::AUTHORIZATION;
use serde::{Deserialize, Serialize};

use crate::account::unwrap_item;
use crate::client::PaywayClient;
use crate::error::Error;
use crate::http;
use crate::parse;
use crate::secret::AccessToken;
use crate::ticket::{Ticket, check_ticket};
use crate::trace::{self, in_span};
use crate::validate::is_text;
use paywall_internal::http::ErrorBody;

/// The longest client id or account id sent in a ticket request, in bytes.
const MAX_ID_BYTES: usize = 256;

/// What a ticket is generated for: the client it is for (Tulo Shop's client id) and,
/// optionally, the account.
///
/// Payway's ticket guide describes this call two ways: with the reader's own access token
/// and the shop's client id only (the account comes from the token), and with a
/// server-to-server token plus an `accountId`. Both are this request: leave the account id
/// out in the first case, set it in the second.
///
/// ```
/// use payway_client::TicketRequest;
///
/// let for_reader = TicketRequest::new("tulo-shop-client-id");
/// let for_account = TicketRequest::new("tulo-shop-client-id").account_id("5f3c...");
/// # let _ = (for_reader, for_account);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TicketRequest {
    client_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    account_id: Option<String>,
}

impl TicketRequest {
    /// A ticket for `client_id`: the client that will exchange it (Tulo Shop's client id).
    pub fn new(client_id: impl Into<String>) -> Self {
        Self {
            client_id: client_id.into(),
            account_id: None,
        }
    }

    /// The account to issue the ticket for (with a server-to-server token).
    pub fn account_id(mut self, account_id: impl Into<String>) -> Self {
        self.account_id = Some(account_id.into());
        self
    }

    /// Each id must be text of at most [`MAX_ID_BYTES`].
    fn check(&self) -> Result<(), Error> {
        let ids = [
            ("ticket client id", Some(&self.client_id)),
            ("ticket account id", self.account_id.as_ref()),
        ];
        for (what, id) in ids {
            if id.is_some_and(|id| !is_text(id, MAX_ID_BYTES)) {
                let reason = "it is empty, longer than 256 bytes, or has control characters";
                return Err(Error::InvalidInput { what, reason });
            }
        }
        Ok(())
    }
}

#[derive(Deserialize)]
struct RawTicket {
    ticket: String,
}

impl PaywayClient {
    /// Generates a ticket (`POST /api/authorization/ticket`, JSON `{clientId, accountId?}`)
    /// to send a reader to Tulo Shop logged in: put it in a
    /// [`ShopUrl`](crate::ShopUrl) and redirect.
    ///
    /// `token` is the reader's access token (then leave the account id out) or a server
    /// token from [`server_token`](Self::server_token) (then set the account id). Tickets
    /// are short-lived and single-use: generate one just before the redirect.
    ///
    /// A reader's token must carry the scope `/api/authorization/ticket` (Payway's ticket
    /// guide). A ticket exchange asks only for
    /// [`DEFAULT_TICKET_SCOPE`](crate::DEFAULT_TICKET_SCOPE) (`/external/me/w`) unless told
    /// otherwise, so ask for both when you build the client, with
    /// [`ticket_scopes`](crate::PaywayClientBuilder::ticket_scopes):
    /// `ticket_scopes(["/external/me/w", "/api/authorization/ticket"])`. A reader's token
    /// without it is refused; Payway's docs do not say with which status (they list `401`
    /// for an invalid token), so expect a `401` or a `403`. `FakePayway` (feature
    /// `test-util`) answers `403 insufficient_scope`. The scope a server token needs is not
    /// documented.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidInput`] for an empty, over-long or control-character id (nothing
    /// sent); [`Error::BadRequest`] (400: unknown client or account id) and
    /// [`Error::Unauthorized`] (401: an invalid token, or perhaps one lacking the scope)
    /// with Payway's body; [`Error::UnexpectedStatus`] for any other status, a `403` among
    /// them (a token lacking the scope, as the fake answers); [`Error::InvalidResponse`]
    /// when the answer holds no usable ticket.
    pub async fn generate_ticket(
        &self,
        token: &AccessToken,
        request: TicketRequest,
    ) -> Result<Ticket, Error> {
        request.check()?;
        let call = async {
            let url = &self.inner.endpoints.ticket;
            let http_request = self
                .request(Method::POST, url)
                .header(AUTHORIZATION, http::bearer(token)?)
                .json(&request);
            let secrets = [token.expose_secret()];
            let resource = http::Endpoint::Resource;
            let answer = http::call(resource, http_request, url, &secrets, http::success).await?;
            parse_ticket(answer.bytes())
                .map_err(|error| parse::answered(error, &answer, &secrets, ErrorBody::Withheld))
        };
        in_span("generate_ticket", self.inner.environment, trace::ok, call).await
    }
}

fn parse_ticket(body: &[u8]) -> Result<Ticket, Error> {
    const WHAT: &str = "ticket response";
    // `{"ticket": ...}`, or wrapped in `item` like Payway's REST answers. The body holds a
    // ticket: it is not kept in the error.
    let raw: RawTicket =
        parse::read(WHAT, body, |value| unwrap_item(value, "ticket")).map_err(Error::Parse)?;
    check_ticket(&raw.ticket).map_err(|reason| Error::InvalidResponse { what: WHAT, reason })?;
    Ok(Ticket::new(raw.ticket))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_body_is_camel_case() {
        let body = serde_json::to_value(TicketRequest::new("shop")).unwrap();
        assert_eq!(body, serde_json::json!({"clientId": "shop"}));
        let body = serde_json::to_value(TicketRequest::new("shop").account_id("a1")).unwrap();
        assert_eq!(
            body,
            serde_json::json!({"clientId": "shop", "accountId": "a1"})
        );
        assert!(TicketRequest::new(" ").check().is_err());
        assert!(TicketRequest::new("s").account_id("a\n").check().is_err());
    }

    #[test]
    fn ticket_answers() {
        for (body, ticket) in [
            (&br#"{"ticket":"t-1"}"#[..], "t-1"),
            (br#"{"item":{"ticket":"t-2"}}"#, "t-2"),
        ] {
            assert_eq!(parse_ticket(body).unwrap().expose_secret(), ticket);
        }
        for bad in [
            &br#"{"ticket":""}"#[..],
            br#"{"ticket":null}"#,
            br#"{}"#,
            b"t-3",
            b"",
            br#"{"ticket":"t-3","ticket":"t-4"}"#,
            br#"{"ticket":"\u200b"}"#,
        ] {
            let err = parse_ticket(bad).unwrap_err();
            assert!(!format!("{err:?}").contains("t-3"));
        }
    }
}
