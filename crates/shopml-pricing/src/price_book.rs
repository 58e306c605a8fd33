//! A price book: each product's estimated elasticity beside today's sales,
//! and the profit-optimal price under a margin policy.
//!
//! This is the pricing step of a report in one place: estimate the
//! elasticities once from order lines ([`PriceBookParams`] → [`PriceBook`],
//! serialisable), then ask for recommendations under any cost and band
//! assumptions ([`PriceBook::recommend`]) without estimating again. Each
//! reliable product gets the price maximising `(p − c)·q₀·(p/p₀)^e` over
//! `[(1 − m)·p₀, (1 + m)·p₀]`, where `p₀` is today's median unit price, `q₀`
//! the mean weekly units, `e` the estimated constant elasticity, `c` the unit
//! cost and `m` the largest move allowed.

use std::collections::{BTreeSet, HashMap};

use serde::{Deserialize, Serialize};
use shopml_core::{Error, Fit, Params, validated_struct};

use crate::error::{PricingError, Result};
use crate::optimal::{Demand, OptimalPrice, PriceProblem, optimal_price};
use crate::orderlines::{OrderLine, OrderLineElasticityParams, ProductElasticity};

/// Today's sales of one product: what a recommended price is compared with.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProductBaseline {
    /// Product id.
    pub product: String,
    /// Median unit price of its sales lines.
    pub median_price: f64,
    /// Units sold per week with at least one sale.
    pub weekly_units: f64,
    /// Revenue of its sales lines.
    pub revenue: f64,
    /// Weeks with at least one sale.
    pub weeks: usize,
}

impl ProductBaseline {
    fn check(&self, row: usize) -> std::result::Result<(), Error> {
        let bad = |field: &str, value: f64, reason: &str| Error::InvalidValue {
            what: format!("price book: baseline `{field}` of `{}`", self.product),
            row,
            column: None,
            value,
            reason: reason.into(),
        };
        if !(self.median_price.is_finite() && self.median_price > 0.0) {
            return Err(bad("median_price", self.median_price, "must be finite and positive"));
        }
        if !(self.weekly_units.is_finite() && self.weekly_units > 0.0) {
            return Err(bad("weekly_units", self.weekly_units, "must be finite and positive"));
        }
        if !(self.revenue.is_finite() && self.revenue > 0.0) {
            return Err(bad("revenue", self.revenue, "must be finite and positive"));
        }
        if self.weeks == 0 {
            return Err(bad("weeks", 0.0, "must be at least 1"));
        }
        Ok(())
    }
}

/// Baselines of every product with a sale (positive, finite quantity and
/// price), best seller by revenue first (ties by product id).
///
/// ```
/// use shopml_core::Timestamp;
/// use shopml_pricing::{OrderLine, price_book::baselines};
/// let t = Timestamp::from_date(2024, 1, 1)?;
/// let lines = [OrderLine::new("mug", t, 2.0, 4.0), OrderLine::new("mug", t.add_days(7), 4.0, 5.0), OrderLine::new("tea", t, 1.0, 3.0)];
/// let b = baselines(&lines);
/// assert_eq!((b[0].product.as_str(), b[0].weekly_units, b[0].revenue), ("mug", 3.0, 28.0));
/// # Ok::<(), shopml_core::Error>(())
/// ```
pub fn baselines(lines: &[OrderLine]) -> Vec<ProductBaseline> {
    #[derive(Default)]
    struct Acc {
        revenue: f64,
        units: f64,
        prices: Vec<f64>,
        weeks: BTreeSet<i64>,
    }
    let mut by_product: HashMap<&str, Acc> = HashMap::new();
    for l in lines.iter().filter(|l| l.quantity.is_finite() && l.quantity > 0.0 && l.unit_price.is_finite() && l.unit_price > 0.0) {
        let a = by_product.entry(l.product.as_str()).or_default();
        a.revenue += l.quantity * l.unit_price;
        a.units += l.quantity;
        a.prices.push(l.unit_price);
        a.weeks.insert(l.time.floor_week().seconds());
    }
    let mut out: Vec<ProductBaseline> = by_product
        .into_iter()
        .map(|(product, mut a)| {
            a.prices.sort_by(f64::total_cmp);
            ProductBaseline {
                product: product.to_string(),
                median_price: a.prices[a.prices.len() / 2],
                weekly_units: a.units / a.weeks.len() as f64,
                revenue: a.revenue,
                weeks: a.weeks.len(),
            }
        })
        .collect();
    out.sort_by(|a, b| b.revenue.total_cmp(&a.revenue).then_with(|| a.product.cmp(&b.product)));
    out
}

/// How a [`PriceBook`] is estimated (default: every product, the default
/// elasticity rule).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PriceBookParams {
    /// The elasticity estimation and its reliability rule.
    pub elasticity: OrderLineElasticityParams,
    /// Estimate only the best sellers by revenue (default `None`: every product).
    pub top_products: Option<usize>,
}

impl PriceBookParams {
    /// Sets [`top_products`](Self::top_products).
    pub fn top_products(mut self, n: usize) -> Self {
        self.top_products = Some(n);
        self
    }
    /// Sets [`elasticity`](Self::elasticity).
    pub fn elasticity(mut self, p: OrderLineElasticityParams) -> Self {
        self.elasticity = p;
        self
    }
}

impl Params for PriceBookParams {
    fn check(&self) -> shopml_core::Result<()> {
        if self.top_products == Some(0) {
            return Err(Error::param("top_products", "must be at least 1"));
        }
        Ok(())
    }
}

impl Fit<[OrderLine]> for PriceBookParams {
    type Model = PriceBook;
    type Error = PricingError;

    /// Baselines from the sales lines, then the elasticity of each kept
    /// product from its own lines. No sale at all is `EmptyInput`.
    fn fit(&self, lines: &[OrderLine]) -> Result<PriceBook> {
        self.check()?;
        let mut base = baselines(lines);
        if base.is_empty() {
            return Err(Error::empty("order lines with a positive quantity and price").into());
        }
        if let Some(n) = self.top_products {
            base.truncate(n);
        }
        let kept: BTreeSet<&str> = base.iter().map(|b| b.product.as_str()).collect();
        let own: Vec<OrderLine> = lines.iter().filter(|l| kept.contains(l.product.as_str())).cloned().collect();
        let table = self.elasticity.estimate(&own)?;
        let mut by_product: HashMap<String, ProductElasticity> = table.rows.into_iter().map(|r| (r.product.clone(), r)).collect();
        let mut rows = Vec::with_capacity(base.len());
        for b in base {
            // Every product with a sale has a table row; one without is a bug upstream, reported, not skipped.
            let elasticity =
                by_product.remove(&b.product).ok_or_else(|| Error::UnknownId { what: "elasticity row", id: b.product.clone() })?;
            rows.push(PriceBookRow { baseline: b, elasticity });
        }
        Ok(PriceBook { rows })
    }
}

/// One product of a [`PriceBook`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PriceBookRow {
    /// Today's sales.
    pub baseline: ProductBaseline,
    /// The estimated elasticity (or why there is none).
    pub elasticity: ProductElasticity,
}

validated_struct! {
    /// Elasticities and baselines of the best sellers, best first; loading
    /// from JSON runs the same checks as estimating (positive finite
    /// baselines, one row per product, a reliable row carries a finite
    /// negative elasticity with an interval around it).
    pub struct PriceBook ("PriceBookRaw" as PriceBookRaw, check = PriceBook::check, error = Error) {
        /// One row per product, best seller by revenue first.
        pub rows: Vec<PriceBookRow>,
    }
}

/// The cost and band assumptions of a recommendation.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct MarginPolicy {
    /// Unit cost as a share of today's median price, in `[0, 1)`.
    pub cost_share: f64,
    /// The largest move from today's median price, as a share, in `(0, 1)`.
    pub max_change: f64,
}

impl Default for MarginPolicy {
    /// Cost 60 % of price, moves up to ±20 %.
    fn default() -> Self {
        MarginPolicy { cost_share: 0.6, max_change: 0.2 }
    }
}

impl Params for MarginPolicy {
    fn check(&self) -> shopml_core::Result<()> {
        if !(0.0..1.0).contains(&self.cost_share) {
            return Err(Error::param("cost_share", format!("must lie in [0, 1), got {}", self.cost_share)));
        }
        if !(self.max_change > 0.0 && self.max_change < 1.0) {
            return Err(Error::param("max_change", format!("must lie in (0, 1), got {}", self.max_change)));
        }
        Ok(())
    }
}

/// A product's recommendation under a [`MarginPolicy`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PriceRecommendation {
    /// Product id.
    pub product: String,
    /// Today's median unit price `p₀`.
    pub current_price: f64,
    /// Assumed unit cost `c`.
    pub unit_cost: f64,
    /// The optimum within the band, when the elasticity is reliable.
    pub optimum: Option<OptimalPrice>,
    /// Relative change of weekly profit `(π* − π₀)/π₀` (when both exist and `π₀ > 0`).
    pub profit_change: Option<f64>,
}

impl PriceBook {
    fn check(&self) -> std::result::Result<(), Error> {
        let mut seen = BTreeSet::new();
        for (i, r) in self.rows.iter().enumerate() {
            r.baseline.check(i)?;
            if r.baseline.product != r.elasticity.product {
                return Err(Error::shape(format!("price book row {i}"), r.baseline.product.clone(), r.elasticity.product.clone()));
            }
            if !seen.insert(r.baseline.product.as_str()) {
                return Err(Error::InvalidValue {
                    what: "price book: product".into(),
                    row: i,
                    column: None,
                    value: f64::NAN,
                    reason: format!("`{}` appears twice", r.baseline.product),
                });
            }
            if r.elasticity.reliable {
                let ok = r.elasticity.elasticity.is_some_and(|e| {
                    e.estimate.is_finite() && e.estimate < 0.0 && e.lower <= e.estimate && e.estimate <= e.upper && e.upper.is_finite()
                });
                if !ok {
                    return Err(Error::InvalidValue {
                        what: format!("price book: elasticity of `{}`", r.baseline.product),
                        row: i,
                        column: None,
                        value: r.elasticity.elasticity.map_or(f64::NAN, |e| e.estimate),
                        reason: "a reliable row needs a finite negative elasticity inside its interval".into(),
                    });
                }
            }
        }
        Ok(())
    }

    /// The profit-optimal price of every reliable product under `policy`,
    /// in the book's order; other products get `optimum: None`.
    ///
    /// ```
    /// use shopml_core::{Fit, Timestamp};
    /// use shopml_pricing::{OrderLine, price_book::{MarginPolicy, PriceBookParams}};
    /// // Twenty weeks at four prices, units ∝ p^−3 (a little noise).
    /// let mut lines = Vec::new();
    /// for week in 0..20i64 {
    ///     let p = [2.0, 2.5, 3.0, 3.5][(week % 4) as usize];
    ///     let q = (2000.0 * f64::powi(p, -3) * (1.0 + 0.02 * ((week % 3) as f64 - 1.0))).round();
    ///     lines.push(OrderLine::new("mug", Timestamp::from_date(2024, 1, 1)?.add_days(7 * week), q, p));
    /// }
    /// let book = PriceBookParams::default().fit(&lines[..])?;
    /// let rec = book.recommend(&MarginPolicy { cost_share: 0.5, max_change: 0.3 })?;
    /// // e ≈ −3: the optimum is c·e/(1+e) ≈ 1.5·c, here inside the band.
    /// let best = rec[0].optimum.as_ref().unwrap();
    /// assert!((best.price / rec[0].unit_cost - 1.5).abs() < 0.05);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn recommend(&self, policy: &MarginPolicy) -> Result<Vec<PriceRecommendation>> {
        policy.check()?;
        let mut out = Vec::with_capacity(self.rows.len());
        for r in &self.rows {
            let (p0, q0) = (r.baseline.median_price, r.baseline.weekly_units);
            let cost = policy.cost_share * p0;
            let mut rec = PriceRecommendation {
                product: r.baseline.product.clone(),
                current_price: p0,
                unit_cost: cost,
                optimum: None,
                profit_change: None,
            };
            if let (true, Some(e)) = (r.elasticity.reliable, &r.elasticity.elasticity) {
                let demand = Demand::ConstantElasticity { scale: q0 / p0.powf(e.estimate), elasticity: e.estimate };
                let (lo, hi) = ((1.0 - policy.max_change) * p0, (1.0 + policy.max_change) * p0);
                let best = optimal_price(&PriceProblem::new(demand, cost, lo, hi).product(r.baseline.product.clone()))?;
                let before = (p0 - cost) * q0;
                rec.profit_change = (before > 0.0).then(|| (best.objective_value - before) / before);
                rec.optimum = Some(best);
            }
            out.push(rec);
        }
        Ok(out)
    }
}
