//! Tulo Payway single sign-on, SSO2: the login the vendor recommends, done safer than the
//! vendor's own plugin.
//!
//! - [`Sso2Client`]: the browser's round trip through SSO2 and the server calls, each for a
//!   [`Reader`].
//! - [`Sso2Session`]: what SSO2 signed: the session id, its [`Sso2Status`], a ticket for
//!   [`PaywayClient::login_with_ticket`](crate::PaywayClient::login_with_ticket), an
//!   [`Sso2Error`].
//! - [`SessionCookie`] sealed by a [`SessionCookieKey`]: what the site remembers between
//!   pages, encrypted and authenticated (XChaCha20-Poly1305), so a reader can neither read
//!   nor forge it, with its own expiry, key rotation, and an account and products trusted
//!   for [`DEFAULT_ACCOUNT_MAX_AGE`] after they were read.
//! - [`Sso2Flow`]: the whole sequence as two calls, for your landing page and every other
//!   page, every landing bound to the browser that started it
//!   ([`LoginState`](crate::LoginState)); and the Tulo Paywall's checkout return
//!   ([`Sso2Flow::checkout_landing`], tokens signed with a [`PaywallSecret`]), bound to the
//!   reader's session ([`CHECKOUT_STATE_MAX_AGE`]).
//!
//! Every token is HS256 with the client secret, signed and verified in this crate (RustCrypto
//! `hmac` + `sha2`): a strict compact-JWS split, strict unpadded base64url, `alg` exactly
//! `HS256` before any signature work, `crit` refused, repeated JSON members refused at any
//! depth, claims typed, times within a leeway of at most 2 minutes.
//!
//! The crate's README walks through the whole flow, against the fake in `test_util`.

pub(crate) mod answer;
pub(crate) mod builder;
pub(crate) mod calls;
pub(crate) mod checkout;
pub(crate) mod checkout_state;
pub(crate) mod client;
pub(crate) mod cookie_key;
pub(crate) mod flow;
pub(crate) mod from_env;
pub(crate) mod jws;
pub(crate) mod landing;
pub(crate) mod reader;
pub(crate) mod request_token;
pub(crate) mod session;
pub(crate) mod session_cookie;
pub(crate) mod verify_error;

pub use builder::{DEFAULT_LEEWAY, MAX_LEEWAY, Sso2ClientBuilder};
pub use checkout::{CHECKOUT_TOKEN_FIELD, PaywallSecret};
pub use checkout_state::CHECKOUT_STATE_MAX_AGE;
pub use client::Sso2Client;
pub use cookie_key::{COOKIE_NAME, SessionCookieKey};
pub use flow::{DEFAULT_REFRESH_AFTER, PageVisit, Sso2Flow, Sso2Landed, Sso2Page};
pub use landing::{MAX_LANDING_LIFETIME, Sso2Landing};
pub use reader::{Reader, is_prefetch};
pub use session::{Sso2Error, Sso2Session, Sso2Status};
pub use session_cookie::{DEFAULT_ACCOUNT_MAX_AGE, DEFAULT_COOKIE_LIFETIME, SessionCookie};
pub use verify_error::{LandingError, SessionCookieError, TokenError};
