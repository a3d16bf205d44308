//! [`check_times`]: a token's `exp`, `nbf` and `iat` against the clock, the family's one
//! reading of RFC 7519 §4.1.4–4.1.6.

/// Why a token's times refuse it now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeRefused {
    /// `now` is on or after `exp` plus the leeway.
    Expired,
    /// `now` is before `nbf` minus the leeway.
    NotYetValid,
    /// `iat` is after `now` plus the leeway.
    IssuedInFuture,
}

/// Checks the times a token carries (seconds since the epoch, each `None` when absent)
/// against `now`, each window widened by `leeway` seconds, in this order:
///
/// - [`Expired`](TimeRefused::Expired) on or after `exp + leeway` (RFC 7519 §4.1.4: the token
///   "MUST NOT be accepted" from `exp` on);
/// - [`NotYetValid`](TimeRefused::NotYetValid) before `nbf - leeway` (§4.1.5);
/// - [`IssuedInFuture`](TimeRefused::IssuedInFuture) when `iat` is after `now + leeway`.
///
/// `now` may carry a fraction of a second. A clock read in whole seconds gives the same
/// answers for whole-second claims, since `⌊t⌋ ≥ exp` exactly when `t ≥ exp` for a whole `exp`.
///
/// # Errors
///
/// The first of the three refusals that applies.
pub fn check_times(
    [exp, nbf, iat]: [Option<f64>; 3],
    now: f64,
    leeway: f64,
) -> Result<(), TimeRefused> {
    if exp.is_some_and(|exp| now >= exp + leeway) {
        return Err(TimeRefused::Expired);
    }
    if nbf.is_some_and(|nbf| now < nbf - leeway) {
        return Err(TimeRefused::NotYetValid);
    }
    if iat.is_some_and(|iat| iat > now + leeway) {
        return Err(TimeRefused::IssuedInFuture);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::{TimeRefused, check_times};

    const NOW: f64 = 1_700_000_000.0;

    /// `[exp, nbf, iat]`, `now` and `leeway`, and the outcome.
    type Case = ([Option<f64>; 3], f64, f64, Result<(), TimeRefused>);

    #[test]
    fn each_window_ends_exactly_where_the_rfc_puts_it() {
        let cases: &[Case] = &[
            ([None, None, None], NOW, 0.0, Ok(())),
            // `exp`: accepted up to, not at, `exp + leeway`.
            ([Some(NOW + 1.0), None, None], NOW, 0.0, Ok(())),
            ([Some(NOW), None, None], NOW, 0.0, Err(TimeRefused::Expired)),
            ([Some(NOW), None, None], NOW - 0.001, 0.0, Ok(())),
            (
                [Some(NOW - 30.0), None, None],
                NOW,
                30.0,
                Err(TimeRefused::Expired),
            ),
            ([Some(NOW - 29.0), None, None], NOW, 30.0, Ok(())),
            // `nbf`: accepted from `nbf - leeway` on.
            ([None, Some(NOW), None], NOW, 0.0, Ok(())),
            (
                [None, Some(NOW + 1.0), None],
                NOW,
                0.0,
                Err(TimeRefused::NotYetValid),
            ),
            ([None, Some(NOW + 30.0), None], NOW, 30.0, Ok(())),
            (
                [None, Some(NOW + 31.0), None],
                NOW,
                30.0,
                Err(TimeRefused::NotYetValid),
            ),
            // `iat`: up to `now + leeway`.
            ([None, None, Some(NOW)], NOW, 0.0, Ok(())),
            (
                [None, None, Some(NOW + 1.0)],
                NOW,
                0.0,
                Err(TimeRefused::IssuedInFuture),
            ),
            ([None, None, Some(NOW + 30.0)], NOW, 30.0, Ok(())),
            (
                [None, None, Some(NOW + 31.0)],
                NOW,
                30.0,
                Err(TimeRefused::IssuedInFuture),
            ),
            // The first refusal that applies, in the documented order.
            (
                [Some(NOW), Some(NOW + 1.0), Some(NOW + 1.0)],
                NOW,
                0.0,
                Err(TimeRefused::Expired),
            ),
            (
                [Some(NOW + 9.0), Some(NOW + 1.0), Some(NOW + 1.0)],
                NOW,
                0.0,
                Err(TimeRefused::NotYetValid),
            ),
        ];
        for (times, now, leeway, expected) in cases {
            assert_eq!(
                check_times(*times, *now, *leeway),
                *expected,
                "{times:?} at {now} with leeway {leeway}"
            );
        }
    }

    #[test]
    fn a_clock_in_whole_seconds_refuses_from_the_second_exp_names() {
        // Through the second before `exp`, and from `exp` on, whatever its fraction.
        for fraction in [0.0, 0.25, 0.999] {
            let exp = Some(NOW);
            assert_eq!(
                check_times([exp, None, None], NOW - 1.0 + fraction, 0.0),
                Ok(())
            );
            assert_eq!(
                check_times([exp, None, None], NOW + fraction, 0.0),
                Err(TimeRefused::Expired)
            );
        }
    }
}
