//! The site's own login after a shop round trip: a random session id in an `HttpOnly` cookie,
//! and what Payway said about the account, kept on the server.
//!
//! Payway's ticket proves who came back from the shop once; from then on the site keeps its
//! own session, as seed 003 says ("create session").

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use axum::http::{HeaderMap, header};

/// The cookie that carries the site's session id.
pub(crate) const COOKIE: &str = "daily_login";

/// What the site knows about a logged-in reader.
#[derive(Debug, Clone)]
pub(crate) struct Login {
    pub(crate) account_id: String,
    pub(crate) products: Vec<String>,
}

/// The site's sessions, by id.
#[derive(Debug, Clone, Default)]
pub(crate) struct Logins(Arc<Mutex<HashMap<String, Login>>>);

impl Logins {
    /// Starts a session and returns the `Set-Cookie` value that hands it to the browser.
    pub(crate) fn start(&self, login: Login) -> Result<String, getrandom::Error> {
        let mut bytes = [0_u8; 16];
        getrandom::fill(&mut bytes)?;
        let id: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(id.clone(), login);
        Ok(format!(
            "{COOKIE}={id}; Path=/; HttpOnly; SameSite=Lax; Max-Age=3600"
        ))
    }

    /// The session the request's cookie names, if any.
    pub(crate) fn find(&self, headers: &HeaderMap) -> Option<Login> {
        let id = headers
            .get_all(header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(';'))
            .filter_map(|c| c.trim().strip_prefix(COOKIE)?.strip_prefix('='))
            .next()?;
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(id)
            .cloned()
    }
}
