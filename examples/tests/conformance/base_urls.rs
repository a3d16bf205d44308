//! Every builder that takes a base URL refuses the same ones: plain `http` to anything but
//! loopback (the key or ticket would cross the network in clear text), credentials, a query
//! or fragment, any other scheme.

use url::Url;

use crate::table::{ACCEPTED_BASE_URLS, REFUSED_BASE_URLS, SECRET};

/// `Ok(())` when built; `Err(true)` for the "insecure" refusal, `Err(false)` for another.
type Verdict = Result<(), bool>;

fn tiun(url: Url) -> Verdict {
    use tiun_client::{BuildError, TiunClient};
    match TiunClient::builder()
        .base_url(url)
        .api_key("conformance-key")
        .build()
    {
        Ok(_) => Ok(()),
        Err(BuildError::InsecureBaseUrl) => Err(true),
        Err(BuildError::InvalidBaseUrl { .. }) => Err(false),
        Err(other) => panic!("tiun refused for another reason: {other}"),
    }
}

fn payway(url: Url) -> Verdict {
    use payway_client::{BuildError, PaywayClient};
    let built = PaywayClient::builder()
        .base_url(url)
        .client_id("conformance-client")
        .client_secret(SECRET)
        .build();
    match built {
        Ok(_) => Ok(()),
        Err(BuildError::InsecureBaseUrl) => Err(true),
        Err(BuildError::InvalidBaseUrl { .. }) => Err(false),
        Err(other) => panic!("payway refused for another reason: {other}"),
    }
}

fn sso2(url: Url) -> Verdict {
    use payway_client::BuildError;
    let built = payway_client::sso2::Sso2Client::builder()
        .base_url(url)
        .client_id("conformance-client")
        .client_secret(SECRET)
        .organisation_id("conformance-org")
        .build();
    match built {
        Ok(_) => Ok(()),
        Err(BuildError::InsecureBaseUrl) => Err(true),
        Err(BuildError::InvalidBaseUrl { .. }) => Err(false),
        Err(other) => panic!("sso2 refused for another reason: {other}"),
    }
}

fn accesstype(url: Url) -> Verdict {
    use accesstype_jwt::BuildError;
    let built = accesstype_jwt::AccesstypeClient::builder()
        .base_url(url)
        .account_key("conformance-account")
        .api_key(SECRET)
        .build();
    match built {
        Ok(_) => Ok(()),
        Err(BuildError::InsecureBaseUrl) => Err(true),
        Err(BuildError::InvalidBaseUrl { .. }) => Err(false),
        Err(other) => panic!("accesstype refused for another reason: {other}"),
    }
}

/// A shop link carries a ticket (`at`): its base follows the same rule, with one refusal,
/// except that the shop's own query parameters (`?lang=sv`) are kept.
fn shop(url: Url) -> Verdict {
    match payway_client::ShopUrl::builder(url).path(["daily"]).build() {
        Ok(_) => Ok(()),
        Err(payway_client::ShopUrlError::InvalidBase) => Err(false),
        Err(other) => panic!("the shop link was refused for another reason: {other}"),
    }
}

/// One builder under test: its name, a way to build with a base URL, whether it tells the
/// "insecure" refusal apart, whether it keeps a query on the base.
type Builder = (&'static str, fn(Url) -> Verdict, bool, bool);

const BUILDERS: &[Builder] = &[
    ("tiun-client", tiun, true, false),
    ("payway-client", payway, true, false),
    ("payway-client sso2", sso2, true, false),
    ("accesstype-jwt client", accesstype, true, false),
    ("payway-client ShopUrl", shop, false, true),
];

#[test]
fn every_builder_refuses_the_same_base_urls() {
    for &(name, build, tells_insecure, keeps_query) in BUILDERS {
        for &(url, insecure) in REFUSED_BASE_URLS {
            let url_has_only_a_query = url.contains('?') && url.starts_with("https://example.com/");
            if keeps_query && url_has_only_a_query {
                assert_eq!(build(Url::parse(url).unwrap()), Ok(()), "{name} on {url}");
                continue;
            }
            let verdict = build(Url::parse(url).unwrap());
            match verdict {
                Ok(()) => panic!("{name} accepted {url}"),
                Err(said_insecure) if tells_insecure => {
                    assert_eq!(said_insecure, insecure, "{name} on {url}");
                }
                Err(_) => {}
            }
        }
    }
}

#[test]
fn every_builder_accepts_https_and_loopback() {
    for &(name, build, ..) in BUILDERS {
        for &url in ACCEPTED_BASE_URLS {
            assert_eq!(
                build(Url::parse(url).unwrap()),
                Ok(()),
                "{name} refused {url}"
            );
        }
    }
}
