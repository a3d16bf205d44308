//! Beyond the session check: user verification and user info.

use std::fmt;

use paywall_internal::http::{Answer, ErrorBody, Read, check_input, send};
use paywall_internal::parse_error::read_value;
use reqwest::{Method, StatusCode};
use serde::Serialize;
use serde_json::{Map, Value};

use crate::client::TiunClient;
use crate::error::Error;
use crate::id::encode_id;
use crate::problem::ProblemDetails;

/// The longest user verification token accepted, in bytes.
pub const MAX_USER_TOKEN_BYTES: usize = 4096;

/// A tiun user as the user endpoints describe them.
///
/// Its `Debug` output masks the e-mail address and the values of [`extra`](Self::extra)
/// members (which may hold names or other personal data); the user id and product access
/// print. `Serialize` writes every field as it is, for code that stores or forwards the user.
#[derive(Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct UserInfo {
    /// tiun's id of the user (`userId`; a number in the body is kept as its decimal text).
    /// Never empty: an answer with an empty or blank id is an error.
    pub user_id: String,
    /// The user's e-mail address, when tiun shares it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// What the user has access to (`productAccess`), as tiun sends it.
    pub product_access: Vec<Value>,
    /// Every other member of the body.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl fmt::Debug for UserInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let extra: Vec<(&str, &str)> = self
            .extra
            .keys()
            .map(|name| (name.as_str(), "[redacted]"))
            .collect();
        f.debug_struct("UserInfo")
            .field("user_id", &self.user_id)
            .field("email", &self.email.as_ref().map(|_| "[redacted]"))
            .field("product_access", &self.product_access)
            .field("extra", &extra)
            .finish()
    }
}

impl UserInfo {
    /// Reads a user object of tiun's (`{userId, email, productAccess, ...}`).
    fn from_json(value: Value) -> Result<Self, &'static str> {
        let Value::Object(mut members) = value else {
            return Err("the user is not an object");
        };
        let user_id = match members.remove("userId") {
            Some(Value::String(id)) => id,
            Some(Value::Number(id)) => id.to_string(),
            None | Some(Value::Null) => return Err("`userId` is missing"),
            Some(_) => return Err("`userId` is neither a string nor a number"),
        };
        if user_id.trim().is_empty() {
            return Err("`userId` is empty");
        }
        let email = match members.remove("email") {
            Some(Value::String(email)) => Some(email),
            None | Some(Value::Null) => None,
            Some(_) => return Err("`email` is not a string"),
        };
        let product_access = match members.remove("productAccess") {
            Some(Value::Array(access)) => access,
            None | Some(Value::Null) => Vec::new(),
            Some(_) => return Err("`productAccess` is not an array"),
        };
        Ok(Self {
            user_id,
            email,
            product_access,
            extra: members,
        })
    }
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

/// Reads a verification answer (`{isAuthenticated, userInfo}`).
pub(crate) fn verification(value: Value) -> Result<UserVerification, &'static str> {
    let Value::Object(mut members) = value else {
        return Err("the answer is not an object");
    };
    let authenticated = match members.remove("isAuthenticated") {
        Some(Value::Bool(authenticated)) => authenticated,
        None => return Err("`isAuthenticated` is missing"),
        Some(_) => return Err("`isAuthenticated` is not a boolean"),
    };
    if !authenticated {
        return Ok(UserVerification::NotAuthenticated);
    }
    match members.remove("userInfo") {
        None | Some(Value::Null) => Err("`isAuthenticated` is true but `userInfo` is missing"),
        Some(user) => UserInfo::from_json(user).map(UserVerification::Authenticated),
    }
}

impl TiunClient {
    /// Checks a user verification token that tiun's browser SDK issued (valid for 5 minutes):
    /// `POST /live_api/s2s/v1/users/verification`.
    ///
    /// The token is a credential: it is sent in the JSON body and never logged.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidInput`] (`user verification token`) before any request for an empty, over-long (more than
    /// [`MAX_USER_TOKEN_BYTES`]) or control-character token; otherwise a transport failure,
    /// timeout, redirect, a status other than `200` and `401`, or a `200` whose body is not the
    /// documented JSON ([`Error::Parse`]): not JSON, a repeated member name, `isAuthenticated:
    /// true` without `userInfo`, or a user whose `userId` is missing or empty.
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
        check_input(token, MAX_USER_TOKEN_BYTES).map_err(|refused| Error::InvalidInput {
            what: "user verification token",
            reason: refused.reason(),
        })?;
        let url = self.endpoint(&["live_api", "s2s", "v1", "users", "verification"]);
        let request = self.request(Method::POST, &url).json(&VerificationRequest {
            user_verification_token: token,
        });
        let answer = send(request, url, Read::All).await.map_err(Error::sent)?;
        let sent = Some(token);
        if answer.status == StatusCode::OK {
            return self.read_answer(&answer, "user verification answer", sent, verification);
        }
        let problem = self.problem(&answer, sent);
        match answer.status {
            StatusCode::UNAUTHORIZED => Ok(UserVerification::Unauthorized { problem }),
            status => Err(Error::UnexpectedStatus {
                status,
                problem: problem.map(Box::new),
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
    /// [`Error::InvalidInput`] (`user id`) before any request for an empty, over-long or control-character
    /// id, or `.`/`..`; otherwise a transport failure, timeout, redirect, a status other than
    /// `200`, `401` and `404` (tiun answers `400` to a malformed id), or a `200` whose body is
    /// not the documented JSON ([`Error::Parse`], as for [`verify_user`](Self::verify_user)).
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
        let user = encode_id(user_id).map_err(|reason| Error::InvalidInput {
            what: "user id",
            reason,
        })?;
        let url = self.endpoint(&["live_api", "s2s", "v1", "users", &user, "info"]);
        let request = self.request(Method::GET, &url);
        let answer = send(request, url, Read::All).await.map_err(Error::sent)?;
        if answer.status == StatusCode::OK {
            return self.read_answer(&answer, "user info answer", None, user_lookup);
        }
        let problem = self.problem(&answer, None);
        match answer.status {
            StatusCode::NOT_FOUND => Ok(UserLookup::NotFound { problem }),
            StatusCode::UNAUTHORIZED => Ok(UserLookup::Unauthorized { problem }),
            status => Err(Error::UnexpectedStatus {
                status,
                problem: problem.map(Box::new),
            }),
        }
    }

    /// Reads a successful answer's body with `read`; one that does not parse is
    /// [`Error::Parse`], keeping the body with every spelling of the request's secrets (the
    /// key, and `sent`) cut out.
    fn read_answer<T>(
        &self,
        answer: &Answer,
        what: &'static str,
        sent: Option<&str>,
        read: impl FnOnce(Value) -> Result<T, &'static str>,
    ) -> Result<T, Error> {
        // A success's body is always read: over the cap it was `Error::BodyTooLarge` already.
        read_value(answer.bytes(), read).map_err(|fault| {
            Error::Parse(answer.parse_error(what, fault, &self.redaction(sent), ErrorBody::Kept))
        })
    }
}

/// Reads a user info answer (`{userId, email, productAccess, ...}`).
pub(crate) fn user_lookup(value: Value) -> Result<UserLookup, &'static str> {
    UserInfo::from_json(value).map(UserLookup::Found)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn a_user_needs_a_non_empty_id() {
        for (user, reason) in [
            (json!({"userId": ""}), "`userId` is empty"),
            (json!({"userId": "  "}), "`userId` is empty"),
            (json!({"email": "a@b.example"}), "`userId` is missing"),
            (json!({"userId": null}), "`userId` is missing"),
            (
                json!({"userId": true}),
                "`userId` is neither a string nor a number",
            ),
            (
                json!({"userId": "u", "email": 7}),
                "`email` is not a string",
            ),
            (
                json!({"userId": "u", "productAccess": "all"}),
                "`productAccess` is not an array",
            ),
            (json!(["u"]), "the user is not an object"),
        ] {
            assert_eq!(UserInfo::from_json(user.clone()), Err(reason), "{user}");
        }
        let user = UserInfo::from_json(json!({"userId": 12, "productAccess": null})).unwrap();
        assert_eq!(user.user_id, "12");
        assert!(user.product_access.is_empty());
    }

    #[test]
    fn verification_answers() {
        assert_eq!(
            verification(json!({"isAuthenticated": false, "userInfo": {"userId": ""}})),
            Ok(UserVerification::NotAuthenticated)
        );
        assert_eq!(
            verification(json!({"isAuthenticated": true, "userInfo": {"userId": ""}})),
            Err("`userId` is empty")
        );
        assert_eq!(
            verification(json!({"isAuthenticated": true, "userInfo": null})),
            Err("`isAuthenticated` is true but `userInfo` is missing")
        );
        assert_eq!(
            verification(json!({"isAuthenticated": "true"})),
            Err("`isAuthenticated` is not a boolean")
        );
    }

    #[test]
    fn debug_masks_personal_data() {
        let user = UserInfo::from_json(json!({
            "userId": "u-1",
            "email": "reader@example.com",
            "productAccess": ["daily-pass"],
            "name": "Erika Mustermann"
        }))
        .unwrap();
        let printed = format!(
            "{user:?} {:?}",
            UserVerification::Authenticated(user.clone())
        );
        assert!(
            printed.contains("u-1") && printed.contains("daily-pass"),
            "{printed}"
        );
        assert!(printed.contains("name"), "{printed}");
        assert!(!printed.contains("reader@"), "{printed}");
        assert!(!printed.contains("Mustermann"), "{printed}");
    }
}
