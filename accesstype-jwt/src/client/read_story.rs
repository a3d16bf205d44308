//! [`AccesstypeClient::read_story`]: the one call a story handler makes.

use crate::client::access::{CheckOptions, StoryRequest};
use crate::client::grant_cache::GrantKey;
use crate::client::handle::AccesstypeClient;
#[cfg(feature = "tracing")]
use crate::client::trace::{grant_label, served_without_pingback, traced};
use crate::error::Error;
use crate::grant::AccessGrant;
use crate::reader::ReaderId;
use crate::story_url::{PINGBACK, pingback_of};

impl AccesstypeClient {
    /// Decides whether `reader` may read `story_id` now, counting a metered read: the access
    /// check, then, when the meter granted it ([`AccessGrant::is_metered`]), the pingback,
    /// before it returns. Serve the story only when the grant says `granted`.
    ///
    /// ```no_run
    /// use accesstype_jwt::{AccesstypeClient, ReaderId, WallType};
    ///
    /// async fn story_page(
    ///     accesstype: &AccesstypeClient,
    ///     story_id: &str,
    ///     reader: &ReaderId,
    ///     jwt: Option<&str>,
    /// ) -> String {
    ///     match accesstype.read_story(story_id, reader, jwt).await {
    ///         Ok(grant) if grant.granted() => "the whole story".to_owned(),
    ///         Ok(grant) => match grant.wall_type() {
    ///             Some(WallType::RegistrationWall) => "log in to read on".to_owned(),
    ///             _ => "subscribe to read on".to_owned(),
    ///         },
    ///         // Unreachable, refused, or the read could not be counted: not served.
    ///         Err(_) => "this story is not available right now".to_owned(),
    ///     }
    /// }
    /// ```
    ///
    /// # Fails closed
    ///
    /// When the pingback of a metered grant fails, the call is an `Err`
    /// ([`Error::PingbackFailed`], with the pingback's error as its source) and the story must
    /// not be served: otherwise a reader whose pingbacks fail (or are made to fail) would read
    /// every metered story for free, and the meter would never reach the wall. The opt-out,
    /// for sites that would rather give a free read than show an error, is
    /// [`AccesstypeClientBuilder::insecure_serve_when_pingback_fails`](crate::AccesstypeClientBuilder::insecure_serve_when_pingback_fails).
    ///
    /// # Reloads are metered once
    ///
    /// Concurrent calls for the same story, reader and JWT (a reader who reloads, a page and
    /// its prefetch) share one access check and one pingback, even when the call that started
    /// them is dropped ([`coalesce`](crate::AccesstypeClientBuilder::coalesce), on by
    /// default); with [`cache_grants_for`](crate::AccesstypeClientBuilder::cache_grants_for),
    /// a reload shortly after a grant is served without asking again.
    ///
    /// # Errors
    ///
    /// Those of [`check_access`](Self::check_access), and [`Error::PingbackFailed`].
    pub async fn read_story(
        &self,
        story_id: &str,
        reader: &ReaderId,
        jwt: Option<&str>,
    ) -> Result<AccessGrant, Error> {
        self.read_story_with(story_id, reader, jwt, CheckOptions::default())
            .await
    }

    /// [`read_story`](Self::read_story) with options: `disable-meter=true` for a story behind
    /// a hard paywall (no metered grant, so never a pingback).
    ///
    /// # Errors
    ///
    /// Those of [`read_story`](Self::read_story).
    pub async fn read_story_with(
        &self,
        story_id: &str,
        reader: &ReaderId,
        jwt: Option<&str>,
        options: CheckOptions,
    ) -> Result<AccessGrant, Error> {
        let call = self.shared_read(story_id, reader, jwt, options);
        #[cfg(feature = "tracing")]
        let call = traced("read_story", self.environment_label(), call, grant_label);
        call.await
    }

    /// The read through the grant cache and the reads in flight, when configured.
    async fn shared_read(
        &self,
        story_id: &str,
        reader: &ReaderId,
        jwt: Option<&str>,
        options: CheckOptions,
    ) -> Result<AccessGrant, Error> {
        let request = StoryRequest::new(story_id, reader, jwt, options)?;
        let inner = &self.inner;
        if inner.cache.is_none() && inner.flights.is_none() {
            return self.read_once(&request, None).await;
        }
        let key = request.key();
        if let Some(grant) = inner.cache.as_ref().and_then(|cache| cache.get(&key)) {
            return Ok(grant);
        }
        let Some(flights) = &inner.flights else {
            return self.read_once(&request, Some(key)).await;
        };
        let start = || {
            let (client, request) = (self.clone(), request.clone());
            async move { client.read_once(&request, Some(key)).await }
        };
        flights.run(&key, start).await
    }

    /// One access check, and the pingback of a metered grant; a granted answer goes into the
    /// grant cache, when there is one.
    async fn read_once(
        &self,
        request: &StoryRequest,
        key: Option<GrantKey>,
    ) -> Result<AccessGrant, Error> {
        let (grant, body, access_url) = self.fetch(request).await?;
        // The pingback's body is the grant exactly as Accesstype sent it, its URL the access
        // check's with the last segment replaced (or built in full, should that not fit).
        let pingback_url =
            || pingback_of(&access_url).unwrap_or_else(|| request.url(self, PINGBACK));
        if grant.is_metered()
            && let Err(error) = self.send_pingback(&pingback_url(), body).await
        {
            if !self.inner.serve_when_pingback_fails {
                return Err(Error::PingbackFailed(Box::new(error)));
            }
            #[cfg(feature = "tracing")]
            served_without_pingback(&error);
            // Not kept: the next read asks, and pings back, again.
            return Ok(grant);
        }
        if let (Some(cache), Some(key)) = (&self.inner.cache, key) {
            cache.insert(key, &grant);
        }
        Ok(grant)
    }
}
