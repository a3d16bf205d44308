//! Every axum rejection of the family is `Cache-Control: private, no-store`: it answers one
//! reader (no session, a forged cookie, an unsigned call), and a shared cache that kept it by
//! URL would answer the next reader, a paying one too, with it. So is every page a handler
//! returns with the reader's session or pass (`(session, body)`), and every answer that sets
//! one of the family's cookies (a shared cache would hand the cookie on), unless the handler
//! set a `Cache-Control` of its own.

use axum::body::Body;
use axum::extract::{FromRequest, FromRequestParts};
use axum::http::{Request, StatusCode, header};
use axum::response::{IntoResponse, IntoResponseParts, Response};
use serde_json::json;

use crate::calls::{signed, unix_now};
use crate::table::SECRET;

/// A request for an article with `headers`; with none, it carries no session, cookie or
/// signature of any kind.
fn request(headers: &[(&str, &str)]) -> Request<Body> {
    let mut request = Request::get("https://news.example.com/article/1");
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    request.body(Body::empty()).unwrap()
}

/// What extractor `E` makes of a request with `headers`, with `state`.
async fn extract<E, S>(headers: &[(&str, &str)], state: &S) -> Result<E, E::Rejection>
where
    E: FromRequestParts<S>,
    S: Send + Sync,
{
    let (mut parts, _) = request(headers).into_parts();
    E::from_request_parts(&mut parts, state).await
}

/// The rejection of extractor `E` on a bare request, with `state`.
async fn rejected<E, S>(state: &S) -> Response
where
    E: FromRequestParts<S>,
    E::Rejection: IntoResponse,
    S: Send + Sync,
{
    match extract::<E, S>(&[], state).await {
        Ok(_) => panic!("a bare request was let through"),
        Err(rejection) => rejection.into_response(),
    }
}

fn assert_not_stored(name: &str, response: &Response, status: StatusCode) {
    assert_eq!(response.status(), status, "{name}");
    assert_eq!(
        response
            .headers()
            .get(header::CACHE_CONTROL)
            .map(|value| value.to_str().unwrap()),
        Some("private, no-store"),
        "{name}"
    );
}

#[tokio::test]
async fn every_rejection_is_kept_by_no_shared_cache() {
    let provider = url::Url::parse("http://127.0.0.1:9/").unwrap();
    let tiun = crate::calls::tiun(&provider);
    let response = rejected::<tiun_client::axum::PaidSession, _>(&tiun).await;
    assert_not_stored("PaidSession", &response, StatusCode::PAYMENT_REQUIRED);

    let tulo = tulo_jwt::test_util::FakeTulo::new(SECRET, "https://news.example.com/forward");
    let verifier = tulo.verifier().unwrap();
    let response = rejected::<tulo_jwt::axum::TuloSession, _>(&verifier).await;
    assert_not_stored("TuloSession", &response, StatusCode::UNAUTHORIZED);

    let key = payway_client::sso2::SessionCookieKey::new(SECRET.as_bytes()).unwrap();
    let response = rejected::<payway_client::axum::Sso2Cookie, _>(&key).await;
    assert_not_stored("Sso2Cookie", &response, StatusCode::UNAUTHORIZED);

    let signing = accesstype_jwt::WebhookSigningKey::new(SECRET).unwrap();
    let response =
        match accesstype_jwt::axum::SignedWebhook::from_request(request(&[]), &signing).await {
            Ok(_) => panic!("an unsigned webhook was let through"),
            Err(rejection) => rejection.into_response(),
        };
    assert_not_stored("SignedWebhook", &response, StatusCode::UNAUTHORIZED);
}

/// The `Cache-Control` of a page returned with the first session, and of one returned with
/// the second after a handler's own `Cache-Control`.
fn cache_controls<P>(sessions: [P; 2]) -> [String; 2]
where
    P: IntoResponseParts,
    P::Error: IntoResponse,
{
    let [first, second] = sessions;
    let own = [(header::CACHE_CONTROL, "private, max-age=60")];
    [
        (first, "the story").into_response(),
        (own, second, "the story").into_response(),
    ]
    .map(|page| {
        assert_eq!(page.status(), StatusCode::OK);
        page.headers()[header::CACHE_CONTROL]
            .to_str()
            .unwrap()
            .to_owned()
    })
}

/// The session `E` extracted from a request with `headers`, or a panic.
async fn extracted<E, S>(headers: &[(&str, &str)], state: &S) -> E
where
    E: FromRequestParts<S>,
    E::Rejection: std::fmt::Debug,
    S: Send + Sync,
{
    extract(headers, state).await.unwrap()
}

#[tokio::test]
async fn every_page_served_with_a_session_is_kept_by_no_shared_cache() {
    let expected = ["private, no-store", "private, max-age=60"].map(String::from);

    let tiun = tiun_client::test_util::FakeTiun::start().await;
    tiun.paid_session("sess-paid");
    let header = (tiun_client::axum::SESSION_HEADER, "sess-paid");
    let client = tiun.client();
    let paid = [
        extracted::<tiun_client::axum::PaidSession, _>(&[header], &client).await,
        extracted::<tiun_client::axum::PaidSession, _>(&[header], &client).await,
    ];
    assert_eq!(cache_controls(paid), expected, "PaidSession");

    let tulo = tulo_jwt::test_util::FakeTulo::new(SECRET, "https://news.example.com/forward");
    let cookie = format!("T_ID={}", tulo.active_cookie("account-a"));
    let verifier = tulo.verifier().unwrap();
    let session =
        extracted::<tulo_jwt::axum::TuloSession, _>(&[("cookie", &cookie)], &verifier).await;
    assert_eq!(
        cache_controls([session.clone(), session]),
        expected,
        "TuloSession"
    );

    let key = payway_client::sso2::SessionCookieKey::new(SECRET.as_bytes()).unwrap();
    let sealed = key.seal(&sso2_cookie()).unwrap();
    let cookie = format!("__Host-payway-sso2={sealed}");
    let session =
        extracted::<payway_client::axum::Sso2Cookie, _>(&[("cookie", &cookie)], &key).await;
    assert_eq!(
        cache_controls([session.clone(), session]),
        expected,
        "Sso2Cookie"
    );
    // The flow's answer for a page, whether it sets a cookie or not.
    for page in [
        payway_client::sso2::Sso2Page::Session {
            cookie: sso2_cookie(),
            set_cookies: payway_client::SetCookies::new(),
        },
        payway_client::sso2::Sso2Page::Anonymous {
            set_cookies: payway_client::SetCookies::new(),
        },
    ] {
        assert_eq!(cache_controls([page.clone(), page]), expected, "Sso2Page");
    }

    let accesstype = accesstype_jwt::test_util::FakeAccesstype::start().await;
    let reader = accesstype_jwt::axum::Reader::from(crate::calls::reader_id());
    let pass = accesstype
        .client()
        .gate("story-1", reader, None)
        .await
        .unwrap();
    assert_eq!(cache_controls([pass.clone(), pass]), expected, "StoryPass");
}

/// A logged-in SSO2 session cookie, from a landing whose token SSO2 signed.
fn sso2_cookie() -> payway_client::sso2::SessionCookie {
    let sso2 = crate::calls::sso2(&url::Url::parse("https://sso.example/").unwrap());
    let now = unix_now();
    let token = signed(&json!({"sid": "sid-1", "sts": "loggedin", "iat": now, "exp": now + 60}));
    let mut landing = url::Url::parse("https://news.example.com/sso2/landing").unwrap();
    landing
        .query_pairs_mut()
        .append_pair("t", &token)
        .append_pair("r", "https://news.example.com/story");
    let policy = payway_client::ReturnPolicy::allow_hosts(["news.example.com"]);
    let (session, _) = sso2.landing(&landing, &policy).unwrap().into_parts();
    payway_client::sso2::SessionCookie::new(&session)
        .with_account("account-a", ["premium"])
        .unwrap()
}

#[tokio::test]
async fn every_answer_that_sets_a_cookie_is_kept_by_no_shared_cache() {
    let expected = ["private, no-store", "private, max-age=60"].map(String::from);

    let set_cookies = payway_client::SetCookies::from(vec![
        "__Host-payway-sso2=sealed; Path=/; Secure; HttpOnly; SameSite=Lax".to_owned(),
    ]);
    assert_eq!(
        cache_controls([set_cookies.clone(), set_cookies]),
        expected,
        "SetCookies"
    );
    let none = (payway_client::SetCookies::new(), "a page").into_response();
    assert!(none.headers().get(header::CACHE_CONTROL).is_none());

    let cookie = accesstype_jwt::ReaderCookie::host_only().same_site_lax();
    let fresh = extracted::<accesstype_jwt::axum::Reader, _>(&[], &cookie).await;
    assert!(fresh.is_fresh());
    assert_eq!(
        cache_controls([fresh.clone(), fresh]),
        expected,
        "a fresh Reader"
    );
    let known = accesstype_jwt::axum::Reader::from(crate::calls::reader_id());
    let page = (known, "a page").into_response();
    assert!(page.headers().get(header::CACHE_CONTROL).is_none());
}
