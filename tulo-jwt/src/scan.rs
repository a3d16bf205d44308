//! Byte searches eight bytes at a time (SWAR), for the long plain runs of tokens and cookies.

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGHS: u64 = 0x8080_8080_8080_8080;

/// A mask whose lowest set bit lies in the first byte of `x` that is zero (higher bits may
/// be set spuriously, which callers never look at); zero when no byte is.
#[inline]
fn zero_bytes(x: u64) -> u64 {
    x.wrapping_sub(ONES) & !x & HIGHS
}

/// Bytes of `x` equal to `byte`, as [`zero_bytes`].
#[inline]
fn equal_bytes(x: u64, byte: u8) -> u64 {
    zero_bytes(x ^ (ONES * u64::from(byte)))
}

/// Bytes of `x` below `0x20` (control characters), as [`zero_bytes`].
#[inline]
fn control_bytes(x: u64) -> u64 {
    x.wrapping_sub(ONES * 0x20) & !x & HIGHS
}

/// The index of the first byte for which `word` (on eight bytes) and `byte` (on one) agree,
/// or `bytes.len()`.
#[inline]
fn first(bytes: &[u8], word: impl Fn(u64) -> u64, byte: impl Fn(u8) -> bool) -> usize {
    let mut chunks = bytes.chunks_exact(8);
    let mut pos = 0;
    for chunk in &mut chunks {
        let x = u64::from_le_bytes(chunk.try_into().unwrap_or_default());
        let found = word(x);
        if found != 0 {
            return pos + (found.trailing_zeros() / 8) as usize;
        }
        pos += 8;
    }
    let tail = chunks.remainder();
    pos + tail.iter().position(|&b| byte(b)).unwrap_or(tail.len())
}

/// The index of the first `needle` in `bytes`, or `bytes.len()`.
#[inline]
pub(crate) fn find_byte(bytes: &[u8], needle: u8) -> usize {
    first(bytes, |x| equal_bytes(x, needle), |b| b == needle)
}

/// The index of the first byte that ends a run of plain JSON string text (`"`, `\` or a
/// control character), or `bytes.len()`.
#[inline]
pub(crate) fn find_string_special(bytes: &[u8]) -> usize {
    first(
        bytes,
        |x| equal_bytes(x, b'"') | equal_bytes(x, b'\\') | control_bytes(x),
        |b| b == b'"' || b == b'\\' || b < 0x20,
    )
}

#[cfg(test)]
mod tests {
    use super::{find_byte, find_string_special};
    use proptest::prelude::*;

    #[test]
    fn finds_the_first_match_at_every_position() {
        for len in 0..20 {
            for at in 0..=len {
                let mut bytes = vec![b'a'; len];
                if let Some(byte) = bytes.get_mut(at) {
                    *byte = b'"';
                }
                assert_eq!(find_string_special(&bytes), at.min(len), "{len} {at}");
                assert_eq!(find_byte(&bytes, b'"'), at.min(len), "{len} {at}");
            }
        }
        assert_eq!(find_string_special(b"abcdefgh\x1fij\""), 8);
        assert_eq!(
            find_string_special("\u{e9}\u{e9}\u{e9}\u{e9}\"".as_bytes()),
            8
        );
        assert_eq!(find_string_special(b"\x7f\x80\xff \x20!\\"), 6);
    }

    proptest! {
        #[test]
        fn agrees_with_a_byte_loop(bytes in prop::collection::vec(any::<u8>(), 0..64)) {
            let expected = bytes.iter().position(|&b| b == b'"' || b == b'\\' || b < 0x20);
            prop_assert_eq!(find_string_special(&bytes), expected.unwrap_or(bytes.len()));
            let expected = bytes.iter().position(|&b| b == b';');
            prop_assert_eq!(find_byte(&bytes, b';'), expected.unwrap_or(bytes.len()));
        }
    }
}
