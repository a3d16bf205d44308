//! The browser side of the fake SSO2: a login page whose form logs the reader's SSO2 session
//! in and goes back through identify, a control that logs the reader out "from another
//! site", and the Tulo Paywall's checkout ([`paywall`]).

mod paywall;

use http::{Method, StatusCode};

use super::html::{absolute_url, document, escape, field, refusal_page, with_cookie};
use super::sso2::{self, SSO_PREFIX};
use super::state::{State, body_of};
use paywall_internal::fake::{Captured, Reply};

/// The login page's path.
pub(crate) const LOGIN_PATH: &str = "/sso/login";
/// The "log out from another site" control's path.
pub(crate) const LOGOUT_ELSEWHERE_PATH: &str = "/sso/logout-elsewhere";

pub(crate) use paywall::PAYWALL_CHECKOUT_PATH;

/// Answers the login page, the logout control and the paywall's checkout; `None` for any
/// other path.
pub(crate) fn answer(state: &mut State, request: &Captured) -> Option<Reply> {
    if request.path == PAYWALL_CHECKOUT_PATH {
        return paywall::answer(state, request);
    }
    let (sid, set_cookie) = match (&request.method, request.path.as_str()) {
        (&Method::GET | &Method::POST, LOGIN_PATH) | (&Method::POST, LOGOUT_ELSEWHERE_PATH) => {
            sso2::browser_session(state, request)
        }
        _ => return None,
    };
    let answer = match (&request.method, request.path.as_str()) {
        (&Method::GET, LOGIN_PATH) => {
            let r = field(request.query.as_bytes(), "r");
            login_page(state, &sid, r.as_deref(), None)
        }
        (&Method::POST, LOGIN_PATH) => log_in(state, &sid, body_of(request)),
        _ => logout_elsewhere(state, &sid, body_of(request)),
    };
    Some(with_cookie(answer, set_cookie))
}

fn login_page(state: &State, sid: &str, r: Option<&str>, error: Option<&str>) -> Reply {
    let Some(back) = absolute_url(r) else {
        return refusal_page("the login page needs an absolute r (where to continue)");
    };
    let who = match state
        .sso2
        .sessions
        .get(sid)
        .and_then(|s| s.account_id.as_deref())
    {
        Some(account) => format!("Logged in to SSO2 as account {}.", escape(account)),
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

fn logout_elsewhere(state: &mut State, sid: &str, form: &[u8]) -> Reply {
    sso2::end_session(state, sid);
    let back = absolute_url(field(form, "r").as_deref())
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
