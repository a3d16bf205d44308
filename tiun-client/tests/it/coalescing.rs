//! Concurrent checks of one session share one request; `Valid` answers may be remembered.

use std::time::Duration;

use tiun_client::test_util::FakeTiun;
use tiun_client::{Error, SessionStatus, TiunClient};
use tokio::task::JoinSet;

/// `n` checks of `session_id` at once, each in its own task.
async fn at_once(
    tiun: &TiunClient,
    session_id: &str,
    n: usize,
) -> Vec<Result<SessionStatus, Error>> {
    let mut checks = JoinSet::new();
    for _ in 0..n {
        let (tiun, id) = (tiun.clone(), session_id.to_owned());
        checks.spawn(async move { tiun.verify_session(&id).await });
    }
    checks.join_all().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_checks_of_one_session_share_one_request() {
    let fake = FakeTiun::start().await;
    fake.paid_session("s");
    fake.delay(Duration::from_millis(200));

    let outcomes = at_once(&fake.client(), "s", 50).await;

    assert!(
        outcomes
            .iter()
            .all(|o| matches!(o, Ok(SessionStatus::Valid)))
    );
    assert_eq!(fake.checks(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_coalescing_every_check_sends_its_own_request() {
    let fake = FakeTiun::start().await;
    fake.paid_session("s");
    fake.delay(Duration::from_millis(200));
    let tiun = fake.client_builder().coalesce(false).build().unwrap();

    let outcomes = at_once(&tiun, "s", 20).await;

    assert!(
        outcomes
            .iter()
            .all(|o| matches!(o, Ok(SessionStatus::Valid)))
    );
    assert_eq!(fake.checks(), 20);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn different_sessions_do_not_share() {
    let fake = FakeTiun::start().await;
    fake.paid_session("paid");
    fake.delay(Duration::from_millis(100));
    let tiun = fake.client();

    let (paid, unpaid) = tokio::join!(tiun.verify_session("paid"), tiun.verify_session("unpaid"));

    assert!(paid.unwrap().is_valid());
    assert!(!unpaid.unwrap().is_valid());
    assert_eq!(fake.checks(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_error_is_shared_as_an_error() {
    let fake = FakeTiun::start().await;
    fake.paid_session("s");
    fake.delay(Duration::from_millis(200));
    fake.fail_next(1, 502);
    let tiun = fake.client();

    let outcomes = at_once(&tiun, "s", 10).await;

    for outcome in outcomes {
        let error = outcome.unwrap_err();
        assert_eq!(error.status().map(|s| s.as_u16()), Some(502), "{error:?}");
        assert!(error.problem().is_some());
    }
    assert_eq!(fake.checks(), 1);
    assert!(tiun.verify_session("s").await.unwrap().is_valid());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_transport_error_is_shared_as_an_error() {
    let fake = FakeTiun::start().await;
    fake.paid_session("s");
    fake.delay(Duration::from_millis(200));
    fake.drop_next(1);

    let outcomes = at_once(&fake.client(), "s", 10).await;

    let mut shared = None;
    for outcome in outcomes {
        let error = outcome.unwrap_err();
        let Error::Transport(cause) = &error else {
            panic!("{error:?}")
        };
        // Every caller holds the one transport error of the one request.
        let first = shared.get_or_insert_with(|| std::sync::Arc::clone(cause));
        assert!(std::sync::Arc::ptr_eq(first, cause));
        assert!(!error.is_timeout());
        assert!(std::error::Error::source(&error).is_some());
    }
    assert_eq!(fake.checks(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_timeout_is_shared_as_a_timeout() {
    let fake = FakeTiun::start().await;
    fake.paid_session("s");
    fake.delay(Duration::from_secs(30));
    let tiun = fake
        .client_builder()
        .timeout(Duration::from_millis(200))
        .build()
        .unwrap();

    let outcomes = at_once(&tiun, "s", 10).await;

    assert!(
        outcomes
            .iter()
            .all(|o| o.as_ref().is_err_and(Error::is_timeout))
    );
    assert_eq!(fake.checks(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_caller_that_gives_up_does_not_cancel_the_others() {
    let fake = FakeTiun::start().await;
    fake.paid_session("s");
    fake.delay(Duration::from_millis(300));
    let tiun = fake.client();

    let first = {
        let tiun = tiun.clone();
        tokio::spawn(async move { tiun.verify_session("s").await })
    };
    tokio::time::sleep(Duration::from_millis(50)).await;
    let second = {
        let tiun = tiun.clone();
        tokio::spawn(async move { tiun.verify_session("s").await })
    };
    tokio::time::sleep(Duration::from_millis(50)).await;
    first.abort();

    assert!(second.await.unwrap().unwrap().is_valid());
    assert_eq!(fake.checks(), 1);
}

#[tokio::test]
async fn the_cache_remembers_valid_answers_for_the_time_given() {
    let fake = FakeTiun::start().await;
    fake.paid_session("s");
    let tiun = fake
        .client_builder()
        .cache_valid_for(Duration::from_millis(400))
        .build()
        .unwrap();

    for _ in 0..5 {
        assert!(tiun.verify_session("s").await.unwrap().is_valid());
    }
    assert_eq!(fake.checks(), 1);

    // The documented trade-off: an ended session is served until its entry expires.
    fake.end_session("s");
    assert!(tiun.verify_session("s").await.unwrap().is_valid());
    assert_eq!(fake.checks(), 1);
    tokio::time::sleep(Duration::from_millis(450)).await;
    assert!(!tiun.verify_session("s").await.unwrap().is_valid());
    assert_eq!(fake.checks(), 2);
}

#[tokio::test]
async fn the_cache_never_remembers_anything_but_valid() {
    let fake = FakeTiun::start().await;
    let tiun = fake
        .client_builder()
        .cache_valid_for(Duration::from_secs(60))
        .build()
        .unwrap();

    // Invalid, then paid: the reader who just paid is served at once.
    assert!(!tiun.verify_session("s").await.unwrap().is_valid());
    fake.paid_session("s");
    fake.fail_next(1, 500);
    assert!(tiun.verify_session("s").await.is_err());
    assert!(tiun.verify_session("s").await.unwrap().is_valid());
    assert_eq!(fake.checks(), 3);

    // Unauthorized is never remembered either.
    let wrong_key = fake
        .client_builder()
        .api_key("wrong")
        .cache_valid_for(Duration::from_secs(60))
        .build()
        .unwrap();
    for _ in 0..2 {
        assert!(matches!(
            wrong_key.verify_session("s").await.unwrap(),
            SessionStatus::Unauthorized { .. }
        ));
    }
    assert_eq!(fake.checks(), 5);
}

#[tokio::test]
async fn clones_share_flights_and_cache() {
    let fake = FakeTiun::start().await;
    fake.paid_session("s");
    let tiun = fake
        .client_builder()
        .cache_valid_for(Duration::from_secs(10))
        .build()
        .unwrap();
    assert!(tiun.verify_session("s").await.unwrap().is_valid());
    assert!(tiun.clone().verify_session("s").await.unwrap().is_valid());
    assert_eq!(fake.checks(), 1);
}
