//! Times on well-known crates: the RFC 3339 times of Accesstype's subscriptions and webhooks
//! (`2019-06-16T14:04:39.836Z`) as the `time` crate reads them, and the HTTP dates
//! (`IMF-fixdate`, RFC 9110 section 5.6.7) of cookie `Expires` attributes as `httpdate` writes
//! them.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// Reads an RFC 3339 date-time: `YYYY-MM-DD`, a separator, `HH:MM:SS`, an optional fraction,
/// then `Z` or an offset `+HH:MM` / `-HH:MM`. `None` for anything else, for a date that does
/// not exist, and for a time before 1970.
pub(crate) fn parse_rfc3339(text: &str) -> Option<SystemTime> {
    let time = OffsetDateTime::parse(text, &Rfc3339).ok()?;
    let seconds = u64::try_from(time.unix_timestamp()).ok()?;
    UNIX_EPOCH.checked_add(Duration::new(seconds, time.nanosecond()))
}

/// 9999-12-31 23:59:59 UTC, the last second a four-digit year can show.
const LAST_FOUR_DIGIT_SECOND: Duration = Duration::from_secs(253_402_300_799);

/// `time`, moved into the years 1970 to 9999 that both date formats can show (and that
/// neither crate accepts outside of, without a panic).
fn four_digit_year(time: SystemTime) -> SystemTime {
    time.clamp(UNIX_EPOCH, UNIX_EPOCH + LAST_FOUR_DIGIT_SECOND)
}

/// Writes `time` as `2019-06-16T14:04:39.836Z` (milliseconds, UTC), as Accesstype does. Times
/// before 1970 are written as the epoch.
#[cfg(feature = "test-util")]
pub(crate) fn format_rfc3339(time: SystemTime) -> String {
    let time = OffsetDateTime::from(four_digit_year(time));
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
        time.year(),
        u8::from(time.month()),
        time.day(),
        time.hour(),
        time.minute(),
        time.second(),
        time.millisecond(),
    )
}

/// Formats `time` as `Sun, 06 Nov 1994 08:49:37 GMT`. Times before 1970 are shown as the
/// epoch, times after year 9999 as its last second.
pub(crate) fn http_date(time: SystemTime) -> String {
    httpdate::fmt_http_date(four_digit_year(time))
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, SystemTime, UNIX_EPOCH};

    use super::{http_date, parse_rfc3339};

    fn seconds(text: &str) -> Option<f64> {
        parse_rfc3339(text).map(|time| time.duration_since(UNIX_EPOCH).unwrap().as_secs_f64())
    }

    #[test]
    fn reads_the_documented_spellings() {
        for (text, expected) in [
            ("1970-01-01T00:00:00Z", 0.0),
            ("2019-06-16T14:04:39.836Z", 1_560_693_879.836),
            ("2019-06-16T14:04:39Z", 1_560_693_879.0),
            ("2019-06-16T19:34:39.836+05:30", 1_560_693_879.836),
            ("2019-06-16T10:04:39.836-04:00", 1_560_693_879.836),
            ("2024-02-29T00:00:00z", 1_709_164_800.0),
        ] {
            assert_eq!(seconds(text), Some(expected), "{text}");
        }
        assert_eq!(
            parse_rfc3339("2000-03-01T00:00:00.123456789Z"),
            UNIX_EPOCH.checked_add(Duration::new(951_868_800, 123_456_789))
        );
    }

    #[test]
    fn refuses_everything_else() {
        for bad in [
            "",
            "2019-06-16",
            "2019-06-16T14:04:39",
            "2024-05-02 09:41:07",
            "2019-06-16T14:04:39.Z",
            "2019-06-16T14:04:39+0530",
            "2019-06-16T14:04:39+24:00",
            "2019-13-16T14:04:39Z",
            "2019-00-16T14:04:39Z",
            "2019-02-29T14:04:39Z",
            "2019-04-31T14:04:39Z",
            "2019-06-16T24:00:00Z",
            "2019-06-16T14:60:00Z",
            "2019-06-16T14:04:60Z",
            "2019-06-16T14:04:39ZZ",
            "+2019-06-16T14:04:39Z",
            "1969-12-31T23:59:59Z",
            "1969-12-31T23:59:59.999Z",
            "1970-01-01T00:00:00+00:01",
            "２019-06-16T14:04:39Z",
        ] {
            assert_eq!(parse_rfc3339(bad), None, "{bad}");
        }
    }

    #[cfg(feature = "test-util")]
    #[test]
    fn writes_what_it_reads() {
        let time = UNIX_EPOCH + Duration::from_millis(1_560_693_879_836);
        let text = super::format_rfc3339(time);
        assert_eq!(text, "2019-06-16T14:04:39.836Z");
        assert_eq!(parse_rfc3339(&text), Some(time));
        let whole_second = super::format_rfc3339(UNIX_EPOCH + Duration::from_secs(86_400));
        assert_eq!(whole_second, "1970-01-02T00:00:00.000Z");
        let before = super::format_rfc3339(UNIX_EPOCH - Duration::from_secs(1));
        assert_eq!(before, "1970-01-01T00:00:00.000Z");
    }

    fn at(seconds: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(seconds)
    }

    #[test]
    fn formats_known_dates() {
        for (seconds, expected) in [
            (0, "Thu, 01 Jan 1970 00:00:00 GMT"),
            (784_111_777, "Sun, 06 Nov 1994 08:49:37 GMT"),
            (1_445_412_480, "Wed, 21 Oct 2015 07:28:00 GMT"),
            // The far-future date of Accesstype's sample code falls on a Monday, not a
            // Wednesday.
            (3_338_868_480, "Mon, 21 Oct 2075 07:28:00 GMT"),
            (951_782_400, "Tue, 29 Feb 2000 00:00:00 GMT"),
            (4_107_542_399, "Sun, 28 Feb 2100 23:59:59 GMT"),
            // Out of range: after year 9999, its last second.
            (253_402_300_800, "Fri, 31 Dec 9999 23:59:59 GMT"),
            (u64::MAX / 2, "Fri, 31 Dec 9999 23:59:59 GMT"),
        ] {
            assert_eq!(http_date(at(seconds)), expected);
        }
        // Before 1970: the epoch.
        assert_eq!(
            http_date(UNIX_EPOCH - Duration::from_secs(1)),
            "Thu, 01 Jan 1970 00:00:00 GMT"
        );
    }
}
