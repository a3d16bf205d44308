//! The Payway/Tulo environment names, read and written one way: `stage` and `production`
//! (also `prod`, the JS-API's own `env` value), in any ASCII case, around any whitespace.

/// Declares an environment enum with the variants `Stage` and `Production` (given its docs,
/// and each variant's doc as a string), `#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]`
/// and `#[non_exhaustive]`, and implements `Display` (the type's `as_str()`) and `FromStr`
/// for it, refusing any other text with `$error(())`.
///
/// `FromStr` reads `stage` or `production` (also `prod`), ignoring ASCII case and
/// surrounding whitespace. The crate writes `fn as_str(self) -> &'static str`; `$error` must
/// be a tuple struct holding `()`.
///
/// ```ignore
/// paywall_internal::stage_or_production! {
///     /// A Payway environment.
///     pub enum Environment {
///         Stage = "Payway stage.",
///         Production = "Payway production.",
///     }
///     refused with ParseEnvironmentError;
/// }
/// ```
#[macro_export]
macro_rules! stage_or_production {
    (
        $(#[$doc:meta])*
        pub enum $environment:ident {
            Stage = $stage_doc:literal,
            Production = $production_doc:literal $(,)?
        }
        refused with $error:ident;
    ) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum $environment {
            #[doc = $stage_doc]
            Stage,
            #[doc = $production_doc]
            Production,
        }

        impl ::core::fmt::Display for $environment {
            /// The environment's name, as [`as_str`](Self::as_str).
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::core::str::FromStr for $environment {
            type Err = $error;

            /// Reads `stage` or `production` (also `prod`, the JS-API's own `env` value),
            /// ignoring ASCII case and surrounding whitespace.
            fn from_str(text: &str) -> ::core::result::Result<Self, Self::Err> {
                match $crate::environment::stage_or_production(text) {
                    ::core::option::Option::Some(true) => ::core::result::Result::Ok(Self::Stage),
                    ::core::option::Option::Some(false) => {
                        ::core::result::Result::Ok(Self::Production)
                    }
                    ::core::option::Option::None => ::core::result::Result::Err($error(())),
                }
            }
        }
    };
}

/// `Some(true)` for `stage`, `Some(false)` for `production` or `prod` (any ASCII case, any
/// surrounding whitespace), `None` for anything else.
#[must_use]
pub fn stage_or_production(text: &str) -> Option<bool> {
    let text = text.trim();
    if text.eq_ignore_ascii_case("stage") {
        Some(true)
    } else if text.eq_ignore_ascii_case("production") || text.eq_ignore_ascii_case("prod") {
        Some(false)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::stage_or_production;

    #[test]
    fn names_in_any_case_around_whitespace() {
        for stage in ["stage", " STAGE ", "Stage\n"] {
            assert_eq!(stage_or_production(stage), Some(true), "{stage:?}");
        }
        for production in ["production", "PROD", " Production\t", "prod"] {
            assert_eq!(
                stage_or_production(production),
                Some(false),
                "{production:?}"
            );
        }
        for other in ["", "staging", "live", "dev", "pro", "stage x"] {
            assert_eq!(stage_or_production(other), None, "{other:?}");
        }
    }
}
