//! Inventory decisions from a demand forecast and its error distribution.
//!
//! Textbook formulas (Silver, Pyke & Thomas 2017, *Inventory and Production
//! Management in Supply Chains*, 4th ed., ch. 4–7; Axsäter 2015, *Inventory
//! Control*), with demand per period normally distributed:
//!
//! - lead-time demand with a random lead time `L ~ (μ_L, σ_L²)` has mean
//!   `d μ_L` and standard deviation `σ_LT = √(μ_L σ_d² + d² σ_L²)`;
//! - **cycle service level** `P₁`: safety stock `z σ_LT`, `z = Φ⁻¹(P₁)`;
//! - **fill rate** `P₂` with order quantity `Q`: the buffer solves
//!   `σ_LT G(z) = (1 − P₂) Q`, `G` the standard normal loss function;
//! - **reorder point** = mean lead-time demand + safety stock;
//! - **EOQ** `√(2 D K / h)` (Harris 1913);
//! - **base-stock** (order-up-to, review period `R`): mean demand over
//!   `L + R` plus `z` times its standard deviation;
//! - **(s, S)**: `s` the reorder point, `S = s + EOQ` (the standard heuristic);
//! - **newsvendor**: the critical-ratio quantile `c_u / (c_u + c_o)` of demand
//!   (normal or empirical);
//! - **ABC/XYZ**: ABC by cumulative revenue share, XYZ by the coefficient of
//!   variation of per-period demand.

use serde::{Deserialize, Serialize};
use shopml_core::Error;
use shopml_core::validate::param;

use crate::normal;

/// Demand during the replenishment lead time.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct LeadTimeDemand {
    /// Mean lead-time demand.
    pub mean: f64,
    /// Standard deviation of lead-time demand.
    pub std_dev: f64,
}

/// Lead-time demand from per-period demand `(mean, std_dev)` and a lead time
/// of `lead_time` periods on average with standard deviation `lead_time_std_dev`.
pub fn lead_time_demand(mean_demand: f64, demand_std_dev: f64, lead_time: f64, lead_time_std_dev: f64) -> Result<LeadTimeDemand, Error> {
    param::non_negative("mean_demand", mean_demand)?;
    param::non_negative("demand_std_dev", demand_std_dev)?;
    param::non_negative("lead_time", lead_time)?;
    param::non_negative("lead_time_std_dev", lead_time_std_dev)?;
    let var = lead_time * demand_std_dev * demand_std_dev + mean_demand * mean_demand * lead_time_std_dev * lead_time_std_dev;
    Ok(LeadTimeDemand { mean: mean_demand * lead_time, std_dev: var.sqrt() })
}

/// Safety stock for a cycle service level in (0, 1) (probability of no
/// stock-out per replenishment cycle).
pub fn safety_stock_cycle_service(ltd: &LeadTimeDemand, cycle_service_level: f64) -> Result<f64, Error> {
    param::in_open("cycle_service_level", cycle_service_level, 0.0, 1.0)?;
    Ok(normal::quantile(cycle_service_level)? * ltd.std_dev)
}

/// Safety stock for a fill-rate target in (0, 1) with order quantity `order_quantity`.
pub fn safety_stock_fill_rate(ltd: &LeadTimeDemand, fill_rate: f64, order_quantity: f64) -> Result<f64, Error> {
    param::in_open("fill_rate", fill_rate, 0.0, 1.0)?;
    param::positive("order_quantity", order_quantity)?;
    if ltd.std_dev == 0.0 {
        return Ok(0.0);
    }
    let g = (1.0 - fill_rate) * order_quantity / ltd.std_dev;
    Ok(normal::loss_inverse(g)? * ltd.std_dev)
}

/// Reorder point = mean lead-time demand + safety stock.
pub fn reorder_point(ltd: &LeadTimeDemand, safety_stock: f64) -> f64 {
    ltd.mean + safety_stock
}

/// Economic order quantity for annual (or per-horizon) demand `demand`, fixed
/// cost per order `order_cost` and holding cost per unit `holding_cost`.
pub fn eoq(demand: f64, order_cost: f64, holding_cost: f64) -> Result<f64, Error> {
    param::non_negative("demand", demand)?;
    param::non_negative("order_cost", order_cost)?;
    param::positive("holding_cost", holding_cost)?;
    Ok((2.0 * demand * order_cost / holding_cost).sqrt())
}

/// Base-stock (order-up-to) level for a periodic review every
/// `review_period` periods: covers demand over lead time plus review period
/// at the given cycle service level.
pub fn base_stock_level(
    mean_demand: f64,
    demand_std_dev: f64,
    lead_time: f64,
    review_period: f64,
    cycle_service_level: f64,
) -> Result<f64, Error> {
    param::non_negative("review_period", review_period)?;
    let ltd = lead_time_demand(mean_demand, demand_std_dev, lead_time + review_period, 0.0)?;
    Ok(ltd.mean + safety_stock_cycle_service(&ltd, cycle_service_level)?)
}

/// An (s, S) policy: order up to `max` whenever the inventory position falls to `min` or below.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct MinMaxPolicy {
    /// Reorder level s.
    pub min: f64,
    /// Order-up-to level S.
    pub max: f64,
}

/// The (s, S) heuristic: `s` = reorder point at the cycle service level,
/// `S = s + EOQ` with `demand_per_period × periods_per_year` as yearly demand.
pub fn min_max_policy(
    ltd: &LeadTimeDemand,
    cycle_service_level: f64,
    yearly_demand: f64,
    order_cost: f64,
    holding_cost: f64,
) -> Result<MinMaxPolicy, Error> {
    let s = reorder_point(ltd, safety_stock_cycle_service(ltd, cycle_service_level)?);
    Ok(MinMaxPolicy { min: s, max: s + eoq(yearly_demand, order_cost, holding_cost)? })
}

/// Newsvendor quantity for normal demand: the `c_u / (c_u + c_o)` quantile,
/// `underage_cost` the margin lost per unit short, `overage_cost` the loss per unit left over.
pub fn newsvendor_normal(mean: f64, std_dev: f64, underage_cost: f64, overage_cost: f64) -> Result<f64, Error> {
    param::non_negative("std_dev", std_dev)?;
    let ratio = critical_ratio(underage_cost, overage_cost)?;
    Ok(mean + normal::quantile(ratio)? * std_dev)
}

/// Newsvendor quantity from a demand sample (forecast scenarios or history):
/// the empirical `c_u / (c_u + c_o)` quantile (smallest sample value whose
/// empirical CDF reaches the ratio).
pub fn newsvendor_empirical(sample: &[f64], underage_cost: f64, overage_cost: f64) -> Result<f64, Error> {
    if sample.is_empty() {
        return Err(Error::empty("demand sample"));
    }
    shopml_core::validate::finite_slice("demand sample", sample)?;
    let ratio = critical_ratio(underage_cost, overage_cost)?;
    let mut s = sample.to_vec();
    s.sort_by(f64::total_cmp);
    let k = ((ratio * s.len() as f64).ceil() as usize).clamp(1, s.len());
    Ok(s[k - 1])
}

fn critical_ratio(underage_cost: f64, overage_cost: f64) -> Result<f64, Error> {
    param::positive("underage_cost", underage_cost)?;
    param::positive("overage_cost", overage_cost)?;
    Ok(underage_cost / (underage_cost + overage_cost))
}

/// ABC class by revenue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Abc {
    /// Top revenue (cumulative share up to the A threshold).
    A,
    /// Middle.
    B,
    /// Tail.
    C,
}

/// XYZ class by demand variability.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Xyz {
    /// Steady demand (CV up to the X threshold).
    X,
    /// Variable.
    Y,
    /// Erratic (or no demand).
    Z,
}

/// Thresholds for ABC/XYZ classification.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct AbcXyz {
    /// Cumulative revenue share closing class A (default 0.8).
    pub a_share: f64,
    /// Cumulative revenue share closing class B (default 0.95).
    pub b_share: f64,
    /// Largest coefficient of variation of class X (default 0.5).
    pub x_cv: f64,
    /// Largest coefficient of variation of class Y (default 1.0).
    pub y_cv: f64,
}

impl Default for AbcXyz {
    fn default() -> Self {
        AbcXyz { a_share: 0.8, b_share: 0.95, x_cv: 0.5, y_cv: 1.0 }
    }
}

impl shopml_core::Params for AbcXyz {
    fn check(&self) -> shopml_core::Result<()> {
        param::in_open("a_share", self.a_share, 0.0, 1.0)?;
        param::in_open("b_share", self.b_share, self.a_share, 1.0 + 1e-12)?;
        param::positive("x_cv", self.x_cv)?;
        if !(self.y_cv > self.x_cv && self.y_cv.is_finite()) {
            return Err(Error::param("y_cv", format!("must be a finite number > x_cv = {}, got {}", self.x_cv, self.y_cv)));
        }
        Ok(())
    }
}

impl AbcXyz {
    /// Classifies products: `revenue[i]` is product i's total revenue and
    /// `demand[i]` its per-period demand series. An item is A while the
    /// cumulative share *before* it is below `a_share` (so the top item is
    /// always A), likewise B.
    pub fn classify(&self, revenue: &[f64], demand: &[Vec<f64>]) -> Result<Vec<(Abc, Xyz)>, Error> {
        use shopml_core::Params;
        self.check()?;
        if revenue.len() != demand.len() {
            return Err(Error::shape("revenue vs demand", format!("{} products", revenue.len()), format!("{} products", demand.len())));
        }
        shopml_core::validate::finite_slice("revenue", revenue)?;
        if let Some(row) = revenue.iter().position(|&r| r < 0.0) {
            return Err(Error::InvalidValue {
                what: "revenue".into(),
                row,
                column: None,
                value: revenue[row],
                reason: "revenue cannot be negative".into(),
            });
        }
        let total: f64 = revenue.iter().sum();
        let mut order: Vec<usize> = (0..revenue.len()).collect();
        order.sort_by(|&a, &b| revenue[b].total_cmp(&revenue[a]).then(a.cmp(&b)));
        let mut abc = vec![Abc::C; revenue.len()];
        let mut cum = 0.0;
        for &i in &order {
            let before = if total > 0.0 { cum / total } else { 1.0 };
            abc[i] = if before < self.a_share {
                Abc::A
            } else if before < self.b_share {
                Abc::B
            } else {
                Abc::C
            };
            cum += revenue[i];
        }
        let mut out = Vec::with_capacity(revenue.len());
        for (i, d) in demand.iter().enumerate() {
            shopml_core::validate::finite_slice("demand", d)?;
            let n = d.len() as f64;
            let mean = d.iter().sum::<f64>() / n.max(1.0);
            let xyz = if d.len() < 2 || mean <= 0.0 {
                Xyz::Z
            } else {
                let sd = (d.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt();
                let cv = sd / mean;
                if cv <= self.x_cv {
                    Xyz::X
                } else if cv <= self.y_cv {
                    Xyz::Y
                } else {
                    Xyz::Z
                }
            };
            out.push((abc[i], xyz));
        }
        Ok(out)
    }
}
