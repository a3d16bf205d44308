//! SSO2 through `FakePayway`, with plain HTTP requests where a browser would go: the whole
//! login, a logout in another window seen as `Terminated`, a replayed SSO2 ticket, the
//! fake's exact checks of request tokens, its faults.

use crate::support::invalid;
use std::time::Duration;

use jsonwebtoken::{Algorithm, EncodingKey, Header};
use payway_client::sso2::{
    Reader, SessionCookie, SessionCookieKey, Sso2Client, Sso2Error, Sso2Status,
};
use payway_client::test_util::FakePayway;
use payway_client::{Error, MemoryTicketStore, ReturnPolicy, Ticket, TicketLogin};
use reqwest::StatusCode;
use reqwest::header::{COOKIE, LOCATION, SET_COOKIE};
use secrecy::SecretString;
use serde_json::{Value, json};
use url::Url;

const LANDING: &str = "https://news.example.com/sso2/landing";
const EMAIL: &str = "ada@example.com";
const PASSWORD: &str = "correct horse battery staple";

async fn fake() -> FakePayway {
    let fake = FakePayway::start().await;
    fake.add_account("acc-9", ["premium"]);
    fake.add_login(EMAIL, PASSWORD, "acc-9");
    fake.set_sso2_landing_url(Url::parse(LANDING).unwrap());
    fake
}

fn policy() -> ReturnPolicy {
    ReturnPolicy::allow_hosts(["news.example.com"])
}

fn reader() -> Reader {
    Reader::new(
        "198.51.100.4".parse().unwrap(),
        "Mozilla/5.0 (Test) Firefox/126.0",
    )
}

/// A browser stand-in: shows redirects instead of following them; cookies by hand.
fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

fn location(response: &reqwest::Response, base: &Url) -> Url {
    base.join(response.headers()[LOCATION].to_str().unwrap())
        .unwrap()
}

/// The `name=value` part of the fake's own session cookie.
fn fake_cookie(response: &reqwest::Response) -> String {
    let set = response.headers()[SET_COOKIE].to_str().unwrap();
    assert!(set.contains("HttpOnly"), "{set}");
    set.split(';').next().unwrap().to_owned()
}

/// The SSO2 session of a browser the fake identifies (logged in with the login of `email`,
/// when given), as its landing names it.
fn identified(fake: &FakePayway, sso2: &Sso2Client, email: Option<&str>) -> String {
    let identify = sso2
        .identify_url(&Url::parse("https://news.example.com/").unwrap())
        .unwrap();
    let landed = match email {
        Some(email) => fake.sso2_identify_logged_in(&identify, email),
        None => fake.sso2_identify(&identify),
    };
    let landing = sso2.landing(&landed.unwrap(), &policy()).unwrap();
    landing.session().sid().to_owned()
}

#[tokio::test]
async fn the_whole_login_then_a_logout_elsewhere_then_a_replayed_ticket() {
    let fake = fake().await;
    let sso2 = fake.sso2_client();
    let payway = fake.client();
    let store = MemoryTicketStore::new();
    let key = SessionCookieKey::new(b"news-site-cookie-key-0123456789abcdef").unwrap();
    let http = browser();
    let page = Url::parse("https://news.example.com/articles/1?from=home").unwrap();

    // 1. No cookie: to identify. SSO2 starts a session and sends the reader to the landing.
    let identify = sso2.identify_url(&page).unwrap();
    let answer = http.get(identify).send().await.unwrap();
    assert_eq!(answer.status(), StatusCode::SEE_OTHER);
    let sso_cookie = fake_cookie(&answer);
    let arrived = location(&answer, &fake.base_url());
    assert!(arrived.as_str().starts_with(LANDING), "{arrived}");
    let landing = sso2.landing(&arrived, &policy()).unwrap();
    assert_eq!(landing.return_url(), &page);
    let anonymous = landing.session().clone();
    assert_eq!(anonymous.status(), Sso2Status::Anonymous);
    assert!(anonymous.ticket().is_none());
    let sealed = key.seal(&SessionCookie::new(&anonymous)).unwrap();
    assert!(!key.open(&sealed).unwrap().is_logged_in());

    // 2. The reader logs in on SSO2's page; the form goes back through identify.
    let login_page = http
        .get(fake.sso2_login_url(&page))
        .header(COOKIE, &sso_cookie)
        .send()
        .await
        .unwrap();
    let html = login_page.text().await.unwrap();
    assert!(
        html.contains("Not logged in") && html.contains("id=\"login\""),
        "{html}"
    );
    let wrong = http
        .post(fake.base_url().join("sso/login").unwrap())
        .header(COOKIE, &sso_cookie)
        .form(&[
            ("email", EMAIL),
            ("password", "wrong"),
            ("r", page.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), StatusCode::OK);
    assert!(wrong.text().await.unwrap().contains("2 attempts left"));
    let logged_in = http
        .post(fake.base_url().join("sso/login").unwrap())
        .header(COOKIE, &sso_cookie)
        .form(&[
            ("email", EMAIL),
            ("password", PASSWORD),
            ("r", page.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(logged_in.status(), StatusCode::SEE_OTHER);
    let again = location(&logged_in, &fake.base_url());
    assert_eq!(again.path(), "/sso/identify");
    let answer = http
        .get(again)
        .header(COOKIE, &sso_cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), StatusCode::SEE_OTHER);
    let landing = sso2
        .landing(&location(&answer, &fake.base_url()), &policy())
        .unwrap();
    let session = landing.session();
    assert_eq!(session.status(), Sso2Status::LoggedIn);
    assert_eq!(session.sid(), anonymous.sid(), "the same SSO2 session");
    let ticket = session.ticket().unwrap().clone();

    // 3. The ticket logs the reader in once; their products go into the sealed cookie.
    let TicketLogin::LoggedIn { account, token } =
        payway.login_with_ticket(&ticket, &store).await.unwrap()
    else {
        panic!("the SSO2 ticket did not log in")
    };
    assert_eq!(account.id, "acc-9");
    let active = payway.active_products(&token.access_token).await.unwrap();
    let cookie = SessionCookie::new(session)
        .with_account(&account.id, active.product_codes)
        .unwrap();
    let opened = key.open(&key.seal(&cookie).unwrap()).unwrap();
    assert!(opened.has_product("premium"));

    // 4. The reader logs out in another window ("from another site").
    let out = http
        .post(fake.base_url().join("sso/logout-elsewhere").unwrap())
        .header(COOKIE, &sso_cookie)
        .form(&[("r", page.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(out.status(), StatusCode::OK);
    assert!(
        out.text()
            .await
            .unwrap()
            .contains("logged out on another site")
    );
    let refreshed = sso2
        .session_status(opened.sid(), opened.status(), &reader())
        .await
        .unwrap();
    assert_eq!(refreshed.status(), Sso2Status::Terminated);
    assert!(refreshed.is_gone());

    // 5. The SSO2 ticket replayed: refused without asking Payway.
    let exchanges = fake.exchanges();
    let replay = payway.login_with_ticket(&ticket, &store).await.unwrap();
    assert!(matches!(replay, TicketLogin::AlreadyUsed), "{replay:?}");
    assert_eq!(fake.exchanges(), exchanges);
    assert!(
        fake.sso2_refusals().is_empty(),
        "{:?}",
        fake.sso2_refusals()
    );
}

#[tokio::test]
async fn server_side_logins_and_their_refusals() {
    let fake = fake().await;
    let sso2 = fake.sso2_client();
    let sid = identified(&fake, &sso2, None);
    let password = |p: &str| SecretString::from(p.to_owned());

    for left in [2, 1] {
        let wrong = sso2
            .authenticate(&sid, EMAIL, password("nope"), &reader())
            .await
            .unwrap();
        assert_eq!(
            wrong.error(),
            Some(&Sso2Error::InvalidCredentials {
                remaining_attempts: Some(left)
            })
        );
        assert_eq!(wrong.status(), Sso2Status::Anonymous);
    }
    let frozen = sso2
        .authenticate(&sid, EMAIL, password("nope"), &reader())
        .await
        .unwrap();
    assert_eq!(
        frozen.error(),
        Some(&Sso2Error::AccountFrozen {
            retry_after: Some(Duration::from_secs(300))
        })
    );
    fake.add_login("bo@example.com", "pw-bo-1", "acc-10");
    fake.deactivate_login("bo@example.com");
    let inactive = sso2
        .authenticate(&sid, "BO@example.com", password("pw-bo-1"), &reader())
        .await
        .unwrap();
    assert_eq!(inactive.error(), Some(&Sso2Error::AccountNotActive));

    // A ticket from the shop logs the session in; a made-up one does not.
    let shop_ticket = Ticket::new(fake.issue_ticket("acc-9"));
    let bogus = sso2
        .authenticate_with_ticket(&sid, &Ticket::new("tkt-made-up"), &reader())
        .await
        .unwrap();
    assert_eq!(
        bogus.error(),
        Some(&Sso2Error::Other("invalid_ticket".to_owned()))
    );
    let with_ticket = sso2
        .authenticate_with_ticket(&sid, &shop_ticket, &reader())
        .await
        .unwrap();
    assert_eq!(with_ticket.status(), Sso2Status::LoggedIn);
    assert!(with_ticket.ticket().is_some());

    // A status call with `lks=loggedin` gets no new ticket; with `lks=anon` it does.
    let known = sso2
        .session_status(&sid, Sso2Status::LoggedIn, &reader())
        .await
        .unwrap();
    assert!(known.ticket().is_none());
    let news = sso2
        .session_status(&sid, Sso2Status::Anonymous, &reader())
        .await
        .unwrap();
    assert!(news.ticket().is_some());

    let out = sso2.logout(&sid, &reader()).await.unwrap();
    assert_eq!(out.status(), Sso2Status::Anonymous);
    let after = sso2
        .session_status(&sid, Sso2Status::Anonymous, &reader())
        .await
        .unwrap();
    assert_eq!(after.status(), Sso2Status::Terminated);
    let unknown = sso2
        .session_status("sid-unknown", Sso2Status::Anonymous, &reader())
        .await
        .unwrap();
    assert_eq!(unknown.error(), Some(&Sso2Error::SessionNotFound));
    assert!(unknown.is_gone());
    assert_eq!(fake.sso2_calls(), 11);
}

/// A request token for the fake, built by hand with jsonwebtoken.
fn token(alg: Algorithm, secret: &str, claims: &Value) -> String {
    jsonwebtoken::encode(
        &Header::new(alg),
        claims,
        &EncodingKey::from_secret(secret.as_bytes()),
    )
    .unwrap()
}

fn status_claims(fake: &FakePayway) -> Value {
    let now = jsonwebtoken::get_current_timestamp();
    json!({
        "cid": fake.client_id(), "iss": fake.organisation_id(), "aud": "pw-sso",
        "iat": now, "nbf": now, "exp": now + 10,
        "sid": "sid-x", "ipa": "192.0.2.1", "uas": "Mozilla/5.0", "lks": "anon",
    })
}

#[tokio::test]
async fn the_fake_checks_every_request_token_exactly() {
    let fake = fake().await;
    let http = reqwest::Client::new();
    let endpoint = fake.sso_base_url().join("sessionstatus").unwrap();
    let secret = fake.client_secret().to_owned();
    let post = |t: String| {
        let request = http.post(endpoint.clone()).json(&json!({ "t": t }));
        async move { request.send().await.unwrap().status() }
    };
    let good = status_claims(&fake);
    assert_eq!(
        post(token(Algorithm::HS256, &secret, &good)).await,
        StatusCode::OK
    );

    let mut variants: Vec<(String, Value)> = Vec::new();
    let mut edit = |what: &str, change: &dyn Fn(&mut Value)| {
        let mut claims = good.clone();
        change(&mut claims);
        variants.push((what.to_owned(), claims));
    };
    edit("wrong aud", &|c| c["aud"] = json!("pw-sso-2"));
    edit("wrong iss", &|c| c["iss"] = json!("another-org"));
    edit("wrong cid", &|c| c["cid"] = json!("another-client"));
    edit("extra claim", &|c| c["jti"] = json!("x"));
    edit("missing uas", &|c| {
        c.as_object_mut().unwrap().remove("uas");
    });
    edit("missing nbf", &|c| {
        c.as_object_mut().unwrap().remove("nbf");
    });
    edit("exp - iat = 60", &|c| {
        c["exp"] = json!(c["iat"].as_u64().unwrap() + 60)
    });
    edit("exp - iat = 9", &|c| {
        c["exp"] = json!(c["iat"].as_u64().unwrap() + 9)
    });
    edit("expired", &|c| {
        let past = c["iat"].as_u64().unwrap() - 100;
        c["iat"] = json!(past);
        c["nbf"] = json!(past);
        c["exp"] = json!(past + 10);
    });
    edit("ipa not an address", &|c| c["ipa"] = json!("localhost"));
    edit("unknown lks", &|c| c["lks"] = json!("anonymous"));
    edit("authenticate claims on a status call", &|c| {
        c["usr"] = json!("a@b.c")
    });
    for (what, claims) in &variants {
        let status = post(token(Algorithm::HS256, &secret, claims)).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{what}");
    }
    assert_eq!(
        post(token(Algorithm::HS256, "not-the-fake-secret-0123", &good)).await,
        StatusCode::UNAUTHORIZED,
        "wrong key"
    );
    assert_eq!(
        post(token(Algorithm::HS512, &secret, &good)).await,
        StatusCode::UNAUTHORIZED,
        "HS512"
    );
    assert_eq!(fake.sso2_refusals().len(), variants.len() + 2);
    assert!(
        fake.sso2_refusals()[0].contains("aud"),
        "{:?}",
        fake.sso2_refusals()
    );

    // Identify: `exp - iat` must be 60.
    let now = jsonwebtoken::get_current_timestamp();
    let short = json!({"cid": fake.client_id(), "iss": fake.organisation_id(), "aud": "pw-sso",
        "iat": now, "nbf": now, "exp": now + 10});
    let mut identify = fake.sso_base_url().join("identify").unwrap();
    identify
        .query_pairs_mut()
        .append_pair("t", &token(Algorithm::HS256, &secret, &short))
        .append_pair("r", "https://news.example.com/");
    let refused = browser().get(identify.clone()).send().await.unwrap();
    assert_eq!(refused.status(), StatusCode::BAD_REQUEST);
    assert!(fake.sso2_identify(&identify).is_err());
}

#[tokio::test]
async fn identify_needs_a_landing_url_and_keeps_the_browser_session() {
    let fake = FakePayway::start().await;
    let sso2 = fake.sso2_client();
    let identify = sso2
        .identify_url(&Url::parse("https://news.example.com/a").unwrap())
        .unwrap();
    let refused = fake.sso2_identify(&identify).unwrap_err();
    assert!(refused.reason().contains("landing"), "{refused}");
    fake.set_sso2_landing_url(Url::parse(LANDING).unwrap());
    let http = browser();
    let first = http.get(identify.clone()).send().await.unwrap();
    let cookie = fake_cookie(&first);
    let sid_of = |url: Url| {
        sso2.landing(&url, &policy())
            .unwrap()
            .session()
            .sid()
            .to_owned()
    };
    let first_sid = sid_of(location(&first, &fake.base_url()));
    let second = http
        .get(identify)
        .header(COOKIE, &cookie)
        .send()
        .await
        .unwrap();
    assert!(second.headers().get(SET_COOKIE).is_none());
    assert_eq!(sid_of(location(&second, &fake.base_url())), first_sid);
}

#[tokio::test]
async fn faults_reach_sso2_calls_too() {
    let fake = fake().await;
    let sso2 = fake
        .sso2_client_builder()
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    fake.fail_next(1, 503);
    let error = sso2
        .session_status("s", Sso2Status::Anonymous, &reader())
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(StatusCode::SERVICE_UNAVAILABLE));
    fake.drop_next(1);
    let error = sso2
        .session_status("s", Sso2Status::Anonymous, &reader())
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Transport(_)), "{error:?}");
    fake.delay(Duration::from_secs(2));
    let error = sso2
        .session_status("s", Sso2Status::Anonymous, &reader())
        .await
        .unwrap_err();
    assert!(error.is_timeout(), "{error:?}");
    fake.delay(Duration::ZERO);
    let fine = sso2
        .session_status("s", Sso2Status::Anonymous, &reader())
        .await
        .unwrap();
    assert_eq!(fine.error(), Some(&Sso2Error::SessionNotFound));
}

#[tokio::test]
async fn tickets_withheld_by_sso2_or_refused_by_payway_the_next_n_times_only() {
    let fake = fake().await;
    let sso2 = fake.sso2_client();
    let sid = identified(&fake, &sso2, Some(EMAIL));
    let reader = reader();
    let status = || sso2.session_status(&sid, Sso2Status::Anonymous, &reader);
    // SSO2 answers the session logged in, twice without a ticket, then with one again.
    fake.sso2_withhold_next_tickets(2);
    for _ in 0..2 {
        let session = status().await.unwrap();
        assert_eq!(session.status(), Sso2Status::LoggedIn);
        assert!(session.ticket().is_none());
    }
    let first = status()
        .await
        .unwrap()
        .ticket()
        .unwrap()
        .expose_secret()
        .to_owned();
    // Payway refuses the next ticket, SSO2's included, and uses it up.
    fake.refuse_next_tickets(1);
    let (payway, store) = (fake.client(), MemoryTicketStore::new());
    let exchanges = fake.exchanges();
    for _ in 0..2 {
        let login = payway
            .login_with_ticket(&Ticket::new(first.clone()), &store)
            .await
            .unwrap();
        invalid(&login);
    }
    assert_eq!(fake.exchanges(), exchanges + 2);
    let second = status().await.unwrap().ticket().unwrap().clone();
    let login = payway.login_with_ticket(&second, &store).await.unwrap();
    assert!(matches!(login, TicketLogin::LoggedIn { .. }), "{login:?}");
}
