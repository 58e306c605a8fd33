//! Criterion benches: one Lloyd fit (given centres, fixed iterations) in f64
//! and f32, Hamerly, and a mini-batch fit, on Gaussian blobs.

use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use ndarray::Array2;
use rand::{Rng, SeedableRng, rngs::StdRng};
use rand_distr::StandardNormal;
use shopml_core::Fit;
use shopml_segment::{Algorithm, Init, KMeans, MiniBatchKMeans};

fn blobs(n: usize, d: usize, k: usize, seed: u64) -> Array2<f64> {
    let mut rng = StdRng::seed_from_u64(seed);
    let centres: Vec<f64> = (0..k * d).map(|_| rng.random_range(-10.0..10.0)).collect();
    Array2::from_shape_fn((n, d), |(i, j)| centres[(i % k) * d + j] + rng.sample::<f64, _>(StandardNormal))
}

fn bench(c: &mut Criterion) {
    let (n, d, k) = (100_000, 16, 16);
    let x = blobs(n, d, k, 1);
    let x32 = x.mapv(|v| v as f32);
    let init = x.slice(ndarray::s![..k, ..]).to_owned();
    let p = KMeans::params(k).init(Init::Given(init)).max_iter(10).tol(0.0);
    let mut g = c.benchmark_group("kmeans_100k_x16_k16_10iter");
    g.sample_size(10).measurement_time(Duration::from_secs(3)).warm_up_time(Duration::from_millis(500));
    g.bench_function("lloyd_f64", |b| b.iter(|| p.fit(&x).unwrap()));
    g.bench_function("lloyd_f32", |b| b.iter(|| p.fit(&x32).unwrap()));
    let ph = p.clone().algorithm(Algorithm::Hamerly);
    g.bench_function("hamerly_f64", |b| b.iter(|| ph.fit(&x).unwrap()));
    let mb = MiniBatchKMeans::params(k).batch_size(1024).max_iter(1).max_no_improvement(None);
    g.bench_function("minibatch_1epoch_f64", |b| b.iter(|| mb.fit(&x).unwrap()));
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
