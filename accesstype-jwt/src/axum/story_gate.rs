//! The story gate: [`AccesstypeClient::gate`] turns a [`Reader`] and an optional user JWT into
//! a [`StoryPass`] or a [`StoryWall`].

use std::fmt;
use std::ops::Deref;

use axum_core::response::{IntoResponse, IntoResponseParts, Response, ResponseParts};
use http::StatusCode;

use crate::axum::reader::Reader;
use crate::client::{AccesstypeClient, CheckOptions};
use crate::error::Error;
use crate::grant::{AccessGrant, WallType};
use paywall_internal::axum::{keep_private, rejection_with};

impl AccesstypeClient {
    /// The gate of a story route: [`read_story`](Self::read_story) for the request's
    /// [`Reader`] and the reader's user JWT, as a [`StoryPass`] to render the story with, or a
    /// [`StoryWall`] to answer with.
    ///
    /// The reader goes into either, so that a fresh reader id reaches the browser whatever
    /// the outcome (otherwise every visit of a new browser would start a new meter). Pass the
    /// JWT your site signed for a logged-in reader, `None` for an anonymous one.
    ///
    /// A meter kept in a cookie counts browsers: a request without a usable `at-meter`
    /// cookie is metered under a fresh id, so a client that drops its cookies reads on. Where
    /// your pages fetch the story after Accesstype's script has the id (its `readerIdUrl`
    /// endpoint), a fresh [`Reader`] on the story request ([`Reader::is_fresh`]) is such a
    /// client, and may be walled.
    ///
    /// ```
    /// use accesstype_jwt::AccesstypeClient;
    /// use accesstype_jwt::axum::{Reader, StoryPass, StoryWall};
    /// use axum::extract::{Path, State};
    ///
    /// // GET /story/{id}, with an `AccesstypeClient` and a `ReaderCookie`
    /// // (`ReaderCookie::host_only().same_site_lax()`) in the state. The pass and the wall
    /// // each mark the answer `Cache-Control: private, no-store`.
    /// async fn story(
    ///     State(accesstype): State<AccesstypeClient>,
    ///     Path(id): Path<String>,
    ///     reader: Reader,
    /// ) -> Result<(StoryPass, String), StoryWall> {
    ///     let pass = accesstype.gate(&id, reader, None).await?;
    ///     Ok((pass, format!("the whole of story {id}")))
    /// }
    /// ```
    ///
    /// # Errors
    ///
    /// A [`StoryWall`]: the story was not granted (`402` for a pay wall, `401` for a
    /// registration wall), the story id cannot be sent (`404`), the reader's JWT is larger
    /// than [`MAX_TOKEN_BYTES`](crate::MAX_TOKEN_BYTES) (`400`: the request's fault, not
    /// Accesstype's, and not read as an anonymous visit either, which would spend a
    /// subscriber's free stories), or Accesstype could not be asked or the read could not be
    /// counted (`503`). Never a pass without a grant.
    pub async fn gate(
        &self,
        story_id: &str,
        reader: Reader,
        jwt: Option<&str>,
    ) -> Result<StoryPass, StoryWall> {
        self.gate_with(story_id, reader, jwt, CheckOptions::default())
            .await
    }

    /// [`gate`](Self::gate) with options: `disable-meter=true` for a story behind a hard
    /// paywall.
    ///
    /// # Errors
    ///
    /// Those of [`gate`](Self::gate).
    pub async fn gate_with(
        &self,
        story_id: &str,
        reader: Reader,
        jwt: Option<&str>,
        options: CheckOptions,
    ) -> Result<StoryPass, StoryWall> {
        let why = match self.read_story_with(story_id, &reader, jwt, options).await {
            Ok(grant) if grant.granted() => return Ok(StoryPass { grant, reader }),
            Ok(grant) => Why::Denied(grant),
            Err(Error::InvalidInput {
                what: "story id", ..
            }) => Why::InvalidStory,
            Err(error @ Error::TokenTooLarge { .. }) => Why::TokenTooLarge(error),
            Err(error) => Why::Unavailable(error),
        };
        Err(StoryWall { why, reader })
    }
}

/// A story the reader may read: the [`AccessGrant`] (it derefs to it), and the [`Reader`].
///
/// Return it in the response (`(pass, body)`) so that a fresh reader id reaches the browser:
/// it adds the reader's `Set-Cookie` then, and nothing for a known reader. It also marks the
/// answer `Cache-Control: private, no-store` (unless the answer sets its own), as a
/// [`StoryWall`] is: no shared cache may keep one reader's story.
#[derive(Debug, Clone)]
#[must_use]
pub struct StoryPass {
    grant: AccessGrant,
    reader: Reader,
}

impl StoryPass {
    /// Accesstype's answer: `granted` is always `true` here.
    pub fn grant(&self) -> &AccessGrant {
        &self.grant
    }

    /// The reader the story was granted to.
    pub fn reader(&self) -> &Reader {
        &self.reader
    }

    /// The grant and the reader, apart.
    pub fn into_parts(self) -> (AccessGrant, Reader) {
        (self.grant, self.reader)
    }
}

impl Deref for StoryPass {
    type Target = AccessGrant;

    fn deref(&self) -> &AccessGrant {
        &self.grant
    }
}

impl IntoResponseParts for StoryPass {
    type Error = std::convert::Infallible;

    /// The reader's `Set-Cookie`, for a fresh id only, and `Cache-Control: private, no-store`
    /// unless the answer already has a `Cache-Control`: the story is this reader's, and a
    /// shared cache (a CDN) keeping it by URL would serve it to the next reader.
    fn into_response_parts(self, res: ResponseParts) -> Result<ResponseParts, Self::Error> {
        let mut res = self.reader.into_response_parts(res)?;
        keep_private(res.headers_mut());
        Ok(res)
    }
}

/// Why a story is not served: a wall, an unusable story id or reader JWT, or an Accesstype
/// that could not be asked.
///
/// As a response it answers with a small JSON body, the reader's `Set-Cookie` when the id is
/// fresh, and a status that says which:
///
/// | case | status | body |
/// | --- | --- | --- |
/// | denied, pay wall (or a wall this version does not know) | `402` | `{"error":"pay_wall","message":"...","wallType":"pay_wall"}` |
/// | denied, registration wall | `401` | `{"error":"registration_wall","message":"...","wallType":"registration_wall"}` |
/// | denied, no wall named | `402` | `{"error":"access_denied","message":"...","wallType":null}` |
/// | the story id cannot be sent (`..`, empty, control characters) | `404` | `{"error":"invalid_story_id",...,"wallType":null}` |
/// | the reader's JWT is over [`MAX_TOKEN_BYTES`](crate::MAX_TOKEN_BYTES) (not sent) | `400` | `{"error":"token_too_large",...,"wallType":null}` |
/// | Accesstype unreachable, refusing the keys, answering garbage, or the pingback failed | `503` | `{"error":"accesstype_unavailable",...,"wallType":null}` |
///
/// `wallType` is Accesstype's own value, so a page script can show the right wall. The body
/// holds no key, token, reader id or personal data. To answer with your own page instead,
/// map it: [`status`](Self::status), [`code`](Self::code), [`wall_type`](Self::wall_type),
/// [`grant`](Self::grant) and [`error`](Self::error) say everything, and
/// [`into_reader`](Self::into_reader) gives the reader back for your response.
#[derive(Debug)]
pub struct StoryWall {
    why: Why,
    reader: Reader,
}

#[derive(Debug)]
enum Why {
    Denied(AccessGrant),
    InvalidStory,
    /// The caller's JWT is over the cap: a bad request, nothing Accesstype said.
    TokenTooLarge(Error),
    Unavailable(Error),
}

impl StoryWall {
    /// `402`, `401`, `404`, `400` or `503`, as the table above says.
    #[must_use]
    pub fn status(&self) -> StatusCode {
        self.code_and_status().1
    }

    /// `pay_wall`, `registration_wall`, `access_denied`, `invalid_story_id`,
    /// `token_too_large` or `accesstype_unavailable`.
    #[must_use]
    pub fn code(&self) -> &'static str {
        self.code_and_status().0
    }

    /// Each case's code and status, side by side, so that neither is chosen by the other.
    fn code_and_status(&self) -> (&'static str, StatusCode) {
        match &self.why {
            Why::Denied(grant) => match grant.wall_type() {
                Some(WallType::RegistrationWall) => ("registration_wall", StatusCode::UNAUTHORIZED),
                Some(_) => ("pay_wall", StatusCode::PAYMENT_REQUIRED),
                None => ("access_denied", StatusCode::PAYMENT_REQUIRED),
            },
            Why::InvalidStory => ("invalid_story_id", StatusCode::NOT_FOUND),
            Why::TokenTooLarge(_) => ("token_too_large", StatusCode::BAD_REQUEST),
            Why::Unavailable(_) => ("accesstype_unavailable", StatusCode::SERVICE_UNAVAILABLE),
        }
    }

    /// The wall Accesstype named (`wallType`), when it denied the story.
    #[must_use]
    pub fn wall_type(&self) -> Option<&WallType> {
        match &self.why {
            Why::Denied(grant) => grant.wall_type(),
            _ => None,
        }
    }

    /// Accesstype's answer, when it denied the story (`numberRemaining` and the like are in
    /// it).
    #[must_use]
    pub fn grant(&self) -> Option<&AccessGrant> {
        match &self.why {
            Why::Denied(grant) => Some(grant),
            _ => None,
        }
    }

    /// What went wrong, when the reader's JWT was too large to send
    /// ([`Error::TokenTooLarge`]), or Accesstype could not be asked or the read not counted.
    #[must_use]
    pub fn error(&self) -> Option<&Error> {
        match &self.why {
            Why::TokenTooLarge(error) | Why::Unavailable(error) => Some(error),
            _ => None,
        }
    }

    /// The reader the story was refused to.
    #[must_use]
    pub fn reader(&self) -> &Reader {
        &self.reader
    }

    /// The reader, for a response of your own (it carries the `Set-Cookie` of a fresh id).
    #[must_use]
    pub fn into_reader(self) -> Reader {
        self.reader
    }

    /// One sentence for the reader: the `message` of the JSON body.
    #[must_use]
    pub fn message(&self) -> &'static str {
        match self.code() {
            "pay_wall" => "This story is for subscribers.",
            "registration_wall" => "Log in or register to read this story.",
            "access_denied" => "Access to this story was not granted.",
            "invalid_story_id" => "There is no story with this id.",
            "token_too_large" => "The reader's login token is too large to be checked.",
            _ => "Access to this story could not be checked; please try again later.",
        }
    }
}

impl fmt::Display for StoryWall {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message())
    }
}

impl std::error::Error for StoryWall {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.error().map(|error| error as _)
    }
}

impl IntoResponse for StoryWall {
    fn into_response(self) -> Response {
        let wall_type = self.wall_type().map(WallType::as_str);
        let extra = [("wallType", serde_json::Value::from(wall_type))];
        let response = rejection_with(self.status(), self.code(), self.message(), extra);
        (self.reader, response).into_response()
    }
}
