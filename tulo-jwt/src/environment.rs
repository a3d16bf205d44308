//! [`Environment`]: Payway's stage and production hosts, for pages that load the JS-API.

paywall_internal::stage_or_production! {
    /// A Payway environment, in Payway's own words.
    ///
    /// Verification is offline and the same in both; the environment only gives the URLs a page
    /// needs to load the JS-API and the value of `Tulo.init`'s `env` option.
    ///
    /// ```
    /// use tulo_jwt::Environment;
    ///
    /// let env = Environment::Production;
    /// let script = format!(r#"<script src="{}"></script>"#, env.js_api_script_url());
    /// assert!(script.contains("https://backend.worldoftulo.com/javascript/tulo_js_api.js"));
    /// assert_eq!(env.js_api_env(), "prod");
    /// ```
    pub enum Environment {
        Stage = "Payway's test environment.",
        Production = "Payway's live environment.",
    }
    refused with ParseEnvironmentError;
}

impl Environment {
    /// The Payway API host of this environment, without a trailing slash.
    ///
    /// A string, not a `url::Url` as in the family's HTTP crates: this crate makes no
    /// request, and the `url` crate would more than double its build time.
    #[must_use]
    pub fn base_url(self) -> &'static str {
        match self {
            Self::Stage => "https://payway-api.stage.adeprimo.se",
            Self::Production => "https://backend.worldoftulo.com",
        }
    }

    /// The JS-API script (`tulo_js_api.js`) to load on every page that calls `Tulo.init`.
    #[must_use]
    pub fn js_api_script_url(self) -> &'static str {
        match self {
            Self::Stage => "https://payway-api.stage.adeprimo.se/javascript/tulo_js_api.js",
            Self::Production => "https://backend.worldoftulo.com/javascript/tulo_js_api.js",
        }
    }

    /// The Safari tracking-prevention fallback script (`safari_11_fallback.js`), which keeps
    /// the `js_api_token` for `Tulo.init` when third-party cookies are blocked.
    ///
    /// Payway's page gives the stage script with `http://`; it is given here with `https://`,
    /// because browsers block an `http://` script on an `https://` page, and a script fetched
    /// in clear text could be replaced on the way.
    #[must_use]
    pub fn safari_fallback_script_url(self) -> &'static str {
        match self {
            Self::Stage => "https://tulo-api.stage.adeprimo.se/javascript/safari_11_fallback.js",
            Self::Production => "https://backend.worldoftulo.com/javascript/safari_11_fallback.js",
        }
    }

    /// The lowercase name used in configuration: `"stage"` or `"production"` (as
    /// payway-client's `PAYWAY_ENVIRONMENT`).
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Stage => "stage",
            Self::Production => "production",
        }
    }

    /// The value of `Tulo.init`'s `env` option: `"stage"` or `"prod"`.
    #[must_use]
    pub fn js_api_env(self) -> &'static str {
        match self {
            Self::Stage => "stage",
            Self::Production => "prod",
        }
    }
}

/// The error returned when a string names no Payway environment.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown Payway environment (expected `stage` or `production`)")]
pub struct ParseEnvironmentError(());
