//! One request to tiun: the key header and `Accept` on the family's HTTP policy (the timeout,
//! the redirect check and the capped body are `paywall_internal::http`'s), and the secrets a
//! request carried, to cut out of what tiun answers.

use paywall_internal::http::Answer;
use paywall_internal::redact::Redaction;
use reqwest::header::{ACCEPT, HeaderValue};
use reqwest::{Method, RequestBuilder};
use url::Url;

use crate::client::TiunClient;
use crate::problem::ProblemDetails;

/// The most bytes of a response body this crate reads; a larger body is not buffered.
pub const MAX_BODY_BYTES: usize = paywall_internal::http::MAX_BODY_BYTES;

const ACCEPT_JSON: HeaderValue =
    HeaderValue::from_static("application/json, application/problem+json");

impl TiunClient {
    /// A request to `url` with the API key and `Accept` set.
    pub(crate) fn request(&self, method: Method, url: &Url) -> RequestBuilder {
        let inner = &self.inner;
        inner
            .http
            .request(method, url)
            .header(inner.api_key_header.clone(), inner.api_key.clone())
            .header(ACCEPT, ACCEPT_JSON)
    }

    /// What a request carried that tiun must not have echoed into anything this crate keeps:
    /// the API key (prepared once), and the call's own secret (a session id, a user
    /// verification token).
    pub(crate) fn redaction<'a>(&'a self, sent: Option<&'a str>) -> Redaction<'a> {
        self.inner.redactor.with(&[sent.unwrap_or_default()])
    }

    /// The answer's problem details, with every spelling of the request's secrets cut out;
    /// `None` when the body was not read or is not a JSON object.
    pub(crate) fn problem(&self, answer: &Answer, sent: Option<&str>) -> Option<ProblemDetails> {
        let body = answer.body.as_deref()?;
        ProblemDetails::parse(body, &self.redaction(sent))
    }
}
