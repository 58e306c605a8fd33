//! The linear-algebra seam: the four factorisations shopml's models need.
//!
//! | function | what | pure-Rust method | LAPACK (`lapack` feature) |
//! |---|---|---|---|
//! | [`cholesky`] | `A = L Lᵀ` for symmetric positive definite `A` | Cholesky–Banachiewicz | `?potrf` |
//! | [`lstsq`] | `min ‖A x − b‖₂` (minimum-norm when rank deficient) | Householder QR with column pivoting; SVD when rank deficient | `?gelsd` |
//! | [`eigh`] | `A = V diag(λ) Vᵀ`, symmetric `A` | cyclic Jacobi rotations | `?syevd` |
//! | [`svd`] | thin `A = U diag(σ) Vᵀ` | one-sided Jacobi (Hestenes) | `?gesdd` |
//! | [`spd_inverse`] | `A⁻¹` of a large symmetric positive definite `A`, `f32` or `f64` | blocked Cholesky + triangular inverse, GEMM updates in parallel | (pure Rust on both paths) |
//!
//! The top-level functions use LAPACK when the `lapack` feature is on and
//! the pure-Rust code otherwise; [`pure`] (and `lapack`, with the feature)
//! are public so both can be called and compared. Results are made unique
//! where the mathematics allows: eigenvalues ascending, singular values
//! descending, and each eigen/singular vector's largest-magnitude entry
//! positive. Inputs with NaN/∞ are rejected with [`Error::NonFinite`].
//!
//! ```
//! use ndarray::array;
//! use shopml_core::linalg;
//! let a = array![[4.0, 2.0], [2.0, 3.0]];
//! let x = linalg::cholesky(a.view()).unwrap().solve_vec(array![2.0, 1.0].view());
//! assert!((&a.dot(&x) - &array![2.0, 1.0]).iter().all(|e| e.abs() < 1e-12));
//! ```

use ndarray::{Array1, Array2, ArrayView1, ArrayView2};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::validate;

pub mod pure;
mod spd;

pub use spd::{SpdScalar, spd_inverse};

#[cfg(feature = "lapack")]
pub mod lapack;

/// A Cholesky factor `L` (lower triangular) of a symmetric positive definite matrix.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cholesky {
    l: Array2<f64>,
}

impl Cholesky {
    /// Wraps a lower-triangular factor computed elsewhere.
    pub(crate) fn from_lower(l: Array2<f64>) -> Self {
        Cholesky { l }
    }

    /// The lower-triangular factor `L` with `A = L Lᵀ`.
    pub fn lower(&self) -> &Array2<f64> {
        &self.l
    }

    /// Solves `A x = b`.
    pub fn solve_vec(&self, b: ArrayView1<'_, f64>) -> Array1<f64> {
        let n = self.l.nrows();
        let mut y = b.to_owned();
        for i in 0..n {
            let mut s = y[i];
            for k in 0..i {
                s -= self.l[[i, k]] * y[k];
            }
            y[i] = s / self.l[[i, i]];
        }
        for i in (0..n).rev() {
            let mut s = y[i];
            for k in i + 1..n {
                s -= self.l[[k, i]] * y[k];
            }
            y[i] = s / self.l[[i, i]];
        }
        y
    }

    /// Solves `A X = B` column by column.
    pub fn solve(&self, b: ArrayView2<'_, f64>) -> Array2<f64> {
        let mut out = Array2::zeros(b.raw_dim());
        for (j, col) in b.columns().into_iter().enumerate() {
            out.column_mut(j).assign(&self.solve_vec(col));
        }
        out
    }

    /// `log det A = 2 Σ log Lᵢᵢ`.
    pub fn log_det(&self) -> f64 {
        2.0 * self.l.diag().iter().map(|d| d.ln()).sum::<f64>()
    }

    /// `A⁻¹` (for covariance matrices; prefer `solve` otherwise).
    pub fn inverse(&self) -> Array2<f64> {
        self.solve(Array2::eye(self.l.nrows()).view())
    }
}

/// The result of [`lstsq`].
#[derive(Debug, Clone, PartialEq)]
pub struct LeastSquares {
    /// The (minimum-norm, if rank deficient) solution `x`.
    pub solution: Array1<f64>,
    /// Numerical rank of `A`.
    pub rank: usize,
}

/// A thin singular value decomposition `A = U diag(s) Vᵀ`.
#[derive(Debug, Clone, PartialEq)]
pub struct Svd {
    /// `m × r` left singular vectors, `r = min(m, n)`.
    pub u: Array2<f64>,
    /// `r` singular values, descending.
    pub s: Array1<f64>,
    /// `r × n` right singular vectors (transposed).
    pub vt: Array2<f64>,
}

/// A symmetric eigen-decomposition `A = V diag(values) Vᵀ`.
#[derive(Debug, Clone, PartialEq)]
pub struct Eigh {
    /// Eigenvalues, ascending.
    pub values: Array1<f64>,
    /// Eigenvectors as columns, in the order of `values`.
    pub vectors: Array2<f64>,
}

pub(crate) fn check_square(what: &str, a: ArrayView2<'_, f64>) -> Result<()> {
    if a.nrows() != a.ncols() {
        return Err(Error::shape(what.to_string(), "a square matrix", format!("{} × {}", a.nrows(), a.ncols())));
    }
    if a.nrows() == 0 {
        return Err(Error::empty(format!("{what} is 0 × 0")));
    }
    validate::finite_matrix(what, a)
}

pub(crate) fn check_rect(what: &str, a: ArrayView2<'_, f64>) -> Result<()> {
    validate::non_empty_matrix(what, a)?;
    validate::finite_matrix(what, a)
}

/// Cholesky factorisation of a symmetric positive definite matrix (only the
/// lower triangle is read). Fails with [`Error::NotPositiveDefinite`].
pub fn cholesky(a: ArrayView2<'_, f64>) -> Result<Cholesky> {
    #[cfg(feature = "lapack")]
    {
        lapack::cholesky(a)
    }
    #[cfg(not(feature = "lapack"))]
    {
        pure::cholesky(a)
    }
}

/// Least squares `min ‖A x − b‖₂`; the minimum-norm solution when `A` is rank deficient.
pub fn lstsq(a: ArrayView2<'_, f64>, b: ArrayView1<'_, f64>) -> Result<LeastSquares> {
    #[cfg(feature = "lapack")]
    {
        lapack::lstsq(a, b)
    }
    #[cfg(not(feature = "lapack"))]
    {
        pure::lstsq(a, b)
    }
}

/// Eigen-decomposition of a symmetric matrix (only the lower triangle is read).
pub fn eigh(a: ArrayView2<'_, f64>) -> Result<Eigh> {
    #[cfg(feature = "lapack")]
    {
        lapack::eigh(a)
    }
    #[cfg(not(feature = "lapack"))]
    {
        pure::eigh(a)
    }
}

/// Thin singular value decomposition.
pub fn svd(a: ArrayView2<'_, f64>) -> Result<Svd> {
    #[cfg(feature = "lapack")]
    {
        lapack::svd(a)
    }
    #[cfg(not(feature = "lapack"))]
    {
        pure::svd(a)
    }
}

/// Solves `A x = b` for symmetric positive definite `A`.
pub fn solve_spd(a: ArrayView2<'_, f64>, b: ArrayView1<'_, f64>) -> Result<Array1<f64>> {
    let n = a.nrows();
    if b.len() != n {
        return Err(Error::shape("right-hand side", n, b.len()));
    }
    validate::finite_vector("right-hand side", b)?;
    Ok(cholesky(a)?.solve_vec(b))
}

/// Makes each column's largest-magnitude entry positive, flipping the
/// matching row of `partner` (if any) too, so decompositions are unique.
pub(crate) fn canonical_signs(vectors: &mut Array2<f64>, mut partner_rows: Option<&mut Array2<f64>>) {
    for j in 0..vectors.ncols() {
        let col = vectors.column(j);
        let mut best = 0.0f64;
        let mut sign = 1.0;
        for &v in col.iter() {
            // Tie-break toward the first entry of (nearly) maximal size.
            if v.abs() > best * (1.0 + 1e-9) {
                best = v.abs();
                sign = v.signum();
            }
        }
        if sign < 0.0 {
            vectors.column_mut(j).mapv_inplace(|v| -v);
            if let Some(p) = partner_rows.as_deref_mut() {
                p.row_mut(j).mapv_inplace(|v| -v);
            }
        }
    }
}
