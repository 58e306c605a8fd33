//! Lasso and elastic net by cyclic coordinate descent.

use ndarray::{Array1, Array2, Axis};
use serde::{Deserialize, Serialize};
use shopml_core::{Dataset, Fit, Params, validate};

use crate::error::{LinearError, Result};
use crate::kernels::{self, axpy, dot};
use crate::model::LinearModel;
use crate::prep::{Centring, check_dataset};

/// Whether coordinate descent works on the Gram matrix or on the data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Precompute {
    /// Gram when there are more rows than columns, data otherwise (scikit-learn's rule).
    #[default]
    Auto,
    /// Covariance updates on `Xᵀ W X`: each coordinate step costs O(p), independent of n.
    Gram,
    /// Residual updates on a column-major copy of the data: each step costs O(n).
    Naive,
}

/// Elastic net (Zou & Hastie 2005) by cyclic coordinate descent (Friedman,
/// Hastie & Tibshirani 2010, "Regularization paths for generalized linear
/// models via coordinate descent", with their covariance updates), stopped on
/// the duality gap. The objective is scikit-learn's `ElasticNet` / `Lasso`:
///
/// `(1 / (2 Σw)) Σ wᵢ (yᵢ − xᵢᵀβ − b)² + α ρ ‖β‖₁ + α (1 − ρ) / 2 ‖β‖²`
///
/// with `ρ = l1_ratio` (1 for the lasso). Convergence is declared when the
/// duality gap of the `Σw`-scaled problem falls below `tol · Σ wᵢ (yᵢ − ȳ)²`,
/// as scikit-learn does. With `standardize(true)` the columns are scaled to unit
/// weighted variance before penalising (glmnet's convention); coefficients are
/// always reported on the original scale.
///
/// ```
/// use ndarray::array;
/// use shopml_core::{Dataset, Fit};
/// use shopml_linear::Lasso;
/// let x = array![[1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [2.0, 0.5], [0.0, 0.0]];
/// let y = array![2.0, 0.1, 2.1, 4.05, 0.0];
/// let m = Lasso::params().alpha(0.5).fit(&Dataset::new(x.view(), y.view())).unwrap();
/// assert_eq!(m.coefficients()[1], 0.0); // the weak column is dropped
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ElasticNetParams {
    alpha: f64,
    l1_ratio: f64,
    fit_intercept: bool,
    standardize: bool,
    positive: bool,
    max_iter: usize,
    tol: f64,
    precompute: Precompute,
    warm_start: Option<Array1<f64>>,
}

impl Default for ElasticNetParams {
    fn default() -> Self {
        ElasticNetParams {
            alpha: 1.0,
            l1_ratio: 0.5,
            fit_intercept: true,
            standardize: false,
            positive: false,
            max_iter: 1000,
            tol: 1e-4,
            precompute: Precompute::Auto,
            warm_start: None,
        }
    }
}

/// The lasso (Tibshirani 1996): [`ElasticNetParams`] with `l1_ratio = 1`.
#[derive(Debug, Clone, Copy)]
pub struct Lasso;

impl Lasso {
    /// Elastic-net parameters with `l1_ratio = 1` and `alpha = 1`.
    #[allow(clippy::new_ret_no_self)]
    pub fn params() -> ElasticNetParams {
        ElasticNetParams { l1_ratio: 1.0, ..ElasticNetParams::default() }
    }
}

impl ElasticNetParams {
    /// Default parameters: `alpha = 1`, `l1_ratio = 0.5`, intercept, `tol = 1e-4`, 1000 sweeps.
    pub fn params() -> Self {
        Self::default()
    }
    /// Overall penalty strength `α ≥ 0`.
    pub fn alpha(mut self, v: f64) -> Self {
        self.alpha = v;
        self
    }
    /// Share of the L1 penalty, `0 ≤ ρ ≤ 1`.
    pub fn l1_ratio(mut self, v: f64) -> Self {
        self.l1_ratio = v;
        self
    }
    /// Whether to fit an (unpenalised) intercept.
    pub fn fit_intercept(mut self, v: bool) -> Self {
        self.fit_intercept = v;
        self
    }
    /// Scale columns to unit variance before penalising (default `false`, as scikit-learn).
    pub fn standardize(mut self, v: bool) -> Self {
        self.standardize = v;
        self
    }
    /// Constrain coefficients to be `≥ 0`.
    pub fn positive(mut self, v: bool) -> Self {
        self.positive = v;
        self
    }
    /// Maximum coordinate-descent sweeps.
    pub fn max_iter(mut self, v: usize) -> Self {
        self.max_iter = v;
        self
    }
    /// Duality-gap tolerance, relative to the weighted target variance.
    pub fn tol(mut self, v: f64) -> Self {
        self.tol = v;
        self
    }
    /// Gram or data updates.
    pub fn precompute(mut self, v: Precompute) -> Self {
        self.precompute = v;
        self
    }
    /// Starting coefficients (original scale), e.g. from a neighbouring alpha.
    pub fn warm_start(mut self, v: Option<Array1<f64>>) -> Self {
        self.warm_start = v;
        self
    }
}

impl Params for ElasticNetParams {
    fn check(&self) -> shopml_core::Result<()> {
        validate::param::non_negative("alpha", self.alpha)?;
        validate::param::in_closed("l1_ratio", self.l1_ratio, 0.0, 1.0)?;
        validate::param::at_least("max_iter", self.max_iter, 1)?;
        validate::param::positive("tol", self.tol)
    }
}

/// The penalised least-squares problem in one of its two forms.
enum Form {
    Gram {
        g: Array2<f64>,
        q: Array1<f64>,
    },
    /// Columns of `√w (X − μ) / s` as rows (p × n), the weighted centred target, column norms².
    Naive {
        zt: Array2<f64>,
        y: Array1<f64>,
        norms: Array1<f64>,
    },
}

struct Problem {
    form: Form,
    /// `Σ w (y − ȳ)²`.
    yy: f64,
    centring: Centring,
}

impl Problem {
    fn build(data: &Dataset<'_>, fit_intercept: bool, standardize: bool, precompute: Precompute) -> Problem {
        let (x, y, w) = (data.records, data.targets, data.weights);
        let (n, p) = x.dim();
        let centring = Centring::compute(x, y, w, fit_intercept, standardize);
        let yy: f64 = (0..n).map(|i| w.map_or(1.0, |w| w[i]) * (y[i] - centring.y_offset).powi(2)).sum();
        let use_gram = match precompute {
            Precompute::Gram => true,
            Precompute::Naive => false,
            Precompute::Auto => n > p,
        };
        let form = if use_gram {
            let (g, q) = kernels::centred_gram(x, Some(y), w, &centring.x_offset, centring.y_offset, centring.scale.as_ref());
            Form::Gram { g, q }
        } else {
            let mut zt = Array2::<f64>::zeros((p, n));
            let mut yt = Array1::<f64>::zeros(n);
            for i in 0..n {
                let sw = w.map_or(1.0, |w| w[i].sqrt());
                for j in 0..p {
                    let s = centring.scale.as_ref().map_or(1.0, |s| s[j]);
                    zt[[j, i]] = sw * (x[[i, j]] - centring.x_offset[j]) / s;
                }
                yt[i] = sw * (y[i] - centring.y_offset);
            }
            let norms = zt.map_axis(Axis(1), |r| r.dot(&r));
            Form::Naive { zt, y: yt, norms }
        };
        Problem { form, yy, centring }
    }

    fn p(&self) -> usize {
        self.centring.x_offset.len()
    }

    /// `max |Zᵀ W y|`, the smallest `l1` (in the `Σw`-scaled problem) that zeroes every coefficient.
    fn max_correlation(&self, positive: bool) -> f64 {
        let c = match &self.form {
            Form::Gram { q, .. } => q.clone(),
            Form::Naive { zt, y, .. } => zt.dot(y),
        };
        c.iter().fold(0.0f64, |m, &v| m.max(if positive { v } else { v.abs() }))
    }

    /// Runs coordinate descent from `beta` (scaled coordinates) on
    /// `½‖ỹ − Z̃β‖² + l1 ‖β‖₁ + ½ l2 ‖β‖²`; returns (sweeps, gap, converged).
    fn solve(&self, beta: &mut Array1<f64>, l1: f64, l2: f64, positive: bool, max_iter: usize, tol: f64) -> (usize, f64, bool) {
        let p = self.p();
        let tol_abs = tol * self.yy;
        let soft = |tmp: f64, denom: f64| -> f64 {
            if positive && tmp < 0.0 {
                return 0.0;
            }
            let v = tmp.abs() - l1;
            if v <= 0.0 || denom <= 0.0 { 0.0 } else { tmp.signum() * v / denom }
        };
        match &self.form {
            Form::Gram { g, q } => {
                let mut h = g.dot(&*beta);
                let mut gap = f64::INFINITY;
                for it in 1..=max_iter {
                    let (mut w_max, mut d_w_max) = (0.0f64, 0.0f64);
                    for j in 0..p {
                        let gjj = g[[j, j]];
                        if gjj == 0.0 {
                            continue;
                        }
                        let old = beta[j];
                        let tmp = q[j] - h[j] + gjj * old;
                        let new = soft(tmp, gjj + l2);
                        if new != old {
                            let gj = g.row(j);
                            axpy(new - old, gj.as_slice().expect("owned gram"), h.as_slice_mut().expect("owned"));
                            beta[j] = new;
                        }
                        d_w_max = d_w_max.max((new - old).abs());
                        w_max = w_max.max(new.abs());
                    }
                    if w_max == 0.0 || d_w_max / w_max < tol || it == max_iter {
                        gap = self.gap_gram(g, q, &h, beta, l1, l2, positive);
                        if gap < tol_abs {
                            return (it, gap, true);
                        }
                    }
                }
                (max_iter, gap, false)
            }
            Form::Naive { zt, y, norms } => {
                let mut r = y - &zt.t().dot(&*beta);
                let mut gap = f64::INFINITY;
                for it in 1..=max_iter {
                    let (mut w_max, mut d_w_max) = (0.0f64, 0.0f64);
                    for j in 0..p {
                        if norms[j] == 0.0 {
                            continue;
                        }
                        let zj = zt.row(j);
                        let zj = zj.as_slice().expect("owned");
                        let old = beta[j];
                        let tmp = dot(zj, r.as_slice().expect("owned")) + norms[j] * old;
                        let new = soft(tmp, norms[j] + l2);
                        if new != old {
                            axpy(old - new, zj, r.as_slice_mut().expect("owned"));
                            beta[j] = new;
                        }
                        d_w_max = d_w_max.max((new - old).abs());
                        w_max = w_max.max(new.abs());
                    }
                    if w_max == 0.0 || d_w_max / w_max < tol || it == max_iter {
                        let xtr = zt.dot(&r);
                        let r2 = r.dot(&r);
                        let ry = r.dot(y);
                        gap = duality_gap(&xtr, r2, ry, beta, l1, l2, positive);
                        if gap < tol_abs {
                            return (it, gap, true);
                        }
                    }
                }
                (max_iter, gap, false)
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn gap_gram(&self, g: &Array2<f64>, q: &Array1<f64>, h: &Array1<f64>, beta: &Array1<f64>, l1: f64, l2: f64, positive: bool) -> f64 {
        let _ = g;
        let q_dot_w = q.dot(beta);
        let r2 = (self.yy - 2.0 * q_dot_w + beta.dot(h)).max(0.0);
        let xtr = q - h;
        duality_gap(&xtr, r2, self.yy - q_dot_w, beta, l1, l2, positive)
    }
}

/// Duality gap of `½‖R‖² + l1‖β‖₁ + ½ l2‖β‖²` at `β`, with the dual point the
/// residual rescaled into the dual feasible set (Kim et al. 2007; the form used
/// by glmnet and scikit-learn). Inputs: `Zᵀ R`, `‖R‖²`, `Rᵀ y`.
fn duality_gap(xtr: &Array1<f64>, r2: f64, ry: f64, beta: &Array1<f64>, l1: f64, l2: f64, positive: bool) -> f64 {
    let xta = xtr - &(beta * l2);
    let dual_norm = xta.iter().fold(0.0f64, |m, &v| m.max(if positive { v } else { v.abs() }));
    let (c, mut gap) = if dual_norm > l1 {
        let c = l1 / dual_norm;
        (c, 0.5 * (r2 + r2 * c * c))
    } else {
        (1.0, r2)
    };
    let l1_norm: f64 = beta.iter().map(|v| v.abs()).sum();
    let b2 = beta.dot(beta);
    gap += l1 * l1_norm - c * ry + 0.5 * l2 * (1.0 + c * c) * b2;
    gap
}

fn to_scaled(c: &Centring, beta: &Array1<f64>) -> Array1<f64> {
    match &c.scale {
        Some(s) => beta * s,
        None => beta.clone(),
    }
}

fn finish(c: &Centring, beta: &Array1<f64>, n_iter: usize, gap: f64, converged: bool) -> Result<LinearModel> {
    let (coefficients, intercept) = c.unscale(beta);
    LinearModel {
        coefficients,
        intercept,
        rank: None,
        n_iter: Some(n_iter),
        dual_gap: Some(gap / c.weight_sum),
        converged: Some(converged),
        inference: None,
        inference_note: Some("inference is only computed for unpenalised least squares".into()),
    }
    .checked("elastic net")
}

impl<'a> Fit<Dataset<'a>> for ElasticNetParams {
    type Model = LinearModel;
    type Error = LinearError;
    fn fit(&self, data: &Dataset<'a>) -> Result<LinearModel> {
        self.check()?;
        check_dataset(data)?;
        let p = data.records.ncols();
        if let Some(ws) = &self.warm_start {
            if ws.len() != p {
                return Err(shopml_core::Error::shape("warm_start", p, ws.len()).into());
            }
            validate::finite_vector("warm_start", ws.view())?;
        }
        let prob = Problem::build(data, self.fit_intercept, self.standardize, self.precompute);
        let sw = prob.centring.weight_sum;
        let mut beta = match &self.warm_start {
            Some(ws) => to_scaled(&prob.centring, ws),
            None => Array1::zeros(p),
        };
        if self.positive {
            beta.mapv_inplace(|v| v.max(0.0));
        }
        let (l1, l2) = (self.alpha * self.l1_ratio * sw, self.alpha * (1.0 - self.l1_ratio) * sw);
        let (it, gap, conv) = prob.solve(&mut beta, l1, l2, self.positive, self.max_iter, self.tol);
        finish(&prob.centring, &beta, it, gap, conv)
    }
}

shopml_core::validated_struct! {
    /// A warm-started regularisation path: one fit per alpha, largest alpha
    /// first. Loading checks one model per alpha, alphas finite and
    /// non-negative, and every model of the same width.
    pub struct EnetPath ("EnetPathRaw" as EnetPathRaw, check = EnetPath::check, error = shopml_core::Error) {
        /// The alphas, in the order fitted (decreasing when generated).
        pub alphas: Vec<f64>,
        /// The model at each alpha.
        pub models: Vec<LinearModel>,
    }
}

impl EnetPath {
    fn check(&self) -> std::result::Result<(), shopml_core::Error> {
        use shopml_core::Error;
        if self.alphas.len() != self.models.len() {
            return Err(Error::shape("path models (one per alpha)", self.alphas.len(), self.models.len()));
        }
        if let Some(i) = self.alphas.iter().position(|a| !(a.is_finite() && *a >= 0.0)) {
            return Err(Error::InvalidValue {
                what: "path alphas".into(),
                row: i,
                column: None,
                value: self.alphas[i],
                reason: "must be finite and non-negative".into(),
            });
        }
        if let Some(first) = self.models.first()
            && let Some(k) = self.models.iter().position(|m| m.n_features() != first.n_features())
        {
            return Err(Error::shape(format!("path model {k} features"), first.n_features(), self.models[k].n_features()));
        }
        Ok(())
    }

    /// Coefficients as an `n_alphas × p` matrix.
    pub fn coefficients(&self) -> Array2<f64> {
        let p = self.models.first().map_or(0, |m| m.n_features());
        let mut out = Array2::zeros((self.models.len(), p));
        for (k, m) in self.models.iter().enumerate() {
            out.row_mut(k).assign(m.coefficients());
        }
        out
    }
}

/// `n_alphas` values from `α_max` (the smallest alpha with all coefficients
/// zero) down to `eps · α_max`, evenly spaced on a log scale, as scikit-learn.
fn alpha_grid(alpha_max: f64, n_alphas: usize, eps: f64) -> Vec<f64> {
    if n_alphas == 1 {
        return vec![alpha_max];
    }
    let (hi, lo) = (alpha_max.log10(), (alpha_max * eps).log10());
    (0..n_alphas).map(|k| 10f64.powf(hi + (lo - hi) * k as f64 / (n_alphas - 1) as f64)).collect()
}

/// Fits `params` along a path of alphas with warm starts, forming the Gram
/// matrix (or the centred copy) once. `alphas = None` generates `n_alphas`
/// values from `α_max` to `eps · α_max` (scikit-learn's `enet_path` grid);
/// the `alpha` and `warm_start` of `params` are ignored.
pub fn enet_path(data: &Dataset<'_>, params: &ElasticNetParams, alphas: Option<&[f64]>, n_alphas: usize, eps: f64) -> Result<EnetPath> {
    params.check()?;
    check_dataset(data)?;
    let prob = Problem::build(data, params.fit_intercept, params.standardize, params.precompute);
    let sw = prob.centring.weight_sum;
    let alphas: Vec<f64> = match alphas {
        Some(a) => {
            if a.is_empty() {
                return Err(shopml_core::Error::param("alphas", "needs at least one value").into());
            }
            for &v in a {
                validate::param::non_negative("alphas", v)?;
            }
            a.to_vec()
        }
        None => {
            validate::param::at_least("n_alphas", n_alphas, 1)?;
            validate::param::in_open("eps", eps, 0.0, 1.0)?;
            if params.l1_ratio == 0.0 {
                return Err(shopml_core::Error::param("l1_ratio", "an automatic alpha grid needs l1_ratio > 0").into());
            }
            let amax = prob.max_correlation(params.positive) / (sw * params.l1_ratio);
            if amax <= 0.0 {
                // y is orthogonal to every column: every alpha gives zero coefficients.
                vec![0.0; n_alphas]
            } else {
                alpha_grid(amax, n_alphas, eps)
            }
        }
    };
    let mut beta = Array1::<f64>::zeros(prob.p());
    let mut models = Vec::with_capacity(alphas.len());
    for &alpha in &alphas {
        let (l1, l2) = (alpha * params.l1_ratio * sw, alpha * (1.0 - params.l1_ratio) * sw);
        let (it, gap, conv) = prob.solve(&mut beta, l1, l2, params.positive, params.max_iter, params.tol);
        models.push(finish(&prob.centring, &beta, it, gap, conv)?);
    }
    Ok(EnetPath { alphas, models })
}
