//! [`Fingerprint`]: what a ticket store keeps instead of the ticket, and its [`ClaimKind`].

use std::fmt;

use sha2::{Digest, Sha256};

/// What a claim guards. Each kind has its own room in a
/// [`MemoryTicketStore`](crate::MemoryTicketStore) and its own keys in `RedisTicketStore`,
/// so a flood of one kind (made-up shop tickets, say) never takes the room of another
/// (SSO2 landings).
///
/// ```
/// use payway_client::{ClaimKind, Fingerprint};
///
/// assert_eq!(Fingerprint::of("t").kind(), ClaimKind::Ticket);
/// assert_eq!(Fingerprint::of_landing("t").kind(), ClaimKind::Landing);
/// assert_eq!(ClaimKind::Landing.as_str(), "landing");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ClaimKind {
    /// A Payway authorization ticket, brought back from Tulo Shop
    /// ([`Fingerprint::of`]).
    Ticket,
    /// An SSO2 landing token ([`Fingerprint::of_landing`]).
    Landing,
    /// A checkout return token ([`Fingerprint::of_checkout`]), and the state of the checkout
    /// URL it came back to (each checkout takes two claims of this kind; the state's lasts
    /// [`CHECKOUT_STATE_MAX_AGE`](crate::sso2::CHECKOUT_STATE_MAX_AGE)).
    Checkout,
}

impl ClaimKind {
    /// Every kind, in a fixed order.
    pub const ALL: [ClaimKind; 3] = [ClaimKind::Ticket, ClaimKind::Landing, ClaimKind::Checkout];

    /// The kind's name in lowercase (`ticket`, `landing`, `checkout`), as `RedisTicketStore`
    /// puts it in its keys.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Ticket => "ticket",
            Self::Landing => "landing",
            Self::Checkout => "checkout",
        }
    }
}

impl fmt::Display for ClaimKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Prefixes the landing and checkout hashes so that no ticket, landing token or checkout
/// token hashes to another kind's digest.
const LANDING_DOMAIN: &[u8] = b"payway-client sso2 landing\0";
const CHECKOUT_DOMAIN: &[u8] = b"payway-client checkout\0";
/// Separates checkout states from checkout tokens.
const CHECKOUT_STATE_DOMAIN: &[u8] = b"payway-client checkout state\0";

/// The SHA-256 of a ticket (or landing or checkout token) and the [`ClaimKind`] it guards:
/// what a [`TicketStore`](crate::TicketStore) keeps instead of the token itself.
///
/// Two fingerprints are equal only when both the digest and the kind are. `{:?}` shows the
/// kind and the first 8 hex digits only.
///
/// ```
/// use payway_client::Fingerprint;
///
/// let a = Fingerprint::of("ticket-1");
/// assert_eq!(a, Fingerprint::of("ticket-1"));
/// assert_ne!(a, Fingerprint::of("ticket-2"));
/// assert_ne!(a, Fingerprint::of_landing("ticket-1"));
/// assert_eq!(a.to_hex().len(), 64);
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Fingerprint {
    digest: [u8; 32],
    kind: ClaimKind,
}

impl Fingerprint {
    /// The fingerprint of a Payway `ticket` (kind [`ClaimKind::Ticket`]): the plain SHA-256
    /// of the ticket.
    pub fn of(ticket: &str) -> Self {
        Self::hashed(&[], ticket, ClaimKind::Ticket)
    }

    /// The fingerprint of an SSO2 landing token (kind [`ClaimKind::Landing`]): the SHA-256
    /// of `payway-client sso2 landing`, a NUL byte and the token.
    pub fn of_landing(token: &str) -> Self {
        Self::hashed(LANDING_DOMAIN, token, ClaimKind::Landing)
    }

    /// The fingerprint of a checkout return token (kind [`ClaimKind::Checkout`]): the
    /// SHA-256 of `payway-client checkout`, a NUL byte and the token.
    pub fn of_checkout(token: &str) -> Self {
        Self::hashed(CHECKOUT_DOMAIN, token, ClaimKind::Checkout)
    }

    /// The fingerprint of a checkout's state (kind [`ClaimKind::Checkout`]), so that a
    /// checkout URL is taken once.
    pub(crate) fn of_checkout_state(state: &str) -> Self {
        Self::hashed(CHECKOUT_STATE_DOMAIN, state, ClaimKind::Checkout)
    }

    fn hashed(domain: &[u8], text: &str, kind: ClaimKind) -> Self {
        let digest = Sha256::new()
            .chain_update(domain)
            .chain_update(text.as_bytes())
            .finalize();
        // sha2 0.11 returns a `hybrid_array::Array`, which converts into a plain array.
        Self {
            digest: digest.into(),
            kind,
        }
    }

    /// What this claim guards.
    pub fn kind(&self) -> ClaimKind {
        self.kind
    }

    /// The 32 digest bytes.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.digest
    }

    /// The digest as 64 lowercase hex digits (what `RedisTicketStore` puts in its keys,
    /// after the kind).
    pub fn to_hex(&self) -> String {
        self.digest
            .iter()
            .map(|byte| format!("{byte:02x}"))
            .collect()
    }
}

impl fmt::Debug for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let hex = self.to_hex();
        write!(
            f,
            "Fingerprint({} {}…)",
            self.kind,
            hex.get(..8).unwrap_or_default()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_ticket_fingerprint_is_its_sha256() {
        // SHA-256("abc"), FIPS 180-2 appendix B.1.
        assert_eq!(
            Fingerprint::of("abc").to_hex(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(
            format!("{:?}", Fingerprint::of("abc")),
            "Fingerprint(ticket ba7816bf…)"
        );
    }

    #[test]
    fn landing_and_checkout_hashes_are_domain_separated() {
        let expected: [u8; 32] = Sha256::digest(b"payway-client sso2 landing\0abc").into();
        assert_eq!(Fingerprint::of_landing("abc").as_bytes(), &expected);
        let expected: [u8; 32] = Sha256::digest(b"payway-client checkout\0abc").into();
        assert_eq!(Fingerprint::of_checkout("abc").as_bytes(), &expected);
        let ticket = Fingerprint::of("abc");
        let landing = Fingerprint::of_landing("abc");
        let checkout = Fingerprint::of_checkout("abc");
        assert_ne!(ticket.as_bytes(), landing.as_bytes());
        assert_ne!(landing.as_bytes(), checkout.as_bytes());
        assert_eq!(checkout.kind(), ClaimKind::Checkout);
    }
}
