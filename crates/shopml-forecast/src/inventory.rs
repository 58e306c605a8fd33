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

//! ## Units
//!
//! Service levels and fill rates are percentages, like interval levels
//! everywhere in shopml: `95.0` for 95 %. A value below 1 is an error (it is
//! almost always a fraction meant as a percentage: `0.95` → pass `95.0`).
//! Every result is checked finite; NaN or infinite inputs are errors naming
//! the parameter.

use serde::{Deserialize, Serialize};
use shopml_core::Error;
use shopml_core::validate::param;

use crate::error::Result;
use crate::normal;

/// The longest lead time [`LeadTimeDemand::from_forecast`] accepts, in periods.
pub const MAX_LEAD_TIME: usize = 1000;

/// A fitted model that can give the distribution of total demand over the
/// next `lead_time` periods (implemented by [`Ets`](crate::ets::Ets),
/// [`AutoEts`](crate::ets::AutoEts) and
/// [`HoltWinters`](crate::holt_winters::HoltWinters)).
pub trait LeadTimeForecast {
    /// Mean and standard deviation of the total demand over the next
    /// `lead_time` periods (`1..=MAX_LEAD_TIME`).
    fn lead_time_demand(&self, lead_time: usize) -> Result<LeadTimeDemand>;
}

/// Demand during the replenishment lead time. Loading from JSON checks a
/// finite mean ≥ 0 and a finite standard deviation ≥ 0.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "LeadTimeDemandRaw")]
pub struct LeadTimeDemand {
    /// Mean lead-time demand.
    pub mean: f64,
    /// Standard deviation of lead-time demand.
    pub std_dev: f64,
}

#[derive(Deserialize)]
struct LeadTimeDemandRaw {
    mean: f64,
    std_dev: f64,
}

impl TryFrom<LeadTimeDemandRaw> for LeadTimeDemand {
    type Error = crate::ForecastError;
    fn try_from(r: LeadTimeDemandRaw) -> Result<Self> {
        LeadTimeDemand::new(r.mean, r.std_dev)
    }
}

impl LeadTimeDemand {
    /// Lead-time demand with the given mean and standard deviation, both
    /// finite and non-negative.
    pub fn new(mean: f64, std_dev: f64) -> Result<Self> {
        let ltd = LeadTimeDemand { mean, std_dev };
        ltd.check()?;
        Ok(ltd)
    }

    /// The lead-time demand a forecasting model implies: mean and standard
    /// deviation of the *total* demand over the next `lead_time` periods,
    /// from the model's own error structure (see [`LeadTimeForecast`]; for
    /// ETS, exact for additive-error linear models and simulated for the
    /// others). This is the σ a safety stock needs — not a σ backed out of
    /// an interval, nor `√sigma2`, which for multiplicative-error models is
    /// the spread of relative errors.
    ///
    /// ```
    /// use shopml_core::{Fit, TimeSeries};
    /// use shopml_forecast::ets::AutoEts;
    /// use shopml_forecast::inventory::{LeadTimeDemand, reorder_point, safety_stock_cycle_service};
    ///
    /// let weekly: Vec<f64> = (0..52).map(|t| 40.0 + ((t * 7) % 5) as f64).collect();
    /// let model = AutoEts::params().fit(&TimeSeries::new(weekly, 1).unwrap()).unwrap();
    /// let ltd = LeadTimeDemand::from_forecast(&model, 2).unwrap();
    /// let safety = safety_stock_cycle_service(&ltd, 95.0).unwrap();
    /// let rop = reorder_point(&ltd, safety).unwrap();
    /// assert!(rop > ltd.mean && ltd.mean > 70.0);
    /// ```
    pub fn from_forecast<M: LeadTimeForecast + ?Sized>(model: &M, lead_time: usize) -> Result<Self> {
        model.lead_time_demand(lead_time)
    }

    fn check(&self) -> Result<()> {
        param::non_negative("lead-time demand mean", self.mean)?;
        param::non_negative("lead-time demand std_dev", self.std_dev)?;
        Ok(())
    }
}

/// Checks a service level or fill rate in percent: in `[1, 100)`.
fn check_percent(name: &'static str, v: f64) -> Result<f64> {
    if !(v.is_finite() && (1.0..100.0).contains(&v)) {
        let hint = if v > 0.0 && v < 1.0 { format!(" — percentages: for {}% pass {}", v * 100.0, v * 100.0) } else { String::new() };
        return Err(Error::param(name, format!("must be a percentage in [1, 100), got {v}{hint}")).into());
    }
    Ok(v / 100.0)
}

/// A finite result or an error naming what overflowed.
fn finite(what: &'static str, v: f64) -> Result<f64> {
    if v.is_finite() { Ok(v) } else { Err(Error::param(what, format!("the result is not finite ({v}); inputs too large")).into()) }
}

/// Lead-time demand from per-period demand `(mean, std_dev)` and a lead time
/// of `lead_time` periods on average with standard deviation `lead_time_std_dev`.
pub fn lead_time_demand(mean_demand: f64, demand_std_dev: f64, lead_time: f64, lead_time_std_dev: f64) -> Result<LeadTimeDemand> {
    param::non_negative("mean_demand", mean_demand)?;
    param::non_negative("demand_std_dev", demand_std_dev)?;
    param::non_negative("lead_time", lead_time)?;
    param::non_negative("lead_time_std_dev", lead_time_std_dev)?;
    let var = lead_time * demand_std_dev * demand_std_dev + mean_demand * mean_demand * lead_time_std_dev * lead_time_std_dev;
    LeadTimeDemand::new(finite("mean lead-time demand", mean_demand * lead_time)?, finite("lead-time demand variance", var)?.sqrt())
}

/// Safety stock for a cycle service level in percent, e.g. `95.0`
/// (probability of no stock-out per replenishment cycle).
pub fn safety_stock_cycle_service(ltd: &LeadTimeDemand, cycle_service_level: f64) -> Result<f64> {
    ltd.check()?;
    let p = check_percent("cycle_service_level", cycle_service_level)?;
    finite("safety stock", normal::quantile(p)? * ltd.std_dev)
}

/// Safety stock for a fill-rate target in percent (e.g. `98.0`) with order
/// quantity `order_quantity`.
pub fn safety_stock_fill_rate(ltd: &LeadTimeDemand, fill_rate: f64, order_quantity: f64) -> Result<f64> {
    ltd.check()?;
    let p = check_percent("fill_rate", fill_rate)?;
    param::positive("order_quantity", order_quantity)?;
    if ltd.std_dev == 0.0 {
        return Ok(0.0);
    }
    let g = (1.0 - p) * order_quantity / ltd.std_dev;
    finite("safety stock", normal::loss_inverse(finite("normal loss target", g)?)? * ltd.std_dev)
}

/// Reorder point = mean lead-time demand + safety stock.
pub fn reorder_point(ltd: &LeadTimeDemand, safety_stock: f64) -> Result<f64> {
    ltd.check()?;
    if !safety_stock.is_finite() {
        return Err(Error::param("safety_stock", format!("must be finite, got {safety_stock}")).into());
    }
    finite("reorder point", ltd.mean + safety_stock)
}

/// Economic order quantity for annual (or per-horizon) demand `demand`, fixed
/// cost per order `order_cost` and holding cost per unit `holding_cost`.
pub fn eoq(demand: f64, order_cost: f64, holding_cost: f64) -> Result<f64> {
    param::non_negative("demand", demand)?;
    param::non_negative("order_cost", order_cost)?;
    param::positive("holding_cost", holding_cost)?;
    finite("economic order quantity", (2.0 * demand * order_cost / holding_cost).sqrt())
}

/// Base-stock (order-up-to) level for a periodic review every
/// `review_period` periods: covers demand over lead time plus review period
/// at the given cycle service level (percent).
pub fn base_stock_level(
    mean_demand: f64,
    demand_std_dev: f64,
    lead_time: f64,
    review_period: f64,
    cycle_service_level: f64,
) -> Result<f64> {
    param::non_negative("review_period", review_period)?;
    let ltd = lead_time_demand(mean_demand, demand_std_dev, lead_time + review_period, 0.0)?;
    finite("base-stock level", ltd.mean + safety_stock_cycle_service(&ltd, cycle_service_level)?)
}

shopml_core::validated_struct! {
    /// An (s, S) policy: order up to `max` whenever the inventory position
    /// falls to `min` or below. Loading checks both finite and `min ≤ max`.
    pub struct MinMaxPolicy ("MinMaxPolicyRaw" as MinMaxPolicyRaw, check = MinMaxPolicy::check, error = Error) {
        /// Reorder level s.
        pub min: f64,
        /// Order-up-to level S.
        pub max: f64,
    }
}

impl Copy for MinMaxPolicy {}

impl MinMaxPolicy {
    fn check(&self) -> std::result::Result<(), Error> {
        if !(self.min.is_finite() && self.max.is_finite() && self.min <= self.max) {
            return Err(Error::param("min", format!("an (s, S) policy needs finite s ≤ S, got s = {}, S = {}", self.min, self.max)));
        }
        Ok(())
    }
}

/// The (s, S) heuristic: `s` = reorder point at the cycle service level,
/// `S = s + EOQ` with `demand_per_period × periods_per_year` as yearly demand.
/// The cycle service level is in percent.
pub fn min_max_policy(
    ltd: &LeadTimeDemand,
    cycle_service_level: f64,
    yearly_demand: f64,
    order_cost: f64,
    holding_cost: f64,
) -> Result<MinMaxPolicy> {
    let s = reorder_point(ltd, safety_stock_cycle_service(ltd, cycle_service_level)?)?;
    Ok(MinMaxPolicy { min: s, max: finite("order-up-to level", s + eoq(yearly_demand, order_cost, holding_cost)?)? })
}

/// Newsvendor quantity for normal demand: the `c_u / (c_u + c_o)` quantile,
/// `underage_cost` the margin lost per unit short, `overage_cost` the loss per unit left over.
pub fn newsvendor_normal(mean: f64, std_dev: f64, underage_cost: f64, overage_cost: f64) -> Result<f64> {
    if !mean.is_finite() {
        return Err(Error::param("mean", format!("must be finite, got {mean}")).into());
    }
    param::non_negative("std_dev", std_dev)?;
    let ratio = critical_ratio(underage_cost, overage_cost)?;
    finite("newsvendor quantity", mean + normal::quantile(ratio)? * std_dev)
}

/// Newsvendor quantity from a demand sample (forecast scenarios or history):
/// the empirical `c_u / (c_u + c_o)` quantile (smallest sample value whose
/// empirical CDF reaches the ratio).
pub fn newsvendor_empirical(sample: &[f64], underage_cost: f64, overage_cost: f64) -> Result<f64> {
    if sample.is_empty() {
        return Err(Error::empty("demand sample").into());
    }
    shopml_core::validate::finite_slice("demand sample", sample)?;
    let ratio = critical_ratio(underage_cost, overage_cost)?;
    let mut s = sample.to_vec();
    s.sort_by(f64::total_cmp);
    let k = ((ratio * s.len() as f64).ceil() as usize).clamp(1, s.len());
    Ok(s[k - 1])
}

fn critical_ratio(underage_cost: f64, overage_cost: f64) -> Result<f64> {
    param::positive("underage_cost", underage_cost)?;
    param::positive("overage_cost", overage_cost)?;
    // Divide first: the sum of two finite costs can overflow.
    let ratio = 1.0 / (1.0 + overage_cost / underage_cost);
    if !(ratio > 0.0 && ratio < 1.0) {
        return Err(Error::param(
            "underage_cost",
            format!("the critical ratio c_u / (c_u + c_o) = {ratio} must lie strictly between 0 and 1"),
        )
        .into());
    }
    Ok(ratio)
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

/// Thresholds for ABC/XYZ classification (validated on load from JSON).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "AbcXyzRaw")]
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

#[derive(Deserialize)]
struct AbcXyzRaw {
    a_share: f64,
    b_share: f64,
    x_cv: f64,
    y_cv: f64,
}

impl TryFrom<AbcXyzRaw> for AbcXyz {
    type Error = crate::ForecastError;
    fn try_from(r: AbcXyzRaw) -> Result<Self> {
        use shopml_core::Params;
        let t = AbcXyz { a_share: r.a_share, b_share: r.b_share, x_cv: r.x_cv, y_cv: r.y_cv };
        t.check()?;
        Ok(t)
    }
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
    pub fn classify(&self, revenue: &[f64], demand: &[Vec<f64>]) -> Result<Vec<(Abc, Xyz)>> {
        use shopml_core::Params;
        self.check()?;
        if revenue.len() != demand.len() {
            return Err(
                Error::shape("revenue vs demand", format!("{} products", revenue.len()), format!("{} products", demand.len())).into()
            );
        }
        shopml_core::validate::finite_slice("revenue", revenue)?;
        if let Some(row) = revenue.iter().position(|&r| r < 0.0) {
            return Err(Error::InvalidValue {
                what: "revenue".into(),
                row,
                column: None,
                value: revenue[row],
                reason: "revenue cannot be negative".into(),
            }
            .into());
        }
        let total: f64 = revenue.iter().sum();
        if !total.is_finite() {
            return Err(Error::param("revenue", format!("the total revenue overflows ({total})")).into());
        }
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
