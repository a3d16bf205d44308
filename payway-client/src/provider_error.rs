//! [`ProviderError`]: what Payway said when it refused a request, with every secret the
//! request carried cut out.

use std::fmt;

use reqwest::StatusCode;

use paywall_internal::redact::Redaction;

/// What Payway said when it refused a request: the status and the parsed error body.
///
/// Payway's token endpoint answers OAuth-style (`error`, `error_description`); its REST API
/// answers `{code, field, message}`. Every field is optional, and a body that names a member
/// twice gives none (it is read strictly, as every answer is). Should Payway echo a secret the
/// request carried (the client secret, a ticket, a token), in any spelling (raw,
/// percent-encoded, JSON-escaped in any style), it is cut out of every field and of the body.
///
/// `{:?}` shows the status, the `error`, `code` and `field` codes, and the body's length and
/// media type; the body's text only through [`expose_body`](Self::expose_body).
#[derive(Clone, PartialEq, Eq)]
pub struct ProviderError(Box<ProviderDetails>);

#[derive(Clone, PartialEq, Eq)]
struct ProviderDetails {
    status: StatusCode,
    content_type: Option<String>,
    error: Option<String>,
    error_description: Option<String>,
    code: Option<String>,
    field: Option<String>,
    message: Option<String>,
    body_len: usize,
    body: String,
}

impl ProviderError {
    /// Parses an error body, cutting every one of `secrets` (what the request carried) out of
    /// the text and the fields, whatever their length.
    pub(crate) fn from_body(
        status: StatusCode,
        content_type: Option<String>,
        body: &[u8],
        secrets: &[&str],
    ) -> Self {
        let redaction = Redaction::of(secrets);
        let text = redaction.text(&String::from_utf8_lossy(body)).into_owned();
        // Read strictly, as every answer is: a body naming a member twice gives no fields,
        // rather than the last one (an `account_active_products` decision reads `code`).
        let json = paywall_internal::json::value_from_slice(body).ok();
        let object = json.as_ref().and_then(serde_json::Value::as_object);
        let text_of = |name: &str| -> Option<String> {
            match object?.get(name)? {
                serde_json::Value::String(s) => Some(redaction.text(s).into_owned()),
                serde_json::Value::Null => None,
                other => Some(redaction.string(other.to_string())),
            }
        };
        Self(Box::new(ProviderDetails {
            status,
            content_type: content_type.map(|media_type| redaction.media_type(media_type)),
            error: text_of("error"),
            error_description: text_of("error_description"),
            code: text_of("code"),
            field: text_of("field"),
            message: text_of("message"),
            body_len: body.len(),
            body: text,
        }))
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.0.status
    }

    /// The media type of the answer's `Content-Type` (`type/subtype`, lowercased, without
    /// parameters), when it was a well-formed one of at most 100 bytes.
    pub fn content_type(&self) -> Option<&str> {
        self.0.content_type.as_deref()
    }

    /// The OAuth `error` code, e.g. `invalid_grant`, `invalid_client`.
    pub fn error(&self) -> Option<&str> {
        self.0.error.as_deref()
    }

    /// The OAuth `error_description`.
    pub fn error_description(&self) -> Option<&str> {
        self.0.error_description.as_deref()
    }

    /// The REST API's `code`, e.g. `invalid_parameter`, `not_found`.
    pub fn code(&self) -> Option<&str> {
        self.0.code.as_deref()
    }

    /// The REST API's `field`: which parameter was refused.
    pub fn field(&self) -> Option<&str> {
        self.0.field.as_deref()
    }

    /// The REST API's `message`.
    pub fn message(&self) -> Option<&str> {
        self.0.message.as_deref()
    }

    /// The body's length in bytes, as received.
    pub fn body_len(&self) -> usize {
        self.0.body_len
    }

    /// The body as received (lossy UTF-8, at most 64 KiB), with the request's secrets cut
    /// out.
    ///
    /// # Privacy
    ///
    /// An error body may quote what the request was about (an account id, an e-mail). Log
    /// the parsed codes ([`error`](Self::error), [`code`](Self::code)) rather than this.
    pub fn expose_body(&self) -> &str {
        &self.0.body
    }

    /// `true` when the answer says this *client's* credentials are wrong rather than the
    /// ticket or token: `error` is `invalid_client` or `unauthorized_client`, or the
    /// description speaks of the client and not of a ticket, token or grant.
    ///
    /// Only the token endpoint authenticates the client, so only its answers become
    /// [`Error::ClientCredentials`](crate::Error::ClientCredentials); elsewhere "client"
    /// names a parameter (the shop's client id in a ticket request).
    pub fn is_client_credentials_error(&self) -> bool {
        if matches!(
            self.0.error.as_deref(),
            Some("invalid_client" | "unauthorized_client")
        ) {
            return true;
        }
        let text = [&self.0.error_description, &self.0.message]
            .into_iter()
            .flatten()
            .map(|s| s.to_ascii_lowercase())
            .collect::<Vec<_>>()
            .join(" ");
        let names_client = text.contains("client");
        let names_grant = ["ticket", "token", "grant"]
            .iter()
            .any(|w| text.contains(w));
        names_client && !names_grant
    }
}

impl fmt::Debug for ProviderError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ProviderError")
            .field("status", &self.0.status)
            .field("error", &self.0.error)
            .field("code", &self.0.code)
            .field("field", &self.0.field)
            .field("body_len", &self.0.body_len)
            .field("content_type", &self.0.content_type)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A `401` without a media type, `secrets` cut out.
    fn refused(body: impl AsRef<[u8]>, secrets: &[&str]) -> ProviderError {
        ProviderError::from_body(StatusCode::UNAUTHORIZED, None, body.as_ref(), secrets)
    }

    #[test]
    fn provider_error_reads_both_error_shapes() {
        let oauth = refused(
            br#"{"error":"invalid_grant","error_description":"ticket expired"}"#,
            &[],
        );
        assert_eq!(oauth.error(), Some("invalid_grant"));
        assert_eq!(oauth.error_description(), Some("ticket expired"));
        assert!(!oauth.is_client_credentials_error());

        let rest = ProviderError::from_body(
            StatusCode::BAD_REQUEST,
            None,
            br#"{"code":"invalid_parameter","field":"clientId","message":"unknown","x":1}"#,
            &[],
        );
        assert_eq!(rest.code(), Some("invalid_parameter"));
        assert_eq!(rest.field(), Some("clientId"));
        assert_eq!(rest.message(), Some("unknown"));

        let twice = ProviderError::from_body(
            StatusCode::NOT_FOUND,
            None,
            br#"{"code":"invalid_parameter","code":"not_found"}"#,
            &[],
        );
        assert_eq!((twice.code(), twice.body_len()), (None, 47));

        let garbage =
            ProviderError::from_body(StatusCode::BAD_GATEWAY, None, b"<html>oops</html>", &[]);
        assert_eq!(garbage.error(), None);
        assert_eq!(garbage.expose_body(), "<html>oops</html>");
        assert!(!format!("{garbage:?}").contains("oops"));
    }

    #[test]
    fn echoed_secrets_are_cut_out() {
        let echo = refused(
            br#"{"error_description":"ticket tkt-9\"q-0123 is used","message":{"s":"cs-1-0123"}}"#,
            &["tkt-9\"q-0123", "cs-1-0123", ""],
        );
        assert_eq!(echo.error_description(), Some("ticket [redacted] is used"));
        assert_eq!(echo.message(), Some(r#"{"s":"[redacted]"}"#));
        assert!(!echo.expose_body().contains("cs-1") && !echo.expose_body().contains("tkt-9"));
        assert!(!format!("{echo:?}").contains("tkt-9"));
    }

    #[test]
    fn a_form_encoded_echo_of_the_request_is_cut_out() {
        let secret = "cs/9+8=7 with space";
        for echo in [
            "client_secret=cs%2F9%2B8%3D7+with+space&grant_type=ticket",
            "client_secret=cs%2F9%2B8%3D7%20with%20space&grant_type=ticket",
            "client_secret=cs%2f9%2b8%3d7%20with%20space&grant_type=ticket",
        ] {
            let body = format!(
                r#"{{"error":"invalid_client","error_description":"bad request: {echo}"}}"#
            );
            let e = refused(body, &[secret]);
            assert!(!e.expose_body().contains("cs%2"), "{}", e.expose_body());
            assert_eq!(
                e.error_description(),
                Some("bad request: client_secret=[redacted]&grant_type=ticket")
            );
        }
    }

    #[test]
    fn php_and_dotnet_json_escapes_are_cut_out_of_the_body() {
        let secret = "a/b+c\\d";
        for body in [
            r#"{"message":"secret a\/b+c\\d is wrong"}"#,
            r#"{"message":"secret a\u002Fb\u002Bc\u005Cd is wrong"}"#,
            r#"{"message":"secret \u0061\u002fb\u002bc\\d is wrong"}"#,
        ] {
            let e = refused(body, &[secret]);
            assert_eq!(
                e.expose_body(),
                r#"{"message":"secret [redacted] is wrong"}"#,
                "{body}"
            );
            assert_eq!(e.message(), Some("secret [redacted] is wrong"));
        }
    }

    #[test]
    fn tickets_of_any_length_are_cut_out() {
        let e = ProviderError::from_body(
            StatusCode::UNAUTHORIZED,
            Some("application/json".to_owned()),
            br#"{"error":"invalid_grant","error_description":"ticket Q7 expired"}"#,
            &["Q7"],
        );
        assert_eq!(e.error_description(), Some("ticket [redacted] expired"));
        assert!(!e.expose_body().contains("Q7"));
        let shown = format!("{e:?}");
        assert!(
            shown.contains("application/json") && !shown.contains("expired"),
            "{shown}"
        );
    }

    #[test]
    fn client_credential_errors_are_recognised() {
        let cases = [
            (r#"{"error":"invalid_client"}"#, true),
            (
                r#"{"error_description":"Invalid client credentials"}"#,
                true,
            ),
            (r#"{"error_description":"Invalid ticket"}"#, false),
            (
                r#"{"error_description":"Invalid ticket, client_id, or client_secret"}"#,
                false,
            ),
            (r#"{}"#, false),
        ];
        for (body, expected) in cases {
            let e = refused(body, &[]);
            assert_eq!(e.is_client_credentials_error(), expected, "{body}");
        }
    }
}
