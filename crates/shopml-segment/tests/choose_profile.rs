//! Choosing k, quality indices by hand, and segment profiles.

mod common;

use approx::assert_abs_diff_eq;
use ndarray::{Array2, array};
use shopml_core::{Error as CoreError, Fit, Transform};
use shopml_segment::choose::{KScore, elbow, recommend};
use shopml_segment::{KMeans, RfmColumns, RfmScaler, choose_k, name_rfm, profile, quality};

#[test]
fn quality_indices_by_hand() {
    // Clusters {0, 1} and {10, 12} on a line.
    let x = array![[0.0], [1.0], [10.0], [12.0]];
    let l = [0, 0, 1, 1];
    // Silhouette: row 0: a = 1, b = 11 → 10/11; row 1: a = 1, b = 10 → 9/10;
    // row 2: a = 2, b = 9.5 → 7.5/9.5; row 3: a = 2, b = 11.5 → 9.5/11.5.
    let want = (10.0 / 11.0 + 0.9 + 7.5 / 9.5 + 9.5 / 11.5) / 4.0;
    assert_abs_diff_eq!(quality::silhouette(x.view(), &l).unwrap(), want, epsilon = 1e-12);
    // Centroids 0.5 and 11, mean 5.75: B = 2·5.25² + 2·5.25² = 110.25, W = 0.5 + 2 = 2.5, CH = B/1 / (W/2).
    assert_abs_diff_eq!(quality::calinski_harabasz(x.view(), &l).unwrap(), 110.25 / (2.5 / 2.0), epsilon = 1e-9);
    // Scatter 0.5 and 1, separation 10.5 → DB = 1.5/10.5.
    assert_abs_diff_eq!(quality::davies_bouldin(x.view(), &l).unwrap(), 1.5 / 10.5, epsilon = 1e-12);
    // Labels are compacted: ids 5 and 9 mean the same as 0 and 1.
    assert_abs_diff_eq!(quality::silhouette(x.view(), &[5, 5, 9, 9]).unwrap(), want, epsilon = 1e-12);
    // A sample as large as the data is the exact value.
    assert_abs_diff_eq!(quality::silhouette_sampled(x.view(), &l, 10, 1).unwrap(), want, epsilon = 1e-12);
    assert!(quality::silhouette(x.view(), &[0, 0, 0, 0]).is_err());
    assert!(quality::silhouette(x.view(), &[0, 1]).is_err());
}

#[test]
fn elbow_and_vote() {
    // A sharp bend at k = 4.
    assert_eq!(elbow(&[2, 3, 4, 5, 6, 7], &[100.0, 60.0, 20.0, 18.0, 16.0, 15.0]).unwrap(), 4);
    let row =
        |k, inertia, s, ch, db| KScore { k, inertia, silhouette: s, silhouette_sampled: false, calinski_harabasz: ch, davies_bouldin: db };
    let c = recommend(vec![row(2, 100.0, 0.5, 10.0, 0.9), row(3, 40.0, 0.6, 30.0, 0.5), row(4, 35.0, 0.55, 20.0, 0.7)]).unwrap();
    assert_eq!(c.recommended, 3);
    assert!(c.reasons.iter().any(|r| r.contains("4 of 4 votes")), "{:?}", c.reasons);
}

#[test]
fn choose_k_finds_three_groups() {
    let centres = [[0.0, 0.0], [10.0, 0.0], [0.0, 10.0]];
    let x = Array2::from_shape_fn((90, 2), |(i, j)| centres[i % 3][j] + (((i * 7 + j * 13) % 11) as f64 - 5.0) * 0.1);
    let c = choose_k(&KMeans::params(2).n_init(3), x.view(), 2..=6, 1000).unwrap();
    assert_eq!(c.scores.len(), 5);
    assert_eq!(c.recommended, 3, "{:?}", c.reasons);
    assert!(c.scores.windows(2).all(|w| w[1].inertia <= w[0].inertia + 1e-9));
    // Sampled silhouette path.
    let s = choose_k(&KMeans::params(2).n_init(1), x.view(), 3..=3, 40).unwrap();
    assert!(s.scores[0].silhouette_sampled && s.scores[0].silhouette > 0.8);
    assert!(matches!(
        choose_k(&KMeans::params(2), x.view(), 1..=3, 100),
        Err(shopml_segment::SegmentError::Core(CoreError::InvalidParameter { name: "k_range", .. }))
    ));
}

#[test]
fn scaler_inverts_and_matches_closed_form() {
    let x = array![[0.0, 5.0], [1.0, 5.0], [3.0, 5.0]];
    let s = RfmScaler::params(true).fit(&x).unwrap();
    let z = s.transform(&x).unwrap();
    let l: Vec<f64> = [0.0f64, 1.0, 3.0].iter().map(|v| v.ln_1p()).collect();
    let m = l.iter().sum::<f64>() / 3.0;
    let sd = (l.iter().map(|v| (v - m).powi(2)).sum::<f64>() / 3.0).sqrt();
    assert_abs_diff_eq!(z[[2, 0]], (l[2] - m) / sd, epsilon = 1e-12);
    assert!(z.column(1).iter().all(|v| v.abs() < 1e-12)); // zero variance: centred only
    assert!(s.inverse_transform(&z).unwrap().iter().zip(x.iter()).all(|(a, b)| (a - b).abs() < 1e-9));
    assert!(matches!(
        RfmScaler::params(true).fit(&array![[-2.0]]),
        Err(shopml_segment::SegmentError::Core(CoreError::InvalidValue { .. }))
    ));
}

#[test]
fn profiles_by_hand_and_rfm_names() {
    // recency, frequency, monetary
    let x = array![[5.0, 10.0, 1000.0], [7.0, 12.0, 1400.0], [300.0, 1.0, 20.0], [320.0, 1.0, 40.0], [100.0, 3.0, 200.0]];
    let labels = [0, 0, 1, 1, 2];
    let mut p = profile(x.view(), &labels, 3, Some(x.column(2))).unwrap();
    assert_eq!(p[0].size, 2);
    assert_abs_diff_eq!(p[0].customer_share, 0.4);
    assert_eq!(p[0].means, vec![6.0, 11.0, 1200.0]);
    assert_eq!(p[1].medians, vec![310.0, 1.0, 30.0]);
    assert_abs_diff_eq!(p[0].revenue_share.unwrap(), 2400.0 / 2660.0, epsilon = 1e-12);
    name_rfm(&mut p, x.view(), RfmColumns { recency: 0, frequency: 1, monetary: 2 }).unwrap();
    assert_eq!(p[0].name.as_deref(), Some("champions: high value, recent"));
    assert_eq!(p[1].name.as_deref(), Some("lost: low value, lapsed"));
    assert_eq!(p[2].name.as_deref(), Some("mid value, cooling"));
    assert!(matches!(
        profile(x.view(), &[0, 0, 1, 1, 3], 3, None),
        Err(shopml_segment::SegmentError::Core(CoreError::IndexOutOfRange { index: 3, .. }))
    ));
}

#[test]
fn segments_of_online_retail_in_original_units() {
    let (_, x) = common::rfm_fixture();
    let s = RfmScaler::params(true).fit(&x).unwrap();
    let z = s.transform(&x).unwrap();
    let fit = KMeans::params(4).seed(0).fit_detailed(&z, None).unwrap();
    let centres = s.inverse_transform(fit.model.centres()).unwrap();
    let mut p = profile(x.view(), fit.labels.as_slice().unwrap(), 4, Some(x.column(2))).unwrap();
    name_rfm(&mut p, x.view(), RfmColumns { recency: 0, frequency: 1, monetary: 2 }).unwrap();
    assert_eq!(p.iter().map(|s| s.size).sum::<usize>(), x.nrows());
    assert_abs_diff_eq!(p.iter().map(|s| s.revenue_share.unwrap()).sum::<f64>(), 1.0, epsilon = 1e-9);
    // The segment with the most recent customers and the one with the highest spend exist and differ in name.
    let best = (0..4).min_by(|&a, &b| centres[[a, 0]].total_cmp(&centres[[b, 0]])).unwrap();
    let worst = (0..4).max_by(|&a, &b| centres[[a, 0]].total_cmp(&centres[[b, 0]])).unwrap();
    assert!(p[best].name.as_ref().unwrap().ends_with("recent"), "{:?}", p[best].name);
    assert!(p[worst].name.as_ref().unwrap().ends_with("lapsed"), "{:?}", p[worst].name);
    // Back-transformed centres sit between the segment's smallest and largest member values.
    for j in 0..3 {
        let lo = x.column(j).iter().cloned().fold(f64::INFINITY, f64::min);
        let hi = x.column(j).iter().cloned().fold(f64::NEG_INFINITY, f64::max);
        assert!(centres.column(j).iter().all(|&c| c >= lo && c <= hi));
    }
}
