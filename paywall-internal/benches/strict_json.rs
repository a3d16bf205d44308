//! The strict reader's cost, measured against plain serde_json in the same run: a typical
//! provider answer (an account with products, about 1 KiB) and a large one (60 KiB).
//!
//! - `from_slice`: `serde_json::from_slice::<T>`, which keeps the last of two repeated
//!   members (the floor);
//! - `from_slice_strict`: [`json::from_slice_strict`], a check pass that builds nothing,
//!   then `from_slice`;
//! - `strict_value_then_from_value`: a strict `Value`, then `serde_json::from_value::<T>`
//!   (the way the crates read answers before this crate).

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use paywall_internal::json;
use serde::Deserialize;
use serde_json::{Value, json};

#[derive(Deserialize)]
#[allow(dead_code)]
struct Account {
    id: String,
    email: String,
    name: Option<String>,
    active_products: Vec<Product>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct Product {
    code: String,
    name: String,
    expires: Option<u64>,
}

fn account(products: usize) -> Vec<u8> {
    let products: Vec<Value> = (0..products)
        .map(|i| {
            json!({
                "code": format!("product_{i}"),
                "name": format!("Product number {i}, digital"),
                "expires": 1_795_000_000 + i,
                "features": {"print": false, "digital": true, "tags": ["a", "b"]},
            })
        })
        .collect();
    json!({
        "id": "554e2b9201c6a33e4c000036",
        "email": "reader@example.com",
        "name": "A Reader",
        "has_offers": false,
        "active_products": products,
    })
    .to_string()
    .into_bytes()
}

fn bench(c: &mut Criterion) {
    for (name, body) in [("typical", account(5)), ("large", account(450))] {
        let mut group = c.benchmark_group(format!("strict_json_{name}_{}b", body.len()));
        group.bench_function("from_slice", |b| {
            b.iter(|| serde_json::from_slice::<Account>(black_box(&body)).is_ok());
        });
        group.bench_function("from_slice_strict", |b| {
            b.iter(|| json::from_slice_strict::<Account>(black_box(&body)).is_ok());
        });
        group.bench_function("strict_value_then_from_value", |b| {
            b.iter(|| {
                json::value_from_slice(black_box(&body))
                    .and_then(serde_json::from_value::<Account>)
                    .is_ok()
            });
        });
        group.bench_function("check_only", |b| {
            b.iter(|| json::check(black_box(&body)).is_ok());
        });
        group.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
