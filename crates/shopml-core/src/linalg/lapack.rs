//! The linear-algebra seam on LAPACK through `ndarray-linalg` (feature `lapack`).

use ndarray::{ArrayView1, ArrayView2, Axis};
use ndarray_linalg::{Cholesky as _, Eigh as _, SVD, UPLO};

use super::{Cholesky, Eigh, LeastSquares, Svd, canonical_signs, check_rect, check_square};
use crate::error::{Error, Result};
use crate::validate;

fn backend(e: ndarray_linalg::error::LinalgError) -> Error {
    Error::Backend(e.to_string())
}

/// Cholesky by `?potrf`.
pub fn cholesky(a: ArrayView2<'_, f64>) -> Result<Cholesky> {
    check_square("cholesky input", a)?;
    match a.to_owned().cholesky(UPLO::Lower) {
        Ok(l) => Ok(Cholesky::from_lower(l)),
        Err(ndarray_linalg::error::LinalgError::Lapack(lax::error::Error::LapackComputationalFailure { return_code }))
            if return_code > 0 =>
        {
            Err(Error::NotPositiveDefinite { what: "cholesky input".into(), pivot: return_code as usize - 1 })
        }
        Err(e) => Err(backend(e)),
    }
}

/// Minimum-norm least squares from LAPACK's SVD (`?gesvd`), with the rank
/// decided by the documented tolerance of [`super::rank_tolerance`]
/// (`σ_max · max(m, n) · ε`, the rule LAPACK's drivers state) rather than
/// `?gelsd`'s default `rcond = ε`, which let the answer depend on last-bit
/// rounding of the BLAS kernel (OpenBLAS's Haswell kernels found rank 3 where
/// the default kernel and the pure path found 2).
pub fn lstsq(a: ArrayView2<'_, f64>, b: ArrayView1<'_, f64>) -> Result<LeastSquares> {
    check_rect("least-squares matrix", a)?;
    if b.len() != a.nrows() {
        return Err(Error::shape("least-squares right-hand side", a.nrows(), b.len()));
    }
    validate::finite_vector("least-squares right-hand side", b)?;
    let svd = svd(a)?;
    Ok(super::min_norm_from_svd(&svd, a.dim(), b))
}

/// Symmetric eigen-decomposition by `?syevd`.
pub fn eigh(a: ArrayView2<'_, f64>) -> Result<Eigh> {
    check_square("eigh input", a)?;
    let (values, vectors) = a.to_owned().eigh(UPLO::Lower).map_err(backend)?;
    let mut order: Vec<usize> = (0..values.len()).collect();
    order.sort_by(|&i, &j| values[i].total_cmp(&values[j]));
    let values = values.select(Axis(0), &order);
    let mut vectors = vectors.select(Axis(1), &order);
    canonical_signs(&mut vectors, None);
    Ok(Eigh { values, vectors })
}

/// Thin SVD by `?gesvd`.
pub fn svd(a: ArrayView2<'_, f64>) -> Result<Svd> {
    check_rect("svd input", a)?;
    let (m, n) = a.dim();
    let r = m.min(n);
    let (u, s, vt) = a.to_owned().svd(true, true).map_err(backend)?;
    let (u, vt) = match (u, vt) {
        (Some(u), Some(vt)) => (u, vt),
        _ => return Err(Error::Backend("gesvd returned no singular vectors".into())),
    };
    let mut u = u.slice(ndarray::s![.., ..r]).to_owned();
    let mut vt = vt.slice(ndarray::s![..r, ..]).to_owned();
    super::pure::fix_svd_signs(&mut u, &mut vt);
    Ok(Svd { u, s, vt })
}
