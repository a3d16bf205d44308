//! A store under pressure: a flood of made-up tickets never un-claims a live landing, a full
//! store refuses, refused tickets give their claims back, and each kind has its own room.

use crate::support::{invalid, malformed};
use std::time::Duration;

use payway_client::test_util::FakePayway;
use payway_client::{
    ClaimKind, Error, Fingerprint, MemoryTicketStore, StoreError, Ticket, TicketLogin, TicketStore,
};

/// The claim TTL of a ticket login.
const TICKET_TTL: Duration = Duration::from_secs(600);
/// A landing's claim ends with its token, well before a ticket's: under eviction it would go
/// first.
const LANDING_TTL: Duration = Duration::from_secs(90);

/// Claims `count` made-up tickets named `{name}-{i}`; how many the store refused for lack
/// of room.
async fn flood(store: &MemoryTicketStore, name: &str, count: usize) -> usize {
    let mut full = 0;
    for i in 0..count {
        let made_up = Fingerprint::of(&format!("{name}-{i}"));
        match store.claim(&made_up, TICKET_TTL).await {
            Ok(true) => {}
            Ok(false) => panic!("made-up ticket {i} was already claimed"),
            Err(StoreError::Full { .. }) => full += 1,
            Err(other) => panic!("{other:?}"),
        }
    }
    full
}

#[tokio::test]
async fn a_flood_of_200_ticket_claims_cannot_unclaim_a_live_landing() {
    let store = MemoryTicketStore::with_capacity(64);
    let landing = Fingerprint::of_landing("a-used-landing-token");
    assert!(store.claim(&landing, LANDING_TTL).await.unwrap());

    flood(&store, "made-up", 200).await;

    // The landing URL was used: taking it again is refused, however many claims came after.
    assert!(!store.claim(&landing, LANDING_TTL).await.unwrap());
}

#[tokio::test]
async fn a_flood_of_landing_claims_cannot_unclaim_a_live_landing_either() {
    let store = MemoryTicketStore::with_capacity(64);
    let used = Fingerprint::of_landing("the-victim's-landing");
    assert!(store.claim(&used, LANDING_TTL).await.unwrap());
    let mut full = 0;
    for i in 0..200 {
        let other = Fingerprint::of_landing(&format!("landing-{i}"));
        // Each a shorter claim than the victim's: a store that evicted the claims closest
        // to expiring would still have to drop live ones to take them all.
        match store.claim(&other, Duration::from_secs(60)).await {
            Ok(taken) => assert!(taken),
            Err(error) => {
                assert!(error.is_full(), "{error:?}");
                full += 1;
            }
        }
    }
    assert_eq!(full, 200 - 63);
    assert!(!store.claim(&used, LANDING_TTL).await.unwrap());
}

#[tokio::test]
async fn a_full_store_refuses_with_store_error_full_and_keeps_its_claims() {
    let store = MemoryTicketStore::with_capacity(64);
    assert_eq!(flood(&store, "first", 64).await, 0);
    let err = store
        .claim(&Fingerprint::of("one-more"), TICKET_TTL)
        .await
        .unwrap_err();
    assert!(err.is_full(), "{err:?}");
    assert!(
        matches!(
            err,
            StoreError::Full {
                capacity: 64,
                kind: ClaimKind::Ticket
            }
        ),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        "ticket store is full (64 unexpired ticket claims)"
    );
    assert_eq!(flood(&store, "then", 200).await, 200);
    // Every claim made before the store was full is still held.
    for i in 0..64 {
        let fp = Fingerprint::of(&format!("first-{i}"));
        assert!(
            !store.claim(&fp, TICKET_TTL).await.unwrap(),
            "claim {i} lost"
        );
    }
    assert_eq!(store.len_of(ClaimKind::Ticket), 64);
}

#[tokio::test]
async fn a_full_store_fails_the_login_closed_without_asking_payway() {
    let payway = FakePayway::start().await;
    payway.add_account("acc-1", ["premium"]);
    let client = payway.client();
    let store = MemoryTicketStore::with_capacity(1);
    assert!(
        store
            .claim(&Fingerprint::of("another-ticket"), TICKET_TTL)
            .await
            .unwrap()
    );
    let ticket = Ticket::new(payway.issue_ticket("acc-1"));
    let err = client.login_with_ticket(&ticket, &store).await.unwrap_err();
    assert!(err.is_store(), "{err:?}");
    assert!(matches!(&err, Error::Store(e) if e.is_full()), "{err:?}");
    assert_eq!(payway.exchanges(), 0);
    // Once there is room again, the same ticket logs in (it was never sent).
    store
        .release(&Fingerprint::of("another-ticket"))
        .await
        .unwrap();
    let login = client.login_with_ticket(&ticket, &store).await.unwrap();
    assert!(matches!(login, TicketLogin::LoggedIn { .. }), "{login:?}");
}

#[tokio::test]
async fn landings_keep_their_room_when_the_ticket_room_is_full() {
    let store = MemoryTicketStore::with_capacity(64);
    assert_eq!(flood(&store, "made-up", 200).await, 200 - 64);
    for i in 0..64 {
        let landing = Fingerprint::of_landing(&format!("landing-{i}"));
        assert!(store.claim(&landing, LANDING_TTL).await.unwrap());
        assert!(!store.claim(&landing, LANDING_TTL).await.unwrap());
    }
    assert!(
        store
            .claim(&Fingerprint::of_checkout("a-checkout"), LANDING_TTL)
            .await
            .unwrap()
    );
    assert_eq!(store.len_of(ClaimKind::Ticket), 64);
    assert_eq!(store.len_of(ClaimKind::Landing), 64);
    assert_eq!(store.len(), 64 * 2 + 1);
}

#[tokio::test]
async fn made_up_tickets_that_payway_refuses_401_give_their_claims_back() {
    let payway = FakePayway::start().await;
    payway.add_account("acc-1", ["premium"]);
    let client = payway.client();
    let store = MemoryTicketStore::with_capacity(64);
    for i in 0..200 {
        let made_up = Ticket::new(format!("made-up-ticket-{i}"));
        let login = client.login_with_ticket(&made_up, &store).await.unwrap();
        assert_eq!(invalid(&login).status(), 401);
        assert!(store.is_empty(), "the claim of made-up ticket {i} was kept");
    }
    assert_eq!(payway.exchanges(), 200);
    // The store never filled: a real reader still logs in, once.
    let ticket = Ticket::new(payway.issue_ticket("acc-1"));
    let login = client.login_with_ticket(&ticket, &store).await.unwrap();
    assert!(matches!(login, TicketLogin::LoggedIn { .. }), "{login:?}");
    let again = client.login_with_ticket(&ticket, &store).await.unwrap();
    assert!(matches!(again, TicketLogin::AlreadyUsed), "{again:?}");
    // The accepted ticket keeps its claim.
    assert_eq!(store.len(), 1);
}

#[tokio::test]
async fn tickets_that_payway_refuses_400_give_their_claims_back() {
    let payway = FakePayway::start().await;
    let client = payway.client();
    let store = MemoryTicketStore::with_capacity(64);
    payway.fail_next(200, 400);
    for i in 0..200 {
        let made_up = Ticket::new(format!("malformed-ticket-{i}"));
        let login = client.login_with_ticket(&made_up, &store).await.unwrap();
        assert_eq!(malformed(&login).status(), 400);
    }
    assert!(store.is_empty(), "{} claims kept", store.len());
}

#[tokio::test]
async fn a_refused_ticket_tried_again_is_refused_by_payway_again() {
    let payway = FakePayway::start().await;
    payway.add_account("acc-1", ["premium"]);
    let client = payway.client();
    let store = MemoryTicketStore::new();
    let ticket = Ticket::new(payway.issue_ticket("acc-1"));
    let first = client.login_with_ticket(&ticket, &store).await.unwrap();
    assert!(matches!(first, TicketLogin::LoggedIn { .. }), "{first:?}");
    // Another app server (its own store) replays the used ticket: Payway refuses it, and
    // that store keeps no claim for it.
    let other_store = MemoryTicketStore::new();
    for _ in 0..2 {
        let replay = client
            .login_with_ticket(&ticket, &other_store)
            .await
            .unwrap();
        invalid(&replay);
        assert!(other_store.is_empty());
    }
    assert_eq!(payway.exchanges(), 3);
}
