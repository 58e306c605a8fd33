//! Split-conformal prediction intervals from rolling-origin forecast errors
//! (Vovk, Gammerman & Shafer 2005, *Algorithmic Learning in a Random World*;
//! the rolling-origin calibration used by statsforecast's `ConformalIntervals`
//! follows Stankeviciute et al. 2021, NeurIPS).
//!
//! For each horizon step `h`, the absolute errors `|y − ŷ|` of the `h`-step
//! forecasts made at `n_windows` past origins form a calibration set; the
//! interval at level `L` is `ŷ ± q_h`, where `q_h` is the
//! `⌈(n + 1) L⌉`-th smallest of those errors (the largest when that exceeds `n`).

pub use crate::intervals::conformal_quantile;

use shopml_core::{Forecast, ForecastResult, Interval, TimeSeries};

use crate::backtest::Backtest;
use crate::error::Result;
use crate::intervals::check_levels;
use crate::model::ModelSpec;

/// Point forecast of `model` on the whole series with conformal intervals
/// calibrated on `n_windows` rolling origins (one step apart) before the end.
///
/// ```
/// use shopml_core::TimeSeries;
/// use shopml_forecast::{baseline::BaselineParams, conformal::conformal_forecast, model::ModelSpec};
/// let y = TimeSeries::new((0..40).map(|t| (t % 5) as f64 + 10.0).collect(), 1).unwrap();
/// let f = conformal_forecast(&ModelSpec::BaselineParams(BaselineParams::naive()), &y, 3, &[90.0], 10).unwrap();
/// assert!(f.intervals[0].lower[0] <= f.point[0] && f.point[0] <= f.intervals[0].upper[0]);
/// ```
pub fn conformal_forecast(
    model: &ModelSpec,
    series: &TimeSeries,
    horizon: usize,
    levels: &[f64],
    n_windows: usize,
) -> Result<ForecastResult> {
    check_levels(levels)?;
    crate::intervals::check_horizon(horizon)?;
    let bt = Backtest { horizon, step: 1, n_windows };
    let report = bt.run(model, series)?;
    let point = model.fit(series)?.forecast(horizon, &[])?.point;
    let mut intervals = Vec::with_capacity(levels.len());
    let per_step: Vec<Vec<f64>> = (0..horizon)
        .map(|h| {
            let mut e: Vec<f64> = report.windows.iter().map(|w| (w.actual[h] - w.forecast[h]).abs()).collect();
            e.sort_by(f64::total_cmp);
            e
        })
        .collect();
    for &lv in levels {
        let q: Vec<f64> = per_step.iter().map(|e| conformal_quantile(e, lv / 100.0)).collect();
        intervals.push(Interval {
            level: lv,
            lower: point.iter().zip(&q).map(|(p, d)| p - d).collect(),
            upper: point.iter().zip(&q).map(|(p, d)| p + d).collect(),
        });
    }
    Ok(ForecastResult { point, intervals })
}
