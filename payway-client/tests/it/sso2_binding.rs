//! Logins bound to the browser that started them, end to end through `FakePayway` and
//! `Sso2Flow`: a leaked landing URL replayed after a flood of made-up shop tickets, the
//! replay's refresh, a landing opened in another browser, a swapped `r`, three tabs at once,
//! no redirect loop without cookies, a far-future `exp`, and a cookie no one can read.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::Algorithm;
use payway_client::sso2::{
    LandingError, PageVisit, Reader, SessionCookie, SessionCookieKey, Sso2Flow, Sso2Page,
    TokenError,
};
use payway_client::test_util::FakePayway;
use payway_client::{
    Error, LoginState, LoginStateError, MemoryTicketStore, TicketCallback, TicketLogin,
};
use serde_json::json;
use url::Url;

use crate::sso2_browser::{Jar, LANDING, identify, land, news_site, policy};
use crate::sso2_support::sign_with;

const SESSION_COOKIE: &str = "__Host-payway-sso2";

async fn setup() -> (FakePayway, Sso2Flow) {
    let fake = FakePayway::start().await;
    fake.add_account("acc-victim", ["premium"]);
    fake.add_login("victim@example.com", "pw-victim-123", "acc-victim");
    let flow = news_site(&fake);
    (fake, flow)
}

fn reader(ip: &str) -> Reader {
    Reader::new(ip.parse().unwrap(), "Mozilla/5.0 (Test) Firefox/126.0")
}

fn article() -> Url {
    Url::parse("https://news.example.com/articles/7").unwrap()
}

/// The session cookie a jar holds, opened.
fn session_of(flow: &Sso2Flow, jar: &Jar) -> Option<SessionCookie> {
    flow.key().open_cookie_header(jar.header()).unwrap()
}

/// The victim logs in: identify, SSO2 (logged in), the landing. Their landing URL (what
/// leaks through history, logs and `Referer`), their browser's cookies just before the
/// landing, and the session cookie it sealed.
async fn victim_logs_in(fake: &FakePayway, flow: &Sso2Flow) -> (Url, Jar, SessionCookie) {
    let mut jar = Jar::default();
    let url = identify(flow, &article(), &reader("198.51.100.1"), &mut jar).await;
    let arrived = fake
        .sso2_identify_logged_in(&url, "victim@example.com")
        .unwrap();
    let before = jar.clone();
    let landed = land(flow, &arrived, &mut jar).await.unwrap();
    let cookie = landed.cookie.unwrap();
    assert!(cookie.has_product("premium"));
    (arrived, before, cookie)
}

/// Made-up tickets sent through the real shop return, each from a browser that started its
/// own shop login (anyone can: the state binds a return to a browser, not to a person).
async fn flood_the_shop_return(flow: &Sso2Flow, store: &MemoryTicketStore, count: usize) {
    let welcome = Url::parse("https://news.example.com/welcome-back").unwrap();
    for i in 0..count {
        let state = LoginState::new().unwrap();
        let mut arrived = state.bind(&welcome);
        arrived
            .query_pairs_mut()
            .append_pair("ticket", &format!("made-up-ticket-{i:04}"));
        let callback = TicketCallback::parse(&arrived, &policy()).unwrap();
        let pair = state.set_cookie().split(';').next().unwrap().to_owned();
        callback.check_state([pair.as_bytes()]).unwrap();
        let outcome = flow
            .payway()
            .login_with_ticket(callback.ticket(), store)
            .await;
        assert!(
            !matches!(outcome, Ok(TicketLogin::LoggedIn { .. })),
            "a made-up ticket logged in"
        );
    }
}

#[tokio::test]
async fn a_leaked_landing_url_replayed_after_a_flood_of_shop_tickets_gives_nothing() {
    let (fake, flow) = setup().await;
    let store = Arc::new(MemoryTicketStore::with_capacity(64));
    let flow = flow.with_ticket_store(store.clone());
    let (leaked, victims_jar, victim) = victim_logs_in(&fake, &flow).await;

    flood_the_shop_return(&flow, &store, 200).await;

    // The attacker opens the leaked landing URL in their own browser, with cookies of their
    // own (a shop login state, a planted session-cookie name): nothing for the victim's sid.
    let mut attacker = Jar::default();
    attacker.apply(&[
        LoginState::new().unwrap().set_cookie(),
        format!("{SESSION_COOKIE}=planted; Path=/"),
    ]);
    let exchanges = fake.exchanges();
    let replay = land(&flow, &leaked, &mut attacker).await.unwrap();
    assert!(replay.cookie.is_none() && replay.login.is_none());
    assert!(replay.set_cookies.get(SESSION_COOKIE).is_none());
    assert_eq!(replay.not_bound, Some(LoginStateError::NoCookie));
    assert_eq!(attacker.get(SESSION_COOKIE), Some("planted"));
    assert_eq!(fake.exchanges(), exchanges, "no ticket was exchanged");

    // Even with the victim's state cookie (which never leaves their browser: HttpOnly, and
    // cleared at the landing), the landing was taken once, and no flood evicted that claim.
    let mut stolen = victims_jar.clone();
    let again = land(&flow, &leaked, &mut stolen).await.unwrap();
    assert!(again.is_replay(), "{again:?}");
    assert!(again.set_cookies.get(SESSION_COOKIE).is_none());
    assert!(session_of(&flow, &stolen).is_none_or(|c| c.sid() != victim.sid()));
}

#[tokio::test]
async fn a_replayed_landing_never_escalates_to_the_victims_products_at_the_refresh() {
    let (fake, flow) = setup().await;
    let store = Arc::new(MemoryTicketStore::with_capacity(64));
    let flow = flow.with_ticket_store(store.clone());
    let (leaked, _, victim) = victim_logs_in(&fake, &flow).await;
    flood_the_shop_return(&flow, &store, 200).await;

    // The attacker follows every redirect the replay gives: identify again, SSO2 (their own
    // browser's session, anonymous), the landing under their own fresh state.
    let mut attacker = Jar::default();
    let replay = land(&flow, &leaked, &mut attacker).await.unwrap();
    assert!(replay.is_identify_again());
    assert_eq!(attacker.names("__Host-pw-state-").len(), 1);
    let arrived = fake.sso2_identify(&replay.redirect_to).unwrap();
    let landed = land(&flow, &arrived, &mut attacker).await.unwrap();
    assert_eq!(landed.redirect_to, article());
    let theirs = landed.cookie.unwrap();
    assert_ne!(theirs.sid(), victim.sid());

    // The refresh past the account's max age asks SSO2 with `lks=anon` for the attacker's own
    // session: no ticket, no account, no product of the victim's.
    let aged = theirs
        .with_confirmed_at(SystemTime::now() - Duration::from_secs(3600))
        .with_lifetime(Duration::from_secs(24 * 3600));
    let (page, attacker_reader) = (article(), reader("203.0.113.66"));
    let visit = PageVisit::new(&page, &attacker_reader, std::iter::empty()).session(Some(aged));
    let Sso2Page::Session { cookie, .. } = flow.page(&visit).await.unwrap() else {
        panic!("the attacker's own anonymous session")
    };
    assert_ne!(cookie.sid(), victim.sid());
    assert!(cookie.account_id().is_none() && !cookie.has_product("premium"));
}

#[tokio::test]
async fn a_landing_opened_in_another_browser_sets_nothing_and_spends_nothing() {
    let (fake, flow) = setup().await;
    let mut victim = Jar::default();
    let url = identify(&flow, &article(), &reader("198.51.100.1"), &mut victim).await;
    let arrived = fake
        .sso2_identify_logged_in(&url, "victim@example.com")
        .unwrap();

    // Opened first in another browser (a planted link, a leaked URL).
    let mut other = Jar::default();
    let exchanges = fake.exchanges();
    let refused = land(&flow, &arrived, &mut other).await.unwrap();
    assert_eq!(refused.not_bound, Some(LoginStateError::NoCookie));
    assert!(refused.cookie.is_none() && refused.login.is_none());
    assert_eq!(refused.set_cookies.len(), 1, "only a fresh login state");
    assert!(refused.set_cookies[0].starts_with("__Host-pw-state-"));
    assert_eq!(fake.exchanges(), exchanges);
    // Identify again, to the same page, under the new state.
    let r = refused
        .redirect_to
        .query_pairs()
        .find(|(name, _)| name == "r")
        .map(|(_, value)| value.into_owned())
        .unwrap();
    assert!(
        r.starts_with("https://news.example.com/articles/7?pw_state="),
        "{r}"
    );

    // The landing was not spent: the browser that started it still lands.
    let landed = land(&flow, &arrived, &mut victim).await.unwrap();
    assert!(landed.cookie.unwrap().has_product("premium"));
}

#[tokio::test]
async fn a_landing_whose_r_was_swapped_or_whose_cookie_was_edited_is_refused() {
    let (fake, flow) = setup().await;
    let mut victim = Jar::default();
    let url = identify(&flow, &article(), &reader("198.51.100.1"), &mut victim).await;
    let arrived = fake
        .sso2_identify_logged_in(&url, "victim@example.com")
        .unwrap();
    let t: String = arrived
        .query_pairs()
        .find(|(name, _)| name == "t")
        .map(|(_, value)| value.into_owned())
        .unwrap();
    let with_r = |r: &Url| {
        let mut url = Url::parse(LANDING).unwrap();
        url.query_pairs_mut()
            .append_pair("t", &t)
            .append_pair("r", r.as_str());
        url
    };
    // `r` swapped for one bound to another login (the attacker's).
    let swapped = with_r(&LoginState::new().unwrap().bind(&article()));
    let refused = land(&flow, &swapped, &mut victim.clone()).await.unwrap();
    assert_eq!(refused.not_bound, Some(LoginStateError::NoCookie));
    assert!(refused.cookie.is_none());
    // `r` without any state.
    let bare = with_r(&article());
    let refused = land(&flow, &bare, &mut victim.clone()).await.unwrap();
    assert_eq!(refused.not_bound, Some(LoginStateError::Missing));
    // The victim's state cookie edited: same name, another value.
    let name = victim.names("__Host-pw-state-").pop().unwrap();
    let mut edited = victim.clone();
    let other_value = LoginState::new().unwrap().set_cookie();
    let other_value = other_value
        .split(';')
        .next()
        .unwrap()
        .split_once('=')
        .unwrap()
        .1;
    edited.apply(&[format!("{name}={other_value}; Path=/")]);
    let refused = land(&flow, &arrived, &mut edited).await.unwrap();
    assert_eq!(refused.not_bound, Some(LoginStateError::Mismatch));
    assert!(refused.set_cookies.get(SESSION_COOKIE).is_none());
    // None of it spent the landing.
    assert!(
        land(&flow, &arrived, &mut victim)
            .await
            .unwrap()
            .cookie
            .is_some()
    );
}

#[tokio::test]
async fn three_tabs_identifying_at_once_all_land() {
    let (fake, flow) = setup().await;
    let mut jar = Jar::default();
    let reader = reader("198.51.100.1");
    let pages: Vec<Url> = (1..=3)
        .map(|i| Url::parse(&format!("https://news.example.com/articles/{i}")).unwrap())
        .collect();
    let mut arrivals = Vec::new();
    for page in &pages {
        let url = identify(&flow, page, &reader, &mut jar).await;
        arrivals.push(
            fake.sso2_identify_logged_in(&url, "victim@example.com")
                .unwrap(),
        );
    }
    assert_eq!(jar.names("__Host-pw-state-").len(), 3, "a cookie per login");
    // They land in any order, each to its own page.
    for i in [2, 0, 1] {
        let landed = land(&flow, &arrivals[i], &mut jar).await.unwrap();
        assert_eq!(landed.redirect_to, pages[i]);
        assert!(landed.cookie.unwrap().has_product("premium"), "tab {i}");
    }
    assert!(
        jar.names("__Host-pw-state-").is_empty(),
        "every state cleared"
    );
}

#[tokio::test]
async fn a_browser_that_keeps_no_cookies_gets_an_error_not_a_redirect_loop() {
    let (fake, flow) = setup().await;
    let url = identify(
        &flow,
        &article(),
        &reader("198.51.100.1"),
        &mut Jar::default(),
    )
    .await;
    let arrived = fake.sso2_identify(&url).unwrap();
    // The state cookie was never kept.
    let first = land(&flow, &arrived, &mut Jar::default()).await.unwrap();
    assert!(first.is_identify_again());
    let again = fake.sso2_identify(&first.redirect_to).unwrap();
    let error = land(&flow, &again, &mut Jar::default()).await.unwrap_err();
    assert!(
        matches!(
            error,
            Error::Landing(LandingError::NotThisBrowser(LoginStateError::NoCookie))
        ),
        "{error:?}"
    );
    // The browser that keeps its cookie lands on the second try, and the return URL is clean.
    let mut jar = Jar::default();
    jar.apply(&first.set_cookies);
    let landed = land(&flow, &again, &mut jar).await.unwrap();
    assert_eq!(landed.redirect_to, article());
    assert!(landed.cookie.is_some());
}

#[tokio::test]
async fn a_landing_token_with_a_far_future_exp_is_refused() {
    let (fake, flow) = setup().await;
    let mut jar = Jar::default();
    let url = identify(&flow, &article(), &reader("198.51.100.1"), &mut jar).await;
    let r: String = url
        .query_pairs()
        .find(|(name, _)| name == "r")
        .map(|(_, value)| value.into_owned())
        .unwrap();
    let now = jsonwebtoken::get_current_timestamp();
    let landing = |exp: u64| {
        let claims = json!({"sid": "sid-far", "sts": "anon", "iat": now, "nbf": now, "exp": exp});
        let t = sign_with(Algorithm::HS256, fake.client_secret(), &claims);
        let mut url = Url::parse(LANDING).unwrap();
        url.query_pairs_mut()
            .append_pair("t", &t)
            .append_pair("r", &r);
        url
    };
    for exp in [now + 3600, now + 30 * 24 * 3600] {
        let error = land(&flow, &landing(exp), &mut jar.clone())
            .await
            .unwrap_err();
        assert!(
            matches!(error, Error::Sso2Token(TokenError::ExpiresTooLate)),
            "{error:?}"
        );
    }
    // A token as SSO2 signs them (a minute) lands.
    assert!(
        land(&flow, &landing(now + 60), &mut jar)
            .await
            .unwrap()
            .cookie
            .is_some()
    );
}

#[tokio::test]
async fn the_session_cookie_a_landing_sets_is_unreadable_without_the_key() {
    let (fake, flow) = setup().await;
    let (_, _, victim) = victim_logs_in(&fake, &flow).await;
    let set_cookie = flow.key().set_cookie(&victim).unwrap();
    let value = set_cookie
        .split(';')
        .next()
        .unwrap()
        .split_once('=')
        .unwrap()
        .1;
    let decoded = URL_SAFE_NO_PAD.decode(value).unwrap();
    for clear in [victim.sid(), "acc-victim", "premium"] {
        assert!(!value.contains(clear), "{clear}");
        assert!(
            !decoded.windows(clear.len()).any(|w| w == clear.as_bytes()),
            "{clear}"
        );
    }
    let stranger = SessionCookieKey::new(b"a-stranger's-key-0123456789abcdef").unwrap();
    assert!(stranger.open(value).is_err());
}
