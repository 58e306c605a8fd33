//! Ridge regression: one alpha by Cholesky, many alphas by one eigen-decomposition.

use ndarray::Array1;
use serde::{Deserialize, Serialize};
use shopml_core::{Dataset, Fit, Params, linalg, validate};

use crate::error::{LinearError, Result};
use crate::kernels;
use crate::model::LinearModel;
use crate::ols::{OlsSolver, solve_least_squares};
use crate::prep::{Centring, check_dataset};

/// Ridge regression (Hoerl & Kennard 1970): minimises
/// `Σ wᵢ (yᵢ − xᵢᵀβ − b)² + α ‖β‖²`, exactly scikit-learn's `Ridge` objective
/// (the intercept is not penalised; weights are not normalised).
///
/// Solved by Cholesky on the centred normal equations `(Xᵀ W X + α I) β = Xᵀ W y`,
/// formed with a row-parallel GEMM, plus one refinement step. For many alphas
/// use [`ridge_path`], which shares one eigen-decomposition.
///
/// ```
/// use ndarray::array;
/// use shopml_core::{Dataset, Fit};
/// use shopml_linear::RidgeParams;
/// let x = array![[0.0], [1.0], [2.0]];
/// let y = array![0.0, 1.0, 2.0];
/// // Closed form for one centred column: β = Sxy / (Sxx + α) = 2 / (2 + 1).
/// let m = RidgeParams::default().alpha(1.0).fit(&Dataset::new(x.view(), y.view())).unwrap();
/// assert!((m.coefficients()[0] - 2.0 / 3.0).abs() < 1e-12);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RidgeParams {
    alpha: f64,
    fit_intercept: bool,
}

impl Default for RidgeParams {
    fn default() -> Self {
        RidgeParams { alpha: 1.0, fit_intercept: true }
    }
}

impl RidgeParams {
    /// Default parameters: `alpha = 1`, with intercept.
    pub fn params() -> Self {
        Self::default()
    }
    /// Penalty strength `α ≥ 0` (default 1).
    pub fn alpha(mut self, v: f64) -> Self {
        self.alpha = v;
        self
    }
    /// Whether to fit an intercept (default `true`).
    pub fn fit_intercept(mut self, v: bool) -> Self {
        self.fit_intercept = v;
        self
    }
}

impl Params for RidgeParams {
    fn check(&self) -> shopml_core::Result<()> {
        validate::param::non_negative("alpha", self.alpha)
    }
}

impl<'a> Fit<Dataset<'a>> for RidgeParams {
    type Model = LinearModel;
    type Error = LinearError;
    fn fit(&self, data: &Dataset<'a>) -> Result<LinearModel> {
        self.check()?;
        check_dataset(data)?;
        let sol = solve_least_squares(data, self.fit_intercept, self.alpha, OlsSolver::NormalEquations)?;
        let (coefficients, intercept) = sol.centring.unscale(&sol.beta);
        LinearModel {
            coefficients,
            intercept,
            rank: Some(sol.rank),
            n_iter: None,
            dual_gap: None,
            converged: None,
            inference: None,
            inference_note: Some("inference is only computed for unpenalised least squares".into()),
        }
        .checked("ridge")
    }
}

/// Ridge solutions for many alphas from one eigen-decomposition of the
/// centred Gram matrix `Xᵀ W X = V Λ Vᵀ`: `β(α) = V (Λ + α I)⁻¹ Vᵀ Xᵀ W y`
/// (equivalent to the SVD route of scikit-learn's `solver="svd"` because
/// `Λ = diag(σ²)`). Returns one model per alpha, in the order given.
pub fn ridge_path(data: &Dataset<'_>, alphas: &[f64], fit_intercept: bool) -> Result<Vec<LinearModel>> {
    for &a in alphas {
        validate::param::non_negative("alphas", a)?;
    }
    if alphas.is_empty() {
        return Err(shopml_core::Error::param("alphas", "needs at least one value").into());
    }
    check_dataset(data)?;
    let (x, y, w) = (data.records, data.targets, data.weights);
    let centring = Centring::compute(x, y, w, fit_intercept, false);
    let (g, q) = kernels::centred_gram(x, Some(y), w, &centring.x_offset, centring.y_offset, None);
    let eig = linalg::eigh(g.view())?;
    let vtq: Array1<f64> = eig.vectors.t().dot(&q);
    let lmax = eig.values.iter().fold(0.0f64, |a, &v| a.max(v));
    let tol = (x.nrows().max(x.ncols()) as f64) * f64::EPSILON * lmax * 1e3;
    alphas
        .iter()
        .map(|&alpha| {
            let mut z = Array1::<f64>::zeros(vtq.len());
            let mut rank = 0;
            for k in 0..vtq.len() {
                let lam = eig.values[k].max(0.0);
                if lam + alpha > tol {
                    z[k] = vtq[k] / (lam + alpha);
                    rank += usize::from(lam > tol);
                }
            }
            let beta = eig.vectors.dot(&z);
            let (coefficients, intercept) = centring.unscale(&beta);
            LinearModel {
                coefficients,
                intercept,
                rank: Some(rank),
                n_iter: None,
                dual_gap: None,
                converged: None,
                inference: None,
                inference_note: Some("inference is only computed for unpenalised least squares".into()),
            }
            .checked("ridge path")
        })
        .collect()
}
