//! Order-level e-commerce signals from cleaned order lines, as a feature
//! matrix any [`Detector`](crate::Detector) can score.
//!
//! Lines are grouped by invoice into orders. Pass the sales **and** the
//! returns of a cleaning run ([`shopml_clean::Cleaned::transactions`] and
//! [`returns`](shopml_clean::Cleaned::returns)): cancellations are orders
//! too, and an order reversed minutes after it was placed is one of the
//! strongest signals. With shopml-clean's default rules manual adjustments
//! (product code `M`) are quarantined as non-product lines; drop `"M"` from
//! [`CleaningRules::non_product_codes`](shopml_clean::CleaningRules::non_product_codes)
//! to see them.
//!
//! Every feature is finite and zero for an unremarkable order:
//!
//! | feature | meaning |
//! |---|---|
//! | `value` | `|Σ quantity × price|` of the order, in the shop's currency |
//! | `units` | `Σ |quantity|` |
//! | `value_vs_customer` | `ln(1 + value)` minus the median of the same over the customer's earlier orders (0 for a first order) |
//! | `units_vs_product` | largest `ln(1 + |q|) − ln(1 + median |q| of that product's lines)` over the order's lines, floored at 0 |
//! | `price_vs_product` | largest `|ln(price / median price of that product)|` over the lines (pricing errors, manual amounts) |
//! | `orders_last_day` | `ln` of the customer's orders in the 24 h up to this one (velocity; 0 for one) |
//! | `new_customer_value` | on a customer's first order, `ln(1 + value)` minus its median over all first orders, floored at 0 |
//! | `return_share` | the customer's returned units over purchased units, at most 1 |
//! | `country_switch` | 1 when the country differs from the customer's previous order |
//! | `is_cancellation` | 1 for a cancellation / return order |
//! | `reversed_value` | `min(value, Σ value of the customer's opposite-sign orders within 24 h before or after)`: how much of the order was undone (or, for a cancellation, how much it undid) within a day |
//!
//! Amounts (`value`, `units`, `reversed_value`) stay on their natural scale:
//! an Isolation Forest cuts a feature at a uniform point of its range, so the
//! gap between the largest orders and the rest is what isolates them, and a
//! log would shrink exactly those gaps. Ratios are logs.
//!
//! Guest orders (no customer) get 0 for the customer features.

use std::collections::HashMap;

use ndarray::Array2;
use serde::{Deserialize, Serialize};
use shopml_clean::Transaction;
use shopml_core::{Error, Timestamp};

use crate::error::Result;

/// Names of the columns of [`OrderFeatures::matrix`], in order.
pub const FEATURE_NAMES: [&str; 11] = [
    "value",
    "units",
    "value_vs_customer",
    "units_vs_product",
    "price_vs_product",
    "orders_last_day",
    "new_customer_value",
    "return_share",
    "country_switch",
    "is_cancellation",
    "reversed_value",
];

/// One order (all lines of one invoice).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrderSummary {
    /// Invoice number.
    pub invoice: String,
    /// Customer id, if any.
    pub customer: Option<String>,
    /// Country of the first line, if exported.
    pub country: Option<String>,
    /// Time of the first line.
    pub timestamp: Timestamp,
    /// Number of lines.
    pub lines: usize,
    /// `Σ quantity` (negative for returns).
    pub units: f64,
    /// `Σ quantity × unit price` (negative for returns).
    pub value: f64,
    /// Source line of the order's first line.
    pub first_line: u64,
}

/// Orders and their feature matrix (one row per order, columns [`FEATURE_NAMES`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrderFeatures {
    /// The orders, sorted by time then invoice.
    pub orders: Vec<OrderSummary>,
    /// `orders.len() × 11` features.
    pub matrix: Array2<f64>,
}

impl OrderFeatures {
    /// Column names.
    pub fn names(&self) -> &'static [&'static str] {
        &FEATURE_NAMES
    }
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_unstable_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 { v[n / 2] } else { 0.5 * (v[n / 2 - 1] + v[n / 2]) }
}

const DAY: i64 = 86_400;

/// Builds order features from order lines (sales and returns together, any order).
///
/// Errors on no lines, or on a non-finite or negative unit price or a
/// non-finite quantity (naming the source line).
///
/// ```
/// use shopml_anomaly::orders::{order_features, FEATURE_NAMES};
/// use shopml_clean::Transaction;
/// use shopml_core::Timestamp;
/// let line = |inv: &str, q: f64, p: f64, minute: i64| Transaction {
///     invoice: inv.into(), product: "mug".into(), description: None, quantity: q,
///     timestamp: Timestamp(1_300_000_000 + 60 * minute), unit_price: p,
///     customer: Some("c1".into()), country: Some("UK".into()), line: 2,
///     category: None, attributes: Default::default(),
/// };
/// let f = order_features(&[line("1", 2.0, 3.0, 0), line("2", 500.0, 3.0, 600), line("C3", -500.0, 3.0, 610)]).unwrap();
/// let col = |name: &str| FEATURE_NAMES.iter().position(|n| *n == name).unwrap();
/// // Order 2 (£1,500) was cancelled ten minutes later; order 1 was not.
/// assert_eq!(f.matrix[[1, col("reversed_value")]], 1500.0);
/// assert_eq!(f.matrix[[0, col("reversed_value")]], 6.0); // within a day of the cancellation too
/// assert_eq!(f.matrix[[2, col("reversed_value")]], 1500.0);
/// assert_eq!(f.matrix[[2, col("is_cancellation")]], 1.0);
/// ```
pub fn order_features(lines: &[Transaction]) -> Result<OrderFeatures> {
    if lines.is_empty() {
        return Err(Error::empty("order lines").into());
    }
    for (i, t) in lines.iter().enumerate() {
        for (what, v) in [("quantity", t.quantity), ("unit_price", t.unit_price)] {
            if !v.is_finite() {
                return Err(Error::NonFinite { what: format!("order line {} ({what})", t.line), row: i, column: None, value: v }.into());
            }
        }
        if t.unit_price < 0.0 {
            return Err(Error::InvalidValue {
                what: format!("order line {} (unit_price)", t.line),
                row: i,
                column: None,
                value: t.unit_price,
                reason: "unit prices must not be negative".into(),
            }
            .into());
        }
    }
    // Group lines into orders.
    let mut by_invoice: HashMap<&str, usize> = HashMap::new();
    let mut groups: Vec<Vec<usize>> = Vec::new();
    for (i, t) in lines.iter().enumerate() {
        let g = *by_invoice.entry(t.invoice.as_str()).or_insert_with(|| {
            groups.push(Vec::new());
            groups.len() - 1
        });
        groups[g].push(i);
    }
    let mut orders: Vec<(OrderSummary, Vec<usize>)> = groups
        .into_iter()
        .map(|g| {
            let first = &lines[g[0]];
            let ts = g.iter().map(|&i| lines[i].timestamp).min().unwrap_or(first.timestamp);
            let s = OrderSummary {
                invoice: first.invoice.clone(),
                customer: first.customer.clone(),
                country: first.country.clone(),
                timestamp: ts,
                lines: g.len(),
                units: g.iter().map(|&i| lines[i].quantity).sum(),
                value: g.iter().map(|&i| lines[i].value()).sum(),
                first_line: first.line,
            };
            (s, g)
        })
        .collect();
    orders.sort_by(|a, b| a.0.timestamp.cmp(&b.0.timestamp).then_with(|| a.0.invoice.cmp(&b.0.invoice)));
    let is_return = |o: &OrderSummary| o.invoice.starts_with('C') || o.units < 0.0;

    // Product medians over all lines.
    let mut qty_by_product: HashMap<&str, Vec<f64>> = HashMap::new();
    let mut price_by_product: HashMap<&str, Vec<f64>> = HashMap::new();
    for t in lines {
        qty_by_product.entry(&t.product).or_default().push(t.quantity.abs());
        if t.unit_price > 0.0 {
            price_by_product.entry(&t.product).or_default().push(t.unit_price);
        }
    }
    let med_qty: HashMap<&str, f64> = qty_by_product.into_iter().map(|(k, mut v)| (k, median(&mut v))).collect();
    let med_price: HashMap<&str, f64> = price_by_product.into_iter().map(|(k, mut v)| (k, median(&mut v))).collect();

    // Customer totals for the return share.
    let mut bought: HashMap<&str, (f64, f64)> = HashMap::new();
    for t in lines {
        if let Some(c) = &t.customer {
            let e = bought.entry(c.as_str()).or_default();
            if t.quantity >= 0.0 && !t.invoice.starts_with('C') {
                e.0 += t.quantity;
            } else {
                e.1 += t.quantity.abs();
            }
        }
    }

    // Each customer's orders (time, value), for reversals.
    let mut by_customer: HashMap<&str, Vec<(i64, f64)>> = HashMap::new();
    for (o, _) in &orders {
        if let Some(c) = o.customer.as_deref() {
            by_customer.entry(c).or_default().push((o.timestamp.seconds(), o.value));
        }
    }

    let n = orders.len();
    let d = FEATURE_NAMES.len();
    let mut m = Array2::<f64>::zeros((n, d));
    let mut history: HashMap<&str, Vec<f64>> = HashMap::new();
    let mut recent: HashMap<&str, Vec<i64>> = HashMap::new();
    let mut last_country: HashMap<&str, Option<&str>> = HashMap::new();
    let mut first_orders: Vec<(usize, f64)> = Vec::new();
    for (r, (o, g)) in orders.iter().enumerate() {
        let log_value = o.value.abs().ln_1p();
        let abs_units: f64 = g.iter().map(|&i| lines[i].quantity.abs()).sum();
        m[[r, 0]] = o.value.abs();
        m[[r, 1]] = abs_units;
        let mut up = 0.0f64;
        let mut pp = 0.0f64;
        for &i in g {
            let t = &lines[i];
            let mq = med_qty.get(t.product.as_str()).copied().unwrap_or(0.0);
            up = up.max(t.quantity.abs().ln_1p() - mq.ln_1p());
            if t.unit_price > 0.0
                && let Some(&mp) = med_price.get(t.product.as_str())
            {
                pp = pp.max((t.unit_price / mp).ln().abs());
            }
        }
        m[[r, 3]] = up;
        m[[r, 4]] = pp;
        m[[r, 9]] = is_return(o) as u8 as f64;
        if let Some(c) = o.customer.as_deref() {
            let ts = o.timestamp.seconds();
            let opposite: f64 =
                by_customer[c].iter().filter(|&&(s, v)| (s - ts).abs() <= DAY && v * o.value < 0.0).map(|&(_, v)| v.abs()).sum();
            m[[r, 10]] = opposite.min(o.value.abs());
            let h = history.entry(c).or_default();
            if h.is_empty() {
                first_orders.push((r, log_value));
            } else {
                m[[r, 2]] = log_value - median(&mut h.clone());
            }
            h.push(log_value);
            let rec = recent.entry(c).or_default();
            rec.retain(|&s| ts - s < DAY);
            rec.push(ts);
            m[[r, 5]] = (rec.len() as f64).ln();
            let (b, ret) = bought.get(c).copied().unwrap_or_default();
            m[[r, 7]] = if b > 0.0 {
                (ret / b).min(1.0)
            } else if ret > 0.0 {
                1.0
            } else {
                0.0
            };
            let country = o.country.as_deref();
            if let Some(prev) = last_country.insert(c, country) {
                m[[r, 8]] = (prev != country) as u8 as f64;
            }
        }
    }
    if !first_orders.is_empty() {
        let mut v: Vec<f64> = first_orders.iter().map(|f| f.1).collect();
        let med = median(&mut v);
        for &(r, lv) in &first_orders {
            m[[r, 6]] = (lv - med).max(0.0);
        }
    }
    Ok(OrderFeatures { orders: orders.into_iter().map(|o| o.0).collect(), matrix: m })
}
