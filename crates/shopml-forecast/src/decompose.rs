//! Classical seasonal decomposition and the small regressions that start
//! the ETS and Theta fits, shared by several models.

use ndarray::{Array1, Array2};

/// Least squares of `y` on the given columns through [`shopml_core::linalg::lstsq`];
/// `None` when the columns are linearly dependent (the regression has no
/// unique answer, and callers fall back or report it).
pub(crate) fn ols(cols: &[Vec<f64>], y: &[f64]) -> Option<Vec<f64>> {
    let (n, p) = (y.len(), cols.len());
    if p == 0 || cols.iter().any(|c| c.len() != n) {
        return None;
    }
    let a = Array2::from_shape_fn((n, p), |(i, j)| cols[j][i]);
    let fit = shopml_core::linalg::lstsq(a.view(), Array1::from(y.to_vec()).view()).ok()?;
    if fit.rank < p || fit.solution.iter().any(|v| !v.is_finite()) {
        return None;
    }
    Some(fit.solution.to_vec())
}

/// Classical decomposition seasonal component (centred moving average, period
/// means of the detrended series, normalised), as `seasonal_decompose` does.
pub(crate) fn classical_seasonal(y: &[f64], m: usize, multiplicative: bool) -> Vec<f64> {
    let n = y.len();
    let mut trend = vec![f64::NAN; n];
    if m.is_multiple_of(2) {
        let half = m / 2;
        for t in half..n.saturating_sub(half) {
            let mut s = 0.5 * (y[t - half] + y[t + half]);
            for k in (t + 1 - half)..(t + half) {
                s += y[k];
            }
            trend[t] = s / m as f64;
        }
    } else {
        let half = m / 2;
        for t in half..n.saturating_sub(half) {
            trend[t] = y[t - half..=t + half].iter().sum::<f64>() / m as f64;
        }
    }
    let mut avg = vec![0.0; m];
    for (i, a) in avg.iter_mut().enumerate() {
        let (mut s, mut c) = (0.0, 0usize);
        let mut t = i;
        while t < n {
            if trend[t].is_finite() {
                s += if multiplicative { y[t] / trend[t] } else { y[t] - trend[t] };
                c += 1;
            }
            t += m;
        }
        *a = if c > 0 {
            s / c as f64
        } else if multiplicative {
            1.0
        } else {
            0.0
        };
    }
    let mean = avg.iter().sum::<f64>() / m as f64;
    for a in avg.iter_mut() {
        if multiplicative {
            *a /= mean;
        } else {
            *a -= mean;
        }
    }
    (0..n).map(|t| avg[t % m]).collect()
}
