//! `MemoryTicketStore` through the public `TicketStore` trait.

use std::sync::Arc;
use std::time::Duration;

use payway_client::{Fingerprint, MemoryTicketStore, TicketStore};
use tokio::task::JoinSet;

const TTL: Duration = Duration::from_secs(60);

#[tokio::test]
async fn a_fingerprint_is_claimed_once_until_released_or_expired() {
    let store = MemoryTicketStore::new();
    assert_eq!(store.capacity(), MemoryTicketStore::DEFAULT_CAPACITY);
    assert!(store.is_empty());
    let fp = Fingerprint::of("ticket-a");
    assert!(store.claim(&fp, TTL).await.unwrap());
    assert!(!store.claim(&fp, TTL).await.unwrap());
    assert!(
        store
            .claim(&Fingerprint::of("ticket-b"), TTL)
            .await
            .unwrap()
    );
    assert_eq!(store.len(), 2);

    store.release(&fp).await.unwrap();
    assert!(store.claim(&fp, TTL).await.unwrap());

    let short = Fingerprint::of("ticket-c");
    assert!(store.claim(&short, Duration::from_millis(1)).await.unwrap());
    tokio::time::sleep(Duration::from_millis(20)).await;
    assert!(
        store.claim(&short, TTL).await.unwrap(),
        "an expired claim is free again"
    );
}

#[tokio::test]
async fn a_full_store_never_refuses_a_claim_and_keeps_the_newest() {
    let store = MemoryTicketStore::with_capacity(8);
    for i in 0..8 {
        let fp = Fingerprint::of(&format!("t{i}"));
        assert!(
            store
                .claim(&fp, TTL + Duration::from_secs(i))
                .await
                .unwrap()
        );
    }
    // Full of live claims: the oldest (closest to expiring) makes room.
    assert!(store.claim(&Fingerprint::of("t8"), TTL * 2).await.unwrap());
    assert_eq!(store.len(), 8);
    assert!(!store.claim(&Fingerprint::of("t8"), TTL).await.unwrap());
    assert!(!store.claim(&Fingerprint::of("t7"), TTL).await.unwrap());
    // Expired claims make room before any live one goes.
    let roomy = MemoryTicketStore::with_capacity(2);
    roomy
        .claim(&Fingerprint::of("x"), Duration::from_millis(1))
        .await
        .unwrap();
    roomy.claim(&Fingerprint::of("y"), TTL).await.unwrap();
    tokio::time::sleep(Duration::from_millis(20)).await;
    assert!(roomy.claim(&Fingerprint::of("z"), TTL).await.unwrap());
    assert_eq!(roomy.len(), 2);
    assert!(!roomy.claim(&Fingerprint::of("y"), TTL).await.unwrap());
}

#[tokio::test]
async fn a_flood_past_the_default_capacity_leaves_room_for_a_real_ticket() {
    let store = MemoryTicketStore::new();
    let flood = MemoryTicketStore::DEFAULT_CAPACITY + 5_000;
    for i in 0..flood {
        let fp = Fingerprint::of(&format!("made-up-{i}"));
        assert!(store.claim(&fp, TTL).await.unwrap(), "claim {i} refused");
    }
    assert!(store.len() <= MemoryTicketStore::DEFAULT_CAPACITY);
    let real = Fingerprint::of("the-reader's-real-ticket");
    assert!(store.claim(&real, TTL).await.unwrap());
    assert!(!store.claim(&real, TTL).await.unwrap());
}

#[tokio::test]
async fn concurrent_claims_have_one_winner() {
    let store = Arc::new(MemoryTicketStore::with_capacity(16));
    let fp = Fingerprint::of("contested");
    let mut tasks = JoinSet::new();
    for _ in 0..64 {
        let store = Arc::clone(&store);
        tasks.spawn(async move { store.claim(&fp, TTL).await.unwrap() });
    }
    let winners = tasks
        .join_all()
        .await
        .into_iter()
        .filter(|won| *won)
        .count();
    assert_eq!(winners, 1);
}

#[tokio::test]
async fn usable_as_a_trait_object() {
    let store: Arc<dyn TicketStore> = Arc::new(MemoryTicketStore::with_capacity(4));
    let boxed: Box<dyn TicketStore> = Box::new(MemoryTicketStore::with_capacity(4));
    let fp = Fingerprint::of("dyn");
    assert!(store.claim(&fp, TTL).await.unwrap());
    assert!(!store.claim(&fp, TTL).await.unwrap());
    assert!(boxed.claim(&fp, TTL).await.unwrap());
    boxed.release(&fp).await.unwrap();
    assert!(boxed.claim(&fp, TTL).await.unwrap());
}
