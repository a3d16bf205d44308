//! Times: the ISO 8601 times of Accesstype's subscriptions and webhooks
//! (`2019-06-16T14:04:39.836Z`, RFC 3339's profile), read (and, for the fake, written) without
//! a date crate, whose cold build would cost more than this calendar code; and the HTTP dates
//! (`IMF-fixdate`, RFC 9110 section 5.6.7) of cookie `Expires` attributes, by `httpdate`.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Reads an RFC 3339 date-time: `YYYY-MM-DDTHH:MM:SS`, an optional fraction of 1 to 9
/// digits, then `Z` or an offset `+HH:MM` / `-HH:MM`. `None` for anything else, for a date
/// that does not exist, and for a time before 1970.
pub(crate) fn parse_rfc3339(text: &str) -> Option<SystemTime> {
    let bytes = text.as_bytes();
    let number = |from: usize, len: usize| -> Option<u64> {
        let digits = bytes.get(from..from + len)?;
        digits.iter().try_fold(0_u64, |n, b| {
            b.is_ascii_digit().then(|| n * 10 + u64::from(b - b'0'))
        })
    };
    let separator =
        |at: usize, expected: &[u8]| bytes.get(at).is_some_and(|b| expected.contains(b));
    if !(separator(4, b"-")
        && separator(7, b"-")
        && separator(10, b"Tt")
        && separator(13, b":")
        && separator(16, b":"))
    {
        return None;
    }
    let (year, month, day) = (number(0, 4)?, number(5, 2)?, number(8, 2)?);
    let (hour, minute, second) = (number(11, 2)?, number(14, 2)?, number(17, 2)?);
    if !(1..=12).contains(&month)
        || day == 0
        || day > days_in_month(year, month)
        || hour > 23
        || minute > 59
        || second > 59
    {
        return None;
    }

    let mut at = 19;
    let mut nanos = 0_u32;
    if separator(at, b".") {
        let digits = bytes
            .get(at + 1..)?
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count();
        if !(1..=9).contains(&digits) {
            return None;
        }
        let fraction = u32::try_from(number(at + 1, digits)?).ok()?;
        nanos = fraction * 10_u32.pow(9 - u32::try_from(digits).ok()?);
        at += 1 + digits;
    }
    let offset_seconds: i64 = match bytes.get(at..)? {
        b"Z" | b"z" => 0,
        [sign @ (b'+' | b'-'), _, _, b':', _, _] => {
            let (hours, minutes) = (number(at + 1, 2)?, number(at + 4, 2)?);
            if hours > 23 || minutes > 59 {
                return None;
            }
            let magnitude = i64::try_from(hours * 3_600 + minutes * 60).ok()?;
            if *sign == b'+' { magnitude } else { -magnitude }
        }
        _ => return None,
    };

    let days = days_from_civil(year, month, day)?;
    let local = days * 86_400 + hour * 3_600 + minute * 60 + second;
    let utc = i64::try_from(local).ok()?.checked_sub(offset_seconds)?;
    let utc = u64::try_from(utc).ok()?;
    UNIX_EPOCH.checked_add(Duration::new(utc, nanos))
}

/// Writes `time` as `2019-06-16T14:04:39.836Z` (milliseconds, UTC), as Accesstype does. Times
/// before 1970 are written as the epoch.
#[cfg(feature = "test-util")]
pub(crate) fn format_rfc3339(time: SystemTime) -> String {
    let elapsed = time.duration_since(UNIX_EPOCH).unwrap_or_default();
    let seconds = elapsed.as_secs();
    let (year, month, day) = civil_from_days(seconds / 86_400);
    let second_of_day = seconds % 86_400;
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:03}Z",
        second_of_day / 3_600,
        second_of_day % 3_600 / 60,
        second_of_day % 60,
        elapsed.subsec_millis(),
    )
}

fn is_leap_year(year: u64) -> bool {
    year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400))
}

fn days_in_month(year: u64, month: u64) -> u64 {
    match month {
        2 if is_leap_year(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days from 1970-01-01 to a proleptic Gregorian date; `None` before 1970. The inverse of
/// `civil_from_days`.
fn days_from_civil(year: u64, month: u64, day: u64) -> Option<u64> {
    // Years counted from March, so that the leap day ends a year.
    let year = if month <= 2 {
        year.checked_sub(1)?
    } else {
        year
    };
    let era = year / 400;
    let year_of_era = year % 400;
    let month_from_march = if month > 2 { month - 3 } else { month + 9 };
    let day_of_year = (153 * month_from_march + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    // 719_468 days lie between 0000-03-01 and 1970-01-01.
    (era * 146_097 + day_of_era).checked_sub(719_468)
}

/// 9999-12-31 23:59:59 UTC, the last second a four-digit year can show.
const LAST_FOUR_DIGIT_SECOND: Duration = Duration::from_secs(253_402_300_799);

/// Formats `time` as `Sun, 06 Nov 1994 08:49:37 GMT` (the `httpdate` crate). Times before
/// 1970 are shown as the epoch, times after year 9999 as its last second (outside those
/// years `httpdate` would panic).
pub(crate) fn http_date(time: SystemTime) -> String {
    httpdate::fmt_http_date(time.clamp(UNIX_EPOCH, UNIX_EPOCH + LAST_FOUR_DIGIT_SECOND))
}

/// The proleptic Gregorian date `days` after 1970-01-01: (year, month 1..=12, day 1..=31).
///
/// Counts in 400-year eras that start on 1 March, so that the leap day ends a year.
#[cfg(any(test, feature = "test-util"))]
fn civil_from_days(days: u64) -> (u64, u64, u64) {
    // 719_468 days lie between 0000-03-01 and 1970-01-01.
    let shifted = days + 719_468;
    let era = shifted / 146_097;
    let day_of_era = shifted % 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1_460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    // Months counted from March: 0 = March ... 11 = February.
    let month_from_march = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_from_march + 2) / 5 + 1;
    let month = if month_from_march < 10 {
        month_from_march + 3
    } else {
        month_from_march - 9
    };
    let year = era * 400 + year_of_era + u64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, SystemTime, UNIX_EPOCH};

    use super::{civil_from_days, days_from_civil, days_in_month, http_date, parse_rfc3339};

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
            "2019-06-16 14:04:39Z",
            "2019-06-16T14:04:39",
            "2019-06-16T14:04:39.Z",
            "2019-06-16T14:04:39.1234567890Z",
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
            "1970-01-01T00:00:00+00:01",
            "２019-06-16T14:04:39Z",
        ] {
            assert_eq!(parse_rfc3339(bad), None, "{bad}");
        }
    }

    #[test]
    fn days_and_dates_agree() {
        for days in (0..800_000).step_by(97) {
            let (year, month, day) = civil_from_days(days);
            assert_eq!(days_from_civil(year, month, day), Some(days));
        }
        assert_eq!(days_from_civil(1969, 12, 31), None);
    }

    #[cfg(feature = "test-util")]
    #[test]
    fn writes_what_it_reads() {
        let time = UNIX_EPOCH + Duration::from_millis(1_560_693_879_836);
        let text = super::format_rfc3339(time);
        assert_eq!(text, "2019-06-16T14:04:39.836Z");
        assert_eq!(parse_rfc3339(&text), Some(time));
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
        // A fraction of a second is dropped, at the edges too.
        let last = at(253_402_300_799) + Duration::from_nanos(999_999_999);
        assert_eq!(http_date(last), "Fri, 31 Dec 9999 23:59:59 GMT");
        assert_eq!(
            http_date(at(784_111_777) + Duration::from_millis(999)),
            "Sun, 06 Nov 1994 08:49:37 GMT"
        );
        // Before 1970: the epoch.
        for before in [Duration::from_secs(1), Duration::from_nanos(1)] {
            assert_eq!(
                http_date(UNIX_EPOCH - before),
                "Thu, 01 Jan 1970 00:00:00 GMT"
            );
        }
    }

    #[test]
    fn every_day_follows_the_previous_one() {
        // Walks 1970..=2400 day by day: the date must advance by exactly one calendar day.
        let mut previous = civil_from_days(0);
        assert_eq!(previous, (1970, 1, 1));
        for days in 1..157_000 {
            let current = civil_from_days(days);
            let (year, month, day) = previous;
            let month_length = days_in_month(year, month);
            let expected = if day < month_length {
                (year, month, day + 1)
            } else if month < 12 {
                (year, month + 1, 1)
            } else {
                (year + 1, 1, 1)
            };
            assert_eq!(current, expected, "day {days}");
            previous = current;
        }
    }
}
