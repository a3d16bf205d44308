//! [`TicketCallback`]: reading the URL a reader returns from the shop with, without ever
//! becoming an open redirect.

use std::fmt;

use url::Url;

use crate::login_state::{LoginStateError, ReturnState, query_state, strip_state};
use crate::ticket::{Ticket, check_ticket};

/// The longest query string read from a shop return or an SSO2 landing, in bytes.
pub(crate) const MAX_QUERY_BYTES: usize = 16 * 1024;
/// The longest return URL accepted, in bytes.
const MAX_RETURN_URL_BYTES: usize = 4096;

/// Which hosts a reader may be sent back to after a ticket login.
///
/// Only `https` URLs whose host is exactly one of the allowed hosts pass (names compare
/// after IDNA and case normalisation; a port must be listed to be allowed: `"localhost:3000"`).
/// Refused: other hosts and look-alikes (`news.example.com.evil.net`, `evil.net/news.example.com`,
/// Unicode look-alikes), userinfo (`https://news.example.com@evil.net`), scheme-relative
/// (`//evil.net`) and relative URLs, other schemes (`javascript:`), plain `http` unless
/// [`allow_http_for_local_development`](Self::allow_http_for_local_development) was called.
///
/// ```
/// use payway_client::ReturnPolicy;
///
/// let policy = ReturnPolicy::allow_hosts(["news.example.com"]);
/// assert!(policy.check("https://news.example.com/welcome-back").is_ok());
/// assert!(policy.check("https://news.example.com@evil.example/").is_err());
/// assert!(policy.check("//evil.example/").is_err());
/// assert!(policy.check("http://news.example.com/").is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReturnPolicy {
    /// Each allowed host, normalised, and its port.
    hosts: Vec<(String, Option<u16>)>,
    allow_http: bool,
}

impl ReturnPolicy {
    /// Allows `https` return URLs to exactly these hosts (`host` or `host:port`). An entry
    /// that is not a plain host name or IP address (with a path, credentials, a scheme...)
    /// allows nothing.
    pub fn allow_hosts<I, S>(hosts: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        Self {
            hosts: hosts
                .into_iter()
                .filter_map(|h| allowed_host(h.as_ref()))
                .collect(),
            allow_http: false,
        }
    }

    /// Allows no return URL at all: every `returnUrl` is refused.
    pub fn deny_all() -> Self {
        Self::allow_hosts::<[&str; 0], &str>([])
    }

    /// Also allows plain `http` to the allowed hosts, for a development machine
    /// (`http://localhost:3000`). Never turn this on in production.
    pub fn allow_http_for_local_development(mut self) -> Self {
        self.allow_http = true;
        self
    }

    /// Checks `return_url` against the policy; the parsed, normalised URL when it passes.
    /// Redirect to the returned URL's `as_str()`, never to the raw input.
    ///
    /// # Errors
    ///
    /// [`CallbackError::ReturnUrlRefused`] for anything the policy does not allow.
    pub fn check(&self, return_url: &str) -> Result<Url, CallbackError> {
        let parsed = (return_url.len() <= MAX_RETURN_URL_BYTES)
            .then(|| Url::parse(return_url).ok())
            .flatten();
        // Parsing can lengthen a URL (each stray byte becomes `%XX`): the URL handed back is
        // held to the same cap, so it passes this check again.
        parsed
            .filter(|url| url.as_str().len() <= MAX_RETURN_URL_BYTES && self.allows(url))
            .ok_or(CallbackError::ReturnUrlRefused)
    }

    /// `true` when the policy allows `url` as a return URL.
    pub fn allows(&self, url: &Url) -> bool {
        let scheme_ok = match url.scheme() {
            "https" => true,
            "http" => self.allow_http,
            _ => false,
        };
        if !scheme_ok || !url.username().is_empty() || url.password().is_some() {
            return false;
        }
        let Some(host) = url.host_str() else {
            return false;
        };
        self.hosts
            .iter()
            .any(|(allowed, port)| allowed == host && *port == url.port())
    }
}

/// An entry of [`ReturnPolicy::allow_hosts`] as its host and port, when it is a plain host.
fn allowed_host(entry: &str) -> Option<(String, Option<u16>)> {
    let entry = entry.trim();
    if entry.is_empty() || entry.contains(['/', '\\', '@', '?', '#']) {
        return None;
    }
    // Let the URL parser normalise the host (case, IDNA, IP forms) exactly as it will
    // normalise the return URLs compared against it.
    let url = Url::parse(&format!("https://{entry}/")).ok()?;
    if url.path() != "/" || url.query().is_some() || !url.username().is_empty() {
        return None;
    }
    Some((url.host_str()?.to_owned(), url.port()))
}

/// Why a return from the shop could not be read. Show the reader a "please log in again"
/// page; never redirect anywhere on the strength of a refused URL.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CallbackError {
    /// No `ticket` parameter.
    #[error("the return url has no ticket")]
    MissingTicket,
    /// More than one `ticket` or more than one return URL parameter (parameter pollution).
    #[error("the return url repeats the ticket or return url parameter")]
    Duplicate,
    /// The ticket is empty, over-long, has whitespace or control characters, or is made only
    /// of invisible characters (zero-width spaces, byte-order marks, bidi controls, ...).
    #[error("the ticket is not shaped like a ticket")]
    MalformedTicket,
    /// The query string is longer than 16 KiB.
    #[error("the query string is too long")]
    QueryTooLong,
    /// The return URL is not allowed by the [`ReturnPolicy`].
    #[error("the return url is not allowed by the return policy")]
    ReturnUrlRefused,
    /// The return is not bound to this browser ([`TicketCallback::check_state`]): opened
    /// in another browser, a swapped or edited return URL, a login started more than 10
    /// minutes ago, or no login state at all. The ticket was not used: ask the reader to
    /// log in again.
    #[error("the return is not bound to this browser")]
    NotThisBrowser(#[source] LoginStateError),
}

/// The URL a reader comes back from Tulo Shop with, read safely.
///
/// - ReturnUrl mode: `https://news.example.com/welcome-back?ticket=...`
/// - SeparateTicketAuth mode: `https://auth.example.com/ticket-login?ticket=...&returnUrl=...`
///
/// Parameter names match in any case (`ticket`, `Ticket`, `returnUrl`, `ReturnUrl`,
/// `return_url`). A return URL must pass the [`ReturnPolicy`].
///
/// **Bind it to the browser.** Send the reader to the shop with a `returnUrl` bound by a
/// [`LoginState`](crate::LoginState) (and its cookie set); back here, call
/// [`check_state`](Self::check_state) before the ticket goes to
/// [`login_with_ticket`](crate::PaywayClient::login_with_ticket): a return opened in
/// another browser (a leaked or planted link) is refused before the ticket is claimed.
/// The state is read from the query (ReturnUrl mode) or from the `returnUrl` parameter
/// (SeparateTicketAuth mode: the ticket page must then be on the host that set the state
/// cookie, which `__Host-` keeps to one host), and taken off the return URL.
///
/// ```
/// use payway_client::{ReturnPolicy, TicketCallback};
/// use url::Url;
///
/// let policy = ReturnPolicy::allow_hosts(["news.example.com"]);
/// let arrived = Url::parse(
///     "https://auth.example.com/ticket-login?Ticket=abc789&ReturnUrl=https%3A%2F%2Fnews.example.com%2Fwelcome-back",
/// )?;
/// let callback = TicketCallback::parse(&arrived, &policy)?;
/// assert_eq!(callback.ticket().expose_secret(), "abc789");
/// assert_eq!(callback.return_url().map(|u| u.as_str()), Some("https://news.example.com/welcome-back"));
///
/// let evil = Url::parse("https://auth.example.com/ticket-login?ticket=abc&returnUrl=https://evil.example/")?;
/// assert!(TicketCallback::parse(&evil, &policy).is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct TicketCallback {
    ticket: Ticket,
    return_url: Option<Url>,
    state: ReturnState,
}

impl TicketCallback {
    /// Reads the ticket and the return URL from the URL the reader arrived at.
    ///
    /// # Errors
    ///
    /// A [`CallbackError`]: no ticket, a repeated parameter, a malformed ticket, an
    /// over-long query, or a return URL the policy refuses.
    pub fn parse(url: &Url, policy: &ReturnPolicy) -> Result<Self, CallbackError> {
        Self::from_query(url.query().unwrap_or_default(), policy)
    }

    /// Like [`parse`](Self::parse), from the raw query string alone (without the `?`), as
    /// web frameworks hand it over.
    ///
    /// # Errors
    ///
    /// As [`parse`](Self::parse).
    pub fn from_query(query: &str, policy: &ReturnPolicy) -> Result<Self, CallbackError> {
        if query.len() > MAX_QUERY_BYTES {
            return Err(CallbackError::QueryTooLong);
        }
        let mut ticket = None;
        let mut return_url = None;
        for (name, value) in url::form_urlencoded::parse(query.as_bytes()) {
            let slot = if name.eq_ignore_ascii_case("ticket") {
                &mut ticket
            } else if name.eq_ignore_ascii_case("returnUrl")
                || name.eq_ignore_ascii_case("return_url")
            {
                &mut return_url
            } else {
                continue;
            };
            if slot.replace(value).is_some() {
                return Err(CallbackError::Duplicate);
            }
        }
        let ticket = ticket.ok_or(CallbackError::MissingTicket)?;
        check_ticket(&ticket).map_err(|_| CallbackError::MalformedTicket)?;
        let mut state = query_state(query);
        let return_url = match return_url {
            None => None,
            Some(raw) => {
                let (url, inner) = strip_state(&policy.check(&raw)?);
                state = state.merge(inner);
                Some(url)
            }
        };
        Ok(Self {
            ticket: Ticket::new(ticket.into_owned()),
            return_url,
            state,
        })
    }

    /// Checks that the browser this request came from started the login: the login state
    /// the return carries must match one of its state cookies (a
    /// [`LoginState`](crate::LoginState) set when the reader was sent to the shop),
    /// compared in constant time. `cookie_headers` are the request's `Cookie` headers, each
    /// one's bytes. On a match: the `Set-Cookie` value that clears that state cookie; send
    /// it with your answer.
    ///
    /// ```
    /// use payway_client::{LoginState, ReturnPolicy, TicketCallback};
    /// use url::Url;
    ///
    /// // Sending the reader to the shop: a bound return URL, and the state cookie.
    /// let state = LoginState::new()?;
    /// let return_url = state.bind(&Url::parse("https://news.example.com/welcome-back")?);
    /// let set_cookie = state.set_cookie();
    ///
    /// // Back from the shop (ReturnUrl mode), in the same browser.
    /// let mut arrived = return_url.clone();
    /// arrived.query_pairs_mut().append_pair("ticket", "abc789");
    /// let policy = ReturnPolicy::allow_hosts(["news.example.com"]);
    /// let callback = TicketCallback::parse(&arrived, &policy)?;
    /// let cookie = set_cookie.split(';').next().unwrap_or_default();
    /// let clear = callback.check_state([cookie.as_bytes()])?;
    /// assert!(clear.contains("Max-Age=0"));
    /// // In another browser (no state cookie): refused.
    /// assert!(callback.check_state([&b"theme=dark"[..]]).is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`CallbackError::NotThisBrowser`]: no state, no matching state cookie, a mismatch.
    pub fn check_state<'a, I>(&self, cookie_headers: I) -> Result<String, CallbackError>
    where
        I: IntoIterator<Item = &'a [u8]>,
    {
        self.state
            .check(cookie_headers)
            .map_err(CallbackError::NotThisBrowser)
    }

    /// The ticket: hand it to
    /// [`PaywayClient::login_with_ticket`](crate::PaywayClient::login_with_ticket) as it is.
    pub fn ticket(&self) -> &Ticket {
        &self.ticket
    }

    /// Where to send the reader afterwards (SeparateTicketAuth mode), already checked
    /// against the policy, without its login state; `None` in ReturnUrl mode.
    pub fn return_url(&self) -> Option<&Url> {
        self.return_url.as_ref()
    }

    /// The ticket and the return URL, by value.
    pub fn into_parts(self) -> (Ticket, Option<Url>) {
        (self.ticket, self.return_url)
    }
}

impl fmt::Debug for TicketCallback {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TicketCallback")
            .field("ticket", &self.ticket)
            .field("return_url", &self.return_url.as_ref().map(Url::as_str))
            .finish()
    }
}
