//! Reads through `FakeAccesstype`: the meter, subscribers, walls, reloads, faults.

use std::time::Duration;

use accesstype_jwt::test_util::{DEFAULT_FREE_STORIES, FakeAccesstype};
use accesstype_jwt::{
    AccesstypeClient, AccesstypeSigner, CheckOptions, Error, GrantReason, ReaderId, User, WallType,
};

fn new_reader() -> ReaderId {
    ReaderId::generate().unwrap()
}

#[tokio::test]
async fn a_reader_reads_the_free_stories_then_meets_the_wall() {
    let fake = FakeAccesstype::start().await;
    assert_eq!(DEFAULT_FREE_STORIES, 3);
    let accesstype = fake.client();
    let reader = new_reader();

    for (n, story) in ["one", "two", "three"].into_iter().enumerate() {
        let grant = accesstype.read_story(story, &reader, None).await.unwrap();
        assert!(grant.granted() && grant.is_metered(), "{story}");
        assert_eq!(grant.number_remaining(), Some(2 - n as i64));
        assert_eq!(fake.metered_reads(&reader), n as u32 + 1);
    }
    let wall = accesstype.read_story("four", &reader, None).await.unwrap();

    assert!(!wall.granted());
    assert_eq!(wall.wall_type(), Some(&WallType::PayWall));
    assert_eq!(wall.number_remaining(), Some(0));
    assert_eq!((fake.access_checks(), fake.pingbacks()), (4, 3));
    // Another reader has their own meter.
    let other = new_reader();
    assert!(
        accesstype
            .read_story("four", &other, None)
            .await
            .unwrap()
            .granted()
    );
    assert_eq!(fake.metered_reads(&other), 1);
}

#[tokio::test]
async fn only_pingbacks_move_the_meter() {
    let fake = FakeAccesstype::start().await;
    fake.set_free_stories(1);
    let accesstype = fake.client();
    let reader = new_reader();
    // Checks alone, however many, use up nothing.
    for _ in 0..3 {
        let grant = accesstype.check_access("s", &reader, None).await.unwrap();
        assert!(grant.is_metered());
    }
    assert_eq!((fake.access_checks(), fake.pingbacks()), (3, 0));
    let grant = accesstype.check_access("s", &reader, None).await.unwrap();
    accesstype
        .pingback("s", &reader, None, &grant)
        .await
        .unwrap();
    assert_eq!(fake.metered_reads(&reader), 1);
    assert!(
        !accesstype
            .check_access("t", &reader, None)
            .await
            .unwrap()
            .granted()
    );
}

#[tokio::test]
async fn a_subscriber_is_never_metered() {
    let fake = FakeAccesstype::start().await;
    fake.set_free_stories(1);
    fake.subscribe(42);
    fake.hard_paywall("exclusive");
    let accesstype = fake.client();
    let reader = new_reader();
    let jwt = fake
        .signer()
        .sign(&User::new("subscriber@example.com", 42))
        .unwrap();

    for story in ["one", "two", "three", "exclusive"] {
        let grant = accesstype
            .read_story(story, &reader, Some(&jwt))
            .await
            .unwrap();
        assert!(grant.granted(), "{story}");
        assert_eq!(grant.grant_reason(), Some(&GrantReason::Subscriber));
        assert_eq!(grant.is_logged_in(), Some(true));
    }
    assert_eq!(fake.pingbacks(), 0);
    assert_eq!(fake.metered_reads(&reader), 0);

    // The subscription ends: the same reader is metered like anyone.
    fake.unsubscribe(42);
    let grant = accesstype
        .read_story("one", &reader, Some(&jwt))
        .await
        .unwrap();
    assert!(grant.is_metered() && grant.is_logged_in() == Some(true));
    assert_eq!(fake.pingbacks(), 1);
}

#[tokio::test]
async fn a_forged_jwt_reads_as_an_anonymous_reader() {
    let fake = FakeAccesstype::start().await;
    fake.subscribe(42);
    let forger = AccesstypeSigner::builder()
        .secret("a-secret-that-is-not-the-accounts-one!!")
        .build()
        .unwrap();
    let forged = forger
        .sign(&User::new("subscriber@example.com", 42))
        .unwrap();
    let grant = fake
        .client()
        .read_story("one", &new_reader(), Some(&forged))
        .await
        .unwrap();
    assert_eq!(grant.grant_reason(), Some(&GrantReason::Metering));
    assert_eq!(grant.is_logged_in(), Some(false));
}

#[tokio::test]
async fn walls_vary_by_story() {
    let fake = FakeAccesstype::start().await;
    fake.hard_paywall("exclusive");
    fake.registration_wall("members");
    let accesstype = fake.client();
    let reader = new_reader();
    let jwt = fake
        .signer()
        .sign(&User::with_phone_number("+919999999999", "u-5"))
        .unwrap();

    let exclusive = accesstype
        .read_story("exclusive", &reader, None)
        .await
        .unwrap();
    assert_eq!(exclusive.wall_type(), Some(&WallType::PayWall));
    let members = accesstype
        .read_story("members", &reader, None)
        .await
        .unwrap();
    assert_eq!(members.wall_type(), Some(&WallType::RegistrationWall));
    // Logged in, a registration-wall story goes through the meter.
    let members = accesstype
        .read_story("members", &reader, Some(&jwt))
        .await
        .unwrap();
    assert!(members.is_metered());
    // With the meter switched off, an ordinary story is for subscribers only.
    let hard = accesstype
        .read_story_with(
            "ordinary",
            &reader,
            None,
            CheckOptions::new().disable_meter(),
        )
        .await
        .unwrap();
    assert_eq!(hard.wall_type(), Some(&WallType::PayWall));
    assert_eq!(fake.pingbacks(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_reloads_are_metered_once() {
    let fake = FakeAccesstype::start().await;
    // Slow enough that the reloads overlap.
    fake.delay(Duration::from_millis(100));
    let reader = new_reader();
    let reload = |accesstype: AccesstypeClient, reader: ReaderId| {
        tokio::spawn(async move { accesstype.read_story("popular", &reader, None).await })
    };

    let accesstype = fake.client();
    let reloads: Vec<_> = (0..4)
        .map(|_| reload(accesstype.clone(), reader.clone()))
        .collect();
    for reload in reloads {
        assert!(reload.await.unwrap().unwrap().is_metered());
    }
    assert_eq!((fake.access_checks(), fake.pingbacks()), (1, 1));
    assert_eq!(fake.metered_reads(&reader), 1);

    // Without coalescing, the same reloads would each count.
    let uncoalesced = fake.client_builder().coalesce(false).build().unwrap();
    let other = new_reader();
    let reloads: Vec<_> = (0..2)
        .map(|_| reload(uncoalesced.clone(), other.clone()))
        .collect();
    for reload in reloads {
        assert!(reload.await.unwrap().unwrap().is_metered());
    }
    assert_eq!(fake.metered_reads(&other), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reload_that_cancels_the_first_request_is_still_metered_once() {
    let fake = FakeAccesstype::start().await;
    // Each request takes 100 ms: the check answers at about 100 ms, the pingback at 200.
    fake.delay(Duration::from_millis(100));
    let accesstype = fake.client();
    let reader = new_reader();
    let read = || {
        let (accesstype, reader) = (accesstype.clone(), reader.clone());
        tokio::spawn(async move { accesstype.read_story("popular", &reader, None).await })
    };
    let first = read();
    tokio::time::sleep(Duration::from_millis(20)).await;
    let second = read();
    tokio::time::sleep(Duration::from_millis(130)).await;
    // The browser gave up on the first request, mid-pingback, when the reader hit reload.
    first.abort();
    assert!(second.await.unwrap().unwrap().is_metered());
    // The reload joined the first read: one check, one pingback, one story used up.
    assert_eq!((fake.access_checks(), fake.pingbacks()), (1, 1));
    assert_eq!(fake.metered_reads(&reader), 1);
}

#[tokio::test]
async fn a_kept_grant_serves_a_reload_without_asking_again() {
    let fake = FakeAccesstype::start().await;
    let accesstype = fake
        .client_builder()
        .cache_grants_for(Duration::from_secs(180))
        .build()
        .unwrap();
    let reader = new_reader();
    for _ in 0..5 {
        assert!(
            accesstype
                .read_story("one", &reader, None)
                .await
                .unwrap()
                .granted()
        );
    }
    assert_eq!((fake.access_checks(), fake.pingbacks()), (1, 1));
}

#[tokio::test]
async fn the_fake_checks_both_keys() {
    let fake = FakeAccesstype::start().await;
    let reader = new_reader();
    let wrong_api_key = fake
        .client_builder()
        .api_key("not-the-key")
        .build()
        .unwrap();
    let wrong_account = fake
        .client_builder()
        .account_key("someone-else")
        .build()
        .unwrap();
    for client in [wrong_api_key, wrong_account] {
        let error = client.read_story("one", &reader, None).await.unwrap_err();
        assert_eq!(error.status().map(|s| s.as_u16()), Some(401), "{error:?}");
    }
    assert_eq!(fake.pingbacks(), 0);
    assert_eq!(fake.account_key(), "fake-accesstype-account");
    assert!(!format!("{fake:?}").contains(fake.api_key()));
}

#[tokio::test]
async fn faults_are_errors_never_grants() {
    let fake = FakeAccesstype::start().await;
    let accesstype = fake
        .client_builder()
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let reader = new_reader();

    fake.fail_next(1, 500);
    let error = accesstype
        .read_story("one", &reader, None)
        .await
        .unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(500));

    fake.drop_next(1);
    let error = accesstype
        .read_story("one", &reader, None)
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Transport(_)), "{error:?}");

    fake.delay(Duration::from_secs(2));
    let error = accesstype
        .read_story("one", &reader, None)
        .await
        .unwrap_err();
    assert!(error.is_timeout(), "{error:?}");
    fake.delay(Duration::ZERO);

    // The faults are used up: the next read goes through, and is the first one counted.
    assert!(
        accesstype
            .read_story("one", &reader, None)
            .await
            .unwrap()
            .granted()
    );
    assert_eq!(fake.metered_reads(&reader), 1);
}
