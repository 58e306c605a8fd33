//! The generalised-linear-model machinery shared by logistic and Poisson
//! regression: row-parallel loss / gradient / Hessian passes for
//! single-output GLMs (binary logistic, Poisson) and the multinomial logistic
//! model, implicit standardisation, Newton's method with a line search
//! (IRLS, McCullagh & Nelder 1989) and the z table from the information
//! matrix. `logistic.rs` and `poisson.rs` import this module and never each other.
//!
//! The linear predictor is evaluated on the raw records with effective
//! coefficients, so optional standardisation never copies the data: with
//! `z = (x − μ) / s`, `zᵀβ + b = xᵀ(β / s) + (b − μᵀ(β / s))`.

use ndarray::{Array1, Array2, ArrayView1, ArrayView2};
use shopml_core::linalg;

use crate::error::{LinearError, Result};
use crate::inference::{CovType, Inference, InferenceInput, Statistic, default_names};
use crate::kernels::{self, axpy, dot, par_reduce};

/// A single-output GLM family with its canonical link.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Family {
    /// Bernoulli with the logit link; targets 0/1.
    Logistic,
    /// Poisson with the log link; targets non-negative.
    Poisson,
}

/// `log(1 + eᶻ)` without overflow.
#[inline]
pub(crate) fn softplus(z: f64) -> f64 {
    if z > 0.0 { z + (-z).exp().ln_1p() } else { z.exp().ln_1p() }
}

/// The logistic function.
#[inline]
pub(crate) fn sigmoid(z: f64) -> f64 {
    if z >= 0.0 {
        1.0 / (1.0 + (-z).exp())
    } else {
        let e = z.exp();
        e / (1.0 + e)
    }
}

impl Family {
    /// Per-row loss (up to constants), its derivative and second derivative in `z`.
    #[inline]
    fn terms(self, z: f64, y: f64) -> (f64, f64, f64) {
        match self {
            Family::Logistic => {
                let p = sigmoid(z);
                (softplus(z) - y * z, p - y, p * (1.0 - p))
            }
            Family::Poisson => {
                let mu = z.exp();
                (mu - y * z, mu - y, mu)
            }
        }
    }
}

/// Data of a GLM fit: raw records, targets, per-row weights (sample × class weights).
pub(crate) struct GlmData<'a> {
    pub x: ArrayView2<'a, f64>,
    pub y: ArrayView1<'a, f64>,
    pub s: Array1<f64>,
}

/// `(Σ sᵢ ℓᵢ, Xᵀ r, Σ r)` with `rᵢ = sᵢ ℓ'ᵢ`, at effective coefficients.
pub(crate) fn loss_grad(d: &GlmData<'_>, fam: Family, beta: &[f64], b: f64) -> (f64, Vec<f64>, f64) {
    let p = beta.len();
    par_reduce(
        d.x.nrows(),
        |rows| {
            let mut g = vec![0.0; p];
            let (mut loss, mut sr) = (0.0, 0.0);
            for i in rows {
                let si = d.s[i];
                if si == 0.0 {
                    continue;
                }
                let row = d.x.row(i);
                let row = row.as_slice().expect("records are made contiguous before fitting");
                let z = dot(row, beta) + b;
                let (l, dl, _) = fam.terms(z, d.y[i]);
                loss += si * l;
                let r = si * dl;
                sr += r;
                axpy(r, row, &mut g);
            }
            (loss, g, sr)
        },
        |mut a, b| {
            a.0 += b.0;
            a.1.iter_mut().zip(&b.1).for_each(|(x, y)| *x += y);
            a.2 += b.2;
            a
        },
    )
    .unwrap_or((0.0, vec![0.0; p], 0.0))
}

/// Hessian pieces `(Zᵀ D Z, Σ dᵢ zᵢ, Σ dᵢ)` with `Z = (X − μ)/s` and `dᵢ = sᵢ ℓ''ᵢ`.
pub(crate) fn hessian(
    d: &GlmData<'_>,
    fam: Family,
    beta: &[f64],
    b: f64,
    mu: &Array1<f64>,
    scale: &Array1<f64>,
) -> (Array2<f64>, Array1<f64>, f64) {
    let n = d.x.nrows();
    let bview = ArrayView1::from(beta);
    let z = kernels::matvec(d.x, bview, b);
    let dw = Array1::from_shape_fn(n, |i| d.s[i] * fam.terms(z[i], d.y[i]).2);
    let (h, _) = kernels::centred_gram(d.x, None, Some(dw.view()), mu, 0.0, Some(scale));
    let (mean_d, _, sd) = kernels::weighted_means(d.x, None, Some(dw.view()));
    let cross = (mean_d - mu) / scale * sd;
    (h, cross, sd)
}

/// Multinomial pass: `(Σ sᵢ ℓᵢ, Gᵀ (K × p, row-major), Σ r per class)` at
/// effective coefficients `w` (K × p, row-major) and intercepts `b`.
pub(crate) fn multinomial_loss_grad(d: &GlmData<'_>, k: usize, w: &[f64], b: &[f64]) -> (f64, Vec<f64>, Vec<f64>) {
    let p = d.x.ncols();
    par_reduce(
        d.x.nrows(),
        |rows| {
            let mut g = vec![0.0; k * p];
            let mut gb = vec![0.0; k];
            let mut z = vec![0.0; k];
            let mut loss = 0.0;
            for i in rows {
                let si = d.s[i];
                if si == 0.0 {
                    continue;
                }
                let row = d.x.row(i);
                let row = row.as_slice().expect("records are made contiguous before fitting");
                let mut zmax = f64::NEG_INFINITY;
                for c in 0..k {
                    z[c] = dot(row, &w[c * p..(c + 1) * p]) + b[c];
                    zmax = zmax.max(z[c]);
                }
                let yi = d.y[i] as usize;
                let zy = z[yi] - zmax;
                let mut sum = 0.0;
                for zc in z.iter_mut() {
                    *zc = (*zc - zmax).exp();
                    sum += *zc;
                }
                // ℓ = log Σ exp(z) − z_y, with the shift zmax cancelling.
                loss += si * (sum.ln() - zy);
                for c in 0..k {
                    let prob = z[c] / sum;
                    let r = si * (prob - f64::from(u8::from(c == yi)));
                    gb[c] += r;
                    axpy(r, row, &mut g[c * p..(c + 1) * p]);
                }
            }
            (loss, g, gb)
        },
        |mut a, b| {
            a.0 += b.0;
            a.1.iter_mut().zip(&b.1).for_each(|(x, y)| *x += y);
            a.2.iter_mut().zip(&b.2).for_each(|(x, y)| *x += y);
            a
        },
    )
    .unwrap_or((0.0, vec![0.0; k * p], vec![0.0; k]))
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
        let (h, cross, sd) = hessian(gd, fam, &eb, bb, &imp.mu, &imp.scale);
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

/// Builds a z table from the Hessian of `Σ sᵢ ℓᵢ + pen/2 ‖β‖²` at raw coefficients.
#[allow(clippy::too_many_arguments)]
pub(crate) fn glm_inference(
    gd: &GlmData<'_>,
    fam: Family,
    beta: &[f64],
    b: f64,
    fit_b: bool,
    pen: f64,
    llf: f64,
    model: &str,
) -> Result<Inference> {
    let p = beta.len();
    let n = gd.x.nrows();
    let (h, cross, sd) = hessian(gd, fam, beta, b, &Array1::zeros(p), &Array1::ones(p));
    let k = p + usize::from(fit_b);
    let off = usize::from(fit_b);
    let mut info = Array2::<f64>::zeros((k, k));
    for i in 0..p {
        for j in 0..p {
            info[[off + i, off + j]] = h[[i, j]];
        }
        info[[off + i, off + i]] += pen;
        if fit_b {
            info[[0, off + i]] = cross[i];
            info[[off + i, 0]] = cross[i];
        }
    }
    if fit_b {
        info[[0, 0]] = sd;
    }
    let cov = linalg::cholesky(info.view())
        .map_err(|_| LinearError::NotAvailable("the information matrix is singular (collinear or constant columns)".into()))?
        .inverse();
    let mut params = Vec::with_capacity(k);
    if fit_b {
        params.push(b);
    }
    params.extend_from_slice(beta);
    Ok(Inference::assemble(InferenceInput {
        names: default_names(p, fit_b),
        params,
        covariance: cov,
        cov_type: CovType::NonRobust,
        statistic: Statistic::Z,
        n_obs: n,
        df_model: p as f64,
        df_resid: (n as f64) - k as f64,
        log_likelihood: llf,
        least_squares: None,
        model: model.into(),
    }))
}
