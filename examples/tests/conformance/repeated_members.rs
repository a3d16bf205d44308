//! An answer that decides access or identity is refused when a JSON member is repeated, in
//! every crate: `{"id":"a","id":"b"}` means one thing to one parser and another to the next.

use std::time::SystemTime;

use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::{Value, json};

use crate::calls::{payway, signed, tiun, unix_now};
use crate::recorder::{Recorder, Script};
use crate::table::SECRET;

#[tokio::test]
async fn tiun_user_verification() {
    let body = r#"{"isAuthenticated":false,"isAuthenticated":true,"userInfo":{"userId":"u-1","email":null,"productAccess":[]}}"#;
    let provider = Recorder::start(Script::Answer(200, "application/json", body.to_owned())).await;
    assert!(
        tiun(&provider.url())
            .verify_user("user-token")
            .await
            .is_err()
    );
    let nested = r#"{"isAuthenticated":true,"userInfo":{"userId":"u-1","userId":"admin","productAccess":[]}}"#;
    let provider =
        Recorder::start(Script::Answer(200, "application/json", nested.to_owned())).await;
    assert!(
        tiun(&provider.url())
            .verify_user("user-token")
            .await
            .is_err()
    );
}

#[tokio::test]
async fn payway_account_products_and_tokens() {
    let token = payway_client::AccessToken::new("token-1");
    let me = r#"{"item":{"id":"account-a","id":"account-b","email":"x@example.com"}}"#;
    let provider = Recorder::start(Script::Answer(200, "application/json", me.to_owned())).await;
    assert!(payway(&provider.url()).me(&token).await.is_err());

    let products = r#"{"item":{"id":"a","active_products":[],"active_products":["premium"]}}"#;
    let provider =
        Recorder::start(Script::Answer(200, "application/json", products.to_owned())).await;
    assert!(
        payway(&provider.url())
            .active_products(&token)
            .await
            .is_err()
    );

    let tokens =
        r#"{"access_token":"a","token_type":"Bearer","access_token":"b","expires_in":3600}"#;
    let provider =
        Recorder::start(Script::Answer(200, "application/json", tokens.to_owned())).await;
    let exchanged = payway(&provider.url())
        .exchange_ticket(&payway_client::Ticket::new("ticket-1"))
        .await;
    assert!(exchanged.is_err());
}

#[tokio::test]
async fn accesstype_access_checks() {
    let body = r#"{"granted":false,"grantReason":null,"granted":true}"#;
    let provider = Recorder::start(Script::Answer(200, "application/json", body.to_owned())).await;
    let checked = crate::calls::accesstype(&provider.url())
        .check_access("story-1", &crate::calls::reader_id(), None)
        .await;
    assert!(checked.is_err(), "{checked:?}");
}

#[test]
fn accesstype_access_grants() {
    for body in [
        r#"{"granted":false,"granted":true,"grantReason":"SUBSCRIBER"}"#,
        r#"{"granted":true,"grantReason":"METERING","data":{"numberRemaining":1,"numberRemaining":99}}"#,
    ] {
        assert!(
            accesstype_jwt::AccessGrant::from_slice(body.as_bytes()).is_err(),
            "{body}"
        );
    }
}

/// Claims serialised with a member repeated, as a forger would write them.
#[derive(Clone)]
struct Repeated(Vec<(&'static str, Value)>);

impl Serialize for Repeated {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (name, value) in &self.0 {
            map.serialize_entry(name, value)?;
        }
        map.end()
    }
}

#[test]
fn tulo_session_tokens() {
    let tulo = tulo_jwt::test_util::FakeTulo::new(SECRET, "https://news.example.com/forward");
    let verifier = tulo.verifier().unwrap();
    let claims = tulo.active_claims("account-a", SystemTime::now());
    let Value::Object(members) = claims else {
        unreachable!()
    };
    let mut repeated: Vec<(&'static str, Value)> = Vec::new();
    for (name, value) in members {
        repeated.push((Box::leak(name.into_boxed_str()), value));
    }
    assert!(
        verifier
            .verify_token(&signed(&Repeated(repeated.clone())))
            .is_ok()
    );
    // The same token with `session` given twice: first inactive, then the real one.
    repeated.insert(0, ("session", json!({ "active": false })));
    let token = signed(&Repeated(repeated));
    assert!(verifier.verify_token(&token).is_err());
}

#[test]
fn accesstype_user_tokens() {
    let signer = crate::calls::accesstype_signer();
    let token = signed(&Repeated(vec![
        ("email", json!("reader@example.com")),
        ("id", json!(42)),
        ("email", json!("admin@example.com")),
    ]));
    assert!(signer.verify(&token).is_err());
}

#[test]
fn sso2_landing_tokens() {
    let sso2 = crate::calls::sso2(&url::Url::parse("https://sso.example/").unwrap());
    let now = unix_now();
    let landing = |claims: Vec<(&'static str, Value)>| {
        let mut landing = url::Url::parse("https://news.example.com/sso2/landing").unwrap();
        landing
            .query_pairs_mut()
            .append_pair("t", &signed(&Repeated(claims)))
            .append_pair("r", "https://news.example.com/story");
        landing
    };
    let policy = payway_client::ReturnPolicy::allow_hosts(["news.example.com"]);
    let mut claims = vec![
        ("sid", json!("sid-1")),
        ("sts", json!("anon")),
        ("iat", json!(now)),
        ("exp", json!(now + 60)),
    ];
    assert!(sso2.landing(&landing(claims.clone()), &policy).is_ok());
    // `sts` twice: an anonymous answer that one parser would read as logged in.
    claims.push(("sts", json!("loggedin")));
    assert!(sso2.landing(&landing(claims), &policy).is_err());
}

#[tokio::test]
async fn tiun_user_lookup() {
    let lookup = |body: &str| {
        let body = body.to_owned();
        async move {
            let provider = Recorder::start(Script::Answer(200, "application/json", body)).await;
            tiun(&provider.url()).user_info("u-1").await
        }
    };
    let once = lookup(r#"{"userId":"u-1","email":"r@example.com","productAccess":[]}"#).await;
    assert!(
        matches!(once, Ok(tiun_client::UserLookup::Found(_))),
        "{once:?}"
    );
    let twice =
        lookup(r#"{"userId":"u-1","email":"r@example.com","userId":"admin","productAccess":[]}"#)
            .await;
    assert!(twice.is_err(), "{twice:?}");
}

#[tokio::test]
async fn sso2_server_answers() {
    let now = unix_now();
    let answer = |sts: &str| {
        signed(&Repeated(vec![
            ("sid", json!("sid-1")),
            ("sts", json!(sts)),
            ("iat", json!(now)),
            ("exp", json!(now + 10)),
        ]))
    };
    let status = |body: String| async move {
        let provider = Recorder::start(Script::Answer(200, "application/json", body)).await;
        crate::calls::sso2(&provider.url())
            .session_status(
                "sid-1",
                payway_client::sso2::Sso2Status::Anonymous,
                &crate::calls::reader(),
            )
            .await
    };
    let once = status(format!(r#"{{"t":"{}"}}"#, answer("anon"))).await;
    assert!(once.is_ok(), "{once:?}");
    // The envelope's `t` twice: an anonymous answer, then a logged-in one.
    let twice = status(format!(
        r#"{{"t":"{}","t":"{}"}}"#,
        answer("anon"),
        answer("loggedin")
    ))
    .await;
    assert!(twice.is_err(), "{twice:?}");
}
