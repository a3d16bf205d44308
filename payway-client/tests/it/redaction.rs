//! No secret (client secret, access or refresh token, ticket) in any `{:?}` or error text.

use httpmock::prelude::*;
use payway_client::{
    AccessToken, ClientSecret, Environment, MemoryTicketStore, PaywayClient, RefreshToken,
    ReturnPolicy, ShopUrl, Ticket, TicketCallback, TicketLogin,
};
use serde_json::json;
use url::Url;

use crate::support::{CLIENT_SECRET, builder, client, invalid, mock_exchange, mock_me};

const SECRETS: [&str; 5] = [
    CLIENT_SECRET,
    "ticket-secret-value",
    "access-secret-value",
    "refresh-secret-1",
    "builder-secret-value",
];

fn assert_clean(what: &str, text: &str) {
    for secret in SECRETS {
        assert!(!text.contains(secret), "{what} shows a secret: {text}");
    }
}

#[test]
fn secret_newtypes_print_redacted() {
    for (what, text) in [
        (
            "ClientSecret",
            format!("{:?}", ClientSecret::new(CLIENT_SECRET)),
        ),
        (
            "AccessToken",
            format!("{:?}", AccessToken::new("access-secret-value")),
        ),
        (
            "RefreshToken",
            format!("{:#?}", RefreshToken::new("refresh-secret-1")),
        ),
        (
            "Ticket",
            format!("{:?}", Ticket::new("ticket-secret-value")),
        ),
    ] {
        assert_clean(what, &text);
        assert!(text.contains("[redacted]"), "{text}");
    }
}

#[test]
fn builders_clients_and_url_types_print_redacted() {
    let builder = PaywayClient::builder()
        .environment(Environment::Stage)
        .client_id("visible-client-id")
        .client_secret("builder-secret-value");
    let shown = format!("{builder:?}");
    assert_clean("PaywayClientBuilder", &shown);
    assert!(shown.contains("visible-client-id"));
    let client = builder.build().unwrap();
    assert_clean("PaywayClient", &format!("{client:?} {:#?}", client.clone()));

    let shop = ShopUrl::builder(Url::parse("https://shop.example.com/").unwrap())
        .ticket(&Ticket::new("ticket-secret-value"));
    assert_clean("ShopUrlBuilder", &format!("{shop:?}"));

    let callback = TicketCallback::parse(
        &Url::parse("https://news.example.com/back?ticket=ticket-secret-value").unwrap(),
        &ReturnPolicy::allow_hosts(["news.example.com"]),
    )
    .unwrap();
    assert_clean("TicketCallback", &format!("{callback:?}"));
    assert_clean(
        "MemoryTicketStore",
        &format!("{:?}", MemoryTicketStore::new()),
    );
    assert_clean(
        "Fingerprint",
        &format!(
            "{:?}",
            payway_client::Fingerprint::of("ticket-secret-value")
        ),
    );
}

#[tokio::test]
async fn login_outcomes_and_tokens_print_redacted() {
    let server = MockServer::start_async().await;
    mock_exchange(&server, "ticket-secret-value", "access-secret-value").await;
    mock_me(&server, "access-secret-value").await;
    let payway = client(&server);
    let store = MemoryTicketStore::new();
    let login = payway
        .login_with_ticket(&Ticket::new("ticket-secret-value"), &store)
        .await
        .unwrap();
    assert!(matches!(login, TicketLogin::LoggedIn { .. }));
    let shown = format!("{login:?} {login:#?}");
    assert_clean("TicketLogin", &shown);
    assert!(shown.contains("acc-42"));
    let TicketLogin::LoggedIn { token, .. } = login else {
        unreachable!()
    };
    assert_clean("TokenResponse", &format!("{token:?}"));
}

#[tokio::test]
async fn errors_never_carry_secrets() {
    let server = MockServer::start_async().await;
    // A provider that echoes what it was sent: the echo is cut out of every error.
    for (grant, echo) in [
        ("ticket", "ticket ticket-secret-value"),
        ("refresh_token", "refresh token refresh-secret-1"),
        ("none", "server grant"),
    ] {
        server
            .mock_async(move |when, then| {
                when.path("/api/authorization/access_token")
                    .form_urlencoded_tuple("grant_type", grant);
                then.status(401).json_body(json!({
                    "error": "invalid_grant",
                    "error_description": format!("{echo} refused for secret {CLIENT_SECRET}"),
                }));
            })
            .await;
    }
    server
        .mock_async(|when, then| {
            when.path("/external/api/v1/me");
            then.status(500)
                .body("internal: bad token access-secret-value");
        })
        .await;
    let payway = builder(&server).build().unwrap();
    let store = MemoryTicketStore::new();
    let mut texts = Vec::new();
    let rejected = payway
        .login_with_ticket(&Ticket::new("ticket-secret-value"), &store)
        .await
        .unwrap();
    let details = invalid(&rejected);
    assert!(
        details.expose_body().contains("[redacted]"),
        "{}",
        details.expose_body()
    );
    texts.push(format!("{rejected:?} {}", details.expose_body()));
    let errors = [
        payway
            .exchange_ticket(&Ticket::new("ticket-secret-value"))
            .await
            .unwrap_err(),
        payway
            .refresh_token(&RefreshToken::new("refresh-secret-1"))
            .await
            .unwrap_err(),
        payway
            .me(&AccessToken::new("access-secret-value"))
            .await
            .unwrap_err(),
        payway
            .server_token(&["/external/account/r"])
            .await
            .unwrap_err(),
        payway
            .me(&AccessToken::new("access-secret-value\n"))
            .await
            .unwrap_err(),
    ];
    for error in &errors {
        let body = error.provider_error().map(|p| p.expose_body().to_owned());
        let mut text = format!("{error} {error:?} {body:?}");
        let mut source = std::error::Error::source(error);
        while let Some(s) = source {
            text.push_str(&format!(" {s} {s:?}"));
            source = s.source();
        }
        texts.push(text);
    }
    for text in texts {
        assert_clean("error", &text);
    }
}

#[tokio::test]
async fn a_401_echoing_the_form_encoded_request_never_shows_the_secret() {
    // A secret with characters form encoding changes: `/`, `+`, `=` and a space.
    let secret = "cs/9+8=7 long-enough-secret";
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.path("/api/authorization/access_token");
            then.status(401).header("content-type", "application/json").body(
                r#"{"error":"invalid_client","error_description":"refused: grant_type=ticket&ticket=tkt%2Fq%3D1&client_id=site&client_secret=cs%2F9%2B8%3D7+long-enough-secret","echo":"cs\/9+8=7 long-enough-secret \u0063s\u002F9\u002B8\u003D7\u0020long-enough-secret"}"#,
            );
        })
        .await;
    let payway = PaywayClient::builder()
        .base_url(Url::parse(&server.base_url()).unwrap())
        .client_id("site")
        .client_secret(secret)
        .build()
        .unwrap();
    let err = payway
        .exchange_ticket(&Ticket::new("tkt/q=1"))
        .await
        .unwrap_err();
    let details = err.provider_error().unwrap();
    let shown = format!(
        "{err} {err:?} {details:?} {} {:?}",
        details.expose_body(),
        details.error_description()
    );
    for spelling in [
        "cs%2F9",
        "cs/9",
        "cs\\/9",
        "\\u002B8",
        "tkt%2Fq",
        "long-enough",
    ] {
        assert!(!shown.contains(spelling), "{spelling} in {shown}");
    }
    assert_eq!(
        details.error_description(),
        Some(
            "refused: grant_type=ticket&ticket=[redacted]&client_id=site&client_secret=[redacted]"
        )
    );
}

#[tokio::test]
async fn a_content_type_shows_only_as_a_checked_media_type() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.path("/external/api/v1/me");
            then.status(500)
                .header(
                    "content-type",
                    "text/plain; owner=ada@example.com; token=access-secret-value",
                )
                .body("down");
        })
        .await;
    server
        .mock_async(|when, then| {
            when.path("/external/api/v1/me/active_products");
            then.status(200)
                .header("content-type", "application/json ada@example.com")
                .body("not json");
        })
        .await;
    let payway = client(&server);
    let refused = payway
        .me(&AccessToken::new("access-secret-value"))
        .await
        .unwrap_err();
    let details = refused.provider_error().unwrap();
    assert_eq!(details.content_type(), Some("text/plain"));
    let unparsable = payway
        .active_products(&AccessToken::new("access-secret-value"))
        .await
        .unwrap_err();
    let payway_client::Error::Parse(body) = &unparsable else {
        panic!("{unparsable:?}")
    };
    assert_eq!(body.content_type(), None);
    for error in [&refused, &unparsable] {
        let shown = format!("{error} {error:?} {error:#?}");
        assert!(
            !shown.contains("ada@") && !shown.contains("owner"),
            "{shown}"
        );
        assert_clean("error", &shown);
    }
}

#[tokio::test]
async fn a_secret_echoed_in_the_media_type_of_a_refusal_is_cut_in_any_case() {
    let server = MockServer::start_async().await;
    let echoed = format!("application/x-{}", CLIENT_SECRET.to_ascii_uppercase());
    server
        .mock_async(|when, then| {
            when.path("/api/authorization/access_token");
            then.status(400)
                .header("content-type", echoed.as_str())
                .body(r#"{"error":"invalid_request"}"#);
        })
        .await;
    let error = client(&server)
        .exchange_ticket(&Ticket::new("tkt-1"))
        .await
        .unwrap_err();
    let details = error.provider_error().unwrap();
    assert_eq!(details.content_type(), Some("application/x-[redacted]"));
    let shown = format!("{error} {error:?} {details:?}").to_ascii_lowercase();
    assert!(
        !shown.contains(&CLIENT_SECRET.to_ascii_lowercase()),
        "{shown}"
    );
}
