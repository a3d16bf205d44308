//! [`Hs256Key`]: an HMAC-SHA256 key prepared once (RustCrypto `hmac` + `sha2`, pure Rust).

use std::fmt;

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

/// An HMAC-SHA256 tag is 32 bytes.
pub const TAG_BYTES: usize = 32;

/// A secret as an HMAC-SHA256 key, with its inner and outer pads already hashed: each tag
/// clones that state and hashes only the message. `Debug` prints `[redacted]`.
#[derive(Clone)]
pub struct Hs256Key(Hmac<Sha256>);

impl Hs256Key {
    /// The key for `secret` (RFC 2104: `hmac` hashes a secret longer than SHA-256's 64-byte
    /// block and pads a shorter one). Any length is a key, the empty one included: callers
    /// check emptiness and length themselves ([`check_secret`](super::check_secret)).
    #[must_use]
    pub fn new(secret: &[u8]) -> Self {
        #[allow(
            clippy::expect_used,
            reason = "HMAC is defined for keys of every length; `hmac` refuses none"
        )]
        Self(Hmac::new_from_slice(secret).expect("HMAC takes a key of any length"))
    }

    /// The tag of the concatenation of `parts`.
    #[must_use]
    pub fn sign(&self, parts: &[&[u8]]) -> [u8; TAG_BYTES] {
        self.hashed(parts).finalize().into_bytes().into()
    }

    /// Whether `tag` is the tag of the concatenation of `parts`, compared in constant time
    /// (`verify_slice`); a tag of any other length is refused.
    #[must_use]
    pub fn verify(&self, parts: &[&[u8]], tag: &[u8]) -> bool {
        self.hashed(parts).verify_slice(tag).is_ok()
    }

    /// The prepared state with `parts` hashed into it.
    fn hashed(&self, parts: &[&[u8]]) -> Hmac<Sha256> {
        let mut mac = self.0.clone();
        parts.iter().for_each(|part| mac.update(part));
        mac
    }
}

impl fmt::Debug for Hs256Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Hs256Key([redacted])")
    }
}

#[cfg(test)]
mod tests {
    use super::Hs256Key;

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    fn key(secret: &[u8]) -> Hs256Key {
        Hs256Key::new(secret)
    }

    #[test]
    fn rfc_4231_test_cases() {
        // Case 2: a key shorter than the block, the message in two parts.
        let tag = key(b"Jefe").sign(&[b"what do ya want ", b"for nothing?"]);
        assert_eq!(
            hex(&tag),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        // Case 6: a 131-byte key, hashed first.
        let tag =
            key(&[0xaa; 131]).sign(&[b"Test Using Larger Than Block-Size Key - Hash Key First"]);
        assert_eq!(
            hex(&tag),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"
        );
        // A key of exactly one block is used as it is, not as if padded further.
        let block = [0x0b; 64];
        let mut longer = block.to_vec();
        longer.push(0);
        assert_ne!(key(&block).sign(&[b"m"]), key(&longer).sign(&[b"m"]));
        // The empty key is a key too: RFC 2104 pads it with zeros, as it pads a lone zero byte.
        assert_eq!(key(b"").sign(&[b"m"]), key(b"\0").sign(&[b"m"]));
    }

    #[test]
    fn only_the_exact_tag_verifies() {
        let k = key(b"0123456789abcdef0123456789abcdef");
        let tag = k.sign(&[b"message"]);
        assert!(k.verify(&[b"mess", b"age"], &tag));
        assert!(!k.verify(&[b"messagE"], &tag));
        assert!(!k.verify(&[b"message"], &tag[..31]));
        let mut longer = tag.to_vec();
        longer.push(0);
        assert!(!k.verify(&[b"message"], &longer));
        let mut flipped = tag;
        flipped[31] ^= 1;
        assert!(!k.verify(&[b"message"], &flipped));
        assert!(!key(b"another key").verify(&[b"message"], &tag));
    }

    #[test]
    fn debug_hides_the_key() {
        let printed = format!("{:?}", key(b"super-secret-value"));
        assert_eq!(printed, "Hs256Key([redacted])");
    }
}
