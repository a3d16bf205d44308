//! Strict base64url without padding (RFC 7515 §2), the only encoding a compact JWS uses.
//!
//! Strict means one text per byte string: padding, characters outside the URL-safe alphabet,
//! an impossible length and non-zero unused trailing bits are all refused. A lenient decoder
//! would accept several spellings of the same signature, so a changed token could still verify.

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// Marks a byte that is not in the alphabet.
const INVALID: u8 = 0xFF;

/// Byte -> 6-bit value, or [`INVALID`].
const DECODE: [u8; 256] = decode_table();

// Evaluated at compile time: an out-of-bounds index here fails the build, it cannot panic.
#[allow(clippy::indexing_slicing)]
const fn decode_table() -> [u8; 256] {
    let mut table = [INVALID; 256];
    let mut i = 0;
    while i < ALPHABET.len() {
        table[ALPHABET[i] as usize] = i as u8;
        i += 1;
    }
    table
}

/// The 6-bit values of four characters; any character outside the alphabet shows as a
/// set bit in `0xC0` of the `or` of the values, which keeps the loop to one branch.
#[inline]
fn sextets(chars: [u8; 4]) -> Option<[u32; 4]> {
    let values = chars.map(|c| DECODE.get(usize::from(c)).copied().unwrap_or(INVALID));
    if values.iter().fold(0, |acc, v| acc | v) & 0xC0 != 0 {
        return None;
    }
    Some(values.map(u32::from))
}

/// Decodes `input`, or `None` when it is not canonical unpadded base64url.
pub(crate) fn decode(input: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(input.len() / 4 * 3 + 2);
    // Eight characters make six bytes: the bulk of the input goes through here.
    let mut blocks = input.chunks_exact(8);
    for block in &mut blocks {
        let &[c0, c1, c2, c3, c4, c5, c6, c7] = block else {
            return None;
        };
        let [s0, s1, s2, s3] = sextets([c0, c1, c2, c3])?;
        let [s4, s5, s6, s7] = sextets([c4, c5, c6, c7])?;
        let n = (u64::from(s0) << 42)
            | (u64::from(s1) << 36)
            | (u64::from(s2) << 30)
            | (u64::from(s3) << 24)
            | (u64::from(s4) << 18)
            | (u64::from(s5) << 12)
            | (u64::from(s6) << 6)
            | u64::from(s7);
        let [_, _, b0, b1, b2, b3, b4, b5] = n.to_be_bytes();
        out.extend_from_slice(&[b0, b1, b2, b3, b4, b5]);
    }
    let mut chunks = blocks.remainder().chunks_exact(4);
    for chunk in &mut chunks {
        let &[a, b, c, d] = chunk else {
            return None;
        };
        let [a, b, c, d] = sextets([a, b, c, d])?;
        let n = (a << 18) | (b << 12) | (c << 6) | d;
        out.extend_from_slice(&[(n >> 16) as u8, (n >> 8) as u8, n as u8]);
    }
    match *chunks.remainder() {
        [] => {}
        [a, b] => {
            let [a, b, _, _] = sextets([a, b, b'A', b'A'])?;
            let n = (a << 18) | (b << 12);
            // Two characters carry 12 bits for one byte: the last 4 must be zero.
            if n & 0xFFFF != 0 {
                return None;
            }
            out.push((n >> 16) as u8);
        }
        [a, b, c] => {
            let [a, b, c, _] = sextets([a, b, c, b'A'])?;
            let n = (a << 18) | (b << 12) | (c << 6);
            // Three characters carry 18 bits for two bytes: the last 2 must be zero.
            if n & 0xFF != 0 {
                return None;
            }
            out.extend_from_slice(&[(n >> 16) as u8, (n >> 8) as u8]);
        }
        // One leftover character cannot encode a whole byte.
        _ => return None,
    }
    Some(out)
}

/// Encodes `input` as unpadded base64url.
#[cfg(any(test, feature = "test-util"))]
pub(crate) fn encode(input: &[u8]) -> String {
    let char_of = |n: u32| char::from(ALPHABET.get((n & 0x3F) as usize).copied().unwrap_or(b'A'));
    let mut out = String::with_capacity(input.len().div_ceil(3) * 4);
    let mut chunks = input.chunks_exact(3);
    for chunk in &mut chunks {
        let &[a, b, c] = chunk else {
            continue;
        };
        let n = (u32::from(a) << 16) | (u32::from(b) << 8) | u32::from(c);
        out.extend([
            char_of(n >> 18),
            char_of(n >> 12),
            char_of(n >> 6),
            char_of(n),
        ]);
    }
    match *chunks.remainder() {
        [a] => {
            let n = u32::from(a) << 16;
            out.extend([char_of(n >> 18), char_of(n >> 12)]);
        }
        [a, b] => {
            let n = (u32::from(a) << 16) | (u32::from(b) << 8);
            out.extend([char_of(n >> 18), char_of(n >> 12), char_of(n >> 6)]);
        }
        _ => {}
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{decode, encode};
    use proptest::prelude::*;

    // RFC 4648 §10 vectors, without padding.
    const VECTORS: [(&str, &str); 7] = [
        ("", ""),
        ("f", "Zg"),
        ("fo", "Zm8"),
        ("foo", "Zm9v"),
        ("foob", "Zm9vYg"),
        ("fooba", "Zm9vYmE"),
        ("foobar", "Zm9vYmFy"),
    ];

    #[test]
    fn rfc4648_vectors_decode_and_encode() {
        for (plain, encoded) in VECTORS {
            assert_eq!(decode(encoded.as_bytes()).unwrap(), plain.as_bytes());
            assert_eq!(encode(plain.as_bytes()), encoded);
        }
    }

    #[test]
    fn url_safe_alphabet_is_used() {
        assert_eq!(encode(&[0xFB, 0xFF]), "-_8");
        assert_eq!(decode(b"-_8").unwrap(), [0xFB, 0xFF]);
    }

    #[test]
    fn standard_alphabet_padding_and_whitespace_are_refused() {
        for bad in ["+/8", "Zg==", "Zm8=", "Zm 9v", "Zm9v\n", "Zm9v.", "Z"] {
            assert!(decode(bad.as_bytes()).is_none(), "{bad:?} must be refused");
        }
    }

    #[test]
    fn non_zero_trailing_bits_are_refused() {
        // "Zg" is "f"; "Zh" to "Zv" differ only in bits that encode nothing.
        assert!(decode(b"Zh").is_none());
        assert!(decode(b"Zm9").is_none());
        assert!(decode(b"Zm8").is_some());
    }

    proptest! {
        #[test]
        fn round_trip(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
            prop_assert_eq!(decode(encode(&bytes).as_bytes()).unwrap(), bytes);
        }

        #[test]
        fn every_accepted_text_is_the_canonical_one(text in "[A-Za-z0-9_-]{0,40}") {
            if let Some(bytes) = decode(text.as_bytes()) {
                prop_assert_eq!(encode(&bytes), text);
            }
        }

        #[test]
        fn matches_jsonwebtoken_signature_encoding(message in proptest::collection::vec(any::<u8>(), 0..100)) {
            let key = jsonwebtoken::EncodingKey::from_secret(b"0123456789abcdef0123456789abcdef");
            let _ = jsonwebtoken::crypto::aws_lc::DEFAULT_PROVIDER.install_default();
            let theirs = jsonwebtoken::crypto::sign(&message, &key, jsonwebtoken::Algorithm::HS256).unwrap();
            let tag = aws_lc_rs::hmac::sign(
                &aws_lc_rs::hmac::Key::new(aws_lc_rs::hmac::HMAC_SHA256, b"0123456789abcdef0123456789abcdef"),
                &message,
            );
            prop_assert_eq!(decode(theirs.as_bytes()).unwrap(), tag.as_ref());
            prop_assert_eq!(encode(tag.as_ref()), theirs);
        }
    }
}
