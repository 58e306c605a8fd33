//! Criterion benches: one ALS sweep, one BPR epoch and a batch top-10 on a
//! small seeded random matrix, plus one explicit-ALS sweep and a kNN-baseline
//! fit on the same matrix read as ratings (quick settings).
use criterion::{Criterion, criterion_group, criterion_main};
use shopml_core::{Duplicates, Fit, Interactions, Triple};
use shopml_recommend::{Bpr, ExplicitAlsParams, ImplicitAls, KnnBaseline, Request, recommend_batch};

fn data() -> Interactions {
    let (nu, ni) = (2000u32, 500u32);
    let mut s = 12345u64;
    let mut t = Vec::new();
    for u in 0..nu {
        for _ in 0..20 {
            s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            let r = ((s >> 33) as f64 / (1u64 << 31) as f64).powi(3);
            t.push(Triple { user: u, item: (r * ni as f64) as u32 % ni, value: 1.0 });
        }
    }
    Interactions::from_triples(nu as usize, ni as usize, &t, Duplicates::Sum).unwrap()
}

fn bench(c: &mut Criterion) {
    let d = data();
    let mut g = c.benchmark_group("recommend");
    g.sample_size(10).measurement_time(std::time::Duration::from_secs(2)).warm_up_time(std::time::Duration::from_millis(300));
    g.bench_function("als_1_iter_32f", |b| b.iter(|| ImplicitAls::params().n_factors(32).iterations(1).fit(&d).unwrap()));
    g.bench_function("bpr_1_epoch_32f", |b| b.iter(|| Bpr::params().n_factors(32).iterations(1).fit(&d).unwrap()));
    let m = ImplicitAls::params().n_factors(32).iterations(1).fit(&d).unwrap();
    let users: Vec<usize> = (0..2000).collect();
    g.bench_function("recommend_batch_2000_top10", |b| b.iter(|| recommend_batch(&m, Some(&d), &users, &Request::top(10)).unwrap()));
    // Counts 1..5 as ratings.
    let r = d.map_values(|v| v.min(5.0)).unwrap();
    g.bench_function("explicit_als_1_iter_20f", |b| b.iter(|| ExplicitAlsParams::default().iterations(1).fit(&r).unwrap()));
    g.bench_function("knn_baseline_fit", |b| b.iter(|| KnnBaseline::params().fit(&r).unwrap()));
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
