//! The element types k-means runs on: `f64` and `f32`.

use std::fmt::Debug;

use ndarray::{ArrayView1, ArrayView2, LinalgScalar, ScalarOperand};
use rayon::prelude::*;
use serde::{Serialize, de::DeserializeOwned};

/// A floating-point element type of the records (`f64` or `f32`).
///
/// Distances are computed in this type (so `f32` halves memory traffic and
/// doubles SIMD width); per-cluster sums, inertia and convergence tests are
/// always accumulated in `f64`.
pub trait Float:
    LinalgScalar + ScalarOperand + PartialOrd + Debug + Default + Send + Sync + Serialize + DeserializeOwned + std::iter::Sum + 'static
{
    /// Converts from `f64` (rounding for `f32`).
    fn from_f64(v: f64) -> Self;
    /// Converts to `f64` exactly.
    fn to_f64(self) -> f64;
    /// `true` unless NaN or ±∞.
    fn is_finite_value(self) -> bool;
    /// The largest magnitude a record may hold: squared distances between
    /// such values still fit the type (`1e150` for `f64`, `1e18` for `f32`).
    /// Larger finite values are rejected like NaN, since `‖x − c‖²` would
    /// overflow to ∞ and every distance would compare equal.
    const MAX_ABS: f64;
    /// `self × a + b` with one rounding (compiles to an FMA instruction
    /// only inside code built with the `fma` target feature).
    fn fused_mul_add(self, a: Self, b: Self) -> Self;
}

impl Float for f64 {
    const MAX_ABS: f64 = 1e150;
    #[inline(always)]
    fn from_f64(v: f64) -> Self {
        v
    }
    #[inline(always)]
    fn to_f64(self) -> f64 {
        self
    }
    #[inline(always)]
    fn is_finite_value(self) -> bool {
        self.is_finite()
    }
    #[inline(always)]
    fn fused_mul_add(self, a: Self, b: Self) -> Self {
        self.mul_add(a, b)
    }
}

impl Float for f32 {
    const MAX_ABS: f64 = 1e18;
    #[inline(always)]
    fn from_f64(v: f64) -> Self {
        v as f32
    }
    #[inline(always)]
    fn to_f64(self) -> f64 {
        self as f64
    }
    #[inline(always)]
    fn is_finite_value(self) -> bool {
        self.is_finite()
    }
    #[inline(always)]
    fn fused_mul_add(self, a: Self, b: Self) -> Self {
        self.mul_add(a, b)
    }
}

/// Rows per parallel task of the validation passes (fixed, so results do not
/// depend on the thread count).
const CHECK_BLOCK: usize = 4096;

/// Whether every value of `row` is finite (no early exit, so it vectorises).
#[inline(always)]
fn row_finite<F: Float>(row: &[F]) -> bool {
    row.iter().fold(true, |ok, v| ok & in_range(*v))
}

/// Finite and at most [`Float::MAX_ABS`] in magnitude.
#[inline(always)]
fn in_range<F: Float>(v: F) -> bool {
    v.is_finite_value() & (v.to_f64().abs() <= F::MAX_ABS)
}

fn check_shape<F: Float>(what: &str, x: ArrayView2<'_, F>) -> shopml_core::Result<()> {
    if x.nrows() == 0 {
        return Err(shopml_core::Error::empty(format!("{what} has no rows")));
    }
    if x.ncols() == 0 {
        return Err(shopml_core::Error::empty(format!("{what} has no columns")));
    }
    Ok(())
}

fn non_finite<F: Float>(what: &str, x: ArrayView2<'_, F>, row: usize) -> shopml_core::Error {
    let r = x.row(row);
    let Some(column) = r.iter().position(|v| !in_range(*v)) else {
        return shopml_core::Error::InvalidValue {
            what: what.to_string(),
            row,
            column: None,
            value: f64::NAN,
            reason: "unreadable row".into(),
        };
    };
    let value = r[column].to_f64();
    if value.is_finite() {
        return shopml_core::Error::InvalidValue {
            what: what.to_string(),
            row,
            column: Some(column),
            value,
            reason: format!("magnitude above the supported {:e} (squared distances would overflow)", F::MAX_ABS),
        };
    }
    shopml_core::Error::NonFinite { what: what.to_string(), row, column: Some(column), value }
}

/// The checks core's `validate::records` runs, for any [`Float`]: non-empty,
/// then the first NaN/∞ cell (row by row) named in [`shopml_core::Error::NonFinite`].
/// Rows are scanned in parallel blocks; the error names the first bad row.
pub(crate) fn check_records<F: Float>(what: &str, x: ArrayView2<'_, F>) -> shopml_core::Result<()> {
    check_shape(what, x)?;
    let n = x.nrows();
    let bad = (0..n.div_ceil(CHECK_BLOCK)).into_par_iter().find_map_first(|b| {
        (b * CHECK_BLOCK..((b + 1) * CHECK_BLOCK).min(n)).find(|&i| match x.row(i).as_slice() {
            Some(r) => !row_finite(r),
            None => x.row(i).iter().any(|v| !in_range(*v)),
        })
    });
    match bad {
        Some(row) => Err(non_finite(what, x, row)),
        None => Ok(()),
    }
}

/// [`check_records`] and the per-column mean and (population) variance in
/// one parallel pass over the records.
///
/// Sums are taken of the values shifted by the first row (the "shifted data"
/// algorithm), which keeps the one-pass variance accurate for data far from
/// the origin; per-block sums are combined in block order, so the result does
/// not depend on the thread count.
pub(crate) fn checked_moments<F: Float>(what: &str, x: ArrayView2<'_, F>) -> shopml_core::Result<(Vec<f64>, Vec<f64>)> {
    check_shape(what, x)?;
    let (n, d) = x.dim();
    let shift: Vec<f64> = x.row(0).iter().map(|v| v.to_f64()).collect();
    // Per block: (Σ shifted values, Σ their squares), or the first non-finite row.
    type BlockSums = Result<(Vec<f64>, Vec<f64>), usize>;
    let parts: Vec<BlockSums> = (0..n.div_ceil(CHECK_BLOCK))
        .into_par_iter()
        .map(|b| {
            let (mut s1, mut s2) = (vec![0.0; d], vec![0.0; d]);
            for i in b * CHECK_BLOCK..((b + 1) * CHECK_BLOCK).min(n) {
                let row = x.row(i);
                let finite = match row.as_slice() {
                    Some(r) => row_finite(r),
                    None => row.iter().all(|v| in_range(*v)),
                };
                if !finite {
                    return Err(i);
                }
                // Zipped iterators (no per-element index checks) so the loop vectorises.
                for (((a, b), &v), &sh) in s1.iter_mut().zip(s2.iter_mut()).zip(row.iter()).zip(&shift) {
                    let v = v.to_f64() - sh;
                    *a += v;
                    *b += v * v;
                }
            }
            Ok((s1, s2))
        })
        .collect();
    let (mut s1, mut s2) = (vec![0.0; d], vec![0.0; d]);
    for p in parts {
        let (a, b) = p.map_err(|row| non_finite(what, x, row))?;
        for t in 0..d {
            s1[t] += a[t];
            s2[t] += b[t];
        }
    }
    let nf = n as f64;
    let mean = (0..d).map(|t| shift[t] + s1[t] / nf).collect();
    let var = (0..d).map(|t| (s2[t] / nf - (s1[t] / nf).powi(2)).max(0.0)).collect();
    Ok((mean, var))
}

/// Validates optional weights against `n` rows and returns them as `f64`.
pub(crate) fn check_weights(n: usize, w: Option<ArrayView1<'_, f64>>) -> shopml_core::Result<Option<Vec<f64>>> {
    shopml_core::validate::sample_weights(n, w)?;
    Ok(w.map(|w| w.to_vec()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::Array2;

    #[test]
    fn one_pass_moments_match_two_pass_far_from_the_origin() {
        // Values near 1e8 with unit spread: a naive Σx² − (Σx)²/n would lose every digit.
        let n = 10_000;
        let x = Array2::from_shape_fn((n, 2), |(i, j)| 1e8 * (j as f64 + 1.0) + ((i * 7919) % 101) as f64 / 10.0);
        let (mean, var) = checked_moments("x", x.view()).unwrap();
        for j in 0..2 {
            let c = x.column(j);
            let m = c.sum() / n as f64;
            let v = c.iter().map(|&a| (a - m).powi(2)).sum::<f64>() / n as f64;
            assert!((mean[j] - m).abs() <= 1e-6, "{} vs {m}", mean[j]);
            assert!((var[j] - v).abs() <= 1e-9 * v, "{} vs {v}", var[j]);
        }
    }

    #[test]
    fn the_first_non_finite_cell_is_named_across_blocks() {
        let mut x = Array2::<f64>::zeros((3 * CHECK_BLOCK, 3));
        x[[2 * CHECK_BLOCK + 5, 2]] = f64::NAN;
        x[[CHECK_BLOCK + 1, 1]] = f64::INFINITY;
        for r in [check_records("x", x.view()).unwrap_err(), checked_moments("x", x.view()).unwrap_err()] {
            match r {
                shopml_core::Error::NonFinite { row, column, .. } => assert_eq!((row, column), (CHECK_BLOCK + 1, Some(1))),
                e => panic!("{e:?}"),
            }
        }
    }
}
