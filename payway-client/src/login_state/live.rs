//! Keeping a browser's login state cookies few: starting a login clears the oldest.
//!
//! Every login sets a state cookie of its own that lives 10 minutes. Without a bound, a page
//! on another site that sends the reader here again and again (each time a new identify)
//! would pile them up until the reader's `Cookie` header is larger than your web server
//! accepts, and every request of theirs failed until the cookies expired.

use paywall_internal::cookie;

use super::{ID_LEN, STATE_COOKIE_PREFIX, clear_cookie_named};

/// The most state cookies a browser holds once a new login's cookie is set: several tabs can
/// log in at once. Starting another clears the oldest; that tab's return then goes through
/// identify again, once, as a return without its cookie does. Five cookies are about 400
/// bytes of `Cookie` header.
pub const MAX_LIVE_LOGIN_STATES: usize = 5;

/// The state cookies a request carried, oldest first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct LiveStates(Vec<String>);

impl LiveStates {
    /// The state cookies in a request's `Cookie` headers (each one header's bytes), in the
    /// order the browser sent them: for cookies of one path, RFC 6265 §5.4 has the oldest
    /// first. Only names this crate writes are kept.
    pub(crate) fn read<'a, I>(cookie_headers: I) -> Self
    where
        I: IntoIterator<Item = &'a [u8]>,
    {
        let names = cookie::names_with_prefix(STATE_COOKIE_PREFIX, cookie_headers);
        Self(
            names
                .into_iter()
                .filter(|name| is_state_name(name))
                .map(str::to_owned)
                .collect(),
        )
    }

    /// The `Set-Cookie` values that clear the oldest state cookies, so that with one more
    /// the browser holds at most [`MAX_LIVE_LOGIN_STATES`].
    pub(crate) fn clear_for_one_more(&self) -> impl Iterator<Item = String> + '_ {
        let excess = (self.0.len() + 1).saturating_sub(MAX_LIVE_LOGIN_STATES);
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
        let header = (0..7)
            .map(|i| format!("{}=x", name(i)))
            .collect::<Vec<_>>()
            .join("; ");
        let live = LiveStates::read([header.as_bytes()]);
        let cleared: Vec<String> = live.clear_for_one_more().collect();
        assert_eq!(cleared.len(), 3, "7 + 1 - 5");
        for (i, clear) in cleared.iter().enumerate() {
            assert!(clear.starts_with(&format!("{}=; ", name(i))), "{clear}");
            assert!(clear.contains("Max-Age=0"));
        }
        let few = format!("{}=x; {}=y", name(1), name(2));
        assert_eq!(
            LiveStates::read([few.as_bytes()])
                .clear_for_one_more()
                .count(),
            0
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
