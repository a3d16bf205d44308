//! `Account` and `ActiveProducts` parsing. Invariants: strict JSON accepts only what
//! `serde_json` accepts, and reads it the same way; an account always has an id; `{:?}`
//! of an account does not depend on its personal data (e-mail, names, customer number,
//! address, values of unknown fields), nor `{:?}` of active products on what describes a
//! purchase (an article's order id, purchase date, values of unknown fields); and every
//! listed article and product is found by the lookups.

#![no_main]

use libfuzzer_sys::fuzz_target;
use payway_client::{Account, AccountProducts, ActiveProducts};
use serde_json::Value;

fn scrub(account: &Account) -> Account {
    let mut scrubbed = account.clone();
    for field in [
        &mut scrubbed.email,
        &mut scrubbed.first_name,
        &mut scrubbed.last_name,
        &mut scrubbed.customer_number,
    ] {
        if field.is_some() {
            *field = Some("other".to_owned());
        }
    }
    if let Some(address) = &mut scrubbed.address {
        for field in [
            &mut address.street,
            &mut address.zip_code,
            &mut address.city,
            &mut address.country_code,
        ] {
            if field.is_some() {
                *field = Some("other".to_owned());
            }
        }
        for value in address.extra.values_mut() {
            *value = Value::Null;
        }
    }
    for value in scrubbed.extra.values_mut() {
        *value = Value::Null;
    }
    scrubbed
}

fn scrub_purchases(products: &ActiveProducts) -> ActiveProducts {
    let mut scrubbed = products.clone();
    for article in &mut scrubbed.active_articles {
        for field in [&mut article.order_id, &mut article.purchase_date] {
            if field.is_some() {
                *field = Some("other".to_owned());
            }
        }
        for value in article.extra.values_mut() {
            *value = Value::Null;
        }
    }
    scrubbed
}

fuzz_target!(|data: &[u8]| {
    let lenient = serde_json::from_slice::<Value>(data);
    match Account::from_json(data) {
        Ok(account) => {
            assert!(
                lenient.is_ok(),
                "strict JSON accepted what serde_json refuses"
            );
            assert!(!account.id.is_empty());
            assert_eq!(format!("{account:?}"), format!("{:?}", scrub(&account)));
            assert_eq!(format!("{account:#?}"), format!("{:#?}", scrub(&account)));
        }
        Err(error) => {
            // Fixed words and a few numbers (length, line, column): nothing of the input.
            let shown = format!("{error} {error:?}");
            assert!(
                shown.len() < 400,
                "a parse error grew with its input: {shown}"
            );
        }
    }
    if let Ok(products) = ActiveProducts::from_json(data) {
        assert!(
            lenient.is_ok(),
            "strict JSON accepted what serde_json refuses"
        );
        assert_eq!(
            format!("{products:?}"),
            format!("{:?}", scrub_purchases(&products))
        );
        for code in &products.product_codes {
            assert!(products.contains(code));
        }
        for code in &products.external_plus_products {
            assert!(products.contains_external_plus(code));
        }
        for article in &products.active_articles {
            if let Some(id) = &article.article_id {
                assert!(products.has_article(id));
            }
        }
        let found = AccountProducts::Found(products.clone());
        assert_eq!(found.products(), Some(&products));
    }
});
