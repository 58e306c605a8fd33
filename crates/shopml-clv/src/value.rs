//! Customer lifetime value: expected future purchases × expected spend ×
//! margin, discounted per period.

use crate::error::{ClvError, Result};
use crate::model::{RepeatPurchaseModel, per_customer};
use crate::spend::GammaGamma;
use crate::summary::Summary;
use serde::{Deserialize, Serialize};

/// The horizon and the money side of a CLV calculation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClvParams {
    /// Number of discounting periods in the horizon (lifetimes' `time`, 12 by default).
    pub periods: usize,
    /// Length of one period in the model's time unit (30 for months when
    /// the unit is days, as lifetimes' `freq="D"`).
    pub period_length: f64,
    /// Discount rate per period (0.01 = 1 % a month).
    pub discount_rate: f64,
    /// Profit margin applied to spend (1 = revenue).
    pub margin: f64,
}

impl Default for ClvParams {
    fn default() -> Self {
        ClvParams { periods: 12, period_length: 30.0, discount_rate: 0.01, margin: 1.0 }
    }
}

impl ClvParams {
    fn check(&self) -> shopml_core::Result<()> {
        use shopml_core::Error;
        if self.periods == 0 || self.periods > 100_000 {
            return Err(Error::param("periods", "must be between 1 and 100000"));
        }
        if !(self.period_length.is_finite() && self.period_length > 0.0) {
            return Err(Error::param("period_length", "must be finite and positive"));
        }
        if !(self.discount_rate.is_finite() && self.discount_rate > -1.0) {
            return Err(Error::param("discount_rate", "must be finite and above -1"));
        }
        if !self.margin.is_finite() {
            return Err(Error::param("margin", "must be finite"));
        }
        Ok(())
    }
}

/// CLV of every customer of `summary`, in the discounted-cash-flow form of
/// lifetimes' `customer_lifetime_value`:
///
/// `CLVᵢ = margin · E[spendᵢ] · Σ_{k=1}^{K} (E[Yᵢ(k·L)] − E[Yᵢ((k−1)·L)]) / (1 + d)^k`
///
/// with E[Yᵢ(t)] the repeat-purchase model's conditional expectation, L the
/// period length, d the discount rate per period and E\[spendᵢ\] the
/// Gamma-Gamma conditional expected spend. Parallel over customers.
pub fn customer_lifetime_value<M: RepeatPurchaseModel + ?Sized>(
    model: &M,
    spend: &GammaGamma,
    summary: &Summary,
    params: &ClvParams,
) -> Result<Vec<f64>> {
    params.check()?;
    spend.require_mean()?;
    let discount: Vec<f64> = (1..=params.periods).map(|k| (1.0 + params.discount_rate).powi(-(k as i32))).collect();
    let horizons: Vec<f64> = (1..=params.periods).map(|k| k as f64 * params.period_length).collect();
    per_customer(summary, "CLV", |c| {
        let m = spend.conditional_expected_spend(c.frequency, c.monetary);
        let mut expected = vec![0.0; horizons.len()];
        model.conditional_expected_purchases_at(&horizons, c.frequency, c.recency, c.t, &mut expected);
        let mut prev = 0.0;
        let mut acc = 0.0;
        for (e, d) in expected.iter().zip(&discount) {
            acc += (e - prev) * d;
            prev = *e;
        }
        params.margin * m * acc
    })
    .map_err(|e| match e {
        ClvError::NonFinite { customer, value, .. } => ClvError::NonFinite { customer, quantity: "CLV", value },
        other => other,
    })
}
