//! [`TokenEncoding`]: how token requests are sent.

/// How the token request (`POST /api/authorization/access_token`) encodes its body.
///
/// Payway's own plugin code posts `application/x-www-form-urlencoded`, as OAuth 2 specifies;
/// the authorization-ticket guide shows JSON. Both carry the same fields.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TokenEncoding {
    /// `application/x-www-form-urlencoded` (the default).
    #[default]
    Form,
    /// `application/json`.
    Json,
}
