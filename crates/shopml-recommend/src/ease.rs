//! EASE: an embarrassingly shallow autoencoder.
//!
//! Steck, "Embarrassingly Shallow Autoencoders for Sparse Data", WWW 2019:
//! the item–item weights `B` minimise `‖X − XB‖² + λ‖B‖²` subject to
//! `diag(B) = 0`, with the closed form `P = (XᵀX + λI)⁻¹`,
//! `B_ij = −P_ij / P_jj` (i ≠ j). `B` is dense (items × items), so the fit
//! refuses catalogues above `max_items` (default 20,000) with
//! [`RecommendError::TooManyItems`].
//!
//! The fit builds the Gram matrix from the sparse item columns (item rows in
//! parallel) and inverts it with [`shopml_core::linalg::spd_inverse`]: a
//! blocked Cholesky factorisation, triangular inverse and `X Xᵀ` product whose
//! work is matrix–matrix products (`2n³/3` multiply–adds, a third of an
//! LU-based inverse). [`Precision::Single`] halves memory and roughly halves
//! the time; [`Precision::Double`] (the default) matches a float64 NumPy
//! implementation to 1e-10. Memory at `n` items: the Gram matrix and one work
//! matrix of `n²` elements each (8 bytes each in double, 4 in single) plus the
//! `n²` `f32` weights — 2.0 GB in double at 10,000 items, 8.0 GB at 20,000.

use ndarray::{Array2, Axis};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use shopml_core::linalg::{SpdScalar, spd_inverse};
use shopml_core::{Error, Fit, Interactions, Params, Recommend, validate::param};

use crate::als::check_implicit;
use crate::error::{RecommendError, Result};
use crate::serve::{FoldIn, Scorer};

/// The floating-point precision of EASE's matrix inverse.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Precision {
    /// `f32`: half the memory and about half the time; weights agree with
    /// the double-precision inverse to about 1e-5 relative.
    Single,
    /// `f64` (default).
    #[default]
    Double,
}

/// Parameters of EASE (Steck 2019); fit gives an [`Ease`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EaseParams {
    /// L2 regularisation λ (default 500, the paper's order of magnitude).
    pub regularization: f64,
    /// Largest catalogue accepted (default 20,000).
    pub max_items: usize,
    /// Precision of the inverse (default [`Precision::Double`]).
    #[serde(default)]
    pub precision: Precision,
}

impl Default for EaseParams {
    fn default() -> Self {
        EaseParams { regularization: 500.0, max_items: 20_000, precision: Precision::Double }
    }
}

impl EaseParams {
    /// Default parameters.
    pub fn params() -> Self {
        Self::default()
    }
    /// Sets `regularization`.
    pub fn regularization(mut self, v: f64) -> Self {
        self.regularization = v;
        self
    }
    /// Sets `max_items`.
    pub fn max_items(mut self, v: usize) -> Self {
        self.max_items = v;
        self
    }
    /// Sets `precision`.
    pub fn precision(mut self, v: Precision) -> Self {
        self.precision = v;
        self
    }
}

impl Params for EaseParams {
    fn check(&self) -> shopml_core::Result<()> {
        param::positive("regularization", self.regularization)?;
        param::at_least("max_items", self.max_items, 1)
    }
}

/// A fitted EASE model: dense item–item weights; score = `x_u B`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Ease {
    weights: Array2<f32>,
    train: shopml_core::Csr,
}

impl Ease {
    /// The item–item weight matrix `B` (zero diagonal).
    pub fn weights(&self) -> &Array2<f32> {
        &self.weights
    }

    fn score_from(&self, items: &[u32], vals: &[f32], out: &mut [f32]) {
        out.iter_mut().for_each(|v| *v = 0.0);
        for (&j, &r) in items.iter().zip(vals) {
            let row = self.weights.row(j as usize);
            for (o, &w) in out.iter_mut().zip(row.iter()) {
                *o += r * w;
            }
        }
    }
}

impl Fit<Interactions> for EaseParams {
    type Model = Ease;
    type Error = RecommendError;
    fn fit(&self, data: &Interactions) -> Result<Ease> {
        self.check()?;
        check_implicit(data)?;
        let n = data.n_items();
        if n > self.max_items {
            return Err(RecommendError::TooManyItems { model: "EASE", n_items: n, limit: self.max_items });
        }
        let weights = match self.precision {
            Precision::Double => dense_weights::<f64>(data, self.regularization)?.mapv(|v| v as f32),
            Precision::Single => dense_weights::<f32>(data, self.regularization)?,
        };
        Ok(Ease { weights, train: data.user_items().clone() })
    }
}

/// Element types EASE can invert in (`f32`, `f64`).
pub trait EaseFloat: SpdScalar {
    /// From an `f64`.
    fn from_f64(v: f64) -> Self;
}
impl EaseFloat for f64 {
    fn from_f64(v: f64) -> Self {
        v
    }
}
impl EaseFloat for f32 {
    fn from_f64(v: f64) -> Self {
        v as f32
    }
}

/// The EASE weights `B = −P diag(P)⁻¹` (zero diagonal), `P = (XᵀX + λI)⁻¹`,
/// in the working precision `F` — what [`EaseParams::fit`](Fit::fit) computes
/// before storing `B` as `f32` for serving. Use it when the weights are
/// wanted in double precision (offline analysis, exact comparisons).
///
/// Errors: non-positive `regularization`; a Gram matrix that is not
/// positive definite in precision `F` ([`Error::Singular`]).
pub fn dense_weights<F: EaseFloat>(data: &Interactions, regularization: f64) -> Result<Array2<F>> {
    shopml_core::validate::param::positive("regularization", regularization)?;
    let n = data.n_items();
    // G = XᵀX + λI: row a of G sums x_ua · x_u over the users u of item a
    // (item rows in parallel, each summed in user order: deterministic).
    let by_item = data.item_users();
    let users = data.user_items();
    let mut g = Array2::<f64>::zeros((n, n));
    g.axis_iter_mut(Axis(0)).into_par_iter().enumerate().for_each(|(a, mut row)| {
        let (us, xs) = by_item.row(a);
        for (&u, &xa) in us.iter().zip(xs) {
            let (items, vals) = users.row(u as usize);
            for (&b, &xb) in items.iter().zip(vals) {
                row[b as usize] += xa as f64 * xb as f64;
            }
        }
        row[a] += regularization;
    });
    let g = g.mapv(F::from_f64);
    let p = spd_inverse(g).map_err(|e| match e {
        Error::NotPositiveDefinite { .. } => Error::Singular { what: "EASE Gram matrix (raise regularization)".into() },
        other => other,
    })?;
    let diag: Vec<F> = (0..n).map(|j| p[[j, j]]).collect();
    let mut weights = Array2::<F>::zeros((n, n));
    weights.axis_iter_mut(Axis(0)).into_par_iter().enumerate().for_each(|(i, mut row)| {
        for (j, w) in row.iter_mut().enumerate() {
            if i != j {
                *w = (F::zero() - p[[i, j]]) / diag[j];
            }
        }
    });
    if weights.iter().any(|v| !v.is_finite()) {
        return Err(Error::Singular { what: "EASE Gram matrix (raise regularization)".into() }.into());
    }
    Ok(weights)
}

impl Recommend for Ease {
    fn n_users(&self) -> usize {
        self.train.n_rows()
    }
    fn n_items(&self) -> usize {
        self.train.n_cols()
    }
    fn score_items(&self, user: usize) -> shopml_core::Result<Vec<f32>> {
        let (items, vals) =
            self.train.try_row(user).map_err(|_| Error::IndexOutOfRange { what: "user", index: user, len: self.n_users() })?;
        let mut out = vec![0f32; self.n_items()];
        self.score_from(items, vals, &mut out);
        Ok(out)
    }
}

impl Scorer for Ease {
    fn score_users(&self, users: &[usize], out: &mut [f32]) -> shopml_core::Result<()> {
        for (row, &u) in out.chunks_exact_mut(self.n_items()).zip(users) {
            let (items, vals) = self.train.row(u);
            self.score_from(items, vals, row);
        }
        Ok(())
    }
}

impl FoldIn for Ease {
    fn score_history(&self, items: &[u32], values: &[f32]) -> Result<Vec<f32>> {
        if items.len() != values.len() {
            return Err(Error::shape("history items vs values", items.len(), values.len()).into());
        }
        if let Some(&i) = items.iter().find(|&&i| i as usize >= self.n_items()) {
            return Err(Error::IndexOutOfRange { what: "item", index: i as usize, len: self.n_items() }.into());
        }
        let mut out = vec![0f32; self.n_items()];
        self.score_from(items, values, &mut out);
        Ok(out)
    }
}

impl Ease {
    /// The parameters that fit this model, at their defaults; see [`EaseParams`].
    pub fn params() -> EaseParams {
        EaseParams::params()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shopml_core::Triple;

    fn data(n_users: usize, n_items: usize) -> Interactions {
        let mut t = Vec::new();
        let mut s = 7u64;
        for u in 0..n_users {
            for i in 0..n_items {
                s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                if (s >> 33).is_multiple_of(5) || (u + i) % 7 == 0 {
                    t.push(Triple { user: u as u32, item: i as u32, value: 1.0 });
                }
            }
        }
        Interactions::from_triples(n_users, n_items, &t, shopml_core::Duplicates::Sum).unwrap()
    }

    #[test]
    fn single_precision_weights_agree_with_double() {
        let d = data(400, 300);
        let double = EaseParams::default().regularization(20.0).fit(&d).unwrap();
        let single = EaseParams::default().regularization(20.0).precision(Precision::Single).fit(&d).unwrap();
        let scale = double.weights().iter().fold(0f32, |m, v| m.max(v.abs()));
        let err = double.weights().iter().zip(single.weights().iter()).map(|(a, b)| (a - b).abs()).fold(0f32, f32::max);
        assert!(err / scale < 1e-4, "relative difference {}", err / scale);
    }

    #[test]
    fn weights_satisfy_the_closed_form_with_a_zero_diagonal() {
        // B = I − P diag(1/diag P) off the diagonal, i.e. (G + λI) B = I − diag-scaled P⁻¹ ⇒
        // off-diagonal entries of (G + λI)(B − I) vanish and the diagonal of B is zero.
        let d = data(200, 120);
        let lambda = 15.0;
        let m = EaseParams::default().regularization(lambda).fit(&d).unwrap();
        let n = d.n_items();
        let x = Array2::from_shape_fn((d.n_users(), n), |(u, i)| {
            let (items, vals) = d.user_items().row(u);
            items.iter().position(|&j| j as usize == i).map(|p| vals[p] as f64).unwrap_or(0.0)
        });
        let mut g = x.t().dot(&x);
        for i in 0..n {
            g[[i, i]] += lambda;
        }
        let b = m.weights().mapv(|v| v as f64);
        let mut bm = b.clone();
        for i in 0..n {
            assert_eq!(b[[i, i]], 0.0);
            bm[[i, i]] -= 1.0;
        }
        let r = g.dot(&bm);
        let scale = g.iter().fold(0.0f64, |m, v| m.max(v.abs()));
        for i in 0..n {
            for j in 0..n {
                if i != j {
                    assert!(r[[i, j]].abs() < 1e-5 * scale, "({i},{j}) {}", r[[i, j]]);
                }
            }
        }
    }
}
