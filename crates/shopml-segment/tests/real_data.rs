//! Real-data check (needs `SHOPML_DATA`): the committed RFM fixture is
//! recomputed here in Rust from the raw Online Retail export, independently
//! of the pandas code in benches/peers/segment_kmeans.py.

mod common;

use shopml_clean::{CleaningRules, TransactionSchema, read};
use std::collections::{HashMap, HashSet};

#[test]
#[ignore = "needs SHOPML_DATA"]
fn rfm_fixture_matches_raw_online_retail() {
    let path = shopml_core::testdata::data_path("online_retail/online_retail.csv.gz");
    // The Online Retail preset, minus two of its filters so the rows are the
    // fixture's (pandas: customer present, invoice not `C…`, quantity > 0,
    // price > 0): every product code counts and duplicate lines are kept.
    let rules = CleaningRules::online_retail().non_product_codes([] as [&str; 0]).drop_exact_duplicates(false);
    let cleaned = read(&path, &TransactionSchema::online_retail(), &rules).unwrap();
    struct Acc {
        last: i64,
        invoices: HashSet<String>,
        money: f64,
    }
    let mut by: HashMap<String, Acc> = HashMap::new();
    let mut max_ts = i64::MIN;
    for t in &cleaned.transactions {
        let ts = t.timestamp.seconds();
        max_ts = max_ts.max(ts);
        let id = t.customer.clone().unwrap();
        let a = by.entry(id).or_insert(Acc { last: i64::MIN, invoices: HashSet::new(), money: 0.0 });
        a.last = a.last.max(ts);
        a.invoices.insert(t.invoice.clone());
        a.money += t.quantity * t.unit_price;
    }
    let snapshot = max_ts + 86_400;
    let (ids, x) = common::rfm_fixture();
    assert_eq!(ids.len(), by.len(), "customer count");
    for (i, id) in ids.iter().enumerate() {
        let a = &by[id];
        assert_eq!(x[[i, 0]], ((snapshot - a.last).div_euclid(86_400)) as f64, "recency of {id}");
        assert_eq!(x[[i, 1]], a.invoices.len() as f64, "frequency of {id}");
        assert!((x[[i, 2]] - a.money).abs() <= 1e-5 + 1e-9 * a.money.abs(), "monetary of {id}: {} vs {}", x[[i, 2]], a.money);
    }
}
