//! Benchmark forecasts: naive, seasonal naive, random walk with drift and
//! moving average, with their textbook analytic intervals (Hyndman &
//! Athanasopoulos, *Forecasting: Principles and Practice*, 3rd ed., §5.5).
//!
//! With σ̂ the root mean squared one-step in-sample residual:
//! naive `σ_h = σ̂√h`; seasonal naive `σ_h = σ̂√(k + 1)`, `k = ⌊(h − 1)/m⌋`;
//! drift `σ_h = σ̂√(h (1 + h/(T − 1)))`; moving average of window `w`, viewed as
//! the mean of i.i.d. draws, `σ_h = σ̂√(1 + 1/w)` with σ̂ the sample standard
//! deviation of the window.

use serde::{Deserialize, Serialize};
use shopml_core::validated_struct;
use shopml_core::{Error, Fit, Forecast, ForecastResult, Params, TimeSeries};

use crate::error::{ForecastError, Result};
use crate::intervals::{check_levels, normal_intervals};
use crate::series_check::check_series;

/// Which benchmark method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum BaselineMethod {
    /// Last value.
    Naive,
    /// Value one season ago.
    SeasonalNaive,
    /// Last value plus the average historical change per step.
    Drift,
    /// Mean of the last `window` values.
    MovingAverage {
        /// Number of trailing observations averaged.
        window: usize,
    },
}

/// Hyper-parameters of a benchmark forecast.
///
/// ```
/// use shopml_core::{Fit, Forecast, TimeSeries};
/// use shopml_forecast::baseline::BaselineParams;
/// let y = TimeSeries::new(vec![1.0, 2.0, 4.0], 1).unwrap();
/// let f = BaselineParams::drift().fit(&y).unwrap().forecast(2, &[]).unwrap();
/// assert_eq!(f.point, vec![5.5, 7.0]);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct BaselineParams {
    method: BaselineMethod,
}

impl BaselineParams {
    /// The naive (random walk) forecast.
    pub fn naive() -> Self {
        BaselineParams { method: BaselineMethod::Naive }
    }
    /// The seasonal naive forecast (uses the series' season length).
    pub fn seasonal_naive() -> Self {
        BaselineParams { method: BaselineMethod::SeasonalNaive }
    }
    /// The random walk with drift.
    pub fn drift() -> Self {
        BaselineParams { method: BaselineMethod::Drift }
    }
    /// The moving average of the last `window` observations.
    pub fn moving_average(window: usize) -> Self {
        BaselineParams { method: BaselineMethod::MovingAverage { window } }
    }
    /// The method.
    pub fn method(&self) -> BaselineMethod {
        self.method
    }
}

impl Params for BaselineParams {
    fn check(&self) -> shopml_core::Result<()> {
        if let BaselineMethod::MovingAverage { window } = self.method {
            shopml_core::validate::param::at_least("window", window, 1)?;
        }
        Ok(())
    }
}

validated_struct! {
    /// A fitted benchmark forecast.
    pub struct Baseline ("BaselineRaw" as BaselineRaw, check = Baseline::check_loaded, error = ForecastError) {
        /// The method.
        pub method: BaselineMethod,
        /// The trailing observations the forecast repeats (last value, last
        /// season, or the averaging window).
        pub tail: Vec<f64>,
        /// Drift per step (0 unless drift).
        pub slope: f64,
        /// Residual scale σ̂ used by the intervals (0 when it cannot be estimated).
        pub sigma: f64,
        /// Number of observations fitted.
        pub n_obs: usize,
    }
}

impl Baseline {
    /// The checks a loaded model must pass (those fitting guarantees).
    fn check_loaded(&self) -> Result<()> {
        use shopml_core::validate::{finite_slice, param};
        if self.tail.is_empty() {
            return Err(Error::empty("baseline tail").into());
        }
        finite_slice("tail", &self.tail)?;
        finite_slice("slope", &[self.slope])?;
        param::non_negative("sigma", self.sigma)?;
        Ok(())
    }
}

fn rms(v: impl Iterator<Item = f64>) -> f64 {
    let (mut s, mut c) = (0.0, 0usize);
    for x in v {
        s += x * x;
        c += 1;
    }
    if c == 0 { 0.0 } else { (s / c as f64).sqrt() }
}

impl Fit<TimeSeries> for BaselineParams {
    type Model = Baseline;
    type Error = ForecastError;
    fn fit(&self, series: &TimeSeries) -> Result<Baseline> {
        self.check()?;
        check_series("baseline", series, false)?;
        let y = series.values();
        let n = y.len();
        let too_short = |needed: usize| ForecastError::TooShort { model: format!("{:?}", self.method), needed, found: n };
        let (tail, slope, sigma) = match self.method {
            BaselineMethod::Naive => (vec![y[n - 1]], 0.0, rms(y.windows(2).map(|w| w[1] - w[0]))),
            BaselineMethod::SeasonalNaive => {
                let m = series.season_length();
                if n < m {
                    return Err(too_short(m));
                }
                (y[n - m..].to_vec(), 0.0, rms((m..n).map(|t| y[t] - y[t - m])))
            }
            BaselineMethod::Drift => {
                if n < 2 {
                    return Err(too_short(2));
                }
                let slope = (y[n - 1] - y[0]) / (n - 1) as f64;
                (vec![y[n - 1]], slope, rms(y.windows(2).map(|w| w[1] - w[0] - slope)))
            }
            BaselineMethod::MovingAverage { window } => {
                if n < window {
                    return Err(too_short(window));
                }
                let w = &y[n - window..];
                let mean = w.iter().sum::<f64>() / window as f64;
                let sd = if window > 1 { (w.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (window - 1) as f64).sqrt() } else { 0.0 };
                (w.to_vec(), 0.0, sd)
            }
        };
        Ok(Baseline { method: self.method, tail, slope, sigma, n_obs: n })
    }
}

impl Baseline {
    /// Point forecasts.
    pub fn point(&self, horizon: usize) -> Vec<f64> {
        match self.method {
            BaselineMethod::Naive => vec![self.tail[0]; horizon],
            BaselineMethod::SeasonalNaive => (0..horizon).map(|h| self.tail[h % self.tail.len()]).collect(),
            BaselineMethod::Drift => (1..=horizon).map(|h| self.tail[0] + self.slope * h as f64).collect(),
            BaselineMethod::MovingAverage { .. } => vec![self.tail.iter().sum::<f64>() / self.tail.len() as f64; horizon],
        }
    }
    /// Forecast standard deviation per step.
    pub fn sigma_h(&self, horizon: usize) -> Vec<f64> {
        let s = self.sigma;
        (1..=horizon)
            .map(|h| {
                let hf = h as f64;
                match self.method {
                    BaselineMethod::Naive => s * hf.sqrt(),
                    BaselineMethod::SeasonalNaive => s * (((h - 1) / self.tail.len()) as f64 + 1.0).sqrt(),
                    BaselineMethod::Drift => {
                        let t = self.n_obs as f64;
                        s * (hf * (1.0 + hf / (t - 1.0).max(1.0))).sqrt()
                    }
                    BaselineMethod::MovingAverage { window } => s * (1.0 + 1.0 / window as f64).sqrt(),
                }
            })
            .collect()
    }
}

impl Forecast for Baseline {
    fn forecast(&self, horizon: usize, levels: &[f64]) -> shopml_core::Result<ForecastResult> {
        check_levels(levels)?;
        crate::intervals::check_horizon(horizon)?;
        if horizon == 0 {
            return Err(Error::param("horizon", "must be at least 1"));
        }
        let point = self.point(horizon);
        let var: Vec<f64> = self.sigma_h(horizon).iter().map(|s| s * s).collect();
        let intervals = normal_intervals(&point, &var, levels)?;
        Ok(ForecastResult { point, intervals })
    }
}
