//! The Tulo Paywall's checkout return: [`PaywallSecret`], and the `jwtToken` (HS256 under
//! that secret, with `dtid`, a delegated ticket, and `aid`, the account id) that `paywall.js`
//! posts to your checkout landing, read strictly for
//! [`Sso2Flow::checkout_landing`](super::Sso2Flow::checkout_landing).

use std::borrow::Cow;
use std::env::VarError;

use super::answer::{accepted_until, check_times, optional, verify};
use super::from_env::ENV_PAYWALL_SECRET;
use super::landing::{MAX_LANDING_LIFETIME, params};
use super::session_cookie::is_storable_account_id;
use super::verify_error::{LandingError, TokenError};
use paywall_internal::jws::SecretRefused;

use crate::credentials::MIN_SECRET_BYTES;
use crate::env_vars::Env;
use crate::error::{BuildError, Error};
use crate::store::Fingerprint;
use crate::ticket::{Ticket, check_ticket};

/// The form field the paywall posts.
pub const CHECKOUT_TOKEN_FIELD: &str = "jwtToken";

paywall_internal::hs256_secret_type! {
    /// The paywall secret: the HS256 key of the `jwtToken` Payway's paywall posts to your
    /// checkout landing, a setting of its own in Payway (not the API client secret).
    ///
    /// Like every HMAC key of the family it must be at least
    /// [`MIN_SECRET_BYTES`](crate::MIN_SECRET_BYTES) (32) bytes long; a shorter one you cannot
    /// replace is accepted by [`insecure_allow_short_secret`](Self::insecure_allow_short_secret).
    /// Give it to [`Sso2Flow::with_paywall_secret`](super::Sso2Flow::with_paywall_secret).
    /// `{:?}` prints `[redacted]`.
    ///
    /// ```
    /// use payway_client::BuildError;
    /// use payway_client::sso2::PaywallSecret;
    ///
    /// let secret = PaywallSecret::new("the paywall secret from Payway, 32 bytes or more")?;
    /// assert_eq!(format!("{secret:?}"), "PaywallSecret([redacted])");
    /// assert!(matches!(PaywallSecret::new("short"), Err(BuildError::ShortSecret { .. })));
    /// # Ok::<(), BuildError>(())
    /// ```
    pub struct PaywallSecret;
    /// The key for the paywall secret, at least [`MIN_SECRET_BYTES`] long.
    ///
    /// # Errors
    ///
    /// [`BuildError::ShortSecret`] for a shorter (or empty) secret.
    fn new;
    /// The key for a paywall secret shorter than [`MIN_SECRET_BYTES`].
    ///
    /// **Weaker.** A short secret can be guessed offline from one posted token, and whoever
    /// finds it can sign checkout tokens. Prefer a long random one in Payway. An empty secret
    /// is refused even so.
    ///
    /// # Errors
    ///
    /// [`BuildError::ShortSecret`] for an empty secret.
    fn insecure_allow_short_secret;
    // The family's rule; an empty secret is reported as a short one here.
    refused: BuildError = |refused| match refused {
        SecretRefused::Empty => BuildError::ShortSecret { len: 0, min: MIN_SECRET_BYTES },
        SecretRefused::Short { len, min } => BuildError::ShortSecret { len, min },
    };
}

impl PaywallSecret {
    /// The paywall secret from `PAYWAY_PAYWALL_SECRET` ([`ENV_PAYWALL_SECRET`]), at least
    /// [`MIN_SECRET_BYTES`] long.
    ///
    /// # Errors
    ///
    /// [`BuildError::MissingEnvVar`] or [`BuildError::InvalidEnvVar`] (never showing the
    /// value), or [`BuildError::ShortSecret`].
    pub fn from_env() -> Result<Self, BuildError> {
        from_lookup(paywall_internal::env::process_env())
    }
}

/// Reads [`ENV_PAYWALL_SECRET`] through `lookup` (shaped like `std::env::var`), so that tests
/// never touch the process environment.
fn from_lookup(
    lookup: impl Fn(&str) -> Result<String, VarError>,
) -> Result<PaywallSecret, BuildError> {
    PaywallSecret::new(Env::new(lookup).required(ENV_PAYWALL_SECRET)?)
}

/// A verified checkout token: the delegated ticket and the account, and how long the token
/// is accepted. `{:?}` hides the ticket.
#[derive(Debug)]
pub(crate) struct CheckoutToken {
    pub(crate) delegated_ticket: Ticket,
    pub(crate) account_id: String,
    pub(crate) fingerprint: Fingerprint,
    /// `exp` plus the leeway, in seconds since the epoch.
    pub(crate) accepted_until: u64,
}

/// The `jwtToken` of a checkout form (`application/x-www-form-urlencoded`), exactly once.
pub(crate) fn form_token(form: &[u8]) -> Result<String, Error> {
    let [token] = params(form, [CHECKOUT_TOKEN_FIELD])?;
    token
        .map(Cow::into_owned)
        .ok_or(Error::Landing(LandingError::MissingCheckoutToken))
}

/// Verifies a checkout token at `now` (seconds since the epoch) as step 1 of
/// [`Sso2Flow::checkout_landing`](super::Sso2Flow::checkout_landing) says (`nbf` and `iat`
/// checked when present).
pub(crate) fn read_checkout_token(
    token: &str,
    secret: &PaywallSecret,
    leeway: u64,
    now: u64,
) -> Result<CheckoutToken, Error> {
    let refused = Error::Sso2Token;
    let claims = verify(token, &secret.key)?;
    let exp = check_times(&claims, now as f64, leeway as f64).map_err(refused)?;
    let latest = now
        .saturating_add(MAX_LANDING_LIFETIME.as_secs())
        .saturating_add(leeway);
    if exp > latest as f64 {
        return Err(refused(TokenError::ExpiresTooLate));
    }
    // `null` is a missing claim here.
    let text = |claim, expected, valid: fn(&str) -> bool| {
        optional(&claims, claim, expected, |v| {
            v.as_str().filter(|v| valid(v)).map(str::to_owned)
        })?
        .ok_or(TokenError::MissingClaim { claim })
    };
    let dtid = text("dtid", "a ticket", |v| check_ticket(v).is_ok()).map_err(refused)?;
    let aid = text(
        "aid",
        "an account id of 1 to 128 visible characters",
        is_storable_account_id,
    )
    .map_err(refused)?;
    Ok(CheckoutToken {
        delegated_ticket: Ticket::new(dtid),
        account_id: aid,
        fingerprint: Fingerprint::of_checkout(token),
        accepted_until: accepted_until(exp, leeway),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sso2::jws;

    const NOW: u64 = 1_700_000_000;

    fn secret() -> PaywallSecret {
        PaywallSecret::new("paywall-secret-0123456789abcdef-xyz").unwrap()
    }

    fn token(claims: &str) -> String {
        jws::sign(claims.as_bytes(), &secret().key)
    }

    #[test]
    fn a_checkout_token_reads_fully_and_strictly() {
        let good = token(&format!(
            r#"{{"dtid":"dt-1","aid":"acc-1","iat":{NOW},"exp":{}}}"#,
            NOW + 60
        ));
        let read = read_checkout_token(&good, &secret(), 60, NOW).unwrap();
        assert_eq!(read.delegated_ticket.expose_secret(), "dt-1");
        assert_eq!(read.account_id, "acc-1");
        assert_eq!(read.accepted_until, NOW + 120);
        assert_eq!(read.fingerprint, Fingerprint::of_checkout(&good));
        for (claims, expected) in [
            (
                format!(r#"{{"aid":"a","exp":{}}}"#, NOW + 60),
                TokenError::MissingClaim { claim: "dtid" },
            ),
            (
                format!(r#"{{"dtid":"d","exp":{}}}"#, NOW + 60),
                TokenError::MissingClaim { claim: "aid" },
            ),
            (
                r#"{"dtid":"d","aid":"a"}"#.to_owned(),
                TokenError::MissingClaim { claim: "exp" },
            ),
            (
                format!(r#"{{"dtid":"d","aid":"a","exp":{}}}"#, NOW + 3600),
                TokenError::ExpiresTooLate,
            ),
            (
                format!(r#"{{"dtid":"d","aid":"a","exp":{}}}"#, NOW - 61),
                TokenError::Expired,
            ),
            (
                format!(r#"{{"dtid":"d","aid":"a","aid":"b","exp":{}}}"#, NOW + 60),
                TokenError::RepeatedMember,
            ),
            (
                format!(r#"{{"dtid":7,"aid":"a","exp":{}}}"#, NOW + 60),
                TokenError::InvalidClaim {
                    claim: "dtid",
                    expected: "a ticket",
                },
            ),
        ] {
            let error = read_checkout_token(&token(&claims), &secret(), 60, NOW).unwrap_err();
            assert!(
                matches!(&error, Error::Sso2Token(e) if *e == expected),
                "{claims}: {error:?}"
            );
        }
    }

    #[test]
    fn the_form_carries_the_token_once() {
        assert_eq!(form_token(b"a=1&jwtToken=x.y.z").unwrap(), "x.y.z");
        let too_long = vec![b'a'; 16 * 1024 + 1];
        for (form, why) in [
            (&b"jwtToken=a&jwtToken=b"[..], LandingError::Duplicate),
            (b"jwttoken=a", LandingError::MissingCheckoutToken),
            (&too_long, LandingError::QueryTooLong),
        ] {
            assert!(matches!(form_token(form), Err(Error::Landing(e)) if e == why));
        }
    }

    #[test]
    fn the_secret_comes_from_its_variable() {
        let secret = "paywall-secret-from-env-0123456789abcdef";
        let found = from_lookup(|name| {
            assert_eq!(name, "PAYWAY_PAYWALL_SECRET");
            Ok(secret.to_owned())
        });
        assert!(found.is_ok());
        assert!(matches!(
            from_lookup(|_| Err(VarError::NotPresent)),
            Err(BuildError::MissingEnvVar {
                name: "PAYWAY_PAYWALL_SECRET"
            })
        ));
        assert!(matches!(
            from_lookup(|_| Ok(String::new())),
            Err(BuildError::MissingEnvVar { .. })
        ));
        assert!(matches!(
            from_lookup(|_| Ok("short".to_owned())),
            Err(BuildError::ShortSecret { .. })
        ));
    }

    #[test]
    fn secrets_follow_the_family_rule() {
        assert!(matches!(
            PaywallSecret::new("short"),
            Err(BuildError::ShortSecret { len: 5, min: 32 })
        ));
        assert!(PaywallSecret::insecure_allow_short_secret("short").is_ok());
        assert!(PaywallSecret::insecure_allow_short_secret("").is_err());
        assert_eq!(format!("{:?}", secret()), "PaywallSecret([redacted])");
    }
}
