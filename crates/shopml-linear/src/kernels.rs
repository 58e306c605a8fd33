//! Row-parallel kernels over tall matrices: weighted means, centred Gram
//! matrices `Xᵀ W X`, `Xᵀ W y`, and matrix–vector products.
//!
//! Rows are cut into fixed blocks of [`BLOCK`] rows whatever the thread count;
//! blocks run in parallel with rayon and their partial sums are added in
//! block order, so results are bit-identical with 1 or many threads. Inside a
//! block, chunks of [`CHUNK`] rows are centred and weighted into a small
//! buffer and multiplied with ndarray's GEMM (matrixmultiply), which keeps the
//! hot loop in cache and never copies the whole matrix.

use std::ops::Range;

use ndarray::linalg::general_mat_mul;
use ndarray::{Array1, Array2, ArrayView1, ArrayView2, Axis, s};
use rayon::prelude::*;

/// Rows per parallel block (fixed, so sums do not depend on the thread count).
pub const BLOCK: usize = 16_384;
/// Rows per cache-resident chunk inside a block.
pub const CHUNK: usize = 512;

/// Fixed row blocks covering `0..n`.
pub fn blocks(n: usize) -> Vec<Range<usize>> {
    (0..n.div_ceil(BLOCK)).map(|b| b * BLOCK..((b + 1) * BLOCK).min(n)).collect()
}

/// Maps every block in parallel and folds the results in block order.
pub fn par_reduce<T: Send>(n: usize, map: impl Fn(Range<usize>) -> T + Sync + Send, fold: impl Fn(T, T) -> T) -> Option<T> {
    let parts: Vec<T> = blocks(n).into_par_iter().map(map).collect();
    parts.into_iter().reduce(fold)
}

/// Weighted column means of `x` and the weighted mean of `y`, with the weight sum.
pub fn weighted_means(x: ArrayView2<'_, f64>, y: Option<ArrayView1<'_, f64>>, w: Option<ArrayView1<'_, f64>>) -> (Array1<f64>, f64, f64) {
    let p = x.ncols();
    let (sx, sy, sw) = par_reduce(
        x.nrows(),
        |r| {
            let mut sx = Array1::<f64>::zeros(p);
            let mut sy = 0.0;
            let mut sw = 0.0;
            for i in r {
                let wi = w.map_or(1.0, |w| w[i]);
                sx.scaled_add(wi, &x.row(i));
                if let Some(y) = y {
                    sy += wi * y[i];
                }
                sw += wi;
            }
            (sx, sy, sw)
        },
        |a, b| (a.0 + b.0, a.1 + b.1, a.2 + b.2),
    )
    .unwrap_or((Array1::zeros(p), 0.0, 0.0));
    (sx / sw, sy / sw, sw)
}

/// Weighted column standard deviations around `mean` (population form, `Σw` in the denominator).
pub fn weighted_std(x: ArrayView2<'_, f64>, w: Option<ArrayView1<'_, f64>>, mean: &Array1<f64>, sw: f64) -> Array1<f64> {
    let p = x.ncols();
    let ss = par_reduce(
        x.nrows(),
        |r| {
            let mut ss = Array1::<f64>::zeros(p);
            for i in r {
                let wi = w.map_or(1.0, |w| w[i]);
                for (j, (&v, &m)) in x.row(i).iter().zip(mean.iter()).enumerate() {
                    ss[j] += wi * (v - m) * (v - m);
                }
            }
            ss
        },
        |a, b| a + b,
    )
    .unwrap_or_else(|| Array1::zeros(p));
    (ss / sw).mapv(f64::sqrt)
}

/// `(Zᵀ W Z, Zᵀ W (y − y_offset))` for `Z = (X − 1 x_offsetᵀ) / scale` (column-wise).
///
/// `scale` may be `None` (no scaling); `y` may be `None` (only the Gram matrix).
pub fn centred_gram(
    x: ArrayView2<'_, f64>,
    y: Option<ArrayView1<'_, f64>>,
    w: Option<ArrayView1<'_, f64>>,
    x_offset: &Array1<f64>,
    y_offset: f64,
    scale: Option<&Array1<f64>>,
) -> (Array2<f64>, Array1<f64>) {
    let p = x.ncols();
    let inv_scale: Array1<f64> = scale.map_or_else(|| Array1::ones(p), |s| s.mapv(|v| if v > 0.0 { 1.0 / v } else { 1.0 }));
    par_reduce(
        x.nrows(),
        |r| {
            let mut g = Array2::<f64>::zeros((p, p));
            let mut b = Array1::<f64>::zeros(p);
            let mut buf = Array2::<f64>::zeros((CHUNK, p));
            let mut yb = Array1::<f64>::zeros(CHUNK);
            let mut start = r.start;
            while start < r.end {
                let end = (start + CHUNK).min(r.end);
                let m = end - start;
                for (k, i) in (start..end).enumerate() {
                    let sw = w.map_or(1.0, |w| w[i].sqrt());
                    let mut row = buf.row_mut(k);
                    for (j, (dst, &v)) in row.iter_mut().zip(x.row(i).iter()).enumerate() {
                        *dst = sw * (v - x_offset[j]) * inv_scale[j];
                    }
                    if let Some(y) = y {
                        yb[k] = sw * (y[i] - y_offset);
                    }
                }
                let chunk = buf.slice(s![..m, ..]);
                general_mat_mul(1.0, &chunk.t(), &chunk, 1.0, &mut g);
                if y.is_some() {
                    b += &chunk.t().dot(&yb.slice(s![..m]));
                }
                start = end;
            }
            (g, b)
        },
        |a, b| (a.0 + b.0, a.1 + b.1),
    )
    .unwrap_or_else(|| (Array2::zeros((p, p)), Array1::zeros(p)))
}

/// `X β + intercept`, row-parallel.
pub fn matvec(x: ArrayView2<'_, f64>, beta: ArrayView1<'_, f64>, intercept: f64) -> Array1<f64> {
    let mut out = Array1::<f64>::zeros(x.nrows());
    out.axis_chunks_iter_mut(Axis(0), BLOCK).into_par_iter().enumerate().for_each(|(b, mut o)| {
        let start = b * BLOCK;
        let rows = x.slice(s![start..start + o.len(), ..]);
        o.assign(&rows.dot(&beta));
        o += intercept;
    });
    out
}

/// `X B + 1 interceptᵀ` for a coefficient matrix `B` (p × k), row-parallel.
pub fn matmat(x: ArrayView2<'_, f64>, b: ArrayView2<'_, f64>, intercept: ArrayView1<'_, f64>) -> Array2<f64> {
    let mut out = Array2::<f64>::zeros((x.nrows(), b.ncols()));
    out.axis_chunks_iter_mut(Axis(0), BLOCK).into_par_iter().enumerate().for_each(|(blk, mut o)| {
        let start = blk * BLOCK;
        let rows = x.slice(s![start..start + o.nrows(), ..]);
        general_mat_mul(1.0, &rows, &b, 0.0, &mut o);
        o += &intercept;
    });
    out
}

/// Residual products of a fitted linear predictor `r = y − X β − b`:
/// `(Xᵀ W r, Σ w r, Σ w r²)`.
pub fn residual_products(
    x: ArrayView2<'_, f64>,
    y: ArrayView1<'_, f64>,
    w: Option<ArrayView1<'_, f64>>,
    beta: ArrayView1<'_, f64>,
    intercept: f64,
) -> (Array1<f64>, f64, f64) {
    let p = x.ncols();
    let beta = beta.as_standard_layout();
    let bs = beta.as_slice().expect("standard layout");
    par_reduce(
        x.nrows(),
        |r| {
            let mut g = vec![0.0; p];
            let (mut swr, mut ssr) = (0.0, 0.0);
            for i in r {
                let row = x.row(i);
                let row = row.as_slice();
                let fitted = match row {
                    Some(rs) => dot(rs, bs),
                    None => x.row(i).dot(&beta),
                } + intercept;
                let wi = w.map_or(1.0, |w| w[i]);
                let res = y[i] - fitted;
                let wr = wi * res;
                swr += wr;
                ssr += wr * res;
                match row {
                    Some(rs) => axpy(wr, rs, &mut g),
                    None => {
                        for (gj, &v) in g.iter_mut().zip(x.row(i).iter()) {
                            *gj += wr * v;
                        }
                    }
                }
            }
            (Array1::from(g), swr, ssr)
        },
        |a, b| (a.0 + b.0, a.1 + b.1, a.2 + b.2),
    )
    .unwrap_or_else(|| (Array1::zeros(p), 0.0, 0.0))
}

/// Dot product with four accumulators (vectorises well).
#[inline]
pub fn dot(a: &[f64], b: &[f64]) -> f64 {
    let n = a.len().min(b.len());
    let (a, b) = (&a[..n], &b[..n]);
    let mut acc = [0.0f64; 4];
    let mut ca = a.chunks_exact(4);
    let mut cb = b.chunks_exact(4);
    for (x, y) in (&mut ca).zip(&mut cb) {
        acc[0] += x[0] * y[0];
        acc[1] += x[1] * y[1];
        acc[2] += x[2] * y[2];
        acc[3] += x[3] * y[3];
    }
    let mut s = (acc[0] + acc[1]) + (acc[2] + acc[3]);
    for (x, y) in ca.remainder().iter().zip(cb.remainder()) {
        s += x * y;
    }
    s
}

/// `y += alpha x`.
#[inline]
pub fn axpy(alpha: f64, x: &[f64], y: &mut [f64]) {
    for (yi, xi) in y.iter_mut().zip(x) {
        *yi += alpha * xi;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn gram_matches_direct_product() {
        let n = 2 * BLOCK + 77;
        let x = Array2::from_shape_fn((n, 3), |(i, j)| ((i * 7 + j * 13) % 17) as f64 - 3.0 + j as f64);
        let y = Array1::from_shape_fn(n, |i| (i % 5) as f64);
        let w = Array1::from_shape_fn(n, |i| 0.5 + (i % 3) as f64);
        let (mx, my, sw) = weighted_means(x.view(), Some(y.view()), Some(w.view()));
        assert!((sw - w.sum()).abs() < 1e-9);
        let xc = &x - &mx.view().insert_axis(Axis(0));
        let yc = &y - my;
        let xw = &xc * &w.view().insert_axis(Axis(1));
        let (g, b) = centred_gram(x.view(), Some(y.view()), Some(w.view()), &mx, my, None);
        let g_direct = xc.t().dot(&xw);
        let b_direct = xw.t().dot(&yc);
        for (a, e) in g.iter().zip(g_direct.iter()) {
            assert!((a - e).abs() < 1e-8 * e.abs().max(1.0));
        }
        for (a, e) in b.iter().zip(b_direct.iter()) {
            assert!((a - e).abs() < 1e-8 * e.abs().max(1.0));
        }
        let v = matvec(x.view(), array![1.0, -1.0, 2.0].view(), 0.5);
        assert_eq!(v[5], x[[5, 0]] - x[[5, 1]] + 2.0 * x[[5, 2]] + 0.5);
    }
}
