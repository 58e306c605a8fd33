//! Local Outlier Factor against scikit-learn's LocalOutlierFactor (saved
//! scores on committed synthetic data and on real sets), plus properties.

mod common;

use common::Gauss;
use ndarray::{Array2, array};
use shopml_anomaly::{AnomalyError, Contamination, Detector, LocalOutlierFactor, percentile};
use shopml_core::{Fit, Predict, conformance};

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * b.abs().max(1.0)
}

#[test]
fn equals_scikit_learn_on_synthetic_data() {
    let fx = common::fixture("lof_sklearn.json");
    for (case, v) in fx["cases"].as_object().unwrap() {
        let x = common::matrix(&v["X"]);
        let k = v["n_neighbors"].as_u64().unwrap() as usize;
        let m = LocalOutlierFactor::params().n_neighbors(k).fit(&x).unwrap();
        let want = common::vector(&v["negative_outlier_factor"]);
        for (i, (&a, &b)) in m.negative_outlier_factor().iter().zip(&want).enumerate() {
            assert!(close(a, b), "{case} row {i}: {a} vs scikit-learn {b}");
        }
        let mc = LocalOutlierFactor::params().n_neighbors(k).contamination(Contamination::Fraction(0.1)).fit(&x).unwrap();
        let off = v["offset_contamination_0.1"].as_f64().unwrap();
        assert!(close(mc.offset(), off), "{case} offset {} vs {off}", mc.offset());
        let new = common::matrix(&v["new"]);
        let want = common::vector(&v["novelty_score_samples"]);
        let got = m.score_samples(&new).unwrap();
        for (i, (&a, &b)) in got.iter().zip(&want).enumerate() {
            assert!(close(a, b), "{case} new row {i}: {a} vs scikit-learn {b}");
        }
    }
}

/// Every row whose score cannot depend on how distance ties are broken (see
/// the fixture script) equals scikit-learn's to 1e-9; rows with ties at the
/// k-th neighbour may legitimately differ (documented in `lof`).
#[test]
#[ignore = "needs SHOPML_DATA (the labelled anomaly benchmarks)"]
fn equals_scikit_learn_on_real_sets() {
    let fx = common::fixture("lof_real_sklearn.json");
    let k = fx["n_neighbors"].as_u64().unwrap() as usize;
    for (name, v) in fx["sets"].as_object().unwrap() {
        let (x, _) = common::labelled(name);
        let m = LocalOutlierFactor::params().n_neighbors(k).fit(&x).unwrap();
        let nof = m.negative_outlier_factor();
        let idx: Vec<usize> = serde_json::from_value(v["tie_free_index"].clone()).unwrap();
        let want = common::vector(&v["tie_free_values"]);
        for (&i, &b) in idx.iter().zip(&want) {
            assert!(close(nof[i], b), "{name} row {i}: {} vs scikit-learn {b}", nof[i]);
        }
        // The sum over all tie-free rows pins down the rest.
        let n_tie_free = v["tie_free_count"].as_u64().unwrap();
        let all_sum = nof.sum();
        println!("{name}: {n_tie_free} of {} rows tie-free; sum of all rows {all_sum} vs {}", nof.len(), v["sum"]);
        if n_tie_free == nof.len() as u64 {
            assert!(close(all_sum, v["sum"].as_f64().unwrap()));
        }
    }
}

#[test]
fn hand_computed_example() {
    // Points on a line: 0, 1, 2, 10 with k = 1.
    // Neighbours: 0→1, 1→0 (tie with 2, first by index), 2→1, 10→2.
    // k-dist: 1, 1, 1, 8. reach(0,1) = max(1, 1) = 1 → lrd(0) = 1/(1+1e-10);
    // reach(10,2) = max(k-dist(2)=1, 8) = 8 → lrd = 1/8; LOF(10) = lrd(2)/lrd(10) ≈ 8.
    let x = array![[0.0], [1.0], [2.0], [10.0]];
    let m = LocalOutlierFactor::params().n_neighbors(1).fit(&x).unwrap();
    let nof = m.negative_outlier_factor();
    assert!((nof[3] + (1.0 / (1.0 + 1e-10)) / (1.0 / (8.0 + 1e-10))).abs() < 1e-9);
    assert!((nof[0] + 1.0).abs() < 1e-9 && (nof[2] + 1.0).abs() < 1e-9);
    assert_eq!(m.k_distance().to_vec(), vec![1.0, 1.0, 1.0, 8.0]);
}

#[test]
fn planted_anomaly_and_duplicates() {
    let mut x = Gauss::new(3).matrix(2000, 3);
    x[[500, 0]] = 3.0;
    x[[500, 1]] = -3.0;
    x[[500, 2]] = 3.0;
    let m = LocalOutlierFactor::params().fit(&x).unwrap();
    let a: Vec<f64> = m.negative_outlier_factor().iter().map(|v| -v).collect();
    assert!(a[500] > percentile(&a, 99.0));
    // The brute-force path (more than 15 columns) agrees with the tree path
    // on the same geometry (extra zero columns change no distance).
    let mut wide = Array2::zeros((2000, 16));
    wide.slice_mut(ndarray::s![.., ..3]).assign(&x);
    let w = LocalOutlierFactor::params().fit(&wide).unwrap();
    for i in 0..2000 {
        assert!(close(w.negative_outlier_factor()[i], m.negative_outlier_factor()[i]), "row {i}");
    }
    // More duplicates than neighbours: finite scores (lrd capped by the 1e-10).
    let mut d = Array2::zeros((30, 2));
    d[[29, 0]] = 5.0;
    let m = LocalOutlierFactor::params().n_neighbors(5).fit(&d).unwrap();
    assert!(m.negative_outlier_factor().iter().all(|v| v.is_finite()));
    assert!(m.negative_outlier_factor()[29] < -1e6);
}

#[test]
fn conformance_and_errors() {
    let x = Gauss::new(1).matrix(200, 3);
    let p = LocalOutlierFactor::params().n_neighbors(10);
    conformance::check_rejects_non_finite(&x, |x| p.fit(x));
    conformance::check_rejects_empty(3, |x| p.fit(x));
    let m = p.fit(&x).unwrap();
    conformance::check_rejects_wrong_width(3, |x| m.score_samples(x));
    conformance::check_rejects_non_finite(&x, |x| m.score_samples(x));
    conformance::check_serde_roundtrip(&m, |m| m.score_samples(&x).unwrap());
    conformance::check_thread_count_independence(|| p.fit(&x).unwrap());
    conformance::check_input_unchanged(&x, |x| {
        p.fit(x).unwrap();
    });
    conformance::assert_send_sync::<LocalOutlierFactor>();
    assert!(matches!(LocalOutlierFactor::params().n_neighbors(200).fit(&x), Err(AnomalyError::TooFewRows { k: 200, n_samples: 200 })));
    assert!(LocalOutlierFactor::params().n_neighbors(0).fit(&x).is_err());
    let labels = m.predict(&x).unwrap();
    let dfn = m.decision_function(&x).unwrap();
    assert!(labels.iter().zip(dfn.iter()).all(|(&l, &d)| (l == -1) == (d < 0.0)));
    assert_eq!(m.training_labels().len(), 200);
    // Corrupted JSON is rejected.
    let good = serde_json::to_value(&m).unwrap();
    for (field, val) in [("n_neighbors", serde_json::json!(200)), ("offset", serde_json::json!(null)), ("lrd", serde_json::json!([1.0]))] {
        let mut bad = good.clone();
        bad[field] = val;
        assert!(serde_json::from_value::<LocalOutlierFactor>(bad).is_err(), "{field}");
    }
    let mut bad = good;
    bad["lrd"]["data"][3] = serde_json::json!(-1.0);
    assert!(serde_json::from_value::<LocalOutlierFactor>(bad).is_err());
}
