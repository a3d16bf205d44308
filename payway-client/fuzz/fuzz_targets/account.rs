//! `Account` and `ActiveProducts` parsing. Invariants: strict JSON accepts only what
//! `serde_json` accepts, and reads it the same way; an account always has an id; and `{:?}`
//! of an account does not depend on its personal data (e-mail, names, customer number,
//! address, values of unknown fields).

#![no_main]

use libfuzzer_sys::fuzz_target;
use payway_client::{Account, ActiveProducts};
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
            let shown = format!("{error} {error:?}");
            assert!(
                shown.len() < 200,
                "a parse error grew with its input: {shown}"
            );
        }
    }
    if let Ok(products) = ActiveProducts::from_json(data) {
        assert!(
            lenient.is_ok(),
            "strict JSON accepted what serde_json refuses"
        );
        let _ = products.contains("premium");
    }
});
