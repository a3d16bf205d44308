//! [`ShopUrl`]: links into Tulo Shop carrying a ticket and a way back.

use std::fmt;

use url::Url;

use crate::ticket::Ticket;
use paywall_internal::http::{
    MAX_SEGMENT_BYTES, append_segments, check_base_url, encode_segment, is_loopback,
};

/// Query parameters with a typed setter; [`ShopUrlBuilder::param`] refuses them.
const TYPED_PARAMS: [&str; 5] = ["at", "returnUrl", "return_url", "campaign", "period"];

/// Builds Tulo Shop URLs:
/// `{shop}/{path...}?at={ticket}&returnUrl={url}&campaign=..&period=..&{extra}`.
///
/// Every path piece becomes exactly one segment that this crate percent-encodes itself:
/// every byte but `A-Z a-z 0-9 - . _ ~` becomes `%XX`, so a `/`, `?`, `#`, `;` or `=` in it can
/// never add a segment, start a query or turn `..;` into a parent directory. Empty pieces,
/// `.`, `..`, control characters and pieces over 256 bytes are refused. Query values are
/// form-encoded.
///
/// ```
/// use payway_client::{ShopUrl, Ticket};
/// use url::Url;
///
/// let ticket = Ticket::new("tkt-123"); // from PaywayClient::generate_ticket
/// let url = ShopUrl::builder(Url::parse("https://shop.example.com/")?)
///     .path(["marketplace", "group1", "market1"])
///     .ticket(&ticket)
///     .return_url("https://news.example.com/welcome-back?from=shop")
///     .campaign("spring")
///     .build()?;
/// assert_eq!(
///     url.as_str(),
///     "https://shop.example.com/marketplace/group1/market1?at=tkt-123\
///      &returnUrl=https%3A%2F%2Fnews.example.com%2Fwelcome-back%3Ffrom%3Dshop&campaign=spring"
/// );
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// The URL carries the ticket: redirect the reader to it, do not log it.
#[derive(Debug)]
pub struct ShopUrl {
    _namespace: (),
}

impl ShopUrl {
    /// Starts a shop URL on `shop_base`, your organisation's shop host (for example
    /// `https://{org}.portal.worldoftulo.com/`). It must be `https`, or `http` to loopback.
    pub fn builder(shop_base: Url) -> ShopUrlBuilder {
        ShopUrlBuilder {
            base: shop_base,
            path: Vec::new(),
            ticket: None,
            return_url: None,
            campaign: None,
            period: None,
            params: Vec::new(),
        }
    }
}

/// Builder of a Tulo Shop URL; see [`ShopUrl`].
#[must_use = "a builder does nothing until `build()` is called"]
#[derive(Clone)]
pub struct ShopUrlBuilder {
    base: Url,
    path: Vec<String>,
    ticket: Option<Ticket>,
    return_url: Option<String>,
    campaign: Option<String>,
    period: Option<String>,
    params: Vec<(String, String)>,
}

/// Why a shop URL could not be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ShopUrlError {
    /// The shop base URL is not `https` (or `http` to loopback), has credentials or a
    /// fragment, or cannot take a path. A query on it is kept.
    #[error("shop base url must be an https url that can take a path")]
    InvalidBase,
    /// A path piece is empty, `.` or `..`, longer than 256 bytes, or holds a control
    /// character (URL parsing drops tabs and newlines, so `".\n."` would become `..`).
    #[error("a shop path piece is empty, `.`, `..`, over 256 bytes or holds a control character")]
    InvalidPathPiece,
    /// The return URL is not an absolute `https` URL (or `http` to loopback): the shop
    /// sends the reader back to it with a ticket, which must not travel in clear text.
    #[error("the return url is not an absolute https url")]
    InvalidReturnUrl,
    /// An extra parameter's name is empty or one with its own setter (`at`, `returnUrl`,
    /// `return_url`, `campaign`, `period`).
    #[error("extra parameter name is empty or has its own setter")]
    InvalidParam,
}

impl ShopUrlBuilder {
    /// Appends path pieces, each exactly one segment percent-encoded by this crate:
    /// `["marketplace", group, marketplace]`.
    pub fn path<I, S>(mut self, pieces: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.path.extend(pieces.into_iter().map(Into::into));
        self
    }

    /// The ticket the shop logs the reader in with (`at`).
    pub fn ticket(mut self, ticket: &Ticket) -> Self {
        self.ticket = Some(ticket.clone());
        self
    }

    /// Where the shop sends the reader back (`returnUrl`), with a ticket: an absolute
    /// `https` URL on your site (`http` only to loopback, for development).
    pub fn return_url(mut self, return_url: &str) -> Self {
        self.return_url = Some(return_url.to_owned());
        self
    }

    /// A campaign to pre-select (`campaign`).
    pub fn campaign(mut self, campaign: impl Into<String>) -> Self {
        self.campaign = Some(campaign.into());
        self
    }

    /// A payment period to pre-select (`period`).
    pub fn period(mut self, period: impl Into<String>) -> Self {
        self.period = Some(period.into());
        self
    }

    /// Any other parameter the shop reads (`backUrl`, `tc`, `ref`, `utm_source`, ...), in
    /// the order given.
    pub fn param(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.params.push((name.into(), value.into()));
        self
    }

    /// Builds the URL.
    ///
    /// # Errors
    ///
    /// A [`ShopUrlError`] for an unusable base, path piece, return URL or parameter name.
    pub fn build(self) -> Result<Url, ShopUrlError> {
        let mut url = self.base;
        // The rule of every base URL of the crate (the link carries a ticket, `at`), except
        // that a shop's own query parameters (`?lang=sv`) are kept.
        let mut without_query = url.clone();
        without_query.set_query(None);
        if check_base_url(&without_query).is_err() || url.cannot_be_a_base() {
            return Err(ShopUrlError::InvalidBase);
        }
        let segments = self
            .path
            .iter()
            .map(|piece| encode_segment(piece, MAX_SEGMENT_BYTES))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|_| ShopUrlError::InvalidPathPiece)?;
        if self.params.iter().any(|(name, _)| {
            name.is_empty() || TYPED_PARAMS.iter().any(|t| t.eq_ignore_ascii_case(name))
        }) {
            return Err(ShopUrlError::InvalidParam);
        }
        let return_url = self.return_url.as_deref().map(|raw| {
            let parsed = Url::parse(raw).ok().filter(is_secure);
            parsed.ok_or(ShopUrlError::InvalidReturnUrl)
        });
        let return_url = return_url.transpose()?;
        if !segments.is_empty() {
            let segments: Vec<&str> = segments.iter().map(AsRef::as_ref).collect();
            url = append_segments(&url, &segments);
        }
        let typed = [
            ("at", self.ticket.as_ref().map(Ticket::expose_secret)),
            ("returnUrl", return_url.as_ref().map(Url::as_str)),
            ("campaign", self.campaign.as_deref()),
            ("period", self.period.as_deref()),
        ];
        let typed = typed
            .into_iter()
            .filter_map(|(name, value)| Some((name, value?)));
        let extra = self.params.iter().map(|(n, v)| (n.as_str(), v.as_str()));
        let pairs: Vec<(&str, &str)> = typed.chain(extra).collect();
        // Without pairs the URL keeps its query as it was (no empty `?` added).
        if !pairs.is_empty() {
            url.query_pairs_mut().extend_pairs(pairs);
        }
        Ok(url)
    }
}

/// `https` with a host, or `http` to a loopback host (a development machine).
fn is_secure(url: &Url) -> bool {
    match (url.scheme(), url.host()) {
        ("https", Some(_)) => true,
        ("http", Some(host)) => is_loopback(&host),
        _ => false,
    }
}

impl fmt::Debug for ShopUrlBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ShopUrlBuilder")
            .field("base", &self.base.as_str())
            .field("path", &self.path)
            .field("ticket", &self.ticket)
            .field("return_url", &self.return_url)
            .field("campaign", &self.campaign)
            .field("period", &self.period)
            .field("params", &self.params)
            .finish()
    }
}
