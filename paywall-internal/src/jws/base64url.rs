//! Strict unpadded base64url (RFC 7515 §2), on the `base64` crate.

use base64::Engine as _;
use base64::alphabet::URL_SAFE;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};

/// The URL-safe alphabet, no padding written, and on decoding: padding, whitespace, the
/// standard alphabet's `+` and `/`, an impossible length and non-zero unused trailing bits
/// all refused, so that each byte string has exactly one spelling.
pub const BASE64URL: GeneralPurpose = GeneralPurpose::new(
    &URL_SAFE,
    GeneralPurposeConfig::new()
        .with_encode_padding(false)
        .with_decode_padding_mode(DecodePaddingMode::RequireNone)
        .with_decode_allow_trailing_bits(false),
);

/// Decodes `text` strictly; `None` when it is not the one spelling of some byte string.
#[must_use]
pub fn decode(text: &str) -> Option<Vec<u8>> {
    BASE64URL.decode(text).ok()
}

/// Encodes `bytes` without padding.
#[must_use]
pub fn encode(bytes: impl AsRef<[u8]>) -> String {
    BASE64URL.encode(bytes)
}

/// Appends the encoding of `bytes` to `out`.
pub fn encode_into(bytes: impl AsRef<[u8]>, out: &mut String) {
    BASE64URL.encode_string(bytes, out);
}

/// Decodes `text` strictly into `out`; the number of bytes, or `None` when `text` is not
/// strict base64url or does not fit.
#[must_use]
pub fn decode_into(text: &str, out: &mut [u8]) -> Option<usize> {
    BASE64URL.decode_slice(text, out).ok()
}

#[cfg(test)]
mod tests {
    use base64::Engine as _;
    use base64::engine::general_purpose::STANDARD_NO_PAD;

    use super::{decode, decode_into, encode};

    #[test]
    fn round_trips_and_refuses_every_other_spelling() {
        for len in 0..40 {
            let bytes: Vec<u8> = (0..len).map(|i| (i * 37 + 11) as u8).collect();
            let text = encode(&bytes);
            assert!(!text.contains(['=', '+', '/']));
            assert_eq!(decode(&text).unwrap(), bytes);
            assert_eq!(
                text,
                STANDARD_NO_PAD
                    .encode(&bytes)
                    .replace('+', "-")
                    .replace('/', "_")
            );
        }
        for bad in [
            "Zg=", "Zg==", "Z", "Zh", "Zm9v\n", " Zm9v", "Zm+v", "Zm/v", "Zm9v!",
        ] {
            assert_eq!(decode(bad), None, "{bad:?}");
        }
        // `Zg` is `f`; `Zh` has the same first byte and a stray trailing bit.
        assert_eq!(decode("Zg").unwrap(), b"f");
        let mut out = [0; 2];
        assert_eq!(decode_into("Zm8", &mut out), Some(2));
        assert_eq!(&out, b"fo");
        assert_eq!(decode_into("Zm9v", &mut out), None);
    }
}
