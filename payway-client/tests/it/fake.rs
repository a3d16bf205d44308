//! `FakePayway`: the state it keeps, the answers it gives, its faults and its shop, through
//! the crate's real client.

use std::time::Duration;

use payway_client::test_util::FakePayway;
use payway_client::{
    Error, MemoryTicketStore, RefreshToken, RejectReason, ShopUrl, Ticket, TicketLogin,
    TicketRequest, TokenEncoding,
};
use reqwest::StatusCode;
use url::Url;

#[tokio::test]
async fn a_ticket_used_twice_is_refused_the_second_time() {
    let fake = FakePayway::start().await;
    fake.add_account("acc-1", ["premium"]);
    let ticket = Ticket::new(fake.issue_ticket("acc-1"));
    let payway = fake.client();

    let token = payway.exchange_ticket(&ticket).await.unwrap();
    assert_eq!(token.expires_in, Some(Duration::from_secs(3600)));
    assert!(token.refresh_token.is_some());
    let again = payway.exchange_ticket(&ticket).await.unwrap_err();
    let Error::Unauthorized(details) = &again else {
        panic!("{again:?}")
    };
    assert_eq!(details.error(), Some("invalid_grant"));
    assert_eq!(fake.exchanges(), 2);

    // Through login_with_ticket, with a fresh store: Payway itself refuses the replay.
    let login = payway
        .login_with_ticket(&ticket, &MemoryTicketStore::new())
        .await
        .unwrap();
    assert!(
        matches!(
            login,
            TicketLogin::Rejected {
                reason: RejectReason::Invalid(_)
            }
        ),
        "{login:?}"
    );
    assert_eq!(fake.exchanges(), 3);
}

#[tokio::test]
async fn a_full_login_reads_me_and_active_products() {
    let fake = FakePayway::start().await;
    fake.add_account("acc-2", ["premium", "weekend"]);
    let payway = fake.client();
    let store = MemoryTicketStore::new();
    let ticket = Ticket::new(fake.issue_ticket("acc-2"));
    let TicketLogin::LoggedIn { account, token } =
        payway.login_with_ticket(&ticket, &store).await.unwrap()
    else {
        panic!("not logged in")
    };
    assert_eq!(account.id, "acc-2");
    assert!(account.email.is_some());
    let products: Vec<_> = account
        .products
        .iter()
        .filter_map(|p| p.product_code.clone())
        .collect();
    assert_eq!(products, ["premium", "weekend"]);
    let active = payway.active_products(&token.access_token).await.unwrap();
    assert_eq!(active.account_id.as_deref(), Some("acc-2"));
    assert!(active.contains("weekend"));

    // The refresh token trades for a new access token for the same reader.
    let refreshed = payway
        .refresh_token(token.refresh_token.as_ref().unwrap())
        .await
        .unwrap();
    assert_ne!(
        refreshed.access_token.expose_secret(),
        token.access_token.expose_secret()
    );
    assert_eq!(
        payway.me(&refreshed.access_token).await.unwrap().id,
        "acc-2"
    );
    let unknown = payway
        .refresh_token(&RefreshToken::new("rt-unknown"))
        .await
        .unwrap_err();
    assert!(matches!(unknown, Error::Unauthorized(_)), "{unknown:?}");
}

#[tokio::test]
async fn a_flood_of_made_up_tickets_past_capacity_never_locks_out_a_real_login() {
    let fake = FakePayway::start().await;
    fake.add_account("acc-1", ["premium"]);
    let payway = fake.client();
    let store = MemoryTicketStore::with_capacity(64);
    // Each made-up ticket is refused by Payway (401) and its claim kept for the claim TTL.
    for i in 0..160 {
        let login = payway
            .login_with_ticket(&Ticket::new(format!("made-up-{i}")), &store)
            .await
            .unwrap();
        assert!(
            matches!(
                login,
                TicketLogin::Rejected {
                    reason: RejectReason::Invalid(_)
                }
            ),
            "{login:?}"
        );
    }
    assert!(store.len() <= 64);
    let real = Ticket::new(fake.issue_ticket("acc-1"));
    let login = payway.login_with_ticket(&real, &store).await.unwrap();
    assert!(matches!(login, TicketLogin::LoggedIn { .. }), "{login:?}");
    // The real ticket's claim holds: a reload is refused without asking Payway.
    let reload = payway.login_with_ticket(&real, &store).await.unwrap();
    assert!(matches!(reload, TicketLogin::AlreadyUsed));
    assert_eq!(fake.exchanges(), 161);
}

#[tokio::test]
async fn a_cancelled_product_leaves_the_account() {
    let fake = FakePayway::start().await;
    fake.add_account("acc-1", ["premium", "weekend"]);
    assert!(fake.cancel_product("acc-1", "premium"));
    assert!(!fake.cancel_product("acc-1", "premium"));
    assert!(!fake.cancel_product("acc-unknown", "premium"));
    assert_eq!(fake.products("acc-1").unwrap(), ["weekend"]);
    let payway = fake.client();
    let token = payway
        .exchange_ticket(&Ticket::new(fake.issue_ticket("acc-1")))
        .await
        .unwrap();
    let active = payway.active_products(&token.access_token).await.unwrap();
    assert_eq!(active.product_codes, ["weekend"]);
}

#[tokio::test]
async fn json_token_requests_and_server_tokens() {
    let fake = FakePayway::start().await;
    fake.add_account("acc-3", ["premium"]);
    let payway = fake
        .client_builder()
        .token_encoding(TokenEncoding::Json)
        .build()
        .unwrap();
    let ticket = Ticket::new(fake.issue_ticket("acc-3"));
    assert!(payway.exchange_ticket(&ticket).await.is_ok());

    // A server token (grant_type=none) generates tickets for an account id; it has no
    // reader of its own.
    let server = payway.server_token(&["/external/account/r"]).await.unwrap();
    let minted = payway
        .generate_ticket(&server, TicketRequest::new("tulo-shop").account_id("acc-3"))
        .await
        .unwrap();
    let token = payway.exchange_ticket(&minted).await.unwrap();
    assert_eq!(payway.me(&token.access_token).await.unwrap().id, "acc-3");
    let no_reader = payway.me(&server).await.unwrap_err();
    assert!(matches!(no_reader, Error::Unauthorized(_)), "{no_reader:?}");
    let unknown = payway
        .generate_ticket(
            &server,
            TicketRequest::new("tulo-shop").account_id("nobody"),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(&unknown, Error::BadRequest(d) if d.field() == Some("accountId")),
        "{unknown:?}"
    );
    // A reader's token generates a ticket for that reader.
    let for_reader = payway
        .generate_ticket(&token.access_token, TicketRequest::new("tulo-shop"))
        .await
        .unwrap();
    assert!(payway.exchange_ticket(&for_reader).await.is_ok());
}

#[tokio::test]
async fn wrong_client_credentials_get_invalid_client() {
    let fake = FakePayway::start().await;
    let ticket = Ticket::new(fake.issue_ticket("acc-4"));
    let impostor = fake
        .client_builder()
        .client_secret("not-the-fake-secret-0123")
        .build()
        .unwrap();
    let err = impostor.exchange_ticket(&ticket).await.unwrap_err();
    assert!(
        matches!(&err, Error::ClientCredentials(d) if d.error() == Some("invalid_client")),
        "{err:?}"
    );
    // The ticket was not consumed by the refused request.
    assert!(fake.client().exchange_ticket(&ticket).await.is_ok());
}

#[tokio::test]
async fn faults_status_delay_and_dropped_connections() {
    let fake = FakePayway::start().await;
    fake.add_account("acc-5", ["premium"]);
    let payway = fake
        .client_builder()
        .timeout(Duration::from_millis(300))
        .claim_ttl(Duration::from_secs(60))
        .build()
        .unwrap();
    let store = MemoryTicketStore::new();
    let ticket = Ticket::new(fake.issue_ticket("acc-5"));

    fake.fail_next(1, 503);
    let err = payway.login_with_ticket(&ticket, &store).await.unwrap_err();
    assert_eq!(err.status(), Some(StatusCode::SERVICE_UNAVAILABLE));

    fake.drop_next(1);
    let err = payway.login_with_ticket(&ticket, &store).await.unwrap_err();
    assert!(matches!(err, Error::Transport(_)), "{err:?}");

    fake.delay(Duration::from_secs(2));
    let err = payway.login_with_ticket(&ticket, &store).await.unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
    fake.delay(Duration::ZERO);

    // Each failure released the claim and left the ticket unused: the reader's retry works.
    let login = payway.login_with_ticket(&ticket, &store).await.unwrap();
    assert!(matches!(login, TicketLogin::LoggedIn { .. }), "{login:?}");
}

/// A client that shows redirects instead of following them, as a browser test would.
fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// The checkout page's form action, read from its HTML.
fn pay_action(html: &str) -> String {
    let start = html.find("action=\"").unwrap() + "action=\"".len();
    let end = start + html[start..].find('"').unwrap();
    html[start..end].to_owned()
}

#[tokio::test]
async fn the_shop_pays_and_sends_the_reader_back_with_one_ticket() {
    let fake = FakePayway::start().await;
    let payway = fake.client();
    let http = browser();
    let link = ShopUrl::builder(fake.shop_base_url())
        .path(["marketplace", "group1", "premium"])
        .return_url("https://news.example.com/welcome-back?article=42")
        .build()
        .unwrap();

    let page = http.get(link).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(
        html.contains("premium") && html.contains(">Pay</button>"),
        "{html}"
    );
    let pay = fake.base_url().join(&pay_action(&html)).unwrap();

    let paid = http.post(pay.clone()).send().await.unwrap();
    assert_eq!(paid.status(), StatusCode::SEE_OTHER);
    let back = Url::parse(paid.headers()["location"].to_str().unwrap()).unwrap();
    assert_eq!(back.host_str(), Some("news.example.com"));
    let pairs: Vec<(String, String)> = back.query_pairs().into_owned().collect();
    assert_eq!(pairs[0], ("article".to_owned(), "42".to_owned()));
    assert_eq!(pairs[1].0, "ticket");

    // A double click completes the same order: the same ticket.
    let again = http.post(pay).send().await.unwrap();
    assert_eq!(again.headers()["location"], paid.headers()["location"]);

    // The ticket logs a new demo account in, with the product it bought.
    let ticket = Ticket::new(pairs[1].1.clone());
    let token = payway.exchange_ticket(&ticket).await.unwrap();
    let active = payway.active_products(&token.access_token).await.unwrap();
    assert_eq!(active.product_codes, ["premium"]);
}

#[tokio::test]
async fn the_shop_keeps_the_account_the_at_ticket_names() {
    let fake = FakePayway::start().await;
    fake.add_account("acc-6", ["weekend"]);
    let http = browser();
    let outbound = Ticket::new(fake.issue_ticket("acc-6"));
    let link = ShopUrl::builder(fake.shop_base_url())
        .path(["premium"])
        .ticket(&outbound)
        .return_url("http://localhost:3000/back")
        .build()
        .unwrap();
    let html = http.get(link).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("acc-6"), "{html}");
    let pay = fake.base_url().join(&pay_action(&html)).unwrap();
    let paid = http.post(pay).send().await.unwrap();
    let back = Url::parse(paid.headers()["location"].to_str().unwrap()).unwrap();
    assert!(
        back.as_str()
            .starts_with("http://localhost:3000/back?ticket=")
    );
    assert_eq!(fake.products("acc-6").unwrap(), ["weekend", "premium"]);

    // The shop used the `at` ticket: it is spent.
    let spent = fake.client().exchange_ticket(&outbound).await.unwrap_err();
    assert!(matches!(spent, Error::Unauthorized(_)), "{spent:?}");

    // Without a way back the shop says so.
    let no_return = http
        .get(fake.shop_base_url().join("premium").unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(no_return.status(), StatusCode::BAD_REQUEST);
}
