//! Many series at once: a flat values + offsets layout and a parallel
//! forecaster that never aborts the batch.
//!
//! Each series is cleaned (interior NaN gaps linearly interpolated, leading
//! and trailing NaN dropped), then fitted with the requested model. When that
//! fails — too short, non-positive data for a multiplicative model, a
//! diverging fit, non-finite forecasts — the series falls back along
//! `model → ThetaParams → seasonal naive → naive → zero`, and the outcome records
//! which model produced the forecast and why. Series with no demand at all
//! forecast zero. Forecasts are always finite. Work is spread over series
//! with rayon; results do not depend on the thread count.

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use shopml_core::{Error, Forecast, ForecastResult, Interval, TimeSeries};

use crate::baseline::BaselineParams;
use crate::conformal::conformal_forecast;
use crate::error::Result;
use crate::intervals::check_levels;
use crate::model::ModelSpec;
use crate::theta::Theta;

/// Many series stored end to end: series `i` is `values[offsets[i]..offsets[i + 1]]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SeriesBatch {
    values: Vec<f64>,
    offsets: Vec<usize>,
    season_length: usize,
}

impl SeriesBatch {
    /// From a flat buffer and `n + 1` offsets (first 0, non-decreasing, last = `values.len()`).
    pub fn new(values: Vec<f64>, offsets: Vec<usize>, season_length: usize) -> Result<Self> {
        if season_length == 0 {
            return Err(Error::param("season_length", "must be at least 1").into());
        }
        if offsets.first() != Some(&0) || offsets.last() != Some(&values.len()) {
            return Err(
                Error::shape("offsets", format!("0 … {}", values.len()), format!("{:?} … {:?}", offsets.first(), offsets.last())).into()
            );
        }
        if let Some(i) = offsets.windows(2).position(|w| w[1] < w[0]) {
            return Err(Error::InvalidValue {
                what: "offsets".into(),
                row: i + 1,
                column: None,
                value: offsets[i + 1] as f64,
                reason: "offsets must not decrease".into(),
            }
            .into());
        }
        if let Some(row) = values.iter().position(|v| v.is_infinite()) {
            return Err(Error::NonFinite { what: "batch values".into(), row, column: None, value: values[row] }.into());
        }
        Ok(SeriesBatch { values, offsets, season_length })
    }
    /// From one vector per series.
    pub fn from_series(series: &[Vec<f64>], season_length: usize) -> Result<Self> {
        let mut offsets = Vec::with_capacity(series.len() + 1);
        offsets.push(0);
        let mut values = Vec::new();
        for s in series {
            values.extend_from_slice(s);
            offsets.push(values.len());
        }
        Self::new(values, offsets, season_length)
    }
    /// Number of series.
    pub fn len(&self) -> usize {
        self.offsets.len() - 1
    }
    /// Whether the batch holds no series.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Series `i`.
    pub fn series(&self, i: usize) -> &[f64] {
        &self.values[self.offsets[i]..self.offsets[i + 1]]
    }
    /// Season length shared by the series.
    pub fn season_length(&self) -> usize {
        self.season_length
    }
}

/// Drops leading/trailing NaN and interpolates interior gaps linearly.
/// Returns the cleaned values and how many were filled.
pub fn fill_gaps(y: &[f64]) -> (Vec<f64>, usize) {
    let Some(first) = y.iter().position(|v| v.is_finite()) else { return (Vec::new(), 0) };
    let last = y.iter().rposition(|v| v.is_finite()).unwrap_or(first);
    let mut out = y[first..=last].to_vec();
    let mut filled = 0;
    let mut t = 0;
    while t < out.len() {
        if out[t].is_nan() {
            let start = t;
            while out[t].is_nan() {
                t += 1;
            }
            let (a, b) = (out[start - 1], out[t]);
            let gap = (t - start + 1) as f64;
            for k in start..t {
                out[k] = a + (b - a) * (k - start + 1) as f64 / gap;
                filled += 1;
            }
        }
        t += 1;
    }
    (out, filled)
}

/// What happened to one series of a batch.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SeriesOutcome {
    /// The forecast (always finite).
    pub forecast: ForecastResult,
    /// The model that produced it (the selected form for AutoETS).
    pub model: String,
    /// Why the requested model was not used, when it was not.
    pub fallback_reason: Option<String>,
    /// How many missing values were interpolated.
    pub filled_gaps: usize,
}

/// Fits one model to every series of a batch in parallel.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BatchForecaster {
    /// The requested model.
    pub model: ModelSpec,
    /// Steps ahead.
    pub horizon: usize,
    /// Interval levels in percent.
    pub levels: Vec<f64>,
    /// Rolling origins for conformal intervals; 0 uses the model's own intervals.
    pub conformal_windows: usize,
}

impl BatchForecaster {
    /// Forecasts `horizon` steps with `model`'s own intervals at `levels`.
    pub fn new(model: ModelSpec, horizon: usize, levels: Vec<f64>) -> Self {
        BatchForecaster { model, horizon, levels, conformal_windows: 0 }
    }
    /// Uses conformal intervals from `n` rolling origins instead.
    pub fn conformal(mut self, n: usize) -> Self {
        self.conformal_windows = n;
        self
    }

    /// Forecasts every series; never fails on a single bad series.
    pub fn run(&self, batch: &SeriesBatch) -> Result<Vec<SeriesOutcome>> {
        check_levels(&self.levels)?;
        shopml_core::validate::param::at_least("horizon", self.horizon, 1)?;
        Ok((0..batch.len()).into_par_iter().map(|i| self.one(batch.series(i), batch.season_length())).collect())
    }

    fn try_model(&self, spec: &ModelSpec, y: &[f64], m: usize) -> std::result::Result<(ForecastResult, String), String> {
        let ts = TimeSeries::new(y.to_vec(), m).map_err(|e| e.to_string())?;
        let fitted = spec.fit(&ts).map_err(|e| e.to_string())?;
        let name = fitted.name();
        let fc = if self.conformal_windows > 0 && !self.levels.is_empty() {
            conformal_forecast(spec, &ts, self.horizon, &self.levels, self.conformal_windows)
                .map_err(|e| format!("conformal calibration: {e}"))?
        } else {
            fitted.forecast(self.horizon, &self.levels).map_err(|e| e.to_string())?
        };
        let finite = fc.point.iter().chain(fc.intervals.iter().flat_map(|iv| iv.lower.iter().chain(&iv.upper))).all(|v| v.is_finite());
        if !finite {
            return Err(format!("{name} gave non-finite forecasts"));
        }
        Ok((fc, name))
    }

    fn one(&self, raw: &[f64], m: usize) -> SeriesOutcome {
        let (y, filled_gaps) = fill_gaps(raw);
        let zero = |reason: String| SeriesOutcome {
            forecast: ForecastResult {
                point: vec![0.0; self.horizon],
                intervals: self
                    .levels
                    .iter()
                    .map(|&level| Interval { level, lower: vec![0.0; self.horizon], upper: vec![0.0; self.horizon] })
                    .collect(),
            },
            model: "Zero".into(),
            fallback_reason: Some(reason),
            filled_gaps,
        };
        if y.is_empty() {
            return zero("no observations".into());
        }
        if y.iter().all(|&v| v == 0.0) {
            return zero("all observations are zero".into());
        }
        let chain = [
            self.model.clone(),
            ModelSpec::ThetaParams(Theta::params()),
            ModelSpec::BaselineParams(BaselineParams::seasonal_naive()),
            ModelSpec::BaselineParams(BaselineParams::naive()),
        ];
        let mut reasons = Vec::new();
        for (k, spec) in chain.iter().enumerate() {
            match self.try_model(spec, &y, m) {
                Ok((forecast, model)) => {
                    return SeriesOutcome {
                        forecast,
                        model,
                        fallback_reason: if k == 0 { None } else { Some(reasons.join("; ")) },
                        filled_gaps,
                    };
                }
                Err(e) => reasons.push(format!("{}: {e}", spec.name())),
            }
        }
        zero(reasons.join("; "))
    }
}
