//! Forecasting series with several seasonal cycles (half-hourly demand with
//! a daily and a weekly cycle): MSTL decomposition, a non-seasonal AutoETS on
//! the seasonally adjusted series, and each seasonal component continued by
//! repeating its last cycle — the MSTL forecaster of Bandara, Hyndman &
//! Bergmeir (2021), as statsforecast's `MSTL` with its default
//! `AutoETS(model="ZZN")` trend forecaster.
//!
//! Prediction intervals are the trend forecaster's, shifted by the seasonal
//! continuation (the seasonal components are treated as known).
//!
//! ```
//! use shopml_core::{Fit, Forecast, TimeSeries};
//! use shopml_forecast::mstl::MstlEts;
//! let y: Vec<f64> = (0..24 * 7 * 4)
//!     .map(|t| {
//!         let t = t as f64;
//!         100.0 + 10.0 * (t * std::f64::consts::TAU / 24.0).sin() + 5.0 * (t * std::f64::consts::TAU / 168.0).sin()
//!     })
//!     .collect();
//! let model = MstlEts::params(vec![24, 168]).fit(&TimeSeries::new(y, 24).unwrap()).unwrap();
//! let f = model.forecast(48, &[95.0]).unwrap();
//! assert_eq!(f.point.len(), 48);
//! ```

use serde::{Deserialize, Serialize};
use shopml_core::{Error, Fit, Forecast, ForecastResult, Interval, Params, TimeSeries};

use crate::error::{ForecastError, Result};
use crate::ets::{AutoEts, AutoEtsParams};
use crate::stl::{MstlParams, mstl};

/// Parameters of the MSTL + AutoETS forecaster; fit gives an [`MstlEts`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MstlEtsParams {
    /// Decomposition options (the seasonal periods, windows, passes).
    pub decomposition: MstlParams,
    /// The forecaster of the seasonally adjusted series (made non-seasonal).
    pub trend: AutoEtsParams,
}

impl MstlEtsParams {
    /// Defaults for the given seasonal periods.
    pub fn new(periods: Vec<usize>) -> Self {
        MstlEtsParams { decomposition: MstlParams::new(periods), trend: AutoEtsParams::default().seasonal(false) }
    }
    /// Sets the trend forecaster's search (seasonal candidates are always off).
    pub fn trend(mut self, p: AutoEtsParams) -> Self {
        self.trend = p.seasonal(false);
        self
    }
}

impl Params for MstlEtsParams {
    fn check(&self) -> shopml_core::Result<()> {
        if self.decomposition.periods.is_empty() {
            return Err(Error::param("periods", "at least one seasonal period"));
        }
        if let Some(&p) = self.decomposition.periods.iter().find(|&&p| p < 2) {
            return Err(Error::param("periods", format!("seasonal periods must be at least 2, got {p}")));
        }
        self.trend.check()
    }
}

/// A fitted MSTL + AutoETS forecaster. Loading checks one last cycle per
/// period, of the period's length, with finite values.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "MstlEtsRaw")]
pub struct MstlEts {
    periods: Vec<usize>,
    /// The last cycle of each seasonal component (same order as `periods`).
    last_cycles: Vec<Vec<f64>>,
    trend: AutoEts,
}

#[derive(Deserialize)]
struct MstlEtsRaw {
    periods: Vec<usize>,
    last_cycles: Vec<Vec<f64>>,
    trend: AutoEts,
}

impl TryFrom<MstlEtsRaw> for MstlEts {
    type Error = ForecastError;
    fn try_from(r: MstlEtsRaw) -> Result<Self> {
        if r.periods.is_empty() {
            return Err(Error::empty("seasonal periods").into());
        }
        if r.last_cycles.len() != r.periods.len() {
            return Err(Error::shape("last cycles (one per period)", r.periods.len(), r.last_cycles.len()).into());
        }
        for (p, c) in r.periods.iter().zip(&r.last_cycles) {
            if *p < 2 || c.len() != *p {
                return Err(Error::param("last_cycles", format!("period {p} needs a last cycle of {p} ≥ 2 values, got {}", c.len())).into());
            }
            shopml_core::validate::finite_slice("last cycle", c)?;
        }
        Ok(MstlEts { periods: r.periods, last_cycles: r.last_cycles, trend: r.trend })
    }
}

impl MstlEts {
    /// Parameters for the given seasonal periods; see [`MstlEtsParams`].
    pub fn params(periods: Vec<usize>) -> MstlEtsParams {
        MstlEtsParams::new(periods)
    }
    /// The seasonal periods, increasing.
    pub fn periods(&self) -> &[usize] {
        &self.periods
    }
    /// The fitted forecaster of the seasonally adjusted series.
    pub fn trend_model(&self) -> &AutoEts {
        &self.trend
    }

    fn seasonal_path(&self, horizon: usize) -> Vec<f64> {
        (0..horizon).map(|h| self.last_cycles.iter().map(|c| c[h % c.len()]).sum()).collect()
    }
}

impl Fit<TimeSeries> for MstlEtsParams {
    type Model = MstlEts;
    type Error = ForecastError;
    fn fit(&self, series: &TimeSeries) -> Result<MstlEts> {
        self.check()?;
        let y = series.values();
        if let Some((i, v)) = y.iter().enumerate().find(|(_, v)| !v.is_finite()) {
            return Err(Error::NonFinite { what: "series".into(), row: i, column: None, value: *v }.into());
        }
        let d = mstl(y, &self.decomposition)?;
        let n = y.len();
        let adjusted: Vec<f64> = (0..n).map(|t| d.trend[t] + d.remainder[t]).collect();
        let trend = self.trend.fit(&TimeSeries::new(adjusted, 1)?)?;
        let last_cycles = d.periods.iter().zip(&d.seasonals).map(|(&p, s)| s[n - p..].to_vec()).collect();
        Ok(MstlEts { periods: d.periods, last_cycles, trend })
    }
}

impl Forecast for MstlEts {
    fn forecast(&self, horizon: usize, levels: &[f64]) -> shopml_core::Result<ForecastResult> {
        let base = self.trend.forecast(horizon, levels)?;
        let seasonal = self.seasonal_path(horizon);
        let shift = |v: &[f64]| v.iter().zip(&seasonal).map(|(a, s)| a + s).collect::<Vec<f64>>();
        Ok(ForecastResult {
            point: shift(&base.point),
            intervals: base.intervals.iter().map(|i| Interval { level: i.level, lower: shift(&i.lower), upper: shift(&i.upper) }).collect(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_noise_free_double_cycle_is_forecast_almost_exactly() {
        let f = |t: usize| {
            let t = t as f64;
            50.0 + 8.0 * (t * std::f64::consts::TAU / 12.0).sin() + 4.0 * (t * std::f64::consts::TAU / 60.0).cos()
        };
        let n = 600;
        let y: Vec<f64> = (0..n).map(f).collect();
        let m = MstlEts::params(vec![12, 60]).fit(&TimeSeries::new(y, 12).unwrap()).unwrap();
        let fc = m.forecast(60, &[95.0]).unwrap();
        for (h, p) in fc.point.iter().enumerate() {
            assert!((p - f(n + h)).abs() < 0.05, "step {h}: {p} vs {}", f(n + h));
            assert!(fc.intervals[0].lower[h] <= *p && *p <= fc.intervals[0].upper[h]);
        }
    }

    #[test]
    fn bad_parameters_are_errors() {
        let y = TimeSeries::new(vec![1.0; 100], 1).unwrap();
        assert!(MstlEts::params(vec![]).fit(&y).is_err());
        assert!(MstlEts::params(vec![1]).fit(&y).is_err());
        assert!(MstlEts::params(vec![80]).fit(&y).is_err());
    }
}
