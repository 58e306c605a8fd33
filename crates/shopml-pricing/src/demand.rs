//! Single-product demand curves: linear, log-log (constant elasticity) and
//! semi-log, with own-price elasticities and their confidence intervals.
//!
//! | form | regression | elasticity at price `p` |
//! |---|---|---|
//! | [`DemandForm::Linear`] | `q = a + b p + γᵀz` | `b p / q̂(p)` (delta method) |
//! | [`DemandForm::LogLog`] | `ln q = a + β ln p + γᵀz` | `β` |
//! | [`DemandForm::SemiLog`] | `ln q = a + β p + γᵀz` | `β p` |
//!
//! Controls `z` (promotion flags, seasonal dummies, fixed effects, a trend)
//! are held at their sample means when the curve is evaluated.

use ndarray::{Array1, Array2};
use serde::{Deserialize, Serialize};
use shopml_core::{Error, Fit, Params, check_levels};

use crate::error::{PricingError, Result};
use crate::ols::{Covariance, critical_value, ols};
use crate::optimal::{Demand, Objective, OptimalPrice, PriceProblem, optimal_price};

/// The functional form of a demand curve.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum DemandForm {
    /// `q = a + b p`: linear demand; the elasticity varies along the curve.
    Linear,
    /// `ln q = a + β ln p`: constant elasticity `β`.
    #[default]
    LogLog,
    /// `ln q = a + β p`: exponential demand; elasticity `β p`.
    SemiLog,
}

impl DemandForm {
    pub(crate) fn price_regressor(self, p: f64) -> f64 {
        match self {
            DemandForm::LogLog => p.ln(),
            _ => p,
        }
    }
    pub(crate) fn log_quantity(self) -> bool {
        !matches!(self, DemandForm::Linear)
    }
}

/// A point estimate with its standard error and a confidence interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Estimate {
    /// The estimate.
    pub estimate: f64,
    /// Its standard error (delta method where it is not a coefficient).
    pub std_error: f64,
    /// Lower confidence bound.
    pub lower: f64,
    /// Upper confidence bound.
    pub upper: f64,
    /// Confidence level in percent.
    pub level: f64,
}

impl Estimate {
    pub(crate) fn new(estimate: f64, std_error: f64, crit: f64, level: f64) -> Estimate {
        Estimate { estimate, std_error, lower: estimate - crit * std_error, upper: estimate + crit * std_error, level }
    }
    /// Whether the interval excludes zero.
    pub fn significant(&self) -> bool {
        self.lower > 0.0 || self.upper < 0.0
    }
}

/// Price–quantity observations of one product, with optional controls.
///
/// ```
/// use shopml_pricing::DemandData;
/// let data = DemandData::new(vec![1.0, 1.2, 1.5], vec![10.0, 8.0, 6.5]).product("mug").control("promo", vec![0.0, 1.0, 0.0]);
/// assert_eq!(data.len(), 3);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DemandData {
    /// Product name, used in error messages.
    pub product: String,
    /// Price per observation.
    pub price: Vec<f64>,
    /// Units sold per observation.
    pub quantity: Vec<f64>,
    /// Named control columns, each as long as `price`.
    pub controls: Vec<(String, Vec<f64>)>,
}

impl DemandData {
    /// Observations without controls.
    pub fn new(price: Vec<f64>, quantity: Vec<f64>) -> DemandData {
        DemandData { product: "product".into(), price, quantity, controls: Vec::new() }
    }
    /// Names the product (for error messages and reports).
    pub fn product(mut self, name: impl Into<String>) -> DemandData {
        self.product = name.into();
        self
    }
    /// Adds a control column (a promotion flag, a seasonal dummy, a trend, …).
    pub fn control(mut self, name: impl Into<String>, values: Vec<f64>) -> DemandData {
        self.controls.push((name.into(), values));
        self
    }
    /// Number of observations.
    pub fn len(&self) -> usize {
        self.price.len()
    }
    /// Whether there are no observations.
    pub fn is_empty(&self) -> bool {
        self.price.is_empty()
    }
}

/// Hyper-parameters of a single-product demand regression.
///
/// ```
/// use shopml_core::Fit;
/// use shopml_pricing::{DemandCurve, DemandData, DemandForm};
/// // q = 100 · p^-2 exactly, with a little multiplicative wiggle
/// let price: Vec<f64> = vec![1.0, 1.5, 2.0, 2.5, 3.0, 3.5];
/// let wiggle = [1.01, 0.99, 1.02, 0.98, 1.0, 1.01];
/// let qty: Vec<f64> = price.iter().zip(wiggle).map(|(p, w)| 100.0 * p.powf(-2.0) * w).collect();
/// let curve = DemandCurve::params(DemandForm::LogLog).fit(&DemandData::new(price, qty)).unwrap();
/// let e = curve.elasticity(2.0, 95.0).unwrap();
/// assert!((e.estimate + 2.0).abs() < 0.05 && e.lower < -2.0 && e.upper > -2.0);
/// // Lerner: p* = c e / (1 + e) = 2 c for e = −2
/// let best = curve.optimal_price(1.0, 0.5, 10.0).unwrap();
/// assert!((best.price - 2.0).abs() < 0.1);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DemandParams {
    form: DemandForm,
    covariance: Covariance,
}

impl DemandParams {
    /// Parameters for the given form, classical covariance.
    pub fn new(form: DemandForm) -> DemandParams {
        DemandParams { form, covariance: Covariance::Classical }
    }
    /// The functional form.
    pub fn form(mut self, form: DemandForm) -> DemandParams {
        self.form = form;
        self
    }
    /// The covariance behind standard errors and intervals (default classical).
    pub fn covariance(mut self, covariance: Covariance) -> DemandParams {
        self.covariance = covariance;
        self
    }
}

impl Default for DemandParams {
    fn default() -> Self {
        DemandParams::new(DemandForm::LogLog)
    }
}

impl Params for DemandParams {
    fn check(&self) -> shopml_core::Result<()> {
        Ok(())
    }
}

/// Checks one product's prices and quantities for a form and returns the number of distinct prices.
pub(crate) fn check_observations(product: &str, form: DemandForm, price: &[f64], quantity: &[f64]) -> Result<usize> {
    if price.is_empty() {
        return Err(Error::empty(format!("observations of product `{product}`")).into());
    }
    if price.len() != quantity.len() {
        return Err(Error::shape(format!("quantity of product `{product}`"), price.len(), quantity.len()).into());
    }
    for (row, (&p, &q)) in price.iter().zip(quantity).enumerate() {
        let bad = |what: &'static str, value: f64, reason: &str| PricingError::InvalidObservation {
            product: product.to_string(),
            what,
            row,
            value,
            reason: reason.into(),
        };
        if !p.is_finite() {
            return Err(bad("price", p, "prices must be finite"));
        }
        if !q.is_finite() {
            return Err(bad("quantity", q, "quantities must be finite"));
        }
        if p <= 0.0 {
            return Err(bad("price", p, "prices must be positive"));
        }
        if form.log_quantity() && q <= 0.0 {
            return Err(bad("quantity", q, "a log-quantity model needs positive quantities (aggregate or drop zero-sale rows)"));
        }
        if q < 0.0 {
            return Err(bad("quantity", q, "quantities must be non-negative"));
        }
    }
    let mut sorted = price.to_vec();
    sorted.sort_by(f64::total_cmp);
    sorted.dedup();
    if sorted.len() < 2 {
        return Err(PricingError::TooFewPrices { product: product.to_string(), distinct: sorted.len(), required: 2 });
    }
    Ok(sorted.len())
}

/// Fits a demand curve on a prepared design: price, quantity and control columns.
pub(crate) fn fit_curve(
    form: DemandForm,
    covariance: Covariance,
    product: &str,
    price: &[f64],
    quantity: &[f64],
    controls: &[(String, Vec<f64>)],
) -> Result<DemandCurve> {
    check_observations(product, form, price, quantity)?;
    let n = price.len();
    for (name, col) in controls {
        if col.len() != n {
            return Err(Error::shape(format!("control `{name}` of product `{product}`"), n, col.len()).into());
        }
        if let Some(row) = col.iter().position(|v| !v.is_finite()) {
            return Err(PricingError::InvalidObservation {
                product: product.to_string(),
                what: "control",
                row,
                value: col[row],
                reason: format!("control `{name}` must be finite"),
            });
        }
    }
    let k = 2 + controls.len();
    if n <= k {
        return Err(PricingError::TooFewObservations { product: product.to_string(), n_obs: n, n_params: k });
    }
    let x = Array2::from_shape_fn((n, k - 1), |(i, j)| if j == 0 { form.price_regressor(price[i]) } else { controls[j - 1].1[i] });
    let y: Array1<f64> = quantity.iter().map(|&q| if form.log_quantity() { q.ln() } else { q }).collect();
    let fit = ols(x.view(), y.view(), true, covariance, product)?;
    let control_means = controls.iter().map(|(_, c)| c.iter().sum::<f64>() / n as f64).collect();
    let mut names = vec!["const".to_string(), "price".to_string()];
    names.extend(controls.iter().map(|(nm, _)| nm.clone()));
    let (lo, hi) = price.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &p| (a.min(p), b.max(p)));
    DemandCurve::from_raw(DemandCurveRaw {
        product: product.to_string(),
        form,
        covariance_type: covariance,
        names,
        params: fit.params,
        covariance: fit.covariance,
        df_resid: fit.df_resid,
        n_obs: n,
        r_squared: fit.r_squared,
        scale: fit.scale,
        control_means,
        price_range: (lo, hi),
    })
}

impl Fit<DemandData> for DemandParams {
    type Model = DemandCurve;
    type Error = PricingError;
    fn fit(&self, data: &DemandData) -> Result<DemandCurve> {
        self.check()?;
        fit_curve(self.form, self.covariance, &data.product, &data.price, &data.quantity, &data.controls)
    }
}

/// The unchecked form of [`DemandCurve`], as stored in JSON.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DemandCurveRaw {
    product: String,
    form: DemandForm,
    covariance_type: Covariance,
    names: Vec<String>,
    params: Vec<f64>,
    covariance: Array2<f64>,
    df_resid: f64,
    n_obs: usize,
    r_squared: f64,
    scale: f64,
    control_means: Vec<f64>,
    price_range: (f64, f64),
}

/// A fitted demand curve with the covariance of its coefficients.
///
/// Coefficients are ordered `const`, `price` (the price regressor: `p` or
/// `ln p`), then the controls.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "DemandCurveRaw", into = "DemandCurveRaw")]
pub struct DemandCurve {
    raw: DemandCurveRaw,
}

impl TryFrom<DemandCurveRaw> for DemandCurve {
    type Error = PricingError;
    fn try_from(raw: DemandCurveRaw) -> Result<Self> {
        DemandCurve::from_raw(raw)
    }
}

impl From<DemandCurve> for DemandCurveRaw {
    fn from(c: DemandCurve) -> Self {
        c.raw
    }
}

impl DemandCurve {
    /// Default parameters for `form`.
    pub fn params(form: DemandForm) -> DemandParams {
        DemandParams::new(form)
    }

    fn from_raw(raw: DemandCurveRaw) -> Result<DemandCurve> {
        let k = raw.params.len();
        if k < 2 || raw.names.len() != k || raw.control_means.len() + 2 != k {
            return Err(
                Error::shape("demand curve coefficients", format!("{} names and {} control means + 2", k, k), raw.names.len()).into()
            );
        }
        if raw.covariance.dim() != (k, k) {
            return Err(Error::shape("demand curve covariance", format!("{k}×{k}"), format!("{:?}", raw.covariance.dim())).into());
        }
        let finite = raw.params.iter().chain(raw.covariance.iter()).chain(&raw.control_means).all(|v| v.is_finite());
        if !finite || !raw.df_resid.is_finite() || raw.df_resid <= 0.0 {
            return Err(Error::param("demand_curve", format!("non-finite coefficients or covariance for product `{}`", raw.product)).into());
        }
        if !(raw.price_range.0 > 0.0 && raw.price_range.0 <= raw.price_range.1) {
            return Err(Error::param("price_range", "must be positive and ordered").into());
        }
        Ok(DemandCurve { raw })
    }

    /// The product this curve belongs to.
    pub fn product(&self) -> &str {
        &self.raw.product
    }
    /// The functional form.
    pub fn form(&self) -> DemandForm {
        self.raw.form
    }
    /// The covariance estimator behind the intervals.
    pub fn covariance_type(&self) -> Covariance {
        self.raw.covariance_type
    }
    /// Coefficient names: `const`, `price`, then the controls.
    pub fn names(&self) -> &[String] {
        &self.raw.names
    }
    /// Coefficients in the order of [`names`](Self::names).
    pub fn coefficients(&self) -> &[f64] {
        &self.raw.params
    }
    /// Covariance matrix of the coefficients.
    pub fn covariance(&self) -> &Array2<f64> {
        &self.raw.covariance
    }
    /// Standard errors of the coefficients.
    pub fn std_errors(&self) -> Vec<f64> {
        self.raw.covariance.diag().iter().map(|v| v.max(0.0).sqrt()).collect()
    }
    /// Number of observations.
    pub fn n_obs(&self) -> usize {
        self.raw.n_obs
    }
    /// Residual degrees of freedom.
    pub fn df_resid(&self) -> f64 {
        self.raw.df_resid
    }
    /// R² of the regression (on the log scale for the log forms).
    pub fn r_squared(&self) -> f64 {
        self.raw.r_squared
    }
    /// Residual variance of the regression.
    pub fn scale(&self) -> f64 {
        self.raw.scale
    }
    /// Sample means of the controls, at which the curve is evaluated.
    pub fn control_means(&self) -> &[f64] {
        &self.raw.control_means
    }
    /// Smallest and largest observed price.
    pub fn price_range(&self) -> (f64, f64) {
        self.raw.price_range
    }

    fn crit(&self, level: f64) -> Result<f64> {
        check_levels(&[level])?;
        Ok(critical_value(level, self.raw.df_resid, self.raw.covariance_type))
    }

    fn check_price(&self, price: f64) -> Result<()> {
        if !(price.is_finite() && price > 0.0) {
            return Err(Error::param("price", format!("must be positive and finite, got {price}")).into());
        }
        Ok(())
    }

    fn design_row(&self, price: f64) -> Vec<f64> {
        let mut x = Vec::with_capacity(self.raw.params.len());
        x.push(1.0);
        x.push(self.raw.form.price_regressor(price));
        x.extend_from_slice(&self.raw.control_means);
        x
    }

    fn quad(&self, g: &[f64]) -> f64 {
        let c = &self.raw.covariance;
        let mut s = 0.0;
        for i in 0..g.len() {
            for j in 0..g.len() {
                s += g[i] * c[[i, j]] * g[j];
            }
        }
        s.max(0.0)
    }

    /// The linear index `xᵀθ` at `price` (controls at their means).
    fn index(&self, price: f64) -> f64 {
        self.design_row(price).iter().zip(&self.raw.params).map(|(a, b)| a * b).sum()
    }

    /// Expected demand at `price`, controls at their means. For the log forms
    /// this is `exp(xᵀθ)`, the median of a log-normal demand.
    pub fn quantity(&self, price: f64) -> Result<f64> {
        self.check_price(price)?;
        let idx = self.index(price);
        Ok(if self.raw.form.log_quantity() { idx.exp() } else { idx })
    }

    /// A `level` % confidence interval for demand at `price` (from the
    /// interval of the linear index, exponentiated for the log forms).
    pub fn quantity_interval(&self, price: f64, level: f64) -> Result<Estimate> {
        self.check_price(price)?;
        let crit = self.crit(level)?;
        let x = self.design_row(price);
        let se = self.quad(&x).sqrt();
        let idx = self.index(price);
        Ok(if self.raw.form.log_quantity() {
            let q = idx.exp();
            Estimate { estimate: q, std_error: q * se, lower: (idx - crit * se).exp(), upper: (idx + crit * se).exp(), level }
        } else {
            Estimate::new(idx, se, crit, level)
        })
    }

    /// Own-price elasticity `∂ln q / ∂ln p` at `price` with a `level` %
    /// confidence interval (delta method for the linear and semi-log forms).
    pub fn elasticity(&self, price: f64, level: f64) -> Result<Estimate> {
        self.check_price(price)?;
        let crit = self.crit(level)?;
        let k = self.raw.params.len();
        let b = self.raw.params[1];
        let (e, grad) = match self.raw.form {
            DemandForm::LogLog => {
                let mut g = vec![0.0; k];
                g[1] = 1.0;
                (b, g)
            }
            DemandForm::SemiLog => {
                let mut g = vec![0.0; k];
                g[1] = price;
                (b * price, g)
            }
            DemandForm::Linear => {
                let x = self.design_row(price);
                let q = self.index(price);
                if q <= 0.0 {
                    return Err(
                        Error::param("price", format!("predicted demand at {price} is {q} ≤ 0: the elasticity is undefined")).into()
                    );
                }
                let e = b * price / q;
                let mut g: Vec<f64> = x.iter().map(|xj| -b * price * xj / (q * q)).collect();
                g[1] += price / q;
                (e, g)
            }
        };
        Ok(Estimate::new(e, self.quad(&grad).sqrt(), crit, level))
    }

    /// The price coefficient (`b` or `β`) with a `level` % interval.
    pub fn price_coefficient(&self, level: f64) -> Result<Estimate> {
        let crit = self.crit(level)?;
        Ok(Estimate::new(self.raw.params[1], self.raw.covariance[[1, 1]].max(0.0).sqrt(), crit, level))
    }

    /// The point-estimate curve as a [`Demand`] for the optimisers (controls at their means).
    pub fn to_demand(&self) -> Demand {
        let th = &self.raw.params;
        let base = th[0] + th[2..].iter().zip(&self.raw.control_means).map(|(a, b)| a * b).sum::<f64>();
        match self.raw.form {
            DemandForm::Linear => Demand::Linear { intercept: base, slope: th[1] },
            DemandForm::LogLog => Demand::ConstantElasticity { scale: base.exp(), elasticity: th[1] },
            DemandForm::SemiLog => Demand::SemiLog { scale: base.exp(), slope: th[1] },
        }
    }

    /// The profit-maximising price for unit `cost` within `[min_price, max_price]`
    /// on the point-estimate curve (see [`optimal_price`]).
    pub fn optimal_price(&self, cost: f64, min_price: f64, max_price: f64) -> Result<OptimalPrice> {
        let problem = PriceProblem::new(self.to_demand(), cost, min_price, max_price).objective(Objective::Profit).product(self.product());
        optimal_price(&problem)
    }
}
