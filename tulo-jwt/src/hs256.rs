//! HMAC-SHA256 with a key prepared once: RustCrypto `hmac` + `sha2`, pure Rust.

use hmac::digest::{Digest, Key};
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

/// An HMAC-SHA256 tag is 32 bytes.
pub(crate) const TAG_LEN: usize = 32;

/// The client secret as an HMAC-SHA256 key, with its inner and outer pads already hashed,
/// so each call only hashes the message.
#[derive(Clone)]
pub(crate) struct Hs256Key(Hmac<Sha256>);

impl Hs256Key {
    /// Prepares `secret` as RFC 2104 does: a key longer than SHA-256's 64-byte block is
    /// hashed first; a shorter one is padded with zeros.
    pub(crate) fn new(secret: &[u8]) -> Self {
        let mut block = Key::<Hmac<Sha256>>::default();
        let digest;
        let key = if secret.len() > block.len() {
            digest = Sha256::digest(secret);
            digest.as_slice()
        } else {
            secret
        };
        for (slot, byte) in block.iter_mut().zip(key) {
            *slot = *byte;
        }
        Self(Hmac::new(&block))
    }

    /// Whether `tag` is the HMAC of `message`, compared in constant time (`verify_slice`).
    pub(crate) fn verify(&self, message: &[u8], tag: &[u8]) -> bool {
        let mut mac = self.0.clone();
        mac.update(message);
        mac.verify_slice(tag).is_ok()
    }

    /// The HMAC of `message`.
    #[cfg(any(feature = "test-util", test))]
    pub(crate) fn sign(&self, message: &[u8]) -> [u8; TAG_LEN] {
        self.0
            .clone()
            .chain_update(message)
            .finalize()
            .into_bytes()
            .into()
    }
}

#[cfg(test)]
mod tests {
    use super::Hs256Key;

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    #[test]
    fn rfc4231_test_cases() {
        // Test case 2: a short key.
        let tag = Hs256Key::new(b"Jefe").sign(b"what do ya want for nothing?");
        assert_eq!(
            hex(&tag),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        // Test case 6: a 131-byte key, hashed before use.
        let key = [0xaa; 131];
        let tag =
            Hs256Key::new(&key).sign(b"Test Using Larger Than Block-Size Key - Hash Key First");
        assert_eq!(
            hex(&tag),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"
        );
        // A key of exactly one block is used as is.
        let key = [0x0b; 64];
        let a = Hs256Key::new(&key).sign(b"m");
        let mut padded = key.to_vec();
        padded.push(0);
        assert_ne!(a, Hs256Key::new(&padded).sign(b"m"));
    }

    #[test]
    fn verify_accepts_only_the_exact_tag() {
        let key = Hs256Key::new(b"0123456789abcdef0123456789abcdef");
        let tag = key.sign(b"message");
        assert!(key.verify(b"message", &tag));
        assert!(!key.verify(b"messagE", &tag));
        assert!(!key.verify(b"message", &tag[..31]));
        let mut longer = tag.to_vec();
        longer.push(0);
        assert!(!key.verify(b"message", &longer));
        let mut flipped = tag;
        flipped[31] ^= 1;
        assert!(!key.verify(b"message", &flipped));
    }
}
