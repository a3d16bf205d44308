//! The browser side of the fake SSO2: a login page whose form logs the reader's SSO2 session
//! in and goes back through identify, a control that logs the reader out "from another
//! site", and the Tulo Paywall's checkout ([`paywall`]).

mod paywall;

use http::header::SET_COOKIE;
use http::{Method, StatusCode};

use super::html::{absolute_url, document, escape, field, refusal_page};
use super::sso2::{self, SSO_PREFIX};
use super::state::{State, body_of};
use paywall_internal::fake::{Captured, Reply};

/// The login page's path.
pub(crate) const LOGIN_PATH: &str = "/sso/login";
/// The "log out from another site" control's path.
const LOGOUT_ELSEWHERE_PATH: &str = "/sso/logout-elsewhere";
/// Identify's path.
const IDENTIFY_PATH: &str = "/sso/identify";

pub(crate) use paywall::PAYWALL_CHECKOUT_PATH;

/// A page for the browser whose SSO2 session is `sid`.
type Page = fn(&mut State, &str, &Captured) -> Reply;

/// Answers identify, the login page, the logout control and the paywall's checkout, each in
/// the browser's SSO2 session (set as a cookie when it is new); `None` for any other request.
pub(crate) fn answer(state: &mut State, request: &Captured) -> Option<Reply> {
    let page: Page = match (&request.method, request.path.as_str()) {
        (&Method::GET, IDENTIFY_PATH) => identify,
        (&Method::GET, LOGIN_PATH) => |state, sid, request| {
            let r = field(request.query.as_bytes(), "r");
            login_page(state, sid, r.as_deref(), None)
        },
        (&Method::POST, LOGIN_PATH) => |state, sid, request| log_in(state, sid, body_of(request)),
        (&Method::POST, LOGOUT_ELSEWHERE_PATH) => logout_elsewhere,
        (&Method::GET, PAYWALL_CHECKOUT_PATH) => paywall::checkout_page,
        (&Method::POST, PAYWALL_CHECKOUT_PATH) => paywall::buy,
        _ => return None,
    };
    let (sid, set_cookie) = sso2::browser_session(state, request);
    let reply = page(state, &sid, request);
    Some(match set_cookie {
        Some(cookie) => reply.header(SET_COOKIE.as_str(), &cookie),
        None => reply,
    })
}

/// Identify: `303` to the landing URL, or a page saying why not.
fn identify(state: &mut State, sid: &str, request: &Captured) -> Reply {
    match sso2::identify(state, &request.query, sid) {
        Ok(landing) => Reply::see_other(landing.as_str()),
        Err(reason) => refusal_page(&reason),
    }
}

fn login_page(state: &State, sid: &str, r: Option<&str>, error: Option<&str>) -> Reply {
    let Some(back) = absolute_url(r) else {
        return refusal_page("the login page needs an absolute r (where to continue)");
    };
    let who = match sso2::session_account(state, sid) {
        Some(account) => format!("Logged in to SSO2 as account {}.", escape(&account)),
        None => "Not logged in to SSO2.".to_owned(),
    };
    let error = error
        .map(|e| format!("<p id=\"error\" role=\"alert\">{}</p>\n", escape(e)))
        .unwrap_or_default();
    let back = escape(back.as_str());
    let body = format!(
        "<p id=\"status\">{who}</p>\n{error}\
         <form method=\"post\" action=\"{LOGIN_PATH}\">\n\
         <label>E-mail <input id=\"email\" name=\"email\" type=\"email\" autocomplete=\"username\"></label>\n\
         <label>Password <input id=\"password\" name=\"password\" type=\"password\" autocomplete=\"current-password\"></label>\n\
         <input type=\"hidden\" name=\"r\" value=\"{back}\">\n\
         <button id=\"login\" type=\"submit\">Log in</button>\n</form>\n\
         <form method=\"post\" action=\"{LOGOUT_ELSEWHERE_PATH}\">\n\
         <input type=\"hidden\" name=\"r\" value=\"{back}\">\n\
         <button id=\"logout-elsewhere\" type=\"submit\">Log out from another site</button>\n</form>\n\
         <p><a id=\"back\" href=\"{back}\">Back without logging in</a></p>"
    );
    Reply::html(
        StatusCode::OK,
        document("Log in - Payway SSO2 (fake)", "Log in", &body),
    )
}

fn log_in(state: &mut State, sid: &str, form: &[u8]) -> Reply {
    let r = field(form, "r");
    let Some(back) = absolute_url(r.as_deref()) else {
        return refusal_page("the login form needs an absolute r (where to continue)");
    };
    let email = field(form, "email").unwrap_or_default();
    let password = field(form, "password").unwrap_or_default();
    let said = sso2::authenticate(state, sid, &email, &password);
    if said.sts != "loggedin" {
        let error = sso2::said_error(&said);
        return login_page(state, sid, r.as_deref(), error.as_deref());
    }
    // Back through identify, as a site's own identify redirect would go.
    let mut identify = format!("{SSO_PREFIX}identify?");
    identify.push_str(
        &url::form_urlencoded::Serializer::new(String::new())
            .append_pair("t", &sso2::identify_token(state))
            .append_pair("r", back.as_str())
            .finish(),
    );
    Reply::see_other(&identify)
}

fn logout_elsewhere(state: &mut State, sid: &str, request: &Captured) -> Reply {
    sso2::end_session(state, sid);
    let back = absolute_url(field(body_of(request), "r").as_deref())
        .map(|u| {
            format!(
                "<p><a id=\"back\" href=\"{}\">Back to the site</a></p>",
                escape(u.as_str())
            )
        })
        .unwrap_or_default();
    let body = format!(
        "<p id=\"status\">You were logged out on another site: this SSO2 session has ended.</p>\n{back}"
    );
    Reply::html(
        StatusCode::OK,
        document("Logged out - Payway SSO2 (fake)", "Logged out", &body),
    )
}
