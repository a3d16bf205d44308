//! A page on another site that sends the reader here again and again: each visit starts a
//! login with a state cookie of its own, and without a bound they would pile up until the
//! reader's `Cookie` header is larger than the site's web server accepts.

use payway_client::sso2::{PageVisit, Reader, SessionCookieKey, Sso2Flow, Sso2Page};
use payway_client::test_util::FakePayway;
use payway_client::{
    LoginState, LoginStateError, MAX_LIVE_LOGIN_STATES, ReturnPolicy, STATE_COOKIE_PREFIX,
};
use url::Url;

use crate::sso2_browser::{Jar, identify, land};

const LANDING: &str = "https://news.example.com/sso2/landing";
const CHECKOUT: &str = "https://news.example.com/checkout-landing";

async fn setup() -> (FakePayway, Sso2Flow) {
    let fake = FakePayway::start().await;
    fake.add_account("acc-reader", ["premium"]);
    fake.add_login("reader@example.com", "pw-reader-123", "acc-reader");
    fake.set_sso2_landing_url(Url::parse(LANDING).unwrap());
    let flow = Sso2Flow::new(
        fake.sso2_client(),
        fake.client(),
        SessionCookieKey::new(b"news-site-cookie-key-0123456789abcdef").unwrap(),
        ReturnPolicy::allow_hosts(["news.example.com"]),
    );
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
            (i + 1).min(MAX_LIVE_LOGIN_STATES),
            "after {} logins",
            i + 1
        );
    }
    assert!(jar.header().len() < 600, "{} bytes", jar.header().len());
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
    assert!(jar.names(STATE_COOKIE_PREFIX).len() <= MAX_LIVE_LOGIN_STATES);
    let retried = fake
        .sso2_identify_logged_in(&again.redirect_to, "reader@example.com")
        .unwrap();
    let landed = land(&flow, &retried, &mut jar).await.unwrap();
    assert_eq!(landed.redirect_to, page(0));
    assert!(landed.cookie.is_some());
}

#[tokio::test]
async fn checkouts_and_shop_logins_clear_the_oldest_state_cookies_too() {
    let (_fake, flow) = setup().await;
    let mut jar = Jar::default();
    for i in 0..MAX_LIVE_LOGIN_STATES {
        identify(&flow, &page(i), &reader(), &mut jar).await;
    }
    let oldest = jar.names(STATE_COOKIE_PREFIX);
    let (_, set_cookies) = flow
        .start_checkout(
            &Url::parse(CHECKOUT).unwrap(),
            &page(1),
            [jar.header().as_bytes()],
        )
        .unwrap();
    jar.apply(&set_cookies);
    let held = jar.names(STATE_COOKIE_PREFIX);
    assert_eq!(held.len(), MAX_LIVE_LOGIN_STATES);
    assert!(!held.contains(&oldest[0]), "the oldest was cleared");
    assert_eq!(held[..MAX_LIVE_LOGIN_STATES - 1], oldest[1..]);
    // A Tulo Shop login started by hand, through `LoginState::set_cookies`.
    let state = LoginState::new().unwrap();
    let header = jar.header();
    jar.apply(&state.set_cookies([header.as_bytes()]));
    let held = jar.names(STATE_COOKIE_PREFIX);
    assert_eq!(held.len(), MAX_LIVE_LOGIN_STATES);
    assert_eq!(held.last(), Some(&state.cookie_name()));
    assert!(!held.contains(&oldest[1]));
    // Other cookies are never touched.
    jar.apply(&["consent=yes; Path=/".to_owned()]);
    let (header, page, reader) = (jar.header(), page(9), reader());
    let visit = PageVisit::new(&page, &reader).cookie_headers([header.as_bytes()]);
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
