//! Hostile inputs (issues 12 and 13): every case here panicked or returned a
//! wrong `Ok` before the fix.

use ndarray::{Array2, ShapeBuilder, array};
use proptest::prelude::*;
use shopml_core::{Dataset, Fit, Predict, Transform};
use shopml_segment::choose::{KScore, elbow, recommend};
use shopml_segment::{Init, KMeans, MiniBatchKMeans, RfmColumns, RfmScaler, SegmentProfile, name_rfm, profile};

fn blobs() -> Array2<f64> {
    array![[1.0, 2.0], [1.5, 1.8], [1.2, 2.2], [8.0, 9.0], [8.5, 9.5], [7.8, 8.8], [100.0, 100.0], [101.0, 99.0]]
}

#[test]
fn kmeans_with_a_short_offset_is_rejected_on_load() {
    // Data far from the origin makes the model keep a per-feature offset.
    let x = blobs().mapv(|v| v + 1e6);
    let m = KMeans::params(2).seed(1).fit(&x).unwrap();
    let mut v: serde_json::Value = serde_json::to_value(&m).unwrap();
    v["offset"] = serde_json::json!({"v": 1, "dim": [1], "data": [1e6]});
    let err = serde_json::from_value::<KMeans>(v).unwrap_err().to_string();
    assert!(err.contains("offset"), "{err}");
    let mut v: serde_json::Value = serde_json::to_value(&m).unwrap();
    v["inertia"] = serde_json::json!(-1.0);
    assert!(serde_json::from_value::<KMeans>(v).is_err());
    let back: KMeans = serde_json::from_str(&serde_json::to_string(&m).unwrap()).unwrap();
    assert_eq!(back.predict(&x).unwrap(), m.predict(&x).unwrap());
}

#[test]
fn minibatch_with_wrong_weight_count_is_rejected_on_load() {
    let m = MiniBatchKMeans::params(2).batch_size(4).fit(&blobs()).unwrap();
    let mut v: serde_json::Value = serde_json::to_value(&m).unwrap();
    v["weight_sums"] = serde_json::json!([1.0]);
    assert!(serde_json::from_value::<MiniBatchKMeans>(v).is_err());
}

#[test]
fn scaler_with_zero_scale_is_rejected_on_load() {
    let s = RfmScaler::params(true).fit(&blobs()).unwrap();
    let mut v: serde_json::Value = serde_json::to_value(&s).unwrap();
    v["scale"] = serde_json::json!({"v": 1, "dim": [2], "data": [0.0, 1.0]});
    assert!(serde_json::from_value::<RfmScaler>(v).is_err());
    let mut v: serde_json::Value = serde_json::to_value(&s).unwrap();
    v["scale"] = serde_json::json!({"v": 1, "dim": [1], "data": [1.0]});
    assert!(serde_json::from_value::<RfmScaler>(v).is_err());
}

#[test]
fn given_centres_in_column_major_layout_fit() {
    let c = Array2::from_shape_vec((2, 2).f(), vec![1.0, 8.0, 2.0, 9.0]).unwrap();
    assert!(!c.is_standard_layout());
    let m = KMeans::params(2).init(Init::Given(c.clone())).fit(&blobs()).unwrap();
    // The same centres in row-major layout give the same model.
    let same = KMeans::params(2).init(Init::Given(c.as_standard_layout().into_owned())).fit(&blobs()).unwrap();
    assert_eq!(m, same);
}

#[test]
fn name_rfm_on_a_narrower_profile_is_an_error() {
    let x = blobs();
    let mut profiles = profile(x.column(0).insert_axis(ndarray::Axis(1)), &[0, 0, 0, 1, 1, 1, 1, 1], 2, None).unwrap();
    let r = name_rfm(&mut profiles, x.view(), RfmColumns { recency: 0, frequency: 1, monetary: 1 });
    assert!(r.is_err());
}

#[test]
fn empty_elbow_and_recommend_are_errors() {
    assert!(elbow(&[], &[]).is_err());
    assert!(elbow(&[2, 3], &[1.0]).is_err());
    assert!(elbow(&[3, 2, 4], &[1.0, 2.0, 3.0]).is_err());
    assert!(recommend(vec![]).is_err());
    let row = |k| KScore { k, inertia: f64::NAN, silhouette: 0.5, silhouette_sampled: false, calinski_harabasz: 1.0, davies_bouldin: 1.0 };
    assert!(recommend(vec![row(2), row(3)]).is_err());
}

#[test]
fn huge_counts_are_errors_or_clamped_not_allocations() {
    let x = blobs();
    assert!(profile(x.view(), &[0; 8], usize::MAX, None).is_err());
    // A batch larger than the data is the data.
    let m = MiniBatchKMeans::params(2).batch_size(usize::MAX).max_iter(2).fit(&x).unwrap();
    assert_eq!(m.centres().nrows(), 2);
    assert!(MiniBatchKMeans::params(2).max_iter(usize::MAX).fit(&x).is_err());
    assert!(KMeans::params(usize::MAX).fit(&x).is_err());
}

#[test]
fn empty_segment_profiles_round_trip_json() {
    let x = blobs();
    let p = profile(x.view(), &[0; 8], 2, Some(ndarray::Array1::zeros(8).view())).unwrap();
    assert!(p[1].means[0].is_nan());
    let json = serde_json::to_string(&p).unwrap();
    let back: Vec<SegmentProfile> = serde_json::from_str(&json).unwrap();
    assert!(back[1].means[0].is_nan() && back[1].medians[1].is_nan());
    assert!(back[0].revenue_share.unwrap().is_nan());
    assert_eq!((back[0].size, &back[0].means, &back[0].medians), (p[0].size, &p[0].means, &p[0].medians));
    assert_eq!(back[1].size, 0);
}

#[test]
fn values_whose_squares_overflow_are_rejected() {
    let x = array![[1e300, 0.0], [-1e300, 1.0], [0.0, 0.0]];
    assert!(KMeans::params(2).fit(&x).is_err());
    assert!(MiniBatchKMeans::params(2).fit(&x).is_err());
    let m = KMeans::params(2).fit(&blobs()).unwrap();
    assert!(m.predict(&x).is_err());
}

fn hostile() -> impl Strategy<Value = f64> {
    prop_oneof![12 => -1e3..1e3f64, 1 => Just(0.0), 1 => Just(1e308), 1 => Just(-1e308), 1 => Just(f64::NAN), 1 => Just(f64::NEG_INFINITY), 1 => Just(5e-324)]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, .. ProptestConfig::default() })]

    /// Every fit/predict entry point: an `Err` or labels in range, never a panic.
    #[test]
    fn fits_and_predictions_never_panic(n in 0usize..24, d in 0usize..4, k in 0usize..30, vals in prop::collection::vec(hostile(), 96), w in prop::collection::vec(hostile(), 24)) {
        let x = Array2::from_shape_fn((n, d), |(i, j)| vals[(i * 4 + j) % 96]);
        if let Ok(m) = KMeans::params(k).n_init(2).max_iter(20).fit(&x) {
            let labels = m.predict(&x).unwrap();
            prop_assert!(labels.iter().all(|&l| l < k));
            prop_assert!(m.transform(&x).unwrap().iter().all(|v| !v.is_nan()));
        }
        let wv = ndarray::Array1::from(w[..n].to_vec());
        let ds = Dataset { records: x.view(), targets: (), weights: Some(wv.view()) };
        let _ = KMeans::params(k).n_init(1).fit(&ds);
        if let Ok(m) = MiniBatchKMeans::params(k).batch_size(5).max_iter(3).fit(&x) {
            prop_assert!(m.predict(&x).unwrap().iter().all(|&l| l < k));
        }
        if let Ok(s) = RfmScaler::params(true).fit(&x)
            && let Ok(z) = s.transform(&x)
        {
            prop_assert!(z.iter().all(|v| v.is_finite()));
        }
        let labels: Vec<usize> = (0..n).map(|i| i % k.max(1)).collect();
        let _ = profile(x.view(), &labels, k, None);
        let _ = shopml_segment::quality::silhouette(x.view(), &labels);
        let _ = shopml_segment::quality::davies_bouldin(x.view(), &labels);
        let _ = shopml_segment::quality::calinski_harabasz(x.view(), &labels);
    }
}
