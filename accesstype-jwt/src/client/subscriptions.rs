//! [`AccesstypeClient::subscriptions`]: the subscriptions of one subscriber, as Accesstype
//! keeps them.

use paywall_internal::parse_error::read;
use paywall_internal::segment::append_segments;
use reqwest::Method;
use serde_json::Value;
use url::Url;

use crate::client::handle::AccesstypeClient;
use crate::client::http::exchange;
use crate::error::Error;
use crate::subscriber_identity::SubscriberIdentity;
use crate::subscription::Subscription;

impl AccesstypeClient {
    /// The subscriptions of the subscriber known by `identity`:
    /// `GET /api/v1/subscribers/{provider}/{value}/subscriptions.json`, with
    /// `?active_only=true` when `active_only`, and the API key in `X-SUBAUTH`.
    ///
    /// This is how a backend re-reads the truth after a webhook, or checks what a reader is
    /// entitled to without a story. Each item is the same [`Subscription`] a webhook carries.
    /// The provider and the value are each one path segment that this crate percent-encodes
    /// itself, so an e-mail address with `+` arrives as `%2B`. The request is sent once, never
    /// retried, never redirected.
    ///
    /// ```no_run
    /// use accesstype_jwt::{AccesstypeClient, SubscriberIdentity};
    ///
    /// # async fn check(accesstype: &AccesstypeClient) -> Result<(), Box<dyn std::error::Error>> {
    /// let reader = SubscriberIdentity::email("asha@example.com")?;
    /// let active = accesstype.subscriptions(&reader, true).await?;
    /// let entitled = active.iter().any(|subscription| subscription.active() == Some(true));
    /// # let _ = entitled;
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::Transport`] (connection, timeout), [`Error::UnexpectedStatus`] for any status
    /// but `2xx` (Accesstype does not document its answer for an unknown subscriber),
    /// [`Error::RedirectFollowed`], [`Error::BodyTooLarge`] for a `2xx` body over
    /// [`MAX_BODY_BYTES`](crate::MAX_BODY_BYTES), [`Error::Parse`] (`what: "subscriptions"`)
    /// for a body that is not strict JSON `{"subscriptions": [{...}, ...]}`.
    pub async fn subscriptions(
        &self,
        identity: &SubscriberIdentity,
        active_only: bool,
    ) -> Result<Vec<Subscription>, Error> {
        let call = async {
            let url = subscriptions_url(&self.inner.base_url, identity, active_only)?;
            let request = self.request(Method::GET, &url);
            let secrets = [identity.value()];
            exchange(request, &url, &self.inner.api_key, &secrets, |body| {
                parse_subscriptions(body)
            })
            .await
        };
        #[cfg(feature = "tracing")]
        let call = crate::client::trace::traced(
            "subscriptions",
            self.environment_label(),
            call,
            |list: &Vec<Subscription>| if list.is_empty() { "none" } else { "found" },
        );
        call.await
    }
}

/// `{base}/api/v1/subscribers/{provider}/{value}/subscriptions.json[?active_only=true]`,
/// keeping any path prefix of `base`.
fn subscriptions_url(
    base: &Url,
    identity: &SubscriberIdentity,
    active_only: bool,
) -> Result<Url, Error> {
    let (provider, value) = identity.segments()?;
    let path = [
        "api",
        "v1",
        "subscribers",
        &provider,
        &value,
        "subscriptions.json",
    ];
    let mut url = append_segments(base, &path);
    if active_only {
        url.query_pairs_mut().append_pair("active_only", "true");
    }
    Ok(url)
}

/// `{"subscriptions": [...]}`, strictly: every item an object, no member repeated at any
/// depth. Other top-level members are ignored.
fn parse_subscriptions(body: &[u8]) -> Result<Vec<Subscription>, Error> {
    const NOT_DOCUMENTED: &str = "not the documented list of subscriptions";
    read("subscriptions", body, |value| {
        let Value::Object(mut top) = value else {
            return Err(NOT_DOCUMENTED);
        };
        let Some(Value::Array(items)) = top.remove("subscriptions") else {
            return Err(NOT_DOCUMENTED);
        };
        items
            .into_iter()
            .map(|item| match item {
                Value::Object(members) => Ok(Subscription::from_members(members)),
                _ => Err(NOT_DOCUMENTED),
            })
            .collect()
    })
    .map_err(Error::Parse)
}

#[cfg(test)]
mod tests {
    use paywall_internal::parse_error::ParseFault;

    use super::{parse_subscriptions, subscriptions_url};
    use crate::error::Error;
    use crate::subscriber_identity::SubscriberIdentity;

    #[test]
    fn the_url_keeps_the_prefix_and_encodes_each_part() {
        let identity = SubscriberIdentity::new("email", "john+news@example.com").unwrap();
        for base in ["https://proxy.example/at/", "https://proxy.example/at"] {
            let url = subscriptions_url(&base.parse().unwrap(), &identity, true).unwrap();
            assert_eq!(
                url.as_str(),
                "https://proxy.example/at/api/v1/subscribers/email/john%2Bnews%40example.com/subscriptions.json?active_only=true"
            );
        }
        let url = subscriptions_url(
            &"https://www.accesstype.com".parse().unwrap(),
            &identity,
            false,
        )
        .unwrap();
        assert_eq!(url.query(), None);
    }

    #[test]
    fn only_the_documented_list_parses() {
        let list = parse_subscriptions(br#"{"subscriptions":[{"id":1},{"id":2}],"page":1}"#);
        assert_eq!(list.unwrap().len(), 2);
        assert!(
            parse_subscriptions(br#"{"subscriptions":[]}"#)
                .unwrap()
                .is_empty()
        );
        for (body, reason) in [
            (&b"nope"[..], "not JSON"),
            (
                br#"{"subscriptions":[{"id":1,"id":2}]}"#,
                "a member name is repeated",
            ),
            (
                br#"{"subscriptions":[1]}"#,
                "not the documented list of subscriptions",
            ),
            (
                br#"{"subscriptions":{}}"#,
                "not the documented list of subscriptions",
            ),
            (br#"[]"#, "not the documented list of subscriptions"),
            (br#"{}"#, "not the documented list of subscriptions"),
        ] {
            let error = parse_subscriptions(body).unwrap_err();
            let Error::Parse(parsed) = &error else {
                panic!("{error:?}");
            };
            let found = match parsed.fault() {
                ParseFault::Syntax { .. } => "not JSON",
                ParseFault::RepeatedMember { .. } => "a member name is repeated",
                ParseFault::Shape { reason } => reason,
                _ => "other",
            };
            assert_eq!(
                (parsed.what(), found, parsed.len()),
                ("subscriptions", reason, body.len())
            );
        }
    }
}
