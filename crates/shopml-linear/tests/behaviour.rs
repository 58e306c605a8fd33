//! Closed forms, properties, degenerate inputs and the conformance kit.

use ndarray::{Array1, Array2, array};
use shopml_core::{AsCoreError, Dataset, Error, Fit, Predict, conformance};
use shopml_linear::*;

fn synthetic(n: usize, p: usize, seed: u64) -> (Array2<f64>, Array1<f64>) {
    // Deterministic pseudo-random design without a dev RNG dependency in the assertions.
    let mut s = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
    let mut next = move || {
        s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        ((s >> 11) as f64 / (1u64 << 53) as f64) - 0.5
    };
    let x = Array2::from_shape_fn((n, p), |_| next());
    let beta = Array1::from_shape_fn(p, |j| (j as f64 + 1.0) * if j % 2 == 0 { 1.0 } else { -1.0 });
    let y = x.dot(&beta) + 0.3 + Array1::from_shape_fn(n, |_| 0.1 * next());
    (x, y)
}

#[test]
fn simple_regression_matches_textbook_formulas() {
    let x = array![[1.0], [2.0], [3.0], [4.0], [5.0], [6.0]];
    let y = array![2.2, 4.1, 6.3, 7.9, 10.2, 11.5];
    let n = 6.0;
    let xb = 3.5;
    let yb = y.sum() / n;
    let sxx: f64 = x.column(0).iter().map(|v| (v - xb) * (v - xb)).sum();
    let sxy: f64 = x.column(0).iter().zip(y.iter()).map(|(a, b)| (a - xb) * (b - yb)).sum();
    let slope = sxy / sxx;
    let icpt = yb - slope * xb;
    let e: Vec<f64> = x.column(0).iter().zip(y.iter()).map(|(a, b)| b - icpt - slope * a).collect();
    let ssr: f64 = e.iter().map(|v| v * v).sum();
    let s2 = ssr / (n - 2.0);
    let se_slope = (s2 / sxx).sqrt();
    let se_icpt = (s2 * (1.0 / n + xb * xb / sxx)).sqrt();
    // HC1: n/(n−k) Σ (xᵢ − x̄)² eᵢ² / Sxx².
    let hc1_slope = (n / (n - 2.0) * x.column(0).iter().zip(&e).map(|(a, r)| (a - xb).powi(2) * r * r).sum::<f64>() / (sxx * sxx)).sqrt();
    for solver in [OlsSolver::Qr, OlsSolver::NormalEquations] {
        let data = Dataset::new(x.view(), y.view());
        let m = LinearRegressionParams::default().solver(solver).fit(&data).unwrap();
        assert!((m.coefficients()[0] - slope).abs() < 1e-12 && (m.intercept() - icpt).abs() < 1e-12);
        let inf = m.inference().unwrap();
        assert_eq!(inf.names, vec!["const", "x0"]);
        assert!((inf.std_errors[1] - se_slope).abs() < 1e-12 && (inf.std_errors[0] - se_icpt).abs() < 1e-12);
        let ls = inf.least_squares.as_ref().unwrap();
        let tss: f64 = y.iter().map(|v| (v - yb).powi(2)).sum();
        assert!((ls.r_squared - (1.0 - ssr / tss)).abs() < 1e-12);
        // F for one slope equals t².
        assert!((ls.f_statistic - inf.statistics[1].powi(2)).abs() < 1e-8 * ls.f_statistic);
        // CI = estimate ± t₀.₉₇₅(4) · se, t₀.₉₇₅(4) = 2.776445105197793 (tables).
        assert!((inf.conf_high[1] - (slope + 2.776_445_105_197_793 * se_slope)).abs() < 1e-9);
        let m = LinearRegressionParams::default().solver(solver).cov_type(CovType::Hc1).fit(&data).unwrap();
        assert!((m.inference().unwrap().std_errors[1] - hc1_slope).abs() < 1e-12);
    }
}

#[test]
fn weights_equal_repeated_rows() {
    let (x, y) = synthetic(40, 3, 1);
    let w = Array1::from_shape_fn(40, |i| (i % 3) as f64);
    let rows: Vec<usize> = (0..40).flat_map(|i| std::iter::repeat_n(i, i % 3)).collect();
    let xr = x.select(ndarray::Axis(0), &rows);
    let yr = y.select(ndarray::Axis(0), &rows);
    let a = LinearRegressionParams::default().fit(&Dataset::new(x.view(), y.view()).with_weights(w.view())).unwrap();
    let b = LinearRegressionParams::default().fit(&Dataset::new(xr.view(), yr.view())).unwrap();
    for j in 0..3 {
        assert!((a.coefficients()[j] - b.coefficients()[j]).abs() < 1e-10);
    }
    let a = LogisticRegression::params()
        .tol(1e-10)
        .fit(&Dataset::new(x.view(), y.mapv(|v| f64::from(u8::from(v > 0.3))).view()).with_weights(w.view()))
        .unwrap();
    let yb = yr.mapv(|v| f64::from(u8::from(v > 0.3)));
    let b = LogisticRegression::params().tol(1e-10).fit(&Dataset::new(xr.view(), yb.view())).unwrap();
    for j in 0..3 {
        assert!((a.coefficients()[[0, j]] - b.coefficients()[[0, j]]).abs() < 1e-6);
    }
}

#[test]
fn collinear_and_constant_columns_give_finite_minimum_norm_answers() {
    let (x, y) = synthetic(50, 2, 2);
    // Columns: x0, x0 again, a constant, x1.
    let xd = Array2::from_shape_fn((50, 4), |(i, j)| match j {
        0 | 1 => x[[i, 0]],
        2 => 7.0,
        _ => x[[i, 1]],
    });
    let single = LinearRegressionParams::default().fit(&Dataset::new(x.view(), y.view())).unwrap();
    for solver in [OlsSolver::Qr, OlsSolver::NormalEquations, OlsSolver::Auto] {
        let m = LinearRegressionParams::default().solver(solver).fit(&Dataset::new(xd.view(), y.view())).unwrap();
        let c = m.coefficients();
        assert!(c.iter().all(|v| v.is_finite()));
        assert_eq!(m.rank(), Some(2));
        // Minimum norm splits the duplicated effect equally and gives the constant nothing.
        assert!((c[0] - c[1]).abs() < 1e-8 && (c[0] + c[1] - single.coefficients()[0]).abs() < 1e-8);
        assert!(c[2].abs() < 1e-8);
        // Inference follows statsmodels' pseudo-inverse (tested against its
        // output in `rank_deficient_ols_inference_matches_statsmodels_pinv`).
        let inf = m.inference().unwrap();
        assert_eq!(inf.df_resid, 50.0 - 3.0);
        assert!(inf.std_errors.iter().all(|s| s.is_finite()));
        let p = m.predict(&xd).unwrap();
        let q = single.predict(&x).unwrap();
        assert!(p.iter().zip(q.iter()).all(|(a, b)| (a - b).abs() < 1e-8));
    }
    // Penalised and GLM fits stay finite on the same design.
    assert!(
        RidgeParams::default().alpha(0.0).fit(&Dataset::new(xd.view(), y.view())).unwrap().coefficients().iter().all(|v| v.is_finite())
    );
    let m = Lasso::params().alpha(0.01).fit(&Dataset::new(xd.view(), y.view())).unwrap();
    assert!(m.coefficients().iter().all(|v| v.is_finite()) && m.coefficients()[2] == 0.0);
    let yb = y.mapv(|v| f64::from(u8::from(v > 0.3)));
    let m = LogisticRegression::params().fit(&Dataset::new(xd.view(), yb.view())).unwrap();
    assert!(m.coefficients().iter().all(|v| v.is_finite()));
    assert!(m.coefficients()[[0, 2]].abs() < 1e-6);
}

#[test]
fn ridge_path_equals_individual_fits() {
    let (x, y) = synthetic(80, 5, 3);
    let data = Dataset::new(x.view(), y.view());
    let alphas = [0.0, 0.1, 1.0, 10.0, 1000.0];
    let path = ridge_path(&data, &alphas, true).unwrap();
    for (a, m) in alphas.iter().zip(&path) {
        let f = RidgeParams::default().alpha(*a).fit(&data).unwrap();
        for j in 0..5 {
            assert!((m.coefficients()[j] - f.coefficients()[j]).abs() < 1e-9, "alpha {a}");
        }
        assert!((m.intercept() - f.intercept()).abs() < 1e-9);
    }
    let err = RidgeParams::default().alpha(-1.0).fit(&data).unwrap_err();
    assert!(matches!(err.as_core(), Some(Error::InvalidParameter { name: "alpha", .. })));
}

#[test]
fn lasso_on_orthogonal_design_soft_thresholds() {
    // Centred orthogonal columns with XᵀX / n = I: β̂ⱼ = S(xⱼᵀy / n, α).
    let x = array![[1.0, 1.0], [-1.0, 1.0], [1.0, -1.0], [-1.0, -1.0]];
    let y = array![3.0, 1.0, 0.5, -0.3];
    let c0 = x.column(0).dot(&y) / 4.0;
    let c1 = x.column(1).dot(&y) / 4.0;
    let soft = |c: f64, a: f64| c.signum() * (c.abs() - a).max(0.0);
    for pre in [Precompute::Gram, Precompute::Naive] {
        for alpha in [0.05, 0.5, 2.0] {
            let m = Lasso::params().alpha(alpha).tol(1e-14).precompute(pre).fit(&Dataset::new(x.view(), y.view())).unwrap();
            assert!((m.coefficients()[0] - soft(c0, alpha)).abs() < 1e-12, "{pre:?} {alpha}");
            assert!((m.coefficients()[1] - soft(c1, alpha)).abs() < 1e-12);
            assert!((m.intercept() - y.mean().unwrap()).abs() < 1e-12);
            assert_eq!(m.converged(), Some(true));
            // Elastic net on the same design: S(c, αρ) / (1 + α(1 − ρ)).
            let e = ElasticNetParams::default()
                .alpha(alpha)
                .l1_ratio(0.3)
                .tol(1e-14)
                .precompute(pre)
                .fit(&Dataset::new(x.view(), y.view()))
                .unwrap();
            assert!((e.coefficients()[0] - soft(c0, 0.3 * alpha) / (1.0 + 0.7 * alpha)).abs() < 1e-12);
        }
        // Positivity clips the negative correlation to zero.
        let yn = array![-3.0, 1.0, -0.5, 0.3];
        let m = Lasso::params().alpha(0.01).positive(true).precompute(pre).fit(&Dataset::new(x.view(), yn.view())).unwrap();
        assert!(m.coefficients().iter().all(|&v| v >= 0.0));
        assert_eq!(m.coefficients()[0], 0.0);
    }
}

#[test]
fn enet_path_starts_at_zero_and_matches_cold_fits() {
    let (x, y) = synthetic(200, 6, 4);
    let data = Dataset::new(x.view(), y.view());
    let params = Lasso::params().tol(1e-12).max_iter(10_000);
    let path = enet_path(&data, &params, None, 20, 1e-3).unwrap();
    assert_eq!(path.alphas.len(), 20);
    assert!(path.models[0].coefficients().iter().all(|&v| v == 0.0));
    assert!(path.alphas.windows(2).all(|w| w[0] > w[1]));
    for k in [3, 10, 19] {
        let cold = params.clone().alpha(path.alphas[k]).fit(&data).unwrap();
        let warm = &path.models[k];
        for j in 0..6 {
            assert!((cold.coefficients()[j] - warm.coefficients()[j]).abs() < 1e-8);
        }
    }
    // Standardised fits report original-scale coefficients: scaling a column rescales its coefficient.
    let mut xs = x.clone();
    xs.column_mut(2).mapv_inplace(|v| v * 100.0);
    let a = Lasso::params().alpha(0.05).standardize(true).tol(1e-12).fit(&data).unwrap();
    let b = Lasso::params().alpha(0.05).standardize(true).tol(1e-12).fit(&Dataset::new(xs.view(), y.view())).unwrap();
    assert!((a.coefficients()[2] - 100.0 * b.coefficients()[2]).abs() < 1e-8);
}

#[test]
fn logistic_separable_classes_stay_finite() {
    let x = array![[0.0], [1.0], [2.0], [3.0]];
    let y = array![0.0, 0.0, 1.0, 1.0];
    for solver in [LogisticSolver::Lbfgs, LogisticSolver::Newton] {
        let m = LogisticRegression::params().c(1e6).solver(solver).fit(&Dataset::new(x.view(), y.view())).unwrap();
        assert!(m.coefficients().iter().chain(m.intercepts().iter()).all(|v| v.is_finite()));
        assert_eq!(m.predict(&x).unwrap(), y);
        // The boundary sits between 1 and 2.
        assert!((-m.intercepts()[0] / m.coefficients()[[0, 0]] - 1.5).abs() < 1e-3);
    }
    let err = LogisticRegression::params().fit(&Dataset::new(x.view(), array![1.0, 1.0, 1.0, 1.0].view())).unwrap_err();
    assert!(matches!(err, LinearError::SingleClass { class } if class == 1.0));
}

#[test]
fn logistic_two_by_two_table_matches_woolf() {
    // One binary covariate: the MLE slope is the log odds ratio and its SE is
    // Woolf's √(1/a + 1/b + 1/c + 1/d).
    let (a, b, c, d) = (30usize, 10usize, 15usize, 25usize); // x=1: a pos, b neg; x=0: c pos, d neg.
    let mut x = Vec::new();
    let mut y = Vec::new();
    for (xv, yv, k) in [(1.0, 1.0, a), (1.0, 0.0, b), (0.0, 1.0, c), (0.0, 0.0, d)] {
        for _ in 0..k {
            x.push(xv);
            y.push(yv);
        }
    }
    let x = Array2::from_shape_vec((x.len(), 1), x).unwrap();
    let y = Array1::from(y);
    let data = Dataset::new(x.view(), y.view());
    let m = LogisticRegression::params().c(1e12).tol(1e-12).solver(LogisticSolver::Newton).fit(&data).unwrap();
    let lor = ((a * d) as f64 / (b * c) as f64).ln();
    assert!((m.coefficients()[[0, 0]] - lor).abs() < 1e-8);
    assert!((m.intercepts()[0] - (c as f64 / d as f64).ln()).abs() < 1e-8);
    let inf = m.inference(&data).unwrap();
    let se = (1.0 / a as f64 + 1.0 / b as f64 + 1.0 / c as f64 + 1.0 / d as f64).sqrt();
    assert!((inf.std_errors[1] - se).abs() < 1e-8);
    assert_eq!(inf.statistic, Statistic::Z);
    // Balanced weights equal the explicit n / (k · count) weights.
    let n_pos = (a + c) as f64;
    let n_neg = (b + d) as f64;
    let n = n_pos + n_neg;
    let bal = LogisticRegression::params().class_weight(ClassWeight::Balanced).tol(1e-12).fit(&data).unwrap();
    let given = LogisticRegression::params()
        .class_weight(ClassWeight::Given(vec![(0.0, n / (2.0 * n_neg)), (1.0, n / (2.0 * n_pos))]))
        .tol(1e-12)
        .fit(&data)
        .unwrap();
    assert!((bal.coefficients()[[0, 0]] - given.coefficients()[[0, 0]]).abs() < 1e-10);
    // Thresholds move the decision.
    let strict = m.clone().with_threshold(0.9).unwrap();
    assert!(strict.predict(&x).unwrap().sum() < m.predict(&x).unwrap().sum());
    assert!(m.clone().with_threshold(1.5).is_err());
}

#[test]
fn multinomial_probabilities_and_warm_start() {
    let (x, y) = synthetic(300, 4, 5);
    let yk = y.mapv(|v| {
        if v < -1.0 {
            0.0
        } else if v < 1.0 {
            1.0
        } else {
            2.0
        }
    });
    let data = Dataset::new(x.view(), yk.view());
    let m = LogisticRegression::params().tol(1e-10).fit(&data).unwrap();
    assert_eq!(m.coefficients().dim(), (3, 4));
    let p = m.predict_proba(&x).unwrap();
    assert!(p.rows().into_iter().all(|r| (r.sum() - 1.0).abs() < 1e-12));
    // Symmetric parametrisation with an L2 penalty: coefficients sum to zero over classes.
    for j in 0..4 {
        assert!(m.coefficients().column(j).sum().abs() < 1e-6);
    }
    let acc = m.predict(&x).unwrap().iter().zip(yk.iter()).filter(|(a, b)| a == b).count() as f64 / 300.0;
    assert!(acc > 0.8);
    let warm = LogisticRegression::params().tol(1e-10).warm_start_from(Some(&m)).fit(&data).unwrap();
    assert!(warm.n_iter() <= 2, "warm start from the optimum took {} iterations", warm.n_iter());
    // Elastic net shrinks some coefficients to exactly zero.
    let en = LogisticRegression::params().c(0.05).penalty(Penalty::ElasticNet { l1_ratio: 0.9 }).tol(1e-8).fit(&data).unwrap();
    assert!(en.coefficients().iter().any(|&v| v == 0.0));
}

#[test]
fn poisson_binary_covariate_closed_form() {
    // log μ = b + β x with x ∈ {0, 1}: b = ln ȳ₀, β = ln(ȳ₁ / ȳ₀); Var(β) = 1/Σy₀ + 1/Σy₁.
    let x = array![[0.0], [0.0], [0.0], [1.0], [1.0], [1.0], [1.0]];
    let y = array![4.0, 6.0, 5.0, 1.0, 2.0, 0.0, 3.0];
    let data = Dataset::new(x.view(), y.view());
    for solver in [PoissonSolver::Newton, PoissonSolver::Lbfgs] {
        let m = PoissonRegression::params().alpha(0.0).tol(1e-12).solver(solver).fit(&data).unwrap();
        assert!((m.intercept() - 5f64.ln()).abs() < 1e-8, "{solver:?}");
        assert!((m.coefficients()[0] - (1.5f64 / 5.0).ln()).abs() < 1e-8);
        let inf = m.inference(&data).unwrap();
        assert!((inf.std_errors[1] - (1.0 / 15.0 + 1.0 / 6.0f64).sqrt()).abs() < 1e-7);
        assert!((inf.std_errors[0] - (1.0 / 15.0f64).sqrt()).abs() < 1e-7);
    }
    let bad = array![1.0, -1.0, 0.0, 0.0, 0.0, 0.0, 0.0];
    assert!(PoissonRegression::params().fit(&Dataset::new(x.view(), bad.view())).is_err());
}

#[test]
fn kfold_partitions_rows_and_cv_refits_best() {
    let folds = KFold::new(4, 9).splits(23).unwrap();
    let mut seen = [0; 23];
    for (train, test) in &folds {
        assert_eq!(train.len() + test.len(), 23);
        test.iter().for_each(|&i| seen[i] += 1);
    }
    assert!(seen.iter().all(|&c| c == 1));
    let (x, y) = synthetic(120, 4, 6);
    let data = Dataset::new(x.view(), y.view());
    let (res, model) = ridge_cv(&data, &[1e-3, 1.0, 1e4], true, &KFold::new(5, 1)).unwrap();
    assert_eq!(res.best, 1e-3); // nearly noise-free data: least shrinkage wins
    assert!((model.coefficients()[0] - RidgeParams::default().alpha(1e-3).fit(&data).unwrap().coefficients()[0]).abs() < 1e-12);
    let (res, _) = enet_cv(&data, &Lasso::params(), None, 10, 1e-3, &KFold::new(3, 1)).unwrap();
    assert_eq!(res.grid.len(), 10);
    assert_eq!(res.best_index, 9);
    let yb = y.mapv(|v| f64::from(u8::from(v > 0.3)));
    let (res, m) =
        logistic_cv(&Dataset::new(x.view(), yb.view()), &LogisticRegression::params(), &[0.01, 1.0, 100.0], &KFold::new(3, 2)).unwrap();
    assert_eq!(res.mean_score.len(), 3);
    assert!(m.coefficients().iter().all(|v| v.is_finite()));
}

#[test]
fn conformance_kit() {
    let (x, y) = synthetic(60, 3, 7);
    let yb = y.mapv(|v| f64::from(u8::from(v > 0.3)));
    let yc = y.mapv(|v| (v + 4.0).max(0.0).round());
    conformance::assert_send_sync::<LinearModel>();
    conformance::assert_send_sync::<LogisticRegression>();
    conformance::assert_send_sync::<PoissonRegression>();
    let n = x.nrows();
    let ols = |x: &Array2<f64>| LinearRegressionParams::default().fit(&Dataset::new(x.view(), y.slice(ndarray::s![..x.nrows()])));
    conformance::check_rejects_non_finite(&x, ols);
    conformance::check_rejects_empty(3, |x| LinearRegressionParams::default().fit(&Dataset::new(x.view(), Array1::<f64>::zeros(0).view())));
    conformance::check_rejects_empty(3, |x| RidgeParams::default().fit(&Dataset::new(x.view(), Array1::<f64>::zeros(0).view())));
    conformance::check_rejects_empty(3, |x| Lasso::params().fit(&Dataset::new(x.view(), Array1::<f64>::zeros(0).view())));
    conformance::check_rejects_empty(3, |x| LogisticRegression::params().fit(&Dataset::new(x.view(), Array1::<f64>::zeros(0).view())));
    conformance::check_rejects_empty(3, |x| PoissonRegression::params().fit(&Dataset::new(x.view(), Array1::<f64>::zeros(0).view())));
    conformance::check_rejects_non_finite(&x, |x| RidgeParams::default().fit(&Dataset::new(x.view(), y.view())));
    conformance::check_rejects_non_finite(&x, |x| Lasso::params().alpha(0.01).fit(&Dataset::new(x.view(), y.view())));
    conformance::check_rejects_non_finite(&x, |x| LogisticRegression::params().fit(&Dataset::new(x.view(), yb.view())));
    conformance::check_rejects_non_finite(&x, |x| PoissonRegression::params().fit(&Dataset::new(x.view(), yc.view())));
    let lin = LinearRegressionParams::default().fit(&Dataset::new(x.view(), y.view())).unwrap();
    let las = Lasso::params().alpha(0.01).fit(&Dataset::new(x.view(), y.view())).unwrap();
    let log = LogisticRegression::params().fit(&Dataset::new(x.view(), yb.view())).unwrap();
    let poi = PoissonRegression::params().fit(&Dataset::new(x.view(), yc.view())).unwrap();
    conformance::check_rejects_wrong_width(3, |x| lin.predict(x));
    conformance::check_rejects_wrong_width(3, |x| log.predict(x));
    conformance::check_rejects_wrong_width(3, |x| poi.predict(x));
    conformance::check_serde_roundtrip(&lin, |m| m.predict(&x).unwrap().to_vec());
    conformance::check_serde_roundtrip(&las, |m| m.predict(&x).unwrap().to_vec());
    conformance::check_serde_roundtrip(&log, |m| m.predict_proba(&x).unwrap().into_raw_vec_and_offset().0);
    conformance::check_serde_roundtrip(&poi, |m| m.predict(&x).unwrap().to_vec());
    // Bigger than one parallel block, so the 2-thread run really splits the work.
    let (xb, ybig) = synthetic(40_000, 3, 8);
    let ybb = ybig.mapv(|v| f64::from(u8::from(v > 0.3)));
    conformance::check_thread_count_independence(|| {
        LinearRegressionParams::default().solver(OlsSolver::NormalEquations).fit(&Dataset::new(xb.view(), ybig.view())).unwrap()
    });
    conformance::check_thread_count_independence(|| Lasso::params().alpha(0.01).fit(&Dataset::new(xb.view(), ybig.view())).unwrap());
    conformance::check_thread_count_independence(|| {
        LogisticRegression::params().solver(LogisticSolver::Lbfgs).fit(&Dataset::new(xb.view(), ybb.view())).unwrap()
    });
    conformance::check_seed_determinism(|seed| {
        ridge_cv(&Dataset::new(x.view(), y.view()), &[0.1, 1.0], true, &KFold::new(3, seed)).unwrap().0
    });
    conformance::check_input_unchanged(&x, |x| {
        LogisticRegression::params().standardize(true).fit(&Dataset::new(x.view(), yb.view())).unwrap();
    });
    assert_eq!(n, 60);
}

/// Issue 12: a rank-deficient OLS returned no standard errors at all, where
/// statsmodels (`method="pinv"`) reports them for the estimable coefficients.
/// Fixture: benches/peers/linear_rank_deficient_fixture.py (statsmodels).
#[test]
fn rank_deficient_ols_inference_matches_statsmodels_pinv() {
    let fx: serde_json::Value = serde_json::from_str(include_str!("fixtures/rank_deficient_ols.json")).unwrap();
    let n = 40;
    let x0 = |i: usize| (0.7 * i as f64).sin();
    let x1 = |i: usize| (1.3 * i as f64).cos() + 0.05 * i as f64;
    let x = Array2::from_shape_fn((n, 4), |(i, j)| match j {
        0 => x0(i),
        1 => x1(i),
        2 => x0(i) + x1(i),
        _ => 7.0,
    });
    let y = Array1::from_shape_fn(n, |i| 1.0 + 2.0 * x0(i) - 1.5 * x1(i) + 0.3 * (3.1 * i as f64 + 0.5).sin());
    let vec = |v: &serde_json::Value| v.as_array().unwrap().iter().map(|x| x.as_f64().unwrap()).collect::<Vec<f64>>();
    for (key, cov) in [("nonrobust", CovType::NonRobust), ("hc1", CovType::Hc1)] {
        let m = LinearRegressionParams::default().cov_type(cov).fit(&Dataset::new(x.view(), y.view())).unwrap();
        assert_eq!(m.rank(), Some(fx["rank"].as_u64().unwrap() as usize - 1)); // the centred design has rank 2
        let inf = m.inference().unwrap();
        let t = &fx[key];
        assert_eq!(inf.df_resid, t["df_resid"].as_f64().unwrap());
        assert_eq!(inf.df_model, t["df_model"].as_f64().unwrap());
        for (name, ours, theirs, tol) in [
            ("params", &inf.params, vec(&t["params"]), 1e-9),
            ("bse", &inf.std_errors, vec(&t["bse"]), 1e-8),
            ("pvalues", &inf.p_values, vec(&t["pvalues"]), 1e-8),
        ] {
            for (a, b) in ours.iter().zip(&theirs) {
                assert!((a - b).abs() <= tol * b.abs().max(1e-3), "{key} {name}: {ours:?} vs {theirs:?}");
            }
        }
        let ci = t["conf_int"].as_array().unwrap();
        for (k, row) in ci.iter().enumerate() {
            let r = vec(row);
            assert!((inf.conf_low[k] - r[0]).abs() < 1e-8 && (inf.conf_high[k] - r[1]).abs() < 1e-8, "{key} ci {k}");
        }
        let ls = inf.least_squares.as_ref().unwrap();
        assert!((ls.r_squared - t["rsquared"].as_f64().unwrap()).abs() < 1e-10);
        assert!((inf.log_likelihood - t["llf"].as_f64().unwrap()).abs() < 1e-8);
        if key == "nonrobust" {
            assert!((ls.f_statistic / t["fvalue"].as_f64().unwrap() - 1.0).abs() < 1e-9);
        }
        // Predictions are the same whatever the parametrisation.
        let fitted = m.predict(&x).unwrap();
        let p = &inf.params;
        for i in 0..n {
            let sm = p[0] + (0..4).map(|j| p[j + 1] * x[[i, j]]).sum::<f64>();
            assert!((fitted[i] - sm).abs() < 1e-9);
        }
    }
}
