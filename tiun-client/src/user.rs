//! Beyond the session check: user verification and user info.

use reqwest::{Method, StatusCode};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};

use crate::client::TiunClient;
use crate::error::{Error, ResponseBody};
use crate::http::{Answer, ReadBody, send};
use crate::id::{check, encode_segment};
use crate::problem::ProblemDetails;

/// The longest user verification token accepted, in bytes.
pub const MAX_USER_TOKEN_BYTES: usize = 4096;

/// A tiun user as the user endpoints describe them.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct UserInfo {
    /// tiun's id of the user (`userId`; a number in the body is kept as its decimal text).
    #[serde(deserialize_with = "string_or_number")]
    pub user_id: String,
    /// The user's e-mail address, when tiun shares it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// What the user has access to (`productAccess`), as tiun sends it.
    #[serde(default)]
    pub product_access: Vec<Value>,
    /// Every other member of the body.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// tiun's answer to [`TiunClient::verify_user`].
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
#[must_use = "treat the user as logged in only when the answer is `Authenticated`"]
pub enum UserVerification {
    /// The token is genuine and the user is logged in with tiun.
    Authenticated(UserInfo),
    /// tiun answered that the token does not authenticate a user.
    NotAuthenticated,
    /// `401`: tiun refused the API key.
    Unauthorized {
        /// The problem details tiun sent, when the body had them.
        problem: Option<ProblemDetails>,
    },
}

impl UserVerification {
    /// The user, when authenticated.
    #[must_use]
    pub fn user(&self) -> Option<&UserInfo> {
        match self {
            Self::Authenticated(user) => Some(user),
            _ => None,
        }
    }

    #[cfg(feature = "tracing")]
    pub(crate) fn label(&self) -> &'static str {
        match self {
            Self::Authenticated(_) => "authenticated",
            Self::NotAuthenticated => "not_authenticated",
            Self::Unauthorized { .. } => "unauthorized",
        }
    }
}

/// tiun's answer to [`TiunClient::user_info`].
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
#[must_use]
pub enum UserLookup {
    /// `200`: the user.
    Found(UserInfo),
    /// `404`: tiun knows no such user.
    NotFound {
        /// The problem details tiun sent, when the body had them.
        problem: Option<ProblemDetails>,
    },
    /// `401`: tiun refused the API key.
    Unauthorized {
        /// The problem details tiun sent, when the body had them.
        problem: Option<ProblemDetails>,
    },
}

impl UserLookup {
    #[cfg(feature = "tracing")]
    pub(crate) fn label(&self) -> &'static str {
        match self {
            Self::Found(_) => "found",
            Self::NotFound { .. } => "not_found",
            Self::Unauthorized { .. } => "unauthorized",
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct VerificationRequest<'a> {
    user_verification_token: &'a str,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct VerificationAnswer {
    is_authenticated: bool,
    #[serde(default)]
    user_info: Option<UserInfo>,
}

impl TiunClient {
    /// Checks a user verification token that tiun's browser SDK issued (valid for 5 minutes):
    /// `POST /live_api/s2s/v1/users/verification`.
    ///
    /// The token is a credential: it is sent in the JSON body and never logged.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidUserToken`] before any request for an empty, over-long (more than
    /// [`MAX_USER_TOKEN_BYTES`]) or control-character token; otherwise a transport failure,
    /// timeout, followed redirect, a status other than `200` and `401`, or a `200` whose body is
    /// not the documented JSON (including `isAuthenticated: true` without `userInfo`).
    pub async fn verify_user(&self, token: &str) -> Result<UserVerification, Error> {
        let outcome = self.check_user(token);
        #[cfg(feature = "tracing")]
        let outcome = crate::trace::traced(
            "verify_user",
            self.environment_label(),
            outcome,
            UserVerification::label,
        );
        outcome.await
    }

    async fn check_user(&self, token: &str) -> Result<UserVerification, Error> {
        check(token, MAX_USER_TOKEN_BYTES).map_err(Error::InvalidUserToken)?;
        let url = self.endpoint(&["live_api", "s2s", "v1", "users", "verification"]);
        let request = self.request(Method::POST, &url).json(&VerificationRequest {
            user_verification_token: token,
        });
        let answer = send(request, url, ReadBody::Always).await?;
        match answer.status {
            StatusCode::OK => {
                let parsed: VerificationAnswer = parse_json(&answer)?;
                match (parsed.is_authenticated, parsed.user_info) {
                    (true, Some(user)) => Ok(UserVerification::Authenticated(user)),
                    (true, None) => Err(parse_error(
                        &answer,
                        "isAuthenticated is true but userInfo is missing",
                    )),
                    (false, _) => Ok(UserVerification::NotAuthenticated),
                }
            }
            StatusCode::UNAUTHORIZED => Ok(UserVerification::Unauthorized {
                problem: problem(&answer),
            }),
            status => Err(Error::UnexpectedStatus {
                status,
                problem: problem(&answer).map(Box::new),
            }),
        }
    }

    /// Reads what tiun knows about a user: `GET /live_api/s2s/v1/users/{userId}/info`.
    ///
    /// This is a lookup, not an authentication check: use
    /// [`verify_user`](Self::verify_user) to learn who is logged in.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidUserId`] before any request for an empty, over-long or control-character
    /// id, or `.`/`..`; otherwise a transport failure, timeout, followed redirect, a status other
    /// than `200`, `401` and `404` (tiun answers `400` to a malformed id), or a `200` whose body
    /// is not the documented JSON.
    pub async fn user_info(&self, user_id: &str) -> Result<UserLookup, Error> {
        let outcome = self.lookup_user(user_id);
        #[cfg(feature = "tracing")]
        let outcome = crate::trace::traced(
            "user_info",
            self.environment_label(),
            outcome,
            UserLookup::label,
        );
        outcome.await
    }

    async fn lookup_user(&self, user_id: &str) -> Result<UserLookup, Error> {
        let user = encode_segment(user_id).map_err(Error::InvalidUserId)?;
        let url = self.endpoint(&["live_api", "s2s", "v1", "users", &user, "info"]);
        let request = self.request(Method::GET, &url);
        let answer = send(request, url, ReadBody::Always).await?;
        match answer.status {
            StatusCode::OK => Ok(UserLookup::Found(parse_json(&answer)?)),
            StatusCode::NOT_FOUND => Ok(UserLookup::NotFound {
                problem: problem(&answer),
            }),
            StatusCode::UNAUTHORIZED => Ok(UserLookup::Unauthorized {
                problem: problem(&answer),
            }),
            status => Err(Error::UnexpectedStatus {
                status,
                problem: problem(&answer).map(Box::new),
            }),
        }
    }
}

fn problem(answer: &Answer) -> Option<ProblemDetails> {
    answer.body.as_deref().and_then(ProblemDetails::parse)
}

/// Parses a successful answer's body; a body over the cap is [`Error::BodyTooLarge`].
fn parse_json<T: serde::de::DeserializeOwned>(answer: &Answer) -> Result<T, Error> {
    let Some(body) = answer.body.as_deref() else {
        return Err(Error::BodyTooLarge {
            status: answer.status,
            limit: crate::MAX_BODY_BYTES,
        });
    };
    serde_json::from_slice(body).map_err(|source| Error::Parse {
        status: answer.status,
        body: ResponseBody::new(body.to_vec()),
        source,
    })
}

fn parse_error(answer: &Answer, why: &'static str) -> Error {
    Error::Parse {
        status: answer.status,
        body: ResponseBody::new(answer.body.clone().unwrap_or_default()),
        source: <serde_json::Error as serde::de::Error>::custom(why),
    }
}

fn string_or_number<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Id {
        Text(String),
        Number(serde_json::Number),
    }
    Ok(match Id::deserialize(deserializer)? {
        Id::Text(text) => text,
        Id::Number(number) => number.to_string(),
    })
}
