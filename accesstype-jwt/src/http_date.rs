//! HTTP dates (`IMF-fixdate`, RFC 9110 section 5.6.7) for cookie `Expires` attributes, without
//! a date crate.

use std::time::{SystemTime, UNIX_EPOCH};

/// 9999-12-31 23:59:59 UTC, the last second a four-digit year can show.
const LAST_FOUR_DIGIT_SECOND: u64 = 253_402_300_799;

/// Formats `time` as `Sun, 06 Nov 1994 08:49:37 GMT`. Times before 1970 are shown as the
/// epoch, times after year 9999 as its last second.
pub(crate) fn http_date(time: SystemTime) -> String {
    let seconds = time
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_secs())
        .min(LAST_FOUR_DIGIT_SECOND);
    let days = seconds / 86_400;
    let second_of_day = seconds % 86_400;
    let (year, month, day) = civil_from_days(days);
    // Both indexes are in range: `days % 7` and a month of 1 to 12.
    let weekday = WEEKDAYS
        .get((days % 7) as usize)
        .copied()
        .unwrap_or_default();
    let month = MONTHS.get(month as usize - 1).copied().unwrap_or_default();
    format!(
        "{weekday}, {day:02} {month} {year:04} {:02}:{:02}:{:02} GMT",
        second_of_day / 3_600,
        second_of_day % 3_600 / 60,
        second_of_day % 60,
    )
}

/// The proleptic Gregorian date `days` after 1970-01-01: (year, month 1..=12, day 1..=31).
///
/// Counts in 400-year eras that start on 1 March, so that the leap day ends a year.
pub(crate) fn civil_from_days(days: u64) -> (u64, u64, u64) {
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

/// Day names from Thursday: 1970-01-01 was a Thursday.
const WEEKDAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

#[cfg(test)]
mod tests {
    use std::time::{Duration, SystemTime, UNIX_EPOCH};

    use super::{civil_from_days, http_date};

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

    #[test]
    fn every_day_follows_the_previous_one() {
        // Walks 1970..=2400 day by day: the date must advance by exactly one calendar day.
        let mut previous = civil_from_days(0);
        assert_eq!(previous, (1970, 1, 1));
        for days in 1..157_000 {
            let current = civil_from_days(days);
            let (year, month, day) = previous;
            let month_length = crate::timestamp::days_in_month(year, month);
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
