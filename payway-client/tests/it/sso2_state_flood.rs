//! A page on another site that sends the reader here again and again: each visit starts a
//! login with a state cookie of its own, and without a bound they would pile up until the
//! reader's `Cookie` header is larger than the site's web server accepts.

use payway_client::sso2::{PageVisit, Reader, Sso2Flow, Sso2Page};
use payway_client::test_util::FakePayway;
use payway_client::{LoginState, LoginStateError, MAX_STATE_COOKIES, STATE_COOKIE_PREFIX};
use url::Url;

use crate::sso2_browser::{Jar, identify, land, news_site};

async fn setup() -> (FakePayway, Sso2Flow) {
    let fake = FakePayway::start().await;
    fake.add_account("acc-reader", ["premium"]);
    fake.add_login("reader@example.com", "pw-reader-123", "acc-reader");
    let flow = news_site(&fake);
    (fake, flow)
}

fn reader() -> Reader {
    Reader::new(
        "198.51.100.9".parse().unwrap(),
        "Mozilla/5.0 (Test) Firefox/126.0",
    )
}

fn page(i: usize) -> Url {
    Url::parse(&format!("https://news.example.com/articles/{i}")).unwrap()
}

#[tokio::test]
async fn a_flood_of_identifies_holds_a_few_state_cookies_and_the_reader_still_logs_in() {
    let (fake, flow) = setup().await;
    let mut jar = Jar::default();
    let mut identifies = Vec::new();
    for i in 0..60 {
        identifies.push(identify(&flow, &page(i), &reader(), &mut jar).await);
        let held = jar.names(STATE_COOKIE_PREFIX).len();
        assert_eq!(
            held,
            (i + 1).min(MAX_STATE_COOKIES),
            "after {} logins",
            i + 1
        );
    }
    assert!(jar.header().len() < 1400, "{} bytes", jar.header().len());
    // The newest logins are the ones kept: the last one lands at once.
    let last = fake
        .sso2_identify_logged_in(&identifies[59], "reader@example.com")
        .unwrap();
    let landed = land(&flow, &last, &mut jar).await.unwrap();
    assert_eq!(landed.redirect_to, page(59));
    assert!(landed.cookie.unwrap().has_product("premium"));
    // One whose cookie was cleared to make room goes through identify again, once, as a
    // return without its cookie does, and then lands.
    let dropped = fake
        .sso2_identify_logged_in(&identifies[0], "reader@example.com")
        .unwrap();
    let again = land(&flow, &dropped, &mut jar).await.unwrap();
    assert_eq!(again.not_bound, Some(LoginStateError::NoCookie));
    assert!(jar.names(STATE_COOKIE_PREFIX).len() <= MAX_STATE_COOKIES);
    let retried = fake
        .sso2_identify_logged_in(&again.redirect_to, "reader@example.com")
        .unwrap();
    let landed = land(&flow, &retried, &mut jar).await.unwrap();
    assert_eq!(landed.redirect_to, page(0));
    assert!(landed.cookie.is_some());
}

#[tokio::test]
async fn shop_logins_clear_the_oldest_state_cookies_too_and_other_cookies_stay() {
    let (_fake, flow) = setup().await;
    let mut jar = Jar::default();
    for i in 0..MAX_STATE_COOKIES {
        identify(&flow, &page(i), &reader(), &mut jar).await;
    }
    let oldest = jar.names(STATE_COOKIE_PREFIX);
    // A Tulo Shop login started by hand, through `LoginState::set_cookies_for`.
    let state = LoginState::new().unwrap();
    let header = jar.header();
    jar.apply(&state.set_cookies_for([header.as_bytes()]));
    let held = jar.names(STATE_COOKIE_PREFIX);
    assert_eq!(held.len(), MAX_STATE_COOKIES);
    assert_eq!(held.last(), Some(&state.cookie_name()));
    assert!(!held.contains(&oldest[0]), "the oldest was cleared");
    assert_eq!(held[..MAX_STATE_COOKIES - 1], oldest[1..]);
    // Other cookies are never touched.
    jar.apply(&["consent=yes; Path=/".to_owned()]);
    let (header, page, reader) = (jar.header(), page(99), reader());
    let visit = PageVisit::new(&page, &reader, [header.as_bytes()]);
    let Sso2Page::Identify { set_cookies, .. } = flow.page(&visit).await.unwrap() else {
        panic!("identify")
    };
    assert!(
        set_cookies
            .iter()
            .all(|set| set.starts_with(STATE_COOKIE_PREFIX))
    );
    jar.apply(&set_cookies);
    assert_eq!(jar.get("consent"), Some("yes"));
}

#[tokio::test]
async fn many_tabs_identifying_at_once_all_land_even_past_the_cap() {
    let (fake, flow) = setup().await;
    let mut jar = Jar::default();
    let count = MAX_STATE_COOKIES + 4;
    // Tabs opened at once each start a login before any of them lands (the browser sent
    // each request with the cookies it held then: the first ones are cleared).
    let identifies: Vec<Url> = {
        let mut urls = Vec::new();
        for i in 0..count {
            urls.push(identify(&flow, &page(i), &reader(), &mut jar).await);
        }
        urls
    };
    for (i, url) in identifies.iter().enumerate() {
        let arrived = fake
            .sso2_identify_logged_in(url, "reader@example.com")
            .unwrap();
        let mut landed = land(&flow, &arrived, &mut jar).await.unwrap();
        if landed.not_bound.is_some() {
            // Its cookie made room for a later tab: identify again, once, and land.
            let again = fake
                .sso2_identify_logged_in(&landed.redirect_to, "reader@example.com")
                .unwrap();
            landed = land(&flow, &again, &mut jar).await.unwrap();
        }
        assert_eq!(landed.redirect_to, page(i), "tab {i}");
        assert!(landed.cookie.is_some(), "tab {i}");
    }
}
