//! One module per subcommand.

pub mod basket;
pub mod churn;
pub mod clean;
pub mod clv;
pub mod forecast;
pub mod price;
pub mod recommend;
pub mod report;
pub mod rfm;
pub mod segment;

use shopml::clean::Transaction;

/// Sales and returns of identified customers, in file order.
pub(crate) fn customer_lines(c: &shopml::clean::Cleaned) -> Vec<Transaction> {
    c.transactions.iter().chain(&c.returns).filter(|t| t.customer.is_some()).cloned().collect()
}

/// The report's counts, one line on stderr.
pub(crate) fn summary(c: &shopml::clean::Cleaned) {
    let r = &c.report;
    let q: u64 = r.quarantined.values().sum();
    eprintln!("read {} rows: {} kept, {} returns, {} quarantined", r.rows_read, r.rows_kept, r.returns, q);
}
