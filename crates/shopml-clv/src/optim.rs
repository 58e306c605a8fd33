//! Maximum likelihood with argmin: L-BFGS with a More–Thuente line search on
//! the log-parameters, then standard errors from a numerical Hessian of the
//! log-likelihood (the observed information) at the optimum.

use crate::error::{ClvError, Result};
use crate::special::normal_quantile;
use argmin::core::{CostFunction, Executor, Gradient, State, TerminationReason, TerminationStatus};
use argmin::solver::linesearch::MoreThuenteLineSearch;
use argmin::solver::quasinewton::LBFGS;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::sync::Mutex;

/// Customers per parallel block; partial sums are added in block order, so
/// results do not depend on the number of threads.
pub(crate) const BLOCK: usize = 512;

/// A model's log-likelihood over weighted rows of data.
pub(crate) trait Likelihood: Sync {
    /// One row of data.
    type Row: Sync;
    /// The model's name (for errors).
    const NAME: &'static str;
    /// Number of parameters.
    const N: usize;
    /// Log-likelihood of one row at natural parameters `p`.
    fn ll(p: &[f64], row: &Self::Row) -> f64;
    /// Log-likelihood of one row and its gradient with respect to the
    /// natural parameters, when the model has an analytic gradient.
    fn ll_grad(_p: &[f64], _row: &Self::Row, _grad: &mut [f64]) -> Option<f64> {
        None
    }
    /// Whether [`Likelihood::ll_grad`] is implemented.
    const ANALYTIC: bool = false;
    /// Weighted log-likelihood of a block of rows (sorted); the default calls
    /// [`Likelihood::ll`] row by row.
    fn block_ll(p: &[f64], rows: &[(Self::Row, f64)]) -> f64 {
        rows.iter().map(|(r, w)| w * Self::ll(p, r)).sum()
    }
    /// Weighted log-likelihood of a block of rows, with the weighted
    /// gradients added into `g` (zeroed by the caller). The default calls
    /// [`Likelihood::ll_grad`] row by row; a model may share work between
    /// neighbouring rows (rows arrive sorted).
    fn block_ll_grad(p: &[f64], rows: &[(Self::Row, f64)], g: &mut [f64]) -> f64 {
        let mut gi = vec![0.0; Self::N];
        let mut s = 0.0;
        for (r, w) in rows {
            s += w * Self::ll_grad(p, r, &mut gi).unwrap_or(f64::NAN);
            for k in 0..Self::N {
                g[k] += w * gi[k];
            }
        }
        s
    }
}

/// Calls `each(terms, row, weight)` for every row of a block, with
/// `terms = make(x)` computed once per run of equal x (the first field):
/// rows arrive sorted, so the gamma and digamma values a model needs per
/// distinct purchase count are computed once, not once per row.
pub(crate) fn for_each_by_x<T>(rows: &[([f64; 3], f64)], make: impl Fn(f64) -> T, mut each: impl FnMut(&T, &[f64; 3], f64)) {
    let mut cached: Option<(u64, T)> = None;
    for (row, w) in rows {
        let bits = row[0].to_bits();
        if cached.as_ref().is_none_or(|c| c.0 != bits) {
            cached = Some((bits, make(row[0])));
        }
        if let Some((_, terms)) = &cached {
            each(terms, row, *w);
        }
    }
}

/// Weighted rows (identical rows merged) and the total weight.
pub(crate) struct Data<L: Likelihood> {
    pub rows: Vec<(L::Row, f64)>,
    pub total_weight: f64,
}

impl<L: Likelihood> Data<L> {
    pub fn new(rows: Vec<(L::Row, f64)>) -> Self {
        let total_weight = rows.iter().map(|r| r.1).sum();
        Data { rows, total_weight }
    }

    /// `f` of every block of [`BLOCK`] rows, in block order: in parallel
    /// when there are enough blocks to pay for waking the pool (small
    /// summaries, refitted dozens of times per fit, spent a fifth of their
    /// time parking and waking threads), sequentially otherwise. Either way
    /// the caller adds the blocks' results in order, so the sum does not
    /// depend on the thread count.
    fn blocks<T: Send>(&self, f: impl Fn(&[(L::Row, f64)]) -> T + Sync + Send) -> Vec<T> {
        const MIN_PARALLEL_BLOCKS: usize = 8;
        if self.rows.len() < MIN_PARALLEL_BLOCKS * BLOCK {
            self.rows.chunks(BLOCK).map(f).collect()
        } else {
            self.rows.par_chunks(BLOCK).map(f).collect()
        }
    }

    /// Total (weighted) log-likelihood at natural parameters.
    pub fn log_likelihood(&self, p: &[f64]) -> f64 {
        let parts: Vec<f64> = self.blocks(|c| L::block_ll(p, c));
        parts.iter().sum()
    }

    /// Total log-likelihood and its gradient in the natural parameters.
    fn log_likelihood_grad(&self, p: &[f64]) -> (f64, Vec<f64>) {
        let n = L::N;
        let parts: Vec<(f64, Vec<f64>)> = self.blocks(|c| {
            let mut g = vec![0.0; n];
            let s = L::block_ll_grad(p, c, &mut g);
            (s, g)
        });
        let mut g = vec![0.0; n];
        let mut s = 0.0;
        for (ps, pg) in parts {
            s += ps;
            for k in 0..n {
                g[k] += pg[k];
            }
        }
        (s, g)
    }
}

/// What the optimiser minimises: −(mean log-likelihood) + c Σ pᵢ² over the
/// log-parameters θ = ln p (lifetimes' objective, so its `penalizer_coef`
/// means the same here).
struct Objective<'a, L: Likelihood> {
    data: &'a Data<L>,
    penalizer: f64,
    best: Mutex<(f64, Vec<f64>)>,
}

impl<L: Likelihood> Objective<'_, L> {
    fn value(&self, theta: &[f64]) -> f64 {
        let p: Vec<f64> = theta.iter().map(|t| t.exp()).collect();
        let pen: f64 = p.iter().map(|v| v * v).sum::<f64>() * self.penalizer;
        let v = -self.data.log_likelihood(&p) / self.data.total_weight + pen;
        self.record(theta, v)
    }

    fn record(&self, theta: &[f64], v: f64) -> f64 {
        let v = if v.is_finite() { v } else { f64::INFINITY };
        if let Ok(mut b) = self.best.lock()
            && v < b.0
        {
            *b = (v, theta.to_vec());
        }
        v
    }

    fn gradient(&self, theta: &[f64]) -> Vec<f64> {
        let p: Vec<f64> = theta.iter().map(|t| t.exp()).collect();
        if L::ANALYTIC {
            let (ll, g) = self.data.log_likelihood_grad(&p);
            let pen: f64 = p.iter().map(|v| v * v).sum::<f64>() * self.penalizer;
            self.record(theta, -ll / self.data.total_weight + pen);
            (0..L::N).map(|k| -p[k] * g[k] / self.data.total_weight + 2.0 * self.penalizer * p[k] * p[k]).collect()
        } else {
            // Central differences in θ with a step scaled to the cube root of
            // machine precision (balances truncation and rounding error).
            let mut g = vec![0.0; L::N];
            let mut t = theta.to_vec();
            for k in 0..L::N {
                let h = 6e-6 * (1.0 + theta[k].abs());
                t[k] = theta[k] + h;
                let up = self.value(&t);
                t[k] = theta[k] - h;
                let down = self.value(&t);
                t[k] = theta[k];
                g[k] = (up - down) / (2.0 * h);
            }
            g
        }
    }
}

/// The objective as argmin sees it (borrowed, so the best point seen stays readable).
struct Problem<'o, 'd, L: Likelihood>(&'o Objective<'d, L>);

impl<L: Likelihood> CostFunction for Problem<'_, '_, L> {
    type Param = Vec<f64>;
    type Output = f64;
    fn cost(&self, theta: &Self::Param) -> std::result::Result<f64, argmin::core::Error> {
        Ok(self.0.value(theta))
    }
}

impl<L: Likelihood> Gradient for Problem<'_, '_, L> {
    type Param = Vec<f64>;
    type Gradient = Vec<f64>;
    fn gradient(&self, theta: &Self::Param) -> std::result::Result<Vec<f64>, argmin::core::Error> {
        Ok(self.0.gradient(theta))
    }
}

/// Options shared by every maximum-likelihood fit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MleOptions {
    /// L2 penalty c in −mean LL + c Σ pᵢ² (natural parameters), as lifetimes' `penalizer_coef`.
    pub penalizer_coef: f64,
    /// Iteration limit of L-BFGS.
    pub max_iters: u64,
    /// Convergence: the gradient norm of the objective (per customer, log-parameter scale).
    pub gradient_tolerance: f64,
    /// Starting natural parameters (all 1 when `None`).
    pub initial: Option<Vec<f64>>,
}

impl Default for MleOptions {
    fn default() -> Self {
        MleOptions { penalizer_coef: 0.0, max_iters: 2000, gradient_tolerance: 1e-9, initial: None }
    }
}

impl MleOptions {
    pub(crate) fn check(&self, n: usize) -> shopml_core::Result<()> {
        use shopml_core::Error;
        if !(self.penalizer_coef.is_finite() && self.penalizer_coef >= 0.0) {
            return Err(Error::param("penalizer_coef", "must be finite and non-negative"));
        }
        if self.max_iters == 0 {
            return Err(Error::param("max_iters", "must be at least 1"));
        }
        if !(self.gradient_tolerance.is_finite() && self.gradient_tolerance > 0.0) {
            return Err(Error::param("gradient_tolerance", "must be finite and positive"));
        }
        if let Some(init) = &self.initial
            && (init.len() != n || init.iter().any(|v| !(v.is_finite() && *v > 0.0)))
        {
            return Err(Error::param("initial", format!("needs {n} finite positive values")));
        }
        Ok(())
    }
}

/// How a maximum-likelihood fit went and what the data say about the
/// parameters.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FitSummary {
    /// Total log-likelihood of the calibration data at the estimates
    /// (without the penalty), in the summary's time unit.
    pub log_likelihood: f64,
    /// Customers the model was fitted on.
    pub n_customers: usize,
    /// L-BFGS iterations.
    pub iterations: u64,
    /// The L2 penalty used.
    pub penalizer_coef: f64,
    /// Covariance of the log-parameters: the inverse of the observed
    /// information (Hessian of −log-likelihood, penalty included) in
    /// θ = ln p, row-major; `None` when that Hessian is not positive definite.
    pub log_covariance: Option<Vec<f64>>,
    /// Gamma-Gamma only: Pearson correlation of frequency and mean spend over
    /// the customers fitted; the model assumes they are independent.
    pub frequency_spend_correlation: Option<f64>,
}

impl FitSummary {
    /// Standard errors of the natural parameters by the delta method,
    /// `se(pᵢ) = pᵢ · se(θᵢ)` (lifetimes reports the same quantity).
    pub(crate) fn standard_errors(&self, p: &[f64]) -> Option<Vec<f64>> {
        let n = p.len();
        let c = self.log_covariance.as_ref()?;
        Some((0..n).map(|i| p[i] * c[i * n + i].sqrt()).collect())
    }

    /// Intervals `exp(θᵢ ± z · se(θᵢ))` at `level` percent: on the log scale,
    /// so always positive.
    pub(crate) fn intervals(&self, p: &[f64], level: f64) -> shopml_core::Result<Option<Vec<(f64, f64)>>> {
        shopml_core::check_levels(&[level])?;
        let n = p.len();
        let z = normal_quantile(0.5 + level / 200.0);
        Ok(self.log_covariance.as_ref().map(|c| {
            (0..n)
                .map(|i| {
                    let s = c[i * n + i].sqrt();
                    (p[i] * (-z * s).exp(), p[i] * (z * s).exp())
                })
                .collect()
        }))
    }
}

/// Fits by L-BFGS (More–Thuente) from `options.initial` (or all ones), then
/// computes the observed information.
pub(crate) fn maximise<L: Likelihood>(data: &Data<L>, options: &MleOptions, scale: &[f64]) -> Result<(Vec<f64>, FitSummary)> {
    let n = L::N;
    let obj = Objective { data, penalizer: options.penalizer_coef, best: Mutex::new((f64::INFINITY, vec![0.0; n])) };
    // `scale` maps the natural parameters to the internal time scale.
    let theta0: Vec<f64> = match &options.initial {
        Some(init) => init.iter().zip(scale).map(|(v, s)| (v * s).ln()).collect(),
        None => vec![0.0; n],
    };
    let start_cost = obj.value(&theta0);
    if !start_cost.is_finite() {
        return Err(ClvError::NotConverged {
            model: L::NAME,
            iterations: 0,
            reason: "the log-likelihood is not finite at the starting point".into(),
            last_params: unscale(&theta0, scale),
            mean_log_likelihood: f64::NAN,
            gradient_norm: f64::NAN,
        });
    }
    let solver = LBFGS::new(MoreThuenteLineSearch::new(), 10)
        .with_tolerance_grad(options.gradient_tolerance)
        .and_then(|s| s.with_tolerance_cost(0.0))
        .map_err(|e| shopml_core::Error::param("gradient_tolerance", e.to_string()))?;
    let run = Executor::new(Problem(&obj), solver).configure(|st| st.param(theta0.clone()).max_iters(options.max_iters)).run();
    let (theta, iterations, status) = match run {
        Ok(res) => {
            let st = res.state();
            let iters = st.get_iter();
            let status = st.get_termination_status().clone();
            let theta = st.get_best_param().cloned().unwrap_or_else(|| obj.best.lock().map(|b| b.1.clone()).unwrap_or(theta0.clone()));
            (theta, iters, Some(status))
        }
        Err(e) => {
            let theta = obj.best.lock().map(|b| b.1.clone()).unwrap_or(theta0.clone());
            (theta, 0, Some(TerminationStatus::Terminated(TerminationReason::SolverExit(e.to_string()))))
        }
    };
    let g = obj.gradient(&theta);
    let gnorm = g.iter().map(|v| v * v).sum::<f64>().sqrt();
    let mean_ll = -obj.value(&theta) + options.penalizer_coef * theta.iter().map(|t| (2.0 * t).exp()).sum::<f64>();
    // Line searches may stop a hair short of the tolerance once the cost
    // stops changing in the last bits; accept a small gradient then.
    let accept = gnorm <= options.gradient_tolerance.max(1e-6) && theta.iter().all(|t| t.is_finite());
    if !accept {
        let reason = match status {
            Some(TerminationStatus::Terminated(r)) => r.text().to_string(),
            _ => "stopped".to_string(),
        };
        return Err(ClvError::NotConverged {
            model: L::NAME,
            iterations,
            reason,
            last_params: unscale(&theta, scale),
            mean_log_likelihood: mean_ll,
            gradient_norm: gnorm,
        });
    }
    let hessian = numerical_hessian(&obj, &theta);
    let w = data.total_weight;
    let info: Vec<f64> = hessian.iter().map(|h| h * w).collect();
    let log_covariance = invert_spd(&info, n);
    let p = unscale(&theta, scale);
    let summary = FitSummary {
        log_likelihood: f64::NAN, // filled in by the model in its own time unit
        n_customers: 0,
        iterations,
        penalizer_coef: options.penalizer_coef,
        log_covariance,
        frequency_spend_correlation: None,
    };
    Ok((p, summary))
}

fn unscale(theta: &[f64], scale: &[f64]) -> Vec<f64> {
    theta.iter().zip(scale).map(|(t, s)| t.exp() / s).collect()
}

/// Hessian of the objective by central differences of its gradient, symmetrised.
fn numerical_hessian<L: Likelihood>(obj: &Objective<'_, L>, theta: &[f64]) -> Vec<f64> {
    let n = theta.len();
    let mut h = vec![0.0; n * n];
    let mut t = theta.to_vec();
    let step = if L::ANALYTIC { 1e-5 } else { 1e-4 };
    for j in 0..n {
        let s = step * (1.0 + theta[j].abs());
        t[j] = theta[j] + s;
        let up = obj.gradient(&t);
        t[j] = theta[j] - s;
        let down = obj.gradient(&t);
        t[j] = theta[j];
        for i in 0..n {
            h[i * n + j] = (up[i] - down[i]) / (2.0 * s);
        }
    }
    for i in 0..n {
        for j in 0..i {
            let m = 0.5 * (h[i * n + j] + h[j * n + i]);
            h[i * n + j] = m;
            h[j * n + i] = m;
        }
    }
    h
}

/// Inverse of a small symmetric positive-definite matrix by Cholesky;
/// `None` when it is not positive definite.
pub(crate) fn invert_spd(a: &[f64], n: usize) -> Option<Vec<f64>> {
    let mut l = vec![0.0; n * n];
    for i in 0..n {
        for j in 0..=i {
            let mut s = a[i * n + j];
            for k in 0..j {
                s -= l[i * n + k] * l[j * n + k];
            }
            if i == j {
                if !(s > 0.0 && s.is_finite()) {
                    return None;
                }
                l[i * n + i] = s.sqrt();
            } else {
                l[i * n + j] = s / l[j * n + j];
            }
        }
    }
    // Solve L Lᵀ X = I column by column.
    let mut inv = vec![0.0; n * n];
    for col in 0..n {
        let mut y = vec![0.0; n];
        for i in 0..n {
            let mut s = if i == col { 1.0 } else { 0.0 };
            for k in 0..i {
                s -= l[i * n + k] * y[k];
            }
            y[i] = s / l[i * n + i];
        }
        for i in (0..n).rev() {
            let mut s = y[i];
            for k in i + 1..n {
                s -= l[k * n + i] * inv[k * n + col];
            }
            inv[i * n + col] = s / l[i * n + i];
        }
    }
    inv.iter().all(|v| v.is_finite()).then_some(inv)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invert_spd_inverts() {
        let a = [4.0, 1.0, 0.5, 1.0, 3.0, 0.2, 0.5, 0.2, 2.0];
        let inv = invert_spd(&a, 3).unwrap();
        for i in 0..3 {
            for j in 0..3 {
                let v: f64 = (0..3).map(|k| a[i * 3 + k] * inv[k * 3 + j]).sum();
                assert!((v - if i == j { 1.0 } else { 0.0 }).abs() < 1e-12);
            }
        }
        assert!(invert_spd(&[1.0, 2.0, 2.0, 1.0], 2).is_none());
    }
}
