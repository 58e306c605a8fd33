//! Intermittent-demand methods for slow movers with many zero periods.
//!
//! - **Croston** (Croston 1972, Operational Research Quarterly 23(3)): simple
//!   exponential smoothing of the non-zero demand sizes `z` and of the
//!   intervals `p` between them, forecast `z / p`; **SBA** (Syntetos & Boylan
//!   2005, IJF 21(2)) multiplies by `1 − α/2` to remove Croston's bias.
//! - **TSB** (Teunter, Syntetos & Babai 2011, EJOR 214(3)): smooths the demand
//!   *probability* every period (weight `alpha_d`) and the size only when
//!   demand occurs (weight `alpha_p`); forecast `d · z`, which decays towards
//!   zero for items that stop selling.
//! - **ADIDA** (Nikolopoulos et al. 2011, JORS 62(3)): sums the series into
//!   non-overlapping buckets of the mean inter-demand interval, forecasts the
//!   bucket totals by SES (α by least squares) and spreads them evenly.
//!
//! Point forecasts are flat. Intervals come from the in-sample one-step
//! errors (split-conformal quantiles widened by `√h`); a series with no
//! demand at all forecasts zero with zero-width intervals.

use serde::{Deserialize, Serialize};
use shopml_core::validated_struct;
use shopml_core::{Error, Fit, Forecast, ForecastResult, Params, TimeSeries};

use crate::error::{ForecastError, Result};
use crate::intervals::{check_levels, residual_intervals};
use crate::optim::nelder_mead;
use crate::series_check::check_series;

/// Which intermittent method.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub enum IntermittentMethod {
    /// Croston's method with smoothing weight `alpha`.
    Croston {
        /// Weight for sizes and intervals.
        alpha: f64,
    },
    /// Syntetos–Boylan approximation (Croston × (1 − α/2)).
    Sba {
        /// Weight for sizes and intervals.
        alpha: f64,
    },
    /// Teunter–Syntetos–Babai.
    Tsb {
        /// Weight for the demand probability.
        alpha_d: f64,
        /// Weight for the demand size.
        alpha_p: f64,
    },
    /// Aggregate–disaggregate intermittent demand approach.
    Adida,
}

/// Hyper-parameters of an intermittent-demand method.
///
/// ```
/// use shopml_core::{Fit, Forecast, TimeSeries};
/// use shopml_forecast::intermittent::IntermittentParams;
/// let y = TimeSeries::new(vec![0.0, 3.0, 0.0, 0.0, 6.0, 0.0, 3.0, 0.0], 1).unwrap();
/// let f = IntermittentParams::croston(0.1).fit(&y).unwrap().forecast(2, &[]).unwrap();
/// assert!(f.point[0] > 0.0 && f.point[0] < 6.0);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct IntermittentParams {
    method: IntermittentMethod,
}

impl IntermittentParams {
    /// Croston's classic method (statsforecast's default α = 0.1).
    pub fn croston(alpha: f64) -> Self {
        IntermittentParams { method: IntermittentMethod::Croston { alpha } }
    }
    /// The Syntetos–Boylan approximation.
    pub fn sba(alpha: f64) -> Self {
        IntermittentParams { method: IntermittentMethod::Sba { alpha } }
    }
    /// TSB with the given weights.
    pub fn tsb(alpha_d: f64, alpha_p: f64) -> Self {
        IntermittentParams { method: IntermittentMethod::Tsb { alpha_d, alpha_p } }
    }
    /// ADIDA.
    pub fn adida() -> Self {
        IntermittentParams { method: IntermittentMethod::Adida }
    }
    /// The method.
    pub fn method(&self) -> IntermittentMethod {
        self.method
    }
}

impl Params for IntermittentParams {
    fn check(&self) -> shopml_core::Result<()> {
        use shopml_core::validate::param::in_open;
        match self.method {
            IntermittentMethod::Croston { alpha } | IntermittentMethod::Sba { alpha } => in_open("alpha", alpha, 0.0, 1.0 + 1e-12),
            IntermittentMethod::Tsb { alpha_d, alpha_p } => {
                in_open("alpha_d", alpha_d, 0.0, 1.0 + 1e-12)?;
                in_open("alpha_p", alpha_p, 0.0, 1.0 + 1e-12)
            }
            IntermittentMethod::Adida => Ok(()),
        }
    }
}

validated_struct! {
    /// A fitted intermittent-demand model.
    pub struct Intermittent ("IntermittentRaw" as IntermittentRaw, check = Intermittent::check_loaded, error = ForecastError) {
        /// The method.
        pub method: IntermittentMethod,
        /// Flat per-period forecast.
        pub level: f64,
        /// One-step in-sample errors (`y − ŷ`, from the second period on).
        pub residuals: Vec<f64>,
    }
}

impl Intermittent {
    /// The checks a loaded model must pass (those fitting guarantees).
    fn check_loaded(&self) -> Result<()> {
        shopml_core::validate::finite_slice("level", &[self.level])?;
        shopml_core::validate::finite_slice("residuals", &self.residuals)?;
        Ok(())
    }
}

/// Croston's recursion; returns the per-period forecast after each period
/// (`out[t]` forecasts period `t + 1`; NaN before the first demand).
fn croston_path(y: &[f64], alpha: f64) -> Vec<f64> {
    let mut out = vec![f64::NAN; y.len()];
    let (mut z, mut p) = (f64::NAN, f64::NAN);
    let mut since = 0usize;
    for (t, &v) in y.iter().enumerate() {
        since += 1;
        if v != 0.0 {
            if z.is_nan() {
                z = v;
                p = since as f64;
            } else {
                z += alpha * (v - z);
                p += alpha * (since as f64 - p);
            }
            since = 0;
        }
        if !z.is_nan() {
            out[t] = z / p;
        }
    }
    out
}

fn tsb_path(y: &[f64], alpha_d: f64, alpha_p: f64) -> Vec<f64> {
    let nz: Vec<f64> = y.iter().copied().filter(|&v| v != 0.0).collect();
    let mut d = nz.len() as f64 / y.len() as f64;
    let mut z = if nz.is_empty() { 0.0 } else { nz[0] };
    y.iter()
        .map(|&v| {
            if v != 0.0 {
                d += alpha_d * (1.0 - d);
                z += alpha_p * (v - z);
            } else {
                d -= alpha_d * d;
            }
            d * z
        })
        .collect()
}

/// SES with α ∈ [0.01, 0.99] and initial level by least squares; returns
/// (final level, one-step errors).
pub(crate) fn ses_fit(y: &[f64]) -> (f64, Vec<f64>) {
    let run = |alpha: f64, l0: f64, resid: Option<&mut Vec<f64>>| -> (f64, f64) {
        let mut l = l0;
        let mut sse = 0.0;
        let mut r = resid;
        for &v in y {
            let e = v - l;
            sse += e * e;
            if let Some(r) = r.as_deref_mut() {
                r.push(e);
            }
            l += alpha * e;
        }
        (sse, l)
    };
    let scale = y.iter().map(|v| v.abs()).sum::<f64>() / y.len().max(1) as f64;
    let best = nelder_mead(
        |x| run(x[0], x[1], None).0,
        &[0.1, y[0]],
        &[0.1, 0.1 * scale.max(1e-3)],
        &[0.01, f64::NEG_INFINITY],
        &[0.99, f64::INFINITY],
        1e-10 * (1.0 + scale * scale),
        500,
    );
    let mut resid = Vec::new();
    let (_, l) = run(best.x[0], best.x[1], Some(&mut resid));
    (l, resid)
}

impl Fit<TimeSeries> for IntermittentParams {
    type Model = Intermittent;
    type Error = ForecastError;
    fn fit(&self, series: &TimeSeries) -> Result<Intermittent> {
        self.check()?;
        check_series("intermittent", series, false)?;
        let y = series.values();
        if let Some(row) = y.iter().position(|&v| v < 0.0) {
            return Err(Error::InvalidValue {
                what: "series values".into(),
                row,
                column: None,
                value: y[row],
                reason: "demand cannot be negative".into(),
            }
            .into());
        }
        if y.iter().all(|&v| v == 0.0) {
            return Ok(Intermittent { method: self.method, level: 0.0, residuals: vec![0.0; y.len().saturating_sub(1)] });
        }
        let path_resid = |path: &[f64], factor: f64| -> (f64, Vec<f64>) {
            let resid = (1..y.len()).filter(|&t| path[t - 1].is_finite()).map(|t| y[t] - factor * path[t - 1]).collect();
            (factor * path[y.len() - 1], resid)
        };
        let (level, residuals) = match self.method {
            IntermittentMethod::Croston { alpha } => path_resid(&croston_path(y, alpha), 1.0),
            IntermittentMethod::Sba { alpha } => path_resid(&croston_path(y, alpha), 1.0 - alpha / 2.0),
            IntermittentMethod::Tsb { alpha_d, alpha_p } => path_resid(&tsb_path(y, alpha_d, alpha_p), 1.0),
            IntermittentMethod::Adida => {
                // Bucket size: mean interval between demands, rounded.
                let nz = y.iter().filter(|&&v| v != 0.0).count();
                let k = ((y.len() as f64 / nz as f64).round() as usize).clamp(1, y.len());
                let start = y.len() % k;
                let agg: Vec<f64> = y[start..].chunks(k).map(|c| c.iter().sum()).collect();
                let (l, resid) = ses_fit(&agg);
                (l / k as f64, resid.iter().map(|e| e / k as f64).collect())
            }
        };
        Ok(Intermittent { method: self.method, level: level.max(0.0), residuals })
    }
}

impl Forecast for Intermittent {
    fn forecast(&self, horizon: usize, levels: &[f64]) -> shopml_core::Result<ForecastResult> {
        check_levels(levels)?;
        crate::intervals::check_horizon(horizon)?;
        let point = vec![self.level; horizon];
        let mut intervals = residual_intervals(&point, &self.residuals, levels);
        for iv in intervals.iter_mut() {
            iv.lower.iter_mut().for_each(|v| *v = v.max(0.0));
        }
        Ok(ForecastResult { point, intervals })
    }
}
