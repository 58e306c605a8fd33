//! The full UCI Online Retail export (541,909 lines). Run with
//! `SHOPML_DATA=../shared/data cargo test -p shopml-clean -- --ignored`.
//!
//! The expected figures are the data set's published facts (UCI page and
//! `online_retail/SOURCE.md`), except the exact-duplicate count, which was
//! measured with pandas: `pd.read_csv(path, dtype=str, keep_default_na=False).duplicated().sum()`
//! gives 5,268 (pandas 2.2.3).

use std::collections::HashSet;

use shopml_clean::{CleaningRules, MissingCustomer, Reason, ReturnPolicy, TransactionSchema, read};
use shopml_core::{Timestamp, testdata::data_path};

fn path() -> std::path::PathBuf {
    data_path("online_retail/online_retail.csv.gz")
}

#[test]
#[ignore = "needs SHOPML_DATA"]
fn published_facts_with_default_rules() {
    let q = std::env::temp_dir().join(format!("shopml-clean-quarantine-{}.csv", std::process::id()));
    let rules = CleaningRules { negative_quantity_is_return: false, ..CleaningRules::online_retail() }.quarantine_file(&q);
    let c = read(&path(), &TransactionSchema::online_retail(), &rules).unwrap();
    let r = &c.report;
    assert_eq!(r.rows_read, 541_909);
    assert_eq!(r.matched(Reason::Return), 9_288, "cancellation lines (InvoiceNo starting with C)");
    assert_eq!(r.matched(Reason::MissingCustomer), 135_080);
    assert_eq!(r.matched(Reason::ExactDuplicate), 5_268);
    assert_eq!(r.matched(Reason::Unparsable), 0);
    assert!(r.balances(), "{r}");
    assert_eq!(r.rows_read, r.rows_kept + r.returns + r.quarantined_total());
    assert_eq!(c.transactions.len() as u64, r.rows_kept);
    assert_eq!(c.returns.len() as u64, r.returns);
    // Every quarantined row is in the side file, one line each, with its reason.
    let text = std::fs::read(&q).unwrap();
    std::fs::remove_file(&q).ok();
    let lines: Vec<&[u8]> = text.split(|&b| b == b'\n').filter(|l| !l.is_empty()).collect();
    assert_eq!(lines.len() as u64, r.quarantined_total() + 1);
    let dup = lines.iter().filter(|l| l.windows(17).any(|w| w == b",exact_duplicate,")).count() as u64;
    assert_eq!(dup, r.quarantined(Reason::ExactDuplicate));
    // Kept sales satisfy the rules they passed.
    assert!(c.transactions.iter().all(|t| t.customer.is_some() && t.unit_price > 0.0 && t.quantity > 0.0 && !t.invoice.starts_with('C')));
    assert!(c.returns.iter().all(|t| t.invoice.starts_with('C')));
}

#[test]
#[ignore = "needs SHOPML_DATA"]
fn everything_kept_matches_the_file_totals() {
    // Rules off, returns kept among sales: the output is the file itself.
    let rules = CleaningRules::permissive().returns(ReturnPolicy::Keep);
    let c = read(&path(), &TransactionSchema::online_retail(), &rules).unwrap();
    let t = &c.transactions;
    assert_eq!(t.len(), 541_909);
    assert!(c.report.balances());
    assert_eq!(t.iter().map(|t| t.quantity).sum::<f64>(), 5_176_450.0);
    assert_eq!(t.iter().filter(|t| t.customer.is_none()).count(), 135_080);
    assert_eq!(t.iter().filter(|t| t.description.is_none()).count(), 1_454);
    assert_eq!(t.iter().map(|t| t.invoice.as_str()).collect::<HashSet<_>>().len(), 25_900);
    assert_eq!(t.iter().map(|t| t.product.as_str()).collect::<HashSet<_>>().len(), 4_070);
    assert_eq!(t.iter().filter_map(|t| t.customer.as_deref()).collect::<HashSet<_>>().len(), 4_372);
    assert_eq!(t.iter().filter_map(|t| t.country.as_deref()).collect::<HashSet<_>>().len(), 38);
    // `17850.0` is normalised to `17850`.
    assert_eq!(t[0].customer.as_deref(), Some("17850"));
    let first = t.iter().map(|t| t.timestamp).min().unwrap();
    let last = t.iter().map(|t| t.timestamp).max().unwrap();
    assert_eq!(first, Timestamp::from_civil(2010, 12, 1, 8, 26, 0).unwrap());
    assert_eq!(last, Timestamp::from_civil(2011, 12, 9, 12, 50, 0).unwrap());
}

#[test]
#[ignore = "needs SHOPML_DATA"]
fn keeping_guests_keeps_their_sales() {
    let keep = CleaningRules::online_retail().missing_customer(MissingCustomer::Keep);
    let c = read(&path(), &TransactionSchema::online_retail(), &keep).unwrap();
    assert!(c.report.balances());
    assert_eq!(c.report.quarantined(Reason::MissingCustomer), 0);
    assert_eq!(c.report.matched(Reason::MissingCustomer), 135_080);
    assert!(c.transactions.iter().any(|t| t.customer.is_none()));
}
