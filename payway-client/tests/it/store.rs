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
async fn a_full_store_refuses_a_claim_and_keeps_every_live_one() {
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
    // Full of live claims: the new one is refused, and none of the old ones goes.
    let err = store
        .claim(&Fingerprint::of("t8"), TTL * 2)
        .await
        .unwrap_err();
    assert!(err.is_full(), "{err:?}");
    assert_eq!(store.len(), 8);
    for i in 0..8 {
        let fp = Fingerprint::of(&format!("t{i}"));
        assert!(!store.claim(&fp, TTL).await.unwrap());
    }
    // Expired claims make room, and then the new claim is taken.
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
async fn a_flood_past_the_default_capacity_is_refused_and_every_held_claim_stays() {
    let store = MemoryTicketStore::new();
    let real = Fingerprint::of("the-reader's-real-ticket");
    assert!(store.claim(&real, TTL).await.unwrap());
    let flood = MemoryTicketStore::DEFAULT_CAPACITY + 5_000;
    let mut refused = 0;
    for i in 0..flood {
        let fp = Fingerprint::of(&format!("made-up-{i}"));
        match store.claim(&fp, TTL).await {
            Ok(taken) => assert!(taken, "claim {i}"),
            Err(error) => {
                assert!(error.is_full(), "{error:?}");
                refused += 1;
            }
        }
    }
    assert_eq!(refused, 5_001);
    assert_eq!(store.len(), MemoryTicketStore::DEFAULT_CAPACITY);
    assert!(!store.claim(&real, TTL).await.unwrap());
    // Releasing one claim makes room for exactly one.
    store.release(&real).await.unwrap();
    assert!(store.claim(&Fingerprint::of("next"), TTL).await.unwrap());
    assert!(store.claim(&real, TTL).await.unwrap_err().is_full());
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
