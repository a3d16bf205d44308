//! `FakePayway`: the state it keeps, the answers it gives, its faults and its shop, through
//! the crate's real client.

use crate::support::invalid;
use std::time::Duration;

use payway_client::test_util::FakePayway;
use payway_client::{
    ACCOUNT_READ_SCOPE, AccessToken, Error, MemoryTicketStore, RefreshToken, ShopUrl, Ticket,
    TicketLogin, TicketRequest, TokenEncoding,
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
    invalid(&login);
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
    // Each made-up ticket is refused by Payway (401) and its claim released, so that made-up
    // tickets cannot fill the store (a retry is answered 401 by Payway again).
    for i in 0..160 {
        let login = payway
            .login_with_ticket(&Ticket::new(format!("made-up-{i}")), &store)
            .await
            .unwrap();
        invalid(&login);
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
    // A reader's token needs the scope `/api/authorization/ticket` (the ticket guide): this
    // one, asked for with the default scope only, is refused.
    let refused = payway
        .generate_ticket(&token.access_token, TicketRequest::new("tulo-shop"))
        .await
        .unwrap_err();
    assert!(
        matches!(&refused, Error::UnexpectedStatus(d)
            if d.status() == StatusCode::FORBIDDEN && d.code() == Some("insufficient_scope")),
        "{refused:?}"
    );
    // Asked for, it generates a ticket for that reader.
    let with_scope = fake
        .client_builder()
        .ticket_scopes(["/external/me/w", "/api/authorization/ticket"])
        .build()
        .unwrap();
    let token = with_scope
        .exchange_ticket(&Ticket::new(fake.issue_ticket("acc-3")))
        .await
        .unwrap();
    let for_reader = with_scope
        .generate_ticket(&token.access_token, TicketRequest::new("tulo-shop"))
        .await
        .unwrap();
    let exchanged = payway.exchange_ticket(&for_reader).await.unwrap();
    assert_eq!(
        payway.me(&exchanged.access_token).await.unwrap().id,
        "acc-3"
    );
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
    // Its id is in Payway's shape (24 lowercase hex digits), so the server-side call that
    // takes an account id takes it too.
    let account = payway.me(&token.access_token).await.unwrap();
    assert!(
        account.id.len() == 24
            && account
                .id
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)),
        "{}",
        account.id
    );
    let found = payway
        .account_active_products(&account.id, false)
        .await
        .unwrap();
    assert!(found.contains("premium"), "{found:?}");
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

#[tokio::test]
async fn the_fake_grants_the_scope_asked_for_and_me_requires_it() {
    let fake = FakePayway::start().await;
    fake.add_account("acc-7", ["premium"]);

    // The default exchange asks for `/external/me/w`, in both encodings: `/me` answers.
    for encoding in [TokenEncoding::Form, TokenEncoding::Json] {
        let payway = fake
            .client_builder()
            .token_encoding(encoding)
            .build()
            .unwrap();
        let token = payway
            .exchange_ticket(&Ticket::new(fake.issue_ticket("acc-7")))
            .await
            .unwrap();
        assert_eq!(token.scope.as_deref(), Some("/external/me/w"));
        assert_eq!(
            fake.granted_scope(&token.access_token).as_deref(),
            Some("/external/me/w")
        );
        assert_eq!(payway.me(&token.access_token).await.unwrap().id, "acc-7");
        assert!(payway.active_products(&token.access_token).await.is_ok());
    }

    // A token without it is refused with 403, as Payway's docs describe, also once
    // refreshed; and so is one asked for with no scope at all.
    for scopes in [vec!["/external/account/r"], vec![]] {
        let payway = fake.client_builder().ticket_scopes(scopes).build().unwrap();
        let token = payway
            .exchange_ticket(&Ticket::new(fake.issue_ticket("acc-7")))
            .await
            .unwrap();
        let refreshed = payway
            .refresh_token(token.refresh_token.as_ref().unwrap())
            .await
            .unwrap();
        assert_eq!(
            fake.granted_scope(&refreshed.access_token),
            fake.granted_scope(&token.access_token)
        );
        for access in [&token.access_token, &refreshed.access_token] {
            let me = payway.me(access).await.unwrap_err();
            assert!(
                matches!(&me, Error::UnexpectedStatus(d)
                    if d.status() == StatusCode::FORBIDDEN && d.code() == Some("insufficient_scope")),
                "{me:?}"
            );
            let products = payway.active_products(access).await.unwrap_err();
            assert_eq!(products.status(), Some(StatusCode::FORBIDDEN));
            let with_articles = payway.active_products_with_articles(access).await;
            assert_eq!(
                with_articles.unwrap_err().status(),
                Some(StatusCode::FORBIDDEN)
            );
        }
    }
    assert_eq!(
        fake.granted_scope(&AccessToken::new("at-never-issued")),
        None
    );
}

/// An account id as Payway's accounts API takes them.
const HEX_ACCOUNT: &str = "65a1f0c2b3d4e5f60718293a";

#[tokio::test]
async fn the_fake_serves_account_active_products_to_a_server_token() {
    let fake = FakePayway::start().await;
    fake.add_account(HEX_ACCOUNT, ["premium"]);
    fake.grant_article(HEX_ACCOUNT, "art-1");
    fake.grant_article(HEX_ACCOUNT, "art-1");
    let payway = fake.client();

    let found = payway
        .account_active_products(HEX_ACCOUNT, false)
        .await
        .unwrap();
    assert!(found.contains("premium"), "{found:?}");
    let active = found.products().unwrap();
    assert_eq!(active.account_id.as_deref(), Some(HEX_ACCOUNT));
    assert!(active.active_articles.is_empty() && active.external_plus_products.is_empty());

    fake.grant_external_plus_product(HEX_ACCOUNT, "print-plus");
    let with_articles = payway
        .account_active_products(HEX_ACCOUNT, true)
        .await
        .unwrap()
        .into_products()
        .unwrap();
    assert_eq!(with_articles.active_articles.len(), 1);
    let article = &with_articles.active_articles[0];
    assert_eq!(article.article_id.as_deref(), Some("art-1"));
    assert!(article.order_id.is_some() && article.purchase_date.is_some());
    assert!(article.title_code.is_some() && article.article_url.is_some());
    assert_eq!(with_articles.external_plus_products, ["print-plus"]);

    // The same item for the reader's own token.
    let token = payway
        .exchange_ticket(&Ticket::new(fake.issue_ticket(HEX_ACCOUNT)))
        .await
        .unwrap();
    let mine = payway
        .active_products_with_articles(&token.access_token)
        .await
        .unwrap();
    assert_eq!(mine, with_articles.clone());
    let without = payway.active_products(&token.access_token).await.unwrap();
    assert!(without.active_articles.is_empty() && without.contains("premium"));

    // An account Payway does not know is an outcome; cancelling a product shows at once.
    let unknown = payway
        .account_active_products("ffffffffffffffffffffffff", true)
        .await
        .unwrap();
    assert_eq!(unknown, payway_client::AccountProducts::UnknownAccount);
    assert!(fake.cancel_product(HEX_ACCOUNT, "premium"));
    let after = payway
        .account_active_products(HEX_ACCOUNT, false)
        .await
        .unwrap();
    assert!(!after.contains("premium"));
}

#[tokio::test]
async fn the_fake_account_endpoint_checks_token_scope_and_parameters() {
    let fake = FakePayway::start().await;
    fake.add_account(HEX_ACCOUNT, ["premium"]);
    let payway = fake.client();
    let http = browser();
    let get = |query: &str, token: &AccessToken| {
        let mut url = fake
            .base_url()
            .join("external/api/v1/accounts/active_products")
            .unwrap();
        url.set_query(Some(query));
        http.get(url).bearer_auth(token.expose_secret()).send()
    };
    let code = |body: &serde_json::Value| body["code"].as_str().unwrap_or_default().to_owned();

    let reader = payway
        .exchange_ticket(&Ticket::new(fake.issue_ticket(HEX_ACCOUNT)))
        .await
        .unwrap()
        .access_token;
    let wrong_scope = payway.server_token(&["/external/account/w"]).await.unwrap();
    let server = payway.server_token(&[ACCOUNT_READ_SCOPE]).await.unwrap();
    let query = format!("account_id={HEX_ACCOUNT}");

    // Only a server token with `/external/account/r` may read accounts.
    for token in [&reader, &wrong_scope] {
        let answer = get(&query, token).await.unwrap();
        assert_eq!(answer.status(), StatusCode::FORBIDDEN);
        let body: serde_json::Value = answer.json().await.unwrap();
        assert_eq!(code(&body), "insufficient_scope");
    }
    let unknown_token = get(&query, &AccessToken::new("at-made-up")).await.unwrap();
    assert_eq!(unknown_token.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(get(&query, &server).await.unwrap().status(), StatusCode::OK);

    // Payway's own account id check, and its refusals of other parameters.
    for (query, status, expected_code, field) in [
        ("account_id=ACC-1", 400, "invalid_parameter", "account_id"),
        (
            "account_id=65A1F0C2B3D4E5F60718293A",
            400,
            "invalid_parameter",
            "account_id",
        ),
        ("", 400, "invalid_parameter", "account_id"),
        (
            "account_id=65a1f0c2b3d4e5f60718293a&include_articles=yes",
            400,
            "invalid_parameter",
            "include_articles",
        ),
        (
            "account_id=65a1f0c2b3d4e5f60718293a&account_id=65a1f0c2b3d4e5f60718293a",
            400,
            "invalid_parameter",
            "account_id",
        ),
        (
            "account_id=65a1f0c2b3d4e5f60718293a&includeArticles=true",
            400,
            "unknown_parameter",
            "includeArticles",
        ),
        ("account_id=000000000000000000000000", 404, "not_found", ""),
    ] {
        let answer = get(query, &server).await.unwrap();
        assert_eq!(answer.status().as_u16(), status, "{query}");
        let body: serde_json::Value = answer.json().await.unwrap();
        assert_eq!(code(&body), expected_code, "{query}");
        assert_eq!(body["field"].as_str().unwrap_or_default(), field, "{query}");
    }
}
