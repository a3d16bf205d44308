//! [`Fingerprint`]: what a ticket store keeps instead of the ticket.

use std::fmt;

use sha2::{Digest, Sha256};

/// The SHA-256 of a ticket: what a [`TicketStore`](crate::TicketStore) keeps instead of the
/// ticket itself.
///
/// `{:?}` shows the first 8 hex digits only.
///
/// ```
/// use payway_client::Fingerprint;
///
/// let a = Fingerprint::of("ticket-1");
/// assert_eq!(a, Fingerprint::of("ticket-1"));
/// assert_ne!(a, Fingerprint::of("ticket-2"));
/// assert_eq!(a.to_hex().len(), 64);
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Fingerprint([u8; 32]);

impl Fingerprint {
    /// The fingerprint of `ticket`.
    pub fn of(ticket: &str) -> Self {
        // sha2 0.11 returns a `hybrid_array::Array`, which converts into a plain array.
        Self(Sha256::digest(ticket.as_bytes()).into())
    }

    /// The 32 digest bytes.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// The digest as 64 lowercase hex digits (what `RedisTicketStore` puts in its keys).
    pub fn to_hex(&self) -> String {
        use fmt::Write as _;
        let mut out = String::with_capacity(64);
        for byte in self.0 {
            // Writing to a String cannot fail.
            let _ = write!(out, "{byte:02x}");
        }
        out
    }
}

impl fmt::Debug for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let hex = self.to_hex();
        write!(f, "Fingerprint({}…)", hex.get(..8).unwrap_or_default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprint_is_sha256() {
        // SHA-256("abc"), FIPS 180-2 appendix B.1.
        assert_eq!(
            Fingerprint::of("abc").to_hex(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(
            format!("{:?}", Fingerprint::of("abc")),
            "Fingerprint(ba7816bf…)"
        );
    }
}
