//! The inverse of a large symmetric positive definite matrix, blocked so that
//! almost all of the work is matrix–matrix products.
//!
//! `A⁻¹` is computed the way LAPACK's `?potrf` + `?potri` do it, in three
//! passes over `nb × nb` blocks (`nb` = 256):
//!
//! 1. **Cholesky** `A = Uᵀ U`, right-looking: factor a diagonal block, solve
//!    its row panel, then subtract the panel's outer product from the
//!    trailing rows (one GEMM per block row, the block rows in parallel);
//! 2. **triangular inverse** `X = U⁻¹`, one block row at a time from the
//!    bottom: `X_{i,>i} = −U_ii⁻¹ · U_{i,>i} · X_{>i,>i}` (GEMMs over column
//!    blocks in parallel);
//! 3. **product** `A⁻¹ = X Xᵀ`, each upper-triangle block
//!    `X_{i,≥c} X_{c,≥c}ᵀ` skipping the zeros of `X`, then mirrored.
//!
//! That is `n³/3 + n³/6 + n³/6 = 2n³/3` multiply–adds against `2n³` for an
//! LU-based general inverse. Every output block is written by exactly one task
//! with a fixed summation order, so the result does not depend on the number
//! of threads. Memory: the input matrix (overwritten) plus one `n × n` work
//! matrix.
//!
//! ```
//! use ndarray::array;
//! use shopml_core::linalg::spd_inverse;
//! let a = array![[4.0, 2.0], [2.0, 3.0]];
//! let inv = spd_inverse(a.clone()).unwrap();
//! let eye = a.dot(&inv);
//! assert!((eye[[0, 0]] - 1.0f64).abs() < 1e-12 && eye[[0, 1]].abs() < 1e-12);
//! ```

use ndarray::linalg::general_mat_mul;
use ndarray::{Array2, ArrayView2, ArrayViewMut2, Axis, LinalgScalar, s};
use rayon::prelude::*;

use crate::error::{Error, Result};

/// Block size of the blocked passes.
const NB: usize = 256;

/// The element types [`spd_inverse`] works in: `f32` and `f64`.
pub trait SpdScalar: LinalgScalar + PartialOrd + Send + Sync + std::fmt::Debug {
    /// Square root.
    fn sqrt(self) -> Self;
    /// Whether the value is finite.
    fn is_finite(self) -> bool;
    /// As `f64` (for error messages).
    fn to_f64(self) -> f64;
}

impl SpdScalar for f64 {
    fn sqrt(self) -> Self {
        f64::sqrt(self)
    }
    fn is_finite(self) -> bool {
        f64::is_finite(self)
    }
    fn to_f64(self) -> f64 {
        self
    }
}

impl SpdScalar for f32 {
    fn sqrt(self) -> Self {
        f32::sqrt(self)
    }
    fn is_finite(self) -> bool {
        f32::is_finite(self)
    }
    fn to_f64(self) -> f64 {
        self as f64
    }
}

/// The inverse of a symmetric positive definite matrix (only its upper
/// triangle is read), computed by the blocked Cholesky method above.
///
/// Errors: a non-square matrix ([`Error::ShapeMismatch`]), a NaN or infinite
/// entry ([`Error::NonFinite`]), a matrix that is not positive definite to
/// working precision ([`Error::NotPositiveDefinite`] with the failing pivot).
pub fn spd_inverse<F: SpdScalar>(mut a: Array2<F>) -> Result<Array2<F>> {
    let n = a.nrows();
    if a.ncols() != n {
        return Err(Error::shape("spd_inverse input", format!("{n} × {n}"), format!("{n} × {}", a.ncols())));
    }
    if let Some(((r, c), v)) = a.indexed_iter().find(|(_, v)| !v.is_finite()) {
        return Err(Error::NonFinite { what: "spd_inverse input".into(), row: r, column: Some(c), value: v.to_f64() });
    }
    if n == 0 {
        return Ok(a);
    }
    if !a.is_standard_layout() {
        a = a.as_standard_layout().into_owned();
    }
    cholesky_upper_in_place(a.view_mut())?;
    let x = upper_inverse(a.view());
    // A's storage now holds U, which is no longer needed: reuse it for X Xᵀ.
    upper_times_transpose_into(x.view(), a.view_mut());
    Ok(a)
}

/// Overwrites the upper triangle of `a` with `U` (`A = Uᵀ U`); the strict
/// lower triangle is set to zero.
fn cholesky_upper_in_place<F: SpdScalar>(mut a: ArrayViewMut2<'_, F>) -> Result<()> {
    let n = a.nrows();
    let mut k0 = 0;
    while k0 < n {
        let k1 = (k0 + NB).min(n);
        // 1. The diagonal block.
        cholesky_upper_small(a.slice_mut(s![k0..k1, k0..k1]), k0)?;
        if k1 < n {
            // 2. Row panel: U_k,rest = U_kk⁻ᵀ A_k,rest.
            let ukk_inv = upper_inverse_small(a.slice(s![k0..k1, k0..k1]));
            let panel = a.slice(s![k0..k1, k1..n]).to_owned();
            let mut out = a.slice_mut(s![k0..k1, k1..n]);
            out.fill(F::zero());
            general_mat_mul(F::one(), &ukk_inv.t(), &panel, F::zero(), &mut out);
            // 3. Trailing update of the rows below, by block rows in parallel:
            //    A_i,≥i −= U_k,iᵀ U_k,≥i.
            let (top, mut bottom) = a.view_mut().split_at(Axis(0), k1);
            let panel = top.slice(s![k0..k1, ..]);
            bottom.axis_chunks_iter_mut(Axis(0), NB).into_par_iter().enumerate().for_each(|(bi, mut rows)| {
                let i0 = k1 + bi * NB;
                let h = rows.nrows();
                let lhs = panel.slice(s![.., i0..i0 + h]);
                let rhs = panel.slice(s![.., i0..n]);
                let mut dst = rows.slice_mut(s![.., i0..n]);
                general_mat_mul(F::zero() - F::one(), &lhs.t(), &rhs, F::one(), &mut dst);
            });
        }
        // Zero the strict lower triangle of this block column.
        for i in k0..n {
            for j in k0..k1.min(i) {
                a[[i, j]] = F::zero();
            }
        }
        k0 = k1;
    }
    Ok(())
}

/// Unblocked upper Cholesky of a small diagonal block (in place).
fn cholesky_upper_small<F: SpdScalar>(mut a: ArrayViewMut2<'_, F>, offset: usize) -> Result<()> {
    let m = a.nrows();
    for j in 0..m {
        let mut d = a[[j, j]];
        for k in 0..j {
            d = d - a[[k, j]] * a[[k, j]];
        }
        if d.partial_cmp(&F::zero()) != Some(std::cmp::Ordering::Greater) || !d.is_finite() {
            return Err(Error::NotPositiveDefinite { what: "spd_inverse input".into(), pivot: offset + j });
        }
        let d = d.sqrt();
        a[[j, j]] = d;
        for c in j + 1..m {
            let mut s = a[[j, c]];
            for k in 0..j {
                s = s - a[[k, j]] * a[[k, c]];
            }
            a[[j, c]] = s / d;
        }
    }
    Ok(())
}

/// Inverse of a small upper-triangular block (unblocked back substitution).
fn upper_inverse_small<F: SpdScalar>(u: ArrayView2<'_, F>) -> Array2<F> {
    let m = u.nrows();
    let mut x = Array2::<F>::zeros((m, m));
    for i in (0..m).rev() {
        x[[i, i]] = F::one() / u[[i, i]];
        for j in i + 1..m {
            let mut s = F::zero();
            for k in i + 1..=j {
                s = s + u[[i, k]] * x[[k, j]];
            }
            x[[i, j]] = (F::zero() - s) / u[[i, i]];
        }
    }
    x
}

/// `X = U⁻¹` for upper-triangular `U` (strict lower triangle zero), by block
/// rows from the bottom: `X_{i,>i} = −X_ii (U_{i,>i} X_{>i,>i})`.
fn upper_inverse<F: SpdScalar>(u: ArrayView2<'_, F>) -> Array2<F> {
    let n = u.nrows();
    let mut x = Array2::<F>::zeros((n, n));
    let starts: Vec<usize> = (0..n).step_by(NB).collect();
    for &i0 in starts.iter().rev() {
        let i1 = (i0 + NB).min(n);
        let xii = upper_inverse_small(u.slice(s![i0..i1, i0..i1]));
        if i1 < n {
            let (mut top, bottom) = x.view_mut().split_at(Axis(0), i1);
            let bottom = bottom.slice(s![.., i1..n]); // X_{>i,>i}, upper triangular
            let urow = u.slice(s![i0..i1, i1..n]);
            // R = U_{i,>i} X_{>i,>i}, by column blocks c: only rows ≤ c of X are non-zero.
            let mut r = Array2::<F>::zeros((i1 - i0, n - i1));
            r.axis_chunks_iter_mut(Axis(1), NB).into_par_iter().enumerate().for_each(|(cb, mut rc)| {
                let c0 = cb * NB;
                let c1 = c0 + rc.ncols();
                general_mat_mul(F::one(), &urow.slice(s![.., ..c1]), &bottom.slice(s![..c1, c0..c1]), F::zero(), &mut rc);
            });
            let mut dst = top.slice_mut(s![i0..i1, i1..n]);
            general_mat_mul(F::zero() - F::one(), &xii, &r, F::zero(), &mut dst);
        }
        x.slice_mut(s![i0..i1, i0..i1]).assign(&xii);
    }
    x
}

/// `out = X Xᵀ` for upper-triangular `X`: the upper-triangle blocks
/// `X_{i,≥c} X_{c,≥c}ᵀ` (block rows in parallel), mirrored to the lower.
fn upper_times_transpose_into<F: SpdScalar>(x: ArrayView2<'_, F>, mut out: ArrayViewMut2<'_, F>) {
    let n = x.nrows();
    out.axis_chunks_iter_mut(Axis(0), NB).into_par_iter().enumerate().for_each(|(bi, mut rows)| {
        let i0 = bi * NB;
        let h = rows.nrows();
        rows.fill(F::zero());
        let mut c0 = i0;
        while c0 < n {
            let c1 = (c0 + NB).min(n);
            let lhs = x.slice(s![i0..i0 + h, c0..n]);
            let rhs = x.slice(s![c0..c1, c0..n]);
            let mut dst = rows.slice_mut(s![.., c0..c1]);
            general_mat_mul(F::one(), &lhs, &rhs.t(), F::zero(), &mut dst);
            c0 = c1;
        }
    });
    for i in 0..n {
        for j in 0..i {
            out[[i, j]] = out[[j, i]];
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn random_spd(n: usize, seed: u64) -> Array2<f64> {
        // A = Mᵀ M + n I with a deterministic pseudo-random M.
        let mut state = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        let m = Array2::from_shape_fn((n, n), |_| {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            ((state >> 11) as f64 / (1u64 << 53) as f64) - 0.5
        });
        let mut a = m.t().dot(&m);
        for i in 0..n {
            a[[i, i]] += n as f64 * 0.1;
        }
        a
    }

    #[test]
    fn inverse_times_matrix_is_the_identity_across_block_boundaries() {
        for n in [1, 2, 7, 255, 256, 257, 600] {
            let a = random_spd(n, n as u64);
            let inv = spd_inverse(a.clone()).unwrap();
            let eye = a.dot(&inv);
            let err = eye.indexed_iter().map(|((i, j), v)| (v - if i == j { 1.0 } else { 0.0 }).abs()).fold(0.0, f64::max);
            assert!(err < 1e-10, "n = {n}: max |A A⁻¹ − I| = {err}");
            // Symmetric to the last bit (mirrored).
            assert!(inv.indexed_iter().all(|((i, j), v)| *v == inv[[j, i]]));
        }
    }

    #[test]
    fn f32_agrees_with_f64_to_single_precision() {
        let a = random_spd(300, 3);
        let inv64 = spd_inverse(a.clone()).unwrap();
        let inv32 = spd_inverse(a.mapv(|v| v as f32)).unwrap();
        let scale = inv64.iter().fold(0.0f64, |m, v| m.max(v.abs()));
        let err = inv64.iter().zip(inv32.iter()).map(|(a, b)| (a - *b as f64).abs()).fold(0.0, f64::max);
        assert!(err / scale < 1e-4, "relative error {}", err / scale);
    }

    #[test]
    fn same_result_for_any_thread_count() {
        let a = random_spd(700, 9);
        let one = rayon::ThreadPoolBuilder::new().num_threads(1).build().unwrap().install(|| spd_inverse(a.clone()).unwrap());
        let four = rayon::ThreadPoolBuilder::new().num_threads(4).build().unwrap().install(|| spd_inverse(a.clone()).unwrap());
        assert!(one.iter().zip(four.iter()).all(|(x, y)| x.to_bits() == y.to_bits()));
    }

    #[test]
    fn indefinite_non_square_and_non_finite_inputs_are_errors() {
        let mut a = random_spd(300, 5);
        a[[280, 280]] = -1e6;
        assert!(matches!(spd_inverse(a).unwrap_err(), Error::NotPositiveDefinite { .. }));
        assert!(matches!(spd_inverse(Array2::<f64>::zeros((2, 3))).unwrap_err(), Error::ShapeMismatch { .. }));
        let mut b = random_spd(4, 1);
        b[[1, 2]] = f64::NAN;
        assert!(matches!(spd_inverse(b).unwrap_err(), Error::NonFinite { row: 1, column: Some(2), .. }));
    }
}
