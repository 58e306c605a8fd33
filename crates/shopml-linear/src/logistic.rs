//! Logistic regression: binary and multinomial, L2 / L1 / elastic-net penalties.

use ndarray::{Array1, Array2, ArrayBase, ArrayView1, Axis, CowArray, Data, Ix2};
use serde::{Deserialize, Serialize};
use shopml_core::{Dataset, Fit, Params, Predict, validate};

use crate::error::{LinearError, Result};
use crate::glm::{self, Family, GlmData, Implicit, glm_inference, newton};
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
    ElasticNet {
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
/// use shopml_core::{Dataset, Fit, Predict};
/// use shopml_linear::LogisticRegression;
/// let x = array![[0.0], [1.0], [2.0], [3.0], [4.0], [5.0]];
/// let churned = array![false, false, true, false, true, true];
/// let m = LogisticRegression::params().c(10.0).fit(&Dataset::new(x.view(), churned.view())).unwrap();
/// let p = m.predict_proba(&x).unwrap();
/// assert!(p[[5, 1]] > p[[0, 1]]);
/// assert_eq!(m.predict(&x).unwrap()[5], 1.0); // class 1.0 = true
/// // Class labels as numbers work the same way (and allow more than two classes).
/// let y = churned.mapv(|c| if c { 1.0 } else { 0.0 });
/// let same = LogisticRegression::params().c(10.0).fit(&Dataset::new(x.view(), y.view())).unwrap();
/// assert_eq!(same.coefficients(), m.coefficients());
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
            Penalty::ElasticNet { l1_ratio } => l1_ratio,
        }
    }
}

impl Params for LogisticRegressionParams {
    fn check(&self) -> shopml_core::Result<()> {
        validate::param::positive("C", self.c)?;
        if let Penalty::ElasticNet { l1_ratio } = self.penalty {
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

/// Class targets a logistic regression accepts in a [`Dataset`]: `bool`
/// (churned / bought, the labels shopml-features produces; classes
/// `[0.0, 1.0]`, `true` = 1) or class labels as `f64` (any finite numbers,
/// two or more classes).
pub trait ClassTargets {
    /// The targets as `f64` class labels.
    fn class_values(&self) -> Array1<f64>;
}

impl ClassTargets for ArrayView1<'_, f64> {
    fn class_values(&self) -> Array1<f64> {
        self.to_owned()
    }
}

impl ClassTargets for ArrayView1<'_, bool> {
    fn class_values(&self) -> Array1<f64> {
        self.mapv(|b| f64::from(u8::from(b)))
    }
}

/// A fitted logistic regression. Loading checks sorted distinct classes
/// (at least two), one coefficient row per class (one for binary models),
/// finite coefficients and a threshold in `(0, 1)`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "LogisticRaw")]
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

#[derive(Deserialize)]
struct LogisticRaw {
    classes: Vec<f64>,
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

impl TryFrom<LogisticRaw> for LogisticRegression {
    type Error = LinearError;
    fn try_from(r: LogisticRaw) -> Result<Self> {
        let k = r.classes.len();
        if k < 2 || r.classes.windows(2).any(|w| w[0].partial_cmp(&w[1]) != Some(std::cmp::Ordering::Less)) {
            return Err(shopml_core::Error::param("classes", "a loaded model needs at least two sorted, distinct, finite classes").into());
        }
        let rows = if k == 2 { 1 } else { k };
        if r.coefficients.nrows() != rows || r.intercepts.len() != rows {
            return Err(shopml_core::Error::shape(
                "coefficient rows",
                rows,
                format!("{} rows, {} intercepts", r.coefficients.nrows(), r.intercepts.len()),
            )
            .into());
        }
        validate::finite_matrix("coefficients", r.coefficients.view())?;
        validate::finite_vector("intercepts", r.intercepts.view())?;
        validate::finite_slice("classes", &r.classes)?;
        validate::param::in_open("threshold", r.threshold, 0.0, 1.0)?;
        validate::param::positive("C", r.c)?;
        validate::param::in_closed("l1_ratio", r.l1_ratio, 0.0, 1.0)?;
        Ok(LogisticRegression {
            classes: r.classes,
            coefficients: r.coefficients,
            intercepts: r.intercepts,
            threshold: r.threshold,
            n_iter: r.n_iter,
            converged: r.converged,
            objective: r.objective,
            c: r.c,
            l1_ratio: r.l1_ratio,
            fit_intercept: r.fit_intercept,
        })
    }
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
    pub fn inference<T: ClassTargets>(&self, data: &Dataset<'_, T>) -> Result<crate::Inference> {
        if self.classes.len() != 2 || self.l1_ratio > 0.0 {
            return Err(LinearError::NotAvailable("inference is available for binary models with an L2 penalty".into()));
        }
        let targets = data.targets.class_values();
        let data = &Dataset { records: data.records, targets: targets.view(), weights: data.weights };
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
        glm_inference(&gd, Family::Logistic, &beta, self.intercepts[0], self.fit_intercept, 1.0 / self.c, -loss, "Logit")
    }

    /// Linear scores `X Bᵀ + b`, `n × rows`.
    pub fn decision_function<S: Data<Elem = f64>>(&self, x: &ArrayBase<S, Ix2>) -> Result<Array2<f64>> {
        let x = x.view();
        validate::n_features(self.coefficients.ncols(), x)?;
        validate::finite_matrix("records", x)?;
        Ok(kernels::matmat(x, self.coefficients.t(), self.intercepts.view()))
    }

    /// Class probabilities, `n × n_classes`, columns in the order of [`classes`](Self::classes).
    pub fn predict_proba<S: Data<Elem = f64>>(&self, x: &ArrayBase<S, Ix2>) -> Result<Array2<f64>> {
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
}

impl<S: Data<Elem = f64>> Predict<ArrayBase<S, Ix2>> for LogisticRegression {
    type Output = Array1<f64>;
    type Error = LinearError;
    /// Predicted labels: `P(classes[1]) ≥ threshold` for binary models, the
    /// most probable class otherwise (for `bool` targets the classes are `0.0`
    /// and `1.0`; the classification metrics take these directly).
    fn predict(&self, x: &ArrayBase<S, Ix2>) -> Result<Array1<f64>> {
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

/// Checks records, labels and weights; returns the sorted classes and each row's class index.
fn encode_classes(data: &Dataset<'_>) -> Result<(Vec<f64>, Vec<usize>)> {
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

fn row_weights(data: &Dataset<'_>, classes: &[f64], idx: &[usize], cw: &ClassWeight) -> Array1<f64> {
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

impl<'a, T: ClassTargets> Fit<Dataset<'a, T>> for LogisticRegressionParams {
    type Model = LogisticRegression;
    type Error = LinearError;

    fn fit(&self, data: &Dataset<'a, T>) -> Result<LogisticRegression> {
        self.check()?;
        if data.records.nrows() == 0 {
            return Err(shopml_core::Error::empty("records has no rows").into());
        }
        let targets = data.targets.class_values();
        let data = &Dataset { records: data.records, targets: targets.view(), weights: data.weights };
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

impl LogisticRegression {
    /// The parameters that fit this model, at their defaults; see [`LogisticRegressionParams`].
    pub fn params() -> LogisticRegressionParams {
        LogisticRegressionParams::params()
    }
}
