//! EASE: an embarrassingly shallow autoencoder.
//!
//! Steck, "Embarrassingly Shallow Autoencoders for Sparse Data", WWW 2019:
//! the item–item weights `B` minimise `‖X − XB‖² + λ‖B‖²` subject to
//! `diag(B) = 0`, with the closed form `P = (XᵀX + λI)⁻¹`,
//! `B_ij = −P_ij / P_jj` (i ≠ j). `B` is dense (items × items), so the fit
//! refuses catalogues above `max_items` (default 20,000) with
//! [`RecommendError::TooManyItems`]. The inverse goes through
//! [`shopml_core::linalg`] (pure Rust by default, LAPACK with its feature).

use ndarray::Array2;
use serde::{Deserialize, Serialize};
use shopml_core::{Error, Fit, Interactions, Params, Recommend, validate::param};

use crate::als::check_implicit;
use crate::error::{RecommendError, Result};
use crate::serve::{FoldIn, Scorer};

/// Parameters of EASE (Steck 2019); fit gives an [`Ease`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EaseParams {
    /// L2 regularisation λ (default 500, the paper's order of magnitude).
    pub regularization: f64,
    /// Largest catalogue accepted (default 20,000).
    pub max_items: usize,
}

impl Default for EaseParams {
    fn default() -> Self {
        EaseParams { regularization: 500.0, max_items: 20_000 }
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
}

impl Params for EaseParams {
    fn check(&self) -> shopml_core::Result<()> {
        param::positive("regularization", self.regularization)?;
        param::at_least("max_items", self.max_items, 1)
    }
}

/// A fitted EASE model: dense item–item weights; score = `x_u B`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "EaseRaw")]
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
        // G = XᵀX + λI, accumulated user by user from the sparse rows.
        let mut g = Array2::<f64>::zeros((n, n));
        for u in 0..data.n_users() {
            let (cols, vals) = data.user_items().row(u);
            for (&a, &va) in cols.iter().zip(vals) {
                for (&b, &vb) in cols.iter().zip(vals) {
                    g[[a as usize, b as usize]] += va as f64 * vb as f64;
                }
            }
        }
        for d in 0..n {
            g[[d, d]] += self.regularization;
        }
        let p = shopml_core::linalg::cholesky(g.view())?.inverse();
        let mut weights = Array2::<f32>::zeros((n, n));
        for i in 0..n {
            for j in 0..n {
                if i != j {
                    weights[[i, j]] = (-p[[i, j]] / p[[j, j]]) as f32;
                }
            }
        }
        if weights.iter().any(|v| !v.is_finite()) {
            return Err(Error::Singular { what: "EASE Gram matrix (raise regularization)".into() }.into());
        }
        Ok(Ease { weights, train: data.user_items().clone() })
    }
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
        crate::serve::check_block(users, self.n_users(), self.n_items(), out.len())?;
        for (row, &u) in out.chunks_exact_mut(self.n_items().max(1)).zip(users) {
            let (items, vals) = self.train.row(u);
            self.score_from(items, vals, row);
        }
        Ok(())
    }
}

impl FoldIn for Ease {
    fn score_history(&self, items: &[u32], values: &[f32]) -> Result<Vec<f32>> {
        crate::serve::check_history(items, values, self.n_items())?;
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

#[derive(Deserialize)]
struct EaseRaw {
    weights: Array2<f32>,
    train: shopml_core::Csr,
}

impl TryFrom<EaseRaw> for Ease {
    type Error = RecommendError;
    fn try_from(r: EaseRaw) -> std::result::Result<Self, RecommendError> {
        let EaseRaw { weights, train } = r;
        let train = crate::factors::recheck_csr(train)?;
        let n = train.n_cols();
        if weights.dim() != (n, n) {
            return Err(Error::shape("weights", format!("{n} × {n} (items of the training matrix)"), format!("{:?}", weights.dim())).into());
        }
        if let Some(((r, c), v)) = weights.indexed_iter().find(|(_, v)| !v.is_finite()) {
            return Err(Error::NonFinite { what: "weights".into(), row: r, column: Some(c), value: *v as f64 }.into());
        }
        // Scoring reads rows of the weights as standard layout.
        let weights = weights.as_standard_layout().into_owned();
        Ok(Ease { weights, train })
    }
}
