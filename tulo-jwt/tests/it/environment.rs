//! The JS-API script URLs of each environment.

use tulo_jwt::Environment;

#[test]
fn production_urls() {
    let env = Environment::Production;
    assert_eq!(env.base_url(), "https://backend.worldoftulo.com");
    assert_eq!(
        env.js_api_script_url(),
        "https://backend.worldoftulo.com/javascript/tulo_js_api.js"
    );
    assert_eq!(
        env.safari_fallback_script_url(),
        "https://backend.worldoftulo.com/javascript/safari_11_fallback.js"
    );
    assert_eq!(env.js_api_env(), "prod");
}

#[test]
fn stage_urls() {
    let env = Environment::Stage;
    assert_eq!(env.base_url(), "https://payway-api.stage.adeprimo.se");
    assert_eq!(
        env.js_api_script_url(),
        "https://payway-api.stage.adeprimo.se/javascript/tulo_js_api.js"
    );
    assert_eq!(
        env.safari_fallback_script_url(),
        "https://tulo-api.stage.adeprimo.se/javascript/safari_11_fallback.js"
    );
    assert_eq!(env.js_api_env(), "stage");
}

#[test]
fn every_url_is_https() {
    for env in [Environment::Stage, Environment::Production] {
        for url in [
            env.base_url(),
            env.js_api_script_url(),
            env.safari_fallback_script_url(),
        ] {
            assert!(url.starts_with("https://"), "{url}");
        }
    }
}

#[test]
fn names_parse_and_print_as_payway_client_spells_them() {
    for env in [Environment::Stage, Environment::Production] {
        assert_eq!(env.as_str().parse::<Environment>(), Ok(env));
        assert_eq!(env.to_string(), env.as_str());
    }
    assert_eq!(Environment::Stage.as_str(), "stage");
    assert_eq!(Environment::Production.as_str(), "production");
    assert_eq!(" PRODUCTION ".parse(), Ok(Environment::Production));
    // The JS-API's own `env` value, and payway-client's spelling of it.
    assert_eq!("prod".parse(), Ok(Environment::Production));
    for name in ["live", "", "stage2", "production2"] {
        let error = name.parse::<Environment>().unwrap_err();
        assert!(error.to_string().contains("`stage` or `production`"));
    }
}
