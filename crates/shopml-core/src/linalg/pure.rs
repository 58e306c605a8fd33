//! Pure-Rust implementations of the linear-algebra seam (always available).
//!
//! Methods follow Golub & Van Loan, *Matrix Computations* (4th ed.):
//! Cholesky (§4.2), Householder QR with column pivoting (§5.4.2), the cyclic
//! Jacobi eigenvalue method (§8.5) and the one-sided Jacobi SVD of Hestenes
//! (§8.6.3). Jacobi methods are slower than LAPACK's divide-and-conquer for
//! large matrices but are simple and accurate to working precision, which is
//! what the small systems inside shopml's models (normal equations, factor
//! updates, covariance matrices) need.

use ndarray::{Array1, Array2, ArrayView1, ArrayView2, Axis, s};

use super::{Cholesky, Eigh, LeastSquares, Svd, canonical_signs, check_rect, check_square};
use crate::error::{Error, Result};
use crate::validate;

/// Cholesky factorisation reading the lower triangle of `a`.
pub fn cholesky(a: ArrayView2<'_, f64>) -> Result<Cholesky> {
    check_square("cholesky input", a)?;
    let n = a.nrows();
    let mut l = Array2::<f64>::zeros((n, n));
    for j in 0..n {
        let lj = l.row(j);
        let lj = lj.as_slice().expect("owned array is contiguous");
        let mut d = a[[j, j]];
        for &v in &lj[..j] {
            d -= v * v;
        }
        if !(d > 0.0 && d.is_finite()) {
            return Err(Error::NotPositiveDefinite { what: "cholesky input".into(), pivot: j });
        }
        let d = d.sqrt();
        let lj_copy: Vec<f64> = lj[..j].to_vec();
        l[[j, j]] = d;
        for i in j + 1..n {
            let li = l.row(i);
            let li = li.as_slice().expect("contiguous");
            let mut s = a[[i, j]];
            for k in 0..j {
                s -= li[k] * lj_copy[k];
            }
            l[[i, j]] = s / d;
        }
    }
    Ok(Cholesky::from_lower(l))
}

/// Householder QR of `A` (m × n) stored transposed: `at` is n × m, row `j`
/// holding column `j` of `A`. On return row `j` holds `R[0..=j, j]` in its
/// first entries and the Householder vectors are returned separately.
struct PivotedQr {
    /// n × m working copy; after factorisation `r[i][j] = at[j][i]` for i ≤ j.
    at: Array2<f64>,
    /// Householder vectors `v_k` (length m − k) and their `2/‖v‖²`.
    reflectors: Vec<(Vec<f64>, f64)>,
    /// Column permutation: position k holds original column `perm[k]`.
    perm: Vec<usize>,
    /// Number of reflectors applied (= min(m, n) unless a zero column stopped it).
    steps: usize,
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    // Four accumulators let the compiler vectorise and shorten the dependency chain.
    let mut acc = [0.0f64; 4];
    let chunks = a.len() / 4;
    for c in 0..chunks {
        let i = 4 * c;
        acc[0] += a[i] * b[i];
        acc[1] += a[i + 1] * b[i + 1];
        acc[2] += a[i + 2] * b[i + 2];
        acc[3] += a[i + 3] * b[i + 3];
    }
    let mut s = (acc[0] + acc[1]) + (acc[2] + acc[3]);
    for i in 4 * chunks..a.len() {
        s += a[i] * b[i];
    }
    s
}

fn axpy(alpha: f64, x: &[f64], y: &mut [f64]) {
    for (yi, xi) in y.iter_mut().zip(x) {
        *yi += alpha * xi;
    }
}

fn pivoted_qr(a: ArrayView2<'_, f64>, pivot: bool) -> PivotedQr {
    let (m, n) = a.dim();
    let mut at = a.t().as_standard_layout().into_owned();
    let mut perm: Vec<usize> = (0..n).collect();
    let mut norms: Vec<f64> = (0..n).map(|j| dot(at.row(j).as_slice().unwrap(), at.row(j).as_slice().unwrap())).collect();
    let mut norms_ref = norms.clone();
    let kmax = m.min(n);
    let mut reflectors = Vec::with_capacity(kmax);
    let mut steps = 0;
    for k in 0..kmax {
        if pivot {
            let p = (k..n).max_by(|&i, &j| norms[i].total_cmp(&norms[j]).then(j.cmp(&i))).expect("k < n");
            if p != k {
                for c in 0..m {
                    at.swap([k, c], [p, c]);
                }
                perm.swap(k, p);
                norms.swap(k, p);
                norms_ref.swap(k, p);
            }
        }
        let x: Vec<f64> = at.slice(s![k, k..]).to_vec();
        let xnorm = dot(&x, &x).sqrt();
        if xnorm == 0.0 {
            break;
        }
        let alpha = if x[0] > 0.0 { -xnorm } else { xnorm };
        let mut v = x;
        v[0] -= alpha;
        let vnorm2 = dot(&v, &v);
        let tau = if vnorm2 > 0.0 { 2.0 / vnorm2 } else { 0.0 };
        {
            let mut row = at.row_mut(k);
            let row = row.as_slice_mut().expect("contiguous");
            row[k] = alpha;
            for e in &mut row[k + 1..] {
                *e = 0.0;
            }
        }
        for j in k + 1..n {
            let mut row = at.row_mut(j);
            let row = row.as_slice_mut().expect("contiguous");
            let sj = tau * dot(&v, &row[k..]);
            axpy(-sj, &v, &mut row[k..]);
            // Downdate the remaining column norm; recompute when cancellation bites.
            norms[j] -= row[k] * row[k];
            if norms[j] <= 1e-8 * norms_ref[j] {
                norms[j] = dot(&row[k + 1..], &row[k + 1..]);
                norms_ref[j] = norms[j];
            }
        }
        reflectors.push((v, tau));
        steps = k + 1;
    }
    PivotedQr { at, reflectors, perm, steps }
}

/// Least squares by Householder QR with column pivoting.
///
/// The numerical rank is decided on the singular values of `R` (which are
/// those of `A`) with the documented tolerance of [`super::rank_tolerance`],
/// `σ_max · max(m, n) · ε`, the same rule and the same numbers as the LAPACK
/// path: when it is below `n` the minimum-norm solution comes from the SVD,
/// as LAPACK's `?gelsd` would give it. The decision therefore does not hang
/// on the last-bit rounding of one diagonal entry of `R`.
pub fn lstsq(a: ArrayView2<'_, f64>, b: ArrayView1<'_, f64>) -> Result<LeastSquares> {
    check_rect("least-squares matrix", a)?;
    let (m, n) = a.dim();
    if b.len() != m {
        return Err(Error::shape("least-squares right-hand side", m, b.len()));
    }
    validate::finite_vector("least-squares right-hand side", b)?;
    let qr = pivoted_qr(a, true);
    if qr.steps < n {
        return min_norm_by_svd(a, b);
    }
    // Singular values of R (n × n, upper triangular): cheap next to the QR itself.
    let mut r = Array2::<f64>::zeros((n, n));
    for j in 0..n {
        for i in 0..=j {
            r[[i, j]] = qr.at[[j, i]];
        }
    }
    let sv = svd(r.view())?.s;
    let tol = super::rank_tolerance(m, n, sv.first().copied().unwrap_or(0.0));
    let rank = sv.iter().filter(|&&v| v > tol).count();
    if rank < n {
        return min_norm_by_svd(a, b);
    }
    // Apply Qᵀ to b, then back-substitute R x = (Qᵀ b)[..n].
    let mut y = b.to_vec();
    for (k, (v, tau)) in qr.reflectors.iter().enumerate() {
        let sk = tau * dot(v, &y[k..]);
        axpy(-sk, v, &mut y[k..]);
    }
    let mut z = vec![0.0; n];
    for i in (0..n).rev() {
        let mut s = y[i];
        for j in i + 1..n {
            s -= qr.at[[j, i]] * z[j];
        }
        z[i] = s / qr.at[[i, i]];
    }
    let mut solution = Array1::zeros(n);
    for (k, &p) in qr.perm.iter().enumerate() {
        solution[p] = z[k];
    }
    Ok(LeastSquares { solution, rank })
}

fn min_norm_by_svd(a: ArrayView2<'_, f64>, b: ArrayView1<'_, f64>) -> Result<LeastSquares> {
    Ok(super::min_norm_from_svd(&svd(a)?, a.dim(), b))
}

/// Symmetric eigen-decomposition by cyclic Jacobi rotations (lower triangle read).
pub fn eigh(a: ArrayView2<'_, f64>) -> Result<Eigh> {
    check_square("eigh input", a)?;
    let n = a.nrows();
    let mut w = Array2::<f64>::zeros((n, n));
    for i in 0..n {
        for j in 0..=i {
            w[[i, j]] = a[[i, j]];
            w[[j, i]] = a[[i, j]];
        }
    }
    let mut v = Array2::<f64>::eye(n);
    let frob2: f64 = w.iter().map(|x| x * x).sum();
    let mut converged = n == 1 || frob2 == 0.0;
    let mut last_off = 0.0;
    for _sweep in 0..100 {
        if converged {
            break;
        }
        let mut off = 0.0;
        for p in 0..n {
            for q in p + 1..n {
                off += w[[p, q]] * w[[p, q]];
            }
        }
        last_off = off;
        if off <= 1e-32 * frob2 {
            converged = true;
            break;
        }
        for p in 0..n - 1 {
            for q in p + 1..n {
                let apq = w[[p, q]];
                if apq == 0.0 {
                    continue;
                }
                let theta = (w[[q, q]] - w[[p, p]]) / (2.0 * apq);
                let t = theta.signum() / (theta.abs() + (theta * theta + 1.0).sqrt());
                let c = 1.0 / (t * t + 1.0).sqrt();
                let sn = t * c;
                for k in 0..n {
                    let (akp, akq) = (w[[k, p]], w[[k, q]]);
                    w[[k, p]] = c * akp - sn * akq;
                    w[[k, q]] = sn * akp + c * akq;
                }
                for k in 0..n {
                    let (apk, aqk) = (w[[p, k]], w[[q, k]]);
                    w[[p, k]] = c * apk - sn * aqk;
                    w[[q, k]] = sn * apk + c * aqk;
                }
                for k in 0..n {
                    let (vkp, vkq) = (v[[k, p]], v[[k, q]]);
                    v[[k, p]] = c * vkp - sn * vkq;
                    v[[k, q]] = sn * vkp + c * vkq;
                }
            }
        }
    }
    if !converged {
        return Err(Error::NotConverged { what: "Jacobi eigenvalue sweeps".into(), iterations: 100, last_change: last_off.sqrt() });
    }
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&i, &j| w[[i, i]].total_cmp(&w[[j, j]]));
    let values = Array1::from_iter(order.iter().map(|&i| w[[i, i]]));
    let mut vectors = v.select(Axis(1), &order);
    canonical_signs(&mut vectors, None);
    Ok(Eigh { values, vectors })
}

/// Thin SVD by one-sided Jacobi rotations on the columns of `A`.
pub fn svd(a: ArrayView2<'_, f64>) -> Result<Svd> {
    check_rect("svd input", a)?;
    let (m, n) = a.dim();
    if m < n {
        let t = svd(a.t())?;
        let mut u = t.vt.t().to_owned();
        let mut vt = t.u.t().to_owned();
        fix_svd_signs(&mut u, &mut vt);
        return Ok(Svd { u, s: t.s, vt });
    }
    // g: n × m, row j = column j of A; v: n × n, row j = column j of V.
    let mut g = a.t().as_standard_layout().into_owned();
    let mut v = Array2::<f64>::eye(n);
    let mut converged = n == 1;
    let mut last = 0.0;
    for _sweep in 0..80 {
        if converged {
            break;
        }
        let mut rotated = false;
        last = 0.0;
        for p in 0..n - 1 {
            for q in p + 1..n {
                let (alpha, beta, gamma) = {
                    let gp = g.row(p);
                    let gq = g.row(q);
                    let (gp, gq) = (gp.as_slice().unwrap(), gq.as_slice().unwrap());
                    (dot(gp, gp), dot(gq, gq), dot(gp, gq))
                };
                if gamma == 0.0 || gamma.abs() <= 1e-15 * (alpha * beta).sqrt() {
                    continue;
                }
                last = f64::max(last, gamma.abs() / (alpha * beta).sqrt());
                rotated = true;
                let zeta = (beta - alpha) / (2.0 * gamma);
                let t = zeta.signum() / (zeta.abs() + (1.0 + zeta * zeta).sqrt());
                let t = if zeta == 0.0 { 1.0 } else { t };
                let c = 1.0 / (1.0 + t * t).sqrt();
                let sn = c * t;
                rotate_rows(&mut g, p, q, c, sn);
                rotate_rows(&mut v, p, q, c, sn);
            }
        }
        if !rotated {
            converged = true;
        }
    }
    if !converged {
        return Err(Error::NotConverged { what: "one-sided Jacobi SVD".into(), iterations: 80, last_change: last });
    }
    let sv: Vec<f64> = (0..n).map(|j| dot(g.row(j).as_slice().unwrap(), g.row(j).as_slice().unwrap()).sqrt()).collect();
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&i, &j| sv[j].total_cmp(&sv[i]).then(i.cmp(&j)));
    let smax = sv[order[0]];
    let tiny = (m as f64) * f64::EPSILON * smax;
    let mut u = Array2::<f64>::zeros((m, n));
    let mut vt = Array2::<f64>::zeros((n, n));
    let mut s = Array1::<f64>::zeros(n);
    let mut missing = Vec::new();
    for (k, &j) in order.iter().enumerate() {
        s[k] = sv[j];
        vt.row_mut(k).assign(&v.row(j));
        if sv[j] > tiny && sv[j] > 0.0 {
            u.column_mut(k).assign(&(&g.row(j) / sv[j]));
        } else {
            s[k] = if sv[j] <= tiny { sv[j] } else { 0.0 };
            missing.push(k);
        }
    }
    complete_orthonormal(&mut u, &missing);
    fix_svd_signs(&mut u, &mut vt);
    Ok(Svd { u, s, vt })
}

fn rotate_rows(x: &mut Array2<f64>, p: usize, q: usize, c: f64, s: f64) {
    let (mut rp, mut rq) = x.multi_slice_mut((s![p, ..], s![q, ..]));
    for (a, b) in rp.iter_mut().zip(rq.iter_mut()) {
        let (xa, xb) = (*a, *b);
        *a = c * xa - s * xb;
        *b = s * xa + c * xb;
    }
}

/// Fills the listed columns of `u` with unit vectors orthogonal to all others
/// (Gram–Schmidt against the standard basis), for zero singular values.
fn complete_orthonormal(u: &mut Array2<f64>, missing: &[usize]) {
    let m = u.nrows();
    for &k in missing {
        for e in 0..m {
            let mut cand = Array1::<f64>::zeros(m);
            cand[e] = 1.0;
            for _ in 0..2 {
                for j in 0..u.ncols() {
                    if j == k || (missing.contains(&j) && u.column(j).iter().all(|&x| x == 0.0)) {
                        continue;
                    }
                    let proj = u.column(j).dot(&cand);
                    cand.scaled_add(-proj, &u.column(j));
                }
            }
            let norm = cand.dot(&cand).sqrt();
            if norm > 0.5 {
                u.column_mut(k).assign(&(cand / norm));
                break;
            }
        }
    }
}

/// Makes each right singular vector's largest entry positive (flipping the
/// matching left vector), so the decomposition is unique for distinct σ.
pub(crate) fn fix_svd_signs(u: &mut Array2<f64>, vt: &mut Array2<f64>) {
    let mut v = vt.t().to_owned();
    let mut ut = u.t().to_owned();
    canonical_signs(&mut v, Some(&mut ut));
    *vt = v.t().to_owned();
    *u = ut.t().to_owned();
}
