//! [`Ticket`], and what a ticket may look like before it is claimed, stored or sent.

use paywall_internal::text::is_invisible;

use crate::secret::secret_type;
use crate::validate::is_identifier;

/// The longest ticket accepted, in bytes. Payway's tickets are far shorter; the bound keeps
/// hostile input out of requests and stores.
const MAX_TICKET_BYTES: usize = 4096;

secret_type!(
    /// An authorization ticket: a short-lived, one-time code that Payway trades for a token
    /// tied to a reader.
    ///
    /// Treat it like a password. It arrives in a URL (`?ticket=...`) and leaves in one
    /// (`?at=...`), so strip it from the address bar (redirect) and keep it out of access logs.
    Ticket,
    "the ticket"
);

/// Checks a ticket's shape before it goes anywhere: 1 to 4096 bytes, no whitespace or
/// control characters, and at least one visible character (a ticket made only of zero-width
/// spaces, byte-order marks, soft hyphens or bidi controls is refused). The `Err` says why.
pub(crate) fn check_ticket(ticket: &str) -> Result<(), &'static str> {
    if ticket.is_empty() {
        Err("it is empty")
    } else if ticket.len() > MAX_TICKET_BYTES {
        Err("it is longer than 4096 bytes")
    } else if !is_identifier(ticket) {
        Err("it contains whitespace or control characters")
    } else if ticket.chars().all(is_invisible) {
        Err("it has no visible character")
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticket_shape() {
        assert!(check_ticket("abc-123_XYZ.~").is_ok());
        assert!(check_ticket("").is_err());
        assert!(check_ticket("a b").is_err());
        assert!(check_ticket("a\u{0}").is_err());
        assert!(check_ticket(&"a".repeat(MAX_TICKET_BYTES)).is_ok());
        assert!(check_ticket(&"a".repeat(MAX_TICKET_BYTES + 1)).is_err());
    }

    #[test]
    fn invisible_tickets_are_refused() {
        for invisible in [
            "\u{200B}",
            "\u{FEFF}",
            "\u{00AD}",
            "\u{202E}",
            "\u{2066}\u{2069}",
            "\u{200D}\u{200C}\u{2060}",
            "\u{E0041}",
            "\u{FE0F}",
            "\u{3164}",
            "\u{2800}",
            // Arabic format characters, read from Unicode's data.
            "\u{0890}\u{0891}",
        ] {
            assert_eq!(
                check_ticket(invisible),
                Err("it has no visible character"),
                "{invisible:?}"
            );
        }
        // A visible character among them is a ticket (Payway decides whether it is valid).
        assert!(check_ticket("a\u{200B}").is_ok());
    }

    #[test]
    fn debug_is_redacted() {
        let ticket = Ticket::from("tkt-123");
        assert_eq!(format!("{ticket:?}"), "Ticket([redacted])");
        assert_eq!(ticket.expose_secret(), "tkt-123");
    }
}
