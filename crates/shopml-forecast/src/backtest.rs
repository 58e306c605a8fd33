//! Rolling-origin evaluation (Tashman 2000, IJF 16(4)): refit at `n_windows`
//! forecast origins spaced `step` apart, the last one `horizon` steps before
//! the end, and score each `horizon`-step forecast against what happened.

use serde::{Deserialize, Serialize};
use shopml_core::metrics::forecast::{bias, mae, mase, rmse, smape};
use shopml_core::{Error, Forecast, Params, TimeSeries};

use crate::error::{ForecastError, Result};
use crate::model::ModelSpec;

/// Rolling-origin settings.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Backtest {
    /// Steps forecast from each origin.
    pub horizon: usize,
    /// Distance between consecutive origins.
    pub step: usize,
    /// Number of origins.
    pub n_windows: usize,
}

impl Params for Backtest {
    fn check(&self) -> shopml_core::Result<()> {
        use shopml_core::validate::param::at_least;
        at_least("horizon", self.horizon, 1)?;
        at_least("step", self.step, 1)?;
        at_least("n_windows", self.n_windows, 1)
    }
}

/// Forecast accuracy over the windows of one series (errors pooled).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Accuracy {
    /// Mean absolute error.
    #[serde(with = "shopml_core::serde_float")]
    pub mae: f64,
    /// Root mean squared error.
    #[serde(with = "shopml_core::serde_float")]
    pub rmse: f64,
    /// M4 sMAPE (0–200).
    #[serde(with = "shopml_core::serde_float")]
    pub smape: f64,
    /// MASE (scaled by the first training window's seasonal naive errors;
    /// NaN when that scale is zero).
    #[serde(with = "shopml_core::serde_float")]
    pub mase: f64,
    /// Mean of forecast − actual.
    #[serde(with = "shopml_core::serde_float")]
    pub bias: f64,
}

/// One origin's forecast and what happened.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Window {
    /// Number of observations the model was fitted on.
    pub origin: usize,
    /// Point forecasts.
    pub forecast: Vec<f64>,
    /// Actual values.
    pub actual: Vec<f64>,
}

/// Result of a backtest on one series.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BacktestReport {
    /// Every window, oldest origin first.
    pub windows: Vec<Window>,
    /// Accuracy over all windows.
    pub accuracy: Accuracy,
}

impl Backtest {
    /// Origins (training lengths) for a series of length `n`, oldest first.
    pub fn origins(&self, n: usize) -> Result<Vec<usize>> {
        self.check()?;
        // Checked: a huge `step`, `horizon` or `n_windows` is a series too short, not an overflow.
        let span = (self.n_windows - 1).checked_mul(self.step).and_then(|v| v.checked_add(self.horizon)).and_then(|v| v.checked_add(2));
        match span {
            Some(need) if n >= need => {}
            _ => return Err(ForecastError::TooShort { model: "backtest".into(), needed: span.unwrap_or(usize::MAX), found: n }),
        }
        Ok((0..self.n_windows).rev().map(|w| n - self.horizon - w * self.step).collect())
    }

    /// Runs the backtest of `model` on `series`.
    pub fn run(&self, model: &ModelSpec, series: &TimeSeries) -> Result<BacktestReport> {
        let y = series.values();
        shopml_core::validate::finite_slice("series values", y)?;
        let m = series.season_length();
        let origins = self.origins(y.len())?;
        let mut windows = Vec::with_capacity(origins.len());
        for origin in origins {
            let train = TimeSeries::new(y[..origin].to_vec(), m)?;
            let fc = model.fit(&train)?.forecast(self.horizon, &[])?;
            windows.push(Window { origin, forecast: fc.point, actual: y[origin..origin + self.horizon].to_vec() });
        }
        let f: Vec<f64> = windows.iter().flat_map(|w| w.forecast.iter().copied()).collect();
        let a: Vec<f64> = windows.iter().flat_map(|w| w.actual.iter().copied()).collect();
        let first = windows[0].origin;
        let mase_m = if first > m { m } else { 1 };
        let accuracy = Accuracy {
            mae: mae(&a, &f)?,
            rmse: rmse(&a, &f)?,
            smape: smape(&a, &f)?,
            mase: mase(&a, &f, &y[..first], mase_m).unwrap_or(f64::NAN),
            bias: bias(&a, &f)?,
        };
        if !f.iter().all(|v| v.is_finite()) {
            return Err(Error::NonFinite {
                what: "backtest forecasts".into(),
                row: f.iter().position(|v| !v.is_finite()).unwrap_or(0),
                column: None,
                value: f64::NAN,
            }
            .into());
        }
        Ok(BacktestReport { windows, accuracy })
    }
}

/// Mean of per-series accuracies (MASE over the series where it is defined).
pub fn overall(reports: &[Accuracy]) -> Accuracy {
    let mean = |f: &dyn Fn(&Accuracy) -> f64| {
        let v: Vec<f64> = reports.iter().map(f).filter(|x| x.is_finite()).collect();
        if v.is_empty() { f64::NAN } else { v.iter().sum::<f64>() / v.len() as f64 }
    };
    Accuracy { mae: mean(&|a| a.mae), rmse: mean(&|a| a.rmse), smape: mean(&|a| a.smape), mase: mean(&|a| a.mase), bias: mean(&|a| a.bias) }
}
