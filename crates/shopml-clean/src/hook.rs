//! The per-record extension point of the reader ([`RecordHook`]), in a module
//! of its own so the readers and the entry point can all name it without
//! importing each other.

use std::borrow::Cow;

#[allow(unused_imports)]
use crate::error::CleanError;
use crate::records::{Event, Transaction};

/// A caller-supplied step every record passes through: the extension point
/// for privacy (pseudonymising ids, dropping personal attributes) or any
/// per-record rewrite. All methods default to "leave unchanged".
///
/// Order of application: the rules decide every row's fate on the original
/// values (so duplicates, missing customers and cancellations are judged on
/// what the file says); then, before anything leaves the reader, kept sales
/// and returns pass through [`transaction`](Self::transaction) (after the
/// outlier rules), kept events through [`event`](Self::event), and every
/// quarantined record's raw bytes through
/// [`quarantined_record`](Self::quarantined_record) before they are written
/// to the quarantine file or quoted in [`CleanError::NothingKept`].
/// The hook runs on the calling thread, in file order.
///
/// ```
/// use shopml_clean::{read_with, CleaningRules, ReadOptions, RecordHook, Transaction, TransactionSchema};
/// struct HideCustomers;
/// impl RecordHook for HideCustomers {
///     fn transaction(&self, t: &mut Transaction) {
///         t.customer = t.customer.as_ref().map(|c| format!("cust-{}", c.len()));
///     }
/// }
/// let csv = "order,sku,qty,time,price,customer\nA1,P1,2,2024-03-01 10:00:00,5.0,alice\n";
/// let schema = TransactionSchema::new("order", "sku", "qty", "time", "price").customer("customer");
/// let hook = HideCustomers;
/// let out = read_with(csv.as_bytes(), &schema, &CleaningRules::default(), ReadOptions::new().hook(&hook)).unwrap();
/// assert_eq!(out.transactions[0].customer.as_deref(), Some("cust-5"));
/// ```
pub trait RecordHook: Send + Sync {
    /// Rewrites a kept sale or return.
    fn transaction(&self, _t: &mut Transaction) {}
    /// Rewrites a kept event.
    fn event(&self, _e: &mut Event) {}
    /// Rewrites the raw bytes of a quarantined record before they leave the reader.
    fn quarantined_record<'r>(&self, raw: &'r [u8]) -> Cow<'r, [u8]> {
        Cow::Borrowed(raw)
    }
}
