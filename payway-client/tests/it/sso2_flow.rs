//! `Sso2Flow` against `FakePayway`: identify, landing (taken once), refresh, a session ended
//! elsewhere, the account and products read again past their max age, accounts with many
//! products, bots and prefetches, and a key bound to its SSO2 client.

use std::time::{Duration, SystemTime};

use payway_client::sso2::{
    COOKIE_NAME, DEFAULT_ACCOUNT_MAX_AGE, PageVisit, Reader, SessionCookie, SessionCookieError,
    SessionCookieKey, Sso2Flow, Sso2Page, Sso2Status,
};
use payway_client::test_util::FakePayway;
use payway_client::{Error, TicketLogin};
use url::Url;

use crate::sso2_browser::{Jar, KEY, LANDING, identify, land, news_site, policy, session_page};

async fn setup() -> (FakePayway, Sso2Flow) {
    let fake = FakePayway::start().await;
    fake.add_account("acc-1", ["premium"]);
    fake.add_login("ada@example.com", "pw-ada-123", "acc-1");
    let flow = news_site(&fake);
    (fake, flow)
}

fn browser() -> Reader {
    Reader::new(
        "198.51.100.9".parse().unwrap(),
        "Mozilla/5.0 (Test) Chrome/125.0",
    )
}

fn article() -> Url {
    Url::parse("https://news.example.com/articles/7").unwrap()
}

/// The cookie a `Set-Cookie` value stores, opened.
fn stored(flow: &Sso2Flow, set_cookie: &str) -> SessionCookie {
    let pair = set_cookie.split(';').next().unwrap();
    flow.key().open_cookie_header(pair).unwrap().unwrap()
}

#[tokio::test]
async fn identify_landing_and_pages() {
    let (fake, flow) = setup().await;
    let reader = browser();
    let page = article();
    let mut jar = Jar::default();

    // No cookie: identify, with a login state cookie for this browser.
    let outcome = flow
        .page(&PageVisit::new(&page, &reader, std::iter::empty()))
        .await
        .unwrap();
    let Sso2Page::Identify { url, set_cookies } = &outcome else {
        panic!("a first visit identifies")
    };
    assert_eq!(set_cookies.len(), 1);
    assert!(
        set_cookies[0].starts_with("__Host-pw-state-"),
        "{set_cookies:?}"
    );
    assert!(
        set_cookies[0].ends_with("; Path=/; Max-Age=600; HttpOnly; Secure; SameSite=Lax"),
        "{}",
        set_cookies[0]
    );
    jar.apply(set_cookies);
    // The continue URL carries the state, never the cookie's value.
    let r: String = url
        .query_pairs()
        .find(|(n, _)| n == "r")
        .map(|(_, v)| v.into_owned())
        .unwrap();
    assert!(
        r.starts_with("https://news.example.com/articles/7?pw_state="),
        "{r}"
    );
    let state_value = set_cookies[0]
        .split(';')
        .next()
        .unwrap()
        .split_once('=')
        .unwrap()
        .1;
    assert!(!url.as_str().contains(state_value));

    // SSO2 (the reader is logged in there) sends them to the landing page.
    let arrived = fake
        .sso2_identify_logged_in(url, "ada@example.com")
        .unwrap();
    let landed = land(&flow, &arrived, &mut jar).await.unwrap();
    assert!(!landed.is_replay() && !landed.is_identify_again());
    assert_eq!(
        landed.redirect_to, page,
        "the state is taken off the return URL"
    );
    assert!(matches!(landed.login, Some(TicketLogin::LoggedIn { .. })));
    // The state cookie cleared, the session cookie set.
    assert_eq!(landed.set_cookies.len(), 2);
    assert!(landed.set_cookies[0].contains("Max-Age=0"));
    assert!(jar.names("__Host-pw-state-").is_empty());
    let set_cookie = landed
        .set_cookies
        .get("__Host-payway-sso2")
        .unwrap()
        .to_owned();
    let cookie = stored(&flow, &set_cookie);
    assert!(cookie.has_product("premium"));
    assert_eq!(cookie.account_id(), Some("acc-1"));
    assert!(!format!("{landed:?}").contains(&set_cookie[20..40]));

    // The same landing URL again in this browser: its state cookie is gone, so nothing is
    // set or taken, and the reader is sent through identify again.
    let again = land(&flow, &arrived, &mut jar).await.unwrap();
    assert!(again.is_identify_again() && again.cookie.is_none());
    assert!(
        again
            .redirect_to
            .as_str()
            .starts_with(fake.sso_base_url().as_str())
    );

    // A fresh cookie is served as it is, without asking SSO2.
    let calls = fake.sso2_calls();
    let visit = PageVisit::new(&page, &reader, std::iter::empty()).session(Some(cookie.clone()));
    let (served, set_cookies) = session_page(&flow, &visit).await;
    assert!(set_cookies.is_empty() && served.has_product("premium"));
    assert_eq!(fake.sso2_calls(), calls);

    // Past the refresh interval: one status call, the cookie resealed, the account kept.
    let eager = flow.clone().with_refresh_after(Duration::ZERO);
    let visit = PageVisit::new(&page, &reader, std::iter::empty()).session(Some(cookie.clone()));
    let refreshed = eager.page(&visit).await.unwrap();
    let Sso2Page::Session {
        cookie: again,
        set_cookies,
    } = &refreshed
    else {
        panic!("{refreshed:?}")
    };
    assert!(again.has_product("premium"));
    assert_eq!(stored(&flow, &set_cookies[0]).account_id(), Some("acc-1"));
    assert_eq!(fake.sso2_calls(), calls + 1);

    // Logged out on another site: the next refresh clears the cookie and identifies again.
    assert!(fake.log_out_elsewhere(cookie.sid()));
    let visit = PageVisit::new(&page, &reader, std::iter::empty()).session(Some(cookie.clone()));
    let Sso2Page::Identify { set_cookies, .. } = eager.page(&visit).await.unwrap() else {
        panic!("a terminated session identifies again")
    };
    let clear = set_cookies.get("__Host-payway-sso2").unwrap();
    assert!(clear.contains("Max-Age=0"), "{clear}");
    assert_eq!(set_cookies.len(), 2, "the clearing and a new login state");
}

#[tokio::test]
async fn an_anonymous_landing_then_a_login_elsewhere_is_picked_up_on_refresh() {
    let (fake, flow) = setup().await;
    let reader = browser();
    let page = article();
    let mut jar = Jar::default();
    let url = identify(&flow, &page, &reader, &mut jar).await;
    let landed = land(&flow, &fake.sso2_identify(&url).unwrap(), &mut jar)
        .await
        .unwrap();
    assert!(landed.login.is_none());
    let cookie = landed.cookie.unwrap();
    assert_eq!(cookie.status(), Sso2Status::Anonymous);
    assert!(!cookie.is_logged_in());

    // The reader logs in to SSO2 on another site of the organisation.
    let sso2 = flow.sso2();
    let session = sso2
        .authenticate(
            cookie.sid(),
            "ada@example.com",
            "pw-ada-123".to_owned().into(),
            &reader,
        )
        .await
        .unwrap();
    assert_eq!(session.status(), Sso2Status::LoggedIn);
    let eager = flow.with_refresh_after(Duration::ZERO);
    let visit = PageVisit::new(&page, &reader, std::iter::empty()).session(Some(cookie));
    let (cookie, _) = session_page(&eager, &visit).await;
    assert!(cookie.has_product("premium"), "{cookie:?}");
}

#[tokio::test]
async fn bots_and_prefetches_are_never_sent_to_identify() {
    let (fake, flow) = setup().await;
    let page = article();
    let bot = Reader::new(
        "66.249.66.1".parse().unwrap(),
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    );
    assert!(matches!(
        flow.page(&PageVisit::new(&page, &bot, std::iter::empty())).await.unwrap(),
        Sso2Page::Anonymous { ref set_cookies } if set_cookies.is_empty()
    ));
    let reader = browser();
    assert!(matches!(
        flow.page(&PageVisit::new(&page, &reader, std::iter::empty()).prefetch(true))
            .await
            .unwrap(),
        Sso2Page::Anonymous { ref set_cookies } if set_cookies.is_empty()
    ));
    // The app may overrule the User-Agent guess either way.
    assert!(matches!(
        flow.page(&PageVisit::new(&page, &bot, std::iter::empty()).bot(false))
            .await
            .unwrap(),
        Sso2Page::Identify { .. }
    ));
    assert!(matches!(
        flow.page(&PageVisit::new(&page, &reader, std::iter::empty()).bot(true))
            .await
            .unwrap(),
        Sso2Page::Anonymous { .. }
    ));
    assert_eq!(fake.sso2_calls(), 0);

    // A prefetch whose session ended elsewhere gets the cookie cleared, not a redirect.
    let mut jar = Jar::default();
    let url = identify(&flow, &page, &reader, &mut jar).await;
    let cookie = land(&flow, &fake.sso2_identify(&url).unwrap(), &mut jar)
        .await
        .unwrap()
        .cookie
        .unwrap();
    fake.log_out_elsewhere(cookie.sid());
    let eager = flow.with_refresh_after(Duration::ZERO);
    let visit = PageVisit::new(&page, &reader, std::iter::empty())
        .session(Some(cookie))
        .prefetch(true);
    let outcome = eager.page(&visit).await.unwrap();
    assert!(
        matches!(&outcome, Sso2Page::Anonymous { set_cookies } if set_cookies.len() == 1 && set_cookies[0].contains("Max-Age=0")),
        "{outcome:?}"
    );
}

#[tokio::test]
async fn a_forged_landing_is_an_error_and_redirects_nowhere() {
    let (fake, flow) = setup().await;
    let mut jar = Jar::default();
    let url = identify(&flow, &article(), &browser(), &mut jar).await;
    let mut arrived = fake.sso2_identify(&url).unwrap();
    let pairs: Vec<(String, String)> = arrived.query_pairs().into_owned().collect();
    arrived
        .query_pairs_mut()
        .clear()
        .append_pair("t", &pairs[0].1)
        .append_pair("r", "https://evil.example/phish");
    assert!(matches!(
        land(&flow, &arrived, &mut jar.clone()).await.unwrap_err(),
        Error::Landing(_)
    ));
    let forged = Url::parse(&format!(
        "{LANDING}?t=a.b.c&r=https%3A%2F%2Fnews.example.com%2F"
    ))
    .unwrap();
    assert!(matches!(
        land(&flow, &forged, &mut jar.clone()).await.unwrap_err(),
        Error::Sso2Token(_)
    ));
    // SSO2 down during a refresh: an error, and the caller keeps serving anonymously.
    let cookie = land(&flow, &fake.sso2_identify(&url).unwrap(), &mut jar)
        .await
        .unwrap()
        .cookie
        .unwrap();
    fake.fail_next(1, 502);
    let eager = flow.with_refresh_after(Duration::ZERO);
    let error = eager
        .page(&PageVisit::new(&article(), &browser(), std::iter::empty()).session(Some(cookie)))
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(reqwest::StatusCode::BAD_GATEWAY));
}

#[tokio::test]
async fn logout_logs_out_of_sso2_and_clears_the_cookie() {
    let (fake, flow) = setup().await;
    let reader = browser();
    let mut jar = Jar::default();
    let url = identify(&flow, &article(), &reader, &mut jar).await;
    let arrived = fake
        .sso2_identify_logged_in(&url, "ada@example.com")
        .unwrap();
    let cookie = land(&flow, &arrived, &mut jar)
        .await
        .unwrap()
        .cookie
        .unwrap();
    let clear = flow.logout(&cookie, &reader).await.unwrap();
    assert!(clear.contains("Max-Age=0"));
    let after = flow
        .sso2()
        .session_status(cookie.sid(), Sso2Status::Anonymous, &reader)
        .await
        .unwrap();
    assert!(after.is_gone());
}

/// The cookie `flow` seals for a reader logged in to SSO2 with the login of `email`.
async fn landed_logged_in(fake: &FakePayway, flow: &Sso2Flow, email: &str) -> SessionCookie {
    let mut jar = Jar::default();
    let url = identify(flow, &article(), &browser(), &mut jar).await;
    let arrived = fake.sso2_identify_logged_in(&url, email).unwrap();
    land(flow, &arrived, &mut jar)
        .await
        .unwrap()
        .cookie
        .unwrap()
}

/// The cookie as if its account and products had been read `ago`.
fn read_ago(cookie: &SessionCookie, ago: Duration) -> SessionCookie {
    cookie.clone().with_account_read_at(SystemTime::now() - ago)
}

#[tokio::test]
async fn a_cancelled_subscription_shows_once_the_account_is_past_its_max_age() {
    let (fake, flow) = setup().await;
    let (reader, page) = (browser(), article());
    let cookie = landed_logged_in(&fake, &flow, "ada@example.com").await;
    assert!(cookie.has_product("premium"));
    assert!(fake.cancel_product("acc-1", "premium"));

    // Within the max age, refreshes (here on every page) keep what was read.
    let eager = flow.clone().with_refresh_after(Duration::ZERO);
    let visit = PageVisit::new(&page, &reader, std::iter::empty()).session(Some(cookie.clone()));
    let (served, _) = session_page(&eager, &visit).await;
    assert!(served.has_product("premium"));

    // Past it, the cookie alone vouches for nothing (fail closed)...
    let aged = read_ago(&cookie, DEFAULT_ACCOUNT_MAX_AGE + Duration::from_secs(1));
    assert!(aged.needs_account_check());
    assert!(!aged.has_product("premium") && !aged.is_logged_in());
    // ...and the next page reads the account and products again, through a fresh ticket.
    let exchanges = fake.exchanges();
    let visit = PageVisit::new(&page, &reader, std::iter::empty()).session(Some(aged));
    let (checked, set_cookies) = session_page(&flow, &visit).await;
    let set_cookie = &set_cookies[0];
    assert_eq!(fake.exchanges(), exchanges + 1);
    assert!(checked.is_logged_in() && !checked.has_product("premium"));
    assert_eq!(checked.account_id(), Some("acc-1"));
    let resealed = stored(&flow, set_cookie);
    assert!(!resealed.needs_account_check() && !resealed.has_product("premium"));

    // The max age is the flow's to choose.
    let strict = flow.clone().with_account_max_age(Duration::from_secs(60));
    let cookie = landed_logged_in(&fake, &strict, "ada@example.com").await;
    assert!(read_ago(&cookie, Duration::from_secs(61)).needs_account_check());
    let lenient = landed_logged_in(&fake, &flow, "ada@example.com").await;
    assert!(!read_ago(&lenient, Duration::from_secs(61)).needs_account_check());
}

#[tokio::test]
async fn another_account_logged_in_under_the_same_session_shows_past_the_max_age() {
    let (fake, flow) = setup().await;
    fake.add_account("acc-2", ["sport"]);
    fake.add_login("bob@example.com", "pw-bob-123", "acc-2");
    let reader = browser();
    let cookie = landed_logged_in(&fake, &flow, "ada@example.com").await;
    assert_eq!(cookie.account_id(), Some("acc-1"));
    // Bob logs in on another site, in the same browser's SSO2 session.
    let session = flow
        .sso2()
        .authenticate(
            cookie.sid(),
            "bob@example.com",
            "pw-bob-123".to_owned().into(),
            &reader,
        )
        .await
        .unwrap();
    assert_eq!(session.status(), Sso2Status::LoggedIn);
    let aged = read_ago(&cookie, DEFAULT_ACCOUNT_MAX_AGE);
    let page = article();
    let visit = PageVisit::new(&page, &reader, std::iter::empty()).session(Some(aged));
    let (checked, _) = session_page(&flow, &visit).await;
    assert_eq!(checked.account_id(), Some("acc-2"));
    assert!(checked.has_product("sport") && !checked.has_product("premium"));
}

#[tokio::test]
async fn a_failed_new_read_of_the_account_fails_closed() {
    let (fake, flow) = setup().await;
    let cookie = landed_logged_in(&fake, &flow, "ada@example.com").await;
    let aged = read_ago(&cookie, DEFAULT_ACCOUNT_MAX_AGE + Duration::from_secs(5));
    let (reader, page) = (browser(), article());
    let visit = PageVisit::new(&page, &reader, std::iter::empty()).session(Some(aged.clone()));
    // SSO2 down: an error and no cookie sealed; the aged cookie names no product meanwhile.
    fake.fail_next(1, 502);
    let error = flow.page(&visit).await.unwrap_err();
    assert_eq!(error.status(), Some(reqwest::StatusCode::BAD_GATEWAY));
    assert!(!aged.has_product("premium") && aged.account_id().is_none());
    // Once SSO2 answers again, the account is read again.
    let (checked, _) = session_page(&flow, &visit).await;
    assert!(checked.has_product("premium"));
}

#[tokio::test]
async fn a_new_read_of_the_account_needs_no_room_in_the_ticket_store() {
    let (fake, flow) = setup().await;
    // Room for one claim of each kind: the landing takes the landing's and its ticket's.
    let store = std::sync::Arc::new(payway_client::MemoryTicketStore::with_capacity(1));
    let flow = flow.with_ticket_store(store.clone());
    let cookie = landed_logged_in(&fake, &flow, "ada@example.com").await;
    let another = payway_client::Fingerprint::of("another-shop-return-ticket");
    let full = payway_client::TicketStore::claim(&*store, &another, Duration::from_secs(600))
        .await
        .unwrap_err();
    assert!(
        matches!(full, payway_client::StoreError::Full { .. }),
        "{full:?}"
    );
    // The ticket SSO2 answers a refresh with reached no browser: it is exchanged without a
    // claim, so a full (or unreachable) store cannot lock the reader out of what they pay for.
    let aged = read_ago(&cookie, DEFAULT_ACCOUNT_MAX_AGE + Duration::from_secs(1));
    let (reader, page) = (browser(), article());
    let visit = PageVisit::new(&page, &reader, std::iter::empty()).session(Some(aged));
    let exchanges = fake.exchanges();
    let (checked, _) = session_page(&flow, &visit).await;
    assert_eq!(fake.exchanges(), exchanges + 1);
    assert!(checked.has_product("premium"));
}

#[tokio::test]
async fn an_account_with_many_or_long_product_codes_still_logs_in() {
    let (fake, flow) = setup().await;
    let mut products: Vec<String> = (0..33).map(|i| format!("extra-{i:02}")).collect();
    products.push("x".repeat(65));
    products.push("premium".to_owned());
    fake.add_account("acc-1", products);
    let cookie = landed_logged_in(&fake, &flow, "ada@example.com").await;
    assert!(cookie.is_logged_in());
    assert_eq!(cookie.products().len(), 32);
    assert!(
        cookie
            .products()
            .iter()
            .all(|code| code.starts_with("extra-"))
    );
    // The first 32 that fit: the site gates on a code the cookie has no room for.
    assert!(!cookie.has_product("premium"));
}

#[tokio::test]
async fn gated_products_keep_the_codes_the_site_asks_for() {
    let (fake, flow) = setup().await;
    let mut products: Vec<String> = (0..33).map(|i| format!("extra-{i:02}")).collect();
    products.push("x".repeat(65));
    products.push("premium".to_owned());
    fake.add_account("acc-1", products);
    let gated = flow.gated_products(["premium", "weekend"]).unwrap();
    let cookie = landed_logged_in(&fake, &gated, "ada@example.com").await;
    assert_eq!(cookie.products(), ["premium"]);
    assert!(cookie.has_product("premium"));
    // A code a cookie cannot hold is refused when the flow is built, not at a reader's login.
    let (_fake, flow) = setup().await;
    for bad in [
        vec!["x".repeat(65)],
        vec![String::new()],
        vec!["a\nb".to_owned()],
    ] {
        assert!(matches!(
            flow.clone().gated_products(bad),
            Err(Error::InvalidInput { .. })
        ));
    }
    assert!(
        flow.gated_products((0..33).map(|i| format!("p{i}")))
            .is_err()
    );
}

#[tokio::test]
async fn an_account_id_too_long_for_the_cookie_is_an_error_not_a_session() {
    let (fake, flow) = setup().await;
    let long_id = "a".repeat(129);
    fake.add_account(&long_id, ["premium"]);
    fake.add_login("long@example.com", "pw-long-123", &long_id);
    let mut jar = Jar::default();
    let url = identify(&flow, &article(), &browser(), &mut jar).await;
    let arrived = fake
        .sso2_identify_logged_in(&url, "long@example.com")
        .unwrap();
    let error = land(&flow, &arrived, &mut jar).await.unwrap_err();
    assert!(
        matches!(
            error,
            Error::InvalidInput {
                what: "account id",
                ..
            }
        ),
        "{error:?}"
    );
    assert!(!format!("{error} {error:?}").contains(&long_id));
}

#[tokio::test]
async fn a_logged_in_session_whose_account_cannot_be_read_gets_no_account() {
    // SSO2 answers the session logged in without a ticket, or Payway refuses SSO2's ticket:
    // at a landing and at a new read of the account, the reader gets no account and no
    // product (fail closed).
    type Knob = fn(&FakePayway);
    type Login = fn(&Option<TicketLogin>) -> bool;
    let knobs: [(&str, Knob, Login); 2] = [
        (
            "no ticket",
            |fake| fake.sso2_withhold_next_tickets(1),
            |login| login.is_none(),
        ),
        (
            "ticket refused",
            |fake| fake.refuse_next_tickets(1),
            |login| matches!(login, Some(TicketLogin::Rejected { .. })),
        ),
    ];
    for (case, knob, expected_login) in knobs {
        let (fake, flow) = setup().await;
        let (reader, page) = (browser(), article());
        let mut jar = Jar::default();
        let url = identify(&flow, &page, &reader, &mut jar).await;
        knob(&fake);
        let arrived = fake
            .sso2_identify_logged_in(&url, "ada@example.com")
            .unwrap();
        let landed = land(&flow, &arrived, &mut jar).await.unwrap();
        assert!(expected_login(&landed.login), "{case}: {landed:?}");
        let cookie = landed.cookie.unwrap();
        assert!(
            cookie.account_id().is_none() && !cookie.has_product("premium"),
            "{case}: {cookie:?}"
        );
        assert_eq!(cookie.status(), Sso2Status::Anonymous, "{case}");

        let aged = read_ago(
            &landed_logged_in(&fake, &flow, "ada@example.com").await,
            DEFAULT_ACCOUNT_MAX_AGE + Duration::from_secs(1),
        );
        knob(&fake);
        let visit = PageVisit::new(&page, &reader, std::iter::empty()).session(Some(aged));
        let (checked, set_cookies) = session_page(&flow, &visit).await;
        for cookie in [checked, stored(&flow, &set_cookies[0])] {
            assert!(
                cookie.account_id().is_none() && !cookie.has_product("premium"),
                "{case}: {cookie:?}"
            );
            assert!(!cookie.is_logged_in(), "{case}");
        }
    }
}

#[tokio::test]
async fn a_bound_key_refuses_a_cookie_from_another_environment_under_the_same_secret() {
    // Stage and production, by mistake with one cookie secret: a subscriber on stage (where
    // products are bought with test cards) carries the cookie to production.
    let (stage, stage_flow) = setup().await;
    let production = FakePayway::start().await;
    production.set_sso2_landing_url(Url::parse(LANDING).unwrap());
    let bound = |fake: &FakePayway| {
        let sso2 = fake.sso2_client();
        let key = SessionCookieKey::new(KEY).unwrap().bound_to(&sso2);
        Sso2Flow::new(sso2, fake.client(), key, policy())
    };
    let (bound_stage, bound_production) = (bound(&stage), bound(&production));

    // Unbound, the secret alone decides: the stage cookie opens on production.
    let cookie = landed_logged_in(&stage, &stage_flow, "ada@example.com").await;
    assert!(cookie.has_product("premium"));
    let unbound_production = news_site(&production);
    let carried = stage_flow.key().seal(&cookie).unwrap();
    assert!(unbound_production.key().open(&carried).is_ok());

    // Bound, it opens only where it was sealed, and production sends the reader to identify.
    let cookie = landed_logged_in(&stage, &bound_stage, "ada@example.com").await;
    let carried = bound_stage.key().seal(&cookie).unwrap();
    assert_eq!(bound_stage.key().open(&carried).unwrap(), cookie);
    for other in [&bound_production, &unbound_production, &stage_flow] {
        assert!(matches!(
            other.key().open(&carried),
            Err(Error::SessionCookie(SessionCookieError::BadTag))
        ));
    }
    let header = format!("{COOKIE_NAME}={carried}");
    let opened = bound_production.key().open_cookie_header(&header);
    assert!(opened.is_err());
    let (reader, page) = (browser(), article());
    let visit = PageVisit::new(&page, &reader, [header.as_bytes()]).session(None);
    let answer = bound_production.page(&visit).await.unwrap();
    assert!(matches!(answer, Sso2Page::Identify { .. }), "{answer:?}");
}
