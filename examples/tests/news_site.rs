//! The news site's request rules over plain HTTP, without a browser: where a login sends the
//! reader back, which requests may change something, and what a flood of made-up shop
//! tickets can do to a landing already used. (The browser tests walk the same attacks in
//! Chromium; these are the quick checks of what the server answers.)

use std::io::{Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpStream};

use accesstype_jwt::{ReaderId, SubscriberIdentity, WebhookEventKind};
use paywall_examples::news_site::NewsSite;
use payway_client::ClaimKind;
use url::Url;

/// The subscriber account of the stand-in Payway login.
const SUBSCRIBER: &str = "554e2b9201c6a33e4c000036";

async fn site() -> NewsSite {
    NewsSite::start(SocketAddr::from((Ipv4Addr::LOCALHOST, 0)))
        .await
        .expect("the news site starts")
}

/// One answer: status, headers (names lower-cased), body.
#[derive(Debug)]
struct Answer {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl Answer {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The `name=value` of every cookie the answer sets (not the ones it clears).
    fn cookies_set(&self) -> Vec<&str> {
        self.headers
            .iter()
            .filter(|(n, _)| n == "set-cookie")
            .filter(|(_, v)| !v.contains("Max-Age=0"))
            .filter_map(|(_, v)| v.split(';').next())
            .collect()
    }

    /// The redirect's target, resolved against `base`.
    fn location(&self, base: &Url) -> Url {
        base.join(self.header("location").expect("a redirect"))
            .expect("a URL")
    }
}

/// Sends one HTTP/1.1 request (`target` as it goes on the request line) and reads the answer.
async fn send(
    site: &NewsSite,
    method: &str,
    target: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> Answer {
    let host = site.url().host_str().expect("a host");
    let port = site.url().port().expect("a port");
    let mut request = format!("{method} {target} HTTP/1.1\r\nHost: {host}:{port}\r\n");
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    let typed = headers
        .iter()
        .any(|(name, _)| name.eq_ignore_ascii_case("content-type"));
    if method == "POST" && !typed {
        request.push_str("Content-Type: application/x-www-form-urlencoded\r\n");
    }
    request.push_str(&format!(
        "Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    ));
    let addr = SocketAddr::new(host.parse().expect("an IP address"), port);
    // A plain blocking socket, off the runtime that serves the site.
    let raw = tokio::task::spawn_blocking(move || {
        let mut stream = TcpStream::connect(addr).expect("connects");
        stream.write_all(request.as_bytes()).expect("sends");
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw).expect("reads");
        raw
    })
    .await
    .expect("the request runs");
    let raw = String::from_utf8_lossy(&raw);
    let (head, body) = raw.split_once("\r\n\r\n").expect("a head and a body");
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|s| s.parse().ok())
        .expect("a status line");
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    Answer {
        status,
        headers,
        body: body.to_owned(),
    }
}

/// The site's origin, as a browser writes it in `Origin`.
fn origin(site: &NewsSite) -> String {
    site.url().origin().ascii_serialization()
}

/// `POST /payway-standin/login?return={raw}` from the site's own page, as the subscriber.
async fn log_in_returning_to(site: &NewsSite, raw_return: &str) -> Answer {
    send(
        site,
        "POST",
        &format!("/payway-standin/login?return={raw_return}"),
        &[("Origin", &origin(site))],
        &format!("account={SUBSCRIBER}"),
    )
    .await
}

#[tokio::test]
async fn a_login_return_with_a_tab_or_a_newline_goes_to_the_front_page_not_another_site() {
    let site = site().await;
    let home = site.url().as_str().to_owned();
    for raw in [
        "/%09/evil.example/phish",
        "/%0A/evil.example/phish",
        "/%0D%0A/evil.example/phish",
        "%09//evil.example/phish",
        "/%5C/evil.example/phish",
        "/%5Cevil.example",
        "//evil.example/phish",
        "https://evil.example/",
        "http://127.0.0.1/phish",
        "javascript:alert(1)",
    ] {
        let answer = log_in_returning_to(&site, raw).await;
        assert_eq!(answer.status, 303, "{raw}: {answer:?}");
        assert_eq!(answer.header("location"), Some(home.as_str()), "{raw}");
        assert!(
            answer
                .header("set-cookie")
                .is_some_and(|c| c.starts_with("payway_standin=")),
            "{raw}: the login itself still happens"
        );
    }
}

#[tokio::test]
async fn a_login_return_on_the_site_is_kept() {
    let site = site().await;
    let story = site.url().join("/tulo/articles/harbour-market").unwrap();
    for raw in [
        "/tulo/articles/harbour-market".to_owned(),
        story.as_str().to_owned(),
    ] {
        let answer = log_in_returning_to(&site, &raw).await;
        assert_eq!(answer.status, 303, "{raw}");
        assert_eq!(answer.header("location"), Some(story.as_str()), "{raw}");
    }
}

#[tokio::test]
async fn the_login_form_posts_a_return_that_stays_on_the_site() {
    let site = site().await;
    // A link whose return decodes to `/%09/...` once: the form must not post a raw tab.
    let page = send(
        &site,
        "GET",
        "/payway-standin/login?return=/%2509/evil.example/phish",
        &[],
        "",
    )
    .await;
    assert_eq!(page.status, 200);
    let action = page
        .body
        .split("action=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("a form action")
        .replace("&amp;", "&");
    assert_eq!(
        action,
        "/payway-standin/login?return=%2F%2509%2Fevil.example%2Fphish"
    );
    let answer = send(
        &site,
        "POST",
        &action,
        &[("Origin", &origin(&site))],
        &format!("account={SUBSCRIBER}"),
    )
    .await;
    let location = answer.header("location").expect("a redirect");
    let to = site.url().join(location).unwrap();
    assert_eq!(to.origin(), site.url().origin(), "{location}");
    assert!(!location.contains('\t'), "{location:?}");
}

/// What the stand-in `Tulo.session` answers the subscriber's browser when the page's
/// `Tulo.init` asked for `fields` (`None`: the option left out): the session and the `T_ID`.
async fn tulo_session(site: &NewsSite, fields: Option<&str>) -> (serde_json::Value, String) {
    let target = match fields {
        Some(fields) => format!("/payway-standin/session?fields={fields}"),
        None => "/payway-standin/session".to_owned(),
    };
    let login = format!("payway_standin={SUBSCRIBER}");
    let answer = send(site, "GET", &target, &[("Cookie", &login)], "").await;
    assert_eq!(answer.status, 200, "{answer:?}");
    let mut answer: serde_json::Value = serde_json::from_str(&answer.body).expect("JSON");
    let cookie = answer["cookie"].as_str().expect("a T_ID value").to_owned();
    (answer["session"].take(), cookie)
}

#[tokio::test]
async fn the_tulo_page_asks_for_products_which_payway_sends_only_when_asked() {
    let site = site().await;
    let story = "/tulo/articles/harbour-market";
    let page = send(&site, "GET", story, &[], "").await;
    assert!(
        page.body.contains(r#"fields: "products""#),
        "the page's Tulo.init does not ask for products"
    );

    // As seed 002 says of Payway: no `fields`, no products, and the gate walls a subscriber.
    for fields in [None, Some("first_name")] {
        let (session, cookie) = tulo_session(&site, fields).await;
        assert_eq!(session["active"], true, "{fields:?}");
        assert!(session.get("products").is_none(), "{fields:?}: {session}");
        let t_id = format!("T_ID={cookie}");
        let page = send(&site, "GET", story, &[("Cookie", &t_id)], "").await;
        assert!(page.body.contains("has no subscription"), "{fields:?}");
        assert!(!page.body.contains(r#"id="article-body""#), "{fields:?}");
    }

    for fields in ["products", "first_name,%20products"] {
        let (session, cookie) = tulo_session(&site, Some(fields)).await;
        assert_eq!(session["products"], serde_json::json!(["daily-digital"]));
        let t_id = format!("T_ID={cookie}");
        let page = send(&site, "GET", story, &[("Cookie", &t_id)], "").await;
        assert!(page.body.contains(r#"id="article-body""#), "{fields}");
    }
}

#[tokio::test]
async fn the_tulo_story_page_is_never_kept_by_a_shared_cache() {
    let site = site().await;
    let story = "/tulo/articles/harbour-market";
    let (_, cookie) = tulo_session(&site, Some("products")).await;
    let t_id = format!("T_ID={cookie}");
    for headers in [vec![], vec![("Cookie", t_id.as_str())]] {
        let page = send(&site, "GET", story, &headers, "").await;
        assert_eq!(page.status, 200, "{headers:?}");
        assert_eq!(
            page.header("cache-control"),
            Some("private, no-store"),
            "{headers:?}"
        );
    }
}

#[tokio::test]
async fn a_post_from_another_origin_or_of_unknown_origin_is_refused() {
    let site = site().await;
    let login = format!("account={SUBSCRIBER}");
    let port = site.url().port().unwrap();
    let sibling = format!("http://127.0.0.1:{}", port.wrapping_add(1));
    for headers in [
        vec![],
        vec![("Origin", "http://evil.example")],
        vec![("Origin", sibling.as_str())],
        vec![("Origin", "null")],
        vec![("Sec-Fetch-Site", "cross-site")],
        vec![("Sec-Fetch-Site", "same-site")],
        vec![
            ("Origin", "http://evil.example"),
            ("Sec-Fetch-Site", "same-origin"),
        ],
    ] {
        for (target, body) in [
            ("/payway-standin/login?return=/", login.as_str()),
            ("/metered/reader-id", ""),
            ("/logout", ""),
        ] {
            let answer = send(&site, "POST", target, &headers, body).await;
            assert_eq!(answer.status, 403, "{target} {headers:?}");
            assert!(
                answer.header("set-cookie").is_none(),
                "{target} {headers:?}"
            );
        }
    }
}

#[tokio::test]
async fn a_post_from_the_sites_own_pages_passes() {
    let site = site().await;
    let own = origin(&site);
    for headers in [
        vec![("Origin", own.as_str())],
        vec![("Sec-Fetch-Site", "same-origin")],
    ] {
        let answer = send(
            &site,
            "POST",
            "/payway-standin/login?return=/",
            &headers,
            &format!("account={SUBSCRIBER}"),
        )
        .await;
        assert_eq!(answer.status, 303, "{headers:?}");
        let answer = send(&site, "POST", "/metered/reader-id", &headers, "").await;
        assert_eq!(answer.status, 201, "{headers:?}");
    }
    // Reading changes nothing and needs no Origin.
    let answer = send(&site, "GET", "/", &[], "").await;
    assert_eq!(answer.status, 200);
}

#[tokio::test]
async fn no_page_that_depends_on_the_reader_may_be_stored_by_a_cache() {
    let site = site().await;
    let own_origin = origin(&site);
    // Each story at its one URL for every reader, the front page, an API body, a refusal.
    for (method, target, headers) in [
        ("GET", "/", vec![]),
        ("GET", "/tiun/articles/paying-by-the-minute", vec![]),
        ("GET", "/tiun/api/articles/paying-by-the-minute", vec![]),
        ("GET", "/tulo/articles/harbour-market", vec![]),
        ("GET", "/sso2/articles/harbour-market", vec![]),
        ("GET", "/shop/articles/council-budget", vec![]),
        ("GET", "/metered/articles/second-language", vec![]),
        (
            "POST",
            "/logout",
            vec![("Origin", "https://elsewhere.example")],
        ),
        ("POST", "/logout", vec![("Origin", own_origin.as_str())]),
    ] {
        let answer = send(&site, method, target, &headers, "").await;
        assert_eq!(
            answer.header("cache-control"),
            Some("private, no-store"),
            "{method} {target}: {}",
            answer.status
        );
    }
    // The stylesheet is the same for everyone.
    let css = send(&site, "GET", "/site.css", &[], "").await;
    assert_eq!(css.header("cache-control"), Some("public, max-age=300"));
}

#[tokio::test]
async fn logging_out_clears_the_host_only_cookie_and_goes_back_on_the_site_only() {
    let site = site().await;
    let own = origin(&site);
    for (raw, expected) in [
        (
            "/shop/articles/council-budget",
            "/shop/articles/council-budget",
        ),
        ("/%09/evil.example", "/"),
        ("//evil.example", "/"),
    ] {
        let answer = send(
            &site,
            "POST",
            &format!("/logout?return={raw}"),
            &[("Origin", &own)],
            "",
        )
        .await;
        assert_eq!(answer.status, 303, "{raw}");
        let expected = site.url().join(expected).unwrap();
        assert_eq!(answer.header("location"), Some(expected.as_str()), "{raw}");
        let cleared = answer.header("set-cookie").unwrap_or_default();
        assert!(
            cleared.starts_with("__Host-daily_login=;") && cleared.contains("Max-Age=0"),
            "{cleared}"
        );
    }
}

/// A browser's User-Agent: SSO2 never identifies a client without one (a bot).
const BROWSER: (&str, &str) = (
    "User-Agent",
    "Mozilla/5.0 (X11; Linux x86_64) Firefox/126.0",
);

/// `url`'s path and query, as a request line carries them.
fn target(url: &Url) -> String {
    url[url::Position::BeforePath..url::Position::AfterQuery].to_owned()
}

/// The way back a shop link (the `Location` of `/shop/subscribe`) carries.
fn way_back(subscribe: &Answer, base: &Url) -> Url {
    let shop = subscribe.location(base);
    let (_, back) = shop
        .query_pairs()
        .find(|(name, _)| name == "returnUrl")
        .expect("the shop link has a way back");
    Url::parse(&back).expect("a URL")
}

/// A story opened in a fresh browser, SSO2's identify for the subscriber (logged in there),
/// and the landing it sends the browser to: the landing's target and the state cookie.
async fn sso2_landing_for_the_subscriber(site: &NewsSite) -> (Url, String) {
    let story = send(site, "GET", "/sso2/articles/harbour-market", &[BROWSER], "").await;
    assert_eq!(story.status, 303, "{story:?}");
    let landing = site
        .fakes()
        .payway
        .sso2_identify_logged_in(&story.location(site.url()), "subscriber@example.com")
        .expect("SSO2 sends the reader to the landing");
    (landing, story.cookies_set().join("; "))
}

/// Opens `landing` in the browser that holds the state cookie `state`.
async fn land(site: &NewsSite, landing: &Url, state: &str) -> Answer {
    send(
        site,
        "GET",
        &target(landing),
        &[BROWSER, ("Cookie", state)],
        "",
    )
    .await
}

/// Whether `answer` sets the SSO2 session cookie.
fn sets_sso2_session(answer: &Answer) -> bool {
    answer
        .cookies_set()
        .iter()
        .any(|c| c.starts_with("__Host-payway-sso2="))
}

#[tokio::test]
async fn an_sso2_landing_payway_cannot_answer_says_so_and_is_not_called_invalid() {
    let site = site().await;
    let (landing, state) = sso2_landing_for_the_subscriber(&site).await;
    // The landing's ticket exchange meets a Payway that is down.
    site.fakes().payway.fail_next(1, 503);
    let landed = land(&site, &landing, &state).await;
    assert_eq!(landed.status, 503, "{landed:?}");
    assert!(
        landed
            .body
            .contains("The login could not be finished right now"),
        "{landed:?}"
    );
    assert!(!landed.body.contains("not valid"), "{landed:?}");
    assert!(
        !sets_sso2_session(&landed),
        "no session without an account: {landed:?}"
    );
}

#[tokio::test]
async fn a_flood_of_made_up_shop_tickets_does_not_make_a_used_landing_work_again() {
    // A store of 64 claims per kind: with claims evicted when full, 200 made-up tickets
    // would push the landing's claim out.
    let site = NewsSite::start_with_ticket_capacity(SocketAddr::from((Ipv4Addr::LOCALHOST, 0)), 64)
        .await
        .expect("the news site starts");
    let base = site.url().clone();

    // The victim, logged in to SSO2, opens a story: identify, then the landing, once.
    let (landing, state) = sso2_landing_for_the_subscriber(&site).await;
    let landed = land(&site, &landing, &state).await;
    assert_eq!(landed.status, 303, "{landed:?}");
    assert!(
        sets_sso2_session(&landed),
        "the victim has a session: {landed:?}"
    );

    // The flood: 200 made-up tickets through the shop's real return, each with a login state
    // of the attacker's own (a fresh "Subscribe"), so every one reaches the ticket store and
    // Payway, which refuses it.
    for n in 0..200 {
        let subscribe = send(
            &site,
            "GET",
            "/shop/subscribe?article=council-budget",
            &[BROWSER],
            "",
        )
        .await;
        let state = subscribe.cookies_set().join("; ");
        let mut way_back = way_back(&subscribe, &base);
        way_back
            .query_pairs_mut()
            .append_pair("ticket", &format!("made-up-ticket-{n:04}"));
        let refused = send(
            &site,
            "GET",
            &target(&way_back),
            &[BROWSER, ("Cookie", &state)],
            "",
        )
        .await;
        assert_eq!(refused.status, 401, "made-up ticket {n}: {refused:?}");
        assert!(refused.cookies_set().is_empty(), "{refused:?}");
    }
    let exchanges = site.fakes().payway.exchanges();

    // The victim's used landing URL, replayed from the attacker's client: no session.
    let replay = send(&site, "GET", &target(&landing), &[BROWSER], "").await;
    assert_eq!(replay.status, 303, "{replay:?}");
    assert!(
        !sets_sso2_session(&replay),
        "the replay got a session: {replay:?}"
    );
    assert_ne!(
        replay.location(&base).origin(),
        base.origin(),
        "identify again, on SSO2"
    );
    // Even with the state cookie the victim's browser had then: the landing was taken once.
    let replay = send(
        &site,
        "GET",
        &target(&landing),
        &[BROWSER, ("Cookie", &state)],
        "",
    )
    .await;
    assert_eq!(replay.status, 303, "{replay:?}");
    assert!(
        !sets_sso2_session(&replay),
        "the replay got a session: {replay:?}"
    );
    assert_eq!(
        replay.location(&base),
        base.join("/sso2/articles/harbour-market").unwrap()
    );
    assert_eq!(
        site.fakes().payway.exchanges(),
        exchanges,
        "no replay reached Payway"
    );
    // Refused tickets hold no room; the landing's claim is still there.
    assert_eq!(
        site.ticket_store().len_of(ClaimKind::Ticket),
        1,
        "the victim's SSO2 ticket only"
    );
    assert_eq!(site.ticket_store().len_of(ClaimKind::Landing), 1);
}

#[tokio::test]
async fn a_shop_return_without_its_state_cookie_is_refused_before_payway_or_the_store() {
    let site = site().await;
    let base = site.url().clone();
    let subscribe = send(
        &site,
        "GET",
        "/shop/subscribe?article=council-budget",
        &[BROWSER],
        "",
    )
    .await;
    assert_eq!(subscribe.status, 303);
    let set = subscribe.cookies_set();
    assert_eq!(set.len(), 1, "{subscribe:?}");
    let raw = subscribe
        .headers
        .iter()
        .find(|(n, _)| n == "set-cookie")
        .map(|(_, v)| v.as_str())
        .unwrap_or_default();
    for attribute in [
        "__Host-pw-state-",
        "; Path=/",
        "; HttpOnly",
        "; Secure",
        "; SameSite=Lax",
        "; Max-Age=600",
    ] {
        assert!(raw.contains(attribute), "{raw} lacks {attribute}");
    }
    let mut way_back = way_back(&subscribe, &base);
    way_back.query_pairs_mut().append_pair(
        "ticket",
        &site.fakes().payway.issue_ticket("acc-subscriber"),
    );
    let other_state = send(
        &site,
        "GET",
        "/shop/subscribe?article=council-budget",
        &[BROWSER],
        "",
    )
    .await
    .cookies_set()
    .join("; ");
    for cookies in [
        vec![BROWSER],
        vec![BROWSER, ("Cookie", other_state.as_str())],
    ] {
        let answer = send(&site, "GET", &target(&way_back), &cookies, "").await;
        assert_eq!(answer.status, 403, "{answer:?}");
        assert!(answer.body.contains("not started in this browser"));
        assert!(answer.cookies_set().is_empty(), "{answer:?}");
    }
    assert_eq!(site.fakes().payway.exchanges(), 0);
    assert!(site.ticket_store().is_empty());
    // With the cookie set by its own "Subscribe": logged in, the state cleared.
    let answer = send(
        &site,
        "GET",
        &target(&way_back),
        &[BROWSER, ("Cookie", set[0])],
        "",
    )
    .await;
    assert_eq!(answer.status, 303, "{answer:?}");
    assert!(
        answer
            .cookies_set()
            .iter()
            .any(|c| c.starts_with("__Host-daily_login=")),
        "{answer:?}"
    );
    let cleared = answer
        .headers
        .iter()
        .filter(|(n, v)| n == "set-cookie" && v.starts_with("__Host-pw-state-"))
        .count();
    assert_eq!(cleared, 1, "{answer:?}");
}

/// Whether `done` holds within 10 seconds: the site acts on a webhook after answering it.
async fn eventually(mut done: impl FnMut() -> bool) -> bool {
    for _ in 0..1000 {
        if done() {
            return true;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    done()
}

#[tokio::test]
async fn a_signed_accesstype_webhook_is_taken_from_a_server_and_a_forged_one_is_refused() {
    let site = site().await;
    let accesstype = &site.fakes().accesstype;
    let identity = SubscriberIdentity::email("ada+news@example.com").unwrap();
    let subscription = accesstype.add_subscription(&identity, "Gold");
    let call = accesstype.webhook(WebhookEventKind::SubscriptionActivated, &subscription);
    let body = String::from_utf8(call.body().to_vec()).unwrap();
    let json = ("Content-Type", "application/json");

    // Not signed by Accesstype: refused before the body is read, nothing done.
    let another_key = "a".repeat(64);
    for headers in [
        vec![json],
        vec![json, ("X-AT-Signature", another_key.as_str())],
        vec![
            json,
            ("X-AT-Signature", call.signature()),
            ("X-AT-Signature", call.signature()),
        ],
    ] {
        let answer = send(&site, "POST", "/webhooks/accesstype", &headers, &body).await;
        assert_eq!(answer.status, 401, "{headers:?}: {answer:?}");
    }
    assert_eq!(accesstype.subscription_lookups(), 0);
    assert_eq!(site.accesstype_plans(&identity), None);

    // Accesstype's own call, as its servers send it (no Origin, no browser): answered at
    // once, then the site reads the subscriber's subscriptions again.
    let url = site.url().join("/webhooks/accesstype").unwrap();
    assert_eq!(call.post(&url).await.unwrap().as_u16(), 204);
    let gold = Some(vec!["Gold".to_owned()]);
    assert!(eventually(|| site.accesstype_plans(&identity) == gold).await);
    assert_eq!(accesstype.subscription_lookups(), 1);

    // Cancelled: the next call leaves no active plan.
    let cancelled = accesstype
        .set_subscription_status(subscription.id().unwrap(), "cancelled", false)
        .unwrap();
    let call = accesstype.webhook(WebhookEventKind::SubscriptionCancellation, &cancelled);
    assert_eq!(call.post(&url).await.unwrap().as_u16(), 204);
    assert!(eventually(|| site.accesstype_plans(&identity) == Some(Vec::new())).await);

    // The browser-facing POST routes still need the site's own Origin.
    let answer = send(&site, "POST", "/metered/reader-id", &[], "").await;
    assert_eq!(answer.status, 403);
}

#[tokio::test]
async fn an_accesstype_webhook_is_answered_at_once_while_the_subscriptions_api_fails() {
    let site = site().await;
    let accesstype = &site.fakes().accesstype;
    let identity = SubscriberIdentity::email("grace@example.com").unwrap();
    let subscription = accesstype.add_subscription(&identity, "Silver");
    let call = accesstype.webhook(WebhookEventKind::SubscriptionActivated, &subscription);
    // The first read fails: Accesstype still gets its 204 (any other answer would e-mail its
    // admins and, repeated, disable the webhook), and the site reads again on its own.
    accesstype.fail_next(1, 503);
    let url = site.url().join("/webhooks/accesstype").unwrap();
    assert_eq!(call.post(&url).await.unwrap().as_u16(), 204);
    let silver = Some(vec!["Silver".to_owned()]);
    assert!(eventually(|| site.accesstype_plans(&identity) == silver).await);
    assert_eq!(accesstype.subscription_lookups(), 1);
}

#[tokio::test]
async fn a_replayed_accesstype_webhook_costs_one_read_and_one_more_after_it() {
    let site = site().await;
    let accesstype = &site.fakes().accesstype;
    let identity = SubscriberIdentity::email("lin@example.com").unwrap();
    let subscription = accesstype.add_subscription(&identity, "Gold");
    // One genuine signed call, sent twenty times (the signature covers the body alone, so
    // whoever saw the call can send it again) while the subscriptions API is slow.
    let call = accesstype.webhook(WebhookEventKind::SubscriptionActivated, &subscription);
    let body = String::from_utf8(call.body().to_vec()).unwrap();
    let headers = [
        ("Content-Type", "application/json"),
        ("X-AT-Signature", call.signature()),
    ];
    accesstype.delay(std::time::Duration::from_secs(2));
    for _ in 0..20 {
        let answer = send(&site, "POST", "/webhooks/accesstype", &headers, &body).await;
        assert_eq!(answer.status, 204, "{answer:?}");
    }
    // The read under way, and one more for the calls that came in during it: not twenty.
    let gold = Some(vec!["Gold".to_owned()]);
    assert!(eventually(|| site.accesstype_plans(&identity) == gold).await);
    assert!(eventually(|| accesstype.subscription_lookups() == 2).await);
    tokio::time::sleep(std::time::Duration::from_millis(2500)).await;
    assert_eq!(accesstype.subscription_lookups(), 2);
    accesstype.delay(std::time::Duration::ZERO);
    // Once it is done, the next event reads again.
    let url = site.url().join("/webhooks/accesstype").unwrap();
    assert_eq!(call.post(&url).await.unwrap().as_u16(), 204);
    assert!(eventually(|| accesstype.subscription_lookups() == 3).await);
}

#[tokio::test]
async fn the_metered_story_api_serves_the_sites_own_page_only_and_no_shared_cache() {
    let site = site().await;
    let accesstype = &site.fakes().accesstype;
    let reader = ReaderId::parse("0123456789abcdef0123456789abcdef").unwrap();
    let cookie = ("Cookie", "at-meter=0123456789abcdef0123456789abcdef");
    let story = |slug: &str| format!("/metered/api/stories/{slug}");

    // Started by another site (a link or a redirect to the API carries a Lax cookie), or by
    // an address typed in: refused before Accesstype is asked, so no story is spent.
    for headers in [
        vec![cookie, ("Sec-Fetch-Site", "cross-site")],
        vec![cookie, ("Sec-Fetch-Site", "same-site")],
        vec![cookie, ("Sec-Fetch-Site", "none")],
        vec![
            cookie,
            ("Sec-Fetch-Site", "same-origin"),
            ("Sec-Fetch-Site", "same-origin"),
        ],
    ] {
        let answer = send(&site, "GET", &story("night-train"), &headers, "").await;
        assert_eq!(answer.status, 403, "{headers:?}: {answer:?}");
        assert!(answer.header("set-cookie").is_none(), "{answer:?}");
    }
    assert_eq!(accesstype.access_checks(), 0);

    // The page's own fetch, and a client that is not a browser: served, each answer kept by
    // no shared cache, the wall included.
    for (slug, headers, status) in [
        (
            "night-train",
            vec![cookie, ("Sec-Fetch-Site", "same-origin")],
            200,
        ),
        ("first-frost", vec![cookie], 200),
        (
            "ship-models",
            vec![cookie, ("Sec-Fetch-Site", "same-origin")],
            200,
        ),
        (
            "second-language",
            vec![cookie, ("Sec-Fetch-Site", "same-origin")],
            402,
        ),
    ] {
        let answer = send(&site, "GET", &story(slug), &headers, "").await;
        assert_eq!(answer.status, status, "{slug}: {answer:?}");
        assert_eq!(
            answer.header("cache-control"),
            Some("private, no-store"),
            "{slug}"
        );
    }
    assert_eq!(accesstype.metered_reads(&reader), 3);
}

#[tokio::test]
async fn a_page_that_sends_the_reader_here_again_and_again_piles_up_no_state_cookies() {
    let site = site().await;
    // The browser's cookies for the site, oldest first, as it sends them.
    let mut jar: Vec<(String, String)> = Vec::new();
    for round in 0..3 {
        for target in [
            "/sso2/articles/harbour-market",
            "/shop/subscribe?article=council-budget",
        ] {
            for _ in 0..10 {
                let header = jar
                    .iter()
                    .map(|(name, value)| format!("{name}={value}"))
                    .collect::<Vec<_>>()
                    .join("; ");
                let mut headers = vec![BROWSER];
                if !header.is_empty() {
                    headers.push(("Cookie", &header));
                }
                let answer = send(&site, "GET", target, &headers, "").await;
                assert_eq!(answer.status, 303, "{answer:?}");
                for (_, set) in answer.headers.iter().filter(|(n, _)| n == "set-cookie") {
                    let pair = set.split(';').next().unwrap_or_default();
                    let (name, value) = pair.split_once('=').expect("name=value");
                    jar.retain(|(held, _)| held != name);
                    if !set.contains("Max-Age=0") {
                        jar.push((name.to_owned(), value.to_owned()));
                    }
                }
                let states = jar
                    .iter()
                    .filter(|(name, _)| name.starts_with(payway_client::STATE_COOKIE_PREFIX))
                    .count();
                assert!(
                    states <= payway_client::MAX_STATE_COOKIES,
                    "round {round}, {target}: {states} state cookies"
                );
            }
        }
    }
}

#[tokio::test]
async fn a_paid_checkout_that_cannot_log_the_reader_in_says_the_purchase_is_done() {
    let site = site().await;
    let payway = &site.fakes().payway;
    payway.add_account(SUBSCRIBER, Vec::<String>::new());
    // A genuine purchase token, posted by a browser that has no SSO2 session cookie: the
    // reader must learn that the purchase stands, not meet a "link not valid" page.
    let token = payway.paywall_checkout_token(SUBSCRIBER, "daily-digital");
    let story = site.url().join("/story").expect("a URL");
    let target = format!(
        "/sso2/checkout-landing?r={}",
        url::form_urlencoded::byte_serialize(story.as_str().as_bytes()).collect::<String>()
    );
    let body = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("jwtToken", &token)
        .finish();
    let own = origin(&site);
    let answer = send(&site, "POST", &target, &[("Origin", own.as_str())], &body).await;
    assert_eq!(answer.status, 400, "{answer:?}");
    assert!(
        answer.body.contains("Your purchase is done"),
        "{}",
        answer.body
    );
}

#[tokio::test]
async fn a_checkout_post_is_called_invalid_only_without_a_genuine_token() {
    let site = site().await;
    let payway = &site.fakes().payway;
    payway.add_account(SUBSCRIBER, Vec::<String>::new());
    let story = site.url().join("/story").expect("a URL");
    let target = format!(
        "/sso2/checkout-landing?r={}",
        url::form_urlencoded::byte_serialize(story.as_str().as_bytes()).collect::<String>()
    );
    let own = origin(&site);
    let post = |form: Vec<(&'static str, String)>| {
        let body = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(form)
            .finish();
        let (site, target, own) = (&site, &target, &own);
        async move { send(site, "POST", target, &[("Origin", own.as_str())], &body).await }
    };
    let sign = |secret: &str, exp: u64| {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs();
        let claims = serde_json::json!({
            "dtid": "delegated-ticket-1", "aid": SUBSCRIBER,
            "iat": now - 600, "nbf": now - 600, "exp": now - 600 + exp,
        });
        jsonwebtoken::encode(
            &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256),
            &claims,
            &jsonwebtoken::EncodingKey::from_secret(secret.as_bytes()),
        )
        .unwrap()
    };
    let secret = payway.paywall_secret().to_owned();
    // No token, or one the paywall did not sign: nothing tells of a purchase.
    for form in [
        vec![],
        vec![("jwtToken", "not-a-token".to_owned())],
        vec![(
            "jwtToken",
            sign("another-secret-0123456789-0123456789", 900),
        )],
    ] {
        let answer = post(form.clone()).await;
        assert_eq!(answer.status, 400, "{form:?}: {answer:?}");
        assert!(
            answer.body.contains("not valid"),
            "{form:?}: {}",
            answer.body
        );
    }
    // The paywall's own token, expired since: the purchase stands, and the reader hears it.
    let answer = post(vec![("jwtToken", sign(&secret, 120))]).await;
    assert!(
        answer.body.contains("Your purchase is done"),
        "{}",
        answer.body
    );
}
