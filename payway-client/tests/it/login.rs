//! `login_with_ticket`: claim first, exchange, `/me`; the claim kept or released according
//! to what Payway answered.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use httpmock::prelude::*;
use payway_client::Ticket;
use payway_client::{
    Error, Fingerprint, MemoryTicketStore, PaywayClient, ProviderError, RejectReason, StoreError,
    TicketLogin, TicketStore,
};
use serde_json::json;
use tokio::task::JoinSet;

use crate::support::{
    builder, client, dead_base_url, invalid, malformed, mock_exchange, mock_exchange_status,
    mock_me,
};

/// A memory store that counts what the client asked of it.
#[derive(Default)]
struct CountingStore {
    inner: MemoryTicketStore,
    claims: AtomicUsize,
    releases: AtomicUsize,
}

#[async_trait::async_trait]
impl TicketStore for CountingStore {
    async fn claim(&self, fingerprint: &Fingerprint, ttl: Duration) -> Result<bool, StoreError> {
        self.claims.fetch_add(1, Ordering::SeqCst);
        self.inner.claim(fingerprint, ttl).await
    }

    async fn release(&self, fingerprint: &Fingerprint) -> Result<(), StoreError> {
        self.releases.fetch_add(1, Ordering::SeqCst);
        self.inner.release(fingerprint).await
    }
}

impl CountingStore {
    fn counts(&self) -> (usize, usize) {
        (
            self.claims.load(Ordering::SeqCst),
            self.releases.load(Ordering::SeqCst),
        )
    }
}

/// A store whose backend is down.
struct BrokenStore;

#[derive(Debug, thiserror::Error)]
#[error("backend unreachable")]
struct Unreachable;

#[async_trait::async_trait]
impl TicketStore for BrokenStore {
    async fn claim(&self, _: &Fingerprint, _: Duration) -> Result<bool, StoreError> {
        Err(StoreError::backend(Unreachable))
    }

    async fn release(&self, _: &Fingerprint) -> Result<(), StoreError> {
        Err(StoreError::backend(Unreachable))
    }
}

#[tokio::test]
async fn a_ticket_logs_in_once_then_is_already_used() {
    let server = MockServer::start_async().await;
    let exchange = mock_exchange(&server, "tkt-ok", "user-access").await;
    let me = mock_me(&server, "user-access").await;
    let payway = client(&server);
    let store = CountingStore::default();

    let login = payway
        .login_with_ticket(&Ticket::new("tkt-ok"), &store)
        .await
        .unwrap();
    let TicketLogin::LoggedIn { account, token } = login else {
        panic!("{login:?}")
    };
    assert_eq!(account.id, "acc-42");
    assert_eq!(account.email.as_deref(), Some("reader@example.com"));
    assert_eq!(token.access_token.expose_secret(), "user-access");
    assert_eq!(
        token.refresh_token.unwrap().expose_secret(),
        "refresh-secret-1"
    );

    let again = payway
        .login_with_ticket(&Ticket::new("tkt-ok"), &store)
        .await
        .unwrap();
    assert!(matches!(again, TicketLogin::AlreadyUsed), "{again:?}");
    exchange.assert_calls_async(1).await;
    me.assert_calls_async(1).await;
    assert_eq!(store.counts(), (2, 0));
}

#[tokio::test]
async fn fifty_concurrent_logins_of_one_ticket_have_one_winner() {
    let server = MockServer::start_async().await;
    let exchange = mock_exchange(&server, "tkt-race", "race-access").await;
    let me = mock_me(&server, "race-access").await;
    let payway = client(&server);
    let store = Arc::new(MemoryTicketStore::new());
    let mut logins = JoinSet::new();
    for _ in 0..50 {
        let payway = payway.clone();
        let store = Arc::clone(&store);
        logins.spawn(async move {
            payway
                .login_with_ticket(&Ticket::new("tkt-race"), &store)
                .await
                .unwrap()
        });
    }
    let outcomes = logins.join_all().await;
    let logged_in = outcomes
        .iter()
        .filter(|o| matches!(o, TicketLogin::LoggedIn { .. }))
        .count();
    let already_used = outcomes
        .iter()
        .filter(|o| matches!(o, TicketLogin::AlreadyUsed))
        .count();
    assert_eq!((logged_in, already_used), (1, 49));
    exchange.assert_calls_async(1).await;
    me.assert_calls_async(1).await;
}

#[tokio::test]
async fn the_claim_is_released_after_a_503_so_the_reader_can_retry() {
    let server = MockServer::start_async().await;
    let down = mock_exchange_status(&server, "tkt-503", 503, json!({"message": "down"})).await;
    let payway = client(&server);
    let store = CountingStore::default();
    let err = payway
        .login_with_ticket(&Ticket::new("tkt-503"), &store)
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(reqwest::StatusCode::SERVICE_UNAVAILABLE));
    assert_eq!(store.counts(), (1, 1));
    down.assert_calls_async(1).await;
    down.delete_async().await;

    // Payway is back: the same ticket goes through.
    let exchange = mock_exchange(&server, "tkt-503", "retry-access").await;
    mock_me(&server, "retry-access").await;
    let login = payway
        .login_with_ticket(&Ticket::new("tkt-503"), &store)
        .await
        .unwrap();
    assert!(matches!(login, TicketLogin::LoggedIn { .. }), "{login:?}");
    exchange.assert_calls_async(1).await;
}

#[tokio::test]
async fn the_claim_is_released_after_a_401_or_a_400() {
    // Payway refuses the ticket: `401` invalid, expired or used; `400` malformed. Tried
    // again, the ticket goes to Payway again, whose own single-use check refuses it.
    type Refusal = fn(&TicketLogin) -> &ProviderError;
    let cases: [(u16, serde_json::Value, Refusal); 2] = [
        (
            401,
            json!({"error": "invalid_grant", "error_description": "Ticket expired or already used"}),
            invalid,
        ),
        (400, json!({"error": "invalid_request"}), malformed),
    ];
    for (status, body, refusal) in cases {
        let server = MockServer::start_async().await;
        let ticket = format!("tkt-{status}");
        let refused = mock_exchange_status(&server, &ticket, status, body.clone()).await;
        let payway = client(&server);
        let store = CountingStore::default();
        for _ in 0..2 {
            let login = payway
                .login_with_ticket(&Ticket::new(ticket.clone()), &store)
                .await
                .unwrap();
            let details = refusal(&login);
            assert_eq!(details.status(), status);
            assert_eq!(details.error(), body["error"].as_str());
            assert!(store.inner.is_empty());
        }
        refused.assert_calls_async(2).await;
        assert_eq!(store.counts(), (2, 2));
    }
}

#[tokio::test]
async fn refused_client_credentials_are_an_error_and_release_the_claim() {
    let server = MockServer::start_async().await;
    let refused = mock_exchange_status(
        &server,
        "tkt-cfg",
        401,
        json!({"error": "invalid_client", "error_description": "Unknown client"}),
    )
    .await;
    let payway = client(&server);
    let store = CountingStore::default();
    for _ in 0..2 {
        let err = payway
            .login_with_ticket(&Ticket::new("tkt-cfg"), &store)
            .await
            .unwrap_err();
        assert!(matches!(err, Error::ClientCredentials(_)), "{err:?}");
    }
    // Released each time: both attempts reached Payway.
    refused.assert_calls_async(2).await;
    assert_eq!(store.counts(), (2, 2));
}

#[tokio::test]
async fn no_connection_releases_the_claim() {
    let store = CountingStore::default();
    let unreachable = PaywayClient::builder()
        .base_url(dead_base_url())
        .client_id("id")
        .client_secret("secret-0123456789abcdef")
        .build()
        .unwrap();
    let err = unreachable
        .login_with_ticket(&Ticket::new("tkt-net"), &store)
        .await
        .unwrap_err();
    assert!(err.is_connect(), "{err:?}");
    assert_eq!(store.counts(), (1, 1));
    // Released: the ticket is free for a retry.
    assert!(
        store
            .inner
            .claim(&Fingerprint::of("tkt-net"), Duration::from_secs(1))
            .await
            .unwrap()
    );
}

#[tokio::test]
async fn a_timeout_before_payways_answer_releases_the_claim() {
    // No token was seen; if Payway did consume the ticket, it answers the retry with 401.
    let server = MockServer::start_async().await;
    let slow = server
        .mock_async(|when, then| {
            when.path("/api/authorization/access_token");
            then.status(200)
                .delay(Duration::from_secs(5))
                .json_body(json!({"access_token": "late"}));
        })
        .await;
    let impatient = builder(&server)
        .timeout(Duration::from_millis(200))
        .claim_ttl(Duration::from_secs(60))
        .build()
        .unwrap();
    let store = CountingStore::default();

    let err = impatient
        .login_with_ticket(&Ticket::new("tkt-slow"), &store)
        .await
        .unwrap_err();

    assert!(err.is_timeout() && !err.is_connect(), "{err:?}");
    assert_eq!(store.counts(), (1, 1));
    slow.assert_calls_async(1).await;
    slow.delete_async().await;
    let used = mock_exchange_status(
        &server,
        "tkt-slow",
        401,
        json!({"error": "invalid_grant", "error_description": "ticket already used"}),
    )
    .await;
    let again = impatient
        .login_with_ticket(&Ticket::new("tkt-slow"), &store)
        .await
        .unwrap();
    invalid(&again);
    used.assert_calls_async(1).await;
    // Refused, that claim is released too.
    assert_eq!(store.counts(), (2, 2));
}

/// A Payway stand-in that starts a `200` answer and never finishes its body.
async fn payway_that_breaks_off() -> (url::Url, Arc<AtomicUsize>) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = url::Url::parse(&format!("http://{}/", listener.local_addr().unwrap())).unwrap();
    let requests = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&requests);
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            counter.fetch_add(1, Ordering::SeqCst);
            tokio::spawn(async move {
                let mut request = [0_u8; 4096];
                let _ = stream.read(&mut request).await;
                let head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 500\r\n\r\n";
                let _ = stream.write_all(head.as_bytes()).await;
                let _ = stream.write_all(br#"{"access_token":"#).await;
                tokio::time::sleep(Duration::from_secs(5)).await;
            });
        }
    });
    (base, requests)
}

#[tokio::test]
async fn a_response_that_breaks_off_keeps_the_claim() {
    // Payway answered 200: it consumed the ticket and issued a token that never arrived.
    let (base, requests) = payway_that_breaks_off().await;
    let payway = PaywayClient::builder()
        .base_url(base)
        .client_id(crate::support::CLIENT_ID)
        .client_secret(crate::support::CLIENT_SECRET)
        .timeout(Duration::from_millis(300))
        .claim_ttl(Duration::from_secs(60))
        .build()
        .unwrap();
    let store = CountingStore::default();

    let err = payway
        .login_with_ticket(&Ticket::new("tkt-cut"), &store)
        .await
        .unwrap_err();

    assert!(matches!(err, Error::Transport(_)), "{err:?}");
    assert_eq!(store.counts(), (1, 0));
    let again = payway
        .login_with_ticket(&Ticket::new("tkt-cut"), &store)
        .await
        .unwrap();
    assert!(matches!(again, TicketLogin::AlreadyUsed), "{again:?}");
    assert_eq!(requests.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_redirect_followed_by_a_callers_client_keeps_the_claim() {
    // A 307 makes a following client post the ticket again, to wherever it points.
    let server = MockServer::start_async().await;
    let location = server.url("/elsewhere");
    server
        .mock_async(move |when, then| {
            when.path("/api/authorization/access_token");
            then.status(307).header("location", location);
        })
        .await;
    let elsewhere = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/elsewhere")
                .body_includes("ticket=tkt-307");
            then.status(200)
                .json_body(json!({"access_token": "stolen"}));
        })
        .await;
    let following = reqwest::Client::builder().build().unwrap();
    let payway = builder(&server).http_client(following).build().unwrap();
    let store = CountingStore::default();
    let err = payway
        .login_with_ticket(&Ticket::new("tkt-307"), &store)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::RedirectFollowed), "{err:?}");
    elsewhere.assert_calls_async(1).await;
    assert_eq!(store.counts(), (1, 0));
}

#[tokio::test]
async fn a_redirect_or_429_releases_the_claim() {
    let server = MockServer::start_async().await;
    let location = server.url("/elsewhere");
    server
        .mock_async(move |when, then| {
            when.path("/api/authorization/access_token")
                .body_includes("ticket=tkt-302");
            then.status(302).header("location", location);
        })
        .await;
    server
        .mock_async(|when, then| {
            when.path("/api/authorization/access_token")
                .body_includes("ticket=tkt-429");
            then.status(429).header("retry-after", "1");
        })
        .await;
    let payway = client(&server);
    let store = CountingStore::default();
    assert!(
        payway
            .login_with_ticket(&Ticket::new("tkt-302"), &store)
            .await
            .unwrap_err()
            .is_redirect()
    );
    let throttled = payway
        .login_with_ticket(&Ticket::new("tkt-429"), &store)
        .await
        .unwrap_err();
    assert_eq!(
        throttled.status(),
        Some(reqwest::StatusCode::TOO_MANY_REQUESTS)
    );
    assert_eq!(store.counts(), (2, 2));
}

#[tokio::test]
async fn a_failing_me_after_the_exchange_keeps_the_claim() {
    let server = MockServer::start_async().await;
    let exchange = mock_exchange(&server, "tkt-me", "me-access").await;
    let me = server
        .mock_async(|when, then| {
            when.path("/external/api/v1/me");
            then.status(500);
        })
        .await;
    let payway = client(&server);
    let store = CountingStore::default();
    let err = payway
        .login_with_ticket(&Ticket::new("tkt-me"), &store)
        .await
        .unwrap_err();
    assert_eq!(
        err.status(),
        Some(reqwest::StatusCode::INTERNAL_SERVER_ERROR)
    );
    assert!(matches!(
        payway
            .login_with_ticket(&Ticket::new("tkt-me"), &store)
            .await
            .unwrap(),
        TicketLogin::AlreadyUsed
    ));
    exchange.assert_calls_async(1).await;
    me.assert_calls_async(1).await;
    assert_eq!(store.counts(), (2, 0));
}

#[tokio::test]
async fn an_unreadable_token_answer_keeps_the_claim() {
    let server = MockServer::start_async().await;
    let exchange = server
        .mock_async(|when, then| {
            when.path("/api/authorization/access_token");
            then.status(200).body("<html>not a token</html>");
        })
        .await;
    let payway = client(&server);
    let store = CountingStore::default();
    let err = payway
        .login_with_ticket(&Ticket::new("tkt-garbled"), &store)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Parse(_)), "{err:?}");
    assert!(matches!(
        payway
            .login_with_ticket(&Ticket::new("tkt-garbled"), &store)
            .await
            .unwrap(),
        TicketLogin::AlreadyUsed
    ));
    exchange.assert_calls_async(1).await;
    assert_eq!(store.counts(), (2, 0));
}

#[tokio::test]
async fn a_store_failure_means_no_exchange() {
    let server = MockServer::start_async().await;
    let exchange = mock_exchange(&server, "tkt-store", "x").await;
    let err = client(&server)
        .login_with_ticket(&Ticket::new("tkt-store"), &BrokenStore)
        .await
        .unwrap_err();
    assert!(err.is_store(), "{err:?}");
    assert!(matches!(&err, Error::Store(StoreError::Backend(_))));
    exchange.assert_calls_async(0).await;
}

#[tokio::test]
async fn a_full_memory_store_refuses_and_the_ticket_is_not_exchanged() {
    let server = MockServer::start_async().await;
    let exchange = mock_exchange(&server, "tkt-full", "x").await;
    let _me = mock_me(&server, "x").await;
    let store = MemoryTicketStore::with_capacity(1);
    let other = Fingerprint::of("another-ticket");
    assert!(store.claim(&other, Duration::from_secs(60)).await.unwrap());
    let err = client(&server)
        .login_with_ticket(&Ticket::new("tkt-full"), &store)
        .await
        .unwrap_err();
    assert!(matches!(&err, Error::Store(e) if e.is_full()), "{err:?}");
    exchange.assert_calls_async(0).await;
    // The claim that was there stays; none was added.
    assert_eq!(store.len(), 1);
    assert!(!store.claim(&other, Duration::from_secs(60)).await.unwrap());
}

#[tokio::test]
async fn text_that_is_not_a_ticket_is_rejected_without_asking_anyone() {
    let server = MockServer::start_async().await;
    let any = server
        .mock_async(|when, then| {
            when.any_request();
            then.status(200);
        })
        .await;
    let payway = client(&server);
    let store = CountingStore::default();
    let long = "x".repeat(5000);
    for bad in [
        "",
        " ",
        "two words",
        "null\0byte",
        long.as_str(),
        "\u{200B}",
        "\u{FEFF}\u{00AD}",
        "\u{202E}\u{2066}",
    ] {
        let login = payway
            .login_with_ticket(&Ticket::new(bad), &store)
            .await
            .unwrap();
        assert!(
            matches!(
                login,
                TicketLogin::Rejected {
                    reason: RejectReason::NotATicket
                }
            ),
            "{login:?}"
        );
    }
    any.assert_calls_async(0).await;
    assert_eq!(store.counts(), (0, 0));
}

#[tokio::test]
async fn dyn_and_arc_stores_work() {
    let server = MockServer::start_async().await;
    mock_exchange(&server, "tkt-dyn", "dyn-access").await;
    mock_me(&server, "dyn-access").await;
    let payway = client(&server);
    let store: Arc<dyn TicketStore> = Arc::new(MemoryTicketStore::new());
    let login = payway
        .login_with_ticket(&Ticket::new("tkt-dyn"), store.as_ref())
        .await
        .unwrap();
    assert!(matches!(login, TicketLogin::LoggedIn { .. }));
    let again = payway
        .login_with_ticket(&Ticket::new("tkt-dyn"), &store)
        .await
        .unwrap();
    assert!(matches!(again, TicketLogin::AlreadyUsed));
}
