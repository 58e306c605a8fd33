//! Elasticities straight from order lines.
//!
//! Per product, order lines are aggregated to points `(period, realised
//! price) → units`, and `ln units = a + e ln price` is fitted to the points
//! (HC1 errors by default). A product is estimated only when it has
//! at least `min_points` points, `min_distinct_prices` distinct prices and a
//! relative price spread `(max − min)/median ≥ min_price_spread`; it is
//! **reliable** when the elasticity is negative and its interval excludes zero.
//!
//! What the rule protects against: real shop data mix a handful of list
//! prices with one-off discounts, bundles and data-entry errors. With two or
//! three nearly equal prices the slope is fitted to noise (and period-level
//! demand shocks), producing large elasticities of either sign with
//! meaningless precision; a positive or insignificant estimate usually means
//! prices moved with demand (promotions in busy weeks), not that demand rises
//! with price. Such products are reported, with the reason, rather than
//! dropped or trusted.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use shopml_core::correlation::average_ranks;
use shopml_core::{Error, Params, Timestamp, check_levels, validate::param};

use crate::demand::{DemandForm, Estimate, fit_curve};
use crate::error::Result;
use crate::ols::Covariance;

/// One order line: a product sold at a time, in some quantity, at a unit price.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrderLine {
    /// Product id.
    pub product: String,
    /// When it was sold.
    pub time: Timestamp,
    /// Units (negative for returns, which are skipped).
    pub quantity: f64,
    /// Realised unit price.
    pub unit_price: f64,
}

impl OrderLine {
    /// A new order line.
    pub fn new(product: impl Into<String>, time: Timestamp, quantity: f64, unit_price: f64) -> OrderLine {
        OrderLine { product: product.into(), time, quantity, unit_price }
    }
}

impl<S: Into<String>> From<(S, Timestamp, f64, f64)> for OrderLine {
    fn from((product, time, quantity, unit_price): (S, Timestamp, f64, f64)) -> Self {
        OrderLine::new(product, time, quantity, unit_price)
    }
}

impl From<&shopml_clean::Transaction> for OrderLine {
    /// The pricing view of a cleaned order line: product, time, units and
    /// unit price (returns keep their negative quantity and are skipped by
    /// the estimators).
    fn from(t: &shopml_clean::Transaction) -> Self {
        OrderLine::new(t.product.clone(), t.timestamp, t.quantity, t.unit_price)
    }
}

impl OrderLine {
    /// Every cleaned order line as an [`OrderLine`], in order — the one call
    /// from `shopml-clean` to the elasticity estimators.
    ///
    /// ```
    /// use shopml_clean::{CleaningRules, TransactionSchema, read};
    /// use shopml_pricing::OrderLine;
    /// let csv = "order,sku,qty,at,price\nA1,mug,2,2024-01-01,3.5\nA2,mug,1,2024-01-08,4.0\n";
    /// let cleaned = read(csv.as_bytes(), &TransactionSchema::new("order", "sku", "qty", "at", "price"), &CleaningRules::default()).unwrap();
    /// let lines = OrderLine::from_transactions(&cleaned.transactions);
    /// assert_eq!((lines.len(), lines[1].unit_price), (2, 4.0));
    /// ```
    pub fn from_transactions(transactions: &[shopml_clean::Transaction]) -> Vec<OrderLine> {
        transactions.iter().map(OrderLine::from).collect()
    }
}

/// Period → (quantities, unit prices) of one product's lines.
type LinesByPeriod = BTreeMap<i64, (Vec<f64>, Vec<f64>)>;

/// Spearman-type rank correlation of quantity and unit price pooled over
/// periods: ranks are taken within each period (ties averaged) and centred
/// on the period's mean rank, so only within-period price differences count.
/// `None` when no period has two lines with different prices or quantities.
fn within_period_rho(periods: &LinesByPeriod) -> Option<f64> {
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (q, p) in periods.values().filter(|(q, _)| q.len() >= 2) {
        let (rq, rp) = (average_ranks(q), average_ranks(p));
        let centre = (q.len() as f64 + 1.0) / 2.0;
        for (a, b) in rq.iter().zip(&rp) {
            let (da, db) = (a - centre, b - centre);
            sxy += da * db;
            sxx += da * da;
            syy += db * db;
        }
    }
    (sxx > 0.0 && syy > 0.0).then(|| (sxy / (sxx * syy).sqrt()).clamp(-1.0, 1.0))
}

/// The period order lines are aggregated over.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Period {
    /// Calendar day.
    Day,
    /// ISO week (starting Monday).
    #[default]
    Week,
    /// Calendar month.
    Month,
}

impl Period {
    fn floor(self, t: Timestamp) -> i64 {
        match self {
            Period::Day => t.floor_day().seconds(),
            Period::Week => t.floor_week().seconds(),
            Period::Month => t.floor_month().seconds(),
        }
    }
}

/// The tunable reliability rule and the aggregation of order-line elasticities.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrderLineElasticityParams {
    /// Aggregation period (default week).
    pub period: Period,
    /// Prices are rounded to this tick before grouping (default 0.01).
    pub price_tick: f64,
    /// Minimum number of (period, price) points (default 8).
    pub min_points: usize,
    /// Minimum number of distinct prices (default 3).
    pub min_distinct_prices: usize,
    /// Minimum relative price spread `(max − min) / median` (default 0.05).
    pub min_price_spread: f64,
    /// Interval level in percent (default 95).
    pub level: f64,
    /// Covariance (default HC1: order-line points are heteroskedastic).
    pub covariance: Covariance,
    /// Volume-discount guard (default −0.3): a product whose order lines'
    /// rank correlation between quantity and unit price *within a period* is
    /// below this is not reliable — its unit price falls with the order size
    /// (price tiers, wholesale terms), so the price–quantity slope mixes tier
    /// pricing with demand response. A promotion changes the price for every
    /// order of its period and does not trigger the guard. `-1` turns it off.
    #[serde(default = "default_volume_discount_rho")]
    pub min_quantity_price_rho: f64,
}

fn default_volume_discount_rho() -> f64 {
    -0.3
}

impl Default for OrderLineElasticityParams {
    fn default() -> Self {
        OrderLineElasticityParams {
            period: Period::Week,
            price_tick: 0.01,
            min_points: 8,
            min_distinct_prices: 3,
            min_price_spread: 0.05,
            level: 95.0,
            covariance: Covariance::Hc1,
            min_quantity_price_rho: default_volume_discount_rho(),
        }
    }
}

impl Params for OrderLineElasticityParams {
    fn check(&self) -> shopml_core::Result<()> {
        param::positive("price_tick", self.price_tick)?;
        param::at_least("min_points", self.min_points, 3)?;
        param::at_least("min_distinct_prices", self.min_distinct_prices, 2)?;
        param::non_negative("min_price_spread", self.min_price_spread)?;
        if !(-1.0..=1.0).contains(&self.min_quantity_price_rho) {
            return Err(Error::param("min_quantity_price_rho", format!("must lie in [-1, 1], got {}", self.min_quantity_price_rho)));
        }
        check_levels(&[self.level])
    }
}

/// One product's row of the elasticity table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProductElasticity {
    /// Product id.
    pub product: String,
    /// Order lines used.
    pub n_lines: usize,
    /// (period, price) points.
    pub n_points: usize,
    /// Distinct prices.
    pub n_prices: usize,
    /// Relative price spread `(max − min) / median`.
    pub price_spread: f64,
    /// Rank correlation between a line's quantity and its unit price within
    /// the same period (strongly negative under volume discounts; `None` when
    /// prices do not vary within a period, as with promotions that change
    /// the price for everyone).
    #[serde(default)]
    pub quantity_price_rho: Option<f64>,
    /// The log-log elasticity with its interval, when the product passed the data rule.
    pub elasticity: Option<Estimate>,
    /// R² of the log-log fit.
    pub r_squared: Option<f64>,
    /// Negative and significant at the level.
    pub reliable: bool,
    /// Why the product is or is not reliable.
    pub reason: String,
}

/// Elasticities of every product seen in the order lines.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ElasticityTable {
    /// One row per product, sorted by product id.
    pub rows: Vec<ProductElasticity>,
    /// Lines skipped because quantity or price was not positive and finite (returns, free items, errors).
    pub n_lines_skipped: usize,
}

impl OrderLineElasticityParams {
    /// Aggregates `lines` and estimates each product's elasticity.
    ///
    /// ```
    /// use shopml_core::Timestamp;
    /// use shopml_pricing::{OrderLine, OrderLineElasticityParams};
    /// let mut lines = Vec::new();
    /// for week in 0..20i64 {
    ///     let price = [2.0, 2.5, 3.0, 3.5][(week % 4) as usize];
    ///     let units = (200.0 * f64::powf(price, -1.5) * (1.0 + 0.02 * ((week % 3) as f64 - 1.0))).round();
    ///     let t = Timestamp::from_date(2024, 1, 1).unwrap().add_days(7 * week);
    ///     lines.push(OrderLine::from(("mug", t, units, price)));
    /// }
    /// let table = OrderLineElasticityParams::default().estimate(&lines).unwrap();
    /// let row = &table.rows[0];
    /// assert!(row.reliable && (row.elasticity.unwrap().estimate + 1.5).abs() < 0.1);
    /// ```
    pub fn estimate(&self, lines: &[OrderLine]) -> Result<ElasticityTable> {
        self.check()?;
        if lines.is_empty() {
            return Err(Error::empty("order lines").into());
        }
        // product → (period, price tick) → (units, lines)
        let mut points: BTreeMap<&str, BTreeMap<(i64, i64), f64>> = BTreeMap::new();
        let mut n_lines: BTreeMap<&str, usize> = BTreeMap::new();
        // product → period → (quantities, unit prices) of its lines, for the volume-discount guard.
        let mut line_pairs: BTreeMap<&str, LinesByPeriod> = BTreeMap::new();
        let mut skipped = 0;
        for l in lines {
            let ok = l.quantity.is_finite() && l.quantity > 0.0 && l.unit_price.is_finite() && l.unit_price > 0.0;
            if !ok {
                skipped += 1;
                continue;
            }
            let tick = (l.unit_price / self.price_tick).round();
            if !(1.0..=1e15).contains(&tick) {
                skipped += 1;
                continue;
            }
            *points.entry(&l.product).or_default().entry((self.period.floor(l.time), tick as i64)).or_insert(0.0) += l.quantity;
            *n_lines.entry(&l.product).or_insert(0) += 1;
            let pairs = line_pairs.entry(&l.product).or_default().entry(self.period.floor(l.time)).or_default();
            pairs.0.push(l.quantity);
            pairs.1.push(l.unit_price);
        }
        let mut rows = Vec::with_capacity(points.len());
        for (product, pts) in points {
            let price: Vec<f64> = pts.keys().map(|&(_, t)| t as f64 * self.price_tick).collect();
            let qty: Vec<f64> = pts.values().copied().collect();
            let mut distinct = price.clone();
            distinct.sort_by(f64::total_cmp);
            distinct.dedup();
            let median = distinct[distinct.len() / 2];
            let spread = (distinct[distinct.len() - 1] - distinct[0]) / median;
            let mut row = ProductElasticity {
                product: product.to_string(),
                n_lines: n_lines[product],
                n_points: price.len(),
                n_prices: distinct.len(),
                price_spread: spread,
                quantity_price_rho: line_pairs.get(product).and_then(within_period_rho),
                elasticity: None,
                r_squared: None,
                reliable: false,
                reason: String::new(),
            };
            if row.n_points < self.min_points {
                row.reason = format!("too few points ({} < {})", row.n_points, self.min_points);
            } else if row.n_prices < self.min_distinct_prices {
                row.reason = format!("too few distinct prices ({} < {})", row.n_prices, self.min_distinct_prices);
            } else if spread < self.min_price_spread {
                row.reason = format!("price spread {spread:.3} below {}", self.min_price_spread);
            } else {
                match fit_curve(DemandForm::LogLog, self.covariance, product, &price, &qty, &[]) {
                    Ok(c) => {
                        let e = c.elasticity(1.0, self.level)?;
                        row.r_squared = Some(c.r_squared());
                        let tiered = row.quantity_price_rho.filter(|&rho| rho < self.min_quantity_price_rho);
                        row.reliable = e.upper < 0.0 && tiered.is_none();
                        row.reason = if let Some(rho) = tiered {
                            format!(
                                "unit price falls with order size within a period (rank correlation ρ = {rho:.2} < {}): volume-discount tiers, not a demand response",
                                self.min_quantity_price_rho
                            )
                        } else if e.estimate >= 0.0 {
                            "non-negative elasticity (prices likely moved with demand)".into()
                        } else if e.upper >= 0.0 {
                            format!("interval includes zero at {}%", self.level)
                        } else {
                            "reliable".into()
                        };
                        row.elasticity = Some(e);
                    }
                    Err(e) => row.reason = format!("fit failed: {e}"),
                }
            }
            rows.push(row);
        }
        Ok(ElasticityTable { rows, n_lines_skipped: skipped })
    }
}
