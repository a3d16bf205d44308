//! `{:?}` and `{}` of every public type that holds a secret or personal data, in every crate,
//! with secrets and personal data planted in all of them: none may show.

use std::error::Error as StdError;
use std::time::SystemTime;

use serde_json::json;
use url::Url;

use crate::calls::{payway, tiun};
use crate::recorder::{Recorder, Script};
use crate::table::{
    EMAIL, NAME, PHONE, SECRET, SECRET_DOTNET, SECRET_FORM, SECRET_PHP, STREET,
    assert_nothing_planted,
};

/// The error, then every source below it, as an error reporter would print them.
fn chain(error: &dyn StdError) -> String {
    let mut shown = format!("{error} / {error:?}");
    let mut source = error.source();
    while let Some(cause) = source {
        shown.push_str(&format!(" / {cause} / {cause:?}"));
        source = cause.source();
    }
    shown
}

fn json_answer(status: u16, body: serde_json::Value) -> Script {
    Script::Answer(status, "application/json", body.to_string())
}

#[tokio::test]
async fn tiun_client() {
    let builder = tiun_client::TiunClient::builder()
        .api_key(SECRET)
        .environment(tiun_client::Environment::Sandbox);
    assert_nothing_planted("TiunClientBuilder", &format!("{builder:?}"));
    assert_nothing_planted("TiunClient", &format!("{:?}", builder.build().unwrap()));

    let person = json!({"isAuthenticated": true, "userInfo": {
        "userId": "u-1", "email": EMAIL, "name": NAME, "phone": PHONE, "productAccess": []}});
    let provider = Recorder::start(json_answer(200, person)).await;
    let verified = tiun(&provider.url())
        .verify_user("user-token")
        .await
        .unwrap();
    assert_nothing_planted("UserVerification", &format!("{verified:?}"));

    let garbled = json!({"isAuthenticated": EMAIL, "userInfo": {"userId": NAME}});
    let provider = Recorder::start(json_answer(200, garbled)).await;
    let error = tiun(&provider.url())
        .verify_user("user-token")
        .await
        .unwrap_err();
    assert_nothing_planted("tiun Error::Parse", &chain(&error));

    // tiun echoing the key it was sent, in the spellings an API could use.
    let echo = json!({"status": 401, "title": "Unauthorized", "detail": format!(
        "unknown key {SECRET} / {SECRET_FORM} / {SECRET_PHP} / {SECRET_DOTNET}")});
    let provider = Recorder::start(json_answer(401, echo)).await;
    let keyed = tiun_client::TiunClient::builder()
        .base_url(provider.url())
        .api_key(SECRET)
        .build()
        .unwrap();
    let answered = keyed.verify_session("session-1").await;
    assert_nothing_planted("tiun SessionStatus (echo)", &format!("{answered:?}"));
    let answered = keyed.verify_user("user-token").await;
    match &answered {
        Ok(outcome) => {
            assert_nothing_planted("tiun UserVerification (echo)", &format!("{outcome:?}"))
        }
        Err(error) => assert_nothing_planted("tiun Error (echo)", &chain(error)),
    }

    let fake = tiun_client::test_util::FakeTiun::start().await;
    assert_nothing_planted("FakeTiun", &format!("{fake:?}").replace(fake.api_key(), ""));
    assert!(!format!("{fake:?}").contains(fake.api_key()));
}

#[tokio::test]
async fn payway_client() {
    let builder = payway_client::PaywayClient::builder()
        .environment(payway_client::Environment::Stage)
        .client_id("client-1")
        .client_secret(SECRET);
    assert_nothing_planted("PaywayClientBuilder", &format!("{builder:?}"));
    assert_nothing_planted("PaywayClient", &format!("{:?}", builder.build().unwrap()));
    for shown in [
        format!("{:?}", payway_client::Ticket::new(SECRET)),
        format!("{:?}", payway_client::AccessToken::new(SECRET)),
        format!("{:?}", payway_client::RefreshToken::new(SECRET)),
        format!("{:?}", payway_client::ClientSecret::new(SECRET)),
    ] {
        assert_nothing_planted("a payway secret", &shown);
    }

    let mut back = Url::parse("https://news.example.com/welcome-back").unwrap();
    back.query_pairs_mut().append_pair("ticket", SECRET);
    let policy = payway_client::ReturnPolicy::allow_hosts(["news.example.com"]);
    let callback = payway_client::TicketCallback::parse(&back, &policy).unwrap();
    assert_nothing_planted("TicketCallback", &format!("{callback:?}"));

    let tokens = json!({"access_token": SECRET, "refresh_token": SECRET, "token_type": "Bearer", "expires_in": 60});
    let provider = Recorder::start(json_answer(200, tokens)).await;
    let issued = payway(&provider.url())
        .exchange_ticket(&payway_client::Ticket::new("ticket-1"))
        .await
        .unwrap();
    assert_nothing_planted("TokenResponse", &format!("{issued:?}"));

    // Payway echoing the request: as a form, as PHP and .NET write JSON strings.
    let echo = json!({"error": "invalid_client", "error_description": format!(
        "bad request grant_type=ticket&client_secret={SECRET_FORM} / {SECRET_PHP} / {SECRET_DOTNET} / {SECRET}")});
    let provider = Recorder::start(json_answer(401, echo)).await;
    let error = payway(&provider.url())
        .exchange_ticket(&payway_client::Ticket::new("ticket-1"))
        .await
        .unwrap_err();
    assert_nothing_planted("payway Error (echo)", &chain(&error));
    let exposed = error
        .provider_error()
        .expect("the provider's error")
        .expose_body();
    for spelling in [SECRET, SECRET_FORM, SECRET_PHP, SECRET_DOTNET] {
        assert!(
            !exposed.contains(spelling),
            "expose_body() kept {spelling}: {exposed}"
        );
    }

    let account = json!({"item": {"id": "account-1", "email": EMAIL, "first_name": NAME,
        "last_name": NAME, "customer_number": PHONE, "address": {"street": STREET, "city": "X"}}});
    let provider = Recorder::start(json_answer(200, account)).await;
    let me = payway(&provider.url())
        .me(&payway_client::AccessToken::new("token-1"))
        .await
        .unwrap();
    assert_nothing_planted("Account", &format!("{me:?}"));

    let garbled = json!({"item": {"id": ["account-1"], "email": EMAIL, "address": STREET}});
    let provider = Recorder::start(json_answer(200, garbled)).await;
    let error = payway(&provider.url())
        .me(&payway_client::AccessToken::new("token-1"))
        .await
        .unwrap_err();
    assert_nothing_planted("payway Error::Parse", &chain(&error));
}

#[tokio::test]
async fn payway_sso2() {
    use payway_client::sso2::{Reader, SessionCookie, SessionCookieKey, Sso2Client, Sso2Status};
    let builder = Sso2Client::builder()
        .environment(payway_client::Environment::Stage)
        .client_id("client-1")
        .client_secret(SECRET)
        .organisation_id("org-1");
    assert_nothing_planted("Sso2ClientBuilder", &format!("{builder:?}"));
    let sso2 = builder.build().unwrap();
    assert_nothing_planted("Sso2Client", &format!("{sso2:?}"));
    let key = SessionCookieKey::new(SECRET.as_bytes()).unwrap();
    assert_nothing_planted("SessionCookieKey", &format!("{key:?}"));
    let reader = Reader::new("192.0.2.7".parse().unwrap(), "Mozilla/5.0");
    assert_nothing_planted("Reader", &format!("{reader:?}"));

    // A logged-in session through the fake: identify, landing, then the seal.
    let fake = payway_client::test_util::FakePayway::start().await;
    fake.add_account("acc-1", ["premium"]);
    fake.add_login(EMAIL, SECRET, "acc-1");
    fake.set_sso2_landing_url(Url::parse("https://news.example.com/sso2/landing").unwrap());
    let sso2 = fake.sso2_client();
    let story = Url::parse("https://news.example.com/story").unwrap();
    let landing = fake
        .sso2_identify_logged_in(&sso2.identify_url(&story).unwrap(), EMAIL)
        .unwrap();
    let policy = payway_client::ReturnPolicy::allow_hosts(["news.example.com"]);
    let landed = sso2.landing(&landing, &policy).unwrap();
    let session = landed.session();
    assert_eq!(session.status(), Sso2Status::LoggedIn);
    let ticket = session
        .ticket()
        .expect("a logged-in answer carries a ticket");
    for shown in [format!("{landed:?}"), format!("{session:?}")] {
        assert_nothing_planted("Sso2Landing", &shown);
        assert!(
            !shown.contains(session.sid()),
            "the session id printed: {shown}"
        );
        assert!(
            !shown.contains(ticket.expose_secret()),
            "the ticket printed: {shown}"
        );
    }
    let cookie = SessionCookie::new(session)
        .with_account("acc-1", ["premium"])
        .unwrap();
    let sealed = key.seal(&cookie).unwrap();
    let shown = format!("{cookie:?}");
    assert_nothing_planted("SessionCookie", &shown);
    assert!(
        !shown.contains(&sealed) && !shown.contains(session.sid()),
        "{shown}"
    );

    // Statuses answered for that session, through the server calls.
    let status = sso2
        .session_status(session.sid(), Sso2Status::LoggedIn, &reader)
        .await
        .unwrap();
    assert_nothing_planted("Sso2Session", &format!("{status:?}"));
    assert!(!format!("{status:?}").contains(session.sid()));
}

#[test]
fn tulo_jwt() {
    let builder = tulo_jwt::TuloVerifier::builder()
        .client_id("client-1")
        .client_secret(SECRET)
        .redirect_uri("https://news.example.com/forward");
    assert_nothing_planted("TuloVerifierBuilder", &format!("{builder:?}"));
    assert_nothing_planted("TuloVerifier", &format!("{:?}", builder.build().unwrap()));

    let tulo = tulo_jwt::test_util::FakeTulo::new(SECRET, "https://news.example.com/forward");
    let verifier = tulo.verifier().unwrap();
    let mut claims = tulo.active_claims("account-1", SystemTime::now());
    claims["prn"] = json!(EMAIL);
    claims["session"]["contact_email"] = json!(EMAIL);
    claims["session"]["display_name"] = json!(NAME);
    claims["session"]["first_name"] = json!(NAME);
    claims["session"]["mobile_number"] = json!(PHONE);
    claims["session"]["customer_number"] = json!(PHONE);
    claims["session"]["street"] = json!(STREET);
    let state = verifier.verify_cookie(&tulo.cookie(&claims)).unwrap();
    assert!(state.is_active());
    assert_nothing_planted("SessionState", &format!("{state:?}"));
    assert_nothing_planted("FakeTulo", &format!("{tulo:?}"));

    let error = verifier
        .verify_token(&format!("{EMAIL}.{NAME}.{SECRET}"))
        .unwrap_err();
    assert_nothing_planted("tulo Error", &chain(&error));
}

#[tokio::test]
async fn accesstype_jwt() {
    let builder = accesstype_jwt::AccesstypeSigner::builder().secret(SECRET);
    assert_nothing_planted("AccesstypeSignerBuilder", &format!("{builder:?}"));
    let signer = builder.build().unwrap();
    assert_nothing_planted("AccesstypeSigner", &format!("{signer:?}"));

    let user = accesstype_jwt::User::new(EMAIL, 42).name(NAME);
    assert_nothing_planted("User", &format!("{user:?}"));
    let token = signer.sign(&user).unwrap();
    assert_nothing_planted(
        "verified User",
        &format!("{:?}", signer.verify(&token).unwrap()),
    );

    let phone = accesstype_jwt::User::with_phone_number(PHONE, 43).name(NAME);
    assert_nothing_planted("User (phone)", &format!("{phone:?}"));
    let client = accesstype_jwt::AccesstypeClient::builder()
        .environment(accesstype_jwt::Environment::Staging)
        .account_key("account-1")
        .api_key(SECRET);
    assert_nothing_planted("AccesstypeClientBuilder", &format!("{client:?}"));
    assert_nothing_planted(
        "AccesstypeClient",
        &format!("{:?}", client.build().unwrap()),
    );

    // Accesstype refusing the key, and echoing it.
    let echo = json!({"error": format!("bad X-SUBAUTH {SECRET} / {SECRET_FORM} / {SECRET_PHP}")});
    let provider = Recorder::start(json_answer(401, echo)).await;
    let error = crate::calls::accesstype(&provider.url())
        .check_access("story-1", &crate::calls::reader_id(), None)
        .await
        .unwrap_err();
    assert_nothing_planted("accesstype Error (echo)", &chain(&error));

    let invisible = accesstype_jwt::User::new(format!("{EMAIL}\u{200b}"), 42).name(NAME);
    let error = signer.sign(&invisible).unwrap_err();
    assert_nothing_planted("accesstype Error", &chain(&error));
    let error = signer
        .verify(&format!("{EMAIL}.{NAME}.{SECRET}"))
        .unwrap_err();
    assert_nothing_planted("accesstype Error", &chain(&error));
}

/// A media type that echoes `SECRET` percent-encoded and in capitals: every crate keeps media
/// types lowercased, so only a search without regard to case finds it there.
const ECHOING_MEDIA_TYPE: &str = "application/x-S3CR3T%2F%2B%3DVALUE-0123456789-ABCDEFGHIJ";

/// `shown` holds no spelling of `SECRET` in any case, and says where it was cut.
fn assert_media_type_cut(what: &str, shown: &str) {
    let lowered = shown.to_ascii_lowercase();
    for planted in [SECRET, SECRET_FORM] {
        assert!(
            !lowered.contains(&planted.to_ascii_lowercase()),
            "{what} printed {planted:?} in some case: {shown}"
        );
    }
    assert!(
        shown.contains("application/x-[redacted]"),
        "{what} shows no cut media type: {shown}"
    );
}

#[tokio::test]
async fn a_secret_echoed_into_the_media_type_shows_in_no_crate() {
    let provider = Recorder::start(Script::Answer(200, ECHOING_MEDIA_TYPE, "{".to_owned())).await;
    let error = tiun_client::TiunClient::builder()
        .base_url(provider.url())
        .api_key(SECRET)
        .build()
        .unwrap()
        .verify_user("user-token")
        .await
        .unwrap_err();
    assert_media_type_cut("tiun Error::Parse", &chain(&error));

    let provider = Recorder::start(Script::Answer(400, ECHOING_MEDIA_TYPE, "{}".to_owned())).await;
    let error = payway(&provider.url())
        .exchange_ticket(&payway_client::Ticket::new("ticket-1"))
        .await
        .unwrap_err();
    assert_media_type_cut("payway Error", &format!("{} {error:?}", chain(&error)));

    let provider = Recorder::start(Script::Answer(200, ECHOING_MEDIA_TYPE, "{".to_owned())).await;
    let error = payway(&provider.url())
        .exchange_ticket(&payway_client::Ticket::new("ticket-1"))
        .await
        .unwrap_err();
    assert!(matches!(error, payway_client::Error::Parse(_)), "{error:?}");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(200));
    assert_media_type_cut(
        "payway Error::Parse",
        &format!("{} {error:?}", chain(&error)),
    );

    let provider = Recorder::start(Script::Answer(502, ECHOING_MEDIA_TYPE, String::new())).await;
    let error = crate::calls::accesstype(&provider.url())
        .check_access("story-1", &crate::calls::reader_id(), None)
        .await
        .unwrap_err();
    assert_media_type_cut("accesstype Error", &format!("{} {error:?}", chain(&error)));

    let provider = Recorder::start(Script::Answer(200, ECHOING_MEDIA_TYPE, "{".to_owned())).await;
    let error = crate::calls::accesstype(&provider.url())
        .check_access("story-1", &crate::calls::reader_id(), None)
        .await
        .unwrap_err();
    assert!(
        matches!(error, accesstype_jwt::Error::Parse(_)),
        "{error:?}"
    );
    assert_eq!(error.status().map(|s| s.as_u16()), Some(200));
    assert_media_type_cut(
        "accesstype Error::Parse",
        &format!("{} {error:?}", chain(&error)),
    );
}
