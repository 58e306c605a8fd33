//! Row-parallel loss / gradient / Hessian passes for single-output GLMs
//! (binary logistic, Poisson) and the multinomial logistic model.
//!
//! The linear predictor is evaluated on the raw records with effective
//! coefficients, so optional standardisation never copies the data: with
//! `z = (x − μ) / s`, `zᵀβ + b = xᵀ(β / s) + (b − μᵀ(β / s))`.

use ndarray::{Array1, Array2, ArrayView1, ArrayView2};

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
