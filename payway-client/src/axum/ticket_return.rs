//! [`TicketReturn`]: the return from Tulo Shop as an extractor.

use std::ops::Deref;

use http::StatusCode;
use http::header::{COOKIE, HeaderValue};
use http::request::Parts;

use crate::callback::{CallbackError, ReturnPolicy, TicketCallback};
use crate::login_state::SetCookies;

/// A reader back from Tulo Shop, in the browser that was sent there: the ticket, a return
/// URL the [`ReturnPolicy`] allows, and the login's state matched against the request's
/// state cookie ([`TicketCallback::check_state`]).
///
/// Send the reader to the shop with a `returnUrl` bound by a
/// [`LoginState`](crate::LoginState), and its cookies set
/// ([`LoginState::set_cookies_for`](crate::LoginState::set_cookies_for)). A return without a matching state
/// cookie (opened in another browser, a swapped `returnUrl`) is refused before anything
/// else happens: its ticket is never claimed. Send [`set_cookies`](Self::set_cookies) with
/// your answer: it clears the state cookie.
///
/// Derefs to [`TicketCallback`]. As `Option<TicketReturn>`, a request without a `ticket`
/// parameter is `None` (the same page can serve readers with and without one); anything
/// else that is wrong is still a [`TicketReturnRejection`].
#[derive(Debug, Clone)]
pub struct TicketReturn {
    callback: TicketCallback,
    set_cookies: SetCookies,
}

impl TicketReturn {
    /// The callback, by value.
    pub fn into_inner(self) -> TicketCallback {
        self.callback
    }

    /// The `Set-Cookie` values to send with the answer: the clearing of the login's state
    /// cookie.
    pub fn set_cookies(&self) -> &SetCookies {
        &self.set_cookies
    }

    /// The callback and the `Set-Cookie` values, by value.
    pub fn into_parts(self) -> (TicketCallback, SetCookies) {
        (self.callback, self.set_cookies)
    }
}

impl Deref for TicketReturn {
    type Target = TicketCallback;

    fn deref(&self) -> &TicketCallback {
        &self.callback
    }
}

fn extract(parts: &Parts, policy: &ReturnPolicy) -> Result<TicketReturn, CallbackError> {
    let callback = TicketCallback::from_query(parts.uri.query().unwrap_or_default(), policy)?;
    let cookies = parts.headers.get_all(COOKIE).into_iter();
    let clear = callback.check_state(cookies.map(HeaderValue::as_bytes))?;
    Ok(TicketReturn {
        callback,
        set_cookies: SetCookies::from(vec![clear]),
    })
}

paywall_internal::from_request_parts!(
    required TicketReturn, ReturnPolicy, TicketReturnRejection,
    |parts, policy| extract(parts, &policy).map_err(TicketReturnRejection)
);

paywall_internal::from_request_parts!(
    optional TicketReturn, ReturnPolicy, TicketReturnRejection,
    |parts, policy| match extract(parts, &policy) {
        Ok(back) => Ok(Some(back)),
        Err(CallbackError::MissingTicket) => Ok(None),
        Err(error) => Err(TicketReturnRejection(error)),
    }
);

/// Why a request is not a return from the shop: answered `400 Bad Request` with
/// `Content-Type: application/json` and `{"error": "<code>", "message": "<sentence>"}`.
///
/// The body never holds the ticket or the refused return URL. Map it to your own page with
/// [`status`](Self::status), [`code`](Self::code), [`message`](Self::message) and
/// [`reason`](Self::reason). `Display` prints the message;
/// [`source`](std::error::Error::source) is the [`CallbackError`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TicketReturnRejection(CallbackError);

impl TicketReturnRejection {
    /// Always `400 Bad Request`.
    pub fn status(&self) -> StatusCode {
        StatusCode::BAD_REQUEST
    }

    /// The snake_case code of the JSON body: `missing_ticket`, `duplicate_parameter`,
    /// `malformed_ticket`, `query_too_long`, `return_url_refused` or `not_this_browser`
    /// (the return is not bound to this browser: ask the reader to log in again).
    pub fn code(&self) -> &'static str {
        match self.0 {
            CallbackError::MissingTicket => "missing_ticket",
            CallbackError::Duplicate => "duplicate_parameter",
            CallbackError::MalformedTicket => "malformed_ticket",
            CallbackError::QueryTooLong => "query_too_long",
            CallbackError::ReturnUrlRefused => "return_url_refused",
            CallbackError::NotThisBrowser(_) => "not_this_browser",
        }
    }

    /// What [`TicketCallback`] refused.
    pub fn reason(&self) -> &CallbackError {
        &self.0
    }

    /// One sentence for the reader: the `message` of the JSON body.
    #[must_use]
    pub fn message(&self) -> &'static str {
        match self.0 {
            CallbackError::MissingTicket => "The address has no login ticket.",
            CallbackError::Duplicate => "The address repeats the ticket or the return address.",
            CallbackError::MalformedTicket => "The login ticket is not valid.",
            CallbackError::QueryTooLong => "The address is too long.",
            CallbackError::ReturnUrlRefused => "The return address is not allowed.",
            CallbackError::NotThisBrowser(_) => {
                "This login was not started in this browser. Please log in again."
            }
        }
    }
}

paywall_internal::rejection_traits!(TicketReturnRejection, |this| Some(&this.0));
