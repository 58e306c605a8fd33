//! Poisson regression with the log link, for counts such as units sold.

use ndarray::{Array1, ArrayBase, CowArray, Data, Ix2};
use serde::{Deserialize, Serialize};
use shopml_core::{Dataset, Fit, Params, Predict, validate};

use crate::error::{LinearError, Result};
use crate::glm::{self, Family, GlmData, Implicit, glm_inference, newton_family};
use crate::inference::Inference;
use crate::kernels;
use crate::lbfgs;

/// Optimiser for Poisson regression.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum PoissonSolver {
    /// Newton with at most 200 features, L-BFGS above.
    #[default]
    Auto,
    /// Newton / IRLS with a line search.
    Newton,
    /// L-BFGS.
    Lbfgs,
}

/// Poisson regression `E[y | x] = exp(xᵀβ + b)` (a GLM, Nelder & Wedderburn
/// 1972), minimising scikit-learn's `PoissonRegressor` objective
///
/// `(1 / (2 Σs)) Σᵢ sᵢ dev(yᵢ, μᵢ) + α/2 ‖β‖²`,  `dev = 2 (y log(y/μ) − y + μ)`.
///
/// With `alpha = 0` it is the maximum-likelihood fit of statsmodels'
/// `GLM(family=Poisson())`, and [`PoissonRegression::inference`] gives its z table.
///
/// ```
/// use ndarray::array;
/// use shopml_core::{Dataset, Fit};
/// use shopml_linear::PoissonRegression;
/// // Counts at three price points.
/// let x = array![[0.0], [0.0], [1.0], [1.0], [2.0], [2.0]];
/// let y = array![10.0, 12.0, 5.0, 6.0, 2.0, 3.0];
/// let m = PoissonRegression::params().alpha(0.0).fit(&Dataset::new(x.view(), y.view())).unwrap();
/// assert!(m.coefficients()[0] < 0.0);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PoissonRegressionParams {
    alpha: f64,
    fit_intercept: bool,
    standardize: bool,
    solver: PoissonSolver,
    max_iter: usize,
    tol: f64,
}

impl Default for PoissonRegressionParams {
    fn default() -> Self {
        PoissonRegressionParams {
            alpha: 1.0,
            fit_intercept: true,
            standardize: false,
            solver: PoissonSolver::Auto,
            max_iter: 500,
            tol: 1e-8,
        }
    }
}

impl PoissonRegressionParams {
    /// Defaults: `alpha = 1` (scikit-learn's default), intercept, `tol = 1e-8`.
    pub fn params() -> Self {
        Self::default()
    }
    /// L2 strength `α ≥ 0`.
    pub fn alpha(mut self, v: f64) -> Self {
        self.alpha = v;
        self
    }
    /// Whether to fit an intercept.
    pub fn fit_intercept(mut self, v: bool) -> Self {
        self.fit_intercept = v;
        self
    }
    /// Standardise columns inside the fit (penalty on standardised coefficients).
    pub fn standardize(mut self, v: bool) -> Self {
        self.standardize = v;
        self
    }
    /// The optimiser.
    pub fn solver(mut self, v: PoissonSolver) -> Self {
        self.solver = v;
        self
    }
    /// Maximum iterations.
    pub fn max_iter(mut self, v: usize) -> Self {
        self.max_iter = v;
        self
    }
    /// Gradient tolerance on the scaled objective.
    pub fn tol(mut self, v: f64) -> Self {
        self.tol = v;
        self
    }
}

impl Params for PoissonRegressionParams {
    fn check(&self) -> shopml_core::Result<()> {
        validate::param::non_negative("alpha", self.alpha)?;
        validate::param::at_least("max_iter", self.max_iter, 1)?;
        validate::param::positive("tol", self.tol)
    }
}

/// A fitted Poisson regression. Loading checks finite coefficients,
/// intercept and penalty.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "PoissonRaw")]
pub struct PoissonRegression {
    coefficients: Array1<f64>,
    intercept: f64,
    fit_intercept: bool,
    alpha: f64,
    n_iter: usize,
    converged: bool,
}

#[derive(Deserialize)]
struct PoissonRaw {
    coefficients: Array1<f64>,
    intercept: f64,
    fit_intercept: bool,
    alpha: f64,
    n_iter: usize,
    converged: bool,
}

impl TryFrom<PoissonRaw> for PoissonRegression {
    type Error = LinearError;
    fn try_from(r: PoissonRaw) -> Result<Self> {
        validate::finite_vector("coefficients", r.coefficients.view())?;
        validate::finite_slice("intercept", &[r.intercept])?;
        validate::param::non_negative("alpha", r.alpha)?;
        Ok(PoissonRegression {
            coefficients: r.coefficients,
            intercept: r.intercept,
            fit_intercept: r.fit_intercept,
            alpha: r.alpha,
            n_iter: r.n_iter,
            converged: r.converged,
        })
    }
}

impl PoissonRegression {
    /// Coefficients on the original scale (log-rate change per unit).
    pub fn coefficients(&self) -> &Array1<f64> {
        &self.coefficients
    }
    /// The intercept.
    pub fn intercept(&self) -> f64 {
        self.intercept
    }
    /// Iterations run.
    pub fn n_iter(&self) -> usize {
        self.n_iter
    }
    /// Whether the solver met its tolerance.
    pub fn converged(&self) -> bool {
        self.converged
    }

    /// z-based inference from the observed information `(Xᵀ S diag(μ) X + α Σs P)⁻¹`
    /// on the fitting data (statsmodels' Poisson GLM table when `alpha = 0`).
    pub fn inference(&self, data: &Dataset<'_>) -> Result<Inference> {
        check(data)?;
        validate::n_features(self.coefficients.len(), data.records)?;
        let x = data.records.as_standard_layout();
        let n = x.nrows();
        let s = data.weights.map_or_else(|| Array1::ones(n), |w| w.to_owned());
        let sw = s.sum();
        let gd = GlmData { x: x.view(), y: data.targets, s };
        let beta = self.coefficients.to_vec();
        let (loss, _, _) = glm::loss_grad(&gd, Family::Poisson, &beta, self.intercept);
        let llf = -loss - (0..n).map(|i| gd.s[i] * shopml_core::stats::ln_gamma(gd.y[i] + 1.0)).sum::<f64>();
        let pen = self.alpha * sw;
        glm_inference(&gd, Family::Poisson, &beta, self.intercept, self.fit_intercept, pen, llf, "Poisson")
    }
}

fn check(data: &Dataset<'_>) -> Result<()> {
    validate::records(data.records)?;
    validate::targets(data.records, data.targets)?;
    validate::sample_weights(data.records.nrows(), data.weights)?;
    if let Some(row) = data.targets.iter().position(|&v| v < 0.0) {
        return Err(shopml_core::Error::InvalidValue {
            what: "targets".into(),
            row,
            column: None,
            value: data.targets[row],
            reason: "Poisson targets are counts and must be >= 0".into(),
        }
        .into());
    }
    Ok(())
}

impl<S: Data<Elem = f64>> Predict<ArrayBase<S, Ix2>> for PoissonRegression {
    type Output = Array1<f64>;
    type Error = LinearError;
    /// Expected counts `exp(Xβ + b)`; an expected count that overflows `f64`
    /// is an error naming the row.
    fn predict(&self, x: &ArrayBase<S, Ix2>) -> Result<Array1<f64>> {
        let x = x.view();
        validate::n_features(self.coefficients.len(), x)?;
        validate::finite_matrix("records", x)?;
        let mu = kernels::matvec(x, self.coefficients.view(), self.intercept).mapv(f64::exp);
        validate::finite_vector("predicted counts", mu.view())?;
        Ok(mu)
    }
}

impl<'a> Fit<Dataset<'a>> for PoissonRegressionParams {
    type Model = PoissonRegression;
    type Error = LinearError;
    fn fit(&self, data: &Dataset<'a>) -> Result<PoissonRegression> {
        self.check()?;
        check(data)?;
        let x: CowArray<'_, f64, Ix2> = data.records.as_standard_layout();
        let (n, p) = x.dim();
        let s = data.weights.map_or_else(|| Array1::ones(n), |w| w.to_owned());
        let sw = s.sum();
        let sy: f64 = (0..n).map(|i| s[i] * data.targets[i]).sum();
        if sy <= 0.0 {
            return Err(shopml_core::Error::InvalidValue {
                what: "targets".into(),
                row: 0,
                column: None,
                value: 0.0,
                reason: "every (weighted) count is zero: the Poisson likelihood has no maximum".into(),
            }
            .into());
        }
        let gd = GlmData { x: x.view(), y: data.targets, s };
        let imp = Implicit::new(x.view(), &gd.s, self.standardize, self.fit_intercept);
        let fit_b = self.fit_intercept;
        let l2 = self.alpha;
        let eval = |theta: &[f64], grad: &mut [f64]| -> f64 {
            let (e, be) = imp.to_raw(&theta[..p], theta[p]);
            let (loss, g, sr) = glm::loss_grad(&gd, Family::Poisson, &e, be);
            let gs: Vec<f64> = g.iter().map(|v| v / sw).collect();
            imp.grad_from_raw(&gs, sr / sw, &mut grad[..p]);
            grad[p] = if fit_b { sr / sw } else { 0.0 };
            let mut f = loss / sw;
            for j in 0..p {
                f += 0.5 * l2 * theta[j] * theta[j];
                grad[j] += l2 * theta[j];
            }
            f
        };
        // Start at the intercept-only fit: b = log(mean y).
        let mut theta = vec![0.0; p + 1];
        if fit_b {
            theta[p] = (sy / sw).ln();
        }
        let use_newton = match self.solver {
            PoissonSolver::Newton => true,
            PoissonSolver::Lbfgs => false,
            PoissonSolver::Auto => p <= 200,
        };
        let (theta, n_iter, converged) = if use_newton {
            let mut eval = eval;
            let (_, it, c) = newton_family(&mut eval, &mut theta, &gd, Family::Poisson, &imp, l2, sw, fit_b, self.max_iter, self.tol)?;
            (theta, it, c)
        } else {
            let out = lbfgs::minimize(eval, theta, &[], lbfgs::Options { memory: 10, max_iter: self.max_iter, gtol: self.tol, ftol: 0.0 });
            (out.x, out.n_iter, out.converged)
        };
        let (e, be) = imp.to_raw(&theta[..p], theta[p]);
        let coefficients = Array1::from(e);
        if coefficients.iter().any(|v| !v.is_finite()) || !be.is_finite() {
            return Err(
                shopml_core::Error::NotConverged { what: "Poisson regression".into(), iterations: n_iter, last_change: f64::NAN }.into()
            );
        }
        Ok(PoissonRegression { coefficients, intercept: be, fit_intercept: fit_b, alpha: self.alpha, n_iter, converged })
    }
}

impl PoissonRegression {
    /// The parameters that fit this model, at their defaults; see [`PoissonRegressionParams`].
    pub fn params() -> PoissonRegressionParams {
        PoissonRegressionParams::params()
    }
}
