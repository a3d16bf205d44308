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
    pub(crate) account_id: String,
    pub(crate) principal: Principal,
    // Boxed so that `SessionState` stays small to move around.
    pub(crate) profile: Box<Profile>,
    pub(crate) claims: Map<String, Value>,
    pub(crate) issued_at: SystemTime,
    pub(crate) not_before: SystemTime,
    pub(crate) expires_at: SystemTime,
}

impl Session {
    /// The Payway account id (`session.id`): the stable key for this reader in your systems.
    #[must_use]
    pub fn account_id(&self) -> &str {
        &self.account_id
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
        self.profile.sid.as_deref()
    }

    /// The account's contact e-mail (`session.contact_email`).
    #[must_use]
    pub fn email(&self) -> Option<&str> {
        self.profile.email.as_deref()
    }

    /// The account's full name (`session.display_name`).
    #[must_use]
    pub fn display_name(&self) -> Option<&str> {
        self.profile.display_name.as_deref()
    }

    /// The Payway organisation (`session.organisation`); requested with the JS-API's
    /// `fields` option.
    #[must_use]
    pub fn organisation(&self) -> Option<&str> {
        self.profile.organisation.as_deref()
    }

    /// `session.first_name`; requested with the JS-API's `fields` option.
    #[must_use]
    pub fn first_name(&self) -> Option<&str> {
        self.profile.first_name.as_deref()
    }

    /// `session.last_name`; requested with the JS-API's `fields` option.
    #[must_use]
    pub fn last_name(&self) -> Option<&str> {
        self.profile.last_name.as_deref()
    }

    /// `session.customer_number` (a JSON number is given in decimal); requested with the
    /// JS-API's `fields` option.
    #[must_use]
    pub fn customer_number(&self) -> Option<&str> {
        self.profile.customer_number.as_deref()
    }

    /// `session.mobile_number`; requested with the JS-API's `fields` option.
    #[must_use]
    pub fn mobile_number(&self) -> Option<&str> {
        self.profile.mobile_number.as_deref()
    }

    /// `session.alias`; requested with the JS-API's `fields` option.
    #[must_use]
    pub fn alias(&self) -> Option<&str> {
        self.profile.alias.as_deref()
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
        let redacted = |field: &Option<String>| field.as_ref().map(|_| "[redacted]");
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

/// The members of the signed `session` object other than `active` and `id`, typed.
#[derive(Clone, PartialEq)]
pub(crate) struct Profile {
    pub(crate) sid: Option<String>,
    pub(crate) email: Option<String>,
    pub(crate) display_name: Option<String>,
    pub(crate) organisation: Option<String>,
    pub(crate) first_name: Option<String>,
    pub(crate) last_name: Option<String>,
    pub(crate) customer_number: Option<String>,
    pub(crate) mobile_number: Option<String>,
    pub(crate) alias: Option<String>,
    pub(crate) verified: Option<bool>,
    pub(crate) products: Vec<String>,
    pub(crate) other: Map<String, Value>,
}
