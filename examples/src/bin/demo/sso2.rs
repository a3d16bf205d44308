//! The SSO2 part of the payway section: a reader is identified through Payway's single
//! sign-on, logs in on SSO2's page, and reads a premium article on the strength of a sealed
//! session cookie; forgeries, replays, bots and a logout on another site are shown too.
//!
//! It runs against the SSO2 of `FakePayway` (127.0.0.1), with the crate's real `Sso2Flow`.

use std::time::Duration;

use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use payway_client::reqwest;
use payway_client::sso2::{PageVisit, Reader, SessionCookieKey, Sso2Flow, Sso2Page};
use payway_client::test_util::FakePayway;
use payway_client::{ReturnPolicy, TicketLogin};
use url::Url;

use crate::DemoResult;
use crate::narrate::{denied, detail, granted, step};

const LANDING: &str = "https://news.example.com/sso2/landing";
const EMAIL: &str = "ada@example.com";
const PASSWORD: &str = "correct horse battery staple";

/// Runs the SSO2 part of the payway section.
pub(crate) async fn run() -> DemoResult {
    step("SSO2, Payway's single sign-on: FakePayway also plays SSO2, with one subscriber");
    let fake = FakePayway::start().await;
    fake.add_account("acc-sso2", ["premium"]);
    fake.add_login(EMAIL, PASSWORD, "acc-sso2");
    fake.set_sso2_landing_url(Url::parse(LANDING)?);
    detail("SSO2", fake.sso_base_url());
    detail("our landing page (configured in Payway)", LANDING);
    let flow = Sso2Flow::new(
        fake.sso2_client(),
        fake.client(),
        SessionCookieKey::new(b"the news site's own 32-byte secret key")?,
        ReturnPolicy::allow_hosts(["news.example.com"]),
    );
    let reader = Reader::new(
        "203.0.113.7".parse()?,
        "Mozilla/5.0 (X11; Linux x86_64) Firefox/126.0",
    );
    let article = Url::parse("https://news.example.com/articles/42")?;

    step("A reader opens a premium article without a session cookie");
    let Sso2Page::Identify { url, .. } = flow.page(&PageVisit::new(&article, &reader)).await?
    else {
        return Err("a reader without a cookie was not identified".into());
    };
    detail("303 to", shorten_token(&url));
    let token = url
        .query_pairs()
        .find(|(name, _)| name == "t")
        .map(|(_, value)| value.into_owned())
        .ok_or("no t")?;
    let claims = verified_by_jsonwebtoken(&fake, &token)?;
    detail(
        "its token, checked by jsonwebtoken",
        format!(
            "HS256, aud {}, exp - iat = {} s",
            claims["aud"],
            claims["exp"].as_u64().unwrap_or(0) - claims["iat"].as_u64().unwrap_or(0)
        ),
    );

    step("SSO2 has no session for this browser yet: it starts one and sends it to our landing");
    let browser = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    let answer = browser.get(url).send().await?;
    let sso_cookie = answer
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .unwrap_or_default()
        .to_owned();
    let arrived = location(&answer, &fake.base_url())?;
    let landed = flow.landing(&arrived).await?;
    let anonymous = landed
        .cookie
        .clone()
        .ok_or("the landing sealed no cookie")?;
    detail(
        "landing",
        format!("t verified, r allowed: back to {}", landed.return_url),
    );
    detail("status", anonymous.status());
    let set_cookie = landed.set_cookie.unwrap_or_default();
    let name = set_cookie.split('=').next().unwrap_or_default();
    detail(
        "Set-Cookie",
        format!(
            "{name}=... ({} bytes: a compact binary form, an HMAC-SHA256 tag; HttpOnly, Secure, SameSite=Lax)",
            set_cookie.len()
        ),
    );
    denied("the article shows its paywall");

    step("The reader logs in on SSO2's login page; SSO2 sends them through identify again");
    let login = browser
        .post(fake.base_url().join("sso/login")?)
        .header("cookie", &sso_cookie)
        .form(&[
            ("email", EMAIL),
            ("password", PASSWORD),
            ("r", article.as_str()),
        ])
        .send()
        .await?;
    let identify = location(&login, &fake.base_url())?;
    let answer = browser
        .get(identify)
        .header("cookie", &sso_cookie)
        .send()
        .await?;
    let arrived = location(&answer, &fake.base_url())?;
    let landed = flow.landing(&arrived).await?;
    match &landed.login {
        Some(TicketLogin::LoggedIn { account, .. }) => detail(
            "SSO2's ticket",
            format!(
                "exchanged once with login_with_ticket: account {}",
                account.id
            ),
        ),
        other => return Err(format!("the SSO2 login did not log in: {other:?}").into()),
    }
    let cookie = landed.cookie.clone().ok_or("no cookie")?;
    detail("sealed", format!("{cookie:?}"));
    if cookie.has_product("premium") {
        granted("active products [\"premium\"]: the whole article");
    } else {
        return Err("the subscriber has no premium product".into());
    }

    step("The reader edits the cookie in devtools (one character)");
    let sealed = set_cookie_value(landed.set_cookie.as_deref().unwrap_or_default());
    let edited = edit_one_character(&sealed);
    match flow.key().open(&edited) {
        Err(error) => denied(&format!(
            "{error} ({}): treated as no cookie, identified again",
            source_of(&error)
        )),
        Ok(_) => return Err("an edited cookie opened".into()),
    }

    step("Someone replays the landing URL (from a log, a shared link)");
    let replay = flow.landing(&arrived).await?;
    if replay.is_replay() {
        denied("taken once already: no cookie, no login, just a redirect");
    } else {
        return Err("a replayed landing was taken twice".into());
    }
    let policy = ReturnPolicy::allow_hosts(["news.example.com"]);
    let session = flow.sso2().landing(&arrived, &policy)?.into_parts().0;
    let ticket = session.ticket().ok_or("the landing carried no ticket")?;
    match flow
        .payway()
        .login_with_ticket(ticket, &**flow.ticket_store())
        .await?
    {
        TicketLogin::AlreadyUsed => {
            denied("its SSO2 ticket, tried again: already used, Payway not asked")
        }
        other => return Err(format!("a replayed SSO2 ticket was not refused: {other:?}").into()),
    }

    step("A landing URL whose r points to another site, and one whose t says alg: none");
    let mut phishing = arrived.clone();
    let t = arrived
        .query_pairs()
        .find(|(n, _)| n == "t")
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default();
    phishing
        .query_pairs_mut()
        .clear()
        .append_pair("t", &t)
        .append_pair("r", "https://news.example.com.evil.example/login");
    match flow.sso2().landing(&phishing, &policy) {
        Err(error) => denied(&format!(
            "{error} ({}): no open redirect",
            source_of(&error)
        )),
        Ok(_) => return Err("a foreign return URL was accepted".into()),
    }
    let none = format!(
        "{LANDING}?t=eyJhbGciOiJub25lIn0.eyJzaWQiOiJ4Iiwic3RzIjoibG9nZ2VkaW4ifQ.&r=https%3A%2F%2Fnews.example.com%2F"
    );
    match flow.landing(&Url::parse(&none)?).await {
        Err(error) => denied(&format!("{error} ({})", source_of(&error))),
        Ok(_) => return Err("an unsigned token was accepted".into()),
    }

    step("A crawler and a browser prefetch, without a cookie");
    let crawler = Reader::new(
        "66.249.66.1".parse()?,
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    );
    let bot_page = flow.page(&PageVisit::new(&article, &crawler)).await?;
    let prefetch = flow
        .page(&PageVisit::new(&article, &reader).prefetch(true))
        .await?;
    if matches!(bot_page, Sso2Page::Anonymous { .. })
        && matches!(prefetch, Sso2Page::Anonymous { .. })
    {
        denied("served the public page, never sent to SSO2 (no redirect loop)");
    } else {
        return Err("a bot or a prefetch was sent to identify".into());
    }

    step("The reader logs out on another site; a minute later they open the next page");
    browser
        .post(fake.base_url().join("sso/logout-elsewhere")?)
        .header("cookie", &sso_cookie)
        .send()
        .await?;
    let a_minute_later = flow.clone().with_refresh_after(Duration::ZERO);
    let visit = PageVisit::new(&article, &reader).session(Some(cookie));
    match a_minute_later.page(&visit).await? {
        Sso2Page::Identify { set_cookie, .. } => denied(&format!(
            "SSO2 says terminated: cookie cleared ({}), identified again",
            set_cookie
                .as_deref()
                .unwrap_or_default()
                .split(';')
                .nth(2)
                .unwrap_or_default()
                .trim()
        )),
        other => {
            return Err(format!("a session ended elsewhere was still served: {other:?}").into());
        }
    }
    detail("SSO2 server calls", fake.sso2_calls());
    detail("ticket exchanges Payway saw", fake.exchanges());
    Ok(())
}

/// The identify token's claims, verified by jsonwebtoken (an independent implementation)
/// with the fake's secret.
fn verified_by_jsonwebtoken(
    fake: &FakePayway,
    token: &str,
) -> Result<serde_json::Value, Box<dyn std::error::Error>> {
    let mut validation = Validation::new(Algorithm::HS256);
    validation.set_audience(&["pw-sso"]);
    validation.set_issuer(&[fake.organisation_id()]);
    let key = DecodingKey::from_secret(fake.client_secret().as_bytes());
    Ok(jsonwebtoken::decode::<serde_json::Value>(token, &key, &validation)?.claims)
}

/// `url` with its `t` cut to a few characters, for printing.
fn shorten_token(url: &Url) -> String {
    let pairs: Vec<(String, String)> = url
        .query_pairs()
        .map(|(name, value)| {
            let shown = if name == "t" {
                format!("{}...", value.get(..12).unwrap_or_default())
            } else {
                value.into_owned()
            };
            (name.into_owned(), shown)
        })
        .collect();
    let mut shown = url.clone();
    shown.query_pairs_mut().clear().extend_pairs(pairs);
    shown.to_string()
}

/// Where a redirect answer points, resolved against `base`.
fn location(answer: &reqwest::Response, base: &Url) -> Result<Url, Box<dyn std::error::Error>> {
    let to = answer
        .headers()
        .get("location")
        .ok_or("the answer is not a redirect")?
        .to_str()?;
    Ok(base.join(to)?)
}

/// The sealed value in a `Set-Cookie` header value.
fn set_cookie_value(set_cookie: &str) -> String {
    let pair = set_cookie.split(';').next().unwrap_or_default();
    pair.split_once('=')
        .map(|(_, v)| v)
        .unwrap_or_default()
        .to_owned()
}

/// `value` with one character in its middle changed.
fn edit_one_character(value: &str) -> String {
    let at = value.len() / 2;
    let changed = if value.get(at..=at) == Some("A") {
        "B"
    } else {
        "A"
    };
    format!("{}{changed}{}", &value[..at], &value[at + 1..])
}

/// The error's source, in words.
fn source_of(error: &payway_client::Error) -> String {
    std::error::Error::source(error).map_or_else(String::new, ToString::to_string)
}
