//! The Theta method (Assimakopoulos & Nikolopoulos 2000, IJF 16(4)) in its
//! state-space form "SES with drift" (Hyndman & Billah 2003, IJF 19(2)), with
//! the standard theta model (STM) estimation of Fiorucci et al. (2016, IJF
//! 32(4)) as in statsforecast's `Theta`.
//!
//! Seasonal series (90 % autocorrelation test at lag `m`, at least two cycles)
//! are adjusted by a classical multiplicative decomposition first (additive
//! when the data are not positive) and the forecasts re-seasonalised.
//! With `Aₙ, Bₙ` the intercept and slope of a least-squares line through the
//! adjusted series and ℓ the SES level with weight α, the one-step forecast at
//! time `i` is `μᵢ = ℓᵢ₋₁ + (1 − 1/θ)(Aₙ(1 − α)ⁱ + Bₙ(1 − (1 − α)^{i+1})/α)`
//! with θ = 2; α ∈ [0.1, 0.99] and the initial smoothed level minimise the sum
//! of squared one-step errors (after the first three). Intervals use the SES
//! variance `σ²(1 + (h − 1)α²)` on the adjusted scale.

use serde::{Deserialize, Serialize};
use shopml_core::validated_struct;
use shopml_core::{Error, Fit, Forecast, ForecastResult, Params, TimeSeries};

use crate::error::{ForecastError, Result};
use crate::intervals::{check_levels, normal_intervals};
use crate::optim::nelder_mead;
use crate::seasonal::SeasonalAdjustment;
use crate::series_check::check_series;

/// Hyper-parameters of the Theta method.
///
/// ```
/// use shopml_core::{Fit, Forecast, TimeSeries};
/// use shopml_forecast::theta::Theta;
/// let y = TimeSeries::new((0..30).map(|t| 10.0 + 0.5 * t as f64 + (t % 3) as f64).collect(), 1).unwrap();
/// let f = Theta::params().fit(&y).unwrap().forecast(5, &[90.0]).unwrap();
/// assert!(f.point[4] > f.point[0]);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ThetaParams {
    theta: f64,
    deseasonalize: bool,
}

impl Default for ThetaParams {
    fn default() -> Self {
        ThetaParams { theta: 2.0, deseasonalize: true }
    }
}

impl ThetaParams {
    /// The classic method (θ = 2, seasonal test on).
    pub fn params() -> Self {
        Self::default()
    }
    /// The θ coefficient (> 1; 2 is the classic method).
    pub fn theta(mut self, v: f64) -> Self {
        self.theta = v;
        self
    }
    /// Whether to test for and remove seasonality first (default true).
    pub fn deseasonalize(mut self, yes: bool) -> Self {
        self.deseasonalize = yes;
        self
    }
}

impl Params for ThetaParams {
    fn check(&self) -> shopml_core::Result<()> {
        if !(self.theta.is_finite() && self.theta >= 1.0) {
            return Err(shopml_core::Error::param("theta", format!("must be a finite number >= 1, got {}", self.theta)));
        }
        Ok(())
    }
}

validated_struct! {
    /// A fitted Theta model.
    pub struct Theta ("ThetaRaw" as ThetaRaw, check = Theta::check_loaded, error = ForecastError) {
        /// θ.
        pub theta: f64,
        /// SES weight.
        pub alpha: f64,
        /// Initial smoothed level.
        pub initial_level: f64,
        /// Intercept of the linear trend.
        pub intercept: f64,
        /// Slope of the linear trend.
        pub slope: f64,
        /// SES level after the last observation.
        pub level: f64,
        /// Number of observations.
        pub n_obs: usize,
        /// One-step residual variance (adjusted scale).
        pub sigma2: f64,
        /// Seasonal adjustment applied.
        pub adjustment: SeasonalAdjustment,
        /// In-sample one-step errors on the adjusted scale.
        pub residuals: Vec<f64>,
    }
}

impl Theta {
    /// The checks a loaded model must pass (those fitting guarantees).
    fn check_loaded(&self) -> Result<()> {
        use shopml_core::validate::{finite_slice, param};
        if !(self.theta.is_finite() && self.theta >= 1.0) {
            return Err(Error::param("theta", format!("must be finite and >= 1, got {}", self.theta)).into());
        }
        param::in_closed("alpha", self.alpha, 0.0, 1.0)?;
        finite_slice("initial_level, intercept, slope, level", &[self.initial_level, self.intercept, self.slope, self.level])?;
        param::non_negative("sigma2", self.sigma2)?;
        finite_slice("residuals", &self.residuals)?;
        Ok(())
    }
}

/// Runs the STM recursion; returns (sse after the first three, final level).
fn stm_run(y: &[f64], alpha: f64, l0: f64, a: f64, b: f64, theta: f64, mut resid: Option<&mut Vec<f64>>) -> (f64, f64) {
    let k = 1.0 - 1.0 / theta;
    let mut level = alpha * y[0] + (1.0 - alpha) * l0;
    let mu0 = l0 + k * (a + b);
    let mut sse = 0.0;
    if let Some(r) = resid.as_deref_mut() {
        r.push(y[0] - mu0);
    }
    let mut pow = 1.0 - alpha; // (1 − α)^i for i = 1
    for (i, &yi) in y.iter().enumerate().skip(1) {
        let mu = level + k * (a * pow + b * (1.0 - pow * (1.0 - alpha)) / alpha);
        let e = yi - mu;
        if i >= 3 {
            sse += e * e;
        }
        if let Some(r) = resid.as_deref_mut() {
            r.push(e);
        }
        level = alpha * yi + (1.0 - alpha) * level;
        pow *= 1.0 - alpha;
    }
    (sse, level)
}

impl Fit<TimeSeries> for ThetaParams {
    type Model = Theta;
    type Error = ForecastError;
    fn fit(&self, series: &TimeSeries) -> Result<Theta> {
        self.check()?;
        check_series("Theta", series, false)?;
        let raw = series.values();
        if raw.len() < 4 {
            return Err(ForecastError::TooShort { model: "Theta".into(), needed: 4, found: raw.len() });
        }
        let m = series.season_length();
        let adjustment = if self.deseasonalize {
            SeasonalAdjustment::detect(raw, m, 2)
        } else {
            SeasonalAdjustment { multiplicative: true, indices: Vec::new(), season_length: m }
        };
        let y = adjustment.adjust(raw);
        let n = y.len();
        let nf = n as f64;
        let mean_y = y.iter().sum::<f64>() / nf;
        let mean_ty = y.iter().enumerate().map(|(t, v)| (t + 1) as f64 * v).sum::<f64>() / nf;
        let b = 6.0 * (2.0 * mean_ty - (1.0 + nf) * mean_y) / (nf * nf - 1.0);
        let a = mean_y - (nf + 1.0) * b / 2.0;
        let theta = self.theta;
        let scale = y.iter().map(|v| v.abs()).sum::<f64>() / nf;
        let obj = |x: &[f64]| stm_run(&y, x[1], x[0], a, b, theta, None).0;
        let x0 = [y[0] / 2.0, 0.5];
        let step = [0.1 * (y[0].abs() / 2.0).max(0.01 * scale).max(1e-3), 0.1];
        let best = nelder_mead(obj, &x0, &step, &[f64::NEG_INFINITY, 0.1], &[f64::INFINITY, 0.99], 1e-8 * (1.0 + scale * scale), 1000);
        let (l0, alpha) = (best.x[0], best.x[1]);
        let mut residuals = Vec::with_capacity(n);
        let (_, level) = stm_run(&y, alpha, l0, a, b, theta, Some(&mut residuals));
        let sigma2 = residuals.iter().map(|e| e * e).sum::<f64>() / nf;
        Ok(Theta { theta, alpha, initial_level: l0, intercept: a, slope: b, level, n_obs: n, sigma2, adjustment, residuals })
    }
}

impl Theta {
    fn adjusted_point(&self, horizon: usize) -> Vec<f64> {
        // Forecasts continue the recursion with y replaced by its forecast.
        let k = 1.0 - 1.0 / self.theta;
        let alpha = self.alpha;
        let mut level = self.level;
        let mut pow = (1.0 - alpha).powi(self.n_obs as i32);
        let mut out = Vec::with_capacity(horizon);
        for _ in 0..horizon {
            let mu = level + k * (self.intercept * pow + self.slope * (1.0 - pow * (1.0 - alpha)) / alpha);
            out.push(mu);
            level = alpha * mu + (1.0 - alpha) * level;
            pow *= 1.0 - alpha;
        }
        out
    }
}

impl Forecast for Theta {
    fn forecast(&self, horizon: usize, levels: &[f64]) -> shopml_core::Result<ForecastResult> {
        check_levels(levels)?;
        crate::intervals::check_horizon(horizon)?;
        let mut point = self.adjusted_point(horizon);
        let var: Vec<f64> = (0..horizon).map(|h| self.sigma2 * (1.0 + h as f64 * self.alpha * self.alpha)).collect();
        let mut intervals = normal_intervals(&point, &var, levels)?;
        self.adjustment.reseasonalize(&mut point);
        for iv in intervals.iter_mut() {
            self.adjustment.reseasonalize(&mut iv.lower);
            self.adjustment.reseasonalize(&mut iv.upper);
        }
        Ok(ForecastResult { point, intervals })
    }
}

impl Theta {
    /// The parameters that fit this model, at their defaults; see [`ThetaParams`].
    pub fn params() -> ThetaParams {
        ThetaParams::params()
    }
}
