//! Behaviour of k-means: conformance kit, closed forms, edge cases, and
//! properties of the fit.

use approx::assert_abs_diff_eq;
use ndarray::{Array1, Array2, array};
use shopml_core::{Error as CoreError, Fit, Predict, Transform, conformance};
use shopml_segment::{Algorithm, Init, KMeans, KMeansParams, SegmentError};

/// Three well-separated groups of 20 rows around known centres.
fn three_groups() -> Array2<f64> {
    let centres = [[0.0, 0.0], [10.0, 0.0], [0.0, 10.0]];
    Array2::from_shape_fn((60, 2), |(i, j)| centres[i % 3][j] + (((i * 7 + j * 13) % 11) as f64 - 5.0) * 0.05)
}

/// Largest absolute difference of two equally long sequences.
fn max_diff<'a>(a: impl IntoIterator<Item = &'a f64>, b: impl IntoIterator<Item = &'a f64>) -> f64 {
    a.into_iter().zip(b).fold(0.0, |m, (x, y)| m.max((x - y).abs()))
}

fn fit(p: &KMeansParams, x: &Array2<f64>) -> Result<KMeans, SegmentError> {
    p.fit(x)
}

#[test]
fn conformance_kit() {
    let x = three_groups();
    let p = KMeans::params(3).seed(3);
    conformance::assert_send_sync::<KMeans>();
    conformance::assert_send_sync::<KMeans<f32>>();
    conformance::check_rejects_non_finite(&x, |x| fit(&p, x));
    conformance::check_rejects_empty(2, |x| fit(&p, x));
    let model = fit(&p, &x).unwrap();
    conformance::check_rejects_wrong_width(2, |x| model.predict(x));
    conformance::check_serde_roundtrip(&model, |m| (m.predict(&x).unwrap(), m.transform(&x).unwrap()));
    conformance::check_seed_determinism(|seed| fit(&KMeans::params(3).seed(seed).init(Init::Random), &x).unwrap());
    conformance::check_input_unchanged(&x, |x| {
        fit(&p, x).unwrap();
    });
}

/// Large enough for several parallel blocks, so thread count could matter.
fn blobs(n: usize) -> Array2<f64> {
    Array2::from_shape_fn((n, 3), |(i, j)| ((i % 5) * 4) as f64 + ((i * 2654435761 + j * 40503) % 1000) as f64 / 500.0)
}

#[test]
fn thread_count_independence() {
    let x = blobs(40_000);
    for algo in [Algorithm::Lloyd, Algorithm::Hamerly] {
        conformance::check_thread_count_independence(|| KMeans::params(5).n_init(2).seed(9).algorithm(algo).fit(&x).unwrap());
    }
    let x32 = x.mapv(|v| v as f32);
    conformance::check_thread_count_independence(|| KMeans::params(5).n_init(1).seed(9).fit(&x32).unwrap());
}

#[test]
fn recovers_separated_groups_and_inertia_closed_form() {
    let x = three_groups();
    let fit = KMeans::params(3).seed(1).fit_detailed(&x, None).unwrap();
    // Each true group forms one cluster.
    for g in 0..3 {
        let l = fit.labels[g];
        assert!((0..60).filter(|i| i % 3 == g).all(|i| fit.labels[i] == l));
    }
    // Centres are the group means and inertia the summed squared deviations.
    let mut inertia = 0.0;
    for g in 0..3 {
        let rows: Vec<usize> = (0..60).filter(|i| i % 3 == g).collect();
        let mean = x.select(ndarray::Axis(0), &rows).mean_axis(ndarray::Axis(0)).unwrap();
        let c = fit.model.centres().row(fit.labels[g]);
        assert!(max_diff(c.iter(), mean.iter()) < 1e-12);
        for &i in &rows {
            inertia += (&x.row(i) - &mean).mapv(|v| v * v).sum();
        }
    }
    assert_abs_diff_eq!(fit.model.inertia(), inertia, epsilon = 1e-9);
    assert!(fit.model.converged());
}

#[test]
fn one_dimensional_hand_computation() {
    // From centres 0 and 10: {0,1,2} → 1, {9,10,11} → 10 after one step; then stable.
    let x = array![[0.0], [1.0], [2.0], [9.0], [10.0], [11.0]];
    let m = KMeans::params(2).init(Init::Given(array![[0.0], [10.0]])).fit(&x).unwrap();
    assert_eq!(m.centres(), &array![[1.0], [10.0]]);
    assert_abs_diff_eq!(m.inertia(), 4.0, epsilon = 1e-12);
    assert_eq!(m.predict(&array![[4.0], [6.0]]).unwrap().to_vec(), vec![0, 1]);
    let d = m.transform(&array![[4.0]]).unwrap();
    assert!(max_diff(d.iter(), [3.0, 6.0].iter()) < 1e-12);
}

#[test]
fn weights_equal_repeated_rows() {
    // Weight 3 on a row is the same as that row three times.
    let x = array![[0.0, 0.0], [1.0, 0.0], [5.0, 5.0], [6.0, 5.0], [6.0, 6.0]];
    let w = Array1::from(vec![3.0, 1.0, 1.0, 2.0, 1.0]);
    let xr = array![[0.0, 0.0], [0.0, 0.0], [0.0, 0.0], [1.0, 0.0], [5.0, 5.0], [6.0, 5.0], [6.0, 5.0], [6.0, 6.0]];
    let init = array![[0.0, 1.0], [5.0, 4.0]];
    let p = KMeans::params(2).init(Init::Given(init));
    let a = p.fit_detailed(&x, Some(w.view())).unwrap().model;
    let b = p.fit(&xr).unwrap();
    assert!(max_diff(a.centres().iter(), b.centres().iter()) < 1e-12);
    assert_abs_diff_eq!(a.inertia(), b.inertia(), epsilon = 1e-12);
    assert!(max_diff(a.centres().row(0).iter(), [0.25, 0.0].iter()) < 1e-12);
}

#[test]
fn hamerly_and_f32_agree_with_lloyd() {
    let x = blobs(20_000);
    let p = KMeans::params(6).seed(4).n_init(2);
    let lloyd = p.fit(&x).unwrap();
    let ham = p.clone().algorithm(Algorithm::Hamerly).fit(&x).unwrap();
    assert!(max_diff(lloyd.centres().iter(), ham.centres().iter()) < 1e-9);
    assert_eq!(lloyd.n_iter(), ham.n_iter());
    let m32 = p.fit(&x.mapv(|v| v as f32)).unwrap();
    assert!((m32.inertia() - lloyd.inertia()).abs() < 1e-4 * lloyd.inertia());
}

#[test]
fn n_init_keeps_the_best_run() {
    let x = blobs(3_000);
    let fit = KMeans::params(7).init(Init::Random).n_init(6).seed(2).fit_detailed(&x, None).unwrap();
    let best = fit.run_inertias.iter().cloned().fold(f64::INFINITY, f64::min);
    assert_eq!(fit.run_inertias.len(), 6);
    assert_eq!(fit.model.inertia(), best);
}

#[test]
fn bad_parameters_are_named() {
    let x = three_groups();
    let name = |p: KMeansParams| match p.fit(&x) {
        Err(SegmentError::Core(CoreError::InvalidParameter { name, .. })) => name,
        other => panic!("expected InvalidParameter, got {other:?}"),
    };
    assert_eq!(name(KMeans::params(0)), "n_clusters");
    assert_eq!(name(KMeans::params(2).n_init(0)), "n_init");
    assert_eq!(name(KMeans::params(2).max_iter(0)), "max_iter");
    assert_eq!(name(KMeans::params(2).tol(-1.0)), "tol");
    assert_eq!(name(KMeans::params(2).tol(f64::NAN)), "tol");
    assert_eq!(name(KMeans::params(2).n_local_trials(0)), "n_local_trials");
    assert_eq!(name(KMeans::params(2).init(Init::Given(array![[0.0, 0.0]]))), "init");
    // Given centres of the wrong width are a shape error.
    assert!(matches!(
        KMeans::params(1).init(Init::Given(array![[0.0, 0.0, 0.0]])).fit(&x),
        Err(SegmentError::Core(CoreError::ShapeMismatch { .. }))
    ));
}

#[test]
fn more_clusters_than_rows_is_a_typed_error() {
    let x = array![[1.0], [2.0]];
    assert!(matches!(KMeans::params(3).fit(&x), Err(SegmentError::TooManyClusters { n_clusters: 3, n_samples: 2 })));
    // k = n is fine: every row its own centre, inertia 0.
    let m = KMeans::params(2).fit(&x).unwrap();
    assert_eq!(m.inertia(), 0.0);
}

#[test]
fn duplicates_and_zero_variance() {
    // Two distinct rows, four clusters: the fit succeeds with two distinct centres and zero inertia.
    let x = array![[1.0, 1.0], [1.0, 1.0], [1.0, 1.0], [3.0, 1.0], [3.0, 1.0], [3.0, 1.0]];
    for algo in [Algorithm::Lloyd, Algorithm::Hamerly] {
        let m = KMeans::params(4).algorithm(algo).seed(5).fit(&x).unwrap();
        assert_eq!(m.inertia(), 0.0);
        assert_eq!(m.n_distinct_centres(), 2);
        let labels = m.predict(&x).unwrap();
        assert_eq!(labels[0], labels[2]);
        assert_ne!(labels[0], labels[3]);
    }
    // All rows identical: one distinct centre, inertia 0, for every init.
    let z = Array2::from_elem((10, 3), 7.5);
    for init in [Init::KMeansPlusPlus, Init::Random] {
        let m = KMeans::params(3).init(init).fit(&z).unwrap();
        assert_eq!(m.inertia(), 0.0);
        assert_eq!(m.n_distinct_centres(), 1);
        assert_eq!(m.centres().row(0).to_vec(), vec![7.5; 3]);
    }
}

#[test]
fn empty_cluster_is_refilled_from_the_farthest_row() {
    // Centre 1 starts far from every row; it must take the row farthest from centre 0 (row 3, at 20).
    let x = array![[0.0], [1.0], [2.0], [20.0]];
    let m = KMeans::params(2).init(Init::Given(array![[1.0], [1000.0]])).fit(&x).unwrap();
    let mut c: Vec<f64> = m.centres().column(0).to_vec();
    c.sort_by(f64::total_cmp);
    assert_eq!(c, vec![1.0, 20.0]);
    assert_abs_diff_eq!(m.inertia(), 2.0, epsilon = 1e-12);
}

#[test]
fn bad_weights_are_rejected() {
    let x = three_groups();
    let p = KMeans::params(2);
    let w = Array1::from(vec![1.0; 59]);
    assert!(matches!(p.fit_detailed(&x, Some(w.view())), Err(SegmentError::Core(CoreError::ShapeMismatch { .. }))));
    let mut w = Array1::from(vec![1.0; 60]);
    w[4] = -1.0;
    assert!(matches!(p.fit_detailed(&x, Some(w.view())), Err(SegmentError::Core(CoreError::InvalidValue { row: 4, .. }))));
    w[4] = f64::NAN;
    assert!(matches!(p.fit_detailed(&x, Some(w.view())), Err(SegmentError::Core(CoreError::NonFinite { row: 4, .. }))));
}

#[test]
fn f32_nan_is_named() {
    let mut x = three_groups().mapv(|v| v as f32);
    x[[7, 1]] = f32::NAN;
    assert!(matches!(KMeans::params(2).fit(&x), Err(SegmentError::Core(CoreError::NonFinite { row: 7, column: Some(1), .. }))));
}

#[test]
fn far_from_origin_data_is_centred_and_translation_equivariant() {
    // The same data shifted by 1e6: labels equal, centres shifted, inertia equal (to rounding).
    let x = blobs(5_000);
    let shifted = x.mapv(|v| v + 1e6);
    let p = KMeans::params(5).seed(8).n_init(2);
    let a = p.fit_detailed(&x, None).unwrap();
    let b = p.fit_detailed(&shifted, None).unwrap();
    assert_eq!(a.labels, b.labels);
    assert!(max_diff(a.model.centres().mapv(|v| v + 1e6).iter(), b.model.centres().iter()) < 1e-6);
    assert!((a.model.inertia() - b.model.inertia()).abs() < 1e-6 * a.model.inertia());
    assert_eq!(b.model.predict(&shifted).unwrap(), b.labels);
}
