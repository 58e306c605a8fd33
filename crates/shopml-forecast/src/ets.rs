//! The ETS (error, trend, seasonal) state-space family of exponential
//! smoothing models.
//!
//! Hyndman, Koehler, Ord & Snyder (2008), *Forecasting with Exponential
//! Smoothing: The State Space Approach*, Springer; Hyndman, Koehler, Snyder &
//! Grose (2002), IJF 18(3). Error ∈ {A, M}, trend ∈ {N, A, M} (optionally
//! damped), season ∈ {N, A, M}. Parameters use the book's notation: the level,
//! trend and season smoothing weights `alpha`, `beta`, `gamma` act on the
//! one-step error (so `beta ≤ alpha` and `gamma ≤ 1 − alpha` in the usual
//! region), and `phi` damps the trend.
//!
//! Estimation maximises the Gaussian likelihood (concentrated over σ²) with a
//! bounded Nelder–Mead over the smoothing weights *and* the initial states,
//! restricted to the "usual" region intersected with the forecastability
//! ("admissible") region, as in R's `forecast::ets` (`bounds = "both"`).
//! Initial states start from the heuristics of `forecast::ets` /
//! statsforecast: a classical decomposition for seasonal models (a
//! Fourier-plus-trend regression when fewer than three cycles are available)
//! and a linear regression on the first `max(10, 2m)` seasonally adjusted
//! observations.
//!
//! Prediction intervals are analytic for class 1 (additive error, no
//! multiplicative component) and class 2 (multiplicative error, additive
//! trend and season) models (Hyndman et al. 2008, ch. 6); for class 3
//! (multiplicative season) the class 2 variance of the seasonally adjusted
//! forecast is scaled by the squared seasonal index, the small-σ
//! approximation of §6.4. Models with a multiplicative trend have no interval
//! formula: they give conformal intervals from their residuals instead.

use serde::{Deserialize, Serialize};
use shopml_core::{Error, Fit, Forecast, ForecastResult, Params, TimeSeries};

use crate::decompose::{classical_seasonal, ols};
use crate::error::{ForecastError, Result};
use crate::intervals::{check_levels, normal_intervals, residual_intervals};
use crate::inventory::{LeadTimeDemand, LeadTimeForecast};
use crate::optim::nelder_mead;
use crate::series_check::check_series;

/// One component of an ETS model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Component {
    /// Absent (`N`).
    None,
    /// Additive (`A`).
    Additive,
    /// Multiplicative (`M`).
    Multiplicative,
}

impl Component {
    fn letter(self) -> char {
        match self {
            Component::None => 'N',
            Component::Additive => 'A',
            Component::Multiplicative => 'M',
        }
    }
}

/// The structure of an ETS model, e.g. ETS(M,Ad,M).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct EtsSpec {
    /// Error type (additive or multiplicative; `None` is invalid).
    pub error: Component,
    /// Trend type.
    pub trend: Component,
    /// Whether the trend is damped (needs a trend).
    pub damped: bool,
    /// Seasonal type.
    pub season: Component,
}

impl EtsSpec {
    /// A spec from its three letters and the damping flag.
    pub fn new(error: Component, trend: Component, damped: bool, season: Component) -> Self {
        EtsSpec { error, trend, damped, season }
    }
    /// The conventional name, e.g. `ETS(M,Ad,M)`.
    pub fn name(&self) -> String {
        format!("ETS({},{}{},{})", self.error.letter(), self.trend.letter(), if self.damped { "d" } else { "" }, self.season.letter())
    }
    /// The classical method this structure generalises: `"SES"` (simple
    /// exponential smoothing), `"Holt"` (linear trend), `"damped Holt"`,
    /// `"additive Holt-Winters"`, `"damped multiplicative Holt-Winters"`,
    /// `"multiplicative-trend Holt"`, `"additive seasonal SES"`, …
    pub fn method_name(&self) -> String {
        let damped = if self.damped { "damped " } else { "" };
        let trend = match self.trend {
            Component::None => "",
            Component::Additive => "",
            Component::Multiplicative => "multiplicative-trend ",
        };
        match (self.trend, self.season) {
            (Component::None, Component::None) => "SES".into(),
            (Component::None, Component::Additive) => "additive seasonal SES".into(),
            (Component::None, Component::Multiplicative) => "multiplicative seasonal SES".into(),
            (_, Component::None) => format!("{damped}{trend}Holt"),
            (_, Component::Additive) => format!("{damped}{trend}additive Holt-Winters"),
            (_, Component::Multiplicative) => format!("{damped}{trend}multiplicative Holt-Winters"),
        }
    }
    /// The state-space name and the method, e.g. `ETS(A,Ad,N): damped Holt,
    /// additive errors`.
    pub fn long_name(&self) -> String {
        let err = if self.error == Component::Multiplicative { "multiplicative" } else { "additive" };
        format!("{}: {}, {err} errors", self.name(), self.method_name())
    }
    /// Whether any component is multiplicative (the data must be positive).
    pub fn is_multiplicative(&self) -> bool {
        self.error == Component::Multiplicative || self.trend == Component::Multiplicative || self.season == Component::Multiplicative
    }
    pub(crate) fn check(&self) -> shopml_core::Result<()> {
        if self.error == Component::None {
            return Err(Error::param("error", "the error component must be additive or multiplicative"));
        }
        if self.damped && self.trend == Component::None {
            return Err(Error::param("damped", "a damped model needs a trend"));
        }
        Ok(())
    }
}

/// Smoothing weights of a fitted model (`beta = 0` without trend, `gamma = 0`
/// without season, `phi = 1` without damping).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct EtsCoefficients {
    /// Level weight α.
    pub alpha: f64,
    /// Trend weight β.
    pub beta: f64,
    /// Season weight γ.
    pub gamma: f64,
    /// Damping φ.
    pub phi: f64,
}

/// Level, trend and seasonal states. `seasons` holds `m` values in time order:
/// `seasons[j]` is the index applied `j` steps after the state's time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EtsState {
    /// Level ℓ.
    pub level: f64,
    /// Trend b (0 without trend; a growth rate near 1 for a multiplicative trend).
    pub trend: f64,
    /// Seasonal indices, oldest first (empty without season).
    pub seasons: Vec<f64>,
}

const TOL: f64 = 1e-10;
const HUGE: f64 = 1e10;

/// Filters `y` through the model. Returns `(sse, Σ ln|ŷ|)` or `None` when the
/// recursion breaks down (non-finite forecast). Writes one-step forecasts to
/// `fitted` when given, and leaves the final state in `state` (seasons rotated
/// so that `seasons[0]` applies to the first forecast).
pub(crate) fn filter(
    y: &[f64],
    spec: &EtsSpec,
    c: &EtsCoefficients,
    state: &mut EtsState,
    fitted: Option<&mut [f64]>,
) -> Option<(f64, f64)> {
    // Monomorphised per component combination: the per-step branches on the
    // model structure disappear from the hot loop.
    use Component::*;
    let mult_err = spec.error == Multiplicative;
    macro_rules! go {
        ($t:expr, $s:expr) => {
            if mult_err { filter_impl::<$t, $s, true>(y, c, state, fitted) } else { filter_impl::<$t, $s, false>(y, c, state, fitted) }
        };
    }
    match (spec.trend, spec.season) {
        (None, None) => go!(0, 0),
        (None, Additive) => go!(0, 1),
        (None, Multiplicative) => go!(0, 2),
        (Additive, None) => go!(1, 0),
        (Additive, Additive) => go!(1, 1),
        (Additive, Multiplicative) => go!(1, 2),
        (Multiplicative, None) => go!(2, 0),
        (Multiplicative, Additive) => go!(2, 1),
        (Multiplicative, Multiplicative) => go!(2, 2),
    }
}

/// The filter for one structure: `TREND`/`SEASON` 0 = none, 1 = additive, 2 = multiplicative.
fn filter_impl<const TREND: u8, const SEASON: u8, const MULT_ERR: bool>(
    y: &[f64],
    c: &EtsCoefficients,
    state: &mut EtsState,
    mut fitted: Option<&mut [f64]>,
) -> Option<(f64, f64)> {
    let m = state.seasons.len();
    if SEASON != 0 && m == 0 {
        return None;
    }
    let (mut l, mut b) = (state.level, state.trend);
    let s = &mut state.seasons;
    let (alpha, beta, gamma, phi) = (c.alpha, c.beta, c.gamma, c.phi);
    let beta_over_alpha = if alpha != 0.0 { beta / alpha } else { 0.0 };
    let phi_is_one = (phi - 1.0).abs() < TOL;
    let mut sse = 0.0;
    let mut sum_log = 0.0;
    // Σ ln|ŷ| as the log of running products, flushed before they leave range.
    let mut prod = 1.0f64;
    let mut idx = 0usize;
    for (t, &yt) in y.iter().enumerate() {
        let (phib, q) = match TREND {
            0 => (0.0, l),
            1 => (phi * b, l + phi * b),
            _ => {
                let pb = if phi_is_one { b } else { b.powf(phi) };
                (pb, l * pb)
            }
        };
        let sv = if SEASON != 0 { s[idx] } else { 0.0 };
        let f = match SEASON {
            0 => q,
            1 => q + sv,
            _ => q * sv,
        };
        if !f.is_finite() {
            return None;
        }
        if let Some(out) = fitted.as_deref_mut() {
            out[t] = f;
        }
        let e = if MULT_ERR {
            if f.abs() < TOL {
                return None;
            }
            (yt - f) / f
        } else {
            yt - f
        };
        sse += e * e;
        if MULT_ERR {
            prod *= f.abs();
            if !(1e-150..=1e150).contains(&prod) {
                sum_log += prod.ln();
                prod = 1.0;
            }
        }
        let p = match SEASON {
            0 => yt,
            1 => yt - sv,
            _ => {
                if sv.abs() < TOL {
                    HUGE
                } else {
                    yt / sv
                }
            }
        };
        let newl = q + alpha * (p - q);
        match TREND {
            0 => {}
            1 => b = phib + beta_over_alpha * (newl - l - phib),
            _ => {
                let r = if l.abs() < TOL { HUGE } else { newl / l };
                b = phib + beta_over_alpha * (r - phib);
            }
        }
        if SEASON != 0 {
            let tt = if SEASON == 2 { if q.abs() < TOL { HUGE } else { yt / q } } else { yt - q };
            s[idx] = sv + gamma * (tt - sv);
            idx += 1;
            if idx == m {
                idx = 0;
            }
        }
        l = newl;
    }
    if MULT_ERR {
        sum_log += prod.ln();
    }
    if !(l.is_finite() && b.is_finite()) {
        return None;
    }
    state.level = l;
    state.trend = b;
    if SEASON != 0 {
        s.rotate_left(idx);
    }
    Some((sse, sum_log))
}

/// Point forecasts from a final state.
pub(crate) fn point_forecast(spec: &EtsSpec, c: &EtsCoefficients, st: &EtsState, h: usize) -> Vec<f64> {
    let m = st.seasons.len();
    let mut out = Vec::with_capacity(h);
    let mut phi_sum = 0.0;
    let mut phi_pow = 1.0;
    for k in 0..h {
        phi_pow *= c.phi;
        phi_sum += phi_pow;
        let base = match spec.trend {
            Component::None => st.level,
            Component::Additive => st.level + phi_sum * st.trend,
            Component::Multiplicative => st.level * st.trend.powf(phi_sum),
        };
        let v = match spec.season {
            Component::None => base,
            Component::Additive => base + st.seasons[k % m],
            Component::Multiplicative => base * st.seasons[k % m],
        };
        out.push(v);
    }
    out
}

/// `−2 log L` (concentrated Gaussian likelihood, up to the constant `n ln 2π + n`
/// which [`Ets::log_likelihood`] adds back).
fn neg2_loglik(n: usize, sse: f64, sum_log: f64, spec: &EtsSpec) -> f64 {
    let n = n as f64;
    let mut v = n * (sse / n).ln();
    if spec.error == Component::Multiplicative {
        v += 2.0 * sum_log;
    }
    v
}

/// Whether the smoothing weights lie in the forecastability region
/// (Hyndman et al. 2008, ch. 10; the tests of `forecast::ets`).
pub(crate) fn admissible(spec: &EtsSpec, c: &EtsCoefficients, m: usize) -> bool {
    let phi = c.phi;
    let alpha = c.alpha;
    if !(0.0..=1.0 + 1e-8).contains(&phi) {
        return false;
    }
    if spec.season == Component::None || m <= 1 {
        if alpha < 1.0 - 1.0 / phi || alpha > 1.0 + 1.0 / phi {
            return false;
        }
        if spec.trend != Component::None {
            let beta = c.beta;
            if beta < alpha * (phi - 1.0) || beta > (1.0 + phi) * (2.0 - alpha) {
                return false;
            }
        }
        return true;
    }
    let (beta, gamma) = (c.beta, c.gamma);
    let mf = m as f64;
    if gamma < (1.0 - 1.0 / phi - alpha).max(0.0) || gamma > 1.0 + 1.0 / phi - alpha {
        return false;
    }
    if alpha < 1.0 - 1.0 / phi - gamma * (1.0 - mf + phi + phi * mf) / (2.0 * phi * mf) {
        return false;
    }
    if beta < -(1.0 - phi) * (gamma / mf + alpha) {
        return false;
    }
    // Characteristic polynomial P(z) = Σ p_i zⁱ (monic, degree m + 1) must have
    // every root in the closed unit disc. Equivalently its reversal
    // 1 + a₁z + … + a_{m+1} z^{m+1} (a_j = p_{m+1−j}) is "stationary", which
    // the Schur–Cohn step-down recursion checks through reflection coefficients.
    let d = m + 1;
    // Stack buffers: AutoETS allows m ≤ 24, larger seasons fall back to the heap.
    let mut p_buf = [0.0f64; 32];
    let mut a_buf = [0.0f64; 32];
    let mut t_buf = [0.0f64; 32];
    let mut heap: Vec<f64>;
    let (p, a, tmp): (&mut [f64], &mut [f64], &mut [f64]) = if d < 32 {
        (&mut p_buf[..=d], &mut a_buf[..d], &mut t_buf[..d])
    } else {
        heap = vec![0.0; 3 * d + 1];
        let (x, rest) = heap.split_at_mut(d + 1);
        let (y, z) = rest.split_at_mut(d);
        (x, y, z)
    };
    p[0] = phi * (1.0 - alpha - gamma);
    p[1] = alpha + beta - alpha * phi + gamma - 1.0;
    for v in p.iter_mut().take(m).skip(2) {
        *v = alpha + beta - alpha * phi;
    }
    p[m] = alpha + beta - phi;
    p[m + 1] = 1.0;
    for j in 1..=d {
        a[j - 1] = p[d - j]; // a[j-1] = a_j
    }
    for k in (1..=d).rev() {
        let kappa = a[k - 1];
        if kappa.abs() >= 1.0 + 1e-10 {
            return false;
        }
        let den = 1.0 - kappa * kappa;
        if den.abs() < 1e-14 {
            // A root on the unit circle: accepted, like `forecast::ets`'s 1e-10 slack.
            return true;
        }
        for i in 1..k {
            tmp[i - 1] = (a[i - 1] - kappa * a[k - i - 1]) / den;
        }
        a[..(k - 1)].copy_from_slice(&tmp[..(k - 1)]);
    }
    true
}

/// Hyper-parameters of one ETS model.
///
/// ```
/// use shopml_core::{Fit, Forecast, TimeSeries};
/// use shopml_forecast::ets::{Component, Ets};
/// let y: Vec<f64> = (0..48).map(|t| 100.0 + t as f64 + 10.0 * ((t % 12) as f64 / 12.0 * 6.283).sin()).collect();
/// let model = Ets::params(Component::Additive, Component::Additive, false, Component::Additive)
///     .fit(&TimeSeries::new(y, 12).unwrap())
///     .unwrap();
/// let f = model.forecast(12, &[95.0]).unwrap();
/// assert_eq!(f.point.len(), 12);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EtsParams {
    spec: EtsSpec,
    alpha: Option<f64>,
    beta: Option<f64>,
    gamma: Option<f64>,
    phi: Option<f64>,
    initial: Option<EtsState>,
    max_iter: usize,
    beta_max: Option<f64>,
    gamma_max: Option<f64>,
    relative_simplex: bool,
}

impl EtsParams {
    /// An ETS model with the given components; every parameter estimated.
    pub fn params(error: Component, trend: Component, damped: bool, season: Component) -> Self {
        EtsParams::from_spec(EtsSpec::new(error, trend, damped, season))
    }
    /// An ETS model from a spec.
    pub fn from_spec(spec: EtsSpec) -> Self {
        EtsParams {
            spec,
            alpha: None,
            beta: None,
            gamma: None,
            phi: None,
            initial: None,
            max_iter: 1000,
            beta_max: None,
            gamma_max: None,
            relative_simplex: false,
        }
    }
    /// Fixes α instead of estimating it.
    pub fn alpha(mut self, v: f64) -> Self {
        self.alpha = Some(v);
        self
    }
    /// Fixes β.
    pub fn beta(mut self, v: f64) -> Self {
        self.beta = Some(v);
        self
    }
    /// Fixes γ.
    pub fn gamma(mut self, v: f64) -> Self {
        self.gamma = Some(v);
        self
    }
    /// Fixes φ.
    pub fn phi(mut self, v: f64) -> Self {
        self.phi = Some(v);
        self
    }
    /// Fixes the initial states (level, trend, `m` seasonal indices oldest
    /// first, i.e. `s_{1−m}, …, s_0`) instead of estimating them.
    pub fn initial_state(mut self, level: f64, trend: f64, seasons: Vec<f64>) -> Self {
        self.initial = Some(EtsState { level, trend, seasons });
        self
    }
    /// Nelder–Mead iteration limit (default 1000).
    pub fn max_iter(mut self, n: usize) -> Self {
        self.max_iter = n;
        self
    }
    /// Upper bound of the estimated β (default 0.9999; β ≤ α is enforced
    /// in any case). [`AutoEtsParams`] sets it to the starting α, as statsforecast does.
    pub fn beta_max(mut self, v: f64) -> Self {
        self.beta_max = Some(v);
        self
    }
    /// Upper bound of the estimated γ (default 0.9999; γ ≤ 1 − α is enforced
    /// in any case).
    pub fn gamma_max(mut self, v: f64) -> Self {
        self.gamma_max = Some(v);
        self
    }
    /// Build the starting Nelder–Mead simplex by scaling each free parameter
    /// by 1.05 (a zero becomes 1e-4), as statsforecast's optimiser does,
    /// instead of the default absolute steps (0.1 for the weights, 0.02 for φ,
    /// 10 % of the state's size for the states). The small relative steps
    /// keep the search near the heuristic start — e.g. a starting β of 0.02
    /// moves by 0.001 — which acts as shrinkage towards the start.
    pub fn relative_simplex(mut self, yes: bool) -> Self {
        self.relative_simplex = yes;
        self
    }
    /// The model structure.
    pub fn spec(&self) -> EtsSpec {
        self.spec
    }
}

impl Params for EtsParams {
    fn check(&self) -> shopml_core::Result<()> {
        use shopml_core::validate::param;
        self.spec.check()?;
        if let Some(a) = self.alpha {
            param::in_closed("alpha", a, 0.0, 1.0)?;
        }
        if let Some(b) = self.beta {
            param::in_closed("beta", b, 0.0, 1.0)?;
        }
        if let Some(g) = self.gamma {
            param::in_closed("gamma", g, 0.0, 1.0)?;
        }
        if let Some(p) = self.phi {
            param::in_closed("phi", p, 0.0, 1.0)?;
        }
        param::at_least("max_iter", self.max_iter, 1)?;
        if let Some(b) = self.beta_max {
            param::in_closed("beta_max", b, LOWER[1], 1.0)?;
        }
        if let Some(g) = self.gamma_max {
            param::in_closed("gamma_max", g, LOWER[2], 1.0)?;
        }
        if let Some(s) = &self.initial
            && (!s.level.is_finite() || !s.trend.is_finite() || s.seasons.iter().any(|v| !v.is_finite()))
        {
            return Err(Error::param("initial_state", "initial states must be finite"));
        }
        Ok(())
    }
}

/// A fitted ETS model.
///
/// Loading from JSON (and every forecast) checks the model with
/// [`Ets::validate`]: a consistent structure, weights in `[0, 1]`, finite
/// states of the right length, a finite non-negative `sigma2`. Criterion
/// values that are legitimately infinite (a perfect fit) round-trip as
/// `"inf"`/`"-inf"`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "EtsRaw")]
pub struct Ets {
    /// Model structure.
    pub spec: EtsSpec,
    /// Season length (1 when non-seasonal).
    pub season_length: usize,
    /// Smoothing weights.
    pub coefficients: EtsCoefficients,
    /// Initial states (estimated or given).
    pub initial: EtsState,
    /// States after the last observation.
    pub last: EtsState,
    /// Residual variance (of relative errors for multiplicative error).
    pub sigma2: f64,
    /// Log-likelihood.
    #[serde(with = "shopml_core::serde_float")]
    pub log_likelihood: f64,
    /// Akaike information criterion.
    #[serde(with = "shopml_core::serde_float")]
    pub aic: f64,
    /// AIC with the small-sample correction.
    #[serde(with = "shopml_core::serde_float")]
    pub aicc: f64,
    /// Bayesian information criterion.
    #[serde(with = "shopml_core::serde_float")]
    pub bic: f64,
    /// Number of estimated parameters, σ² included.
    pub n_params: usize,
    /// One-step in-sample forecasts.
    pub fitted: Vec<f64>,
    /// In-sample one-step errors `y − ŷ` (on the data scale).
    pub residuals: Vec<f64>,
}

/// The serialised form of [`Ets`], checked on load.
#[derive(Deserialize)]
struct EtsRaw {
    spec: EtsSpec,
    season_length: usize,
    coefficients: EtsCoefficients,
    initial: EtsState,
    last: EtsState,
    sigma2: f64,
    #[serde(with = "shopml_core::serde_float")]
    log_likelihood: f64,
    #[serde(with = "shopml_core::serde_float")]
    aic: f64,
    #[serde(with = "shopml_core::serde_float")]
    aicc: f64,
    #[serde(with = "shopml_core::serde_float")]
    bic: f64,
    n_params: usize,
    fitted: Vec<f64>,
    residuals: Vec<f64>,
}

impl TryFrom<EtsRaw> for Ets {
    type Error = ForecastError;
    fn try_from(r: EtsRaw) -> Result<Self> {
        let m = Ets {
            spec: r.spec,
            season_length: r.season_length,
            coefficients: r.coefficients,
            initial: r.initial,
            last: r.last,
            sigma2: r.sigma2,
            log_likelihood: r.log_likelihood,
            aic: r.aic,
            aicc: r.aicc,
            bic: r.bic,
            n_params: r.n_params,
            fitted: r.fitted,
            residuals: r.residuals,
        };
        m.validate()?;
        Ok(m)
    }
}

fn check_state(what: &'static str, st: &EtsState, spec: &EtsSpec, m: usize) -> shopml_core::Result<()> {
    let want = if spec.season == Component::None { 0 } else { m };
    if st.seasons.len() != want {
        return Err(Error::shape(format!("{what} seasons"), want, st.seasons.len()));
    }
    if !st.level.is_finite() || !st.trend.is_finite() || st.seasons.iter().any(|v| !v.is_finite()) {
        return Err(Error::param(what, "states must be finite"));
    }
    if spec.trend == Component::Multiplicative && st.trend <= 0.0 {
        return Err(Error::param(what, format!("a multiplicative trend needs a positive growth rate, got {}", st.trend)));
    }
    if spec.season == Component::Multiplicative && st.seasons.iter().any(|&v| v <= 0.0) {
        return Err(Error::param(what, "multiplicative seasonal indices must be positive"));
    }
    Ok(())
}

/// Initial states by the `forecast::ets` heuristics. Seasons are returned in
/// time order (`s_{1−m}, …, s_0`).
pub(crate) fn heuristic_state(y: &[f64], m: usize, spec: &EtsSpec) -> Option<EtsState> {
    let n = y.len();
    let mut seasons = Vec::new();
    let mut y_sa: Vec<f64> = y.to_vec();
    let mut m_eff = 1;
    if spec.season != Component::None {
        m_eff = m;
        let mult = spec.season == Component::Multiplicative;
        if n < 4 {
            return None;
        }
        let seasonal: Vec<f64> = if n < 3 * m {
            let t: Vec<f64> = (1..=n).map(|i| i as f64).collect();
            let w = 2.0 * std::f64::consts::PI / m as f64;
            let mut cols = vec![vec![1.0; n], t.clone()];
            if m > 2 {
                cols.push(t.iter().map(|&x| (w * x).sin()).collect());
            }
            cols.push(t.iter().map(|&x| (w * x).cos()).collect());
            let coef = ols(&cols, y)?;
            if mult {
                t.iter().zip(y).map(|(&x, &v)| v / (coef[0] + coef[1] * x)).collect()
            } else {
                t.iter().zip(y).map(|(&x, &v)| v - coef[0] - coef[1] * x).collect()
            }
        } else {
            classical_seasonal(y, m, mult)
        };
        // State seasons: time order, s_{1-m} = seasonal[0] (recomputed from the
        // others so they sum to 0 or m), then seasonal[1..m].
        let mut init: Vec<f64> = seasonal[1..m].to_vec();
        if mult {
            for v in init.iter_mut() {
                *v = v.max(1e-2);
            }
            let sum: f64 = init.iter().sum();
            if sum > m as f64 {
                let d: f64 = init.iter().map(|v| v + 1e-2).sum();
                init.iter_mut().for_each(|v| *v /= d);
            }
            for (v, s) in y_sa.iter_mut().zip(&seasonal) {
                *v /= s.max(1e-2);
            }
        } else {
            for (v, s) in y_sa.iter_mut().zip(&seasonal) {
                *v -= s;
            }
        }
        let first = if mult { m as f64 } else { 0.0 } - init.iter().sum::<f64>();
        seasons.push(first);
        seasons.extend(init);
    }
    let maxn = (10usize.max(2 * m_eff)).min(n);
    let (level, trend) = if spec.trend == Component::None {
        (y_sa[..maxn].iter().sum::<f64>() / maxn as f64, 0.0)
    } else {
        let t: Vec<f64> = (1..=maxn).map(|i| i as f64).collect();
        let coef = ols(&[vec![1.0; maxn], t], &y_sa[..maxn])?;
        let (l, b) = (coef[0], coef[1]);
        if spec.trend == Component::Additive {
            if (l + b).abs() < 1e-8 { (l * (1.0 + 1e-3), b * (1.0 - 1e-3)) } else { (l, b) }
        } else {
            let mut l0 = l + b;
            if l0.abs() < 1e-8 {
                l0 = 1e-7;
            }
            let mut b0 = (l + 2.0 * b) / l0;
            l0 /= if b0.abs() < 1e-8 { 1e-8 } else { b0 };
            if b0.abs() > 1e10 {
                b0 = b0.signum() * 1e10;
            }
            if l0 < 1e-8 || b0 < 1e-8 {
                l0 = y_sa[0].max(1e-3);
                let div = if y_sa[0].abs() < 1e-8 { 1e-8 } else { y_sa[0] };
                b0 = (y_sa[1.min(n - 1)] / div).max(1e-3);
            }
            (l0, b0)
        }
    };
    Some(EtsState { level, trend, seasons })
}

const LOWER: [f64; 4] = [1e-4, 1e-4, 1e-4, 0.8];
const UPPER: [f64; 4] = [0.9999, 0.9999, 0.9999, 0.98];

impl Fit<TimeSeries> for EtsParams {
    type Model = Ets;
    type Error = ForecastError;
    fn fit(&self, series: &TimeSeries) -> Result<Ets> {
        self.check()?;
        let spec = self.spec;
        check_series(&spec.name(), series, spec.is_multiplicative())?;
        let y = series.values();
        let n = y.len();
        let seasonal = spec.season != Component::None;
        let m = if seasonal { series.season_length() } else { 1 };
        if seasonal && m < 2 {
            return Err(Error::param("season", "a seasonal model needs a season length of at least 2").into());
        }
        if let Some(s) = &self.initial {
            let want = if seasonal { m } else { 0 };
            if s.seasons.len() != want {
                return Err(Error::shape("initial seasons", want, s.seasons.len()).into());
            }
        }
        let has_trend = spec.trend != Component::None;
        // Free parameters: smoothing weights not fixed, then (unless fixed) the
        // initial states: level, trend, m − 1 seasons.
        let free_w =
            [self.alpha.is_none(), has_trend && self.beta.is_none(), seasonal && self.gamma.is_none(), spec.damped && self.phi.is_none()];
        let n_w = free_w.iter().filter(|&&f| f).count();
        let n_states = if self.initial.is_some() { 0 } else { 1 + has_trend as usize + if seasonal { m - 1 } else { 0 } };
        let k = n_w + n_states;
        let needed = if self.initial.is_some() { 1 } else { k + 2 };
        if n < needed.max(if seasonal { m + 1 } else { 1 }) {
            return Err(ForecastError::TooShort { model: spec.name(), needed: needed.max(if seasonal { m + 1 } else { 1 }), found: n });
        }
        // Starting values as in forecast::ets.
        // Box of the smoothing weights (β and γ optionally tightened).
        let mut bound_hi = UPPER;
        if let Some(b) = self.beta_max {
            bound_hi[1] = b;
        }
        if let Some(g) = self.gamma_max {
            bound_hi[2] = g;
        }
        let mut upper = bound_hi;
        let alpha0 = self.alpha.unwrap_or_else(|| {
            let a = LOWER[0] + 0.2 * (UPPER[0] - LOWER[0]) / m as f64;
            if !(0.0..=1.0).contains(&a) { LOWER[0] + 2e-3 } else { a }
        });
        let beta0 = if has_trend {
            self.beta.unwrap_or_else(|| {
                upper[1] = upper[1].min(alpha0);
                let b = LOWER[1] + 0.1 * (upper[1] - LOWER[1]);
                if b < 0.0 || b > alpha0 { alpha0 - 1e-3 } else { b }
            })
        } else {
            0.0
        };
        let gamma0 = if seasonal {
            self.gamma.unwrap_or_else(|| {
                upper[2] = upper[2].min(1.0 - alpha0);
                let g = LOWER[2] + 0.05 * (upper[2] - LOWER[2]);
                if g < 0.0 || g > 1.0 - alpha0 { 1.0 - alpha0 - 1e-3 } else { g }
            })
        } else {
            0.0
        };
        let phi0 = if spec.damped { self.phi.unwrap_or(LOWER[3] + 0.99 * (UPPER[3] - LOWER[3])) } else { 1.0 };
        let init = match &self.initial {
            Some(s) => s.clone(),
            None => heuristic_state(y, m, &spec)
                .ok_or_else(|| ForecastError::NoModel { reason: format!("{}: initial state regression is singular", spec.name()) })?,
        };
        let w0 = [alpha0, beta0, gamma0, phi0];
        let mut x0 = Vec::with_capacity(k);
        let mut lo = Vec::with_capacity(k);
        let mut hi = Vec::with_capacity(k);
        let mut step = Vec::with_capacity(k);
        for i in 0..4 {
            if free_w[i] {
                x0.push(w0[i]);
                lo.push(LOWER[i]);
                hi.push(bound_hi[i]);
                step.push(if i == 3 { 0.02 } else { 0.1 });
            }
        }
        let scale = y.iter().map(|v| v.abs()).sum::<f64>() / n as f64;
        if self.initial.is_none() {
            let mut push_state = |v: f64, st: f64| {
                x0.push(v);
                lo.push(f64::NEG_INFINITY);
                hi.push(f64::INFINITY);
                step.push(st);
            };
            push_state(init.level, 0.1 * init.level.abs().max(0.01 * scale).max(1e-3));
            if has_trend {
                let st = if spec.trend == Component::Multiplicative { 0.01 } else { 0.1 * init.trend.abs().max(0.01 * scale).max(1e-3) };
                push_state(init.trend, st);
            }
            if seasonal {
                for j in 1..m {
                    let st = if spec.season == Component::Multiplicative {
                        0.05
                    } else {
                        0.1 * init.seasons[j].abs().max(0.01 * scale).max(1e-3)
                    };
                    push_state(init.seasons[j], st);
                }
            }
        }
        if self.relative_simplex {
            for i in 0..x0.len() {
                step[i] = if x0[i] == 0.0 { 1e-4 } else { 0.05 * x0[i] };
            }
        }
        let fixed = (self.alpha, self.beta, self.gamma, self.phi);
        let unpack = |x: &[f64], st: &mut EtsState| -> EtsCoefficients {
            let mut it = x.iter().copied();
            let alpha = if free_w[0] { it.next().unwrap_or(alpha0) } else { fixed.0.unwrap_or(alpha0) };
            let beta = if !has_trend {
                0.0
            } else if free_w[1] {
                it.next().unwrap_or(beta0)
            } else {
                fixed.1.unwrap_or(beta0)
            };
            let gamma = if !seasonal {
                0.0
            } else if free_w[2] {
                it.next().unwrap_or(gamma0)
            } else {
                fixed.2.unwrap_or(gamma0)
            };
            let phi = if !spec.damped {
                1.0
            } else if free_w[3] {
                it.next().unwrap_or(phi0)
            } else {
                fixed.3.unwrap_or(phi0)
            };
            if n_states > 0 {
                st.level = it.next().unwrap_or(st.level);
                if has_trend {
                    st.trend = it.next().unwrap_or(st.trend);
                }
                if seasonal {
                    let mut sum = 0.0;
                    for j in 1..m {
                        let v = it.next().unwrap_or(st.seasons[j]);
                        st.seasons[j] = v;
                        sum += v;
                    }
                    st.seasons[0] = if spec.season == Component::Multiplicative { m as f64 } else { 0.0 } - sum;
                }
            }
            EtsCoefficients { alpha, beta, gamma, phi }
        };
        let mut work = init.clone();
        let mut objective = |x: &[f64]| -> f64 {
            work.clone_from(&init);
            let c = unpack(x, &mut work);
            // Usual region, then forecastability.
            if free_w[1] && c.beta > c.alpha {
                return f64::INFINITY;
            }
            if free_w[2] && c.gamma > 1.0 - c.alpha {
                return f64::INFINITY;
            }
            if !admissible(&spec, &c, m) {
                return f64::INFINITY;
            }
            if spec.season == Component::Multiplicative && work.seasons.iter().any(|&s| s <= 0.0) {
                return f64::INFINITY;
            }
            if spec.trend == Component::Multiplicative && work.trend <= 0.0 {
                return f64::INFINITY;
            }
            match filter(y, &spec, &c, &mut work, None) {
                Some((sse, sl)) => {
                    let v = neg2_loglik(n, sse, sl, &spec);
                    if v.is_nan() { f64::INFINITY } else { v.max(-1e10) }
                }
                None => f64::INFINITY,
            }
        };
        let best = if k > 0 { nelder_mead(&mut objective, &x0, &step, &lo, &hi, 1e-4, self.max_iter).x } else { Vec::new() };
        let mut start = init.clone();
        let coefs = unpack(&best, &mut start);
        Ets::from_run(y, spec, m, coefs, start, k + 1)
    }
}

impl Ets {
    /// Checks that the model can forecast: a valid structure
    /// ([`EtsSpec`]), a season length ≥ 2 for a seasonal model, weights in
    /// `[0, 1]` (`phi` in `(0, 1]`), finite states of the right length
    /// (positive where multiplicative), a finite `sigma2 ≥ 0`, as many
    /// residuals as fitted values. Run on load and before every forecast (the
    /// fields are public).
    pub fn validate(&self) -> shopml_core::Result<()> {
        use shopml_core::validate::param;
        self.spec.check()?;
        let m = self.season_length;
        if self.spec.season != Component::None && m < 2 {
            return Err(Error::param("season_length", format!("a seasonal model needs a season length ≥ 2, got {m}")));
        }
        let c = &self.coefficients;
        param::in_closed("alpha", c.alpha, 0.0, 1.0)?;
        param::in_closed("beta", c.beta, 0.0, 1.0)?;
        param::in_closed("gamma", c.gamma, 0.0, 1.0)?;
        if !(c.phi > 0.0 && c.phi <= 1.0) {
            return Err(Error::param("phi", format!("must be in (0, 1], got {}", c.phi)));
        }
        check_state("initial", &self.initial, &self.spec, m)?;
        check_state("last", &self.last, &self.spec, m)?;
        if !(self.sigma2.is_finite() && self.sigma2 >= 0.0) {
            return Err(Error::param("sigma2", format!("must be finite and non-negative, got {}", self.sigma2)));
        }
        if self.fitted.len() != self.residuals.len() {
            return Err(Error::shape("residuals", self.fitted.len(), self.residuals.len()));
        }
        Ok(())
    }

    /// The state-space name and the method it generalises, e.g.
    /// `ETS(A,A,N): Holt, additive errors`.
    pub fn name(&self) -> String {
        self.spec.long_name()
    }

    /// Filters `y` with fixed weights and initial state and builds the model.
    pub(crate) fn from_run(
        y: &[f64],
        spec: EtsSpec,
        m: usize,
        coefficients: EtsCoefficients,
        initial: EtsState,
        n_params: usize,
    ) -> Result<Self> {
        let n = y.len();
        let mut last = initial.clone();
        let mut fitted = vec![0.0; n];
        let (sse, sum_log) = filter(y, &spec, &coefficients, &mut last, Some(&mut fitted))
            .ok_or_else(|| ForecastError::NoModel { reason: format!("{}: the state recursion diverged", spec.name()) })?;
        let nf = n as f64;
        let n2ll = neg2_loglik(n, sse, sum_log, &spec);
        let log_likelihood = -0.5 * (n2ll + nf * (1.0 + (2.0 * std::f64::consts::PI).ln()));
        let kp = n_params as f64;
        let aic = -2.0 * log_likelihood + 2.0 * kp;
        let aicc = if nf - kp - 1.0 > 0.0 { aic + 2.0 * kp * (kp + 1.0) / (nf - kp - 1.0) } else { f64::INFINITY };
        let bic = -2.0 * log_likelihood + nf.ln() * kp;
        let dof = (n as isize - n_params as isize).max(1) as f64;
        let sigma2 = sse / dof;
        let residuals = y.iter().zip(&fitted).map(|(a, f)| a - f).collect();
        Ok(Ets { spec, season_length: m, coefficients, initial, last, sigma2, log_likelihood, aic, aicc, bic, n_params, fitted, residuals })
    }

    /// Point forecasts only.
    pub fn point(&self, horizon: usize) -> Vec<f64> {
        point_forecast(&self.spec, &self.coefficients, &self.last, horizon)
    }

    /// Forecast variance per step from the class 1/2/3 formulas; `None` when
    /// no formula applies (multiplicative trend).
    pub fn forecast_variance(&self, horizon: usize) -> Option<Vec<f64>> {
        if self.spec.trend == Component::Multiplicative {
            return None;
        }
        let c = &self.coefficients;
        let m = self.season_length.max(1);
        let seasonal = self.spec.season != Component::None;
        // c_j for j = 1..h-1.
        let mut cj = Vec::with_capacity(horizon);
        let mut phi_sum = 0.0;
        let mut phi_pow = 1.0;
        for j in 1..horizon {
            phi_pow *= c.phi;
            phi_sum += phi_pow;
            let mut v = c.alpha;
            if self.spec.trend != Component::None {
                v += c.beta * phi_sum;
            }
            if seasonal && j % m == 0 && self.spec.season == Component::Additive {
                v += c.gamma;
            }
            if seasonal && j % m == 0 && self.spec.season == Component::Multiplicative {
                v += c.gamma;
            }
            cj.push(v);
        }
        let s2 = self.sigma2;
        if self.spec.error == Component::Additive && self.spec.season != Component::Multiplicative {
            let mut out = Vec::with_capacity(horizon);
            let mut acc = 0.0;
            for h in 0..horizon {
                if h > 0 {
                    acc += cj[h - 1] * cj[h - 1];
                }
                out.push(s2 * (1.0 + acc));
            }
            return Some(out);
        }
        // Class 2 recursion on the (seasonally adjusted, for class 3) mean.
        let mu: Vec<f64> = if self.spec.season == Component::Multiplicative {
            let adj = EtsSpec { season: Component::None, ..self.spec };
            let st = EtsState { seasons: Vec::new(), ..self.last.clone() };
            point_forecast(&adj, c, &st, horizon)
        } else {
            self.point(horizon)
        };
        let mut theta = Vec::with_capacity(horizon);
        let mut out = Vec::with_capacity(horizon);
        for h in 0..horizon {
            let mut th = mu[h] * mu[h];
            for j in 1..=h {
                th += s2 * cj[j - 1] * cj[j - 1] * theta[h - j];
            }
            theta.push(th);
            let mut v = (1.0 + s2) * th - mu[h] * mu[h];
            if self.spec.error == Component::Additive {
                // Additive error with multiplicative season: σ² is absolute.
                v = s2 * (1.0 + (0..h).map(|j| cj[j] * cj[j]).sum::<f64>());
            }
            if self.spec.season == Component::Multiplicative && self.spec.error == Component::Multiplicative {
                let s = self.last.seasons[h % m];
                v *= s * s;
            }
            out.push(v.max(0.0));
        }
        Some(out)
    }
}

impl Forecast for Ets {
    fn forecast(&self, horizon: usize, levels: &[f64]) -> shopml_core::Result<ForecastResult> {
        check_levels(levels)?;
        crate::intervals::check_horizon(horizon)?;
        self.validate()?;
        let point = self.point(horizon);
        let intervals = if levels.is_empty() {
            Vec::new()
        } else {
            match self.forecast_variance(horizon) {
                Some(v) => normal_intervals(&point, &v, levels)?,
                None => residual_intervals(&point, &self.residuals, levels),
            }
        };
        Ok(ForecastResult { point, intervals })
    }
}

/// Information criterion used to choose among ETS candidates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Criterion {
    /// Akaike.
    Aic,
    /// Akaike, small-sample corrected (the default, as in `forecast::ets`).
    Aicc,
    /// Bayesian (Schwarz).
    Bic,
}

/// Automatic ETS: fits every admissible candidate by maximum likelihood and
/// keeps the one with the lowest information criterion (Hyndman, Koehler,
/// Snyder & Grose 2002; R `forecast::ets(model = "ZZZ")`, statsforecast
/// `AutoETS`).
///
/// Candidates: error ∈ {A, M}, trend ∈ {N, A, Ad} (plus M, Md when
/// [`allow_multiplicative_trend`](AutoEtsParams::allow_multiplicative_trend)),
/// season ∈ {N, A, M} when the season length is between 2 and 24 and the series
/// is longer than one season. With `restrict` (default) the numerically unstable
/// combinations A·M·*, A·*·M and M·M·A are skipped; multiplicative components
/// are skipped for data with zeros or negatives. A constant series gets
/// ETS(A,N,N) with α = 0.9999. By default the search reproduces statsforecast
/// 1.7.8 (candidate order, relative starting simplex, β and γ bounds carried
/// between candidates; see [`statsforecast_search`](AutoEtsParams::statsforecast_search)),
/// which on M3 forecasts better than the closer likelihood maximum.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AutoEtsParams {
    criterion: Criterion,
    damped: Option<bool>,
    allow_multiplicative_trend: bool,
    restrict: bool,
    seasonal: bool,
    max_iter: usize,
    sf_search: bool,
}

impl Default for AutoEtsParams {
    fn default() -> Self {
        AutoEtsParams {
            criterion: Criterion::Aicc,
            damped: None,
            allow_multiplicative_trend: false,
            restrict: true,
            seasonal: true,
            max_iter: 1000,
            sf_search: true,
        }
    }
}

impl AutoEtsParams {
    /// Default search (AICc, damped and undamped, no multiplicative trend).
    pub fn params() -> Self {
        Self::default()
    }
    /// The selection criterion.
    pub fn criterion(mut self, c: Criterion) -> Self {
        self.criterion = c;
        self
    }
    /// `Some(true)`/`Some(false)` forces damping on/off; `None` tries both.
    pub fn damped(mut self, d: Option<bool>) -> Self {
        self.damped = d;
        self
    }
    /// Also consider multiplicative trends.
    pub fn allow_multiplicative_trend(mut self, yes: bool) -> Self {
        self.allow_multiplicative_trend = yes;
        self
    }
    /// Skip the unstable combinations (default true).
    pub fn restrict(mut self, yes: bool) -> Self {
        self.restrict = yes;
        self
    }
    /// Consider seasonal models (default true; needs season length ≥ 2).
    pub fn seasonal(mut self, yes: bool) -> Self {
        self.seasonal = yes;
        self
    }
    /// Nelder–Mead iteration limit per candidate.
    pub fn max_iter(mut self, n: usize) -> Self {
        self.max_iter = n;
        self
    }
    /// Search as statsforecast 1.7.8's `ets_f` does (default true): the
    /// starting simplex of every candidate is relative
    /// ([`EtsParams::relative_simplex`]), and the weights are bounded by
    /// β ≤ the smallest starting α among the trended candidates
    /// fitted so far (in [`candidates`](AutoEtsParams::candidates) order), and
    /// γ ≤ 1 − starting α. The starting α is `1e-4 + 0.2 (0.9999 − 1e-4) / m`
    /// (`m` = 1 for non-seasonal candidates), so β ≤ 0.2 for yearly data and
    /// β ≤ 0.05 for most quarterly candidates. statsforecast gets these
    /// bounds because its `initparam` tightens the shared bound vector in
    /// place; the cap shrinks trend weights, which on M3 yearly series
    /// forecasts better. `false` gives R `forecast::ets`' box (0.9999 for
    /// all weights, with β ≤ α and γ ≤ 1 − α) and absolute simplex steps,
    /// i.e. a closer maximum of the likelihood.
    pub fn statsforecast_search(mut self, yes: bool) -> Self {
        self.sf_search = yes;
        self
    }

    /// The candidate specs for a series of length `n`, season length `m`,
    /// positive or not, in statsforecast's order (error A, M; trend N, A, M;
    /// season N, A, M; damped before undamped). Ties in the criterion keep
    /// the earlier candidate.
    pub fn candidates(&self, n: usize, m: usize, positive: bool) -> Vec<EtsSpec> {
        use Component::*;
        let seasonal = self.seasonal && (2..=24).contains(&m) && n > m;
        let mut trends = vec![None, Additive];
        if self.allow_multiplicative_trend {
            trends.push(Multiplicative);
        }
        let damped_opts: Vec<bool> = match self.damped {
            Some(d) => vec![d],
            Option::None => vec![true, false],
        };
        let seasons: Vec<Component> = if seasonal { vec![None, Additive, Multiplicative] } else { vec![None] };
        let mut out = Vec::new();
        for e in [Additive, Multiplicative] {
            for &t in &trends {
                for &s in &seasons {
                    // ETS(·,N,·) is undamped, and stays a candidate when damping is forced.
                    let ds: &[bool] = if t == None { &[false] } else { &damped_opts };
                    for &d in ds {
                        if self.restrict
                            && ((e == Additive && (t == Multiplicative || s == Multiplicative))
                                || (e == Multiplicative && t == Multiplicative && s == Additive))
                        {
                            continue;
                        }
                        let spec = EtsSpec::new(e, t, d, s);
                        if !positive && spec.is_multiplicative() {
                            continue;
                        }
                        out.push(spec);
                    }
                }
            }
        }
        out
    }
}

impl Params for AutoEtsParams {
    fn check(&self) -> shopml_core::Result<()> {
        shopml_core::validate::param::at_least("max_iter", self.max_iter, 1)
    }
}

/// The model AutoETS selected, with the criterion value of every candidate
/// tried. Loading from JSON validates the selected model; the criterion
/// values (`+∞` for a candidate that could not be fitted, `−∞` for a
/// perfect fit) round-trip losslessly.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AutoEts {
    /// The selected model.
    pub model: Ets,
    /// `(candidate, criterion value)`; `+∞` for candidates that could not be fitted.
    #[serde(with = "shopml_core::serde_float::pairs")]
    pub candidates: Vec<(EtsSpec, f64)>,
}

impl Fit<TimeSeries> for AutoEtsParams {
    type Model = AutoEts;
    type Error = ForecastError;
    fn fit(&self, series: &TimeSeries) -> Result<AutoEts> {
        self.check()?;
        check_series("AutoETS", series, false)?;
        let y = series.values();
        let m = series.season_length();
        if y.iter().all(|&v| v == y[0]) {
            let spec = EtsSpec::new(Component::Additive, Component::None, false, Component::None);
            let single = TimeSeries::new(y.to_vec(), 1)?;
            let model = EtsParams::from_spec(spec).alpha(0.9999).initial_state(y[0], 0.0, Vec::new()).fit(&single)?;
            return Ok(AutoEts { candidates: vec![(spec, model.aicc)], model });
        }
        let positive = y.iter().all(|&v| v > 0.0);
        let mut best: Option<Ets> = None;
        let mut best_ic = f64::INFINITY;
        let mut tried = Vec::new();
        // statsforecast's β bound, carried from candidate to candidate.
        let mut beta_cap = UPPER[1];
        for spec in self.candidates(y.len(), m, positive) {
            let mut ets = EtsParams::from_spec(spec).max_iter(self.max_iter);
            if self.sf_search {
                ets = ets.relative_simplex(true);
                let m_eff = if spec.season == Component::None { 1 } else { m };
                let alpha0 = LOWER[0] + 0.2 * (UPPER[0] - LOWER[0]) / m_eff as f64;
                if spec.trend != Component::None {
                    beta_cap = beta_cap.min(alpha0);
                    ets = ets.beta_max(beta_cap);
                }
                if spec.season != Component::None {
                    ets = ets.gamma_max(UPPER[2].min(1.0 - alpha0));
                }
            }
            let ic = match ets.fit(series) {
                Ok(model) => {
                    let ic = match self.criterion {
                        Criterion::Aic => model.aic,
                        Criterion::Aicc => model.aicc,
                        Criterion::Bic => model.bic,
                    };
                    let ic = if ic.is_nan() { f64::INFINITY } else { ic };
                    if ic < best_ic {
                        best_ic = ic;
                        best = Some(model);
                    }
                    ic
                }
                Err(_) => f64::INFINITY,
            };
            tried.push((spec, ic));
        }
        match best {
            Some(model) => Ok(AutoEts { model, candidates: tried }),
            None => Err(ForecastError::NoModel {
                reason: format!("none of {} ETS candidates could be fitted to {} observations", tried.len(), y.len()),
            }),
        }
    }
}

impl Forecast for AutoEts {
    fn forecast(&self, horizon: usize, levels: &[f64]) -> shopml_core::Result<ForecastResult> {
        self.model.forecast(horizon, levels)
    }
}

impl Ets {
    /// The parameters that fit this model, at their defaults; see [`EtsParams`].
    pub fn params(error: Component, trend: Component, damped: bool, season: Component) -> EtsParams {
        EtsParams::params(error, trend, damped, season)
    }
}

impl AutoEts {
    /// `AutoETS → ` and the selected model's [`Ets::name`].
    pub fn name(&self) -> String {
        format!("AutoETS → {}", self.model.name())
    }
    /// The parameters that fit this model, at their defaults; see [`AutoEtsParams`].
    pub fn params() -> AutoEtsParams {
        AutoEtsParams::params()
    }
}

/// Sample paths for [`LeadTimeForecast`] when no closed form applies.
const LEAD_TIME_PATHS: usize = 20_000;
/// Seed of those paths (fixed: the same model gives the same answer).
const LEAD_TIME_SEED: u64 = 0x5EED_1EAD;

impl Ets {
    /// Whether the model is in class 1 of Hyndman et al. (2008, ch. 6):
    /// additive error and no multiplicative component, so forecast errors
    /// are linear in the future innovations.
    fn is_linear(&self) -> bool {
        self.spec.error == Component::Additive
            && self.spec.trend != Component::Multiplicative
            && self.spec.season != Component::Multiplicative
    }

    /// `c_j`, the weight of the innovation `j` steps back in a class 1
    /// forecast error, for `j = 0..n` (`c_0 = 1`).
    fn innovation_weights(&self, n: usize) -> Vec<f64> {
        let c = &self.coefficients;
        let m = self.season_length.max(1);
        let seasonal = self.spec.season != Component::None;
        let mut out = Vec::with_capacity(n);
        let (mut phi_pow, mut phi_sum) = (1.0, 0.0);
        for j in 0..n {
            if j == 0 {
                out.push(1.0);
                continue;
            }
            phi_pow *= c.phi;
            phi_sum += phi_pow;
            let mut v = c.alpha;
            if self.spec.trend != Component::None {
                v += c.beta * phi_sum;
            }
            if seasonal && j % m == 0 {
                v += c.gamma;
            }
            out.push(v);
        }
        out
    }

    /// Simulates `n_paths` futures of `lead_time` steps from the final state
    /// with Gaussian innovations of variance `sigma2` (relative innovations
    /// for multiplicative error) and returns the mean and standard deviation
    /// of their totals.
    fn simulate_total(&self, lead_time: usize, n_paths: usize, seed: u64) -> Result<(f64, f64)> {
        use rand::{Rng, SeedableRng};
        let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
        let sd = self.sigma2.sqrt();
        let mult = self.spec.error == Component::Multiplicative;
        let mut st = self.last.clone();
        let (mut mean, mut m2) = (0.0f64, 0.0f64);
        for p in 0..n_paths {
            st.clone_from(&self.last);
            let mut total = 0.0;
            for _ in 0..lead_time {
                let f = point_forecast(&self.spec, &self.coefficients, &st, 1)[0];
                let e = sd * rng.sample::<f64, _>(rand_distr::StandardNormal);
                let y = if mult { f * (1.0 + e) } else { f + e };
                if filter(&[y], &self.spec, &self.coefficients, &mut st, None).is_none() || !y.is_finite() {
                    return Err(ForecastError::NoModel { reason: format!("{}: a simulated demand path diverged", self.spec.name()) });
                }
                total += y;
            }
            let d = total - mean;
            mean += d / (p + 1) as f64;
            m2 += d * (total - mean);
        }
        let var = if n_paths > 1 { m2 / (n_paths - 1) as f64 } else { 0.0 };
        Ok((mean, var.max(0.0).sqrt()))
    }
}

/// Total demand over a lead time of `L` periods, with the right spread for
/// every ETS class.
///
/// - Class 1 (additive error, no multiplicative component): exact. The
///   total's error is `Σₖ (Σ_{j=0}^{L−k} c_j) ε_{n+k}`, so its variance is
///   `σ² Σ_{k=1}^{L} (Σ_{j=0}^{L−k} c_j)²` (Hyndman et al. 2008, §6.6, the
///   cumulative forecast variance), and the mean is the sum of the point
///   forecasts. Summing per-step variances would ignore that one innovation
///   moves every later step.
/// - Every other class (multiplicative error, trend or season): the
///   variance of the total has no closed form, and `sigma2` is the variance
///   of *relative* errors, so `√sigma2` is not a demand σ at all. The mean
///   and σ come from 20,000 simulated sample paths of the fitted model with
///   a fixed seed, as R's `forecast::ets` and statsforecast simulate when
///   no formula applies.
impl LeadTimeForecast for Ets {
    fn lead_time_demand(&self, lead_time: usize) -> Result<LeadTimeDemand> {
        self.validate()?;
        if lead_time == 0 || lead_time > crate::inventory::MAX_LEAD_TIME {
            return Err(
                Error::param("lead_time", format!("must be in 1..={} periods, got {lead_time}", crate::inventory::MAX_LEAD_TIME)).into()
            );
        }
        let (mean, sd) = if self.is_linear() {
            let c = self.innovation_weights(lead_time);
            let mut cum = 0.0;
            let mut acc = 0.0;
            // Σ_{k=1}^{L} (Σ_{j=0}^{L−k} c_j)² = Σ_{i=0}^{L−1} (Σ_{j=0}^{i} c_j)².
            for &cj in &c {
                cum += cj;
                acc += cum * cum;
            }
            (self.point(lead_time).iter().sum::<f64>(), (self.sigma2 * acc).sqrt())
        } else {
            self.simulate_total(lead_time, LEAD_TIME_PATHS, LEAD_TIME_SEED)?
        };
        LeadTimeDemand::new(mean.max(0.0), sd)
    }
}

impl LeadTimeForecast for AutoEts {
    fn lead_time_demand(&self, lead_time: usize) -> Result<LeadTimeDemand> {
        self.model.lead_time_demand(lead_time)
    }
}
