//! What-if curves: demand, revenue and profit over a grid of prices, with
//! intervals, as a table ready to plot.

use serde::{Deserialize, Serialize};
use shopml_core::{Error, check_levels};

use crate::demand::DemandCurve;
use crate::error::Result;

/// One row of a what-if table.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct WhatIfRow {
    /// Price.
    pub price: f64,
    /// Expected demand.
    pub demand: f64,
    /// Lower / upper confidence bounds of demand.
    pub demand_lower: f64,
    /// Upper confidence bound of demand.
    pub demand_upper: f64,
    /// Revenue `p · q`.
    pub revenue: f64,
    /// Revenue at the demand bounds (lower).
    pub revenue_lower: f64,
    /// Revenue at the demand bounds (upper).
    pub revenue_upper: f64,
    /// Profit `(p − c) · q`.
    pub profit: f64,
    /// Profit at the lower / upper demand bound (ordered).
    pub profit_lower: f64,
    /// Profit upper bound.
    pub profit_upper: f64,
    /// Own-price elasticity at this price.
    pub elasticity: f64,
}

/// Evaluates `curve` on `prices` at unit `cost`, with `level` % intervals
/// (from the interval of the mean demand; revenue and profit are monotone in demand at a fixed price).
///
/// ```
/// use shopml_core::Fit;
/// use shopml_pricing::{DemandCurve, DemandData, DemandForm, whatif::what_if};
/// let price = vec![1.0, 1.5, 2.0, 2.5, 3.0];
/// let qty = vec![100.0, 45.0, 24.0, 16.5, 11.0];
/// let curve = DemandCurve::params(DemandForm::LogLog).fit(&DemandData::new(price, qty)).unwrap();
/// let table = what_if(&curve, &[1.0, 2.0, 3.0], 0.5, 90.0).unwrap();
/// assert_eq!(table.len(), 3);
/// assert!(table.iter().all(|r| r.demand_lower <= r.demand && r.demand <= r.demand_upper));
/// ```
pub fn what_if(curve: &DemandCurve, prices: &[f64], cost: f64, level: f64) -> Result<Vec<WhatIfRow>> {
    check_levels(&[level])?;
    if !(cost.is_finite() && cost >= 0.0) {
        return Err(Error::param("cost", format!("must be finite and non-negative, got {cost}")).into());
    }
    prices
        .iter()
        .map(|&p| {
            let q = curve.quantity_interval(p, level)?;
            let e = curve.elasticity(p, level).map(|e| e.estimate).unwrap_or(f64::NAN);
            let m = p - cost;
            let (pl, pu) = if m >= 0.0 { (m * q.lower, m * q.upper) } else { (m * q.upper, m * q.lower) };
            Ok(WhatIfRow {
                price: p,
                demand: q.estimate,
                demand_lower: q.lower,
                demand_upper: q.upper,
                revenue: p * q.estimate,
                revenue_lower: p * q.lower,
                revenue_upper: p * q.upper,
                profit: m * q.estimate,
                profit_lower: pl,
                profit_upper: pu,
                elasticity: e,
            })
        })
        .collect()
}
