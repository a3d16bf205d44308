//! The plumbing every axum extractor and rejection of the family repeats, written once:
//! the `FromRequestParts` and `OptionalFromRequestParts` impls over a value taken from the
//! router's state, a reader's session as a response part that keeps the answer private, and
//! a rejection's `Display`, `Error` and `IntoResponse`.

#[doc(hidden)]
pub use axum_core;
#[doc(hidden)]
pub use http;

/// Implements axum's `FromRequestParts<S>` (`required`) or `OptionalFromRequestParts<S>`
/// (`optional`) for `$extractor`, for every state `S` it can take a `$from_state` from
/// (`$from_state: FromRef<S>`).
///
/// The closure-like part names the request's `&mut Parts` and the `$from_state` value, and
/// its body (which may `.await`) gives `Result<$extractor, $rejection>` (`required`) or
/// `Result<Option<$extractor>, $rejection>` (`optional`).
///
/// ```ignore
/// paywall_internal::from_request_parts!(required TicketReturn, ReturnPolicy, TicketReturnRejection,
///     |parts, policy| extract(parts, &policy).map_err(TicketReturnRejection));
/// ```
#[macro_export]
macro_rules! from_request_parts {
    (required $extractor:ty, $from_state:ty, $rejection:ty,
        |$parts:ident, $value:ident| $body:expr) => {
        $crate::from_request_parts!(@impl FromRequestParts -> Self,
            $extractor, $from_state, $rejection, |$parts, $value| $body);
    };
    (optional $extractor:ty, $from_state:ty, $rejection:ty,
        |$parts:ident, $value:ident| $body:expr) => {
        $crate::from_request_parts!(
            @impl OptionalFromRequestParts -> ::core::option::Option<Self>,
            $extractor, $from_state, $rejection, |$parts, $value| $body);
    };
    (@impl $extract:ident -> $output:ty, $extractor:ty, $from_state:ty, $rejection:ty,
        |$parts:ident, $value:ident| $body:expr) => {
        impl<S> $crate::axum_extract::axum_core::extract::$extract<S> for $extractor
        where
            $from_state: $crate::axum_extract::axum_core::extract::FromRef<S>,
            S: ::core::marker::Send + ::core::marker::Sync,
        {
            type Rejection = $rejection;

            async fn from_request_parts(
                $parts: &mut $crate::axum_extract::http::request::Parts,
                state: &S,
            ) -> ::core::result::Result<$output, Self::Rejection> {
                let $value = <$from_state as $crate::axum_extract::axum_core::extract::FromRef<
                    S,
                >>::from_ref(state);
                $body
            }
        }
    };
}

/// Implements axum's `IntoResponseParts` for `$session`, what an extractor gives for one
/// reader: returned with the page served for it (`(session, body)`), it marks the answer
/// `Cache-Control: private, no-store` unless the answer sets its own
/// ([`keep_private`](crate::axum::keep_private)).
///
/// ```ignore
/// paywall_internal::private_response_part!(PaidSession);
/// ```
#[macro_export]
macro_rules! private_response_part {
    ($session:ty) => {
        impl $crate::axum_extract::axum_core::response::IntoResponseParts for $session {
            type Error = ::core::convert::Infallible;

            /// `Cache-Control: private, no-store`, unless the answer already has a
            /// `Cache-Control`: the page is this reader's, and a shared cache (a CDN) that
            /// kept it by URL would serve it to the next reader.
            fn into_response_parts(
                self,
                mut res: $crate::axum_extract::axum_core::response::ResponseParts,
            ) -> ::core::result::Result<
                $crate::axum_extract::axum_core::response::ResponseParts,
                Self::Error,
            > {
                $crate::axum::keep_private(res.headers_mut());
                ::core::result::Result::Ok(res)
            }
        }
    };
}

/// Implements a rejection's `Display` (its `message()`), `std::error::Error` (its source is
/// what the closure-like part gives, an `Option<&E>`) and `IntoResponse` (the family's JSON
/// body from its `status()`, `code()` and `message()`, see [`rejection`](crate::axum::rejection)).
///
/// ```ignore
/// paywall_internal::rejection_traits!(TicketReturnRejection, |this| Some(&this.0));
/// ```
#[macro_export]
macro_rules! rejection_traits {
    ($rejection:ty, |$this:ident| $source:expr) => {
        impl ::core::fmt::Display for $rejection {
            /// The rejection's `message()`.
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.write_str(self.message())
            }
        }

        impl ::std::error::Error for $rejection {
            fn source(&self) -> ::core::option::Option<&(dyn ::std::error::Error + 'static)> {
                let $this = self;
                $source.map(|source| source as &(dyn ::std::error::Error + 'static))
            }
        }

        impl $crate::axum_extract::axum_core::response::IntoResponse for $rejection {
            fn into_response(self) -> $crate::axum_extract::axum_core::response::Response {
                $crate::axum::rejection(self.status(), self.code(), self.message())
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use std::error::Error as _;

    use axum_core::extract::{FromRef, FromRequestParts, OptionalFromRequestParts};
    use axum_core::response::IntoResponse;
    use http::StatusCode;
    use http::request::Parts;
    use http_body_util::BodyExt;

    #[derive(Debug, Clone)]
    struct Wanted(&'static str);

    #[derive(Debug, Clone)]
    struct State {
        wanted: Wanted,
    }

    impl FromRef<State> for Wanted {
        fn from_ref(state: &State) -> Self {
            state.wanted.clone()
        }
    }

    #[derive(Debug)]
    struct Found;

    #[derive(Debug)]
    struct Refused(Option<std::fmt::Error>);

    impl Refused {
        fn status(&self) -> StatusCode {
            StatusCode::UNAUTHORIZED
        }
        fn code(&self) -> &'static str {
            "refused"
        }
        fn message(&self) -> &'static str {
            "Refused."
        }
    }

    fn find(parts: &Parts, wanted: &Wanted) -> Result<Found, Refused> {
        if parts.uri.path() == wanted.0 {
            Ok(Found)
        } else if parts.uri.path() == "/broken" {
            Err(Refused(Some(std::fmt::Error)))
        } else {
            Err(Refused(None))
        }
    }

    crate::from_request_parts!(required Found, Wanted, Refused, |parts, wanted| find(parts, &wanted));
    crate::from_request_parts!(optional Found, Wanted, Refused, |parts, wanted| {
        match find(parts, &wanted) {
            Ok(found) => Ok(Some(found)),
            Err(Refused(None)) => Ok(None),
            Err(refused) => Err(refused),
        }
    });
    crate::rejection_traits!(Refused, |this| this.0.as_ref());
    crate::private_response_part!(Found);

    fn parts(path: &str) -> Parts {
        http::Request::get(path).body(()).unwrap().into_parts().0
    }

    async fn required(path: &str, state: &State) -> Result<Found, Refused> {
        <Found as FromRequestParts<State>>::from_request_parts(&mut parts(path), state).await
    }

    async fn optional(path: &str, state: &State) -> Result<Option<Found>, Refused> {
        <Found as OptionalFromRequestParts<State>>::from_request_parts(&mut parts(path), state)
            .await
    }

    #[tokio::test]
    async fn the_extractors_take_their_value_from_the_state() {
        let state = State {
            wanted: Wanted("/here"),
        };
        assert!(required("/here", &state).await.is_ok());
        assert!(required("/else", &state).await.is_err());
        assert!(optional("/here", &state).await.unwrap().is_some());
        assert!(optional("/else", &state).await.unwrap().is_none());
        assert!(optional("/broken", &state).await.is_err());
    }

    #[tokio::test]
    async fn a_rejection_displays_its_message_and_answers_its_body() {
        assert_eq!(Refused(None).to_string(), "Refused.");
        assert!(Refused(None).source().is_none());
        assert!(Refused(Some(std::fmt::Error)).source().is_some());
        let response = Refused(None).into_response();
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        assert_eq!(
            serde_json::from_slice::<serde_json::Value>(&bytes).unwrap(),
            serde_json::json!({"error": "refused", "message": "Refused."})
        );
    }

    #[test]
    fn a_session_returned_with_its_page_keeps_the_page_private() {
        use http::header::CACHE_CONTROL;
        let response = (Found, "the story").into_response();
        assert_eq!(response.headers()[CACHE_CONTROL], "private, no-store");
        let own = [(CACHE_CONTROL, "private, max-age=60")];
        for response in [
            (own.clone(), Found, "the story").into_response(),
            (Found, own, "the story").into_response(),
        ] {
            assert_eq!(response.headers()[CACHE_CONTROL], "private, max-age=60");
        }
    }
}
