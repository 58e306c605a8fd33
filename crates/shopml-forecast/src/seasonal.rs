//! Seasonality test and classical seasonal adjustment, as used by the M3/M4
//! competitions for the Theta method and the Naive2 benchmark.
//!
//! The test (Assimakopoulos & Nikolopoulos 2000; M4 guidelines) declares a
//! series seasonal when `|r_m| > z₀.₉₅ √((1 + 2 Σ_{k<m} r_k²) / n)`, `r_k` the
//! lag-`k` autocorrelation — a 90 % two-sided test. Seasonal series are
//! adjusted with a classical multiplicative decomposition (additive when the
//! data are not positive or an index falls below 0.01).

use serde::{Deserialize, Serialize};
use shopml_core::validated_struct;
use shopml_core::{Error, Fit, Forecast, ForecastResult, Params, TimeSeries};

use crate::decompose::classical_seasonal;
use crate::error::{ForecastError, Result};
use crate::intervals::{check_levels, normal_intervals};
use crate::series_check::check_series;

/// Sample autocorrelation at lags `1..=max_lag`.
pub fn acf(y: &[f64], max_lag: usize) -> Vec<f64> {
    let n = y.len();
    let mean = y.iter().sum::<f64>() / n as f64;
    let den: f64 = y.iter().map(|v| (v - mean).powi(2)).sum();
    (1..=max_lag)
        .map(|k| if k >= n || den == 0.0 { 0.0 } else { (0..n - k).map(|t| (y[t] - mean) * (y[t + k] - mean)).sum::<f64>() / den })
        .collect()
}

/// The 90 % autocorrelation seasonality test at lag `m`; `min_cycles` full
/// cycles are required (2 for statsforecast's Theta, 3 for M4's Naive2).
pub fn is_seasonal(y: &[f64], m: usize, min_cycles: usize) -> bool {
    if m < 2 || y.len() < min_cycles * m {
        return false;
    }
    let r = acf(y, m);
    let stat = ((1.0 + 2.0 * r[..m - 1].iter().map(|v| v * v).sum::<f64>()) / y.len() as f64).sqrt();
    stat > 0.0 && r[m - 1].abs() / stat > 1.644_853_626_951_472_2
}

validated_struct! {
    /// Seasonal indices of a series (empty when it is not seasonal).
    pub struct SeasonalAdjustment ("SeasonalAdjustmentRaw" as SeasonalAdjustmentRaw, check = SeasonalAdjustment::check_loaded, error = ForecastError) {
        /// Whether indices multiply (`true`) or add.
        pub multiplicative: bool,
        /// One index per in-sample observation (empty: not seasonal).
        pub indices: Vec<f64>,
        /// Season length.
        pub season_length: usize,
    }
}

impl SeasonalAdjustment {
    /// The checks a loaded model must pass (those fitting guarantees).
    fn check_loaded(&self) -> Result<()> {
        shopml_core::validate::param::at_least("season_length", self.season_length, 1)?;
        if !self.indices.is_empty() && self.indices.len() < self.season_length {
            return Err(Error::shape("seasonal indices (at least one season)", self.season_length, self.indices.len()).into());
        }
        shopml_core::validate::finite_slice("seasonal indices", &self.indices)?;
        if self.multiplicative
            && let Some(row) = self.indices.iter().position(|&s| s <= 0.0)
        {
            return Err(Error::InvalidValue {
                what: "seasonal indices".into(),
                row,
                column: None,
                value: self.indices[row],
                reason: "multiplicative indices must be > 0".into(),
            }
            .into());
        }
        Ok(())
    }
}

impl SeasonalAdjustment {
    /// Tests `y` for seasonality and, if seasonal, decomposes it.
    pub fn detect(y: &[f64], m: usize, min_cycles: usize) -> Self {
        let none = SeasonalAdjustment { multiplicative: true, indices: Vec::new(), season_length: m };
        if !is_seasonal(y, m, min_cycles) {
            return none;
        }
        let positive = y.iter().all(|&v| v > 0.0);
        if positive {
            let idx = classical_seasonal(y, m, true);
            if idx.iter().all(|&s| s >= 0.01) {
                return SeasonalAdjustment { multiplicative: true, indices: idx, season_length: m };
            }
        }
        SeasonalAdjustment { multiplicative: false, indices: classical_seasonal(y, m, false), season_length: m }
    }
    /// Whether an adjustment applies.
    pub fn is_seasonal(&self) -> bool {
        !self.indices.is_empty()
    }
    /// The seasonally adjusted series.
    pub fn adjust(&self, y: &[f64]) -> Vec<f64> {
        if !self.is_seasonal() {
            return y.to_vec();
        }
        y.iter().zip(&self.indices).map(|(v, s)| if self.multiplicative { v / s } else { v - s }).collect()
    }
    /// The index applying `h` steps (1-based) after the last observation.
    pub fn future_index(&self, h: usize) -> f64 {
        if !self.is_seasonal() {
            return if self.multiplicative { 1.0 } else { 0.0 };
        }
        let n = self.indices.len();
        let m = self.season_length;
        self.indices[n - m + (h - 1) % m]
    }
    /// Re-seasonalises a forecast made on the adjusted scale.
    pub fn reseasonalize(&self, point: &mut [f64]) {
        if !self.is_seasonal() {
            return;
        }
        for (h, p) in point.iter_mut().enumerate() {
            let s = self.future_index(h + 1);
            if self.multiplicative {
                *p *= s;
            } else {
                *p += s;
            }
        }
    }
}

/// The M4 "Naive2" benchmark: naive forecast of the seasonally adjusted series
/// (90 % test, three full cycles required), re-seasonalised.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Naive2Params;

validated_struct! {
    /// A fitted Naive2 benchmark.
    pub struct Naive2 ("Naive2Raw" as Naive2Raw, check = Naive2::check_loaded, error = ForecastError) {
        /// Seasonal adjustment used.
        pub adjustment: SeasonalAdjustment,
        /// Last seasonally adjusted value.
        pub last: f64,
        /// RMS of one-step adjusted residuals (naive interval scale).
        pub sigma: f64,
    }
}

impl Naive2 {
    /// The checks a loaded model must pass (those fitting guarantees).
    fn check_loaded(&self) -> Result<()> {
        shopml_core::validate::finite_slice("last", &[self.last])?;
        shopml_core::validate::param::non_negative("sigma", self.sigma)?;
        Ok(())
    }
}

impl Params for Naive2Params {
    fn check(&self) -> shopml_core::Result<()> {
        Ok(())
    }
}

impl Fit<TimeSeries> for Naive2Params {
    type Model = Naive2;
    type Error = ForecastError;
    fn fit(&self, series: &TimeSeries) -> Result<Naive2> {
        check_series("Naive2", series, false)?;
        let y = series.values();
        let adjustment = SeasonalAdjustment::detect(y, series.season_length(), 3);
        let a = adjustment.adjust(y);
        let d: Vec<f64> = a.windows(2).map(|w| w[1] - w[0]).collect();
        let sigma = if d.is_empty() { 0.0 } else { (d.iter().map(|v| v * v).sum::<f64>() / d.len() as f64).sqrt() };
        Ok(Naive2 { last: a[a.len() - 1], adjustment, sigma })
    }
}

impl Forecast for Naive2 {
    fn forecast(&self, horizon: usize, levels: &[f64]) -> shopml_core::Result<ForecastResult> {
        check_levels(levels)?;
        crate::intervals::check_horizon(horizon)?;
        let mut point = vec![self.last; horizon];
        let var: Vec<f64> = (1..=horizon).map(|h| self.sigma * self.sigma * h as f64).collect();
        let mut intervals = normal_intervals(&point, &var, levels)?;
        self.adjustment.reseasonalize(&mut point);
        for iv in intervals.iter_mut() {
            self.adjustment.reseasonalize(&mut iv.lower);
            self.adjustment.reseasonalize(&mut iv.upper);
        }
        Ok(ForecastResult { point, intervals })
    }
}
