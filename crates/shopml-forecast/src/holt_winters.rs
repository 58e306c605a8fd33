//! Simple exponential smoothing, Holt's linear trend, damped trend and
//! Holt–Winters seasonal methods in their classical ("smoothing equation")
//! parametrisation, as in `statsmodels.tsa.holtwinters.ExponentialSmoothing`.
//!
//! Brown (1959) / Holt (1957, reprinted IJF 20(1), 2004) / Winters (1960,
//! Management Science 6(3)); damped trend: Gardner & McKenzie (1985,
//! Management Science 31(10)). With `smoothing_trend` written β\* here, the
//! recursions are
//!
//! ```text
//! ℓₜ = α (yₜ ⊘ sₜ₋ₘ) + (1 − α)(ℓₜ₋₁ ⊕ φbₜ₋₁)
//! bₜ = β* (ℓₜ ⊖ ℓₜ₋₁) + (1 − β*) φbₜ₋₁
//! sₜ = γ (yₜ ⊘ (ℓₜ₋₁ ⊕ φbₜ₋₁)) + (1 − γ) sₜ₋ₘ
//! ```
//!
//! (⊕/⊖/⊘ additive or multiplicative by component). This is exactly the
//! ETS recursion with additive error and β = α β\*, so the fitted model is
//! an [`Ets`]; unfixed weights and initial states
//! are estimated by least squares (the additive-error likelihood).

use serde::{Deserialize, Serialize};
use shopml_core::{Error, Fit, Forecast, ForecastResult, Params, TimeSeries};

use crate::error::{ForecastError, Result};
use crate::ets::{Component, Ets, EtsParams};

/// Hyper-parameters of a Holt–Winters family method.
///
/// ```
/// use shopml_core::{Fit, Forecast, TimeSeries};
/// use shopml_forecast::holt_winters::HoltWintersParams;
/// let y = TimeSeries::new(vec![10.0, 12.0, 13.0, 12.0, 15.0, 16.0, 18.0, 17.0, 19.0, 21.0, 22.0, 24.0], 1).unwrap();
/// let model = HoltWintersParams::holt().alpha(0.5).smoothing_trend(0.2).fit(&y).unwrap();
/// assert!(model.forecast(3, &[]).unwrap().point[2] > 24.0);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HoltWintersParams {
    trend: Component,
    damped: bool,
    season: Component,
    alpha: Option<f64>,
    smoothing_trend: Option<f64>,
    gamma: Option<f64>,
    phi: Option<f64>,
    initial: Option<(f64, f64, Vec<f64>)>,
}

impl HoltWintersParams {
    /// A method with the given trend, damping and season.
    pub fn params(trend: Component, damped: bool, season: Component) -> Self {
        HoltWintersParams { trend, damped, season, alpha: None, smoothing_trend: None, gamma: None, phi: None, initial: None }
    }
    /// Simple exponential smoothing (Brown 1959).
    pub fn ses() -> Self {
        Self::params(Component::None, false, Component::None)
    }
    /// Holt's linear trend method.
    pub fn holt() -> Self {
        Self::params(Component::Additive, false, Component::None)
    }
    /// Damped trend method (Gardner & McKenzie 1985).
    pub fn damped_holt() -> Self {
        Self::params(Component::Additive, true, Component::None)
    }
    /// Holt–Winters with additive trend and additive season.
    pub fn additive() -> Self {
        Self::params(Component::Additive, false, Component::Additive)
    }
    /// Holt–Winters with additive trend and multiplicative season.
    pub fn multiplicative() -> Self {
        Self::params(Component::Additive, false, Component::Multiplicative)
    }
    /// Fixes the level weight α.
    pub fn alpha(mut self, v: f64) -> Self {
        self.alpha = Some(v);
        self
    }
    /// Fixes the trend weight β\* (statsmodels' `smoothing_trend`).
    pub fn smoothing_trend(mut self, v: f64) -> Self {
        self.smoothing_trend = Some(v);
        self
    }
    /// Fixes the seasonal weight γ.
    pub fn gamma(mut self, v: f64) -> Self {
        self.gamma = Some(v);
        self
    }
    /// Fixes the damping φ (and turns damping on).
    pub fn phi(mut self, v: f64) -> Self {
        self.phi = Some(v);
        self.damped = true;
        self
    }
    /// Fixes the initial level, trend and seasonal indices (`s_{1−m}, …, s_0`).
    pub fn initial_state(mut self, level: f64, trend: f64, seasons: Vec<f64>) -> Self {
        self.initial = Some((level, trend, seasons));
        self
    }

    fn to_ets(&self) -> shopml_core::Result<EtsParams> {
        let mut e = Ets::params(Component::Additive, self.trend, self.damped, self.season);
        if let Some(a) = self.alpha {
            e = e.alpha(a);
        }
        if let Some(b) = self.smoothing_trend {
            let a = self.alpha.ok_or_else(|| Error::param("smoothing_trend", "fixing the trend weight needs a fixed alpha"))?;
            e = e.beta(a * b);
        }
        if let Some(g) = self.gamma {
            e = e.gamma(g);
        }
        if let Some(p) = self.phi {
            e = e.phi(p);
        }
        if let Some((l, b, s)) = &self.initial {
            e = e.initial_state(*l, *b, s.clone());
        }
        Ok(e)
    }
}

impl Params for HoltWintersParams {
    fn check(&self) -> shopml_core::Result<()> {
        use shopml_core::validate::param;
        if let Some(v) = self.smoothing_trend {
            param::in_closed("smoothing_trend", v, 0.0, 1.0)?;
        }
        self.to_ets()?.check()
    }
}

/// A fitted Holt–Winters family model (an additive-error ETS model).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HoltWinters {
    /// The equivalent state-space model.
    pub ets: Ets,
}

impl HoltWinters {
    /// The classical method: `"SES"`, `"Holt"`, `"damped Holt"`,
    /// `"additive Holt-Winters"`, `"multiplicative Holt-Winters"`, … (see
    /// [`EtsSpec::method_name`](crate::ets::EtsSpec::method_name)).
    pub fn name(&self) -> String {
        self.ets.spec.method_name()
    }
    /// One-step in-sample forecasts.
    pub fn fitted(&self) -> &[f64] {
        &self.ets.fitted
    }
}

impl Fit<TimeSeries> for HoltWintersParams {
    type Model = HoltWinters;
    type Error = ForecastError;
    fn fit(&self, series: &TimeSeries) -> Result<HoltWinters> {
        self.check()?;
        Ok(HoltWinters { ets: self.to_ets()?.fit(series)? })
    }
}

impl Forecast for HoltWinters {
    fn forecast(&self, horizon: usize, levels: &[f64]) -> shopml_core::Result<ForecastResult> {
        self.ets.forecast(horizon, levels)
    }
}

/// Lead-time demand of the equivalent ETS model (see [`Ets`]'s implementation).
impl crate::inventory::LeadTimeForecast for HoltWinters {
    fn lead_time_demand(&self, lead_time: usize) -> Result<crate::inventory::LeadTimeDemand> {
        self.ets.lead_time_demand(lead_time)
    }
}

impl HoltWintersParams {
    /// The classical method these parameters fit (see [`HoltWinters::name`]).
    pub fn name(&self) -> String {
        crate::ets::EtsSpec::new(Component::Additive, self.trend, self.damped, self.season).method_name()
    }
}

impl HoltWinters {
    /// The parameters that fit this model, at their defaults; see [`HoltWintersParams`].
    pub fn params(trend: Component, damped: bool, season: Component) -> HoltWintersParams {
        HoltWintersParams::params(trend, damped, season)
    }
}
