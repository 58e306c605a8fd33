//! A bounded Nelder–Mead simplex minimiser (Nelder & Mead 1965) with the
//! dimension-adaptive coefficients of Gao & Han (2012, Computational
//! Optimization and Applications 51), used for the likelihood fits.
//!
//! Points are clamped to the box `[lower, upper]`; the objective may return
//! `+∞` for inadmissible points. It stops when the standard deviation of the
//! simplex values falls below `tol` or after `max_iter` iterations.

/// Result of a minimisation.
#[derive(Debug, Clone)]
pub(crate) struct Minimum {
    pub x: Vec<f64>,
    #[allow(dead_code)]
    pub value: f64,
}

/// Minimises `f` from `x0` with per-coordinate initial steps `step`.
pub(crate) fn nelder_mead(
    mut objective: impl FnMut(&[f64]) -> f64,
    x0: &[f64],
    step: &[f64],
    lower: &[f64],
    upper: &[f64],
    tol: f64,
    max_iter: usize,
) -> Minimum {
    let n = x0.len();
    let evals = std::cell::Cell::new(0usize);
    let mut f = |x: &[f64]| {
        evals.set(evals.get() + 1);
        objective(x)
    };
    let clamp = |x: &mut [f64]| {
        for i in 0..n {
            x[i] = x[i].clamp(lower[i], upper[i]);
        }
    };
    if n == 0 {
        let v = f(x0);
        return Minimum { x: Vec::new(), value: v };
    }
    let nf = n as f64;
    let (ra, ex, co, sh) = (1.0, 1.0 + 2.0 / nf, 0.75 - 0.5 / nf, 1.0 - 1.0 / nf);
    // Simplex stored row-major: (n + 1) points of n coordinates.
    let mut pts = vec![0.0; (n + 1) * n];
    let mut vals = vec![0.0; n + 1];
    pts[..n].copy_from_slice(x0);
    clamp(&mut pts[..n]);
    for i in 0..n {
        let row = &mut pts[(i + 1) * n..(i + 2) * n];
        row.copy_from_slice(x0);
        let mut v = x0[i] + step[i];
        if v > upper[i] {
            v = x0[i] - step[i];
        }
        row[i] = v;
        clamp(row);
    }
    for i in 0..=n {
        vals[i] = f(&pts[i * n..(i + 1) * n]);
    }
    let mut order: Vec<usize> = (0..=n).collect();
    let mut centroid = vec![0.0; n];
    let mut xr = vec![0.0; n];
    let mut xe = vec![0.0; n];
    let mut xc = vec![0.0; n];
    loop {
        if evals.get() >= max_iter {
            break;
        }
        order.sort_by(|&a, &b| vals[a].total_cmp(&vals[b]));
        let best = order[0];
        let worst = order[n];
        let second = order[n - 1];
        // Convergence: spread of the finite values.
        let mean = vals.iter().sum::<f64>() / (nf + 1.0);
        if mean.is_finite() {
            let var = vals.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / (nf + 1.0);
            if var.sqrt() < tol {
                break;
            }
        }
        centroid.iter_mut().for_each(|c| *c = 0.0);
        for &k in &order[..n] {
            for (c, p) in centroid.iter_mut().zip(&pts[k * n..(k + 1) * n]) {
                *c += p;
            }
        }
        centroid.iter_mut().for_each(|c| *c /= nf);
        let xw: Vec<f64> = pts[worst * n..(worst + 1) * n].to_vec();
        for i in 0..n {
            xr[i] = centroid[i] + ra * (centroid[i] - xw[i]);
        }
        clamp(&mut xr);
        let fr = f(&xr);
        if fr < vals[best] {
            for i in 0..n {
                xe[i] = centroid[i] + ex * (xr[i] - centroid[i]);
            }
            clamp(&mut xe);
            let fe = f(&xe);
            if fe < fr {
                pts[worst * n..(worst + 1) * n].copy_from_slice(&xe);
                vals[worst] = fe;
            } else {
                pts[worst * n..(worst + 1) * n].copy_from_slice(&xr);
                vals[worst] = fr;
            }
            continue;
        }
        if fr < vals[second] {
            pts[worst * n..(worst + 1) * n].copy_from_slice(&xr);
            vals[worst] = fr;
            continue;
        }
        // Contraction (outside if the reflection improved on the worst).
        let outside = fr < vals[worst];
        for i in 0..n {
            xc[i] = if outside { centroid[i] + co * (xr[i] - centroid[i]) } else { centroid[i] - co * (centroid[i] - xw[i]) };
        }
        clamp(&mut xc);
        let fc = f(&xc);
        if (outside && fc <= fr) || (!outside && fc < vals[worst]) {
            pts[worst * n..(worst + 1) * n].copy_from_slice(&xc);
            vals[worst] = fc;
            continue;
        }
        // Shrink towards the best point.
        let xb: Vec<f64> = pts[best * n..(best + 1) * n].to_vec();
        for k in 0..=n {
            if k == best {
                continue;
            }
            let row = &mut pts[k * n..(k + 1) * n];
            for i in 0..n {
                row[i] = xb[i] + sh * (row[i] - xb[i]);
            }
            clamp(row);
            vals[k] = f(&pts[k * n..(k + 1) * n]);
        }
    }
    let best = (0..=n).min_by(|&a, &b| vals[a].total_cmp(&vals[b])).unwrap_or(0);
    Minimum { x: pts[best * n..(best + 1) * n].to_vec(), value: vals[best] }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_rosenbrock_minimum() {
        let f = |x: &[f64]| (1.0 - x[0]).powi(2) + 100.0 * (x[1] - x[0] * x[0]).powi(2);
        let m = nelder_mead(f, &[-1.2, 1.0], &[0.1, 0.1], &[-5.0, -5.0], &[5.0, 5.0], 1e-14, 5000);
        assert!((m.x[0] - 1.0).abs() < 1e-4 && (m.x[1] - 1.0).abs() < 1e-4, "{:?}", m.x);
    }

    #[test]
    fn respects_bounds() {
        // Unconstrained minimum at (3, -3); the box caps it at (1, -1).
        let f = |x: &[f64]| (x[0] - 3.0).powi(2) + (x[1] + 3.0).powi(2);
        let m = nelder_mead(f, &[0.0, 0.0], &[0.5, 0.5], &[-1.0, -1.0], &[1.0, 1.0], 1e-14, 2000);
        assert!((m.x[0] - 1.0).abs() < 1e-6 && (m.x[1] + 1.0).abs() < 1e-6, "{:?}", m.x);
    }
}
