//! HMAC-SHA256 keys (RustCrypto `hmac` + `sha2`, pure Rust): SSO2's client secret and the
//! site's session-cookie key. Tags are compared in constant time (`verify_slice`).

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

/// An HMAC-SHA256 tag is 32 bytes.
pub(crate) const TAG_BYTES: usize = 32;

/// A secret prepared as an HMAC-SHA256 key once (its inner and outer pads hashed), so each
/// tag only hashes the message.
#[derive(Clone)]
pub(crate) struct Hs256Key(Hmac<Sha256>);

impl Hs256Key {
    /// The key for `secret` (RFC 2104: `hmac` hashes a secret longer than SHA-256's block and
    /// pads a shorter one). `None` only if the HMAC refused the length, which it never does.
    pub(crate) fn new(secret: &[u8]) -> Option<Self> {
        Hmac::new_from_slice(secret).ok().map(Self)
    }

    /// The tag of the concatenation of `parts`.
    pub(crate) fn sign(&self, parts: &[&[u8]]) -> [u8; TAG_BYTES] {
        let mut mac = self.0.clone();
        for part in parts {
            mac.update(part);
        }
        mac.finalize().into_bytes().into()
    }

    /// Whether `tag` is the tag of the concatenation of `parts`, in constant time.
    pub(crate) fn verify(&self, parts: &[&[u8]], tag: &[u8]) -> bool {
        let mut mac = self.0.clone();
        for part in parts {
            mac.update(part);
        }
        mac.verify_slice(tag).is_ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    #[test]
    fn rfc_4231_vectors() {
        // Case 2: a key shorter than the block.
        let tag = Hs256Key::new(b"Jefe")
            .unwrap()
            .sign(&[b"what do ya want ", b"for nothing?"]);
        assert_eq!(
            hex(&tag),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        // Case 6: a 131-byte key, hashed first.
        let tag = Hs256Key::new(&[0xaa; 131])
            .unwrap()
            .sign(&[b"Test Using Larger Than Block-Size Key - Hash Key First"]);
        assert_eq!(
            hex(&tag),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"
        );
    }

    #[test]
    fn only_the_exact_tag_verifies() {
        let key = Hs256Key::new(b"0123456789abcdef0123456789abcdef").unwrap();
        let tag = key.sign(&[b"message"]);
        assert!(key.verify(&[b"mess", b"age"], &tag));
        assert!(!key.verify(&[b"messagE"], &tag));
        assert!(!key.verify(&[b"message"], &tag[..31]));
        let mut flipped = tag;
        flipped[0] ^= 0x80;
        assert!(!key.verify(&[b"message"], &flipped));
        assert!(
            !Hs256Key::new(b"another key")
                .unwrap()
                .verify(&[b"message"], &tag)
        );
    }
}
