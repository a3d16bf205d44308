//! The Tulo Paywall's checkout return through `Sso2Flow::checkout_landing` and `FakePayway`:
//! checkout tokens signed here by jsonwebtoken with the paywall secret (the independent
//! oracle), verified strictly, taken once, bound to the browser, and logged in through
//! SSO2's `authenticatewithticket` with `at = dtid`.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::Algorithm;
use payway_client::sso2::{
    LandingError, PaywallSecret, Reader, SessionCookie, SessionCookieKey, Sso2Flow, Sso2Status,
    TokenError,
};
use payway_client::test_util::FakePayway;
use payway_client::{BuildError, Error, LoginStateError, ReturnPolicy, TicketLogin};
use reqwest::header::{COOKIE, SET_COOKIE};
use serde_json::{Value, json};
use url::Url;

use crate::sso2_browser::{Jar, KEY, identify, land, news_site};
use crate::sso2_support::sign_with;

const CHECKOUT: &str = "https://news.example.com/checkout-landing";

async fn setup() -> (FakePayway, Sso2Flow) {
    let fake = FakePayway::start().await;
    let flow =
        news_site(&fake).with_paywall_secret(PaywallSecret::new(fake.paywall_secret()).unwrap());
    (fake, flow)
}

fn reader() -> Reader {
    Reader::new(
        "198.51.100.7".parse().unwrap(),
        "Mozilla/5.0 (Test) Firefox/126.0",
    )
}

fn article() -> Url {
    Url::parse("https://news.example.com/articles/9").unwrap()
}

fn now() -> u64 {
    jsonwebtoken::get_current_timestamp()
}

/// The checkout landing URL `flow` gives the paywall on [`article`] for `session`.
fn checkout_of(flow: &Sso2Flow, session: &SessionCookie) -> Url {
    flow.start_checkout(&Url::parse(CHECKOUT).unwrap(), &article(), session)
        .unwrap()
}

/// A browser with an anonymous SSO2 session cookie for the site (its first page identified
/// it), and that session.
async fn with_session(fake: &FakePayway, flow: &Sso2Flow) -> (Jar, SessionCookie) {
    let mut jar = Jar::default();
    let url = identify(flow, &article(), &reader(), &mut jar).await;
    let landed = land(flow, &fake.sso2_identify(&url).unwrap(), &mut jar)
        .await
        .unwrap();
    (jar, landed.cookie.unwrap())
}

/// A browser whose session is logged in to `acc-buyer` (whose login it adds), and that
/// session.
async fn logged_in_buyer(fake: &FakePayway, flow: &Sso2Flow) -> (Jar, SessionCookie) {
    fake.add_login("buyer@example.com", "pw-buyer-123", "acc-buyer");
    let mut jar = Jar::default();
    let url = identify(flow, &article(), &reader(), &mut jar).await;
    let arrived = fake
        .sso2_identify_logged_in(&url, "buyer@example.com")
        .unwrap();
    let landed = land(flow, &arrived, &mut jar).await.unwrap();
    (jar, landed.cookie.unwrap())
}

/// A browser with a session ([`with_session`]), then sent to the paywall: the checkout
/// landing URL the paywall posts to.
async fn ready_to_buy(fake: &FakePayway, flow: &Sso2Flow) -> (Jar, Url) {
    let (jar, session) = with_session(fake, flow).await;
    let landing = checkout_of(flow, &session);
    (jar, landing)
}

/// `flow` with a Payway client that Payway refuses (a secret rotated at Payway, say): every
/// ticket login fails, after SSO2 has acted.
fn refused_by_payway(fake: &FakePayway, flow: &Sso2Flow) -> Sso2Flow {
    let payway = fake
        .client_builder()
        .client_secret("a-client-secret-payway-no-longer-knows")
        .build()
        .unwrap();
    Sso2Flow::new(
        fake.sso2_client(),
        payway,
        flow.key().clone(),
        ReturnPolicy::allow_hosts(["news.example.com"]),
    )
    .with_paywall_secret(PaywallSecret::new(fake.paywall_secret()).unwrap())
}

/// [`post`], which must fail: its error.
async fn refused(flow: &Sso2Flow, landing: &Url, body: &[u8], jar: &mut Jar) -> Error {
    post(flow, landing, body, jar).await.unwrap_err()
}

/// A checkout that did not log the reader in, and says so.
fn assert_not_logged_in(error: &Error) {
    assert!(
        matches!(error, Error::Landing(LandingError::CheckoutNotLoggedIn)),
        "{error:?}"
    );
}

/// A checkout token as the paywall signs it, by jsonwebtoken with the paywall secret.
fn paywall_token(fake: &FakePayway, claims: &Value) -> String {
    sign_with(Algorithm::HS256, &fake.paywall_secret(), claims)
}

/// The claims of a purchase by `account`: a fresh delegated ticket from the fake.
fn purchase(fake: &FakePayway, account: &str) -> Value {
    let now = now();
    json!({"dtid": fake.issue_ticket(account), "aid": account, "iat": now, "exp": now + 60})
}

fn form(token: &str) -> Vec<u8> {
    url::form_urlencoded::Serializer::new(String::new())
        .append_pair("jwtToken", token)
        .finish()
        .into_bytes()
}

async fn post(
    flow: &Sso2Flow,
    landing: &Url,
    body: &[u8],
    jar: &mut Jar,
) -> Result<payway_client::sso2::Sso2Landed, Error> {
    let header = jar.header();
    let landed = flow
        .checkout_landing(landing, body, [header.as_bytes()], &reader())
        .await?;
    jar.apply(&landed.set_cookies);
    Ok(landed)
}

#[tokio::test]
async fn a_checkout_logs_the_reader_in_once_with_the_delegated_ticket() {
    let (fake, flow) = setup().await;
    fake.add_account("acc-buyer", ["premium"]);
    let (mut jar, landing) = ready_to_buy(&fake, &flow).await;
    let before = jar.clone();
    let body = form(&paywall_token(&fake, &purchase(&fake, "acc-buyer")));
    let calls = fake.sso2_calls();
    let landed = post(&flow, &landing, &body, &mut jar).await.unwrap();
    assert_eq!(landed.redirect_to, article());
    assert!(
        matches!(&landed.login, Some(TicketLogin::LoggedIn { account, .. }) if account.id == "acc-buyer")
    );
    let cookie = landed.cookie.unwrap();
    assert!(cookie.has_product("premium"));
    assert_eq!(fake.sso2_calls(), calls + 1, "one authenticatewithticket");
    assert!(
        jar.names("__Host-pw-state-").is_empty(),
        "a checkout sets no state cookie"
    );
    let opened = flow
        .key()
        .open_cookie_header(jar.header())
        .unwrap()
        .unwrap();
    assert_eq!(opened.account_id(), Some("acc-buyer"));
    // The same post again (a reload): the delegated ticket is not used again; the session,
    // which SSO2 still has logged in, is read afresh (a status call, a ticket of its own).
    let exchanges = fake.exchanges();
    let reload = post(&flow, &landing, &body, &mut jar.clone())
        .await
        .unwrap();
    assert!(!reload.is_replay(), "{reload:?}");
    assert_eq!(reload.redirect_to, article());
    assert!(reload.cookie.unwrap().has_product("premium"));
    assert_eq!(fake.sso2_calls(), calls + 2);
    assert_eq!(fake.exchanges(), exchanges + 1);
    // The cookie as it was before the checkout names the same session, which SSO2 has
    // logged in to the buyer's account now: read afresh too.
    let again = post(&flow, &landing, &body, &mut before.clone())
        .await
        .unwrap();
    assert!(again.cookie.unwrap().has_product("premium"));
    // Once SSO2 no longer has the session logged in, a repost is refused, and says so.
    assert!(fake.log_out_elsewhere(opened.sid()));
    let error = refused(&flow, &landing, &body, &mut jar.clone()).await;
    assert_not_logged_in(&error);
    assert_eq!(
        fake.sso2_calls(),
        calls + 4,
        "status calls only: the delegated ticket was used once"
    );
}

#[tokio::test]
async fn a_checkout_posted_in_another_browser_takes_nothing() {
    let (fake, flow) = setup().await;
    fake.add_account("acc-buyer", ["premium"]);
    let (mut jar, landing) = ready_to_buy(&fake, &flow).await;
    let body = form(&paywall_token(&fake, &purchase(&fake, "acc-buyer")));
    // Another browser, with a session of its own: the checkout is not bound to it.
    let (mut other, other_landing) = ready_to_buy(&fake, &flow).await;
    let calls = fake.sso2_calls();
    let refused = post(&flow, &landing, &body, &mut other).await.unwrap();
    assert_eq!(refused.not_bound, Some(LoginStateError::Mismatch));
    assert!(refused.cookie.is_none() && refused.login.is_none());
    assert_eq!(
        fake.sso2_calls(),
        calls,
        "the delegated ticket was not used"
    );
    // A swapped `r` (the other session's checkout) in the reader's own browser.
    let swapped = post(&flow, &other_landing, &body, &mut jar.clone())
        .await
        .unwrap();
    assert_eq!(swapped.not_bound, Some(LoginStateError::Mismatch));
    // An edited state.
    let mut edited = landing.clone();
    let r: String = landing
        .query_pairs()
        .find(|(name, _)| name == "r")
        .unwrap()
        .1
        .into_owned();
    let (front, time_and_tag) = r.split_once("pw_state=").unwrap();
    let (time, tag) = time_and_tag.split_once('.').unwrap();
    let later = time.parse::<u64>().unwrap() + 1;
    edited
        .query_pairs_mut()
        .clear()
        .append_pair("r", &format!("{front}pw_state={later}.{tag}"));
    let refused = post(&flow, &edited, &body, &mut jar.clone()).await.unwrap();
    assert_eq!(refused.not_bound, Some(LoginStateError::Mismatch));
    assert_eq!(fake.sso2_calls(), calls);
    // The browser that started it still lands.
    let landed = post(&flow, &landing, &body, &mut jar).await.unwrap();
    assert!(landed.cookie.unwrap().has_product("premium"));
}

#[tokio::test]
async fn checkout_tokens_are_verified_strictly() {
    let (fake, flow) = setup().await;
    fake.add_account("acc-buyer", ["premium"]);
    let (jar, landing) = ready_to_buy(&fake, &flow).await;
    let token_error = |result: Result<_, Error>| match result {
        Err(Error::Sso2Token(error)) => error,
        other => panic!("expected a refused token, got {other:?}"),
    };
    let good = purchase(&fake, "acc-buyer");
    let secret = fake.paywall_secret();
    let cases: Vec<(String, TokenError)> = vec![
        // Signed with the API client secret, not the paywall secret.
        (
            sign_with(Algorithm::HS256, fake.client_secret(), &good),
            TokenError::BadSignature,
        ),
        (
            sign_with(Algorithm::HS512, &secret, &good),
            TokenError::WrongAlgorithm {
                found: Some("HS512".to_owned()),
            },
        ),
        (
            format!(
                "{}.{}.",
                URL_SAFE_NO_PAD.encode(r#"{"alg":"none"}"#),
                URL_SAFE_NO_PAD.encode(good.to_string())
            ),
            TokenError::WrongAlgorithm {
                found: Some("none".to_owned()),
            },
        ),
        (
            {
                let mut header = jsonwebtoken::Header::new(Algorithm::HS256);
                header.crit = Some(vec!["exp".to_owned()]);
                jsonwebtoken::encode(
                    &header,
                    &good,
                    &jsonwebtoken::EncodingKey::from_secret(secret.as_bytes()),
                )
                .unwrap()
            },
            TokenError::CriticalHeader,
        ),
        (
            {
                let mut far = good.clone();
                far["exp"] = json!(now() + 3600);
                paywall_token(&fake, &far)
            },
            TokenError::ExpiresTooLate,
        ),
        (
            {
                let mut old = good.clone();
                old["exp"] = json!(now() - 600);
                paywall_token(&fake, &old)
            },
            TokenError::Expired,
        ),
        (
            {
                let mut no_dtid = good.clone();
                no_dtid.as_object_mut().unwrap().remove("dtid");
                paywall_token(&fake, &no_dtid)
            },
            TokenError::MissingClaim { claim: "dtid" },
        ),
        (
            {
                let mut no_aid = good.clone();
                no_aid.as_object_mut().unwrap().remove("aid");
                paywall_token(&fake, &no_aid)
            },
            TokenError::MissingClaim { claim: "aid" },
        ),
    ];
    for (token, expected) in cases {
        let error = token_error(post(&flow, &landing, &form(&token), &mut jar.clone()).await);
        assert_eq!(error, expected, "{token}");
    }
    // A repeated member, signed over exactly those bytes with the paywall secret.
    let claims = format!(
        r#"{{"dtid":"dt-1","aid":"acc-buyer","aid":"acc-other","exp":{}}}"#,
        now() + 60
    );
    let repeated = hand_signed(&secret, &claims);
    assert_eq!(
        token_error(post(&flow, &landing, &form(&repeated), &mut jar.clone()).await),
        TokenError::RepeatedMember
    );
    // The form: no token, or two.
    let body = form(&paywall_token(&fake, &good));
    let twice = [body.clone(), b"&".to_vec(), body.clone()].concat();
    for (body, expected) in [
        (b"other=1".to_vec(), LandingError::MissingCheckoutToken),
        (twice, LandingError::Duplicate),
    ] {
        let error = refused(&flow, &landing, &body, &mut jar.clone()).await;
        assert!(
            matches!(error, Error::Landing(e) if e == expected),
            "{error:?}"
        );
    }
    // The genuine token still works: none of the above spent it.
    assert!(
        post(&flow, &landing, &body, &mut jar.clone())
            .await
            .unwrap()
            .cookie
            .is_some()
    );
}

/// `claims` signed over exactly these bytes with `secret` (jsonwebtoken would re-serialise).
fn hand_signed(secret: &str, claims: &str) -> String {
    use hmac::{KeyInit as _, Mac as _};
    let header = URL_SAFE_NO_PAD.encode(r#"{"alg":"HS256","typ":"JWT"}"#);
    let signing_input = format!("{header}.{}", URL_SAFE_NO_PAD.encode(claims));
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(signing_input.as_bytes());
    format!(
        "{signing_input}.{}",
        URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
    )
}

#[tokio::test]
async fn a_checkout_for_another_account_or_without_a_session_is_refused() {
    let (fake, flow) = setup().await;
    fake.add_account("acc-buyer", ["premium"]);
    fake.add_account("acc-other", ["premium"]);
    let (jar, session) = with_session(&fake, &flow).await;
    let sid = session.sid().to_owned();
    let landing = checkout_of(&flow, &session);
    // `aid` names another account than the delegated ticket's.
    let mut claims = purchase(&fake, "acc-buyer");
    claims["aid"] = json!("acc-other");
    let error = refused(
        &flow,
        &landing,
        &form(&paywall_token(&fake, &claims)),
        &mut jar.clone(),
    )
    .await;
    assert!(
        matches!(error, Error::Landing(LandingError::CheckoutAccountMismatch)),
        "{error:?}"
    );
    // SSO2 had logged the session into the ticket's account: the flow ended it there, so no
    // refresh reads an account the token did not name.
    assert_ended(&fake, &sid).await;
    // No session cookie: nothing to log in.
    let mut no_session = Jar::default();
    let body = form(&paywall_token(&fake, &purchase(&fake, "acc-buyer")));
    let error = refused(&flow, &landing, &body, &mut no_session).await;
    assert!(
        matches!(error, Error::Landing(LandingError::NoSession)),
        "{error:?}"
    );
    // A flow without a paywall secret takes no checkout.
    let bare = Sso2Flow::new(
        fake.sso2_client(),
        fake.client(),
        SessionCookieKey::new(KEY).unwrap(),
        ReturnPolicy::allow_hosts(["news.example.com"]),
    );
    let header = jar.header();
    let error = bare
        .checkout_landing(&landing, &body, [header.as_bytes()], &reader())
        .await
        .unwrap_err();
    assert!(matches!(
        error,
        Error::Landing(LandingError::NoPaywallSecret)
    ));
    // A return page outside the policy is refused when the checkout starts.
    assert!(
        flow.start_checkout(
            &Url::parse(CHECKOUT).unwrap(),
            &Url::parse("https://evil.example/").unwrap(),
            &session,
        )
        .is_err()
    );
}

#[test]
fn paywall_secrets_follow_the_family_rule() {
    for short in ["", "short", &"s".repeat(31)] {
        let error = PaywallSecret::new(short).unwrap_err();
        assert!(
            matches!(error, BuildError::ShortSecret { len, min: 32 } if len == short.len()),
            "{error:?}"
        );
    }
    assert!(PaywallSecret::new("s".repeat(32)).is_ok());
    assert!(PaywallSecret::insecure_allow_short_secret("short").is_ok());
    assert!(PaywallSecret::insecure_allow_short_secret("").is_err());
    let shown = format!(
        "{:?}",
        PaywallSecret::new("paywall-secret-0123456789abcdef!!").unwrap()
    );
    assert!(!shown.contains("paywall-secret"), "{shown}");
}

#[tokio::test]
async fn the_fake_paywall_posts_a_token_signed_with_the_paywall_secret() {
    let (fake, flow) = setup().await;
    fake.add_account("acc-ada", Vec::<String>::new());
    fake.add_login("ada@example.com", "pw-ada-123", "acc-ada");
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let landing = Url::parse(CHECKOUT).unwrap();
    let page = http
        .get(fake.paywall_checkout_url(&landing, "premium"))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), reqwest::StatusCode::OK);
    let sso_cookie = page.headers()[SET_COOKIE]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let html = page.text().await.unwrap();
    assert!(
        html.contains("id=\"buy\"") && html.contains("A new account"),
        "{html}"
    );
    let bought = http
        .post(fake.paywall_checkout_url(&landing, "premium"))
        .header(COOKIE, &sso_cookie)
        .form(&[("landing", landing.as_str()), ("product", "premium")])
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        bought.contains(&format!("action=\"{CHECKOUT}\"")),
        "{bought}"
    );
    let token = bought
        .split("name=\"jwtToken\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap();
    // jsonwebtoken, apart from the crate, checks it under the paywall secret.
    let mut validation = jsonwebtoken::Validation::new(Algorithm::HS256);
    validation.required_spec_claims = ["exp".to_owned()].into();
    let claims = jsonwebtoken::decode::<Value>(
        token,
        &jsonwebtoken::DecodingKey::from_secret(fake.paywall_secret().as_bytes()),
        &validation,
    )
    .unwrap()
    .claims;
    let account = claims["aid"].as_str().unwrap().to_owned();
    assert_eq!(fake.products(&account), Some(vec!["premium".to_owned()]));
    assert_eq!(
        claims["exp"].as_u64().unwrap() - claims["iat"].as_u64().unwrap(),
        60
    );
    // Its delegated ticket logs a site's reader in.
    let (mut jar, checkout) = ready_to_buy(&fake, &flow).await;
    let landed = post(&flow, &checkout, &form(token), &mut jar)
        .await
        .unwrap();
    assert_eq!(landed.cookie.unwrap().account_id(), Some(account.as_str()));
}

#[tokio::test]
async fn a_checkout_whose_ticket_login_fails_ends_the_session_it_bound() {
    let (fake, flow) = setup().await;
    // Payway refuses this site's client (a secret rotated at Payway, say): the ticket login
    // fails after SSO2 has bound the session to the ticket's account.
    let flow = refused_by_payway(&fake, &flow);
    fake.add_account("acc-buyer", ["premium"]);
    let (mut jar, session) = with_session(&fake, &flow).await;
    let sid = session.sid().to_owned();
    let landing = checkout_of(&flow, &session);
    let claims = purchase(&fake, "acc-buyer");
    let calls = fake.sso2_calls();
    let error = refused(
        &flow,
        &landing,
        &form(&paywall_token(&fake, &claims)),
        &mut jar,
    )
    .await;
    assert!(matches!(error, Error::ClientCredentials(_)), "{error:?}");
    assert_eq!(
        fake.sso2_calls(),
        calls + 2,
        "authenticatewithticket, then logout"
    );
    // The flow ended the session SSO2 had bound, so no refresh reads an account nobody
    // compared with `aid`.
    assert_ended(&fake, &sid).await;
}

/// A checkout SSO2 logs in to the ticket's account, but with no account to show for it:
/// `knob` makes the fake answer so (SSO2 gives no ticket, or Payway refuses SSO2's), and
/// Payway is asked `exchanges` times. An error; the flow logs the session out at SSO2, and
/// the token stays taken.
async fn a_checkout_without_an_account_to_show_ends_the_session(
    knob: fn(&FakePayway),
    exchanges: usize,
) {
    let (fake, flow) = setup().await;
    fake.add_account("acc-buyer", ["premium"]);
    let (jar, session) = with_session(&fake, &flow).await;
    let (mut thief, thiefs_landing) = ready_to_buy(&fake, &flow).await;
    let sid = session.sid().to_owned();
    let landing = checkout_of(&flow, &session);
    let body = form(&paywall_token(&fake, &purchase(&fake, "acc-buyer")));
    knob(&fake);
    let (calls, exchanged) = (fake.sso2_calls(), fake.exchanges());
    let error = refused(&flow, &landing, &body, &mut jar.clone()).await;
    assert_not_logged_in(&error);
    assert_eq!(
        fake.sso2_calls(),
        calls + 2,
        "authenticatewithticket, then logout"
    );
    assert_eq!(fake.exchanges(), exchanged + exchanges);
    // The session SSO2 had logged in to an account nobody compared with `aid` is ended.
    assert_ended(&fake, &sid).await;
    // The token stays taken: posted again, here or under a checkout of another session, it
    // reaches no authenticatewithticket (only the posting session's status is asked).
    for (landing, jar) in [(&landing, &mut jar.clone()), (&thiefs_landing, &mut thief)] {
        let calls = fake.sso2_calls();
        assert_not_logged_in(&refused(&flow, landing, &body, jar).await);
        assert_eq!(fake.sso2_calls(), calls + 1, "no authenticatewithticket");
    }
}

#[tokio::test]
async fn a_checkout_sso2_logs_in_without_a_ticket_ends_the_session() {
    a_checkout_without_an_account_to_show_ends_the_session(
        |fake| fake.sso2_withhold_next_tickets(1),
        0,
    )
    .await;
}

#[tokio::test]
async fn a_checkout_whose_sso2_ticket_payway_refuses_ends_the_session() {
    a_checkout_without_an_account_to_show_ends_the_session(|fake| fake.refuse_next_tickets(1), 1)
        .await;
}

#[tokio::test]
async fn a_checkout_sso2_does_not_log_in_is_an_error_every_time_it_is_posted() {
    let (fake, flow) = setup().await;
    fake.add_account("acc-buyer", ["premium"]);
    let (jar, session) = with_session(&fake, &flow).await;
    let checkout = || checkout_of(&flow, &session);
    let landing = checkout();
    // A delegated ticket SSO2 does not take: it answers an anonymous session with an `err`.
    let mut claims = purchase(&fake, "acc-buyer");
    claims["dtid"] = json!("a-delegated-ticket-sso2-never-issued");
    let body = form(&paywall_token(&fake, &claims));
    let calls = fake.sso2_calls();
    for _ in 0..2 {
        let error = refused(&flow, &landing, &body, &mut jar.clone()).await;
        // Not a quiet redirect to the story, anonymous: the reader must hear of it, the
        // second time too.
        assert_not_logged_in(&error);
    }
    assert_eq!(
        fake.sso2_calls(),
        calls + 2,
        "the token was taken once: posted again, only the session's status is asked"
    );
    // SSO2 fails outright: an error, and the token stays taken (given back, it could be
    // posted by whoever captured it, in a session of theirs).
    let body = form(&paywall_token(&fake, &purchase(&fake, "acc-buyer")));
    fake.fail_next(1, 503);
    let error = refused(&flow, &checkout(), &body, &mut jar.clone()).await;
    assert_eq!(
        error.status(),
        Some(reqwest::StatusCode::SERVICE_UNAVAILABLE)
    );
    let (mut thief, thiefs_landing) = ready_to_buy(&fake, &flow).await;
    let calls = fake.sso2_calls();
    let error = refused(&flow, &thiefs_landing, &body, &mut thief).await;
    assert_not_logged_in(&error);
    assert_eq!(
        fake.sso2_calls(),
        calls + 1,
        "the captured token reached no authenticatewithticket, only the thief's own status"
    );
}

#[tokio::test]
async fn a_reload_after_a_failed_checkout_of_a_logged_in_buyer_is_an_error() {
    let (fake, good) = setup().await;
    fake.add_account("acc-buyer", ["premium"]);
    // The reader is logged in as the account that buys, before buying.
    let (jar, session) = logged_in_buyer(&fake, &good).await;
    assert_eq!(session.account_id(), Some("acc-buyer"));
    let landing = checkout_of(&good, &session);
    // The checkout's ticket login fails after SSO2 logged the session in (Payway refuses
    // the site's client): the flow logs the session out.
    let failing = refused_by_payway(&fake, &good);
    let body = form(&paywall_token(&fake, &purchase(&fake, "acc-buyer")));
    let error = refused(&failing, &landing, &body, &mut jar.clone()).await;
    assert!(matches!(error, Error::ClientCredentials(_)), "{error:?}");
    // The reload carries the old cookie, which names the buyer's account: still an error,
    // for SSO2 no longer has the session logged in.
    let error = refused(&failing, &landing, &body, &mut jar.clone()).await;
    assert_not_logged_in(&error);
}

#[tokio::test]
async fn a_reload_after_sso2_failed_reads_a_logged_in_buyers_purchase() {
    let (fake, flow) = setup().await;
    fake.add_account("acc-buyer", ["sport"]);
    let (mut jar, session) = logged_in_buyer(&fake, &flow).await;
    assert!(!session.has_product("premium"));
    let landing = checkout_of(&flow, &session);
    // The purchase grants `premium` at Payway; SSO2 fails to take the delegated ticket.
    let body = form(&fake.paywall_checkout_token("acc-buyer", "premium"));
    fake.fail_next(1, 503);
    let error = refused(&flow, &landing, &body, &mut jar.clone()).await;
    assert_eq!(
        error.status(),
        Some(reqwest::StatusCode::SERVICE_UNAVAILABLE)
    );
    // The reload finds the session still logged in to the buyer's account, and reads the
    // account afresh: the reader is not sent on without what they bought.
    let landed = post(&flow, &landing, &body, &mut jar).await.unwrap();
    let cookie = landed.cookie.unwrap();
    assert_eq!(cookie.account_id(), Some("acc-buyer"));
    assert!(cookie.has_product("premium"));
}

#[tokio::test]
async fn a_reload_after_a_restart_keeps_the_buyers_own_login_and_reads_the_purchase() {
    let (fake, flow) = setup().await;
    fake.add_account("acc-buyer", ["sport"]);
    let (mut jar, session) = logged_in_buyer(&fake, &flow).await;
    let landing = checkout_of(&flow, &session);
    let body = form(&fake.paywall_checkout_token("acc-buyer", "premium"));
    let landed = post(&flow, &landing, &body, &mut jar).await.unwrap();
    assert!(landed.cookie.unwrap().has_product("premium"));
    // The app restarts: same key, same policy, a new (empty) memory store, so the state and
    // the token are taken again and the used delegated ticket reaches SSO2, which refuses it
    // (`err`) on the session the reader logged in to before buying.
    let restarted = Sso2Flow::new(
        fake.sso2_client(),
        fake.client(),
        flow.key().clone(),
        ReturnPolicy::allow_hosts(["news.example.com"]),
    )
    .with_paywall_secret(PaywallSecret::new(fake.paywall_secret()).unwrap());
    let (calls, exchanges) = (fake.sso2_calls(), fake.exchanges());
    let reload = post(&restarted, &landing, &body, &mut jar.clone())
        .await
        .unwrap();
    // Read as a token posted again: the session, still logged in to `aid`, is read afresh.
    assert!(!reload.is_replay(), "{reload:?}");
    assert_eq!(reload.redirect_to, article());
    let cookie = reload.cookie.unwrap();
    assert_eq!(cookie.account_id(), Some("acc-buyer"));
    assert!(cookie.has_product("premium"));
    assert_eq!(
        fake.sso2_calls(),
        calls + 2,
        "authenticatewithticket, then a status call; no logout"
    );
    assert_eq!(fake.exchanges(), exchanges + 1, "the status call's ticket");
    assert_logged_in(&fake, session.sid()).await;
    // A token SSO2 refuses for another account than the session's: an error, and the
    // reader's own login is kept all the same.
    let mut claims = purchase(&fake, "acc-other");
    claims["dtid"] = json!("a-delegated-ticket-sso2-never-issued");
    let error = refused(
        &restarted,
        &checkout_of(&restarted, &session),
        &form(&paywall_token(&fake, &claims)),
        &mut jar.clone(),
    )
    .await;
    assert_not_logged_in(&error);
    assert_logged_in(&fake, session.sid()).await;
}

#[tokio::test]
async fn a_checkout_whose_session_ended_elsewhere_is_an_error() {
    let (fake, flow) = setup().await;
    fake.add_account("acc-buyer", ["premium"]);
    let (jar, session) = with_session(&fake, &flow).await;
    let landing = checkout_of(&flow, &session);
    // The reader logs out of SSO2 in another tab while their cookie is still fresh.
    assert!(fake.log_out_elsewhere(session.sid()));
    let body = form(&paywall_token(&fake, &purchase(&fake, "acc-buyer")));
    let error = refused(&flow, &landing, &body, &mut jar.clone()).await;
    assert_not_logged_in(&error);
}

#[tokio::test]
async fn many_pages_with_the_paywall_open_at_once_each_check_out_once() {
    let (fake, flow) = setup().await;
    fake.add_account("acc-buyer", ["premium"]);
    let (mut jar, session) = with_session(&fake, &flow).await;
    // Twenty tabs show the paywall, each with a state of its own; more logins start
    // meanwhile, and no cookie is set for any checkout.
    let landings: Vec<Url> = (0..20).map(|_| checkout_of(&flow, &session)).collect();
    let distinct: std::collections::HashSet<&Url> = landings.iter().collect();
    assert_eq!(distinct.len(), landings.len());
    for i in 0..20 {
        let page = Url::parse(&format!("https://news.example.com/articles/{i}")).unwrap();
        identify(&flow, &page, &reader(), &mut jar).await;
    }
    // The reader pays in the first tab, then in the fifteenth.
    for tab in [0, 14] {
        let body = form(&paywall_token(&fake, &purchase(&fake, "acc-buyer")));
        let landed = post(&flow, &landings[tab], &body, &mut jar).await.unwrap();
        assert!(landed.not_bound.is_none(), "tab {tab}: {landed:?}");
        assert!(landed.cookie.unwrap().has_product("premium"), "tab {tab}");
    }
    // A checkout URL is taken once: another token posted to the first tab's URL (a leaked
    // URL, say) takes nothing more.
    let calls = fake.sso2_calls();
    let body = form(&paywall_token(&fake, &purchase(&fake, "acc-buyer")));
    let again = post(&flow, &landings[0], &body, &mut jar).await.unwrap();
    assert_eq!(again.not_bound, Some(LoginStateError::Used));
    assert!(again.cookie.is_none());
    assert_eq!(fake.sso2_calls(), calls, "no authenticatewithticket");
}

#[tokio::test]
async fn a_checkout_started_before_a_key_rotation_still_lands() {
    let (fake, flow) = setup().await;
    fake.add_account("acc-buyer", ["premium"]);
    let (mut jar, landing) = ready_to_buy(&fake, &flow).await;
    let rotated = Sso2Flow::new(
        fake.sso2_client(),
        fake.client(),
        SessionCookieKey::new(b"the-new-site-cookie-key-0123456789abcdef")
            .unwrap()
            .with_previous(KEY)
            .unwrap(),
        ReturnPolicy::allow_hosts(["news.example.com"]),
    )
    .with_paywall_secret(PaywallSecret::new(fake.paywall_secret()).unwrap());
    let body = form(&paywall_token(&fake, &purchase(&fake, "acc-buyer")));
    let landed = post(&rotated, &landing, &body, &mut jar).await.unwrap();
    assert!(landed.cookie.unwrap().has_product("premium"));
}

#[tokio::test]
async fn a_page_with_an_empty_query_or_a_fragment_checks_out() {
    let (fake, flow) = setup().await;
    fake.add_account("acc-buyer", ["premium"]);
    let (mut jar, session) = with_session(&fake, &flow).await;
    for page in [
        "https://news.example.com/articles/9?",
        "https://news.example.com/articles/9?#top",
        "https://news.example.com/articles/9?pw_retry=1&",
        "https://news.example.com/articles/9?a=1&&b=%zz+c",
    ] {
        let page = Url::parse(page).unwrap();
        let landing = flow
            .start_checkout(&Url::parse(CHECKOUT).unwrap(), &page, &session)
            .unwrap();
        let body = form(&paywall_token(&fake, &purchase(&fake, "acc-buyer")));
        let landed = post(&flow, &landing, &body, &mut jar).await.unwrap();
        assert!(landed.not_bound.is_none(), "{page}: {landed:?}");
        assert!(landed.cookie.is_some(), "{page}");
    }
}

#[tokio::test]
async fn a_page_too_long_to_come_back_to_is_refused_before_the_reader_pays() {
    let (fake, flow) = setup().await;
    let (_, session) = with_session(&fake, &flow).await;
    // Under the return policy's 4096 bytes alone, over them with the state.
    let long = Url::parse(&format!(
        "https://news.example.com/articles/{}",
        "a".repeat(4_050)
    ))
    .unwrap();
    let error = flow
        .start_checkout(&Url::parse(CHECKOUT).unwrap(), &long, &session)
        .unwrap_err();
    assert!(
        matches!(error, Error::Landing(LandingError::ReturnUrlRefused)),
        "{error:?}"
    );
}

#[tokio::test]
async fn a_store_too_full_for_the_token_spends_nothing() {
    let (fake, flow) = setup().await;
    fake.add_account("acc-buyer", ["premium"]);
    let (mut jar, landing) = ready_to_buy(&fake, &flow).await;
    // Room for one checkout claim: the state takes it, the token finds none.
    let store = std::sync::Arc::new(payway_client::MemoryTicketStore::with_capacity(1));
    let flow = flow.with_ticket_store(store);
    let body = form(&paywall_token(&fake, &purchase(&fake, "acc-buyer")));
    let calls = fake.sso2_calls();
    for attempt in 0..2 {
        let error = refused(&flow, &landing, &body, &mut jar).await;
        assert!(
            matches!(error, Error::Store(_)),
            "attempt {attempt}: {error:?} (not a used URL: the state was given back)"
        );
    }
    assert_eq!(fake.sso2_calls(), calls, "SSO2 was not asked");
}

/// A memory store that takes the second checkout claim it is asked for, then answers as if
/// it had failed (a reply lost on the way back from Redis, say).
#[derive(Default)]
struct LosesSecondCheckoutReply {
    inner: payway_client::MemoryTicketStore,
    checkout_claims: std::sync::atomic::AtomicUsize,
}

#[derive(Debug, thiserror::Error)]
#[error("the reply was lost")]
struct ReplyLost;

#[async_trait::async_trait]
impl payway_client::TicketStore for LosesSecondCheckoutReply {
    async fn claim(
        &self,
        fingerprint: &payway_client::Fingerprint,
        ttl: std::time::Duration,
    ) -> Result<bool, payway_client::StoreError> {
        let taken = self.inner.claim(fingerprint, ttl).await?;
        let checkout = fingerprint.kind() == payway_client::ClaimKind::Checkout;
        let count = &self.checkout_claims;
        if checkout && count.fetch_add(1, std::sync::atomic::Ordering::SeqCst) == 1 {
            return Err(payway_client::StoreError::backend(ReplyLost));
        }
        Ok(taken)
    }

    async fn release(
        &self,
        fingerprint: &payway_client::Fingerprint,
    ) -> Result<(), payway_client::StoreError> {
        self.inner.release(fingerprint).await
    }
}

#[tokio::test]
async fn a_token_whose_claim_reply_was_lost_cannot_be_posted_in_another_session() {
    let (fake, flow) = setup().await;
    fake.add_account("acc-buyer", ["premium"]);
    let flow = flow.with_ticket_store(std::sync::Arc::new(LosesSecondCheckoutReply::default()));
    let (mut jar, landing) = ready_to_buy(&fake, &flow).await;
    let body = form(&paywall_token(&fake, &purchase(&fake, "acc-buyer")));
    // The state is taken, then the token, whose reply is lost: a store error for the buyer.
    let error = refused(&flow, &landing, &body, &mut jar).await;
    assert!(matches!(error, Error::Store(_)), "{error:?}");
    // Whoever captured the token posts it under a checkout of their own session: the token
    // stays taken, so it logs nobody in (only the captor's own session's status is asked).
    let (mut captor, captors_landing) = ready_to_buy(&fake, &flow).await;
    let calls = fake.sso2_calls();
    let error = refused(&flow, &captors_landing, &body, &mut captor).await;
    assert_not_logged_in(&error);
    assert_eq!(fake.sso2_calls(), calls + 1, "no authenticatewithticket");
}

/// The status SSO2 has for the session `sid` now.
async fn sso2_status(fake: &FakePayway, sid: &str) -> Sso2Status {
    let sso2 = fake.sso2_client();
    let answer = sso2
        .session_status(sid, Sso2Status::LoggedIn, &reader())
        .await;
    answer.unwrap().status()
}

/// SSO2 has the session `sid` logged in.
async fn assert_logged_in(fake: &FakePayway, sid: &str) {
    assert_eq!(sso2_status(fake, sid).await, Sso2Status::LoggedIn);
}

/// SSO2 no longer has the session `sid` logged in.
async fn assert_ended(fake: &FakePayway, sid: &str) {
    assert_ne!(sso2_status(fake, sid).await, Sso2Status::LoggedIn);
}
