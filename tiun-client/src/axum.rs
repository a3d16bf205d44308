//! axum 0.8 integration: [`PaidSession`] lets a handler run only for a paid tiun session.
//!
//! Put a [`TiunClient`] in the router's state (or in a state struct, with
//! `TiunClient: FromRef<YourState>`) and add `PaidSession` to the handler's arguments:
//!
//! ```
//! use axum::{Router, response::IntoResponse, routing::get};
//! use tiun_client::{TiunClient, axum::PaidSession};
//!
//! async fn article(paid: PaidSession) -> impl IntoResponse {
//!     // Returned with the article, the session marks it `Cache-Control: private, no-store`:
//!     // the URL is a paywall for other readers, so no shared cache (a CDN) may keep it.
//!     (paid, "the whole article")
//! }
//!
//! fn app(tiun: TiunClient) -> Router {
//!     Router::new().route("/article", get(article)).with_state(tiun)
//! }
//! ```
//!
//! | the request | tiun answers | the handler |
//! | --- | --- | --- |
//! | has a session id | `200`, [`Valid`](crate::SessionStatus::Valid) | runs, with the `PaidSession` |
//! | has no session id (or an unusable one) | nothing is asked | does not run: `402` |
//! | has a session id | `404`, [`Invalid`](crate::SessionStatus::Invalid) | does not run: `402` |
//! | has a session id | `401`, [`Unauthorized`](crate::SessionStatus::Unauthorized) | does not run: `503`, logged as a configuration error |
//! | has a session id | anything else, no answer, a timeout | does not run: `503` |
//!
//! Every rejection is sent `Cache-Control: private, no-store`, and so is the article when the
//! handler returns the `PaidSession` with it (`(paid, body)`), unless it sets its own.
//!
//! `Option<PaidSession>` lets one handler serve both readers: `Some` for a paid session, `None`
//! where `PaidSession` answers `402` (show the teaser and the paywall). Where it answers `503`
//! (tiun cannot tell), `Option<PaidSession>` answers `503` too, so a paying reader is never
//! shown a paywall that would ask them to pay again. Such a page differs per reader, paid or
//! not, and `None` marks nothing: send it `Cache-Control: private, no-store` yourself.
//!
//! The session id is read from the [`SESSION_HEADER`] header unless the client was built with
//! another [`SessionSource`] (a header of your choice, or a query parameter). The source lives
//! on the client because the client already comes from the state: one setting at start-up,
//! and every handler keeps its one-word extractor, with no second state type to wire.
//!
//! Rejections ([`PaidSessionRejection`]) answer with a small JSON body,
//! `{"error": "<code>", "message": "<sentence>"}`, which holds no session id, key or personal
//! data; map them to your own page with [`PaidSessionRejection::status`],
//! [`PaidSessionRejection::code`] and [`PaidSessionRejection::message`]. With the `tracing` feature, a `401` from tiun is logged at
//! `error` level and a failed check at `warn` level; without it nothing is logged, and the
//! rejection's code (`tiun_misconfigured`) is what tells you.

use std::fmt;

use http::StatusCode;
use http::request::Parts;

use crate::client::TiunClient;
use crate::error::Error;
pub use crate::source::{SESSION_HEADER, SessionSource};
use crate::status::SessionStatus;

/// A request whose tiun session is paid for: tiun answered `200` for its session id.
///
/// Return it with the content it pays for (`(paid, body)`): as a response part it marks the
/// answer `Cache-Control: private, no-store` (unless the answer sets its own `Cache-Control`),
/// so that no shared cache serves the paid content to the next reader at that URL.
///
/// Its `Debug` output does not show the session id (whoever holds it reads as the reader).
pub struct PaidSession {
    session_id: String,
}

impl PaidSession {
    /// The session id tiun confirmed.
    #[must_use]
    pub fn session_id(&self) -> &str {
        &self.session_id
    }
}

impl fmt::Debug for PaidSession {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PaidSession")
            .field("session_id", &"[redacted]")
            .finish()
    }
}

paywall_internal::private_response_part!(PaidSession);

paywall_internal::from_request_parts!(
    required PaidSession, TiunClient, PaidSessionRejection,
    |parts, tiun| {
        let outcome = check(&tiun, parts).await;
        if let Err(rejection) = &outcome {
            rejection.log();
        }
        outcome
    }
);

paywall_internal::from_request_parts!(
    optional PaidSession, TiunClient, PaidSessionRejection,
    |parts, tiun| match check(&tiun, parts).await {
        Ok(paid) => Ok(Some(paid)),
        Err(rejection) if rejection.status() == StatusCode::PAYMENT_REQUIRED => Ok(None),
        Err(rejection) => {
            rejection.log();
            Err(rejection)
        }
    }
);

async fn check(tiun: &TiunClient, parts: &Parts) -> Result<PaidSession, PaidSessionRejection> {
    let session_id = match tiun.session_source().read(parts) {
        Ok(Some(id)) => id,
        Ok(None) => return Err(PaidSessionRejection::new(Kind::MissingSession)),
        Err(_) => return Err(PaidSessionRejection::new(Kind::InvalidSession)),
    };
    match tiun.verify_session(&session_id).await {
        Ok(SessionStatus::Valid) => Ok(PaidSession { session_id }),
        Ok(SessionStatus::Invalid { .. }) => Err(PaidSessionRejection::new(Kind::NotPaid)),
        Ok(SessionStatus::Unauthorized { .. }) => {
            Err(PaidSessionRejection::new(Kind::Misconfigured))
        }
        Err(Error::InvalidInput { .. }) => Err(PaidSessionRejection::new(Kind::InvalidSession)),
        Err(error) => Err(PaidSessionRejection {
            kind: Kind::Unavailable,
            error: Some(error),
        }),
    }
}

/// Why a request got no [`PaidSession`]; answers with the status and JSON body below.
///
/// It is an [`std::error::Error`]: its `Display` is its [`message`](Self::message), and its
/// [`source`](std::error::Error::source) the [`Error`] of a failed check. Neither holds the
/// session id, the key or any text of tiun's answer.
///
/// | [`code`](Self::code) | [`status`](Self::status) | when |
/// | --- | --- | --- |
/// | `missing_session` | `402` | the request carries no session id |
/// | `invalid_session` | `402` | its session id is unusable (empty, over 256 bytes, a control character, `.`/`..`, given twice) |
/// | `session_not_paid` | `402` | tiun answered `404`: expired, ended, or no funds left |
/// | `tiun_misconfigured` | `503` | tiun answered `401`: the API key or provider id is wrong |
/// | `tiun_unavailable` | `503` | tiun answered something else, or not in time |
///
/// ```
/// use axum::response::{IntoResponse, Response};
/// use tiun_client::axum::PaidSessionRejection;
///
/// /// Your own paywall page for readers who have not paid; the default answer otherwise.
/// fn paywall_page(rejection: PaidSessionRejection) -> Response {
///     match rejection.status().as_u16() {
///         402 => "<p>Subscribe to read on.</p>".into_response(),
///         _ => rejection.into_response(),
///     }
/// }
/// ```
#[derive(Debug, Clone)]
pub struct PaidSessionRejection {
    kind: Kind,
    error: Option<Error>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    MissingSession,
    InvalidSession,
    NotPaid,
    Misconfigured,
    Unavailable,
}

impl PaidSessionRejection {
    fn new(kind: Kind) -> Self {
        Self { kind, error: None }
    }

    /// `402 Payment Required` when the reader has no paid session; `503 Service Unavailable`
    /// when tiun could not tell.
    #[must_use]
    pub fn status(&self) -> StatusCode {
        match self.kind {
            Kind::MissingSession | Kind::InvalidSession | Kind::NotPaid => {
                StatusCode::PAYMENT_REQUIRED
            }
            Kind::Misconfigured | Kind::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
        }
    }

    /// A `snake_case` code saying why (see the table above).
    #[must_use]
    pub fn code(&self) -> &'static str {
        match self.kind {
            Kind::MissingSession => "missing_session",
            Kind::InvalidSession => "invalid_session",
            Kind::NotPaid => "session_not_paid",
            Kind::Misconfigured => "tiun_misconfigured",
            Kind::Unavailable => "tiun_unavailable",
        }
    }

    /// One sentence for the reader.
    #[must_use]
    pub fn message(&self) -> &'static str {
        match self.kind {
            Kind::MissingSession => "This content needs a paid tiun session.",
            Kind::InvalidSession => "The tiun session id cannot be used.",
            Kind::NotPaid => {
                "The tiun session is not paid for: it expired, ended or ran out of funds."
            }
            Kind::Misconfigured | Kind::Unavailable => {
                "The payment check is not available right now; please try again shortly."
            }
        }
    }

    /// The error of a failed check (`tiun_unavailable`), for your logs.
    #[must_use]
    pub fn error(&self) -> Option<&Error> {
        self.error.as_ref()
    }

    /// Logs what the site's operators must know: a wrong key, or tiun out of reach.
    fn log(&self) {
        #[cfg(feature = "tracing")]
        match self.kind {
            Kind::Misconfigured => tracing::error!(
                code = self.code(),
                "tiun refused the API key (or the provider id): every reader is refused until \
                 TIUN_API_KEY and TIUN_ENVIRONMENT match"
            ),
            Kind::Unavailable => tracing::warn!(
                code = self.code(),
                // `Debug` carries the cause (DNS, TLS, a refused connection); it holds no URL.
                error = self.error.as_ref().map(tracing::field::debug),
                "tiun could not check a session; the reader was refused"
            ),
            Kind::MissingSession | Kind::InvalidSession | Kind::NotPaid => {}
        }
    }
}

// `source` is the [`Error`] of a failed check (`tiun_unavailable`), when there was one.
paywall_internal::rejection_traits!(PaidSessionRejection, |this| this.error.as_ref());
