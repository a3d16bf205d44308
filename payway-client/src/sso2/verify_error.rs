//! Why an SSO2 token, a landing or a session cookie was refused: the sources of
//! [`Error::Sso2Token`](crate::Error::Sso2Token), [`Error::Landing`](crate::Error::Landing)
//! and [`Error::SessionCookie`](crate::Error::SessionCookie).
//!
//! None of them holds a token, a cookie, a session id or a secret.

use crate::login_state::LoginStateError;

/// Why an SSO2 token (the `t` of a landing, or the answer to a server call) was refused.
/// Whatever the variant, the reader gets no session from it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TokenError {
    /// Not a compact JWS with a base64url JSON-object header and claims.
    #[error("malformed token: {reason}")]
    Malformed {
        /// What is wrong, in words.
        reason: &'static str,
    },
    /// The header or the claims repeat a member name (at any depth).
    #[error("the token repeats a JSON member name")]
    RepeatedMember,
    /// The header's `alg` is not exactly `HS256` (`none` in any case, `HS512`, `RS256`, a
    /// missing or non-string `alg`). Refused before any signature work.
    #[error("token algorithm {} is not HS256", found.as_deref().unwrap_or("(missing or unprintable)"))]
    WrongAlgorithm {
        /// The `alg` the header named, when it is a short printable string.
        found: Option<String>,
    },
    /// The header has a `crit` member: no extension is understood, so none is accepted.
    #[error("the token's header has a crit member")]
    CriticalHeader,
    /// The HS256 signature does not match under the client secret: edited, forged, or
    /// signed for another client.
    #[error("token signature does not match")]
    BadSignature,
    /// `exp` is in the past, beyond the leeway.
    #[error("token expired")]
    Expired,
    /// `nbf` is in the future, beyond the leeway.
    #[error("token not valid yet")]
    NotYetValid,
    /// `iat` is in the future, beyond the leeway.
    #[error("token issued in the future")]
    IssuedInFuture,
    /// `exp` is further in the future than a landing token may live
    /// ([`MAX_LANDING_LIFETIME`](super::MAX_LANDING_LIFETIME) plus the leeway): the claim
    /// that takes the landing once would have to outlive what any store keeps.
    #[error("token expires too far in the future")]
    ExpiresTooLate,
    /// A claim the token must carry is absent (`sid`, `sts`, `exp`).
    #[error("token has no `{claim}` claim")]
    MissingClaim {
        /// The claim's name.
        claim: &'static str,
    },
    /// A claim has the wrong type or an unknown value (an `sts` other than `loggedin`,
    /// `anon` or `terminated`, a string `exp`, an `at` that is not shaped like a ticket...).
    #[error("token claim `{claim}` is not {expected}")]
    InvalidClaim {
        /// The claim's name.
        claim: &'static str,
        /// What it must be, in words.
        expected: &'static str,
    },
    /// The token is addressed to SSO2 (`aud: "pw-sso"`): one of this client's own request
    /// tokens, presented back as an answer.
    #[error("the token is a request addressed to sso2, not an answer")]
    NotAnAnswer,
    /// The system clock reads a time before 1970, so no time claim can be checked.
    #[error("the system clock is before the unix epoch")]
    ClockBeforeUnixEpoch,
}

/// Why the URL SSO2 sent the reader back with is not a landing this site accepts. Show a
/// "please try again" page; never redirect on the strength of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum LandingError {
    /// No `t` parameter.
    #[error("the landing url has no t parameter")]
    MissingToken,
    /// No `r` parameter (the continue URL given to identify).
    #[error("the landing url has no r parameter")]
    MissingReturnUrl,
    /// `t` or `r` (or a checkout's `jwtToken`) appears more than once (parameter pollution).
    #[error("the landing url repeats the t or r parameter")]
    Duplicate,
    /// The query string (or a checkout's form) is longer than 16 KiB.
    #[error("the landing url's query string is too long")]
    QueryTooLong,
    /// The continue URL `r` is not allowed by the [`ReturnPolicy`](crate::ReturnPolicy):
    /// following it would make the landing an open redirect.
    #[error("the landing's return url is not allowed by the return policy")]
    ReturnUrlRefused,
    /// The landing is not bound to this browser (no state in `r`, no state cookie, or one
    /// that does not match), and it already went through identify again once:
    /// [`Sso2Flow`](super::Sso2Flow) answers the first such landing with a fresh identify,
    /// the second with this error, so a browser that keeps no cookies never loops.
    #[error("the landing is not bound to this browser")]
    NotThisBrowser(#[source] LoginStateError),
    /// No login could be started: see [`LoginStateError::RandomUnavailable`].
    #[error("no login could be started")]
    CannotStart(#[source] LoginStateError),
    /// A checkout landing without the paywall's `jwtToken` form field.
    #[error("the checkout landing has no jwtToken")]
    MissingCheckoutToken,
    /// A checkout landing, but the flow has no paywall secret
    /// ([`Sso2Flow::with_paywall_secret`](super::Sso2Flow::with_paywall_secret)).
    #[error("no paywall secret is configured")]
    NoPaywallSecret,
    /// A checkout landing from a browser without a usable SSO2 session cookie: there is no
    /// SSO2 session to log in (the reader's pages identify them first). Nothing was taken;
    /// the purchase stands, and the reader logs in as usual.
    #[error("the checkout landing has no sso2 session to log in")]
    NoSession,
    /// The account the delegated ticket logged in is not the checkout token's `aid`: the
    /// login is refused (fail closed).
    #[error("the checkout's account does not match its ticket")]
    CheckoutAccountMismatch,
    /// The checkout did not log the reader's session in: SSO2 answered the delegated ticket
    /// with a session that is not logged in (or with no ticket to check the account by), or
    /// Payway refused the ticket SSO2 gave, or the checkout was posted before and SSO2 does
    /// not have the session logged in to the checkout's account now. The purchase stands
    /// at Payway: tell the reader it is done, and that logging in shows what they bought.
    #[error("the checkout did not log the session in")]
    CheckoutNotLoggedIn,
}

/// Why a session cookie did not open. Treat the reader as having no cookie: identify again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SessionCookieError {
    /// Not a value this crate seals (wrong shape, not base64url, truncated).
    #[error("the session cookie is malformed")]
    Malformed,
    /// The tag does not match under any of the keys: the value was edited, or sealed with
    /// another key (a forgery, or a key retired from rotation).
    #[error("the session cookie's tag does not match")]
    BadTag,
    /// The value is genuine but past its own expiry.
    #[error("the session cookie has expired")]
    Expired,
    /// The `Cookie` header carries the session cookie more than once (set for different
    /// paths or domains, or planted by a sibling subdomain); none of them is trusted.
    #[error("the cookie header has more than one session cookie")]
    Duplicate,
    /// Sealing only: the system's random number generator failed, so no nonce could be
    /// drawn and nothing was sealed.
    #[error("no randomness is available to seal the session cookie")]
    RandomUnavailable,
}
