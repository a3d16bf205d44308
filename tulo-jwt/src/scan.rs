//! Byte searches sixteen bytes at a time, as two 64-bit words (SWAR), for the long plain runs
//! of tokens and cookies.

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

/// Bytes of `x` that are a quote, a backslash, below `0x20` or, in URL-encoded text
/// (`PERCENT`), a `%`, as [`zero_bytes`]; the tests share their last step, since none of
/// those bytes has its high bit set.
#[inline]
fn string_special<const PERCENT: bool>(x: u64) -> u64 {
    let quote = (x ^ (ONES * u64::from(b'"'))).wrapping_sub(ONES);
    let backslash = (x ^ (ONES * u64::from(b'\\'))).wrapping_sub(ONES);
    let control = x.wrapping_sub(ONES * 0x20);
    let percent = if PERCENT {
        (x ^ (ONES * u64::from(b'%'))).wrapping_sub(ONES)
    } else {
        0
    };
    (quote | backslash | control | percent) & !x & HIGHS
}

/// Whether `byte` is one that [`string_special`] finds.
#[inline]
fn is_string_special<const PERCENT: bool>(byte: u8) -> bool {
    byte == b'"' || byte == b'\\' || byte < 0x20 || (PERCENT && byte == b'%')
}

/// The length of the quote `rest` starts with, if it does: `"`, or in URL-encoded text
/// (`PERCENT`) also `%22`.
#[inline]
fn quote<const PERCENT: bool>(rest: &[u8]) -> Option<usize> {
    match rest {
        [b'"', ..] => Some(1),
        [b'%', b'2', b'2', ..] if PERCENT => Some(3),
        _ => None,
    }
}

/// The index of the first byte for which `word` (on eight bytes) and `byte` (on one) agree,
/// or `bytes.len()`. Sixteen bytes are tested at a time.
#[inline]
fn first(bytes: &[u8], word: impl Fn(u64) -> u64, byte: impl Fn(u8) -> bool) -> usize {
    let mut blocks = bytes.chunks_exact(16);
    let mut pos = 0;
    for block in &mut blocks {
        let x = u128::from_le_bytes(block.try_into().unwrap_or_default());
        let (low, high) = (word(x as u64), word((x >> 64) as u64));
        if low | high != 0 {
            let found = if low != 0 {
                low.trailing_zeros()
            } else {
                64 + high.trailing_zeros()
            };
            return pos + (found / 8) as usize;
        }
        pos += 16;
    }
    let tail = blocks.remainder();
    pos + tail.iter().position(|&b| byte(b)).unwrap_or(tail.len())
}

/// The index of the first `needle` in `bytes`, or `bytes.len()`.
#[inline]
pub(crate) fn find_byte(bytes: &[u8], needle: u8) -> usize {
    first(bytes, |x| equal_bytes(x, needle), |b| b == needle)
}

/// The index of the first byte that ends a run of plain JSON string text (`"`, `\`, a
/// control character and, in URL-encoded text, `%`), or `bytes.len()`.
#[inline]
pub(crate) fn find_string_special<const PERCENT: bool>(bytes: &[u8]) -> usize {
    first(
        bytes,
        string_special::<PERCENT>,
        is_string_special::<PERCENT>,
    )
}

/// When the closing quote of a JSON string lies within the first 16 bytes of `bytes` (the
/// text after the opening quote) with nothing special ([`find_string_special`]) before it:
/// the length of the string's text, those 16 bytes as a little-endian number, and the length
/// of the closing quote. `None` otherwise, and when `bytes` is shorter than 16 bytes.
#[inline]
pub(crate) fn short_string<const PERCENT: bool>(bytes: &[u8]) -> Option<(usize, u128, usize)> {
    let x = u128::from_le_bytes(*bytes.first_chunk()?);
    let (low, high) = (x as u64, (x >> 64) as u64);
    let (word, skipped) = match string_special::<PERCENT>(low) {
        0 => (high, 8),
        _ => (low, 0),
    };
    let found = string_special::<PERCENT>(word);
    if found == 0 {
        return None;
    }
    let len = skipped + (found.trailing_zeros() / 8) as usize;
    let quote = quote::<PERCENT>(bytes.get(len..).unwrap_or_default())?;
    Some((len, x, quote))
}

/// When the closing quote of a JSON string comes before anything special
/// ([`find_string_special`]), searched 16 bytes at a time in `bytes` (the text after the
/// opening quote): the length of the string's text and of its closing quote. Otherwise, the
/// length of the plain text found before the search stopped, at something special other than
/// a closing quote or where fewer than 16 bytes are left.
#[inline]
pub(crate) fn plain_string<const PERCENT: bool>(bytes: &[u8]) -> Result<(usize, usize), usize> {
    let mut pos = 0;
    for block in bytes.chunks_exact(16) {
        let x = u128::from_le_bytes(block.try_into().unwrap_or_default());
        let low = string_special::<PERCENT>(x as u64);
        let high = string_special::<PERCENT>((x >> 64) as u64);
        if low | high != 0 {
            let bit = if low != 0 {
                low.trailing_zeros()
            } else {
                64 + high.trailing_zeros()
            };
            let len = pos + (bit / 8) as usize;
            return match quote::<PERCENT>(bytes.get(len..).unwrap_or_default()) {
                Some(quote) => Ok((len, quote)),
                None => Err(len),
            };
        }
        pos += 16;
    }
    Err(pos)
}

#[cfg(test)]
mod tests {
    use super::{find_byte, find_string_special, plain_string, short_string};
    use proptest::prelude::*;

    fn special(byte: u8, percent: bool) -> bool {
        byte == b'"' || byte == b'\\' || byte < 0x20 || (percent && byte == b'%')
    }

    /// What the scans must find, written as plain loops: the first special byte and, when it
    /// closes the string, the length of its spelling.
    fn expected(bytes: &[u8], percent: bool) -> (usize, Option<usize>) {
        let at = bytes
            .iter()
            .position(|&b| special(b, percent))
            .unwrap_or(bytes.len());
        let quote = match bytes.get(at..).unwrap_or_default() {
            [b'"', ..] => Some(1),
            [b'%', b'2', b'2', ..] if percent => Some(3),
            _ => None,
        };
        (at, quote)
    }

    fn check(bytes: &[u8]) -> Result<(), TestCaseError> {
        for percent in [false, true] {
            let (at, quote) = expected(bytes, percent);
            let found = if percent {
                find_string_special::<true>(bytes)
            } else {
                find_string_special::<false>(bytes)
            };
            prop_assert_eq!(found, at);
            let short = if percent {
                short_string::<true>(bytes)
            } else {
                short_string::<false>(bytes)
            };
            let in_first_block = bytes.len() >= 16 && at < 16;
            prop_assert_eq!(
                short.map(|(len, _, quote)| (len, quote)),
                quote.filter(|_| in_first_block).map(|quote| (at, quote))
            );
            if let Some((_, x, _)) = short {
                prop_assert_eq!(&x.to_le_bytes()[..], &bytes[..16]);
            }
            let plain = if percent {
                plain_string::<true>(bytes)
            } else {
                plain_string::<false>(bytes)
            };
            let whole_blocks = bytes.len() / 16 * 16;
            let expected = match quote {
                Some(quote) if at < whole_blocks => Ok((at, quote)),
                _ => Err(at.min(whole_blocks)),
            };
            prop_assert_eq!(plain, expected);
        }
        Ok(())
    }

    #[test]
    fn finds_the_first_match_at_every_position() {
        for len in 0..40 {
            for at in 0..=len {
                for special in [b'"', b'\\', b'\n', b'%'] {
                    let mut bytes = vec![b'a'; len];
                    if let Some(byte) = bytes.get_mut(at) {
                        *byte = special;
                    }
                    check(&bytes).unwrap();
                    assert_eq!(find_byte(&bytes, special), at.min(len), "{len} {at}");
                }
                let mut bytes = vec![b'a'; len + 2];
                bytes.splice(at..at, *b"%22");
                check(&bytes).unwrap();
            }
        }
        assert_eq!(find_string_special::<false>(b"abcdefgh\x1fij\""), 8);
        assert_eq!(
            find_string_special::<false>("\u{e9}\u{e9}\u{e9}\u{e9}\"".as_bytes()),
            8
        );
        assert_eq!(find_string_special::<false>(b"\x7f\x80\xff \x20!\\"), 6);
        assert_eq!(find_string_special::<false>(b"ab%22cd\""), 7);
        assert_eq!(find_string_special::<true>(b"ab%22cd\""), 2);
    }

    proptest! {
        #[test]
        fn agrees_with_a_byte_loop(bytes in prop::collection::vec(any::<u8>(), 0..64)) {
            check(&bytes)?;
            let expected = bytes.iter().position(|&b| b == b';');
            prop_assert_eq!(find_byte(&bytes, b';'), expected.unwrap_or(bytes.len()));
        }

        #[test]
        fn agrees_with_a_byte_loop_on_strings(
            bytes in prop::collection::vec(
                prop::sample::select(
                    vec![b'"', b'\\', 0x1f, 0x20, b'a', b'%', b'2', 0x7f, 0x80, 0xff],
                ),
                0..40,
            ),
        ) {
            check(&bytes)?;
        }
    }
}
