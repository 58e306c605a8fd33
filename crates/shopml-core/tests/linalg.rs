//! The linear-algebra seam against closed forms and properties, and — with
//! the `lapack` feature — the pure-Rust path against LAPACK to 1e-10.

use ndarray::{Array1, Array2, array};
use rand::{Rng, SeedableRng, rngs::StdRng};
use shopml_core::{Error, linalg};

fn random(n: usize, m: usize, seed: u64) -> Array2<f64> {
    let mut rng = StdRng::seed_from_u64(seed);
    Array2::from_shape_fn((n, m), |_| rng.random_range(-1.0..1.0))
}

fn spd(n: usize, seed: u64) -> Array2<f64> {
    let a = random(n, n, seed);
    a.t().dot(&a) + Array2::<f64>::eye(n) * (n as f64) * 0.1
}

fn max_abs(a: &Array2<f64>) -> f64 {
    a.iter().fold(0.0f64, |m, v| m.max(v.abs()))
}

#[test]
fn cholesky_of_a_known_matrix() {
    // A = L Lᵀ with L = [[2,0,0],[1,3,0],[-1,2,4]] (hand-picked).
    let l = array![[2.0, 0.0, 0.0], [1.0, 3.0, 0.0], [-1.0, 2.0, 4.0]];
    let a = l.dot(&l.t());
    let c = linalg::pure::cholesky(a.view()).unwrap();
    assert!(max_abs(&(c.lower() - &l)) < 1e-14);
    assert!((c.log_det() - 2.0 * (24f64).ln()).abs() < 1e-13);
    let inv = c.inverse();
    assert!(max_abs(&(a.dot(&inv) - Array2::<f64>::eye(3))) < 1e-13);
}

#[test]
fn cholesky_rejects_indefinite_and_bad_input() {
    let a = array![[1.0, 2.0], [2.0, 1.0]]; // eigenvalues 3 and −1
    assert!(matches!(linalg::cholesky(a.view()), Err(Error::NotPositiveDefinite { pivot: 1, .. })));
    let nan = array![[1.0, f64::NAN], [0.0, 1.0]];
    assert!(matches!(linalg::cholesky(nan.view()), Err(Error::NonFinite { row: 0, column: Some(1), .. })));
    let rect = Array2::<f64>::zeros((2, 3));
    assert!(matches!(linalg::cholesky(rect.view()), Err(Error::ShapeMismatch { .. })));
    assert!(matches!(linalg::cholesky(Array2::<f64>::zeros((0, 0)).view()), Err(Error::EmptyInput { .. })));
}

#[test]
fn lstsq_recovers_exact_coefficients_and_normal_equations_hold() {
    let x = random(50, 6, 1);
    let beta = array![1.0, -2.0, 0.5, 3.0, 0.0, -1.5];
    let y = x.dot(&beta);
    let sol = linalg::pure::lstsq(x.view(), y.view()).unwrap();
    assert_eq!(sol.rank, 6);
    assert!((&sol.solution - &beta).iter().all(|e| e.abs() < 1e-12));
    // With noise: residual orthogonal to the columns (normal equations).
    let noise = random(50, 1, 2).column(0).to_owned();
    let y2 = &y + &noise;
    let sol2 = linalg::pure::lstsq(x.view(), y2.view()).unwrap();
    let resid = &y2 - &x.dot(&sol2.solution);
    assert!(x.t().dot(&resid).iter().all(|e| e.abs() < 1e-12));
}

#[test]
fn lstsq_rank_deficient_gives_minimum_norm_solution() {
    // Column 2 duplicates column 0: solutions form a line; the minimum-norm one
    // splits the weight equally (closed form).
    let x0 = random(30, 2, 3);
    let x = ndarray::concatenate![ndarray::Axis(1), x0, x0.column(0).insert_axis(ndarray::Axis(1))];
    let y = &x0.column(0) * 2.0 + &x0.column(1) * 1.0;
    let sol = linalg::pure::lstsq(x.view(), y.view()).unwrap();
    assert_eq!(sol.rank, 2);
    assert!((sol.solution[0] - 1.0).abs() < 1e-10 && (sol.solution[2] - 1.0).abs() < 1e-10);
    assert!((sol.solution[1] - 1.0).abs() < 1e-10);
    // Underdetermined: min-norm solution of one equation x₀ + x₁ = 2 is (1, 1).
    let a = array![[1.0, 1.0]];
    let s = linalg::pure::lstsq(a.view(), array![2.0].view()).unwrap();
    assert!((&s.solution - &array![1.0, 1.0]).iter().all(|e| e.abs() < 1e-12));
}

#[test]
fn eigh_of_a_known_matrix_and_reconstruction() {
    // [[2,1],[1,2]] has eigenvalues 1 and 3 with vectors (1,−1)/√2 and (1,1)/√2.
    let e = linalg::pure::eigh(array![[2.0, 1.0], [1.0, 2.0]].view()).unwrap();
    assert!((e.values[0] - 1.0).abs() < 1e-14 && (e.values[1] - 3.0).abs() < 1e-14);
    let r = std::f64::consts::FRAC_1_SQRT_2;
    assert!((e.vectors[[0, 1]] - r).abs() < 1e-14 && (e.vectors[[1, 1]] - r).abs() < 1e-14);
    let a = spd(12, 4);
    let e = linalg::pure::eigh(a.view()).unwrap();
    let recon = e.vectors.dot(&Array2::from_diag(&e.values)).dot(&e.vectors.t());
    assert!(max_abs(&(recon - &a)) < 1e-11);
    assert!(max_abs(&(e.vectors.t().dot(&e.vectors) - Array2::<f64>::eye(12))) < 1e-12);
    assert!(e.values.windows(2).into_iter().all(|w| w[0] <= w[1]));
}

#[test]
fn svd_reconstructs_tall_and_wide_and_handles_rank_deficiency() {
    for (m, n, seed) in [(20, 5, 5), (5, 20, 6), (7, 7, 7)] {
        let a = random(m, n, seed);
        let d = linalg::pure::svd(a.view()).unwrap();
        let r = m.min(n);
        assert_eq!((d.u.dim(), d.s.len(), d.vt.dim()), ((m, r), r, (r, n)));
        let recon = d.u.dot(&Array2::from_diag(&d.s)).dot(&d.vt);
        assert!(max_abs(&(recon - &a)) < 1e-12, "reconstruction {m}×{n}");
        assert!(max_abs(&(d.u.t().dot(&d.u) - Array2::<f64>::eye(r))) < 1e-12);
        assert!(d.s.windows(2).into_iter().all(|w| w[0] >= w[1]));
    }
    // Rank one: [1,2;2,4] = σ u vᵀ with σ = 5.
    let d = linalg::pure::svd(array![[1.0, 2.0], [2.0, 4.0]].view()).unwrap();
    assert!((d.s[0] - 5.0).abs() < 1e-13 && d.s[1].abs() < 1e-13);
    assert!(max_abs(&(d.u.t().dot(&d.u) - Array2::<f64>::eye(2))) < 1e-12, "completed basis is orthonormal");
}

#[test]
fn solve_spd_checks_shapes() {
    let a = spd(3, 8);
    assert!(matches!(linalg::solve_spd(a.view(), Array1::zeros(4).view()), Err(Error::ShapeMismatch { .. })));
    let b = array![1.0, 2.0, 3.0];
    let x = linalg::solve_spd(a.view(), b.view()).unwrap();
    assert!((a.dot(&x) - &b).iter().all(|e| e.abs() < 1e-12));
}

#[cfg(feature = "lapack")]
mod against_lapack {
    use super::*;
    use shopml_core::linalg::{lapack, pure};

    const TOL: f64 = 1e-10;

    #[test]
    fn cholesky_matches() {
        for n in [1, 4, 17, 40] {
            let a = spd(n, n as u64);
            let p = pure::cholesky(a.view()).unwrap();
            let l = lapack::cholesky(a.view()).unwrap();
            assert!(max_abs(&(p.lower() - l.lower())) < TOL, "n = {n}");
        }
        let bad = array![[1.0, 2.0], [2.0, 1.0]];
        assert!(matches!(lapack::cholesky(bad.view()), Err(Error::NotPositiveDefinite { pivot: 1, .. })));
    }

    #[test]
    fn lstsq_matches() {
        for (m, n) in [(10, 3), (200, 12), (12, 12)] {
            let a = random(m, n, (m * n) as u64);
            let b = random(m, 1, 99).column(0).to_owned();
            let p = pure::lstsq(a.view(), b.view()).unwrap();
            let l = lapack::lstsq(a.view(), b.view()).unwrap();
            assert_eq!(p.rank, l.rank);
            assert!((&p.solution - &l.solution).iter().all(|e| e.abs() < TOL), "{m}×{n}");
        }
        // Rank deficient: both give the minimum-norm solution.
        let x0 = random(30, 3, 11);
        let a = ndarray::concatenate![ndarray::Axis(1), x0, x0.column(1).insert_axis(ndarray::Axis(1))];
        let b = random(30, 1, 12).column(0).to_owned();
        let p = pure::lstsq(a.view(), b.view()).unwrap();
        let l = lapack::lstsq(a.view(), b.view()).unwrap();
        assert_eq!((p.rank, l.rank), (3, 3));
        assert!((&p.solution - &l.solution).iter().all(|e| e.abs() < TOL));
    }

    #[test]
    fn eigh_matches() {
        for n in [2, 9, 30] {
            let a = spd(n, 100 + n as u64);
            let p = pure::eigh(a.view()).unwrap();
            let l = lapack::eigh(a.view()).unwrap();
            assert!((&p.values - &l.values).iter().all(|e| e.abs() < TOL));
            assert!(max_abs(&(&p.vectors - &l.vectors)) < TOL, "n = {n}");
        }
    }

    #[test]
    fn svd_matches() {
        for (m, n) in [(30, 6), (6, 30), (15, 15)] {
            let a = random(m, n, 7 * m as u64 + n as u64);
            let p = pure::svd(a.view()).unwrap();
            let l = lapack::svd(a.view()).unwrap();
            assert!((&p.s - &l.s).iter().all(|e| e.abs() < TOL));
            assert!(max_abs(&(&p.u - &l.u)) < TOL && max_abs(&(&p.vt - &l.vt)) < TOL, "{m}×{n}");
        }
    }
}

/// Issue 13: the rank decision follows the documented tolerance
/// `σ_max · max(m, n) · ε` on every backend. A column that differs from
/// another by ~1e-15 relative has σ_min / σ_max far below 50 ε, so the rank
/// is 1 — under the pure path, the default LAPACK kernel and
/// `OPENBLAS_CORETYPE=Haswell` alike (LAPACK's `?gelsd` with its default
/// `rcond = ε` found rank 2 on some kernels).
#[test]
fn lstsq_rank_follows_the_documented_tolerance() {
    let m = 50;
    let x = Array1::from_shape_fn(m, |i| 1.0 + (i as f64 * 0.37).sin());
    let z = Array1::from_shape_fn(m, |i| (i as f64 * 1.3).cos());
    let a = Array2::from_shape_fn((m, 2), |(i, j)| if j == 0 { x[i] } else { x[i] + 1e-15 * z[i] });
    let b = x.mapv(|v| 2.0 * v);
    let s = linalg::svd(a.view()).unwrap().s;
    assert!(s[1] <= linalg::rank_tolerance(m, 2, s[0]), "σ = {s:?}");
    for ls in [linalg::lstsq(a.view(), b.view()).unwrap(), linalg::pure::lstsq(a.view(), b.view()).unwrap()] {
        assert_eq!(ls.rank, 1);
        // Minimum norm splits the coefficient 2 between the twin columns.
        assert!((ls.solution[0] - 1.0).abs() < 1e-6 && (ls.solution[1] - 1.0).abs() < 1e-6, "{:?}", ls.solution);
    }
    // Well above the tolerance the rank is full on every path.
    let a2 = Array2::from_shape_fn((m, 2), |(i, j)| if j == 0 { x[i] } else { x[i] + 1e-9 * z[i] });
    assert_eq!(linalg::lstsq(a2.view(), b.view()).unwrap().rank, 2);
    assert_eq!(linalg::pure::lstsq(a2.view(), b.view()).unwrap().rank, 2);
}
