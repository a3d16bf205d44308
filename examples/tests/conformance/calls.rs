//! Every call of every crate that sends a request, run against one provider stand-in, with
//! its outcome reduced to what the rules compare.

use std::future::Future;
use std::pin::Pin;

use std::net::{IpAddr, Ipv4Addr};

use accesstype_jwt::{AccessGrant, AccesstypeClient, ReaderId};
use payway_client::sso2::{Reader, Sso2Client, Sso2Status};
use payway_client::{AccessToken, PaywayClient, RefreshToken, Ticket, TicketRequest};
use tiun_client::TiunClient;
use url::Url;

use crate::table::SECRET;

/// What a call came to. The words are read through `Debug`, in failure messages.
#[derive(Debug)]
#[allow(dead_code)]
pub(crate) enum Outcome {
    /// The crate refused the body as larger than its cap.
    TooLarge,
    /// The crate answered with a redirect error (or refused the redirect as an error).
    Redirected,
    /// Any other error, in words.
    Failed(String),
    /// The provider's answer was accepted: what it decided, in words.
    Answered(String),
}

pub(crate) type Call = Pin<Box<dyn Future<Output = Outcome> + Send>>;

fn tiun_outcome<T: std::fmt::Debug>(result: Result<T, tiun_client::Error>) -> Outcome {
    match result {
        Ok(value) => Outcome::Answered(format!("{value:?}")),
        Err(tiun_client::Error::BodyTooLarge { .. }) => Outcome::TooLarge,
        Err(error) if error.is_redirect() => Outcome::Redirected,
        Err(error) => Outcome::Failed(error.to_string()),
    }
}

fn payway_outcome<T: std::fmt::Debug>(result: Result<T, payway_client::Error>) -> Outcome {
    match result {
        Ok(value) => Outcome::Answered(format!("{value:?}")),
        Err(payway_client::Error::BodyTooLarge { .. }) => Outcome::TooLarge,
        // The cached server token's request failed: its own error is inside.
        Err(payway_client::Error::ServerToken(inner))
            if matches!(*inner, payway_client::Error::BodyTooLarge { .. }) =>
        {
            Outcome::TooLarge
        }
        Err(error) if error.is_redirect() => Outcome::Redirected,
        Err(error) => Outcome::Failed(error.to_string()),
    }
}

fn accesstype_outcome<T: std::fmt::Debug>(result: Result<T, accesstype_jwt::Error>) -> Outcome {
    match result {
        Ok(value) => Outcome::Answered(format!("{value:?}")),
        Err(accesstype_jwt::Error::BodyTooLarge { .. }) => Outcome::TooLarge,
        Err(error) if error.is_redirect() => Outcome::Redirected,
        Err(error) => Outcome::Failed(error.to_string()),
    }
}

pub(crate) fn accesstype(url: &Url) -> AccesstypeClient {
    AccesstypeClient::builder()
        .base_url(url.clone())
        .account_key("conformance-account")
        .api_key(SECRET)
        .build()
        .unwrap()
}

pub(crate) fn reader_id() -> ReaderId {
    ReaderId::parse("0123456789abcdef0123456789abcdef").unwrap()
}

pub(crate) fn tiun(url: &Url) -> TiunClient {
    TiunClient::builder()
        .base_url(url.clone())
        .api_key("conformance-key")
        .build()
        .unwrap()
}

pub(crate) fn payway(url: &Url) -> PaywayClient {
    PaywayClient::builder()
        .base_url(url.clone())
        .client_id("conformance-client")
        .client_secret(SECRET)
        .build()
        .unwrap()
}

/// accesstype-jwt's signer under [`SECRET`], with its default leeway.
pub(crate) fn accesstype_signer() -> accesstype_jwt::AccesstypeSigner {
    accesstype_jwt::AccesstypeSigner::builder()
        .secret(SECRET)
        .build()
        .unwrap()
}

/// `claims` as an HS256 JWT under [`SECRET`], signed by jsonwebtoken, an independent signer.
pub(crate) fn signed(claims: &impl serde::Serialize) -> String {
    jsonwebtoken::encode(
        &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256),
        claims,
        &jsonwebtoken::EncodingKey::from_secret(SECRET.as_bytes()),
    )
    .unwrap()
}

/// The clock, in whole seconds since the epoch.
pub(crate) fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

pub(crate) fn sso2(url: &Url) -> Sso2Client {
    Sso2Client::builder()
        .base_url(url.clone())
        .client_id("conformance-client")
        .client_secret(SECRET)
        .organisation_id("conformance-org")
        .build()
        .unwrap()
}

pub(crate) fn reader() -> Reader {
    Reader::new(
        IpAddr::V4(Ipv4Addr::new(192, 0, 2, 7)),
        "Mozilla/5.0 (conformance)",
    )
}

/// Every call whose answer body the crate reads, each against `url`.
pub(crate) fn reading_calls(url: &Url) -> Vec<(&'static str, Call)> {
    let (t1, t2) = (tiun(url), tiun(url));
    let (p1, p2, p3, p4, p5, p6) = (
        payway(url),
        payway(url),
        payway(url),
        payway(url),
        payway(url),
        payway(url),
    );
    let (s1, s2, s3, s4) = (sso2(url), sso2(url), sso2(url), sso2(url));
    let (a1, a2) = (accesstype(url), accesstype(url));
    vec![
        (
            "tiun verify_user",
            Box::pin(async move { tiun_outcome(t1.verify_user("user-token").await) }),
        ),
        (
            "tiun user_info",
            Box::pin(async move { tiun_outcome(t2.user_info("user-1").await) }),
        ),
        (
            "payway exchange_ticket",
            Box::pin(
                async move { payway_outcome(p1.exchange_ticket(&Ticket::new("ticket-1")).await) },
            ),
        ),
        (
            "payway refresh_token",
            Box::pin(async move {
                payway_outcome(p2.refresh_token(&RefreshToken::new("refresh-1")).await)
            }),
        ),
        (
            "payway server_token",
            Box::pin(
                async move { payway_outcome(p3.server_token(&["/external/account/r"]).await) },
            ),
        ),
        (
            "payway me",
            Box::pin(async move { payway_outcome(p4.me(&AccessToken::new("token-1")).await) }),
        ),
        (
            "payway active_products",
            Box::pin(async move {
                payway_outcome(p5.active_products(&AccessToken::new("token-1")).await)
            }),
        ),
        (
            "payway generate_ticket",
            Box::pin(async move {
                payway_outcome(
                    p6.generate_ticket(
                        &AccessToken::new("token-1"),
                        TicketRequest::new("shop-client"),
                    )
                    .await,
                )
            }),
        ),
        (
            "sso2 session_status",
            Box::pin(async move {
                payway_outcome(
                    s1.session_status("sid-1", Sso2Status::Anonymous, &reader())
                        .await,
                )
            }),
        ),
        (
            "sso2 authenticate",
            Box::pin(async move {
                payway_outcome(
                    s2.authenticate("sid-1", "reader@example.com", "password".into(), &reader())
                        .await,
                )
            }),
        ),
        (
            "sso2 authenticate_with_ticket",
            Box::pin(async move {
                payway_outcome(
                    s3.authenticate_with_ticket("sid-1", &Ticket::new("ticket-1"), &reader())
                        .await,
                )
            }),
        ),
        (
            "sso2 logout",
            Box::pin(async move { payway_outcome(s4.logout("sid-1", &reader()).await) }),
        ),
        (
            "accesstype check_access",
            Box::pin(async move {
                accesstype_outcome(a1.check_access("story-1", &reader_id(), None).await)
            }),
        ),
        (
            "accesstype read_story",
            Box::pin(async move {
                accesstype_outcome(a2.read_story("story-1", &reader_id(), None).await)
            }),
        ),
    ]
}

/// Every call that sends a request, including those that decide from the status alone.
pub(crate) fn all_calls(url: &Url) -> Vec<(&'static str, Call)> {
    let (tiun, accesstype) = (tiun(url), accesstype(url));
    let mut calls = reading_calls(url);
    calls.push((
        "tiun verify_session",
        Box::pin(async move { tiun_outcome(tiun.verify_session("session-1").await) }),
    ));
    calls.push((
        "accesstype pingback",
        Box::pin(async move {
            let grant =
                AccessGrant::from_slice(br#"{"granted":true,"grantReason":"METERING"}"#).unwrap();
            accesstype_outcome(
                accesstype
                    .pingback("story-1", &reader_id(), None, &grant)
                    .await,
            )
        }),
    ));
    calls
}
