//! The element types k-means runs on: `f64` and `f32`.

use std::fmt::Debug;

use ndarray::{ArrayView1, ArrayView2, LinalgScalar, ScalarOperand};
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
    /// `self × a + b` with one rounding (compiles to an FMA instruction
    /// only inside code built with the `fma` target feature).
    fn fused_mul_add(self, a: Self, b: Self) -> Self;
}

impl Float for f64 {
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

/// The checks core's `validate::records` runs, for any [`Float`]: non-empty,
/// then the first NaN/∞ cell (row by row) named in [`shopml_core::Error::NonFinite`].
pub(crate) fn check_records<F: Float>(what: &str, x: ArrayView2<'_, F>) -> shopml_core::Result<()> {
    if x.nrows() == 0 {
        return Err(shopml_core::Error::empty(format!("{what} has no rows")));
    }
    if x.ncols() == 0 {
        return Err(shopml_core::Error::empty(format!("{what} has no columns")));
    }
    for (row, r) in x.outer_iter().enumerate() {
        if let Some(column) = r.iter().position(|v| !v.is_finite_value()) {
            return Err(shopml_core::Error::NonFinite { what: what.to_string(), row, column: Some(column), value: r[column].to_f64() });
        }
    }
    Ok(())
}

/// Validates optional weights against `n` rows and returns them as `f64`.
pub(crate) fn check_weights(n: usize, w: Option<ArrayView1<'_, f64>>) -> shopml_core::Result<Option<Vec<f64>>> {
    shopml_core::validate::sample_weights(n, w)?;
    Ok(w.map(|w| w.to_vec()))
}
