//! Logistic regression: binary and multinomial, L2 / L1 / elastic-net penalties.

use ndarray::{Array1, Array2, ArrayView2, Axis, CowArray, Ix2};
use serde::{Deserialize, Serialize};
use shopml_core::{Fit, Params, Predict, linalg, validate};

use crate::error::{LinearError, Result};
use crate::glm::{self, Family, GlmData};
use crate::kernels;
use crate::lbfgs;

/// The penalty on the coefficients (never on the intercept).
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub enum Penalty {
    /// `½‖β‖²`.
    #[default]
    L2,
    /// `‖β‖₁`.
    L1,
    /// `ρ‖β‖₁ + (1 − ρ)/2 ‖β‖²` with `ρ = l1_ratio`.
    ElasticNetParams {
        /// Share of the L1 term, in `[0, 1]`.
        l1_ratio: f64,
    },
}

/// Optimiser for logistic regression.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum LogisticSolver {
    /// Newton for binary L2 problems with at most 200 features and 100,000 rows, L-BFGS / OWL-QN otherwise.
    #[default]
    Auto,
    /// L-BFGS (OWL-QN when there is an L1 term).
    Lbfgs,
    /// Newton's method (iteratively reweighted least squares) with a line search;
    /// binary L2 problems only.
    Newton,
}

/// Per-class weights multiplying the sample weights.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub enum ClassWeight {
    /// Every class weighs 1.
    #[default]
    None,
    /// `n / (n_classes · count(class))`, as scikit-learn's `"balanced"` (counts ignore sample weights).
    Balanced,
    /// Explicit `(label, weight)` pairs; unlisted classes weigh 1.
    Given(Vec<(f64, f64)>),
}

/// Logistic regression fitted by penalised maximum likelihood.
///
/// **Objective and scaling** — the same as scikit-learn's `LogisticRegression`,
/// so `C` carries over unchanged:
///
/// `min C Σᵢ sᵢ ℓᵢ(β, b) + pen(β)`,  with `pen = ½‖β‖²` (L2), `‖β‖₁` (L1) or
/// `ρ‖β‖₁ + (1 − ρ)/2 ‖β‖²` (elastic net),
///
/// where `sᵢ` is the sample weight times the class weight and `ℓᵢ` the
/// negative log-likelihood of row `i` (binary: `log(1 + e^{z}) − y z`;
/// multinomial with `K > 2` classes: `log Σₖ e^{zₖ} − z_y`, one coefficient
/// row per class, all penalised — scikit-learn's symmetric parametrisation).
/// The solvers minimise the equivalent `(1 / (C Σs))`-scaled objective, and
/// `tol` bounds its largest gradient component, as scikit-learn's lbfgs does.
///
/// Solvers: L-BFGS (Liu & Nocedal 1989), OWL-QN for L1 terms (Andrew & Gao
/// 2007), Newton / IRLS (McCullagh & Nelder 1989) for binary L2 problems.
/// Perfectly separable classes stay finite because the penalty is always
/// present (`C` must be finite).
///
/// ```
/// use ndarray::array;
/// use shopml_core::{Fit, Predict};
/// use shopml_linear::{LogisticData, LogisticRegression};
/// let x = array![[0.0], [1.0], [2.0], [3.0], [4.0], [5.0]];
/// let y = array![0.0, 0.0, 1.0, 0.0, 1.0, 1.0];
/// let m = LogisticRegression::params().c(10.0).fit(&LogisticData::new(x.view(), y.view())).unwrap();
/// let p = m.predict_proba(x.view()).unwrap();
/// assert!(p[[5, 1]] > p[[0, 1]]);
/// assert_eq!(m.predict(&x).unwrap()[5], 1.0);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LogisticRegressionParams {
    c: f64,
    penalty: Penalty,
    fit_intercept: bool,
    standardize: bool,
    class_weight: ClassWeight,
    solver: LogisticSolver,
    max_iter: usize,
    tol: f64,
    memory: usize,
    warm_start: Option<(Array2<f64>, Array1<f64>)>,
}

impl Default for LogisticRegressionParams {
    fn default() -> Self {
        LogisticRegressionParams {
            c: 1.0,
            penalty: Penalty::L2,
            fit_intercept: true,
            standardize: false,
            class_weight: ClassWeight::None,
            solver: LogisticSolver::Auto,
            max_iter: 500,
            tol: 1e-4,
            memory: 10,
            warm_start: None,
        }
    }
}

impl LogisticRegressionParams {
    /// Defaults: `C = 1`, L2, intercept, `tol = 1e-4`, at most 500 iterations.
    pub fn params() -> Self {
        Self::default()
    }
    /// Inverse regularisation strength `C > 0` (scikit-learn's `C`).
    pub fn c(mut self, v: f64) -> Self {
        self.c = v;
        self
    }
    /// The penalty.
    pub fn penalty(mut self, v: Penalty) -> Self {
        self.penalty = v;
        self
    }
    /// Whether to fit intercepts (never penalised).
    pub fn fit_intercept(mut self, v: bool) -> Self {
        self.fit_intercept = v;
        self
    }
    /// Standardise columns to unit weighted variance inside the fit; the penalty
    /// then applies to standardised coefficients. Coefficients are reported on the original scale.
    pub fn standardize(mut self, v: bool) -> Self {
        self.standardize = v;
        self
    }
    /// Class weights.
    pub fn class_weight(mut self, v: ClassWeight) -> Self {
        self.class_weight = v;
        self
    }
    /// The optimiser.
    pub fn solver(mut self, v: LogisticSolver) -> Self {
        self.solver = v;
        self
    }
    /// Maximum iterations.
    pub fn max_iter(mut self, v: usize) -> Self {
        self.max_iter = v;
        self
    }
    /// Gradient tolerance on the scaled objective (scikit-learn's `tol`).
    pub fn tol(mut self, v: f64) -> Self {
        self.tol = v;
        self
    }
    /// L-BFGS memory (pairs kept).
    pub fn memory(mut self, v: usize) -> Self {
        self.memory = v;
        self
    }
    /// Start from a previous model's coefficients (same classes and features).
    pub fn warm_start_from(mut self, model: Option<&LogisticRegression>) -> Self {
        self.warm_start = model.map(|m| (m.coefficients.clone(), m.intercepts.clone()));
        self
    }

    fn l1_ratio(&self) -> f64 {
        match self.penalty {
            Penalty::L2 => 0.0,
            Penalty::L1 => 1.0,
            Penalty::ElasticNetParams { l1_ratio } => l1_ratio,
        }
    }
}

impl Params for LogisticRegressionParams {
    fn check(&self) -> shopml_core::Result<()> {
        validate::param::positive("C", self.c)?;
        if let Penalty::ElasticNetParams { l1_ratio } = self.penalty {
            validate::param::in_closed("l1_ratio", l1_ratio, 0.0, 1.0)?;
        }
        validate::param::at_least("max_iter", self.max_iter, 1)?;
        validate::param::positive("tol", self.tol)?;
        validate::param::at_least("memory", self.memory, 1)?;
        if let ClassWeight::Given(pairs) = &self.class_weight {
            for &(_, w) in pairs {
                validate::param::non_negative("class_weight", w)?;
            }
        }
        if self.solver == LogisticSolver::Newton && self.l1_ratio() > 0.0 {
            return Err(shopml_core::Error::param("solver", "Newton supports only the L2 penalty; use Lbfgs (OWL-QN) for L1 terms"));
        }
        Ok(())
    }
}

/// Records, class labels (any finite numbers) and optional sample weights.
#[derive(Debug, Clone, Copy)]
pub struct LogisticData<'a> {
    /// `n × p` records.
    pub records: ArrayView2<'a, f64>,
    /// Class label per record.
    pub targets: ndarray::ArrayView1<'a, f64>,
    /// Optional non-negative sample weights.
    pub weights: Option<ndarray::ArrayView1<'a, f64>>,
}

impl<'a> LogisticData<'a> {
    /// Unweighted data.
    pub fn new(records: ArrayView2<'a, f64>, targets: ndarray::ArrayView1<'a, f64>) -> Self {
        LogisticData { records, targets, weights: None }
    }
    /// With sample weights.
    pub fn with_weights(mut self, w: ndarray::ArrayView1<'a, f64>) -> Self {
        self.weights = Some(w);
        self
    }
}

impl<'a> From<shopml_core::Dataset<'a>> for LogisticData<'a> {
    fn from(d: shopml_core::Dataset<'a>) -> Self {
        LogisticData { records: d.records, targets: d.targets, weights: d.weights }
    }
}

/// A fitted logistic regression.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LogisticRegression {
    classes: Vec<f64>,
    /// One row for binary models (the positive class `classes[1]`), one per class otherwise.
    coefficients: Array2<f64>,
    intercepts: Array1<f64>,
    threshold: f64,
    n_iter: usize,
    converged: bool,
    objective: f64,
    c: f64,
    l1_ratio: f64,
    fit_intercept: bool,
}

impl LogisticRegression {
    /// Sorted class labels.
    pub fn classes(&self) -> &[f64] {
        &self.classes
    }
    /// Coefficients: `1 × p` for binary models (for `classes[1]`), `K × p` for multinomial.
    pub fn coefficients(&self) -> &Array2<f64> {
        &self.coefficients
    }
    /// Intercepts, one per coefficient row.
    pub fn intercepts(&self) -> &Array1<f64> {
        &self.intercepts
    }
    /// Iterations the solver ran.
    pub fn n_iter(&self) -> usize {
        self.n_iter
    }
    /// Whether the solver met `tol` within `max_iter`.
    pub fn converged(&self) -> bool {
        self.converged
    }
    /// Final value of scikit-learn's objective `C Σ sᵢ ℓᵢ + pen(β)` divided by `C Σ sᵢ`.
    pub fn objective(&self) -> f64 {
        self.objective
    }
    /// The decision threshold on `P(classes[1])` of binary models (default 0.5).
    pub fn threshold(&self) -> f64 {
        self.threshold
    }
    /// The same model with another decision threshold in `(0, 1)` (binary models).
    pub fn with_threshold(mut self, t: f64) -> Result<Self> {
        validate::param::in_open("threshold", t, 0.0, 1.0)?;
        self.threshold = t;
        Ok(self)
    }

    /// z-based inference for binary L2 models from the inverse of the penalised
    /// information `Xᵀ S diag(p(1 − p)) X + I / C` on the fitting data. With a
    /// large `C` this is statsmodels' `Logit` table (maximum likelihood).
    pub fn inference(&self, data: &LogisticData<'_>) -> Result<crate::Inference> {
        if self.classes.len() != 2 || self.l1_ratio > 0.0 {
            return Err(LinearError::NotAvailable("inference is available for binary models with an L2 penalty".into()));
        }
        let (classes, idx) = encode_classes(data)?;
        if classes != self.classes {
            return Err(LinearError::NotAvailable("the data's classes differ from the model's".into()));
        }
        validate::n_features(self.coefficients.ncols(), data.records)?;
        let x = data.records.as_standard_layout();
        let n = x.nrows();
        let s = Array1::from_shape_fn(n, |i| data.weights.map_or(1.0, |w| w[i]));
        let y = Array1::from_shape_fn(n, |i| idx[i] as f64);
        let gd = GlmData { x: x.view(), y: y.view(), s };
        let beta = self.coefficients.row(0).to_vec();
        let (loss, _, _) = glm::loss_grad(&gd, Family::Logistic, &beta, self.intercepts[0]);
        crate::poisson::glm_inference(&gd, Family::Logistic, &beta, self.intercepts[0], self.fit_intercept, 1.0 / self.c, -loss, "Logit")
    }

    /// Linear scores `X Bᵀ + b`, `n × rows`.
    pub fn decision_function(&self, x: ArrayView2<'_, f64>) -> Result<Array2<f64>> {
        validate::n_features(self.coefficients.ncols(), x)?;
        validate::finite_matrix("records", x)?;
        Ok(kernels::matmat(x, self.coefficients.t(), self.intercepts.view()))
    }

    /// Class probabilities, `n × n_classes`, columns in the order of [`classes`](Self::classes).
    pub fn predict_proba(&self, x: ArrayView2<'_, f64>) -> Result<Array2<f64>> {
        let z = self.decision_function(x)?;
        let n = z.nrows();
        if self.classes.len() == 2 {
            let mut out = Array2::zeros((n, 2));
            for i in 0..n {
                let p = glm::sigmoid(z[[i, 0]]);
                out[[i, 0]] = 1.0 - p;
                out[[i, 1]] = p;
            }
            Ok(out)
        } else {
            let mut out = z;
            for mut row in out.axis_iter_mut(Axis(0)) {
                let m = row.iter().fold(f64::NEG_INFINITY, |a, &b| a.max(b));
                row.mapv_inplace(|v| (v - m).exp());
                let s = row.sum();
                row /= s;
            }
            Ok(out)
        }
    }

    /// Predicted labels: `P(classes[1]) ≥ threshold` for binary models, the most probable class otherwise.
    pub fn predict_view(&self, x: ArrayView2<'_, f64>) -> Result<Array1<f64>> {
        let p = self.predict_proba(x)?;
        Ok(if self.classes.len() == 2 {
            p.column(1).mapv(|v| if v >= self.threshold { self.classes[1] } else { self.classes[0] })
        } else {
            p.axis_iter(Axis(0))
                .map(|r| {
                    let k = r.iter().enumerate().fold((0, f64::NEG_INFINITY), |b, (i, &v)| if v > b.1 { (i, v) } else { b }).0;
                    self.classes[k]
                })
                .collect()
        })
    }
}

impl Predict<Array2<f64>> for LogisticRegression {
    type Output = Array1<f64>;
    type Error = LinearError;
    fn predict(&self, input: &Array2<f64>) -> Result<Array1<f64>> {
        self.predict_view(input.view())
    }
}

impl<'a> Predict<ArrayView2<'a, f64>> for LogisticRegression {
    type Output = Array1<f64>;
    type Error = LinearError;
    fn predict(&self, input: &ArrayView2<'a, f64>) -> Result<Array1<f64>> {
        self.predict_view(*input)
    }
}

/// Standardisation of the records done implicitly (never copying them).
pub(crate) struct Implicit {
    pub mu: Array1<f64>,
    pub scale: Array1<f64>,
}

impl Implicit {
    pub(crate) fn new(x: ArrayView2<'_, f64>, s: &Array1<f64>, standardize: bool, fit_intercept: bool) -> Implicit {
        let p = x.ncols();
        if !standardize {
            return Implicit { mu: Array1::zeros(p), scale: Array1::ones(p) };
        }
        let (mean, _, sw) = kernels::weighted_means(x, None, Some(s.view()));
        let mu = if fit_intercept { mean } else { Array1::zeros(p) };
        let scale = kernels::weighted_std(x, Some(s.view()), &mu, sw).mapv(|v| if v > 0.0 { v } else { 1.0 });
        Implicit { mu, scale }
    }
    /// Effective coefficients on the raw records.
    pub(crate) fn to_raw(&self, beta: &[f64], b: f64) -> (Vec<f64>, f64) {
        let eff: Vec<f64> = beta.iter().zip(&self.scale).map(|(v, s)| v / s).collect();
        let b_eff = b - eff.iter().zip(&self.mu).map(|(e, m)| e * m).sum::<f64>();
        (eff, b_eff)
    }
    /// Chain rule from the raw-records gradient to the standardised coordinates.
    pub(crate) fn grad_from_raw(&self, g_raw: &[f64], g_b: f64, out: &mut [f64]) {
        for j in 0..g_raw.len() {
            out[j] = (g_raw[j] - self.mu[j] * g_b) / self.scale[j];
        }
    }
    /// Standardised coordinates of raw coefficients (for warm starts).
    pub(crate) fn standardised(&self, beta: &[f64], b: f64) -> (Vec<f64>, f64) {
        let z: Vec<f64> = beta.iter().zip(&self.scale).map(|(v, s)| v * s).collect();
        let b_z = b + beta.iter().zip(&self.mu).map(|(e, m)| e * m).sum::<f64>();
        (z, b_z)
    }
}

/// Checks records, labels and weights; returns the sorted classes and each row's class index.
fn encode_classes(data: &LogisticData<'_>) -> Result<(Vec<f64>, Vec<usize>)> {
    validate::records(data.records)?;
    validate::targets(data.records, data.targets)?;
    validate::sample_weights(data.records.nrows(), data.weights)?;
    let mut classes: Vec<f64> = data.targets.to_vec();
    classes.sort_by(f64::total_cmp);
    classes.dedup();
    if classes.len() < 2 {
        return Err(LinearError::SingleClass { class: classes[0] });
    }
    let idx = data.targets.iter().map(|v| classes.binary_search_by(|c| c.total_cmp(v)).expect("label is a class")).collect();
    Ok((classes, idx))
}

fn row_weights(data: &LogisticData<'_>, classes: &[f64], idx: &[usize], cw: &ClassWeight) -> Array1<f64> {
    let n = idx.len();
    let k = classes.len();
    let class_w: Vec<f64> = match cw {
        ClassWeight::None => vec![1.0; k],
        ClassWeight::Balanced => {
            let mut counts = vec![0usize; k];
            idx.iter().for_each(|&c| counts[c] += 1);
            counts.iter().map(|&c| n as f64 / (k as f64 * c as f64)).collect()
        }
        ClassWeight::Given(pairs) => classes.iter().map(|c| pairs.iter().find(|(l, _)| l == c).map_or(1.0, |(_, w)| *w)).collect(),
    };
    Array1::from_shape_fn(n, |i| data.weights.map_or(1.0, |w| w[i]) * class_w[idx[i]])
}

impl<'a> Fit<LogisticData<'a>> for LogisticRegressionParams {
    type Model = LogisticRegression;
    type Error = LinearError;

    fn fit(&self, data: &LogisticData<'a>) -> Result<LogisticRegression> {
        self.check()?;
        let (classes, idx) = encode_classes(data)?;
        let s = row_weights(data, &classes, &idx, &self.class_weight);
        let sw = s.sum();
        if sw <= 0.0 {
            return Err(shopml_core::Error::empty("sample_weight × class_weight: every row has weight zero").into());
        }
        let x: CowArray<'_, f64, Ix2> = data.records.as_standard_layout();
        let (n, p) = x.dim();
        let k = classes.len();
        let binary = k == 2;
        let y = if binary { Array1::from_shape_fn(n, |i| idx[i] as f64) } else { Array1::from_shape_fn(n, |i| idx[i] as f64) };
        let gd = GlmData { x: x.view(), y: y.view(), s };
        let imp = Implicit::new(x.view(), &gd.s, self.standardize, self.fit_intercept);
        let rho = self.l1_ratio();
        let l2 = (1.0 - rho) / (self.c * sw);
        let l1 = rho / (self.c * sw);
        let rows = if binary { 1 } else { k };
        if let Some((w0, b0)) = &self.warm_start
            && (w0.dim() != (rows, p) || b0.len() != rows)
        {
            return Err(shopml_core::Error::shape("warm start", format!("{rows} × {p}"), format!("{} × {}", w0.nrows(), w0.ncols())).into());
        }
        // Parameter vector: [β (rows × p, row-major), b (rows)], standardised coordinates.
        let mut theta0 = vec![0.0; rows * p + rows];
        if let Some((w0, b0)) = &self.warm_start {
            for r in 0..rows {
                let (z, bz) = imp.standardised(&w0.row(r).to_vec(), b0[r]);
                theta0[r * p..(r + 1) * p].copy_from_slice(&z);
                theta0[rows * p + r] = if self.fit_intercept { bz } else { 0.0 };
            }
        }
        let use_newton = binary
            && rho == 0.0
            && match self.solver {
                LogisticSolver::Newton => true,
                LogisticSolver::Lbfgs => false,
                LogisticSolver::Auto => p <= 200 && n <= 100_000,
            };
        let fit_b = self.fit_intercept;
        let eval = |theta: &[f64], grad: &mut [f64]| -> f64 {
            let mut f = 0.0;
            let mut raw_w = vec![0.0; rows * p];
            let mut raw_b = vec![0.0; rows];
            for r in 0..rows {
                let (e, be) = imp.to_raw(&theta[r * p..(r + 1) * p], theta[rows * p + r]);
                raw_w[r * p..(r + 1) * p].copy_from_slice(&e);
                raw_b[r] = be;
            }
            let (loss, gw, gb) = if binary {
                let (l, g, sr) = glm::loss_grad(&gd, Family::Logistic, &raw_w, raw_b[0]);
                (l, g, vec![sr])
            } else {
                glm::multinomial_loss_grad(&gd, k, &raw_w, &raw_b)
            };
            f += loss / sw;
            for r in 0..rows {
                let gwr: Vec<f64> = gw[r * p..(r + 1) * p].iter().map(|v| v / sw).collect();
                imp.grad_from_raw(&gwr, gb[r] / sw, &mut grad[r * p..(r + 1) * p]);
                grad[rows * p + r] = if fit_b { gb[r] / sw } else { 0.0 };
            }
            for j in 0..rows * p {
                f += 0.5 * l2 * theta[j] * theta[j];
                grad[j] += l2 * theta[j];
            }
            f
        };
        let (theta, f, n_iter, converged) = if use_newton {
            newton(eval, theta0, &gd, &imp, l2, sw, fit_b, self.max_iter, self.tol)?
        } else {
            let l1w: Vec<f64> =
                if l1 > 0.0 { (0..rows * p + rows).map(|j| if j < rows * p { l1 } else { 0.0 }).collect() } else { Vec::new() };
            let out = lbfgs::minimize(
                eval,
                theta0,
                &l1w,
                lbfgs::Options { memory: self.memory, max_iter: self.max_iter, gtol: self.tol, ftol: 0.0 },
            );
            (out.x, out.f, out.n_iter, out.converged)
        };
        let mut coefficients = Array2::<f64>::zeros((rows, p));
        let mut intercepts = Array1::<f64>::zeros(rows);
        for r in 0..rows {
            let (e, be) = imp.to_raw(&theta[r * p..(r + 1) * p], theta[rows * p + r]);
            coefficients.row_mut(r).assign(&Array1::from(e));
            intercepts[r] = be;
        }
        if coefficients.iter().chain(intercepts.iter()).any(|v| !v.is_finite()) {
            return Err(
                shopml_core::Error::NotConverged { what: "logistic regression".into(), iterations: n_iter, last_change: f64::NAN }.into()
            );
        }
        Ok(LogisticRegression {
            classes,
            coefficients,
            intercepts,
            threshold: 0.5,
            n_iter,
            converged,
            objective: f,
            c: self.c,
            l1_ratio: rho,
            fit_intercept: self.fit_intercept,
        })
    }
}

/// Newton's method with backtracking for a single-output GLM in standardised
/// coordinates `θ = (β, b)`; returns `(θ, f, iterations, converged)`.
#[allow(clippy::too_many_arguments)]
pub(crate) fn newton(
    mut eval: impl FnMut(&[f64], &mut [f64]) -> f64,
    mut theta: Vec<f64>,
    gd: &GlmData<'_>,
    imp: &Implicit,
    l2: f64,
    sw: f64,
    fit_b: bool,
    max_iter: usize,
    tol: f64,
) -> Result<(Vec<f64>, f64, usize, bool)> {
    newton_family(&mut eval, &mut theta, gd, Family::Logistic, imp, l2, sw, fit_b, max_iter, tol).map(|(f, it, c)| (theta, f, it, c))
}

#[allow(clippy::too_many_arguments)]
pub(crate) fn newton_family(
    eval: &mut impl FnMut(&[f64], &mut [f64]) -> f64,
    theta: &mut [f64],
    gd: &GlmData<'_>,
    fam: Family,
    imp: &Implicit,
    l2: f64,
    sw: f64,
    fit_b: bool,
    max_iter: usize,
    tol: f64,
) -> Result<(f64, usize, bool)> {
    let m = theta.len();
    let p = m - 1;
    let mut g = vec![0.0; m];
    let mut f = eval(theta, &mut g);
    let mut g_new = vec![0.0; m];
    for it in 0..max_iter {
        let gmax = g.iter().fold(0.0f64, |a, v| a.max(v.abs()));
        if gmax <= tol {
            return Ok((f, it, true));
        }
        let (eb, bb) = imp.to_raw(&theta[..p], theta[p]);
        let (h, cross, sd) = glm::hessian(gd, fam, &eb, bb, &imp.mu, &imp.scale);
        let mut hm = Array2::<f64>::zeros((m, m));
        for i in 0..p {
            for j in 0..p {
                hm[[i, j]] = h[[i, j]] / sw;
            }
            hm[[i, i]] += l2;
            if fit_b {
                hm[[i, p]] = cross[i] / sw;
                hm[[p, i]] = cross[i] / sw;
            }
        }
        hm[[p, p]] = if fit_b { sd / sw } else { 1.0 };
        let gv = Array1::from(g.clone());
        let step = match linalg::cholesky(hm.view()) {
            Ok(ch) => ch.solve_vec(gv.view()),
            Err(_) => {
                // Saturated rows make the Hessian singular: damp it.
                let mut hd = hm.clone();
                let bump = 1e-8 * hm.diag().iter().fold(1e-12f64, |a, &v| a.max(v));
                for i in 0..m {
                    hd[[i, i]] += bump;
                }
                linalg::cholesky(hd.view())?.solve_vec(gv.view())
            }
        };
        let gd_dot: f64 = step.iter().zip(&g).map(|(a, b)| a * b).sum();
        let mut t = 1.0;
        let mut accepted = false;
        let mut trial = vec![0.0; m];
        for _ in 0..60 {
            for j in 0..m {
                trial[j] = theta[j] - t * step[j];
            }
            let f_new = eval(&trial, &mut g_new);
            if f_new <= f - 1e-4 * t * gd_dot {
                let rel = (f - f_new) / f.abs().max(1.0);
                theta.copy_from_slice(&trial);
                std::mem::swap(&mut g, &mut g_new);
                f = f_new;
                accepted = true;
                if rel <= 64.0 * f64::EPSILON && g.iter().fold(0.0f64, |a, v| a.max(v.abs())) <= tol.max(1e-8) {
                    return Ok((f, it + 1, true));
                }
                break;
            }
            t *= 0.5;
        }
        if !accepted {
            let gmax = g.iter().fold(0.0f64, |a, v| a.max(v.abs()));
            return Ok((f, it + 1, gmax <= tol));
        }
    }
    let gmax = g.iter().fold(0.0f64, |a, v| a.max(v.abs()));
    Ok((f, max_iter, gmax <= tol))
}

impl LogisticRegression {
    /// The parameters that fit this model, at their defaults; see [`LogisticRegressionParams`].
    pub fn params() -> LogisticRegressionParams {
        LogisticRegressionParams::params()
    }
}
