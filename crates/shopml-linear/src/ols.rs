//! Ordinary and weighted least squares with classical and HC1 inference.

use ndarray::{Array1, Array2, ArrayView1, ArrayView2, Axis, s};
use serde::{Deserialize, Serialize};
use shopml_core::{Dataset, Fit, Params, linalg};

use crate::error::{LinearError, Result};
use crate::inference::{CovType, Inference, InferenceInput, LeastSquaresFit, Statistic, default_names};
use crate::kernels;
use crate::model::LinearModel;
use crate::prep::{Centring, check_dataset};

/// How the least-squares problem is solved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum OlsSolver {
    /// Householder QR for moderate sizes (`n·p² ≤ 2·10⁸`), normal equations
    /// with one refinement step above that, falling back to QR when the Gram
    /// matrix is ill-conditioned or singular.
    #[default]
    Auto,
    /// Householder QR with column pivoting on the centred, weighted design
    /// (minimum-norm solution when rank deficient), via `shopml_core::linalg::lstsq`.
    Qr,
    /// Row-parallel Gram matrix `Xᵀ W X` (GEMM), Cholesky solve and one step of
    /// iterative refinement on the residual (Björck's corrected semi-normal
    /// equations); the eigen pseudo-inverse when the Gram matrix is singular.
    NormalEquations,
}

/// Ordinary (or, with sample weights, weighted) least squares:
/// minimises `Σ wᵢ (yᵢ − xᵢᵀβ − b)²`, as scikit-learn's `LinearRegression`
/// and statsmodels' `OLS` / `WLS`.
///
/// Rank-deficient designs (collinear or constant columns) give the
/// minimum-norm solution, like scikit-learn; inference then follows
/// statsmodels' pseudo-inverse: standard errors for the estimable
/// coefficients, `df_resid = n − rank` (see [`LinearModel::inference`]).
///
/// ```
/// use ndarray::array;
/// use shopml_core::{Dataset, Fit, Predict};
/// use shopml_linear::LinearRegressionParams;
/// let x = array![[1.0], [2.0], [3.0], [4.0]];
/// let y = array![3.0, 5.0, 7.0, 9.0];
/// let m = LinearRegressionParams::default().fit(&Dataset::new(x.view(), y.view())).unwrap();
/// assert!((m.coefficients()[0] - 2.0).abs() < 1e-12 && (m.intercept() - 1.0).abs() < 1e-12);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LinearRegressionParams {
    fit_intercept: bool,
    solver: OlsSolver,
    cov_type: CovType,
    compute_inference: bool,
}

impl Default for LinearRegressionParams {
    fn default() -> Self {
        LinearRegressionParams { fit_intercept: true, solver: OlsSolver::Auto, cov_type: CovType::NonRobust, compute_inference: true }
    }
}

impl LinearRegressionParams {
    /// Default parameters: intercept, automatic solver, classical inference.
    pub fn params() -> Self {
        Self::default()
    }
    /// Whether to fit an intercept (default `true`).
    pub fn fit_intercept(mut self, v: bool) -> Self {
        self.fit_intercept = v;
        self
    }
    /// The solver (default [`OlsSolver::Auto`]).
    pub fn solver(mut self, v: OlsSolver) -> Self {
        self.solver = v;
        self
    }
    /// Covariance for the standard errors (default classical).
    pub fn cov_type(mut self, v: CovType) -> Self {
        self.cov_type = v;
        self
    }
    /// Whether to compute inference at fit time (default `true`; HC1 costs one more pass over the data).
    pub fn compute_inference(mut self, v: bool) -> Self {
        self.compute_inference = v;
        self
    }
}

impl Params for LinearRegressionParams {
    fn check(&self) -> shopml_core::Result<()> {
        Ok(())
    }
}

/// Solution of a (possibly ridge-penalised) least-squares problem on centred data.
pub(crate) struct LsSolution {
    pub beta: Array1<f64>,
    pub rank: usize,
    pub centring: Centring,
    /// Centred weighted Gram matrix, when it was formed.
    pub gram: Option<Array2<f64>>,
}

fn centred_weighted_copy(
    x: ArrayView2<'_, f64>,
    y: ArrayView1<'_, f64>,
    w: Option<ArrayView1<'_, f64>>,
    c: &Centring,
) -> (Array2<f64>, Array1<f64>) {
    let mut a = &x - &c.x_offset.view().insert_axis(Axis(0));
    let mut b = y.mapv(|v| v - c.y_offset);
    if let Some(w) = w {
        for (i, mut row) in a.axis_iter_mut(Axis(0)).enumerate() {
            let sw = w[i].sqrt();
            row *= sw;
            b[i] *= sw;
        }
    }
    (a, b)
}

/// Solves `min Σ w (y − Xβ − b)² + α‖β‖²` (α = 0 for OLS).
pub(crate) fn solve_least_squares(data: &Dataset<'_>, fit_intercept: bool, alpha: f64, solver: OlsSolver) -> Result<LsSolution> {
    let (x, y, w) = (data.records, data.targets, data.weights);
    let (n, p) = x.dim();
    let centring = Centring::compute(x, y, w, fit_intercept, false);
    let use_qr = match solver {
        OlsSolver::Qr => true,
        OlsSolver::NormalEquations => false,
        OlsSolver::Auto => (n as f64) * (p as f64) * (p as f64) <= 2e8,
    };
    if use_qr && alpha == 0.0 {
        let (a, b) = centred_weighted_copy(x, y, w, &centring);
        let ls = linalg::lstsq(a.view(), b.view())?;
        return Ok(LsSolution { beta: ls.solution, rank: ls.rank, centring, gram: None });
    }
    let (g, q) = kernels::centred_gram(x, Some(y), w, &centring.x_offset, centring.y_offset, None);
    let mut ga = g.clone();
    for j in 0..p {
        ga[[j, j]] += alpha;
    }
    match linalg::cholesky(ga.view()) {
        Ok(ch) => {
            let l = ch.lower();
            let (dmax, dmin) = l.diag().iter().fold((0.0f64, f64::INFINITY), |(a, b), &d| (a.max(d), b.min(d)));
            let cond = (dmax / dmin).powi(2);
            if cond > 1e10 && solver == OlsSolver::Auto && alpha == 0.0 {
                let (a, b) = centred_weighted_copy(x, y, w, &centring);
                let ls = linalg::lstsq(a.view(), b.view())?;
                return Ok(LsSolution { beta: ls.solution, rank: ls.rank, centring, gram: Some(g) });
            }
            let mut beta = ch.solve_vec(q.view());
            // One step of iterative refinement on the true residual.
            let intercept = centring.y_offset - centring.x_offset.dot(&beta);
            let (xtwr, swr, _) = kernels::residual_products(x, y, w, beta.view(), intercept);
            let mut rhs = xtwr - &(&centring.x_offset * swr);
            rhs.scaled_add(-alpha, &beta);
            let delta = ch.solve_vec(rhs.view());
            beta += &delta;
            Ok(LsSolution { beta, rank: p, centring, gram: Some(g) })
        }
        Err(_) => {
            // Singular: minimum-norm solution through the eigen pseudo-inverse.
            let eig = linalg::eigh(ga.view())?;
            let lmax = eig.values.iter().fold(0.0f64, |a, &v| a.max(v));
            let tol = (n.max(p) as f64) * f64::EPSILON * lmax * 1e3;
            let mut beta = Array1::<f64>::zeros(p);
            let mut rank = 0;
            for k in 0..p {
                let lam = eig.values[k];
                if lam > tol {
                    rank += 1;
                    let v = eig.vectors.column(k);
                    beta.scaled_add(v.dot(&q) / lam, &v);
                }
            }
            Ok(LsSolution { beta, rank, centring, gram: Some(g) })
        }
    }
}

/// Builds OLS/WLS inference from a full-rank solution.
pub(crate) fn least_squares_inference(
    data: &Dataset<'_>,
    fit_intercept: bool,
    sol: &LsSolution,
    intercept: f64,
    cov_type: CovType,
) -> std::result::Result<Inference, String> {
    let (x, y, w) = (data.records, data.targets, data.weights);
    let (n, p) = x.dim();
    if sol.rank < p {
        return pinv_inference(data, fit_intercept, cov_type);
    }
    let k = p + usize::from(fit_intercept);
    if n <= k {
        return Err(LinearError::NoResidualDegreesOfFreedom { n_obs: n, n_params: k }.to_string());
    }
    let c = &sol.centring;
    let gram = match &sol.gram {
        Some(g) => g.clone(),
        None => kernels::centred_gram(x, None, w, &c.x_offset, c.y_offset, None).0,
    };
    let ginv = linalg::cholesky(gram.view()).map_err(|e| format!("the Gram matrix is not positive definite ({e})"))?.inverse();
    let (_, _, ssr) = kernels::residual_products(x, y, w, sol.beta.view(), intercept);
    let df_resid = (n - k) as f64;
    let df_model = p as f64;
    let scale = ssr / df_resid;
    // Covariance in the coordinates θ̃ = (β, a) of the design [X − 1μᵀ, 1]
    // (the columns are W-orthogonal, so the bread is block diagonal).
    let mut cov_t = Array2::<f64>::zeros((k, k));
    match cov_type {
        CovType::NonRobust => {
            cov_t.slice_mut(s![..p, ..p]).assign(&(&ginv * scale));
            if fit_intercept {
                cov_t[[p, p]] = scale / c.weight_sum;
            }
        }
        CovType::Hc1 => {
            // Meat Σ (wᵢ rᵢ)² zᵢ zᵢᵀ with zᵢ = (xᵢ − μ, 1).
            let fitted = kernels::matvec(x, sol.beta.view(), intercept);
            let u2 = Array1::from_shape_fn(n, |i| {
                let wi = w.map_or(1.0, |w| w[i]);
                let r = wi * (y[i] - fitted[i]);
                r * r
            });
            let (meat_xx, _) = kernels::centred_gram(x, None, Some(u2.view()), &c.x_offset, 0.0, None);
            let mut bread = Array2::<f64>::zeros((k, k));
            bread.slice_mut(s![..p, ..p]).assign(&ginv);
            let mut meat = Array2::<f64>::zeros((k, k));
            meat.slice_mut(s![..p, ..p]).assign(&meat_xx);
            if fit_intercept {
                let (mean_u, _, su) = kernels::weighted_means(x, None, Some(u2.view()));
                let cross = (mean_u - &c.x_offset) * su;
                meat.slice_mut(s![..p, p]).assign(&cross);
                meat.slice_mut(s![p, ..p]).assign(&cross);
                meat[[p, p]] = su;
                bread[[p, p]] = 1.0 / c.weight_sum;
            }
            cov_t = bread.dot(&meat).dot(&bread) * (n as f64 / df_resid);
        }
    }
    // Back to (β, b) with b = a − μᵀβ, then reorder to (b, β).
    let mut t = Array2::<f64>::eye(k);
    if fit_intercept {
        for j in 0..p {
            t[[p, j]] = -c.x_offset[j];
        }
    }
    let cov = t.dot(&cov_t).dot(&t.t());
    let mut order: Vec<usize> = Vec::with_capacity(k);
    if fit_intercept {
        order.push(p);
    }
    order.extend(0..p);
    let cov = cov.select(Axis(0), &order).select(Axis(1), &order);
    let mut params: Vec<f64> = Vec::with_capacity(k);
    if fit_intercept {
        params.push(intercept);
    }
    params.extend(sol.beta.iter());
    // Goodness of fit.
    let (sw, swy) = (0..n).fold((0.0, 0.0), |(a, b), i| {
        let wi = w.map_or(1.0, |w| w[i]);
        (a + wi, b + wi * y[i])
    });
    let ybar = if fit_intercept { swy / sw } else { 0.0 };
    let tss: f64 = (0..n).map(|i| w.map_or(1.0, |w| w[i]) * (y[i] - ybar).powi(2)).sum();
    let r_squared = if tss > 0.0 { 1.0 - ssr / tss } else { 0.0 };
    let k_const = f64::from(u8::from(fit_intercept));
    let adj_r_squared = 1.0 - (n as f64 - k_const) / df_resid * (1.0 - r_squared);
    // Wald F for all slopes with the chosen covariance.
    let (f_statistic, f_p_value) = {
        let vb = cov.slice(s![k - p.., k - p..]).to_owned();
        match linalg::solve_spd(vb.view(), sol.beta.view()) {
            Ok(z) => {
                let f = sol.beta.dot(&z) / df_model;
                (f, shopml_core::stats::f_sf(f, df_model, df_resid))
            }
            Err(_) => (f64::INFINITY, 0.0),
        }
    };
    let nobs = n as f64;
    let sum_log_w: f64 = w.map_or(0.0, |w| w.iter().filter(|&&v| v > 0.0).map(|v| v.ln()).sum());
    let log_likelihood = -nobs / 2.0 * ((2.0 * std::f64::consts::PI).ln() + (ssr / nobs).ln() + 1.0) + 0.5 * sum_log_w;
    Ok(Inference::assemble(InferenceInput {
        names: default_names(p, fit_intercept),
        params,
        covariance: cov,
        cov_type,
        // statsmodels' default: t with classical errors, normal z with robust ones.
        statistic: if cov_type == CovType::Hc1 { Statistic::Z } else { Statistic::T },
        n_obs: n,
        df_model,
        df_resid,
        log_likelihood,
        least_squares: Some(LeastSquaresFit { r_squared, adj_r_squared, f_statistic, f_p_value, ssr, scale }),
        model: if w.is_some() { "WLS".into() } else { "OLS".into() },
    }))
}

/// Inference for a rank-deficient design the way statsmodels' `OLS`/`WLS`
/// report it (their default `method="pinv"`): on the full weighted design
/// `Z = √W [1, X]`, the parameters are the minimum-norm solution `Z⁺ √W y`,
/// the classical covariance `σ² (ZᵀZ)⁺`, HC1 `Z⁺ diag(e²) Z⁺ᵀ · n / (n − r)`,
/// with `r = rank Z` (decided by [`linalg::rank_tolerance`]),
/// `df_resid = n − r` and `df_model = r − 1` (with an intercept). Estimable
/// functions of the coefficients get their usual standard errors; the
/// split of a non-identified effect between collinear columns is the
/// minimum-norm one. When the deficiency involves the intercept (a constant
/// column), this table's parametrisation (the constant shares the intercept)
/// differs from [`LinearModel::coefficients`], which follow scikit-learn
/// (centred minimum norm, the intercept unpenalised).
fn pinv_inference(data: &Dataset<'_>, fit_intercept: bool, cov_type: CovType) -> std::result::Result<Inference, String> {
    let (x, y, w) = (data.records, data.targets, data.weights);
    let (n, p) = x.dim();
    let off = usize::from(fit_intercept);
    let k = p + off;
    let mut z = Array2::<f64>::zeros((n, k));
    let mut yw = Array1::<f64>::zeros(n);
    for i in 0..n {
        let sw = w.map_or(1.0, |w| w[i].sqrt());
        if fit_intercept {
            z[[i, 0]] = sw;
        }
        for j in 0..p {
            z[[i, off + j]] = sw * x[[i, j]];
        }
        yw[i] = sw * y[i];
    }
    let svd = linalg::svd(z.view()).map_err(|e| format!("the SVD of the design failed ({e})"))?;
    let tol = linalg::rank_tolerance(n, k, svd.s.first().copied().unwrap_or(0.0));
    let keep: Vec<usize> = (0..svd.s.len()).filter(|&r| svd.s[r] > tol).collect();
    let rank = keep.len();
    let n_obs = w.map_or(n, |w| w.iter().filter(|&&v| v > 0.0).count());
    if n_obs <= rank {
        return Err(LinearError::NoResidualDegreesOfFreedom { n_obs, n_params: rank }.to_string());
    }
    // Z⁺ = V diag(1/σ) Uᵀ over the kept singular values (k × n).
    let mut zpinv = Array2::<f64>::zeros((k, n));
    for &r in &keep {
        let v = svd.vt.row(r);
        let u = svd.u.column(r);
        for a in 0..k {
            let va = v[a] / svd.s[r];
            if va != 0.0 {
                zpinv.row_mut(a).scaled_add(va, &u);
            }
        }
    }
    let theta = zpinv.dot(&yw);
    let resid = &yw - &z.dot(&theta);
    let ssr = resid.dot(&resid);
    let df_resid = (n_obs - rank) as f64;
    let df_model = rank.saturating_sub(off) as f64;
    let scale = ssr / df_resid;
    let cov = match cov_type {
        CovType::NonRobust => zpinv.dot(&zpinv.t()) * scale,
        CovType::Hc1 => {
            let mut h = zpinv.clone();
            for (i, mut col) in h.columns_mut().into_iter().enumerate() {
                col *= resid[i];
            }
            h.dot(&h.t()) * (n_obs as f64 / df_resid)
        }
    };
    let (sw, swy) = (0..n).fold((0.0, 0.0), |(a, b), i| {
        let wi = w.map_or(1.0, |w| w[i]);
        (a + wi, b + wi * y[i])
    });
    let ybar = if fit_intercept { swy / sw } else { 0.0 };
    let tss: f64 = (0..n).map(|i| w.map_or(1.0, |w| w[i]) * (y[i] - ybar).powi(2)).sum();
    let r_squared = if tss > 0.0 { 1.0 - ssr / tss } else { 0.0 };
    let adj_r_squared = 1.0 - (n_obs as f64 - off as f64) / df_resid * (1.0 - r_squared);
    // statsmodels' F for "all slopes are zero": the classical ratio of mean
    // squares; with HC1 and a deficient design it has no Wald form, so NaN.
    let (f_statistic, f_p_value) = match cov_type {
        CovType::NonRobust if df_model > 0.0 => {
            let f = ((tss - ssr) / df_model) / scale;
            (f, shopml_core::stats::f_sf(f, df_model, df_resid))
        }
        _ => (f64::NAN, f64::NAN),
    };
    let nobs = n_obs as f64;
    let sum_log_w: f64 = w.map_or(0.0, |w| w.iter().filter(|&&v| v > 0.0).map(|v| v.ln()).sum());
    let log_likelihood = -nobs / 2.0 * ((2.0 * std::f64::consts::PI).ln() + (ssr / nobs).ln() + 1.0) + 0.5 * sum_log_w;
    Ok(Inference::assemble(InferenceInput {
        names: default_names(p, fit_intercept),
        params: theta.to_vec(),
        covariance: cov,
        cov_type,
        statistic: if cov_type == CovType::Hc1 { Statistic::Z } else { Statistic::T },
        n_obs,
        df_model,
        df_resid,
        log_likelihood,
        least_squares: Some(LeastSquaresFit { r_squared, adj_r_squared, f_statistic, f_p_value, ssr, scale }),
        model: if w.is_some() { "WLS".into() } else { "OLS".into() },
    }))
}

impl<'a> Fit<Dataset<'a>> for LinearRegressionParams {
    type Model = LinearModel;
    type Error = LinearError;

    fn fit(&self, data: &Dataset<'a>) -> Result<LinearModel> {
        self.check()?;
        check_dataset(data)?;
        let sol = solve_least_squares(data, self.fit_intercept, 0.0, self.solver)?;
        let (coefficients, intercept) = sol.centring.unscale(&sol.beta);
        let (inference, inference_note) = if self.compute_inference {
            match least_squares_inference(data, self.fit_intercept, &sol, intercept, self.cov_type) {
                Ok(inf) => (Some(inf), None),
                Err(note) => (None, Some(note)),
            }
        } else {
            (None, None)
        };
        LinearModel {
            coefficients,
            intercept,
            rank: Some(sol.rank),
            n_iter: None,
            dual_gap: None,
            converged: None,
            inference,
            inference_note,
        }
        .checked("least squares")
    }
}
