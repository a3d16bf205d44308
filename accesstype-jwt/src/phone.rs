//! The login phone number rule of [`User::login_phone_number`](crate::User::login_phone_number):
//! E.164, the international form Accesstype documents (`+919999999999`).

/// The fewest digits accepted: a country code and the shortest national numbers in use.
const MIN_DIGITS: usize = 7;

/// The most digits E.164 allows, country code included.
const MAX_DIGITS: usize = 15;

/// Whether `number` is `+` and 7 to 15 ASCII digits, the first of them not `0` (no country
/// code starts with 0). Spaces, dashes, brackets and every other character are refused, so
/// one phone number has exactly one spelling.
pub(crate) fn is_valid_phone_number(number: &str) -> bool {
    let Some(digits) = number.strip_prefix('+') else {
        return false;
    };
    (MIN_DIGITS..=MAX_DIGITS).contains(&digits.len())
        && digits.bytes().all(|b| b.is_ascii_digit())
        && !digits.starts_with('0')
}

#[cfg(test)]
mod tests {
    use super::is_valid_phone_number;

    #[test]
    fn e164_numbers_pass() {
        for ok in [
            "+919999999999",
            "+14155550123",
            "+4930123456",
            "+6834002",
            "+123456789012345",
        ] {
            assert!(is_valid_phone_number(ok), "{ok}");
        }
    }

    #[test]
    fn every_other_spelling_is_refused() {
        for bad in [
            "",
            "+",
            "919999999999",
            "00919999999999",
            "+0919999999999",
            "+91 99999 99999",
            "+91-9999999999",
            "+1 (415) 555-0123",
            "+123456",
            "+1234567890123456",
            "++919999999999",
            "+91999999999x",
            "+９１９９９９９９９９９９",
            "+919999999999\n",
            " +919999999999",
            "+91\u{200B}9999999999",
        ] {
            assert!(!is_valid_phone_number(bad), "{bad:?}");
        }
    }
}
