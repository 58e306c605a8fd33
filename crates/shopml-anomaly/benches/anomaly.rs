//! Criterion benches: Isolation Forest fit and score (axis-parallel and
//! extended) on 100k × 16, LOF fit on 20k × 10, on Gaussian blobs.

use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use ndarray::Array2;
use rand::{Rng, SeedableRng, rngs::StdRng};
use rand_distr::StandardNormal;
use shopml_anomaly::{Detector, IsolationForest, LocalOutlierFactor, Splits};
use shopml_core::Fit;

fn blobs(n: usize, d: usize, k: usize, seed: u64) -> Array2<f64> {
    let mut rng = StdRng::seed_from_u64(seed);
    let centres: Vec<f64> = (0..k * d).map(|_| rng.random_range(-10.0..10.0)).collect();
    Array2::from_shape_fn((n, d), |(i, j)| centres[(i % k) * d + j] + rng.sample::<f64, _>(StandardNormal))
}

fn bench(c: &mut Criterion) {
    let x = blobs(100_000, 16, 8, 1);
    let mut g = c.benchmark_group("iforest_100k_x16");
    g.sample_size(10).measurement_time(Duration::from_secs(3)).warm_up_time(Duration::from_millis(500));
    let p = IsolationForest::params().seed(1);
    g.bench_function("fit", |b| b.iter(|| p.fit(&x).unwrap()));
    let f = p.fit(&x).unwrap();
    g.bench_function("score_samples", |b| b.iter(|| f.score_samples(&x).unwrap()));
    let pe = IsolationForest::params().splits(Splits::Extended { extension_level: None }).seed(1);
    let fe = pe.fit(&x).unwrap();
    g.bench_function("extended_score_samples", |b| b.iter(|| fe.score_samples(&x).unwrap()));
    g.finish();

    let x = blobs(20_000, 10, 8, 2);
    let mut g = c.benchmark_group("lof_20k_x10_k20");
    g.sample_size(10).measurement_time(Duration::from_secs(3)).warm_up_time(Duration::from_millis(500));
    let p = LocalOutlierFactor::params();
    g.bench_function("fit", |b| b.iter(|| p.fit(&x).unwrap()));
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
