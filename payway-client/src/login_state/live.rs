//! Keeping a browser's login state cookies few ([`MAX_STATE_COOKIES`]): starting a login
//! clears the oldest.

use paywall_internal::cookie;

use super::{ID_LEN, STATE_COOKIE_PREFIX, clear_cookie_named};

/// The most state cookies a request leaves a browser with once a new login's cookie is set:
/// many tabs can log in at once. Starting another clears the oldest the request carried;
/// that tab's return then goes through identify again, once, as a return without its cookie
/// does. Sixteen cookies are about 1.3 KiB of `Cookie` header. Without a bound, a page on
/// another site that sends the reader here again and again would pile up state cookies (each
/// lives 10 minutes) until the reader's requests were too large for your web server.
///
/// Requests that run at once each clear what they carried, so a browser may hold a few more
/// for a moment; the next login it starts trims them. The second identify after a return
/// that was not bound to the browser clears only above twice as many, so that it never
/// takes the place of another tab's login still under way.
pub const MAX_STATE_COOKIES: usize = 16;

/// The most state cookie names read from one request: a request that carries more (no
/// browser does; a hostile client may) costs no more than this, and the rest are cleared
/// by later requests.
const MAX_NAMES_READ: usize = 4 * MAX_STATE_COOKIES;

/// The state cookies a request carried, oldest first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct LiveStates(Vec<String>);

impl LiveStates {
    /// The state cookies in a request's `Cookie` headers (each one header's bytes), at most
    /// [`MAX_NAMES_READ`], in the order the browser sent them. All of them have the path `/`,
    /// and among cookies of one path RFC 6265 §5.4 sorts the oldest first (a "should" that
    /// Chrome, Firefox and Safari follow; in a browser that does not, the cap still holds,
    /// only which login is cleared changes). Only names this crate writes are kept.
    pub(crate) fn read<'a, I>(cookie_headers: I) -> Self
    where
        I: IntoIterator<Item = &'a [u8]>,
    {
        let names = cookie::names_with_prefix(
            STATE_COOKIE_PREFIX,
            cookie_headers,
            is_state_name,
            MAX_NAMES_READ,
        );
        Self(names.into_iter().map(str::to_owned).collect())
    }

    /// The `Set-Cookie` values that clear the oldest state cookies, so that with one more
    /// the browser holds at most `limit`.
    pub(crate) fn clear_for_one_more(&self, limit: usize) -> impl Iterator<Item = String> + '_ {
        let excess = (self.0.len() + 1).saturating_sub(limit);
        self.0
            .iter()
            .take(excess)
            .map(|name| clear_cookie_named(name))
    }
}

/// A name this crate writes: the prefix and [`ID_LEN`] base64url characters.
fn is_state_name(name: &str) -> bool {
    name.strip_prefix(STATE_COOKIE_PREFIX).is_some_and(|id| {
        id.len() == ID_LEN
            && id
                .bytes()
                .all(|byte| byte.is_ascii_alphanumeric() || byte == b'-' || byte == b'_')
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(i: usize) -> String {
        format!("{STATE_COOKIE_PREFIX}{i:0>16}")
    }

    #[test]
    fn the_oldest_are_cleared_to_make_room_for_one_more() {
        let header = (0..MAX_STATE_COOKIES + 2)
            .map(|i| format!("{}=x", name(i)))
            .collect::<Vec<_>>()
            .join("; ");
        let live = LiveStates::read([header.as_bytes()]);
        let cleared: Vec<String> = live.clear_for_one_more(MAX_STATE_COOKIES).collect();
        assert_eq!(cleared.len(), 3, "the oldest three make room for one more");
        for (i, clear) in cleared.iter().enumerate() {
            assert!(clear.starts_with(&format!("{}=; ", name(i))), "{clear}");
            assert!(clear.contains("Max-Age=0"));
        }
        let few = format!("{}=x; {}=y", name(1), name(2));
        assert_eq!(
            LiveStates::read([few.as_bytes()])
                .clear_for_one_more(MAX_STATE_COOKIES)
                .count(),
            0
        );
        // Above its own limit only.
        assert_eq!(live.clear_for_one_more(2 * MAX_STATE_COOKIES).count(), 0);
    }

    #[test]
    fn a_hostile_header_costs_a_bounded_read() {
        let header = (0..10_000)
            .map(|i| format!("{}=x", name(i)))
            .collect::<Vec<_>>()
            .join(";");
        let live = LiveStates::read([header.as_bytes()]);
        assert_eq!(live.0.len(), MAX_NAMES_READ);
        assert_eq!(
            live.clear_for_one_more(MAX_STATE_COOKIES).count(),
            MAX_NAMES_READ + 1 - MAX_STATE_COOKIES
        );
    }

    #[test]
    fn only_names_this_crate_writes_are_cleared() {
        let header = format!(
            "{p}short=1; {p}{long}=2; {p}aaaaaaaaaaaaaaa%=3; {p}aaaaaaaaaaaaaaa\u{e9}=4; other=5",
            p = STATE_COOKIE_PREFIX,
            long = "a".repeat(17),
        );
        assert_eq!(LiveStates::read([header.as_bytes()]), LiveStates::default());
    }
}
