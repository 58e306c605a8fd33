//! Mini-batch k-means: quality against full k-means, streaming, determinism.

use ndarray::{Array2, array, s};
use shopml_core::{Error as CoreError, Fit, Predict, conformance};
use shopml_segment::{KMeans, MiniBatchKMeans, SegmentError};

fn blobs(n: usize) -> Array2<f64> {
    let centres = [[0.0, 0.0], [8.0, 0.0], [0.0, 8.0], [8.0, 8.0]];
    Array2::from_shape_fn((n, 2), |(i, j)| centres[i % 4][j] + ((i * 2654435761 + j * 97) % 1000) as f64 / 1000.0)
}

#[test]
fn close_to_full_kmeans_on_separated_blobs() {
    let x = blobs(20_000);
    let full = KMeans::params(4).seed(0).fit(&x).unwrap();
    let mb = MiniBatchKMeans::params(4).batch_size(512).seed(1).fit(&x).unwrap();
    let inertia = mb.score_inertia(&x, None).unwrap();
    assert!(inertia <= full.inertia() * 1.02, "mini-batch {inertia} vs full {}", full.inertia());
    conformance::check_serde_roundtrip(&mb, |m| m.predict(&x).unwrap());
    conformance::check_rejects_non_finite(&x.slice(s![..200, ..]).to_owned(), |x| MiniBatchKMeans::params(4).fit(x));
    conformance::check_rejects_empty(2, |x| MiniBatchKMeans::params(4).fit(x));
    conformance::check_rejects_wrong_width(2, |x| mb.predict(x));
    conformance::check_thread_count_independence(|| MiniBatchKMeans::params(4).batch_size(512).max_iter(2).fit(&x).unwrap());
    conformance::check_seed_determinism(|seed| MiniBatchKMeans::params(4).seed(seed).max_iter(2).fit(&x).unwrap());
}

#[test]
fn partial_fit_streams_batches() {
    let x = blobs(8_000);
    let p = MiniBatchKMeans::params(4).seed(3);
    let mut m = p.partial_fit_start(&x.slice(s![..1000, ..]), None).unwrap();
    for b in 1..8 {
        m.partial_fit(&x.slice(s![b * 1000..(b + 1) * 1000, ..]), None).unwrap();
    }
    assert_eq!(m.n_steps(), 8);
    // Every row was absorbed exactly once (no reassignment needed on balanced blobs).
    let total: f64 = m.weight_sums().iter().sum();
    assert!((total - 8000.0).abs() < 1e-9 || total < 8000.0);
    let full = KMeans::params(4).seed(0).fit(&x).unwrap();
    let inertia = m.score_inertia(&x, None).unwrap();
    assert!(inertia <= full.inertia() * 1.05, "streamed {inertia} vs full {}", full.inertia());
    assert!(matches!(m.partial_fit(&array![[1.0, 2.0, 3.0]], None), Err(SegmentError::Core(CoreError::ShapeMismatch { .. }))));
    assert!(matches!(m.partial_fit(&array![[f64::NAN, 2.0]], None), Err(SegmentError::Core(CoreError::NonFinite { row: 0, .. }))));
}

#[test]
fn parameters_are_checked() {
    let x = blobs(100);
    let name = |r: Result<MiniBatchKMeans, SegmentError>| match r {
        Err(SegmentError::Core(CoreError::InvalidParameter { name, .. })) => name,
        other => panic!("expected InvalidParameter, got {other:?}"),
    };
    assert_eq!(name(MiniBatchKMeans::params(0).fit(&x)), "n_clusters");
    assert_eq!(name(MiniBatchKMeans::params(2).batch_size(0).fit(&x)), "batch_size");
    assert_eq!(name(MiniBatchKMeans::params(2).reassignment_ratio(2.0).fit(&x)), "reassignment_ratio");
    assert!(matches!(MiniBatchKMeans::params(200).fit(&x), Err(SegmentError::TooManyClusters { .. })));
}
