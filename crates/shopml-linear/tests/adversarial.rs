//! Hostile inputs through every public fit / predict entry point of
//! shopml-linear (issues 12 and 13): named defects first, then property
//! tests over random shapes and values across the f64 range asserting "no
//! panic, and every `Ok` is finite".

use ndarray::{Array1, Array2, array};
use proptest::prelude::*;
use shopml_core::{Dataset, Fit, Predict};
use shopml_linear::*;

#[test]
fn penalised_fits_on_features_near_1e300_are_errors_not_nan() {
    // Issue 13: lasso returned NaN coefficients where OLS and ridge failed.
    // Each fit either refuses the data or returns a finite answer (the LAPACK
    // least-squares path solves this scaled system: coefficients ≈ 1e-301).
    let x = array![[1e300, 2e300], [3e300, -1e300], [-2e300, 5e299], [4e300, 1e300]];
    let y = array![1.0, 2.0, 3.0, 4.0];
    let d = Dataset::new(x.view(), y.view());
    let fits = [
        Lasso::params().alpha(0.1).fit(&d),
        ElasticNetParams::default().fit(&d),
        LinearRegressionParams::default().fit(&d),
        RidgeParams::default().fit(&d),
    ];
    for m in fits.into_iter().flatten() {
        let finite = m.coefficients().iter().all(|c| c.is_finite()) && m.intercept().is_finite();
        assert!(finite, "NaN or infinite coefficients returned as Ok: {:?}", m.coefficients());
        assert!(m.predict(&x).unwrap().iter().all(|v| v.is_finite()));
    }
    assert!(enet_path(&d, &ElasticNetParams::default(), None, 5, 1e-3).is_err());
}

#[test]
fn one_predict_takes_owned_arrays_and_views() {
    // Issue 12: `predict` and `predict_view` side by side.
    let x = array![[0.0], [1.0], [2.0], [3.0]];
    let y = array![1.0, 3.0, 5.0, 7.0];
    let m = LinearRegressionParams::default().fit(&Dataset::new(x.view(), y.view())).unwrap();
    assert_eq!(m.predict(&x).unwrap(), m.predict(&x.view()).unwrap());
    let yb = array![false, false, true, true];
    let lr = LogisticRegression::params().fit(&Dataset::new(x.view(), yb.view())).unwrap();
    assert_eq!(lr.predict(&x).unwrap(), lr.predict(&x.slice(ndarray::s![.., ..])).unwrap());
    assert_eq!(lr.predict_proba(&x).unwrap().dim(), (4, 2));
    // A prediction that overflows f64 is an error, not ∞.
    assert!(m.predict(&array![[1.7e308]]).is_err());
}

#[test]
fn loaded_models_are_validated_and_non_finite_statistics_round_trip() {
    let x = array![[0.0, 1.0], [1.0, 0.0], [2.0, 2.0], [3.0, 1.0], [4.0, 3.0]];
    let y = array![1.0, 2.0, 4.0, 4.0, 7.0];
    let m = LinearRegressionParams::default().fit(&Dataset::new(x.view(), y.view())).unwrap();
    let json = serde_json::to_string(&m).unwrap();
    assert_eq!(serde_json::from_str::<LinearModel>(&json).unwrap(), m);
    let c0 = format!("{}", m.coefficients()[0]);
    assert!(json.contains(&c0));
    assert!(serde_json::from_str::<LinearModel>(&json.replacen(&c0, "\"nan\"", 1)).is_err());
    // HC1 on a rank-deficient design has a NaN F statistic; it must load back.
    let xd = Array2::from_shape_fn((5, 3), |(i, j)| if j == 2 { x[[i, 0]] + x[[i, 1]] } else { x[[i, j]] });
    let md = LinearRegressionParams::default().cov_type(CovType::Hc1).fit(&Dataset::new(xd.view(), y.view())).unwrap();
    assert!(md.inference().unwrap().least_squares.as_ref().unwrap().f_statistic.is_nan());
    let back: LinearModel = serde_json::from_str(&serde_json::to_string(&md).unwrap()).unwrap();
    assert!(back.inference().unwrap().least_squares.as_ref().unwrap().f_statistic.is_nan());
    assert_eq!(back.inference().unwrap().std_errors, md.inference().unwrap().std_errors);
    // Logistic: unsorted classes or a wrong number of coefficient rows fail to load.
    let yb = array![0.0, 0.0, 1.0, 1.0, 1.0];
    let lr = LogisticRegression::params().fit(&Dataset::new(x.view(), yb.view())).unwrap();
    let lj = serde_json::to_string(&lr).unwrap();
    assert_eq!(serde_json::from_str::<LogisticRegression>(&lj).unwrap(), lr);
    assert!(serde_json::from_str::<LogisticRegression>(&lj.replace("\"classes\":[0.0,1.0]", "\"classes\":[1.0,0.0]")).is_err());
    assert!(serde_json::from_str::<LogisticRegression>(&lj.replace("\"threshold\":0.5", "\"threshold\":1.5")).is_err());
}

#[test]
fn metrics_take_the_labels_the_models_produce() {
    // Issue 12: churn labels were f64 while metrics took only &[bool].
    let x = array![[0.0], [1.0], [2.0], [3.0], [4.0], [5.0]];
    let churned = array![false, false, true, false, true, true];
    let m = LogisticRegression::params().c(10.0).fit(&Dataset::new(x.view(), churned.view())).unwrap();
    let pred = m.predict(&x).unwrap();
    let acc = shopml_core::metrics::classification::accuracy(churned.as_slice().unwrap(), pred.as_slice().unwrap()).unwrap();
    assert!(acc >= 4.0 / 6.0);
}

fn hostile_f64() -> impl Strategy<Value = f64> {
    prop_oneof![-10.0..10.0f64, prop::num::f64::NORMAL, Just(0.0), Just(f64::MAX), Just(-1e300), Just(f64::NAN), Just(f64::INFINITY)]
}

fn problem() -> impl Strategy<Value = (Array2<f64>, Array1<f64>, Array1<f64>)> {
    (0usize..7, 0usize..4).prop_flat_map(|(n, p)| {
        (
            prop::collection::vec(hostile_f64(), n * p).prop_map(move |v| Array2::from_shape_vec((n, p), v).unwrap()),
            prop::collection::vec(hostile_f64(), n).prop_map(Array1::from),
            prop::collection::vec(prop_oneof![Just(0.0), Just(1.0), Just(2.5), Just(-1.0), Just(f64::NAN)], n).prop_map(Array1::from),
        )
    })
}

fn finite(a: &Array1<f64>) -> bool {
    a.iter().all(|v| v.is_finite())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn every_fit_and_predict_is_total((x, y, w) in problem(), weighted in any::<bool>()) {
        let mut d = Dataset::new(x.view(), y.view());
        if weighted {
            d = d.with_weights(w.view());
        }
        let models = [
            LinearRegressionParams::default().fit(&d),
            LinearRegressionParams::default().solver(OlsSolver::NormalEquations).cov_type(CovType::Hc1).fit(&d),
            RidgeParams::default().fit(&d),
            Lasso::params().alpha(0.1).fit(&d),
            ElasticNetParams::default().standardize(true).fit(&d),
        ];
        for m in models.into_iter().flatten() {
            prop_assert!(finite(m.coefficients()) && m.intercept().is_finite());
            if let Ok(p) = m.predict(&x) {
                prop_assert!(finite(&p));
            }
        }
        let _ = ridge_path(&d, &[0.0, 1.0], true);
        let labels = y.mapv(|v| if v > 0.0 { 1.0 } else { 0.0 });
        let ld = Dataset { records: x.view(), targets: labels.view(), weights: d.weights };
        for solver in [LogisticSolver::Newton, LogisticSolver::Lbfgs] {
            if let Ok(m) = LogisticRegression::params().solver(solver).max_iter(50).fit(&ld) {
                prop_assert!(m.coefficients().iter().all(|v| v.is_finite()));
                if let Ok(p) = m.predict_proba(&x) {
                    prop_assert!(p.iter().all(|v| v.is_finite()));
                }
                let _ = m.inference(&ld);
            }
        }
        let counts = y.mapv(|v| if v.is_finite() { v.abs().min(1e6).floor() } else { v });
        let pd = Dataset { records: x.view(), targets: counts.view(), weights: d.weights };
        if let Ok(m) = PoissonRegression::params().max_iter(50).fit(&pd) {
            prop_assert!(finite(m.coefficients()));
            if let Ok(p) = m.predict(&x) {
                prop_assert!(finite(&p));
            }
            let _ = m.inference(&pd);
        }
        let _ = KFold::new(3, 1).splits(x.nrows());
    }
}

/// A path saved to JSON reloads; one with an alpha too few, a negative
/// alpha, or models of different widths (which made `coefficients()` panic)
/// is refused naming what is wrong.
#[test]
fn a_tampered_regularisation_path_is_refused() {
    let x = Array2::from_shape_fn((40, 3), |(i, j)| ((i * 7 + j * 3) % 11) as f64 - 5.0);
    let y = Array1::from_shape_fn(40, |i| x[[i, 0]] * 2.0 - x[[i, 2]] + ((i % 5) as f64 - 2.0) * 0.1);
    let d = Dataset::new(x.view(), y.view());
    let path = enet_path(&d, &ElasticNetParams::default(), None, 4, 1e-2).unwrap();
    let json = serde_json::to_value(&path).unwrap();
    assert_eq!(serde_json::from_value::<EnetPath>(json.clone()).unwrap(), path);
    let mut short = json.clone();
    short["alphas"].as_array_mut().unwrap().pop();
    assert!(serde_json::from_value::<EnetPath>(short).unwrap_err().to_string().contains("one per alpha"));
    let mut negative = json.clone();
    negative["alphas"][1] = serde_json::json!(-1.0);
    assert!(serde_json::from_value::<EnetPath>(negative).unwrap_err().to_string().contains("alphas"));
    let x2 = Array2::from_shape_fn((40, 2), |(i, j)| ((i * 5 + j) % 7) as f64);
    let d2 = Dataset::new(x2.view(), y.view());
    let narrow = enet_path(&d2, &ElasticNetParams::default(), None, 4, 1e-2).unwrap();
    let mut mixed = json;
    mixed["models"][2] = serde_json::to_value(&narrow.models[0]).unwrap();
    assert!(serde_json::from_value::<EnetPath>(mixed).unwrap_err().to_string().contains("features"));
}
