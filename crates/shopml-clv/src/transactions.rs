//! Summaries from shopml-clean's cleaned order lines (the only module that
//! depends on shopml-clean).

use crate::error::Result;
use crate::summary::{Line, OrderKey, Summary, SummaryParams, summarise};
use shopml_clean::Transaction;

impl Summary {
    /// Summarises cleaned transactions: the value of a line is
    /// `quantity × unit_price`, an order is an invoice, and lines without a
    /// customer id (guest orders) are skipped. Clean the export first (for
    /// example with `shopml_clean::read`), so that
    /// cancellations and returns do not count as purchases.
    ///
    /// ```
    /// use shopml_clean::Transaction;
    /// use shopml_clv::{Occasion, Summary, SummaryParams};
    /// use shopml_core::Timestamp;
    /// let line = |inv: &str, day, qty| Transaction {
    ///     invoice: inv.into(), product: "mug".into(), description: None, quantity: qty,
    ///     timestamp: Timestamp::from_date(2011, 1, day).unwrap(), unit_price: 2.5,
    ///     customer: Some("17850".into()), country: None, line: 2, category: None, attributes: Default::default(),
    /// };
    /// let tx = vec![line("536365", 1, 4.0), line("536366", 1, 2.0), line("536370", 8, 2.0)];
    /// let end = Timestamp::from_date(2011, 1, 31).unwrap();
    /// let per_day = Summary::from_transactions(&tx, &SummaryParams::new(end)).unwrap();
    /// assert_eq!(per_day.customers[0].frequency, 1.0); // two invoices on day 1 are one occasion
    /// let per_order = Summary::from_transactions(&tx, &SummaryParams::new(end).occasion(Occasion::PerOrder)).unwrap();
    /// assert_eq!(per_order.customers[0].frequency, 2.0);
    /// ```
    pub fn from_transactions(transactions: &[Transaction], params: &SummaryParams) -> Result<Summary> {
        let lines = transactions.iter().filter_map(|t| {
            t.customer.as_deref().map(|c| Line { customer: c, order: OrderKey::Invoice(&t.invoice), time: t.timestamp, amount: t.value() })
        });
        summarise(lines, params)
    }
}
