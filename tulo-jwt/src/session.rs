//! What a genuine token says: [`SessionState`] and the reader's [`Session`].

use std::fmt;
use std::time::SystemTime;

use serde_json::{Map, Value};

/// What Payway's signed token says about the reader.
///
/// Every variant other than [`Active`](Self::Active) means "anonymous": match it with `_` so
/// that a variant added later is treated the same way.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
#[must_use = "a session state decides access: ignoring it serves nobody"]
pub enum SessionState {
    /// The reader has an active Payway session; every claim was checked.
    Active(Session),
    /// Payway says the reader has no session (`session.active` is `false`). Genuine, but it
    /// carries no identity. Safari's tracking prevention also produces this for logged-in
    /// readers when the JS-API's fallback token is not set up.
    Inactive,
}

impl SessionState {
    /// Whether this is an active session.
    #[must_use]
    pub fn is_active(&self) -> bool {
        matches!(self, Self::Active(_))
    }

    /// The active session, if any.
    #[must_use]
    pub fn session(&self) -> Option<&Session> {
        match self {
            Self::Active(session) => Some(session),
            _ => None,
        }
    }

    /// The active session, if any, by value.
    #[must_use]
    pub fn into_session(self) -> Option<Session> {
        match self {
            Self::Active(session) => Some(session),
            _ => None,
        }
    }
}

/// An active Payway session, read from the signed claims only.
///
/// The standard members of the token's `session` object have accessors; any other member
/// (`has_offers`, ...) is available through [`get`](Self::get), and any other top-level claim
/// through [`claim`](Self::claim). Optional members that are absent or JSON `null` read as
/// `None` (or an empty product list).
///
/// `Debug` leaves out the session id and the personal data (e-mail, names, phone, customer
/// number, alias), so a session can be logged with `{:?}`.
#[derive(Clone, PartialEq)]
pub struct Session {
    /// Every string member, one after the other: one allocation instead of ten.
    text: Box<str>,
    account_id: Span,
    principal: Principal,
    // Boxed so that `SessionState` stays small to move around.
    profile: Box<Profile>,
    claims: Map<String, Value>,
    issued_at: SystemTime,
    not_before: SystemTime,
    expires_at: SystemTime,
}

impl Session {
    /// `text` holds the spans of `account_id` and `profile`; `times` are `iat`, `nbf` and
    /// `exp`.
    pub(crate) fn new(
        text: Box<str>,
        account_id: Span,
        principal: Principal,
        profile: Profile,
        claims: Map<String, Value>,
        [issued_at, not_before, expires_at]: [SystemTime; 3],
    ) -> Self {
        Self {
            text,
            account_id,
            principal,
            profile: Box::new(profile),
            claims,
            issued_at,
            not_before,
            expires_at,
        }
    }

    fn text(&self, span: Option<Span>) -> Option<&str> {
        span.and_then(|span| self.text.get(span.start..span.end))
    }

    /// The Payway account id (`session.id`): the stable key for this reader in your systems.
    #[must_use]
    pub fn account_id(&self) -> &str {
        self.text(Some(self.account_id)).unwrap_or_default()
    }

    /// The token's principal (`prn`), which is always either the account id
    /// ([`account_id`](Self::account_id), as in Payway's session example) or the account's
    /// contact e-mail ([`email`](Self::email), as Payway's claims table describes it): a
    /// token whose `prn` is anything else is refused with
    /// [`Error::PrincipalMismatch`](crate::Error::PrincipalMismatch).
    ///
    /// Key your records by [`account_id`](Self::account_id), which does not change when the
    /// reader changes their e-mail.
    #[must_use]
    pub fn principal(&self) -> &str {
        match self.principal {
            Principal::AccountId => self.account_id(),
            Principal::Email => self.email().unwrap_or_else(|| self.account_id()),
        }
    }

    /// Payway's session id (`session.sid`). Treat it as confidential: do not log it.
    #[must_use]
    pub fn sid(&self) -> Option<&str> {
        self.text(self.profile.sid)
    }

    /// The account's contact e-mail (`session.contact_email`).
    #[must_use]
    pub fn email(&self) -> Option<&str> {
        self.text(self.profile.email)
    }

    /// The account's full name (`session.display_name`).
    #[must_use]
    pub fn display_name(&self) -> Option<&str> {
        self.text(self.profile.display_name)
    }

    /// The Payway organisation (`session.organisation`); requested with the JS-API's
    /// `fields` option.
    #[must_use]
    pub fn organisation(&self) -> Option<&str> {
        self.text(self.profile.organisation)
    }

    /// `session.first_name`; requested with the JS-API's `fields` option.
    #[must_use]
    pub fn first_name(&self) -> Option<&str> {
        self.text(self.profile.first_name)
    }

    /// `session.last_name`; requested with the JS-API's `fields` option.
    #[must_use]
    pub fn last_name(&self) -> Option<&str> {
        self.text(self.profile.last_name)
    }

    /// `session.customer_number` (a JSON number is given in decimal); requested with the
    /// JS-API's `fields` option.
    #[must_use]
    pub fn customer_number(&self) -> Option<&str> {
        self.text(self.profile.customer_number)
    }

    /// `session.mobile_number`; requested with the JS-API's `fields` option.
    #[must_use]
    pub fn mobile_number(&self) -> Option<&str> {
        self.text(self.profile.mobile_number)
    }

    /// `session.alias`; requested with the JS-API's `fields` option.
    #[must_use]
    pub fn alias(&self) -> Option<&str> {
        self.text(self.profile.alias)
    }

    /// Whether the account is verified (`session.verified`).
    #[must_use]
    pub fn verified(&self) -> Option<bool> {
        self.profile.verified
    }

    /// The codes of the account's current package and products (`session.products`);
    /// requested with the JS-API's `fields` option. Empty when absent.
    #[must_use]
    pub fn products(&self) -> &[String] {
        &self.profile.products
    }

    /// Whether [`products`](Self::products) contains `code`.
    #[must_use]
    pub fn has_product(&self, code: &str) -> bool {
        self.profile.products.iter().any(|product| product == code)
    }

    /// Any other member of the signed `session` object, by name (`"has_offers"`, ...).
    /// `None` for the members that have their own accessor.
    #[must_use]
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.profile.other.get(name)
    }

    /// Any other top-level signed claim, by name (`"jti"`, ...). `None` for the claims this
    /// crate checks (`iat`, `nbf`, `exp`, `iss`, `aud`, `prn`, `session`).
    #[must_use]
    pub fn claim(&self, name: &str) -> Option<&Value> {
        self.claims.get(name)
    }

    /// When Payway issued the token (`iat`).
    #[must_use]
    pub fn issued_at(&self) -> SystemTime {
        self.issued_at
    }

    /// The time before which the token is not valid (`nbf`, without leeway).
    #[must_use]
    pub fn not_before(&self) -> SystemTime {
        self.not_before
    }

    /// When the token expires (`exp`, without leeway). Payway's tokens live five minutes:
    /// the JS-API refreshes the cookie on each page that runs `Tulo.session`.
    #[must_use]
    pub fn expires_at(&self) -> SystemTime {
        self.expires_at
    }
}

impl fmt::Debug for Session {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let redacted = |field: &Option<Span>| field.as_ref().map(|_| "[redacted]");
        let p = &self.profile;
        f.debug_struct("Session")
            .field("account_id", &self.account_id())
            .field("principal", &self.principal)
            .field("sid", &redacted(&p.sid))
            .field("email", &redacted(&p.email))
            .field("display_name", &redacted(&p.display_name))
            .field("organisation", &self.organisation())
            .field("first_name", &redacted(&p.first_name))
            .field("last_name", &redacted(&p.last_name))
            .field("customer_number", &redacted(&p.customer_number))
            .field("mobile_number", &redacted(&p.mobile_number))
            .field("alias", &redacted(&p.alias))
            .field("verified", &p.verified)
            .field("products", &p.products)
            .field("other_session_fields", &p.other.keys().collect::<Vec<_>>())
            .field("other_claims", &self.claims.keys().collect::<Vec<_>>())
            .field("issued_at", &self.issued_at)
            .field("expires_at", &self.expires_at)
            .finish()
    }
}

/// Which signed value the token's `prn` equals.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Principal {
    /// `prn` is `session.id`.
    AccountId,
    /// `prn` is `session.contact_email`.
    Email,
}

/// Where a string member lies in a session's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Span {
    start: usize,
    end: usize,
}

/// Collects a session's strings into one buffer.
pub(crate) struct Text(String);

impl Text {
    pub(crate) fn with_capacity(capacity: usize) -> Self {
        Self(String::with_capacity(capacity))
    }

    pub(crate) fn push(&mut self, text: &str) -> Span {
        let start = self.0.len();
        self.0.push_str(text);
        Span {
            start,
            end: self.0.len(),
        }
    }

    pub(crate) fn push_optional(&mut self, text: Option<&str>) -> Option<Span> {
        text.map(|text| self.push(text))
    }

    pub(crate) fn finish(self) -> Box<str> {
        self.0.into_boxed_str()
    }
}

/// The members of the signed `session` object other than `active` and `id`, typed; the
/// strings are spans of the session's text.
#[derive(Clone, PartialEq)]
pub(crate) struct Profile {
    pub(crate) sid: Option<Span>,
    pub(crate) email: Option<Span>,
    pub(crate) display_name: Option<Span>,
    pub(crate) organisation: Option<Span>,
    pub(crate) first_name: Option<Span>,
    pub(crate) last_name: Option<Span>,
    pub(crate) customer_number: Option<Span>,
    pub(crate) mobile_number: Option<Span>,
    pub(crate) alias: Option<Span>,
    pub(crate) verified: Option<bool>,
    pub(crate) products: Vec<String>,
    pub(crate) other: Map<String, Value>,
}
