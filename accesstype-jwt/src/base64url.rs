//! Unpadded base64url encoding (RFC 4648 section 5), the JWT segment encoding. Encoding only:
//! tokens are decoded by jsonwebtoken.

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// The encoded length of `len` bytes, without padding.
pub(crate) const fn encoded_len(len: usize) -> usize {
    len / 3 * 4
        + match len % 3 {
            0 => 0,
            1 => 2,
            _ => 3,
        }
}

/// Appends the unpadded base64url encoding of `input` to `out`.
pub(crate) fn encode_into(input: &[u8], out: &mut String) {
    out.reserve(encoded_len(input.len()));
    let symbol = |sextet: u32| {
        // `sextet` is masked to 0..64, so the lookup always succeeds.
        char::from(
            ALPHABET
                .get((sextet & 0x3f) as usize)
                .copied()
                .unwrap_or(b'A'),
        )
    };
    let mut chunks = input.chunks_exact(3);
    for chunk in &mut chunks {
        if let [a, b, c] = *chunk {
            let n = u32::from(a) << 16 | u32::from(b) << 8 | u32::from(c);
            out.push(symbol(n >> 18));
            out.push(symbol(n >> 12));
            out.push(symbol(n >> 6));
            out.push(symbol(n));
        }
    }
    match *chunks.remainder() {
        [a] => {
            let n = u32::from(a) << 16;
            out.push(symbol(n >> 18));
            out.push(symbol(n >> 12));
        }
        [a, b] => {
            let n = u32::from(a) << 16 | u32::from(b) << 8;
            out.push(symbol(n >> 18));
            out.push(symbol(n >> 12));
            out.push(symbol(n >> 6));
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::{encode_into, encoded_len};

    fn encode(input: &[u8]) -> String {
        let mut out = String::new();
        encode_into(input, &mut out);
        assert_eq!(out.len(), encoded_len(input.len()));
        out
    }

    #[test]
    fn rfc_4648_vectors_without_padding() {
        for (input, expected) in [
            ("", ""),
            ("f", "Zg"),
            ("fo", "Zm8"),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg"),
            ("fooba", "Zm9vYmE"),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(encode(input.as_bytes()), expected);
        }
    }

    #[test]
    fn uses_the_url_safe_alphabet() {
        assert_eq!(encode(&[0xfb, 0xff, 0xbf]), "-_-_");
        assert_eq!(encode(&[0x00, 0x10, 0x83]), "ABCD");
        // RFC 7515 appendix A.1's header.
        assert_eq!(
            encode(b"{\"typ\":\"JWT\",\r\n \"alg\":\"HS256\"}"),
            "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9"
        );
    }

    #[test]
    fn every_byte_value_round_trips_through_a_reference_decoder() {
        let input: Vec<u8> = (0..=255).collect();
        let encoded = encode(&input);
        let value = |c: u8| match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'-' => 62,
            b'_' => 63,
            _ => panic!("unexpected symbol {c}"),
        };
        let mut decoded = Vec::new();
        for chunk in encoded.as_bytes().chunks(4) {
            let n = chunk
                .iter()
                .enumerate()
                .fold(0_u32, |n, (i, c)| n | u32::from(value(*c)) << (18 - 6 * i));
            for i in 0..chunk.len() - 1 {
                decoded.push((n >> (16 - 8 * i)) as u8);
            }
        }
        assert_eq!(decoded, input);
    }
}
