//! Shared grouping of order lines by customer, used by RFM, customer
//! features and labels.

use serde::{Deserialize, Serialize};
use shopml_clean::Transaction;
use shopml_core::{FastHashMap, IdMap, Timestamp};

use crate::error::{FeaturesError, Result};

/// How returned (negative-quantity) lines count in spend (`monetary`,
/// revenue). Named for what it decides; shopml-clean's `ReturnPolicy`
/// decides something else (where cancellations go while cleaning).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum ReturnsInSpend {
    /// Subtract returns from spend (`monetary` = purchases + returns, the
    /// latter negative).
    #[default]
    Net,
    /// Ignore returned lines for spend (`monetary` = purchases only).
    Exclude,
}

/// Checks that every line's quantity, unit price and value are finite and
/// its date lies in the supported range.
pub(crate) fn check_lines(lines: &[Transaction]) -> Result<()> {
    for t in lines {
        if !t.timestamp.is_supported() {
            return Err(FeaturesError::DateOutOfRange { line: t.line, seconds: t.timestamp.seconds() });
        }
        if !t.quantity.is_finite() {
            return Err(FeaturesError::BadTransaction { line: t.line, field: "quantity", value: t.quantity });
        }
        if !t.unit_price.is_finite() {
            return Err(FeaturesError::BadTransaction { line: t.line, field: "unit_price", value: t.unit_price });
        }
        if !t.value().is_finite() {
            return Err(FeaturesError::BadTransaction { line: t.line, field: "quantity × unit_price", value: t.value() });
        }
    }
    Ok(())
}

/// The default snapshot: midnight after the day of the latest purchase line
/// (customer known, positive quantity).
pub(crate) fn default_snapshot(lines: &[Transaction]) -> Option<Timestamp> {
    lines.iter().filter(|t| t.customer.is_some() && t.quantity > 0.0).map(|t| t.timestamp).max().map(|t| t.floor_day().add_days(1))
}

/// Order lines grouped by customer, restricted to lines strictly before the
/// snapshot. Purchase lines have quantity > 0, return lines quantity < 0;
/// zero-quantity lines and guest lines (no customer) are ignored. A customer
/// appears only if they have at least one purchase line before the snapshot.
pub(crate) struct Grouped {
    /// Customers in order of their first purchase line in the input.
    pub customers: IdMap<String>,
    /// CSR offsets into `purchase_lines` per customer.
    pub purchase_ptr: Vec<usize>,
    /// Line indices (into the input slice) of purchases, by customer, in input order.
    pub purchase_lines: Vec<usize>,
    /// CSR offsets into `return_lines` per customer.
    pub return_ptr: Vec<usize>,
    /// Line indices of returns, by customer, in input order.
    pub return_lines: Vec<usize>,
    /// Dense invoice id of every input line (`u32::MAX` for unused lines).
    pub invoice: Vec<u32>,
    /// Dense product id of every input line when asked for (`u32::MAX` for unused lines).
    pub product: Vec<u32>,
    /// Product code of each dense product id.
    pub product_ids: Vec<String>,
}

impl Grouped {
    /// Groups the lines; with `with_products`, also gives every used line a
    /// dense product id (`product`).
    pub fn build(lines: &[Transaction], snapshot: Timestamp, with_products: bool) -> Grouped {
        let mut customers = IdMap::named("customer");
        let mut invoices: FastHashMap<&str, u32> = FastHashMap::default();
        let mut invoice = vec![u32::MAX; lines.len()];
        let mut cust_of = vec![u32::MAX; lines.len()];
        let mut n_purchase = Vec::<usize>::new();
        // Exports list the lines of one order together, so consecutive lines
        // usually share customer and invoice: remember the last lookup.
        let mut last_customer: (&str, usize) = ("", usize::MAX);
        // First pass: customers with purchases, in first-seen order.
        for (i, t) in lines.iter().enumerate() {
            if t.timestamp >= snapshot || t.quantity <= 0.0 {
                continue;
            }
            let Some(c) = t.customer.as_deref() else { continue };
            let ci = if last_customer.1 != usize::MAX && last_customer.0 == c {
                last_customer.1
            } else {
                let ci = match customers.get(c) {
                    Some(ci) => ci,
                    None => {
                        n_purchase.push(0);
                        customers.insert(c.to_string())
                    }
                };
                last_customer = (c, ci);
                ci
            };
            n_purchase[ci] += 1;
            cust_of[i] = ci as u32;
        }
        let mut n_return = vec![0usize; customers.len()];
        let mut last_invoice: (&str, u32) = ("", u32::MAX);
        for (i, t) in lines.iter().enumerate() {
            if t.timestamp >= snapshot || t.quantity >= 0.0 {
                continue;
            }
            if let Some(c) = t.customer.as_deref()
                && let Some(ci) = customers.get(c)
            {
                n_return[ci] += 1;
                cust_of[i] = ci as u32;
            }
        }
        let mut products: FastHashMap<&str, u32> = FastHashMap::default();
        let mut product = if with_products { vec![u32::MAX; lines.len()] } else { Vec::new() };
        for (i, t) in lines.iter().enumerate() {
            if cust_of[i] == u32::MAX {
                continue;
            }
            invoice[i] = if last_invoice.1 != u32::MAX && last_invoice.0 == t.invoice {
                last_invoice.1
            } else {
                let next = invoices.len() as u32;
                let id = *invoices.entry(t.invoice.as_str()).or_insert(next);
                last_invoice = (t.invoice.as_str(), id);
                id
            };
            if with_products {
                let next = products.len() as u32;
                product[i] = *products.entry(t.product.as_str()).or_insert(next);
            }
        }
        let mut product_ids = vec![String::new(); products.len()];
        for (name, id) in products {
            product_ids[id as usize] = name.to_string();
        }
        let ptr = |counts: &[usize]| {
            let mut p = Vec::with_capacity(counts.len() + 1);
            p.push(0);
            let mut acc = 0;
            for &c in counts {
                acc += c;
                p.push(acc);
            }
            p
        };
        let purchase_ptr = ptr(&n_purchase);
        let return_ptr = ptr(&n_return);
        let mut purchase_lines = vec![0; *purchase_ptr.last().unwrap_or(&0)];
        let mut return_lines = vec![0; *return_ptr.last().unwrap_or(&0)];
        let mut pfill = purchase_ptr[..customers.len()].to_vec();
        let mut rfill = return_ptr[..customers.len()].to_vec();
        for (i, t) in lines.iter().enumerate() {
            let c = cust_of[i];
            if c == u32::MAX {
                continue;
            }
            let c = c as usize;
            if t.quantity > 0.0 {
                purchase_lines[pfill[c]] = i;
                pfill[c] += 1;
            } else {
                return_lines[rfill[c]] = i;
                rfill[c] += 1;
            }
        }
        Grouped { customers, purchase_ptr, purchase_lines, return_ptr, return_lines, invoice, product, product_ids }
    }

    pub fn purchases(&self, c: usize) -> &[usize] {
        &self.purchase_lines[self.purchase_ptr[c]..self.purchase_ptr[c + 1]]
    }

    pub fn returns(&self, c: usize) -> &[usize] {
        &self.return_lines[self.return_ptr[c]..self.return_ptr[c + 1]]
    }
}

/// Per-customer order summary: `(order timestamp, order value)` for each
/// distinct purchase invoice, sorted by time then invoice id. The order
/// timestamp is its earliest line's.
pub(crate) fn orders_of(lines: &[Transaction], g: &Grouped, c: usize) -> Vec<(Timestamp, u32, f64)> {
    let mut v: Vec<(u32, Timestamp, f64)> = g.purchases(c).iter().map(|&i| (g.invoice[i], lines[i].timestamp, lines[i].value())).collect();
    v.sort_unstable_by(|a, b| a.0.cmp(&b.0).then(a.1.cmp(&b.1)));
    let mut out: Vec<(Timestamp, u32, f64)> = Vec::new();
    let mut last = u32::MAX;
    for (inv, ts, val) in v {
        if inv == last {
            if let Some(o) = out.last_mut() {
                o.2 += val;
            }
        } else {
            out.push((ts, inv, val));
            last = inv;
        }
    }
    out.sort_unstable_by(|a, b| a.0.cmp(&b.0).then(a.1.cmp(&b.1)));
    out
}
