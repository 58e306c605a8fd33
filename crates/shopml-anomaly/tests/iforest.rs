//! Isolation Forest: properties against closed forms, conformance, and parity
//! with scikit-learn's IsolationForest on the labelled benchmarks.

mod common;

use common::Gauss;
use ndarray::{Array2, Axis};
use shopml_anomaly::{
    AnomalyError, Contamination, Detector, IsolationForest, MaxFeatures, MaxSamples, Splits, average_path_length, percentile,
};
use shopml_core::metrics::classification::{average_precision, roc_auc};
use shopml_core::{Fit, Predict, conformance};

/// Exact expected path length of the point at sorted position `p` in a 1-D
/// isolation tree grown on all of `x` (sorted) with uniform random
/// thresholds: the node holding `p` is a contiguous run `l..=r`; a threshold
/// in the gap after `g` (probability gap / range) keeps `l..=g` or `g+1..=r`.
fn exact_path(x: &[f64], p: usize, l: usize, r: usize, depth: usize, max_depth: usize) -> f64 {
    if l == r {
        return depth as f64;
    }
    if depth >= max_depth {
        return depth as f64 + average_path_length(r - l + 1);
    }
    let range = x[r] - x[l];
    (l..r)
        .map(|g| {
            let prob = (x[g + 1] - x[g]) / range;
            let child =
                if p <= g { exact_path(x, p, l, g, depth + 1, max_depth) } else { exact_path(x, p, g + 1, r, depth + 1, max_depth) };
            prob * child
        })
        .sum()
}

#[test]
fn path_length_matches_the_exact_expectation() {
    // 15 ordinary points with uneven gaps and one isolated point far right.
    let mut x: Vec<f64> = (0..15).map(|i| (i as f64).powf(1.3) / 10.0).collect();
    x.push(25.0);
    let n = x.len();
    let data = Array2::from_shape_vec((n, 1), x.clone()).unwrap();
    let forest = IsolationForest::params().n_estimators(40_000).seed(3).fit(&data).unwrap();
    let h = forest.mean_path_length(&data).unwrap();
    let max_depth = 4; // ⌈log₂ 16⌉
    for p in [0, 7, 14, 15] {
        let want = exact_path(&x, p, 0, n - 1, 0, max_depth);
        // Path lengths lie in [1, 4 + c(n)]: the mean over 40 000 trees has
        // standard error below 0.01.
        assert!((h[p] - want).abs() < 0.04, "point {p}: mean path {} vs exact {want}", h[p]);
    }
    // The isolated point is cut off at the root with probability 0.83 (its gap / range).
    let want_isolated = exact_path(&x, 15, 0, n - 1, 0, max_depth);
    assert!(want_isolated < 1.3 && h[15] < h[0]);
}

#[test]
fn score_is_the_normalised_path_length() {
    let x = Gauss::new(5).matrix(600, 3);
    let f = IsolationForest::params().seed(9).fit(&x).unwrap();
    let h = f.mean_path_length(&x).unwrap();
    let s = f.score_samples(&x).unwrap();
    let c = average_path_length(256);
    for i in 0..600 {
        assert!((s[i] + 2f64.powf(-h[i] / c)).abs() < 1e-15);
    }
    // decision_function and predict follow the offset (-0.5 with "auto").
    let dfn = f.decision_function(&x).unwrap();
    let labels = f.predict(&x).unwrap();
    for i in 0..600 {
        assert!((dfn[i] - (s[i] + 0.5)).abs() < 1e-15);
        assert_eq!(labels[i], if dfn[i] < 0.0 { -1 } else { 1 });
    }
    // A contamination share flags that share of the training rows.
    let f = IsolationForest::params().seed(9).contamination(Contamination::Fraction(0.05)).fit(&x).unwrap();
    let s = f.score_samples(&x).unwrap();
    assert!((f.offset() - percentile(s.as_slice().unwrap(), 5.0)).abs() < 1e-15);
    let flagged = f.predict(&x).unwrap().iter().filter(|&&l| l == -1).count();
    assert!((29..=31).contains(&flagged), "{flagged} flagged");
}

#[test]
fn scores_do_not_depend_on_row_order() {
    let x = Gauss::new(11).matrix(3000, 4);
    let perm: Vec<usize> = (0..3000).map(|i| (i * 1237 + 5) % 3000).collect();
    let xp = x.select(Axis(0), &perm);
    for splits in [Splits::AxisParallel, Splits::Extended { extension_level: None }] {
        let a = IsolationForest::params().splits(splits).seed(4).fit(&x).unwrap();
        let b = IsolationForest::params().splits(splits).seed(4).fit(&xp).unwrap();
        let sa = a.score_samples(&x).unwrap();
        let sb = b.score_samples(&xp).unwrap();
        for (k, &i) in perm.iter().enumerate() {
            assert_eq!(sa[i], sb[k], "row {i}");
        }
        assert_eq!(a, b);
    }
}

#[test]
fn planted_anomaly_scores_above_the_99th_percentile() {
    let mut x = Gauss::new(21).matrix(5000, 4);
    // Inside every marginal range (|z| < 2.6) but far from the joint cloud.
    for (j, v) in [2.6, -2.6, 2.6, -2.6].into_iter().enumerate() {
        x[[1234, j]] = v;
    }
    for splits in [Splits::AxisParallel, Splits::Extended { extension_level: None }] {
        let f = IsolationForest::params().splits(splits).seed(2).fit(&x).unwrap();
        let anomaly: Vec<f64> = f.score_samples(&x).unwrap().iter().map(|s| -s).collect();
        let p99 = percentile(&anomaly, 99.0);
        assert!(anomaly[1234] > p99, "{splits:?}: planted {} vs p99 {p99}", anomaly[1234]);
    }
}

#[test]
fn attribution_points_at_the_odd_feature() {
    let mut x = Gauss::new(8).matrix(2000, 5);
    x[[10, 3]] = 12.0;
    let f = IsolationForest::params().seed(1).fit(&x).unwrap();
    let a = f.feature_attribution(&x.slice(ndarray::s![10..11, ..])).unwrap();
    let best = (0..5).max_by(|&i, &j| a[[0, i]].total_cmp(&a[[0, j]])).unwrap();
    assert_eq!(best, 3);
    assert!((a.row(0).sum() - 1.0).abs() < 1e-9);
}

#[test]
fn conformance_and_errors() {
    let x = Gauss::new(1).matrix(300, 3);
    let p = IsolationForest::params().n_estimators(20).seed(5);
    conformance::check_rejects_non_finite(&x, |x| p.fit(x));
    conformance::check_rejects_empty(3, |x| p.fit(x));
    let m = p.fit(&x).unwrap();
    conformance::check_rejects_wrong_width(3, |x| m.score_samples(x));
    conformance::check_rejects_non_finite(&x, |x| m.score_samples(x));
    conformance::check_serde_roundtrip(&m, |m| m.score_samples(&x).unwrap());
    conformance::check_seed_determinism(|s| IsolationForest::params().n_estimators(20).seed(s).fit(&x).unwrap());
    conformance::check_thread_count_independence(|| IsolationForest::params().seed(3).fit(&x).unwrap());
    conformance::check_thread_count_independence(|| {
        let f = IsolationForest::params().seed(3).fit(&x).unwrap();
        f.score_samples(&x).unwrap().to_vec()
    });
    conformance::check_thread_count_independence(|| {
        IsolationForest::params().splits(Splits::Extended { extension_level: Some(1) }).bootstrap(true).seed(3).fit(&x).unwrap()
    });
    conformance::check_input_unchanged(&x, |x| {
        p.fit(x).unwrap();
    });
    conformance::assert_send_sync::<IsolationForest>();
    assert_ne!(serde_json::to_string(&m).unwrap(), serde_json::to_string(&p.seed(6).fit(&x).unwrap()).unwrap());
    assert!(matches!(
        IsolationForest::params().max_samples(MaxSamples::Count(301)).fit(&x),
        Err(AnomalyError::MaxSamplesTooLarge { max_samples: 301, n_samples: 300 })
    ));
    assert!(IsolationForest::params().n_estimators(0).fit(&x).is_err());
    assert!(IsolationForest::params().max_features(MaxFeatures::Count(4)).fit(&x).is_err());
    assert!(IsolationForest::params().max_features(MaxFeatures::Fraction(0.0)).fit(&x).is_err());
    assert!(IsolationForest::params().splits(Splits::Extended { extension_level: Some(3) }).fit(&x).is_err());
    assert!(IsolationForest::params().contamination(Contamination::Fraction(0.7)).fit(&x).is_err());
    assert!(m.clone().with_offset(f64::NAN).is_err());
    // Sub-sampled features and rows still work; constant data gives c(ψ)-free scores.
    let f = IsolationForest::params().max_features(MaxFeatures::Count(1)).max_samples(MaxSamples::Fraction(0.5)).fit(&x).unwrap();
    assert_eq!(f.max_samples(), 150);
    let flat = Array2::<f64>::ones((50, 2));
    let f = IsolationForest::params().fit(&flat).unwrap();
    let h = f.mean_path_length(&flat).unwrap();
    assert!((h[0] - average_path_length(50)).abs() < 1e-12, "constant data: every tree is a root leaf");
}

#[test]
fn corrupted_json_is_rejected() {
    let x = Gauss::new(1).matrix(100, 2);
    let m = IsolationForest::params().n_estimators(3).fit(&x).unwrap();
    let good: serde_json::Value = serde_json::to_value(&m).unwrap();
    let mut bad = good.clone();
    bad["trees"][0]["left"][0] = serde_json::json!(0); // a cycle: root pointing at itself
    assert!(serde_json::from_value::<IsolationForest>(bad).is_err());
    let mut bad = good.clone();
    bad["trees"][1]["split"][0] = serde_json::json!(7); // column out of range
    assert!(serde_json::from_value::<IsolationForest>(bad).is_err());
    let mut bad = good.clone();
    bad["offset"] = serde_json::json!(null);
    assert!(serde_json::from_value::<IsolationForest>(bad).is_err());
    let mut bad = good;
    bad["trees"] = serde_json::json!([]);
    assert!(serde_json::from_value::<IsolationForest>(bad).is_err());
}

/// ROC-AUC and AP of -score_samples for seeds 0..5 (default parameters).
fn ours(x: &Array2<f64>, y: &[bool], splits: Splits) -> (Vec<f64>, Vec<f64>) {
    let (mut auc, mut ap) = (Vec::new(), Vec::new());
    for seed in 0..5 {
        let f = IsolationForest::params().splits(splits).seed(seed).fit(x).unwrap();
        let s: Vec<f64> = f.score_samples(x).unwrap().iter().map(|v| -v).collect();
        auc.push(roc_auc(y, &s).unwrap());
        ap.push(average_precision(y, &s).unwrap());
    }
    (auc, ap)
}

fn mean_sd(v: &[f64]) -> (f64, f64) {
    let m = v.iter().sum::<f64>() / v.len() as f64;
    (m, (v.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / (v.len() - 1) as f64).sqrt())
}

/// Means over 5 seeds each side must agree within 0.01, or within three
/// standard errors of the difference of the two means where the seed-to-seed
/// spread makes 0.01 unattainable (wdbc's 10 anomalies: AP varies by ±0.08
/// between seeds on either side). Everything is printed.
#[test]
#[ignore = "needs SHOPML_DATA (the labelled anomaly benchmarks)"]
fn matches_scikit_learn_on_the_labelled_benchmarks() {
    let fx = common::fixture("iforest_sklearn.json");
    let mut report = String::new();
    let mut failures = Vec::new();
    for (name, v) in fx["sets"].as_object().unwrap() {
        let (x, y) = common::labelled(name);
        assert_eq!(x.nrows() as u64, v["rows"].as_u64().unwrap());
        let (auc, ap) = ours(&x, &y, Splits::AxisParallel);
        for (metric, mine, theirs) in [("ROC-AUC", auc, common::vector(&v["roc_auc"])), ("AP", ap, common::vector(&v["average_precision"]))]
        {
            let ((m, sd), (sm, ssd)) = (mean_sd(&mine), mean_sd(&theirs));
            let se = (sd * sd / 5.0 + ssd * ssd / 5.0).sqrt();
            let tol = 0.01f64.max(3.0 * se);
            report +=
                &format!("{name} {metric}: {m:.4} (sd {sd:.4}) vs scikit-learn {sm:.4} (sd {ssd:.4}), diff {:+.4}, tol {tol:.4}\n", m - sm);
            if m < sm - tol {
                failures.push(format!("{name} {metric}"));
            }
        }
    }
    println!("{report}");
    assert!(failures.is_empty(), "below scikit-learn: {failures:?}\n{report}");
}
