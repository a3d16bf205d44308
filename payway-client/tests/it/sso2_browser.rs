//! The news site the SSO2 tests run on `FakePayway`, and a browser's cookie jar for it, as a
//! test needs it: `Set-Cookie` values set and clear cookies, and the jar gives the `Cookie`
//! header the next request carries.

use payway_client::sso2::{
    PageVisit, Reader, SessionCookie, SessionCookieKey, Sso2Flow, Sso2Landed, Sso2Page,
};
use payway_client::test_util::FakePayway;
use payway_client::{Error, ReturnPolicy, SetCookies};
use url::Url;

/// The site's landing page, where the fake's identify sends readers.
pub(crate) const LANDING: &str = "https://news.example.com/sso2/landing";
/// The site's session cookie key.
pub(crate) const KEY: &[u8] = b"news-site-cookie-key-0123456789abcdef";

/// The site's return policy: its own host.
pub(crate) fn policy() -> ReturnPolicy {
    ReturnPolicy::allow_hosts(["news.example.com"])
}

/// The site's flow on `fake` (its clients, [`KEY`], [`policy`]), with the fake's identify
/// sending readers to [`LANDING`].
pub(crate) fn news_site(fake: &FakePayway) -> Sso2Flow {
    fake.set_sso2_landing_url(Url::parse(LANDING).unwrap());
    let key = SessionCookieKey::new(KEY).unwrap();
    Sso2Flow::new(fake.sso2_client(), fake.client(), key, policy())
}

/// The site's cookies in one browser, oldest first, as a browser sends them (RFC 6265
/// §5.4); a cookie set again keeps its place.
#[derive(Debug, Default, Clone)]
pub(crate) struct Jar(Vec<(String, String)>);

impl Jar {
    /// Stores or removes (`Max-Age=0`) each cookie the values set.
    pub(crate) fn apply<'a>(&mut self, set_cookies: impl IntoIterator<Item = &'a String>) {
        for set_cookie in set_cookies {
            let pair = set_cookie.split(';').next().unwrap();
            let (name, value) = pair.split_once('=').unwrap();
            let (name, value) = (name.trim(), value.trim().to_owned());
            let held = self.0.iter().position(|(held, _)| held == name);
            match (set_cookie.contains("Max-Age=0"), held) {
                (true, Some(i)) => {
                    self.0.remove(i);
                }
                (true, None) => {}
                (false, Some(i)) => self.0[i].1 = value,
                (false, None) => self.0.push((name.to_owned(), value)),
            }
        }
    }

    /// The `Cookie` header this browser sends.
    pub(crate) fn header(&self) -> String {
        self.0
            .iter()
            .map(|(name, value)| format!("{name}={value}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    /// The names of the cookies held that start with `prefix`, oldest first.
    pub(crate) fn names(&self, prefix: &str) -> Vec<String> {
        self.0
            .iter()
            .map(|(name, _)| name)
            .filter(|name| name.starts_with(prefix))
            .cloned()
            .collect()
    }

    /// The value of cookie `name`.
    pub(crate) fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(held, _)| held == name)
            .map(|(_, value)| value.as_str())
    }
}

/// A first visit of `page` by `reader`: the identify URL, and `jar` holding the login's
/// state cookie.
pub(crate) async fn identify(flow: &Sso2Flow, page: &Url, reader: &Reader, jar: &mut Jar) -> Url {
    let header = jar.header();
    let visit = PageVisit::new(page, reader, [header.as_bytes()]);
    let outcome = flow.page(&visit).await.unwrap();
    jar.apply(outcome.set_cookies());
    let Sso2Page::Identify { url, .. } = outcome else {
        panic!("a reader without a cookie is identified: {outcome:?}")
    };
    url
}

/// The landing at `arrived` in the browser of `jar`, whose cookies it then updates.
pub(crate) async fn land(
    flow: &Sso2Flow,
    arrived: &Url,
    jar: &mut Jar,
) -> Result<Sso2Landed, Error> {
    let header = jar.header();
    let landed = flow.landing(arrived, [header.as_bytes()]).await?;
    jar.apply(&landed.set_cookies);
    Ok(landed)
}

/// The page `flow` answers `visit` with, which must be a session: its cookie and the
/// `Set-Cookie` values.
pub(crate) async fn session_page(
    flow: &Sso2Flow,
    visit: &PageVisit<'_>,
) -> (SessionCookie, SetCookies) {
    match flow.page(visit).await.unwrap() {
        Sso2Page::Session {
            cookie,
            set_cookies,
        } => (cookie, set_cookies),
        other => panic!("expected a session, got {other:?}"),
    }
}
