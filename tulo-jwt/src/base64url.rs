//! Strict unpadded base64url (RFC 7515 §2, RFC 4648 §5), decoding only.
//!
//! Padding, whitespace, characters outside the URL-safe alphabet, a length no byte string
//! has and non-zero unused trailing bits are all refused, so each byte string has exactly
//! one spelling: the rules of the `base64` crate's `URL_SAFE_NO_PAD` engine, which the tests
//! check this against.

/// Decodes `text`; `None` when it is not the one spelling of a byte string.
pub(crate) fn decode(text: &[u8]) -> Option<Vec<u8>> {
    let mut out = vec![0; decoded_len(text.len())?];
    decode_into(text, &mut out)?;
    Some(out)
}

/// The length of the bytes a text of `len` characters spells, or `None` when no byte
/// string has such a spelling.
pub(crate) fn decoded_len(len: usize) -> Option<usize> {
    let tail = match len % 4 {
        0 => 0,
        2 => 1,
        3 => 2,
        _ => return None,
    };
    Some(len / 4 * 3 + tail)
}

/// Decodes `text` into `out`, which must be [`decoded_len`] long.
pub(crate) fn decode_into(text: &[u8], out: &mut [u8]) -> Option<()> {
    if decoded_len(text.len())? != out.len() {
        return None;
    }
    // Eight characters are six bytes, as one number.
    let mut blocks = text.chunks_exact(8);
    let mut slots = out.chunks_exact_mut(6);
    for (block, slot) in (&mut blocks).zip(&mut slots) {
        let bits = sextets(block);
        if bits >> 48 != 0 {
            return None;
        }
        slot.copy_from_slice(bits.to_be_bytes().get(2..)?);
    }
    let (rest, slot) = (blocks.remainder(), slots.into_remainder());
    if rest.is_empty() {
        return slot.is_empty().then_some(());
    }
    // The last 2 to 7 characters: whole bytes, then unused bits that must be zero.
    let bits = sextets(rest);
    let unused = rest.len() * 6 % 8;
    if bits >> (rest.len() * 6) != 0 || bits & ((1 << unused) - 1) != 0 {
        return None;
    }
    let bytes = (bits >> unused).to_be_bytes();
    slot.copy_from_slice(bytes.get(bytes.len().checked_sub(slot.len())?..)?);
    Some(())
}

/// Up to eight characters' values, six bits each, the first one highest. A character
/// outside the alphabet sets every bit above them.
#[inline]
fn sextets(chars: &[u8]) -> u64 {
    chars.iter().fold(0, |bits, &c| {
        bits << 6 | SEXTET.get(usize::from(c)).unwrap_or(&u64::MAX)
    })
}

/// Each character's value in the URL-safe alphabet; every other byte is all ones, which
/// stays visible above the decoded bits however far it is shifted within eight characters.
#[allow(
    clippy::indexing_slicing,
    reason = "evaluated at compile time, where an index out of bounds fails the build"
)]
static SEXTET: [u64; 256] = {
    let mut table = [u64::MAX; 256];
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut value = 0;
    while value < alphabet.len() {
        table[alphabet[value] as usize] = value as u64;
        value += 1;
    }
    table
};

#[cfg(test)]
mod tests {
    use super::{decode, decoded_len};
    use base64::Engine as _;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use proptest::prelude::*;

    fn reference(text: &[u8]) -> Option<Vec<u8>> {
        URL_SAFE_NO_PAD.decode(text).ok()
    }

    #[test]
    fn decodes_rfc4648_vectors_without_padding() {
        for (plain, encoded) in [
            ("", ""),
            ("f", "Zg"),
            ("fo", "Zm8"),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg"),
            ("fooba", "Zm9vYmE"),
            ("foobar", "Zm9vYmFy"),
            ("foobarb", "Zm9vYmFyYg"),
            ("foobarba", "Zm9vYmFyYmE"),
            ("foobarbaz", "Zm9vYmFyYmF6"),
        ] {
            assert_eq!(decode(encoded.as_bytes()).unwrap(), plain.as_bytes());
        }
        assert_eq!(decode(b"-_8").unwrap(), [0xFB, 0xFF]);
    }

    #[test]
    fn refuses_every_second_spelling() {
        for bad in [
            "+/8",         // the standard alphabet
            "Zg==",        // padding
            "Zm8=",        // padding
            "Zm 9v",       // whitespace
            "Zm9v\n",      // a line ending
            "Zm9v.",       // a separator
            "Z",           // a length no byte string has
            "Zm9vY",       // the same, after a whole block of four
            "Zm9vYmFyY",   // the same, after a whole block of eight
            "Zh",          // "f" with non-zero unused bits
            "Zm9",         // "fo" with non-zero unused bits
            "AaAA_a__00-", // non-zero unused bits after a whole 8-character block
            "Zm9vYmFy\u{e9}A",
        ] {
            assert_eq!(decode(bad.as_bytes()), None, "{bad:?} must be refused");
            assert_eq!(reference(bad.as_bytes()), None, "{bad:?}");
        }
    }

    #[test]
    fn agrees_with_the_base64_crate_on_every_short_text() {
        // Every text of up to three characters over the alphabet and its neighbours, and
        // every byte in every position of a nine-character text (one block and a tail).
        let mut alphabet: Vec<u8> =
            b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".to_vec();
        alphabet.extend_from_slice(b"+/=. \n\0\x7f\x80\xff@[`{");
        let mut texts = vec![Vec::new()];
        for _ in 0..3 {
            let longer: Vec<Vec<u8>> = texts
                .iter()
                .filter(|text| text.len() == texts.last().map_or(0, Vec::len))
                .flat_map(|text| {
                    alphabet.iter().map(move |&c| {
                        let mut text = text.clone();
                        text.push(c);
                        text
                    })
                })
                .collect();
            texts.extend(longer);
        }
        for len in [7, 8, 10, 11, 12, 15, 16] {
            let base = &b"Zm9vYmFyYmF6cXV4"[..len];
            for at in 0..len {
                for byte in 0..=255 {
                    let mut text = base.to_vec();
                    text[at] = byte;
                    texts.push(text);
                }
            }
        }
        for text in texts {
            assert_eq!(decode(&text), reference(&text), "{text:?}");
        }
    }

    #[test]
    fn decoded_lengths() {
        for len in 0..40 {
            let expected = reference(&vec![b'A'; len]).map(|bytes| bytes.len());
            assert_eq!(decoded_len(len), expected, "{len}");
        }
    }

    proptest! {
        #[test]
        fn agrees_with_the_base64_crate(text in "[A-Za-z0-9_+/=. -]{0,70}") {
            prop_assert_eq!(decode(text.as_bytes()), reference(text.as_bytes()));
        }

        #[test]
        fn reads_back_any_bytes(bytes in prop::collection::vec(any::<u8>(), 0..100)) {
            let text = URL_SAFE_NO_PAD.encode(&bytes);
            prop_assert_eq!(decode(text.as_bytes()), Some(bytes));
        }

        #[test]
        fn every_accepted_text_is_the_canonical_one(text in "[A-Za-z0-9_-]{0,40}") {
            if let Some(bytes) = decode(text.as_bytes()) {
                prop_assert_eq!(URL_SAFE_NO_PAD.encode(bytes), text);
            }
        }
    }
}
