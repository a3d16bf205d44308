//! The `T_ID` cookie: both encodings, the `Cookie` header, and the unsigned JSON around the
//! token, which must never count.

use serde_json::json;
use tulo_jwt::{
    COOKIE_NAME, Error, MAX_COOKIE_HEADER_BYTES, MAX_TOKEN_BYTES, SessionState, find_cookie,
};

use crate::fixtures::{
    ACCOUNT_ID, active_claims, encoded_cookie, inactive_claims, news_site_header, now_secs,
    percent_encode, raw_cookie, sign, verifier,
};

#[test]
fn the_cookie_is_named_t_id() {
    assert_eq!(COOKIE_NAME, "T_ID");
}

#[test]
fn raw_json_cookie() {
    let claims = active_claims(now_secs());
    let cookie = raw_cookie(&claims, &sign(&claims));
    assert!(cookie.starts_with('{'));
    let session = verifier()
        .verify_cookie(&cookie)
        .unwrap()
        .into_session()
        .unwrap();
    assert_eq!(session.account_id(), ACCOUNT_ID);
}

#[test]
fn url_encoded_cookie() {
    let claims = active_claims(now_secs());
    let cookie = encoded_cookie(&claims, &sign(&claims));
    assert!(cookie.starts_with("%7B"));
    let session = verifier()
        .verify_cookie(&cookie)
        .unwrap()
        .into_session()
        .unwrap();
    assert_eq!(session.account_id(), ACCOUNT_ID);
    assert_eq!(session.display_name(), Some("Magnus Rosenquist"));
}

#[test]
fn quoted_and_padded_cookie_values() {
    let claims = inactive_claims(now_secs());
    let raw = raw_cookie(&claims, &sign(&claims));
    for value in [
        format!("\"{raw}\""),
        format!(" {raw} "),
        format!("\"{}\"", percent_encode(&raw)),
    ] {
        assert_eq!(
            verifier().verify_cookie(&value).unwrap(),
            SessionState::Inactive
        );
    }
}

#[test]
fn unsigned_json_claiming_a_logged_in_reader_does_not_count() {
    // The browser can write anything outside `signature`: here every unsigned field says
    // "active, account X", while the signed token says "no session".
    let signed = inactive_claims(now_secs());
    let token = sign(&signed);
    let mut lie = active_claims(now_secs());
    lie["session"]["id"] = json!("someone-else");
    lie["prn"] = json!("someone-else");
    lie["active"] = json!(true);
    for cookie in [raw_cookie(&lie, &token), encoded_cookie(&lie, &token)] {
        assert_eq!(
            verifier().verify_cookie(&cookie).unwrap(),
            SessionState::Inactive
        );
    }
}

#[test]
fn unsigned_json_cannot_fill_in_missing_signed_claims() {
    // The signed token lacks `exp`; the unsigned copy has one. Still refused.
    let mut signed = active_claims(now_secs());
    signed.as_object_mut().unwrap().remove("exp");
    let cookie = raw_cookie(&active_claims(now_secs()), &sign(&signed));
    assert!(matches!(
        verifier().verify_cookie(&cookie),
        Err(Error::MissingClaim { claim: "exp" })
    ));
}

#[test]
fn the_signature_member_must_be_unique_and_a_string() {
    let token = sign(&inactive_claims(now_secs()));
    for value in [
        format!(r#"{{"signature":"{token}","signature":"{token}"}}"#),
        r#"{"signature":null}"#.to_owned(),
        format!(r#"{{"signature":["{token}"]}}"#),
        r#"{"session":{"active":true}}"#.to_owned(),
        format!(r#"["{token}"]"#),
        token.clone(),
        String::new(),
        "%7Bgarbage".to_owned(),
        "%257B%2522signature%2522%7D".to_owned(),
    ] {
        let error = verifier().verify_cookie(&value).unwrap_err();
        assert!(
            matches!(error, Error::MalformedCookie { .. }),
            "{value}: {error:?}"
        );
        assert!(error.is_malformed());
    }
}

#[test]
fn a_bad_token_inside_a_good_cookie_is_reported_as_the_token_error() {
    let token = sign(&inactive_claims(now_secs()));
    let cookie = format!(r#"{{"signature":"{}x"}}"#, token);
    assert!(matches!(
        verifier().verify_cookie(&cookie),
        Err(Error::BadSignature)
    ));
}

#[test]
fn cookie_header_with_other_cookies() {
    let claims = active_claims(now_secs());
    let value = encoded_cookie(&claims, &sign(&claims));
    let header = format!("_ga=GA1.2.3; T_ID={value}; theme=dark; T_SFT=fallback-token");
    let state = verifier().verify_cookie_header(&header).unwrap();
    assert_eq!(state.session().unwrap().account_id(), ACCOUNT_ID);
    // Raw JSON values contain `,` and `=`-free quotes; they survive the header split too.
    let raw = raw_cookie(&claims, &sign(&claims));
    let header = format!("a=1;T_ID={raw}");
    assert!(
        verifier()
            .verify_cookie_header(&header)
            .unwrap()
            .is_active()
    );
}

#[test]
fn cookie_header_with_a_quoted_value() {
    let claims = active_claims(now_secs());
    let value = encoded_cookie(&claims, &sign(&claims));
    let header = format!("a=1; T_ID=\"{value}\"; b=2");
    let state = verifier().verify_cookie_header(&header).unwrap();
    assert_eq!(state.session().unwrap().account_id(), ACCOUNT_ID);
}

#[test]
fn a_semicolon_in_a_raw_json_cookie_never_yields_access() {
    // Browsers end a cookie at `;`, so raw JSON with one cannot arrive whole. Whatever the
    // unsigned part says, the split header is refused, never read as another reader's cookie.
    let claims = active_claims(now_secs());
    let token = sign(&claims);
    let mut unsigned = claims.clone();
    unsigned["session"]["display_name"] = json!("A; T_ID=x");
    let header = format!("T_ID={}", raw_cookie(&unsigned, &token));
    assert!(matches!(
        verifier().verify_cookie_header(&header),
        Err(Error::DuplicateCookie)
    ));
    unsigned["session"]["display_name"] = json!("A; B");
    let header = format!("T_ID={}", raw_cookie(&unsigned, &token));
    assert!(matches!(
        verifier().verify_cookie_header(&header),
        Err(Error::MalformedCookie { .. })
    ));
}

#[test]
fn cookie_header_without_t_id() {
    for header in ["", "a=1; b=2", "t_id=x", "T_ID_OLD=x", "XT_ID=x"] {
        let error = verifier().verify_cookie_header(header).unwrap_err();
        assert!(error.is_missing_cookie(), "{header:?}: {error:?}");
    }
}

#[test]
fn cookie_header_with_two_t_id_cookies_is_refused() {
    let claims = active_claims(now_secs());
    let value = encoded_cookie(&claims, &sign(&claims));
    let header = format!("T_ID={value}; T_ID={value}");
    assert!(matches!(
        verifier().verify_cookie_header(&header),
        Err(Error::DuplicateCookie)
    ));
}

#[test]
fn oversized_cookie_and_header_are_refused_before_parsing() {
    let big = "x".repeat(MAX_TOKEN_BYTES + 1);
    assert!(matches!(
        verifier().verify_cookie(&big),
        Err(Error::TokenTooLarge { .. })
    ));
    let header = format!("T_ID={big}");
    assert!(matches!(
        verifier().verify_cookie_header(&header),
        Err(Error::TokenTooLarge { .. })
    ));
    // The same value among other cookies: still the value's limit, not the header's.
    let header = news_site_header(&big, 14 * 1024);
    let error = verifier().verify_cookie_header(&header).unwrap_err();
    assert!(
        matches!(error, Error::TokenTooLarge { len, limit: MAX_TOKEN_BYTES } if len == big.len()),
        "{error:?}"
    );
    // A cookie whose unsigned copy is large enough to push it over the limit.
    let claims = active_claims(now_secs());
    let mut unsigned = claims.clone();
    unsigned["filler"] = json!("y".repeat(MAX_TOKEN_BYTES));
    let cookie = raw_cookie(&unsigned, &sign(&claims));
    assert!(matches!(
        verifier().verify_cookie(&cookie),
        Err(Error::TokenTooLarge { .. })
    ));
}

#[test]
fn a_reader_with_8_to_64_kib_of_other_cookies_is_not_locked_out() {
    let claims = active_claims(now_secs());
    let value = encoded_cookie(&claims, &sign(&claims));
    for len in [
        8 * 1024 + 1,
        10 * 1024,
        12 * 1024,
        16 * 1024,
        40 * 1024,
        MAX_COOKIE_HEADER_BYTES,
    ] {
        let header = news_site_header(&value, len);
        assert_eq!(header.len(), len);
        let state = verifier().verify_cookie_header(&header);
        assert!(
            state.as_ref().is_ok_and(SessionState::is_active),
            "{len}: {state:?}"
        );
        assert_eq!(find_cookie(&header).unwrap(), Some(value.as_str()));
    }
}

#[test]
fn the_t_id_is_found_first_last_or_anywhere_in_a_large_header() {
    let claims = active_claims(now_secs());
    let value = encoded_cookie(&claims, &sign(&claims));
    let others = news_site_header("x", 12 * 1024).replace("T_ID=x; ", "");
    for header in [
        format!("T_ID={value}; {others}"),
        format!("{others}; T_ID={value}"),
        format!("{others};T_ID={value};{others}"),
    ] {
        assert!(
            verifier()
                .verify_cookie_header(&header)
                .unwrap()
                .is_active()
        );
    }
}

#[test]
fn a_header_over_64_kib_is_not_scanned() {
    let claims = active_claims(now_secs());
    let value = encoded_cookie(&claims, &sign(&claims));
    let header = news_site_header(&value, MAX_COOKIE_HEADER_BYTES + 1);
    let error = verifier().verify_cookie_header(&header).unwrap_err();
    assert!(
        matches!(error, Error::CookieHeaderTooLarge { len, limit: 65_536 } if len == header.len()),
        "{error:?}"
    );
    assert!(error.is_malformed());
    assert!(matches!(
        find_cookie(&header),
        Err(Error::CookieHeaderTooLarge { .. })
    ));
}

#[test]
fn a_repeated_t_id_is_refused_in_a_large_header_too() {
    let claims = active_claims(now_secs());
    let value = encoded_cookie(&claims, &sign(&claims));
    let header = format!("{}; T_ID={value}", news_site_header(&value, 12 * 1024));
    assert!(matches!(
        verifier().verify_cookie_header(&header),
        Err(Error::DuplicateCookie)
    ));
    assert!(matches!(find_cookie(&header), Err(Error::DuplicateCookie)));
}

#[test]
fn find_cookie_returns_a_slice_of_the_header() {
    let header = "a=1; T_ID = {\"signature\":\"x\"} ;b=2";
    let value = find_cookie(header).unwrap().unwrap();
    assert_eq!(value, "{\"signature\":\"x\"}");
    let start = value.as_ptr() as usize - header.as_ptr() as usize;
    assert_eq!(&header[start..start + value.len()], value);
    assert_eq!(find_cookie("a=1; b=2").unwrap(), None);
    assert_eq!(find_cookie("").unwrap(), None);
    assert_eq!(find_cookie("T_ID=").unwrap(), Some(""));
}

#[test]
fn the_header_is_checked_at_the_given_time() {
    let claims = active_claims(crate::fixtures::NOW);
    let header = news_site_header(&encoded_cookie(&claims, &sign(&claims)), 9 * 1024);
    let at = crate::fixtures::at;
    let state = verifier()
        .verify_cookie_header_at(&header, at(crate::fixtures::NOW + 10))
        .unwrap();
    assert_eq!(state.session().unwrap().account_id(), ACCOUNT_ID);
    assert!(matches!(
        verifier().verify_cookie_header_at(&header, at(crate::fixtures::NOW + 3600)),
        Err(Error::Expired)
    ));
}
