//! The two requests Accesstype documents for a story: the access check and the metering
//! pingback.

use bytes::Bytes;
use paywall_internal::parse_error::{ParseError, ParseFault};
use reqwest::Method;
use reqwest::header::{ACCEPT, CONTENT_TYPE, HeaderName, HeaderValue};
use url::Url;

use crate::client::grant_cache::GrantKey;
use crate::client::handle::AccesstypeClient;
use crate::client::http::exchange;
#[cfg(feature = "tracing")]
use crate::client::trace::{grant_label, traced};
use crate::error::Error;
use crate::grant::AccessGrant;
use crate::reader::ReaderId;
use crate::signer::MAX_TOKEN_BYTES;
use crate::story_url::{ACCESS, PINGBACK, StoryQuery, encoded_story_url, story_segment};

/// The header Accesstype reads the API key from.
const X_SUBAUTH: HeaderName = HeaderName::from_static("x-subauth");

const ACCEPT_JSON: HeaderValue = HeaderValue::from_static("application/json");
const TEXT_PLAIN: HeaderValue = HeaderValue::from_static("text/plain");

/// Options of one access check: [`disable_meter`](Self::disable_meter) for stories behind a
/// hard paywall.
///
/// ```
/// use accesstype_jwt::CheckOptions;
///
/// let hard_paywall = CheckOptions::new().disable_meter();
/// assert!(hard_paywall.is_meter_disabled());
/// assert!(!CheckOptions::default().is_meter_disabled());
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct CheckOptions {
    disable_meter: bool,
}

impl CheckOptions {
    /// The defaults: the meter on.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Sends `disable-meter=true`: the story is for subscribers only (a hard paywall), so
    /// Accesstype does not grant it by the meter and a free read is never used up on it.
    #[must_use]
    pub fn disable_meter(mut self) -> Self {
        self.disable_meter = true;
        self
    }

    /// Whether `disable-meter=true` is sent.
    #[must_use]
    pub fn is_meter_disabled(self) -> bool {
        self.disable_meter
    }
}

/// One story, reader and JWT, checked once: what both requests of a read send.
#[derive(Clone)]
pub(crate) struct StoryRequest {
    /// Already percent-encoded.
    segment: String,
    reader: ReaderId,
    /// The user JWT; never printed (this type has no `Debug`).
    jwt: Option<String>,
    disable_meter: bool,
}

impl StoryRequest {
    /// Checks the caller's input before anything is sent.
    pub(crate) fn new(
        story_id: &str,
        reader: &ReaderId,
        jwt: Option<&str>,
        options: CheckOptions,
    ) -> Result<Self, Error> {
        let segment = story_segment(story_id)?;
        if let Some(jwt) = jwt.filter(|jwt| jwt.len() > MAX_TOKEN_BYTES) {
            return Err(Error::TokenTooLarge {
                len: jwt.len(),
                limit: MAX_TOKEN_BYTES,
            });
        }
        Ok(Self {
            segment,
            reader: reader.clone(),
            jwt: jwt.map(str::to_owned),
            disable_meter: options.disable_meter,
        })
    }

    /// What tells this read from another, for coalescing and the grant cache: hashed only
    /// by a read that has either.
    pub(crate) fn key(&self) -> GrantKey {
        GrantKey::new(
            &self.segment,
            self.reader.as_str(),
            self.jwt.as_deref(),
            self.disable_meter,
        )
    }

    pub(crate) fn url(&self, client: &AccesstypeClient, endpoint: &str) -> Url {
        let query = StoryQuery {
            account_key: &client.inner.account_key,
            reader: &self.reader,
            jwt: self.jwt.as_deref(),
            disable_meter: self.disable_meter,
        };
        encoded_story_url(&client.inner.base_url, &self.segment, endpoint, query)
    }
}

impl AccesstypeClient {
    /// Asks Accesstype whether `reader` may read `story_id`:
    /// `GET /api/access/v1/stories/{story_id}/access?key=&readerId=[&accesstype_jwt=]` with the
    /// API key in `X-SUBAUTH`.
    ///
    /// This is the check alone: when it answers a metered grant (`granted: true`,
    /// `grantReason: METERING`, see [`AccessGrant::is_metered`]), Accesstype expects a
    /// [`pingback`](Self::pingback) at once. [`read_story`](Self::read_story) does both and is
    /// what a handler should call.
    ///
    /// `story_id` is one path segment that this crate percent-encodes itself, so no id can
    /// change the path. `jwt` is the reader's user JWT when they are logged in (see
    /// [`AccesstypeSigner::sign`](crate::AccesstypeSigner::sign)); it enables metering and
    /// subscriptions for them. The request is sent once, never retried, never redirected.
    ///
    /// # Errors
    ///
    /// Before anything is sent: [`Error::InvalidInput`] (a story id), [`Error::TokenTooLarge`] (a JWT
    /// over [`MAX_TOKEN_BYTES`]). After: [`Error::Transport`] (connection, timeout),
    /// [`Error::UnexpectedStatus`] for any status but `2xx` (redirects included; the body of
    /// such an answer is not read, whatever its size), [`Error::RedirectFollowed`],
    /// [`Error::BodyTooLarge`] for a `2xx` body over [`MAX_BODY_BYTES`](crate::MAX_BODY_BYTES),
    /// [`Error::Parse`] for a body that is not a strict [`AccessGrant`]. An error always
    /// means: do not serve.
    pub async fn check_access(
        &self,
        story_id: &str,
        reader: &ReaderId,
        jwt: Option<&str>,
    ) -> Result<AccessGrant, Error> {
        self.check_access_with(story_id, reader, jwt, CheckOptions::default())
            .await
    }

    /// [`check_access`](Self::check_access) with options: `disable-meter=true` for a story
    /// behind a hard paywall.
    ///
    /// # Errors
    ///
    /// Those of [`check_access`](Self::check_access).
    pub async fn check_access_with(
        &self,
        story_id: &str,
        reader: &ReaderId,
        jwt: Option<&str>,
        options: CheckOptions,
    ) -> Result<AccessGrant, Error> {
        let call = async {
            let request = StoryRequest::new(story_id, reader, jwt, options)?;
            self.fetch(&request).await.map(|(grant, _, _)| grant)
        };
        #[cfg(feature = "tracing")]
        let call = traced("check_access", self.environment_label(), call, grant_label);
        call.await
    }

    /// Tells Accesstype that `reader` read `story_id` on the meter:
    /// `POST /api/access/v1/stories/{story_id}/pingback` with the same query as the check,
    /// `Content-Type: text/plain` and `grant`, the check's answer, as the body.
    ///
    /// Call it at once for a metered grant ([`AccessGrant::is_metered`]), and only for one:
    /// [`read_story`](Self::read_story) does. This is the request that moves the reader's
    /// meter.
    ///
    /// # Errors
    ///
    /// Those of [`check_access`](Self::check_access) (any status but `2xx` is
    /// [`Error::UnexpectedStatus`]); the answer's body is not parsed.
    pub async fn pingback(
        &self,
        story_id: &str,
        reader: &ReaderId,
        jwt: Option<&str>,
        grant: &AccessGrant,
    ) -> Result<(), Error> {
        let call = async {
            let request = StoryRequest::new(story_id, reader, jwt, CheckOptions::default())?;
            // A grant is JSON values under string names, which always serialise.
            let body = serde_json::to_vec(grant).map_err(|_| {
                let fault = ParseFault::Shape {
                    reason: "could not be written as json",
                };
                Error::Parse(ParseError::new("access grant", 0, fault))
            })?;
            let url = request.url(self, PINGBACK);
            self.send_pingback(&url, Bytes::from(body)).await
        };
        #[cfg(feature = "tracing")]
        let call = traced("pingback", self.environment_label(), call, |()| "counted");
        call.await
    }

    /// The access check, with the body as Accesstype sent it and the URL it was sent to.
    pub(crate) async fn fetch(
        &self,
        request: &StoryRequest,
    ) -> Result<(AccessGrant, Bytes, Url), Error> {
        let url = request.url(self, ACCESS);
        let request = self.request(Method::GET, &url);
        let read = |body: &Bytes| Ok((AccessGrant::from_slice(body)?, body.clone()));
        let (grant, body) = exchange(request, &url, &self.inner.api_key, &[], read).await?;
        Ok((grant, body, url))
    }

    /// The pingback to `url`, with `grant` (the access check's answer) as its body.
    pub(crate) async fn send_pingback(&self, url: &Url, grant: Bytes) -> Result<(), Error> {
        let post = self
            .request(Method::POST, url)
            .header(CONTENT_TYPE, TEXT_PLAIN)
            .body(grant);
        exchange(post, url, &self.inner.api_key, &[], |_| Ok(())).await
    }

    /// A request with the API key, `Accept` and the total timeout (which the client this
    /// crate builds already applies to every request).
    pub(crate) fn request(&self, method: Method, url: &Url) -> reqwest::RequestBuilder {
        let inner = &self.inner;
        inner
            .http
            .request(method, url)
            .header(X_SUBAUTH, inner.api_key.clone())
            .header(ACCEPT, ACCEPT_JSON)
    }
}
