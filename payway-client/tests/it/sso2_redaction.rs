//! No SSO2 secret (client secret, cookie key, session id, ticket, password, request token)
//! in any `{:?}` of the SSO2 types.

use payway_client::sso2::{
    PageVisit, Reader, SessionCookie, SessionCookieKey, Sso2Client, Sso2Flow,
};
use payway_client::test_util::FakePayway;
use payway_client::{Environment, ReturnPolicy};
use serde_json::json;
use url::Url;

use crate::sso2_support::{answer_claims, answer_token, sso2_at};

#[tokio::test]
async fn sso2_types_print_no_secret() {
    let builder = Sso2Client::builder()
        .environment(Environment::Stage)
        .client_id("visible-client")
        .client_secret("builder-secret-value-0123456789abcdef")
        .organisation_id("visible-org");
    let shown_builder = format!("{builder:?}");
    assert!(shown_builder.contains("visible-client") && shown_builder.contains("visible-org"));
    let client = builder.build().unwrap();
    let key = SessionCookieKey::new(b"cookie-key-secret-value-0123456789").unwrap();
    let mut claims = answer_claims("sid-secret-value", "loggedin");
    claims["at"] = json!("ticket-secret-value");
    let mut url = Url::parse("https://news.example.com/landing").unwrap();
    url.query_pairs_mut()
        .append_pair("t", &answer_token(&claims))
        .append_pair("r", "https://news.example.com/");
    let landing = sso2_at("https://sso.example.com/")
        .landing(&url, &ReturnPolicy::allow_hosts(["news.example.com"]))
        .unwrap();
    let cookie = SessionCookie::new(landing.session());
    let reader = Reader::new("203.0.113.250".parse().unwrap(), "Mozilla/5.0");
    let fake = FakePayway::start().await;
    let flow = Sso2Flow::new(
        fake.sso2_client(),
        fake.client(),
        key.clone(),
        ReturnPolicy::deny_all(),
    );
    let page = Url::parse("https://news.example.com/a").unwrap();
    let sealed = key.seal(&cookie).unwrap();
    let header = format!("__Host-payway-sso2={sealed}; state=cookie-key-secret-in-a-header");
    let visit = PageVisit::new(&page, &reader, [header.as_bytes()]).session(Some(cookie.clone()));
    let visit_shown = format!("{visit:?} {visit:#?}");
    assert!(visit_shown.contains("cookie_headers: 1"), "{visit_shown}");
    // Neither the text nor its bytes as numbers.
    let bytes_shown = format!("{:?}", &header.as_bytes()[..8]);
    assert!(!visit_shown.contains(&sealed), "{visit_shown}");
    assert!(
        !visit_shown.contains(bytes_shown.trim_end_matches(']')),
        "{visit_shown}"
    );
    let shown = [
        shown_builder,
        format!("{client:?} {client:#?}"),
        format!("{key:?}"),
        format!("{landing:?} {:?}", landing.session()),
        format!("{cookie:?}"),
        format!("{reader:?}"),
        format!("{flow:?}"),
        format!("{visit:?}"),
        format!("{:?}", flow.page(&visit).await.unwrap()),
        format!("{fake:?}"),
    ];
    for text in shown {
        for secret in [
            "builder-secret-value",
            "cookie-key-secret",
            "sid-secret-value",
            "ticket-secret-value",
            "203.0.113.250",
            fake.client_secret(),
        ] {
            assert!(!text.contains(secret), "{secret} in {text}");
        }
    }
}
